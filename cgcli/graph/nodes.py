"""The computational graph: nodes in topological order, each with its op, inputs, name and source span."""
from __future__ import annotations

from array import array
from collections.abc import Collection, Container, Iterable, Iterator, Sequence

from ..errors import InputError
from ..ops import OPS
from ..text import language_form, listing, look_alike, shorten

VARIABLE = "var"
CONSTANT = "const"
PARAMETER = "param"  # a function's parameter or a sum's indexed name inside its body: replaced where it is used


class Node:
    """One node: its op (VARIABLE, CONSTANT, or a key of ops.OPS), the indices of earlier nodes it
    takes in operand order, the span of the source text it came from, the user's name for it, a
    constant's text kept exact ("0.1", "-3", "pi"), and the call of a defined function it was copied
    for ("f(a)"). A node on its own (tests, rewrites): a program holds its nodes in `Nodes` columns.
    A plain class with slots, not a dataclass: a dataclass's methods are generated and compiled at
    every start."""

    __slots__ = ("op", "inputs", "start", "end", "name", "literal", "call")

    def __init__(self, op: str, inputs: tuple[int, ...], start: int, end: int, name: str | None = None,
                 literal: str | None = None, call: str | None = None) -> None:
        self.op, self.inputs, self.start, self.end = op, inputs, start, end
        self.name, self.literal, self.call = name, literal, call

    def __repr__(self) -> str:
        return (f"Node({self.op!r}, {self.inputs!r}, {self.start}, {self.end}, {self.name!r}, {self.literal!r}, "
                f"{self.call!r})")


# The op codes of the `codes` column: the three leaves first, then the op table's names in its order.
OP_NAMES: list[str] = [VARIABLE, CONSTANT, PARAMETER, *OPS]
OP_CODES: dict[str, int] = {name: code for code, name in enumerate(OP_NAMES)}
VARIABLE_CODE, CONSTANT_CODE, PARAMETER_CODE = 0, 1, 2
# `seconds` below 0: one operand (UNARY), three or more (MORE: all of them in `more`), none (LEAF), or
# none and a text, as LEAF - 1 - its index in `texts`: a variable's name, another leaf's literal
# (constants are a third of most programs, variables a tenth: their text in the column every node
# has, not in a dict of their own)
UNARY, MORE, LEAF = -1, -2, -3


