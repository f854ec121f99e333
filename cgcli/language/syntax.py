"""Text → Program: the lexer, and the graph builder whose methods Lark's LALR tables call (cgcli/language/lalr.py)."""
from __future__ import annotations

import gc
import re
import unicodedata
from functools import partialmethod
from typing import Iterator

from . import lalr
from ..errors import InputError
from ..text import position, shorten
from ..graph.nodes import CONSTANT, VARIABLE, Node, Program
from .misreadings import check_glued_e, check_name
from ..ops import CONSTANTS, FUNCTIONS


# A node as it occurs at one place in the source (a name used twice has two occurrences): the tuple
# (node, start, end), plain because a 10⁵-term input makes hundreds of thousands of them.
Occurrence = tuple[int, int, int]
# A token: (terminal name, start, end) of its text in the source; the builder slices the text it needs.
Token = tuple[str, int, int]


class _Lexer:
    """One compiled regex made from the grammar's own terminals (Lark's basic lexer, minus line and
    column bookkeeping, which errors compute from the offset). A newline inside parentheses or after
    an operator continues the statement instead of ending it."""

    _continuing = frozenset({"PLUS", "MINUS", "STAR", "SLASH", "POW", "AT", "EQUAL", "COMMA", "LPAR", "LSQB"})
    _depth = {"LPAR": 1, "LSQB": 1, "RPAR": -1, "RSQB": -1}

    def __init__(self, tables: lalr.Tables) -> None:
        self.pattern = re.compile(tables.pattern)
        self.ignore = tables.ignore

    def _special(self, text: str) -> frozenset[str]:
        """The terminals that need more than being passed on, in `text`: the skipped ones, NUMBER when
        an e or E could be glued to one, NAME when a name could hold a superscript or a fraction,
        and the brackets and separators when a newline may continue a statement."""
        special = set(self.ignore)
        if "e" in text or "E" in text:
            special.add("NUMBER")
        if not text.isascii():
            special.add("NAME")
        if "\n" in text:
            special |= {"_SEP", *self._depth}
        return frozenset(special)

    def lex(self, text: str) -> Iterator[Token]:
        """The tokens of `text`, then an "$END" token. Matches follow each other without a gap; a gap
        is a character no terminal matches."""
        ignore, continuing, special, changes = self.ignore, self._continuing, self._special(text), self._depth
        position, depth, previous = 0, 0, None
        for found in self.pattern.finditer(text):
            start, end = found.span()
            if start != position:
                raise _unexpected_character(text, position)
            kind, position = found.lastgroup, end
            if kind in special:
                if kind in ignore:
                    continue
                if kind == "NUMBER" and text[end:end + 1] in ("e", "E"):
                    check_glued_e(text, start, end)
                elif kind == "NAME" and not text[start:end].isascii():
                    check_name(text, start, end)
                elif kind == "_SEP" and text[start] == "\n" and (depth > 0 or previous in continuing):
                    continue
                depth += changes.get(kind, 0)
            previous = kind
            yield kind, start, end
        if position < len(text):
            raise _unexpected_character(text, position)
        yield "$END", len(text), len(text)


