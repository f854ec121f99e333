"""eval --mode forward|both: forward tangents equal gradient · tangent in every number system, the
gradient by forward mode equals reverse mode's, and the worked solutions say what forward mode does."""
from __future__ import annotations

import json
import math
from fractions import Fraction

import pytest

from conftest import run_cgrad_inprocess, run_json_inprocess
from test_hessian import FLOAT_CASES
from test_sympy_reference import RATIONAL_CASES, _at

DIRECTION = {"x": "1/2", "y": "-3", "z": "2"}


def _tangent(point: dict) -> str:
    return ",".join(f"{name}={DIRECTION[name]}" for name in point)


@pytest.mark.parametrize("index", range(0, len(FLOAT_CASES), 2))
def test_float_jvp_is_gradient_dot_tangent(index):
    source, point = FLOAT_CASES[index]
    reverse = run_json_inprocess("eval", source, "--at", _at(point), "--no-trace")
    forward = run_json_inprocess("eval", source, "--at", _at(point), "--mode", "forward", "--tangent", _tangent(point))
    expected = sum(reverse["gradient"][n] * float(Fraction(DIRECTION[n])) for n in point)
    assert forward["jvp"] == pytest.approx(expected, rel=1e-12, abs=1e-12)
    assert "gradient" not in forward  # along v alone: one tangent carried, no gradient claimed
    everything = run_json_inprocess("eval", source, "--at", _at(point), "--mode", "forward", "--no-trace")
    for name in point:
        assert everything["gradient"][name] == pytest.approx(reverse["gradient"][name], rel=1e-12, abs=1e-12)
    assert forward["value"] == reverse["value"] and forward["mode"] == "forward"


def test_a_given_tangent_is_the_full_forward_modes_column():
    # along e_y, each node's one tangent is the ∂/∂y column of the pass that carries every direction;
    # x, named by neither, carries none (shown as 0) and so do the nodes that depend on x alone
    source, at = "u = x*x; v = sin(u) + u*y; w = v/y + exp(y)", "x=0.7,y=-1.3"
    full = run_json_inprocess("eval", source, "--at", at, "--mode", "forward")
    along = run_json_inprocess("eval", source, "--at", at, "--mode", "forward", "--tangent", "y=1")
    column = full["directions"].index("∂/∂y")
    assert [row["name"] for row in along["tangents"]] == [row["name"] for row in full["tangents"]]
    for one, every in zip(along["tangents"], full["tangents"]):
        assert one["tangent"] == [every["tangent"][column]], one["name"]
    assert along["jvp"] == full["gradient"]["y"] and along["directions"] == ["v"]
    code, out, err = run_cgrad_inprocess("eval", source, "--at", at, "--mode", "forward", "--tangent", "y=1")
    assert code == 0 and "JVP (tangent of w along v)" in out and "Gradient by forward mode" not in out, err


@pytest.mark.parametrize("index", range(0, len(RATIONAL_CASES), 3))
def test_exact_jvp_is_gradient_dot_tangent_exactly(index):
    source, _, point = RATIONAL_CASES[index]
    reverse = run_json_inprocess("eval", source, "--at", _at(point), "--exact", "--no-trace")
    forward = run_json_inprocess("eval", source, "--at", _at(point), "--exact", "--mode", "both",
                                 "--tangent", _tangent(point))
    expected = sum(Fraction(reverse["gradient"][n]) * Fraction(DIRECTION[n]) for n in point)
    assert Fraction(forward["jvp"]) == expected
    assert forward["gradient"] == reverse["gradient"] and forward["agree"]


def test_digits_and_interval_jvp():
    # f = x·exp(y): ∇f·v = exp(y)·vx + x·exp(y)·vy at x = 1/3, y = 1/5, v = (2, -1)
    import mpmath

    mpmath.mp.dps = 50
    expected = mpmath.exp(mpmath.mpf(1) / 5) * (2 - mpmath.mpf(1) / 3)
    digits = run_json_inprocess("eval", "x*exp(y)", "--at", "x=1/3,y=1/5", "--digits", "25", "--mode", "forward",
                                "--tangent", "x=2,y=-1")
    assert abs(mpmath.mpf(digits["jvp"]) - expected) < mpmath.mpf(10) ** -24
    interval = run_json_inprocess("eval", "x*exp(y)", "--at", "x=1/3,y=1/5", "--interval", "--mode", "forward",
                                  "--tangent", "x=2,y=-1")
    low, high = (mpmath.mpf(v) for v in interval["jvp"])
    assert low <= expected <= high and high - low < 1e-12


