"""The uncertainty budget for notes: Markdown (the graph, the backward pass that gives each sensitivity
coefficient, the budget table, u_c as an equation) and a LaTeX fragment of the same, from budget.py's cells."""
from __future__ import annotations

import math

from ..passes.uncertainty import Budget, OutputBudget
from . import latex as tex
from .budget import concise, correlation_cells, headers, lines, results_line, summary_lines, three
from .markdown import cell, code


def _inputs_line(budget: Budget) -> str:
    parts = [f"{q.name} = {q.text} ± {q.u!r}" + (f" (ν = {q.dof:g})" if math.isfinite(q.dof) else "")
             for q in budget.inputs.measured]
    parts += [f"{name} = {text} (exact)" for name, text in budget.inputs.constants]
    parts += [f"r({a}, {b}) = {r:g}" for (a, b), r in budget.inputs.correlations.items()]
    return "; ".join(parts)


def _combined(output: OutputBudget, correlated: bool) -> str:
    """u_c² = Σ cᵢ² u²(xᵢ) [+ 2 Σ cᵢ cⱼ u(xᵢ) u(xⱼ) r(xᵢ, xⱼ)] (GUM 5.1.2, 5.2.2), with its value."""
    y = tex.name(output.name)
    text = rf"u_c^2({y}) = \sum_i c_i^2\,u^2(x_i)"
    if correlated:
        text += r" + 2\sum_{i<j} c_i c_j\,u(x_i)\,u(x_j)\,r(x_i, x_j)"
    return text + rf", \quad u_c({y}) = {tex.number(three(output.u))}"


def markdown(budget: Budget) -> str:
    """Per output: its derivation as `cgrad eval --format markdown` writes it, then its budget."""
    from .derivation import derive
    from .markdown import render

    out = [f"# Uncertainty budget: {code(budget.source.strip())}", "", f"Inputs: {cell(_inputs_line(budget))}.", "",
           "Each sensitivity coefficient cᵢ = ∂y/∂xᵢ is a partial derivative of the backward pass below."]
    for output in budget.outputs.values():
        derivation = render(derive(output.trace, None, 60), True, None).split("\n", 1)[1]
        out += ["", f"## {cell(output.name)}", derivation.rstrip("\n"), "", f"### Budget of {cell(output.name)}", ""]
        names = headers(output.name)
        out += ["| " + " | ".join(cell(h) for h in names) + " |", "|---|---|" + "---:|" * (len(names) - 2)]
        out += ["| " + " | ".join(cell(text) for text in (line.input, line.estimate, line.u, line.sensitivity,
                                                              line.contribution, line.term, line.share)) + " |"
                for line in lines(output)]
        out += ["", f"$${_combined(output, bool(budget.inputs.correlations))}$$", ""]
        out += [f"- {cell(line)}" for line in summary_lines(output)]
    if len(budget.outputs) > 1:
        head, rows = correlation_cells(budget)
        out += ["", "## Correlation between the outputs", "", "| " + " | ".join(map(cell, head)) + " |",
                "|---|" + "---:|" * (len(head) - 1)]
        out += ["| " + " | ".join(map(cell, row)) + " |" for row in rows]
    out += ["", f"**{cell(results_line(budget))}**"]
    return "\n".join(out) + "\n"


def _text(text: str) -> str:
    """Budget text in a tabular cell: numbers as LaTeX numbers, names as names, the rest as text."""
    if not text:
        return ""
    try:
        float(text)
        return f"${tex.number(text)}$"
    except ValueError:
        pass
    if text.endswith(" %"):
        return text[:-2] + r"\,\%"
    if text.startswith("r = "):
        return f"$r = {tex.number(text[4:])}$"
    return f"${tex.name(text)}$" if text.isidentifier() else f"${tex.number(text)}$"


def latex(budget: Budget) -> str:
    """Per output: the derivation's align* (`cgrad eval --format latex`), then the budget as a tabular and u_c."""
    from .derivation import derive
    from .latex import render

    out = [f"% cgrad uncertainty: {' '.join(budget.source.split())}", f"% inputs: {_inputs_line(budget)}",
           r"% needs \usepackage{amsmath}"]
    for output in budget.outputs.values():
        y = tex.name(output.name)
        out += [render(derive(output.trace, None, 60)).rstrip("\n"), "", r"\begin{tabular}{lllrrrr}", r"\hline",
                rf"input & estimate $x_i$ & $u(x_i)$ & $c_i = \partial {y}/\partial x_i$ & $u_i({y}) = c_i u(x_i)$ "
                rf"& term of $u_c^2({y})$ & share \\", r"\hline"]
        for line in lines(output):
            first = (rf"$r({tex.name(line.input[2:-1].split(', ')[0])}, {tex.name(line.input[2:-1].split(', ')[1])})$"
                     if line.correlated else f"${tex.name(line.input)}$")
            contribution = (r"$2 r\,u_i u_j$" if line.correlated else _text(line.contribution))
            out.append(" & ".join([first, _text(line.estimate), _text(line.u), _text(line.sensitivity), contribution,
                                   _text(line.term), _text(line.share)]) + r" \\")
        out += [r"\hline", r"\end{tabular}", "", r"\begin{align*}",
                _combined(output, bool(budget.inputs.correlations)).replace(" = ", " &= ", 1)
                + rf" \\ {y} &= \text{{{concise(output.value, output.u)}}}", r"\end{align*}"]
    if len(budget.outputs) > 1:
        head, rows = correlation_cells(budget)
        out += ["", r"\begin{tabular}{l" + "r" * (len(head) - 1) + "}", r"\hline",
                " & ".join(["$r$"] + [f"${tex.name(h)}$" for h in head[1:]]) + r" \\", r"\hline"]
        out += [" & ".join([f"${tex.name(row[0])}$"] + [_text(x) for x in row[1:]]) + r" \\" for row in rows]
        out += [r"\hline", r"\end{tabular}"]
    return "\n".join(out) + "\n"
