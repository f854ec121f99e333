"""Formulas as graphs: a builder of graph nodes that simplifies while it builds, as a person would
write the result (constants folded exactly, x·1, x+0, 0·x, x^1, --x, x - (-y) gone, numeric factors
gathered), and shares every repeated subexpression (the same op of the same operands is one node).
No full CAS: nothing is expanded, reordered or factored."""
from __future__ import annotations

from fractions import Fraction

from .nodes import CONSTANT, VARIABLE, Node
from ..numbers.text import decimal_parts, written_digits
from ..ops import OPS

_FOLDED_DIGITS = 60  # a literal or folded constant longer than this stays as written: no 10^100000 in a formula
_FOLDED_POWER = 64  # c^n is folded for |n| up to this


class Formula:
    """A handle on a node of a FormulaBuilder: arithmetic on handles builds simplified nodes, so
    the op table's symbolic derivatives read like its numeric ones (`s.one / (2 * ans)`)."""

    __slots__ = ("builder", "index")

    def __init__(self, builder: FormulaBuilder, index: int) -> None:
        self.builder, self.index = builder, index

    def _lift(self, other) -> Formula:
        return other if isinstance(other, Formula) else self.builder.constant(other)

    def __add__(self, other): return self.builder.apply("add", self, self._lift(other))
    def __radd__(self, other): return self.builder.apply("add", self._lift(other), self)
    def __sub__(self, other): return self.builder.apply("sub", self, self._lift(other))
    def __rsub__(self, other): return self.builder.apply("sub", self._lift(other), self)
    def __mul__(self, other): return self.builder.apply("mul", self, self._lift(other))
    def __rmul__(self, other): return self.builder.apply("mul", self._lift(other), self)
    def __truediv__(self, other): return self.builder.apply("div", self, self._lift(other))
    def __rtruediv__(self, other): return self.builder.apply("div", self._lift(other), self)
    def __pow__(self, other): return self.builder.apply("pow", self, self._lift(other))
    def __neg__(self): return self.builder.apply("neg", self)


