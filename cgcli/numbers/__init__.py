"""Number systems: how literals become values, which elementary functions exist, how values print.

A number system offers the same names in every mode (`zero`, `one`, `pi`, `literal`, `parse`,
`exp`, `log`, …, `pow`, `is_finite`, `format`, `to_json`), as mpmath's contexts do, so the op
table and the passes are written once. See floats.py for the plainest one.
"""
from __future__ import annotations

from typing import Any

from ..errors import MathError
from .floats import FloatNumbers
from .limits import DEFAULT_MAX_DIGITS

Number = Any  # a value of the active number system: float, Fraction, mpf or Interval

RELU0_CHOICES = ("0", "0.5", "1")


def number_system(mode: str = "float", digits: int | None = None, max_digits: int = DEFAULT_MAX_DIGITS,
                  relu0: str = "0"):
    """The number system for `mode` ('float', 'exact', 'digits' or 'interval')."""
    if digits is not None and digits > max_digits:
        raise MathError(f"--digits {digits} is more than --max-digits {max_digits} allows; "
                        "raise --max-digits to go further")
    if mode == "exact":
        from .exact import ExactNumbers

        numbers = ExactNumbers(max_digits)
    elif mode == "digits":
        from .digits import DigitsNumbers

        numbers = DigitsNumbers(digits, max_digits=max_digits)
        if relu0 != "0":
            numbers.relu0, numbers.relu0_text = numbers.parse(relu0), relu0
        return numbers
    elif mode == "interval":
        from .interval import IntervalNumbers

        return IntervalNumbers(digits, max_digits)
    else:
        numbers = FloatNumbers(max_digits)
    if relu0 != "0":
        numbers.relu0, numbers.relu0_text = numbers.parse(relu0), relu0
    return numbers


__all__ = ["DEFAULT_MAX_DIGITS", "FloatNumbers", "Number", "RELU0_CHOICES", "number_system"]
