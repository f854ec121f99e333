"""The uncertainty budget for notes: Markdown (the graph, the backward pass that gives each sensitivity
coefficient, the budget table, u_c as an equation) and a LaTeX fragment of the same, from budget.py's cells."""
from __future__ import annotations

import math

from ..passes.uncertainty import Budget, OutputBudget
from . import latex as tex
from .budget import (concise, correlation_cells, headers, lines, monte_carlo_numbers, results_line, significant,
                     summary_lines, three, with_dof)
from ..language.syntax import one_line
from .formats import RenderOptions
from .markdown import cell, code, table


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


def markdown(budget: Budget, options: RenderOptions = RenderOptions()) -> str:
    """Per output: its derivation as `cgrad eval --format markdown` writes it, then its budget."""
    from .derivation import derive
    from .formats import render

    out = [f"## Uncertainty budget: {code(one_line(budget.source))}", "", f"Inputs: {cell(_inputs_line(budget))}.", "",
           "Each sensitivity coefficient cᵢ = ∂y/∂xᵢ is a partial derivative of the backward pass below."]
    for output in budget.outputs.values():
        # eval's worked solution without its title, its sections one level down, under the output's heading
        derivation = render("markdown", derive(output.trace, None, 60)).split("\n", 1)[1]
        derivation = "\n".join("#" + line if line.startswith("### ") else line for line in derivation.split("\n"))
        out += ["", f"### {cell(output.name)}", derivation.rstrip("\n"), "", f"#### Budget of {cell(output.name)}", ""]
        dof = with_dof(output)
        names = headers(output.name, dof)
        out += table([cell(h) for h in names], set(range(2, len(names))), lines(output),
                     lambda line: [cell(text) for text in line.cells(dof)])
        out += ["", f"$${_combined(output, bool(budget.inputs.correlations))}$$", ""]
        out += [f"- {cell(line)}" for line in summary_lines(output)]
    if len(budget.outputs) > 1:
        head, rows = correlation_cells(budget)
        out += ["", "### Correlation between the outputs", ""]
        out += table(list(map(cell, head)), set(range(1, len(head))), rows, lambda row: list(map(cell, row)))
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


def _latex_extras(output: OutputBudget) -> list[str]:
    """ν_eff, U, the second-order u_c and Monte Carlo's results as align* lines (summary_lines, in LaTeX)."""
    y, out = tex.name(output.name), []

    def n(x: float) -> str:
        return tex.number(three(x))

    if output.dof is not None:
        dof = n(output.dof) if math.isfinite(output.dof) else r"\infty"
        out.append(rf"\nu_{{\mathrm{{eff}}}} &= {dof}"
                   r" && \text{Welch--Satterthwaite, GUM G.4.2}")
    if output.U is not None:
        p = "" if output.coverage is None else rf" && p = {100 * output.coverage:.4g}\,\%"
        out.append(rf"U &= k\,u_c({y}) = {n(output.k)} \cdot {n(output.u)} = {n(output.U)}{p}")
    if output.second_order is not None:
        out.append(rf"u_c({y}) &= {n(output.second_order.u)} && \text{{with the second-order terms, GUM 5.1.2}}")
    m = output.monte_carlo
    if m is not None:
        verdict = "validates" if m.validated else "does not validate"
        mean, low, high = (tex.number(text) for text in monte_carlo_numbers(output))
        out += [rf"\bar{{{y}}}_{{\mathrm{{MC}}}} &= {mean}, \quad "
                rf"u_{{\mathrm{{MC}}}}({y}) = {n(m.u)} && \text{{Monte Carlo, {m.draws} draws, seed {m.seed} (GUM S1)}}",
                rf"[{y}_{{\mathrm{{low}}}}, {y}_{{\mathrm{{high}}}}] &= [{low}, "
                rf"{high}] && \text{{{m.kind} {100 * m.coverage:.4g}\,\% interval; "
                rf"it {verdict} the linear result (S1 \S 8, $\delta = {tex.number(significant(m.tolerance, 2))}$)}}"]
    return out


def latex(budget: Budget, options: RenderOptions = RenderOptions()) -> str:
    """Per output: the derivation's align* (`cgrad eval --format latex`), then the budget as a tabular and u_c."""
    from .derivation import derive
    from .formats import render

    out = [f"% cgrad uncertainty: {one_line(budget.source)}", f"% inputs: {_inputs_line(budget)}",
           r"% needs \usepackage{amsmath}"]
    for output in budget.outputs.values():
        y = tex.name(output.name)
        dof = with_dof(output)
        out += [render("latex", derive(output.trace, None, 60)).rstrip("\n"), "", r"\begin{tabular}{lllrrrr" + "r" * dof + "}",
                r"\hline", rf"input & estimate $x_i$ & $u(x_i)$ & $c_i = \partial {y}/\partial x_i$ & "
                rf"$u_i({y}) = c_i u(x_i)$ & term of $u_c^2({y})$ & share" + r" & $\nu_i$" * dof + r" \\", r"\hline"]
        for line in lines(output):
            first = (rf"$r({tex.name(line.input[2:-1].split(', ')[0])}, {tex.name(line.input[2:-1].split(', ')[1])})$"
                     if line.correlated else f"${tex.name(line.input)}$")
            contribution = (r"$2 r\,u_i u_j$" if line.correlated else _text(line.contribution))
            cells = [first, _text(line.estimate), _text(line.u), _text(line.sensitivity), contribution,
                     _text(line.term), _text(line.share)] + [r"$\infty$" if line.dof == "∞" else _text(line.dof)] * dof
            out.append(" & ".join(cells) + r" \\")
        equations = [_combined(output, bool(budget.inputs.correlations)).replace(" = ", " &= ", 1),
                     rf"{y} &= \text{{{concise(output.value, output.u)}}}"] + _latex_extras(output)
        out += [r"\hline", r"\end{tabular}", "", r"\begin{align*}", " \\\\\n".join(equations), r"\end{align*}"]
    if len(budget.outputs) > 1:
        head, rows = correlation_cells(budget)
        out += ["", r"\begin{tabular}{l" + "r" * (len(head) - 1) + "}", r"\hline",
                " & ".join(["$r$"] + [f"${tex.name(h)}$" for h in head[1:]]) + r" \\", r"\hline"]
        out += [" & ".join([f"${tex.name(row[0])}$"] + [_text(x) for x in row[1:]]) + r" \\" for row in rows]
        out += [r"\hline", r"\end{tabular}"]
    return "\n".join(out) + "\n"
