"""Forward and backward passes over a graph's topological order, producing a Trace."""
from __future__ import annotations

import copy
from array import array
from collections.abc import Callable, Sequence

from ..errors import DomainError, InputError, Irrational, MathError, TimedOut, TooLarge, UndefinedDerivative
from ..graph.nodes import CONSTANT, CONSTANT_CODE, LEAF, MORE, OP_NAMES, UNARY, VARIABLE, VARIABLE_CODE, Graph
from ..numbers import Number
from ..numbers.agreement import agree
from ..numbers.limits import refusal
from ..ops import CONSTANTS, OPS
from ..ops.declaration import Op
from ..text import excerpt, listing, look_alike, shorten
from .timeout import note_place
from .trace import NOT_TAKEN, BackwardRow, ForwardRow, NaiveGradient, Term, Trace

_ARITHMETIC_FAILURES = (DomainError, ZeroDivisionError, OverflowError, ValueError)


def differentiate(graph: Graph, bindings: dict[str, Number], numbers, wrt: list[str] | None = None,
                  record: bool = True, naive: bool = False, values: list[Number] | None = None) -> Trace:
    """Value and gradient of the graph's output at `bindings`, with the trace of both passes
    (without `record`, the trace keeps only the variables' rows); with `naive`, also what the
    backward pass gives that assigns where it should accumulate (trace.naive). `values`: the
    forward pass already run (over this graph or one that contains it: several outputs share it)."""
    nodes, order = graph.nodes, graph.order
    names = graph.names if record else None  # without records only the variables', on their nodes
    active = graph.active if wrt is None else graph.depends_on(set(wrt))  # skip derivatives nobody asked for
    check_bound(graph, bindings)
    # values of our own, not asked for again (no records, no naive pass, no --wrt): the backward pass
    # lets go of each node's value and adjoint once it has passed them on
    release = values is None and not record and not naive and wrt is None
    # then the gradient, in the variables' order, is filled by the backward pass itself; made before
    # the values are, when there is less to hold
    gradient = dict.fromkeys(map(nodes.name, graph.variables())) if release else None
    if values is None:
        values = forward_values(graph, bindings, numbers)
    demand(values, (graph.output,))
    live = live_nodes(graph, values, numbers)
    forward = forward_rows(graph, values, record, live) if not release else None
    value = values[graph.output]
    operand_names: dict[int, tuple[str, ...]] = {}  # per consumer, made at its first term

    terms: dict[int, list[Term]] = {index: [] for index in order if active[index]} if record else {}

    def note_term(index: int, operand: int, position: int, upstream, local, contribution) -> None:
        operands = operand_names.get(index)
        if operands is None:
            operands = operand_names[index] = _operand_names(graph, index)
        terms[operand].append(Term(names[index], OP_NAMES[nodes.codes[index]], operands, position, upstream, local,
                                   contribution))

    conventions: list[str] = []
    output = graph.output
    adjoints = backward_pass(graph, values, numbers, active, conventions, _accumulate, note_term if record else None,
                             live, gradient)
    backward = [BackwardRow(names[i], adjoints[i], terms[i])
                for i in reversed(order) if adjoints.get(i) is not None] if record else []
    if release:  # the variables' values are their bindings
        values = None
        for name, adjoint in gradient.items():
            if adjoint is None:  # not reached: 0
                gradient[name] = zero_like(bindings[name], numbers)
        forward = VariableRows(graph, bindings)
    else:
        gradient = _gradient(graph, wrt, adjoints, values, numbers)
    conventions += _conventions(graph.ops(), numbers)
    trace = Trace(graph.source, graph.output_name, value, gradient, forward, backward, numbers, conventions)
    if naive:
        trace.naive = naive_pass(graph, values, numbers, active, wrt, gradient, live)
    return trace


