"""Forward and backward passes over a graph's topological order, producing a Trace."""
from __future__ import annotations

from collections.abc import Callable

from ..errors import DomainError, InputError, Irrational, MathError, TimedOut, TooLarge
from ..graph.nodes import CONSTANT, VARIABLE, Graph
from ..numbers import Number
from ..numbers.agreement import agree
from ..numbers.limits import refusal
from ..ops import CONSTANTS, OPS
from ..text import excerpt, shorten
from .timeout import note_place
from .trace import BackwardRow, ForwardRow, NaiveGradient, Term, Trace

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
    if values is None:
        values = forward_values(graph, bindings, numbers)
    forward = forward_rows(graph, values, record)
    operand_names: dict[int, tuple[str, ...]] = {}  # per consumer, made at its first term

    terms: dict[int, list[Term]] = {index: [] for index in order if active[index]} if record else {}

    def note_term(index: int, operand: int, position: int, upstream, local, contribution) -> None:
        operands = operand_names.get(index)
        if operands is None:
            operands = operand_names[index] = _operand_names(graph, index)
        terms[operand].append(Term(names[index], nodes[index].op, operands, position, upstream, local, contribution))

    conventions: list[str] = []
    output = graph.output
    adjoints = backward_pass(graph, values, numbers, active, conventions, _accumulate, note_term if record else None)
    backward = [BackwardRow(names[i], adjoints[i], terms[i])
                for i in reversed(order) if adjoints[i] is not None] if record else []
    gradient = _gradient(graph, wrt, adjoints, values, numbers)
    conventions += _conventions({nodes[i].op for i in order}, numbers)
    trace = Trace(graph.source, graph.output_name, values[output], gradient, forward, backward, numbers, conventions)
    if naive:
        trace.naive = naive_pass(graph, values, numbers, active, wrt, gradient)
    return trace


def forward_rows(graph: Graph, values: list[Number], record: bool = True) -> list[ForwardRow]:
    """The forward pass's records: every named node in topological order (without `record`, the variables')."""
    nodes = graph.nodes
    if not record:  # the variables, by the names on their nodes: no generated names needed
        return [ForwardRow(nodes[index].name, VARIABLE, (), (nodes[index].start, nodes[index].end), values[index],
                           nodes[index].call) for index in graph.variables()]
    names = graph.names
    return [ForwardRow(names[index], nodes[index].op, _operand_names(graph, index),
                       (nodes[index].start, nodes[index].end), values[index], nodes[index].call)
            for index in graph.order if names[index] is not None]


def backward_pass(graph: Graph, values: list, numbers, active: list[bool], conventions: list[str],
                  combine: Callable, note_term: Callable | None = None) -> list[Number]:
    """∂output/∂node for every node, from the output down the reverse topological order: each
    node's upstream × its local derivative (a tensor op: its vector-Jacobian product) goes to the
    operand as combine(the operand's adjoint so far or None, contribution), operands in order.
    `note_term(consumer, operand, position, upstream, local, contribution)` sees every use."""
    nodes, order, output = graph.nodes, graph.order, graph.output
    adjoints: list[Number] = [None] * len(nodes)
    is_finite = numbers.is_finite
    if active[output]:
        adjoints[output] = _seed(values[output], numbers, conventions)
    sole = bytearray(len(nodes))  # 1: the adjoint is the seed or one contribution, found finite when it came
    sole[output] = 1
    index = output
    accumulate = combine is _accumulate  # the chain rule's sum, inlined: this loop runs once a use
    rules: dict[str, tuple] = {}  # op name → (local derivatives, VJPs): looked up once per op, not per node
    try:
        for index in reversed(order):
            upstream = adjoints[index]
            if upstream is None:
                continue
            node = nodes[index]
            inputs = node.inputs
            if not inputs:
                continue
            rule = rules.get(node.op)
            if rule is None:
                rule = rules[node.op] = (OPS[node.op].partials, OPS[node.op].vjps)
            partials, vjps = rule
            answer = values[index]
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
                previous = adjoints[operand]
                if previous is None:
                    adjoints[operand] = contribution
                    sole[operand] = 1
                else:
                    adjoints[operand] = previous + contribution if accumulate else combine(previous, contribution)
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
               gradient: dict[str, Number]) -> NaiveGradient:
    """The backward pass again with assignment in place of accumulation, the nodes used more than
    once (where it loses contributions) and the partial derivatives where it is wrong."""
    uses = [0] * len(graph.nodes)

    def count_use(consumer: int, operand: int, *_) -> None:
        uses[operand] += 1

    adjoints = backward_pass(graph, values, numbers, active, [], _assign, count_use)
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
    unbound = [graph.nodes[i].name for i in graph.variables() if graph.nodes[i].name not in bindings]
    if unbound:
        raise InputError(f"no value for {_listing(unbound)}: give {'it' if len(unbound) == 1 else 'them'} "
                         f"with --at, e.g. --at {shorten(','.join(name + '=1' for name in unbound), 80)}")


