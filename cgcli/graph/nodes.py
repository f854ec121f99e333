"""The computational graph: nodes in topological order, each with its op, inputs, name and source span."""
from __future__ import annotations

from collections.abc import Sequence

from ..errors import InputError
from ..text import language_form, listing, look_alike, shorten

VARIABLE = "var"
CONSTANT = "const"
PARAMETER = "param"  # a function's parameter or a sum's indexed name inside its body: replaced where it is used


class Node:
    """One node: its op (VARIABLE, CONSTANT, or a key of ops.OPS), the indices of earlier nodes it
    takes in operand order, the span of the source text it came from, the user's name for it, a
    constant's text kept exact ("0.1", "-3", "pi"), and the call of a defined function it was copied
    for ("f(a)"). A plain class with slots, not a dataclass: one per node, and a dataclass's methods
    are generated and compiled at every start."""

    __slots__ = ("op", "inputs", "start", "end", "name", "literal", "call")

    def __init__(self, op: str, inputs: tuple[int, ...], start: int, end: int, name: str | None = None,
                 literal: str | None = None, call: str | None = None) -> None:
        self.op, self.inputs, self.start, self.end = op, inputs, start, end
        self.name, self.literal, self.call = name, literal, call

    def __repr__(self) -> str:
        return (f"Node({self.op!r}, {self.inputs!r}, {self.start}, {self.end}, {self.name!r}, {self.literal!r}, "
                f"{self.call!r})")


class Function:
    """A function the program defines: its body is the nodes first..end-1, `result` its value, and
    `placeholders` its parameters' PARAMETER nodes, which a call replaces by its arguments; `at` the
    source offset of its head."""

    __slots__ = ("name", "parameters", "placeholders", "first", "end", "result", "at")

    def __init__(self, name: str, parameters: tuple[str, ...], placeholders: tuple[int, ...], first: int, end: int,
                 result: int, at: int) -> None:
        self.name, self.parameters, self.placeholders = name, parameters, placeholders
        self.first, self.end, self.result, self.at = first, end, result, at


class Call:
    """One use of a defined function: the nodes first..end-1 are its body's copy, `result` its value;
    `start`, `stop` the call's source span (for a definition, its head: f(x) = … is also f at x)."""

    __slots__ = ("function", "arguments", "result", "first", "end", "start", "stop")

    def __init__(self, function: str, arguments: tuple[int, ...], result: int, first: int, end: int, start: int,
                 stop: int) -> None:
        self.function, self.arguments, self.result = function, arguments, result
        self.first, self.end, self.start, self.stop = first, end, start, stop


class Program:
    """Every node a program defines, in creation (hence topological) order, and its names: `assigned`
    (name = expr), `variables` (free names, in order of first appearance), `last` (the node of the
    last statement), the functions it defines and their calls in the order they were made. Plain
    classes here, not dataclasses: see Node."""

    def __init__(self, source: str, nodes: list[Node], assigned: dict[str, int], variables: dict[str, int], last: int,
                 functions: dict[str, Function] | None = None, calls: list[Call] | None = None,
                 discarded: tuple[int, ...] = ()) -> None:
        self.source, self.nodes, self.assigned, self.variables, self.last = source, nodes, assigned, variables, last
        self.functions = {} if functions is None else functions
        self.calls = [] if calls is None else calls
        self.discarded = discarded  # where each bare expression before the last starts: no answer is given for it

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


class Graph:
    """The part of a program one output needs. Nodes keep their program indices (no copies);
    `order` lists the needed ones topologically (a range when they are all of them), the output
    last; `active` says per node whether it depends on some variable; `taken` holds the user's
    names, which generated names avoid. A plain class: see Node."""

    def __init__(self, source: str, nodes: list[Node], order: Sequence[int], active: Sequence[int],
                 taken: frozenset[str] = frozenset(), names: list[str | None] | None = None) -> None:
        self.source, self.nodes, self.order, self.active, self.taken = source, nodes, order, active, taken
        self._names = names

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
    def from_program(cls, program: Program, *roots: int) -> Graph:
        """The nodes the roots need, topologically; the last root in program order is the output."""
        nodes = program.nodes
        last = max(roots)
        needed = _needed(nodes, roots, range(last + 1))
        # most programs need every node up to the output: a range then, not a list of 10⁶ int objects
        order = range(last + 1) if needed.count(True) == last + 1 else [i for i in range(last + 1) if needed[i]]
        # the program's functions are names too: an unnamed output is not called f beside a function f
        taken = frozenset(program.assigned) | frozenset(program.variables) | frozenset(program.functions)
        return cls.build(program.source, nodes, order, taken)

    def rooted(self, root: int) -> Graph:
        """The part of this graph that the node `root` needs, `root` its output; the names (t1, t2, …)
        and the nodes stay this graph's, so that values computed over this graph serve it."""
        before = self.order[:self.order.index(root) + 1]
        needed = _needed(self.nodes, (root,), before)
        order = [index for index in before if needed[index]]
        return Graph(self.source, self.nodes, order, self.active, self.taken, self.names)

    @classmethod
    def build(cls, source: str, nodes: list[Node], order: Sequence[int], taken: frozenset[str]) -> Graph:
        graph = cls(source, nodes, order, [], taken)
        # every variable and every named constant (c = 3) is a differentiable input
        graph.active = graph.depends_on({nodes[i].name for i in order if nodes[i].op in (VARIABLE, CONSTANT)
                                         and nodes[i].name is not None})
        return graph

    def depends_on(self, targets: set[str]) -> bytearray:
        """Per node: whether it is one of the named nodes `targets` (variables, named constants or
        intermediates, by their names in `names`) or depends on one: the nodes a backward pass
        must reach to give ∂output/∂target."""
        depends = bytearray(len(self.nodes))  # 1 byte a node, not a list's 8: 10⁶ nodes, 7 MB less
        nodes = self.nodes
        # the user's own names are on their nodes: the generated ones (t1, f) only if asked for
        names = None if targets <= self.taken else self.names
        for index in self.order:
            if (nodes[index].name if names is None else names[index]) in targets:
                depends[index] = 1
                continue
            for operand in nodes[index].inputs:  # a loop, not any(generator): this runs once a node
                if depends[operand]:
                    depends[index] = 1
                    break
        return depends


def _needed(nodes: list[Node], roots: Sequence[int], order: Sequence[int]) -> list[bool]:
    """Per node: whether one of `roots` needs it, walking `order` (topological, the roots in it) from
    its end; a loop over indices, not a recursive walk."""
    needed = [False] * len(nodes)
    for root in roots:
        needed[root] = True
    for index in reversed(order):
        if needed[index]:
            for operand in nodes[index].inputs:
                needed[operand] = True
    return needed


def _spelled(output: str | Sequence[str]) -> str:
    return output if isinstance(output, str) else ",".join(output)


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
