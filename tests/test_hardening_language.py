"""Hardening of tensors and the language (issue 9): no internal errors, no silent misreadings.

* a missing value is reported the same way whatever the other values are (tensors included);
* indices and axes must be one integer: tensors, fractions and out-of-range values are refused;
* tensor ops given scalars either give the obvious answer or say what they need;
* scalars and tensors broadcast in every elementwise binary op, both ways, in every number mode,
  with values and gradients checked against hand formulas (Fractions for --exact);
* a sweep over every op of the table × argument kinds × number modes finds no internal error;
* `3e-x`, `1e5e`, `x²` and `½x` are refused with a hint instead of being misread.
"""
from __future__ import annotations

import itertools
import json
import math
from fractions import Fraction

import numpy as np
import pytest

from conftest import run_cgrad_inprocess

from cgcli.numbers import number_system
from cgcli.numbers.tensor import TensorNumbers
from cgcli.ops import FUNCTIONS, OPS
from cgcli.ops.piecewise import PIECEWISE

INPUT, MATH = 2, 1
MODES = {"float": (), "exact": ("--exact",), "digits": ("--digits", "20"), "interval": ("--interval",)}


def at_options(bindings: dict[str, str]) -> list[str]:
    return [item for name, value in bindings.items() for item in ("--at", f"{name}={value}")]


def run(source: str, bindings: dict[str, str], mode: str = "float", *extra: str) -> tuple[int, str, str]:
    return run_cgrad_inprocess("eval", source, *at_options(bindings), *MODES[mode], *extra)


def run_json(source: str, bindings: dict[str, str], mode: str = "float", *extra: str) -> dict:
    code, out, err = run(source, bindings, mode, "--format", "json", "--no-trace", *extra)
    assert code == 0, err
    return json.loads(out)


def assert_clean_failure(code: int, err: str) -> None:
    """One `error:` line (a caret may follow), an exit status of the contract, no internal error."""
    assert "internal error" not in err and "Traceback" not in err, err
    assert code in (INPUT, MATH), (code, err)
    assert err.startswith("error: "), err
    assert [line.startswith("error:") for line in err.splitlines()].count(True) == 1, err


def first_error_line(code: int, err: str, expected_code: int) -> str:
    assert_clean_failure(code, err)
    assert code == expected_code, err
    return err.splitlines()[0]


# --------------------------------------------------------------------------------------------
# 1. A missing value reads the same whatever the other values are
# --------------------------------------------------------------------------------------------

OTHER_VALUES = {"none": {}, "scalar": {"X": "2"}, "vector": {"X": "[1,2]"}, "matrix": {"X": "[[1,2],[3,4]]"}}


@pytest.mark.parametrize("others", OTHER_VALUES)
@pytest.mark.parametrize("mode", MODES)
def test_a_missing_value_is_reported_whatever_the_other_values(others, mode):
    source = "X * v" if others in ("none", "scalar") else "X @ v"
    code, out, err = run(source, OTHER_VALUES[others], mode)
    first = first_error_line(code, err, INPUT)
    missing = "'X' and 'v'" if others == "none" else "'v'"
    assert first.startswith(f"error: no value for {missing}: give"), first
    assert out == ""


def test_every_missing_value_is_listed_beside_a_tensor():
    code, out, err = run("sum(W @ x + b) * c", {"W": "[[1,2],[3,4]]"})
    first = first_error_line(code, err, INPUT)
    assert first == "error: no value for 'x', 'b' and 'c': give them with --at, e.g. --at x=1,b=1,c=1", first


def test_a_missing_value_beside_a_tensor_in_diagram_and_paths():
    for command, *options in (("diagram",), ("paths", "--wrt", "X")):
        code, out, err = run_cgrad_inprocess(command, "sum(X @ v)", "--at", "X=[[1,2],[3,4]]", *options)
        first = first_error_line(code, err, INPUT)
        assert first.startswith("error: no value for 'v'"), (command, first)


# --------------------------------------------------------------------------------------------
# 2. Indices and axes: one integer, in range
# --------------------------------------------------------------------------------------------

VALUES = {"y": "[1,0]", "v": "[10,20,30]", "M": "[[1,2],[3,4]]", "a": "2", "h": "1/2", "w": "[0]"}