def _gradient(graph: Graph, wrt: list[str] | None, adjoints: list, values: list, numbers) -> dict[str, Number]:
    """∂output/∂name for each `wrt` name (any named node) or, without `wrt`, for every variable.
    A node the output does not reach, or reaches only where nothing is differentiable (an index,
    an axis), has derivative 0."""
    if wrt is None:  # the variables, by the names on their nodes
        return {graph.nodes[i].name: zero_like(values[i], numbers) if adjoints[i] is None else adjoints[i]
                for i in graph.variables()}
    names, wanted = graph.names, set(wrt)
    nodes = [index for index in graph.order if names[index] in wanted]
    gradient = {names[i]: zero_like(values[i], numbers) if adjoints[i] is None else adjoints[i] for i in nodes}
    return gradient if wrt is None else {name: gradient.get(name, numbers.zero) for name in wrt}


def forward_values(graph: Graph, bindings: dict[str, Number], numbers) -> list[Number]:
    """The value of every node the output needs, by its program index."""
    nodes = graph.nodes
    is_finite = numbers.is_finite
    values: list[Number] = [None] * len(nodes)
    index = graph.output
    forwards: dict[str, Callable] = {}  # op name → its forward rule, looked up once per op
    constants: dict[str, Number] = {}
    try:
        for index in graph.order:
            node = nodes[index]
            op = node.op
            if op == VARIABLE:
                value = bindings[node.name]
            elif op == CONSTANT:  # one value per literal text: "2" written 10⁵ times is one float
                value = constants.get(node.literal)
                if value is None:
                    value = constants[node.literal] = _constant(graph, index, numbers)
            else:
                forward = forwards.get(op)
                if forward is None:
                    forward = forwards[op] = OPS[op].forward
                try:
                    value = forward(numbers, *[values[i] for i in node.inputs])
                except _ARITHMETIC_FAILURES as failure:
                    raise _failure(graph, index, values, numbers, failure) from None
                if not is_finite(value):
                    raise _failure(graph, index, values, numbers, refusal(numbers, value))
            values[index] = value
    except TimedOut as stop:
        note_place(stop, _place(graph, index))
        raise
    return values


def reevaluate(graph: Graph, values: list, indices: list[int], bindings: dict[str, Number],
               numbers) -> dict[int, Number]:
    """The forward pass again over only the nodes `indices` (in topological order: the nodes a change
    reaches), the variables among them at `bindings`, every other operand at its value in `values`;
    their new values by index. Failures are reported as forward_values reports them."""
    nodes, is_finite = graph.nodes, numbers.is_finite
    new: dict[int, Number] = {}
    index = graph.output
    try:
        for index in indices:
            node = nodes[index]
            if node.op == VARIABLE:
                value = bindings[node.name]
            elif node.op == CONSTANT:
                value = values[index]
            else:
                operands = [new[i] if i in new else values[i] for i in node.inputs]
                try:
                    value = OPS[node.op].forward(numbers, *operands)
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
    node = graph.nodes[index]
    if node.op == CONSTANT:
        return (node.literal,)
    return tuple(graph.names[i] or graph.nodes[i].literal for i in node.inputs)


def _failure(graph: Graph, index: int, values: list, numbers, failure: Exception,
             derivative_of: int | None = None) -> MathError:
    """A MathError naming the node, its source text and its operands' values."""
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
    described = ((_describe(graph, i), shorten(numbers.format(values[i]), 60)) for i in shown)
    # an operand written as its own value (1/3 in exact mode) says nothing new
    operands = ", ".join(f"{text} = {value}" for text, value in described if text != value)
    message = f"in {graph.names[index]} = {excerpt(graph.source, node.start, node.end)}: "
    if derivative_of is None:
        message += reason
    elif isinstance(failure, (Irrational, TooLarge)):  # it exists, but --exact or --max-digits cannot hold it
        message += f"the derivative with respect to {_describe(graph, derivative_of)}: {reason}"
    else:
        message += f"the derivative with respect to {_describe(graph, derivative_of)} is undefined ({reason})"
    return MathError(message + (f", where {operands}" if operands else ""), graph.source, node.start)


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
    quoted = [f"'{shorten(name)}'" for name in names]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]
