"""The op table's elementwise rows: arithmetic and the functions of one or two numbers, each with its
forward rule, its one derivative rule per operand, the guards where a derivative does not exist, and
its spellings in LaTeX, Python, NumPy and C (see declaration.py)."""
from __future__ import annotations

import math

from ..errors import DomainError
from .declaration import ATOM, POWER, PRODUCT, SUM, UNARY, Op, composite, elementwise


# ---- the functions' implementations per number system (Op.numbers): each system finds its own on first
# use (numbers/system.py, NumberSystem.__getattr__); tensors and dual numbers lift them ----

def _math(function):
    """A float implementation: the math module's function."""
    return lambda ns, *operands: function(*operands)


def _grows(function):
    """A float implementation of a function that grows like exp: past the float range, the refusal
    says how many digits the result has."""
    return lambda ns, x: ns.overflow_checked(function, x)


def _float_cbrt(ns, x: float) -> float:
    """The real cube root where math.cbrt is missing (Python 3.11+ has it): the power, then one Newton
    step (27 ** (1/3) is 3.0000000000000004)."""
    if x == 0 or not math.isfinite(x):
        return x
    root = math.copysign(abs(x) ** (1 / 3), x)
    return root - (root * root * root - x) / (3 * root * root)


def _rational_at(name: str, point: int, value: int, call: str = "{name}({x})", known: bool = True):
    """An exact implementation: rational only at `point`, where it is `value` (numbers/exact.py)."""
    return lambda ns, x: ns.rational_only_at(name, x, point, value, call, known)


def _exact_atan2(ns, y, x):
    if y == 0 and x > 0:
        return ns.zero
    raise ns.irrational(f"atan2({ns.format(y)}, {ns.format(x)})")  # ±π/2, π, or atan(q) (+ π)


def _enclosed(name: str, increasing: bool = True, grows: bool = False, even: bool = False):
    """An interval implementation by mpmath's libmp function `name`, monotone over the argument (or, for
    an even function, over its magnitude); one that grows like exp is refused past --max-digits first."""
    def enclosure(ns, x):
        # the interval modules (and fractions) load only for --interval, not at every start
        from ..numbers.enclosure import exp_log10
        from ..numbers.interval import libmp_function

        function = libmp_function(name)
        if grows:
            ns.refuse_beyond(exp_log10(abs(x).iv))
        return ns.monotone(function, abs(x) if even else x, increasing)
    return enclosure


def _odd_cbrt(value, precision, rounding):
    """libmp's cube root takes no negative numbers: cbrt(-x) = -cbrt(x)."""
    from mpmath import libmp

    if value[0]:  # the sign bit
        return libmp.mpf_neg(libmp.mpf_cbrt(libmp.mpf_neg(value), precision, rounding))
    return libmp.mpf_cbrt(value, precision, rounding)


def _interval_tanh(ns, x):
    """tanh is increasing: the enclosure of tanh at each end, from exp of a negative number only
    (tanh(-t) = -tanh(t)), which cannot grow past --max-digits."""
    from ..numbers.enclosure import Interval

    def at(end):
        if end < 0:
            return -at(-end)
        z = ns.exp(Interval(-2 * end)).iv
        return (1 - z) / (1 + z)
    return Interval(ns.context.mpf([at(x.iv.a).a, at(x.iv.b).b]))


def _context(name: str, periodic: tuple | None = None):
    """An interval implementation by the mpmath interval context's own function; a periodic one
    (period and whole range) is the whole range over an enclosure wider than a period."""
    def enclosure(ns, *operands):
        from ..numbers.enclosure import Interval

        function = getattr(ns.context, name)
        if periodic is not None:
            return ns.periodic(function, operands[0], *periodic)
        return Interval(function(*[operand.iv for operand in operands]))
    return enclosure


def _interval_hypot(ns, x, y):
    from ..numbers.enclosure import Interval

    return Interval(ns.context.sqrt(x.iv ** 2 + y.iv ** 2))  # ** 2, not x·x: [-1, 2]² is [0, 4]


def _systems(float, exact, interval) -> dict:
    return {"float": float, "exact": exact, "interval": interval}


def _one(ns, ans, *operands):
    return ns.one


def _minus_one(ns, ans, *operands):
    return -ns.one


def _zero(ns, ans, *operands):
    return ns.zero


