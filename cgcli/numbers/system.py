"""The number-system interface: every primitive the op table, the passes and the renderers may ask a
number system for. Float, exact, digits, interval and tensors of each implement every abstract
method (Python refuses to create one that misses any), or refuse it explicitly with a DomainError
that says why (--exact: an irrational result, "use --digits N").

The op rules check domains (log of a non-positive number, asin outside [-1, 1]) before they call a
primitive, through `signs`, so that an interval, which may have several signs, answers too.
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

from . import rules
from .written import Written, read

Number = Any  # a value of the system: float, Fraction, Interval, or an array of them


class NumberSystem(ABC):
    name: str  # "float", "exact", "digits" or "interval", as JSON's "numbers" says
    description: str  # for titles: "float (IEEE double)"
    overflow: str  # why a value is not finite, where too_large does not say more
    max_digits: int  # --max-digits
    zero: Number
    one: Number
    relu0: Number | None = None  # relu'(0) from --relu0; None is 0
    relu0_text: str | None = "0"
    kink_note: str | None = None  # replaces the conventions where a kink has a whole subgradient
    digits: int | None = None  # significant digits printed, where the system has a number of them
    precision: int | None = None  # the working precision in decimal digits (--digits)
    certifies = False  # whether certified(), finer() and magnitude() refine the digits printed (--digits)

    def apply(self, op, *operands) -> Number:
        """An op of the op table on this system's numbers: its forward rule (dual numbers also apply
        its derivative rule to the tangents)."""
        return op.forward(self, *operands)

    # ---- constants and reading numbers ----
    @property
    @abstractmethod
    def pi(self) -> Number: ...

    @property
    @abstractmethod
    def e(self) -> Number: ...

    @abstractmethod
    def literal(self, text: str) -> Number:
        """A decimal literal of the language (`0.1`, `1e-3`), exactly as far as the system can."""

    @abstractmethod
    def parse(self, text: str) -> Number | None:
        """An --at value (`-1.5`, `1/3`, a range for intervals); None when it is not one."""

    # ---- sizes and kinds ----
    @abstractmethod
    def is_finite(self, x: Number) -> bool:
        """Within the system's range and within --max-digits."""

    @abstractmethod
    def too_large(self, x: Number):
        """The TooLarge refusal of a value beyond --max-digits, or None (also for the system's own overflow)."""

    @abstractmethod
    def is_integer(self, x: Number) -> bool: ...

    @abstractmethod
    def index(self, x: Number) -> int | None:
        """x as an axis or index number, or None if it is not an integer."""

    # ---- elementary functions (arguments inside their domains) ----
    @abstractmethod
    def exp(self, x: Number) -> Number: ...

    @abstractmethod
    def log(self, x: Number) -> Number: ...

    @abstractmethod
    def log_base(self, x: Number, base: Number) -> Number:
        """The logarithm of x to `base` (base > 0, base ≠ 1)."""

    @abstractmethod
    def sqrt(self, x: Number) -> Number: ...

    @abstractmethod
    def pow(self, base: Number, exponent: Number) -> Number: ...

    # ---- the functions the op table defines for each system (cgcli/ops/elementwise.py: numbers=) ----
    implements: str  # which of an op's implementations are this system's: "float", "exact" or "interval"

    def __getattr__(self, name: str):
        """ns.sinh, ns.atan2, …: a function whose op declares its implementation per system (registered by
        cgcli/ops, which every rule that calls one has imported: rules.DECLARED), as a method of the
        class from then on."""
        if name not in rules.DECLARED:
            if name.startswith("__") or rules.OPS:
                raise AttributeError(f"{type(self).__name__} has no {name!r}")
            raise AttributeError(f"{name}: the op table (cgcli.ops) is not imported")
        function = type(self)._declared(name)
        setattr(type(self), name, function)
        return function.__get__(self, type(self))

    @classmethod
    def _declared(cls, primitive: str):
        """This system's implementation of a primitive its op declares: the op's own for the system
        (tensors and dual numbers lift their base system's instead)."""
        return rules.implementation(cls.implements, primitive)

    # ---- signs and branches: asked instead of comparing, so intervals can answer "both" ----
    @abstractmethod
    def signs(self, x: Number) -> set[int]:
        """The signs x may have: {-1}, {0} or {1} for a number; intervals and tensors may have several."""

    @abstractmethod
    def piecewise(self, x: Number, when_nonnegative, when_negative) -> Number:
        """One function written two ways for numerical reasons (sigmoid): picked by the sign of x."""

    @abstractmethod
    def maximum(self, a: Number, b: Number) -> Number: ...

    @abstractmethod
    def minimum(self, a: Number, b: Number) -> Number: ...

    @abstractmethod
    def step(self, x: Number, at_zero=None) -> Number:
        """1 for x > 0, 0 for x < 0, `at_zero` at 0 (None: 0): the derivative of relu, max and min."""

    @abstractmethod
    def sign(self, x: Number) -> Number:
        """-1, 0 or 1 (sign(0) = 0)."""

    # ---- printing ----
    @abstractmethod
    def format(self, x: Number) -> str: ...

    def written(self, x: Number) -> Written:
        """x in parts (sign, digits, exponent, fraction, interval ends) for printers that lay numbers
        out (LaTeX); its `text` is format(x). Systems whose text is made of parts build them directly."""
        return read(self.format(x))

    def approximation(self, x: Number) -> Written | None:
        """The decimal reading format_reading adds (`≈ 0.9047619` for 19/21), in parts; None without one."""
        reading = self.format_reading(x)
        if "≈" not in reading:
            return None
        approximation = read(reading.split("≈", 1)[1])
        return approximation._replace(approximate=True) if approximation.other is None else approximation

    @abstractmethod
    def format_reading(self, x: Number) -> str:
        """How a value reads in a table cell (exact mode adds a decimal: 19/21 ≈ 0.9047619)."""

    @abstractmethod
    def to_json(self, x: Number): ...

    # ---- certification (--digits only: `certifies`) ----
    def certified(self, x: Number) -> bool:
        """Whether every digit format(x) prints is right: always, where nothing is approximated further."""
        return True

    def finer(self) -> NumberSystem:
        raise TypeError(f"{self.name} numbers have no finer precision to compute at")

    def magnitude(self, bound) -> str:
        """A bound on an uncertified value (a Fraction), in two digits: 1.2e-30."""
        raise TypeError(f"{self.name} numbers print every value they compute")
