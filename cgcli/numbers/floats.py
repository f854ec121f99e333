"""IEEE double arithmetic through the math module: the default number system. The functions the op
table declares a float implementation for (cgcli/ops/elementwise.py: numbers=) are added to it there."""
from __future__ import annotations

import math

from ..errors import TooLarge
from ..text import shorten
from .limits import DEFAULT_MAX_DIGITS, about
from .scalar import ScalarNumbers
from .text import parse_number, written_digits


# Below 2**53 every integer is a double, so an integral double prints as an integer (21, not 21.0);
# above it the neighbours are 2 or more apart and repr's ".0" (9007199254740992.0) or exponent stays.
WHOLE = 2.0 ** 53


def float_text(x: float) -> str:
    """A double as cgrad writes it everywhere (tables, JSON, rows): the shortest text that reads back
    as the same double, an integer below 2**53 without a decimal point, -0.0 as 0: 21, 0.1, 1e-05, nan."""
    return str(int(x)) if x.is_integer() and abs(x) < WHOLE else repr(x)


class FloatNumbers(ScalarNumbers):
    name = "float"
    implements = "float"
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

    def too_large(self, x: float) -> None:
        return None  # a double's range is its own limit: `overflow` says so

    def exp(self, x: float) -> float:
        return self.overflow_checked(math.exp, x)

    log = staticmethod(math.log)

    @staticmethod
    def log_base(x: float, base: float) -> float:
        # log2 and log10 are exact at powers of their base (log(1000)/log(10) is 2.9999999999999996)
        if base == 2:
            return math.log2(x)
        if base == 10:
            return math.log10(x)
        return math.log(x) / math.log(base)

    sqrt = staticmethod(math.sqrt)
    def overflow_checked(self, function, x: float) -> float:
        """function(x) for a function that grows like exp: past the float range, the error says how many
        digits the result has."""
        try:
            return function(x)
        except OverflowError:
            raise self._beyond_float("the result overflows float (IEEE double)", abs(x) / math.log(10)) from None

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
        return float_text(x)

    def to_json(self, x: float) -> float | int:
        return int(x) if x.is_integer() and abs(x) < WHOLE else x  # 21, not 21.0; 0, not -0.0
