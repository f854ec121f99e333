"""--max-digits in every number mode: a value's size in decimal digits, estimated before anything
computes it, and the one error that refuses it.

The size of a value is how many digits it takes written out in full: 10^-5000 and 10^5000 both
take about 5000, so do 5000-digit numerators. Digits and interval values could hold far larger
magnitudes cheaply (an mpf's exponent is a Python int), but reading them back as Fractions and
printing them costs time and memory in proportion to that size, so every mode stops at the same
limit."""
from __future__ import annotations

import math

from ..errors import TooLarge

DEFAULT_MAX_DIGITS = 100_000
LOG10_2 = math.log10(2)
LOG2_10 = math.log2(10)


def too_many_digits(digits: float, max_digits: int, subject: str = "the result would have") -> TooLarge:
    """The refusal: `the result would have about 4.77e+09 digits, more than --max-digits 100000 allows …`."""
    return TooLarge(f"{subject} {about(digits)} digits, more than --max-digits {max_digits} allows "
                    "(raise --max-digits to go further)")


def about(digits: float) -> str:
    """`about 4.77e+09`, for a size estimated in floats (which may have overflowed them)."""
    return f"about {digits:.3g}" if math.isfinite(digits) else "more than 1e308"


def refusal(numbers, value) -> ArithmeticError:
    """Why `numbers.is_finite(value)` said no: a TooLarge naming --max-digits when the number system
    knows the value's size, else an OverflowError (the number system's own range, float's)."""
    return numbers.too_large(value) or OverflowError()