def _div(ns, a, b):
    signs = ns.signs(b)
    if 0 in signs:
        raise DomainError("division by zero" if signs == {0} else "division by an interval that contains 0")
    return a / b


def _pow(ns, a, b):
    # the exponent first: for x^2 over 10⁵ data rows, the base's signs (three passes) are not needed
    if -1 in ns.signs(b) and 0 in ns.signs(a):
        raise DomainError("zero raised to a negative power")
    if not ns.is_integer(b) and -1 in ns.signs(a):
        raise DomainError("negative base raised to a non-integer power")
    return ns.pow(a, b)


def _pow_dbase(ns, ans, a, b):
    if ns.name == "float" and type(b) is float and b == 2.0:
        return b * a  # x^1 is x exactly in IEEE arithmetic: no pass of pow over a tensor
    return ns.zero if ns.signs(b) == {0} else b * ns.pow(a, b - ns.one)


def _pow_dbase_guard(ns, ans, a, b):
    if ns.signs(b) != {0} and 0 in ns.signs(a) and -1 in ns.signs(b - ns.one):
        raise DomainError("zero raised to a negative power")


def _pow_dexponent(ns, ans, a, b):
    return ns.zero if ns.signs(a) == {0} else ans * ns.log(a)


def _pow_dexponent_guard(ns, ans, a, b):
    if not (ns.signs(a) == {1} or ns.signs(a) == {0} and ns.signs(b) == {1}):
        raise DomainError("it needs the log of the base, which is not positive")


def _positive(ns, x, refusal: str = "log of a non-positive number") -> None:
    if ns.signs(x) & {-1, 0}:
        raise DomainError(refusal)


def _log(ns, x):
    _positive(ns, x)
    return ns.log(x)


def _log1p(ns, x):
    _positive(ns, ns.one + x, "log1p of a number at or below -1")
    return ns.log1p(x)


def _log_base(ns, x, base):
    _positive(ns, x)
    _positive(ns, base, "a log to a non-positive base")
    at_one = ns.signs(base - ns.one)
    if 0 in at_one:
        raise DomainError("a log to the base 1" if at_one == {0} else "a log to a base interval that contains 1")
    return ns.log_base(x, base)


def _log_to(base: str):
    """log2, log10: the forward rule and the derivative rule of the log to a fixed base."""
    def forward(ns, x):
        return _log_base(ns, x, ns.literal(base))

    def rule(ns, ans, x):
        return ns.one / (x * ns.log(ns.literal(base)))
    return forward, (rule,)


def _sqrt(ns, x):
    if -1 in ns.signs(x):
        raise DomainError("square root of a negative number")
    return ns.sqrt(x)


def _infinite_slope(name: str, where: str = "0"):
    """The guard of sqrt and cbrt (whose derivative rules divide by their value) and hypot."""
    message = f"{name} has an infinite slope at {where}" if name != "hypot" else "hypot has no derivative at (0, 0)"

    def guard(ns, ans, *operands):
        if 0 in ns.signs(ans):
            raise DomainError(message)
    return guard


def _radicand_guard(name: str, where: str, radicand):
    """asin, acos, acosh: the derivative is 1/sqrt(radicand), infinite where the radicand is 0."""
    def guard(ns, ans, x):
        if 0 in ns.signs(radicand(ns, x)):
            raise DomainError(f"{name} has an infinite slope at {where}")
    return guard


def _one_minus_square(ns, x):
    return (ns.one - x) * (ns.one + x)  # 1 - x², without the cancellation near ±1


def _square_minus_one(ns, x):
    return (x - ns.one) * (x + ns.one)


def _atan2(ns, y, x):
    if 0 in ns.signs(y) and 0 in ns.signs(x):
        raise DomainError("atan2(0, 0) is undefined" if ns.signs(y) == ns.signs(x) == {0}
                          else "atan2 of a range of points that contains (0, 0)")
    return ns.atan2(y, x)


def _within_one(name: str, interval: str = "[-1, 1]"):
    """The forward rule of asin, acos or atanh: |x| ≤ 1 (or < 1, for the interval "(-1, 1)")."""
    refused_above, refused_below = ({1}, {-1}) if interval == "[-1, 1]" else ({0, 1}, {-1, 0})

    def forward(ns, x):
        if ns.signs(x - ns.one) & refused_above or ns.signs(x + ns.one) & refused_below:
            raise DomainError(f"{name} of a number outside {interval}")
        return getattr(ns, name)(x)
    return forward


