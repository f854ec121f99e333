"""The parser's fast paths change nothing a user sees: the lexer finds an unexpected character where
matching stops (at the start, between tokens, after spaces, at the end), checks numbers glued to e,
non-ASCII names and newlines only when the text can hold them but then always, and the parse pauses
the cyclic collector only while it runs. Values are checked against formulas computed here."""
from __future__ import annotations

import gc
import json
import math
import re

import pytest

from cgcli.language import syntax
from cgcli.errors import InputError
from conftest import run_cgrad_inprocess


def _eval_json(expression: str, at: str) -> dict:
    code, out, err = run_cgrad_inprocess("eval", expression, "--at", at, "--format", "json", "--no-trace")
    assert code == 0, err
    return json.loads(out)


@pytest.mark.parametrize("source, offset", [
    ("$a", 0), ("a+$", 2), ("a   ! b", 4), ("(x * y)?", 7), ("x\n+ ¤", 4), ("x # note\n&", 9), ("a.b", 1),
])
def test_an_unexpected_character_is_reported_where_matching_stops(source, offset):
    code, out, err = run_cgrad_inprocess("eval", source, "--at", "a=1,b=2,x=1,y=2")
    lines = err.splitlines()
    assert code == 2 and out == ""
    assert lines[0].startswith(f"error: syntax error: unexpected character {source[offset]!r}")
    with pytest.raises(InputError) as raised:
        syntax.parse(source)
    assert raised.value.offset == offset


def test_a_syntax_error_before_an_unexpected_character_is_the_one_reported():
    # the lexer is lazy: the parser meets ') ' at offset 2 before the lexer reaches '$' at offset 4
    with pytest.raises(InputError, match=r"unexpected '\)'") as raised:
        syntax.parse("a )  $")
    assert raised.value.offset == 2


def test_numbers_glued_to_e_are_checked_whenever_the_text_has_an_e():
    code, _, err = run_cgrad_inprocess("eval", "1 + 3e-x", "--at", "x=1")
    assert code == 2 and "looks like a number in scientific notation" in err
    code, _, err = run_cgrad_inprocess("eval", "2E5E", "--at", "E=1")
    assert code == 2 and "one exponent at most" in err
    # 2e is an implicit product 2·e; 1e2 a literal
    assert _eval_json("2e + 1e2*x", "x=3")["value"] == pytest.approx(2 * math.e + 300, rel=1e-15)


def test_names_are_checked_only_when_the_text_is_not_ascii_but_then_always():
    code, _, err = run_cgrad_inprocess("eval", "a·b + x²", "--at", "a=1,b=2,x=3")
    assert code == 2 and "superscript" in err.splitlines()[0]
    # non-ASCII operators and names in an otherwise fine text: a·b − c ÷ d with the Greek α
    assert _eval_json("α·b − c ÷ d", "α=3,b=2,c=5,d=4")["value"] == pytest.approx(3 * 2 - 5 / 4)


@pytest.mark.parametrize("source, value", [
    ("max(a,\n b) * 2", 4.0),  # inside brackets a newline continues the statement
    ("a *\n b", 2.0),  # after an operator too
    ("c = 3*a\nb * c", 6.0),  # elsewhere it ends one
    ("a\n+ b", 2.0),  # two statements: a, then +b
    ("atan2(a,\n\n b)", math.atan2(1, 2)),
])
def test_newlines_continue_or_end_statements(source, value):
    assert _eval_json(source, "a=1,b=2")["value"] == pytest.approx(value)


def test_a_newline_after_an_operand_outside_brackets_ends_the_statement():
    with pytest.raises(InputError, match=r"unexpected '\)'") as raised:
        syntax.parse("a + (b)\n)")
    assert raised.value.offset == 8
    program = syntax.parse("a + (b\n)\nc")
    assert [node.op for node in program.nodes] == ["var", "var", "add", "var"]


@pytest.mark.parametrize("collecting", [True, False])
@pytest.mark.parametrize("source", ["x*y + 1", "x +", "x $"])
def test_the_collector_is_left_as_it_was(collecting, source):
    was = gc.isenabled()
    (gc.enable if collecting else gc.disable)()
    try:
        try:
            syntax.parse(source)
        except InputError:
            pass
        assert gc.isenabled() is collecting
    finally:
        (gc.enable if was else gc.disable)()


