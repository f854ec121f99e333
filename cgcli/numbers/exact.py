"""Exact rational arithmetic (--exact): Fractions, with the few transcendental values that are rational.
The functions the op table declares an exact implementation for (cgcli/ops/elementwise.py: numbers=)
are added to it there."""
from __future__ import annotations

import math
from fractions import Fraction

from ..errors import Irrational, TooLarge
from ..text import shorten
from .limits import LOG2_10, LOG10_2, too_many_digits
from .scalar import ScalarNumbers
from .text import decimal_parts, int_text, parse_number, written_digits
from .written import Written, read


class ExactNumbers(ScalarNumbers):
    name = "exact"
    implements = "exact"
    description = "exact (rational)"

    zero = Fraction(0)
    one = Fraction(1)

    def __init__(self, max_digits: int) -> None:
        self.max_digits = max_digits  # the largest numerator or denominator, in decimal digits
        self._max_bits = int(max_digits * LOG2_10) + 1

    @property
    def pi(self):
        raise Irrational("pi is irrational, which --exact cannot represent; use --digits N")

    @property
    def e(self):
        raise Irrational("e is irrational, which --exact cannot represent; use --digits N")

    def literal(self, text: str) -> Fraction:
        """The decimal text exactly; its size is checked on the text, before 1e10000000 is computed."""
        size = written_digits(text)
        if size > self.max_digits:
            raise too_many_digits(size, self.max_digits, f"the number {shorten(text)} has")
        mantissa, scale = decimal_parts(text)
        return Fraction(mantissa * 10 ** scale) if scale >= 0 else Fraction(mantissa, 10 ** -scale)

    def parse(self, text: str) -> Fraction | None:
        return parse_number(text, self.literal)

    def is_finite(self, x: Fraction) -> bool:
        """Within --max-digits (a rational is never infinite, but it can outgrow memory)."""
        return x.numerator.bit_length() <= self._max_bits and x.denominator.bit_length() <= self._max_bits

    @property
    def overflow(self) -> str:
        return f"the result has more digits than --max-digits {self.max_digits} allows"

    def too_large(self, x: Fraction) -> TooLarge | None:
        """The refusal of a value beyond --max-digits, with its size; None within it."""
        bits = max(x.numerator.bit_length(), x.denominator.bit_length())
        if bits <= self._max_bits:
            return None
        return too_many_digits(bits * LOG10_2, self.max_digits, "the result has")

    def is_integer(self, x: Fraction) -> bool:
        return x.denominator == 1

    # Transcendental functions are exact only at the points where their value is rational.
    def irrational(self, call: str, known: bool = True) -> Irrational:
        what = "is irrational" if known else "is not known to be rational"
        return Irrational(f"{call} {what}, which --exact cannot represent; use --digits N")

    def rational_only_at(self, name: str, x: Fraction, point: int, value: int, call: str = "{name}({x})",
                         known: bool = True) -> Fraction:
        """A function whose value at a rational argument is rational only at `point` (for exp, sin,
        tanh, …, Lindemann–Weierstrass: e^q and sin q are irrational at every other rational q; the
        inverses follow; for some nothing better is known: `known` False)."""
        if x == point:
            return Fraction(value)
        raise self.irrational(call.format(name=name, x=self.format(x)), known)

    def exp(self, x: Fraction) -> Fraction:
        return self.rational_only_at("exp", x, 0, 1)

    def log(self, x: Fraction) -> Fraction:
        return self.rational_only_at("log", x, 1, 0)

    def log_base(self, x: Fraction, base: Fraction) -> Fraction:
        exponent = _rational_log(x, base)
        if exponent is None:
            raise self.irrational(f"log({self.format(x)}, {self.format(base)})")
        return exponent

    def sqrt(self, x: Fraction) -> Fraction:
        return self.root(x, 2, "sqrt({x})")

    def root(self, x: Fraction, degree: int, call: str) -> Fraction:
        """The real root of that degree where it is rational; else the refusal, naming `call`."""
        root = _exact_root(x, degree)
        if root is None:
            raise self.irrational(call.format(x=self.format(x)))
        return root

    def pow(self, base: Fraction, exponent: Fraction) -> Fraction:
        numerator, denominator = exponent.numerator, exponent.denominator
        size = max(base.numerator.bit_length(), base.denominator.bit_length())
        if size > 1 and abs(numerator) // denominator * (size - 1) > self._max_bits:
            raise too_many_digits(float(abs(exponent) * (size - 1)) * LOG10_2, self.max_digits)
        if denominator == 1:
            return base ** numerator
        root = _exact_root(base, denominator)
        if root is None:
            raise self.irrational(f"{self.format(base)}^({self.format(exponent)})")
        return root ** numerator

    def format(self, x: Fraction) -> str:
        numerator = int_text(x.numerator)
        return numerator if x.denominator == 1 else f"{numerator}/{int_text(x.denominator)}"

    def written(self, x: Fraction) -> Written:
        sign, numerator = ("-" if x < 0 else ""), int_text(abs(x.numerator))
        return Written(sign, numerator, denominator=None if x.denominator == 1 else Written(digits=int_text(x.denominator)))

    def format_reading(self, x: Fraction) -> str:
        """19/21 ≈ 0.9047619: the fraction, and a decimal to read it by."""
        approximation = self.approximation(x)
        return self.format(x) if approximation is None else f"{self.format(x)} {approximation.text}"

    def approximation(self, x: Fraction) -> Written | None:
        if x.denominator == 1 or abs(x) >= 1e300:
            return None
        return read(f"{float(x):.7g}")._replace(approximate=True)

    def to_json(self, x: Fraction) -> str:
        return self.format(x)


