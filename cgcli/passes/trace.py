"""Plain records of a derivation: forward rows, backward rows of upstream × local = contribution."""
from __future__ import annotations

from dataclasses import dataclass, field

from ..numbers import Number


@dataclass(slots=True)
class ForwardRow:
    name: str
    op: str  # "var", "const", or a key of ops.OPS
    operands: tuple[str, ...]  # the operands' names, or a constant's literal text
    span: tuple[int, int]  # where in the source the node came from
    value: Number


@dataclass(slots=True)
class Term:
    """One use of a node: ∂out/∂consumer (upstream) × ∂consumer/∂node (local) = contribution."""

    consumer: str
    consumer_op: str
    consumer_operands: tuple[str, ...]
    operand_index: int  # which operand of the consumer this node is
    upstream: Number
    local: Number
    contribution: Number


@dataclass(slots=True)
class BackwardRow:
    name: str
    adjoint: Number  # ∂out/∂node: the sum of the terms' contributions (1 for the output itself)
    terms: list[Term] = field(default_factory=list)


@dataclass
class NaiveGradient:
    """What a backward pass gives that assigns each node's derivative where it should add to it
    (`grad = …` for `grad += …`): each node keeps only the last contribution it receives."""

    gradient: dict[str, Number]  # the same names as the real gradient
    fan_out: dict[str, int]  # the nodes with more than one use, in topological order: how many
    wrong: tuple[str, ...]  # the names whose naive derivative differs from the real one


@dataclass
class Trace:
    source: str
    output: str
    value: Number
    gradient: dict[str, Number]
    forward: list[ForwardRow]  # topological order: variables, named constants and computed nodes
    backward: list[BackwardRow]  # reverse topological order, nodes that depend on a variable
    numbers: object  # the number system, which knows how its values print
    conventions: list[str]  # the derivative conventions of the ops that occur
    naive: NaiveGradient | None = None  # with --naive
