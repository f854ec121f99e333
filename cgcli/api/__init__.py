"""The Python API: parse a program once, evaluate it at a point in any number system, and get the
value, gradient and trace as plain Python objects. The CLI's eval runs through `trace_of` too."""
from __future__ import annotations

from typing import Any, Mapping

from ..errors import CgradError, InputError
from ..graph.nodes import Graph, Program
from ..text import language_form, listing, look_alike, position, shorten

TYPE_CHECKING = False  # typing.TYPE_CHECKING: the classes below are for annotations only
if TYPE_CHECKING:
    from ..passes.trace import Trace
    from .results import JacobianResult, Result

# for scripts: parse, evaluate, jacobian and their results; the rest is the one path the CLI shares
__all__ = ["parse", "evaluate", "jacobian", "Result", "JacobianResult",
           "trace_of", "jacobian_of", "output_graph", "wanted_names", "pairs_of", "message"]


def __getattr__(name: str):
    # the result classes (frozen dataclasses, a notebook's rich output) load when a script asks for
    # them: making them cost a millisecond of every start of the CLI, which never does
    if name in ("Result", "JacobianResult"):
        from . import results

        return getattr(results, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def parse(text: str, syntax: str | None = None) -> Program:
    """The program of `text` (statements separated by ';' or new lines; LaTeX math in $…$ or $$…$$,
    or with syntax="latex"; "cgrad" forces cgrad's own); InputError if it is wrong."""
    from ..language.syntax import parse as parse_text

    return parse_text(text, syntax)


def evaluate(program: Program | str, at: Mapping[str, object] | None = None, numbers: str = "float",
             digits: int | None = None, wrt: list[str] | None = None, output: str | None = None) -> Result:
    """Value and gradient of `program` (a Program or its text) at `at` ({name: value}; values as
    numbers or their text, e.g. "1/3", which exact modes read exactly). `numbers` is "float",
    "exact", "digits" (with `digits`) or "interval". Raises InputError or MathError, whose `str()`
    is the message the CLI prints."""
    from ..numbers import number_system

    if isinstance(program, str):
        program = parse(program)
    if output is not None and not isinstance(output, str):
        raise InputError("evaluate gives one output's gradient: cgcli.jacobian(program, at, outputs=[...]) "
                         "gives several")
    from .results import Result

    mode = _mode(numbers, digits)
    trace = trace_of(program, pairs_of(at), number_system(mode, digits), wrt, output)
    plain = _plain(trace.numbers, mode)
    return Result(trace.output, plain(trace.value), {name: plain(value) for name, value in trace.gradient.items()},
                  [{"name": row.name, "op": row.op, "operands": list(row.operands), "value": plain(row.value)}
                   for row in trace.forward], list(trace.conventions), trace)


def jacobian(program: Program | str, at: Mapping[str, object] | None = None, outputs: str | list[str] = "all",
             numbers: str = "float", digits: int | None = None, wrt: list[str] | None = None,
             mode: str = "reverse") -> JacobianResult:
    """The values of several outputs of `program` and their Jacobian at `at`: `outputs` as a list of
    assigned names, "R,X,Z", or "all" (every assigned name that is computed); `numbers`, `digits`
    and `wrt` as for `evaluate`; `mode` "reverse" (one backward pass per output over one forward
    pass) or "forward" (one tangent per variable)."""
    from ..numbers import number_system

    if isinstance(program, str):
        program = parse(program)
    from .results import JacobianResult

    kind = _mode(numbers, digits)
    result = jacobian_of(program, pairs_of(at), number_system(kind, digits), outputs, wrt, mode)
    plain = _plain(result.numbers, kind)
    return JacobianResult(result.outputs, list(result.columns), {name: plain(v) for name, v in result.values.items()},
                          {name: {column: plain(v) for column, v in row.items()}
                           for name, row in result.matrix.items()},
                          list(result.conventions), result)


def jacobian_of(program: Program, pairs: list[tuple[str, Any]], numbers, outputs: str | list[str],
                wrt: list[str] | None = None, mode: str = "reverse", record: bool = True):
    """The Jacobian (passes.jacobian.Jacobian) of the outputs `outputs` names (as --output reads them), the
    CLI's path and the API's."""
    from ..passes.jacobian import jacobian as jacobian_pass

    names = program.outputs(outputs)
    return jacobian_pass(program, names, pairs, numbers, wanted_names(program, program.outputs_graph(names), wrt),
                         mode, record)


def _mode(numbers: str, digits: int | None) -> str:
    mode = "digits" if digits is not None and numbers == "float" else numbers
    if mode not in ("float", "exact", "digits", "interval"):
        raise InputError(f"numbers={mode!r}: expected 'float', 'exact', 'digits' or 'interval'")
    if mode == "digits" and digits is None:
        raise InputError("numbers='digits' needs digits=N")
    # what --digits' option type checks on the command line: -1 gave '0.0e-1', 1.5 a TypeError
    if digits is not None and (isinstance(digits, bool) or not isinstance(digits, int) or digits < 1):
        raise InputError(f"digits={digits!r}: expected a whole number of significant digits, at least 1")
    return mode


def _plain(numbers, mode: str):
    """--digits values are certified enclosures: the API gives their N correct digits as text, as the CLI's JSON."""
    return numbers.to_json if mode == "digits" else (lambda value: value)


def pairs_of(at: Mapping[str, object] | None) -> list[tuple[str, Any]]:
    """{name: value} as the (name, text) pairs of --at: numbers by their repr, text and lists as given."""
    return [(name, value if isinstance(value, (str, list)) else repr(value)) for name, value in (at or {}).items()]


def trace_of(program: Program, pairs: list[tuple[str, Any]], numbers, wrt: list[str] | None = None,
             output: str | None = None, record: bool = True, naive: bool = False,
             ignore_unused: bool = False) -> Trace:
    """The trace of both passes of `program`'s output (the last statement, or the assigned `output`)
    at the values given as text, differentiated with respect to `wrt` (any named node) or every variable;
    with `naive`, also by the backward pass that assigns instead of accumulating (trace.naive)."""
    from ..passes.evaluation import evaluate as evaluate_graph

    graph = output_graph(program, output)
    return evaluate_graph(graph, pairs, program, numbers, wanted_names(program, graph, wrt, ignore_unused), record,
                          naive)


def output_graph(program: Program, output: str | None) -> Graph:
    """The graph of the program's last statement, or of the assigned name `output`."""
    return program.graph(output and language_form(output))


def wanted_names(program: Program, graph: Graph, wrt: list[str] | None,
                 ignore_unused: bool | None = False) -> list[str] | None:
    """The names `wrt` checked: any named node (a variable, an assigned name such as u = b*c or
    c = 3, or t1, t2, f); None (every variable) without `wrt`. The one rule of every command: a
    name the program does not have is an error (exit 2), unless `ignore_unused` (--ignore-unused)
    accepts it with derivative 0; None: the caller cannot answer 0 for it (paths, hessian, check),
    so the message does not offer it."""
    from ..language.bindings import names_of

    if wrt is None:
        return None
    wanted = names_of(wrt if isinstance(wrt, str) else ",".join(wrt))
    known = {**program.variables, **program.assigned, **{name: i for i, name in enumerate(graph.names) if name}}
    strangers = [name for name in wanted if name not in known]
    if strangers and not ignore_unused:
        offer = ("" if ignore_unused is None else
                 "; --ignore-unused takes the derivative with respect to a name the program does not have as 0")
        raise InputError(f"--wrt {shorten(','.join(wanted))}: no node named {listing(strangers)} "
                         f"(known: {listing(known, 30) or 'none'}){look_alike(strangers[0], known)}{offer}")
    return list(wanted)


def message(error: CgradError) -> str:
    """The error's one line as the CLI prints it after `error: `, with its place in the source."""
    if error.source is not None and error.offset is not None:
        return f"{error.message} ({position(error.source, error.offset)})"
    return error.message