def forward_rows(graph: Graph, values: list[Number], record: bool = True,
                 live: list[bool] | None = None) -> list[ForwardRow]:
    """The forward pass's records: every named node in topological order (without `record`, the variables');
    a computed node that is not `live` (live_nodes) has the value NOT_TAKEN."""
    nodes = graph.nodes
    if not record:  # the variables, by the names on their nodes: no generated names needed
        return VariableRows(graph, values)
    names = graph.names
    codes, seconds, starts, ends, calls = nodes.codes, nodes.seconds, nodes.starts, nodes.ends, nodes.calls
    return [ForwardRow(names[index], OP_NAMES[codes[index]], _operand_names(graph, index), (starts[index], ends[index]),
                       NOT_TAKEN if (live is not None and not live[index] and seconds[index] > LEAF)
                       or type(values[index]) is Refused else values[index],
                       calls.get(index))
            for index in graph.order if names[index] is not None]


def backward_pass(graph: Graph, values: list, numbers, active: list[bool], conventions: list[str],
                  combine: Callable, note_term: Callable | None = None, live: list[bool] | None = None,
                  gradient: dict[str, Number | None] | None = None) -> dict[int, Number]:
    """∂output/∂node for every node it reaches (by index), from the output down the reverse topological order: each
    node's upstream × its local derivative (a tensor op: its vector-Jacobian product) goes to the
    operand as combine(the operand's adjoint so far or None, contribution), operands in order.
    `note_term(consumer, operand, position, upstream, local, contribution)` sees every use. A node
    that is not `live` (live_nodes: only a branch not taken needs it) passes nothing on: its adjoint
    is 0 whatever its local derivatives, which may not exist there. A dict, not a list a node. With
    `gradient` (the variables' names, each None), the variables' adjoints go there by name instead,
    and a computed node's value and adjoint are dropped once it is passed (the value None, or the
    array cut back): only the nodes between the passed ones and the rest hold an adjoint, and the
    caller reads no value after it (nor a named constant's adjoint, which is not kept)."""
    nodes, order, output = graph.nodes, graph.order, graph.output
    codes, firsts, seconds, more = nodes.codes, nodes.firsts, nodes.seconds, nodes.more
    adjoints: dict[int, Number] = {}
    release, texts = gradient is not None, nodes.texts
    is_finite = numbers.is_finite
    if active[output]:
        seed = _seed(values[output], numbers, conventions)
        if release and codes[output] == VARIABLE_CODE:
            gradient[nodes.name(output)] = seed
        else:
            adjoints[output] = seed
    sole = bytearray(len(nodes))  # 1: the adjoint is the seed or one contribution, found finite when it came
    sole[output] = 1
    index = output
    accumulate = combine is _accumulate  # the chain rule's sum, inlined: this loop runs once a use
    rules: list[tuple | None] = [None] * len(OP_NAMES)  # op code → (local derivatives, VJPs): once per op
    drop_values = release and type(values) is list
    # forward_values' array of floats (over every node, in order) holds no objects to drop: it is cut
    # back instead, to the nodes not passed yet, and gives its memory back as it halves
    shrink = release and type(values) is array
    try:
        for index in reversed(order):
            if shrink and not index & 4095 and index < output:
                del values[index + 1:]
            second = seconds[index]
            if second >= 0:
                inputs = firsts[index], second
            elif second == UNARY:
                inputs = (firsts[index],)
            elif second == MORE:
                inputs = more[index]
            else:
                continue  # a leaf
            answer = values[index]
            if release and index != output:  # its consumers came before it: nothing reads these again
                upstream = adjoints.pop(index, None)
                if drop_values:
                    values[index] = None
            else:
                upstream = adjoints.get(index)
            if upstream is None or (live is not None and not live[index]):
                continue
            rule = rules[codes[index]]
            if rule is None:
                op = OPS[OP_NAMES[codes[index]]]
                rule = rules[codes[index]] = (op.partials, op.vjps)
            partials, vjps = rule
            operands = [values[i] for i in inputs]
            for position, operand in enumerate(inputs):
                if not active[operand] or (vjps and vjps[position] is None):
                    continue  # no derivative is asked of the operand, or none flows through an index or an axis
                try:
                    if vjps:  # a tensor op: the contribution is a vector-Jacobian product, no local factor
                        local, contribution = None, vjps[position](numbers, upstream, answer, *operands)
                        through = False
                    else:
                        local = partials[position](numbers, answer, *operands)
                        # a float local of ±1 (add, sub) gives ±upstream exactly, without a pass over a
                        # tensor's elements; and ±upstream is finite when the upstream was found so
                        through = type(local) is float and (local == 1.0 or local == -1.0)
                        contribution = (upstream if local == 1.0 else -upstream) if through else upstream * local
                except _ARITHMETIC_FAILURES as failure:
                    raise _failure(graph, index, values, numbers, failure, derivative_of=operand) from None
                if not (through and sole[index]) and not is_finite(contribution):
                    raise _failure(graph, index, values, numbers, refusal(numbers, contribution), derivative_of=operand)
                if release and seconds[operand] <= LEAF:  # a leaf: a variable's adjoint by its name
                    if codes[operand] != VARIABLE_CODE:
                        continue
                    held, key = gradient, texts[LEAF - 1 - seconds[operand]]
                else:
                    held, key = adjoints, operand
                previous = held.get(key)
                if previous is None:
                    held[key] = contribution
                    sole[operand] = 1
                else:
                    held[key] = previous + contribution if accumulate else combine(previous, contribution)
                    sole[operand] = 0
                if note_term is not None:
                    note_term(index, operand, position, upstream, local, contribution)
    except TimedOut as stop:
        note_place(stop, _place(graph, index))
        raise
    return adjoints


