"""Text → Program: the lexer, and the graph builder whose methods Lark's LALR tables call (cgcli/lalr.py)."""
from __future__ import annotations

import re
import unicodedata
from typing import NamedTuple

from . import lalr
from .errors import InputError
from .text import position, shorten
from .graph import CONSTANT, VARIABLE, Node, Program
from .misreadings import check_glued_e, check_name
from .ops import CONSTANTS, FUNCTIONS


class Occurrence(NamedTuple):
    """A node as it occurs at one place in the source (a name used twice has two occurrences)."""

    node: int
    start: int
    end: int


class _Lexer:
    """One compiled regex made from the grammar's own terminals (Lark's basic lexer, minus line and
    column bookkeeping, which errors compute from the offset). A newline inside parentheses or after
    an operator continues the statement instead of ending it."""

    _continuing = frozenset({"PLUS", "MINUS", "STAR", "SLASH", "POW", "AT", "EQUAL", "COMMA", "LPAR", "LSQB"})

    def __init__(self, tables: lalr.Tables) -> None:
        self.pattern = re.compile(tables.pattern)
        self.ignore = tables.ignore

    def lex(self, text: str):
        """The tokens of `text`, then an "$END" token."""
        match, ignore, continuing = self.pattern.match, self.ignore, self._continuing
        position, end, depth, previous = 0, len(text), 0, None
        plain = text.isascii()  # then no name can hold a superscript or a fraction
        while position < end:
            found = match(text, position)
            if found is None:
                raise _unexpected_character(text, position)
            kind, start, position = found.lastgroup, position, found.end()
            if kind in ignore:
                continue
            if kind == "NUMBER" and text[position:position + 1] in ("e", "E"):
                check_glued_e(text, start, position)
            elif kind == "NAME" and not plain and not found.group().isascii():
                check_name(text, start, position)
            if kind in ("LPAR", "LSQB"):
                depth += 1
            elif kind in ("RPAR", "RSQB"):
                depth -= 1
            elif kind == "_SEP" and text[start] == "\n" and (depth > 0 or previous in continuing):
                continue
            previous = kind
            yield _Token(kind, found.group(), start, position)
        yield _Token("$END", "", end, end)


