"""How nodes, definitions and local derivatives are written, shared by every renderer."""
from __future__ import annotations

from ..graph import CONSTANT, VARIABLE
from ..ops import OPS
from ..trace import ForwardRow, Term


def _fill(template: str, operands: tuple[str, ...], function_call: bool, ans: str = "") -> str:
    # a negative literal needs parentheses after an operator: "a - (-3)", but not in "max(-3, a)"
    if not function_call and any(operand[0] == "-" for operand in operands):
        operands = tuple(f"({operand})" if operand[0] == "-" else operand for operand in operands)
    return template.format(*operands, ans=ans)


def definition(row: ForwardRow) -> str:
    """`b · c` for u = b*c; 'input' for a variable; the literal for a named constant."""
    if row.op == VARIABLE:
        return "input"
    if row.op == CONSTANT:
        return row.operands[0]
    op = OPS[row.op]
    return _fill(op.notation, row.operands, op.callable)


def local_rule(term: Term) -> str:
    """The local derivative ∂consumer/∂node written out: `c` for ∂(b·c)/∂b."""
    op = OPS[term.consumer_op]
    return _fill(op.partial_notations[term.operand_index], term.consumer_operands, op.callable, term.consumer)


def partial(top: str, bottom: str) -> str:
    return f"∂{top}/∂{bottom}"
