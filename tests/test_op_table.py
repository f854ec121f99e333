"""Every op of the op table × every number system, against an independent reference.

The test enumerates cgcli.ops.OPS itself: an op without a reference here fails
`test_every_op_has_a_reference`, and each op runs in float, --exact, --digits 30, --interval, and as
float and exact tensors (tensor ops: as tensors of every system). The reference is mpmath at 60
digits in a private context, for values and, by numerical differentiation (mpmath's diff), for the
gradient of the sum of the output's elements, so a forgotten or wrong primitive fails here, not for a
user. --exact must give the reference exactly where every number is rational, and refuse with
"use --digits N" where one is not; --digits must print 30 correct digits; --interval must enclose.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass
from fractions import Fraction
from typing import Callable

import mpmath
import pytest

from cgcli.errors import MathError
from cgcli.passes.evaluation import evaluate
from cgcli.numbers import number_system
from cgcli.ops import OPS
from cgcli.language.syntax import parse

mp = mpmath.MPContext()  # a context of our own: cgcli's systems own theirs, nothing shares a precision
mp.dps = 60


@dataclass(frozen=True)
class Const:
    """An operand written into the source as a literal (an axis, an index, a class label), not a variable."""

    text: str


@dataclass(frozen=True)
class Reference:
    function: Callable  # mpf operands (nested lists for tensors, ints for Const) → mpf or nested list
    cases: tuple[tuple, ...]  # operands: number texts, nested lists of them, or Const
    syntax: str | None = None  # how the op is written, where its notation is not the language's


def _cbrt(x):
    return mp.sign(x) * mp.cbrt(abs(x))


def _sigmoid(x):
    return 1 / (1 + mp.exp(-x))


ELEMENTWISE = {
    "add": Reference(lambda a, b: a + b, (("1/2", "-3/4"), ("2", "1/3"))),
    "sub": Reference(lambda a, b: a - b, (("1/2", "-3/4"), ("2", "1/3"))),
    "mul": Reference(lambda a, b: a * b, (("1/2", "-3/4"), ("2", "1/3"))),
    "div": Reference(lambda a, b: a / b, (("1/2", "-3/4"), ("2", "5"))),
    "pow": Reference(lambda a, b: a ** b, (("9/4", "1/2"), ("1", "3"), ("2", "-3/2"))),
    "neg": Reference(lambda x: -x, (("1/2",), ("-3",))),
    "id": Reference(lambda x: x, (("1/2",), ("-3",)), syntax="y = {0}; y"),
    "exp": Reference(mp.exp, (("0",), ("1/2",), ("-3",))),
    "log": Reference(mp.log, (("1",), ("1/2",), ("3",))),
    "log1p": Reference(mp.log1p, (("1",), ("-1/2",), ("3",))),
    "ln": Reference(mp.log, (("1",), ("1/2",), ("3",))),
    "log_base": Reference(lambda x, b: mp.log(x) / mp.log(b), (("8", "2"), ("1/9", "3"), ("5", "1/2"))),
    "log2": Reference(lambda x: mp.log(x, 2), (("8",), ("1/4",), ("3",))),
    "log10": Reference(lambda x: mp.log(x, 10), (("1000",), ("1/100",), ("2",))),
    "sqrt": Reference(mp.sqrt, (("9/4",), ("2",), ("1/3",))),
    "cbrt": Reference(_cbrt, (("27/8",), ("-8",), ("2",))),
    "hypot": Reference(mp.hypot, (("3", "4"), ("-1/2", "2"), ("1", "1"))),
    "sin": Reference(mp.sin, (("0",), ("1/2",), ("-2",))),
    "cos": Reference(mp.cos, (("0",), ("1/2",), ("-2",))),
    "tan": Reference(mp.tan, (("0",), ("1/2",), ("-2",))),
    "asin": Reference(mp.asin, (("0",), ("1/2",), ("-3/4",))),
    "acos": Reference(mp.acos, (("0",), ("1/2",), ("-3/4",))),
    "atan": Reference(mp.atan, (("0",), ("1/2",), ("-3",))),
    "atan2": Reference(mp.atan2, (("0", "2"), ("1", "-1"), ("-1/2", "-3/2"), ("2", "0"))),
    "sinh": Reference(mp.sinh, (("0",), ("1/2",), ("-2",))),
    "cosh": Reference(mp.cosh, (("0",), ("1/2",), ("-2",))),
    "tanh": Reference(mp.tanh, (("0",), ("1/2",), ("-2",))),
    "asinh": Reference(mp.asinh, (("0",), ("1/2",), ("-2",))),
    "acosh": Reference(mp.acosh, (("2",), ("5/4",), ("10",))),
    "atanh": Reference(mp.atanh, (("0",), ("1/2",), ("-3/4",))),
    "erf": Reference(mp.erf, (("0",), ("1/2",), ("-2",))),
    "sigmoid": Reference(_sigmoid, (("0",), ("1/2",), ("-3",))),
    "softplus": Reference(lambda x: mp.log(1 + mp.exp(x)), (("0",), ("1/2",), ("-3",))),
    # away from the kinks, where a numerical derivative means something
    "relu": Reference(lambda x: max(x, 0), (("1/2",), ("-3",))),
    "abs": Reference(abs, (("1/2",), ("-3",))),
    "sign": Reference(mp.sign, (("-2",), ("1/2",))),
    "heaviside": Reference(lambda x, h: 1 if x > 0 else h if x == 0 else 0, (("1/2", "1/4"), ("-3", "1/2"))),
    "max": Reference(max, (("1/2", "-3/4"), ("-2", "3"))),
    "min": Reference(min, (("1/2", "-3/4"), ("-2", "3"))),
    # conditions are no outputs: each is tested as if()'s condition, away from its boundary
    "gt": Reference(lambda a, b: 1 if a > b else 0, (("1/2", "-3/4"), ("-2", "3")), syntax="if({0} > {1}, 1, 0)"),
    "ge": Reference(lambda a, b: 1 if a >= b else 0, (("1/2", "-3/4"), ("-2", "3")), syntax="if({0} >= {1}, 1, 0)"),
    "lt": Reference(lambda a, b: 1 if a < b else 0, (("1/2", "-3/4"), ("-2", "3")), syntax="if({0} < {1}, 1, 0)"),
    "le": Reference(lambda a, b: 1 if a <= b else 0, (("1/2", "-3/4"), ("-2", "3")), syntax="if({0} <= {1}, 1, 0)"),
    "eq": Reference(lambda a, b: 1 if a == b else 0, (("1/2", "-3/4"), ("-2", "3")), syntax="if({0} == {1}, 1, 0)"),
    "ne": Reference(lambda a, b: 1 if a != b else 0, (("1/2", "-3/4"), ("-2", "3")), syntax="if({0} != {1}, 1, 0)"),
    "and": Reference(lambda a, b: 1 if a > 0 and b > 0 else 0, (("1/2", "-3/4"), ("2", "3")),
                     syntax="if({0} > 0 and {1} > 0, 1, 0)"),
    "or": Reference(lambda a, b: 1 if a > 0 or b > 0 else 0, (("1/2", "-3/4"), ("-2", "-3")),
                    syntax="if({0} > 0 or {1} > 0, 1, 0)"),
    "not": Reference(lambda a: 0 if a > 0 else 1, (("1/2",), ("-2",)), syntax="if(not {0} > 0, 1, 0)"),
    "if": Reference(lambda c, a, b: a if c > 0 else b, (("1", "1/2", "3"), ("-1", "1/2", "-3/4")),
                    syntax="if({0} > 0, {1}, {2})"),
}


# ---- tensor ops, on nested lists of mpf ----

def _map(function, *nested):
    if isinstance(nested[0], list):
        return [_map(function, *items) for items in zip(*nested)]
    return function(*nested)


def _flat(nested) -> list:
    return [leaf for item in nested for leaf in _flat(item)] if isinstance(nested, list) else [nested]


def _matmul(a, b):
    return [[mp.fsum(a[i][k] * b[k][j] for k in range(len(b))) for j in range(len(b[0]))] for i in range(len(a))]


def _softmax(x):
    total = mp.fsum(mp.exp(v) for v in x)
    return [mp.exp(v) / total for v in x]


def _cross_entropy(logits, labels):
    targets = labels if isinstance(labels, list) else [1 if i == labels else 0 for i in range(len(logits))]
    return -mp.fsum(t * mp.log(p) for t, p in zip(targets, _softmax(logits)))


MATRIX, OTHER = [["1/2", "-1"], ["2", "3/4"]], [["1", "2"], ["-1/4", "1/3"]]
VECTOR, PROBABILITIES = ["1/2", "-1", "2"], ["1/4", "1/4", "1/2"]
TENSOR = {
    "matmul": Reference(_matmul, ((MATRIX, OTHER),)),
    "sum": Reference(lambda x: mp.fsum(_flat(x)), ((MATRIX,),)),
    "sum_axis": Reference(lambda x, axis: [mp.fsum(row) for row in x] if axis else [a + b for a, b in zip(*x)],
                          ((MATRIX, Const("1")), (MATRIX, Const("0"))), syntax="sum({0}, {1})"),
    "mean": Reference(lambda x: mp.fsum(_flat(x)) / len(_flat(x)), ((MATRIX,),)),
    "mean_axis": Reference(lambda x, axis: [mp.fsum(row) / 2 for row in x] if axis else [(a + b) / 2 for a, b in zip(*x)],
                           ((MATRIX, Const("1")), (MATRIX, Const("0"))), syntax="mean({0}, {1})"),
    "transpose": Reference(lambda x: [list(column) for column in zip(*x)], ((MATRIX,),), syntax="{0}.T"),
    "index": Reference(lambda x, i: x[i], ((VECTOR, Const("1")),)),
    "index2": Reference(lambda x, i, j: x[i][j], ((MATRIX, Const("1"), Const("0")),)),
    "softmax": Reference(_softmax, ((VECTOR,),)),
    "logsumexp": Reference(lambda x: mp.log(mp.fsum(mp.exp(v) for v in x)), ((VECTOR,),)),
    "mse": Reference(lambda a, b: mp.fsum((p - q) ** 2 for p, q in zip(a, b)) / len(a), ((VECTOR, PROBABILITIES),)),
    "cross_entropy": Reference(_cross_entropy, ((VECTOR, PROBABILITIES), (VECTOR, Const("2")))),
}
INTERNAL = {"repeat"}  # made by the evaluator where an op broadcasts; broadcasting tests reach it

SYSTEMS = {  # name → (mode, digits, whether scalar operands become tensors)
    "float": ("float", None, False), "exact": ("exact", None, False), "digits30": ("digits", 30, False),
    "interval": ("interval", None, False), "float-tensor": ("float", None, True),
    "exact-tensor": ("exact", None, True),
}
TENSOR_SYSTEMS = {"float": "float", "exact": "exact", "digits30": "digits", "interval": "interval"}


def test_every_op_has_a_reference():
    assert set(OPS) - INTERNAL == set(ELEMENTWISE) | set(TENSOR), "declare reference points for every op here"
    assert all(OPS[name].partials for name in ELEMENTWISE) and all(OPS[name].vjps for name in TENSOR)


# ---- running one case ----

def _source(name: str, reference: Reference, operands: tuple) -> str:
    op = OPS[name]
    template = reference.syntax or (f"{op.function}(" + ", ".join(f"{{{i}}}" for i in range(op.arity)) + ")"
                                    if op.callable else op.notation)
    return template.format(*(operand.text if isinstance(operand, Const) else f"x{i}"
                             for i, operand in enumerate(operands)))


def _as_tensor(operand, tensor: bool):
    return [operand, operand] if tensor and isinstance(operand, str) else operand


def _mpf(nested):
    return _map(lambda text: mp.mpf(Fraction(text).numerator) / Fraction(text).denominator, nested)


def _reference_numbers(reference: Reference, operands: tuple, elementwise: bool) -> tuple[list, dict[str, list]]:
    """The reference value's elements and, per variable, the gradient of the sum of the output's
    elements, element by element, by numerical differentiation."""
    arguments = [int(o.text) if isinstance(o, Const) else _mpf(o) for o in operands]

    def output(values):
        return _map(reference.function, *values) if elementwise else reference.function(*values)

    gradient = {}
    for position, operand in enumerate(operands):
        if isinstance(operand, Const):
            continue
        leaves = _flat(arguments[position])
        gradient[f"x{position}"] = [
            mp.diff(lambda t, element=element: mp.fsum(_flat(output(_replaced(arguments, position, element, t)))),
                    leaves[element])
            for element in range(len(leaves))]
    return _flat(output(arguments)), gradient


def _replaced(values: list, position: int, element: int, t) -> list:
    """`values` with the element-th leaf (in row order) of values[position] replaced by t."""
    counter = iter(range(len(_flat(values[position]))))
    replaced = list(values)
    replaced[position] = _map(lambda v: t if next(counter) == element else v, values[position])
    return replaced


def _rational(x) -> Fraction | None:
    """x as a fraction of small denominator if it is one to 35 digits; None for an irrational reference."""
    candidate = Fraction(mp.nstr(x, 55, min_fixed=-mp.inf, max_fixed=mp.inf)).limit_denominator(10 ** 8)
    tolerance = mp.mpf(10) ** -35 * max(1, abs(x))
    return candidate if abs(x - mp.mpf(candidate.numerator) / candidate.denominator) <= tolerance else None


def _enclosures(numbers, value) -> list[tuple[Fraction, Fraction]]:
    """Each element of a computed value as (low, high): an interval's ends, else the number twice."""
    document = numbers.to_json(value)
    leaves = []

    def walk(item):
        if numbers.name == "interval" and isinstance(item, list) and all(isinstance(end, str) for end in item):
            leaves.append((Fraction(item[0]), Fraction(item[1])))
        elif isinstance(item, list):
            for child in item:
                walk(child)
        else:
            assert not (isinstance(item, str) and item.endswith("?")), f"uncertified: {item}"
            leaves.append((Fraction(item),) * 2)
    walk(document)
    return leaves


