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
    # the exponent first: for x^2 over 10⁵ data rows, the base's signs (three passes) are not needed
    if -1 in ns.signs(b) and 0 in ns.signs(a):
        raise DomainError("zero raised to a negative power")
    if not ns.is_integer(b) and -1 in ns.signs(a):
        raise DomainError("negative base raised to a non-integer power")
    return ns.pow(a, b)


def _pow_dbase(ns, ans, a, b):
    if ns.name == "float" and type(b) is float and b == 2.0:
        return b * a  # x^1 is x exactly in IEEE arithmetic: no pass of pow over a tensor
    return ns.zero if ns.signs(b) == {0} else b * _pow(ns, a, b - 1)


def _pow_dexponent(ns, ans, a, b):
    if ns.signs(a) == {1}:
        return ans * ns.log(a)
    if ns.signs(a) == {0} and ns.signs(b) == {1}:
        return ns.zero
    raise DomainError("it needs the log of the base, which is not positive")


def _square(x):
    """x², never below 0 even for an interval around 0 (x·x of [-1, 2] is [-2, 4]; |x|·|x| is [0, 4])."""
    return abs(x) * abs(x)


def _positive(ns, x, refusal: str = "log of a non-positive number") -> None:
    if ns.signs(x) & {-1, 0}:
        raise DomainError(refusal)


def _log(ns, x):
    _positive(ns, x)
    return ns.log(x)


def _log_base(ns, x, base):
    _positive(ns, x)
    _positive(ns, base, "a log to a non-positive base")
    at_one = ns.signs(base - ns.one)
    if 0 in at_one:
        raise DomainError("a log to the base 1" if at_one == {0} else "a log to a base interval that contains 1")
    return ns.log_base(x, base)


def _log_to(base: str):
    """log2, log10: the forward rule and the local derivative of the log to a fixed base."""
    def forward(ns, x):
        return _log_base(ns, x, ns.literal(base))

    def partial(ns, ans, x):
        return ns.one / (x * ns.log(ns.literal(base)))
    return forward, (partial,)


def _sqrt(ns, x):
    if -1 in ns.signs(x):
        raise DomainError("square root of a negative number")
    return ns.sqrt(x)


def _sqrt_d(ns, ans, x):
    if 0 in ns.signs(ans):
        raise DomainError("sqrt has an infinite slope at 0")
    return ns.one / (2 * ans)


def _cbrt_d(ns, ans, x):
    if 0 in ns.signs(ans):
        raise DomainError("cbrt has an infinite slope at 0")
    return ns.one / (3 * _square(ans))


def _hypot_d(position: int):
    def partial(ns, ans, x, y):
        if 0 in ns.signs(ans):
            raise DomainError("hypot has no derivative at (0, 0)")
        return (x, y)[position] / ans
    return partial


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


def _reciprocal_root(ns, radicand, infinite_slope: str):
    """1/sqrt(radicand), the derivative of asin, acos and acosh; infinite where the radicand is 0."""
    if 0 in ns.signs(radicand):
        raise DomainError(infinite_slope)
    return ns.one / ns.sqrt(radicand)


def _asin_d(ns, ans, x):
    return _reciprocal_root(ns, (ns.one - x) * (ns.one + x), "asin has an infinite slope at ±1")


def _acos_d(ns, ans, x):
    return -_reciprocal_root(ns, (ns.one - x) * (ns.one + x), "acos has an infinite slope at ±1")


def _acosh_d(ns, ans, x):
    return _reciprocal_root(ns, (x - ns.one) * (x + ns.one), "acosh has an infinite slope at 1")


def _atan2_dy(ns, ans, y, x):
    return x / (_square(x) + _square(y))


def _atan2_dx(ns, ans, y, x):
    return -y / (_square(x) + _square(y))


def _erf_d(ns, ans, x):
    return 2 * ns.exp(-_square(x)) / ns.sqrt(ns.pi)


def _abs_d(ns, ans, x):
    """sign(x) away from 0; at 0 the step's choice on both sides: 0 for a point, the whole subgradient
    [-1, 1] for an interval (whose sign there is 0)."""
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


# The symbolic local derivatives (`symbolic=`) are the same rules as formulas over handles (symbolic.py):
# `s.one / x` builds 1/x. Where the computed rule guards a domain, the formula's evaluation guards it.
def _d_one(s, ans, *operands):
    return s.one


