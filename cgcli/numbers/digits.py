"""Arbitrary precision (--digits N) with mpmath, in a private context of its own precision."""
from __future__ import annotations

import sys

from .scalar import ScalarNumbers
from .text import parse_number


class DigitsNumbers(ScalarNumbers):
    """N significant digits. Values are computed with guard digits; `finer()` gives the same
    system with more, so that callers can check that the printed digits do not change."""

    name = "digits"
    overflow = "the result is not finite"

    def __init__(self, digits: int, guard: int | None = None) -> None:
        import mpmath

        if hasattr(sys, "set_int_max_str_digits"):
            sys.set_int_max_str_digits(0)  # 10 000-digit values pass through int ↔ str conversions
        self.digits = digits
        self.guard = 10 + digits // 10 if guard is None else guard
        self.description = f"{digits} significant digits (mpmath)"
        context = mpmath.MPContext()
        context.dps = digits + self.guard
        self.context = context
        self.zero, self.one = context.mpf(0), context.mpf(1)
        self.pi, self.e = +context.pi, +context.e
        self.literal = context.mpf  # decimal text converts correctly rounded, never through a float
        self.is_finite = context.isfinite
        self.is_integer = context.isint
        self.exp, self.log, self.log1p, self.sqrt = context.exp, context.log, context.log1p, context.sqrt
        self.sin, self.cos, self.tan, self.tanh = context.sin, context.cos, context.tan, context.tanh
        self.below_zero = None  # magnitude under which a value prints as 0 (see finer)

    def finer(self) -> DigitsNumbers:
        return DigitsNumbers(self.digits, 2 * self.guard + self.digits // 2)

    def parse(self, text: str):
        return parse_number(text, self.literal)

    def pow(self, base, exponent):
        return base ** exponent

    def format(self, x) -> str:
        if self.below_zero is not None and abs(x) < self.below_zero:
            return "0"
        return self.context.nstr(x, self.digits, strip_zeros=False)

    def to_json(self, x) -> str:
        return self.format(x)
