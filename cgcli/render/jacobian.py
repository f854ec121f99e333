"""Several outputs laid out: the Jacobian matrix (output × variable) and the passes that gave it, as
terminal tables, JSON, Markdown and LaTeX; what every cell shows is decided once, in `view`."""
from __future__ import annotations

from dataclasses import dataclass, field

from ..passes.trace import Trace
from ..language.syntax import one_line
from .derivation import Derivation, ForwardModeDerivation, NumberText, derive, elide, forward_mode_derivation, laid_out
from .derivation import point_of
from .formats import RenderOptions
from .json import json_text


@dataclass
class JacobianView:
    source: str
    description: str  # the number system, in words
    conventions: list[str]
    mode: str  # "reverse", "forward" or "both"
    at: str  # `V = 4.999, I = 0.019661`: the point
    outputs: list[str]
    columns: list[str]
    values: dict[str, NumberText]
    entries: dict[str, dict[str, NumberText]]  # output → column → ∂output/∂column
    max_rows: int = 0
    forward: Derivation | None = None  # reverse mode with the passes: the shared forward pass
    backward: dict[str, Derivation] = field(default_factory=dict)  # reverse mode: each output's backward pass
    tangents: ForwardModeDerivation | None = None  # forward mode (or both) with the passes
    agreement: str | None = None  # --mode both: how the two modes' matrices agree
    directions: int = 0  # forward mode: how many tangents (one per variable, or per element of a tensor one)
    result: object = None  # the passes.jacobian.Jacobian shown (JSON writes its numbers as the system's JSON)
    forward_result: object = None  # --mode both: forward mode's Jacobian beside it

    @property
    def method(self) -> str:
        """How the matrix was computed, in words."""
        reverse = f"one backward pass for each of the {len(self.outputs)} outputs over one shared forward pass"
        forward = f"{self.directions} tangents, one per scalar input, pushed through one forward pass in dual numbers"
        if self.mode == "both":
            return f"reverse mode ({reverse}) and forward mode ({forward}) agree: {self.agreement}"
        return f"reverse mode: {reverse}" if self.mode == "reverse" else f"forward mode: {forward}"

    @property
    def rows_shown(self) -> list:
        """The outputs (past --max-rows, both ends of them and an Elided marker)."""
        return elide(self.outputs, self.max_rows)


def view(result, max_rows: int = 0, with_trace: bool = True, forward=None, agreement: str | None = None,
         derived: bool = True) -> JacobianView:
    """What every format shows of a passes.jacobian.Jacobian; with --mode both, of the reverse-mode
    `result` and the `forward`-mode one beside it, which agree as `agreement` says. Not `derived`:
    without the passes' derivations (JSON writes the records themselves)."""
    numbers = result.numbers
    values = {name: NumberText(numbers, value) for name, value in result.values.items()}
    entries = {name: {column: NumberText(numbers, value) for column, value in row.items()}
               for name, row in result.matrix.items()}
    shown = JacobianView(result.source, numbers.description, list(result.conventions), result.mode,
                         point_of({name: NumberText(numbers, value) for name, value in result.at.items()}),
                         result.outputs, result.columns, values, entries, max_rows, result=result,
                         forward_result=forward)
    with_trace = with_trace and derived
    if with_trace and result.mode == "reverse":
        last = result.outputs[-1]
        shared = Trace(result.source, last, result.values[last], {}, result.forward, [], numbers, result.conventions)
        shown.forward = derive(shared, None, max_rows)
        shown.backward = {name: derive(trace, None, max_rows) for name, trace in result.traces.items()}
    if forward is not None:
        shown.mode, shown.agreement = "both", agreement
    tangents = forward.tangents if forward is not None else result.tangents  # None in reverse mode alone
    if tangents is not None:
        shown.directions = len(tangents.directions)
        if with_trace:
            shown.tangents = forward_mode_derivation(tangents, max_rows)
    return shown


def _headers(shown: JacobianView) -> list[str]:
    return ["output", "value", *[f"∂/∂{column}" for column in shown.columns]]


def _cells(shown: JacobianView, name: str, text=lambda number: number.reading) -> list[str]:
    return [name, text(shown.values[name]), *[text(shown.entries[name][column]) for column in shown.columns]]


# ---- terminal ----

def table(shown: JacobianView, options: RenderOptions = RenderOptions()) -> str:
    """The passes (if kept), then the Jacobian as a table of output × variable, then how it was computed."""
    from .console import print_table, show, text_console, text_of
    from .table import print_backward, print_forward
    from .tangents import print_tangents

    console = text_console(options.terminal)
    if shown.forward is not None:
        print_forward(console, shown.forward, "outputs")
        for name in shown.outputs:
            print_backward(console, shown.backward[name], name)
    if shown.tangents is not None:
        print_tangents(console, shown.tangents, "outputs")
    rows = laid_out(shown.rows_shown, lambda name: _cells(shown, name), lambda elided: elided.text)  # a note row
    print_table(console, f"Jacobian · {shown.description}", _headers(shown), rows,
                frozenset(range(1, len(shown.columns) + 2)))
    show(console, " · ".join([f"at {shown.at}", f"numbers: {shown.description}", shown.method, *shown.conventions]),
         "dim")
    return text_of(console)


# ---- JSON ----

