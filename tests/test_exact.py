"""`--exact`: rational arithmetic, results as fractions ("19/21"), and clear errors where an op
leaves the rationals.

Expected values are fractions derived by hand in the comments, or computed here with Python's
fractions module (for random expressions: forward-mode dual numbers over Fractions, see
test_interval.Reference). Nothing is copied from cgrad's output.
"""
from __future__ import annotations

import re
import time
from fractions import Fraction

import pytest

import reference as reference_kit
from conftest import backward_rows, forward_rows, run_cgrad_inprocess, run_json_inprocess

F = Fraction


def exact_json(*args: str) -> dict:
    document = run_json_inprocess("eval", *args, "--exact")
    assert document["numbers"] == "exact"
    return document


def as_fraction(text) -> Fraction:
    assert isinstance(text, str), f"exact values are strings in JSON, got {text!r}"
    return Fraction(text)


def assert_clean_math_error(code: int, out: str, err: str) -> str:
    assert code == 1, f"exit {code}\nstdout: {out}\nstderr: {err}"
    assert err.startswith("error:"), err
    assert "Traceback" not in err
    assert out == ""
    return err


# --------------------------------------------------------------------------------------------
# The seeds' worked examples in exact arithmetic
# --------------------------------------------------------------------------------------------

def test_seed_001_exact():
    # J = 3(a + bc) at 1, 2, 3: 21; dJ/da = 3, dJ/db = 3c = 9, dJ/dc = 3b = 6
    document = exact_json("3*(a+b*c)", "--at", "a=1,b=2,c=3")
    assert document["value"] == "21"
    assert document["gradient"] == {"a": "3", "b": "9", "c": "6"}


def test_seed_001_program_trace_values_are_strings():
    document = exact_json("u = b*c; v = a + u; J = 3v", "--at", "a=1,b=2,c=3")
    forward = forward_rows(document)
    assert (forward["u"]["value"], forward["v"]["value"], forward["J"]["value"]) == ("6", "7", "21")
    assert forward["a"]["value"] == "1"
    backward = backward_rows(document)
    assert backward["J"]["adjoint"] == "1" and backward["v"]["adjoint"] == "3" and backward["u"]["adjoint"] == "3"
    [term] = backward["b"]["terms"]
    assert (term["from"], term["upstream"], term["local"], term["contribution"]) == ("u", "3", "3", "9")


def test_seed_002_exact():
    # p = x + y = 4, g = p·z = -12; dg/dz = p = 4, dg/dp = z = -3, dg/dx = dg/dy = -3
    document = exact_json("p = x + y; g = p*z", "--at", "x=1,y=3,z=-3")
    assert document["value"] == "-12"
    assert document["gradient"] == {"x": "-3", "y": "-3", "z": "4"}
    backward = backward_rows(document)
    assert backward["p"]["adjoint"] == "-3"
    [term] = backward["x"]["terms"]
    assert (term["upstream"], term["local"], term["contribution"]) == ("-3", "1", "-3")


def test_issue_example_fractions():
    # x/3 + y²/7 at x=1, y=2: 1/3 + 4/7 = 7/21 + 12/21 = 19/21; d/dx = 1/3, d/dy = 2y/7 = 4/7
    document = exact_json("x/3 + y^2/7", "--at", "x=1,y=2")
    assert document["value"] == "19/21"
    assert document["gradient"] == {"x": "1/3", "y": "4/7"}
    values = [as_fraction(row["value"]) for row in document["forward"]]
    assert F(1, 3) in values and F(4, 7) in values and F(19, 21) in values


def test_seed_003_fan_out_exact():
    # a = x; b = a + a; c = b + b is 4x: at x = 3/2, c = 6, dc/dx = 4, each use of a brings 2
    document = exact_json("a = x; b = a + a; c = b + b", "--at", "x=3/2")
    assert document["value"] == "6" and document["gradient"] == {"x": "4"}
    assert [t["contribution"] for t in backward_rows(document)["a"]["terms"]] == ["2", "2"]


