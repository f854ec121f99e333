"""Gradients of randomly generated expressions against central finite differences.

A generator (random.Random(1234), so every run sees the same 200 expressions) builds each
expression twice in parallel: as cgrad source and as Python source over the math module.
Every op of the op table occurs, each on a safe domain:
  log and sqrt only of something >= 1 (1 + A^2, 2 + cos A), division only by 2 + sin(B),
  exp only of something bounded (sin, tanh, -A^2), tan only of tanh(A) (|arg| < 1 < pi/2),
  a real exponent only on a base 1 + A^2 >= 1 and bounded by sin/tanh.
Variables take values in [-2, 2].

Reference: central differences (f(x+h) - f(x-h)) / 2h of the Python float function with
h = 1e-6·max(1, |x|). Tolerance: |cgrad - fd| <= 1e-5·max(|cgrad|, |fd|) + 1e-6·max(1, |f(x)|)
(relative 1e-5; the absolute part covers the round-off of the difference, about
eps·|f|/h = 2e-10·|f|). Values must agree with Python's to a relative 1e-12.
"""
from __future__ import annotations

import math
import random
import re

import pytest

from conftest import api, central_difference, run_json_inprocess

NAMES = ["x", "y", "w1", "b_2", "θ"]
CONSTANTS = [("0.5", "0.5"), ("1.5", "1.5"), ("2", "2"), ("3", "3"), ("0.25", "0.25"), ("pi", "math.pi")]


def _sigmoid(z: float) -> float:
    return 1 / (1 + math.exp(-z)) if z >= 0 else math.exp(z) / (1 + math.exp(z))


def _softplus(z: float) -> float:
    return max(z, 0.0) + math.log1p(math.exp(-abs(z)))


PY_GLOBALS = {"math": math, "_sigmoid": _sigmoid, "_softplus": _softplus, "__builtins__": {"max": max, "min": min, "abs": abs}}


class Generator:
    """Builds (cgrad source, Python source) pairs of the same expression."""

    def __init__(self, rng: random.Random, names: list[str]) -> None:
        self.rng, self.names = rng, names

    def leaf(self) -> tuple[str, str]:
        if self.rng.random() < 0.75:
            name = self.rng.choice(self.names)
            return name, name
        return self.rng.choice(CONSTANTS)

    def expr(self, depth: int, root: bool = False) -> tuple[str, str]:
        rng = self.rng
        if depth == 0 or (not root and rng.random() < 0.2):
            return self.leaf()
        kind = rng.choice(RULES)
        a = self.expr(depth - 1)
        b = self.expr(depth - 1) if kind in TWO_OPERANDS else None
        return kind(rng, a, b)


# Each rule takes the operands' (cgrad, python) pairs and returns the combined pair.
def _add(rng, a, b): return f"({a[0]} + {b[0]})", f"({a[1]} + {b[1]})"
def _sub(rng, a, b): return f"({a[0]} - {b[0]})", f"({a[1]} - {b[1]})"
def _mul(rng, a, b):
    star = rng.choice(["*", "*", "·", "×"])
    return f"({a[0]} {star} {b[0]})", f"({a[1]} * {b[1]})"
def _div(rng, a, b): return f"({a[0]} / (2 + sin({b[0]})))", f"({a[1]} / (2 + math.sin({b[1]})))"
def _neg(rng, a, b): return f"(-{a[0]})", f"(-{a[1]})"
def _implicit(rng, a, b):  # implicit multiplication after a number literal: 3(A)
    c = rng.choice(["2", "3", "0.5"])
    return f"{c}({a[0]})", f"({c}*({a[1]}))"
def _int_pow(rng, a, b):
    k, symbol = rng.choice(["2", "3"]), rng.choice(["^", "**"])
    return f"(({a[0]}){symbol}{k})", f"(({a[1]})**{k})"
def _real_pow(rng, a, b):
    bounded = rng.choice(["sin", "tanh"])
    return (f"((1 + ({a[0]})^2)^{bounded}({b[0]}))",
            f"((1 + ({a[1]})**2)**math.{bounded}({b[1]}))")
def _exp(rng, a, b):
    form = rng.choice(["sin", "tanh", "gauss"])
    if form == "gauss":
        return f"exp(-({a[0]})^2)", f"math.exp(-(({a[1]})**2))"
    return f"exp({form}({a[0]}))", f"math.exp(math.{form}({a[1]}))"
