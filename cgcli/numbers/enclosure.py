"""Interval: one enclosure [lo, hi], an mpmath interval with three-valued comparisons.

Arithmetic runs in the mpmath context the interval was made in (each number system owns one, at its
own precision). Comparisons are True or False when every point of the intervals agrees, None when
some do and some do not."""
from __future__ import annotations

import math
from fractions import Fraction

from .limits import LOG10_2


def _binary(operation):
    def method(self, other):
        if hasattr(other, "__array_ufunc__"):
            return NotImplemented
        return Interval(operation(self.iv, raw(other, self.iv.ctx)))
    return method


class Interval:
    __slots__ = ("iv",)

    def __init__(self, iv) -> None:
        self.iv = iv  # an mpmath ivmpf, of its own context

    # An array operand gets NotImplemented, so NumPy applies the op element by element.
    __add__ = _binary(lambda a, b: a + b)
    __radd__ = _binary(lambda a, b: b + a)
    __sub__ = _binary(lambda a, b: a - b)
    __rsub__ = _binary(lambda a, b: b - a)
    __mul__ = _binary(lambda a, b: a * b)
    __rmul__ = _binary(lambda a, b: b * a)
    __truediv__ = _binary(lambda a, b: a / b)
    __rtruediv__ = _binary(lambda a, b: b / a)
    __pow__ = _binary(lambda a, b: a ** b)

    def __neg__(self): return Interval(-self.iv)
    def __pos__(self): return self
    def __abs__(self): return Interval(abs(self.iv))

    def bounds(self) -> tuple[Fraction, Fraction]:
        from mpmath import libmp

        return tuple(Fraction(*libmp.to_rational(end)) for end in self.iv._mpi_)

    def _compare(self, other, strictly: bool):
        """Whether self > other (strictly) or self >= other, for all, no, or some points."""
        from mpmath import libmp

        (low, high), (other_low, other_high) = self.iv._mpi_, raw(other, self.iv.ctx)._mpi_
        above = libmp.mpf_gt if strictly else libmp.mpf_ge
        below = libmp.mpf_le if strictly else libmp.mpf_lt
        if above(low, other_high):
            return True
        if below(high, other_low):
            return False
        return None

    def __gt__(self, other): return self._compare(other, True)
    def __ge__(self, other): return self._compare(other, False)
    def __lt__(self, other): return as_interval(other, self.iv.ctx)._compare(self, True)  # a < b is b > a
    def __le__(self, other): return as_interval(other, self.iv.ctx)._compare(self, False)

    def __eq__(self, other):
        (low, high), (other_low, other_high) = self.iv._mpi_, raw(other, self.iv.ctx)._mpi_
        if low == high == other_low == other_high:
            return True
        from mpmath import libmp

        return False if libmp.mpf_lt(high, other_low) or libmp.mpf_lt(other_high, low) else None

    def __ne__(self, other):
        equal = self.__eq__(other)
        return None if equal is None else not equal

    __hash__ = None


def raw(value, context):
    """The mpmath interval of an Interval, or of a number (an int, a Fraction) in `context`."""
    if isinstance(value, Interval):
        return value.iv
    if isinstance(value, Fraction):
        return context.mpf(value.numerator) / value.denominator
    return context.convert(value)


def as_interval(value, context) -> Interval:
    return value if isinstance(value, Interval) else Interval(raw(value, context))


def size_digits(iv) -> float:
    """How many decimal digits the larger magnitude of an enclosure's ends takes, as 10^-k and 10^k
    both take about k, from the binary exponents alone; inf for an unbounded enclosure."""
    size = 0.0
    for _, mantissa, exponent, bits in iv._mpi_:
        if not mantissa:
            if bits:  # ±inf or nan (zero is all zeros)
                return math.inf
            continue
        size = max(size, min(abs(exponent + bits), 1 << 1000) * LOG10_2)  # 2^(2^1000) is huge enough
    return size


def exp_log10(iv) -> float:
    """The largest log10 of exp over the enclosure, from its upper end, at a low precision (the
    estimate only decides whether to compute at all)."""
    from mpmath import libmp

    return libmp.to_float(libmp.mpf_div(iv._mpi_[1], libmp.mpf_ln10(30), 30))


def pow_log10(base, exponent) -> float:
    """The largest log10 of |b|^e over the ends b, e of the two enclosures (the product e·log|b|
    is largest at a corner)."""
    from mpmath import libmp

    largest = -math.inf
    for end in base._mpi_:
        if not end[1]:
            largest = max(largest, 0.0)  # 0 to a positive power is 0; to a negative one the op refuses it first
            continue
        log10_end = libmp.mpf_div(libmp.mpf_log(libmp.mpf_abs(end), 30), libmp.mpf_ln10(30), 30)
        largest = max(largest, *(libmp.to_float(libmp.mpf_mul(power, log10_end, 30)) for power in exponent._mpi_))
    return largest
