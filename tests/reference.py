"""Reference machinery for the number-system tests (test_interval, test_exact, test_digits).

* a random expression generator (random.Random with a fixed seed) that builds expression trees
  from which both the cgrad source text and an independent evaluation are derived;
* `reference(tree, point, ctx)`: forward-mode automatic differentiation with dual numbers, written
  here from scratch, over Python Fractions (exact) or over a private mpmath context at 120 digits.
  It is a different algorithm from cgrad's (forward mode, not reverse mode), and most local
  derivatives are written through different formulas (quotient rule, tan' = 1/cos², tanh' = 1/cosh²,
  sigmoid' = e^-x/(1+e^-x)², tanh and tan and softplus computed from exp/sin/cos/log).

Expected values are never taken from cgrad's output.
"""
from __future__ import annotations

import random
import re
from fractions import Fraction

import mpmath  # noqa: F401 - the references compute in private mpmath contexts
from mpmath.ctx_mp import MPContext

from cgcli.numbers.text import long_int_text
from conftest import run_cgrad_inprocess, run_json_inprocess  # noqa: F401

# ============================================================================================

# the tests parse 10 000-digit strings in *this* process: lift Python's int↔str limit just there
unlimited_int_digits = long_int_text


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
    from cgcli.language.bindings import split_bindings
    from cgcli.numbers import number_system
    from cgcli.passes.evaluation import evaluate as evaluate_text
    from cgcli.language.syntax import parse

    ns = number_system(mode, digits=digits)
    program = parse(src)
    trace = evaluate_text(program.graph(), split_bindings((at,)), program, ns, None, record=False)
    return trace.numbers.to_json(trace.value), {k: trace.numbers.to_json(g) for k, g in trace.gradient.items()}


# ============================================================================================
# Interval checks
# ============================================================================================


RATIONAL_CASES = generate(200, 31337, "rational")
REAL_CASES = generate(200, 4242, "real")
