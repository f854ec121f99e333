"""`--digits N`: N significant digits, every one of them correct.

Each printed number is checked against a reference computed in this process with a private
mpmath context at N + 50 digits, through formulas written out here by hand (f' derived on paper,
tan' = 1/cos², tanh = (e^2x - 1)/(e^2x + 1), ...), not through cgrad's op table. The check:
  * the string has exactly N significant digits (trailing zeros count: "0.3000" has 4), and
  * |printed - true| <= one unit in the last printed digit (a faithful rounding; correct rounding
    would be half of that), compared exactly as Fractions.
A value that is exactly 0 must print as 0.

Where sympy is installed, one case is also compared with sympy's evalf (skipped otherwise).
"""
from __future__ import annotations

import re
import time
from fractions import Fraction

import pytest

import reference as kit
from conftest import run_cgrad_inprocess, run_json_inprocess

mpmath = pytest.importorskip("mpmath")

NUMBER = re.compile(r"([+-]?)(\d+)(?:\.(\d*))?(?:[eE]([+-]?\d+))?")


def significant_digits(text: str) -> int:
    match = NUMBER.fullmatch(text)
    assert match, f"not a decimal string: {text[:80]!r}"
    return len((match.group(2) + (match.group(3) or "")).lstrip("0"))


def last_digit_unit(text: str) -> Fraction:
    match = NUMBER.fullmatch(text)
    assert match, f"not a decimal string: {text[:80]!r}"
    return Fraction(10) ** (int(match.group(4) or 0) - len(match.group(3) or ""))


def check_digits(text, true, n: int, label: str = "") -> None:
    """`text` is cgrad's N-digit string for the mpmath/Fraction value `true`."""
    assert isinstance(text, str), f"{label}: digits values are strings in JSON, got {text!r}"
    printed = kit.decimal_fraction(text)
    t = kit.to_fraction(true)
    if t == 0:
        assert printed == 0, f"{label}: true value 0 printed as {text[:60]}"
        return
    assert significant_digits(text) == n, f"{label}: {significant_digits(text)} significant digits, not {n}: {text[:80]}"
    error = abs(printed - t)
    unit = last_digit_unit(text)
    if error > unit:
        ratio = error / unit
        off = mpmath.nstr(mpmath.mpf(ratio.numerator) / ratio.denominator, 3)
        raise AssertionError(f"{label}: wrong digits; printed {text[:60]}..., off by {off} units in the last place")


def digits_json(n: int, *args: str) -> dict:
    document = run_json_inprocess("eval", *args, "--digits", str(n), "--no-trace")
    assert document["numbers"] == "digits"
    assert document["digits"] == n
    return document


def q(text: str) -> Fraction:
    return Fraction(text)


def mp(ctx, value: Fraction):
    return ctx.mpf(value.numerator) / value.denominator


# Each case: source, --at text, and a reference (ctx, point) -> (value, {name: derivative}).

def _a(c, x):
    # f = sin x·e^x/(1 + x²); f' = e^x[(sin x + cos x)(1 + x²) - 2x sin x]/(1 + x²)²
    s, co, ex, d = c.sin(x), c.cos(x), c.exp(x), 1 + x * x
    return s * ex / d, {"x": ex * ((s + co) * d - 2 * x * s) / d ** 2}


def _b(c, x):
    # f = log x·√x + tan x; f' = (2 + log x)/(2√x) + 1/cos² x
    return c.log(x) * c.sqrt(x) + c.sin(x) / c.cos(x), {"x": (2 + c.log(x)) / (2 * c.sqrt(x)) + 1 / c.cos(x) ** 2}


def _c(c, x, y):
    # f = tanh(xy) + σ(x - y); ∂f/∂x = y/cosh²(xy) + σ'(x - y), ∂f/∂y = x/cosh²(xy) - σ'(x - y),
    # with σ(z) = 1/(1 + e^-z) and σ'(z) = e^-z/(1 + e^-z)²; tanh u = (e^2u - 1)/(e^2u + 1)
    u, z = x * y, x - y
    t = c.exp(2 * u)
    m = c.exp(-z)
    sp = m / (1 + m) ** 2
    return (t - 1) / (t + 1) + 1 / (1 + m), {"x": y / c.cosh(u) ** 2 + sp, "y": x / c.cosh(u) ** 2 - sp}


def _d(c, x):
    # f = π x² + e^x; f' = 2πx + e^x
    return c.pi * x ** 2 + c.exp(x), {"x": 2 * c.pi * x + c.exp(x)}


def _e(c, x, y):
    # f = x^y = e^(y log x); ∂/∂x = y·e^((y-1) log x), ∂/∂y = e^(y log x)·log x
    L = c.log(x)
    return c.exp(y * L), {"x": y * c.exp((y - 1) * L), "y": c.exp(y * L) * L}


