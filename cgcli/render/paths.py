"""`cgrad paths` output: each path from the output to a node with its chain of local derivatives and
their product, then the sum of the products next to the backward pass's gradient."""
from __future__ import annotations

import json

from ..paths import Paths
from .console import text_console, text_of
from .latex import factor as latex_factor
from .latex import number as latex_number
from .latex import partial as latex_partial
from .notation import local_rule, partial, shown

_LONG = 12  # paths with more nodes than this show their ends only in tables


def _arrows(path) -> str:
    """o → a2 →(2) t: where a node uses the next one more than once, which use (operand number)."""
    parts = [path.nodes[0]]
    for term, node in zip(path.terms, path.nodes[1:]):
        repeated = sum(operand == node for operand in term.consumer_operands) > 1
        parts.append(f"→({term.operand_index + 1}) {node}" if repeated else f"→ {node}")
    if len(parts) > _LONG:
        parts = parts[:4] + [f"→ … {len(parts) - 8} more …"] + parts[-4:]
    return " ".join(parts)


def _elided(items: list[str], joiner: str) -> str:
    if len(items) > _LONG:
        items = items[:4] + [f"… {len(items) - 8} more …"] + items[-4:]
    return joiner.join(items)


def _factor(text: str) -> str:
    return f"({text})" if text.startswith("-") else text


def _local(numbers, term, top: str) -> str:
    if term.local is None:  # a tensor op: its vector-Jacobian product
        return local_rule(term, partial(top, term.consumer))
    return _factor(numbers.format(term.local))


def _summary(report: Paths, numbers) -> list[str]:
    top, target = report.output, report.target
    listed = len(report.paths)
    gradient = f"{partial(top, target)} = {numbers.format(report.gradient)} (backward pass)"
    if report.total == 0:
        return [f"no path leads from {top} to {target}: {gradient}"]
    lines = []
    if report.paths and report.listed_sum is None:
        lines.append("a tensor op on the way has no scalar local derivative: its vector-Jacobian product "
                     "carries the gradient, so the paths have no scalar products to add")
    if listed == report.total:
        if report.listed_sum is not None:
            lines.append(f"sum of the {listed} path product{'s' if listed != 1 else ''} = "
                         f"{numbers.format(report.listed_sum)}")
    else:
        more = report.total - listed
        lines.append(f"{listed} of {report.total:,} paths listed; {more:,} more not listed (--max-paths N lists more)")
        if report.listed_sum is not None:
            lines.append(f"sum of the {listed} listed products = {numbers.format(report.listed_sum)}; "
                         f"the other {more:,} paths add up to {numbers.format(report.rest)}")
    lines.append(gradient)
    return lines


def render_text(reports: list[Paths], numbers, terminal: bool) -> str:
    from rich import box
    from rich.table import Table
    from rich.text import Text

    console = text_console(terminal)
    for report in reports:
        top, target = report.output, report.target
        console.print(Text(f"Paths from {top} down to {target}: {partial(top, target)} is the sum over the paths "
                           f"of the products of the local derivatives · {numbers.description}", style="bold"))
        grid = Table(box=box.SIMPLE_HEAD, header_style="bold")
        for header, right in (("#", True), ("path", False), ("chain rule", False), ("local derivatives", False),
                              ("product", True)):
            grid.add_column(header, justify="right" if right else "left", style="cyan" if header == "#" else None)
        for number, path in enumerate(report.paths, 1):
            chain = [partial(a, b) for a, b in zip(path.nodes, path.nodes[1:])] or [partial(top, top)]
            locals_ = [_local(numbers, term, top) for term in path.terms] or ["1"]
            product = "" if path.product is None else numbers.format(path.product)
            grid.add_row(*(Text(cell) for cell in (str(number), _arrows(path), _elided(chain, " · "),
                                                   _elided(locals_, " × "), product)))
        if report.paths:
            console.print(grid)
        console.print(Text("\n".join(_summary(report, numbers)) + "\n"))
    return text_of(console).rstrip("\n") + "\n"


def render_json(reports: list[Paths], numbers) -> str:
    def number(value):
        return None if value is None else numbers.to_json(value)

    document = {"numbers": numbers.name, "paths": [
        {"output": report.output, "wrt": report.target, "total": report.total, "listed": len(report.paths),
         "gradient": number(report.gradient), "listed_sum": number(report.listed_sum),
         "unlisted_sum": number(report.rest),
         "paths": [{"nodes": path.nodes, "locals": [number(term.local) for term in path.terms],
                    "product": number(path.product)} for path in report.paths]}
        for report in reports]}
    return json.dumps(document, ensure_ascii=False) + "\n"


def render_markdown(reports: list[Paths], numbers) -> str:
    """Seed 004's equation: ∂o/∂w1 as a sum over paths of products, symbols then numbers."""
    from .markdown import cell

    out = []
    for report in reports:
        top, target = report.output, report.target
        out.append(f"### Paths from {cell(top)} to {cell(target)}\n")
        out.append("| # | path | local derivatives | product |")
        out.append("|---:|---|---|---:|")
        for number, path in enumerate(report.paths, 1):
            locals_ = [_local(numbers, term, top) for term in path.terms] or ["1"]
            product = "" if path.product is None else numbers.format(path.product)
            out.append(f"| {number} | {cell(_arrows(path))} | {cell(_elided(locals_, ' × '))} | {cell(product)} |")
        out.append("")
        if report.paths and report.listed_sum is not None:
            out += [f"$${_equation(report, numbers)}$$", ""]
        out += [cell(line) + "  " for line in _summary(report, numbers)]
        out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


def _equation(report: Paths, numbers) -> str:
    """∂o/∂w1 = ∂o/∂a1·∂a1/∂t·∂t/∂w1 + … = 1·1·2 + … = 2.39 (seed 004), the unlisted paths as one term."""
    def chain(path) -> str:
        return "".join(latex_partial(a, b) for a, b in zip(path.nodes, path.nodes[1:])) or "1"

    def product(path) -> str:
        return " \\cdot ".join(latex_factor(latex_number(shown(numbers, term.local))) for term in path.terms) or "1"

    symbols = " + ".join(chain(path) for path in report.paths)
    values = " + ".join(product(path) for path in report.paths)
    if report.rest is not None:
        more = report.total - len(report.paths)
        symbols += " + \\ldots"
        values += (f" + \\underbrace{{{latex_number(shown(numbers, report.rest))}}}"
                   f"_{{\\text{{{more:,} more path{'s' if more != 1 else ''}}}}}")
    gradient = latex_number(shown(numbers, report.gradient))
    return f"{latex_partial(report.output, report.target)} = {symbols} = {values} = {gradient}"