def _accumulate(previous, contribution):
    """The multivariable chain rule: a node's derivative is the sum over its uses (`grad += …`)."""
    return contribution if previous is None else previous + contribution


def _assign(previous, contribution):
    """The classic mistake (`grad = …`): each node keeps only the last contribution it receives."""
    return contribution


def naive_pass(graph: Graph, values: list, numbers, active: list[bool], wrt: list[str] | None,
               gradient: dict[str, Number], live: list[bool] | None = None) -> NaiveGradient:
    """The backward pass again with assignment in place of accumulation, the nodes used more than
    once (where it loses contributions) and the partial derivatives where it is wrong."""
    uses = [0] * len(graph.nodes)

    def count_use(consumer: int, operand: int, *_) -> None:
        uses[operand] += 1

    adjoints = backward_pass(graph, values, numbers, active, [], _assign, count_use, live)
    naive = _gradient(graph, wrt, adjoints, values, numbers)
    fan_out = {graph.names[i]: uses[i] for i in graph.order if uses[i] > 1}
    wrong = tuple(name for name, value in gradient.items() if not agree(numbers, value, naive[name]))
    return NaiveGradient(naive, fan_out, wrong)


def _conventions(used: set[str], numbers) -> list[str]:
    """The choices made where a derivative does not exist, for the ops used. An interval states once
    that a kink gets the whole subgradient, instead of the point choices of relu, abs, max and min."""
    chosen = [op for name, op in OPS.items() if name in used and op.convention]
    subgradient = numbers.kink_note if any(op.kink for op in chosen) else None
    return [subgradient] * bool(subgradient) + [op.convention.format(relu0=numbers.relu0_text) for op in chosen
                                                if not (subgradient and op.kink)]


def check_bound(graph: Graph, bindings: dict[str, Number]) -> None:
    """Every variable of the graph has a value, or an InputError lists those that have none.
    Called before any pass, so a missing value reads the same whatever the other values are."""
    name = graph.nodes.name
    unbound = [name(i) for i in graph.variables() if name(i) not in bindings]
    if unbound:
        others = [*bindings, *(name for name in graph.names if name is not None)]
        raise InputError(f"no value for {_listing(unbound)}: give {'it' if len(unbound) == 1 else 'them'} "
                         f"with --at, e.g. --at {shorten(','.join(name + '=1' for name in unbound[:5]), 80)}"
                         + look_alike(unbound[0], others))