@pytest.mark.parametrize("w, x, b, value, gradient", [
    # z = w·x + b = 2·3/2 - 1 = 2 > 0: da/dw = x = 3/2, da/dx = w = 2, da/db = 1
    ("2", "1.5", "-1", "2", {"w": "3/2", "x": "2", "b": "1"}),
    # z = 3/2 - 5/2 = -1 < 0: flat
    ("1", "3/2", "-5/2", "0", {"w": "0", "x": "0", "b": "0"}),
    # z = 2·3/2 - 3 = 0 exactly: ReLU'(0) = 0
    ("2", "1.5", "-3", "0", {"w": "0", "x": "0", "b": "0"}),
    # z = 0.1·3 - 0.3 = 0 exactly in rationals (in floats it is 5.55e-17 > 0)
    ("0.1", "3", "-0.3", "0", {"w": "0", "x": "0", "b": "0"}),
])
def test_seed_004_relu_neuron_exact(w, x, b, value, gradient):
    document = exact_json("relu(w*x + b)", "--at", f"w={w},x={x},b={b}")
    assert document["value"] == value
    assert document["gradient"] == gradient
    assert any("relu'(0) = 0" in c for c in document["conventions"])


def test_seed_000_fgh_chain_exact():
    # u = x1·x2·w0 = 2·(-3)·(1/2) = -3, z = w1·u + w2 = -11, y = 5z = -55;
    # dy/dx1 = 5·w1·x2·w0 = -30, dy/dx2 = 5·w1·x1·w0 = 20, dy/dw0 = 5·w1·x1·x2 = -120,
    # dy/dw1 = 5u = -15, dy/dw2 = 5
    document = exact_json("u = x1*x2*w0; z = w1*u + w2; y = 5*z", "--at", "x1=2,x2=-3,w0=1/2,w1=4,w2=1")
    assert document["value"] == "-55"
    assert document["gradient"] == {"x1": "-30", "x2": "20", "w0": "-120", "w1": "-15", "w2": "5"}


def test_seed_000_ann_exact():
    p = {"x1": F(1, 2), "x2": F(-5, 4), "w1": F(3, 10), "w2": F(-4, 5), "w3": F(11, 10), "w4": F(9, 20),
         "w5": F(-7, 10), "w6": F(8, 5), "y": F(2)}
    source = "u1 = x1*w1 + x2*w2; u2 = x1*w3 + x2*w4; hat_y = u1*w5 + u2*w6; L = (hat_y - y)^2"
    document = exact_json(source, "--at", ",".join(f"{k}={v}" for k, v in p.items()))
    u1 = p["x1"] * p["w1"] + p["x2"] * p["w2"]
    u2 = p["x1"] * p["w3"] + p["x2"] * p["w4"]
    hat_y = u1 * p["w5"] + u2 * p["w6"]
    g = 2 * (hat_y - p["y"])  # dL/dhat_y
    assert document["value"] == str((hat_y - p["y"]) ** 2)
    expected = {"x1": g * (p["w5"] * p["w1"] + p["w6"] * p["w3"]), "x2": g * (p["w5"] * p["w2"] + p["w6"] * p["w4"]),
                "w1": g * p["w5"] * p["x1"], "w2": g * p["w5"] * p["x2"], "w3": g * p["w6"] * p["x1"],
                "w4": g * p["w6"] * p["x2"], "w5": g * u1, "w6": g * u2, "y": -g}
    assert document["gradient"] == {k: str(v) for k, v in expected.items()}


def test_training_loop_in_exact_arithmetic_reaches_the_fixed_point_exactly():
    # seed 002's loop on r1 = w + b - 3, r2 = 2w + b - 5 starting at the solution w=2, b=1 keeps
    # the gradient exactly zero (in floats it would be ~1e-16, not 0)
    document = exact_json("r1 = w*1 + b - 3; r2 = w*2 + b - 5; L = r1^2 + r2^2", "--at", "w=2,b=1")
    assert document["value"] == "0" and document["gradient"] == {"w": "0", "b": "0"}
    # and one step from (0, 0) with lr 1/10: grad = (2(-3) + 2·2(-5), 2(-3) + 2(-5)) = (-26, -16)
    document = exact_json("r1 = w*1 + b - 3; r2 = w*2 + b - 5; L = r1^2 + r2^2", "--at", "w=0,b=0")
    assert document["value"] == "34" and document["gradient"] == {"w": "-26", "b": "-16"}


