"""cgrad: values, gradients and textbook derivations of formulas, from the command line and from Python.

    >>> import cgcli
    >>> cgcli.evaluate("3*(a + b*c)", at={"a": 1, "b": 2, "c": 3}).value
    21.0

`parse`, `evaluate`, `jacobian`, `Result` and `JacobianResult` come from cgcli.api, `uncertainty` and
`UncertaintyResult` from cgcli.api.uncertainty, `compile` from cgcli.api.compiled, imported on first use so that `import cgcli`
(and the CLI's start) stays cheap; `%load_ext cgcli` in IPython finds `load_ipython_extension` the same way. Errors are `InputError` (exit 2 in the CLI) and `MathError` (exit 1).
"""
from __future__ import annotations

from .errors import CgradError, InputError, MathError

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing (~10 ms) at `import cgcli`
if TYPE_CHECKING:
    from .api import JacobianResult, Result, evaluate, jacobian, parse
    from .api.compiled import Compiled, compile
    from .api.uncertainty import UncertaintyResult, uncertainty

__version__ = "0.1.0"
__all__ = ["parse", "evaluate", "jacobian", "uncertainty", "compile", "Compiled", "Result", "JacobianResult",
           "UncertaintyResult", "CgradError", "InputError", "MathError", "__version__"]
_LAZY = {"parse": "api", "evaluate": "api", "jacobian": "api", "JacobianResult": "api", "compile": "api.compiled",
         "Result": "api", "Compiled": "api.compiled", "uncertainty": "api.uncertainty",
         "UncertaintyResult": "api.uncertainty", "load_ipython_extension": "cli.jupyter"}  # `%load_ext cgcli` in IPython: the %cgrad magics


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module 'cgcli' has no attribute {name!r}")
