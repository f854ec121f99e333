"""`--interval`: every value and partial derivative is an enclosure ["lo", "hi"] of the true one.

The reference (an independent forward-mode evaluation over Fractions or a 120-digit mpmath
context) and the random expression generator are in reference.py, shared with test_exact.py and
test_digits.py. Expected values are never taken from cgrad's output.

Bounds tested here:
* containment: lo <= true <= hi, compared exactly as Fractions (the decimal strings are exact
  rationals). For 120-digit mpmath references a slack of 1e-100·max(1, |true|) is allowed for the
  reference's own rounding error.
* width, point inputs without --digits: hi - lo <= 1e-12·max(1, M), where M is the largest magnitude
  of any intermediate value or derivative the reference met (double rounding of ~100 operations
  gives about 100·2^-53·M ≈ 1e-14·M; the bound leaves a factor 100). Skipped where a relu/abs/max/min
  argument is within 1e-9 of its kink, where the honest enclosure is the whole subgradient.
* width with --digits 50: hi - lo <= 1e-45·max(1, |true|).
"""
from __future__ import annotations

import random
import re
from fractions import Fraction

import pytest

from conftest import run_cgrad_inprocess, run_json_inprocess

mpmath = pytest.importorskip("mpmath")
from reference import (  # noqa: E402 - the generator, the reference and their helpers
    RATIONAL_CASES, REAL_CASES, api_eval, at_text, context, decimal_fraction, decimal_text,
    reference, source, to_fraction,
)



SLACK = Fraction(1, 10 ** 100)


def enclosure(pair) -> tuple[Fraction, Fraction]:
    assert isinstance(pair, list) and len(pair) == 2 and all(isinstance(s, str) for s in pair), pair
    lo, hi = decimal_fraction(pair[0]), decimal_fraction(pair[1])
    assert lo <= hi, pair
    return lo, hi


def contains(pair, true, exact: bool) -> bool:
    lo, hi = enclosure(pair)
    t = to_fraction(true)
    slack = 0 if exact else SLACK * max(1, abs(t))
    return lo - slack <= t <= hi + slack


def width(pair) -> Fraction:
    lo, hi = enclosure(pair)
    return hi - lo


REF = context(120)


def test_generators_cover_the_ops():
    text = " ".join(source(tree) for tree, _ in REAL_CASES)
    for token in ["exp(", "log(", "sqrt(", "sin(", "cos(", "tan(", "tanh(", "sigmoid(", "relu(", "softplus(",
                  "abs(", "max(", "min(", " / ", " - ", " + ", "^(", "^2", "^(-1)", "pi"]:
        assert token in text, token
    assert re.search(r"[(\s]e[)\s]", text), "the constant e"
    assert len(RATIONAL_CASES) >= 200 and len(REAL_CASES) >= 200
    assert {len(p) for _, p in REAL_CASES} == {1, 2, 3}


def _check_point_enclosure(tree, point, value, gradient, exact: bool):
    src = source(tree)
    ref_value, ref_gradient, ref = reference(tree, point, None if exact else REF)
    where = f"{src} at {at_text(point)}"
    assert contains(value, ref_value, exact), f"value {value} does not contain {mpmath.nstr(ref_value, 25)}: {where}"
    assert set(gradient) == set(point), where
    for name, pair in gradient.items():
        assert contains(pair, ref_gradient[name], exact), \
            f"d/d{name} {pair} does not contain {mpmath.nstr(ref_gradient[name], 25)}: {where}"
    if not ref.near_kink:
        bound = Fraction(1, 10 ** 12) * max(1, Fraction(ref.magnitude))
        assert width(value) <= bound, f"value {value} wider than {float(bound):.3g}: {where}"
        for name, pair in gradient.items():
            assert width(pair) <= bound, f"d/d{name} {pair} wider than {float(bound):.3g}: {where}"


@pytest.mark.parametrize("index", range(len(RATIONAL_CASES)))
def test_random_rational_point_enclosures_contain_the_exact_answer(index):
    tree, point = RATIONAL_CASES[index]
    value, gradient = api_eval(source(tree), at_text(point), "interval")
    _check_point_enclosure(tree, point, value, gradient, exact=True)


@pytest.mark.parametrize("index", range(len(REAL_CASES)))
def test_random_transcendental_point_enclosures(index):
    tree, point = REAL_CASES[index]
    value, gradient = api_eval(source(tree), at_text(point), "interval")
    _check_point_enclosure(tree, point, value, gradient, exact=False)


