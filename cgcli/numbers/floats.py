"""IEEE double arithmetic through the math module: the default number system."""
from __future__ import annotations

import math

from .scalar import ScalarNumbers
from .text import parse_number


class FloatNumbers(ScalarNumbers):
    name = "float"
    description = "float (IEEE double)"
    overflow = "the result overflows float (IEEE double); --digits N has no such limit"

    zero = 0.0
    one = 1.0
    pi = math.pi
    e = math.e

    def literal(self, text: str) -> float:
        return float(text)

    def parse(self, text: str) -> float | None:
        return parse_number(text, self.literal)

    is_finite = staticmethod(math.isfinite)

    def is_integer(self, x: float) -> bool:
        return x.is_integer()

    exp = staticmethod(math.exp)
    log = staticmethod(math.log)
    log1p = staticmethod(math.log1p)
    sqrt = staticmethod(math.sqrt)
    sin = staticmethod(math.sin)
    cos = staticmethod(math.cos)
    tan = staticmethod(math.tan)
    tanh = staticmethod(math.tanh)

    def pow(self, base: float, exponent: float) -> float:
        return base ** exponent

    def format(self, x: float) -> str:
        """The shortest text that reads back as the same double; integers without a decimal point."""
        if x == 0:
            return "0"  # also for -0.0, which a reader of a derivation does not want to see
        if x.is_integer() and abs(x) < 1e16:
            return str(int(x))
        return repr(x)

    def to_json(self, x: float) -> float | int:
        return int(x) if x.is_integer() and -2 ** 53 < x < 2 ** 53 else x  # 21, not 21.0; 0, not -0.0
