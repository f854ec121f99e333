"""The backward pass run symbolically: every node's adjoint ∂output/∂node built as a node of a new
graph (a FormulaBuilder's), from the op table's symbolic local derivatives, iterating over the
topological order in reverse as passes.differentiate does with numbers."""
from __future__ import annotations

from dataclasses import dataclass

from ..errors import InputError
from ..graph.nodes import CONSTANT, VARIABLE, Graph
from ..ops import OPS
from ..graph.symbolic import Formula, FormulaBuilder


@dataclass
class Derivatives:
    """∂output/∂name per requested name, as formulas sharing one builder's nodes. Nodes below
    `first_adjoint` copy the input's graph (its forward values); the rest are built by the backward pass."""

    builder: FormulaBuilder
    output: str  # the output's name: the user's, or f
    formulas: dict[str, Formula]
    first_adjoint: int
    taken: frozenset[str]  # names of the input program, which new names avoid
    line_names: dict[str, str] | None = None  # ∂f/∂name's name in a printed program, chosen once by its printer


def derivatives(graph: Graph, wrt: list[str], relu0: str = "0") -> Derivatives:
    """The derivatives of the graph's output with respect to the named nodes `wrt` (variables or
    any named node), as formulas."""
    builder = FormulaBuilder(relu0)
    primal = _copy(graph, builder)
    first_adjoint = len(builder.nodes)
    active = graph.depends_on(set(wrt))
    adjoints: dict[int, Formula] = {graph.output: builder.one} if active[graph.output] else {}
    for index in reversed(graph.order):
        upstream, node = adjoints.get(index), graph.nodes[index]
        if upstream is None or not node.inputs:
            continue
        op = OPS[node.op]
        if not op.symbolic:
            raise InputError(f"derive does not handle tensor op {node.op} yet", graph.source, node.start)
        operands = [primal[i] for i in node.inputs]
        for position, operand in enumerate(node.inputs):
            if not active[operand]:
                continue
            contribution = upstream * op.symbolic[position](builder, primal[index], *operands)
            previous = adjoints.get(operand)
            adjoints[operand] = contribution if previous is None else previous + contribution
    by_name = {graph.names[i]: i for i in graph.order if graph.names[i] is not None}
    formulas = {name: adjoints.get(by_name.get(name, -1), builder.zero) for name in wrt}
    output = graph.nodes[graph.output].name or "f"
    return Derivatives(builder, output, formulas, first_adjoint, graph.taken)


def _copy(graph: Graph, builder: FormulaBuilder) -> dict[int, Formula]:
    """The input's nodes as the user wrote them (nothing simplified: the same forward values), with
    their names; named constants (c = 3) become named nodes, so the derivative still says c."""
    copies: dict[int, Formula] = {}
    for index in graph.order:
        node = graph.nodes[index]
        if node.op == VARIABLE:
            copies[index] = builder.variable(node.name)
        elif node.op == CONSTANT:
            value = builder.literal(node.literal)
            copies[index] = value if node.name is None else builder.raw("id", value, name=node.name)
        else:
            operands = [copies[i] for i in node.inputs]
            constant = node.name is None and all(builder.value_of(operand) is not None for operand in operands)
            # a constant subexpression (2^-2, 1/3) is folded; the rest stays as the user wrote it
            copies[index] = builder.apply(node.op, *operands) if constant else builder.raw(node.op, *operands,
                                                                                            name=node.name)
    return copies