class Nodes:
    """A program's nodes as columns, 17 bytes a node instead of a Node object's ~200: the op code
    (`codes`, indexing OP_NAMES), the first two operands (`firsts`, -1 for none, and `seconds`, also
    telling a leaf and its text: see LEAF), the source span (`starts`, `ends`), and the rare others
    by node index: the names of nodes that are not variables, calls, literals not in `seconds`. `nodes[i]` is a NodeView reading
    and writing these columns, so code that reads `.op`, `.inputs` or sets `.name` on a node works
    on either; the passes read the columns."""

    __slots__ = ("codes", "firsts", "seconds", "more", "starts", "ends", "texts", "_text_ids", "names", "calls",
                 "other_literals", "size", "_maps")

    def __init__(self, nodes: Iterable[Node] = ()) -> None:
        self.size = 0
        self._maps: list | None = None  # while building in memory maps (Nodes.mapped)
        self.codes = bytearray()
        self.firsts, self.seconds = array("i"), array("i")
        self.more: dict[int, tuple[int, ...]] = {}
        self.starts, self.ends = array("i"), array("i")
        self.texts: list[str] = []  # each literal text once: "2" written 10⁵ times is one string
        self._text_ids: dict[str, int] = {}
        self.names: dict[int, str] = {}  # of the nodes that are not variables: a variable's is in `seconds`
        self.calls: dict[int, str] = {}
        self.other_literals: dict[int, str] = {}  # of nodes with operands, and of variables (only tests make them)
        for node in nodes:
            self.append(node)

    @classmethod
    def mapped(cls) -> Nodes:
        """An empty Nodes that the parser fills, its columns in anonymous memory maps until `freeze`.
        Arrays that grow side by side by reallocation leave the holes of their old places in the
        heap: a third more memory for a program of 10⁵ nodes. A map that grows is copied into one
        twice its size and given back to the system whole; freezing copies each column once into an
        array of its final size."""
        nodes = cls()
        nodes._maps = []
        nodes._map(1024)
        return nodes

    def _map(self, capacity: int) -> None:
        """The columns in maps of `capacity` nodes, the nodes so far copied in."""
        import mmap

        old, self._maps = self._maps, []
        for column, width, typecode in _MAPPED:
            memory = mmap.mmap(-1, max(mmap.PAGESIZE, capacity * width))
            if old:  # not mmap.resize: it cannot grow an anonymous map on every system (SIGBUS on Linux's)
                view, before = old.pop(0)
                view.release()
                memory[:len(before)] = before
                before.close()
            view = memoryview(memory).cast(typecode)
            self._maps.append((view, memory))
            setattr(self, column, view)

    def _grow(self) -> None:
        self._map(2 * self.size)

    def freeze(self) -> None:
        """The columns from their maps into arrays of their size (a Nodes built in maps: see mapped)."""
        if self._maps is None:
            return
        size, maps = self.size, self._maps
        self._maps = None
        for (column, width, typecode), (view, memory) in zip(_MAPPED, maps):
            view.release()
            if typecode == "B":
                frozen = bytearray(memoryview(memory)[:size])
            else:
                frozen = array(typecode)
                frozen.frombytes(memoryview(memory)[:size * width])
            memory.close()
            setattr(self, column, frozen)

    def add(self, op: str, inputs: tuple[int, ...], start: int, end: int, name: str | None = None,
            literal: str | None = None, call: str | None = None) -> int:
        """Append a node; its index."""
        index = self.size
        code = OP_CODES.get(op)
        if code is None:
            code = _new_op(op)
        count = len(inputs)
        if count == 0:
            self._write(index, code, -1, LEAF, start, end)
        elif count == 1:
            self._write(index, code, inputs[0], UNARY, start, end)
        elif count == 2:
            self._write(index, code, inputs[0], inputs[1], start, end)
        else:
            self._write(index, code, inputs[0], MORE, start, end)
            self.more[index] = tuple(inputs)
        if name is not None or literal is not None:
            self.label(index, name, literal)
        if call is not None:
            self.calls[index] = call
        return index

    def binary(self, code: int, left: int, right: int, start: int, end: int) -> int:
        """Append a node of two operands and no literal (the parser's most common node); its index."""
        index = self.size
        if self._maps is not None:  # written in place: this runs once a node of the parse
            if index == len(self.firsts):  # full (a page of codes holds more)
                self._grow()
            try:
                self.firsts[index], self.seconds[index], self.starts[index], self.ends[index] = left, right, start, end
                self.codes[index] = code
                self.size = index + 1
                return index
            except ValueError:  # past 2³¹: the arrays widen
                self.freeze()
        self._push(left, right, start, end)
        self.codes.append(code)
        self.size = index + 1
        return index

    def constant(self, literal: str, start: int, end: int) -> int:
        """Append a CONSTANT node of this literal text; its index."""
        index = self.size
        self._write(index, CONSTANT_CODE, -1, self._text(literal), start, end)
        return index

    def _write(self, index: int, code: int, first: int, second: int, start: int, end: int) -> None:
        """Node `index` (the next one) into the columns: in their maps while building, else appended."""
        if self._maps is not None:
            if index == len(self.firsts):  # full (a page of codes holds more)
                self._grow()
            try:
                self.firsts[index], self.seconds[index], self.starts[index], self.ends[index] = first, second, start, end
                self.codes[index] = code
                self.size = index + 1
                return
            except ValueError:  # past 2³¹: the arrays, which widen
                self.freeze()
        self._push(first, second, start, end)
        self.codes.append(code)
        self.size = index + 1

    def _push(self, first: int, second: int, start: int, end: int) -> None:
        try:
            self.firsts.append(first)
            self.seconds.append(second)
            self.starts.append(start)
            self.ends.append(end)
        except OverflowError:
            self._widen(self.size)
            self._push(first, second, start, end)

    def _widen(self, size: int) -> None:
        """Past 2³¹ (a program of more than 2 GB): the columns of indices and offsets widen to 64 bits,
        each cut back to the `size` nodes made whole before the append that overflowed."""
        if self.starts.typecode == "q":
            raise OverflowError("a node index or source offset past 2⁶³")
        for column in ("firsts", "seconds", "starts", "ends"):
            setattr(self, column, array("q", getattr(self, column)[:size]))

    def append(self, node) -> None:
        """Append a Node (or a view of another program's node): its fields, copied."""
        self.add(node.op, tuple(node.inputs), node.start, node.end, node.name, node.literal, node.call)

    def label(self, index: int, name: str | None, literal: str | None) -> None:
        """Give node `index` this name and literal (None: none): a variable's name, or another leaf's
        literal, in its `seconds` entry; the others in the dicts."""
        leaf, variable = self.seconds[index] <= LEAF, self.codes[index] == VARIABLE_CODE
        if leaf:
            self.seconds[index] = self._text(name, False) if variable else self._text(literal)
        _set(self.names, index, None if leaf and variable else name)
        _set(self.other_literals, index, None if leaf and not variable else literal)

    def _text(self, text: str | None, shared: bool = True) -> int:
        """`seconds` of a leaf with this text (or none): LEAF, or LEAF - 1 - the text's index in
        `texts`; a `shared` one (a literal: "2" written 10⁵ times) is kept once."""
        if text is None:
            return LEAF
        found = self._text_ids.get(text) if shared else None
        if found is None:
            found = len(self.texts)
            self.texts.append(text)
            if shared:
                self._text_ids[text] = found
        return LEAF - 1 - found

    def inputs(self, index: int) -> tuple[int, ...]:
        """The operands of node `index`, in order."""
        second = self.seconds[index]
        if second >= 0:
            return self.firsts[index], second
        if second == UNARY:
            return (self.firsts[index],)
        if second == MORE:
            return self.more[index]
        return ()  # a leaf

    def op(self, index: int) -> str:
        return OP_NAMES[self.codes[index]]

    def literal(self, index: int) -> str | None:
        second = self.seconds[index]
        if second < LEAF and self.codes[index] != VARIABLE_CODE:
            return self.texts[LEAF - 1 - second]
        return self.other_literals.get(index)

    def name(self, index: int) -> str | None:
        """The user's name of node `index` (a variable's, or an assigned one), or None."""
        second = self.seconds[index]
        if second < LEAF and self.codes[index] == VARIABLE_CODE:
            return self.texts[LEAF - 1 - second]
        return self.names.get(index)

    def named(self) -> Iterator[tuple[int, str]]:
        """(index, name) of every node with a user's name: the variables, then the others."""
        codes, seconds, texts = self.codes, self.seconds, self.texts
        index = codes.find(VARIABLE_CODE)
        while index >= 0:  # bytearray.find: a scan in C, not a loop over every node
            second = seconds[index]
            if second < LEAF:
                yield index, texts[LEAF - 1 - second]
            index = codes.find(VARIABLE_CODE, index + 1)
        yield from self.names.items()

    def __len__(self) -> int:
        return self.size

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [NodeView(self, i) for i in range(*index.indices(self.size))]
        if index < 0:
            index += self.size
        if not 0 <= index < self.size:
            raise IndexError("node index out of range")
        return NodeView(self, index)

    def __iter__(self) -> Iterator[NodeView]:
        return (NodeView(self, index) for index in range(self.size))

    def __repr__(self) -> str:
        return f"Nodes({list(self)!r})"


