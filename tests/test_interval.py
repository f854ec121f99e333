"""`--interval`: every value and partial derivative is an enclosure ["lo", "hi"] of the true one.

This file also holds the reference machinery that test_exact.py and test_digits.py import:

* a random expression generator (random.Random with a fixed seed) that builds expression trees
  from which both the cgrad source text and an independent evaluation are derived;
* `reference(tree, point, ctx)`: forward-mode automatic differentiation with dual numbers, written
  here from scratch, over Python Fractions (exact) or over a private mpmath context at 120 digits.
  It is a different algorithm from cgrad's (forward mode, not reverse mode), and most local
  derivatives are written through different formulas (quotient rule, tan' = 1/cos², tanh' = 1/cosh²,
  sigmoid' = e^-x/(1+e^-x)², tanh and tan and softplus computed from exp/sin/cos/log).

Expected values are never taken from cgrad's output.

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
import sys
from contextlib import contextmanager
from fractions import Fraction

import pytest

from conftest import run_cgrad_inprocess, run_json_inprocess

mpmath = pytest.importorskip("mpmath")
from mpmath.ctx_mp import MPContext  # noqa: E402


# ============================================================================================
# Reference machinery (imported by test_exact.py and test_digits.py)
# ============================================================================================

@contextmanager
def unlimited_int_digits():
    """Python 3.11+ refuses int<->str conversions past 4300 digits; the tests parse 10 000-digit
    strings in *this* process (never in cgrad's), so lift the limit just around that parsing."""
    getter = getattr(sys, "get_int_max_str_digits", None)
    if getter is None:
        yield
        return
    old = getter()
    sys.set_int_max_str_digits(0)
    try:
        yield
    finally:
        sys.set_int_max_str_digits(old)


def context(dps: int) -> MPContext:
    """A private mpmath context (cgrad may change mpmath.mp; the references never share it)."""
    ctx = MPContext()
    ctx.dps = dps
    return ctx


def to_fraction(x) -> Fraction:
    """An exact Fraction from a Fraction, int or mpmath mpf."""
    if isinstance(x, (Fraction, int)):
        return Fraction(x)
    sign, man, exp, _ = x._mpf_
    assert man or not exp, f"not a finite number: {x}"
    man = -man if sign else man
    return Fraction(man * 2 ** exp) if exp >= 0 else Fraction(man, 2 ** -exp)


def decimal_fraction(text: str) -> Fraction:
    """A decimal string printed by cgrad ("0.43", "-1.2e-05", "3") as an exact Fraction."""
    with unlimited_int_digits():
        return Fraction(text.strip())


class Dual:
    """A value with its gradient (one entry per variable), for forward-mode differentiation."""

    __slots__ = ("v", "d")

    def __init__(self, v, d):
        self.v, self.d = v, d


class Reference:
    """Forward-mode AD over Fractions (ctx None) or over an mpmath context.

    Conventions, as documented for cgrad: relu'(0) = relu0, abs'(0) = 0, max/min ties send the
    gradient to the first argument.
    """

    def __init__(self, names: list[str], ctx: MPContext | None = None, relu0: Fraction = Fraction(0)):
        self.names, self.ctx = names, ctx
        self.relu0 = self.num(relu0)
        self.near_kink = False
        self.magnitude = 0.0

    def num(self, q: Fraction):
        if self.ctx is None:
            return Fraction(q)
        return self.ctx.mpf(q.numerator) / q.denominator

    def const(self, value):
        return Dual(value, [0] * len(self.names))

    def var(self, name: str, value):
        return Dual(value, [1 if n == name else 0 for n in self.names])

    def _note(self, r: Dual) -> Dual:
        m = max([abs(r.v)] + [abs(x) for x in r.d])
        if m > self.magnitude:
            self.magnitude = float(m)
        return r

    def _chain(self, value, slope, a: Dual) -> Dual:
        return self._note(Dual(value, [slope * x for x in a.d]))

    # arithmetic
    def add(self, a, b): return self._note(Dual(a.v + b.v, [x + y for x, y in zip(a.d, b.d)]))
    def sub(self, a, b): return self._note(Dual(a.v - b.v, [x - y for x, y in zip(a.d, b.d)]))
    def neg(self, a): return Dual(-a.v, [-x for x in a.d])

    def mul(self, a, b):
        return self._note(Dual(a.v * b.v, [a.v * y + b.v * x for x, y in zip(a.d, b.d)]))

    def div(self, a, b):  # quotient rule
        q = b.v * b.v
        return self._note(Dual(a.v / b.v, [(x * b.v - a.v * y) / q for x, y in zip(a.d, b.d)]))

    def powi(self, a, k: int):
        return self._chain(a.v ** k, k * a.v ** (k - 1), a)

    def powr(self, a, b):  # a > 0: a^b = exp(b·log a)
        c = self.ctx
        log_a = c.log(a.v)
        value = c.exp(b.v * log_a)
        da, db = b.v * c.exp((b.v - 1) * log_a), value * log_a
        return self._note(Dual(value, [da * x + db * y for x, y in zip(a.d, b.d)]))

    # elementary functions
    def exp(self, a):
        v = self.ctx.exp(a.v)
        return self._chain(v, v, a)

    def log(self, a): return self._chain(self.ctx.log(a.v), 1 / a.v, a)

    def sqrt(self, a):
        v = self.ctx.sqrt(a.v)
        return self._chain(v, 1 / (2 * v), a)

    def sin(self, a): return self._chain(self.ctx.sin(a.v), self.ctx.cos(a.v), a)
    def cos(self, a): return self._chain(self.ctx.cos(a.v), -self.ctx.sin(a.v), a)

    def tan(self, a):
        c = self.ctx.cos(a.v)
        return self._chain(self.ctx.sin(a.v) / c, 1 / (c * c), a)

    def tanh(self, a):
        t = self.ctx.exp(2 * a.v)
        return self._chain((t - 1) / (t + 1), 1 / self.ctx.cosh(a.v) ** 2, a)

    def sigmoid(self, a):
        m = self.ctx.exp(-a.v)
        return self._chain(1 / (1 + m), m / (1 + m) ** 2, a)

    def softplus(self, a):
        return self._chain(self.ctx.log(1 + self.ctx.exp(a.v)), 1 / (1 + self.ctx.exp(-a.v)), a)

    # piecewise
    def _kink(self, distance):
        if abs(distance) <= 1e-9:
            self.near_kink = True

    def relu(self, a):
        self._kink(a.v)
        if a.v > 0:
            return a
        return Dual(a.v * 0, [x * (self.relu0 if a.v == 0 else 0) for x in a.d])

    def abs(self, a):
        self._kink(a.v)
        return a if a.v > 0 else self.neg(a) if a.v < 0 else Dual(a.v, [x * 0 for x in a.d])

    def max(self, a, b):
        self._kink(a.v - b.v)
        return a if a.v >= b.v else b

    def min(self, a, b):
        self._kink(a.v - b.v)
        return a if a.v <= b.v else b


# Expression trees: ("var", name) | ("const", text, Fraction or "pi"/"e") | (op, child, ...)
# | ("powi", child, k). Composite "safe" forms are built from primitive nodes by the generator.

def source(tree) -> str:
    op = tree[0]
    if op == "var":
        return tree[1]
    if op == "const":
        return tree[1]
    if op in ("add", "sub", "mul", "div"):
        symbol = {"add": "+", "sub": "-", "mul": "*", "div": "/"}[op]
        return f"({source(tree[1])} {symbol} {source(tree[2])})"
    if op == "neg":
        return f"(-{source(tree[1])})"
    if op == "powi":
        k = tree[2]
        return f"(({source(tree[1])})^{k if k >= 0 else f'({k})'})"
    if op == "powr":
        return f"(({source(tree[1])})^({source(tree[2])}))"
    if op in ("max", "min"):
        return f"{op}({source(tree[1])}, {source(tree[2])})"
    return f"{op}({source(tree[1])})"


def evaluate(tree, point: dict, ref: Reference) -> Dual:
    op = tree[0]
    if op == "var":
        return ref.var(tree[1], ref.num(point[tree[1]]))
    if op == "const":
        value = tree[2]
        if value == "pi":
            return ref.const(+ref.ctx.pi)
        if value == "e":
            return ref.const(ref.ctx.e + 0)
        return ref.const(ref.num(value))
    if op == "powi":
        return ref.powi(evaluate(tree[1], point, ref), tree[2])
    children = [evaluate(child, point, ref) for child in tree[1:]]
    return getattr(ref, op)(*children)


def reference(tree, point: dict, ctx: MPContext | None = None, relu0=Fraction(0)):
    """(value, {name: derivative}, reference) of the tree at point (name -> Fraction)."""
    names = sorted(point)
    ref = Reference(names, ctx, relu0)
    result = evaluate(tree, point, ref)
    return result.v, dict(zip(names, result.d)), ref


def variables(tree) -> set[str]:
    if tree[0] == "var":
        return {tree[1]}
    if tree[0] == "const":
        return set()
    return set().union(*(variables(child) for child in tree[1:] if isinstance(child, tuple)))


NAMES = ["x", "y", "w1", "b_2"]
V = lambda name: ("var", name)  # noqa: E731


def C(text: str, value=None):
    return ("const", text, Fraction(text.strip("()")) if value is None else value)


ONE, TWO = C("1"), C("2")
RATIONAL_CONSTANTS = ["0.5", "1.5", "2", "3", "0.25", "0.1", "(1/3)", "(2/7)", "1.2e-1"]
REAL_CONSTANTS = RATIONAL_CONSTANTS + ["pi", "e"]


def _square_plus(a, c=ONE):
    return ("add", c, ("powi", a, 2))


def rational_rules():
    """Ops that keep rationals rational; every division is by something >= 1."""
    return [
        (2, lambda a, b: ("add", a, b)), (2, lambda a, b: ("add", a, b)),
        (2, lambda a, b: ("sub", a, b)),
        (2, lambda a, b: ("mul", a, b)), (2, lambda a, b: ("mul", a, b)),
        (2, lambda a, b: ("div", a, _square_plus(b))),              # a / (1 + b^2)
        (2, lambda a, b: ("div", a, ("add", TWO, ("abs", b)))),      # a / (2 + |b|)
        (1, lambda a, b: ("neg", a)),
        (1, lambda a, b: ("mul", C("3"), a)),
        (1, lambda a, b: ("powi", a, 2)), (1, lambda a, b: ("powi", a, 3)),
        (1, lambda a, b: ("powi", _square_plus(a), -1)),             # (1 + a^2)^(-1)
        (1, lambda a, b: ("powi", _square_plus(a), -2)),
        (1, lambda a, b: ("relu", a)), (1, lambda a, b: ("abs", a)),
        (2, lambda a, b: ("max", a, b)), (2, lambda a, b: ("min", a, b)),
    ]


def real_rules():
    """Every op of the op table, each on a domain where it is defined and smooth enough."""
    return rational_rules() + [
        (2, lambda a, b: ("div", a, ("add", TWO, ("sin", b)))),      # a / (2 + sin b)
        (2, lambda a, b: ("powr", _square_plus(a), ("sin", b))),     # (1 + a^2)^sin(b)
        (2, lambda a, b: ("powr", _square_plus(a), ("tanh", b))),
        (1, lambda a, b: ("exp", ("sin", a))), (1, lambda a, b: ("exp", ("tanh", a))),
        (1, lambda a, b: ("exp", ("neg", ("powi", a, 2)))),
        (1, lambda a, b: ("log", _square_plus(a))),
        (1, lambda a, b: ("log", ("add", TWO, ("cos", a)))),
        (1, lambda a, b: ("sqrt", _square_plus(a))),
        (1, lambda a, b: ("sqrt", ("add", TWO, ("cos", a)))),
        (1, lambda a, b: ("tan", ("tanh", a))),                       # |tanh| < 1 < pi/2
        (1, lambda a, b: ("sin", a)), (1, lambda a, b: ("cos", a)), (1, lambda a, b: ("tanh", a)),
        (1, lambda a, b: ("sigmoid", a)), (1, lambda a, b: ("softplus", a)),
        (1, lambda a, b: ("sin", a)), (1, lambda a, b: ("tanh", a)),
    ]


def _tree(rng: random.Random, rules, names, constants, depth: int, root: bool = False):
    if depth == 0 or (not root and rng.random() < 0.2):
        if rng.random() < 0.75:
            return V(rng.choice(names))
        text = rng.choice(constants)
        return C(text, text) if text in ("pi", "e") else C(text)
    arity, rule = rng.choice(rules)
    a = _tree(rng, rules, names, constants, depth - 1)
    b = _tree(rng, rules, names, constants, depth - 1) if arity == 2 else None
    return rule(a, b)


def decimal_text(q: Fraction) -> str:
    """The exact decimal text of a Fraction whose denominator divides a power of 10."""
    sign = "-" if q < 0 else ""
    q = abs(q)
    places = 0
    while (q * 10 ** places).denominator != 1:
        places += 1
    digits = str((q * 10 ** places).numerator).rjust(places + 1, "0")
    return sign + (digits[:-places] + "." + digits[-places:] if places else digits)


def generate(count: int, seed: int, family: str, max_depth: int = 5):
    """[(tree, {name: Fraction})] with at least one variable each. family: 'rational' or 'real'.

    Rational points mix fractions p/q and decimals; real points are decimals with up to 4 places
    in [-2, 2]."""
    rng = random.Random(seed)
    rules = rational_rules() if family == "rational" else real_rules()
    constants = RATIONAL_CONSTANTS if family == "rational" else REAL_CONSTANTS
    cases = []
    while len(cases) < count:
        names = rng.sample(NAMES, rng.randint(1, 3))
        tree = _tree(rng, rules, names, constants, rng.randint(2, max_depth), root=True)
        used = sorted(variables(tree))
        if not used:
            continue
        point = {}
        for name in used:
            if family == "rational" and rng.random() < 0.5:
                point[name] = Fraction(rng.randint(-9, 9), rng.randint(1, 9))
            else:
                point[name] = Fraction(rng.randint(-20000, 20000), 10000)
        cases.append((tree, point))
    return cases


def at_text(point: dict) -> str:
    """--at text for a point of Fractions: decimals where exact, else p/q."""
    def one(q: Fraction) -> str:
        d = q.denominator
        while d % 2 == 0:
            d //= 2
        while d % 5 == 0:
            d //= 5
        return decimal_text(q) if d == 1 else f"{q.numerator}/{q.denominator}"
    return ",".join(f"{name}={one(q)}" for name, q in point.items())


def api_eval(src: str, at: str, mode: str, digits: int | None = None):
    """(value, gradient) as cgrad's JSON renders them, through the Python API (no process start)."""
    from cgcli.bindings import split_bindings
    from cgcli.numbers import number_system
    from cgcli.evaluation import evaluate as evaluate_text
    from cgcli.syntax import parse

    ns = number_system(mode, digits=digits)
    program = parse(src)
    trace = evaluate_text(program.graph(), split_bindings((at,)), program, ns, None, record=False)
    return trace.numbers.to_json(trace.value), {k: trace.numbers.to_json(g) for k, g in trace.gradient.items()}


# ============================================================================================
# Interval checks
# ============================================================================================

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
RATIONAL_CASES = generate(200, 31337, "rational")
REAL_CASES = generate(200, 4242, "real")


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