class _Token:
    """What the parser and the callbacks read of a token; small, since 10⁵-term inputs make many."""

    __slots__ = ("type", "value", "start_pos", "end_pos")
    line = column = end_line = end_column = None

    def __init__(self, type: str, value: str, start_pos: int, end_pos: int) -> None:
        self.type, self.value, self.start_pos, self.end_pos = type, value, start_pos, end_pos

    def __str__(self) -> str:
        return self.value

    __repr__ = __str__


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

    def _add(self, op: str, inputs: tuple[int, ...], start: int, end: int, literal: str | None = None) -> Occurrence:
        self.nodes.append(Node(op, inputs, start, end, literal=literal))
        return Occurrence(len(self.nodes) - 1, start, end)

    def _fail(self, message: str, offset: int) -> InputError:
        return InputError(message, self.source, offset)

    # leaves
    def number(self, children) -> Occurrence:
        token = children[0]
        return self._add(CONSTANT, (), token.start_pos, token.end_pos, literal=str(token))

    def name(self, children) -> Occurrence:
        token = children[0]
        name, start, end = str(token), token.start_pos, token.end_pos
        if name in self.assigned:
            return Occurrence(self.assigned[name], start, end)
        if name in self.variables:
            return Occurrence(self.variables[name], start, end)
        if name in FUNCTIONS:
            raise self._fail(f"'{name}' is a function: call it with parentheses, as {name}(...)", start)
        self.first_use.setdefault(name, start)
        if name in CONSTANTS:
            return self._add(CONSTANT, (), start, end, literal=name)
        occurrence = self._add(VARIABLE, (), start, end)
        self.nodes[-1].name = name
        self.variables[name] = occurrence.node
        return occurrence

    # operators
    def _binary(self, op: str, children) -> Occurrence:
        left, _, right = children
        return self._add(op, (left.node, right.node), left.start, right.end)

    def add(self, children): return self._binary("add", children)
    def sub(self, children): return self._binary("sub", children)
    def mul(self, children): return self._binary("mul", children)
    def div(self, children): return self._binary("div", children)
    def pow(self, children): return self._binary("pow", children)
    def matmul(self, children): return self._binary("matmul", children)

    def transpose(self, children) -> Occurrence:
        operand, token = children
        return self._add("transpose", (operand.node,), operand.start, token.end_pos)

    def index(self, children) -> Occurrence:
        operand, opening, indices, closing = children
        if len(indices) > 2:
            raise self._fail("indexing takes one or two indices: X[i] or X[i, j]", opening.start_pos)
        op = "index" if len(indices) == 1 else "index2"
        return self._add(op, (operand.node, *(i.node for i in indices)), operand.start, closing.end_pos)

    def neg(self, children) -> Occurrence:
        sign, operand = children
        node = self.nodes[operand.node]
        # "-3" is read as the literal -3, not as an op applied to 3; -x, -(2^2) stay ops.
        if (node.op == CONSTANT and node.literal not in CONSTANTS and not node.literal.startswith("-")
                and operand.start == node.start and len(self.nodes) - 1 == operand.node):
            node.literal = "-" + node.literal
            node.start = sign.start_pos
            return Occurrence(operand.node, sign.start_pos, operand.end)
        return self._add("neg", (operand.node,), sign.start_pos, operand.end)

    def pos(self, children) -> Occurrence:
        sign, operand = children
        return Occurrence(operand.node, sign.start_pos, operand.end)

    def implicit_mul(self, children) -> Occurrence:
        token, factor = children
        number = self.number([token])
        return self._add("mul", (number.node, factor.node), token.start_pos, factor.end)

    def group(self, children) -> Occurrence:
        opening, inner, closing = children
        return Occurrence(inner.node, opening.start_pos, closing.end_pos)

    def arguments(self, children) -> list[Occurrence]:
        return list(children)

    def call(self, children) -> Occurrence:
        token, _, arguments, closing = children
        name, arguments = str(token), arguments or []
        by_arity = FUNCTIONS.get(name)
        if by_arity is None:
            raise self._fail(unknown_function_message(name), token.start_pos)
        op = by_arity.get(len(arguments))
        if op is None:
            counts = sorted(by_arity)
            wanted = " or ".join(map(str, counts)) + (" argument" if counts == [1] else " arguments")
            raise self._fail(f"{name}() takes {wanted}, got {len(arguments)}", token.start_pos)
        return self._add(op.name, tuple(a.node for a in arguments), token.start_pos, closing.end_pos)

    # statements
    def assign(self, children) -> Occurrence:
        token, value = children
        name = str(token)
        if name in FUNCTIONS:
            raise self._fail(f"'{name}' is a function name and cannot be assigned", token.start_pos)
        if name in self.assigned:
            raise self._fail(f"'{shorten(name)}' is assigned twice (first at {position(self.source, self.assigned_at[name])}); "
                             "each name is assigned once", token.start_pos)
        if name in self.first_use:
            raise self._fail(f"'{shorten(name)}' is used at {position(self.source, self.first_use[name])} "
                             "before it is assigned here", token.start_pos)
        node = self.nodes[value.node]
        if node.name is not None or (node.op == CONSTANT and node.literal in CONSTANTS):
            value = self._add("id", (value.node,), value.start, value.end)
            node = self.nodes[value.node]
        node.name = name
        self.assigned[name] = value.node
        self.assigned_at[name] = token.start_pos
        return Occurrence(value.node, token.start_pos, value.end)

    def program(self, children) -> Program:
        if not children:
            raise InputError("empty expression: there is nothing to evaluate")
        return Program(self.source, self.nodes, self.assigned, self.variables, children[-1].node)


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
    token = error.token
    if token.type == "$END":
        offset = len(source.rstrip())
        what = "unexpected end of input"
    else:
        offset = token.start_pos
        shown = "a new line" if token.value == "\n" else repr(shorten(str(token)))
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
    try:
        return lalr.run(tables, lalr.reductions(tables.rules, builder), _lexer(tables).lex(source))
    except lalr.UnexpectedToken as error:
        raise _syntax_error(error, source) from None


_LEXERS: dict[tuple, _Lexer] = {}  # the terminals → their lexer: compiled once per process, not per parse


def _lexer(tables: lalr.Tables) -> _Lexer:
    key = (tables.pattern, tables.ignore)
    if key not in _LEXERS:
        _LEXERS[key] = _Lexer(tables)
    return _LEXERS[key]