def _f(c, x):
    # f = cos x / x - softplus x, softplus x = log(1 + e^x);
    # f' = (-x sin x - cos x)/x² - 1/(1 + e^-x)
    return c.cos(x) / x - c.log(1 + c.exp(x)), {"x": (-x * c.sin(x) - c.cos(x)) / x ** 2 - 1 / (1 + c.exp(-x))}


def _g(c, x):
    # f = √(x² + 1)·e^-x; f' = e^-x (x/√(x² + 1) - √(x² + 1))
    r = c.sqrt(x * x + 1)
    return r * c.exp(-x), {"x": c.exp(-x) * (x / r - r)}


def _h(c, x):
    return c.exp(x), {"x": c.exp(x)}


def _h2(c, x):
    return c.exp(-x), {"x": -c.exp(-x)}


def _i(c, x):
    return x ** 3, {"x": 3 * x ** 2}


def _j(c, x):
    # f = cos(x)^2 + sin(x)^2·e - 1: checks e and powers; f' = -2 cos x sin x + 2 e sin x cos x
    s, co = c.sin(x), c.cos(x)
    return co ** 2 + s ** 2 * c.e - 1, {"x": 2 * s * co * (c.e - 1)}


CASES = {
    "sin-exp-rational": ("sin(x)*exp(x)/(1+x^2)", {"x": q("1/3")}, _a),
    "log-sqrt-tan": ("log(x)*sqrt(x) + tan(x)", {"x": q("0.7")}, _b),
    "tanh-sigmoid": ("tanh(x*y) + sigmoid(x - y)", {"x": q("1.25"), "y": q("-0.5")}, _c),
    "pi-e-powers": ("pi*x^2 + e^x", {"x": q("2/7")}, _d),
    "real-power": ("x^y", {"x": q("1.5"), "y": q("1/3")}, _e),
    "cos-softplus": ("cos(x)/x - softplus(x)", {"x": q("-3.5")}, _f),
    "sqrt-exp": ("sqrt(x^2 + 1)*exp(-x)", {"x": q("10")}, _g),
    "large": ("exp(x)", {"x": q("100")}, _h),
    "tiny": ("exp(-x)", {"x": q("100")}, _h2),
    "cube-of-1e50": ("x^3", {"x": q("1e50")}, _i),
    "e-and-squares": ("cos(x)^2 + sin(x)^2*e - 1", {"x": q("0.9")}, _j),
}


def run_case(name: str, n: int) -> None:
    source, point, formula = CASES[name]
    at = ",".join(f"{k}={v.numerator}/{v.denominator}" if v.denominator != 1 else f"{k}={v}" for k, v in point.items())
    document = digits_json(n, source, "--at", at)
    ctx = kit.context(n + 50)
    value, gradient = formula(ctx, *[mp(ctx, v) for v in point.values()])
    with kit.unlimited_int_digits():
        check_digits(document["value"], value, n, f"{source} value")
        assert set(document["gradient"]) == set(point)
        for var, derivative in gradient.items():
            check_digits(document["gradient"][var], derivative, n, f"d/d{var} {source}")


@pytest.mark.parametrize("name", sorted(CASES))
@pytest.mark.parametrize("n", [50, 1000])
def test_transcendental_digits(name, n):
    run_case(name, n)


@pytest.mark.slow
@pytest.mark.parametrize("name", ["sin-exp-rational", "log-sqrt-tan", "tanh-sigmoid", "pi-e-powers", "real-power"])
def test_ten_thousand_digits(name):
    # Python's 4300-digit limit on int <-> str conversion must not bite in cgrad.
    run_case(name, 10000)


def test_sympy_cross_check_1000_digits():
    sympy = pytest.importorskip("sympy", reason="sympy is not installed in the test environment")
    x = sympy.Symbol("x")
    f = sympy.sin(x) * sympy.exp(x) / (1 + x ** 2)
    point = {x: sympy.Rational(1, 3)}
    document = digits_json(1000, "sin(x)*exp(x)/(1+x^2)", "--at", "x=1/3")
    with kit.unlimited_int_digits():
        for text, expr in ((document["value"], f), (document["gradient"]["x"], sympy.diff(f, x))):
            true = Fraction(str(expr.subs(point).evalf(1060)))
            assert significant_digits(text) == 1000
            assert abs(kit.decimal_fraction(text) - true) <= last_digit_unit(text)


# --------------------------------------------------------------------------------------------
# Literals are exact decimals, never floats
# --------------------------------------------------------------------------------------------

