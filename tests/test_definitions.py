"""Functions defined in the program, piecewise definitions and sums, in cgrad's syntax: values and
gradients by hand, the call boundary in the trace, the function-level diagram, and the mistakes."""
from __future__ import annotations

import json
import math

import pytest

from conftest import api, run_cgrad_inprocess


def _json(*args: str) -> dict:
    code, out, err = run_cgrad_inprocess(*args, "--format", "json")
    assert code == 0, err
    return json.loads(out)


def test_a_function_is_inlined_at_each_call():
    # y = f(a)·f(b) with f(x) = x² + 1 at a=1, b=2: (1+1)(4+1) = 10; dy/da = 2a·f(b) = 10, dy/db = 2b·f(a) = 8
    document = _json("eval", "f(x) = x^2 + 1; y = f(a) * f(b)", "--at", "a=1,b=2")
    assert (document["value"], document["gradient"]) == (10, {"a": 10, "b": 8})
    calls = [row.get("call") for row in document["forward"]]
    assert calls == [None, "f(a)", "f(a)", None, "f(b)", "f(b)", None]  # a, its call's rows, b, …, y


def test_a_function_calls_another_and_a_definition_is_its_value_at_its_own_arguments():
    # h(u, v) = sq(u) + 3v at u=2, v=1: 4 + 3 = 7; dh/du = 2u = 4, dh/dv = 3
    trace = api("sq(t) = t^2\nh(u, v) = sq(u) + 3*v", u=2, v=1)
    assert (trace.output, trace.value, trace.gradient) == ("h", 7, {"u": 4, "v": 3})


def test_the_trace_table_groups_a_calls_rows_under_the_call():
    code, out, _ = run_cgrad_inprocess("eval", "f(x) = x^2 + 1; y = f(a) * f(b)", "--at", "a=1,b=2")
    lines = [line.strip() for line in out.splitlines()]
    start = lines.index("f(a)")
    assert code == 0 and lines[start + 1].startswith("t1") and lines[start + 2].startswith("t2")
    assert "f(b)" in lines


@pytest.mark.parametrize("source, message", [
    ("f(x) = f(x) + 1", "'f' calls itself"),
    ("f(x) = x; y = f(1, 2)", "f() takes 1 argument (x), got 2"),
    ("f(x, y) = x*y; f(1)", "f() takes 2 arguments (x, y), got 1"),
    ("f(x, x) = x", "parameter 'x' appears twice"),
    ("sin(x) = x", "'sin' is a built-in function"),
    ("f(x) = x; f(x) = 2x", "function 'f' is defined twice"),
    ("y = g(2); g(x) = x", "unknown function 'g'"),
])
def test_recursion_and_arity_mistakes_exit_2(source, message):
    code, _, err = run_cgrad_inprocess("eval", source, "--at", "x=1")
    assert code == 2 and message in err, err


@pytest.mark.parametrize("x, value, derivative", [
    (-2, 2, -1),     # -x on the left
    (3, 9, 6),       # x² on the right
    (0, 0, -1),      # on the boundary the condition x > 0 is false: the branch -x
])
def test_piecewise_takes_the_branch_and_its_derivative(x, value, derivative):
    document = _json("eval", "if(x > 0, x^2, -x)", "--at", f"x={x}", "--no-trace")
    assert (document["value"], document["gradient"]["x"]) == (value, derivative)


@pytest.mark.parametrize("condition, x, y, taken", [
    ("x < y", 1, 2, True), ("x <= y", 2, 2, True), ("x >= y", 1, 2, False), ("x == y", 2, 2, True),
    ("x != y", 2, 2, False), ("x > 0 and y > 0", 1, -1, False), ("x > 0 or y > 0", 1, -1, True),
    ("not x > 0", 1, 0, False), ("x ≥ y", 3, 2, True),
])
def test_comparisons_and_connectives(condition, x, y, taken):
    assert api(f"if({condition}, 1, 0)", x=x, y=y).value == (1 if taken else 0)


def test_a_point_on_a_boundary_is_a_kink_under_check():
    code, out, _ = run_cgrad_inprocess("check", "if(x > 0, x^2, -x)", "--at", "x=0")
    assert code == 0 and "kink" in out and "one-sided differences -1 (left), 0 (right)" in out