# --------------------------------------------------------------------------------------------
# Literals and --at values are exact
# --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("source, at, value, gradient", [
    ("0.1*x", "x=3", "3/10", {"x": "1/10"}),
    ("x + 0.2", "x=0.1", "3/10", {"x": "1"}),         # 0.30000000000000004 in floats
    ("1.5e-3*x", "x=1", "3/2000", {"x": "3/2000"}),
    ("3*x", "x=1/3", "1", {"x": "3"}),
    ("x", "x=-3/4", "-3/4", {"x": "1"}),
    ("x^2", "x=-3/4", "9/16", {"x": "-3/2"}),
    ("x*y", "x=2.5e-1,y=-1/0.3", "-5/6", {"x": "-10/3", "y": "1/4"}),
    ("2x + .5", "x=7", "29/2", {"x": "2"}),
    ("x - x", "x=0.1", "0", {"x": "0"}),
])
def test_literals_and_at_values_are_exact(source, at, value, gradient):
    document = exact_json(source, "--at", at)
    assert document["value"] == value
    assert document["gradient"] == gradient


@pytest.mark.parametrize("source, at, value, derivative", [
    # x^-2 at 2/3 = 9/4; d/dx = -2x^-3 = -2·27/8 = -27/4
    ("x^-2", "x=2/3", F(9, 4), F(-27, 4)),
    # x^3 at -1/2 = -1/8; 3x² = 3/4
    ("x^3", "x=-1/2", F(-1, 8), F(3, 4)),
    # x^100 at 3/2: 3^100/2^100; 100·x^99
    ("x^100", "x=3/2", F(3, 2) ** 100, 100 * F(3, 2) ** 99),
    # x·2^-3 = x/8
    ("x*2^-3", "x=1", F(1, 8), F(1, 8)),
    # (1 + x²)^-1 at 1/2 = 4/5; d/dx = -2x/(1 + x²)² = -1/(25/16) = -16/25
    ("(1 + x^2)^(-1)", "x=1/2", F(4, 5), F(-16, 25)),
    # x^0 = 1 everywhere, with derivative 0
    ("x^0", "x=5/7", F(1), F(0)),
])
def test_integer_powers(source, at, value, derivative):
    document = exact_json(source, "--at", at)
    assert as_fraction(document["value"]) == value
    assert as_fraction(document["gradient"]["x"]) == derivative
    assert document["value"] == str(value)


def test_piecewise_ops_are_exact():
    # at x = 1/3, y = 1/4:
    #   abs(x - 1/2) = 1/6 (slope -1), max(x, y) = x (slope 1 to x), min(x, y) = y (slope 1 to y),
    #   relu(y - x) = relu(-1/12) = 0 (slope 0)
    # f = 1/6 + 1/3 - 1/4 + 0 = 1/4; df/dx = -1 + 1 = 0; df/dy = -1
    document = exact_json("abs(x - 1/2) + max(x, y) - min(x, y) + relu(y - x)", "--at", "x=1/3,y=1/4")
    assert document["value"] == "1/4"
    assert document["gradient"] == {"x": "0", "y": "-1"}


