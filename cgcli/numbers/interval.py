"""Interval arithmetic (--interval): every value is an enclosure [lo, hi], rounded outward.

Arithmetic and the elementary functions are mpmath's interval context. Comparisons are
three-valued: True or False when every point of the intervals agrees, None when some do and
some do not. The op table asks `signs`, `maximum` and `step`, so a kink inside an interval gives
the whole subgradient instead of a silent pick."""
from __future__ import annotations

import math
from fractions import Fraction

from ..errors import TooLarge
from ..text import shorten
from .decimals import round_down, round_up, significant
from .limits import DEFAULT_MAX_DIGITS, LOG10_2, too_many_digits
from .text import decimal_parts, int_text, parse_number, written_digits


def _binary(operation):
    def method(self, other):
        if hasattr(other, "__array_ufunc__"):
            return NotImplemented
        return Interval(operation(self.iv, _raw(other)))
    return method


class Interval:
    __slots__ = ("iv",)

    def __init__(self, iv) -> None:
        self.iv = iv  # an mpmath ivmpf

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

        (low, high), (other_low, other_high) = self.iv._mpi_, _raw(other)._mpi_
        above = libmp.mpf_gt if strictly else libmp.mpf_ge
        below = libmp.mpf_le if strictly else libmp.mpf_lt
        if above(low, other_high):
            return True
        if below(high, other_low):
            return False
        return None

    def __gt__(self, other): return self._compare(other, True)
    def __ge__(self, other): return self._compare(other, False)
    def __lt__(self, other): return _raw_interval(other)._compare(self, True)  # a < b is b > a
    def __le__(self, other): return _raw_interval(other)._compare(self, False)

    def __eq__(self, other):
        (low, high), (other_low, other_high) = self.iv._mpi_, _raw(other)._mpi_
        if low == high == other_low == other_high:
            return True
        from mpmath import libmp

        return False if libmp.mpf_lt(high, other_low) or libmp.mpf_lt(other_high, low) else None

    def __ne__(self, other):
        equal = self.__eq__(other)
        return None if equal is None else not equal

    __hash__ = None


_context = None


def _raw(value):
    if isinstance(value, Interval):
        return value.iv
    if isinstance(value, Fraction):
        return _context.mpf(value.numerator) / value.denominator
    return _context.convert(value)


def _raw_interval(value) -> Interval:
    return value if isinstance(value, Interval) else Interval(_raw(value))


class IntervalNumbers:
    name = "interval"
    certifies = False
    overflow = "the enclosure is not finite"
    relu0 = relu0_text = None  # at a kink an interval's derivative is the whole subgradient
    kink_note = "at a kink inside an interval the derivative is the whole subgradient: relu' ∈ [0, 1], abs' ∈ [-1, 1]"

    def __init__(self, digits: int | None = None, max_digits: int = DEFAULT_MAX_DIGITS) -> None:
        global _context
        if _context is None:  # one context: building one costs more than a whole small evaluation
            from mpmath.ctx_iv import MPIntervalContext

            _context = MPIntervalContext()
        context = _context
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
        self.pi, self.e = Interval(+context.pi), Interval(+context.e)
        for name in ("log", "log1p", "sqrt"):
            setattr(self, name, _lifted(getattr(context, name)))

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

    def tanh(self, x: Interval) -> Interval:
        """tanh is increasing: the enclosure of tanh at each end, from exp of a negative number only
        (tanh(-t) = -tanh(t)), which cannot grow past --max-digits."""
        def at(end):
            if end < 0:
                return -at(-end)
            z = self.exp(Interval(-2 * end)).iv
            return (1 - z) / (1 + z)
        return Interval(self.context.mpf([at(x.iv.a).a, at(x.iv.b).b]))

    # Over an enclosure wider than a period the range is known without reducing a huge argument
    # modulo π, which needs π to as many bits as the argument has (seconds for 1e99999).
    def sin(self, x: Interval) -> Interval:
        return self._periodic(self.context.sin, x, 7, [-1, 1])

    def cos(self, x: Interval) -> Interval:
        return self._periodic(self.context.cos, x, 7, [-1, 1])

    def tan(self, x: Interval) -> Interval:
        return self._periodic(self.context.tan, x, 4, ["-inf", "inf"])

    def _periodic(self, function, x: Interval, beyond_period: int, whole_range: list) -> Interval:
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
        self._refuse_beyond(_exp_log10(x.iv))
        context = self.context
        underflow = -(self.max_digits - 1) * context.ln10  # exp of less is below 10^-(max_digits - 1)
        if x < underflow:
            return Interval(context.mpf([0, (context.mpf(10) ** (1 - self.max_digits)).b]))
        if x >= underflow:
            return Interval(context.exp(x.iv))
        return Interval(context.mpf([0, context.exp(x.iv.b).b]))

    def pow(self, base: Interval, exponent: Interval) -> Interval:
        self._refuse_beyond(_pow_log10(_raw(base), _raw(exponent)))
        return base ** exponent

    def _refuse_beyond(self, digits: float) -> None:
        if digits > self.max_digits:
            raise too_many_digits(digits, self.max_digits)

    def is_finite(self, x: Interval) -> bool:
        """Bounded, and within --max-digits (both ends' magnitudes within 10^±max_digits)."""
        return _size(x.iv) <= self.max_digits

    def too_large(self, x: Interval) -> TooLarge | None:
        size = _size(x.iv)
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
        a, b = _raw_interval(a).iv, _raw_interval(b).iv
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
        if x > 0:
            return self.one
        return -self.one if x < 0 else Interval(self.context.mpf([-1, 1]))

    def format(self, x: Interval) -> str:
        low, high = self.to_json(x)
        return f"[{low}, {high}]"

    format_reading = format

    def to_json(self, x: Interval) -> list[str]:
        low, high = x.bounds()
        return [_decimal(low, self.digits, round_down), _decimal(high, self.digits, round_up)]


def _lifted(function):
    def lifted(x: Interval) -> Interval:
        return Interval(function(x.iv))
    return lifted


def _size(iv) -> float:
    """How many decimal digits the larger magnitude of an enclosure's ends takes, as 10^-k and 10^k
    both take about k, from the binary exponents alone; inf for an unbounded enclosure."""
    from mpmath import libmp

    size = 0.0
    for _, mantissa, exponent, bits in iv._mpi_:
        if not mantissa:
            if bits:  # ±inf or nan (zero is all zeros)
                return math.inf
            continue
        size = max(size, min(abs(exponent + bits), 1 << 1000) * LOG10_2)  # 2^(2^1000) is huge enough
    return size


def _exp_log10(x) -> float:
    """The largest log10 of exp over the enclosure x, from its upper end, at a low precision (the
    estimate only decides whether to compute at all)."""
    from mpmath import libmp

    return libmp.to_float(libmp.mpf_div(x._mpi_[1], libmp.mpf_ln10(30), 30))


def _pow_log10(base, exponent) -> float:
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