_MAPPED = (("codes", 1, "B"), ("firsts", 4, "i"), ("seconds", 4, "i"), ("starts", 4, "i"), ("ends", 4, "i"))


def _new_op(op: str) -> int:
    """The code of an op name the table does not have (a test's own op): added to OP_NAMES."""
    if len(OP_NAMES) == 256:
        raise ValueError(f"more than 256 op names: cannot add {op!r}")
    OP_CODES[op] = len(OP_NAMES)
    OP_NAMES.append(op)
    return OP_CODES[op]


class NodeView:
    """Node `index` of a Nodes: the fields of a Node, read from and written to its columns."""

    __slots__ = ("nodes", "index")

    def __init__(self, nodes: Nodes, index: int) -> None:
        self.nodes, self.index = nodes, index

    @property
    def op(self) -> str:
        return OP_NAMES[self.nodes.codes[self.index]]

    @op.setter
    def op(self, op: str) -> None:
        code = OP_CODES.get(op)
        nodes, index = self.nodes, self.index
        name, literal = nodes.name(index), nodes.literal(index)  # placed anew: a variable keeps its name elsewhere
        nodes.codes[index] = _new_op(op) if code is None else code
        nodes.label(index, name, literal)

    @property
    def inputs(self) -> tuple[int, ...]:
        return self.nodes.inputs(self.index)

    @property
    def start(self) -> int:
        return self.nodes.starts[self.index]

    @start.setter
    def start(self, start: int) -> None:
        self.nodes.starts[self.index] = start

    @property
    def end(self) -> int:
        return self.nodes.ends[self.index]

    @end.setter
    def end(self, end: int) -> None:
        self.nodes.ends[self.index] = end

    @property
    def name(self) -> str | None:
        return self.nodes.name(self.index)

    @name.setter
    def name(self, name: str | None) -> None:
        self.nodes.label(self.index, name, self.nodes.literal(self.index))

    @property
    def literal(self) -> str | None:
        return self.nodes.literal(self.index)

    @literal.setter
    def literal(self, literal: str | None) -> None:
        self.nodes.label(self.index, self.nodes.name(self.index), literal)

    @property
    def call(self) -> str | None:
        return self.nodes.calls.get(self.index)

    @call.setter
    def call(self, call: str | None) -> None:
        _set(self.nodes.calls, self.index, call)

    def __repr__(self) -> str:
        return (f"Node({self.op!r}, {self.inputs!r}, {self.start}, {self.end}, {self.name!r}, {self.literal!r}, "
                f"{self.call!r})")


