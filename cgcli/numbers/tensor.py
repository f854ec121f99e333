"""Tensors: NumPy arrays of any number system's values, behind the same names as a scalar system.

Float tensors are float64 arrays and use NumPy's own functions. Exact, digits and interval
tensors are object arrays whose elements go through the scalar system one by one, so they stay
exact or certified. `TensorNumbers` wraps a scalar system and answers for scalars and arrays
alike: it declares each primitive it lifts element by element, and each attribute it takes from the
scalar system as it is (zero, pi, name, relu0, …)."""
from __future__ import annotations

import numpy as np

from .system import NumberSystem

SUMMARY_SIZE = 12  # tensors with more elements print as a shape and a few values (JSON has them all)



def is_tensor(x) -> bool:
    return isinstance(x, np.ndarray)


def shape_text(shape: tuple[int, ...]) -> str:
    return "×".join(map(str, shape)) if shape else "scalar"


def parse_tensor(text: str, numbers) -> np.ndarray | None:
    """`[[1, 2], [3, 4]]` (numbers as the scalar system reads them: 1/3, -2.5e-3) → an array;
    None if the text is not a rectangular nested list of numbers."""
    import json

    try:
        nested = json.loads(_quote_numbers(text))
    except ValueError:
        return None
    return from_nested(nested, numbers)


def from_nested(nested, numbers) -> np.ndarray | None:
    """A nested list of number texts (or numbers) → an array of the scalar system's values."""
    if numbers.name == "float":
        try:  # decimals: NumPy converts them all at once, the same as float() one by one
            array = np.array(nested, dtype=float)
            if array.ndim and array.size and np.isfinite(array).all():
                return array
        except ValueError:
            pass  # fractions like 1/3, or a ragged list: element by element below
    flat, shape = [], None

    def walk(item, depth_shape):
        nonlocal shape
        if isinstance(item, list):
            if not item:
                return False
            return all(walk(child, depth_shape + (len(item),)) for child in item)
        if shape is None:
            shape = depth_shape
        elif shape != depth_shape:
            return False
        value = numbers.parse(str(item))
        if value is None:
            return False
        flat.append(value)
        return True

    stack_ok = isinstance(nested, list) and walk(nested, ())
    if not stack_ok:
        return None
    dtype = float if numbers.name == "float" else object
    array = np.empty(len(flat), dtype=dtype)
    array[:] = flat
    return array.reshape(shape)


def _quote_numbers(text: str) -> str:
    """Turn `[1/3, -2]` into JSON `["1/3", "-2"]`, so every number keeps its exact text."""
    import re

    return re.sub(r"[^\[\],\s]+", lambda m: '"' + m.group(0) + '"', text)


class _FromScalar:
    """An attribute or method a tensor system takes from its scalar system as it is (constants,
    names, reading a literal): declared one by one, not forwarded wholesale."""

    def __set_name__(self, owner, name: str) -> None:
        self.name = name

    def __get__(self, instance, owner=None):
        return self if instance is None else getattr(instance.scalar, self.name)


def _unary(name: str, ufunc=None):
    """A primitive of one argument lifted element by element: NumPy's `ufunc` on float arrays where
    there is one, else the scalar system's function on each element."""
    def lifted(self, x):
        function = getattr(self.scalar, name)
        if not is_tensor(x):
            return function(x)
        if x.dtype != object:
            if ufunc is None:
                return _map(function, x).astype(float)
            with np.errstate(all="ignore"):  # overflow shows as inf, which is_finite reports
                return ufunc(x)
        return _map(function, x)
    lifted.__name__ = name
    return lifted


def _binary(name: str, ufunc=None):
    """A primitive of two arguments lifted element by element, with NumPy's broadcasting."""
    def lifted(self, a, b):
        function = getattr(self.scalar, name)
        if not (is_tensor(a) or is_tensor(b)):
            # the scalar system's own value: NumPy would give np.float64, whose comparisons give
            # np.bool_, which the op table's sign arithmetic cannot subtract
            return function(a, b)
        if _floats(a, b):
            if ufunc is None:
                return np.asarray(_map(function, a, b)).astype(float)
            with np.errstate(all="ignore"):
                return ufunc(a, b)
        return _map(function, a, b)
    lifted.__name__ = name
    return lifted