def _d_minus_one(s, ans, *operands):
    return -s.one


def _d_zero(s, ans, *operands):
    return s.zero


def _d_call(function: str, sign: int = 1):
    """The local derivative that is another function of the operands: cos for sin, -sin for cos."""
    def rule(s, ans, *operands):
        value = s.call(function, *operands)
        return value if sign > 0 else -value
    return rule


def _d_step(positive: int, negative: int, at_zero: str):
    """heaviside(operands[positive] - operands[negative], at_zero): max, min and their tie convention."""
    def rule(s, ans, *operands):
        return s.call("heaviside", operands[positive] - operands[negative], s.constant(at_zero))
    return rule


# `cgrad codegen`'s templates that differ by language (declaration.py: Op.code)
_SIGN = {"python": "(1.0 if {0} > 0 else -1.0 if {0} < 0 else 0.0)", "numpy": "np.sign({0})",
         "c": "({0} > 0 ? 1.0 : {0} < 0 ? -1.0 : 0.0)"}
# the same function twice, as _sigmoid: exp never overflows
_SIGMOID = {"python": "(1.0 / (1.0 + math.exp(-{0})) if {0} >= 0 else math.exp({0}) / (1.0 + math.exp({0})))",
            "numpy": "np.where({0} >= 0, 1.0, np.exp({0})) / (1.0 + np.exp(-np.abs({0})))",
            "c": "({0} >= 0 ? 1.0 / (1.0 + exp(-{0})) : exp({0}) / (1.0 + exp({0})))"}
_SOFTPLUS = {"python": "max({0}, 0.0) + math.log1p(math.exp(-abs({0})))",
             "numpy": "np.maximum({0}, 0.0) + np.log1p(np.exp(-np.abs({0})))",
             "c": "fmax({0}, 0.0) + log1p(exp(-fabs({0})))"}
_ERF_D = "2.0 * @exp(-({0} * {0})) / 1.7724538509055159"  # 2·exp(-x²)/sqrt(π)


def _choice(python: str, c: str, first: str, second: str) -> dict[str, tuple[str, ...]]:
    """max or min: the first operand gets the gradient where `{0} first {1}` (ties included)."""
    return {"python": (f"{python}({{0}}, {{1}})", f"(1.0 if {{0}} {first} {{1}} else 0.0)",
                       f"(1.0 if {{0}} {second} {{1}} else 0.0)"),
            "numpy": (f"np.{python}imum({{0}}, {{1}})", f"np.where({{0}} {first} {{1}}, 1.0, 0.0)",
                      f"np.where({{0}} {second} {{1}}, 1.0, 0.0)"),
            "c": (f"{c}({{0}}, {{1}})", f"({{0}} {first} {{1}} ? 1.0 : 0.0)", f"({{0}} {second} {{1}} ? 1.0 : 0.0)")}


