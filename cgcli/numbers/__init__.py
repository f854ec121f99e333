"""Number systems: how literals become values, which elementary functions exist, how values print.

Every mode implements one declared interface (system.py: `zero`, `one`, `pi`, `literal`, `parse`,
`exp`, `log`, …, `pow`, `signs`, `is_finite`, `format`, `to_json`), as mpmath's contexts share
their names, so the op table and the passes are written once. See floats.py for the plainest one.
"""
from __future__ import annotations

from ..errors import MathError
from .floats import FloatNumbers
from .limits import DEFAULT_MAX_DIGITS
from .system import Number, NumberSystem

RELU0_CHOICES = ("0", "0.5", "1")


def number_system(mode: str = "float", digits: int | None = None, max_digits: int = DEFAULT_MAX_DIGITS,
                  relu0: str = "0") -> NumberSystem:
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


__all__ = ["DEFAULT_MAX_DIGITS", "FloatNumbers", "Number", "NumberSystem", "RELU0_CHOICES", "number_system"]
