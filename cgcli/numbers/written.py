"""A number as the number systems write it, in parts (sign, digits, exponent, fraction, interval ends,
approximation, elided digits), so that printers read fields instead of re-parsing the printed text."""
from __future__ import annotations

from typing import NamedTuple

from ..text import LazyPattern

_DECIMAL = LazyPattern(r"(-?)(\d*)(?:\.(\d*))?(?:(…)(?:\((\d+) digits\))?)?(\??)(?:e([+-]?\d+))?")


class Written(NamedTuple):
    """`-1.25…?e+40`, `19/21`, `[lo, hi]`, `≈ 0.9047619`, `1234…(23 digits)`, or any other text as printed.
    `text` is the plain rendering, byte for byte what the number system's `format` prints. (A named
    tuple: immutable, and made as fast as a tuple, for tables of 10⁵ numbers.)"""
    sign: str = ""  # "-" or ""
    digits: str = ""  # before the decimal point; a fraction's numerator
    fraction: str | None = None  # after the decimal point (None: no point)
    more: bool = False  # digits were dropped: an ellipsis
    elided: int | None = None  # a long integer cut short: how many digits it has
    doubt: bool = False  # the last digit is uncertain: `?`
    exponent: str | None = None  # after the `e`, as printed: `-05`, `+40`
    denominator: "Written | None" = None  # p/q
    approximate: bool = False  # `≈ `: a decimal reading of an exact value
    items: "tuple[Written, ...] | None" = None  # an interval's two ends (a short vector's elements)
    other: str | None = None  # not a number of these forms (a tensor, inf, a + bε): the text itself

    @property
    def text(self) -> str:
        if self.other is not None:
            return self.other
        if self.items is not None:
            return "[" + ", ".join(item.text for item in self.items) + "]"
        out = [self.sign, self.digits]
        if self.fraction is not None:
            out += [".", self.fraction]
        if self.elided is not None:
            out.append(f"…({self.elided} digits)")
        elif self.more:
            out.append("…")
        if self.doubt:
            out.append("?")
        if self.exponent is not None:
            out += ["e", self.exponent]
        if self.denominator is not None:
            out += ["/", self.denominator.text]
        return ("≈ " if self.approximate else "") + "".join(out)

    @property
    def decimal(self) -> bool:
        """A plain decimal: no fraction bar, no interval, nothing else."""
        return self.other is None and self.items is None and self.denominator is None


def other(text: str) -> Written:
    return Written(other=text)


def fraction(numerator: str, denominator: str) -> Written:
    """`-19/21` from the digit texts (the numerator with its sign)."""
    if numerator.startswith("-"):
        return Written("-", numerator[1:], denominator=Written(digits=denominator))
    return Written(digits=numerator, denominator=Written(digits=denominator))


def read(text: str) -> Written:
    """The parts of a number's text: a literal of the language, or a text a number system printed."""
    text = text.strip()
    if text.startswith("≈"):
        inner = read(text[1:])
        return inner if inner.other is not None else replace(inner, approximate=True)
    if text.startswith("[") and text.endswith("]"):
        inner = text[1:-1]
        if inner.startswith("[") or ", " not in inner:
            return other(text)
        return Written(items=tuple(read(part) for part in inner.split(", ")))
    decimal = _decimal(text)
    if decimal is not None:
        return decimal
    if "/" in text:
        top, _, bottom = text.partition("/")
        numerator, denominator = _decimal(top), _decimal(bottom)
        if numerator is not None and denominator is not None and not numerator.sign and not denominator.sign \
                and numerator.denominator is None:
            return replace(numerator, denominator=denominator)
        if text.startswith("-") and numerator is not None and numerator.sign and denominator is not None \
                and not denominator.sign:
            return replace(numerator, denominator=denominator)
    return other(text)


def _decimal(text: str) -> Written | None:
    match = _DECIMAL.fullmatch(text)
    if match is None or not (match.group(2) or match.group(3) is not None):
        return None
    sign, digits, fraction_digits, more, elided, doubt, exponent = match.groups()
    if elided is not None and (fraction_digits is not None):
        return None
    return Written(sign, digits, fraction_digits, bool(more), None if elided is None else int(elided), bool(doubt),
                   exponent)


def replace(written: Written, **fields) -> Written:
    """`written` with `fields` changed."""
    return written._replace(**fields)


