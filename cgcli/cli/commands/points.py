"""`cgrad eval --points FILE|-`: the value and gradient at every row of a CSV or JSON lines input,
one record per row in input order, streamed block by block. Float mode runs the compiled NumPy
kernel over each block's columns; the other number systems go row by row from each cell's text."""
from __future__ import annotations

import json
import sys
from typing import Any, Callable

from .. import output
from ...api import message, output_graph, wanted_names
from ...passes.evaluation import evaluate
from ...language.bindings import converted
from ...errors import CgradError, InputError, settled
from ...graph.nodes import Program
from ..point_rows import BLOCK_BYTES, Block, PointReader, cell_value, float_columns, float_json_columns, row_cells
from ..row_process import RowsOut, all_floats
from ..row_writer import cell as _csv_cell, csv_lines, float_json_lines, float_lines
from ...text import listing, shorten
from ...api.compiled import Compiled, NotVectorisable, result_headers

TABLE_ROWS = 20  # --format table shows this many rows
REPORTED = 10  # --on-error skip|null: the failures reported one by one before the summary


class PointsRun:
    """One --points run: the program, what each row gives and how failures are handled."""

    def __init__(self, program: Program, pairs: list[tuple[str, Any]], numbers, wrt: list[str] | None,
                 output_name: str | None, on_error: str) -> None:
        graph = output_graph(program, output_name)
        self.program, self.pairs, self.numbers, self.graph = program, pairs, numbers, graph
        self.wanted = wanted_names(program, graph, wrt, None)
        parameters = {name for name, _ in pairs}
        self.inputs = [graph.names[i] for i in graph.variables() if graph.names[i] not in parameters]
        self.wrt = [graph.names[i] for i in graph.variables()] if self.wanted is None else self.wanted
        self.headers = result_headers(graph.names[graph.output], self.wrt)
        self.on_error = on_error
        self.compiled = _compiled(program, pairs, numbers, wrt, output_name)

    def check_columns(self, reader: PointReader) -> None:
        """A CSV header names every input; a column given by --at too is ambiguous."""
        if reader.columns is None:
            return
        both = [name for name, _ in self.pairs if name in reader.columns]
        if both:
            raise InputError(f"--at {both[0]}: {both[0]} is also a column of {shorten(reader.name)}; "
                             "give it once")
        missing = [name for name in self.inputs if name not in reader.columns]
        if missing:
            raise InputError(f"--points {shorten(reader.name)}: no column {listing(missing)} in the header "
                             f"({shorten(', '.join(reader.columns), 120)}); add it, or give it with --at")

    def rows(self, block: Block, columns: list[str] | None) -> tuple[list[list[Any]], dict[int, CgradError]]:
        """Per output column, the JSON values of the block's rows; and the failed rows' errors.
        `columns`: the CSV header's names, or None for JSON lines."""
        if self.compiled is not None:
            try:
                return self._vectorised(block, columns)
            except NotVectorisable:  # a JSON line gives a list (a tensor): this block goes row by row
                pass
        results: list[list[Any]] = []
        failures: dict[int, CgradError] = {}
        for position in range(block.size):
            try:
                values, to_json = self._point(block, position, columns)
                results.append([to_json(value) for value in values])
            except CgradError as error:
                failures[position] = settled(error)
                results.append([None] * len(self.headers))
        return [list(column) for column in zip(*results)] or [[] for _ in self.headers], failures

    def _point(self, block: Block, position: int, columns: list[str] | None) -> tuple[list[Any], Callable]:
        """[value, partials...] at one row by the scalar passes, and how they print in JSON; errors
        name the row (and column)."""
        cells = row_cells(block, position, columns)
        values = []
        for name in self.inputs:
            text, shown = _cell(block, position, columns, cells, name)
            converted(text, self.numbers, shown)
            values.append((name, text))
        try:
            trace = evaluate(self.graph, self.pairs + values, self.program, self.numbers, self.wanted, record=False)
        except CgradError as error:
            raise type(error)(f"{block.place(position)}: {error.message}") from None
        return [trace.value] + [trace.gradient[name] for name in self.wrt], trace.numbers.to_json

    def _vectorised(self, block: Block, columns: list[str] | None):
        import numpy as np

        point = lambda row: self._point(block, row, columns)[0]  # noqa: E731
        arrays = float_json_columns(block, self.inputs) if columns is None else float_columns(
            block, [columns.index(name) for name in self.inputs], len(columns))
        failures: dict[int, CgradError] = {}
        rows = np.arange(block.size)
        if arrays is None:  # something loadtxt does not read (1/3, a missing cell, a bad row): cell by cell
            arrays, rows, failures = self._cell_by_cell(block, columns)
            point = lambda row: self._point(block, int(rows[row]), columns)[0]  # noqa: E731
        batch = self.compiled.batch(arrays, point, len(rows))
        failures.update({int(rows[row]): error for row, error in batch.failures.items()})
        if len(rows) == block.size:
            return [batch.value] + batch.gradient, failures
        full = [np.full(block.size, np.nan) for _ in self.headers]
        for column, computed in zip(full, [batch.value] + batch.gradient):
            column[rows] = computed
        return full, failures

    def _cell_by_cell(self, block: Block, columns: list[str] | None):
        import numpy as np

        values: list[list[float]] = [[] for _ in self.inputs]
        rows, failures = [], {}
        for position in range(block.size):
            try:
                cells = row_cells(block, position, columns)
                row = [self._float(block, position, columns, cells, name) for name in self.inputs]
            except NotVectorisable:
                raise
            except CgradError as error:
                failures[position] = settled(error)
                continue
            rows.append(position)
            for column, value in zip(values, row):
                column.append(value)
        return [np.array(column, dtype=float) for column in values], np.array(rows, dtype=int), failures

    def _float(self, block: Block, position: int, columns: list[str] | None, cells: dict, name: str) -> float:
        text, shown = _cell(block, position, columns, cells, name)
        if isinstance(text, list):
            raise NotVectorisable(f"{shown}: a list")
        return converted(text, self.numbers, shown, tensors=False)


