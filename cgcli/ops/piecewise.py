"""Piecewise definitions: comparisons and their connectives as 1/0 numbers, and `if(c, a, b)`."""
from __future__ import annotations

from .declaration import AND, COMPARISON, NOT, OR, SUM, Op, composite, elementwise, replace


def _zero(ns, ans, *operands):
    return ns.zero


def _difference(ns, a, b):
    """Where a comparison flips: a - b = 0 (the boundary `cgrad check` reports as a kink)."""
    return a - b


def _comparison(name: str, symbol: str, latex: str, forward) -> Op:
    """`a symbol b` as 1 or 0 (an interval that straddles the boundary: [0, 1]); flat on both sides."""
    return elementwise(name, forward, (_zero, _zero), f"{{0}} {symbol} {{1}}", ("0", "0"), kink_at=_difference,
                       precedence=(COMPARISON, (SUM, SUM)), text=f"{{0}} {symbol} {{1}}", latex=f"{{0}} {latex} {{1}}",
                       python=f"(1.0 if {{0}} {symbol} {{1}} else 0.0)",
                       numpy=f"np.where({{0}} {symbol} {{1}}, 1.0, 0.0)",
                       c=f"({{0}} {symbol} {{1}} ? 1.0 : 0.0)")


def _connective(word: str, latex: str, precedence: tuple, python: str, numpy: str, c: str) -> dict:
    """and, or, not: written as words in the language, as symbols in LaTeX."""
    template = f"{{0}} {word} {{1}}" if len(precedence[1]) == 2 else f"{word} {{0}}"
    return {"precedence": precedence, "text": template, "latex": template.replace(word, latex),
            "python": python, "numpy": numpy, "c": c}


def _branch(ns, condition):
    """The operand the condition takes (1: then, 2: otherwise), or None where it is undecided (an
    interval [0, 1], a tensor's elements that differ)."""
    signs = ns.signs(condition)
    return 1 if signs == {1} else 2 if signs == {0} else None


def _select(ns, condition, then, otherwise):
    """The branch the condition takes; for tensors (or where _branch does not decide), both, weighted."""
    if not any(hasattr(operand, "shape") for operand in (condition, then, otherwise)):
        branch = _branch(ns, condition)
        if branch is not None:
            return then if branch == 1 else otherwise
    return condition * then + (ns.one - condition) * otherwise


def _equal(ns, a, b):
    return ns.step(a - b, ns.one) * ns.step(b - a, ns.one)


# if(c, 1, 0) in a derivative rule: as formulas the indicator [c] is a call of if (a condition is no
# number in the language), as numbers it is c itself (or the weights where c is undecided)
_indicator = composite("if", _select)


PIECEWISE: tuple[Op, ...] = (
    _comparison("gt", ">", ">", lambda ns, a, b: ns.step(a - b)),
    _comparison("ge", ">=", r"\geq", lambda ns, a, b: ns.step(a - b, ns.one)),
    _comparison("lt", "<", "<", lambda ns, a, b: ns.step(b - a)),
    _comparison("le", "<=", r"\leq", lambda ns, a, b: ns.step(b - a, ns.one)),
    _comparison("eq", "==", "=", _equal),
    _comparison("ne", "!=", r"\neq", lambda ns, a, b: ns.one - _equal(ns, a, b)),
    # a and b is a where a is 0, b where it is 1; a or b is a where a is 1, b where it is 0: b is not
    # computed where a decides (x > 0 and log(x) < 1 at x = -1)
    replace(elementwise("and", lambda ns, a, b: a * b, (_zero, _zero), "{0} and {1}", ("0", "0"),
                        **_connective("and", r"\land", (AND, (AND, NOT)), "({0} * {1})", "({0} * {1})",
                                      "({0} * {1})")),
            selects=lambda ns, a: {1: 1, 2: 0}.get(_branch(ns, a))),
    replace(elementwise("or", lambda ns, a, b: ns.maximum(a, b), (_zero, _zero), "{0} or {1}", ("0", "0"),
                        **_connective("or", r"\lor", (OR, (OR, AND)), "max({0}, {1})", "np.maximum({0}, {1})",
                                      "fmax({0}, {1})")),
            selects=lambda ns, a: {1: 0, 2: 1}.get(_branch(ns, a))),
    elementwise("not", lambda ns, a: ns.one - a, (_zero,), "not {0}", ("0",),
                **_connective("not", r"\lnot", (NOT, (NOT,)), "(1.0 - {0})", "(1.0 - {0})", "(1.0 - {0})")),
    replace(elementwise("if", _select, (_zero, lambda ns, ans, c, a, b: _indicator(ns, c, ns.one, ns.zero),
                                lambda ns, ans, c, a, b: _indicator(ns, c, ns.zero, ns.one)),
                "if({0}, {1}, {2})", ("0", "[{0}]", "[not {0}]"),
                convention="if(): the derivative is the branch taken's (on a boundary, the branch its condition takes)",
                python="({1} if {0} else {2})", numpy="np.where({0} != 0, {1}, {2})", c="({0} != 0 ? {1} : {2})"),
            selects=_branch, takes_condition=True),
)

CONDITIONS = frozenset({"gt", "ge", "lt", "le", "eq", "ne", "and", "or", "not"})  # ops whose value is a condition
