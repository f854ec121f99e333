"""Forward mode and the Hessian, both by running the existing passes in dual numbers (numbers/dual.py).

Forward mode pushes tangents from the inputs to the output: forward_values in dual numbers, each
variable seeded with its tangent (one direction per variable element at once, as a vector). The
Hessian is forward-over-reverse: the backward pass itself runs in dual numbers, so the tangent of
each adjoint ∂f/∂xᵢ in direction v is (H·v)ᵢ; seeded with every unit vector at once, the tangents of
the gradient are the rows of H. Tensor variables are flattened to the names w[0], w[1], … (w[0,1]
for a matrix) in row-major order.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..language.bindings import bind
from .broadcasting import with_tensors
from .certification import until_certified
from ..errors import InputError, MathError
from ..text import listing
from ..graph.nodes import LEAF, Graph, Program
from ..numbers.dual import Dual, DualNumbers, component, tangent_of, unit_vectors, value_of
from ..ops import OPS
from .forward_backward import _SELECTING, Refused, check_bound, differentiate, forward_values, live_nodes, _operand_names
from .trace import NOT_TAKEN, Trace


@dataclass(frozen=True)
class Slot:
    """One scalar the derivatives are taken with respect to: a variable, or one element of a tensor one."""

    name: str  # x, or w[1] for an element
    variable: str
    position: tuple[int, ...] | None  # the element's index in the tensor; None for a scalar variable


@dataclass(slots=True)
class TangentTerm:
    """One operand's share of a node's tangent: ∂node/∂operand (local) × its tangent = contribution."""

    operand: str
    position: int
    local: object  # None for a tensor op, whose share is its JVP
    operand_tangents: list
    contributions: list


@dataclass(slots=True)
class TangentRow:
    name: str
    op: str
    operands: tuple[str, ...]
    span: tuple[int, int]
    value: object
    tangents: list  # one per direction
    terms: list[TangentTerm] = field(default_factory=list)


@dataclass
class ForwardModeTrace:
    source: str
    output: str
    value: object
    gradient: dict  # by forward mode: the output's tangent in the direction of each variable ({} along --tangent)
    directions: list[str]  # the tangent columns' names: ẋ per variable, or 'v' for --tangent
    rows: list[TangentRow]
    jvp: object | None  # the output's tangent along --tangent
    numbers: object  # the base number system (tensors of it, where there are tensors)
    conventions: list[str]
    outputs: dict = field(default_factory=dict)  # with several outputs: name → (value, gradient by forward mode)


@dataclass
class HessianResult:
    slots: list[Slot]
    value: object
    gradient: dict  # slot name → ∂f/∂slot
    hessian: list[list] | None  # rows by slot; None with --hvp
    hvp: dict | None  # slot name → (H·v) component
    trace: Trace  # the backward pass in dual numbers, for the tables
    numbers: object  # the base number system
    conventions: list[str]


def _setup(graph: Graph, program: Program, pairs, numbers):
    """The bound base values, the graph with explicit repeats, and the number systems: the base one
    (tensors of it, where needed) and its dual one."""
    values = bind(program, pairs, numbers)
    check_bound(graph, values)
    base, shaped = with_tensors(graph, values, numbers)
    # the values first, as the reverse pass computes them: where the function itself is undefined,
    # that is the answer, before any derivative met on the way (a function of x outside its domain where x's own derivative is infinite)
    forward_values(shaped, values, base)
    duals = DualNumbers(numbers)
    if base is not numbers:
        from ..numbers.tensor import TensorNumbers

        duals = TensorNumbers(duals)
    return values, shaped, base, duals


def _canonical(work, graph: Graph, values: dict, base):
    """work(); where a derivative does not exist, the refusal the reverse pass gives (it meets the
    nodes output first, forward mode inputs first: both name the node nearest the output)."""
    try:
        return work()
    except MathError as failure:
        if getattr(failure, "undefined_derivative", False):
            differentiate(graph, values, base, record=False)
        raise


def _slots(graph: Graph, values: dict, wrt: list[str] | None) -> list[Slot]:
    variables = [graph.nodes.name(i) for i in graph.variables()]  # not graph.names: t1 … for every node
    if wrt is not None:
        strangers = [name for name in wrt if name not in variables]
        if strangers:
            raise InputError(f"--wrt {listing(strangers)}: second derivatives are taken with respect to variables, "
                             "not computed nodes "
                             f"(the variables: {listing(variables, 30)})")
        variables = wrt
    slots = []
    for name in variables:
        shape = _shape(values[name])
        if not shape:
            slots.append(Slot(name, name, None))
            continue
        import numpy as np

        for position in np.ndindex(*shape):
            slots.append(Slot(f"{name}[{','.join(map(str, position))}]", name, position))
    return slots


def _seeded(values: dict, slots: list[Slot], tangents: list, numbers) -> dict:
    """Each variable as dual numbers: slot k's value with tangent tangents[k], the others with none."""
    by_slot = {(slot.variable, slot.position): tangent for slot, tangent in zip(slots, tangents)}
    seeded = {}
    for name, value in values.items():
        if not hasattr(value, "shape"):
            seeded[name] = Dual(value, by_slot.get((name, None)), numbers)
            continue
        import numpy as np

        array = np.empty(value.shape, dtype=object)
        for position in np.ndindex(*value.shape):
            element = value[position]
            element = float(element) if value.dtype != object else element
            array[position] = Dual(element, by_slot.get((name, position)), numbers)
        seeded[name] = array
    return seeded


