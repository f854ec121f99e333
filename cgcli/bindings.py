"""--at NAME=VALUE[,NAME=VALUE...]: parse the bindings and check them against the program."""
from __future__ import annotations

import re
import unicodedata

from .errors import InputError, MathError, shorten
from .graph import Program
from .numbers import Number
from .ops import CONSTANTS

NAME = re.compile(r"[^\W\d]\w*")


def split_bindings(texts: tuple[str, ...]) -> list[tuple[str, str]]:
    """`("a=1,b=2", "c=-3")` → `[("a", "1"), ("b", "2"), ("c", "-3")]`; commas inside brackets stay."""
    pairs: list[tuple[str, str]] = []
    for text in texts:
        for item in _top_level_split(text):
            name, equals, value = item.partition("=")
            name = unicodedata.normalize("NFC", name.strip())
            if not equals or not NAME.fullmatch(name) or not value.strip():
                raise InputError(f"--at {shorten(text)}: expected NAME=VALUE, e.g. --at a=1,b=-2.5,c=1/3 "
                                 f"(the part {shorten(item.strip())!r} is not of that form)")
            pairs.append((name, value.strip()))
    return pairs


def _top_level_split(text: str) -> list[str]:
    items, depth, start = [], 0, 0
    for index, character in enumerate(text):
        if character in "([":
            depth += 1
        elif character in ")]":
            depth -= 1
        elif character == "," and depth == 0:
            items.append(text[start:index])
            start = index + 1
    items.append(text[start:])
    return [item for item in items if item.strip()]


def bind(program: Program, pairs: list[tuple[str, str]], numbers) -> dict[str, Number]:
    """Values for the program's free variables, converted by the number system."""
    values: dict[str, Number] = {}
    for name, text in pairs:
        shown = f"--at {shorten(name)}"
        if name in values:
            raise InputError(f"{shown}: given twice")
        if name in program.assigned:
            raise InputError(f"{shown}: it is computed by the program, so it cannot be given a value")
        if name not in program.variables and name in CONSTANTS:
            raise InputError(f"{shown}: '{name}' is the constant {name} in expressions; "
                             "give the variable another name")
        if name not in program.variables:
            known = ", ".join(program.variables) or "none"
            raise InputError(f"{shown}: the expression has no variable of that name (its variables: {shorten(known, 200)})")
        try:
            value = numbers.parse(text)
        except ZeroDivisionError:
            raise MathError(f"{shown}={shorten(text)}: division by zero") from None
        if value is None and ".." in text:
            raise InputError(f"{shown}={shorten(text)}: " + ("a range is LOW..HIGH with LOW ≤ HIGH, e.g. 0.99..1.01"
                                                             if numbers.name == "interval"
                                                             else "a range of values needs --interval"))
        if value is None:
            raise InputError(f"{shown}={shorten(text)}: not a number (write e.g. 2, -1.5, 3e-4 or 1/3)")
        if not numbers.is_finite(value):
            raise MathError(f"{shown}={shorten(text)}: too large for {numbers.description}")
        values[name] = value
    return values