def _set(column: dict[int, str], index: int, text: str | None) -> None:
    if text is None:
        column.pop(index, None)
    else:
        column[index] = text


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

    def __init__(self, source: str, nodes: Nodes | list[Node], assigned: dict[str, int], variables: dict[str, int],
                 last: int, functions: dict[str, Function] | None = None, calls: list[Call] | None = None,
                 discarded: tuple[int, ...] = ()) -> None:
        self.source, self.nodes, self.assigned, self.variables, self.last = source, columns(nodes), assigned, variables, last
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

    def __init__(self, source: str, nodes: Nodes | list[Node], order: Sequence[int], active: Sequence[int],
                 taken: Collection[str] = frozenset(), names: list[str | None] | None = None) -> None:
        self.source, self.nodes, self.order, self.active, self.taken = source, columns(nodes), order, active, taken
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
        return self.nodes.name(self.output) or _output_name(self.taken)

    @property
    def output(self) -> int:
        return self.order[-1]

    def ops(self) -> set[str]:
        """The op names of the order's nodes (VARIABLE and CONSTANT among them)."""
        codes, order = self.nodes.codes, self.order
        if type(order) is range and order.step == 1:  # a set of a slice of bytes, at C speed
            return {OP_NAMES[code] for code in set(codes[order.start:order.stop])}
        return {OP_NAMES[codes[index]] for index in order}

    def variables(self) -> array:
        """The variables' indices in order, in an array: 10⁵ of them as a list would be 4 MB of ints."""
        codes = self.nodes.codes
        return array("i", (index for index in self.order if codes[index] == VARIABLE_CODE))

    @classmethod
    def from_program(cls, program: Program, *roots: int) -> Graph:
        """The nodes the roots need, topologically; the last root in program order is the output."""
        nodes = program.nodes
        last = max(roots)
        needed = _needed(nodes, roots, range(last + 1))
        # most programs need every node up to the output: a range then, not a list of 10⁶ int objects
        order = range(last + 1) if needed.count(1) == last + 1 else [i for i in range(last + 1) if needed[i]]
        # the program's functions are names too: an unnamed output is not called f beside a function f
        taken = Taken(program.assigned, program.variables, program.functions)
        return cls.build(program.source, nodes, order, taken)

    def rooted(self, root: int) -> Graph:
        """The part of this graph that the node `root` needs, `root` its output; the names (t1, t2, …)
        and the nodes stay this graph's, so that values computed over this graph serve it."""
        before = self.order[:self.order.index(root) + 1]
        needed = _needed(self.nodes, (root,), before)
        order = [index for index in before if needed[index]]
        return Graph(self.source, self.nodes, order, self.active, self.taken, self.names)

    @classmethod
    def build(cls, source: str, nodes: Nodes | list[Node], order: Sequence[int], taken: Collection[str]) -> Graph:
        graph = cls(source, nodes, order, [], taken)
        # every variable and every named constant (c = 3) is a differentiable input
        codes, within = graph.nodes.codes, _members(order)
        graph.active = graph.depends_on({name for i, name in graph.nodes.named() if codes[i] <= CONSTANT_CODE
                                         and i in within})
        return graph

    def depends_on(self, targets: set[str]) -> bytearray:
        """Per node: whether it is one of the named nodes `targets` (variables, named constants or
        intermediates, by their names in `names`) or depends on one: the nodes a backward pass
        must reach to give ∂output/∂target."""
        nodes = self.nodes
        depends = bytearray(len(nodes))  # 1 byte a node, not a list's 8: 10⁶ nodes, 7 MB less
        firsts, seconds, more = nodes.firsts, nodes.seconds, nodes.more
        # the user's own names are on their nodes: the generated ones (t1, f) only if asked for
        named = nodes.named() if all(name in self.taken for name in targets) else enumerate(self.names)
        within = _members(self.order)
        for index in [i for i, name in named if name in targets and i in within]:
            depends[index] = 1
        for index in self.order:
            if depends[index]:
                continue
            second = seconds[index]
            if second >= 0:
                if depends[firsts[index]] or depends[second]:
                    depends[index] = 1
            elif second == UNARY:
                if depends[firsts[index]]:
                    depends[index] = 1
            elif second == MORE:
                for operand in more[index]:  # a loop, not any(generator): this runs once a node
                    if depends[operand]:
                        depends[index] = 1
                        break
        return depends