def _samples(box: dict, rng: random.Random) -> list[dict]:
    """Corners lo/hi, the midpoint and two random interior points of a box name -> (lo, hi)."""
    points = [{n: lo for n, (lo, hi) in box.items()}, {n: hi for n, (lo, hi) in box.items()},
              {n: (lo + hi) / 2 for n, (lo, hi) in box.items()}]
    for _ in range(2):
        points.append({n: lo + (hi - lo) * Fraction(rng.randint(0, 1000), 1000) for n, (lo, hi) in box.items()})
    return points


@pytest.mark.parametrize("index", range(len(REAL_CASES)))
def test_random_interval_inputs_contain_every_sampled_point(index):
    # Each variable ranges over [c - 0.001, c + 0.001]. The enclosures of the value and of every
    # partial derivative must contain the true values at the corners, the midpoint and two
    # random points of the box (a necessary condition of rigour; widths are not bounded here,
    # since interval inputs legitimately widen through the dependency problem).
    tree, centre = REAL_CASES[index]
    box = {n: (c - Fraction(1, 1000), c + Fraction(1, 1000)) for n, c in centre.items()}
    at = ",".join(f"{n}={decimal_text(lo)}..{decimal_text(hi)}" for n, (lo, hi) in box.items())
    value, gradient = api_eval(source(tree), at, "interval")
    rng = random.Random(index)
    for point in _samples(box, rng):
        ref_value, ref_gradient, _ = reference(tree, point, REF)
        where = f"{source(tree)} at {at}, sample {at_text(point)}"
        assert contains(value, ref_value, False), f"value {value} misses {mpmath.nstr(ref_value, 20)}: {where}"
        for name, pair in gradient.items():
            assert contains(pair, ref_gradient[name], False), \
                f"d/d{name} {pair} misses {mpmath.nstr(ref_gradient[name], 20)}: {where}"


@pytest.mark.parametrize("index", range(0, len(RATIONAL_CASES), 20))
def test_random_rational_interval_inputs_cli(index):
    # the same through the command line, on rational expressions (exact references)
    tree, centre = RATIONAL_CASES[index]
    box = {n: (c - Fraction(1, 100), c + Fraction(1, 100)) for n, c in centre.items()}
    at = ",".join(f"{n}={lo.numerator}/{lo.denominator}..{hi.numerator}/{hi.denominator}"
                  if (lo * 100).denominator != 1 else f"{n}={decimal_text(lo)}..{decimal_text(hi)}"
                  for n, (lo, hi) in box.items())
    document = run_json_inprocess("eval", source(tree), "--at", at, "--interval", "--no-trace")
    for point in _samples(box, random.Random(index)):
        ref_value, ref_gradient, _ = reference(tree, point)
        assert contains(document["value"], ref_value, True), (source(tree), at, point)
        for name, pair in document["gradient"].items():
            assert contains(pair, ref_gradient[name], True), (name, source(tree), at, point)


@pytest.mark.parametrize("index", range(0, len(REAL_CASES), 25))
def test_random_interval_with_digits_50(index):
    # --interval --digits 50: still enclosures, now of width <= 1e-45·max(1, M).
    tree, point = REAL_CASES[index]
    document = run_json_inprocess("eval", source(tree), "--at", at_text(point), "--interval", "--digits", "50",
                                "--no-trace")
    ref_value, ref_gradient, ref = reference(tree, point, REF)
    pairs = [("value", document["value"], ref_value)]
    pairs += [(f"d/d{n}", document["gradient"][n], ref_gradient[n]) for n in point]
    for label, pair, true in pairs:
        assert contains(pair, true, False), (label, pair, source(tree))
        if not ref.near_kink:
            assert width(pair) <= Fraction(1, 10 ** 45) * max(1, Fraction(ref.magnitude)), (label, pair, source(tree))


# --------------------------------------------------------------------------------------------
# Hand-made cases
# --------------------------------------------------------------------------------------------

def interval_json(*args: str) -> dict:
    return run_json_inprocess("eval", *args, "--interval")


def test_json_shape_and_point_inputs_are_enclosed():
    # 0.1 is not a binary number: the enclosure of x itself must still contain 1/10, and
    # 0.1*x at x = 3 must contain 3/10.
    document = interval_json("0.1*x + y", "--at", "x=3,y=0.1")
    assert isinstance(document["value"], list) and len(document["value"]) == 2
    assert all(isinstance(s, str) for s in document["value"])
    assert contains(document["value"], Fraction(4, 10), True)
    assert contains(document["gradient"]["x"], Fraction(1, 10), True)
    assert contains(document["gradient"]["y"], Fraction(1), True)
    rows = {row["name"]: row for row in document["forward"]}
    assert contains(rows["y"]["value"], Fraction(1, 10), True)
    assert width(document["value"]) <= Fraction(1, 10 ** 15)