def test_literal_0_1_is_exact():
    document = run_json_inprocess("eval", "0.1*x", "--at", "x=3", "--digits", "40")
    assert document["value"] == "0." + "3" + "0" * 39
    assert document["gradient"] == {"x": "0." + "1" + "0" * 39}
    rows = {row["name"]: row for row in document["forward"]}
    check_digits(rows["x"]["value"], Fraction(3), 40, "forward row of x")
    [product] = [row for row in document["forward"] if row["op"] == "mul"]
    assert product["value"] == "0." + "3" + "0" * 39


def test_at_value_0_1_is_exact():
    document = digits_json(40, "x + 0.2", "--at", "x=0.1")
    assert document["value"] == "0." + "3" + "0" * 39


@pytest.mark.parametrize("at, true", [("x=1/3", Fraction(1, 3)), ("x=-2/7", Fraction(-2, 7)),
                                      ("x=1.5e-3", Fraction(3, 2000)), ("x=123456789.123456789", Fraction("123456789.123456789"))])
def test_at_values_rounded_once(at, true):
    document = digits_json(60, "x", "--at", at)
    check_digits(document["value"], true, 60, at)


def test_json_keys():
    document = run_json_inprocess("eval", "x", "--at", "x=2", "--digits", "25")
    assert document["numbers"] == "digits" and document["digits"] == 25
    assert isinstance(document["value"], str) and isinstance(document["gradient"]["x"], str)


def test_ten_thousand_digits_of_one_third():
    document = digits_json(10000, "x", "--at", "x=1/3")
    with kit.unlimited_int_digits():
        check_digits(document["value"], Fraction(1, 3), 10000, "1/3")


# --------------------------------------------------------------------------------------------
# Cancellation: guard digits must adapt
# --------------------------------------------------------------------------------------------

def test_cancellation_keeps_all_digits():
    # (1 + x) - 1 = x exactly; with x = 1/(3·10^60) a fixed handful of guard digits would lose
    # most of the 50 digits of the difference.
    document = digits_json(50, "(1 + x) - 1", "--at", "x=1/3e60")
    check_digits(document["value"], Fraction(1, 3 * 10 ** 60), 50, "(1 + x) - 1")
    check_digits(document["gradient"]["x"], Fraction(1), 50, "d/dx")


def test_log1p_like_cancellation():
    # f = log(1 + x) - x at x = 10^-30: f = -x²/2 + x³/3 - ... ; f' = 1/(1 + x) - 1 = -x/(1 + x)
    document = digits_json(40, "log(1 + x) - x", "--at", "x=1e-30")
    ctx = kit.context(200)
    x = ctx.mpf(10) ** -30
    check_digits(document["value"], ctx.log(1 + x) - x, 40, "value")
    check_digits(document["gradient"]["x"], -x / (1 + x), 40, "d/dx")


ONE_PLUS_TINY = "1." + "0" * 90 + "1"  # 1 + 10^-91, 92 significant digits


def test_at_values_longer_than_the_working_precision_stay_exact():
    # "converted exactly from their decimal text": x - 1 = 10^-91 exactly, not 0
    document = digits_json(20, "x - 1", "--at", f"x={ONE_PLUS_TINY}")
    check_digits(document["value"], Fraction(1, 10 ** 91), 20, "x - 1")


def test_literals_longer_than_the_working_precision_stay_exact():
    document = digits_json(20, f"x*{ONE_PLUS_TINY} - x", "--at", "x=3")
    check_digits(document["value"], Fraction(3, 10 ** 91), 20, "value")
    check_digits(document["gradient"]["x"], Fraction(1, 10 ** 91), 20, "d/dx")


def _expm1_over_x(x: Fraction, terms: int = 12):
    # (e^x - 1)/x = sum x^k/(k+1)!, d/dx = sum k·x^(k-1)/(k+1)!  (exact partial sums; the
    # omitted tail is below x^12, far below any printed digit at x ~ 1e-300)
    from math import factorial
    value = sum(x ** k / factorial(k + 1) for k in range(terms))
    slope = sum(k * x ** (k - 1) / factorial(k + 1) for k in range(1, terms))
    return value, slope


@pytest.mark.parametrize("source, at, value, slope", [
    # the difference is exactly 0 at every precision up to ~200 digits: no number of trial
    # precisions that all agree on 0 proves that the true value is 0
    ("(1 + x) - 1", "x=1/3e200", Fraction(1, 3 * 10 ** 200), Fraction(1)),
    ("(exp(x) - 1)/x", "x=1/3e300", *_expm1_over_x(Fraction(1, 3 * 10 ** 300))),
    ("log(x)", f"x={ONE_PLUS_TINY}", None, None),
], ids=["1+x-1", "expm1-over-x", "log-1-plus-tiny"])
def test_cancellation_beyond_the_trial_precisions(source, at, value, slope):
    document = digits_json(30, source, "--at", at)
    if value is None:  # log(1 + u) with u = 10^-91: reference at 400 digits; d/dx = 1/x
        ctx = kit.context(400)
        x = ctx.mpf(1) + ctx.mpf(10) ** -91
        value, slope = ctx.log(x), 1 / x
    check_digits(document["value"], value, 30, f"{source} value")
    check_digits(document["gradient"]["x"], slope, 30, f"{source} d/dx")


