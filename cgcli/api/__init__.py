"""The Python API: parse a program once, evaluate it at a point in any number system, and get the
value, gradient and trace as plain Python objects. The CLI's eval runs through `trace_of` too."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

from ..errors import CgradError, InputError
from ..graph.nodes import Graph, Program
from ..text import position
from ..passes.trace import Trace


@dataclass(frozen=True)
class Result:
    """What `evaluate` returns: numbers as the number system gives them (float, Fraction, mpf,
    interval; with "digits", the N correct digits as text), `trace` as plain dicts (the forward pass's rows: name, op, operands, value)."""

    output: str
    value: Any
    gradient: dict[str, Any]
    trace: list[dict[str, Any]] = field(default_factory=list)
    conventions: list[str] = field(default_factory=list)


def parse(text: str) -> Program:
    """The program of `text` (statements separated by ';' or new lines); InputError if it is wrong."""
    from ..language.syntax import parse as parse_text

    return parse_text(text)


def evaluate(program: Program | str, at: Mapping[str, object] | None = None, numbers: str = "float",
             digits: int | None = None, wrt: list[str] | None = None, output: str | None = None) -> Result:
    """Value and gradient of `program` (a Program or its text) at `at` ({name: value}; values as
    numbers or their text, e.g. "1/3", which exact modes read exactly). `numbers` is "float",
    "exact", "digits" (with `digits`) or "interval". Raises InputError or MathError, whose `str()`
    is the message the CLI prints."""
    from ..numbers import number_system

    if isinstance(program, str):
        program = parse(program)
    mode = "digits" if digits is not None and numbers == "float" else numbers
    if mode not in ("float", "exact", "digits", "interval"):
        raise InputError(f"numbers={mode!r}: expected 'float', 'exact', 'digits' or 'interval'")
    if mode == "digits" and digits is None:
        raise InputError("numbers='digits' needs digits=N")
    trace = trace_of(program, pairs_of(at), number_system(mode, digits), wrt, output)
    # --digits values are certified enclosures: the API gives their N correct digits as text, as the CLI's JSON
    plain = trace.numbers.to_json if mode == "digits" else (lambda value: value)
    return Result(trace.output, plain(trace.value), {name: plain(value) for name, value in trace.gradient.items()},
                  [{"name": row.name, "op": row.op, "operands": list(row.operands), "value": plain(row.value)}
                   for row in trace.forward], list(trace.conventions))


def pairs_of(at: Mapping[str, object] | None) -> list[tuple[str, Any]]:
    """{name: value} as the (name, text) pairs of --at: numbers by their repr, text and lists as given."""
    return [(name, value if isinstance(value, (str, list)) else repr(value)) for name, value in (at or {}).items()]


def trace_of(program: Program, pairs: list[tuple[str, Any]], numbers, wrt: list[str] | None = None,
             output: str | None = None, record: bool = True, naive: bool = False) -> Trace:
    """The trace of both passes of `program`'s output (the last statement, or the assigned `output`)
    at the values given as text, differentiated with respect to `wrt` (any named node) or every variable;
    with `naive`, also by the backward pass that assigns instead of accumulating (trace.naive)."""
    from ..passes.evaluation import evaluate as evaluate_graph

    graph = output_graph(program, output)
    return evaluate_graph(graph, pairs, program, numbers, wanted_names(program, graph, wrt), record, naive)


def output_graph(program: Program, output: str | None) -> Graph:
    """The graph of the program's last statement, or of the assigned name `output`."""
    import unicodedata

    return program.graph(output and unicodedata.normalize("NFC", output))


def wanted_names(program: Program, graph: Graph, wrt: list[str] | None) -> list[str] | None:
    """The names `wrt` checked: any named node (a variable, an assigned name such as u = b*c or
    c = 3, or t1, t2, f); None (every variable) without `wrt`."""
    from ..language.bindings import names_option

    if wrt is None:
        return None
    known = {**program.variables, **program.assigned, **{name: i for i, name in enumerate(graph.names) if name}}
    wanted = names_option(",".join(wrt), "--wrt", known)
    if not wanted:
        raise InputError("--wrt: give the name of a variable or node")
    return wanted


def message(error: CgradError) -> str:
    """The error's one line as the CLI prints it after `error: `, with its place in the source."""
    if error.source is not None and error.offset is not None:
        return f"{error.message} ({position(error.source, error.offset)})"
    return error.message