def _gradient(graph: Graph, wrt: list[str] | None, adjoints: dict[int, Number], values: list,
              numbers) -> dict[str, Number]:
    """∂output/∂name for each `wrt` name (any named node) or, without `wrt`, for every variable.
    A node the output does not reach, or reaches only where nothing is differentiable (an index,
    an axis), has derivative 0."""
    if wrt is None:  # the variables, by the names on their nodes; taken out of `adjoints`, which is spent
        variables = graph.variables()
        name, take = graph.nodes.name, adjoints.pop
        demand(values, variables)
        return {name(i): zero_like(values[i], numbers) if adjoints.get(i) is None else take(i) for i in variables}
    names, wanted = graph.names, set(wrt)
    nodes = [index for index in graph.order if names[index] in wanted]
    demand(values, nodes)
    gradient = {names[i]: zero_like(values[i], numbers) if adjoints.get(i) is None else adjoints[i] for i in nodes}
    return {name: gradient.get(name, numbers.zero) for name in wrt}


class VariableRows(Sequence):
    """The forward rows of the variables (a pass without records), made when read: 10⁵ variables
    would otherwise hold 10⁵ rows that a JSON answer without the trace never reads. What they need
    is copied out of the graph, so that the trace does not keep the graph's nodes alive."""

    def __init__(self, graph: Graph, values: list[Number] | dict[str, Number]) -> None:
        """`values`: by node index, or the bindings by name."""
        nodes, indices = graph.nodes, graph.variables()
        self.names = [nodes.name(index) for index in indices]
        self.starts, self.ends = array("i", (nodes.starts[i] for i in indices)), array("i", (nodes.ends[i] for i in indices))
        self.calls = {position: nodes.calls[index] for position, index in enumerate(indices) if index in nodes.calls}
        picked = ((values[name] for name in self.names) if isinstance(values, dict)
                  else (values[index] for index in indices))
        self.values = array("d", picked) if type(values) is array else list(picked)

    def __len__(self) -> int:
        return len(self.names)

    def __getitem__(self, position):
        if isinstance(position, slice):
            return [self[i] for i in range(*position.indices(len(self.names)))]
        return ForwardRow(self.names[position], VARIABLE, (), (self.starts[position], self.ends[position]),
                          self.values[position], self.calls.get(position % len(self.names)))


class Refused:
    """The value of a node whose forward rule failed (1/0, sqrt(-1), an overflow), or that needs such a
    value: its error, kept instead of raised, since a piecewise definition's branch not taken may fail
    (if(x != 0, sin(x)/x, 1) at x = 0). A pass raises it where it needs the value (demand)."""

    __slots__ = ("error", "rank")

    def __init__(self, error: MathError, rank: int) -> None:
        self.error, self.rank = error, rank  # rank: the failing node's place in the order (the first one is reported)