def test_the_rosenbrock_sum_has_the_value_and_gradient_of_its_formula():
    n = 40
    x = {i: 0.5 + 0.001 * i for i in range(1, n + 1)}
    source = " + ".join(f"100*(x{i + 1} - x{i}^2)^2 + (1 - x{i})^2" for i in range(1, n))
    result = _eval_json(source, ",".join(f"x{i}={x[i]!r}" for i in x))
    value = sum(100 * (x[i + 1] - x[i] ** 2) ** 2 + (1 - x[i]) ** 2 for i in range(1, n))
    gradient = {i: 0.0 for i in x}
    for i in range(1, n):  # ∂/∂x_i and ∂/∂x_{i+1} of the i-th term, by hand
        gradient[i] += -400 * x[i] * (x[i + 1] - x[i] ** 2) - 2 * (1 - x[i])
        gradient[i + 1] += 200 * (x[i + 1] - x[i] ** 2)
    assert result["value"] == pytest.approx(value, rel=1e-13)
    assert result["gradient"] == pytest.approx({f"x{i}": g for i, g in gradient.items()}, rel=1e-12, abs=1e-12)
    program = syntax.parse(source)
    # the variables; per term 5 constants and 7 operations; the n - 2 additions joining the terms
    assert len(program.nodes) == n + 12 * (n - 1) + (n - 2)


# ---- the lexer against a plain one: Lark's basic lexer (every match of the grammar's regex in turn,
# no gap), cgrad's continuation rule (a newline inside brackets or after an operator goes on), and
# its checks of numbers glued to e and of non-ASCII names, each applied to every token ----

def _plain_tokens(text: str) -> list[tuple]:
    from cgcli.language import lalr
    from cgcli.language.builder import _unexpected_character
    from cgcli.language.misreadings import check_glued_e, check_name

    tables, tokens, position, depth, previous = lalr.tables(), [], 0, 0, None
    for found in re.finditer(tables.pattern, text):
        if found.start() != position:
            raise _unexpected_character(text, position)
        kind, (start, position) = found.lastgroup, found.span()
        if kind in tables.ignore:
            continue
        if kind == "NUMBER" and text[position:position + 1] in ("e", "E"):
            check_glued_e(text, start, position)
        if kind == "NAME" and not text[start:position].isascii():
            check_name(text, start, position)
        if kind == "_SEP" and text[start] == "\n" and (depth > 0 or previous in syntax._Lexer._continuing):
            continue
        depth += syntax._Lexer._depth.get(kind, 0)
        previous = kind
        tokens.append((kind, start, position))
    if position < len(text):
        raise _unexpected_character(text, position)
    return tokens + [("$END", len(text), len(text))]


def _outcome(lex, text: str):
    try:
        return list(lex(text))
    except InputError as error:
        return ("refused", str(error), error.offset)


@pytest.mark.parametrize("text", [
    "a + b\n", "a +\n", "(a +\n", "(a\n", "f(x,\n", "[1, 2\n\n", "a\n\n", "a \n \n", "x # (\n", "x\\\n",
    "a\nb\n", "(a\n)\n", "a +\t\n", "1e3\n", "2e\n", "x²\n", "3 $\n", "\n", "a +\n\n", "a)\n",
])
def test_the_lexer_gives_the_plain_lexers_tokens(text):
    lexer = syntax._lexer(syntax.lalr.tables())
    assert _outcome(lexer.lex, text) == _outcome(_plain_tokens, text)
    assert _outcome(lexer.lex, text.rstrip("\n")) == _outcome(_plain_tokens, text.rstrip("\n"))


from hypothesis import given, strategies as st  # noqa: E402

from test_fuzz import FUZZ, mangled, programs  # noqa: E402


@FUZZ
@given(source=st.one_of(programs(), mangled()), ending=st.sampled_from(["", "\n", " \n", "\n\n", "(\n", "+\n", "#)\n"]))
def test_the_lexer_gives_the_plain_lexers_tokens_on_generated_programs(source, ending):
    lexer = syntax._lexer(syntax.lalr.tables())
    assert _outcome(lexer.lex, source + ending) == _outcome(_plain_tokens, source + ending)
