"""Number systems: how literals become values, which elementary functions exist, how values print."""
from __future__ import annotations

import math
import re
from typing import Any

# A number as the user may write it in an expression or in --at: decimal, scientific, or p/q.
DECIMAL = r"(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?"
NUMBER_TEXT = re.compile(rf"\s*([+-]?)\s*({DECIMAL})\s*(?:/\s*([+-]?)\s*({DECIMAL}))?\s*")

Number = Any  # a value of the active number system (float here; Fraction or mpf in other systems)


class FloatNumbers:
    """IEEE double arithmetic through the math module."""

    name = "float"
    description = "float (IEEE double)"

    zero = 0.0
    one = 1.0
    pi = math.pi
    e = math.e

    def literal(self, text: str) -> float:
        return float(text)

    def parse(self, text: str) -> float | None:
        """A value from --at text (`-1.5`, `2e-3`, `1/3`); None if the text is not a number."""
        match = NUMBER_TEXT.fullmatch(text)
        if not match:
            return None
        sign, numerator, denominator_sign, denominator = match.groups()
        value = self.literal(numerator)
        if denominator is not None:
            divisor = self.literal(denominator)
            if divisor == 0:
                raise ZeroDivisionError(text)
            value = -(value / divisor) if denominator_sign == "-" else value / divisor
        return -value if sign == "-" else value

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