def _agrees(mode: str, computed: tuple[Fraction, Fraction], reference) -> bool:
    low, high = computed
    scale = max(mp.mpf(1), abs(reference))
    if mode == "exact":
        return low == _rational(reference)
    if mode == "interval":  # encloses the reference, and tightly
        slack = mp.mpf(10) ** -40 * scale
        return (_mpf(str(low)) - slack <= reference <= _mpf(str(high)) + slack
                and _mpf(str(high - low)) <= mp.mpf(10) ** -9 * scale)
    tolerance = mp.mpf(10) ** (-29 if mode == "digits" else -12) * scale
    return abs(_mpf(str(low)) - reference) <= tolerance


def _check(name: str, reference: Reference, operands: tuple, mode: str, digits: int | None, elementwise: bool):
    """The value alone (no derivative asked for), then value and gradient, against the reference."""
    source = _source(name, reference, operands)
    value, gradient = _reference_numbers(reference, operands, elementwise)
    program = parse(source)
    pairs = [(f"x{i}", operand) for i, operand in enumerate(operands) if not isinstance(operand, Const)]
    for wanted in ([], None):
        trace = _evaluated(program, pairs, mode, digits, wanted, value + ([] if wanted == [] else [
            g for elements in gradient.values() for g in elements]))
        if trace is None:
            return
        computed = _enclosures(trace.numbers, trace.value)
        assert len(computed) == len(value)
        assert all(_agrees(mode, c, r) for c, r in zip(computed, value)), (source, pairs, computed, value)
    for variable, expected in gradient.items():
        computed = _enclosures(trace.numbers, trace.gradient[variable])
        assert len(computed) == len(expected), (source, variable)
        assert all(_agrees(mode, c, r) for c, r in zip(computed, expected)), (source, pairs, variable, computed, expected)


