"""The computational graph: nodes in topological order, each with its op, inputs, name and source span."""
from __future__ import annotations

from collections.abc import Sequence

from ..errors import InputError

VARIABLE = "var"
CONSTANT = "const"


# Plain classes, not dataclasses: a dataclass is generated code compiled at import time (about a
# millisecond of every start for these three), and nothing here needs more than the fields.

class Node:
    """One node: its op (VARIABLE, CONSTANT, or a key of ops.OPS), the indices of earlier nodes it
    takes in operand order, the span of the source text it came from, the user's name for it, and
    a constant's text kept exact ("0.1", "-3", "pi")."""

    __slots__ = ("op", "inputs", "start", "end", "name", "literal")

    def __init__(self, op: str, inputs: tuple[int, ...], start: int, end: int, name: str | None = None,
                 literal: str | None = None) -> None:
        self.op, self.inputs, self.start, self.end, self.name, self.literal = op, inputs, start, end, name, literal

    def __repr__(self) -> str:
        return f"Node({self.op!r}, {self.inputs!r}, {self.start}, {self.end}, {self.name!r}, {self.literal!r})"


class Program:
    """Every node a program defines, in creation (hence topological) order, and its names: `assigned`
    (name = expr), `variables` (free names, in order of first appearance), `last` (the node of the
    last statement)."""

    def __init__(self, source: str, nodes: list[Node], assigned: dict[str, int], variables: dict[str, int],
                 last: int) -> None:
        self.source, self.nodes, self.assigned, self.variables, self.last = source, nodes, assigned, variables, last

    def graph(self, output: str | None = None) -> Graph:
        """The graph of the output (the last statement unless named), pruned to what it needs."""
        if output is None:
            root = self.last
        elif output in self.assigned:
            root = self.assigned[output]
        elif output in self.variables:
            root = self.variables[output]
        else:
            known = ", ".join(self.assigned) or "none"
            raise InputError(f"--output {output}: the program assigns no such name (assigned: {known})")
        return Graph.from_program(self, root)


class Graph:
    """The part of a program one output needs. Nodes keep their program indices (no copies);
    `order` lists the needed ones topologically (a range when they are all of them), the output
    last; `active` says per node whether it depends on some variable; `taken` holds the user's
    names, which generated names avoid."""

    def __init__(self, source: str, nodes: list[Node], order: Sequence[int], active: list[bool],
                 taken: frozenset[str] = frozenset()) -> None:
        self.source, self.nodes, self.order, self.active, self.taken = source, nodes, order, active, taken
        self._names: list[str | None] | None = None

    @property
    def names(self) -> list[str | None]:
        """Per node: the user's name, or t1, t2, f given here; None for constants. Made on first use:
        a pass without records names only the variables and the output, and 10⁶ strings t1 … t999999
        would be a seventh of such a run's memory."""
        if self._names is None:
            self._names = _names(self.nodes, self.order, self.taken)
        return self._names

    @property
    def output_name(self) -> str:
        """The output's name (names[output]), without naming every other node."""
        if self._names is not None:
            return self._names[self.output]
        return self.nodes[self.output].name or _output_name(self.taken)

    @property
    def output(self) -> int:
        return self.order[-1]

    def variables(self) -> list[int]:
        return [index for index in self.order if self.nodes[index].op == VARIABLE]

    @classmethod
    def from_program(cls, program: Program, root: int) -> Graph:
        nodes = program.nodes
        needed = [False] * len(nodes)
        needed[root] = True
        for index in range(root, -1, -1):
            if needed[index]:
                for operand in nodes[index].inputs:
                    needed[operand] = True
        # most programs need every node up to the output: a range then, not a list of 10⁶ int objects
        order = range(root + 1) if needed.count(True) == root + 1 else [i for i in range(root + 1) if needed[i]]
        return cls.build(program.source, nodes, order, frozenset(program.assigned) | frozenset(program.variables))

    @classmethod
    def build(cls, source: str, nodes: list[Node], order: Sequence[int], taken: frozenset[str]) -> Graph:
        graph = cls(source, nodes, order, [], taken)
        # every variable and every named constant (c = 3) is a differentiable input
        graph.active = graph.depends_on({nodes[i].name for i in order if nodes[i].op in (VARIABLE, CONSTANT)
                                         and nodes[i].name is not None})
        return graph

    def depends_on(self, targets: set[str]) -> list[bool]:
        """Per node: whether it is one of the named nodes `targets` (variables, named constants or
        intermediates, by their names in `names`) or depends on one: the nodes a backward pass
        must reach to give ∂output/∂target."""
        depends = [False] * len(self.nodes)
        nodes = self.nodes
        # the user's own names are on their nodes: the generated ones (t1, f) only if asked for
        names = None if targets <= self.taken else self.names
        for index in self.order:
            if (nodes[index].name if names is None else names[index]) in targets:
                depends[index] = True
                continue
            for operand in nodes[index].inputs:  # a loop, not any(generator): this runs once a node
                if depends[operand]:
                    depends[index] = True
                    break
        return depends


def _names(nodes: list[Node], order: Sequence[int], taken: frozenset[str]) -> list[str | None]:
    """The user's names, and for every unnamed computed node one the user did not take: f for the
    output, t1, t2, … for the rest."""
    names = [node.name for node in nodes]
    taken = set(taken)
    output = order[-1]
    if names[output] is None:
        names[output] = _output_name(taken)
        taken.add(names[output])
    counter = 0
    for index in order:
        if names[index] is None and nodes[index].op != CONSTANT:
            counter += 1
            while f"t{counter}" in taken:
                counter += 1
            names[index] = f"t{counter}"
    return names


def _output_name(taken) -> str:
    """An unnamed output's name: f, or f1, f2, … if the user took f."""
    return next(name for name in _candidates("f") if name not in taken)


def _candidates(first: str):
    yield first
    number = 1
    while True:
        yield f"{first}{number}"
        number += 1
