"""From a graph and the --at texts to a checked trace: binding, tensors, explicit broadcasting,
and for --digits, recomputation until every printed digit is certified."""
from __future__ import annotations

from dataclasses import replace

from .bindings import bind
from .errors import MathError
from .graph import Graph, Node
from .ops import OPS
from .passes import check_bound, evaluate, forward_values
from .errors import TimedOut
from .timeout import note_place
from .trace import Trace


def evaluate_checked(graph: Graph, pairs: list[tuple[str, str]], program, numbers, wrt: list[str] | None = None,
                     record: bool = True, rounds: int = 6) -> Trace:
    """`evaluate` at the values given as text. A number system that can certify its digits
    (--digits) computes again at twice the precision until every printed number is certified."""
    certifies = hasattr(numbers, "certified")
    for attempt in range(rounds if certifies else 1):
        values = bind(program, pairs, numbers)
        numbers, graph = with_tensors(graph, values, numbers)
        trace = evaluate(graph, values, numbers, wrt, record)
        if not certifies:
            return trace
        doubtful = _uncertified(trace, numbers)
        if not doubtful:
            return trace
        if attempt < rounds - 1:
            numbers = numbers.finer()
    # Still uncertain after 2^5 times the precision: an exact zero reached through cancellation
    # (sin(pi)) cannot be pinned digit by digit. Say how small it is; anything else is an error.
    if any(not (low <= 0 <= high) for low, high in (x.bounds() for x in doubtful)):
        raise MathError(f"could not certify {numbers.digits} digits at a working precision of "
                        f"{numbers.precision} digits; the computation is too ill-conditioned")
    bound = max(max(abs(low), abs(high)) for low, high in (x.bounds() for x in doubtful))
    trace.conventions.append(f"values printed as 0.0 are below {numbers.magnitude(bound)} in magnitude; "
                             "an exact 0 cannot be certified digit by digit")
    return trace


def _uncertified(trace: Trace, numbers) -> list:
    """The printed numbers whose digits the enclosures do not pin down yet."""
    try:
        return [x for x in _printed(trace) if not numbers.certified(x)]
    except TimedOut as stop:
        note_place(stop, f"certifying {numbers.digits} digits at a working precision of {numbers.precision} digits")
        raise


def _printed(trace: Trace) -> list:
    """Every number a renderer may print, tensors taken element by element."""
    printed = [trace.value, *trace.gradient.values()] + [row.value for row in trace.forward]
    for row in trace.backward:
        printed.append(row.adjoint)
        printed += [number for term in row.terms for number in (term.upstream, term.local, term.contribution)]
    elements = []
    for value in printed:
        if hasattr(value, "flat"):
            elements.extend(value.flat)
        elif value is not None:
            elements.append(value)
    return elements


def with_tensors(graph: Graph, values: dict, numbers):
    """Where a value is a tensor: the number system that handles arrays, and the graph with a
    repeat node wherever an elementwise op broadcasts an operand that needs a gradient."""
    if not any(hasattr(value, "shape") for value in values.values()):
        return numbers, graph
    check_bound(graph, values)  # before the forward pass below needs every value
    from .numbers.tensor import TensorNumbers

    if not isinstance(numbers, TensorNumbers):
        numbers = TensorNumbers(numbers)
    return numbers, _explicit_repeats(graph, forward_values(graph, values, numbers))


def _explicit_repeats(graph: Graph, values: list) -> Graph:
    """Seed 003 draws broadcasting as a Repeat node whose backward pass sums: make it one."""
    import numpy as np

    repeats: dict[int, list[int]] = {}  # consumer → positions of operands to repeat
    for index in graph.order:
        node = graph.nodes[index]
        op = OPS.get(node.op)
        if op is not None and op.broadcasts:
            shape = np.shape(values[index])
            repeats[index] = [position for position, operand in enumerate(node.inputs)
                              if graph.active[operand] and np.shape(values[operand]) != shape]
    if not any(repeats.values()):
        return graph
    nodes, order = list(graph.nodes), []
    for index in graph.order:
        node = nodes[index]
        if repeats.get(index):
            inputs = list(node.inputs)
            for position in repeats[index]:
                operand, other = node.inputs[position], node.inputs[1 - position]
                nodes.append(Node("repeat", (operand, other), nodes[operand].start, nodes[operand].end))
                order.append(len(nodes) - 1)
                inputs[position] = len(nodes) - 1
            nodes[index] = replace(node, inputs=tuple(inputs))
        order.append(index)
    return Graph.build(graph.source, nodes, order, graph.taken)
