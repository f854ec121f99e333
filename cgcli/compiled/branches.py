"""Generated code's branches: the condition under which each node is needed, so that a node only a
branch not taken needs is computed under a conditional expression and cannot fail (sin(x)/x at 0)."""
from __future__ import annotations

import heapq

from ..graph.nodes import Graph
from ..numbers import FloatNumbers
from ..ops import OPS

Literal = tuple[int, bool]  # (condition node, True: where it is nonzero; False: where it is 0)
Guard = frozenset[frozenset[Literal]]  # or of ands of literals; {∅} is always, ∅ never
ALWAYS: Guard = frozenset({frozenset()})
_MOST = 8  # clauses, or literals in a clause: past it a node is computed always (as before: correct, not lazy)


def _selecting() -> dict[str, tuple[int, int]]:
    """Per op that selects an operand by its first (Op.selects): the operand it takes where the first is
    nonzero, and where it is 0 (if: 1 and 2; and: 1 and 0; or: 0 and 1)."""
    numbers = FloatNumbers()
    return {name: (op.selects(numbers, 1.0), op.selects(numbers, 0.0)) for name, op in OPS.items() if op.selects}


_SELECTING = _selecting()


def branch_guards(graph: Graph) -> dict[int, Guard]:
    """Per node needed only under some conditions: when. An op that selects an operand needs its first
    operand always, and each other one where the first takes it."""
    nodes = graph.nodes
    if not any(nodes[index].op in _SELECTING for index in graph.order):
        return {}
    need: dict[int, Guard] = {graph.output: ALWAYS}
    for index in reversed(graph.order):
        guard = need.get(index)
        if guard is None:
            continue
        node = nodes[index]
        taken = _SELECTING.get(node.op)
        for position, operand in enumerate(node.inputs):
            edge = guard
            if taken is not None and position:
                literal = (node.inputs[0], position == taken[0])
                edge = frozenset(clause | {literal} for clause in guard if (literal[0], not literal[1]) not in clause)
            need[operand] = _either(need.get(operand), edge)
    return {index: guard for index, guard in need.items() if guard != ALWAYS}


def _either(a: Guard | None, b: Guard) -> Guard:
    """a or b, each clause that another one implies dropped."""
    if a is None or a == b:
        return b
    clauses = sorted(a | b, key=len)
    kept: list[frozenset[Literal]] = []
    for clause in clauses:
        if not any(other <= clause for other in kept):
            kept.append(clause)
    if len(kept) > _MOST or any(len(clause) > _MOST for clause in kept):
        return ALWAYS
    return frozenset(kept)


def emission_order(graph: Graph, guards: dict[int, Guard]) -> list[int]:
    """graph.order, each guarded node moved after the conditions its guard reads (a stable
    topological order of operands and conditions)."""
    if not guards:
        return graph.order
    position = {index: k for k, index in enumerate(graph.order)}
    after: dict[int, list[int]] = {}
    waiting = {}
    for index in graph.order:
        before = set(graph.nodes[index].inputs)
        before.update(literal[0] for clause in guards.get(index, ()) for literal in clause)
        waiting[index] = len(before)
        for earlier in before:
            after.setdefault(earlier, []).append(index)
    ready = [(position[index], index) for index in graph.order if not waiting[index]]
    heapq.heapify(ready)
    order = []
    while ready:
        _, index = heapq.heappop(ready)
        order.append(index)
        for later in after.get(index, ()):
            waiting[later] -= 1
            if not waiting[later]:
                heapq.heappush(ready, (position[later], later))
    return order if len(order) == len(graph.order) else graph.order


_SPELLING = {"python": (" or ", " and ", "{0} != 0", "{0} == 0", "False"),
             "numpy": (" | ", " & ", "({0} != 0)", "({0} == 0)", "False"),
             "c": (" || ", " && ", "{0} != 0", "{0} == 0", "0")}
_GUARDED = {"python": "({1} if {0} else 0.0)", "numpy": "np.where({0}, {1}, 0.0)", "c": "({0} ? {1} : 0.0)"}


def guarded(expression: str, guard: Guard | None, operand, language: str) -> str:
    """`expression` where `guard` holds, 0.0 elsewhere (never computed there, except by NumPy, whose
    np.where computes both and keeps one); `operand(index)` writes a condition node."""
    if guard is None:
        return expression
    either, both, nonzero, zero, never = _SPELLING[language]
    clauses = [both.join((nonzero if taken else zero).format(operand(index)) for index, taken in sorted(clause))
               for clause in sorted(guard, key=sorted)]
    condition = either.join(f"({clause})" if len(guard) > 1 and len(clause) > 1 else clause for clause in clauses)
    return _GUARDED[language].format(condition or never, expression)
