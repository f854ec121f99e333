"""Interval arithmetic (--interval): every value is an enclosure [lo, hi], rounded outward.

Each system owns an mpmath interval context at its own precision (an interval system and a live
--digits system do not share one). Arithmetic, exp, log and sqrt are that context's; the op table
declares the other functions' enclosures (cgcli/ops/elementwise.py: numbers=), with `monotone`
(enclosed from the two ends of each piece of their domain) and `periodic`. The op table asks `signs`, `maximum` and `step`, so a kink inside an interval gives
the whole subgradient instead of a silent pick."""
from __future__ import annotations

import math
from fractions import Fraction

from ..errors import TooLarge
from ..text import shorten
from .decimals import round_down, round_up, significant
from .enclosure import Interval, as_interval, exp_log10, pow_log10, raw, size_digits
from .limits import DEFAULT_MAX_DIGITS, too_many_digits
from .system import NumberSystem
from .text import decimal_parts, int_text, parse_number, written_digits
from .written import Written, read

_GUARD_BITS = 30  # an end's value is computed this far beyond the precision, …
_SLACK_BITS = 20  # … and widened by 2^-(precision + this), relative: 2^10 units in its last place


class IntervalNumbers(NumberSystem):
    name = "interval"
    implements = "interval"
    overflow = "the enclosure is not finite"
    relu0 = relu0_text = None  # at a kink an interval's derivative is the whole subgradient
    kink_note = "at a kink inside an interval the derivative is the whole subgradient: relu' ∈ [0, 1], abs' ∈ [-1, 1]"

    def __init__(self, digits: int | None = None, max_digits: int = DEFAULT_MAX_DIGITS) -> None:
        from mpmath.ctx_iv import MPIntervalContext

        context = MPIntervalContext()  # its own: a context's precision is global to whoever shares it
        if digits is None:
            context.prec = 53
            self.digits = 17  # enough decimal digits to show a double's enclosure
            self.description = "interval (53-bit, outward rounding)"
        else:
            context.dps = digits + 5
            self.digits = digits
            self.description = f"interval ({digits} significant digits, outward rounding)"
        self.context = context
        self.max_digits = max_digits
        self.zero, self.one = Interval(context.mpf(0)), Interval(context.mpf(1))
        self._pi, self._e = Interval(+context.pi), Interval(+context.e)

    @property
    def pi(self) -> Interval:
        return self._pi

    @property
    def e(self) -> Interval:
        return self._e

    def literal(self, text: str) -> Interval:
        """The enclosure of the decimal, not of a float: its digits times a power of ten, each step
        rounded outward (mpmath's own reading of `1e-500` is not always an enclosure)."""
        size = written_digits(text)
        if size > self.max_digits:
            raise too_many_digits(size, self.max_digits, f"the number {shorten(text)} has")
        mantissa, scale = decimal_parts(text)
        digits, ten = Interval(self.context.mpf(mantissa)), Interval(self.context.mpf(10))
        return digits * ten ** scale if scale >= 0 else digits / ten ** -scale

    def parse(self, text: str) -> Interval | None:
        """A point (`0.1`, `1/3`) or a range `lo..hi` (brackets are kept for tensors)."""
        if ".." not in text:
            return parse_number(text, self.literal)
        low_text, _, high_text = text.partition("..")
        low, high = parse_number(low_text, self.literal), parse_number(high_text, self.literal)
        if low is None or high is None or low > high:
            return None
        return Interval(self.context.mpf([low.iv.a, high.iv.b]))

    def log(self, x: Interval) -> Interval:
        return Interval(self.context.log(x.iv))

    def log_base(self, x: Interval, base: Interval) -> Interval:
        return Interval(self.context.log(x.iv) / self.context.log(base.iv))

    def sqrt(self, x: Interval) -> Interval:
        return Interval(self.context.sqrt(x.iv))

    def monotone(self, function, x: Interval, increasing: bool = True) -> Interval:
        """function over x, for a libmp function monotone on x: from below at one end, from above at
        the other."""
        low, high = x.iv._mpi_ if increasing else reversed(x.iv._mpi_)
        precision = self.context.prec
        return Interval(self.context.make_mpf((_end_enclosure(function, low, precision)[0],
                                               _end_enclosure(function, high, precision)[1])))

    def periodic(self, function, x: Interval, beyond_period: int, whole_range: list) -> Interval:
        """function over x, for a function of that period or less: its whole range over an enclosure
        wider than `beyond_period`, without reducing a huge argument modulo π (which needs π to as many
        bits as the argument has: seconds for 1e99999)."""
        from mpmath import libmp

        low, high = x.iv._mpi_
        if libmp.mpf_gt(libmp.mpf_sub(high, low, 30, libmp.round_ceiling), libmp.from_int(beyond_period)):
            return Interval(self.context.mpf(whole_range))
        return Interval(function(x.iv))

    # exp and pow are estimated before mpmath computes them: exp(1e10) would be cheap as an mpf, but
    # its 4.3e9 digits are not.
    def exp(self, x: Interval) -> Interval:
        """exp, refused past --max-digits. Where it is below 10^-max_digits it is enclosed in [0, that]
        without being computed, as a float's exp underflows to 0: it may vanish in a sum (softplus(1e6)
        adds exp(-1e6) to 1e6), and mpmath would need ln 2 to as many bits as the argument has."""
        self.refuse_beyond(exp_log10(x.iv))
        context = self.context
        underflow = -(self.max_digits - 1) * context.ln10  # exp of less is below 10^-(max_digits - 1)
        if x < underflow:
            return Interval(context.mpf([0, (context.mpf(10) ** (1 - self.max_digits)).b]))
        if x >= underflow:
            return Interval(context.exp(x.iv))
        return Interval(context.mpf([0, context.exp(x.iv.b).b]))

    def pow(self, base: Interval, exponent: Interval) -> Interval:
        self.refuse_beyond(pow_log10(raw(base, self.context), raw(exponent, self.context)))
        return base ** exponent

    def refuse_beyond(self, digits: float) -> None:
        if digits > self.max_digits:
            raise too_many_digits(digits, self.max_digits)

    def is_finite(self, x: Interval) -> bool:
        """Bounded, and within --max-digits (both ends' magnitudes within 10^±max_digits)."""
        return size_digits(x.iv) <= self.max_digits

    def too_large(self, x: Interval) -> TooLarge | None:
        size = size_digits(x.iv)
        if size == math.inf or size <= self.max_digits:
            return None  # an unbounded enclosure is the `overflow` message's case
        return too_many_digits(size, self.max_digits, "the result has")

    def is_integer(self, x: Interval) -> bool:
        low, high = x.bounds()
        return low == high and low.denominator == 1

    @staticmethod
    def signs(x: Interval) -> set[int]:
        low, high = x.bounds()
        return {sign for sign, present in ((-1, low < 0), (0, low <= 0 <= high), (1, high > 0)) if present}

    @staticmethod
    def piecewise(x: Interval, when_nonnegative, when_negative) -> Interval:
        return when_nonnegative(x) if x >= 0 else when_negative(x)  # either formula encloses

    @staticmethod
    def index(x: Interval) -> int | None:
        low, high = x.bounds()
        return int(low) if low == high and low.denominator == 1 else None

    def _extreme(self, a, b, larger: bool) -> Interval:
        """max or min of every pair of points: [max(a.lo, b.lo), max(a.hi, b.hi)] for max."""
        a, b = as_interval(a, self.context).iv, as_interval(b, self.context).iv
        pick = (lambda p, q: p if p >= q else q) if larger else (lambda p, q: p if p <= q else q)
        return Interval(self.context.mpf([pick(a.a, b.a), pick(a.b, b.b)]))

    def maximum(self, a, b) -> Interval:
        return self._extreme(a, b, True)

    def minimum(self, a, b) -> Interval:
        return self._extreme(a, b, False)

    def step(self, x: Interval, at_zero=None) -> Interval:
        """1 where x > 0, 0 where x < 0; an interval reaching 0 gets [0, 1], the whole subgradient."""
        if x > 0:
            return self.one
        return self.zero if x < 0 else Interval(self.context.mpf([0, 1]))

    def sign(self, x: Interval) -> Interval:
        """The signs x has, as an enclosure: [0, 1] for [0, 2], [-1, 1] for [-1, 2]."""
        signs = self.signs(x)
        return Interval(self.context.mpf([min(signs), max(signs)]))

    def format(self, x: Interval) -> str:
        low, high = self.to_json(x)
        return f"[{low}, {high}]"

    def written(self, x: Interval) -> Written:
        return Written(items=tuple(map(read, self.to_json(x))))

    format_reading = format

    def to_json(self, x: Interval) -> list[str]:
        low, high = x.bounds()
        return [_decimal(low, self.digits, round_down), _decimal(high, self.digits, round_up)]


