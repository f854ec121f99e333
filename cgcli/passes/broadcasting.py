"""Tensors in a graph: the number system that handles arrays, and NumPy's implicit broadcasting made
explicit as repeat nodes (seed 003), whose backward pass sums the copies' derivatives."""
from __future__ import annotations

from ..graph.nodes import Graph, Node
from ..ops import OPS
from .forward_backward import check_bound, forward_values


def with_tensors(graph: Graph, values: dict, numbers):
    """Where a value is a tensor: the number system that handles arrays, and the graph with a
    repeat node wherever an elementwise op broadcasts an operand that needs a gradient."""
    if not any(hasattr(value, "shape") for value in values.values()):
        return numbers, graph
    check_bound(graph, values)  # before the forward pass below needs every value
    from ..numbers.tensor import TensorNumbers

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
                operand = node.inputs[position]
                # an operand of the consumer's shape (if(c, a, b) has three): the shape to repeat to
                other = next((i for i in node.inputs if np.shape(values[i]) == np.shape(values[index])),
                             node.inputs[1 - position])
                nodes.append(Node("repeat", (operand, other), nodes[operand].start, nodes[operand].end))
                order.append(len(nodes) - 1)
                inputs[position] = len(nodes) - 1
            nodes[index] = Node(node.op, tuple(inputs), node.start, node.end, node.name, node.literal, node.call)
        order.append(index)
    return Graph.build(graph.source, nodes, order, graph.taken)
