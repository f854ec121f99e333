"""What the float and exact systems share: a value has one sign, and branches are plain `if`s."""
from __future__ import annotations


class ScalarNumbers:
    """The op table asks a number system these questions instead of comparing values itself, so
    that an interval (which may have several signs) and a tensor (many values) answer them too."""

    relu0 = None  # relu'(0) from --relu0; None is 0
    certifies = False
    relu0_text = "0"

    @staticmethod
    def signs(x) -> set[int]:
        """The signs x may have: {-1}, {0} or {1} here; intervals and tensors may have several."""
        return {(x > 0) - (x < 0)}

    @staticmethod
    def piecewise(x, when_nonnegative, when_negative):
        """One function written two ways, for numerical reasons (sigmoid): pick by the sign of x."""
        return when_nonnegative(x) if x >= 0 else when_negative(x)

    @staticmethod
    def index(x) -> int | None:
        """x as an axis or index number, or None if it is not an integer."""
        return int(x) if x == int(x) else None

    @staticmethod
    def maximum(a, b):
        return a if a >= b else b

    @staticmethod
    def minimum(a, b):
        return a if a <= b else b

    def step(self, x, at_zero):
        """1 for x > 0, 0 for x < 0, `at_zero` at 0: the derivative of relu and of max/min."""
        if x > 0:
            return self.one
        return self.zero if x < 0 or at_zero is None else at_zero

    def sign(self, x):
        return self.one if x > 0 else -self.one if x < 0 else self.zero

    def format_reading(self, x) -> str:
        """How a value reads in a table cell (exact mode adds a decimal)."""
        return self.format(x)