class GraphBuilder:
    """The callbacks of the grammar's rules (by rule or alias name); children arrive before parents,
    so nodes are born in topological order and nothing is walked recursively."""

    def __init__(self, source: str = "") -> None:
        self.start(source)

    def start(self, source: str) -> None:
        """Fresh state for parsing `source`; a Program built before keeps its own."""
        self.source = source
        self.nodes: list[Node] = []
        self.assigned: dict[str, int] = {}
        self.variables: dict[str, int] = {}
        self.first_use: dict[str, int] = {}  # name → offset where a free name or constant was first used
        self.assigned_at: dict[str, int] = {}  # name → offset of its assignment
        self.literals: dict[str, str] = {}  # a constant's text → one string for all its occurrences

    def _add(self, op: str, inputs: tuple[int, ...], start: int, end: int, literal: str | None = None) -> Occurrence:
        nodes = self.nodes
        nodes.append(Node(op, inputs, start, end, None, literal))
        return len(nodes) - 1, start, end

    def _fail(self, message: str, offset: int) -> InputError:
        return InputError(message, self.source, offset)

    # leaves
    def number(self, children) -> Occurrence:
        _, start, end = children[0]
        nodes = self.nodes
        text = self.source[start:end]
        nodes.append(Node(CONSTANT, (), start, end, None, self.literals.setdefault(text, text)))
        return len(nodes) - 1, start, end

    def name(self, children) -> Occurrence:
        _, start, end = children[0]
        name = self.source[start:end]
        known = self.assigned.get(name)
        if known is None:
            known = self.variables.get(name)
        if known is not None:
            return known, start, end
        if name in FUNCTIONS:
            raise self._fail(f"'{name}' is a function: call it with parentheses, as {name}(...)", start)
        self.first_use.setdefault(name, start)
        if name in CONSTANTS:
            return self._add(CONSTANT, (), start, end, literal=name)
        occurrence = self._add(VARIABLE, (), start, end)
        self.nodes[-1].name = name
        self.variables[name] = occurrence[0]
        return occurrence

    # operators
    def _binary(self, op: str, children) -> Occurrence:
        (left, start, _), _, (right, _, end) = children
        nodes = self.nodes
        nodes.append(Node(op, (left, right), start, end, None, None))
        return len(nodes) - 1, start, end

    add = partialmethod(_binary, "add")
    sub = partialmethod(_binary, "sub")
    mul = partialmethod(_binary, "mul")
    div = partialmethod(_binary, "div")
    pow = partialmethod(_binary, "pow")
    matmul = partialmethod(_binary, "matmul")

    def transpose(self, children) -> Occurrence:
        (operand, start, _), (_, _, end) = children
        return self._add("transpose", (operand,), start, end)

    def index(self, children) -> Occurrence:
        (operand, start, _), opening, indices, (_, _, end) = children
        if len(indices) > 2:
            raise self._fail("indexing takes one or two indices: X[i] or X[i, j]", opening[1])
        op = "index" if len(indices) == 1 else "index2"
        return self._add(op, (operand, *(i[0] for i in indices)), start, end)

    def neg(self, children) -> Occurrence:
        (_, start, _), (operand, operand_start, end) = children
        node = self.nodes[operand]
        # "-3" is read as the literal -3, not as an op applied to 3; -x, -(2^2) stay ops.
        if (node.op == CONSTANT and node.literal not in CONSTANTS and not node.literal.startswith("-")
                and operand_start == node.start and len(self.nodes) - 1 == operand):
            node.literal = "-" + node.literal
            node.start = start
            return operand, start, end
        return self._add("neg", (operand,), start, end)

    def pos(self, children) -> Occurrence:
        (_, start, _), (operand, _, end) = children
        return operand, start, end

    def implicit_mul(self, children) -> Occurrence:
        token, (factor, _, end) = children
        number = self.number([token])
        return self._add("mul", (number[0], factor), token[1], end)

    def group(self, children) -> Occurrence:
        (_, start, _), (inner, _, _), (_, _, end) = children
        return inner, start, end

    def arguments(self, children) -> list[Occurrence]:
        return list(children)

    def call(self, children) -> Occurrence:
        (_, start, name_end), _, arguments, (_, _, end) = children
        name, arguments = self.source[start:name_end], arguments or []
        by_arity = FUNCTIONS.get(name)
        if by_arity is None:
            raise self._fail(unknown_function_message(name), start)
        op = by_arity.get(len(arguments))
        if op is None:
            counts = sorted(by_arity)
            wanted = " or ".join(map(str, counts)) + (" argument" if counts == [1] else " arguments")
            raise self._fail(f"{name}() takes {wanted}, got {len(arguments)}", start)
        return self._add(op.name, tuple(a[0] for a in arguments), start, end)

    # statements
    def assign(self, children) -> Occurrence:
        (_, start, name_end), value = children
        name = self.source[start:name_end]
        if name in FUNCTIONS:
            raise self._fail(f"'{name}' is a function name and cannot be assigned", start)
        if name in self.assigned:
            raise self._fail(f"'{shorten(name)}' is assigned twice (first at {position(self.source, self.assigned_at[name])}); "
                             "each name is assigned once", start)
        if name in self.first_use:
            raise self._fail(f"'{shorten(name)}' is used at {position(self.source, self.first_use[name])} "
                             "before it is assigned here", start)
        node = self.nodes[value[0]]
        if node.name is not None or (node.op == CONSTANT and node.literal in CONSTANTS):
            value = self._add("id", (value[0],), value[1], value[2])
            node = self.nodes[value[0]]
        node.name = name
        self.assigned[name] = value[0]
        self.assigned_at[name] = start
        return value[0], start, value[2]

    def program(self, children) -> Program:
        if not children:
            raise InputError("empty expression: there is nothing to evaluate")
        return Program(self.source, self.nodes, self.assigned, self.variables, children[-1][0])


