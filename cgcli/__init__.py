"""cgrad: values, gradients and textbook derivations of formulas, from the command line and from Python.

    >>> import cgcli
    >>> cgcli.evaluate("3*(a + b*c)", at={"a": 1, "b": 2, "c": 3}).value
    21.0

`parse`, `evaluate` and `Result` come from cgcli.api, `compile` from cgcli.api.compiled, imported on first use so that `import cgcli`
(and the CLI's start) stays cheap; errors are `InputError` (exit 2 in the CLI) and `MathError` (exit 1).
"""
from __future__ import annotations

from .errors import CgradError, InputError, MathError

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing (~10 ms) at `import cgcli`
if TYPE_CHECKING:
    from .api import Result, evaluate, parse
    from .api.compiled import Compiled, compile

__version__ = "0.1.0"
__all__ = ["parse", "evaluate", "compile", "Compiled", "Result", "CgradError", "InputError", "MathError", "__version__"]
_LAZY = {"parse": "api", "evaluate": "api", "compile": "api.compiled", "Result": "api", "Compiled": "api.compiled"}


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module 'cgcli' has no attribute {name!r}")