@pytest.mark.parametrize("source, names, pieces", [
    ("y[y]", "y", ["in f = y[y]", "the index is a tensor of shape (2,); it must be one integer"]),
    ("M[v]", "Mv", ["in f = M[v]", "the index is a tensor of shape (3,)"]),
    ("M[0, y]", "My", ["in f = M[0, y]", "the index is a tensor of shape (2,)"]),
    ("M[y, 0]", "My", ["the index is a tensor of shape (2,)"]),
    ("M[M]", "M", ["the index is a tensor of shape (2, 2)"]),
    ("sum(M, y)", "My", ["in f = sum(M, y)", "the axis is a tensor of shape (2,); it must be one integer"]),
    ("mean(M, w)", "Mw", ["in f = mean(M, w)", "the axis is a tensor of shape (1,)"]),
    ("v[h]", "vh", ["in f = v[h]", "is not an integer"]),
    ("v[3]", "v", ["index 3 is out of range for axis 0 of length 3"]),
    ("v[-4]", "v", ["index -4 is out of range for axis 0 of length 3"]),
    ("M[1, 2]", "M", ["index 2 is out of range for axis 1 of length 2"]),
    ("a[0]", "a", ["in f = a[0]", "1 index for a scalar: only vectors, matrices and larger tensors can be indexed"]),
    ("(a + 1)[0, 0]", "a", ["2 indices for a scalar"]),
    ("v[0, 0]", "v", ["in f = v[0, 0]", "2 indices for a tensor of shape (3,), which has 1 axis"]),
    ("sum(v, 1)", "v", ["axis 1 does not exist: a tensor of shape (3,) has one axis, 0 (or -1)"]),
    ("sum(M, -3)", "M", ["axis -3 does not exist: a tensor of shape (2, 2) has axes 0 to 1 (or -2 to -1)"]),
    ("mean(M, h)", "Mh", ["is not an integer; a tensor of shape (2, 2) has axes 0 to 1"]),
    ("sum(a, 0)", "a", ["axis 0 does not exist: a scalar (shape ()) has no axes"]),
])
@pytest.mark.parametrize("mode", MODES)
def test_bad_indices_and_axes_are_refused(source, names, pieces, mode):
    code, out, err = run(source, {name: VALUES[name] for name in names}, mode)
    first = first_error_line(code, err, MATH)
    for piece in pieces:
        assert piece in first, (piece, first)
    if "h" in names:  # the non-integer as the number system writes it
        assert ("1/2 is not an integer" if mode == "exact" else "0.5") in first, first


def test_operands_are_listed_once_in_the_message():
    code, out, err = run("y[y]", {"y": "[1,0]"})
    first = first_error_line(code, err, MATH)
    assert first.count("y = [1, 0]") == 1, first


@pytest.mark.parametrize("mode", MODES)
def test_an_index_computed_from_a_tensor_element_works(mode):
    # y[y[1]] at y = [1, 0]: y[1] = 0, so the value is y[0] = 1; the outer index picks element 0, and
    # the inner one is piecewise constant (no derivative through an index): ∂/∂y = [1, 0].
    document = run_json("y[y[1]]", {"y": "[1,0]"}, mode)
    assert _readings(document["value"], mode) == [1]
    assert _readings(document["gradient"]["y"], mode) == [1, 0]


@pytest.mark.parametrize("mode", MODES)
def test_index_and_axis_given_as_variables(mode):
    # M[i, j] at i = 1, j = 0 is 3; sum(M, k) at k = 1 gives the row sums [3, 7], which sum to 10.
    # ∂/∂M = [[0, 0], [1, 0]] + ones; indices and axes are piecewise constant: derivative 0.
    document = run_json("M[i, j] + sum(sum(M, k))", {"M": "[[1,2],[3,4]]", "i": "1", "j": "0", "k": "1"}, mode)
    assert _readings(document["value"], mode) == [13]
    assert _readings(document["gradient"]["M"], mode) == [1, 1, 2, 1]
    assert all(_readings(document["gradient"][name], mode) == [0] for name in "ijk")


def test_an_interval_index_that_is_not_a_point():
    code, out, err = run("v[i]", {"v": "[1,2,3]", "i": "0..1"}, "interval")
    first = first_error_line(code, err, MATH)
    assert "is not an integer" in first and "in f = v[i]" in first


