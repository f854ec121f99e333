"""Exact rational arithmetic (--exact): Fractions, with the few transcendental values that are rational."""
from __future__ import annotations

import math
from fractions import Fraction

from ..errors import Irrational, TooLarge
from ..text import shorten
from .limits import LOG2_10, LOG10_2, too_many_digits
from .scalar import ScalarNumbers
from .text import decimal_parts, int_text, parse_number, written_digits


class ExactNumbers(ScalarNumbers):
    name = "exact"
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
    def _irrational(self, call: str) -> Irrational:
        return Irrational(f"{call} is irrational, which --exact cannot represent; use --digits N")

    def exp(self, x: Fraction) -> Fraction:
        if x == 0:
            return self.one
        raise self._irrational(f"exp({self.format(x)})")

    def log(self, x: Fraction) -> Fraction:
        if x == 1:
            return self.zero
        raise self._irrational(f"log({self.format(x)})")

    def log1p(self, x: Fraction) -> Fraction:
        if x == 0:
            return self.zero
        raise self._irrational(f"log(1 + {self.format(x)})")

    def sqrt(self, x: Fraction) -> Fraction:
        root = _exact_root(x, 2)
        if root is None:
            raise self._irrational(f"sqrt({self.format(x)})")
        return root

    def _zero_only(name: str, value_at_zero: int):
        def function(self, x: Fraction) -> Fraction:
            if x == 0:
                return Fraction(value_at_zero)
            raise self._irrational(f"{name}({self.format(x)})")
        return function

    sin = _zero_only("sin", 0)
    cos = _zero_only("cos", 1)
    tan = _zero_only("tan", 0)
    tanh = _zero_only("tanh", 0)
    del _zero_only

    def pow(self, base: Fraction, exponent: Fraction) -> Fraction:
        numerator, denominator = exponent.numerator, exponent.denominator
        size = max(base.numerator.bit_length(), base.denominator.bit_length())
        if size > 1 and abs(numerator) // denominator * (size - 1) > self._max_bits:
            raise too_many_digits(float(abs(exponent) * (size - 1)) * LOG10_2, self.max_digits)
        if denominator == 1:
            return base ** numerator
        root = _exact_root(base, denominator)
        if root is None:
            raise self._irrational(f"{self.format(base)}^({self.format(exponent)})")
        return root ** numerator

    def format(self, x: Fraction) -> str:
        numerator = int_text(x.numerator)
        return numerator if x.denominator == 1 else f"{numerator}/{int_text(x.denominator)}"

    def format_reading(self, x: Fraction) -> str:
        """19/21 ≈ 0.9047619: the fraction, and a decimal to read it by."""
        if x.denominator == 1:
            return self.format(x)
        return f"{self.format(x)} ≈ {float(x):.7g}" if abs(x) < 1e300 else self.format(x)

    def to_json(self, x: Fraction) -> str:
        return self.format(x)


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