@pytest.mark.parametrize("source, at, value, derivative", [
    ("sqrt(x)", "x=9/4", "3/2", "1/3"),      # 1/(2·3/2)
    ("sqrt(x)", "x=16/9", "4/3", "3/8"),
    ("exp(x)", "x=0", "1", "1"),
    ("log(x)", "x=1", "0", "1"),
    ("sin(x)", "x=0", "0", "1"),
    ("cos(x)", "x=0", "1", "0"),
    ("tan(x)", "x=0", "0", "1"),
    ("tanh(x)", "x=0", "0", "1"),
    ("sigmoid(x)", "x=0", "1/2", "1/4"),     # s(1 - s)
    ("x^(1/3)", "x=8", "2", "1/12"),         # (1/3)·8^(-2/3) = (1/3)(1/4)
    ("x^0.5", "x=0.25", "1/2", "1"),         # 0.5·(1/4)^(-1/2) = 0.5·2
    ("x^(3/2)", "x=4", "8", "3"),            # (3/2)·4^(1/2)
    ("x^(-1/2)", "x=1/4", "2", "-4"),        # (-1/2)·(1/4)^(-3/2) = (-1/2)·8
    ("exp(x - 1/2)", "x=0.5", "1", "1"),
])
def test_transcendental_ops_with_rational_results(source, at, value, derivative):
    document = exact_json(source, "--at", at)
    assert document["value"] == value
    assert document["gradient"] == {"x": derivative}


@pytest.mark.parametrize("base, degree, root", [
    (10 ** 60, 3, 10 ** 20),
    (2 ** 300, 3, 2 ** 100),
    (F(8, 10 ** 60), 3, F(2, 10 ** 20)),
    (7 ** 120, 4, 7 ** 30),
    (3 ** 50, 5, 3 ** 10),
    ((10 ** 17 + 3) ** 3, 3, 10 ** 17 + 3),
], ids=["1e60", "2^300", "8e-60", "7^120", "3^50", "(1e17+3)^3"])
def test_rational_roots_of_large_perfect_powers(base, degree, root):
    # x^(1/k) of a perfect k-th power is rational however many digits it has;
    # d/dx x^(1/k) = (1/k)·x^(1/k - 1) = root/(k·x)
    base = F(base)
    document = exact_json(f"x^(1/{degree})", "--at", f"x={base.numerator}/{base.denominator}", "--no-trace")
    assert document["value"] == str(F(root))
    assert document["gradient"] == {"x": str(F(root) / (degree * base))}


# --------------------------------------------------------------------------------------------
# Leaving the rationals, and other failures
# --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("source, at, named", [
    ("sqrt(x)", "x=2", "sqrt"),
    ("exp(x)", "x=1", "exp"),
    ("log(x)", "x=2", "log"),
    ("sin(x)", "x=1", "sin"),
    ("cos(x)", "x=1/2", "cos"),
    ("tan(x)", "x=1", "tan"),
    ("tanh(x)", "x=1", "tanh"),
    ("sigmoid(x)", "x=1", "sigmoid"),
    ("softplus(x)", "x=0", "softplus"),   # log 2
    ("x^0.5", "x=2", "x^0.5"),
    ("x^(1/3)", "x=9", "x^(1/3)"),
    ("2^x", "x=1/2", "2^x"),
    ("2^x", "x=3", "2^x"),                # the value 8 is rational, d/dx = 8·log 2 is not
    ("x^y", "x=2,y=3", "x^y"),            # likewise: d/dy = 8·log 2
    ("pi*x", "x=1", "pi"),
    ("y = x + 1; z = 3*sqrt(y)", "x=1", "sqrt(y)"),
])
def test_irrational_results_are_refused_with_a_hint(source, at, named):
    code, out, err = run_cgrad_inprocess("eval", source, "--at", at, "--exact", "--format", "json")
    err = assert_clean_math_error(code, out, err)
    assert named in err, err
    assert "--digits" in err, err


def test_constant_e_is_refused():
    code, out, err = run_cgrad_inprocess("eval", "x + e", "--at", "x=1", "--exact")
    err = assert_clean_math_error(code, out, err)
    assert "--digits" in err


