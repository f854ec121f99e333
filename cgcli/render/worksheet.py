"""Worksheets: a copy of a trace whose answers are blanks, for every renderer to print as they are."""
from __future__ import annotations

from dataclasses import replace

from ..graph import CONSTANT, VARIABLE
from ..trace import Trace

BLANK_TEXT = "____"
BLANK_CHOICES = ("grads", "all")


class _Blank:
    """The value of a cell the student fills in."""

    def __repr__(self) -> str:
        return "BLANK"


BLANK = _Blank()


class BlankNumbers:
    """The trace's number system, except that a blank prints as a line to write on."""

    def __init__(self, numbers) -> None:
        self._numbers = numbers

    def __getattr__(self, name: str):
        return getattr(self._numbers, name)

    def format(self, value) -> str:
        return BLANK_TEXT if value is BLANK else self._numbers.format(value)

    def format_reading(self, value) -> str:
        return BLANK_TEXT if value is BLANK else self._numbers.format_reading(value)

    def to_json(self, value):
        return None if value is BLANK else self._numbers.to_json(value)


def is_blank(value) -> bool:
    return value is BLANK


def worksheet(trace: Trace, blank: str) -> Trace:
    """The trace with the student's part blanked. `grads`: every number of the backward pass (local
    derivatives, upstream × local, adjoints, the gradient) except ∂out/∂out = 1. `all`: the values
    of the computed nodes too; the inputs and constants stay, as the exercise gives them."""
    if blank not in BLANK_CHOICES:
        raise ValueError(blank)
    backward = []
    for row in trace.backward:
        terms = [replace(term, upstream=BLANK, local=BLANK if term.local is not None else None,
                         contribution=BLANK) for term in row.terms]
        backward.append(replace(row, adjoint=row.adjoint if row.name == trace.output else BLANK, terms=terms))
    forward, value = trace.forward, trace.value
    if blank == "all":
        forward = [row if row.op in (VARIABLE, CONSTANT) else replace(row, value=BLANK) for row in trace.forward]
        value = BLANK
    return replace(trace, value=value, gradient={name: BLANK for name in trace.gradient}, forward=forward,
                   backward=backward, numbers=BlankNumbers(trace.numbers), conventions=list(trace.conventions))
