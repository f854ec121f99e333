"""Markdown: a worked solution for notes (GitHub, Obsidian): the expression, the Mermaid graph,
the forward and backward tables, and the chain rule at every node as a LaTeX equation."""
from __future__ import annotations

from ..errors import excerpt
from ..graph import CONSTANT, VARIABLE
from ..trace import Trace
from . import figure as figures
from . import latex
from .notation import definition, local_rule, partial, shape_of

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


def _table(headers: list[str], right: set[int], rows: list[list[str]], max_rows: int) -> list[str]:
    out = ["| " + " | ".join(headers) + " |",
           "|" + "|".join("---:" if i in right else "---" for i in range(len(headers))) + "|"]
    if max_rows and len(rows) > max_rows:
        half = max_rows // 2
        hidden = len(rows) - 2 * half
        rows = rows[:half] + [["⋮", f"{hidden} more rows (--max-rows 0 shows all)"]
                              + [""] * (len(headers) - 2)] + rows[-half:]
    out += ["| " + " | ".join(row) + " |" for row in rows]
    return out


def at_text(trace: Trace) -> str:
    """a = 1, b = 2, c = 3: the point, from the variables' rows."""
    numbers = trace.numbers
    return ", ".join(f"{row.name} = {numbers.format(row.value)}" for row in trace.forward if row.op == VARIABLE)


def render(trace: Trace, with_trace: bool = True, max_rows: int = 60, title: str | None = None,
           graph: bool = True) -> str:
    numbers, top = trace.numbers, trace.output
    fmt = numbers.format_reading
    out = []
    if title:
        out += [f"# {title}", ""]
        if title == "Worksheet":
            out += ["Fill in every blank (\\_\\_\\_\\_). The answer key: the same command with `--answers`.", ""]
    source = trace.source.strip()
    if "\n" not in source and len(source) <= 100:
        out.append(f"## {code(source)}")
    else:
        out += ["## Program", "", "```text", excerpt(source, 0, len(source), 4000).replace("```", "ʼʼʼ"), "```"]
    out += ["", f"At {cell(at_text(trace))}: **{cell(top)} = {cell(fmt(trace.value))}**. "
                f"Numbers: {cell(numbers.description)}."]
    if trace.conventions:
        out += ["", "Conventions: " + "; ".join(cell(note) for note in trace.conventions) + "."]
    if with_trace:
        if graph:
            out += ["", *_mermaid(trace)]
        out += ["", "### Forward pass (inputs to output)", ""]
        tensors = any(shape_of(row.value) for row in trace.forward)
        out += _table(["node", "definition", "source"] + ["shape"] * tensors + ["value"], {3 + tensors}, [
            [cell(row.name), cell(definition(row) if row.op != VARIABLE else "input"),
             "" if row.op in (VARIABLE, CONSTANT) else code(excerpt(trace.source, *row.span))]
            + [shape_of(row.value) or "scalar"] * tensors + [cell(fmt(row.value))] for row in trace.forward],
            max_rows)
        out += ["", f"### Backward pass (output to inputs): {cell(partial(top, 'node'))}", ""]
        out += _table(["node", "chain rule", "local derivative", "upstream × local", cell(partial(top, "node"))],
                      {4}, [_backward_cells(trace, row) for row in trace.backward], max_rows)
        out += ["", "### The chain rule at each node", ""]
        rows = trace.backward
        if max_rows and len(rows) > max_rows:
            rows = rows[: max_rows // 2] + [None] + rows[-(max_rows // 2):]
        for row in rows:
            if row is None:
                out += ["$$\\vdots$$", ""]
                continue
            out += [f"$${latex.chain_equation(trace, row).replace('&=', '=', 1)}$$", ""]
        out.pop()
    values = {row.name: row.value for row in trace.forward if row.op == VARIABLE}
    out += ["", "### Gradient", ""]
    out += _table(["variable", "value", cell(partial(top, "variable"))], {1, 2}, [
        [cell(name), cell(fmt(values[name])) if name in values else "", cell(fmt(gradient))]
        for name, gradient in trace.gradient.items()], max_rows)
    return "\n".join(out) + "\n"


def _backward_cells(trace: Trace, row) -> list[str]:
    numbers, top = trace.numbers, trace.output
    fmt = numbers.format
    chain, locals_, products = [], [], []
    for i, term in enumerate(row.terms):
        plus = "" if i == 0 else "+ "
        chain.append(plus + f"{partial(top, term.consumer)} · {partial(term.consumer, row.name)}")
        if term.local is None:  # a tensor op: its vector-Jacobian product
            locals_.append(f"{partial(top, row.name)} += {local_rule(term, partial(top, term.consumer))}")
            products.append(plus + fmt(term.contribution))
            continue
        rule, local = local_rule(term), fmt(term.local)
        locals_.append(f"{partial(term.consumer, row.name)} = {rule}" + ("" if rule == local else f" = {local}"))
        products.append(plus + f"{fmt(term.upstream)} × {local if not local.startswith('-') else f'({local})'}")
    return [cell(row.name), lines_cell(chain) or "(output)", lines_cell(locals_), lines_cell(products),
            cell(numbers.format_reading(row.adjoint))]


def _mermaid(trace: Trace) -> list[str]:
    from .mermaid import render as mermaid, too_large

    figure = figures.build(trace.forward, trace.output, trace)
    text = mermaid(figure)
    problem = too_large(figure, text)
    if problem:
        return [f"*The graph is not drawn here: it has {cell(problem)}. "
                f"`cgrad diagram --collapse DEPTH` draws a folded one.*"]
    return ["```mermaid", text.rstrip("\n"), "```"]