def test_tensor_forward_gradient_equals_reverse():
    at = "X=[[1,2],[3,4],[5,7]],w=[1/2,-1],y=[1,2,3]"
    reverse = run_json_inprocess("eval", "mse(X @ w, y)", "--at", at, "--exact", "--no-trace")
    forward = run_json_inprocess("eval", "mse(X @ w, y)", "--at", at, "--exact", "--mode", "forward")
    assert forward["gradient"] == reverse["gradient"]
    jvp = run_json_inprocess("eval", "X @ w", "--at", at.rsplit(",y=", 1)[0], "--exact", "--mode", "forward", "--tangent", "w=[1,0]")
    assert jvp["jvp"] == ["1", "3", "5"]  # d(Xw)/dw · e₀ = the first column of X


def test_both_states_agreement_and_forward_rows():
    code, out, err = run_cgrad_inprocess("eval", "3*(a+b*c)", "--at", "a=1,b=2,c=3", "--mode", "both", "--exact")
    assert code == 0, err
    assert "Forward mode" in out and "Backward pass" in out
    assert "forward and reverse mode agree: every partial derivative, to the last digit printed" in out
    assert "∂t1/∂b · b\u0307 = 3 · (0, 1, 0) = (0, 3, 0)" in out  # ḃ: b and a combining dot


@pytest.mark.parametrize("fmt, words", [("markdown", "forward mode pushes ∂/∂x from inputs to output"),
                                        ("latex", "\\dot{")])
def test_worked_solutions(fmt, words):
    code, out, err = run_cgrad_inprocess("eval", "p = x + y; g = p*z", "--at", "x=1,y=3,z=-3", "--mode", "forward",
                                         "--format", fmt)
    assert code == 0 and words in out, err


@pytest.mark.parametrize("args", [["--tangent", "x=1"], ["--mode", "forward", "--tangent", "q=1"],
                                  ["--mode", "forward", "--tangent", "x=[1,2]"], ["--mode", "sideways"]])
def test_bad_options_are_exit_2(args):
    code, _, err = run_cgrad_inprocess("eval", "x*y", "--at", "x=1,y=2", *args)
    assert code == 2 and err.startswith("error:") and "Traceback" not in err


@pytest.mark.parametrize("record", [[], ["--no-trace"]])
def test_a_pass_without_records_keeps_every_value_still_used(record):
    # without records forward mode drops a node's value after its last use; u and v are used three
    # and four times, late: df = du*v + u*dv + 2*v*dv + du with du = y*dx, dv = cos(u)*du (by hand)
    x, y, dx = 0.7, -1.3, 1.0
    u, du = x * y, y * dx
    v, dv = math.sin(u), math.cos(u) * y * dx
    expected = du * v + u * dv + 2 * v * dv + du
    code, out, err = run_cgrad_inprocess("eval", "u = x*y; v = sin(u); u*v + v^2 + u", "--at", f"x={x},y={y}",
                                         "--mode", "forward", "--tangent", "x=1", "--format", "json", *record)
    assert code == 0, err
    result = json.loads(out)
    assert result["jvp"] == pytest.approx(expected, rel=1e-14)
    assert result["value"] == pytest.approx(u * v + v * v + u, rel=1e-14)


def test_release_drops_exactly_the_values_no_later_node_reads():
    from cgcli.language.syntax import parse
    from cgcli.numbers import number_system
    from cgcli.passes.forward_backward import forward_values

    graph = parse("u = x*y; v = u + 1; w = v*u; w + x").graph()
    exact = number_system("exact")
    bindings = {"x": Fraction(2), "y": Fraction(3)}
    kept = forward_values(graph, bindings, exact)
    released = forward_values(graph, bindings, exact, release=True)
    assert released[graph.output] == kept[graph.output] == Fraction(2 * 3 * (2 * 3 + 1) + 2)
    names = graph.names
    gone = {names[i] for i in graph.order if released[i] is None and names[i] is not None}  # not the constant 1
    assert gone == {"u", "v", "w", "x", "y"}  # each read by a later node, the last of them computed