ELEMENTWISE: tuple[Op, ...] = (
    # arithmetic
    elementwise("add", lambda ns, a, b: a + b, (_one, _one), "{0} + {1}", ("1", "1"), symbolic=(_d_one, _d_one),
                code=("{0} + {1}", "1", "1")),
    elementwise("sub", lambda ns, a, b: a - b, (_one, _minus_one), "{0} - {1}", ("1", "-1"),
                symbolic=(_d_one, _d_minus_one),
                code=("{0} - {1}", "1", "-1")),
    elementwise("mul", lambda ns, a, b: a * b, (lambda ns, ans, a, b: b, lambda ns, ans, a, b: a),
                "{0} · {1}", ("{1}", "{0}"), symbolic=(lambda s, ans, a, b: b, lambda s, ans, a, b: a),
                code=("{0} * {1}", "{1}", "{0}")),
    elementwise("div", _div, (lambda ns, ans, a, b: ns.one / b, lambda ns, ans, a, b: -ans / b),
                "{0} / {1}", ("1/{1}", "-{0}/{1}^2"),
                symbolic=(lambda s, ans, a, b: s.one / b, lambda s, ans, a, b: -ans / b),
                code=("{0} / {1}", "1.0 / {1}", "-{ans} / {1}")),
    elementwise("pow", _pow, (_pow_dbase, _pow_dexponent), "{0} ^ {1}", ("{1}·{0}^({1} - 1)", "{ans}·log({0})"),
                symbolic=(lambda s, ans, a, b: b * a ** (b - 1), lambda s, ans, a, b: ans * s.call("log", a)),
                code=("@pow({0}, {1})", "{1} * @pow({0}, {1} - 1.0)", "{ans} * @log({0})")),
    elementwise("neg", lambda ns, x: -x, (_minus_one,), "-{0}", ("-1",), symbolic=(_d_minus_one,),
                code=("-{0}", "-1")),
    elementwise("id", lambda ns, x: x, (_one,), "{0}", ("1",), symbolic=(_d_one,),
                code=("{0}", "1")),
    # exponentials, logarithms and roots
    elementwise("exp", lambda ns, x: ns.exp(x), (lambda ns, ans, x: ans,), "exp({0})", ("{ans}",),
                symbolic=(lambda s, ans, x: ans,),
                code=("@exp({0})", "{ans}")),
    elementwise("log", _log, (lambda ns, ans, x: ns.one / x,), "log({0})", ("1/{0}",),
                symbolic=(lambda s, ans, x: s.one / x,),
                code=("@log({0})", "1.0 / {0}")),
    elementwise("ln", _log, (lambda ns, ans, x: ns.one / x,), "ln({0})", ("1/{0}",),
                symbolic=(lambda s, ans, x: s.one / x,),
                code=("@log({0})", "1.0 / {0}")),
    elementwise("log_base", _log_base,
                (lambda ns, ans, x, base: ns.one / (x * ns.log(base)),
                 lambda ns, ans, x, base: -ans / (base * ns.log(base))),
                "log({0}, {1})", ("1/({0}·log({1}))", "-{ans}/({1}·log({1}))"), function="log",
                symbolic=(lambda s, ans, x, base: s.one / (x * s.call("log", base)),
                          lambda s, ans, x, base: -ans / (base * s.call("log", base))),
                code=("@log({0}) / @log({1})", "1.0 / ({0} * @log({1}))", "-{ans} / ({1} * @log({1}))")),
    elementwise("log2", *_log_to("2"), "log2({0})", ("1/({0}·log(2))",),
                symbolic=(lambda s, ans, x: s.one / (x * s.call("log", s.constant("2"))),),
                code=("@log2({0})", "1.0 / ({0} * @log(2.0))")),
    elementwise("log10", *_log_to("10"), "log10({0})", ("1/({0}·log(10))",),
                symbolic=(lambda s, ans, x: s.one / (x * s.call("log", s.constant("10"))),),
                code=("@log10({0})", "1.0 / ({0} * @log(10.0))")),
    elementwise("sqrt", _sqrt, (_sqrt_d,), "sqrt({0})", ("1/(2·{ans})",), symbolic=(lambda s, ans, x: s.one / (2 * ans),),
                code=("@sqrt({0})", "1.0 / (2.0 * {ans})")),
    elementwise("cbrt", lambda ns, x: ns.cbrt(x), (_cbrt_d,), "cbrt({0})", ("1/(3·{ans}^2)",),
                symbolic=(lambda s, ans, x: s.one / (3 * ans ** 2),),
                code=("@cbrt({0})", "1.0 / (3.0 * {ans} * {ans})")),
    elementwise("hypot", lambda ns, x, y: ns.hypot(x, y), (_hypot_d(0), _hypot_d(1)), "hypot({0}, {1})",
                ("{0}/{ans}", "{1}/{ans}"), symbolic=(lambda s, ans, x, y: x / ans, lambda s, ans, x, y: y / ans),
                code=("@hypot({0}, {1})", "{0} / {ans}", "{1} / {ans}")),
    # trigonometric and hyperbolic, and their inverses (a literal operand stays inside a call in the
    # notations, where it needs no parentheses: atan2(-1, x))
    elementwise("sin", lambda ns, x: ns.sin(x), (lambda ns, ans, x: ns.cos(x),), "sin({0})", ("cos({0})",),
                symbolic=(_d_call("cos"),),
                code=("@sin({0})", "@cos({0})")),
    elementwise("cos", lambda ns, x: ns.cos(x), (lambda ns, ans, x: -ns.sin(x),), "cos({0})", ("-sin({0})",),
                symbolic=(_d_call("sin", -1),),
                code=("@cos({0})", "-@sin({0})")),
    elementwise("tan", lambda ns, x: ns.tan(x), (lambda ns, ans, x: ns.one + ans * ans,), "tan({0})",
                ("1 + {ans}^2",), symbolic=(lambda s, ans, x: 1 + ans ** 2,),
                code=("@tan({0})", "1.0 + {ans} * {ans}")),
    elementwise("asin", _within_one("asin"), (_asin_d,), "asin({0})", ("1/sqrt(1 - {0}^2)",),
                symbolic=(lambda s, ans, x: s.one / s.call("sqrt", 1 - x ** 2),),
                code=("@asin({0})", "1.0 / @sqrt((1.0 - {0}) * (1.0 + {0}))")),
    elementwise("acos", _within_one("acos"), (_acos_d,), "acos({0})", ("-1/sqrt(1 - {0}^2)",),
                symbolic=(lambda s, ans, x: -s.one / s.call("sqrt", 1 - x ** 2),),
                code=("@acos({0})", "-1.0 / @sqrt((1.0 - {0}) * (1.0 + {0}))")),
    elementwise("atan", lambda ns, x: ns.atan(x), (lambda ns, ans, x: ns.one / (ns.one + _square(x)),),
                "atan({0})", ("1/(1 + {0}^2)",), symbolic=(lambda s, ans, x: s.one / (1 + x ** 2),),
                code=("@atan({0})", "1.0 / (1.0 + {0} * {0})")),
    elementwise("atan2", _atan2, (_atan2_dy, _atan2_dx), "atan2({0}, {1})",
                ("cos({ans})/hypot({0}, {1})", "-sin({ans})/hypot({0}, {1})"),
                symbolic=(lambda s, ans, y, x: x / (x ** 2 + y ** 2), lambda s, ans, y, x: -y / (x ** 2 + y ** 2)),
                code=("@atan2({0}, {1})", "{1} / ({1} * {1} + {0} * {0})", "-{0} / ({1} * {1} + {0} * {0})")),
    elementwise("sinh", lambda ns, x: ns.sinh(x), (lambda ns, ans, x: ns.cosh(x),), "sinh({0})", ("cosh({0})",),
                symbolic=(_d_call("cosh"),),
                code=("@sinh({0})", "@cosh({0})")),
    elementwise("cosh", lambda ns, x: ns.cosh(x), (lambda ns, ans, x: ns.sinh(x),), "cosh({0})", ("sinh({0})",),
                symbolic=(_d_call("sinh"),),
                code=("@cosh({0})", "@sinh({0})")),
    elementwise("tanh", lambda ns, x: ns.tanh(x), (lambda ns, ans, x: ns.one - ans * ans,), "tanh({0})",
                ("1 - {ans}^2",), symbolic=(lambda s, ans, x: 1 - ans ** 2,),
                code=("@tanh({0})", "1.0 - {ans} * {ans}")),
    elementwise("asinh", lambda ns, x: ns.asinh(x), (lambda ns, ans, x: ns.one / ns.sqrt(_square(x) + ns.one),),
                "asinh({0})", ("1/sqrt({0}^2 + 1)",), symbolic=(lambda s, ans, x: s.one / s.call("sqrt", x ** 2 + 1),),
                code=("@asinh({0})", "1.0 / @sqrt({0} * {0} + 1.0)")),
    elementwise("acosh", _acosh, (_acosh_d,), "acosh({0})", ("1/sqrt({0}^2 - 1)",),
                symbolic=(lambda s, ans, x: s.one / s.call("sqrt", x ** 2 - 1),),
                code=("@acosh({0})", "1.0 / @sqrt(({0} - 1.0) * ({0} + 1.0))")),
    elementwise("atanh", _within_one("atanh", "(-1, 1)"),
                (lambda ns, ans, x: ns.one / ((ns.one - x) * (ns.one + x)),), "atanh({0})", ("1/(1 - {0}^2)",),
                symbolic=(lambda s, ans, x: s.one / (1 - x ** 2),),
                code=("@atanh({0})", "1.0 / ((1.0 - {0}) * (1.0 + {0}))")),
    # special functions
    elementwise("erf", lambda ns, x: ns.erf(x), (_erf_d,), "erf({0})", ("2·exp(-{0}^2)/sqrt(π)",),
                symbolic=(lambda s, ans, x: 2 * s.call("exp", -x ** 2) / s.call("sqrt", s.pi),),
                code={"numpy": ("np.vectorize(math.erf)({0})", _ERF_D), "*": ("@erf({0})", _ERF_D)}),
    # activations
    elementwise("sigmoid", _sigmoid, (lambda ns, ans, x: ans * (ns.one - ans),), "sigmoid({0})",
                ("{ans}·(1 - {ans})",), symbolic=(lambda s, ans, x: ans * (1 - ans),),
                code={language: (value, "{ans} * (1.0 - {ans})") for language, value in _SIGMOID.items()}),
    elementwise("softplus", _softplus, (lambda ns, ans, x: _sigmoid(ns, x),), "softplus({0})", ("sigmoid({0})",),
                symbolic=(_d_call("sigmoid"),),
                code={language: (value, _SIGMOID[language]) for language, value in _SOFTPLUS.items()}),
    elementwise("relu", lambda ns, x: ns.maximum(x, ns.zero), (lambda ns, ans, x: ns.step(x, ns.relu0),),
                "relu({0})", ("[{0} > 0]",), convention="relu'(0) = {relu0}", kink=True,
                kink_at=_operand, symbolic=(lambda s, ans, x: s.call("heaviside", x, s.relu0),),
                code={"python": ("max({0}, 0.0)", "(1.0 if {0} > 0 else {relu0} if {0} == 0 else 0.0)"),
                      "numpy": ("np.maximum({0}, 0.0)", "np.heaviside({0}, {relu0})"),
                      "c": ("fmax({0}, 0.0)", "({0} > 0 ? 1.0 : {0} == 0 ? {relu0} : 0.0)")}),
    # kinks and branches
    elementwise("abs", lambda ns, x: abs(x), (_abs_d,), "abs({0})", ("sign({0})",),
                convention="abs'(0) = 0", kink=True, kink_at=_operand, symbolic=(_d_call("sign"),),
                code={"python": ("abs({0})", _SIGN["python"]), "numpy": ("np.abs({0})", _SIGN["numpy"]),
                      "c": ("fabs({0})", _SIGN["c"])}),
    elementwise("sign", lambda ns, x: ns.sign(x), (lambda ns, ans, x: ns.zero,), "sign({0})", ("0",),
                convention="sign'(0) = 0 (sign jumps there)", kink_at=_operand, symbolic=(_d_zero,),
                code={language: (sign, "0.0") for language, sign in _SIGN.items()}),
    elementwise("heaviside", _heaviside,
                (lambda ns, ans, x, at_zero: ns.zero, _heaviside_dh), "heaviside({0}, {1})", ("0", "[{0} = 0]"),
                convention="heaviside'(0) = 0 (it jumps there)", kink_at=_operand,
                symbolic=(_d_zero, lambda s, ans, x, at_zero: s.call("heaviside", x, s.one)
                          - s.call("heaviside", x, s.zero)),
                code={"python": ("(1.0 if {0} > 0 else {1} if {0} == 0 else 0.0)", "0.0", "(1.0 if {0} == 0 else 0.0)"),
                      "numpy": ("np.heaviside({0}, {1})", "0.0", "np.where({0} == 0, 1.0, 0.0)"),
                      "c": ("({0} > 0 ? 1.0 : {0} == 0 ? {1} : 0.0)", "0.0", "({0} == 0 ? 1.0 : 0.0)")}),
    elementwise("max", lambda ns, a, b: ns.maximum(a, b),
                (lambda ns, ans, a, b: ns.step(a - b, ns.one), lambda ns, ans, a, b: ns.step(b - a, ns.zero)),
                "max({0}, {1})", ("[{0} ≥ {1}]", "[{0} < {1}]"),
                convention="max(a, b) with a = b sends the gradient to a", kink=True,
                kink_at=_difference, symbolic=(_d_step(0, 1, "1"), _d_step(1, 0, "0")),
                code=_choice("max", "fmax", ">=", "<")),
    elementwise("min", lambda ns, a, b: ns.minimum(a, b),
                (lambda ns, ans, a, b: ns.step(b - a, ns.one), lambda ns, ans, a, b: ns.step(a - b, ns.zero)),
                "min({0}, {1})", ("[{0} ≤ {1}]", "[{0} > {1}]"),
                convention="min(a, b) with a = b sends the gradient to a", kink=True,
                kink_at=_difference, symbolic=(_d_step(1, 0, "1"), _d_step(0, 1, "0")),
                code=_choice("min", "fmin", "<=", ">")),
)