# --------------------------------------------------------------------------------------------
# 3. Tensor ops given scalars: the obvious answer, or what the op needs
# --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("source, value, gradient", [
    # a = 3/2, b = 1/4: by hand
    ("sum(a)", Fraction(3, 2), {"a": 1}),
    ("mean(a)", Fraction(3, 2), {"a": 1}),
    ("transpose(a)", Fraction(3, 2), {"a": 1}),
    ("a.T", Fraction(3, 2), {"a": 1}),
    ("logsumexp(a)", Fraction(3, 2), {"a": 1}),            # log(exp(a)) = a
    ("softmax(a)", 1, {"a": 0}),                           # one entry takes all the weight
    ("mse(a, b)", Fraction(25, 16), {"a": Fraction(5, 2), "b": Fraction(-5, 2)}),  # (a-b)², ±2(a-b)
])
@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("beside_a_tensor", [False, True])
def test_tensor_ops_of_scalars_give_the_obvious_answer(source, value, gradient, mode, beside_a_tensor):
    bindings = {"a": "3/2", "b": "1/4"} if "b" in gradient else {"a": "3/2"}
    if beside_a_tensor:  # the tensor number system, with scalars flowing through it
        source, bindings = f"{source} + 0*sum(u)", {**bindings, "u": "[1,2]"}
    document = run_json(source, bindings, mode)
    _assert_reads(document["value"], [value], mode)
    for name, expected in gradient.items():
        _assert_reads(document["gradient"][name], [expected], mode)


@pytest.mark.parametrize("source, bindings, pieces", [
    ("cross_entropy(1, 1)", {}, ["in f = cross_entropy(1, 1)", "needs logits that are a vector", "not a scalar"]),
    ("cross_entropy(a, 0)", {"a": "2"}, ["in f = cross_entropy(a, 0)", "needs logits that are a vector"]),
    ("cross_entropy(a, y)", {"a": "2", "y": "[1,0]"}, ["needs logits that are a vector"]),
    ("L = cross_entropy(sum(v), 0)", {"v": "[1,2]"}, ["in L = cross_entropy(sum(v), 0)", "needs logits"]),
    ("a @ b", {"a": "2", "b": "3"}, ["in f = a @ b", "@ multiplies vectors and matrices", "use * for scalars"]),
    ("a @ v", {"a": "2", "v": "[1,2]"}, ["@ multiplies vectors and matrices", "() and (2,)"]),
    ("T @ v", {"T": "[[[1,2]]]", "v": "[1,2]"}, ["at most 2 dimensions", "(1, 1, 2)"]),
    ("mse(a, v)", {"a": "2", "v": "[1,2]"}, ["in f = mse(a, v)", "mse needs equal shapes", "() and (2,)"]),
    ("cross_entropy(Z, 0)", {"Z": "[[1,2],[3,4]]"}, ["labels of shape () fit neither", "(2, 2)", "(2,)"]),
])
@pytest.mark.parametrize("mode", ["float", "exact", "interval"])
def test_tensor_ops_say_what_they_need(source, bindings, pieces, mode):
    code, out, err = run(source, bindings, mode)
    first = first_error_line(code, err, MATH)
    for piece in pieces:
        assert piece in first, (piece, first)


@pytest.mark.parametrize("mode", MODES)
def test_cross_entropy_with_a_scalar_label_has_a_scalar_label_gradient(mode):
    # cross_entropy(z, k) with class index k = 2: -log softmax(z)[2]; the label is piecewise constant,
    # and its gradient is a plain 0, not a 0-d array (which --digits could not print).
    z = [0.5, 1.0, 2.0]
    softmax = [math.exp(x) / sum(map(math.exp, z)) for x in z]
    if mode == "exact":
        code, out, err = run("cross_entropy(z, k)", {"z": "[1/2,1,2]", "k": "2"}, mode)
        assert "irrational" in first_error_line(code, err, MATH)
        return
    document = run_json("cross_entropy(z, k)", {"z": "[1/2,1,2]", "k": "2"}, mode)
    _assert_reads(document["value"], [-math.log(softmax[2])], mode)
    _assert_reads(document["gradient"]["z"], [softmax[0], softmax[1], softmax[2] - 1], mode)
    assert _readings(document["gradient"]["k"], mode) == [0]


