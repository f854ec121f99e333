"""Markdown: a worked solution for notes (GitHub, Obsidian): the expression, the Mermaid graph,
the forward and backward tables, and the chain rule at every node as a LaTeX equation."""
from __future__ import annotations

from collections.abc import Callable

from ..text import excerpt
from . import figure as figures
from . import latex
from .derivation import NAIVE_HEADER, NAIVE_TITLE, BackwardLine, Derivation, Elided, Partial, grouped_by_call, laid_out
from .formats import RenderOptions

_ESCAPES = str.maketrans({ch: "\\" + ch for ch in "\\`*_[]<>|$~#!"} | {"&": "&amp;", "\n": "<br>", "\r": ""})


def cell(text: str) -> str:
    """Plain text for a GitHub-flavoured Markdown table cell or paragraph: every character Markdown
    could read as syntax escaped, `|` included."""
    return text.translate(_ESCAPES)


def lines_cell(lines: list[str]) -> str:
    return "<br>".join(cell(line) for line in lines)


def code(text: str) -> str:
    """An inline code span around any text (a fence longer than its longest run of backticks)."""
    text = " ".join(text.split())
    run, best = 0, 0
    for ch in text:
        run = run + 1 if ch == "`" else 0
        best = max(best, run)
    fence = "`" * (best + 1)
    padded = f" {text} " if text.startswith("`") or text.endswith("`") else text
    return f"{fence}{padded.replace('|', chr(92) + '|')}{fence}"


def table(headers: list[str], right: set[int], rows: list, cells: Callable[[object], list[str]]) -> list[str]:
    """A table of `rows`, each as `cells` writes it; the Elided marker as a ⋮ row saying how many are left
    out; the rows of a defined function's call under a row naming the call."""
    out = ["| " + " | ".join(headers) + " |",
           "|" + "|".join("---:" if i in right else "---" for i in range(len(headers))) + "|"]

    def laid(row):
        if isinstance(row, Elided):
            return ["⋮", row.text] + [""] * (len(headers) - 2)
        made = cells(row)
        return made if getattr(row, "call", None) is None else ["&emsp;" + made[0], *made[1:]]

    rows = grouped_by_call(rows, laid, lambda call: [f"*{code(call)}*"] + [""] * (len(headers) - 1))
    return out + ["| " + " | ".join(row) + " |" for row in rows]


def worksheet_heading(title: str | None) -> list[str]:
    """`# Worksheet` and what to do, `# Answer key`, or nothing."""
    if not title:
        return []
    out = [f"# {title}", ""]
    if title == "Worksheet":
        out += ["Fill in every blank (\\_\\_\\_\\_). The answer key: the same command with `--answers`.", ""]
    return out


def render(derivation: Derivation, options: RenderOptions = RenderOptions()) -> str:
    """The worked solution: the program, the point, the Mermaid graph, the passes' tables, the
    chain rule at each node as LaTeX and the gradient."""
    out = worksheet_heading(options.title) + program_heading(derivation)
    if options.with_trace:
        if options.graph:
            out += ["", *_mermaid(derivation)]
        out += _passes(derivation)
    top, naive = derivation.output, derivation.naive is not None
    out += ["", "### Gradient", ""]
    out += table(["variable", "value", cell(str(Partial(top, "variable")))] + [cell(NAIVE_HEADER)] * naive,
                  {1, 2, 3}, derivation.gradient_shown,
                  lambda line: [cell(line.name), cell(line.value.reading) if line.value else "",
                                cell(line.gradient.reading)] + ([cell(line.naive_cell)] if naive else []))
    if naive:
        out += ["", f"**{cell(NAIVE_TITLE)}.** {cell(derivation.naive.line)}"]
    return "\n".join(out) + "\n"


def program_heading(derivation: Derivation) -> list[str]:
    """The program as a heading (or a block, when long), the point, the value and the conventions."""
    out = source_heading(derivation.source)
    out += ["", f"At {cell(derivation.at)}: **{cell(derivation.output)} = {cell(derivation.value.reading)}**. "
                f"Numbers: {cell(derivation.description)}."]
    if derivation.conventions:
        out += ["", "Conventions: " + "; ".join(cell(note) for note in derivation.conventions) + "."]
    return out


def source_heading(source: str) -> list[str]:
    """The program as a heading, or under one as a block when it is long."""
    source = source.strip()
    if "\n" not in source and len(source) <= 100:
        return [f"## {code(source)}"]
    # the lines as written (joined, they read as another program), or an excerpt when very long
    shown = "\n".join(line.rstrip() for line in source.split("\n")) if len(source) <= 4000 else excerpt(
        source, 0, len(source), 4000)
    return ["## Program", "", "```text", shown.replace("```", "ʼʼʼ"), "```"]


def _passes(derivation: Derivation) -> list[str]:
    """The forward and backward tables, then the chain rule at each node as a LaTeX equation."""
    top = derivation.output
    out = ["", "### Forward pass (inputs to output)", ""] + forward_table(derivation)
    out += ["", f"### Backward pass (output to inputs): {cell(str(Partial(top, 'node')))}", ""]
    return out + backward_table(derivation) + ["", "### The chain rule at each node"] + chain_equations(derivation)


def forward_table(derivation: Derivation) -> list[str]:
    shaped = derivation.shaped
    return table(["node", "definition", "source"] + ["shape"] * shaped + ["value"], {3 + shaped},
                  derivation.forward_shown, lambda line: [cell(line.name), cell(line.definition),
                                                          code(line.source) if line.source else ""]
                  + [line.shape_text] * shaped + [cell(line.value.reading)])


def backward_table(derivation: Derivation) -> list[str]:
    top = derivation.output
    return table(["node", "chain rule", "local derivative", "upstream × local", cell(str(Partial(top, "node")))],
                  {4}, derivation.backward_shown, _backward_cells)


def chain_equations(derivation: Derivation) -> list[str]:
    """The chain rule at each node of the backward pass, one display equation each."""
    out, top = [], derivation.output
    for equation in laid_out(derivation.backward_shown, lambda line: latex.chain_equation(top, line).replace(
            "&=", "=", 1), lambda elided: "\\vdots"):
        out += ["", f"$${equation}$$"]
    return out


def _backward_cells(line: BackwardLine) -> list[str]:
    return [cell(line.name), lines_cell(line.chain_lines), lines_cell(line.local_lines),
            lines_cell(line.product_lines), cell(line.adjoint.reading)]


def _mermaid(derivation: Derivation) -> list[str]:
    return mermaid_block(figures.build(derivation.forward, derivation.output, derivation))


def mermaid_block(figure: figures.Figure) -> list[str]:
    """The figure as a ```mermaid block, or a line saying why it is not drawn."""
    from .mermaid import render as mermaid, too_large

    text = mermaid(figure)
    problem = too_large(figure, text)
    if problem:
        return [f"*The graph is not drawn here: it has {cell(problem)}. "
                f"`cgrad diagram --collapse DEPTH` draws a folded one.*"]
    return ["```mermaid", text.rstrip("\n"), "```"]