def forward_values(graph: Graph, bindings: dict[str, Number], numbers,
                   needed: Sequence[int] | None = None, release: bool = False) -> list[Number]:
    """The value of every node the output needs, by its program index; a node whose value fails holds
    a Refused one, and the output (or each node of `needed`) raises its error when it is Refused.
    With `release` (a caller that reads only the output's and `needed`'s values: forward mode without
    records), a computed node's value is dropped once its last consumer is computed, so that the pass
    holds its frontier only (dual numbers are objects of 100 bytes and more)."""
    nodes = graph.nodes
    last_use = _last_uses(graph, (graph.output,) if needed is None else needed) if release else None
    codes, firsts, seconds, more, name = nodes.codes, nodes.firsts, nodes.seconds, nodes.more, nodes.name
    is_finite = numbers.is_finite
    order = graph.order
    # while every value is a float, in an array of doubles: 8 bytes a node, where a list holds 8 and
    # each float object 24 more (a list from the first value of another type on)
    floats = type(order) is range and order == range(len(nodes))
    values: list[Number] | array = array("d", (0.0,)) * len(nodes) if floats else [None] * len(nodes)
    index, refused = graph.output, False
    forwards: list[Op | None] = [None] * len(OP_NAMES)  # op code → its declaration, looked up once per op
    apply = numbers.apply  # the op's forward rule (dual numbers also apply its derivative rule)
    constants: dict[int, Number] = {}  # by literal text: "2" written 10⁵ times is one float
    try:
        for rank, index in enumerate(order):
            code = codes[index]
            if code == VARIABLE_CODE:
                value = bindings[name(index)]
            elif code == CONSTANT_CODE:
                value = constants.get(seconds[index])  # the literal text's code
                if value is None:
                    value = constants[seconds[index]] = _constant(graph, index, numbers)
            else:
                second = seconds[index]
                if second >= 0:
                    operands = values[firsts[index]], values[second]
                elif second == UNARY:
                    operands = (values[firsts[index]],)
                else:
                    operands = [values[i] for i in more.get(index, ())]
                if refused and any(type(operand) is Refused for operand in operands):
                    value = _refused_use(graph, index, rank, values, numbers)
                else:
                    forward = forwards[code]
                    if forward is None:
                        forward = forwards[code] = OPS[OP_NAMES[code]]
                    try:
                        value = apply(forward, *operands)
                        if not is_finite(value):
                            value = Refused(_failure(graph, index, values, numbers, refusal(numbers, value)), rank)
                    except _ARITHMETIC_FAILURES as failure:
                        value = Refused(_failure(graph, index, values, numbers, failure), rank)
                    refused = refused or type(value) is Refused
            if floats and type(value) is not float:  # an int, a fraction, a tensor, a Refused: a list from here on
                # (the order is every node in turn here: the nodes before this one are the computed ones)
                values, floats = values[:index].tolist() + [None] * (len(values) - index), False
            values[index] = value
            if last_use is not None and not floats:
                for operand in nodes.inputs(index):
                    if last_use[operand] == index:
                        values[operand] = None
    except TimedOut as stop:
        note_place(stop, _place(graph, index))
        raise
    demand(values, (graph.output,) if needed is None else needed)
    return values


def _last_uses(graph: Graph, kept: Sequence[int]) -> array:
    """Per node: the index of the last node in the order that takes it as an operand (-1: none, or a
    node of `kept`, whose value stays)."""
    inputs = graph.nodes.inputs
    last = array("q", (-1,)) * len(graph.nodes)
    for index in graph.order:
        for operand in inputs(index):
            last[operand] = index
    for index in kept:
        last[index] = -1
    return last


def reevaluate(graph: Graph, values: list, indices: list[int], bindings: dict[str, Number],
               numbers) -> dict[int, Number]:
    """The forward pass again over only the nodes `indices` (in topological order: the nodes a change
    reaches), the variables among them at `bindings`, every other operand at its value in `values`;
    their new values by index. Failures are reported as forward_values reports them."""
    nodes, is_finite = graph.nodes, numbers.is_finite
    codes, name, firsts, seconds, inputs = nodes.codes, nodes.name, nodes.firsts, nodes.seconds, nodes.inputs
    new: dict[int, Number] = {}
    index = graph.output
    try:
        for index in indices:
            code = codes[index]
            if code == VARIABLE_CODE:
                value = bindings[name(index)]
            elif code == CONSTANT_CODE:
                value = values[index]
            else:
                second = seconds[index]
                if second >= 0:  # two operands, spelled out: this runs once a node a probe
                    first = firsts[index]
                    operands = (new[first] if first in new else values[first],
                                new[second] if second in new else values[second])
                else:
                    operands = [new[i] if i in new else values[i] for i in inputs(index)]
                try:
                    value = numbers.apply(OPS[OP_NAMES[code]], *operands)
                except _ARITHMETIC_FAILURES as failure:
                    raise _failure(graph, index, _overlaid(values, new), numbers, failure) from None
                if not is_finite(value):
                    raise _failure(graph, index, _overlaid(values, new), numbers, refusal(numbers, value))
            new[index] = value
    except TimedOut as stop:
        note_place(stop, _place(graph, index))
        raise
    return new