def _log(rng, a, b):
    if rng.random() < 0.5:
        return f"log(1 + ({a[0]})^2)", f"math.log(1 + ({a[1]})**2)"
    return f"log(2 + cos({a[0]}))", f"math.log(2 + math.cos({a[1]}))"
def _sqrt(rng, a, b):
    if rng.random() < 0.5:
        return f"sqrt(1 + ({a[0]})^2)", f"math.sqrt(1 + ({a[1]})**2)"
    return f"sqrt(2 + cos({a[0]}))", f"math.sqrt(2 + math.cos({a[1]}))"
def _tan(rng, a, b): return f"tan(tanh({a[0]}))", f"math.tan(math.tanh({a[1]}))"
def _math1(name):
    def rule(rng, a, b): return f"{name}({a[0]})", f"math.{name}({a[1]})"
    rule.__name__ = name
    return rule
def _sigmoid_rule(rng, a, b): return f"sigmoid({a[0]})", f"_sigmoid({a[1]})"
def _softplus_rule(rng, a, b): return f"softplus({a[0]})", f"_softplus({a[1]})"
def _relu(rng, a, b): return f"relu({a[0]})", f"max({a[1]}, 0.0)"
def _abs(rng, a, b): return f"abs({a[0]})", f"abs({a[1]})"
def _max(rng, a, b): return f"max({a[0]}, {b[0]})", f"max({a[1]}, {b[1]})"
def _min(rng, a, b): return f"min({a[0]}, {b[0]})", f"min({a[1]}, {b[1]})"


TWO_OPERANDS = {_add, _sub, _mul, _div, _real_pow, _max, _min}
RULES = [_add, _add, _sub, _mul, _mul, _div, _neg, _implicit, _int_pow, _real_pow, _exp, _log, _sqrt, _tan,
         _math1("sin"), _math1("cos"), _math1("tanh"), _sigmoid_rule, _softplus_rule, _relu, _abs, _max, _min]


def _generate(count: int = 200, seed: int = 1234) -> list[tuple[str, str, dict]]:
    rng = random.Random(seed)
    cases = []
    while len(cases) < count:
        names = rng.sample(NAMES, rng.randint(1, 4))
        source, python = Generator(rng, names).expr(rng.randint(2, 6), root=True)
        used = {name: round(rng.uniform(-2, 2), 6) for name in names if _mentions(source, name)}
        if not used:   # a constant expression has no gradient to check
            continue
        cases.append((source, python, used))
    return cases


def _mentions(source: str, name: str) -> bool:
    return re.search(rf"(?<![\w]){re.escape(name)}(?![\w])", source) is not None


CASES = _generate()


def _python_function(python: str):
    code = compile(python, "<generated>", "eval")
    return lambda point: eval(code, PY_GLOBALS, dict(point))


def _check(source: str, python: str, point: dict, value: float, gradient: dict) -> None:
    f = _python_function(python)
    expected = f(point)
    assert value == pytest.approx(expected, rel=1e-12, abs=1e-300), f"value of {source} at {point}"
    assert set(gradient) == set(point), source
    scale = max(1.0, abs(expected))
    for name in point:
        fd = central_difference(f, point, name)
        g = gradient[name]
        tolerance = 1e-5 * max(abs(g), abs(fd)) + 1e-6 * scale
        assert abs(g - fd) <= tolerance, (f"d/d{name} of {source} at {point}: cgrad {g}, "
                                         f"finite difference {fd}, python {python}")


def test_generator_covers_every_op():
    sources = " ".join(source for source, _, _ in CASES)
    for token in ["exp(", "log(", "sqrt(", "sin(", "cos(", "tan(", "tanh(", "sigmoid(", "relu(",
                  "softplus(", "abs(", "max(", "min(", " / ", " - ", " + ", "^", "**", "·", "×", "(-", "pi"]:
        assert token in sources, token
    assert len(CASES) >= 200
    assert {len(point) for _, _, point in CASES} == {1, 2, 3, 4}


@pytest.mark.parametrize("index", range(len(CASES)))
def test_random_gradient_api(index):
    source, python, point = CASES[index]
    trace = api(source, **point)
    _check(source, python, point, trace.value, trace.gradient)


@pytest.mark.parametrize("index", range(0, len(CASES), 20))
def test_random_gradient_cli(index):
    source, python, point = CASES[index]
    at = ",".join(f"{name}={value!r}" for name, value in point.items())
    document = run_json_inprocess("eval", source, "--at", at, "--no-trace")
    _check(source, python, point, document["value"], document["gradient"])