def _shape(x) -> tuple[int, ...]:
    """A tensor's shape, () for a scalar: without importing NumPy where every value is a scalar."""
    return tuple(getattr(x, "shape", ()))


def _value(x):
    """The base part of a dual number or of a tensor of them."""
    return _elementwise(x, value_of)


def _tangent(x, position: int | None, base):
    return _elementwise(x, lambda d: component(tangent_of(d), position, base))


def _elementwise(x, part):
    if not hasattr(x, "shape"):
        return part(x)
    import numpy as np

    out = np.frompyfunc(part, 1, 1)(x)
    return out.astype(float) if out.size and isinstance(out.flat[0], float) else out


def _given_tangents(program: Program, tangent_pairs, slots: list[Slot], values: dict, numbers, option: str,
                    unnamed=None) -> list:
    """--tangent x=1,y=0 (or --hvp) as one tangent per slot; a variable not named gets `unnamed` (None: no
    tangent at all, which its duals then carry for free, as a constant's)."""
    given = bind(program, tangent_pairs, numbers, option=option)
    for name, value in given.items():
        # a variable of the program that this output does not reach: its direction moves nothing
        if name in values and _shape(value) != _shape(values[name]):
            raise InputError(f"{option} {name}: {name} has the shape {_shape(values[name]) or 'of a scalar'}, "
                             f"the direction {_shape(value) or 'of a scalar'}")
    tangents = []
    for slot in slots:
        value = given.get(slot.variable, unnamed)
        if value is None:
            tangents.append(None)
            continue
        value = value if slot.position is None or not hasattr(value, "shape") else value[slot.position]
        tangents.append(float(value) if numbers.name == "float" else value)
    return tangents