def _evaluated(program, pairs, mode: str, digits: int | None, wanted: list | None, references: list):
    """The trace, or None where --exact refuses rightly: some reference number is irrational, and the
    message says to use --digits N."""
    rational = all(_rational(x) is not None for x in references)
    try:
        trace = evaluate(program.graph(), pairs, program, number_system(mode, digits), wanted, record=False)
    except MathError as refusal:
        assert mode == "exact" and not rational, (program.source, pairs, refusal.message)
        assert "--digits N" in refusal.message and "rational" in refusal.message, refusal.message
        return None
    assert mode != "exact" or rational, (program.source, pairs, "an irrational reference, yet --exact gave a result")
    return trace


@pytest.mark.parametrize("system", SYSTEMS)
@pytest.mark.parametrize("name", sorted(ELEMENTWISE))
def test_elementwise_op_in_every_number_system(name, system):
    mode, digits, tensor = SYSTEMS[system]
    reference = ELEMENTWISE[name]
    for case in reference.cases:
        operands = tuple(_as_tensor(operand, tensor) for operand in case)
        _check(name, reference, operands, mode, digits, elementwise=True)


@pytest.mark.parametrize("system", TENSOR_SYSTEMS)
@pytest.mark.parametrize("name", sorted(TENSOR))
def test_tensor_op_in_every_number_system(name, system):
    reference = TENSOR[name]
    for case in reference.cases:
        _check(name, reference, case, TENSOR_SYSTEMS[system], 30 if system == "digits30" else None, elementwise=False)


