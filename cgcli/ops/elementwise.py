"""The op table's elementwise rows: arithmetic and the functions of one or two numbers, each with its
forward rule, one local derivative per operand, and how both print (see declaration.py)."""
from __future__ import annotations

from ..errors import DomainError
from .declaration import Op, elementwise


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



ELEMENTWISE: tuple[Op, ...] = (
    # arithmetic
    elementwise("add", lambda ns, a, b: a + b, (_one, _one), "{0} + {1}", ("1", "1")),
    elementwise("sub", lambda ns, a, b: a - b, (_one, _minus_one), "{0} - {1}", ("1", "-1")),
    elementwise("mul", lambda ns, a, b: a * b, (lambda ns, ans, a, b: b, lambda ns, ans, a, b: a),
                "{0} · {1}", ("{1}", "{0}")),
    elementwise("div", _div, (lambda ns, ans, a, b: ns.one / b, lambda ns, ans, a, b: -ans / b),
                "{0} / {1}", ("1/{1}", "-{0}/{1}^2")),
    elementwise("pow", _pow, (_pow_dbase, _pow_dexponent), "{0} ^ {1}", ("{1}·{0}^({1} - 1)", "{ans}·log({0})")),
    elementwise("neg", lambda ns, x: -x, (_minus_one,), "-{0}", ("-1",)),
    elementwise("id", lambda ns, x: x, (_one,), "{0}", ("1",)),
    # exponentials, logarithms and roots
    elementwise("exp", lambda ns, x: ns.exp(x), (lambda ns, ans, x: ans,), "exp({0})", ("{ans}",)),
    elementwise("log", _log, (lambda ns, ans, x: ns.one / x,), "log({0})", ("1/{0}",)),
    elementwise("sqrt", _sqrt, (_sqrt_d,), "sqrt({0})", ("1/(2·{ans})",)),
    # trigonometric and hyperbolic
    elementwise("sin", lambda ns, x: ns.sin(x), (lambda ns, ans, x: ns.cos(x),), "sin({0})", ("cos({0})",)),
    elementwise("cos", lambda ns, x: ns.cos(x), (lambda ns, ans, x: -ns.sin(x),), "cos({0})", ("-sin({0})",)),
    elementwise("tan", lambda ns, x: ns.tan(x), (lambda ns, ans, x: ns.one + ans * ans,), "tan({0})",
                ("1 + {ans}^2",)),
    elementwise("tanh", lambda ns, x: ns.tanh(x), (lambda ns, ans, x: ns.one - ans * ans,), "tanh({0})",
                ("1 - {ans}^2",)),
    # activations
    elementwise("sigmoid", _sigmoid, (lambda ns, ans, x: ans * (ns.one - ans),), "sigmoid({0})",
                ("{ans}·(1 - {ans})",)),
    elementwise("softplus", _softplus, (lambda ns, ans, x: _sigmoid(ns, x),), "softplus({0})", ("sigmoid({0})",)),
    elementwise("relu", lambda ns, x: ns.maximum(x, ns.zero), (lambda ns, ans, x: ns.step(x, ns.relu0),),
                "relu({0})", ("[{0} > 0]",), convention="relu'(0) = {relu0}"),
    # kinks and branches
    elementwise("abs", lambda ns, x: abs(x), (lambda ns, ans, x: ns.sign(x),), "abs({0})", ("sign({0})",),
                convention="abs'(0) = 0"),
    elementwise("max", lambda ns, a, b: ns.maximum(a, b),
                (lambda ns, ans, a, b: ns.step(a - b, ns.one), lambda ns, ans, a, b: ns.step(b - a, ns.zero)),
                "max({0}, {1})", ("[{0} ≥ {1}]", "[{0} < {1}]"),
                convention="max(a, b) with a = b sends the gradient to a"),
    elementwise("min", lambda ns, a, b: ns.minimum(a, b),
                (lambda ns, ans, a, b: ns.step(b - a, ns.one), lambda ns, ans, a, b: ns.step(a - b, ns.zero)),
                "min({0}, {1})", ("[{0} ≤ {1}]", "[{0} > {1}]"),
                convention="min(a, b) with a = b sends the gradient to a"),
)