# --------------------------------------------------------------------------------------------
# 4. Scalars and tensors broadcast in every elementwise binary op, both ways, every mode
# --------------------------------------------------------------------------------------------

class Irrational(Exception):
    """The exact reference value is not rational: --exact must refuse it."""


def _log(x, exact: bool):
    assert x > 0  # every base below is positive
    if not exact:
        return math.log(x)
    if x != 1:
        raise Irrational
    return Fraction(0)


def _ge(p, q) -> int:
    return 1 if p >= q else 0


def _hypot(a, b):
    """sqrt(a² + b²), a Fraction where it is rational; Irrational for the other Fractions."""
    square = a * a + b * b
    if not isinstance(square, Fraction):
        return math.sqrt(square)
    top, bottom = math.isqrt(square.numerator), math.isqrt(square.denominator)
    if Fraction(top, bottom) ** 2 != square:
        raise Irrational
    return Fraction(top, bottom)


def _atan2(a, b):
    if isinstance(a, Fraction) and not (a == 0 and b > 0):
        raise Irrational  # π/2, π, or the arctangent of a rational other than 0
    return math.atan2(a, b)


HAND_RULES = {  # op: (syntax, value, ∂/∂left, ∂/∂right), with L the log of the number system
    "add": ("{0} + {1}", lambda a, b, L: a + b, lambda a, b, L: 1, lambda a, b, L: 1),
    "sub": ("{0} - {1}", lambda a, b, L: a - b, lambda a, b, L: 1, lambda a, b, L: -1),
    "mul": ("{0} * {1}", lambda a, b, L: a * b, lambda a, b, L: b, lambda a, b, L: a),
    "div": ("{0} / {1}", lambda a, b, L: a / b, lambda a, b, L: 1 / b, lambda a, b, L: -a / b ** 2),
    "pow": ("{0} ^ {1}", lambda a, b, L: a ** b, lambda a, b, L: b * a ** (b - 1), lambda a, b, L: a ** b * L(a)),
    # ties (a = b) send the gradient to the left operand
    "max": ("max({0}, {1})", lambda a, b, L: max(a, b), lambda a, b, L: _ge(a, b), lambda a, b, L: 1 - _ge(a, b)),
    "min": ("min({0}, {1})", lambda a, b, L: min(a, b), lambda a, b, L: _ge(b, a), lambda a, b, L: 1 - _ge(b, a)),
    "hypot": ("hypot({0}, {1})", lambda a, b, L: _hypot(a, b), lambda a, b, L: a / _hypot(a, b),
              lambda a, b, L: b / _hypot(a, b)),
    "atan2": ("atan2({0}, {1})", lambda a, b, L: _atan2(a, b), lambda a, b, L: b / (a * a + b * b),
              lambda a, b, L: -a / (a * a + b * b)),
    "heaviside": ("heaviside({0}, {1})", lambda a, b, L: 1 if a > 0 else b if a == 0 else 0, lambda a, b, L: 0,
                  lambda a, b, L: 1 if a == 0 else 0),
    # the base is 1 + the right operand: the operands include 1, which is no base
    "log_base": ("log({0}, 1 + {1})", lambda a, b, L: L(a) / L(1 + b), lambda a, b, L: 1 / (a * L(1 + b)),
                 lambda a, b, L: -L(a) / ((1 + b) * L(1 + b) ** 2)),
}


def test_the_hand_rules_cover_every_broadcasting_op():
    # piecewise ops (conditions, if) broadcast too: tests/test_piecewise.py checks them on tensors
    assert sorted(HAND_RULES) == sorted(name for name, op in OPS.items() if op.broadcasts and op.name not in PIECEWISE_OPS)