def document(result, with_trace: bool = True) -> dict:
    """The JSON object: outputs, variables, "values" and "jacobian" (output → variable → partial) and,
    with the passes, the shared forward pass and each output's backward pass (or forward mode's rows)."""
    from .json import backward_records, forward_records
    from .tangents import tangent_records

    numbers = result.numbers

    def number(value):
        return None if value is None else numbers.to_json(value)

    out = {"outputs": result.outputs, "variables": result.columns,
           "values": {name: number(value) for name, value in result.values.items()},
           "jacobian": matrix_json(result), "numbers": numbers.name,
           **({"digits": numbers.digits} if numbers.name == "digits" else {}),
           "mode": result.mode, "conventions": result.conventions}
    if with_trace and result.mode == "reverse":
        out["forward"] = forward_records(result.forward, result.source, number)
        out["backward"] = {name: backward_records(trace.backward, number) for name, trace in result.traces.items()}
    elif with_trace:
        out["directions"] = result.tangents.directions
        out["tangents"] = tangent_records(result.tangents.rows, number)
    return out


def matrix_json(result) -> dict:
    number = result.numbers.to_json
    return {name: {column: number(value) for column, value in row.items()} for name, row in result.matrix.items()}


def to_json(shown: JacobianView, options: RenderOptions = RenderOptions()) -> str:
    """The JSON object of the view's Jacobian (with --mode both, forward mode's beside it)."""
    out = document(shown.result, options.with_trace)
    if shown.forward_result is not None:
        out.update(mode="both", forward_mode=document(shown.forward_result, options.with_trace), agree=shown.agreement)
    return json_text(out)


# ---- Markdown ----

def markdown(shown: JacobianView, options: RenderOptions = RenderOptions()) -> str:
    """A worked solution for notes: the program, the point and every output's value, the graph of all
    outputs, the shared forward pass, each output's backward pass with its chain rule, then the
    Jacobian as a matrix and as a table."""
    from . import figure as figures
    from . import markdown as md

    cell = md.cell
    values = ", ".join(f"**{cell(name)} = {cell(shown.values[name].reading)}**" for name in shown.outputs)
    out = md.source_heading(shown.source)
    out += ["", f"At {cell(shown.at)}: {values}. Numbers: {cell(shown.description)}."]
    if shown.conventions:
        out += ["", "Conventions: " + "; ".join(cell(note) for note in shown.conventions) + "."]
    out += ["", cell(shown.method[0].upper() + shown.method[1:]) + "."]
    passes = shown.forward or shown.tangents
    if passes is not None:
        out += ["", *md.mermaid_block(figures.build(passes.forward, shown.outputs[-1], None,
                                                    outputs=tuple(shown.outputs)))]
    if shown.forward is not None:
        out += ["", "### Forward pass (inputs to outputs)", "", *md.forward_table(shown.forward)]
        for name in shown.outputs:
            derivation = shown.backward[name]
            out += ["", f"### Backward pass from {cell(name)}: {cell(f'∂{name}/∂node')}", "",
                    *md.backward_table(derivation), "", f"#### The chain rule at each node, for {cell(name)}",
                    *md.chain_equations(derivation)]
    if shown.tangents is not None:
        from .tangents import markdown_tangents

        out += ["", "### Forward mode (inputs to outputs, dual numbers)", "", cell(shown.tangents.seeding) + ".", "",
                *markdown_tangents(shown.tangents)]
    out += ["", "### Jacobian", "", f"$${matrix_latex(shown)}$$", ""]
    out += md.table([cell(header) for header in _headers(shown)], set(range(1, len(shown.columns) + 2)),
                    shown.rows_shown, lambda name: [cell(text) for text in _cells(shown, name)])
    return "\n".join(out) + "\n"


# ---- LaTeX ----

def matrix_latex(shown: JacobianView) -> str:
    """∂(R, X)/∂(V, I) = [[…]]: the Jacobian's symbol and its matrix (past --max-rows, the middle rows as ⋮)."""
    from . import latex

    tops = ", ".join(latex.name(name) for name in shown.outputs)
    bottoms = ", ".join(latex.name(column) for column in shown.columns)
    rows = laid_out(shown.rows_shown, lambda name: " & ".join(latex.value(shown.entries[name][column])
                                                              for column in shown.columns),
                    lambda _: " & ".join([r"\vdots"] * len(shown.columns)))
    return rf"\frac{{\partial({tops})}}{{\partial({bottoms})}} = " + latex.matrix(rows, len(shown.columns))


def latex_fragment(shown: JacobianView, options: RenderOptions = RenderOptions()) -> str:
    """An align* fragment: the shared forward pass, each output's chain rule node by node (or forward
    mode's tangents), then the Jacobian matrix. Needs amsmath."""
    from . import latex

    head = ["% cgrad: " + one_line(shown.source), f"% at {shown.at}",
            f"% numbers: {shown.description}" + "".join(f"; {note}" for note in shown.conventions),
            f"% {shown.method}", r"% needs \usepackage{amsmath}"]
    parts = []
    if shown.forward is not None:
        parts.append(r"\intertext{Forward pass (inputs to outputs)}" + "\n"
                     + " \\\\\n".join(latex.forward_lines(shown.forward)))
        for name in shown.outputs:
            lines = latex.backward_lines(shown.backward[name])
            if lines:
                parts.append(rf"\intertext{{Backward pass from ${latex.name(name)}$: the chain rule for "
                             rf"$\partial {latex.name(name)}/\partial\,\mathrm{{node}}$}}" + "\n"
                             + " \\\\[3pt]\n".join(lines))
    if shown.tangents is not None:
        from .tangents import latex_tangents

        lines = [line.removesuffix(" \\\\") for line in latex_tangents(shown.tangents)]
        parts.append(r"\intertext{Forward mode (inputs to outputs, dual numbers)}" + "\n" + " \\\\\n".join(lines))
    parts.append(r"\intertext{Jacobian}" + "\n" + matrix_latex(shown).replace(" = ", " &= ", 1))
    return "\n".join(head) + "\n\\begin{align*}\n" + " \\\\\n".join(parts) + "\n\\end{align*}\n"