class TensorNumbers(NumberSystem):
    """A scalar system's numbers and NumPy arrays of them, behind the same interface."""

    def __init__(self, scalar: NumberSystem) -> None:
        self.scalar = scalar

    # taken from the scalar system as they are
    name, description, overflow, max_digits = _FromScalar(), _FromScalar(), _FromScalar(), _FromScalar()
    zero, one, pi, e = _FromScalar(), _FromScalar(), _FromScalar(), _FromScalar()
    relu0, relu0_text, kink_note = _FromScalar(), _FromScalar(), _FromScalar()
    digits, precision, certifies = _FromScalar(), _FromScalar(), _FromScalar()
    literal, parse, index, magnitude = _FromScalar(), _FromScalar(), _FromScalar(), _FromScalar()

    def apply(self, op, *operands):
        """An elementwise op element by element through the scalar system's own apply where that one
        is its own (dual numbers: the op's derivative rule), else the op's forward rule over tensors."""
        if op.rules and type(self.scalar).apply is not NumberSystem.apply and any(map(is_tensor, operands)):
            return np.frompyfunc(lambda *xs: self.scalar.apply(op, *xs), len(operands), 1)(*operands)
        return op.forward(self, *operands)

    # lifted element by element

    exp = _unary("exp", np.exp)
    log = _unary("log", np.log)
    log1p = _unary("log1p", np.log1p)
    sqrt = _unary("sqrt", np.sqrt)
    cbrt = _unary("cbrt", np.cbrt)
    sin = _unary("sin", np.sin)
    cos = _unary("cos", np.cos)
    tan = _unary("tan", np.tan)
    asin = _unary("asin", np.arcsin)
    acos = _unary("acos", np.arccos)
    atan = _unary("atan", np.arctan)
    sinh = _unary("sinh", np.sinh)
    cosh = _unary("cosh", np.cosh)
    tanh = _unary("tanh", np.tanh)
    asinh = _unary("asinh", np.arcsinh)
    acosh = _unary("acosh", np.arccosh)
    atanh = _unary("atanh", np.arctanh)
    erf = _unary("erf")  # NumPy has none: math.erf element by element
    pow = _binary("pow", np.power)
    log_base = _binary("log_base")  # exact log2 and log10 at powers of their base, as the scalar system
    hypot = _binary("hypot", np.hypot)
    atan2 = _binary("atan2", np.arctan2)
    maximum = _binary("maximum", np.maximum)
    minimum = _binary("minimum", np.minimum)

    def signs(self, x) -> set[int]:
        if not is_tensor(x):
            return self.scalar.signs(x)
        if x.dtype != object:
            return {sign for sign, present in ((-1, (x < 0).any()), (0, (x == 0).any()), (1, (x > 0).any()))
                    if present}
        return set().union(*(self.scalar.signs(v) for v in x.flat))

    def is_finite(self, x) -> bool:
        if not is_tensor(x):
            return self.scalar.is_finite(x)
        if x.size and 0 in x.strides:  # broadcast (a repeat node): its distinct elements are enough
            x = x[tuple(slice(0, 1) if stride == 0 else slice(None) for stride in x.strides)]
        return bool(np.isfinite(x).all()) if x.dtype != object else all(map(self.scalar.is_finite, x.flat))

    def too_large(self, x):
        """The scalar system's refusal of the first element beyond --max-digits; None if none is."""
        return next(filter(None, map(self.scalar.too_large, x.flat if is_tensor(x) else (x,))), None)

    def is_integer(self, x) -> bool:
        return all(map(self.scalar.is_integer, x.flat)) if is_tensor(x) else self.scalar.is_integer(x)

    def step(self, x, at_zero=None):
        if not is_tensor(x):
            return self.scalar.step(x, at_zero)
        if x.dtype != object:
            return np.where(x > 0, 1.0, np.where(x < 0, 0.0, 0.0 if at_zero is None else float(at_zero)))
        return _map(lambda v: self.scalar.step(v, at_zero), x)

    def sign(self, x):
        if not is_tensor(x):
            return self.scalar.sign(x)
        return np.sign(x) if x.dtype != object else _map(self.scalar.sign, x)

    def piecewise(self, x, when_nonnegative, when_negative):
        if not is_tensor(x):
            return self.scalar.piecewise(x, when_nonnegative, when_negative)
        if x.dtype != object:
            with np.errstate(all="ignore"):  # each form is computed everywhere, used where it is safe
                return np.where(x >= 0, when_nonnegative(x), when_negative(x))
        return _map(lambda v: self.scalar.piecewise(v, when_nonnegative, when_negative), x)

    def certified(self, x) -> bool:
        return all(map(self.scalar.certified, x.flat)) if is_tensor(x) else self.scalar.certified(x)

    def finer(self) -> TensorNumbers:
        return TensorNumbers(self.scalar.finer())

    def format(self, x, summary: bool = True) -> str:
        if not is_tensor(x):
            return self.scalar.format(x)
        if summary and x.size > SUMMARY_SIZE:
            shown = ", ".join(self.scalar.format(v) for v in _elements(x.ravel()[:3]))
            return f"{shape_text(x.shape)} tensor [{shown}, …]"
        return _nested(x, self.scalar.format)

    def format_reading(self, x) -> str:
        return self.format(x) if is_tensor(x) else self.scalar.format_reading(x)

    def to_json(self, x):
        if not is_tensor(x):
            return self.scalar.to_json(x)
        def convert(item):
            return [convert(child) for child in item] if isinstance(item, list) else self.scalar.to_json(item)
        return convert(_elements(x))


def _floats(*values) -> bool:
    return all(not is_tensor(v) and isinstance(v, float) or is_tensor(v) and v.dtype != object for v in values)


def _map(function, *arguments):
    return np.frompyfunc(function, len(arguments), 1)(*arguments)


def _nested(x: np.ndarray, format_value) -> str:
    def text(item) -> str:
        if isinstance(item, list):
            return "[" + ", ".join(text(child) for child in item) + "]"
        return format_value(item)
    return text(_elements(x))


def _elements(x: np.ndarray):
    """Nested lists of the scalar system's values (Python floats, not NumPy's, for float tensors)."""
    if x.dtype != object:
        return x.tolist()
    return [_elements(row) for row in x] if x.ndim > 1 else list(x)


def filled(like: np.ndarray, value) -> np.ndarray:
    """An array of like's shape and kind, every element `value`."""
    array = np.empty(like.shape, dtype=like.dtype)
    array[...] = value
    return array
