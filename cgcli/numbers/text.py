"""How a number is written in --at and in the language: decimal, scientific, or p/q; and reading
and writing long integers without lifting Python's int↔str limit for the whole process."""
from __future__ import annotations

import math
import sys
from contextlib import contextmanager
from typing import Callable, Iterator

from ..text import LazyPattern

DECIMAL = r"(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?"
NUMBER_TEXT = LazyPattern(rf"\s*([+-]?)\s*({DECIMAL})\s*(?:/\s*([+-]?)\s*({DECIMAL}))?\s*")
_DECIMAL_PARTS = LazyPattern(r"([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?")
_SAFE_DIGITS = 4000  # below Python's default limit of 4300: no need to lift it


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


def written_digits(text: str) -> float:
    """About how many digits the decimal `text` (`12.5`, `1e999999`, `3e-400`) takes written out in
    full as an integer or a fraction, read from the text alone: nothing converts the number first."""
    match = _DECIMAL_PARTS.fullmatch(text.strip())
    if match is None:
        return 0.0  # not a decimal: whoever converts it says so
    _, whole, fraction, exponent_text = match.groups("")
    exponent_text = exponent_text or "0"
    significant = (whole + fraction).lstrip("0")
    if not significant:
        return 1.0
    if len(exponent_text.lstrip("+-0")) > 300:  # its count of digits itself beyond a float
        return math.inf
    scale = int(exponent_text) - len(fraction)  # the value is int(whole + fraction) · 10^scale
    return float(len(significant) + scale if scale >= 0 else max(len(significant), -scale))


def decimal_parts(text: str) -> tuple[int, int]:
    """`-12.5e3` → (-125, 2): the integer of its digits and the power of ten that scales it, exactly.
    Check written_digits first: the digits become one int."""
    sign, whole, fraction, exponent_text = _DECIMAL_PARTS.fullmatch(text.strip()).groups("")
    mantissa = text_int(whole + fraction or "0")
    return -mantissa if sign == "-" else mantissa, int(exponent_text or "0") - len(fraction)


@contextmanager
def long_int_text() -> Iterator[None]:
    """Python (3.11+) refuses int↔str conversions past 4300 digits; lift that only for the
    conversions inside, then put the limit back as it was (it is process-wide: an embedding
    program keeps its own)."""
    getter = getattr(sys, "get_int_max_str_digits", None)
    if getter is None:
        yield
        return
    saved = getter()
    sys.set_int_max_str_digits(0)
    try:
        yield
    finally:
        sys.set_int_max_str_digits(saved)


def int_text(n: int) -> str:
    """str(n), for integers of any length."""
    if n.bit_length() < _SAFE_DIGITS * 3:  # fewer than ~3600 decimal digits
        return str(n)
    with long_int_text():
        return str(n)


def text_int(digits: str) -> int:
    """int(digits), for digit strings of any length."""
    if len(digits) < _SAFE_DIGITS:
        return int(digits)
    with long_int_text():
        return int(digits)
