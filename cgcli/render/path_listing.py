"""The rows of `cgrad paths`, decided once: for each path from the output down to a node, its
route, chain of partials, local derivatives and product; the sums and the summary lines; in a
worksheet, which numbers are blank. Built from derivation's term lines, so every row says what
the backward pass's rows say."""
from __future__ import annotations

from dataclasses import dataclass

from ..passes.chain_paths import Path, Paths
from ..passes.trace import Trace
from .derivation import NumberText, Partial, TermLine, term_line

LONG_PATH = 12  # a path with more steps than this shows its ends only


@dataclass(slots=True)
class PathLine:
    number: int
    route: str  # o → a2 →(2) t: which operand where a node uses the next one more than once
    chain: str  # ∂o/∂a2 · ∂a2/∂t
    locals: str  # 1 × (-2)
    product: NumberText | None  # None when a tensor op on the way has no scalar local derivative
    steps: list[TermLine]  # every step whole (∂nodes[i]/∂nodes[i+1] and its local), for the equation


@dataclass(slots=True)
class PathListing:
    output: str
    target: str
    description: str
    lines: list[PathLine]
    total: int  # paths listed or not
    gradient: NumberText  # ∂output/∂target from the backward pass
    listed_sum: NumberText | None  # None when a product is not a scalar
    rest: NumberText | None  # what the unlisted paths add up to (None when all are listed)

    @property
    def more(self) -> int:
        return self.total - len(self.lines)

    @property
    def summary(self) -> list[str]:
        top, target, listed, more = self.output, self.target, len(self.lines), self.more
        gradient = f"{Partial(top, target)} = {self.gradient.text} (backward pass)"
        if self.total == 0:
            return [f"no path leads from {top} to {target}: {gradient}"]
        lines = []
        if self.lines and self.listed_sum is None:
            lines.append("a tensor op on the way has no scalar local derivative: its vector-Jacobian product "
                         "carries the gradient, so the paths have no scalar products to add")
        if not more and self.listed_sum is not None:
            lines.append(f"sum of the {listed} path product{'s' if listed != 1 else ''} = {self.listed_sum.text}")
        if more:
            lines.append(f"{listed} of {self.total:,} paths listed; {more:,} more not listed (--max-paths N lists more)")
            if self.listed_sum is not None:
                lines.append(f"sum of the {listed} listed products = {self.listed_sum.text}; "
                             f"the other {more:,} paths add up to {self.rest.text}")
        return lines + [gradient]


def path_listing(trace: Trace, report: Paths, blank: bool = False) -> PathListing:
    """The rows of `report` in the trace's numbers; with `blank`, a worksheet's:
    every local derivative, product and sum blanked, except ∂out/∂out = 1."""
    numbers = trace.numbers
    blanked = blank and report.target != report.output

    def number(value) -> NumberText | None:
        return None if value is None else NumberText(numbers, value, blanked)

    nodes = {row.name for row in trace.forward}
    lines = []
    for index, path in enumerate(report.paths, 1):
        steps = [term_line(trace, nodes, node, term, blank) for node, term in zip(path.nodes[1:], path.terms)]
        chain = [str(step.local_partial) for step in steps] or [str(Partial(report.output, report.output))]
        locals_ = [step.local_factor for step in steps] or ["1"]
        lines.append(PathLine(index, _route(path), _ends(chain, " · "), _ends(locals_, " × "), number(path.product),
                              steps))
    return PathListing(report.output, report.target, numbers.description, lines, report.total,
                       number(report.gradient), number(report.listed_sum), number(report.rest))


def _route(path: Path) -> str:
    parts = [path.nodes[0]]
    for term, node in zip(path.terms, path.nodes[1:]):
        repeated = sum(operand == node for operand in term.consumer_operands) > 1
        parts.append(f"→({term.operand_index + 1}) {node}" if repeated else f"→ {node}")
    if len(parts) > LONG_PATH:
        parts = parts[:4] + [f"→ … {len(parts) - 8} more …"] + parts[-4:]
    return " ".join(parts)


def _ends(items: list[str], joiner: str) -> str:
    if len(items) > LONG_PATH:
        items = items[:4] + [f"… {len(items) - 8} more …"] + items[-4:]
    return joiner.join(items)