def test_an_interval_across_the_boundary_encloses_both_branches():
    document = _json("eval", "if(x > 0, x^2, -x)", "--at", "x=-0.5..0.5", "--interval", "--no-trace")
    low, high = (float(end) for end in document["value"])
    assert low <= 0 and high >= 0.5  # the function's range over the interval is [0, 0.5]
    low, high = (float(end) for end in document["gradient"]["x"])
    assert low <= -1 and high >= 1  # slopes -1 and up to 2·0.5 = 1


@pytest.mark.parametrize("where", ["sin(x > 0)", "(x > 0) + 1", "y = x > 0", "if(x, 1, 2)", "not x"])
def test_a_condition_is_no_number(where):
    code, _, err = run_cgrad_inprocess("eval", where, "--at", "x=1")
    assert code == 2 and err.startswith("error: "), err


def test_a_sum_expands_over_its_index_into_named_terms():
    # x_1 w_1 + x_2 w_2 + x_3 w_3 at x = (1, 2, 3), w = (4, 5, 6): 32; d/dx_i = w_i, d/dw_i = x_i
    document = _json("eval", "sum(i = 1..3, x_i*w_i)", "--at", "x_1=1,x_2=2,x_3=3,w_1=4,w_2=5,w_3=6", "--no-trace")
    assert document["value"] == 32
    assert document["gradient"] == {"x_1": 4, "w_1": 1, "x_2": 5, "w_2": 2, "x_3": 6, "w_3": 3}
    assert api("sum(k = 0..4, k^2)").value == 30
    assert math.isclose(api("f(x) = sum(k = 0..2, x^k / (k + 1)); f(y)", y=0.5).value, 1 + 0.25 + 0.25 / 3)


def test_diagram_by_function_draws_seed_000s_first_figure():
    # seed 000: graph LR x[x1,x2]--f-->u[u]--g-->z[z]--h-->y[y]
    source = r"$$ f(x_1,x_2) =x_1x_2w_0 =u \\ g(u) = w_1u+w_2=z \\ h(z)=5*z=y$$"
    code, out, err = run_cgrad_inprocess("diagram", source, "--by", "function")
    assert code == 0, err
    assert out.splitlines() == ["graph LR", '    n0["x_1, x_2"]', '    n1["u"]', '    n2["z"]', '    n3["y"]',
                                '    n0 -->|"f"| n1', '    n1 -->|"g"| n2', '    n2 -->|"h"| n3']
    code, _, err = run_cgrad_inprocess("diagram", "x^2", "--by", "function")
    assert code == 2 and "defines" in err


def test_derive_writes_a_piecewise_derivative_cgrad_reads_back(tmp_path):
    # d/dx if(x > 0 and y < 1, x^2, -x): 2x where the condition holds, -1 elsewhere
    code, out, err = run_cgrad_inprocess("derive", "if(x > 0 and y < 1, x^2, -x)")
    assert code == 0, err
    program = tmp_path / "derivative.txt"
    program.write_text(out, encoding="utf-8")
    for x, y, expected in ((3, 0, 6), (3, 2, -1), (-1, 0, -1)):
        assert api(out, output="df_dx", x=x, y=y).value == expected


def test_a_direction_along_a_variable_only_an_unused_function_reads_moves_nothing():
    # f's body reads y, the output x·x does not: H·v = 2·1 along x whatever v gives y (was a KeyError, exit 70)
    from conftest import run_json_inprocess

    document = run_json_inprocess("hessian", "f(x) = y; x*x", "--at", "x=1", "--hvp", "x=1,y=5", "--no-trace")
    assert document["hvp"] == {"x": 2}
    document = run_json_inprocess("eval", "f(x) = y; x*x", "--at", "x=1", "--mode", "forward", "--tangent", "x=1,y=5",
                                  "--no-trace")
    assert document["jvp"] == 2


def test_an_unnamed_output_is_not_named_after_a_function():
    # f(3) + y is no value of f: the output takes the next free name, as beside a variable f (f1)
    from conftest import run_json_inprocess

    document = run_json_inprocess("eval", "f(x) = x^2; f(3) + y", "--at", "y=1", "--no-trace")
    assert (document["output"], document["value"], document["gradient"]) == ("f1", 10, {"y": 1})
    assert run_json_inprocess("eval", "f(x) = x^2 + 1", "--at", "x=2", "--no-trace")["output"] == "f"  # f itself
