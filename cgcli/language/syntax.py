"""Text → Program: the program reader every command shares (cgrad's language, or LaTeX math), and
cgrad's lexer, whose tokens Lark's LALR tables (cgcli/language/lalr.py) turn into builder calls."""
from __future__ import annotations

import re
from contextvars import ContextVar
from typing import Iterator

from . import lalr
from ..errors import InputError
from ..graph.nodes import Program
from .builder import _HEAD, GraphBuilder, Occurrence, Token, _unexpected_character, build
from .misreadings import check_glued_e, check_name
from ..text import language_form

__all__ = ["GraphBuilder", "Occurrence", "Token", "SYNTAXES", "chosen_syntax", "one_line", "parse", "tokens"]


class _Lexer:
    """One compiled regex made from the grammar's own terminals (Lark's basic lexer, minus line and
    column bookkeeping, which errors compute from the offset). A newline inside parentheses or after
    an operator continues the statement instead of ending it."""

    _continuing = frozenset({"PLUS", "MINUS", "STAR", "SLASH", "POW", "AT", "EQUAL", "COMMA", "LPAR", "LSQB"})
    _depth = {"LPAR": 1, "LSQB": 1, "RPAR": -1, "RSQB": -1}

    def __init__(self, tables: lalr.Tables) -> None:
        self.pattern = re.compile(tables.pattern)
        self.ignore = tables.ignore
        # a match's lastindex → its terminal's name (what lastgroup computes, without the lookup)
        self.kinds = [None] * (self.pattern.groups + 1)
        for kind, index in self.pattern.groupindex.items():
            self.kinds[index] = kind
        self._passed: dict[frozenset[str], list[str | None]] = {}

    def _special(self, text: str) -> frozenset[str]:
        """The terminals that need more than being passed on, in `text`: the skipped ones, NUMBER when
        an e or E follows a digit or a point (where a number ends), NAME when a name could hold a
        superscript or a fraction, and the brackets and separators when a newline may continue a
        statement."""
        special = set(self.ignore)
        if ("e" in text or "E" in text) and re.search(r"[\d.][eE]", text):
            special.add("NUMBER")
        if not text.isascii():
            special.add("NAME")
        if "\n" in text:
            special |= {"_SEP", *self._depth}
        return frozenset(special)

    def lex(self, text: str) -> Iterator[Token]:
        """The tokens of `text`, then an "$END" token. Each match starts where the one before ended
        (the scanner's match is anchored there), so matching stops at a character no terminal matches."""
        ignore, continuing, changes = self.ignore, self._continuing, self._depth
        special = self._special(text)
        parts = [(len(text), special)]
        last = len(text.rstrip())
        if "\n" in text and "#" not in text and text.find("\n", 0, last) < 0:
            # new lines only after the last token (a file's last line end): up to there the brackets
            # need no following, and their depth there is their count (no comment holds one)
            parts.insert(0, (last, special - {"_SEP", *changes}))
        kinds, end, depth, previous = self.kinds, 0, 0, None
        for stop, special in parts:
            passed = self._passed.get(special)
            if passed is None:  # lastindex → the kind, where it is passed on as it is; None where special
                passed = self._passed[special] = [None if kind in special else kind for kind in kinds]
            for found in iter(self.pattern.scanner(text, end, stop).match, None):
                kind = passed[found.lastindex]
                if kind is not None:  # most tokens: no test but this one
                    previous = kind
                    yield kind, end, (end := found.end())
                    continue
                kind, start, end = kinds[found.lastindex], end, found.end()
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
            if stop < len(text):
                depth = sum(text.count(opening, 0, end) for opening in "([") - \
                    sum(text.count(closing, 0, end) for closing in ")]")
        if end < len(text):
            raise _unexpected_character(text, end)
        yield "$END", len(text), len(text)


SYNTAXES = ("auto", "cgrad", "latex")
# --syntax of the running command (cli/options.py sets it around the command): every reader of a
# program asks parse(), which reads it here, so no command passes it along
chosen_syntax: ContextVar[str] = ContextVar("syntax", default="auto")


