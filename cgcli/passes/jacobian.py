"""Several outputs: their values and the Jacobian (output × variable), by one backward pass per output
over one shared forward pass (reverse mode), or by one tangent per variable pushed forward once (forward mode)."""
from __future__ import annotations

from dataclasses import dataclass, field

from ..errors import InputError
from ..graph.nodes import Graph, Program
from ..language.bindings import bind
from ..numbers import Number
from .broadcasting import with_tensors
from .certification import trace_numbers, until_certified
from .forward_backward import check_bound, differentiate, forward_rows, forward_values, live_nodes, zero_like
from .trace import ForwardRow, Trace

MODES = ("reverse", "forward")


@dataclass
class Jacobian:
    source: str
    outputs: list[str]
    columns: list[str]  # the variables (or the --wrt names), in order: what the derivatives are taken with respect to
    values: dict[str, Number]  # output → value
    matrix: dict[str, dict[str, Number]]  # output → column → ∂output/∂column
    numbers: object  # the number system (tensors of it, where a variable is a tensor)
    conventions: list[str]
    mode: str  # "reverse" or "forward"
    at: dict[str, Number] = field(default_factory=dict)  # the variables' values
    forward: list[ForwardRow] = field(default_factory=list)  # reverse mode: the shared forward pass
    traces: dict[str, Trace] = field(default_factory=dict)  # reverse mode: each output's backward pass
    tangents: object = None  # forward mode: the pass (passes.dual.ForwardModeTrace), one tangent per variable


def jacobian(program: Program, outputs: list[str], pairs: list[tuple[str, object]], numbers,
             wrt: list[str] | None = None, mode: str = "reverse", record: bool = True) -> Jacobian:
    """The values of the named `outputs` (checked by Program.outputs) at the values given as text
    and their partial derivatives with respect to `wrt` (default: every variable of any of them).
    Reverse mode: a forward pass over every output's nodes, then one backward pass per output
    (`wrt` may name intermediate nodes); forward mode: one tangent per variable (`wrt`: variables).
    Without `record`, only the numbers (no passes' rows)."""
    if mode not in MODES:
        raise InputError(f"mode={mode!r}: expected 'reverse' or 'forward'")
    graph = program.outputs_graph(outputs)
    if mode == "forward":
        return _forward(program, graph, outputs, pairs, numbers, wrt, record)
    roots = [program.root(name) for name in outputs]

    def at(numbers) -> Jacobian:
        values = bind(program, pairs, numbers)
        numbers, shaped = with_tensors(graph, values, numbers)
        check_bound(shaped, values)
        node_values = forward_values(shaped, values, numbers, roots)
        _scalar_outputs(outputs, [node_values[root] for root in roots], numbers)
        traces = {name: differentiate(shaped.rooted(root), values, numbers, wrt, record, values=node_values)
                  for name, root in zip(outputs, roots)}
        columns = wrt or [shaped.names[i] for i in shaped.variables()]
        index = {shaped.names[i]: i for i in shaped.order}
        matrix = {name: {column: trace.gradient[column] if column in trace.gradient
                         else zero_like(node_values[index[column]], numbers) for column in columns}
                  for name, trace in traces.items()}
        conventions = _conventions(trace.conventions for trace in traces.values())
        return Jacobian(graph.source, list(outputs), columns,
                        {name: node_values[root] for name, root in zip(outputs, roots)}, matrix, numbers, conventions,
                        "reverse", {shaped.names[i]: node_values[i] for i in shaped.variables()},
                        forward_rows(shaped, node_values, record, live_nodes(shaped, node_values, numbers, roots)),
                        traces)

    return until_certified(at, numbers, printed=_printed)


def _forward(program: Program, graph: Graph, outputs: list[str], pairs, numbers, wrt: list[str] | None,
             record: bool) -> Jacobian:
    from .dual import forward_mode

    variables = [graph.names[i] for i in graph.variables()]
    strangers = [name for name in wrt or () if name not in variables]
    if strangers:
        raise InputError(f"--wrt {', '.join(strangers)}: forward mode seeds the variables' tangents (the variables: "
                         f"{', '.join(variables)}); a derivative with respect to a named node needs --mode reverse")
    roots = tuple(program.root(name) for name in outputs)
    trace = forward_mode(graph, pairs, program, numbers, None, record, outputs=roots, wrt=wrt)
    _scalar_outputs(outputs, [trace.outputs[name][0] for name in outputs], trace.numbers)
    point = bind(program, pairs, numbers)
    return Jacobian(graph.source, list(outputs), wrt or variables, {name: trace.outputs[name][0] for name in outputs},
                    {name: dict(trace.outputs[name][1]) for name in outputs}, trace.numbers, trace.conventions,
                    "forward", {name: point[name] for name in variables}, tangents=trace)


def _scalar_outputs(outputs: list[str], values: list, numbers) -> None:
    """A Jacobian's rows are scalar outputs: a tensor output alone has the gradient of its elements' sum."""
    for name, value in zip(outputs, values):
        shape = getattr(value, "shape", ())
        if shape:
            from ..numbers.tensor import shape_text

            raise InputError(f"--output {name}: {name} is a {shape_text(shape)} tensor; a Jacobian's outputs are "
                             f"scalars (alone, --output {name} gives the gradient of the sum of its elements)")


def _conventions(lists) -> list[str]:
    """Each output's conventions, each said once, in order."""
    return list(dict.fromkeys(note for notes in lists for note in notes))


def _printed(result: Jacobian) -> list:
    """Every number the formats print: the values, the matrix and each output's passes."""
    printed = [*result.values.values(), *(x for row in result.matrix.values() for x in row.values())]
    printed += [row.value for row in result.forward]
    for trace in result.traces.values():
        printed += trace_numbers(trace)
    return printed