def _overlaid(values: list, new: dict[int, Number]) -> list:
    merged = list(values)
    for index, value in new.items():
        merged[index] = value
    return merged


def _refused_use(graph: Graph, index: int, rank: int, values: list, numbers) -> Number:
    """The value of a node with a Refused operand: where an op that selects (if) has its first
    operand decide, what it gives with 0 for the operand it does not take (the one taken, shaped as
    the condition); otherwise Refused, with the first error (an undecided condition needing both
    branches says so)."""
    op = OPS[graph.nodes[index].op]
    operands = [values[i] for i in graph.nodes[index].inputs]
    first = min((operand for operand in operands if type(operand) is Refused), key=lambda operand: operand.rank)
    if op.selects is None or type(operands[0]) is Refused:
        return first
    chosen = op.selects(numbers, operands[0])
    if chosen is not None:
        if type(operands[chosen]) is Refused:
            return operands[chosen]
        try:
            return numbers.apply(op, *[numbers.zero if type(operand) is Refused else operand for operand in operands])
        except _ARITHMETIC_FAILURES as failure:
            return Refused(_failure(graph, index, values, numbers, failure), rank)
    node, condition = graph.nodes[index], graph.nodes[graph.nodes[index].inputs[0]]
    parts, first_one = ("branches", "its condition ") if op.arity == 3 else ("operands", "")  # if; and, or
    written = first_one + excerpt(graph.source, condition.start, condition.end, limit=40)
    why = (f"{written} differs between the tensor's elements" if getattr(operands[0], "shape", ())
           else f"{written} is undecided over these intervals (they reach its boundary)")
    error = copy.copy(first.error)
    error.message = (f"{error.message} (both {parts} of {graph.names[index]} = "
                     f"{excerpt(graph.source, node.start, node.end, limit=60)} are needed: {why})")
    error.args = (error.message,)
    return Refused(error, first.rank)


def demand(values: list, indices) -> None:
    """Raise the error of the first of these nodes whose value is Refused: a pass needs their values."""
    for index in indices:
        if type(values[index]) is Refused:
            raise values[index].error


def live_nodes(graph: Graph, values: list, numbers, roots: Sequence[int] | None = None) -> list[bool] | None:
    """Per node: whether the roots' values (default: the output's) need it, an op that selects one of
    its operands (if) needing only the one it takes; None when every node is needed (no such op). A
    node that is not live only serves a branch not taken: the passes compute nothing at it."""
    nodes = graph.nodes
    if _SELECTING.keys().isdisjoint(graph.ops()):
        return None
    live = [False] * len(nodes)
    for root in (graph.output,) if roots is None else roots:
        live[root] = True
    for index in reversed(graph.order):
        if not live[index]:
            continue
        inputs = nodes[index].inputs
        select = _SELECTING.get(nodes[index].op)
        if select is not None and type(values[inputs[0]]) is not Refused:
            chosen = select(numbers, values[inputs[0]])
            if chosen is not None:
                live[inputs[0]] = live[inputs[chosen]] = True
                continue
        for operand in inputs:
            live[operand] = True
    return live


_SELECTING = {name: op.selects for name, op in OPS.items() if op.selects is not None}


def zero_like(value, numbers):
    if not getattr(value, "shape", ()):
        return numbers.zero
    from ..numbers.tensor import filled

    return filled(value, numbers.zero)


