"""Arbitrary precision (--digits N): interval arithmetic at a working precision, printed only
when each enclosure pins down all N significant digits.

An enclosure [lo, hi] whose ends round to the same N-digit decimal certifies that decimal as the
correctly rounded value. When some printed number is not certified yet, `finer()` gives the same
system at twice the working precision, and the caller computes again (see certification.py).
This catches what comparing two floating-point runs misses: inputs longer than the working
precision, and cancellations that give the same wrong digits at every precision."""
from __future__ import annotations

from fractions import Fraction

from .decimals import round_to_nearest, significant
from .enclosure import Interval
from .interval import IntervalNumbers
from .limits import DEFAULT_MAX_DIGITS
from .text import int_text
from .written import Written, read


class DigitsNumbers(IntervalNumbers):
    name = "digits"
    certifies = True  # certified(x) says whether x prints all its digits correctly; finer() does better
    kink_note = None  # a point input has a point at the kink: the --relu0 convention applies
    relu0_text = "0"

    def __init__(self, digits: int, precision: int | None = None, relu0=None, relu0_text: str = "0",
                 max_digits: int = DEFAULT_MAX_DIGITS) -> None:
        self.precision = precision or digits + 10 + digits // 10
        super().__init__(self.precision, max_digits)
        self.digits = digits
        self.description = f"{digits} significant digits (mpmath, certified)"
        self.relu0, self.relu0_text = relu0, relu0_text
        self._kink_width = Fraction(1, 10 ** (self.precision // 2))

    def finer(self) -> DigitsNumbers:
        return DigitsNumbers(self.digits, 2 * self.precision, self.relu0, self.relu0_text, self.max_digits)

    def _at_kink(self, x: Interval) -> bool:
        """Branches (relu, abs, max, min) are decided at the working precision, as floats decide
        them at theirs: an argument within 10^-(precision/2) of 0 is 0, so max(y, y) is a tie."""
        low, high = x.bounds()
        return low <= 0 <= high and max(-low, high) <= self._kink_width

    def parse(self, text: str) -> Interval | None:
        return None if ".." in text else super().parse(text)  # ranges are for --interval

    def step(self, x: Interval, at_zero=None) -> Interval:
        if self._at_kink(x):
            return self.zero if at_zero is None else at_zero
        return super().step(x)

    def sign(self, x: Interval) -> Interval:
        return self.zero if self._at_kink(x) else super().sign(x)

    def certified(self, x: Interval) -> bool:
        low, high = x.bounds()
        return _nearest(low, self.digits) == _nearest(high, self.digits)

    def format(self, x: Interval) -> str:
        low, high = x.bounds()
        text = _nearest(low, self.digits)
        if text == _nearest(high, self.digits):
            return text
        if low <= 0 <= high:
            return "0.0"  # an uncertain zero; certification.until_certified tells the reader how small
        return text + "?"

    format_reading = format

    def written(self, x: Interval) -> Written:
        return read(self.format(x))  # one decimal, not the interval's two ends

    def magnitude(self, value: Fraction) -> str:
        return _nearest(value, 2)

    def to_json(self, x: Interval) -> str:
        return self.format(x)


def _nearest(value: Fraction, digits: int) -> str:
    """`value` rounded to nearest with `digits` significant digits, trailing zeros kept (mpmath's
    nstr layout: fixed point for moderate exponents, else d.ddd…e±k)."""
    if value == 0:
        return "0.0"
    mantissa, exponent = significant(value, digits, round_to_nearest)
    sign, text = ("-" if mantissa < 0 else ""), int_text(abs(mantissa))
    if -5 <= exponent < digits:
        if exponent < 0:
            return f"{sign}0.{'0' * (-exponent - 1)}{text}"
        whole, fraction = text[:exponent + 1], text[exponent + 1:]
        return f"{sign}{whole}.{fraction or '0'}"
    return f"{sign}{text[0]}.{text[1:] or '0'}e{exponent:+d}"
