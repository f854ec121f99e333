"""What the Python API's `evaluate` and `jacobian` return (cgcli.api), shown in notebooks as the CLI's
Markdown would show them."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..errors import InputError
from ..passes.trace import Trace
from ..render.notebook import RichOutput


@dataclass(frozen=True)
class Result(RichOutput):
    """What `evaluate` returns: numbers as the number system gives them (float, Fraction, mpf,
    interval; with "digits", the N correct digits as text), `trace` as plain dicts (the forward pass's rows: name, op, operands, value).
    In a notebook it shows as `cgrad eval --format markdown` writes it (`_repr_markdown_`, `_repr_html_`, `_repr_latex_`)."""

    output: str
    value: Any
    gradient: dict[str, Any]
    trace: list[dict[str, Any]] = field(default_factory=list)
    conventions: list[str] = field(default_factory=list)
    passes: Trace | None = field(default=None, repr=False, compare=False)  # the passes as run, for the renderers

    def _repr_markdown_(self) -> str:
        from ..render.formats import render

        return render("markdown", self._derivation())

    def _repr_latex_(self) -> str:
        from ..render.formats import render

        return render("latex", self._derivation())

    def _derivation(self):
        from ..render.derivation import derive

        if self.passes is None:
            raise InputError("this Result was made without its passes: cgcli.evaluate(...) makes one that shows itself")
        return derive(self.passes, None, 60)  # long tables elided in the middle, as `cgrad eval` does by default


@dataclass(frozen=True)
class JacobianResult(RichOutput):
    """What `jacobian` returns: each output's value and its partial derivatives, numbers as in `Result`.
    In a notebook it shows as `cgrad eval --output … --format markdown` writes it."""

    outputs: list[str]
    variables: list[str]  # the columns: every variable of the outputs, or `wrt`
    values: dict[str, Any]  # output → value
    jacobian: dict[str, dict[str, Any]]  # output → variable → ∂output/∂variable
    conventions: list[str] = field(default_factory=list)
    passes: Any = field(default=None, repr=False, compare=False)  # passes.jacobian.Jacobian, for the renderers

    def matrix(self) -> list[list[Any]]:
        """The Jacobian as rows (outputs) of columns (variables)."""
        return [[self.jacobian[output][name] for name in self.variables] for output in self.outputs]

    def _repr_markdown_(self) -> str:
        from ..render.jacobian import markdown

        return markdown(self._view())

    def _repr_latex_(self) -> str:
        from ..render.jacobian import latex_fragment

        return latex_fragment(self._view())

    def _view(self):
        from ..render.jacobian import view

        if self.passes is None:
            raise InputError("this JacobianResult was made without its passes: cgcli.jacobian(...) makes one that "
                             "shows itself")
        return view(self.passes, 60)  # long tables elided in the middle, as `cgrad eval` does by default