def libmp_function(name: str):
    """A function of mpmath's libmp, (value, precision, rounding) → value, looked up when used."""
    def function(value, precision, rounding):
        from mpmath import libmp

        return getattr(libmp, name)(value, precision, rounding)
    return function



def _end_enclosure(function, end, precision: int) -> tuple:
    """(lo, hi) around function(end), rounded outward to `precision` bits. libmp rounds the last step
    of a function in the direction asked but not the steps before it (asin is an atan of a quotient
    computed first), so the value is computed with guard bits and widened by far more than their error."""
    from mpmath import libmp

    value = function(end, precision + _GUARD_BITS, libmp.round_nearest)
    slack = libmp.mpf_shift(libmp.mpf_abs(value), -(precision + _SLACK_BITS))
    return (libmp.mpf_sub(value, slack, precision, libmp.round_floor),
            libmp.mpf_add(value, slack, precision, libmp.round_ceiling))


def _decimal(value: Fraction, digits: int, rounding) -> str:
    """`value` with `digits` significant digits, rounded down (floor) or up (ceil): outward."""
    if value == 0:
        return "0"
    mantissa, exponent = significant(value, digits, rounding)
    sign, text = ("-" if mantissa < 0 else ""), int_text(abs(mantissa))
    point = exponent + 1  # digits before the decimal point
    if -6 < exponent < digits:
        if point <= 0:
            body = "0." + "0" * -point + text
        else:
            body = text[:point] + ("." + text[point:] if text[point:] else "")
        body = body.rstrip("0").rstrip(".") if "." in body else body
        return sign + body
    mantissa_text = text[0] + ("." + text[1:].rstrip("0") if text[1:].rstrip("0") else "")
    return f"{sign}{mantissa_text}e{exponent:+d}"