# operand: (source text, the variable in it or None, its value, d(text)/d(variable))
SCALARS = {
    "constant": ("2", None, 2, 0),                   # needs no gradient: broadcast without a Repeat node
    "variable": ("a", "a", 2, 1),
    "computed": ("relu(a)", "a", 2, 1),              # a scalar computed inside a tensor program
}
TENSORS = {
    "vector": ("v", "v", [1, 2, 4], 1),              # its 2 ties max and min with the scalar 2
    "matrix": ("M", "M", [[1, 2], [4, 1]], 1),
    "row": ("w", "w", [4, 1], 1),                    # broadcasts against M: a tensor-tensor Repeat
}
PAIRS = ([(s, t) for s in SCALARS for t in ("vector", "matrix")]
         + [(t, s) for s in SCALARS for t in ("vector", "matrix")]
         + [("row", "matrix"), ("matrix", "row")])


def _operand(kind: str) -> tuple:
    return SCALARS.get(kind) or TENSORS[kind]


def _array(nested, number) -> np.ndarray:
    """An object array of Fractions or floats (0-d for a scalar)."""
    given = np.array(nested, dtype=object)
    array = np.empty(given.shape, dtype=object)
    for index in np.ndindex(given.shape):
        array[index] = number(given[index])
    return array


def _reduce_to(g, shape: tuple[int, ...]):
    """A broadcast gradient summed back to the operand's shape."""
    while np.ndim(g) > len(shape):
        g = np.sum(g, axis=0)
    for axis, size in enumerate(shape):
        if size == 1 and g.shape[axis] != 1:
            g = np.sum(g, axis=axis, keepdims=True)
    return g


def _reference(op: str, left: str, right: str, exact: bool) -> tuple[list, dict[str, list]]:
    """Value and gradient (of the sum of the output's elements) by the hand rules, element by element."""
    _, value, *partials = HAND_RULES[op]
    number = Fraction if exact else float
    operands = [_operand(kind) for kind in (left, right)]
    arrays = [_array(operand[2], number) for operand in operands]
    wide = np.broadcast_arrays(*arrays)
    log = lambda x: _log(x, exact)  # noqa: E731
    output = np.frompyfunc(lambda a, b: value(a, b, log), 2, 1)(*wide)
    gradient: dict[str, list] = {}
    for position, (_, variable, _, factor) in enumerate(operands):
        if variable is not None:
            local = np.frompyfunc(lambda a, b: partials[position](a, b, log), 2, 1)(*wide)
            gradient[variable] = list(np.ravel(_reduce_to(local * factor, arrays[position].shape)))
    return list(np.ravel(output)), gradient


def _leaves(value, mode: str) -> list:
    """The numbers of a JSON value in order; an interval is one ["lo", "hi"] leaf."""
    if isinstance(value, list) and not (mode == "interval" and all(isinstance(v, str) for v in value)):
        return [leaf for item in value for leaf in _leaves(item, mode)]
    return [value]


def _readings(value, mode: str) -> list[Fraction]:
    """The numbers of a JSON value, exactly as printed (an interval: its midpoint)."""
    if mode == "interval":
        return [(Fraction(low) + Fraction(high)) / 2 for low, high in _leaves(value, mode)]
    return [Fraction(leaf) for leaf in _leaves(value, mode)]


def _assert_reads(value, expected: list, mode: str) -> None:
    """Exact modes: equal; float and digits: within 1e-12; intervals: enclosing the reference."""
    leaves = _leaves(value, mode)
    assert len(leaves) == len(expected), (value, expected)
    for leaf, want in zip(leaves, expected):
        if mode == "exact":
            assert Fraction(leaf) == want, (leaf, want)
        elif mode == "interval":
            low, high = float(leaf[0]), float(leaf[1])
            slack = 1e-12 * max(1.0, abs(float(want)))
            assert low - slack <= float(want) <= high + slack, (leaf, want)
        else:
            assert math.isclose(float(leaf), float(want), rel_tol=1e-12, abs_tol=1e-12), (leaf, want)


@pytest.mark.parametrize("op", sorted(HAND_RULES))
@pytest.mark.parametrize("left, right", PAIRS)
@pytest.mark.parametrize("mode", MODES)
def test_broadcasting_values_and_gradients(op, left, right, mode):
    source = HAND_RULES[op][0].format(_operand(left)[0], _operand(right)[0])
    bindings = {operand[1]: json.dumps(operand[2]) for operand in map(_operand, (left, right)) if operand[1]}
    try:
        value, gradient = _reference(op, left, right, exact=mode == "exact")
    except Irrational:  # --exact needs log 2 for the derivative along an exponent, sqrt 5 for hypot(2, 1), …
        code, out, err = run(source, bindings, mode)
        first = first_error_line(code, err, MATH)
        assert "irrational" in first and "--digits" in first, first
        return
    document = run_json(source, bindings, mode)
    _assert_reads(document["value"], value, mode)
    assert sorted(document["gradient"]) == sorted(gradient)
    for name, expected in gradient.items():
        _assert_reads(document["gradient"][name], expected, mode)


