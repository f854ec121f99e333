"""What an op of the op table declares: its forward rule, its derivative rule, its domain guards, and
how it is spelled in every output language.

Rules receive the number system `ns` first, so one rule serves every number mode, tensors of them,
dual numbers and formulas (graph/symbolic.py's FormulaBuilder, where `ns.cos(x)` builds the node
cos(x)). An
elementwise op gives one local derivative rule per operand, `(ns, ans, *operands)` where `ans` is
the op's output (micrograd's and HIPS autograd's convention, so `exp` reuses its output); the
backward pass multiplies it by the upstream derivative. That one rule is what the backward pass,
forward mode (dual numbers), the Hessian, `derive`, generated code and the NumPy kernel of
`--points` all use. A rule is a formula: it only computes; where the derivative does not exist, the
op's `guards` (one per operand, same arguments) raise the DomainError that every mode reports.
A tensor op gives a vector-Jacobian product per operand instead, `(ns, g, ans, *operands)` with `g`
the upstream derivative: JAX's and autograd's `defvjp`. In the notations `{0}`, `{1}` stand for the
operands' names, `{ans}` for the node's own name and `{g}` for the upstream derivative.
"""
from __future__ import annotations

from functools import cached_property
from typing import Callable

Rule = Callable[..., object]
TARGETS = ("text", "latex", "python", "numpy", "c")  # text: cgrad's own language, as derive writes it
# THE precedence table, lowest first: an operand whose own precedence is below the least its operator
# asks of it is parenthesised, in every printer (derive's text and LaTeX, generated code)
OR, AND, NOT, COMPARISON, SUM, PRODUCT, UNARY, POWER, ATOM = -3, -2, -1, 0, 1, 2, 3, 4, 5


class Op:
    """One op of the table, immutable once declared. (Written out rather than a frozen dataclass: the
    methods a dataclass generates, and importing dataclasses, cost 1.4 ms of every start of the CLI.)"""

    name: str
    forward: Rule
    rules: tuple[Rule, ...]  # elementwise ops: THE local derivative rule per operand
    notation: str  # how a node's definition prints, e.g. "{0} + {1}" or "sin({0})"
    partial_notations: tuple[str, ...]  # the local derivatives (or VJPs) written out, per operand
    function: str | None  # the name users call it by, if it is a function
    convention: str | None  # the choice made where the derivative does not exist
    kink: bool  # its derivative there comes from ns.step or ns.sign: an interval's is the whole subgradient
    vjps: tuple[Rule | None, ...]  # tensor ops: one VJP per operand; None: not differentiable
    # `(ns, first operand) -> position | None`: an op whose value is one of its operands, chosen by its
    # first (if: 1 where the condition holds, 2 where it does not), or None where that operand does not
    # decide (an interval across the boundary). The passes compute nothing that only the other one needs.
    selects: Rule | None
    # `(ns, *operands) -> d`: where the op has a kink or a jump, d = 0 (relu, abs, sign: the operand;
    # max, min: a - b); its sign tells the sides apart. `cgrad check` finds kinks with it.
    kink_at: Rule | None
    guards: tuple[Rule | None, ...]  # per operand: raises DomainError where that derivative does not exist
    primitive: str | None  # the number-system method the forward rule ends in (dual numbers lift it)
    # target → how a call is written there: a function name (`np.arcsin`, `\arcsin`), or a template over
    # {0}, {1} (`\sqrt[3]{{{0}}}`, `fmax({0}, 0.0)`) where it is not a plain call. Missing: the defaults
    # of spelled().
    spellings: dict[str, str]
    # other LaTeX spellings the LaTeX reader accepts for it (ISO's \arsinh, sympy's \operatorname{atan}_{2},
    # e^{{{0}}}), besides its own: a command, an operator name, or a template over {0}, {1}
    latex_also: tuple[str, ...]
    # the number-system method that formulas (graph/symbolic.py) write as a call of this op, where no op's
    # forward rule ends in it: heaviside is ns.step(x, at_zero) as a formula
    formula_of: str | None
    takes_condition: bool  # its first operand is a condition (if): the one place a condition may stand
    index_range: bool  # it takes an index range, `sum(i = 1..3, x_i)`: the sum of the terms
    # an operator written between or before its operands: (its precedence, the least precedence of each
    # operand before it needs parentheses); None for a function, which is written as a call
    precedence: tuple[int, tuple[int, ...]] | None
    # number system ("float", "exact", "interval") → the primitive's implementation there, `(ns, *operands)`:
    # the system's method of that name (NumberSystem.__getattr__); tensors and dual numbers lift it
    numbers: dict[str, Rule]

    _FIELDS = tuple(__annotations__)  # the fields above, in order

    def __init__(self, name: str, forward: Rule, rules: tuple[Rule, ...], notation: str,
                 partial_notations: tuple[str, ...], function: str | None = None, convention: str | None = None,
                 kink: bool = False, vjps: tuple[Rule | None, ...] = (), selects: Rule | None = None,
                 kink_at: Rule | None = None, guards: tuple[Rule | None, ...] = (), primitive: str | None = None,
                 spellings: dict[str, str] | None = None, latex_also: tuple[str, ...] = (),
                 formula_of: str | None = None, takes_condition: bool = False, index_range: bool = False,
                 precedence: tuple[int, tuple[int, ...]] | None = None, numbers: dict[str, Rule] | None = None) -> None:
        self.__dict__.update(
            name=name, forward=forward, rules=rules, notation=notation, partial_notations=partial_notations,
            function=function, convention=convention, kink=kink, vjps=vjps, selects=selects, kink_at=kink_at,
            guards=guards, primitive=primitive, spellings={} if spellings is None else spellings,
            latex_also=latex_also, formula_of=formula_of, takes_condition=takes_condition, index_range=index_range,
            precedence=precedence, numbers={} if numbers is None else numbers)

    def __setattr__(self, name: str, value) -> None:
        raise AttributeError(f"cannot assign to field {name!r}: an op is declared once")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"cannot delete field {name!r}: an op is declared once")

    def __eq__(self, other) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return all(getattr(self, name) == getattr(other, name) for name in self._FIELDS)

    __hash__ = None  # as a frozen dataclass's would be: it holds dicts

    def __repr__(self) -> str:
        return f"Op({', '.join(f'{name}={getattr(self, name)!r}' for name in self._FIELDS)})"

    @property
    def arity(self) -> int:
        return len(self.rules) or len(self.vjps)

    @property
    def callable(self) -> bool:
        return self.function is not None

    @property
    def broadcasts(self) -> bool:
        """An elementwise op of several operands, whose shapes may differ as NumPy broadcasts them:
        the evaluator makes each broadcast an explicit repeat node, whose backward pass sums."""
        return len(self.rules) > 1

    @cached_property
    def partials(self) -> tuple[Rule, ...]:
        """The local derivative per operand as numbers compute it: the guard, then the rule."""
        guards = self.guards or (None,) * len(self.rules)
        return tuple(rule if guard is None else _guarded(guard, rule) for guard, rule in zip(guards, self.rules))

    def written(self, target: str) -> tuple[str, int, tuple[int, ...]]:
        """(template, precedence, least precedence of each operand) of the op in `target`. An operand
        the spelling puts in braces (LaTeX's \\frac{a}{b}, x^{n}) needs no parentheses, and an op all of
        whose operands are braced is an atom; a call is an atom whose operands need none."""
        template = self.spelled(target)
        if self.precedence is None:
            return template, ATOM, (0,) * self.arity
        own, least = self.precedence
        braced = [f"{{{{{{{k}}}}}}}" in template for k in range(self.arity)]
        least = tuple(0 if inside else needed for inside, needed in zip(braced, least))
        return template, ATOM if all(braced) else own, least

    def spelled(self, target: str) -> str:
        """How `target` writes a call of this op, as a template over {0}, {1}, …"""
        spelling = self.spellings.get(target)
        if spelling is None:
            name = self.function or self.name
            spelling = {"text": name, "latex": rf"\operatorname{{{name}}}", "python": f"math.{name}",
                        "numpy": f"np.{name}", "c": name}[target]
        if "{0}" in spelling:
            return spelling
        spelling = spelling.replace("{", "{{").replace("}", "}}")  # a name: its braces are text
        if target == "latex":
            return spelling + r"\left(" + ", ".join(f"{{{i}}}" for i in range(self.arity)) + r"\right)"
        return spelling + "(" + ", ".join(f"{{{i}}}" for i in range(self.arity)) + ")"


