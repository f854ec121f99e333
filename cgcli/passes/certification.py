"""--digits N: computing again at twice the working precision until every printed digit is certified."""
from __future__ import annotations

from typing import Callable

from ..errors import MathError, TimedOut
from .timeout import note_place
from .trace import NOT_TAKEN, Trace


def until_certified(compute: Callable[[object], Trace], numbers, rounds: int = 6,
                    printed: Callable[[object], list] | None = None) -> Trace:
    """compute(numbers), and for a number system that certifies its digits (--digits), compute again
    at twice the precision until every printed number is certified, `rounds` times at most. `printed`
    lists the numbers a result prints (default: a Trace's; forward mode and Hessians give theirs)."""
    trace = compute(numbers)
    if not numbers.certifies:
        return trace
    for attempt in range(rounds):
        doubtful = _uncertified(trace, numbers, printed or trace_numbers)
        if not doubtful:
            return trace
        if attempt < rounds - 1:
            trace = compute(numbers := numbers.finer())
    # Still uncertain after 2^5 times the precision: an exact zero reached through cancellation
    # (sin(pi)) cannot be pinned digit by digit. Say how small it is; anything else is an error.
    if any(not (low <= 0 <= high) for low, high in (x.bounds() for x in doubtful)):
        raise MathError(f"could not certify {numbers.digits} digits at a working precision of "
                        f"{numbers.precision} digits; the computation is too ill-conditioned")
    bound = max(max(abs(low), abs(high)) for low, high in (x.bounds() for x in doubtful))
    trace.conventions.append(f"values printed as 0.0 are below {numbers.magnitude(bound)} in magnitude; "
                             "an exact 0 cannot be certified digit by digit")
    return trace


def _uncertified(trace: Trace, numbers, printed) -> list:
    """The printed numbers whose digits the enclosures do not pin down yet (tensors element by element)."""
    try:
        return [x for x in _elements(printed(trace)) if not numbers.certified(x)]
    except TimedOut as stop:
        note_place(stop, f"certifying {numbers.digits} digits at a working precision of {numbers.precision} digits")
        raise


def trace_numbers(trace: Trace) -> list:
    """Every number a renderer may print, tensors taken element by element."""
    printed = [trace.value, *trace.gradient.values()] + [row.value for row in trace.forward]
    if trace.naive is not None:
        printed += trace.naive.gradient.values()
    for row in trace.backward:
        printed.append(row.adjoint)
        printed += [number for term in row.terms for number in (term.upstream, term.local, term.contribution)]
    return printed


def _elements(printed: list) -> list:
    """The numbers, tensors taken element by element."""
    elements = []
    for value in printed:
        if hasattr(value, "flat"):
            elements.extend(value.flat)
        elif value is not None and value is not NOT_TAKEN:
            elements.append(value)
    return elements