@pytest.mark.parametrize("mode", MODES)
def test_the_reported_scalar_raised_to_a_tensor_power(mode):
    # relu(x)^v at x = 1/3, v = [0, 1]: [1, 1/3]; ∂/∂x = Σ v·x^(v-1) = 0 + 1 = 1; ∂/∂v = x^v·log x
    if mode == "exact":  # log(1/3) is irrational: only the base's derivative is exact
        document = run_json("relu(x)^v", {"x": "1/3", "v": "[0,1]"}, mode, "--wrt", "x")
        assert _readings(document["value"], mode) == [1, Fraction(1, 3)]
        assert _readings(document["gradient"]["x"], mode) == [1]
        return
    document = run_json("relu(x)^v", {"x": "1/3", "v": "[0,1]"}, mode)
    _assert_reads(document["value"], [1, 1 / 3], mode)
    _assert_reads(document["gradient"]["x"], [1], mode)
    _assert_reads(document["gradient"]["v"], [math.log(1 / 3), math.log(1 / 3) / 3], mode)


SCALAR_SYSTEMS = {"float": lambda: number_system("float"), "exact": lambda: number_system("exact"),
                  "digits": lambda: number_system("digits", 20), "interval": lambda: number_system("interval")}


def _outcome(rule, ns, operands):
    """The rule's result, or the type of the arithmetic failure it raised."""
    try:
        return rule(ns, *operands)
    except (ArithmeticError, ValueError) as failure:  # DomainError is an ArithmeticError
        return type(failure)


@pytest.mark.parametrize("mode", SCALAR_SYSTEMS)
def test_the_tensor_number_system_gives_scalars_of_the_scalar_system(mode):
    # A program with a tensor runs every op through TensorNumbers. For scalar operands every forward
    # rule and local derivative must give what the scalar system gives, of the same type (NumPy's
    # float64 from np.maximum made relu(x)^v crash).
    scalar = SCALAR_SYSTEMS[mode]()
    tensor = TensorNumbers(scalar)
    points = [scalar.parse(text) for text in ("3/2", "-1/2", "1")]
    for op in (op for op in OPS.values() if op.partials):
        rules = [op.forward] + [lambda ns, *xs, p=p, f=op.forward: p(ns, f(ns, *xs), *xs) for p in op.partials]
        for operands in itertools.product(points, repeat=op.arity):
            for rule in rules:
                plain, through_tensor = (_outcome(rule, ns, operands) for ns in (scalar, tensor))
                assert type(through_tensor) is type(plain), (op.name, operands)
                if not isinstance(plain, type):
                    assert scalar.format(through_tensor) == scalar.format(plain), (op.name, operands)


# --------------------------------------------------------------------------------------------
# A sweep: every op × argument kinds × number modes, and wrong arities: never an internal error
# --------------------------------------------------------------------------------------------

SYNTAX = {"add": "{0} + {1}", "sub": "{0} - {1}", "mul": "{0} * {1}", "div": "{0} / {1}", "pow": "{0} ^ {1}",
          "neg": "-{0}", "id": "y = {0}; y", "matmul": "{0} @ {1}", "index": "{0}[{1}]", "index2": "{0}[{1}, {2}]",
          "sum_axis": "sum({0}, {1})", "mean_axis": "mean({0}, {1})",
          # conditions are no values: each is swept as if()'s condition
          "gt": "if({0} > {1}, 1, 0)", "ge": "if({0} >= {1}, 1, 0)", "lt": "if({0} < {1}, 1, 0)",
          "le": "if({0} <= {1}, 1, 0)", "eq": "if({0} == {1}, 1, 0)", "ne": "if({0} != {1}, 1, 0)",
          "and": "if({0} > 0 and {1} > 0, 1, 0)", "or": "if({0} > 0 or {1} > 0, 1, 0)", "not": "if(not {0} > 0, 1, 0)"}