def test_exact_zero_prints_as_zero():
    # sin(πx) at x = 1 is exactly 0; its derivative π·cos(π) = -π
    document = digits_json(50, "sin(pi*x)", "--at", "x=1")
    ctx = kit.context(100)
    check_digits(document["value"], 0, 50, "sin(pi)")
    check_digits(document["gradient"]["x"], -ctx.pi, 50, "d/dx")


# --------------------------------------------------------------------------------------------
# Limits, conventions, errors
# --------------------------------------------------------------------------------------------

def test_ten_million_digits_refused_fast():
    start = time.perf_counter()
    code, out, err = run_cgrad_inprocess("eval", "x", "--at", "x=1", "--digits", "10000000", timeout=60)
    seconds = time.perf_counter() - start
    assert code == 1, (code, err)
    assert err.startswith("error:") and "Traceback" not in err
    assert "--max-digits" in err and "100000" in err.replace(",", "").replace(" ", "").replace("_", "")
    assert seconds < 10


def test_max_digits_raises_and_lowers_the_limit():
    code, out, err = run_cgrad_inprocess("eval", "x", "--at", "x=1/7", "--digits", "60", "--max-digits", "50")
    assert code == 1 and "--max-digits" in err and "Traceback" not in err, err
    document = run_json_inprocess("eval", "x", "--at", "x=1/7", "--digits", "60", "--max-digits", "100")
    check_digits(document["value"], Fraction(1, 7), 60, "1/7")


@pytest.mark.parametrize("relu0, slope", [("0", 0), ("0.5", Fraction(1, 2)), ("1", 1)])
def test_relu0_digits(relu0, slope):
    document = run_json_inprocess("eval", "2*relu(x - 1)", "--at", "x=1", "--digits", "30", "--relu0", relu0)
    check_digits(document["gradient"]["x"], 2 * Fraction(slope), 30, "d/dx")
    assert f"relu'(0) = {relu0}" in document["conventions"]


@pytest.mark.parametrize("source, at, words", [
    ("1/(x-1)", "x=1", ["division by zero", "1/(x-1)"]),
    ("log(x - 1)", "x=1", ["log(x - 1)"]),
    ("sqrt(x)", "x=-1/4", ["sqrt(x)"]),
    ("(-8)^(1/3)", None, ["(-8)^(1/3)"]),
    ("tan(x)", "x=0.1", None),  # fine, a control: no error
])
def test_math_errors_in_digits_mode(source, at, words):
    code, out, err = run_cgrad_inprocess("eval", source, *(["--at", at] if at else []), "--digits", "30")
    if words is None:
        assert code == 0, err
        return
    assert code == 1, (code, out, err)
    assert err.startswith("error:") and "Traceback" not in err
    for word in words:
        assert word in err, err


def test_table_title_names_mode_and_precision():
    code, out, err = run_cgrad_inprocess("eval", "sin(x)", "--at", "x=1", "--digits", "30")
    assert code == 0, err
    titles = [line for line in out.splitlines() if line.startswith(("Forward", "Backward", "Gradient"))]
    assert titles and all("30" in line for line in titles), titles
    # sin(1) = 0.841470984807896506652502321630..., all 30 digits shown somewhere
    assert "0.841470984807896506652502321630" in out


# --------------------------------------------------------------------------------------------
# 200 random expressions at 30 digits (API) and a sample at 60 digits (CLI)
# --------------------------------------------------------------------------------------------

REAL_CASES = kit.REAL_CASES


def _check_random(tree, point, value, gradient, n):
    ref_value, ref_gradient, _ = kit.reference(tree, point, kit.context(n + 80))
    label = f"{kit.source(tree)} at {kit.at_text(point)}"
    check_digits(value, ref_value, n, "value of " + label)
    for name in point:
        check_digits(gradient[name], ref_gradient[name], n, f"d/d{name} of {label}")


@pytest.mark.parametrize("index", range(len(REAL_CASES)))
def test_random_expressions_30_digits(index):
    tree, point = REAL_CASES[index]
    value, gradient = kit.api_eval(kit.source(tree), kit.at_text(point), "digits", digits=30)
    _check_random(tree, point, value, gradient, 30)


@pytest.mark.parametrize("index", range(0, len(REAL_CASES), 20))
def test_random_expressions_60_digits_cli(index):
    tree, point = REAL_CASES[index]
    document = digits_json(60, kit.source(tree), "--at", kit.at_text(point))
    _check_random(tree, point, document["value"], document["gradient"], 60)
