"""How nodes, definitions and local derivatives are written, shared by every renderer."""
from __future__ import annotations

import functools

from ..graph.nodes import CONSTANT, VARIABLE
from ..ops import OPS
from ..numbers.written import SIGNIFICANT_SHOWN, Written, other, read, shortened
from ..passes.trace import ForwardRow, Term
from ..text import LazyPattern


def needs_parentheses(operand: str, function_call: bool) -> bool:
    """Whether an operand written into an op's notation needs parentheses: a negative one after an
    operator does (`a - (-3)`), one inside a function call does not (`max(-3, a)`)."""
    return not function_call and operand.startswith("-")


def _fill(template: str, operands: tuple[str, ...], function_call: bool, ans: str = "", g: str = "G") -> str:
    operands = tuple(f"({operand})" if needs_parentheses(operand, function_call) else operand for operand in operands)
    return template.format(*operands, ans=ans, g=g)


def definition(row: ForwardRow) -> str:
    """`b · c` for u = b*c; 'input' for a variable; the literal for a named constant."""
    if row.op == VARIABLE:
        return "input"
    if row.op == CONSTANT:
        return row.operands[0]
    op = OPS[row.op]
    return _fill(op.notation, row.operands, op.callable)


PLACEHOLDER = LazyPattern(r"\{(\w+)\}")  # {0}, {1}: operands; {ans}: the consumer itself; {g}: the upstream


def rule_names(term: Term) -> list[str]:
    """What the local derivative of `term` is written in: its consumer's operands (names or literal
    texts) and, for {ans}, the consumer's name. `3` for ∂(3·v)/∂v is written in the literal 3 alone."""
    template = OPS[term.consumer_op].partial_notations[term.operand_index]
    return [term.consumer if key == "ans" else term.consumer_operands[int(key)] for key in _placeholders(template)]


@functools.cache
def _placeholders(template: str) -> tuple[str, ...]:
    """The operands and {ans} a template names (a table of a few dozen templates; every term asks)."""
    return tuple(key for key in PLACEHOLDER.findall(template) if key != "g")


def local_rule(term: Term, upstream: str = "G") -> str:
    """The local derivative ∂consumer/∂node written out: `c` for ∂(b·c)/∂b. For a tensor op, the
    vector-Jacobian product with `upstream` (∂out/∂consumer): `G @ Wᵀ` for ∂(X @ W)/∂X."""
    op = OPS[term.consumer_op]
    return _fill(op.partial_notations[term.operand_index], term.consumer_operands, op.callable, term.consumer,
                 upstream)


# ---- numbers shown inside pictures and equations (added for the diagram and notes formats) ----

def shorten_number(text: str, significant: int = SIGNIFICANT_SHOWN) -> str:
    """A number's text shortened as pictures show it (numbers/written.py `shortened`)."""
    return shortened(read(text), significant).text


def shown(numbers, value) -> Written:
    """A value as a picture or an equation shows it: the number system's number, long decimals
    shortened (tables print them whole), long fractions as their decimal reading, and tensors
    on one line."""
    written = numbers.written(value)
    text = written.text
    if "\n" in text:
        text = " ".join(text.split())
        written = read(text)
    if "/" in text and len(text) > 24 and not text.startswith("["):
        approximation = numbers.approximation(value)
        if approximation is not None:
            if not approximation.decimal:
                return other("≈ " + approximation.text)
            return shortened(approximation._replace(approximate=False))._replace(approximate=True)
    written = shortened(written)
    if written.other is None and written.items is None:
        return written  # a number's parts are far shorter than 80 characters once shortened
    text = written.text
    return read(text[:39] + "…" + text[-39:]) if len(text) > 80 else written


def shape_of(value) -> str | None:
    """`2×3` for a tensor value, None for a scalar (no NumPy import needed)."""
    shape = getattr(value, "shape", None)
    return "×".join(map(str, shape)) if shape else None