INTERNAL = {"repeat"}  # made by the evaluator for broadcasting; no syntax reaches it
PIECEWISE_OPS = {op.name for op in PIECEWISE}
KINDS = {"scalar": ("s", "s=1"), "vector": ("v", "v=[0.5,1,2]"), "matrix": ("M", "M=[[1,0.5],[2,1]]")}


def _template(name: str) -> str:
    op = OPS[name]
    return SYNTAX.get(name) or f"{op.function}(" + ", ".join("{%d}" % i for i in range(op.arity)) + ")"


def test_the_sweep_reaches_every_op():
    for name in OPS:
        assert name in INTERNAL or name in SYNTAX or OPS[name].callable, name


SWEEP = [pytest.param(name, kinds, id=f"{name}-{'-'.join(kinds)}")
         for name in sorted(set(OPS) - INTERNAL)
         # the piecewise ops are elementwise like the rest: scalars and vectors reach every rule, in less time
         for kinds in itertools.product(("scalar", "vector") if name in PIECEWISE_OPS else KINDS, repeat=OPS[name].arity)]


@pytest.mark.parametrize("name, kinds", SWEEP)
def test_sweep_every_op_argument_kind_and_mode(name, kinds):
    source = _template(name).format(*(KINDS[kind][0] for kind in kinds))
    bindings = sorted({KINDS[kind][1] for kind in kinds})
    variants = [(source, bindings)]
    if set(kinds) == {"scalar"}:  # scalars through the tensor number system too
        in_tensor_program = "y = s; y + 0*sum(u)" if name == "id" else f"{source} + 0*sum(u)"
        variants.append((in_tensor_program, bindings + ["u=[1]"]))
    for text, values in variants:
        options = [item for value in values for item in ("--at", value)]
        for mode, flags in MODES.items():
            code, out, err = run_cgrad_inprocess("eval", text, *options, *flags, "--format", "json", "--no-trace")
            if code:
                assert_clean_failure(code, err)
            else:
                assert "value" in json.loads(out), (text, mode)


@pytest.mark.parametrize("name", sorted(set(OPS) - INTERNAL))
def test_sweep_wrong_arity_is_an_input_error(name):
    op = OPS[name]
    if op.callable:
        count = max(FUNCTIONS[op.function]) + 1
        source, expected = f"{op.function}(" + ", ".join(["v"] * count) + ")", f"{op.function}() takes"
    elif name.startswith("index"):
        source, expected = "v[0, 0, 0]", "indexing takes one or two indices"
    else:  # an operator with its last operand missing (in parentheses: a bare "-" means stdin)
        source, expected = "(" + _template(name).format(*(["v"] * (op.arity - 1) + [""])) + ")", "syntax error"
    code, out, err = run_cgrad_inprocess("eval", source, "--at", "v=[1,2]")
    first = first_error_line(code, err, INPUT)
    assert expected in first, (source, first)


# --------------------------------------------------------------------------------------------
# 5. Numbers glued to e or E that look like scientific notation but are not
# --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("source, quoted, advice, column", [
    ("3e-x", "3e-x", "write 3*e - x, or digits after the sign, as in 3e-2", 1),
    ("2e+y", "2e+y", "write 2*e + y, or digits after the sign, as in 2e+2", 1),
    ("x + 4E-z", "4E-z", "write 4*E - z, or digits after the sign, as in 4E-2", 5),
    ("2.5e-x", "2.5e-x", "write 2.5*e - x", 1),
    (".5e-x", ".5e-x", "write .5*e - x", 1),
    ("2e−3", "2e−3", "write 2*e − 3, or digits after the sign, as in 2e-3", 1),   # a Unicode minus
    ("y*3e-", "3e-", "write 3*e - …", 3),
    ("1e5e", "1e5e", "a number has one exponent at most; write 1e5*e", 1),
    ("1e5e3", "1e5e3", "a number has one exponent at most; write 1e5*e3", 1),
    ("1e-3e-2", "1e-3e-2", "a number has one exponent at most; write 1e-3*e - 2", 1),
    ("(2E3ex)", "2E3ex", "a number has one exponent at most; write 2E3*ex", 2),
])
def test_a_number_that_looks_scientific_but_is_not_is_refused(source, quoted, advice, column):
    code, out, err = run_cgrad_inprocess("eval", source, "--at", "x=1,y=1,z=1")
    first = first_error_line(code, err, INPUT)
    assert first.startswith(f"error: '{quoted}' looks like a number in scientific notation but is not one: "), first
    assert advice in first and first.endswith(f"(column {column})"), first
    caret = err.splitlines()[2]
    assert caret.index("^") - 2 == column - 1, err