@pytest.mark.parametrize("source, at, words", [
    ("1/(x-1)", "x=1", ["division by zero", "1/(x-1)"]),
    ("x/(y - y)", "x=1/3,y=2/7", ["division by zero"]),
    ("log(x - 1)", "x=1", ["log(x - 1)"]),
    ("sqrt(x)", "x=-1/4", ["sqrt(x)"]),
    ("sqrt(x)", "x=0", ["sqrt(x)"]),           # value 0 is fine, the slope at 0 is not
    ("0^-1", None, ["0^-1"]),
    ("(-8)^(1/3)", None, ["(-8)^(1/3)"]),      # as in float mode: negative base, fractional power
])
def test_math_errors_as_in_float_mode(source, at, words):
    code, out, err = run_cgrad_inprocess("eval", source, *(["--at", at] if at else []), "--exact")
    err = assert_clean_math_error(code, out, err)
    for word in words:
        assert word in err, err


# --------------------------------------------------------------------------------------------
# Size limits: --max-digits
# --------------------------------------------------------------------------------------------

def _timed(*args: str) -> tuple[int, str, str, float]:
    start = time.perf_counter()
    code, out, err = run_cgrad_inprocess(*args, timeout=60)
    return code, out, err, time.perf_counter() - start


@pytest.mark.parametrize("source", ["x^(10^10)", "(x^1000)^1000", "a = x^(10^5); b = a^(10^5)", "x^(2^64)"])
def test_huge_exact_results_are_refused_fast(source):
    # 2^(10^10) has 3·10^9 digits; (3/2)^(10^6) has 477 122-digit numerator; all beyond 100 000
    code, out, err, seconds = _timed("eval", source, "--at", "x=3/2", "--exact")
    err = assert_clean_math_error(code, out, err)
    assert seconds < 10, f"took {seconds:.1f} s"
    assert "--max-digits" in err, err
    assert "100000" in err.replace(",", "").replace(" ", "").replace("_", ""), err  # the limit itself


def test_max_digits_is_the_limit_both_ways():
    # 2^200000 has 60 206 digits: under the default limit, over a limit of 30 000
    with reference_kit.unlimited_int_digits():
        expected_value = str(2 ** 200000)
        expected_slope = str(200000 * 2 ** 199999)
    code, out, err, seconds = _timed("eval", "x^200000", "--at", "x=2", "--exact", "--max-digits", "30000")
    err = assert_clean_math_error(code, out, err)
    assert "--max-digits" in err and "30000" in err.replace(",", "").replace(" ", "")
    assert seconds < 10
    document = exact_json("x^200000", "--at", "x=2", "--no-trace")
    assert document["value"] == expected_value
    assert document["gradient"] == {"x": expected_slope}


def test_raising_max_digits_allows_more():
    # 3^300000 has 143 137 digits: refused under the default 100 000, allowed with 200 000
    code, out, err, _ = _timed("eval", "x^300000", "--at", "x=3", "--exact", "--no-trace", "--format", "json")
    assert_clean_math_error(code, out, err)
    document = run_json_inprocess("eval", "x^300000", "--at", "x=3", "--exact", "--no-trace", "--max-digits", "200000")
    with reference_kit.unlimited_int_digits():
        assert document["value"] == str(3 ** 300000)


# --------------------------------------------------------------------------------------------
# --relu0 and the table
# --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("relu0, slope", [("0", "0"), ("0.5", "1/2"), ("1", "1")])
def test_relu0_exact(relu0, slope):
    document = exact_json("3*relu(w*x + b)", "--at", "w=2,x=3/2,b=-3", "--relu0", relu0)
    assert document["value"] == "0"
    # d/dw = 3·relu'(0)·x, d/dx = 3·relu'(0)·w, d/db = 3·relu'(0)
    r = Fraction(slope)
    assert document["gradient"] == {"w": str(3 * r * F(3, 2)), "x": str(3 * r * 2), "b": str(3 * r)}
    assert f"relu'(0) = {relu0}" in document["conventions"]
    # the backward term through the relu node has local derivative relu'(0)
    [relu_name] = [row["name"] for row in document["forward"] if row["op"] == "relu"]
    relu_terms = [t for row in document["backward"] for t in row["terms"] if t["from"] == relu_name]
    assert [t["local"] for t in relu_terms] == [slope]


