"""Dual numbers a + bε (ε² = 0) over any number system: forward mode, and the Hessian as the backward
pass run in them (forward-over-reverse).

A value is a `Dual` holding a value of the base system and its tangent: a base value, a NumPy vector
of them (several directions at once: one pass gives a whole Hessian or Jacobian), or None for a
constant, which costs nothing to carry. `DualNumbers` implements the declared interface: an op (and
each primitive, through the op that it implements) computes the base value and multiplies the tangent
by the op table's derivative rule, e.g. exp(a + bε) = exp(a) + exp(a)·b ε. Branches and kinks are
decided by the base system on the value, so relu'(0), max ties and interval subgradients follow its
conventions.
"""
from __future__ import annotations

from ..errors import DomainError, UndefinedDerivative
from .rules import op_of
from .system import Number, NumberSystem


def _is_zero(tangent) -> bool:
    return tangent is None


class Dual:
    """a + bε. Tangents stay on the left of products so that a NumPy vector of them broadcasts."""

    __slots__ = ("value", "tangent", "ns")

    def __init__(self, value, tangent, ns: NumberSystem) -> None:
        self.value, self.tangent, self.ns = value, tangent, ns

    def _lift(self, other) -> Dual:
        return other if isinstance(other, Dual) else Dual(other, None, self.ns)

    def __add__(self, other):
        if _elementwise(other):
            return NotImplemented
        other = self._lift(other)
        return Dual(self.value + other.value, _sum(self.tangent, other.tangent), self.ns)

    __radd__ = __add__

    def __sub__(self, other):
        if _elementwise(other):
            return NotImplemented
        other = self._lift(other)
        return Dual(self.value - other.value, _sum(self.tangent, _scaled(other.tangent, -1)), self.ns)

    def __rsub__(self, other):
        return self._lift(other) - self

    def __neg__(self):
        return Dual(-self.value, _scaled(self.tangent, -1), self.ns)

    def __pos__(self):
        return self

    def __mul__(self, other):
        if _elementwise(other):
            return NotImplemented
        other = self._lift(other)
        return Dual(self.value * other.value,
                    _sum(_scaled(self.tangent, other.value), _scaled(other.tangent, self.value)), self.ns)

    __rmul__ = __mul__

    def __truediv__(self, other):
        if _elementwise(other):
            return NotImplemented
        other = self._lift(other)
        quotient = self.value / other.value
        if _is_zero(self.tangent) and _is_zero(other.tangent):
            return Dual(quotient, None, self.ns)
        return Dual(quotient, _sum(self.tangent, _scaled(other.tangent, -quotient)) / other.value, self.ns)

    def __rtruediv__(self, other):
        return self._lift(other) / self

    def __pow__(self, exponent):
        if type(exponent) is int:  # x ** 2 in a derivative rule: the base system's 2
            exponent = self.ns.literal(str(exponent))
        return DualNumbers(self.ns).pow(self, self._lift(exponent))

    def __abs__(self):
        return DualNumbers(self.ns).abs(self)

    # comparisons by value, for the tensor ops that look for the largest entry
    def __lt__(self, other): return self.value < self._lift(other).value
    def __le__(self, other): return self.value <= self._lift(other).value
    def __gt__(self, other): return self.value > self._lift(other).value
    def __ge__(self, other): return self.value >= self._lift(other).value
    def __eq__(self, other): return self.value == self._lift(other).value
    def __ne__(self, other): return self.value != self._lift(other).value
    __hash__ = None

    def __float__(self) -> float:
        return float(self.value)

    def __repr__(self) -> str:
        return f"Dual({self.value!r}, {self.tangent!r})"


def _elementwise(other) -> bool:
    """A tensor of dual numbers (an object array, the Hessian's tensors): NumPy applies the operation
    element by element; lifted whole it would become one dual number whose value is that array."""
    return getattr(other, "dtype", None) == object


def _sum(a, b):
    if _is_zero(a):
        return b
    if _is_zero(b):
        return a
    return a + b


def _scaled(tangent, factor):
    """tangent · factor, the tangent (perhaps a NumPy vector) on the left."""
    return None if _is_zero(tangent) else tangent * factor


def value_of(x):
    return x.value if isinstance(x, Dual) else x


def tangent_of(x):
    return x.tangent if isinstance(x, Dual) else None


def _lifted(primitive: str):
    """A primitive of the base system, its tangent from the derivative rule of the op it implements
    (rules.py: the op table, registered by cgcli/ops)."""
    def lifted(self, *operands):
        return self.apply(op_of(primitive), *operands)
    lifted.__name__ = primitive
    return lifted


