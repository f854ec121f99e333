"""--at NAME=VALUE[,NAME=VALUE...] and --at @FILE.json: parse the bindings, check them against the
program, and convert them with the number system (tensors from nested lists)."""
from __future__ import annotations

import re
import unicodedata

from ..errors import InputError, TooLarge
from ..text import shorten
from ..graph.nodes import Program
from ..numbers import Number
from ..numbers.limits import refusal
from ..ops import CONSTANTS

NAME = re.compile(r"[^\W\d]\w*")


def split_bindings(texts: tuple[str, ...], objects: bool = False) -> list[tuple[str, str | list | dict]]:
    """`("a=1,b=2", "c=-3")` → `[("a", "1"), ("b", "2"), ("c", "-3")]`; commas inside brackets stay.
    `@values.json` adds the file's {"name": value} pairs, values as numbers, strings or nested lists
    (with `objects`, also objects such as {"value": 4.999, "u": 0.0032}, their numbers as text)."""
    pairs: list[tuple[str, str | list | dict]] = []
    for text in texts:
        if text.startswith("@"):
            pairs += _from_json_file(text[1:], objects)
            continue
        for item in _top_level_split(text):
            name, equals, value = item.partition("=")
            name = unicodedata.normalize("NFC", name.strip())
            if not equals or not NAME.fullmatch(name) or not value.strip():
                raise InputError(f"--at {shorten(text)}: expected NAME=VALUE, e.g. --at a=1,b=-2.5,c=1/3 "
                                 f"(the part {shorten(item.strip())!r} is not of that form)")
            pairs.append((name, value.strip().replace("−", "-")))  # the minus sign pasted text carries
    return pairs


def _from_json_file(path: str, objects: bool = False) -> list[tuple[str, str | list | dict]]:
    import json

    try:
        with open(path, encoding="utf-8") as handle:
            # numbers stay text, so 0.1 is read by the number system (1/10 in --exact), not as a float
            document = json.load(handle, parse_float=str, parse_int=str,
                                 object_pairs_hook=lambda pairs: _without_repeats(pairs, path))
    except OSError as failure:
        raise InputError(f"--at @{shorten(path)}: cannot read it: {failure.strerror or failure}") from None
    except ValueError as failure:
        raise InputError(f"--at @{shorten(path)}: not JSON ({failure})") from None
    if not isinstance(document, dict):
        raise InputError(f"--at @{shorten(path)}: expected a JSON object of name → value")
    pairs = []
    for name, value in document.items():
        name = unicodedata.normalize("NFC", name)
        if not NAME.fullmatch(name) or not isinstance(value, (str, list, dict) if objects else (str, list)):
            raise InputError(f"--at @{shorten(path)}: {shorten(name)!r} → {shorten(repr(value))} is not "
                             "a name with a number, a numeric string or a nested list"
                             + (" or an object {\"value\": …, \"u\": …}" if objects else ""))
        pairs.append((name, value))
    return pairs


def _without_repeats(pairs: list[tuple[str, object]], path: str) -> dict:
    """A JSON object as a dict, refusing a name given twice (json.load would keep the last silently)."""
    seen = set()
    for name, _ in pairs:
        if name in seen:
            raise InputError(f"--at @{shorten(path)}: {shorten(name)!r} is given twice")
        seen.add(name)
    return dict(pairs)


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


def bind(program: Program, pairs: list[tuple[str, str | list]], numbers, option: str = "--at") -> dict[str, Number]:
    """Values for the program's free variables, converted by the number system."""
    values: dict[str, Number] = {}
    for name, text in pairs:
        shown = f"{option} {shorten(name)}"
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
        values[name] = converted(text, numbers, f"{shown}={shorten(text if isinstance(text, str) else str(text))}")
    return values


def converted(text: str | list, numbers, shown: str, tensors: bool = True) -> Number:
    """One value given by the user (a scalar's text, or with `tensors` a nested list or its text) in
    the number system. Every bad value is an InputError (exit 2) that starts with `shown`, the option
    and the value as given: not a number, p/0, too large for the system or for --max-digits."""
    tensor = tensors and (isinstance(text, list) or text.lstrip().startswith("["))
    try:
        value = _value(text, numbers, tensor)
    except ZeroDivisionError:
        raise InputError(f"{shown}: division by zero") from None
    except TooLarge as failure:
        raise InputError(f"{shown}: {failure}") from None
    if value is None:
        raise InputError(f"{shown}: {_not_a_value(text, numbers, tensor)}")
    for element in value.flat if tensor else (value,):
        if not numbers.is_finite(element):  # 1e300/1e-300 in float, (10^60000)/(10^-60000) in --exact
            failure = refusal(numbers, element)
            raise InputError(f"{shown}: {failure}" if isinstance(failure, TooLarge)
                             else f"{shown}: too large for {numbers.description}")
    return value


def _not_a_value(text: str | list, numbers, tensor: bool) -> str:
    if tensor:
        return "expected a rectangular nested list of numbers, e.g. [[1, 2], [3, 4]]"
    if ".." in text:
        return ("a range is LOW..HIGH with LOW ≤ HIGH, e.g. 0.99..1.01" if numbers.name == "interval"
                else "a range of values needs --interval")
    return "not a number (write e.g. 2, -1.5, 3e-4 or 1/3)"


def _value(text: str | list, numbers, tensor: bool):
    """A scalar from its text, or a tensor from a nested list (or its text, `[[1, 2], [3, 4]]`);
    None when it is neither."""
    if not tensor:
        return numbers.parse(text)
    from ..numbers.tensor import from_nested, parse_tensor

    return from_nested(text, numbers) if isinstance(text, list) else parse_tensor(text, numbers)


def names_option(text: str, option: str, known) -> list[str]:
    """`a, b` → ['a', 'b'], NFC-normalised as the parser normalises names, each checked against `known`."""
    names = [unicodedata.normalize("NFC", name.strip()) for name in text.split(",") if name.strip()]
    strangers = [name for name in names if name not in known]
    if strangers:
        listing = ", ".join(list(known)[:30]) or "none"
        raise InputError(f"{option} {shorten(text)}: no node named {', '.join(map(shorten, strangers))} "
                         f"(known: {listing})")
    return names