def _seed(value, numbers, conventions: list[str]):
    """∂out/∂out: 1, or for a tensor output ones of its shape (the gradient of the sum of its elements)."""
    shape = getattr(value, "shape", ())
    if not shape:
        return numbers.one
    from ..numbers.tensor import shape_text, filled

    conventions.append(f"the output is a {shape_text(shape)} tensor: the gradient is that of the sum of its elements")
    return filled(value, numbers.one)


def _constant(graph: Graph, index: int, numbers) -> Number:
    node = graph.nodes[index]
    try:
        value = getattr(numbers, CONSTANTS[node.literal]) if node.literal in CONSTANTS else numbers.literal(node.literal)
    except DomainError as failure:
        raise MathError(str(failure), graph.source, node.start) from None
    if not numbers.is_finite(value):
        raise MathError(f"the number {shorten(node.literal)} is too large for {numbers.description}",
                        graph.source, node.start)
    return value


def _operand_names(graph: Graph, index: int) -> tuple[str, ...]:
    nodes = graph.nodes
    if nodes.codes[index] == CONSTANT_CODE:
        return (nodes.literal(index),)
    names = graph.names
    return tuple(names[i] or nodes.literal(i) for i in nodes.inputs(index))


def _failure(graph: Graph, index: int, values: list, numbers, failure: Exception,
             derivative_of: int | None = None) -> MathError:
    """A MathError naming the node, its source text and its operands' values."""
    if isinstance(failure, UndefinedDerivative) and derivative_of is None:  # forward mode: a guard refused
        derivative_of = graph.nodes[index].inputs[failure.position]
    if isinstance(failure, DomainError):
        reason = str(failure)
    elif isinstance(failure, ZeroDivisionError):
        reason = "division by zero"
    elif isinstance(failure, OverflowError):
        reason = numbers.overflow
    elif any(getattr(values[i], "shape", ()) for i in graph.nodes[index].inputs):
        shapes = " and ".join(str(getattr(values[i], "shape", ())) for i in graph.nodes[index].inputs)
        reason = f"the shapes {shapes} do not broadcast together"
    else:
        reason = str(failure) or type(failure).__name__
    node = graph.nodes[index]
    shown = dict.fromkeys(i for i in node.inputs if graph.nodes[i].op != CONSTANT)  # x*x: x once
    written = getattr(numbers, "format_primal", numbers.format)  # dual numbers: the value, not its tangent
    described = ((_describe(graph, i), shorten(written(values[i]), 60)) for i in shown)
    # an operand written as its own value (1/3 in exact mode) says nothing new
    operands = ", ".join(f"{text} = {value}" for text, value in described if text != value)
    message = f"in {graph.names[index]} = {excerpt(graph.source, node.start, node.end)}: "
    if derivative_of is None:
        message += reason
    elif isinstance(failure, (Irrational, TooLarge)):  # it exists, but --exact or --max-digits cannot hold it
        message += f"the derivative with respect to {_describe(graph, derivative_of)}: {reason}"
    else:
        message += f"the derivative with respect to {_describe(graph, derivative_of)} is undefined ({reason})"
    error = MathError(message + (f", where {operands}" if operands else ""), graph.source, node.start)
    error.undefined_derivative = derivative_of is not None  # forward mode asks the reverse pass which (dual.py)
    return error


def _place(graph: Graph, index: int) -> str:
    """Where a pass was when --timeout ran out: `at node t3 = sin(t2)`."""
    node, name = graph.nodes[index], graph.names[index]
    text = excerpt(graph.source, node.start, node.end)
    return f"at node {name} = {text}" if name is not None and name != text else f"at node {text}"


def _describe(graph: Graph, index: int) -> str:
    """How a message refers to a node: its name if the user gave one, else its source text."""
    node = graph.nodes[index]
    return node.name if node.name is not None else excerpt(graph.source, node.start, node.end)


def _listing(names: list[str]) -> str:
    if len(names) > 5:
        return listing([f"'{name}'" for name in names])
    quoted = [f"'{shorten(name)}'" for name in names]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]