class _DualNumbers(NumberSystem):
    """The base system's numbers with a tangent each. Names, conventions and precision are the base's."""

    certifies = False  # the caller certifies the base values and the tangents (certification.py)

    def __init__(self, base: NumberSystem) -> None:
        self.base = base
        for attribute in ("name", "description", "overflow", "max_digits", "relu0_text", "kink_note", "digits",
                          "precision"):
            setattr(self, attribute, getattr(base, attribute))
        self.relu0 = base.relu0
        self.zero, self.one = Dual(base.zero, None, base), Dual(base.one, None, base)

    @classmethod
    def _declared(cls, primitive: str):
        return _lifted(primitive)  # a function its op declares per system: its tangent from the op's rule

    def _dual(self, x) -> Dual:
        return x if isinstance(x, Dual) else Dual(x, None, self.base)

    def seeded(self, value, tangent) -> Dual:
        return Dual(value, tangent, self.base)

    @property
    def pi(self) -> Dual:
        return self._dual(self.base.pi)

    @property
    def e(self) -> Dual:
        return self._dual(self.base.e)

    def literal(self, text: str) -> Dual:
        return self._dual(self.base.literal(text))

    def parse(self, text: str) -> Dual | None:
        value = self.base.parse(text)
        return None if value is None else self._dual(value)

    def is_finite(self, x) -> bool:
        return self.base.is_finite(value_of(x)) and all(map(self.base.is_finite, _components(tangent_of(x))))

    def too_large(self, x):
        return next(filter(None, map(self.base.too_large, (value_of(x), *_components(tangent_of(x))))), None)

    def is_integer(self, x) -> bool:
        return self.base.is_integer(value_of(x))

    def index(self, x) -> int | None:
        return self.base.index(value_of(x))

    def apply(self, op, *operands):
        """The op on dual numbers: its value by its forward rule in the base system, its tangent Σ ∂op/∂operandᵢ · tangentᵢ by the op's derivative rule and guards."""
        if op.vjps:  # a tensor op: its forward rule over dual numbers
            return op.forward(self, *operands)
        base = self.base
        values = [value_of(x) for x in operands]
        value = op.forward(base, *values)
        tangent = None
        for position, x in enumerate(operands):
            if not _is_zero(tangent_of(x)):
                try:
                    local = op.partials[position](base, value, *values)
                except UndefinedDerivative:
                    raise
                except (DomainError, ZeroDivisionError) as failure:
                    reason = str(failure) if isinstance(failure, DomainError) else "division by zero"
                    raise UndefinedDerivative(reason, position) from None
                tangent = _sum(tangent, _scaled(x.tangent, local))
        return Dual(value, tangent, base)

    def signs(self, x) -> set[int]:
        return self.base.signs(value_of(x))

    def piecewise(self, x, when_nonnegative, when_negative):
        return self.base.piecewise(value_of(x), lambda _: when_nonnegative(x), lambda _: when_negative(x))

    def step(self, x, at_zero=None):
        return self._dual(self.base.step(value_of(x), None if at_zero is None else value_of(at_zero)))

    def sign(self, x):
        return self._dual(self.base.sign(value_of(x)))

    def format_primal(self, x) -> str:
        """The value without its tangent, as the base system prints it (in messages)."""
        return self.base.format(value_of(x))

    # ---- printing: a + bε, a vector of tangents as [b₁, b₂, …]ε ----
    def format(self, x) -> str:
        return self._written(x, self.base.format)

    def format_reading(self, x) -> str:
        return self._written(x, self.base.format_reading)

    def _written(self, x, format_value) -> str:
        tangent = self.tangent_text(x, format_value)
        if tangent.startswith("-"):
            return f"{format_value(value_of(x))} - {tangent[1:]}ε"
        return f"{format_value(value_of(x))} + {tangent}ε"

    def tangent_text(self, x, format_value=None) -> str:
        format_value = format_value or self.base.format
        components = _components(tangent_of(x))
        if _is_zero(tangent_of(x)):
            return format_value(self.base.zero)
        if hasattr(tangent_of(x), "shape"):
            return "[" + ", ".join(map(format_value, components)) + "]"
        return format_value(components[0])

    def to_json(self, x):
        tangent = tangent_of(x)
        return {"value": self.base.to_json(value_of(x)),
                "tangent": [self.base.to_json(t) for t in _components(tangent)] if hasattr(tangent, "shape")
                else self.base.to_json(self.base.zero if _is_zero(tangent) else tangent)}

    def certified(self, x) -> bool:
        return self.base.certified(value_of(x)) and all(map(self.base.certified, _components(tangent_of(x))))


# every primitive of the interface that _DualNumbers does not define itself, lifted (and abs, which
# Dual's abs() asks for; each function the op table declares per system is lifted on first use: _declared)
DualNumbers = type("DualNumbers", (_DualNumbers,), {
    "__doc__": _DualNumbers.__doc__,
    **{name: _lifted(name) for name in sorted(_DualNumbers.__abstractmethods__ | {"abs"})}})


def _components(tangent) -> list:
    """A tangent's numbers: [] for the constant 0, the vector's elements, or the one number."""
    if _is_zero(tangent):
        return []
    if hasattr(tangent, "shape"):
        return tangent.tolist() if tangent.dtype != object else list(tangent.flat)
    return [tangent]


def unit_vectors(base: NumberSystem, count: int):
    """The tangents e₀ … e_{count-1}: float vectors in float mode, the base's numbers otherwise."""
    import numpy as np

    if base.name == "float":
        return list(np.eye(count))
    vectors = []
    for position in range(count):
        vector = np.empty(count, dtype=object)
        vector[:] = [base.zero] * count
        vector[position] = base.one
        vectors.append(vector)
    return vectors


def component(tangent, position: int | None, base: NumberSystem) -> Number:
    """The tangent's component in one direction (`position` None: a single-direction tangent)."""
    if _is_zero(tangent):
        return base.zero
    if position is None:
        return tangent
    value = tangent[position]
    return float(value) if base.name == "float" else value
