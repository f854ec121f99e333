"""THE op table: per op, its forward rule, its derivative rules, and how both print.

Rules receive the number system `ns` first, so one rule serves every number mode and tensors
of them. Elementwise ops give a local derivative per operand, `(ns, ans, *operands)` where `ans`
is the op's output (micrograd's and HIPS autograd's convention, so `exp` reuses its output);
the backward pass multiplies it by the upstream derivative. Tensor ops (matmul, sum, softmax…,
in tensor_ops.py) give a vector-Jacobian product per operand instead, `(ns, g, ans, *operands)`
with `g` the upstream derivative: JAX's and autograd's `defvjp`. In the notations `{0}`, `{1}`
stand for the operands' names, `{ans}` for the node's own name and `{g}` for the upstream
derivative.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from .errors import DomainError

Rule = Callable[..., object]


@dataclass(frozen=True)
class Op:
    name: str
    forward: Rule
    partials: tuple[Rule, ...]  # elementwise ops: one local derivative rule per operand
    notation: str  # how a node's definition prints, e.g. "{0} + {1}" or "sin({0})"
    partial_notations: tuple[str, ...]  # the local derivatives (or VJPs) written out, per operand
    function: str | None = None  # the name users call it by, if it is a function
    convention: str | None = None  # the choice made where the derivative does not exist
    vjps: tuple[Rule | None, ...] = ()  # tensor ops: one VJP per operand; None: not differentiable
    broadcasts: bool = False  # elementwise with two operands whose shapes may broadcast

    @property
    def arity(self) -> int:
        return len(self.partials) or len(self.vjps)

    @property
    def callable(self) -> bool:
        return self.function is not None


OPS: dict[str, Op] = {}
_BROADCASTING = {"add", "sub", "mul", "div", "pow", "max", "min"}


def _define(name: str, forward: Rule, partials: tuple[Rule, ...], notation: str,
            partial_notations: tuple[str, ...], convention: str | None = None) -> None:
    function = name if notation.startswith(name + "(") else None
    OPS[name] = Op(name, forward, partials, notation, partial_notations, function, convention,
                   broadcasts=name in _BROADCASTING)


def _define_vjp(name: str, function: str | None, forward: Rule, vjps: tuple[Rule | None, ...], notation: str,
                vjp_notations: tuple[str, ...]) -> None:
    OPS[name] = Op(name, forward, (), notation, vjp_notations, function, vjps=vjps)


def _one(ns, ans, *operands):
    return ns.one


def _minus_one(ns, ans, *operands):
    return -ns.one


def _div(ns, a, b):
    signs = ns.signs(b)
    if 0 in signs:
        raise DomainError("division by zero" if signs == {0} else "division by an interval that contains 0")
    return a / b


def _pow(ns, a, b):
    if 0 in ns.signs(a) and -1 in ns.signs(b):
        raise DomainError("zero raised to a negative power")
    if -1 in ns.signs(a) and not ns.is_integer(b):
        raise DomainError("negative base raised to a non-integer power")
    return ns.pow(a, b)


def _pow_dbase(ns, ans, a, b):
    return ns.zero if ns.signs(b) == {0} else b * _pow(ns, a, b - 1)


def _pow_dexponent(ns, ans, a, b):
    if ns.signs(a) == {1}:
        return ans * ns.log(a)
    if ns.signs(a) == {0} and ns.signs(b) == {1}:
        return ns.zero
    raise DomainError("it needs the log of the base, which is not positive")


def _log(ns, x):
    if ns.signs(x) & {-1, 0}:
        raise DomainError("log of a non-positive number")
    return ns.log(x)


def _sqrt(ns, x):
    if -1 in ns.signs(x):
        raise DomainError("square root of a negative number")
    return ns.sqrt(x)


def _sqrt_d(ns, ans, x):
    if 0 in ns.signs(ans):
        raise DomainError("sqrt has an infinite slope at 0")
    return ns.one / (2 * ans)


def _sigmoid(ns, x):
    # the same function twice: for x < 0 the second form keeps exp from overflowing
    return ns.piecewise(x, lambda v: ns.one / (ns.one + ns.exp(-v)), lambda v: ns.exp(v) / (ns.one + ns.exp(v)))


def _softplus(ns, x):
    return ns.maximum(x, ns.zero) + ns.log1p(ns.exp(-abs(x)))


_define("add", lambda ns, a, b: a + b, (_one, _one), "{0} + {1}", ("1", "1"))
_define("sub", lambda ns, a, b: a - b, (_one, _minus_one), "{0} - {1}", ("1", "-1"))
_define("mul", lambda ns, a, b: a * b,
        (lambda ns, ans, a, b: b, lambda ns, ans, a, b: a), "{0} · {1}", ("{1}", "{0}"))
_define("div", _div,
        (lambda ns, ans, a, b: ns.one / b, lambda ns, ans, a, b: -ans / b),
        "{0} / {1}", ("1/{1}", "-{0}/{1}^2"))
_define("pow", _pow, (_pow_dbase, _pow_dexponent), "{0} ^ {1}",
        ("{1}·{0}^({1} - 1)", "{ans}·log({0})"))
_define("neg", lambda ns, x: -x, (_minus_one,), "-{0}", ("-1",))
_define("id", lambda ns, x: x, (_one,), "{0}", ("1",))
_define("exp", lambda ns, x: ns.exp(x), (lambda ns, ans, x: ans,), "exp({0})", ("{ans}",))
_define("log", _log, (lambda ns, ans, x: ns.one / x,), "log({0})", ("1/{0}",))
_define("sqrt", _sqrt, (_sqrt_d,), "sqrt({0})", ("1/(2·{ans})",))
_define("sin", lambda ns, x: ns.sin(x), (lambda ns, ans, x: ns.cos(x),), "sin({0})", ("cos({0})",))
_define("cos", lambda ns, x: ns.cos(x), (lambda ns, ans, x: -ns.sin(x),), "cos({0})", ("-sin({0})",))
_define("tan", lambda ns, x: ns.tan(x), (lambda ns, ans, x: ns.one + ans * ans,), "tan({0})",
        ("1 + {ans}^2",))
_define("tanh", lambda ns, x: ns.tanh(x), (lambda ns, ans, x: ns.one - ans * ans,), "tanh({0})",
        ("1 - {ans}^2",))
_define("sigmoid", _sigmoid, (lambda ns, ans, x: ans * (ns.one - ans),), "sigmoid({0})",
        ("{ans}·(1 - {ans})",))
_define("softplus", _softplus, (lambda ns, ans, x: _sigmoid(ns, x),), "softplus({0})",
        ("sigmoid({0})",))
_define("relu", lambda ns, x: ns.maximum(x, ns.zero),
        (lambda ns, ans, x: ns.step(x, ns.relu0),), "relu({0})", ("[{0} > 0]",),
        convention="relu'(0) = {relu0}")
_define("abs", lambda ns, x: abs(x), (lambda ns, ans, x: ns.sign(x),), "abs({0})",
        ("sign({0})",), convention="abs'(0) = 0")
_define("max", lambda ns, a, b: ns.maximum(a, b),
        (lambda ns, ans, a, b: ns.step(a - b, ns.one), lambda ns, ans, a, b: ns.step(b - a, ns.zero)),
        "max({0}, {1})", ("[{0} ≥ {1}]", "[{0} < {1}]"),
        convention="max(a, b) with a = b sends the gradient to a")
_define("min", lambda ns, a, b: ns.minimum(a, b),
        (lambda ns, ans, a, b: ns.step(b - a, ns.one), lambda ns, ans, a, b: ns.step(a - b, ns.zero)),
        "min({0}, {1})", ("[{0} ≤ {1}]", "[{0} > {1}]"),
        convention="min(a, b) with a = b sends the gradient to a")

from . import tensor_ops  # noqa: E402,F401 - registers matmul, sum, softmax, … in OPS

FUNCTIONS: dict[str, dict[int, Op]] = {}  # the name users call → its op for each number of arguments
for _op in OPS.values():
    if _op.function:
        FUNCTIONS.setdefault(_op.function, {})[_op.arity] = _op
CONSTANTS = ("pi", "e")