class FormulaBuilder:
    """Nodes (graph.Node) in creation order, hence topological; `rational` holds each constant's
    exact value where it has one (not pi, e, or a literal too long to fold)."""

    def __init__(self, relu0: str = "0") -> None:
        self.nodes: list[Node] = []
        self.rational: dict[int, Fraction] = {}
        self._known: dict[tuple, int] = {}
        self._literals: dict[str, Formula] = {}
        self.zero, self.one = self.constant(0), self.constant(1)
        self.relu0 = self.constant(relu0)
        self.pi = self.literal("pi")

    # ---- leaves ----
    def constant(self, value: Fraction | int | str) -> Formula:
        """A rational constant, from a number or a decimal text ("0.5", "-3", "1e-3")."""
        if isinstance(value, str):
            return self.literal(value)
        if type(value) is not int:
            value = Fraction(value)
        if type(value) is Fraction and value.denominator == 1:
            value = value.numerator  # ints compute and hash much faster than Fractions, and compare equal
        key = ("const", value)
        if key not in self._known:
            self._known[key] = self._append(Node(CONSTANT, (), 0, 0, literal=_rational_text(value)))
            self.rational[self._known[key]] = value
        return Formula(self, self._known[key])

    def literal(self, text: str) -> Formula:
        """A constant as the user wrote it: exact if it is a short decimal, else kept as text (pi)."""
        known = self._literals.get(text)
        if known is None:
            known = self._literals[text] = self._read(text)
        return known

    def _read(self, text: str) -> Formula:
        if written_digits(text) and written_digits(text) <= _FOLDED_DIGITS:
            mantissa, scale = decimal_parts(text)
            return self.constant(Fraction(mantissa) * Fraction(10) ** scale)
        key = ("literal", text)
        if key not in self._known:
            self._known[key] = self._append(Node(CONSTANT, (), 0, 0, literal=text))
        return Formula(self, self._known[key])

    def variable(self, name: str) -> Formula:
        key = ("var", name)
        if key not in self._known:
            self._known[key] = self._append(Node(VARIABLE, (), 0, 0, name=name))
        return Formula(self, self._known[key])

    # ---- the builder as a number system: the op table's derivative rules build formulas with it ----
    name = "formula"

    def signs(self, x: Formula) -> set[int]:
        """A constant's sign; any sign for the rest (a rule's branch on a sign is taken only when known)."""
        value = self.value_of(x)
        return {-1, 0, 1} if value is None else {(value > 0) - (value < 0)}

    def step(self, x: Formula, at_zero: Formula | None = None) -> Formula:
        return self.apply(_BY_PRIMITIVE["step"], x, self.zero if at_zero is None else at_zero)

    def build(self, op: str, *operands: Formula) -> Formula:
        """The call of an op by name (a rule's call of an op that numbers compute by its forward rule)."""
        return self.apply(op, *operands)

    call = build

    def __getattr__(self, primitive: str):
        """ns.cos(x), ns.maximum(a, b): the op whose forward rule ends in that number-system primitive."""
        op = _BY_PRIMITIVE.get(primitive)
        if op is None:
            raise AttributeError(primitive)
        return lambda *operands: self.apply(op, *operands)

    # ---- ops ----

    def apply(self, op: str, *operands: Formula) -> Formula:
        simplify = _SIMPLIFICATIONS.get(op)
        result = simplify(self, *operands) if simplify else None
        return result if result is not None else self.raw(op, *operands)

    def raw(self, op: str, *operands: Formula, name: str | None = None) -> Formula:
        """The node `op(operands)` as it stands, shared with an equal one already built (a named node
        is never shared: its name is the user's)."""
        if op not in OPS:
            raise KeyError(f"no op {op!r} in the op table")
        inputs = tuple([operand.index for operand in operands])
        key = (op, inputs, name)
        if key not in self._known:
            self._known[key] = self._append(Node(op, inputs, 0, 0, name=name))
        return Formula(self, self._known[key])

    def value_of(self, formula: Formula) -> Fraction | None:
        return self.rational.get(formula.index)

    def _append(self, node: Node) -> int:
        self.nodes.append(node)
        return len(self.nodes) - 1

    # ---- numeric factors: every node is c · rest, with rest None for a constant ----
    def factor(self, formula: Formula) -> tuple[Fraction, Formula | None]:
        """The numeric factor of a node and the rest: -(3·x) is (-3, x), 5 is (5, None)."""
        coefficient, index = 1, formula.index
        while True:  # through any chain of negations and constant factors, without recursion
            if index in self.rational:
                return coefficient * self.rational[index], None
            node = self.nodes[index]
            if node.op == "neg" and node.name is None:
                coefficient, index = -coefficient, node.inputs[0]
            elif node.op == "mul" and node.name is None and node.inputs[0] in self.rational:
                coefficient, index = coefficient * self.rational[node.inputs[0]], node.inputs[1]
            else:
                return coefficient, Formula(self, index)

    def scaled(self, coefficient: Fraction | int, rest: Formula | None) -> Formula:
        """coefficient · rest, written -rest or c · rest."""
        if rest is None or coefficient == 0:
            return self.constant(coefficient)
        if coefficient == 1:
            return rest
        return self.raw("neg", rest) if coefficient == -1 else self.raw("mul", self.constant(coefficient), rest)


def _small(value: Fraction) -> bool:
    return value.numerator.bit_length() + value.denominator.bit_length() <= 3.33 * _FOLDED_DIGITS