def _needed(nodes: Nodes, roots: Sequence[int], order: Sequence[int]) -> bytearray:
    """Per node: whether one of `roots` needs it (1), walking `order` (topological, the roots in it)
    from its end; a loop over indices, not a recursive walk."""
    needed = bytearray(len(nodes))
    firsts, seconds, more = nodes.firsts, nodes.seconds, nodes.more
    for root in roots:
        needed[root] = 1
    for index in reversed(order):
        if needed[index]:
            second = seconds[index]
            if second >= 0:
                needed[firsts[index]] = needed[second] = 1
            elif second == UNARY:
                needed[firsts[index]] = 1
            elif second == MORE:
                for operand in more[index]:
                    needed[operand] = 1
    return needed


def columns(nodes: Nodes | list[Node]) -> Nodes:
    """`nodes` as columns: a Nodes as it is, a list of Node (a test's, a rewrite's) copied into one."""
    return nodes if type(nodes) is Nodes else Nodes(nodes)


def _members(order: Sequence[int]) -> Container[int]:
    """`order` to ask whether an index is in it: a range answers at once, a list (a pruned graph) by a set."""
    return order if type(order) is range else set(order)


def _spelled(output: str | Sequence[str]) -> str:
    return output if isinstance(output, str) else ",".join(output)


def _names(nodes: Nodes, order: Sequence[int], taken: Collection[str]) -> list[str | None]:
    """The user's names, and for every unnamed computed node one the user did not take: f for the
    output, t1, t2, … for the rest."""
    names: list[str | None] = [None] * len(nodes)
    for index, name in nodes.named():
        names[index] = name
    codes = nodes.codes
    taken = _Added(taken)
    output = order[-1]
    if names[output] is None:
        names[output] = _output_name(taken)
        taken.add(names[output])
    counter = 0
    for index in order:
        if names[index] is None and codes[index] != CONSTANT_CODE:
            counter += 1
            while f"t{counter}" in taken:
                counter += 1
            names[index] = f"t{counter}"
    return names


class Taken:
    """The names a program's user took (its assigned names, variables and functions), read from the
    program's own dicts rather than copied into a set: 10⁵ variables would be 2 MB more."""

    __slots__ = ("parts",)

    def __init__(self, *parts: Collection[str]) -> None:
        self.parts = parts

    def __contains__(self, name: object) -> bool:
        return any(name in part for part in self.parts)

    def __iter__(self) -> Iterator[str]:
        return iter(dict.fromkeys(name for part in self.parts for name in part))


class _Added:
    """`taken` and the names added to it (the generated names t1, f), without copying `taken`."""

    __slots__ = ("taken", "added")

    def __init__(self, taken: Collection[str]) -> None:
        self.taken, self.added = taken, set()

    def __contains__(self, name: object) -> bool:
        return name in self.added or name in self.taken

    def add(self, name: str) -> None:
        self.added.add(name)


def _output_name(taken) -> str:
    """An unnamed output's name: f, or f1, f2, … if the user took f."""
    return next(name for name in _candidates("f") if name not in taken)


def _candidates(first: str):
    yield first
    number = 1
    while True:
        yield f"{first}{number}"
        number += 1