def _cell(block: Block, position: int, columns: list[str] | None, cells: dict, name: str) -> tuple[str | list, str]:
    """The value `name` has in a row (a number's text, or a JSON list), and how messages show it."""
    return cell_value(f"{block.place(position)}, {'key' if columns is None else 'column'} {name}", cells.get(name))


def _compiled(program: Program, pairs, numbers, wrt, output_name):
    """The vectorised kernel in float mode, when the program has one; else None: row by row."""
    if numbers.name != "float":
        return None
    try:
        return Compiled(program, pairs, numbers, wrt, output_name)
    except NotVectorisable:  # tensors: the scalar passes take them
        return None


def run_points(source: str, program: Program, pairs: list[tuple[str, Any]], numbers, wrt: list[str] | None,
               output_name: str | None, output_format: str | None, out_file: str | None, on_error: str,
               header: bool) -> None:
    """Answer every row of `source` (a file name or '-') in order, writing each block as it is done."""
    _one_blas_thread()
    run = PointsRun(program, pairs, numbers, wrt, output_name, on_error)
    with _opened(source) as stream:
        # row by row, smaller blocks: the progress bar moves and answers follow sooner
        reader = PointReader(stream, source, BLOCK_BYTES if run.compiled else BLOCK_BYTES // 16)
        run.check_columns(reader)
        output_format = output_format or reader.kind
        if output_format not in ("csv", "jsonl", "table"):
            raise InputError(f"--points writes one record per row: --format csv, jsonl or table, not {output_format}")
        if output_format == "table":
            return _table(run, reader)
        with output.Sink(out_file) as sink, _progress(stream, numbers) as advance:
            render = _csv_rows if output_format == "csv" else _json_rows(run.headers)
            if header and output_format == "csv":
                sink.write(csv_lines([run.headers]))
            failed = total = 0
            # the float kernel's blocks: past the first megabytes, a second process writes them
            rows_out = RowsOut(sink, render, forks=run.compiled is not None)
            try:
                for block in reader.blocks():
                    values, failures = run.rows(block, reader.columns)
                    total += block.size
                    keep, stop = _kept_rows(block, failures, on_error, failed)
                    failed += len(failures)
                    rows_out.write(values, keep, failures if on_error == "null" else {}, reader.bytes_read)
                    advance(reader.bytes_read)
                    if stop is not None:
                        rows_out.finish()
                        raise stop
                rows_out.finish()
            except BaseException:
                rows_out.abort()
                raise
            cut = reader.cut_note()
            if cut:
                output.say(f"warning: {cut}")
            if failed:
                done = "skipped" if on_error == "skip" else "written empty"
                output.say(f"warning: {failed} of {total} rows failed and were {done} (--on-error {on_error})")


def _one_blas_thread() -> None:
    """Before NumPy loads: the kernel is elementwise, and OpenBLAS's idle threads would spin on the
    other core (50 ms of CPU at start-up on the 2-core machine), and make fork() unsafe for the writer process."""
    if "numpy" not in sys.modules:
        import os

        os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")


def _kept_rows(block: Block, failures: dict[int, CgradError], on_error: str, failed_before: int):
    """The rows to write (None: all) and the error that stops the run, after reporting the failures."""
    if not failures:
        return None, None
    ordered = sorted(failures)
    if on_error == "stop":
        first = ordered[0]
        error = failures[first]
        return range(first), type(error)(_placed(block, first, error))
    for count, position in enumerate(ordered, start=failed_before):
        if count < REPORTED:
            output.say(f"warning: {_placed(block, position, failures[position])}")
    if on_error == "skip":
        return [position for position in range(block.size) if position not in failures], None
    return None, None


def _placed(block: Block, position: int, error: CgradError) -> str:
    text = message(error)
    return text if text.startswith("row ") else f"{block.place(position)}: {text}"


def _csv_rows(values: list, keep, nulls: dict) -> str:
    if all_floats(values) and not nulls:  # the float kernel's columns
        return float_lines([column if keep is None else column[keep] for column in values])
    if all_floats(values) and keep is None:  # ... with failed rows written empty
        return _emptied(float_lines(values), nulls, csv_lines([[""] * len(values)]))
    cells = [_texts(column) for column in values]
    return csv_lines(_joined(zip(*cells), keep, nulls, [""] * len(values)))


def _json_rows(headers: list[str]) -> Callable:
    template = "{" + ", ".join(f"{json.dumps(name, ensure_ascii=False)}: %s" for name in headers) + "}"

    def render(values: list, keep, nulls: dict) -> str:
        if all_floats(values) and not nulls:
            return float_json_lines([column if keep is None else column[keep] for column in values], headers)
        if all_floats(values) and keep is None:
            return _emptied(float_json_lines(values, headers), nulls, template % (("null",) * len(headers)) + "\n")
        cells = [_texts(column, lambda value: json.dumps(value, ensure_ascii=False)) for column in values]
        rows = _joined(map(template.__mod__, zip(*cells)), keep, nulls, template % (("null",) * len(headers)))
        return "".join(row + "\n" for row in rows)
    return render


def _emptied(text: str, rows, empty: str) -> str:
    """The lines of `text` (each ending in \\n), those at `rows` replaced by the line `empty`."""
    lines = text.split("\n")
    for row in rows:
        lines[row] = empty[:-1]
    return "\n".join(lines)


def _joined(rows, keep, nulls: dict, empty) -> list:
    """The rows, failed rows `empty` (null) or left out (`keep`)."""
    rows = list(rows)
    for position in nulls:
        rows[position] = empty
    return rows if keep is None else [rows[position] for position in keep]


def _texts(column, cell: Callable[[Any], str] = _csv_cell) -> list[str]:
    """A column's cells as text: a float array as cgrad writes floats, other values through `cell`."""
    if hasattr(column, "dtype"):
        return float_lines([column]).split("\n")[:-1]
    return ["" if value is None else cell(value) for value in column]


def _table(run: PointsRun, reader: PointReader) -> None:
    """The first TABLE_ROWS rows as a table on the terminal, and a note if there are more."""
    rows: list[list[str]] = []
    more = False
    for block in reader.blocks():
        values, failures = run.rows(block, reader.columns)
        keep, stop = _kept_rows(block, failures, run.on_error, 0)
        cells = [_texts(column, _csv_cell) for column in values]
        for position in range(block.size):
            if keep is not None and position not in keep:
                continue
            if len(rows) == TABLE_ROWS:
                more = True
                break
            failed = position in failures
            rows.append([str(block.first_row + position)] + ["" if failed else column[position] for column in cells])
        if stop is not None and len(rows) < TABLE_ROWS:
            _print(rows, run)
            raise stop
        if more:
            break
    _print(rows, run)
    if more:
        output.say(f"note: the first {TABLE_ROWS} rows; --format csv or jsonl writes every row")


def _print(rows: list[list[str]], run: PointsRun) -> None:
    from ...render.console import print_table, text_console, text_of

    console = text_console(output.is_terminal())
    print_table(console, "Value and gradient at each row", ["row"] + run.headers, rows,
                right=frozenset(range(len(run.headers) + 1)))
    output.write(text_of(console).rstrip("\n") + "\n")


class _opened:
    """The points input: '-' is standard input, else the file, as bytes."""

    def __init__(self, source: str) -> None:
        self.source, self.handle = source, None

    def __enter__(self):
        if self.source == "-":
            if sys.stdin is None:
                raise InputError("--points -: standard input is closed")
            return sys.stdin.buffer
        try:
            self.handle = open(self.source, "rb")
        except (OSError, ValueError) as failure:  # ValueError: a NUL in the name
            raise InputError(f"--points {shorten(self.source)}: cannot read it: "
                             f"{getattr(failure, 'strerror', None) or failure}") from None
        return self.handle

    def __exit__(self, *exc) -> None:
        if self.handle is not None:
            self.handle.close()


class _progress:
    """Row-by-row number systems on a terminal: a progress bar on stderr (by bytes of input read)."""

    def __init__(self, stream, numbers) -> None:
        self.bar = None
        if numbers.name == "float" or not sys.stderr.isatty():
            return
        import os
        import stat

        from rich.console import Console
        from rich.progress import Progress

        try:
            info = os.fstat(stream.fileno())
            total = info.st_size if stat.S_ISREG(info.st_mode) else None
        except (OSError, ValueError, AttributeError):
            total = None
        self.bar = Progress(console=Console(file=sys.stderr), transient=True)
        self.task = self.bar.add_task(f"{numbers.name} row by row", total=total)

    def __enter__(self) -> Callable[[int], None]:
        if self.bar is None:
            return lambda done: None
        self.bar.start()
        return lambda done: self.bar.update(self.task, completed=done)

    def __exit__(self, *exc) -> None:
        if self.bar is not None:
            self.bar.stop()
