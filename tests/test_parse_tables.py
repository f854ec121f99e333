"""The parser is Lark's LALR(1) tables for cgcli/language/cgrad.lark replayed by cgcli/language/lalr.py: the generated
tables are the grammar's, the replay builds the same graphs and reports the same errors as Lark's own
parser, an edited grammar is never read with stale tables, and a run does not import lark."""
from __future__ import annotations

import functools
import subprocess
import sys

import lark
import pytest

from cgcli.language import lalr, lalr_build, _parse_table as parse_table, syntax
from cgcli.errors import InputError
from conftest import REPO

# valid programs: every rule of the grammar, placeholders, spliced lists, continued lines
VALID = [
    "3*(a+b*c)", "p = x + y; g = p*z", "-x^2", "--x", "+-3", "-3", "2x", "3(a+b*c)", "2sin(x)^2", "x^y^z",
    "a - b - c", "a / b / c * d", "X @ W + b", "A.T @ B", "X[0]", "X[1, 2].T", "M[i, j]^2", "sqrt(x)", "max(a, b)",
    "log(x, 2)", "atan2(y, x)", "u = b*c\nv = a + u\nJ = 3v", "x = 1;; y = x + 1;", "(a +\n b)", "a *\n b",
    "x # note\n+ 1", "pi*r^2", "e^x", "1e-3*x + .5", "x \\\n + y", "2x^3", "a·b × c ÷ d − e", "x**2",
    "relu(w*x + b)", "sum(relu(X @ W + b))", "((((x))))", "exp(-(x - m)^2/(2s^2))",
]
# wrong programs: syntax errors the tables find, and refusals of the builder's callbacks
INVALID = [
    "a +", "3*(a+b", "a b", ")", "x = ", "= 3", "a ** * b", "f(,)", "X[]", "X[1, 2, 3]", "sin x", "sin(1, 2)",
    "foo(x)", "x = 1; x = 2", "y = x; x = 1", "sin = 3", "a; ; b ,", "max(a b)", "[1]", "x.T.T.", "3 = x",
]


class _LarkToken(tuple):
    """A cgcli token (kind, start, end), as it is, with the attributes Lark's parser reads of a token."""

    type = property(lambda token: token[0])
    start_pos = property(lambda token: token[1])
    end_pos = property(lambda token: token[2])
    line = column = end_line = end_column = None


class _Tokens(lark.lexer.Lexer):
    """cgcli's tokens fed to Lark's own LALR parser (without the "$END" that Lark adds itself)."""

    __future_interface__ = 1

    def __init__(self, lexer_conf) -> None:
        pass

    def lex(self, lexer_state, parser_state):
        for token in syntax._lexer(lalr.tables()).lex(lexer_state.text.text):
            if token[0] != "$END":
                yield _LarkToken(token)


@functools.cache
def _lark_parser() -> tuple[lark.Lark, syntax.GraphBuilder]:
    builder = syntax.GraphBuilder()
    return lark.Lark(lalr_build.read_grammar(), parser="lalr", lexer=_Tokens, start="program",
                     transformer=builder, maybe_placeholders=True), builder


def _with_lark_runtime(source: str):
    """The Program Lark's own LALR parser builds with cgcli's builder, or the error it raises."""
    parser, builder = _lark_parser()
    builder.start(source)
    try:
        return parser.parse(source)
    except lark.UnexpectedToken as error:
        return ("syntax", error.token.type, _place(error.token.type, error.token.start_pos), set(error.expected))
    except InputError as error:  # the lexer's, or a callback's
        return ("refused", str(error))


def _with_replay(source: str):
    """The Program cgcli/language/lalr.py's replay of the tables builds, or the error it raises."""
    tables, builder = lalr.tables(), syntax.GraphBuilder(source)
    try:
        return lalr.run(tables, lalr.reductions(tables.rules, builder), syntax._lexer(tables).lex(source))
    except lalr.UnexpectedToken as unexpected:
        return ("syntax", unexpected.token[0], _place(*unexpected.token[:2]), unexpected.expected)
    except InputError as error:
        return ("refused", str(error))


def _place(kind: str, start: int) -> int | None:
    """Where an unexpected token starts; the end of the input has no place of its own (Lark lends it
    the last token's, cgcli the text's end), and the error message places it after the last token."""
    return None if kind == "$END" else start


def _nodes(program) -> list[tuple]:
    return [(n.op, n.inputs, n.start, n.end, n.name, n.literal) for n in program.nodes]


def test_the_generated_tables_are_the_grammars():
    grammar = lalr_build.read_grammar()
    assert parse_table.GRAMMAR == grammar and parse_table.FORMAT == lalr_build.FORMAT, \
        "cgcli/language/cgrad.lark changed: run `python -m cgcli.language.lalr_build` to regenerate cgcli/language/_parse_table.py"
    built = lalr_build.build(grammar)
    for key in ("pattern", "ignore", "start", "end", "states", "rules"):
        assert getattr(parse_table, key.upper()) == built[key], key


@pytest.mark.parametrize("source", VALID)
def test_the_replay_builds_the_graph_larks_parser_builds(source):
    ours, theirs = _with_replay(source), _with_lark_runtime(source)
    assert not isinstance(theirs, tuple), theirs
    assert (_nodes(ours), ours.assigned, ours.variables, ours.last) == \
        (_nodes(theirs), theirs.assigned, theirs.variables, theirs.last)


@pytest.mark.parametrize("source", INVALID)
def test_the_replay_fails_where_and_as_larks_parser_fails(source):
    ours, theirs = _with_replay(source), _with_lark_runtime(source)
    assert isinstance(ours, tuple) and ours == theirs


def test_an_edited_grammar_is_parsed_with_its_own_tables(monkeypatch):
    # '%' made a second way to write '*': the committed tables do not know it, the edited grammar's do
    edited = lalr_build.read_grammar().replace('STAR: "*" | "·" | "×"', 'STAR: "*" | "·" | "×" | "%"')
    assert edited != lalr_build.read_grammar()
    with pytest.raises(InputError, match="unexpected character '%'"):
        syntax.parse("a % b")
    monkeypatch.setattr(lalr, "read_grammar", lambda: edited)
    monkeypatch.setattr(lalr, "_TABLES", None)
    program = syntax.parse("a % b")
    assert [n.op for n in program.nodes] == ["var", "var", "mul"]
    monkeypatch.undo()
    lalr._TABLES = None  # the tables of the real grammar again
    with pytest.raises(InputError, match="unexpected character '%'"):
        syntax.parse("a % b")


def test_a_run_does_not_import_lark():
    script = ("import sys; from cgcli.cli.main import main; sys.argv = ['cgrad', 'eval', '3*(a+b*c)', '--at', "
              "'a=1,b=2,c=3', '--format', 'json']\n"
              "try: main()\nexcept SystemExit as leave: assert leave.code == 0\n"
              "print('lark' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "False"
