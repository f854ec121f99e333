"""What an op of the op table declares: its forward rule, its derivative rules, and how both print.

Rules receive the number system `ns` first, so one rule serves every number mode and tensors
of them. An elementwise op gives a local derivative per operand, `(ns, ans, *operands)` where
`ans` is the op's output (micrograd's and HIPS autograd's convention, so `exp` reuses its
output); the backward pass multiplies it by the upstream derivative. A tensor op gives a
vector-Jacobian product per operand instead, `(ns, g, ans, *operands)` with `g` the upstream
derivative: JAX's and autograd's `defvjp`. An elementwise op also gives its local derivatives
symbolically, `(s, ans, *operands)` over formula handles (symbolic.py), the same rule written for
`cgrad derive`: `s.one / x` builds the node 1/x instead of computing it. In the notations `{0}`, `{1}` stand for the operands'
names, `{ans}` for the node's own name and `{g}` for the upstream derivative.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

Rule = Callable[..., object]


@dataclass(frozen=True)
class Op:
    name: str
    forward: Rule
    partials: tuple[Rule, ...]  # elementwise ops: one local derivative rule per operand
    notation: str  # how a node's definition prints, e.g. "{0} + {1}" or "sin({0})"
    partial_notations: tuple[str, ...]  # the local derivatives (or VJPs) written out, per operand
    function: str | None = None  # the name users call it by, if it is a function
    convention: str | None = None  # the choice made where the derivative does not exist
    kink: bool = False  # its derivative there comes from ns.step or ns.sign: an interval's is the whole subgradient
    vjps: tuple[Rule | None, ...] = ()  # tensor ops: one VJP per operand; None: not differentiable
    # `(ns, first operand) -> position | None`: an op whose value is one of its operands, chosen by its
    # first (if: 1 where the condition holds, 2 where it does not), or None where that operand does not
    # decide (an interval across the boundary). The passes compute nothing that only the other one needs.
    selects: Rule | None = None
    # `(ns, *operands) -> d`: where the op has a kink or a jump, d = 0 (relu, abs, sign: the operand;
    # max, min: a - b); its sign tells the sides apart. `cgrad check` finds kinks with it.
    kink_at: Rule | None = None
    symbolic: tuple[Rule, ...] = ()  # elementwise ops: each local derivative as a formula builder
    # `cgrad codegen`'s templates: (value, local derivative per operand) over {0}, {1}, {ans}, {relu0};
    # a tuple serves every language (`@sin(` becomes math.sin, np.sin or sin: codegen.py), a dict
    # gives one tuple per language ("python", "numpy", "c") where they differ
    code: tuple[str, ...] | dict[str, tuple[str, ...]] = ()

    @property
    def arity(self) -> int:
        return len(self.partials) or len(self.vjps)

    @property
    def callable(self) -> bool:
        return self.function is not None

    @property
    def broadcasts(self) -> bool:
        """An elementwise op of several operands, whose shapes may differ as NumPy broadcasts them:
        the evaluator makes each broadcast an explicit repeat node, whose backward pass sums."""
        return len(self.partials) > 1


def elementwise(name: str, forward: Rule, partials: tuple[Rule, ...], notation: str,
                partial_notations: tuple[str, ...], *, function: str | None = None,
                convention: str | None = None, kink: bool = False, kink_at: Rule | None = None,
                symbolic: tuple[Rule, ...] = (), code: tuple[str, ...] | dict[str, tuple[str, ...]] = ()) -> Op:
    """An op applied element by element, with one local derivative per operand, computed (`partials`)
    and as a formula (`symbolic`). A notation that starts with `name(` makes it a function users call
    by that name, unless `function` says otherwise."""
    if function is None and notation.startswith(name + "("):
        function = name
    return Op(name, forward, partials, notation, partial_notations, function, convention, kink, kink_at=kink_at,
              symbolic=symbolic, code=code)


def tensor(name: str, function: str | None, forward: Rule, vjps: tuple[Rule | None, ...], notation: str,
           vjp_notations: tuple[str, ...]) -> Op:
    """An op on whole tensors, with one vector-Jacobian product per operand (None: not differentiable)."""
    return Op(name, forward, (), notation, vjp_notations, function, vjps=vjps)