def test_fraction_point_input():
    document = interval_json("x/3 + y^2/7", "--at", "x=1/3,y=2")
    assert contains(document["value"], Fraction(1, 9) + Fraction(4, 7), True)
    assert contains(document["gradient"]["x"], Fraction(1, 3), True)
    assert contains(document["gradient"]["y"], Fraction(4, 7), True)


def test_constants_pi_and_e_are_enclosed():
    document = interval_json("pi*x + e^y", "--at", "x=1,y=1")
    assert contains(document["value"], REF.pi + REF.e, False)
    assert contains(document["gradient"]["x"], +REF.pi, False)
    assert contains(document["gradient"]["y"], REF.e + 0, False)
    assert width(document["value"]) <= Fraction(1, 10 ** 14)


@pytest.mark.parametrize("options, relative_width", [((), Fraction(1, 10 ** 14)),
                                                     (("--digits", "50"), Fraction(1, 10 ** 45))])
def test_seed_expression_tight_and_contained(options, relative_width):
    # f = sin(x)·exp(x)/(1+x²) at x = 1/3; f' written out by hand:
    # f' = exp(x)·[(sin x + cos x)(1 + x²) - 2x·sin x] / (1 + x²)²
    document = interval_json("sin(x)*exp(x)/(1+x^2)", "--at", "x=1/3", *options)
    x = REF.mpf(1) / 3
    f = REF.sin(x) * REF.exp(x) / (1 + x ** 2)
    df = REF.exp(x) * ((REF.sin(x) + REF.cos(x)) * (1 + x ** 2) - 2 * x * REF.sin(x)) / (1 + x ** 2) ** 2
    assert contains(document["value"], f, False) and contains(document["gradient"]["x"], df, False)
    assert width(document["value"]) <= relative_width * abs(to_fraction(f))
    assert width(document["gradient"]["x"]) <= relative_width * abs(to_fraction(df))


def test_monotone_function_of_an_interval_input_is_tight():
    # exp is increasing: exp([0.99, 1.01]) = [exp(0.99), exp(1.01)], and so is its derivative.
    document = interval_json("exp(x)", "--at", "x=0.99..1.01")
    lo, hi = enclosure(document["value"])
    true_lo, true_hi = to_fraction(REF.exp(REF.mpf(99) / 100)), to_fraction(REF.exp(REF.mpf(101) / 100))
    assert lo <= true_lo and true_hi <= hi
    assert true_lo - lo <= Fraction(1, 10 ** 12) and hi - true_hi <= Fraction(1, 10 ** 12)
    glo, ghi = enclosure(document["gradient"]["x"])
    assert glo <= true_lo and true_hi <= ghi and ghi - glo <= true_hi - true_lo + Fraction(1, 10 ** 12)


def test_negative_interval_input_and_square():
    # x^2 on [-1.01, -0.99] is [0.9801, 1.0201]; d/dx = 2x on [-2.02, -1.98]
    document = interval_json("x^2", "--at", "x=-1.01..-0.99")
    assert contains(document["value"], Fraction(9801, 10000), True)
    assert contains(document["value"], Fraction(10201, 10000), True)
    assert contains(document["gradient"]["x"], Fraction(-202, 100), True)
    assert contains(document["gradient"]["x"], Fraction(-198, 100), True)
    assert width(document["value"]) <= Fraction(1, 10) and width(document["gradient"]["x"]) <= Fraction(1, 10)


def test_square_of_an_interval_straddling_zero_is_not_negative():
    # x^2 on [-1, 2] is [0, 4] (a true square, not x*x = [-2, 4]); the derivative 2x is [-2, 4]
    document = interval_json("x^2", "--at", "x=-1..2")
    lo, hi = enclosure(document["value"])
    assert lo <= 0 and hi >= 4
    assert lo >= -Fraction(1, 10 ** 12), f"x^2 on [-1, 2] has a negative lower bound: {document['value']}"
    assert contains(document["gradient"]["x"], Fraction(-2), True)
    assert contains(document["gradient"]["x"], Fraction(4), True)


