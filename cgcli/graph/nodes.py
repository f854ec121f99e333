"""The computational graph: nodes in topological order, each with its op, inputs, name and source span."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from ..errors import InputError
from ..text import language_form, listing, look_alike, shorten

VARIABLE = "var"
CONSTANT = "const"
PARAMETER = "param"  # a function's parameter or a sum's indexed name inside its body: replaced where it is used


@dataclass(slots=True)
class Node:
    op: str  # VARIABLE, CONSTANT, or a key of ops.OPS
    inputs: tuple[int, ...]  # indices of earlier nodes, in operand order
    start: int  # span of the source text the node came from
    end: int
    name: str | None = None
    literal: str | None = None  # the text of a constant, kept exact: "0.1", "-3", "pi"
    call: str | None = None  # the call of a defined function it was copied for: "f(a)"


@dataclass(frozen=True)
class Function:
    """A function the program defines: its body is the nodes first..end-1, `result` its value, and
    `placeholders` its parameters' PARAMETER nodes, which a call replaces by its arguments."""

    name: str
    parameters: tuple[str, ...]
    placeholders: tuple[int, ...]
    first: int
    end: int
    result: int
    at: int  # source offset of its head


@dataclass(frozen=True)
class Call:
    """One use of a defined function: the nodes first..end-1 are its body's copy, `result` its value;
    `start`, `stop` the call's source span (for a definition, its head: f(x) = … is also f at x)."""

    function: str
    arguments: tuple[int, ...]
    result: int
    first: int
    end: int
    start: int
    stop: int


@dataclass
class Program:
    """Every node a program defines, in creation (hence topological) order, and its names."""

    source: str
    nodes: list[Node]
    assigned: dict[str, int]  # name = expr
    variables: dict[str, int]  # free names, in order of first appearance
    last: int  # the node of the last statement
    functions: dict[str, Function] = field(default_factory=dict)
    calls: list[Call] = field(default_factory=list)  # in the order they were made
    discarded: tuple[int, ...] = ()  # where each bare expression before the last starts: no answer is given for it

    def graph(self, output: str | None = None) -> Graph:
        """The graph of the output (the last statement unless named), pruned to what it needs."""
        if output is None:
            return Graph.from_program(self, self.last)
        names = self.outputs(output)
        if self.several(output):
            raise InputError(f"--output {shorten(_spelled(output))} names several outputs ({listing(names)}): "
                             "this command takes one (cgrad eval gives the Jacobian of several, cgrad diagram "
                             "draws them)")
        return Graph.from_program(self, self.root(names[0]))

    def several(self, output: str | Sequence[str] | None) -> bool:
        """Whether `--output` asks for several outputs (a comma list, or `all` when no name is `all`),
        whose answer is a Jacobian even when the list resolves to one name."""
        if output is None:
            return False
        output = _spelled(output)  # a list, as an option type may give it, reads as its comma list
        return "," in output or (output.strip() == "all" and "all" not in self.assigned)

    def outputs(self, output: str | Sequence[str]) -> list[str]:
        """The names `--output` gives: one name, a comma list (R,X,Z) or `all` (every assigned name
        whose value is computed, not a constant such as c = 3), each known and given once."""
        names = [language_form(name.strip())
                 for name in (output.split(",") if isinstance(output, str) else output)]
        if not names:  # an empty list (from the Python API; the option's text always names one)
            raise InputError("--output: no output named; name one or more, or all")
        if names == ["all"] and "all" not in self.assigned:
            names = [name for name, index in self.assigned.items() if self.nodes[index].op != CONSTANT]
            if not names:
                raise InputError("--output all: the program assigns no computed names (write R = V/I; X = …)")
            return names
        strangers = [name for name in names if name not in self.assigned and name not in self.variables]
        if strangers:
            known = listing(self.assigned, 30) or "none"
            quoted = [f"'{name}'" for name in strangers]
            what = "such name" if len(names) == 1 else f"name {listing(quoted)}"
            raise InputError(f"--output {shorten(_spelled(output))}: the program assigns no {what} (assigned: {known})"
                             + look_alike(strangers[0], [*self.assigned, *self.variables]))
        repeated = [name for index, name in enumerate(names) if name in names[:index]]
        if repeated:
            raise InputError(f"--output {shorten(_spelled(output))}: {repeated[0]!r} is named twice; name each "
                             "output once")
        return names

    def outputs_graph(self, names: Sequence[str]) -> Graph:
        """The graph of several outputs (names `outputs` checked): every node one of them needs, once."""
        return Graph.from_program(self, *map(self.root, names))

    def root(self, name: str) -> int:
        """The node of an output name (checked by `outputs`)."""
        return self.assigned[name] if name in self.assigned else self.variables[name]