@pytest.mark.parametrize("source, bindings, value", [
    ("2e", {}, 2 * math.e),                          # a bare e after a number is Euler's number
    ("2E3", {}, 2000.0),
    ("2e-3", {}, 0.002),
    ("1.5E+2", {}, 150.0),
    ("2exp(x)", {"x": 1.25}, 2 * math.exp(1.25)),    # a name after a number is a product
    ("3ex", {"ex": 1.25}, 3 * 1.25),                 # the name is read whole: ex
    ("1e-3x", {"x": 1.25}, 1e-3 * 1.25),
    ("2e3x", {"x": 1.25}, 2e3 * 1.25),
    ("2 e-x", {"x": 1.25}, 2 * math.e - 1.25),       # spaced: the product is written out
    ("2e - x", {"x": 1.25}, 2 * math.e - 1.25),
    ("2*e-x", {"x": 1.25}, 2 * math.e - 1.25),
    ("e^2", {}, math.e ** 2),
    ("x2e-3", {"x2e": 1.25}, 1.25 - 3),              # inside a name, e is just a letter
])
def test_sensible_uses_of_e_after_a_number_still_work(source, bindings, value):
    document = run_json(source, {name: str(v) for name, v in bindings.items()})
    assert math.isclose(document["value"], value, rel_tol=1e-15)


# --------------------------------------------------------------------------------------------
# 6. Superscripts, fractions and other number signs are not part of names
# --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("source, name, hint, column", [
    ("x²", "x²", "superscripts are not powers here; write x^2", 2),
    ("2x³ + 1", "x³", "superscripts are not powers here; write x^3", 3),
    ("a*x²y", "x²y", "superscripts are not powers here; write x^2*y", 4),
    ("xⁿ", "xⁿ", "superscripts are not powers here; write x^n", 2),
    ("½x", "½x", "½ is not a number here; write 1/2*x or x/2", 1),
    ("¾x", "¾x", "¾ is not a number here; write 3/4*x", 1),
    ("y + x½", "x½", "½ is not a number here; write x*1/2", 6),
    ("Ⅻ + 1", "Ⅻ", "a name is letters, digits and _, starting with a letter or _ (roman numeral twelve is none", 1),
    ("x①", "x①", "(circled digit one is none of these)", 2),
    ("₁x", "₁x", "(subscript one is none of these)", 1),
])
def test_names_with_superscripts_or_fractions_are_refused(source, name, hint, column):
    code, out, err = run_cgrad_inprocess("eval", source, "--at", "x=1,y=1,a=1")
    first = first_error_line(code, err, INPUT)
    assert first.startswith(f"error: '{name}' is not a name: ") and hint in first, first
    assert first.endswith(f"(column {column})"), first


def test_a_superscript_minus_is_refused_with_a_hint():
    code, out, err = run_cgrad_inprocess("eval", "x⁻¹", "--at", "x=2")
    first = first_error_line(code, err, INPUT)
    assert "unexpected character '⁻' (superscript minus)" in first and "write powers with ^" in first


@pytest.mark.parametrize("source, bindings, value", [
    ("x₁ + x₂", {"x₁": 1.5, "x₂": 2}, 3.5),          # subscript digits are digits of a name
    ("θ*2", {"θ": 1.5}, 3.0),
    ("wₐ", {"wₐ": 1.5}, 1.5),                        # a subscript letter is a letter
    ("x٣ + 1", {"x٣": 1.5}, 2.5),                    # any decimal digit may follow the first letter
])
def test_unicode_names_that_stay_names(source, bindings, value):
    document = run_json(source, {name: str(v) for name, v in bindings.items()})
    assert document["value"] == value
