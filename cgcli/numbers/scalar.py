"""What every number system of single values (not intervals) shares: comparisons are plain booleans."""
from __future__ import annotations


class ScalarNumbers:
    """Base of the float, exact and digits systems. The op table asks these questions so that the
    interval system can answer 'maybe' where a scalar system answers yes or no."""

    relu0 = None  # relu'(0) from --relu0; None is 0
    relu0_text = "0"

    @staticmethod
    def certainly(condition) -> bool:
        return bool(condition)

    @staticmethod
    def possibly(condition) -> bool:
        return bool(condition)

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
