"""What the grammar's NUMBER and NAME patterns would silently misread, refused with a hint:
`3e-x` (not 3·e − x), `1e5e` (not 1e5·e), `x²` (not a name), `½x` (not a name)."""
from __future__ import annotations

import re
import unicodedata

from ..errors import InputError
from ..text import shorten

# A number glued to e or E: the letter, an optional sign, and the name or digits after it. Compiled
# on first use (re caches it): most inputs never need it, and compiling it costs a millisecond of every start.
_GLUED_E = r"([eE])([+\-−]?)(\w*)"


def check_glued_e(source: str, start: int, end: int) -> None:
    """Refuse a number glued to e or E that looks like scientific notation without being one: `3e-x`
    (the sign has no digits after it) would be 3·e − x, and `1e5e` (a second exponent) 1e5·e. A
    number glued to a name that merely starts with e stays an implicit product: 2e, 2exp(x), 3ex."""
    number = source[start:end]
    letter, sign, word = re.compile(_GLUED_E).match(source, end).groups()
    has_exponent = "e" in number or "E" in number
    if not sign and not has_exponent:
        return
    quoted = number + letter + sign + word
    product = f"{number}*{letter} {sign} {word or '…'}" if sign else f"{number}*{letter}{word}"
    if has_exponent:
        advice = f"a number has one exponent at most; write {product}"
    else:
        exponent = ("+" if sign == "+" else "-") + (word if word.isdigit() else "2")
        advice = f"write {product}, or digits after the sign, as in {number}{letter}{exponent}"
    raise InputError(f"'{shorten(quoted)}' looks like a number in scientific notation but is not one: {advice}",
                     source, start)


def check_name(source: str, start: int, end: int) -> None:
    """Names are letters, digits and _, starting with a letter or _ (subscripts count as digits: x₁).
    The lexer's \\w also admits superscripts (x²) and fractions (½x), which read as maths, not as
    letters: refuse them with the way to write what was meant."""
    name = source[start:end]
    for offset, character in enumerate(name):
        kind = _character_kind(character, first=offset == 0)
        if kind is None:
            continue
        if kind == "superscript":
            hint = f"superscripts are not powers here; write {_written_out(name)}"
        elif kind == "fraction":
            hint = f"{character} is not a number here; write {_written_out(name)}"
        else:
            hint = ("a name is letters, digits and _, starting with a letter or _ "
                    f"({unicodedata.name(character, repr(character)).lower()} is none of these)")
        raise InputError(f"'{shorten(name)}' is not a name: {hint}", source, start + offset)


def _character_kind(character: str, first: bool) -> str | None:
    """None for a character a name may contain here; else 'superscript', 'fraction' or 'other'."""
    if character.isascii():
        return None
    described = unicodedata.name(character, "")
    if "SUPERSCRIPT" in described or described.startswith(("MODIFIER LETTER SMALL", "MODIFIER LETTER CAPITAL")):
        return "superscript"
    if unicodedata.decomposition(character).startswith("<fraction>"):
        return "fraction"
    category = unicodedata.category(character)
    if category.startswith("L") or category == "Nd" and not first:
        return None
    return None if "SUBSCRIPT" in described and not first else "other"


def _written_out(name: str) -> str:
    """x² → x^2, x²y → x^2*y, ½x → 1/2*x or x/2: the name's superscripts and fractions in ASCII."""
    pieces: list[tuple[str, str]] = []  # (kind, text) runs
    for character in name:
        kind = _character_kind(character, first=False) or "plain"
        text = unicodedata.normalize("NFKC", character).replace("⁄", "/")
        if pieces and pieces[-1][0] == kind:
            pieces[-1] = (kind, pieces[-1][1] + text)
        else:
            pieces.append((kind, text))
    written = ""
    for index, (kind, text) in enumerate(pieces):
        joiner = "" if index == 0 or kind == "superscript" else "*"
        written += joiner + ("^" + text if kind == "superscript" else text)
    kinds = [kind for kind, _ in pieces]
    if kinds == ["fraction", "plain"] and pieces[0][1].startswith("1/"):
        written += f" or {pieces[1][1]}/{pieces[0][1][2:]}"  # ½x: x/2 reads best
    return written