@pytest.mark.parametrize("source_text, at, value_range, slope", [
    ("relu(x)", "x=-0.5..0.5", (0, Fraction(1, 2)), (0, 1)),
    ("abs(x)", "x=-0.5..0.5", (0, Fraction(1, 2)), (-1, 1)),
    ("3*relu(x - 1)", "x=0.5..1.5", (0, Fraction(3, 2)), (0, 3)),
    ("relu(x)", "x=1..2", (1, 2), (1, 1)),
    ("abs(x)", "x=-2..-1", (1, 2), (-1, -1)),
    ("relu(x)", "x=-2..-1", (0, 0), (0, 0)),
])
def test_kinks_give_the_subgradient(source_text, at, value_range, slope):
    document = interval_json(source_text, "--at", at)
    lo, hi = enclosure(document["value"])
    assert lo <= value_range[0] and hi >= value_range[1]
    assert hi - lo <= value_range[1] - value_range[0] + Fraction(1, 10 ** 12)
    glo, ghi = enclosure(document["gradient"]["x"])
    # exactly the subgradient: every slope in it is attained (or a subgradient at the kink)
    assert (glo, ghi) == (Fraction(slope[0]), Fraction(slope[1])), document["gradient"]


def test_max_of_overlapping_intervals_splits_the_gradient_honestly():
    # max(x, y) with x in [0, 2], y in [1, 3]: either may be the larger, so each partial is [0, 1]
    document = interval_json("max(x, y)", "--at", "x=0..2,y=1..3")
    for name in ("x", "y"):
        glo, ghi = enclosure(document["gradient"][name])
        assert glo <= 0 and ghi >= 1, document["gradient"]
    lo, hi = enclosure(document["value"])
    assert lo <= 1 and hi >= 3


ONE_PLUS_TINY = "1." + "0" * 90 + "1"  # 1 + 10^-91: no binary double or 30-digit number equals it


@pytest.mark.parametrize("source_text, at, digits, value, slope", [
    ("x - 1", f"x={ONE_PLUS_TINY}", [], Fraction(1, 10 ** 91), Fraction(1)),
    (f"x*{ONE_PLUS_TINY} - x", "x=3", [], Fraction(3, 10 ** 91), Fraction(1, 10 ** 91)),
    ("(1 + x) - 1", "x=1/3e200", ["--digits", "30"], Fraction(1, 3 * 10 ** 200), Fraction(1)),
], ids=["at-value", "literal", "cancellation"])
def test_cancellation_and_long_inputs_stay_enclosed(source_text, at, digits, value, slope):
    document = interval_json(source_text, "--at", at, *digits)
    assert contains(document["value"], value, True), document["value"]
    assert contains(document["gradient"]["x"], slope, True), document["gradient"]


def test_relu_at_exactly_zero_point_contains_the_convention():
    # a point input at the kink: the enclosure of relu' must contain relu'(0) (0 by default)
    document = interval_json("relu(x)", "--at", "x=0")
    assert contains(document["gradient"]["x"], Fraction(0), True)


@pytest.mark.parametrize("source_text, at", [
    ("1/x", "x=-1..1"),
    ("1/(x - 1)", "x=0.5..1.5"),
    ("x/(y - y)", "x=1,y=2"),
    ("1/x", "x=0"),
])
def test_division_by_an_interval_containing_zero_fails(source_text, at):
    code, out, err = run_cgrad_inprocess("eval", source_text, "--at", at, "--interval")
    assert code == 1, (code, out, err)
    assert err.startswith("error:") and "Traceback" not in err
    assert "division" in err.lower() or "zero" in err.lower(), err


@pytest.mark.parametrize("source_text, at", [
    ("log(x)", "x=-2..-1"),
    ("log(x)", "x=-1..1"),
    ("sqrt(x)", "x=-2..-1"),
])
def test_domain_errors_on_intervals(source_text, at):
    code, out, err = run_cgrad_inprocess("eval", source_text, "--at", at, "--interval")
    assert code == 1, (code, out, err)
    assert err.startswith("error:") and "Traceback" not in err
    assert source_text.split("(")[0] in err


@pytest.mark.parametrize("at", ["x=2..1", "x=1..", "x=..1", "x=a..b"])
def test_bad_ranges_are_input_errors(at):
    code, out, err = run_cgrad_inprocess("eval", "x", "--at", at, "--interval")
    assert code == 2, (code, out, err)
    assert err.startswith("error:") and "Traceback" not in err


@pytest.mark.parametrize("mode", [[], ["--exact"], ["--digits", "20"]])
def test_ranges_need_interval_mode(mode):
    code, out, err = run_cgrad_inprocess("eval", "x", "--at", "x=0.99..1.01", *mode)
    assert code == 2, (code, out, err)
    assert err.startswith("error:") and "--interval" in err and "Traceback" not in err


def test_table_title_names_the_mode():
    code, out, err = run_cgrad_inprocess("eval", "sin(x)", "--at", "x=0.99..1.01", "--interval")
    assert code == 0, err
    assert "interval" in out.lower()
    assert re.search(r"\[\s*0\.8[34]", out), out  # sin(0.99) = 0.836..., the lower end is shown