def forward_mode(graph: Graph, pairs, program: Program, numbers, tangent_pairs=None, record: bool = True,
                 outputs: tuple[int, ...] = (), wrt: list[str] | None = None,
                 with_gradient: bool = False) -> ForwardModeTrace:
    """Value and gradient (one tangent per variable) by pushing tangents forward, with the rows of the
    pass; the same pass gives each node of `outputs` its value and gradient (trace.outputs): a
    Jacobian's rows. `wrt`: the variables seeded (default: all). Along --tangent (`tangent_pairs`) only
    that one direction is carried, and only by the variables it names and the nodes that depend on
    them: the JVP, without a gradient, unless `with_gradient` (--mode both compares every direction
    with the backward pass) or `outputs` asks for every variable's direction as well."""
    def at(numbers) -> ForwardModeTrace:
        values, shaped, base, duals = _setup(graph, program, pairs, numbers)
        slots = _slots(shaped, values, wrt)
        directions: list[tuple[str, int | None]] = [(f"∂/∂{slot.name}", k) for k, slot in enumerate(slots)]
        along = tangent_pairs is not None and not with_gradient and not outputs
        if tangent_pairs is None:
            tangents = unit_vectors(numbers, len(slots))
        elif along:
            tangents = _given_tangents(program, tangent_pairs, slots, values, numbers, "--tangent")
            directions = [("v", None)]
        else:
            given = _given_tangents(program, tangent_pairs, slots, values, numbers, "--tangent", numbers.zero)
            import numpy as np

            tangents = unit_vectors(numbers, len(slots))
            for k, vector in enumerate(tangents):  # one more direction at the end: the given tangent
                tangents[k] = np.append(vector, np.array([given[k]], dtype=vector.dtype))
            directions = [("v", len(slots))]
        roots = (*outputs, shaped.output)
        # without records only the roots' values are read (and the conditions', by live_nodes, if any)
        release = not record and _SELECTING.keys().isdisjoint(shaped.ops())
        node_values = _canonical(lambda: forward_values(shaped, _seeded(values, slots, tangents, numbers), duals, roots,
                                                        release), shaped, values, base)
        output = node_values[shaped.output]
        gradient = {} if along else _gradient_from(_elementwise_sum(output), slots, values, numbers)
        jvp = _tangent(output, directions[0][1], numbers) if tangent_pairs is not None else None
        live = live_nodes(shaped, node_values, duals, roots)
        rows = _rows(shaped, node_values, base, duals, directions, live) if record else []
        several = {shaped.names[root]: (_value(node_values[root]),
                                        _gradient_from(_elementwise_sum(node_values[root]), slots, values, numbers))
                   for root in outputs}
        return ForwardModeTrace(graph.source, shaped.output_name, _value(output), gradient,
                                [name for name, _ in directions], rows, jvp, base, _conventions(shaped, base), several)

    return until_certified(at, numbers, printed=_forward_printed)


def _elementwise_sum(x):
    """The output's tangent vector; a tensor output's is that of the sum of its elements."""
    if not hasattr(x, "shape"):
        return tangent_of(x)
    total = None
    for element in x.flat:
        t = tangent_of(element)
        total = t if total is None else (total if t is None else total + t)
    return total


def _gradient_from(tangent, slots: list[Slot], values: dict, numbers) -> dict:
    """name → ∂f/∂name from the output's tangent vector, tensor variables back in their shapes."""
    import numpy as np

    gradient: dict = {}
    for k, slot in enumerate(slots):
        part = component(tangent, k, numbers)
        if slot.position is None:
            gradient[slot.name] = part
            continue
        if slot.variable not in gradient:
            value = values[slot.variable]
            gradient[slot.variable] = np.empty(value.shape, dtype=value.dtype)
        gradient[slot.variable][slot.position] = part
    return gradient


def _rows(graph: Graph, node_values: list, base, duals, directions, live: list[bool] | None) -> list[TangentRow]:
    names, nodes = graph.names, graph.nodes
    rows = []
    for index in graph.order:
        if names[index] is None:
            continue
        name, value, span = nodes.op(index), node_values[index], (nodes.starts[index], nodes.ends[index])
        if live is not None and not live[index] and nodes.seconds[index] > LEAF:  # only a branch not taken needs it
            rows.append(TangentRow(names[index], name, _operand_names(graph, index), span,
                                   NOT_TAKEN, [NOT_TAKEN] * len(directions)))
            continue
        row = TangentRow(names[index], name, _operand_names(graph, index), span, _value(value),
                         [_tangent(value, k, base) for _, k in directions])
        op = OPS.get(name)
        if op is not None:
            row.terms = _terms(graph, index, op, node_values, base, duals, directions, live)
        rows.append(row)
    return rows


