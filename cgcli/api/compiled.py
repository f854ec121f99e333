"""A program compiled for many points (`cgcli.compile`, and `eval --points` in float): the NumPy
kernel over columns, and the scalar passes for the rows where the kernel met nan or inf, which
say what failed there exactly as `cgrad eval` at that point would."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Mapping

from . import message, output_graph, pairs_of, parse, wanted_names
from ..language.bindings import bind
from ..errors import CgradError, InputError, settled
from ..passes.evaluation import evaluate
from ..graph.nodes import Program
from ..compiled.kernel import Kernel
from ..text import listing

__all__ = ["compile", "Compiled", "Batch", "NotVectorisable", "result_headers"]


def result_headers(output: str, wrt) -> list[str]:
    """The value's name, then d<output>/d<name> for each partial derivative."""
    return [output] + [f"d{output}/d{name}" for name in wrt]


class NotVectorisable(InputError):
    """The program has no NumPy kernel (a tensor op, a tensor parameter)."""


@dataclass
class Batch:
    """The value and partial derivatives at every row; nan where a row failed, and why in `failures`."""

    value: Any  # numpy arrays of the rows' length
    gradient: list[Any]  # one per name of Compiled.wrt
    failures: dict[int, CgradError]  # row index → the error `cgrad eval` gives at that point


