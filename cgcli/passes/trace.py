"""Plain records of a derivation: forward rows, backward rows of upstream × local = contribution.

Plain classes with slots rather than dataclasses: a full trace holds one row a node and one term a
use, and dataclasses compile their methods at import time, on every start."""
from __future__ import annotations

from ..numbers import Number


class NotTaken:
    """The value of a computed node that only a piecewise definition's branch not taken needs: the
    passes do not use it (it may not exist there), and the tables say so instead of a number."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "NOT_TAKEN"


NOT_TAKEN = NotTaken()
NOT_TAKEN_REASON = "branch not taken"  # why such a node has no value (JSON's "not_computed", the tables' text)


class ForwardRow:
    """A node's row: its name, op ("var", "const", or a key of ops.OPS), the operands' names (or a
    constant's literal text), where in the source it came from, its value, and the call of a defined
    function the node belongs to ("f(a)")."""

    __slots__ = ("name", "op", "operands", "span", "value", "call")

    def __init__(self, name: str, op: str, operands: tuple[str, ...], span: tuple[int, int], value: Number,
                 call: str | None = None) -> None:
        self.name, self.op, self.operands, self.span, self.value, self.call = name, op, operands, span, value, call


class Term:
    """One use of a node: ∂out/∂consumer (upstream) × ∂consumer/∂node (local) = contribution;
    `operand_index`: which operand of the consumer this node is."""

    __slots__ = ("consumer", "consumer_op", "consumer_operands", "operand_index", "upstream", "local", "contribution")

    def __init__(self, consumer: str, consumer_op: str, consumer_operands: tuple[str, ...], operand_index: int,
                 upstream: Number, local: Number, contribution: Number) -> None:
        self.consumer, self.consumer_op, self.consumer_operands = consumer, consumer_op, consumer_operands
        self.operand_index, self.upstream, self.local, self.contribution = operand_index, upstream, local, contribution


class BackwardRow:
    """A node's adjoint ∂out/∂node (the sum of its terms' contributions; 1 for the output itself)."""

    __slots__ = ("name", "adjoint", "terms")

    def __init__(self, name: str, adjoint: Number, terms: list[Term] | None = None) -> None:
        self.name, self.adjoint, self.terms = name, adjoint, [] if terms is None else terms


class NaiveGradient:
    """What a backward pass gives that assigns each node's derivative where it should add to it
    (`grad = …` for `grad += …`): each node keeps only the last contribution it receives. `gradient`
    has the real gradient's names; `fan_out` the nodes with more than one use (how many), in
    topological order; `wrong` the names whose naive derivative differs from the real one."""

    def __init__(self, gradient: dict[str, Number], fan_out: dict[str, int], wrong: tuple[str, ...]) -> None:
        self.gradient, self.fan_out, self.wrong = gradient, fan_out, wrong


class Trace:
    """Both passes: `forward` in topological order (variables, named constants and computed nodes),
    `backward` in reverse (the nodes that depend on a variable); `numbers` is the number system,
    which knows how its values print; `conventions` the derivative conventions of the ops that
    occur; `naive` the --naive pass."""

    def __init__(self, source: str, output: str, value: Number, gradient: dict[str, Number],
                 forward: list[ForwardRow], backward: list[BackwardRow], numbers: object, conventions: list[str],
                 naive: NaiveGradient | None = None) -> None:
        self.source, self.output, self.value, self.gradient = source, output, value, gradient
        self.forward, self.backward, self.numbers, self.conventions, self.naive = (forward, backward, numbers,
                                                                                   conventions, naive)
