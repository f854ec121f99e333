"""How nodes, definitions and local derivatives are written, shared by every renderer."""
from __future__ import annotations

import functools
import re

from ..graph.nodes import CONSTANT, VARIABLE
from ..ops import OPS
from ..passes.trace import ForwardRow, Term


def needs_parentheses(operand: str, function_call: bool) -> bool:
    """Whether an operand written into an op's notation needs parentheses: a negative one after an
    operator does (`a - (-3)`), one inside a function call does not (`max(-3, a)`)."""
    return not function_call and operand.startswith("-")


def _fill(template: str, operands: tuple[str, ...], function_call: bool, ans: str = "", g: str = "G") -> str:
    operands = tuple(f"({operand})" if needs_parentheses(operand, function_call) else operand for operand in operands)
    return template.format(*operands, ans=ans, g=g)


def definition(row: ForwardRow) -> str:
    """`b · c` for u = b*c; 'input' for a variable; the literal for a named constant."""
    if row.op == VARIABLE:
        return "input"
    if row.op == CONSTANT:
        return row.operands[0]
    op = OPS[row.op]
    return _fill(op.notation, row.operands, op.callable)


PLACEHOLDER = re.compile(r"\{(\w+)\}")  # {0}, {1}: operands; {ans}: the consumer itself; {g}: the upstream


def rule_names(term: Term) -> list[str]:
    """What the local derivative of `term` is written in: its consumer's operands (names or literal
    texts) and, for {ans}, the consumer's name. `3` for ∂(3·v)/∂v is written in the literal 3 alone."""
    template = OPS[term.consumer_op].partial_notations[term.operand_index]
    return [term.consumer if key == "ans" else term.consumer_operands[int(key)] for key in _placeholders(template)]


@functools.cache
def _placeholders(template: str) -> tuple[str, ...]:
    """The operands and {ans} a template names (a table of a few dozen templates; every term asks)."""
    return tuple(key for key in PLACEHOLDER.findall(template) if key != "g")


def local_rule(term: Term, upstream: str = "G") -> str:
    """The local derivative ∂consumer/∂node written out: `c` for ∂(b·c)/∂b. For a tensor op, the
    vector-Jacobian product with `upstream` (∂out/∂consumer): `G @ Wᵀ` for ∂(X @ W)/∂X."""
    op = OPS[term.consumer_op]
    return _fill(op.partial_notations[term.operand_index], term.consumer_operands, op.callable, term.consumer,
                 upstream)


# ---- numbers shown inside pictures and equations (added for the diagram and notes formats) ----

SIGNIFICANT_SHOWN = 12  # digits kept when a long decimal is shortened for display
_LONG_DECIMAL = re.compile(r"(-?)(\d*)\.?(\d*)(\??)((?:e[+-]?\d+)?)")


def shorten_number(text: str, significant: int = SIGNIFICANT_SHOWN) -> str:
    """A decimal with more than `significant` significant digits rounded to that many, with an
    ellipsis when digits were dropped (`0.410973285844…`, `1.35130360424…e+40`, `0.73105857863…`),
    and without one when the rest were zeros or a double's last-place noise (`-0.08999999999999998`
    is shown as `-0.09`, `0.30000000000000004` as `0.3`). Shorter numbers,
    fractions and anything else are unchanged. The ends of an interval `[lo, hi]` are cut, not
    rounded, and keep the digits where they differ."""
    if text.startswith("[") and text.endswith("]") and ", " in text:
        low, high = text[1:-1].split(", ", 1)
        common = next((i for i, (a, b) in enumerate(zip(low, high)) if a != b), min(len(low), len(high)))
        keep = max(significant, sum(ch.isdigit() for ch in low[:common].lstrip("-0.")) + 2)
        return f"[{_cut(low, keep)}, {_cut(high, keep)}]"
    parts = _long_decimal(text, significant)
    if parts is None:
        return text
    sign, whole, fraction, doubt, exponent = parts
    if not fraction and not exponent:
        return _cut(text, significant)
    from decimal import ROUND_HALF_EVEN, Context, Decimal

    exact = Decimal(f"{sign}{whole}.{fraction or 0}{exponent}")
    rounded = Context(prec=significant, rounding=ROUND_HALF_EVEN).plus(exact)
    _, all_digits, power = rounded.as_tuple()
    more = "…" if _digits_follow(exact, rounded, len((whole + fraction).lstrip("0"))) else ""
    digits = "".join(map(str, all_digits))  # with an ellipsis all `significant` digits show, zeros too
    digits = digits if more else digits.rstrip("0") or "0"
    if exponent:  # d.ddd…e±k, as the number system wrote it
        return f"{sign}{digits[0]}.{digits[1:] or '0'}{more}{doubt}e{power + len(all_digits) - 1:+d}"
    body = format(rounded.copy_abs(), "f")
    if "." in body and not more:
        body = body.rstrip("0")
        body = body + "0" if body.endswith(".") else body
    return f"{sign}{body}{more}{doubt}"


_DOUBLE_NOISE = 1e-15  # relative: a few units in the last place of a double


def _digits_follow(exact, rounded, count: int) -> bool:
    """Whether rounding `exact` (a decimal of `count` significant digits) dropped digits worth an
    ellipsis: not when only zeros went, nor when a double's shortest text (at most 17 digits)
    lost only the noise of its last places (-0.08999999999999998 is -0.09)."""
    if rounded == exact:
        return False
    if count > 17:
        return True
    return abs(exact - rounded) > abs(exact) * type(exact)(_DOUBLE_NOISE)


def _long_decimal(text: str, significant: int) -> tuple[str, ...] | None:
    """sign, whole, fraction, doubt mark and exponent of a decimal with more than `significant`
    significant digits; None for anything else."""
    match = _LONG_DECIMAL.fullmatch(text)
    if not match or not (match.group(2) or match.group(3)):
        return None
    sign, whole, fraction, doubt, exponent = match.groups()
    return None if len((whole + fraction).lstrip("0")) <= significant else (sign, whole, fraction, doubt, exponent)


def _cut(text: str, significant: int) -> str:
    """The first `significant` significant digits and an ellipsis, nothing rounded."""
    parts = _long_decimal(text, significant)
    if parts is None:
        return text
    sign, whole, fraction, doubt, exponent = parts
    kept, count = [], 0
    for ch in whole + "." + fraction if fraction else whole:
        if ch != "." and (count or ch != "0"):
            count += 1
        kept.append(ch)
        if count == significant:
            break
    body = "".join(kept)
    if "." not in body and len(body) < len(whole):  # a long integer: say how long it is
        return f"{sign}{body}…({len(whole)} digits){doubt}{exponent}"
    return f"{sign}{body}…{doubt}{exponent}"


def shown(numbers, value) -> str:
    """A value as a picture or an equation shows it: the number system's text, long decimals
    shortened (tables print them whole), long fractions as their decimal reading, and tensors
    on one line."""
    text = numbers.format(value)
    if "\n" in text:
        text = " ".join(text.split())
    if "/" in text and len(text) > 24 and not text.startswith("["):
        reading = numbers.format_reading(value)
        if "≈" in reading:
            return "≈ " + shorten_number(reading.split("≈", 1)[1].strip())
    text = shorten_number(text)
    if len(text) > 80:
        text = text[:39] + "…" + text[-39:]
    return text


def shape_of(value) -> str | None:
    """`2×3` for a tensor value, None for a scalar (no NumPy import needed)."""
    shape = getattr(value, "shape", None)
    return "×".join(map(str, shape)) if shape else None
