"""JSON: one object with the value, the gradient and both passes' records."""
from __future__ import annotations

import json
from collections.abc import Callable
from itertools import islice

from ..text import excerpt
from ..passes.trace import NOT_TAKEN, NOT_TAKEN_REASON, BackwardRow, ForwardRow, Trace
from .formats import RenderOptions


def json_text(document: dict) -> str:
    """A JSON document as cgrad writes one: on one line, non-ASCII as it is, ending with a line end.
    Its long members (a gradient of 10⁵ names, a trace's records) are encoded a piece at a time and
    the pieces joined once: the encoder holds every small string of what it encodes until the end,
    5 MB for 10⁵ numbers."""
    if not isinstance(document, dict) or all(_short(value) for value in document.values()):
        return json.dumps(document, ensure_ascii=False) + "\n"
    parts = ["{"]
    for key, value in document.items():
        if len(parts) > 1:
            parts.append(", ")
        parts += (json.dumps(key, ensure_ascii=False), ": ")
        _encoded(value, parts)
    parts.append("}\n")
    return "".join(parts)


_PIECE = 4096  # members or items encoded at once


def _short(value) -> bool:
    return not isinstance(value, (dict, list)) or len(value) <= _PIECE


def _encoded(value, parts: list[str]) -> None:
    """json.dumps(value) with cgrad's options into `parts`, a long dict or list in pieces: the same text."""
    if _short(value):
        parts.append(json.dumps(value, ensure_ascii=False))
        return
    if isinstance(value, dict):
        items = iter(value.items())
        pieces = (dict(islice(items, _PIECE)) for _ in range(0, len(value), _PIECE))
        opening, closing = "{", "}"
    else:
        pieces = (value[at:at + _PIECE] for at in range(0, len(value), _PIECE))
        opening, closing = "[", "]"
    parts.append(opening)
    for number, piece in enumerate(pieces):
        if number:
            parts.append(", ")
        parts.append(json.dumps(piece, ensure_ascii=False)[1:-1])
    parts.append(closing)


def render(trace: Trace, options: RenderOptions = RenderOptions()) -> str:
    """The trace's records as they are (JSON needs no derivation: nothing is elided or blanked)."""
    with_trace = options.with_trace
    # the number system's own method, not a wrapper around it: a full trace converts every value,
    # upstream, local and contribution (104k numbers for the 2000-variable Rosenbrock sum)
    number = trace.numbers.to_json
    document = {
        "output": trace.output,
        "value": number(trace.value),
        "gradient": {name: number(value) for name, value in trace.gradient.items()},
        "numbers": trace.numbers.name,
        **({"digits": trace.numbers.digits} if trace.numbers.name == "digits" else {}),
        "conventions": trace.conventions,
    }
    if trace.naive is not None:
        document["naive_gradient"] = {name: number(value) for name, value in trace.naive.gradient.items()}
        document["naive_agrees"] = not trace.naive.wrong
        document["fan_out"] = trace.naive.fan_out
    if with_trace:
        document["forward"] = forward_records(trace.forward, trace.source, number)
        document["backward"] = backward_records(trace.backward, number)
    return json_text(document)


def forward_records(rows: list[ForwardRow], source: str, number: Callable) -> list[dict]:
    """The forward pass's rows as JSON objects, numbers by `number` (the number system's to_json)."""
    return [{"name": row.name, "op": row.op, "operands": row.operands, **value_record(row.value, number),
             "text": excerpt(source, *row.span, limit=80), "span": row.span,
             **({"call": row.call} if getattr(row, "call", None) else {})} for row in rows]


def value_record(value, number: Callable) -> dict:
    """A forward row's value: the number, or null and why for a node only a branch not taken needs."""
    if value is NOT_TAKEN:
        return {"value": None, "not_computed": NOT_TAKEN_REASON}
    return {"value": number(value)}


def backward_records(rows: list[BackwardRow], number: Callable) -> list[dict]:
    """The backward pass's rows as JSON objects: each node's adjoint and the terms summed into it."""
    return [{"name": row.name, "adjoint": number(row.adjoint),
             "terms": [{"from": term.consumer, "upstream": number(term.upstream),
                        "local": None if term.local is None else number(term.local),  # a tensor op's term has none
                        "contribution": number(term.contribution)} for term in row.terms]}
            for row in rows]
