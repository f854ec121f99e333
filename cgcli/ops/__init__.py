"""THE op table: every op by name (elementwise.py, tensor.py, declared as declaration.py says), the
functions users call by name and number of arguments, and the constants of the language.

Adding a composite op (one written with other ops' rules or existing number-system primitives) is
one entry in elementwise.py or tensor.py; adding a primitive is one entry there plus one method of
the number-system interface (numbers/system.py), which every number system implements or refuses.
"""
from __future__ import annotations

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

# How a constant is written in the language → the number system's name for it. π is what people
# paste from their notes.
CONSTANTS: dict[str, str] = {"pi": "pi", "π": "pi", "e": "e"}

__all__ = ["CONSTANTS", "FUNCTIONS", "OPS", "Op"]