class Compiled:
    """The value and gradient of a program's output over columns of points, in IEEE doubles.

    `inputs` are the variables each call gives (the program's variables not fixed by `at`, in
    order of first appearance), `wrt` the names of the partial derivatives, `output` the output's name.
    """

    def __init__(self, program: Program, at: list[tuple[str, Any]], numbers, wrt: list[str] | None = None,
                 output: str | None = None) -> None:
        graph = output_graph(program, output)
        self.program, self.numbers, self.graph = program, numbers, graph
        self.at, self._output_name = at, output
        parameters = bind(program, at, numbers)
        if any(not isinstance(value, float) for value in parameters.values()):
            raise NotVectorisable("a tensor value in --at: the vectorised kernel takes scalars")
        variables = graph.variables()
        self.output = graph.names[graph.output]
        self.inputs = tuple(graph.names[i] for i in variables if graph.names[i] not in parameters)
        # wrt=[]: the value alone (Monte Carlo needs no gradient, and the kernel then has no reverse pass)
        self._wanted = [] if wrt is not None and not wrt else wanted_names(program, graph, wrt)
        self.wrt = tuple(graph.names[i] for i in variables) if self._wanted is None else tuple(self._wanted)
        index_of = {name: i for i, name in enumerate(graph.names) if name is not None}
        # a --wrt name the output does not reach (in the program, not in this graph) has derivative 0
        in_graph = set(graph.order)
        reached = {name: slot for slot, name in enumerate(
            name for name in self.wrt if name in index_of and index_of[name] in in_graph)}
        try:
            self._kernel = Kernel(graph, variables, [index_of[name] for name in reached], numbers.relu0_text or "0")
        except InputError as refusal:  # an op without a NumPy template
            raise NotVectorisable(refusal.message) from None
        self._gradient_slots = [reached.get(name) for name in self.wrt]
        self._parameters = {index_of[name]: value for name, value in parameters.items()}
        self._slots = [self._parameters.get(i) for i in variables]
        column = {name: position for position, name in enumerate(self.inputs)}
        self._column_of = [None if i in self._parameters else column[graph.names[i]] for i in variables]

    def __reduce__(self):
        # the kernel is generated code: rebuilt from the program's text where it is unpickled (Dask workers)
        return _rebuilt, (self.program.source, self.at, None if self._wanted is None else list(self._wanted),
                          self._output_name, self.numbers.relu0_text or "0")

    @property
    def headers(self) -> list[str]:
        """The names of the results, as `eval --points` writes them: f, df/dx, df/dy, ..."""
        return result_headers(self.output, self.wrt)

    def frame(self, data: Any, on_error: str = "raise") -> Any:
        """A pandas DataFrame of the results (columns `headers`) at the rows of the DataFrame `data`,
        whose columns include the inputs; its index is kept. For Dask:
        `ddf.map_partitions(f.frame, meta=f.frame_meta())`."""
        import pandas as pd

        value, gradient = self(*(data[name].to_numpy(dtype=float) for name in self.inputs), on_error=on_error)
        return pd.DataFrame(dict(zip(self.headers, [value, *gradient.values()])), index=data.index)

    def frame_meta(self) -> Any:
        """The empty DataFrame that describes `frame`'s result (Dask's `meta`)."""
        import pandas as pd

        return pd.DataFrame({name: pd.Series(dtype=float) for name in self.headers})

    @property
    def source(self) -> str:
        """The kernel's NumPy source (the forward pass, the reverse pass, the finiteness sum)."""
        return self._kernel.source

    def __call__(self, *arrays: Any, on_error: str = "raise", **named: Any) -> tuple[Any, dict[str, Any]]:
        """(value, {name: ∂output/∂name}) as arrays of the inputs' broadcast shape; inputs by position
        in `inputs` order or by name. A point where `cgrad eval` would fail raises its error (with the
        point's index) or, with on_error="nan", gives nan there."""
        import numpy as np

        if on_error not in ("raise", "nan"):
            raise InputError(f"on_error={on_error!r}: expected 'raise' or 'nan'")
        given = dict(zip(self.inputs, arrays))
        if len(arrays) > len(self.inputs):
            raise InputError(f"{len(arrays)} arrays for {len(self.inputs)} inputs ({listing(self.inputs)})")
        for name, array in named.items():
            if name not in self.inputs or name in given:
                raise InputError(f"{name}: {'given twice' if name in given else 'not an input'} "
                                 f"(the inputs: {', '.join(self.inputs) or 'none'})")
            given[name] = array
        missing = [name for name in self.inputs if name not in given]
        if missing:
            raise InputError(f"no values for {listing(missing)}")
        try:
            columns = np.broadcast_arrays(*(np.asarray(given[name], dtype=float) for name in self.inputs))
        except ValueError as failure:
            raise InputError(f"the inputs are not numbers of shapes that broadcast: {failure}") from None
        shape = columns[0].shape if columns else ()
        result = self.batch([column.ravel() for column in columns], length=int(np.prod(shape)))
        if result.failures and on_error == "raise":
            row = min(result.failures)
            error = result.failures[row]
            where = np.unravel_index(row, shape) if len(shape) > 1 else row
            raise type(error)(f"at index {where}: {message(error)}")
        gradient = dict(zip(self.wrt, (partial.reshape(shape) for partial in result.gradient)))
        return result.value.reshape(shape), gradient

    def batch(self, columns: list[Any], point: Callable[[int], list[Any]] | None = None,
              length: int | None = None) -> Batch:
        """Every row of `columns` (1-D float arrays, one per name of `inputs`, of one length). Rows
        the kernel cannot vouch for are answered by `point(row)` (default: `point` at the row's values)."""
        import numpy as np

        arguments = [self._slots[k] if column is None else columns[column] for k, column in enumerate(self._column_of)]
        length = len(columns[0]) if columns else 1 if length is None else length
        value, partials, finite = self._kernel(arguments, length)
        zero = np.zeros(length)
        gradient = [zero if slot is None else partials[slot] for slot in self._gradient_slots]
        failures: dict[int, CgradError] = {}
        suspects = np.flatnonzero(~finite)
        if suspects.size:
            value, gradient = value.copy(), [partial.copy() for partial in gradient]
            point = point or (lambda row: self.point({name: repr(float(column[row]))
                                                      for name, column in zip(self.inputs, columns)}))
            for row in suspects.tolist():
                try:
                    value[row], *partials_at_row = point(row)
                except CgradError as error:
                    failures[row] = settled(error)
                    value[row] = np.nan
                    partials_at_row = [np.nan] * len(gradient)
                for partial, at_row in zip(gradient, partials_at_row):
                    partial[row] = at_row
        return Batch(value, gradient, failures)

    def point(self, values: dict[str, str]) -> list[Any]:
        """[value, ∂/∂ each of `wrt`] by the scalar passes at one point (values as text), or the CgradError
        `cgrad eval` gives there."""
        pairs = list(self.at) + list(values.items())
        trace = evaluate(self.graph, pairs, self.program, self.numbers, self._wanted, record=False)
        return [trace.value] + [trace.gradient[name] for name in self.wrt]


def compile(program: Program | str, at: Mapping[str, object] | None = None, wrt: list[str] | None = None,
            output: str | None = None, relu0: str = "0") -> Compiled:
    """`program` compiled once into a function of NumPy arrays: `f = compile("x*y + sin(x)")`, then
    `value, gradient = f(x=xs, y=ys)` gives arrays (gradient: name → array) at every point, in
    IEEE doubles, with `cgrad eval`'s results and errors. `at` fixes some variables (parameters);
    `f.inputs` lists the others in the order of positional arguments."""
    from ..numbers import number_system

    if isinstance(program, str):
        program = parse(program)
    return Compiled(program, pairs_of(at), number_system("float", relu0=relu0), wrt, output)


def _rebuilt(source: str, at: list, wrt: list[str] | None, output: str | None, relu0: str) -> Compiled:
    return compile(source, dict(at), wrt, output, relu0)
