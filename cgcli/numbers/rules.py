"""The op table as the number systems that lift primitives see it, registered by cgcli/ops (which this
layer may not import): op name → op, each number-system primitive → the name of the op whose
forward rule ends in it, and the primitives whose implementation per number system their op declares
(Op.numbers: every system answers them, NumberSystem.__getattr__). Dual numbers take a primitive's
tangent from that op's derivative rule; tensors take its NumPy function from that op's NumPy
spelling. Looked up at every call."""
from __future__ import annotations

from ..text import LazyPattern

OPS: dict = {}
PRIMITIVES: dict[str, str] = {}
DECLARED: set[str] = set()  # the primitives whose op declares them per number system


def register(ops: dict) -> None:
    """The op table's ops, by cgcli/ops as it assembles them."""
    OPS.update(ops)
    PRIMITIVES.update({op.primitive: op.name for op in ops.values() if op.primitive})
    DECLARED.update(op.primitive for op in ops.values() if op.primitive and op.numbers)

_UFUNC = LazyPattern(r"np\.(\w+)\(\{0\}(?:, \{1\})?\)")


def op_of(primitive: str):
    """The op that a number-system primitive implements."""
    return OPS[PRIMITIVES[primitive]]


def ufunc_name(primitive: str) -> str | None:
    """The NumPy function the op table spells the primitive with, where it is one plain call."""
    match = _UFUNC.fullmatch(op_of(primitive).spelled("numpy"))
    return match[1] if match else None


def implementation(system: str, primitive: str):
    """The op table's implementation of a primitive in a number system ("float", "exact", "interval")."""
    if primitive not in PRIMITIVES:
        raise AttributeError(f"{primitive}: the op table (cgcli.ops) is not imported, or declares no such function")
    return op_of(primitive).numbers[system]
