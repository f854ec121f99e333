"""--at NAME=VALUE[,NAME=VALUE...] and --at @FILE.json: parse the bindings, check them against the
program, and convert them with the number system (tensors from nested lists)."""
from __future__ import annotations

import sys
from typing import Callable

from ..errors import DomainError, InputError, TooLarge
from ..text import language_form, listing, look_alike, read_text, shorten, LazyPattern
from ..graph.nodes import Program
from ..numbers import Number
from ..numbers.limits import refusal
from ..ops import CONSTANTS

NAME = LazyPattern(r"[^\W\d]\w*")


def split_bindings(texts: tuple[str, ...], option: str = "--at",
                   objects: bool = False) -> list[tuple[str, str | list | dict]]:
    """`("a=1,b=2", "c=-3")` → `[("a", "1"), ("b", "2"), ("c", "-3")]`; commas inside brackets stay.
    `@values.json` adds the file's {"name": value} pairs, values as numbers, strings or nested lists
    (with `objects`, also objects such as {"value": 4.999, "u": 0.0032}, their numbers as text).
    Messages name `option` (--at, --params, --tangent, --hvp)."""
    pairs: list[tuple[str, str | list | dict]] = []
    for text in texts:
        if text.startswith("@"):
            pairs += _from_json_file(text[1:], option, objects)
            continue
        for item in _top_level_split(text):
            name, equals, value = item.partition("=")
            name = language_form(name.strip())
            if not equals or not NAME.fullmatch(name) or not value.strip():
                raise InputError(f"{option} {shorten(text)}: expected NAME=VALUE, e.g. {option} a=1,b=-2.5,c=1/3 "
                                 f"(the part '{shorten(item.strip())}' is not of that form)")
            pairs.append((name, value.strip().replace("−", "-")))  # the minus sign pasted text carries
    return pairs


def names_of(text: str, option: str = "--wrt", what: str = "a variable or node",
             once: bool = True) -> tuple[str, ...]:
    """`a, b` → ('a', 'b'): the names of --wrt or --output, NFC-normalised as the parser normalises
    names; none empty, and with `once` none twice (--output's repeats are Program.outputs' to refuse)."""
    names = tuple(language_form(name.strip()) for name in text.split(","))
    if not any(names):
        raise InputError(f"{option}: give the name of {what}")
    if not all(names):
        raise InputError(f"{option} {shorten(text)}: an empty name between commas")
    seen: set[str] = set()
    repeated = next((name for name in names if name in seen or seen.add(name)), None) if once else None
    if repeated is not None:
        raise InputError(f"{option} {shorten(text)}: {shorten(repeated)} is given twice")
    return names


def _from_json_file(path: str, option: str = "--at", objects: bool = False) -> list[tuple[str, str | list | dict]]:
    import json

    shown = f"{option} @{shorten(path)}"
    text = read_text(path, shown)
    try:
        # numbers stay text, so 0.1 is read by the number system (1/10 in --exact), not as a float
        document = json.loads(text, parse_float=str, parse_int=str,
                              object_pairs_hook=lambda pairs: _without_repeats(pairs, shown))
    except RecursionError:
        raise InputError(f"{shown}: nested too deeply") from None
    except ValueError as failure:
        raise InputError(f"{shown}: not JSON ({failure})") from None
    if not isinstance(document, dict):
        raise InputError(f"{shown}: expected a JSON object of name → value")
    pairs = []
    for name, value in document.items():
        name = sys.intern(language_form(name))  # the program's name for it is the same string (builder)
        if not NAME.fullmatch(name) or not isinstance(value, (str, list, dict) if objects else (str, list)):
            raise InputError(f"{shown}: '{shorten(name)}' → {shorten(repr(value))} is not "
                             "a name with a number, a numeric string or a nested list"
                             + (" or an object {\"value\": …, \"u\": …}" if objects else ""))
        pairs.append((name, value))
    return pairs


def _without_repeats(pairs: list[tuple[str, object]], shown: str) -> dict:
    """A JSON object as a dict, refusing a name given twice (json.load would keep the last silently)."""
    document = dict(pairs)
    if len(document) < len(pairs):  # a repeat: which one (a set of every name only then: 10⁵ names are 4 MB)
        seen = set()
        for name, _ in pairs:
            if name in seen:
                raise InputError(f"{shown}: '{shorten(name)}' is given twice")
            seen.add(name)
    return document


def _top_level_split(text: str) -> list[str]:
    if not any(bracket in text for bracket in "()[]"):  # no nesting: every comma separates (20 000 values)
        return [item for item in text.split(",") if item.strip()]
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


