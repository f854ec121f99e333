"""A rational number with N significant decimal digits, rounded down, up or to nearest, in integer
arithmetic only: no str() of huge numerators, no gcd of huge Fractions, so printing a value costs
in proportion to the size of the value, which --max-digits bounds."""
from __future__ import annotations

import math
from fractions import Fraction
from functools import lru_cache

from .limits import LOG10_2


def significant(value: Fraction, digits: int, rounding) -> tuple[int, int]:
    """(mantissa, exponent) with value ≈ mantissa · 10^(exponent − digits + 1), the mantissa having
    `digits` digits, rounded by `rounding` (round_down, round_up or round_to_nearest). value ≠ 0."""
    numerator, denominator = value.numerator, value.denominator
    exponent = _decimal_exponent(abs(numerator), denominator)
    mantissa = _scaled(numerator, denominator, digits - 1 - exponent, rounding)
    if abs(mantissa) >= _power_of_ten(digits):  # rounding carried into a new digit: 9.99… → 10.0
        exponent += 1
        mantissa = _scaled(numerator, denominator, digits - 1 - exponent, rounding)
    return mantissa, exponent


def _decimal_exponent(numerator: int, denominator: int) -> int:
    """floor(log10(numerator / denominator)) for positive integers: the bit lengths put it within
    one, a comparison or two settle it."""
    exponent = math.floor((numerator.bit_length() - denominator.bit_length()) * LOG10_2)
    while not _at_least(numerator, denominator, exponent):
        exponent -= 1
    while _at_least(numerator, denominator, exponent + 1):
        exponent += 1
    return exponent


def _at_least(numerator: int, denominator: int, exponent: int) -> bool:
    """numerator / denominator ≥ 10^exponent."""
    return numerator * _power_of_ten(max(-exponent, 0)) >= denominator * _power_of_ten(max(exponent, 0))


def _scaled(numerator: int, denominator: int, shift: int, rounding) -> int:
    """numerator / denominator · 10^shift, rounded to an integer by `rounding`."""
    if shift >= 0:
        numerator *= _power_of_ten(shift)
    else:
        denominator *= _power_of_ten(-shift)
    quotient, remainder = divmod(numerator, denominator)
    return rounding(quotient, remainder, denominator)


@lru_cache(maxsize=16)
def _power_of_ten(exponent: int) -> int:
    """10^exponent, kept: printing one value needs the same few powers several times, and the trace
    prints values of one magnitude over and over (10^300000 takes 50 ms to compute)."""
    return 10 ** exponent


# Roundings of a quotient q + r/d (0 ≤ r < d) to an integer.
def round_down(quotient: int, remainder: int, divisor: int) -> int:
    return quotient


def round_up(quotient: int, remainder: int, divisor: int) -> int:
    return quotient + (remainder != 0)


def round_to_nearest(quotient: int, remainder: int, divisor: int) -> int:
    """To nearest, ties to even (as round() does)."""
    twice = 2 * remainder
    return quotient + (twice > divisor or (twice == divisor and quotient % 2 == 1))
