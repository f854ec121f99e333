"""Exact rational arithmetic (--exact): Fractions, with the few transcendental values that are rational."""
from __future__ import annotations

import math
import sys
from fractions import Fraction

from ..errors import DomainError, TooLarge
from .scalar import ScalarNumbers
from .text import parse_number


class Irrational(DomainError):
    """The exact result is not a rational number."""


class ExactNumbers(ScalarNumbers):
    name = "exact"
    description = "exact (rational)"

    zero = Fraction(0)
    one = Fraction(1)

    def __init__(self, max_digits: int) -> None:
        if hasattr(sys, "set_int_max_str_digits"):
            sys.set_int_max_str_digits(0)  # exact results may have up to --max-digits digits
        self.max_digits = max_digits  # the largest numerator or denominator, in decimal digits
        self._max_bits = int(max_digits * 3.3219280948873626) + 1

    @property
    def pi(self):
        raise Irrational("pi is irrational, which --exact cannot represent; use --digits N")

    @property
    def e(self):
        raise Irrational("e is irrational, which --exact cannot represent; use --digits N")

    def literal(self, text: str) -> Fraction:
        return Fraction(text)

    def parse(self, text: str) -> Fraction | None:
        return parse_number(text, self.literal)

    def is_finite(self, x: Fraction) -> bool:
        """Within --max-digits (a rational is never infinite, but it can outgrow memory)."""
        return x.numerator.bit_length() <= self._max_bits and x.denominator.bit_length() <= self._max_bits

    @property
    def overflow(self) -> str:
        return f"the result has more digits than --max-digits {self.max_digits} allows"

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
            digits = float(abs(exponent) * (size - 1)) / 3.3219280948873626
            raise TooLarge(f"the result would have about {digits:.3g} digits, more than --max-digits "
                           f"{self.max_digits} allows")
        if denominator == 1:
            return base ** numerator
        root = _exact_root(base, denominator)
        if root is None:
            raise self._irrational(f"{self.format(base)}^({self.format(exponent)})")
        return root ** numerator

    def format(self, x: Fraction) -> str:
        return str(x.numerator) if x.denominator == 1 else f"{x.numerator}/{x.denominator}"

    def format_reading(self, x: Fraction) -> str:
        """19/21 ≈ 0.9047619: the fraction, and a decimal to read it by."""
        if x.denominator == 1:
            return str(x.numerator)
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
    root = math.isqrt(n) if degree == 2 else _newton_root(n, degree)
    return root if root ** degree == n else None


def _newton_root(n: int, degree: int) -> int:
    """floor(n ** (1/degree)) in integers: Newton's method from above."""
    if n < 2:
        return n
    guess = 1 << -(-n.bit_length() // degree)
    while True:
        better = ((degree - 1) * guess + n // guess ** (degree - 1)) // degree
        if better >= guess:
            return guess
        guess = better