def _rational_text(value: Fraction) -> str:
    """A rational as the language writes it: 3, -0.25, 1e-30, or 1/3 (a division of two literals)."""
    if value.denominator == 1:
        return str(value.numerator)
    denominator, twos, fives = value.denominator, 0, 0
    while denominator % 2 == 0:
        denominator, twos = denominator // 2, twos + 1
    while denominator % 5 == 0:
        denominator, fives = denominator // 5, fives + 1
    if denominator != 1:
        return f"{value.numerator}/{value.denominator}"
    places = max(twos, fives)
    digits = str(abs(value.numerator * 10 ** places // value.denominator))
    sign = "-" if value < 0 else ""
    if places > 20:
        return f"{sign}{digits}e-{places}"
    digits = digits.rjust(places + 1, "0")
    return f"{sign}{digits[:-places]}.{digits[-places:]}"


# ---- the simplifications, one function per op; None: build the node as it stands ----

def _fold(builder: FormulaBuilder, *operands: Formula) -> list[Fraction] | None:
    values = [builder.value_of(operand) for operand in operands]
    return None if None in values else values


def _add(b: FormulaBuilder, left: Formula, right: Formula) -> Formula | None:
    values = _fold(b, left, right)
    if values:
        return _folded(b, values[0] + values[1])
    if b.value_of(left) == 0:
        return right
    if b.value_of(right) == 0:
        return left
    return _like_terms(b, left, right, 1)


def _like_terms(b: FormulaBuilder, left: Formula, right: Formula, sign: int) -> Formula | None:
    """left ± right where right's factor is negative (x + (-y) → x - y, x - (-3)·y → x + 3·y), or
    both are multiples of one node (a + a → 2·a, 3·a - a → 2·a)."""
    (left_coefficient, left_rest), (coefficient, rest) = b.factor(left), b.factor(right)
    if left_rest is not None and rest is not None and left_rest.index == rest.index:
        return b.scaled(left_coefficient + sign * coefficient, rest)
    if coefficient < 0:
        return b.apply("sub" if sign > 0 else "add", left, b.scaled(-coefficient, rest))
    return None


def _sub(b: FormulaBuilder, left: Formula, right: Formula) -> Formula | None:
    sign = _sign_of_steps(b, left, right)
    if sign is not None:
        return sign
    values = _fold(b, left, right)
    if values:
        return _folded(b, values[0] - values[1])
    if left.index == right.index:
        return b.zero
    if b.value_of(right) == 0:
        return left
    if b.value_of(left) == 0:
        return -right
    return _like_terms(b, left, right, -1)


def _sign_of_steps(b: FormulaBuilder, left: Formula, right: Formula) -> Formula | None:
    """heaviside(u, 0) - heaviside(-u, 0) is sign(u) (abs' as its rule computes it): step(u) - step(-u)
    is the op of ns.sign."""
    first, second = b.nodes[left.index], b.nodes[right.index]
    step = _BY_PRIMITIVE["step"]
    if first.op != step or second.op != step or first.name or second.name:
        return None
    if b.value_of(Formula(b, first.inputs[1])) != 0 or b.value_of(Formula(b, second.inputs[1])) != 0:
        return None
    negated = b.nodes[second.inputs[0]]
    if negated.op == "neg" and negated.name is None and negated.inputs[0] == first.inputs[0]:
        return b.sign(Formula(b, first.inputs[0]))
    return None


def _mul(b: FormulaBuilder, left: Formula, right: Formula) -> Formula | None:
    (left_coefficient, left_rest), (right_coefficient, right_rest) = b.factor(left), b.factor(right)
    coefficient = left_coefficient * right_coefficient
    if coefficient == 0:
        return b.zero
    if left_rest is None or right_rest is None:
        return b.scaled(coefficient, left_rest or right_rest)
    if left_coefficient == 1 and right_coefficient == 1:
        return None
    return b.scaled(coefficient, b.raw("mul", left_rest, right_rest))


def _div(b: FormulaBuilder, left: Formula, right: Formula) -> Formula | None:
    divisor = b.value_of(right)
    if divisor and b.value_of(left) is not None:
        return _folded(b, Fraction(b.value_of(left)) / divisor)
    if divisor == 1:
        return left
    if b.value_of(left) == 0 and divisor != 0:
        return b.zero
    coefficient, rest = b.factor(left)
    if coefficient == 1:  # x/3 stays as written
        return None
    if divisor:  # (6·x)/3 → 2·x
        return b.scaled(Fraction(coefficient) / divisor, rest)
    return b.scaled(coefficient, b.raw("div", rest or b.one, right))  # (-x)/y → -(x/y), -1/y → -(1/y)


def _neg(b: FormulaBuilder, operand: Formula) -> Formula:
    coefficient, rest = b.factor(operand)
    return b.scaled(-coefficient, rest)


def _pow(b: FormulaBuilder, base: Formula, exponent: Formula) -> Formula | None:
    power = b.value_of(exponent)
    if power == 1:
        return base
    if power == 0:
        return b.one
    if b.value_of(base) == 1:
        return b.one
    value = b.value_of(base)
    if (value is not None and power is not None and power.denominator == 1 and abs(power) <= _FOLDED_POWER
            and not (value == 0 and power < 0)):
        return _folded(b, Fraction(value) ** int(power))
    return None


def _folded(b: FormulaBuilder, value: Fraction) -> Formula | None:
    return b.constant(value) if _small(value) else None


# number-system primitive → the op that formulas write it as: the op whose forward rule ends in it, or
# that declares itself the primitive's formula (Op.formula_of)
_BY_PRIMITIVE = {op.primitive or op.formula_of: op.name for op in OPS.values() if op.primitive or op.formula_of}
_SIMPLIFICATIONS = {"add": _add, "sub": _sub, "mul": _mul, "div": _div, "neg": _neg, "pow": _pow}