@pytest.mark.parametrize("relu0, slope", [("0", 0), ("0.5", 0.5), ("1", 1)])
def test_relu0_float(relu0, slope):
    document = run_json_inprocess("eval", "relu(x)", "--at", "x=0", "--relu0", relu0)
    assert document["gradient"] == {"x": slope}
    assert f"relu'(0) = {relu0}" in document["conventions"]


def test_relu0_away_from_zero_changes_nothing():
    document = exact_json("relu(x) + relu(-x)", "--at", "x=2/3", "--relu0", "0.5")
    assert document["value"] == "2/3" and document["gradient"] == {"x": "1"}


def test_relu0_in_the_table():
    code, out, err = run_cgrad_inprocess("eval", "relu(x)", "--at", "x=0", "--exact", "--relu0", "0.5")
    assert code == 0, err
    assert "relu'(0) = 0.5" in out


@pytest.mark.parametrize("bad", ["2", "-1", "half", "0.25"])
def test_relu0_bad_values(bad):
    code, out, err = run_cgrad_inprocess("eval", "relu(x)", "--at", "x=0", "--relu0", bad)
    assert code == 2 and err.startswith("error:") and "Traceback" not in err, (code, err)


def test_table_shows_fractions_with_decimals_and_the_mode():
    code, out, err = run_cgrad_inprocess("eval", "x/3 + y^2/7", "--at", "x=1,y=2", "--exact")
    assert code == 0, err
    assert "19/21" in out and "1/3" in out and "4/7" in out
    assert re.search(r"0\.90[45]", out), out          # 19/21 = 0.904761...
    titles = [line for line in out.splitlines() if line.startswith(("Forward", "Backward", "Gradient"))]
    assert titles and all("exact" in line.lower() for line in titles), titles
    assert "0.9047619047619047" not in out             # no float round-off shown as the value


def test_table_integers_stay_integers():
    code, out, err = run_cgrad_inprocess("eval", "u = b*c; v = a + u; J = 3v", "--at", "a=1,b=2,c=3", "--exact")
    assert code == 0, err
    gradient = out[out.index("Gradient"):]
    rows = {line.split()[0]: line.split() for line in gradient.splitlines()[1:] if line.split()}
    assert rows["a"][1:] == ["1", "3"] and rows["b"][1:] == ["2", "9"] and rows["c"][1:] == ["3", "6"]


# --------------------------------------------------------------------------------------------
# 200 random rational expressions against forward-mode dual numbers over Fractions
# --------------------------------------------------------------------------------------------

CASES = reference_kit.RATIONAL_CASES


@pytest.mark.parametrize("index", range(len(CASES)))
def test_random_rational_expressions_api(index):
    tree, point = CASES[index]
    src, at = reference_kit.source(tree), reference_kit.at_text(point)
    value, gradient, _ = reference_kit.reference(tree, point)
    got_value, got_gradient = reference_kit.api_eval(src, at, "exact")
    assert got_value == str(value), f"{src} at {at}"
    assert got_gradient == {name: str(g) for name, g in gradient.items()}, f"{src} at {at}"


@pytest.mark.parametrize("index", range(0, len(CASES), 20))
def test_random_rational_expressions_cli(index):
    tree, point = CASES[index]
    src, at = reference_kit.source(tree), reference_kit.at_text(point)
    value, gradient, _ = reference_kit.reference(tree, point)
    document = exact_json(src, "--at", at)
    assert document["value"] == str(value), f"{src} at {at}"
    assert document["gradient"] == {name: str(g) for name, g in gradient.items()}
    # the trace is consistent: each backward adjoint is the exact sum of its contributions
    for row in document["backward"]:
        if row["terms"]:
            assert as_fraction(row["adjoint"]) == sum(as_fraction(t["contribution"]) for t in row["terms"])
            for t in row["terms"]:
                assert as_fraction(t["contribution"]) == as_fraction(t["upstream"]) * as_fraction(t["local"])
