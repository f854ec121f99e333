"""Tensors: NumPy arrays of any number system's values, behind the same names as a scalar system.

Float tensors are float64 arrays and use NumPy's own functions. Exact, digits and interval
tensors are object arrays whose elements go through the scalar system one by one, so they stay
exact or certified. `TensorNumbers` wraps a scalar system and answers for scalars and arrays
alike: it declares each primitive it lifts element by element, and each attribute it takes from the
scalar system as it is (zero, pi, name, relu0, …)."""
from __future__ import annotations

import numpy as np

from .rules import ufunc_name
from .system import NumberSystem
from .written import Written, read

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


def _lifted(name: str):
    """A primitive lifted element by element, with NumPy's broadcasting: on float arrays the NumPy
    function the op table spells it with (rules.py), else the scalar system's function on each element."""
    def lifted(self, *operands):
        function = getattr(self.scalar, name)
        if not any(map(is_tensor, operands)):
            # the scalar system's own value: NumPy would give np.float64, whose comparisons give
            # np.bool_, which the op table's sign arithmetic cannot subtract
            return function(*operands)
        if _floats(*operands):
            ufunc = ufunc_name(name)
            if ufunc is None:  # none in NumPy, or not exact enough (log_base at powers of 2 and 10)
                return np.asarray(_map(function, *operands)).astype(float)
            with np.errstate(all="ignore"):  # overflow shows as inf, which is_finite reports
                return getattr(np, ufunc)(*operands)
        return _map(function, *operands)
    lifted.__name__ = name
    return lifted


class _TensorNumbers(NumberSystem):
    """A scalar system's numbers and NumPy arrays of them, behind the same interface."""

    def __init__(self, scalar: NumberSystem) -> None:
        self.scalar = scalar

    # taken from the scalar system as they are
    name, description, overflow, max_digits = _FromScalar(), _FromScalar(), _FromScalar(), _FromScalar()
    zero, one, pi, e = _FromScalar(), _FromScalar(), _FromScalar(), _FromScalar()
    relu0, relu0_text, kink_note = _FromScalar(), _FromScalar(), _FromScalar()
    digits, precision, certifies = _FromScalar(), _FromScalar(), _FromScalar()
    literal, parse, index, magnitude = _FromScalar(), _FromScalar(), _FromScalar(), _FromScalar()

    @classmethod
    def _declared(cls, primitive: str):
        return _lifted(primitive)  # a function its op declares per system: the scalar system's, lifted

    def apply(self, op, *operands):
        """An elementwise op element by element through the scalar system's own apply where that one
        is its own (dual numbers: the op's derivative rule), else the op's forward rule over tensors."""
        if op.rules and type(self.scalar).apply is not NumberSystem.apply and any(map(is_tensor, operands)):
            return np.frompyfunc(lambda *xs: self.scalar.apply(op, *xs), len(operands), 1)(*operands)
        return op.forward(self, *operands)

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

    def finer(self):
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

    def written(self, x) -> Written:
        return read(self.format(x)) if is_tensor(x) else self.scalar.written(x)

    def to_json(self, x):
        if not is_tensor(x):
            return self.scalar.to_json(x)
        def convert(item):
            return [convert(child) for child in item] if isinstance(item, list) else self.scalar.to_json(item)
        return convert(_elements(x))


# every primitive of the interface that _TensorNumbers does not define itself, lifted element by element
# (and, on first use, each function the op table declares per system: _declared)
TensorNumbers = type("TensorNumbers", (_TensorNumbers,), {
    "__doc__": _TensorNumbers.__doc__,
    **{name: _lifted(name) for name in sorted(_TensorNumbers.__abstractmethods__)}})


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