def _rational_log(x: Fraction, base: Fraction) -> Fraction | None:
    """log_base(x) when it is rational (x, base > 0, base ≠ 1), else None. If base = r^m for a
    rational r that is no perfect power, a rational log is k/m' with m' dividing m, which is below
    the bit length of base: the float estimate pins the only candidate, and an exact power checks it."""
    if x == 1:
        return Fraction(0)
    bits = max(base.numerator.bit_length(), base.denominator.bit_length())
    candidate = Fraction(_ln(x) / _ln(base)).limit_denominator(max(bits, 1))
    if candidate == 0:
        return None
    root = _exact_root(base, candidate.denominator)  # base^(1/q), then ^p
    if root is None:
        return None
    root_bits = max(root.numerator.bit_length(), root.denominator.bit_length())
    x_bits = max(x.numerator.bit_length(), x.denominator.bit_length())
    if (root_bits - 1) * abs(candidate.numerator) > x_bits + 1:
        return None  # root^p would be far larger than x: no need to compute it
    return candidate if root ** candidate.numerator == x else None


def _ln(q: Fraction) -> float:
    """The natural log of a positive rational as a float, accurate near 1 (where log(n) - log(d)
    cancels) and beyond the float range (where q - 1 overflows, or q underflows to 0)."""
    try:
        return math.log1p(float(q - 1))
    except (OverflowError, ValueError):
        return math.log(q.numerator) - math.log(q.denominator)


def _exact_root(x: Fraction, degree: int) -> Fraction | None:
    """The rational degree-th root of x, or None when it is irrational (or x < 0 with even degree)."""
    if x < 0:
        if degree % 2 == 0:
            return None
        root = _exact_root(-x, degree)
        return None if root is None else -root
    top, bottom = _integer_root(x.numerator, degree), _integer_root(x.denominator, degree)
    return None if top is None or bottom is None else Fraction(top, bottom)


def _integer_root(n: int, degree: int) -> int | None:
    if n >= 2 and degree >= n.bit_length():
        return None  # 2^degree > n: only 0 and 1 are perfect powers of so high a degree
    root = math.isqrt(n) if degree == 2 else _newton_root(n, degree)
    return root if root ** degree == n else None


def _newton_root(n: int, degree: int) -> int:
    """floor(n ** (1/degree)) in integers: Newton's method from just above, where floats put it."""
    if n < 2:
        return n
    guess = _root_from_above(n, degree)
    while True:
        better = ((degree - 1) * guess + n // guess ** (degree - 1)) // degree
        if better >= guess:
            return guess
        guess = better


def _root_from_above(n: int, degree: int) -> int:
    """An integer at least floor(n ** (1/degree)) and within a relative 1e-8 of it, from the float
    logarithm; from 2^ceil(bits/degree) instead, Newton would creep down one step in `degree` at a time."""
    shift = max(n.bit_length() - 64, 0)
    log2_root = (math.log2(n >> shift) + shift) / degree
    whole = math.floor(log2_root)
    if whole < 60:
        return math.floor(2 ** log2_root * (1 + 1e-8)) + 1
    return (math.floor(2 ** (log2_root - whole + 52) * (1 + 1e-8)) + 1) << (whole - 52)
