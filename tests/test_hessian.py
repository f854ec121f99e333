"""cgrad hessian (the backward pass in dual numbers) against sympy's hessian in float and exact mode,
symmetry, H·v with --hvp, a tensor loss (mse(X @ w, y) → 2/N·XᵀX), --digits and --interval."""
from __future__ import annotations

from fractions import Fraction

import pytest

from conftest import run_cgrad_inprocess, run_json_inprocess
import random
import re

from test_sympy_reference import RATIONAL_CASES, _at, _on_a_kink, _sympy_expression

sympy = pytest.importorskip("sympy")

EXACT_CASES = RATIONAL_CASES  # 60 rational expressions, with the 40 smooth ones below: 100


def _smooth(rng: random.Random, names: list[str], depth: int) -> str:
    """A smooth expression, in a syntax cgrad and sympy (with sin, cos, exp, tanh, log in scope) both read."""
    if depth == 0 or rng.random() < 0.2:
        return rng.choice(names) if rng.random() < 0.75 else rng.choice(["2", "3", "(1/2)", "(3/2)"])
    a, b = _smooth(rng, names, depth - 1), _smooth(rng, names, depth - 1)
    return rng.choice([f"({a} + {b})", f"({a} - {b})", f"({a} * {b})", f"({a} / (1 + ({b})^2))", f"(({a})^2)",
                       f"(({a})^3)", f"sin({a})", f"cos({a})", f"exp(tanh({a}))", f"tanh({a})", f"log(1 + ({a})^2)"])


def _smooth_cases(count: int = 40, seed: int = 1111) -> list[tuple[str, dict[str, str]]]:
    rng, cases = random.Random(seed), []
    while len(cases) < count:
        names = rng.sample(["x", "y", "z"], rng.randint(1, 3))
        source = _smooth(rng, names, rng.randint(2, 4))
        point = {n: f"{rng.randint(-20, 20) / 10}" for n in names if re.search(rf"\b{n}\b", source)}
        if point:
            cases.append((source, point))
    return cases


FLOAT_CASES = _smooth_cases()


def _sympy_hessian(python: str, point: dict[str, str]):
    expression, symbols = _sympy_expression(python, point)
    at = {symbols[name]: sympy.Rational(text) for name, text in point.items()}
    matrix = sympy.hessian(expression, [symbols[name] for name in point])
    return expression, at, matrix


@pytest.mark.parametrize("index", range(len(FLOAT_CASES)))
def test_float_hessian_against_sympy(index):
    source, point = FLOAT_CASES[index]
    symbols = {name: sympy.Symbol(name, real=True) for name in point}
    expression = sympy.sympify(source.replace("^", "**"), locals=symbols)
    at = {symbols[name]: sympy.Rational(text) for name, text in point.items()}
    matrix = sympy.hessian(expression, [symbols[name] for name in point])
    document = run_json_inprocess("hessian", source, "--at", _at(point), "--wrt", ",".join(point))
    assert document["variables"] == list(point)
    hessian = document["hessian"]
    for i in range(len(point)):
        for j in range(len(point)):
            expected = float(sympy.N(matrix[i, j].subs(at), 30))
            assert hessian[i][j] == pytest.approx(expected, rel=1e-8, abs=1e-8 * max(1.0, abs(expected))), source
            assert hessian[i][j] == pytest.approx(hessian[j][i], rel=1e-12, abs=1e-12)  # symmetric, not forced


@pytest.mark.parametrize("index", range(len(EXACT_CASES)))
def test_exact_hessian_against_sympy(index):
    source, python, point = EXACT_CASES[index]
    expression, at, matrix = _sympy_hessian(python, point)
    if _on_a_kink(expression, at):
        pytest.skip("on a kink")
    document = run_json_inprocess("hessian", source, "--at", _at(point), "--exact", "--wrt", ",".join(point))
    for i in range(len(point)):
        for j in range(len(point)):
            expected = matrix[i, j].subs(at).replace(sympy.DiracDelta, lambda *a: 0)
            assert Fraction(document["hessian"][i][j]) == Fraction(str(expected)), source
            assert document["hessian"][i][j] == document["hessian"][j][i]


def test_exact_hessian_by_hand():
    # f = x³y − y²/x: f_xx = 6xy − 2y²/x³, f_xy = 3x² + 2y/x², f_yy = −2/x; at (1/2, 3)
    document = run_json_inprocess("hessian", "x^3*y - y^2/x", "--at", "x=1/2,y=3", "--exact")
    x, y = Fraction(1, 2), Fraction(3)
    expected = [[6 * x * y - 2 * y ** 2 / x ** 3, 3 * x ** 2 + 2 * y / x ** 2], [3 * x ** 2 + 2 * y / x ** 2, -2 / x]]
    assert [[Fraction(v) for v in row] for row in document["hessian"]] == expected
    assert Fraction(document["value"]) == x ** 3 * y - y ** 2 / x
    assert Fraction(document["gradient"]["y"]) == x ** 3 - 2 * y / x


@pytest.mark.parametrize("mode", [[], ["--exact"]])
def test_hvp_equals_hessian_times_v(mode):
    source, at = "x^2*y*z + exp(x/4)*z - y^3", "x=1,y=2,z=-1"
    if mode:
        source = "x^2*y*z + x/(1 + z^2) - y^3"
    full = run_json_inprocess("hessian", source, "--at", at, *mode)
    hvp = run_json_inprocess("hessian", source, "--at", at, "--hvp", "x=1,y=-2,z=1/2", *mode)
    v = [Fraction(1), Fraction(-2), Fraction(1, 2)]
    for i, name in enumerate(full["variables"]):
        expected = sum(Fraction(str(h)) * c for h, c in zip(full["hessian"][i], v))
        if mode:
            assert Fraction(hvp["hvp"][name]) == expected
        else:
            assert hvp["hvp"][name] == pytest.approx(float(expected), rel=1e-12)
    assert "hessian" not in hvp