def replace(op: Op, **changes) -> Op:
    """`op` with some fields changed (as dataclasses.replace would)."""
    unknown = set(changes) - set(Op._FIELDS)
    if unknown:
        raise TypeError(f"Op has no field {', '.join(sorted(unknown))}")
    return Op(**{**{name: getattr(op, name) for name in Op._FIELDS}, **changes})


def composite(name: str, forward: Rule) -> Rule:
    """A derivative rule's call of an op that no number system has as a primitive (sigmoid in
    softplus', if in if's): formulas build the call (graph/symbolic.py), numbers compute it by the
    op's forward rule."""
    def call(ns, *operands):
        build = getattr(ns, "build", None)
        return build(name, *operands) if build is not None else forward(ns, *operands)
    return call


def _guarded(guard: Rule, rule: Rule) -> Rule:
    def partial(ns, ans, *operands):
        guard(ns, ans, *operands)
        return rule(ns, ans, *operands)
    return partial


def elementwise(name: str, forward: Rule, rules: tuple[Rule, ...], notation: str,
                partial_notations: tuple[str, ...], *, function: str | None = None,
                convention: str | None = None, kink: bool = False, kink_at: Rule | None = None,
                guards: tuple[Rule | None, ...] = (), primitive: str | None = None,
                precedence: tuple[int, tuple[int, ...]] | None = None, numbers: dict[str, Rule] | None = None,
                latex_also: tuple[str, ...] = (), formula_of: str | None = None, **spellings: str) -> Op:
    """An op applied element by element, with one local derivative rule per operand. A notation that
    starts with `name(` makes it a function users call by that name, unless `function` says otherwise;
    the keywords text=, latex=, python=, numpy=, c= spell it in those languages (TARGETS), and latex_also=
    gives the other LaTeX spellings the reader accepts."""
    if function is None and notation.startswith(name + "("):
        function = name
    unknown = set(spellings) - set(TARGETS)
    if unknown:
        raise TypeError(f"{name}: no target language {', '.join(sorted(unknown))}")
    return Op(name, forward, rules, notation, partial_notations, function, convention, kink, kink_at=kink_at,
              guards=guards, primitive=primitive, spellings=spellings, precedence=precedence, numbers=numbers or {},
              latex_also=latex_also, formula_of=formula_of)


def tensor(name: str, function: str | None, forward: Rule, vjps: tuple[Rule | None, ...], notation: str,
           vjp_notations: tuple[str, ...]) -> Op:
    """An op on whole tensors, with one vector-Jacobian product per operand (None: not differentiable)."""
    return Op(name, forward, (), notation, vjp_notations, function, vjps=vjps)