RANGE = Fraction(1, 64)  # --interval inputs x ± 1/64 around each reference point (less near 0, inside log's domain)


def _range(point: str) -> tuple[Fraction, Fraction]:
    x = Fraction(point)
    width = RANGE * min(1, 8 * abs(x)) if x else RANGE
    return x - width, x + width


@pytest.mark.parametrize("name", sorted(ELEMENTWISE))
def test_interval_ranges_enclose_the_op_over_the_whole_range(name):
    # at the corners and the middle of the ranges, the op's value lies in the value's enclosure and
    # its derivatives in the gradient's: a point input cannot show an enclosure taken from the wrong end
    reference = ELEMENTWISE[name]
    for case in reference.cases:
        ranges = [_range(point) for point in case]
        program = parse(_source(name, reference, case))
        pairs = [(f"x{i}", f"{low}..{high}") for i, (low, high) in enumerate(ranges)]
        trace = evaluate(program.graph(), pairs, program, number_system("interval"), record=False)
        enclosures = {"value": _enclosures(trace.numbers, trace.value)[0]}
        enclosures.update((variable, _enclosures(trace.numbers, g)[0]) for variable, g in trace.gradient.items())
        for point in itertools.product(*[(low, (low + high) / 2, high) for low, high in ranges]):
            value, gradient = _reference_numbers(reference, tuple(map(str, point)), elementwise=True)
            for key, (expected,) in [("value", value), *gradient.items()]:
                low, high = enclosures[key]
                assert _mpf(str(low)) <= expected <= _mpf(str(high)), (name, pairs, point, key, enclosures[key])


def test_the_reference_tells_rational_from_irrational():
    assert _rational(mp.mpf(3) / 8) == Fraction(3, 8) and _rational(mp.mpf(-7)) == -7
    assert _rational(mp.pi) is None and _rational(mp.log(2)) is None and _rational(mp.sqrt(2) / 1000) is None


def test_an_op_is_immutable_and_replace_makes_a_changed_copy():
    from cgcli.ops.declaration import replace

    sin = OPS["sin"]
    with pytest.raises(AttributeError):
        sin.convention = "changed"
    with pytest.raises(AttributeError):
        del sin.name
    changed = replace(sin, convention="changed")
    assert changed.convention == "changed" and sin.convention is None
    assert changed != sin and replace(sin) == sin and changed.rules is sin.rules
    with pytest.raises(TypeError, match="no field colour"):
        replace(sin, colour="red")
