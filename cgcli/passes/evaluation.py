"""evaluate: from a graph and the --at texts to the trace of both passes, at the values bound by the
number system, tensors broadcast explicitly, and --digits certified."""
from __future__ import annotations

from ..language.bindings import bind
from .broadcasting import with_tensors
from .certification import until_certified
from ..graph.nodes import Graph, Program
from .forward_backward import differentiate
from .trace import Trace


def evaluate(graph: Graph, pairs: list[tuple[str, str]], program: Program, numbers, wrt: list[str] | None = None,
             record: bool = True, naive: bool = False) -> Trace:
    """Value and gradient of the graph's output at the values given as text (`pairs` of name and
    value), with the trace of both passes (without `record`, only the variables' rows) and, with
    `naive`, the gradient of the pass that assigns instead of accumulating."""
    def at(numbers) -> Trace:
        values = bind(program, pairs, numbers)  # again at each precision: --at texts longer than it
        numbers, shaped = with_tensors(graph, values, numbers)
        return differentiate(shaped, values, numbers, wrt, record, naive)

    return until_certified(at, numbers)
