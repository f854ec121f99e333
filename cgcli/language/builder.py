"""The graph builder whose methods the LALR tables call, for cgrad's grammar and LaTeX's alike, and
the syntax errors both report."""
from __future__ import annotations

import gc
import sys
import unicodedata
from functools import partialmethod
from typing import Callable, Iterable

from . import lalr
from ..errors import InputError
from ..text import position, shorten
from ..graph.nodes import CONSTANT, OP_CODES, VARIABLE, Call, Function, Nodes, Program
from ..ops import CONDITIONAL, CONSTANTS, FUNCTIONS
from .definitions import Definitions, Occurrence, Token, _Definition


class GraphBuilder(Definitions):
    """The callbacks of the grammar's rules (by rule or alias name); children arrive before parents,
    so nodes are born in topological order and nothing is walked recursively."""

    def __init__(self, source: str = "") -> None:
        self.start(source)

    def start(self, source: str) -> None:
        """Fresh state for parsing `source`; a Program built before keeps its own."""
        self.source = source
        self.nodes = Nodes.mapped()
        self.assigned: dict[str, int] = {}
        self.variables: dict[str, int] = {}
        self.first_use: dict[str, int] = {}  # name → offset where a free name or constant was first used
        self.assigned_at: dict[str, int] = {}  # name → offset of its assignment
        self.statements_assigned: set[int] = set()  # where each assignment statement starts
        self.functions: dict[str, Function] = {}
        self.calls: list[Call] = []
        self.conditions: set[int] = set()  # nodes whose value is a condition (x > 0): only if() takes them
        # the bodies being read, innermost last: (function name or None for a sum's index, names → PARAMETER nodes)
        self.scopes: list[tuple[str | None, str | None, dict[str, int]]] = []
        self._scope_starts: list[int] = []

    def _add(self, op: str, inputs: tuple[int, ...], start: int, end: int, literal: str | None = None) -> Occurrence:
        return self.nodes.add(op, inputs, start, end, None, literal), start, end

    def _word(self, start: int, end: int) -> str:
        """A name as the program spells it (LaTeX's builder reads \\theta as theta)."""
        return self.source[start:end]

    def _fail(self, message: str, offset: int) -> InputError:
        return InputError(message, self.source, offset)

    # leaves
    def number(self, children) -> Occurrence:
        _, start, end = children[0]
        return self.nodes.constant(self.source[start:end], start, end), start, end

    def name(self, children) -> Occurrence:
        _, start, end = children[0]
        name = self.source[start:end]
        if self.scopes:
            scoped = self._scoped(name, start, end)
            if scoped is not None:
                return scoped, start, end
        known = self.assigned.get(name)  # the common case inline: a name met before (one call per name)
        if known is None:
            known = self.variables.get(name)
        if known is not None:
            return known, start, end
        return self._resolve(name, start, end)

    def _resolve(self, name: str, start: int, end: int) -> Occurrence:
        """The program's node called `name` (assigned, a variable, a constant), made a variable if new."""
        known = self.assigned.get(name)
        if known is None:
            known = self.variables.get(name)
        if known is not None:
            return known, start, end
        if name in FUNCTIONS:
            raise self._fail(f"'{name}' is a function: call it with parentheses, as {name}(...)", start)
        name = sys.intern(name)  # one string with --at's name for it (46 001 names read from a file: 2.5 MB)
        self.first_use.setdefault(name, start)
        if name in CONSTANTS:
            return self._add(CONSTANT, (), start, end, literal=name)
        index = self.nodes.add(VARIABLE, (), start, end, name)
        self.variables[name] = index
        return index, start, end

    # operators
    def _binary(self, op: int, children) -> Occurrence:
        (left, start, _), _, (right, _, end) = children
        if self.conditions:
            self._refuse_condition(left, start)
            self._refuse_condition(right, children[2][1])
        return self.nodes.binary(op, left, right, start, end), start, end

    add = partialmethod(_binary, OP_CODES["add"])
    sub = partialmethod(_binary, OP_CODES["sub"])
    mul = partialmethod(_binary, OP_CODES["mul"])
    div = partialmethod(_binary, OP_CODES["div"])
    pow = partialmethod(_binary, OP_CODES["pow"])
    matmul = partialmethod(_binary, OP_CODES["matmul"])

    def transpose(self, children) -> Occurrence:
        (operand, start, _), (_, _, end) = children
        self._refuse_condition(operand, start)
        return self._add("transpose", (operand,), start, end)

    def index(self, children) -> Occurrence:
        (operand, start, _), opening, indices, (_, _, end) = children
        if len(indices) > 2:
            raise self._fail("indexing takes one or two indices: X[i] or X[i, j]", opening[1])
        op = "index" if len(indices) == 1 else "index2"
        return self._add(op, (operand, *(i[0] for i in indices)), start, end)

    def neg(self, children) -> Occurrence:
        (_, start, _), (operand, operand_start, end) = children
        self._refuse_condition(operand, operand_start)
        node = self.nodes[operand]
        # "-3" is read as the literal -3, not as an op applied to 3; -x, -(2^2) stay ops.
        if (node.op == CONSTANT and node.literal not in CONSTANTS and not node.literal.startswith("-")
                and operand_start == node.start and len(self.nodes) - 1 == operand):
            node.literal = "-" + node.literal
            node.start = start
            return operand, start, end
        return self._add("neg", (operand,), start, end)

    def pos(self, children) -> Occurrence:
        (_, start, _), (operand, operand_start, end) = children
        self._refuse_condition(operand, operand_start)
        return operand, start, end

    def implicit_mul(self, children) -> Occurrence:
        token, (factor, factor_start, end) = children
        self._refuse_condition(factor, factor_start)
        number = self.number([token])
        return self._add("mul", (number[0], factor), token[1], end)

    def group(self, children) -> Occurrence:
        (_, start, _), (inner, _, _), (_, _, end) = children
        return inner, start, end

    def arguments(self, children) -> list[Occurrence]:
        return list(children)

    parameters = arguments  # the NAME tokens of a definition's head

    def call(self, children) -> Occurrence:
        (_, start, name_end), _, arguments, (_, _, end) = children
        name, arguments = self.source[start:name_end], arguments or []
        return self._call(name, arguments, start, end)

    def _call(self, name: str, arguments: list[Occurrence], start: int, end: int) -> Occurrence:
        if (self.functions or self.scopes) and (
                name in self.functions or any(scope[0] == name for scope in self.scopes)):
            return self._call_defined(name, arguments, start, end)
        if self.conditions or name == CONDITIONAL:
            for index, argument in enumerate(arguments):
                if (index > 0 or name != CONDITIONAL) and argument[0] in self.conditions:
                    raise self._fail("a condition is not a number: it can only be the first argument of "
                                     f"{CONDITIONAL}(), as in {CONDITIONAL}(x > 0, x^2, -x)", argument[1])
            if name == CONDITIONAL and arguments and arguments[0][0] not in self.conditions:
                raise self._fail(f"{CONDITIONAL}() takes a condition first, as in {CONDITIONAL}(x > 0, x^2, -x)",
                                 arguments[0][1])
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
        return self._assign(self._word(start, name_end), value, start)

    def _assign(self, name: str, value: Occurrence, start: int) -> Occurrence:
        self._refuse_condition(value[0], value[1])
        if name in FUNCTIONS:
            raise self._fail(f"'{name}' is a function name and cannot be assigned", start)
        if name in CONSTANTS:
            from .bindings import constant_name

            raise self._fail(constant_name(name), start)
        self.statements_assigned.add(start)
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
        last = children[-1]
        if isinstance(last, _Definition):  # a program that ends with f(x) = …: its value is f at x, named f
            value = self._at_own_arguments(last.function, last.tokens, last.start)
            last = self._assign(last.function.name, (value, last.start, last.end), last.start)
        self._refuse_condition(last[0], last[1])
        bare = tuple(statement[1] for statement in children[:-1]
                     if isinstance(statement, tuple) and statement[1] not in self.statements_assigned)
        self.nodes.freeze()
        return Program(self.source, self.nodes, self.assigned, self.variables, last[0], self.functions, self.calls,
                       bare)


def build(tables: lalr.Tables, builder: GraphBuilder, lex: Callable[[], Iterable[Token]], text: str) -> Program:
    """The Program the tables make, by `builder`'s callbacks, of the tokens `lex()` gives of `text` (the
    program itself or, for LaTeX, the program with its $ signs blanked); a syntax error is placed in
    `text` and shows the builder's source, the program as given. Cgrad's reader and LaTeX's share it."""
    if not text.strip():
        raise InputError("empty expression: there is nothing to evaluate")
    # The parse makes no reference cycles, only hundreds of thousands of live tuples and nodes, which
    # the cyclic collector would rescan again and again (a quarter of the time); paused for the parse
    # only, and only if it was on (the CLI turns it off for the whole run).
    collecting = gc.isenabled()
    gc.disable()
    try:
        return lalr.run(tables, lalr.reductions(tables.rules, builder), lex())
    except lalr.UnexpectedToken as error:
        failure = _syntax_error(error, text)
        failure.source = builder.source
        raise failure from None
    finally:
        if collecting:
            gc.enable()


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


# a definition's head, as the token kinds a lexer gives it
_HEAD = r"NAME LPAR (NAME( COMMA NAME)* )?RPAR EQUAL"
