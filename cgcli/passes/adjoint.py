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
            contribution = _times(builder, upstream, op.symbolic[position](builder, primal[index], *operands))
            previous = adjoints.get(operand)
            adjoints[operand] = contribution if previous is None else _plus(builder, previous, contribution)
    by_name = {graph.names[i]: i for i in graph.order if graph.names[i] is not None}
    formulas = {name: adjoints.get(by_name.get(name, -1), builder.zero) for name in wrt}
    output = graph.nodes[graph.output].name or "f"
    return Derivatives(builder, output, formulas, first_adjoint, graph.taken)


# if: the op that selects one of two branches by a condition, as the derivative formulas write [c]
_SELECT = next(name for name, op in OPS.items() if op.selects is not None and op.arity == 3)


def _branch(builder: FormulaBuilder, formula: Formula) -> tuple[tuple[Formula, int], Formula] | None:
    """if(c, A, 0) as ((c, 1), A) and if(c, 0, A) as ((c, 2), A): a derivative that is 0 where a
    branch is not taken; None for anything else."""
    node = builder.nodes[formula.index]
    if node.op != _SELECT or node.name is not None:
        return None
    condition, then, otherwise = (Formula(builder, i) for i in node.inputs)
    if builder.value_of(otherwise) == 0:
        return (condition, 1), then
    return ((condition, 2), otherwise) if builder.value_of(then) == 0 else None


def _peeled(builder: FormulaBuilder, formula: Formula) -> tuple[list[tuple[Formula, int]], Formula]:
    """The branches a formula is 0 outside of, outermost first, and what it is inside them."""
    branches = []
    while (branch := _branch(builder, formula)) is not None:
        branches.append(branch[0])
        formula = branch[1]
    return branches, formula


def _wrapped(builder: FormulaBuilder, branches: list[tuple[Formula, int]], formula: Formula) -> Formula:
    """formula inside the branches (if(c, formula, 0) for each, innermost first); 0 stays 0."""
    if builder.value_of(formula) == 0:
        return builder.zero
    for condition, side in reversed(branches):
        formula = builder.call(_SELECT, condition, *((formula, builder.zero) if side == 1 else (builder.zero, formula)))
    return formula


def _times(builder: FormulaBuilder, upstream: Formula, local: Formula) -> Formula:
    """upstream × local, a factor that is 0 where a branch is not taken (if(c, A, 0)) kept outside:
    if(c, A × local, 0), so that the formula never computes the branch's own derivatives (the local
    ones below it) where it is not taken, and the printed derivative evaluates wherever f does."""
    outer, upstream = _peeled(builder, upstream)
    inner, local = _peeled(builder, local)
    return _wrapped(builder, outer + [branch for branch in inner if branch not in outer], upstream * local)


def _plus(builder: FormulaBuilder, previous: Formula, contribution: Formula) -> Formula:
    """previous + contribution, two terms inside the same branches summed inside them."""
    outer, left = _peeled(builder, previous)
    inner, right = _peeled(builder, contribution)
    if outer and [(c.index, side) for c, side in outer] == [(c.index, side) for c, side in inner]:
        return _wrapped(builder, outer, left + right)
    return previous + contribution


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