def constant_name(name: str) -> str:
    """The one rule for e, pi and π, in a program (`e = …`) and in --at (`--at e=…`) alike."""
    return (f"'{name}' is the constant {CONSTANTS[name]}, which can be neither assigned nor given a value; "
            f"name the quantity another way (e.g. {name}1)")


def unused_left_out(program: Program, pairs: list[tuple[str, str | list]]) -> list[tuple[str, str | list]]:
    """--ignore-unused (and every line of --each): the pairs of one shared --at that name a variable
    of this program; the others are left out, not refused."""
    return [(name, value) for name, value in pairs if name in program.variables]


def bind(program: Program, pairs: list[tuple[str, str | list]], numbers, option: str = "--at") -> dict[str, Number]:
    """Values for the program's free variables, converted by the number system."""
    values: dict[str, Number] = {}
    variables = program.variables
    for name, text in pairs:
        if name in values or name not in variables:  # the messages are made only for a wrong name
            shown = f"{option} {shorten(name)}"
            if name in values:
                raise InputError(f"{shown}: given twice")
            if name in program.assigned:
                raise InputError(f"{shown}: it is computed by the program, so it cannot be given a value"
                                 + _unused_hint(option))
            if name in CONSTANTS:
                raise InputError(f"{shown}: {constant_name(name)}")
            known = listing(variables, 30) or "none"
            raise InputError(f"{shown}: the expression has no variable of that name (its variables: {known})"
                             + look_alike(name, variables) + _unused_hint(option))
        values[name] = converted(text, numbers, lambda name=name, text=text:
                                 f"{option} {shorten(name)}={shorten(text if isinstance(text, str) else str(text))}")
    return values


def _unused_hint(option: str) -> str:
    return "; --ignore-unused leaves out the names a formula does not use" if option == "--at" else ""


def converted(text: str | list, numbers, shown: str | Callable[[], str], tensors: bool = True) -> Number:
    """One value given by the user (a scalar's text, or with `tensors` a nested list or its text) in
    the number system. Every bad value is an InputError (exit 2) that starts with `shown` (or what it
    makes, when called: for 10⁵ values, only a wrong one's words are made), the option and the value as
    given: not a number, p/0, too large for the system or for --max-digits."""
    tensor = tensors and (isinstance(text, list) or text.lstrip().startswith("["))
    try:
        value = _value(text, numbers, tensor)
    except ZeroDivisionError:
        raise InputError(f"{_words(shown)}: division by zero") from None
    except TooLarge as failure:
        raise InputError(f"{_words(shown)}: {failure}") from None
    if value is None:
        raise InputError(f"{_words(shown)}: {_not_a_value(text, numbers, tensor)}")
    for element in value.flat if tensor else (value,):
        if not numbers.is_finite(element):  # 1e300/1e-300 in float, (10^60000)/(10^-60000) in --exact
            failure = refusal(numbers, element)
            raise InputError(f"{_words(shown)}: {failure}" if isinstance(failure, TooLarge)
                             else f"{_words(shown)}: too large for {numbers.description}")
    return value


def _words(shown: str | Callable[[], str]) -> str:
    return shown if isinstance(shown, str) else shown()


def _not_a_value(text: str | list, numbers, tensor: bool) -> str:
    if tensor:
        return "expected a rectangular nested list of numbers, e.g. [[1, 2], [3, 4]]"
    if ".." in text:
        return ("a range is LOW..HIGH with LOW ≤ HIGH, e.g. 0.99..1.01" if numbers.name == "interval"
                else "a range of values needs --interval")
    return "not a number (write e.g. 2, -1.5, 3e-4 or 1/3)"


def _constant(text: str, numbers):
    """`pi`, `π`, `e` or their negation as a value: the number system's constant (--exact says why it
    cannot), or None for any other text."""
    bare = text.strip()
    sign, bare = ("-", bare[1:].strip()) if bare.startswith(("-", "−")) else ("", bare)
    if bare not in CONSTANTS:
        return None
    try:
        value = getattr(numbers, CONSTANTS[bare])
    except DomainError as failure:
        raise TooLarge(str(failure)) from None  # reported as a refused value, like every other
    return -value if sign else value


def _value(text: str | list, numbers, tensor: bool):
    """A scalar from its text, or a tensor from a nested list (or its text, `[[1, 2], [3, 4]]`);
    None when it is neither."""
    if not tensor:
        constant = _constant(text, numbers)
        return numbers.parse(text) if constant is None else constant
    from ..numbers.tensor import from_nested, parse_tensor

    return from_nested(text, numbers) if isinstance(text, list) else parse_tensor(text, numbers)