def unknown_function_message(name: str) -> str:
    known = sorted(FUNCTIONS)
    import difflib

    close = difflib.get_close_matches(name, known, n=1)
    hint = f"did you mean {close[0]}? " if close else ""
    return f"unknown function '{shorten(name)}'; {hint}known functions: {', '.join(known)}"


_TERMINALS = {  # how the parser's expected-token names read to a person, in the order listed
    "NUMBER": "a number", "NAME": "a name", "LPAR": "'('", "MINUS": "'-'", "PLUS": "'+'",
    "STAR": "'*'", "SLASH": "'/'", "POW": "'^'", "RPAR": "')'", "COMMA": "','", "EQUAL": "'='",
    "_SEP": "';'", "RSQB": "']'", "$END": "the end of the input",
}
_OPERATORS = {"PLUS", "MINUS", "STAR", "SLASH", "POW", "AT", "TRANSPOSE", "LSQB"}


def _expected(names: set[str]) -> str:
    names = set(names)
    words = []
    if _OPERATORS <= names:
        names -= _OPERATORS
        words.append("an operator")
    words += [text for key, text in _TERMINALS.items() if key in names]
    if not words:
        return ""
    return "; expected " + (words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1])


def _syntax_error(error, source: str) -> InputError:
    kind, offset, end = error.token
    if kind == "$END":
        offset = len(source.rstrip())
        what = "unexpected end of input"
    else:
        text = source[offset:end]
        shown = "a new line" if text == "\n" else repr(shorten(text))
        what = f"unexpected {shown}"
    return InputError(f"syntax error: {what}{_expected(error.expected)}", source, offset)


def _unexpected_character(source: str, offset: int) -> InputError:
    character = source[offset]
    name = unicodedata.name(character, "")
    described = f" ({name.lower()})" if name and not character.isascii() else ""
    if "SUPERSCRIPT" in name:
        described += ": superscripts are not powers here; write powers with ^, as in x^2 or x^(-1)"
    return InputError(f"syntax error: unexpected character {character!r}{described}", source, offset)


def parse(source: str) -> Program:
    """Parse a program (statements separated by ';' or new lines) into a Program."""
    source = unicodedata.normalize("NFC", source)
    if not source.strip():
        raise InputError("empty expression: there is nothing to evaluate")
    tables = lalr.tables()
    builder = GraphBuilder(source)
    # The parse makes no reference cycles, only hundreds of thousands of live tuples and nodes, which
    # the cyclic collector would rescan again and again (a quarter of the time); paused for the parse
    # only, and only if it was on (the CLI turns it off for the whole run).
    collecting = gc.isenabled()
    gc.disable()
    try:
        return lalr.run(tables, lalr.reductions(tables.rules, builder), _lexer(tables).lex(source))
    except lalr.UnexpectedToken as error:
        raise _syntax_error(error, source) from None
    finally:
        if collecting:
            gc.enable()


_LEXERS: dict[tuple, _Lexer] = {}  # the terminals → their lexer: compiled once per process, not per parse


def _lexer(tables: lalr.Tables) -> _Lexer:
    key = (tables.pattern, tables.ignore)
    if key not in _LEXERS:
        _LEXERS[key] = _Lexer(tables)
    return _LEXERS[key]
