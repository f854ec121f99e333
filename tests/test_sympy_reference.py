"""Values and gradients against sympy (an independent computer algebra system), in float, exact
and --digits modes, over randomly generated expressions (fixed seeds, so every run sees the same).

- float: a quarter of the expressions of test_random_gradients (every op, safe domains), differentiated by
  sympy's `diff` and evaluated at 40 digits; cgrad must agree to a relative 1e-9.
- --digits 30: a tenth of them; cgrad prints a correctly rounded 30-digit decimal, so it
  must lie within one unit of the 30th digit of sympy's value.
- --exact: rational expressions (+, −, ·, /, integer powers, abs, relu, max, min) at rational
  points; cgrad's fractions must equal sympy's Rationals exactly.
"""
from __future__ import annotations

import random
import re
from decimal import Decimal
from fractions import Fraction
from types import SimpleNamespace

import pytest

from conftest import run_json_inprocess
from test_random_gradients import CASES

sympy = pytest.importorskip("sympy", reason="sympy is not installed (it is in the test extras: pip install '.[test]')")

MATH = SimpleNamespace(sin=sympy.sin, cos=sympy.cos, tan=sympy.tan, tanh=sympy.tanh, exp=sympy.exp,
                       log=sympy.log, sqrt=sympy.sqrt, pi=sympy.pi)
SYMPY_GLOBALS = {
    "math": MATH,
    "sympy": sympy,
    "_sigmoid": lambda z: 1 / (1 + sympy.exp(-z)),
    "_softplus": lambda z: sympy.log(1 + sympy.exp(z)),
    "__builtins__": {"max": sympy.Max, "min": sympy.Min, "abs": sympy.Abs},
}


def _sympy_expression(python: str, names) -> tuple[object, dict]:
    symbols = {name: sympy.Symbol(name, real=True) for name in names}
    # decimal literals as the exact rationals they denote: a Python float would make sympy
    # evaluate exp(0.5) to 15 digits on the spot
    exact = re.sub(r"(?<![\w.])(\d+\.\d+)", r'sympy.Rational("\1")', python)
    return eval(exact, SYMPY_GLOBALS, dict(symbols)), symbols


def _reference(python: str, point: dict[str, str], digits: int = 50) -> tuple[object, dict]:
    """sympy's value and partial derivatives at `point` (decimal texts, read exactly)."""
    expression, symbols = _sympy_expression(python, point)
    at = {symbols[name]: sympy.Rational(text) for name, text in point.items()}
    value = sympy.N(expression.subs(at), digits)
    gradient = {name: sympy.N(sympy.diff(expression, symbols[name]).subs(at), digits) for name in point}
    return value, gradient


def _at(point: dict[str, str]) -> str:
    return ",".join(f"{name}={text}" for name, text in point.items())


FLOAT_CASES = CASES[::4]  # 50 expressions
DIGITS_CASES = CASES[1::10]  # 20 expressions


@pytest.mark.parametrize("index", range(len(FLOAT_CASES)))
def test_float_against_sympy(index):
    source, python, values = FLOAT_CASES[index]
    point = {name: repr(value) for name, value in values.items()}
    value, gradient = _reference(python, point)
    document = run_json_inprocess("eval", source, "--at", _at(point), "--no-trace")
    scale = max(1.0, abs(float(value)))
    assert document["value"] == pytest.approx(float(value), rel=1e-9, abs=1e-12 * scale), source
    for name, expected in gradient.items():
        assert document["gradient"][name] == pytest.approx(float(expected), rel=1e-9, abs=1e-9 * scale), \
            f"∂/∂{name} of {source} at {point}"


def _within_last_digit(printed: str, expected, digits: int) -> bool:
    """`printed` (a correctly rounded decimal of `digits` significant digits) is within one unit
    of its last digit from `expected`; an uncertain zero ("0.0") must be tiny."""
    exact = Decimal(str(sympy.N(expected, digits + 20)))
    shown = Decimal(printed)
    if shown == 0:
        return abs(exact) < Decimal(10) ** -(digits - 5)
    unit = Decimal(10) ** (shown.adjusted() - digits + 1)
    return abs(shown - exact) <= unit


@pytest.mark.parametrize("index", range(len(DIGITS_CASES)))
def test_digits_against_sympy(index):
    source, python, values = DIGITS_CASES[index]
    point = {name: repr(value) for name, value in values.items()}
    value, gradient = _reference(python, point, 60)
    document = run_json_inprocess("eval", source, "--at", _at(point), "--no-trace", "--digits", "30")
    assert _within_last_digit(document["value"], value, 30), (source, document["value"], value)
    for name, expected in gradient.items():
        assert _within_last_digit(document["gradient"][name], expected, 30), \
            (f"∂/∂{name} of {source} at {point}", document["gradient"][name], expected)


