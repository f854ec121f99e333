"""Tensors: NumPy arrays of any number system's values, behind the same names as a scalar system.

Float tensors are float64 arrays and use NumPy's own functions. Exact, digits and interval
tensors are object arrays whose elements go through the scalar system one by one, so they stay
exact or certified. `TensorNumbers` wraps a scalar system and answers for scalars and arrays
alike; everything it does not override (zero, pi, name, relu0, …) is the scalar system's."""
from __future__ import annotations

import numpy as np

SUMMARY_SIZE = 12  # tensors with more elements print as a shape and a few values (JSON has them all)

_UFUNCS = {"exp": np.exp, "log": np.log, "log1p": np.log1p, "sqrt": np.sqrt, "sin": np.sin, "cos": np.cos,
           "tan": np.tan, "tanh": np.tanh}


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


class TensorNumbers:
    def __init__(self, scalar) -> None:
        self.scalar = scalar

    def __getattr__(self, name):
        return getattr(self.scalar, name)

    def _elementwise(self, name: str, x):
        if not is_tensor(x):
            return getattr(self.scalar, name)(x)
        if x.dtype != object and name in _UFUNCS:
            with np.errstate(all="ignore"):  # overflow shows as inf, which is_finite reports
                return _UFUNCS[name](x)
        return _map(getattr(self.scalar, name), x)

    def exp(self, x): return self._elementwise("exp", x)
    def log(self, x): return self._elementwise("log", x)
    def log1p(self, x): return self._elementwise("log1p", x)
    def sqrt(self, x): return self._elementwise("sqrt", x)
    def sin(self, x): return self._elementwise("sin", x)
    def cos(self, x): return self._elementwise("cos", x)
    def tan(self, x): return self._elementwise("tan", x)
    def tanh(self, x): return self._elementwise("tanh", x)

    def pow(self, base, exponent):
        if not (is_tensor(base) or is_tensor(exponent)):
            return self.scalar.pow(base, exponent)
        if _floats(base, exponent):
            with np.errstate(all="ignore"):
                return np.power(base, exponent)
        return _map(self.scalar.pow, base, exponent)

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
        return bool(np.isfinite(x).all()) if x.dtype != object else all(map(self.scalar.is_finite, x.flat))

    def too_large(self, x):
        """The scalar system's refusal of the first element beyond --max-digits; None if none is."""
        too_large = getattr(self.scalar, "too_large", None)
        if too_large is None:
            return None
        return next(filter(None, map(too_large, x.flat if is_tensor(x) else (x,))), None)

    def is_integer(self, x) -> bool:
        return all(map(self.scalar.is_integer, x.flat)) if is_tensor(x) else self.scalar.is_integer(x)

    def maximum(self, a, b):
        return self._pairwise("maximum", np.maximum, a, b)

    def minimum(self, a, b):
        return self._pairwise("minimum", np.minimum, a, b)

    def _pairwise(self, name: str, ufunc, a, b):
        if not (is_tensor(a) or is_tensor(b)):
            # the scalar system's own value: NumPy would give np.float64, whose comparisons give
            # np.bool_, which the op table's sign arithmetic cannot subtract
            return getattr(self.scalar, name)(a, b)
        return ufunc(a, b) if _floats(a, b) else _map(getattr(self.scalar, name), a, b)

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
