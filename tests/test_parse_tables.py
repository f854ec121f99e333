"""The parser is Lark's LALR(1) tables for cgcli/language/cgrad.lark replayed by cgcli/language/lalr.py: the generated
tables are the grammar's, the replay builds the same graphs and reports the same errors as Lark's own
parser, an edited grammar is never read with stale tables, and a run does not import lark."""
from __future__ import annotations

import functools
import re
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
    "f(x) = x^2 + 1; y = f(a) * f(b)", "sq(t) = t^2\nh(u, v) = sq(u) + 3*v", "g() = 2; g()",
    "if(x > 0 and not y <= 1 or x == y, x^2, -x)", "sum(i = 1..3, x_i*w_i)", "f(x) = sum(k = 0..2, x^k); f(2)",
]
# wrong programs: syntax errors the tables find, and refusals of the builder's callbacks
INVALID = [
    "a +", "3*(a+b", "a b", ")", "x = ", "= 3", "a ** * b", "f(,)", "X[]", "X[1, 2, 3]", "sin x", "sin(1, 2)",
    "foo(x)", "x = 1; x = 2", "y = x; x = 1", "sin = 3", "a; ; b ,", "max(a b)", "[1]", "x.T.T.", "3 = x",
    "f(x) = f(x)", "f(x) = x; f(1, 2)", "f(x, x) = x", "sin(x) = x", "x > 0", "if(x, 1, 2)", "sin(x > 0)",
    "sum(i = 1..n, x_i)", "f(x) = x; f(x) = 2x", "(x > 0) + 1", "not x",
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
        for token in syntax.tokens(lexer_state.text.text):
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
        return lalr.run(tables, lalr.reductions(tables.rules, builder), syntax.tokens(source))
    except lalr.UnexpectedToken as unexpected:
        return ("syntax", unexpected.token[0], _place(*unexpected.token[:2]), unexpected.expected)
    except InputError as error:
        return ("refused", str(error))


def _place(kind: str, start: int) -> int | None:
    """Where an unexpected token starts; the end of the input has no place of its own (Lark lends it
    the last token's, cgcli the text's end), and the error message places it after the last token."""
    return None if kind == "$END" else start


def _nodes(program) -> list[tuple]:
    return [(n.op, n.inputs, n.start, n.end, n.name, n.literal, n.call) for n in program.nodes]


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
    monkeypatch.setattr(lalr, "read_grammar", lambda name: edited if name == "cgrad" else lalr_build.read_grammar(name))
    monkeypatch.setattr(lalr, "_TABLES", {})
    program = syntax.parse("a % b")
    assert [n.op for n in program.nodes] == ["var", "var", "mul"]
    monkeypatch.undo()  # the real grammar's tables again
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


# ---- the differential test on the fuzz generator's programs (tests/test_fuzz.py) ----

from hypothesis import given, strategies as st  # noqa: E402

from hypothesis import settings  # noqa: E402

from test_fuzz import EXAMPLES, FUZZ, latex_programs, mangled, programs  # noqa: E402

DIFFERENTIAL = settings(FUZZ, max_examples=max(1, EXAMPLES // 2))  # the parse alone: half the fuzz's examples suffice


@DIFFERENTIAL
@given(source=st.one_of(programs(), mangled()))
def test_the_replay_agrees_with_larks_parser_on_generated_programs(source):
    ours, theirs = _with_replay(source), _with_lark_runtime(source)
    if isinstance(ours, tuple) or isinstance(theirs, tuple):
        assert ours == theirs, source  # the same error, at the same token
    else:
        assert (_nodes(ours), ours.assigned, ours.variables, ours.last) == \
            (_nodes(theirs), theirs.assigned, theirs.variables, theirs.last), source


class _LatexTokens(_Tokens):
    def lex(self, lexer_state, parser_state):
        from cgcli.language import latex

        for token in latex._lexer(lalr.tables("latex")).lex(latex.unwrapped(lexer_state.text.text)):
            if token[0] != "$END":
                yield _LarkToken(token)


@functools.cache
def _lark_latex_parser():
    from cgcli.language import latex

    builder = latex.LatexBuilder()
    return lark.Lark(lalr_build.read_grammar("latex"), parser="lalr", lexer=_LatexTokens, start="program",
                     transformer=builder, maybe_placeholders=True), builder


def _latex_outcomes(source: str):
    from cgcli.language import latex

    outcomes = []
    parser, builder = _lark_latex_parser()
    for run in ("lark", "replay"):
        try:
            if run == "lark":
                builder.start(source)
                outcomes.append(parser.parse(source))
            else:
                tables, replaying = lalr.tables("latex"), latex.LatexBuilder(source)
                tokens = latex._lexer(tables).lex(latex.unwrapped(source))
                outcomes.append(lalr.run(tables, lalr.reductions(tables.rules, replaying), tokens))
        except lark.UnexpectedToken as error:
            outcomes.append(("syntax", error.token.type, _place(error.token.type, error.token.start_pos)))
        except lalr.UnexpectedToken as error:
            outcomes.append(("syntax", error.token[0], _place(*error.token[:2])))
        except InputError as error:
            outcomes.append(("refused", str(error)))
    return outcomes


@DIFFERENTIAL
@given(source=latex_programs())
def test_the_latex_replay_agrees_with_larks_parser_on_generated_programs(source):
    theirs, ours = _latex_outcomes(source)
    if isinstance(ours, tuple) or isinstance(theirs, tuple):
        assert ours == theirs, source
    else:
        assert (_nodes(ours), ours.assigned, ours.variables, ours.last) == \
            (_nodes(theirs), theirs.assigned, theirs.variables, theirs.last), source


def test_lark_is_pinned_to_the_major_version_the_tables_were_made_with():
    from cgcli.language import _latex_table

    with open(f"{REPO}/pyproject.toml", encoding="utf-8") as file:
        assert '"lark>=1.1.9,<2"' in file.read()
    for made in (parse_table, _latex_table):
        assert made.LARK.split(".")[0] == "1"
    lalr_build.check_lark_version("1.3.1", "1.2.2")  # another minor version regenerates
    with pytest.raises(SystemExit, match="lark 2.0.0 is installed"):
        lalr_build.check_lark_version("1.3.1", "2.0.0")


# ---- the lexer's regex tries terminals in another order than Lark's, and matches the same ----

def _matches(pattern: str, text: str) -> list[tuple]:
    return [(found.lastgroup, found.span()) for found in re.finditer(pattern, text)]


@functools.cache
def _in_larks_order(name: str) -> str:
    """The lexer's regex with the terminals in Lark's own order."""
    parser = lark.Lark(lalr_build.read_grammar(name), parser="lalr", lexer="basic", start="program",
                       maybe_placeholders=True)
    return lalr_build._union(lalr_build.lark_order(parser.lexer_conf.terminals))


def test_the_lexers_regex_moves_only_terminals_that_cannot_meet():
    assert lalr.tables().pattern != _in_larks_order("cgrad")  # names, numbers and operators go first
    for clash in ("and1", "and", "1..2", "1.5", ".5", "x.T", "a.T1", "**", "*", "<=", "<", "==", "=", "x\\\n1"):
        assert _matches(lalr.tables().pattern, clash) == _matches(_in_larks_order("cgrad"), clash), clash


# every terminal's first characters, mixed: where two terminals could meet, the order decides
_CLASHING = "andortx_1 0.5eE+-−*·×^/÷<>=!≤≥≠#;\n\\@,()[]{}T&|~frac\u00b2θ"


@DIFFERENTIAL
@given(text=st.one_of(programs(), mangled(), latex_programs(), st.text(alphabet=_CLASHING, max_size=40)))
def test_the_lexers_regex_matches_what_larks_order_matches(text):
    for name in ("cgrad", "latex"):
        assert _matches(lalr.tables(name).pattern, text) == _matches(_in_larks_order(name), text), (name, text)
