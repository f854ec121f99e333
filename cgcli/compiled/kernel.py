"""The vectorised kernel of `eval --points` and `cgcli.compile`: a graph's forward and reverse passes
as one straight-line NumPy function over column arrays (codegen's NumPy templates), built once.

NumPy does not raise where cgrad does (log of a negative number is nan, an overflow is inf), so the
kernel also returns which rows stayed finite at every step; the callers answer the other rows one by
one with the scalar passes, which say exactly what went wrong (or, rarely, succeed where a sum of
huge values overflowed)."""
from __future__ import annotations

from typing import Any, Callable

from .codegen import straight_line
from ..graph.nodes import CONSTANT, Graph


class Kernel:
    """`kernel(columns, length)` → (value, [∂output/∂node for each wanted node], finite rows), arrays
    of `length`; `columns` are the graph's variables in `inputs` order (arrays of `length`, or scalars)."""

    def __init__(self, graph: Graph, inputs: list[int], wanted: list[int], relu0: str) -> None:
        active = graph.depends_on({graph.names[index] for index in wanted})
        # generated identifiers: any user name (Unicode, keywords) is safe, and no two collide under NFKC
        identifiers = [None if graph.nodes[i].op == CONSTANT and graph.nodes[i].name is None else f"n{i}"
                       for i in range(len(graph.nodes))]
        code = straight_line(graph, "numpy", relu0, active, identifiers)
        parameters = [identifiers[index] for index in inputs]
        assigned = {target for target, _, _ in code.backward}
        gradient = [code.adjoint[index] if code.adjoint.get(index) in assigned else "0.0" for index in wanted]
        lines = [f"def kernel({', '.join(parameters)}):"]
        given = set(parameters)
        lines += [f"    {target} = {expression}" for target, expression in code.forward if target not in given]
        lines += [f"    {target} = {term}" if first else f"    {target} = {target} + {term}"
                  for target, term, first in code.backward]
        # every step's value in one sum: nan or inf anywhere leaves it non-finite
        steps = dict.fromkeys(parameters + [target for target, _ in code.forward] + [target for target, _, _ in code.backward])
        lines.append(f"    return {code.value}, [{', '.join(gradient)}], sum(({''.join(step + ', ' for step in steps)}), 0.0)")
        self.source = "\n".join(lines) + "\n"
        self._function = _compiled(self.source)

    def __call__(self, columns: list[Any], length: int) -> tuple[Any, list[Any], Any]:
        import numpy as np

        with np.errstate(all="ignore"):
            value, gradient, finite = self._function(*columns)
            shape = (length,)
            return (np.broadcast_to(np.asarray(value, dtype=float), shape),
                    [np.broadcast_to(np.asarray(partial, dtype=float), shape) for partial in gradient],
                    np.broadcast_to(np.isfinite(finite), shape))


def _compiled(source: str) -> Callable:
    import math

    import numpy as np

    scope: dict[str, Any] = {"np": np, "math": math}
    exec(compile(source, "<cgrad kernel>", "exec"), scope)
    return scope["kernel"]
