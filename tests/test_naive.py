"""`cgrad eval --naive`: the backward pass that assigns (grad = …) where it should add (grad += …).

The right values come from finite differences or by hand; the naive values by running the
mistake in one's head, as each comment shows: nodes in reverse topological order, each node's
operands in order, and each node keeps only the last contribution it receives.
"""
from __future__ import annotations

import json
import math

import mpmath
import pytest

from conftest import central_difference, run_cgrad_inprocess


def naive_json(*args: str) -> dict:
    code, out, err = run_cgrad_inprocess("eval", *args, "--naive", "--no-trace", "--format", "json")
    assert code == 0, err
    return json.loads(out)


def test_the_issue_example_four_against_one():
    # c = b + b gives b 1 (the second use overwrites the first 1), b = a + a gives a 1, x gets 1
    result = naive_json("a = x; b = a + a; c = b + b", "--at", "x=1")
    assert result["gradient"] == {"x": 4} and result["naive_gradient"] == {"x": 1}
    assert result["naive_agrees"] is False and result["fan_out"] == {"a": 2, "b": 2}


def test_the_table_marks_the_wrong_number_and_names_the_fan_out():
    code, out, err = run_cgrad_inprocess("eval", "a = x; b = a + a; c = b + b", "--at", "x=1", "--naive")
    assert code == 0 and err == ""
    row = next(line for line in out.splitlines() if line.split()[:1] == ["x"] and "✗" in line)
    assert row.split() == ["x", "1", "4", "✗", "1"]
    assert "✗ The naive pass is wrong: a and b feed 2 uses each" in out
    assert "chain rule sums the contributions of every path" in out


@pytest.mark.parametrize("source, at, naive", [
    # f = x·x: operand 0 gets x (3), then operand 1 gets x (3) again: 3 is kept
    ("x*x", {"x": 3.0}, {"x": 3.0}),
    # f = sin(x)·x: f gives x sin(x); then t1 = sin(x) gives x the last word: t1's adjoint x times cos(x)
    ("sin(x)*x", {"x": 0.7}, {"x": 0.7 * math.cos(0.7)}),
    # v = u + t1, t1 = u·x: v gives u 1, t1 gives u x (2, kept) and x u (6); u = x·y then gives x 2·y = 6, y 2·x = 4
    ("u = x*y; v = u + u*x", {"x": 2.0, "y": 3.0}, {"x": 6.0, "y": 4.0}),
    # x^x: the exponent's contribution x^x·ln x comes after the base's x·x^(x-1) and wins
    ("x^x", {"x": 2.0}, {"x": 4 * math.log(2)}),
])
def test_fan_out_shapes_give_the_last_contribution_and_are_marked_wrong(source, at, naive):
    result = naive_json(source, "--at", ",".join(f"{name}={value!r}" for name, value in at.items()))
    python = source.replace("^", "**").replace("sin", "math.sin")

    def f(point: dict) -> float:
        scope = {"math": math, **point}
        for statement in python.split(";"):
            name, _, expression = statement.rpartition("=")
            scope[name.strip() or "_"] = eval(expression, scope)
        return scope[name.strip() or "_"]

    for name in at:
        assert math.isclose(result["gradient"][name], central_difference(f, at, name), rel_tol=1e-6)
        assert math.isclose(result["naive_gradient"][name], naive[name], rel_tol=1e-12)
    assert result["naive_agrees"] is False


@pytest.mark.parametrize("source, at", [
    ("3*(a+b*c)", "a=1,b=2,c=3"),
    ("u = w*x; relu(u + b)", "w=2,x=1.5,b=-1"),
    ("exp(sin(x)) / y", "x=0.3,y=2"),
])
def test_a_tree_agrees_and_says_why(source, at):
    result = naive_json(source, "--at", at)
    assert result["naive_gradient"] == result["gradient"]
    assert result["naive_agrees"] is True and result["fan_out"] == {}
    code, out, _ = run_cgrad_inprocess("eval", source, "--at", at, "--naive", "--no-trace")
    assert "The naive pass agrees: no node has more than one use" in out and "✗" not in out


def test_fan_out_that_happens_to_agree_says_so():
    # x·x at 0: both contributions are 0, so keeping one of them is right by chance
    code, out, _ = run_cgrad_inprocess("eval", "x*x", "--at", "x=0", "--naive", "--no-trace")
    assert code == 0 and "agrees here by chance: x feeds 2 uses" in out and "✗" not in out


