"""What the float and exact systems share: a value has one sign, and branches are plain `if`s."""
from __future__ import annotations

from .system import NumberSystem


class ScalarNumbers(NumberSystem):
    """The branch questions of the interface, answered for numbers that are one point each."""

    @staticmethod
    def signs(x) -> set[int]:
        return {(x > 0) - (x < 0)}

    @staticmethod
    def piecewise(x, when_nonnegative, when_negative):
        return when_nonnegative(x) if x >= 0 else when_negative(x)

    @staticmethod
    def index(x) -> int | None:
        return int(x) if x == int(x) else None

    @staticmethod
    def maximum(a, b):
        return a if a >= b else b

    @staticmethod
    def minimum(a, b):
        return a if a <= b else b

    def step(self, x, at_zero=None):
        if x > 0:
            return self.one
        return self.zero if x < 0 or at_zero is None else at_zero

    def sign(self, x):
        return self.one if x > 0 else -self.one if x < 0 else self.zero

    def format_reading(self, x) -> str:
        return self.format(x)