def parse(source: str, syntax: str | None = None) -> Program:
    """Parse a program into a Program: cgrad's language (statements separated by ';' or new lines),
    or LaTeX math when wrapped in $…$ or $$…$$ or when `syntax` (else --syntax) says "latex"."""
    syntax = syntax or chosen_syntax.get()
    if syntax == "latex" or (syntax == "auto" and _wrapped_in_dollars(source)):
        from .latex import parse as parse_latex  # its tables load only for LaTeX input

        return parse_latex(language_form(source))
    return _parse_cgrad(source)


def one_line(source: str, syntax: str | None = None) -> str:
    """The program on one line, as headings and comments show it: a line end that ends a statement (as
    the program's lexer reads it) becomes "; ", one inside brackets or after an operator a space, and
    comments go (joined with spaces, `R = V/I` and `Z = V*I` read `R = V/I Z = V*I`)."""
    if "\n" not in source:
        return " ".join(source.split())
    syntax = syntax or chosen_syntax.get()
    latex = syntax == "latex" or (syntax == "auto" and _wrapped_in_dollars(source))
    try:
        if latex:
            from .latex import _lexer as latex_lexer, unwrapped

            tokens = latex_lexer(lalr.tables("latex")).lex(unwrapped(source), source)
        else:
            tokens = _lexer(lalr.tables()).lex(source)
        ends = [start for kind, start, _ in tokens if kind == "_SEP" and source[start] == "\n"]
    except InputError:  # a program that does not lex is shown as written, its lines joined
        return " ".join(source.split())
    statements = []
    for start, end in zip([0] + [i + 1 for i in ends], ends + [len(source)]):
        piece = source[start:end]
        if not latex:  # cgrad's comments and line continuations (LaTeX has neither)
            piece = re.sub(r"#[^\n]*", "", piece).replace("\\\n", " ")
        piece = " ".join(piece.split())
        piece = piece[:-2].rstrip() if latex and piece.endswith("\\\\") else piece.rstrip(";").rstrip()
        if piece:
            statements.append(piece)
    return "; ".join(statements)


def _wrapped_in_dollars(source: str) -> bool:
    stripped = source.strip()
    return len(stripped) >= 2 and stripped[0] == "$" and stripped[-1] == "$"


def _parse_cgrad(source: str) -> Program:
    source = language_form(source)
    return build(lalr.tables(), GraphBuilder(source), lambda: tokens(source), source)


def _heads(tokens: Iterator[Token]) -> Iterator[Token]:
    """The tokens, with NAME made DEFNAME where a statement begins `NAME ( [NAME {, NAME}] ) =`: the
    head of a definition, whose parameters the grammar then reads as names, not expressions."""
    tokens, at_start = iter(tokens), True
    for token in tokens:
        if not (at_start and token[0] == "NAME"):
            at_start = token[0] == "_SEP"
            yield token
            continue
        held = [token]
        for token in tokens:
            held.append(token)
            if token[0] not in ("NAME", "COMMA") and not (len(held) == 2 and token[0] == "LPAR"):
                break
        if held[-1][0] == "RPAR":
            following = next(tokens, None)
            if following is not None:
                held.append(following)
        if re.fullmatch(_HEAD, " ".join(kind for kind, _, _ in held)):
            held[0] = ("DEFNAME", *held[0][1:])
        at_start = held[-1][0] == "_SEP"
        yield from held


_HEAD_HINT = r"\)[ \t]*="  # a definition's head ends so: a program without it needs no look for heads


def tokens(source: str) -> Iterator[Token]:
    """The tokens of a cgrad program, definitions' heads marked."""
    lexed = _lexer(lalr.tables()).lex(source)
    return _heads(lexed) if ")" in source and re.search(_HEAD_HINT, source) else lexed


_LEXERS: dict[tuple, _Lexer] = {}  # the terminals → their lexer: compiled once per process, not per parse


def _lexer(tables: lalr.Tables) -> _Lexer:
    key = (tables.pattern, tables.ignore)
    if key not in _LEXERS:
        _LEXERS[key] = _Lexer(tables)
    return _LEXERS[key]
