"""How a number is written in --at and in the language: decimal, scientific, or p/q."""
from __future__ import annotations

import re
from typing import Callable

DECIMAL = r"(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?"
NUMBER_TEXT = re.compile(rf"\s*([+-]?)\s*({DECIMAL})\s*(?:/\s*([+-]?)\s*({DECIMAL}))?\s*")


def parse_number(text: str, literal: Callable):
    """`-1.5`, `2e-3`, `1/3` → a value made by `literal` from the decimal parts; None if not a number.
    Raises ZeroDivisionError for p/0."""
    match = NUMBER_TEXT.fullmatch(text)
    if not match:
        return None
    sign, numerator, denominator_sign, denominator = match.groups()
    value = literal(numerator)
    if denominator is not None:
        divisor = literal(denominator)
        if divisor == 0:
            raise ZeroDivisionError(text)
        value = value / divisor
        if denominator_sign == "-":
            value = -value
    return -value if sign == "-" else value
