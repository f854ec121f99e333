"""IEEE double arithmetic through the math module: the default number system."""
from __future__ import annotations

import math

from ..errors import TooLarge
from ..text import shorten
from .limits import DEFAULT_MAX_DIGITS, about
from .scalar import ScalarNumbers
from .text import parse_number, written_digits


class FloatNumbers(ScalarNumbers):
    name = "float"
    description = "float (IEEE double)"

    zero = 0.0
    one = 1.0
    pi = math.pi
    e = math.e

    overflow = "the result overflows float (IEEE double); --digits N goes further"

    def __init__(self, max_digits: int = DEFAULT_MAX_DIGITS) -> None:
        self.max_digits = max_digits  # how far the --digits N that an overflow suggests can go

    def literal(self, text: str) -> float:
        value = float(text)
        if math.isinf(value):
            raise self._beyond_float(f"the number {shorten(text)} is too large for float (IEEE double)",
                                    written_digits(text))
        return value

    def parse(self, text: str) -> float | None:
        return parse_number(text, self.literal)

    is_finite = staticmethod(math.isfinite)

    def is_integer(self, x: float) -> bool:
        return x.is_integer()

    def exp(self, x: float) -> float:
        try:
            return math.exp(x)
        except OverflowError:
            raise self._beyond_float("the result overflows float (IEEE double)", x / math.log(10)) from None

    log = staticmethod(math.log)
    log1p = staticmethod(math.log1p)
    sqrt = staticmethod(math.sqrt)
    sin = staticmethod(math.sin)
    cos = staticmethod(math.cos)
    tan = staticmethod(math.tan)
    tanh = staticmethod(math.tanh)

    def pow(self, base: float, exponent: float) -> float:
        try:
            return base ** exponent
        except OverflowError:
            digits = abs(exponent * math.log10(abs(base)))
            raise self._beyond_float("the result overflows float (IEEE double)", digits) from None

    def _beyond_float(self, reason: str, digits: float) -> TooLarge:
        """Float overflow, with the way out: --digits N, or when even that is too little, --max-digits."""
        if digits <= self.max_digits:
            return TooLarge(f"{reason}; --digits N can represent it")
        return TooLarge(f"{reason}, and its {about(digits)} digits are more than --max-digits "
                        f"{self.max_digits} allows with --digits N (raise --max-digits to go further)")

    def format(self, x: float) -> str:
        """The shortest text that reads back as the same double; integers without a decimal point."""
        if x == 0:
            return "0"  # also for -0.0, which a reader of a derivation does not want to see
        if x.is_integer() and abs(x) < 1e16:
            return str(int(x))
        return repr(x)

    def to_json(self, x: float) -> float | int:
        return int(x) if x.is_integer() and -2 ** 53 < x < 2 ** 53 else x  # 21, not 21.0; 0, not -0.0