def test_mse_tensor_hessian_is_two_over_n_xtx():
    X = [[1, 2], [3, 4], [5, 7]]
    document = run_json_inprocess("hessian", "mse(X @ w, y)", "--at", f"X={X},w=[1/2,-1],y=[1,2,3]", "--wrt", "w",
                                  "--exact")
    assert document["variables"] == ["w[0]", "w[1]"]
    xtx = [[sum(Fraction(row[i] * row[j]) for row in X) for j in range(2)] for i in range(2)]
    assert [[Fraction(v) for v in row] for row in document["hessian"]] == [[2 * v / 3 for v in row] for row in xtx]


def test_digits_hessian_certified():
    document = run_json_inprocess("hessian", "exp(x*y)", "--at", "x=1/3,y=2", "--digits", "30")
    x, y = sympy.Rational(1, 3), sympy.Integer(2)
    expected = [[y ** 2 * sympy.exp(x * y), (1 + x * y) * sympy.exp(x * y)],
                [(1 + x * y) * sympy.exp(x * y), x ** 2 * sympy.exp(x * y)]]
    for i in range(2):
        for j in range(2):
            printed = document["hessian"][i][j]
            assert len(printed.replace(".", "").replace("-", "").lstrip("0")) >= 29
            assert abs(sympy.Rational(printed) - expected[i][j]) < sympy.Rational(1, 10 ** 28)


def test_interval_hessian_encloses():
    document = run_json_inprocess("hessian", "sin(x)*y^2", "--at", "x=0.9..1.1,y=2", "--interval")
    low, high = (float(v) for v in document["hessian"][0][0])  # −sin(x)·y² over x ∈ [0.9, 1.1]
    assert low <= -4 * 0.8912073600614354 + 1e-12 and high >= -4 * 0.7833269096274834 - 1e-12
    assert low > -3.6 and high < -3.1


def test_hessian_table_and_markdown_trace_the_second_pass():
    code, out, err = run_cgrad_inprocess("hessian", "x*y^2", "--at", "x=3,y=2")
    assert code == 0, err
    assert "Backward pass" in out and "ε" in out and "Hessian H" in out
    code, out, _ = run_cgrad_inprocess("hessian", "x*y^2", "--at", "x=3,y=2", "--format", "markdown")
    assert code == 0 and out.startswith("## Hessian by forward-over-reverse") and "| `y` | 4 | 6 |" in out


@pytest.mark.parametrize("args, words", [
    (["x*y", "--at", "x=1,y=2", "--hvp", "z=1"], "--hvp z"),
    (["u = x*y; u^2", "--at", "x=1,y=2", "--wrt", "u"], "--wrt u"),
    (["x*y", "--at", "x=1,y=2", "--hvp", "x=abc"], "--hvp x"),
])
def test_bad_input_is_exit_2(args, words):
    code, out, err = run_cgrad_inprocess("hessian", *args)
    assert code == 2 and err.startswith("error:") and words in err and "Traceback" not in err


def test_domain_error_is_exit_1():
    code, _, err = run_cgrad_inprocess("hessian", "sqrt(x)*y", "--at", "x=0,y=1")
    assert code == 1 and err.startswith("error:")


def test_a_matrix_past_max_entries_is_refused_before_any_pass():
    # 3 variables: 9 entries; --max-entries 8 refuses (exit 2, the option named), 9 computes it
    code, out, err = run_cgrad_inprocess("hessian", "x*y*z", "--at", "x=1,y=2,z=3", "--max-entries", "8")
    assert code == 2 and out == ""
    assert err.startswith("error: the Hessian of 3 variables has 9 entries, more than --max-entries 8")
    assert "--hvp" in err and "--wrt" in err
    at = ("x*y*z", "--at", "x=1,y=2,z=3")
    # ∂²(xyz)/∂x∂y = z, ∂x∂z = y, ∂y∂z = x
    assert run_json_inprocess("hessian", *at, "--max-entries", "9")["hessian"] == [[0, 3, 2], [3, 0, 1], [2, 1, 0]]
    # H·v and --wrt need fewer entries: not refused
    assert run_json_inprocess("hessian", *at, "--max-entries", "1", "--hvp", "x=1")["hvp"] == {"x": 0, "y": 3, "z": 2}
    assert run_json_inprocess("hessian", *at, "--max-entries", "4", "--wrt", "x,y")["hessian"] == [[0, 3], [3, 0]]


def test_a_piecewise_tensor_has_each_elements_branch_curvature(run_json):
    # f = Σ if(0 < xᵢ < 1, xᵢ², xᵢ³): at x = (1/2, 2) the branches give ∂²/∂x₀² = 2 and ∂²/∂x₁² = 6·2 = 12
    # (the condition's tensor of dual numbers once met a scalar dual whole: an internal error)
    document = run_json("hessian", "if(x > 0 and x < 1, x^2, x^3)", "--at", "x=[0.5, 2]", "--no-trace")
    assert document["hessian"] == [[2, 0], [0, 12]] and document["value"] == [0.25, 8], document
    assert document["gradient"] == {"x[0]": 1, "x[1]": 12}  # 2·(1/2) and 3·2²
