"""The multivariable chain rule spelled out (seed 004): every path from the output down to a node,
the product of the local derivatives along it, and how many paths there are in all."""
from __future__ import annotations

from dataclasses import dataclass

from .trace import Term, Trace


@dataclass
class Path:
    nodes: list[str]  # the output first, the target last
    terms: list[Term]  # terms[i] is the use of nodes[i + 1] by nodes[i]: its local ∂nodes[i]/∂nodes[i+1]
    product: object  # the product of the locals (1 for the empty path); None when a local is not a scalar


@dataclass
class Paths:
    output: str
    target: str
    paths: list[Path]  # the first `limit`, depth first, operands in order (seed 004's upper path first)
    total: int  # every path from the output to the target, listed or not
    gradient: object  # ∂output/∂target from the backward pass
    listed_sum: object  # the sum of the listed products (None if one is None)
    rest: object  # gradient − listed_sum: what the unlisted paths add up to (None when all are listed)


def paths(trace: Trace, target: str, limit: int) -> Paths:
    """At most `limit` paths from the trace's output to `target`, found iteratively (no recursion);
    the others are counted, not listed."""
    numbers = trace.numbers
    below: dict[str, list[tuple[int, str, Term]]] = {}  # consumer → its uses of operands, in operand order
    adjoint = None
    for row in trace.backward:
        if row.name == target:
            adjoint = row.adjoint
        for term in row.terms:
            below.setdefault(term.consumer, []).append((term.operand_index, row.name, term))
    for uses in below.values():
        uses.sort(key=lambda use: use[0])

    count = {target: 1}  # paths from a node down to the target
    for row in reversed(trace.backward):  # topological order: operands before their consumers
        if row.name != target:
            count[row.name] = sum(count.get(name, 0) for _, name, _ in below.get(row.name, ()))
    total = count.get(trace.output, 0) if adjoint is not None else 0

    listed: list[Path] = []
    if total and limit > 0:
        nodes, terms, products = [trace.output], [], [numbers.one]
        choices = [iter(below.get(trace.output, ()))]  # per depth: the uses not tried yet
        if trace.output == target:
            listed.append(Path([target], [], numbers.one))
            choices = []
        while choices and len(listed) < limit:
            step = next((use for use in choices[-1] if count.get(use[1], 0)), None)
            if step is None:  # every way down from here is done
                choices.pop()
                nodes.pop()
                if terms:
                    terms.pop()
                    products.pop()
                continue
            _, name, term = step
            product = products[-1]
            product = None if product is None or term.local is None else product * term.local
            nodes.append(name)
            terms.append(term)
            products.append(product)
            if name == target:
                listed.append(Path(list(nodes), list(terms), product))
                nodes.pop()
                terms.pop()
                products.pop()
            else:
                choices.append(iter(below.get(name, ())))

    listed_sum = None
    if all(path.product is not None for path in listed):
        listed_sum = numbers.zero
        for path in listed:
            listed_sum = listed_sum + path.product
    if adjoint is None:
        adjoint = numbers.zero
    rest = None
    if len(listed) < total and listed_sum is not None:
        rest = adjoint - listed_sum
    return Paths(trace.output, target, listed, total, adjoint, listed_sum, rest)