def test_wrt_an_intermediate_and_only_the_wrong_entries_marked():
    # ∂v/∂u = 1 + x = 3; naively t1 = u·x overwrites v's 1 with x = 2.  ∂v/∂y = x(1 + x) = 6, naive 4 (above)
    result = naive_json("u = x*y; v = u + u*x", "--at", "x=2,y=3", "--wrt", "u,y")
    assert result["gradient"] == {"u": 3, "y": 6} and result["naive_gradient"] == {"u": 2, "y": 4}
    # f = t1 + b, t1 = x·b: f gives b 1, then t1 gives it x = 5, which is kept; right: x + 1 = 6
    code, out, _ = run_cgrad_inprocess("eval", "x*b + b", "--at", "x=5,b=2", "--naive", "--no-trace")
    rows = {line.split()[0]: line.split()[1:] for line in out.splitlines() if line.split()[:1] in (["x"], ["b"])}
    assert rows["x"] == ["5", "2", "2"]  # ∂/∂x = b, x used once: the same, unmarked
    assert rows["b"] == ["2", "6", "✗", "5"]


def test_tensors_used_twice():
    # sum(X*X): the product's second operand gets upstream·X last, so X instead of 2X
    result = naive_json("sum(X*X)", "--at", "X=[1,2,3]")
    assert result["gradient"] == {"X": [2, 4, 6]} and result["naive_gradient"] == {"X": [1, 2, 3]}
    # sum(X*b + b), b broadcast twice: the repeat of the first use comes later in reverse order and
    # gives b sum(X) = 3, overwriting the second use's 2; right: sum(X) + 2 = 5. X (used once) agrees.
    result = naive_json("sum(X*b + b)", "--at", "X=[1,2],b=3")
    assert result["gradient"] == {"X": [3, 3], "b": 5} and result["naive_gradient"] == {"X": [3, 3], "b": 3}


def test_every_number_system():
    assert naive_json("u = x*y; v = u + u*x", "--at", "x=1/3,y=3/7", "--exact")["naive_gradient"] == {
        "x": "1/7", "y": "1/9"}  # x·y and x·x, as in the float case above
    with mpmath.workdps(40):
        x = mpmath.mpf("0.7")
        naive, right = mpmath.nstr(x * mpmath.cos(x), 30), mpmath.nstr(mpmath.sin(x) + x * mpmath.cos(x), 30)
    digits = naive_json("sin(x)*x", "--at", "x=0.7", "--digits", "30")
    assert digits["naive_gradient"]["x"] == naive and digits["gradient"]["x"] == right
    low, high = naive_json("sin(x)*x", "--at", "x=0.7", "--interval")["naive_gradient"]["x"]
    assert float(low) <= 0.7 * math.cos(0.7) <= float(high) and float(high) - float(low) < 1e-12


def test_markdown_and_latex_carry_it():
    source = "a = x; b = a + a; c = b + b"
    code, markdown, _ = run_cgrad_inprocess("eval", source, "--at", "x=1", "--naive", "--format", "markdown")
    assert code == 0 and "| x | 1 | 4 | ✗ 1 |" in markdown
    assert "\n**The classic mistake: grad = where grad += belongs.** ✗ The naive pass is wrong: a and b feed 2 uses each;" \
        in markdown
    code, latex, _ = run_cgrad_inprocess("eval", source, "--at", "x=1", "--naive", "--format", "latex")
    assert code == 0 and r"\frac{\partial c}{\partial x}\Big|_{\text{naive}} &= 1 \neq 4" in latex
    assert "$a$ and $b$ feed 2 uses each" in latex


@pytest.mark.parametrize("extra, says", [
    (["--mode", "forward"], "not with --mode forward"),
    (["--mode", "both"], "not with --mode both"),
    (["--blank", "grads"], "not with the worksheets"),
    (["--answers"], "not with the worksheets"),
])
def test_combinations_that_make_no_sense_are_refused(extra, says):
    code, out, err = run_cgrad_inprocess("eval", "x*x", "--at", "x=1", "--naive", *extra)
    assert code == 2 and out == "" and err.count("\n") == 1 and err.startswith("error: --naive") and says in err


def test_each_is_refused():
    code, _, err = run_cgrad_inprocess("eval", "-", "--each", "--at", "x=1", "--naive", input="x*x\n")
    assert code == 2 and err.startswith("error: --naive") and "--each" in err