def _terms(graph: Graph, index: int, op, node_values: list, base, duals, directions,
           live: list[bool] | None) -> list[TangentTerm]:
    inputs = graph.nodes.inputs(index)
    operands = [node_values[i] for i in inputs]
    plain = [v if type(v) is Refused else _value(v) for v in operands]
    terms = []
    for position, operand in enumerate(inputs):
        if not graph.active[operand] or (op.vjps and op.vjps[position] is None):
            continue
        if live is not None and not live[operand]:  # the branch an if does not take: no tangent computed
            continue
        tangents = [_tangent(operands[position], k, base) for _, k in directions]
        if op.vjps:  # a tensor op: its share is the op run with this operand's tangents alone
            alone = [v if p == position else _constant(v, duals) for p, v in enumerate(operands)]
            share = op.forward(duals, *alone)
            local, contributions = None, [_tangent(share, k, base) for _, k in directions]
        else:
            local = op.partials[position](base, _value(node_values[index]), *plain)
            contributions = [local * t for t in tangents]
        name = graph.names[operand] or graph.nodes.literal(operand)
        terms.append(TangentTerm(name, position, local, tangents, contributions))
    return terms


def _constant(x, duals):
    return _elementwise(x, lambda d: Dual(value_of(d), None, d.ns) if isinstance(d, Dual) else d)


def _conventions(graph: Graph, numbers) -> list[str]:
    from .forward_backward import _conventions as used_conventions

    return used_conventions(graph.ops(), numbers)


def _forward_printed(trace: ForwardModeTrace) -> list:
    printed = [trace.value, trace.jvp, *trace.gradient.values()]
    for value, gradient in trace.outputs.values():
        printed += [value, *gradient.values()]
    for row in trace.rows:
        printed += [row.value, *row.tangents]
        for term in row.terms:
            printed += [term.local, *term.contributions]
    return printed


def hessian(graph: Graph, pairs, program: Program, numbers, wrt: list[str] | None = None, hvp_pairs=None,
            record: bool = True, max_entries: int | None = None) -> HessianResult:
    """The Hessian (or H·v along --hvp) by the backward pass in dual numbers; a matrix of more than
    `max_entries` entries is refused before any pass runs."""
    def at(numbers) -> HessianResult:
        values, shaped, base, duals = _setup(graph, program, pairs, numbers)
        slots = _slots(shaped, values, wrt)
        if hvp_pairs is None and max_entries is not None and len(slots) ** 2 > max_entries:
            raise InputError(f"the Hessian of {len(slots)} variables has {len(slots) ** 2} entries, more than "
                             f"--max-entries {max_entries}: raise --max-entries, keep fewer variables with --wrt, "
                             "or take H·v along one direction with --hvp")
        if hvp_pairs is not None:
            tangents = _given_tangents(program, hvp_pairs, slots, values, numbers, "--hvp", numbers.zero)
        else:
            tangents = unit_vectors(numbers, len(slots))
        variables = list(dict.fromkeys(slot.variable for slot in slots))
        trace = _canonical(lambda: differentiate(shaped, _seeded(values, slots, tangents, numbers), duals, variables,
                                                 record), shaped, values, base)
        by_slot = [_slot_part(trace.gradient[slot.variable], slot) for slot in slots]
        gradient = {slot.name: value_of(d) for slot, d in zip(slots, by_slot)}
        if hvp_pairs is not None:
            matrix, hvp = None, {slot.name: component(tangent_of(d), None, numbers) for slot, d in zip(slots, by_slot)}
        else:
            matrix = [[component(tangent_of(d), j, numbers) for j in range(len(slots))] for d in by_slot]
            hvp = None
        return HessianResult(slots, _value(trace.value), gradient, matrix, hvp, trace, numbers, trace.conventions)

    return until_certified(at, numbers, printed=_hessian_printed)


def _slot_part(gradient, slot: Slot):
    return gradient if slot.position is None else gradient[slot.position]


def _hessian_printed(result: HessianResult) -> list:
    printed = [result.value, *result.gradient.values()]
    printed += [x for row in result.hessian or () for x in row] + list((result.hvp or {}).values())
    return printed
