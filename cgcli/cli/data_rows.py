"""--data FILE for `descend`: the rows of a CSV file with a header, or of JSON lines, read by the one
row reader (point_rows) as columns of text (or, in the float mode, of doubles when every cell is a decimal)."""
from __future__ import annotations

import json
from collections.abc import Sequence

from ..errors import InputError
from ..text import shorten
from . import output
from .point_rows import PointReader, float_columns, row_cells

DATA_BYTES = 1 << 30  # --data is held in memory whole (every step reads every row): at most 1 GiB


def read_columns(path: str, floats: bool = False) -> tuple[dict[str, Sequence], Sequence[int]]:
    """Column name → its cells as text (numbers keep their exact text), and each row's line number
    in the file (for messages). With `floats` (the float mode), columns whose every cell is a
    plain decimal come as float64 arrays (each the double float() gives)."""
    label = f"--data {shorten(path)}"
    try:
        handle = open(path, "rb")
    except OSError as failure:
        raise InputError(f"{label}: cannot read it: {failure.strerror or failure}") from None
    with handle:
        reader = PointReader(handle, path, option="--data")
        names = reader.columns
        parts: list[dict[str, Sequence]] = []
        lines: list[int] = []
        for block in reader.blocks():
            if reader.bytes_read > DATA_BYTES:
                raise InputError(f"{label}: larger than {DATA_BYTES >> 30} GiB, the limit of --data "
                                 "(it is held in memory); sample it, or use eval --points, which streams")
            arrays = float_columns(block, list(range(len(names))), len(names)) if floats and names else None
            if arrays is not None:
                parts.append(dict(zip(names, arrays)))
            else:
                names, part = _cells(block, reader, names)
                parts.append(part)
            lines.extend(block.place_lines())
    cut = reader.cut_note()
    if cut:
        output.say(f"warning: {cut}")
    if not lines:
        if reader.columns is None and reader.kind == "csv":
            raise InputError(f"{label}: empty file (a CSV file starts with a header of column names)")
        raise InputError(f"{label}: no data rows")
    return _joined(parts, names), lines


def _cells(block, reader: PointReader, names: list[str] | None) -> tuple[list[str], dict[str, list[str]]]:
    """A block's rows as columns of text; every row has the header's columns (JSON lines: the first row's keys)."""
    columns: dict[str, list[str]] | None = None if names is None else {name: [] for name in names}
    for position in range(block.size):
        try:
            row = row_cells(block, position, reader.columns)
        except InputError as error:
            raise InputError(f"{reader.label}: {error.message}") from None
        if columns is None:
            names, columns = list(row), {name: [] for name in row}
        if row.keys() != columns.keys():
            raise InputError(f"{reader.label}: {block.place(position)} has the columns {sorted(map(shorten, row))}, "
                             f"not {sorted(map(shorten, columns))}")
        for name in columns:
            columns[name].append(_cell_text(row[name]))
    return names, columns


def _joined(parts: list[dict[str, Sequence]], names: list[str]) -> dict[str, Sequence]:
    """The blocks' columns end to end: float arrays stay arrays when every block gave one."""
    if len(parts) == 1:
        return parts[0]
    joined: dict[str, Sequence] = {}
    for name in names:
        pieces = [part[name] for part in parts]
        if all(hasattr(piece, "dtype") for piece in pieces):
            import numpy as np

            joined[name] = np.concatenate(pieces)
        else:
            joined[name] = [cell for piece in pieces for cell in _texts(piece)]
    return joined


def _texts(piece: Sequence) -> Sequence:
    return [repr(value) for value in piece.tolist()] if hasattr(piece, "dtype") else piece


def place(row: int, line: int) -> str:
    """Where a data row is: its number among the data rows, and its line in the file."""
    return f"row {row} (line {line})"


def _cell_text(value) -> str:
    """A JSON value as the text of a cell: numbers and strings as written, anything else
    (true, null, a list) as JSON text, which a message can quote."""
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