# ---- shortening for pictures and equations (tables print numbers whole) ----

SIGNIFICANT_SHOWN = 12  # digits kept when a long decimal is shortened for display
_DOUBLE_NOISE = 1e-15  # relative: a few units in the last place of a double


def shortened(written: Written, significant: int = SIGNIFICANT_SHOWN) -> Written:
    """A decimal with more than `significant` significant digits rounded to that many, with an
    ellipsis when digits were dropped (`0.410973285844…`, `1.35130360424…e+40`, `0.73105857863…`),
    and without one when the rest were zeros or a double's last-place noise (`-0.08999999999999998`
    is shown as `-0.09`, `0.30000000000000004` as `0.3`). Shorter numbers, fractions and anything
    else are unchanged. The ends of an interval `[lo, hi]` are cut, not rounded, and keep the digits
    where they differ."""
    if written.items is not None:
        items = written.items
        low, high = items[0].text, ", ".join(item.text for item in items[1:])
        common = next((i for i, (a, b) in enumerate(zip(low, high)) if a != b), min(len(low), len(high)))
        keep = max(significant, sum(ch.isdigit() for ch in low[:common].lstrip("-0.")) + 2)
        if len(items) == 2:
            return Written(items=(_cut(items[0], keep), _cut(items[1], keep)))
        return Written(items=(_cut(items[0], keep),) + items[1:])
    if not _long(written, significant) or written.approximate:
        return written
    sign, whole, fraction_digits, exponent = written.sign, written.digits, written.fraction or "", written.exponent
    if not fraction_digits and exponent is None:
        return _cut(written, significant)
    from decimal import ROUND_HALF_EVEN, Context, Decimal  # here: most runs shorten nothing (1 ms of a start)

    exact = Decimal(f"{sign}{whole}.{fraction_digits or 0}{'' if exponent is None else 'e' + exponent}")
    rounded = Context(prec=significant, rounding=ROUND_HALF_EVEN).plus(exact)
    _, all_digits, power = rounded.as_tuple()
    more = _digits_follow(exact, rounded, len((whole + fraction_digits).lstrip("0")))
    digits = "".join(map(str, all_digits))  # with an ellipsis all `significant` digits show, zeros too
    digits = digits if more else digits.rstrip("0") or "0"
    if exponent is not None:  # d.ddd…e±k, as the number system wrote it
        return Written(sign, digits[0], digits[1:] or "0", more, None, written.doubt,
                       f"{power + len(all_digits) - 1:+d}")
    body = format(rounded.copy_abs(), "f")
    if "." in body and not more:
        body = body.rstrip("0")
        body = body + "0" if body.endswith(".") else body
    whole_part, point, fraction_part = body.partition(".")
    return Written(sign, whole_part, fraction_part if point else None, more, None, written.doubt)


def _long(written: Written, significant: int) -> bool:
    """A plain decimal (not yet shortened) of more than `significant` significant digits."""
    if not written.decimal or written.more or written.elided is not None:
        return False
    return len((written.digits + (written.fraction or "")).lstrip("0")) > significant


def _digits_follow(exact, rounded, count: int) -> bool:
    """Whether rounding `exact` (a decimal of `count` significant digits) dropped digits worth an
    ellipsis: not when only zeros went, nor when a double's shortest text (at most 17 digits)
    lost only the noise of its last places (-0.08999999999999998 is -0.09)."""
    if rounded == exact:
        return False
    if count > 17:
        return True
    from decimal import Decimal

    return abs(exact - rounded) > abs(exact) * Decimal(_DOUBLE_NOISE)


def _cut(written: Written, significant: int) -> Written:
    """The first `significant` significant digits and an ellipsis, nothing rounded."""
    if not _long(written, significant) or written.approximate:
        return written
    whole, fraction_digits = written.digits, written.fraction or ""
    kept, count = [], 0
    for ch in whole + "." + fraction_digits if fraction_digits else whole:
        if ch != "." and (count or ch != "0"):
            count += 1
        kept.append(ch)
        if count == significant:
            break
    body = "".join(kept)
    if "." not in body and len(body) < len(whole):  # a long integer: say how long it is
        return Written(written.sign, body, None, True, len(whole), written.doubt, written.exponent)
    whole_part, point, fraction_part = body.partition(".")
    return Written(written.sign, whole_part, fraction_part if point else None, True, None, written.doubt,
                   written.exponent)