def _rational_expression(rng: random.Random, names: list[str], depth: int) -> tuple[str, str]:
    """(cgrad source, Python source over sympy) of a rational function that is defined everywhere."""
    if depth == 0 or rng.random() < 0.2:
        if rng.random() < 0.7:
            name = rng.choice(names)
            return name, name
        p, q = rng.randint(-5, 5), rng.randint(1, 4)
        return f"({p}/{q})", f"sympy.Rational({p}, {q})"
    a = _rational_expression(rng, names, depth - 1)
    b = _rational_expression(rng, names, depth - 1)
    kind = rng.choice(list(RATIONAL_RULES) + ["pow"])
    if kind == "pow":
        k = rng.choice([2, 3, -1, -2])
        base = "1 + ({})^2" if k < 0 else "{}"  # a negative power only of something ≥ 1
        cgrad_base, sympy_base = base.format(a[0]), base.format(a[1]).replace("^", "**")
        return f"(({cgrad_base})^({k}))", f"(({sympy_base})**({k}))"
    cgrad_template, sympy_template = RATIONAL_RULES[kind]
    return cgrad_template.format(a=a[0], b=b[0]), sympy_template.format(a=a[1], b=b[1])


# kind → (cgrad template, Python-over-sympy template); division only by 1 + B^2 ≥ 1
RATIONAL_RULES = {
    "add": ("({a} + {b})", "({a} + {b})"),
    "sub": ("({a} - {b})", "({a} - {b})"),
    "mul": ("({a} * {b})", "({a} * {b})"),
    "div": ("({a} / (1 + ({b})^2))", "({a} / (1 + ({b})**2))"),
    "neg": ("(-{a})", "(-{a})"),
    "abs": ("abs({a})", "abs({a})"),
    "relu": ("relu({a})", "max({a}, 0)"),
    "max": ("max({a}, {b})", "max({a}, {b})"),
    "min": ("min({a}, {b})", "min({a}, {b})"),
}


def _rational_cases(count: int = 60, seed: int = 4321) -> list[tuple[str, str, dict[str, str]]]:
    rng = random.Random(seed)
    cases = []
    while len(cases) < count:
        names = rng.sample(["x", "y", "z"], rng.randint(1, 3))
        source, python = _rational_expression(rng, names, rng.randint(2, 5))
        used = [name for name in names if re.search(rf"\b{name}\b", source)]
        # nonzero points away from 0 keep relu, abs, max and min off their kinks
        point = {name: f"{rng.choice([-1, 1]) * rng.randint(1, 9)}/{rng.randint(1, 7)}" for name in used}
        if point:
            cases.append((source, python, point))
    return cases


RATIONAL_CASES = _rational_cases()


def _on_a_kink(expression, at: dict) -> bool:
    """Whether abs, max or min is evaluated where its branches meet."""
    for call in expression.atoms(sympy.Abs, sympy.Max, sympy.Min):
        arguments = [argument.subs(at) for argument in call.args]
        if (len(arguments) == 1 and arguments[0] == 0) or (len(arguments) > 1 and len(set(arguments)) < len(arguments)):
            return True
    return False


def test_rational_cases_rarely_sit_on_kinks():
    on_kinks = 0
    for _, python, point in RATIONAL_CASES:
        expression, symbols = _sympy_expression(python, point)
        on_kinks += _on_a_kink(expression, {symbols[n]: sympy.Rational(t) for n, t in point.items()})
    assert on_kinks <= len(RATIONAL_CASES) // 10


@pytest.mark.parametrize("index", range(len(RATIONAL_CASES)))
def test_exact_against_sympy(index):
    source, python, point = RATIONAL_CASES[index]
    expression, symbols = _sympy_expression(python, point)
    at = {symbols[name]: sympy.Rational(text) for name, text in point.items()}
    if _on_a_kink(expression, at):
        pytest.skip("the random point is on a kink, where sympy's derivative is undefined")
    document = run_json_inprocess("eval", source, "--at", _at(point), "--no-trace", "--exact")
    assert Fraction(document["value"]) == Fraction(str(expression.subs(at))), source
    for name in point:
        expected = sympy.diff(expression, symbols[name]).subs(at)
        assert Fraction(document["gradient"][name]) == Fraction(str(sympy.nsimplify(expected))), \
            f"∂/∂{name} of {source} at {point}"
