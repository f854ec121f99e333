"""Forward mode and Hessians laid out: table, Markdown, LaTeX and JSON of the rows that the derivation
model (derivation.py: forward_mode_derivation) decided, and the Hessian matrix."""
from __future__ import annotations

from typing import NamedTuple

from .console import print_table, show, text_console, text_of
from ..passes.trace import NOT_TAKEN
from .derivation import Derivation, ForwardModeDerivation, laid_out
from .formats import RenderOptions
from .json import json_text, value_record


def forward_table(derivation: ForwardModeDerivation, options: RenderOptions = RenderOptions()) -> str:
    console = text_console(options.terminal, options.width)
    mode = derivation.description
    if options.with_trace:
        print_tangents(console, derivation)
    if derivation.gradient:  # none along --tangent alone: only that direction was carried
        print_table(console, f"Gradient by forward mode · {mode}", ["variable", f"∂{derivation.output}/∂variable"],
                    [(name, value.reading) for name, value in derivation.gradient], frozenset({1}))
    notes = [f"{derivation.output} = {derivation.value.reading}"]
    if derivation.jvp is not None:
        notes.append(f"JVP (tangent of {derivation.output} along v) = {derivation.jvp.reading}")
    notes += [f"numbers: {mode}", derivation.seed_note] + derivation.conventions
    show(console, " · ".join(notes), "dim")
    return text_of(console)


def print_tangents(console, derivation: ForwardModeDerivation, outputs: str = "output") -> None:
    """The table of forward mode's rows: each node's value, its tangents and the terms that sum to them."""
    directions = derivation.directions
    rows = laid_out(derivation.lines, lambda line: (
        line.name, line.definition, line.value.reading, *[t.reading for t in line.tangents],
        "\n".join(line.term_lines)), lambda elided: elided.text)
    print_table(console, f"Forward mode (inputs to {outputs}, dual numbers) · {derivation.description}",
                ["node", "definition", "value", *[f"tangent {d}" for d in directions],
                 "local derivative · operand tangent"], rows, frozenset(range(2, 3 + len(directions))))


def forward_markdown(derivation: ForwardModeDerivation, options: RenderOptions = RenderOptions()) -> str:
    from .markdown import cell, code

    out = ["# Forward mode", "", f"Expression: {code(derivation.source)}", "", cell(derivation.seed_note) + ".", ""]
    out += markdown_tangents(derivation)
    if derivation.gradient:  # none along --tangent alone
        out += ["", "## Gradient by forward mode", "", "| variable | ∂" + cell(derivation.output) + "/∂variable |",
                "|---|---:|"]
        out += [f"| {code(name)} | {cell(value.reading)} |" for name, value in derivation.gradient]
    if derivation.jvp is not None:
        out += ["", f"JVP (the output's tangent along v): {cell(derivation.jvp.reading)}"]
    out += [""] + [f"- {cell(note)}" for note in [f"numbers: {derivation.description}", *derivation.conventions]]
    return "\n".join(out) + "\n"


def markdown_tangents(derivation: ForwardModeDerivation) -> list[str]:
    """Forward mode's rows as a Markdown table."""
    from .markdown import cell, code

    headers = ["node", "definition", "value", *[f"tangent {cell(d)}" for d in derivation.directions],
               "local derivative · operand tangent"]
    out = ["| " + " | ".join(headers) + " |", "|" + "|".join(["---"] * len(headers)) + "|"]
    rows = laid_out(derivation.lines, lambda line: [
        code(line.name), code(line.definition), cell(line.value.reading), *[cell(t.reading) for t in line.tangents],
        "<br>".join(cell(text) for text in line.term_lines)],
        lambda elided: ["⋮", cell(elided.text)] + [""] * (len(headers) - 2))
    return out + ["| " + " | ".join(row) + " |" for row in rows]


def forward_latex(derivation: ForwardModeDerivation, options: RenderOptions = RenderOptions()) -> str:
    """Each node's tangent as Σ ∂node/∂operand · (operand's tangent), one equation per direction."""
    return "\n".join(["\\begin{align*}", *latex_tangents(derivation), "\\end{align*}"]) + "\n"


def latex_tangents(derivation: ForwardModeDerivation) -> list[str]:
    """Each node's tangent in each direction, one align* line each."""
    from . import latex

    out = []
    for line in (line for line in derivation.lines if hasattr(line, "tangents")):
        for k, tangent in enumerate(line.tangents):
            sum_ = latex.tangent_chain(line)
            middle = f"{sum_} &= " if sum_ else "&= "
            out.append(f"\\dot{{{latex.name(line.name)}}}_{{{k + 1}}} = {middle}{latex.value(tangent)} \\\\")
    return out


