"""THE op table: every op by name (elementwise.py, tensor.py, declared as declaration.py says), the
functions users call by name and number of arguments, and the constants of the language.

Adding a composite op (one written with other ops' rules or existing number-system primitives) is
one entry in elementwise.py or tensor.py; so is adding a primitive, whose entry declares its
implementation per number system (`numbers=`), which each system finds on first use.
"""
from __future__ import annotations

from ..numbers import rules as _rules
from .declaration import Op
from .elementwise import ELEMENTWISE
from .piecewise import PIECEWISE
from .tensor import TENSOR

OPS: dict[str, Op] = {op.name: op for op in (*ELEMENTWISE, *PIECEWISE, *TENSOR)}

FUNCTIONS: dict[str, dict[int, Op]] = {}  # the name users call → its op for each number of arguments
for _op in OPS.values():
    if _op.function:
        FUNCTIONS.setdefault(_op.function, {})[_op.arity] = _op
del _op

# the number systems take each function's implementation from its op (Op.numbers), dual numbers its
# tangent, tensors its NumPy function (numbers/rules.py): which functions those are is the op table's too
_rules.register(OPS)

# the function whose first operand is a condition (if), and the one that takes an index range (sum)
CONDITIONAL: str = next(op.function for op in OPS.values() if op.takes_condition)
SERIES: str = next(op.function for op in OPS.values() if op.index_range)

# How a constant is written in the language → the number system's name for it. π is what people
# paste from their notes.
CONSTANTS: dict[str, str] = {"pi": "pi", "π": "pi", "e": "e"}

__all__ = ["CONDITIONAL", "CONSTANTS", "FUNCTIONS", "OPS", "SERIES", "Op"]