def _acosh(ns, x):
    if -1 in ns.signs(x - ns.one):
        raise DomainError("acosh of a number below 1")
    return ns.acosh(x)


def _abs_d(ns, ans, x):
    """sign(x) away from 0; at 0 the step's choice on both sides: 0 for a point, the whole subgradient
    [-1, 1] for an interval (whose sign there is 0). Formulas write it sign(x)."""
    return ns.step(x) - ns.step(-x)


def _operand(ns, x, *others):
    """Where relu, abs, sign and heaviside bend or jump: their (first) operand is 0."""
    return x


def _difference(ns, a, b):
    """Where max and min switch operands: a - b = 0."""
    return a - b


def _sigmoid(ns, x):
    # the same function twice: for x < 0 the second form keeps exp from overflowing
    return ns.piecewise(x, lambda v: ns.one / (ns.one + ns.exp(-v)), lambda v: ns.exp(v) / (ns.one + ns.exp(v)))


def _softplus(ns, x):
    return ns.maximum(x, ns.zero) + ns.log1p(ns.exp(-abs(x)))


def _heaviside_dh(ns, ans, x, at_zero):
    """1 where x = 0, 0 elsewhere: the step's value at 0 matters only there."""
    return ns.step(x, ns.one) - ns.step(x, ns.zero)


def _heaviside(ns, x, at_zero):
    # the step at 0 comes from the primitive only as 0 or 1, so at_zero may be a tensor or an interval
    return ns.step(x) + at_zero * _heaviside_dh(ns, None, x, at_zero)


_sigmoid_of = composite("sigmoid", _sigmoid)  # softplus' = sigmoid, as a formula a call of it

# Spellings that are not a plain call in some language (declaration.py: Op.spellings)
_SIGN = {"python": "(1.0 if {0} > 0 else -1.0 if {0} < 0 else 0.0)", "numpy": "np.sign({0})",
         "c": "({0} > 0 ? 1.0 : {0} < 0 ? -1.0 : 0.0)"}
_HEAVISIDE = {"python": "(1.0 if {0} > 0 else {1} if {0} == 0 else 0.0)", "numpy": "np.heaviside({0}, {1})",
              "c": "({0} > 0 ? 1.0 : {0} == 0 ? {1} : 0.0)"}
# the same function twice, as _sigmoid: exp never overflows
_SIGMOID = {"python": "(1.0 / (1.0 + math.exp(-{0})) if {0} >= 0 else math.exp({0}) / (1.0 + math.exp({0})))",
            "numpy": "(np.where({0} >= 0, 1.0, np.exp({0})) / (1.0 + np.exp(-np.abs({0}))))",
            "c": "({0} >= 0 ? 1.0 / (1.0 + exp(-{0})) : exp({0}) / (1.0 + exp({0})))"}
_SOFTPLUS = {"python": "(max({0}, 0.0) + math.log1p(math.exp(-abs({0}))))",
             "numpy": "(np.maximum({0}, 0.0) + np.log1p(np.exp(-np.abs({0}))))",
             "c": "(fmax({0}, 0.0) + log1p(exp(-fabs({0}))))"}
def _infix(template: str, precedence: int, least: tuple[int, ...], latex: str | None = None) -> dict:
    """An operator, written the same way in every language (its operands parenthesised where the
    precedence table says), and in LaTeX as `latex`."""
    return {"text": template, "latex": latex or template, "python": template, "numpy": template, "c": template,
            "precedence": (precedence, least)}