@dataclass
class Graph:
    """The part of a program one output needs. Nodes keep their program indices (no copies);
    `order` lists the needed ones topologically, the output last."""

    source: str
    nodes: list[Node]  # every node of the program
    order: list[int]  # the needed nodes, topological; order[-1] is the output
    names: list[str | None]  # per node: the user's name, or t1, t2, f given here; None for constants
    active: list[bool]  # per node: depends on some variable
    taken: frozenset[str] = frozenset()  # the user's names, which generated names avoid

    @property
    def output(self) -> int:
        return self.order[-1]

    def variables(self) -> list[int]:
        return [index for index in self.order if self.nodes[index].op == VARIABLE]

    @classmethod
    def from_program(cls, program: Program, *roots: int) -> Graph:
        """The nodes the roots need, topologically; the last root in program order is the output."""
        nodes = program.nodes
        needed = [False] * len(nodes)
        for root in roots:
            needed[root] = True
        last = max(roots)
        for index in range(last, -1, -1):
            if needed[index]:
                for operand in nodes[index].inputs:
                    needed[operand] = True
        order = [index for index in range(last + 1) if needed[index]]
        return cls.build(program.source, nodes, order, frozenset(program.assigned) | frozenset(program.variables))

    def rooted(self, root: int) -> Graph:
        """The part of this graph that the node `root` needs, `root` its output; the names (t1, t2, …)
        and the nodes stay this graph's, so that values computed over this graph serve it."""
        needed = [False] * len(self.nodes)
        needed[root] = True
        position = self.order.index(root)
        for index in reversed(self.order[:position + 1]):
            if needed[index]:
                for operand in self.nodes[index].inputs:
                    needed[operand] = True
        order = [index for index in self.order[:position + 1] if needed[index]]
        return Graph(self.source, self.nodes, order, self.names, self.active, self.taken)

    @classmethod
    def build(cls, source: str, nodes: list[Node], order: list[int], taken: frozenset[str]) -> Graph:
        graph = cls(source, nodes, order, _names(nodes, order, taken), [], taken)
        # every variable and every named constant (c = 3) is a differentiable input
        graph.active = graph.depends_on({nodes[i].name for i in order if nodes[i].op in (VARIABLE, CONSTANT)
                                         and nodes[i].name is not None})
        return graph

    def depends_on(self, targets: set[str]) -> list[bool]:
        """Per node: whether it is one of the named nodes `targets` (variables, named constants or
        intermediates, by their names in `names`) or depends on one: the nodes a backward pass
        must reach to give ∂output/∂target."""
        depends = [False] * len(self.nodes)
        names, nodes = self.names, self.nodes
        for index in self.order:
            if names[index] in targets:
                depends[index] = True
                continue
            for operand in nodes[index].inputs:  # a loop, not any(generator): this runs once a node
                if depends[operand]:
                    depends[index] = True
                    break
        return depends


def _spelled(output: str | Sequence[str]) -> str:
    return output if isinstance(output, str) else ",".join(output)


def _names(nodes: list[Node], order: list[int], taken: frozenset[str]) -> list[str | None]:
    """The user's names, and for every unnamed computed node one the user did not take: f for the
    output, t1, t2, … for the rest."""
    names = [node.name for node in nodes]
    taken = set(taken)
    output = order[-1]
    if names[output] is None:
        names[output] = next(name for name in _candidates("f") if name not in taken)
        taken.add(names[output])
    counter = 0
    for index in order:
        if names[index] is None and nodes[index].op != CONSTANT:
            counter += 1
            while f"t{counter}" in taken:
                counter += 1
            names[index] = f"t{counter}"
    return names


def _candidates(first: str):
    yield first
    number = 1
    while True:
        yield f"{first}{number}"
        number += 1