def forward_json(trace, with_trace: bool = True) -> str:
    numbers = trace.numbers

    def number(value):
        return None if value is None else numbers.to_json(value)

    document = {"output": trace.output, "mode": "forward", "value": number(trace.value),
                "gradient": {name: number(value) for name, value in trace.gradient.items()},
                "numbers": numbers.name, "directions": trace.directions, "conventions": trace.conventions}
    if not trace.gradient:  # along --tangent alone only the JVP was carried: no gradient to claim
        del document["gradient"]
    if trace.jvp is not None:
        document["jvp"] = number(trace.jvp)
    if with_trace:
        document["tangents"] = tangent_records(trace.rows, number)
    return json_text(document)


def tangent_records(rows: list, number) -> list[dict]:
    """Forward mode's rows (passes.dual.TangentRow) as JSON objects: value, tangents and the terms of each."""
    return [{"name": row.name, "op": row.op, "operands": row.operands, **value_record(row.value, number),
             "tangent": [None if t is NOT_TAKEN else number(t) for t in row.tangents],
             "terms": [{"operand": term.operand, "local": number(term.local),
                        "contributions": [number(c) for c in term.contributions]} for term in row.terms]}
            for row in rows]


# ---- Hessians ----

class HessianView(NamedTuple):
    """What hessian's formats show: the matrix (or H·v) and, with the passes, the gradient's derivation."""
    result: object  # passes.dual's Hessian
    derivation: Derivation | None = None  # the first pass (the gradient), traced


def hessian_json(shown: HessianView, options: RenderOptions = RenderOptions()) -> str:
    result = shown.result
    numbers = result.numbers
    value = result.value
    if hasattr(value, "shape"):  # a tensor output (its elements summed for the derivatives): the value whole
        from ..numbers.tensor import TensorNumbers

        value = TensorNumbers(numbers).to_json(value)
    else:
        value = numbers.to_json(value)
    document = {"variables": [slot.name for slot in result.slots], "value": value,
                "gradient": {name: numbers.to_json(v) for name, v in result.gradient.items()},
                "numbers": numbers.name, "conventions": result.conventions}
    if result.hessian is not None:
        document["hessian"] = [[numbers.to_json(x) for x in row] for row in result.hessian]
    if result.hvp is not None:
        document["hvp"] = {name: numbers.to_json(x) for name, x in result.hvp.items()}
    return json_text(document)


def hessian_cells(result) -> tuple[list[str], list[tuple]]:
    """The matrix (or H·v) as a table: headers and rows of texts."""
    names, numbers = [slot.name for slot in result.slots], result.numbers
    if result.hessian is None:
        return ["variable", "(H·v)"], [(name, numbers.format(result.hvp[name])) for name in names]
    return ["", *names], [(name, *map(numbers.format, row)) for name, row in zip(names, result.hessian)]


HESSIAN_NOTE = ("second pass: the backward pass run in dual numbers a + bε (forward-over-reverse); the ε part of "
                "each adjoint ∂f/∂node is its derivative along the seed, so the ε parts of the gradient are the "
                "Hessian's rows (H·v with --hvp)")


def _hessian_title(result) -> str:
    return "Hessian-vector product H·v" if result.hessian is None else "Hessian H (row i: ∂/∂xᵢ of the gradient)"


def hessian_table(shown: HessianView, options: RenderOptions = RenderOptions()) -> str:
    """The gradient's passes (if traced), then the matrix and how the second pass works."""
    from .formats import render

    text = "" if shown.derivation is None else render("table", shown.derivation,
                                                      RenderOptions(terminal=options.terminal)) + "\n"
    headers, rows = hessian_cells(shown.result)
    console = text_console(options.terminal)
    print_table(console, _hessian_title(shown.result), headers, rows, frozenset(range(1, len(headers))))
    return text + text_of(console) + HESSIAN_NOTE + "\n"


def hessian_markdown(shown: HessianView, options: RenderOptions = RenderOptions()) -> str:
    """A worked solution: how the second pass works, the gradient's passes (if traced), the matrix."""
    from .formats import render
    from .markdown import cell, code

    # H2, as every command's Markdown begins: it goes in a note, under the note's own title
    text = "## Hessian by forward-over-reverse\n\n" + HESSIAN_NOTE + ".\n\n"
    if shown.derivation is not None:
        text += render("markdown", shown.derivation, RenderOptions(graph=False)) + "\n"
    headers, rows = hessian_cells(shown.result)
    out = [f"## {cell(_hessian_title(shown.result))}", "", "| " + " | ".join(cell(h) for h in headers) + " |",
           "|---|" + "---:|" * (len(headers) - 1)]
    out += ["| " + " | ".join([code(row[0]), *map(cell, row[1:])]) + " |" for row in rows]
    return text + "\n".join(out) + "\n"