ELEMENTWISE: tuple[Op, ...] = (
    # arithmetic
    elementwise("add", lambda ns, a, b: a + b, (_one, _one), "{0} + {1}", ("1", "1"),
                **_infix("{0} + {1}", SUM, (SUM, PRODUCT))),
    elementwise("sub", lambda ns, a, b: a - b, (_one, _minus_one), "{0} - {1}", ("1", "-1"),
                **_infix("{0} - {1}", SUM, (SUM, PRODUCT))),
    elementwise("mul", lambda ns, a, b: a * b, (lambda ns, ans, a, b: b, lambda ns, ans, a, b: a),
                "{0} · {1}", ("{1}", "{0}"), **_infix("{0} * {1}", PRODUCT, (PRODUCT, UNARY), r"{0} \cdot {1}")),
    elementwise("div", _div, (lambda ns, ans, a, b: ns.one / b, lambda ns, ans, a, b: -ans / b),
                "{0} / {1}", ("1/{1}", "-{0}/{1}^2"),
                **_infix("{0} / {1}", PRODUCT, (PRODUCT, UNARY), r"\frac{{{0}}}{{{1}}}")),
    elementwise("pow", _pow, (_pow_dbase, _pow_dexponent), "{0} ^ {1}", ("{1}·{0}^({1} - 1)", "{ans}·log({0})"),
                guards=(_pow_dbase_guard, _pow_dexponent_guard), primitive="pow", precedence=(POWER, (ATOM, POWER)),
                text="{0}^{1}", latex="{0}^{{{1}}}", python="math.pow", numpy="np.power", c="pow"),
    elementwise("neg", lambda ns, x: -x, (_minus_one,), "-{0}", ("-1",), **_infix("-{0}", UNARY, (UNARY,))),
    elementwise("id", lambda ns, x: x, (_one,), "{0}", ("1",), **_infix("{0}", ATOM, (0,))),
    # exponentials, logarithms and roots
    elementwise("exp", lambda ns, x: ns.exp(x), (lambda ns, ans, x: ans,), "exp({0})", ("{ans}",),
                primitive="exp", latex=r"\exp", latex_also=("e^{{{0}}}",)),
    elementwise("log", _log, (lambda ns, ans, x: ns.one / x,), "log({0})", ("1/{0}",), primitive="log",
                latex=r"\log", latex_also=(r"\ln",)),  # sympy's latex() writes log for it, as cgrad does
    elementwise("ln", _log, (lambda ns, ans, x: ns.one / x,), "ln({0})", ("1/{0}",),
                latex=r"\ln", python="math.log", numpy="np.log", c="log"),
    elementwise("log1p", _log1p, (lambda ns, ans, x: ns.one / (ns.one + x),), "log1p({0})", ("1/(1 + {0})",),
                primitive="log1p", numbers=_systems(_math(math.log1p), _rational_at("log1p", 0, 0, "log(1 + {x})"),
                                                    _context("log1p")),
                latex=r"\log\left(1 + {0}\right)"),
    elementwise("log_base", _log_base,
                (lambda ns, ans, x, base: ns.one / (x * ns.log(base)),
                 lambda ns, ans, x, base: -ans / (base * ns.log(base))),
                "log({0}, {1})", ("1/({0}·log({1}))", "-{ans}/({1}·log({1}))"), function="log", primitive="log_base",
                latex=r"\log_{{{1}}}\left({0}\right)", python="(math.log({0}) / math.log({1}))",
                numpy="(np.log({0}) / np.log({1}))", c="(log({0}) / log({1}))"),
    elementwise("log2", *_log_to("2"), "log2({0})", ("1/({0}·log(2))",), latex=r"\log_{{2}}\left({0}\right)"),
    elementwise("log10", *_log_to("10"), "log10({0})", ("1/({0}·log(10))",), latex=r"\log_{{10}}\left({0}\right)"),
    elementwise("sqrt", _sqrt, (lambda ns, ans, x: ns.one / (2 * ans),), "sqrt({0})", ("1/(2·{ans})",),
                guards=(_infinite_slope("sqrt"),), primitive="sqrt", latex=r"\sqrt{{{0}}}"),
    elementwise("cbrt", lambda ns, x: ns.cbrt(x), (lambda ns, ans, x: ns.one / (3 * ans ** 2),), "cbrt({0})",
                ("1/(3·{ans}^2)",), guards=(_infinite_slope("cbrt"),), primitive="cbrt",
                numbers=_systems(_math(math.cbrt) if hasattr(math, "cbrt") else _float_cbrt,
                                 lambda ns, x: ns.root(x, 3, "cbrt({x})"), lambda ns, x: ns.monotone(_odd_cbrt, x)), latex=r"\sqrt[3]{{{0}}}"),
    elementwise("hypot", lambda ns, x, y: ns.hypot(x, y),
                (lambda ns, ans, x, y: x / ans, lambda ns, ans, x, y: y / ans),
                "hypot({0}, {1})", ("{0}/{ans}", "{1}/{ans}"),
                guards=(_infinite_slope("hypot"), _infinite_slope("hypot")), primitive="hypot",
                numbers=_systems(_math(math.hypot), lambda ns, x, y: ns.root(x * x + y * y, 2, f"hypot({ns.format(x)}, {ns.format(y)})"),
                                 _interval_hypot)),
    # trigonometric and hyperbolic, and their inverses (a literal operand stays inside a call in the
    # notations, where it needs no parentheses: atan2(-1, x))
    elementwise("sin", lambda ns, x: ns.sin(x), (lambda ns, ans, x: ns.cos(x),), "sin({0})", ("cos({0})",),
                primitive="sin", latex=r"\sin",
                numbers=_systems(_math(math.sin), _rational_at("sin", 0, 0), _context("sin", (7, [-1, 1])))),
    elementwise("cos", lambda ns, x: ns.cos(x), (lambda ns, ans, x: -ns.sin(x),), "cos({0})", ("-sin({0})",),
                primitive="cos", latex=r"\cos",
                numbers=_systems(_math(math.cos), _rational_at("cos", 0, 1), _context("cos", (7, [-1, 1])))),
    elementwise("tan", lambda ns, x: ns.tan(x), (lambda ns, ans, x: ns.one + ans ** 2,), "tan({0})",
                ("1 + {ans}^2",), primitive="tan", latex=r"\tan",
                numbers=_systems(_math(math.tan), _rational_at("tan", 0, 0), _context("tan", (4, ["-inf", "inf"])))),
    elementwise("asin", _within_one("asin"), (lambda ns, ans, x: ns.one / ns.sqrt(_one_minus_square(ns, x)),),
                "asin({0})", ("1/sqrt(1 - {0}^2)",), guards=(_radicand_guard("asin", "±1", _one_minus_square),),
                primitive="asin", latex=r"\arcsin", numpy="np.arcsin",
                numbers=_systems(_math(math.asin), _rational_at("asin", 0, 0), _enclosed("mpf_asin"))),
    elementwise("acos", _within_one("acos"), (lambda ns, ans, x: -ns.one / ns.sqrt(_one_minus_square(ns, x)),),
                "acos({0})", ("-1/sqrt(1 - {0}^2)",), guards=(_radicand_guard("acos", "±1", _one_minus_square),),
                primitive="acos", latex=r"\arccos", numpy="np.arccos",
                numbers=_systems(_math(math.acos), _rational_at("acos", 1, 0), _enclosed("mpf_acos", increasing=False))),
    elementwise("atan", lambda ns, x: ns.atan(x), (lambda ns, ans, x: ns.one / (ns.one + x ** 2),),
                "atan({0})", ("1/(1 + {0}^2)",), primitive="atan", latex=r"\arctan", numpy="np.arctan",
                numbers=_systems(_math(math.atan), _rational_at("atan", 0, 0), _enclosed("mpf_atan"))),
    elementwise("atan2", _atan2,
                (lambda ns, ans, y, x: x / (x ** 2 + y ** 2), lambda ns, ans, y, x: -y / (x ** 2 + y ** 2)),
                "atan2({0}, {1})", ("cos({ans})/hypot({0}, {1})", "-sin({ans})/hypot({0}, {1})"),
                primitive="atan2", numpy="np.arctan2", latex_also=(r"\operatorname{atan}_{2}",),  # sympy's
                numbers=_systems(_math(math.atan2), _exact_atan2, _context("atan2"))),
    elementwise("sinh", lambda ns, x: ns.sinh(x), (lambda ns, ans, x: ns.cosh(x),), "sinh({0})", ("cosh({0})",),
                primitive="sinh", latex=r"\sinh",
                numbers=_systems(_grows(math.sinh), _rational_at("sinh", 0, 0), _enclosed("mpf_sinh", grows=True))),
    elementwise("cosh", lambda ns, x: ns.cosh(x), (lambda ns, ans, x: ns.sinh(x),), "cosh({0})", ("sinh({0})",),
                primitive="cosh", latex=r"\cosh",
                numbers=_systems(_grows(math.cosh), _rational_at("cosh", 0, 1), _enclosed("mpf_cosh", grows=True, even=True))),
    elementwise("tanh", lambda ns, x: ns.tanh(x), (lambda ns, ans, x: ns.one - ans ** 2,), "tanh({0})",
                ("1 - {ans}^2",), primitive="tanh", latex=r"\tanh",
                numbers=_systems(_math(math.tanh), _rational_at("tanh", 0, 0), _interval_tanh)),
    elementwise("asinh", lambda ns, x: ns.asinh(x), (lambda ns, ans, x: ns.one / ns.sqrt(x ** 2 + ns.one),),
                "asinh({0})", ("1/sqrt({0}^2 + 1)",), primitive="asinh", numpy="np.arcsinh", latex_also=(r"\arsinh",),
                numbers=_systems(_math(math.asinh), _rational_at("asinh", 0, 0), _enclosed("mpf_asinh"))),
    elementwise("acosh", _acosh, (lambda ns, ans, x: ns.one / ns.sqrt(_square_minus_one(ns, x)),),
                "acosh({0})", ("1/sqrt({0}^2 - 1)",), guards=(_radicand_guard("acosh", "1", _square_minus_one),),
                primitive="acosh", numpy="np.arccosh", latex_also=(r"\arcosh",),
                numbers=_systems(_math(math.acosh), _rational_at("acosh", 1, 0), _enclosed("mpf_acosh"))),
    elementwise("atanh", _within_one("atanh", "(-1, 1)"), (lambda ns, ans, x: ns.one / _one_minus_square(ns, x),),
                "atanh({0})", ("1/(1 - {0}^2)",), primitive="atanh", numpy="np.arctanh",
                latex_also=(r"\artanh",),
                numbers=_systems(_math(math.atanh), _rational_at("atanh", 0, 0), _enclosed("mpf_atanh"))),
    # special functions
    elementwise("erf", lambda ns, x: ns.erf(x), (lambda ns, ans, x: 2 * ns.exp(-x ** 2) / ns.sqrt(ns.pi),),
                "erf({0})", ("2·exp(-{0}^2)/sqrt(π)",), primitive="erf", numpy="np.vectorize(math.erf)",
                numbers=_systems(_math(math.erf), _rational_at("erf", 0, 0, known=False), _enclosed("mpf_erf"))),
    # activations
    elementwise("sigmoid", _sigmoid, (lambda ns, ans, x: ans * (ns.one - ans),), "sigmoid({0})",
                ("{ans}·(1 - {ans})",), **_SIGMOID),
    elementwise("softplus", _softplus, (lambda ns, ans, x: _sigmoid_of(ns, x),), "softplus({0})", ("sigmoid({0})",),
                **_SOFTPLUS),
    elementwise("relu", lambda ns, x: ns.maximum(x, ns.zero), (lambda ns, ans, x: ns.step(x, ns.relu0),),
                "relu({0})", ("[{0} > 0]",), convention="relu'(0) = {relu0}", kink=True, kink_at=_operand,
                python="max({0}, 0.0)", numpy="np.maximum({0}, 0.0)", c="fmax({0}, 0.0)"),
    # kinks and branches
    elementwise("abs", lambda ns, x: abs(x), (_abs_d,), "abs({0})", ("sign({0})",),
                convention="abs'(0) = 0", kink=True, kink_at=_operand, primitive="abs",
                latex=r"\left|{0}\right|", python="abs", numpy="np.abs", c="fabs"),
    elementwise("sign", lambda ns, x: ns.sign(x), (_zero,), "sign({0})", ("0",),
                convention="sign'(0) = 0 (sign jumps there)", kink_at=_operand, primitive="sign",
                latex=r"\operatorname{sgn}", **_SIGN),
    elementwise("heaviside", _heaviside, (_zero, _heaviside_dh), "heaviside({0}, {1})", ("0", "[{0} = 0]"),
                convention="heaviside'(0) = 0 (it jumps there)", kink_at=_operand, formula_of="step", **_HEAVISIDE),
    elementwise("max", lambda ns, a, b: ns.maximum(a, b),
                (lambda ns, ans, a, b: ns.step(a - b, ns.one), lambda ns, ans, a, b: ns.step(b - a, ns.zero)),
                "max({0}, {1})", ("[{0} ≥ {1}]", "[{0} < {1}]"),
                convention="max(a, b) with a = b sends the gradient to a", kink=True, kink_at=_difference,
                primitive="maximum", latex=r"\max", python="max", numpy="np.maximum", c="fmax"),
    elementwise("min", lambda ns, a, b: ns.minimum(a, b),
                (lambda ns, ans, a, b: ns.step(b - a, ns.one), lambda ns, ans, a, b: ns.step(a - b, ns.zero)),
                "min({0}, {1})", ("[{0} ≤ {1}]", "[{0} > {1}]"),
                convention="min(a, b) with a = b sends the gradient to a", kink=True, kink_at=_difference,
                primitive="minimum", latex=r"\min", python="min", numpy="np.minimum", c="fmin"),
)
