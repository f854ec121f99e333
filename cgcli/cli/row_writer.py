"""The one writer of rows (`eval --points`, `eval --each`): CSV quoted by the csv module, JSON lines,
and columns of doubles as cgrad writes a float everywhere (an integer below 2**53 without `.0`, any
other number as the shortest text that reads back exactly: repr's text), many at once."""
from __future__ import annotations

import csv
import io
import json
from typing import Any, Iterable, Sequence

from ..numbers.floats import WHOLE as _WHOLE, float_text


def float_lines(columns: Sequence[Any], separator: str = ",") -> str:
    """Float64 arrays of one length as lines of cells (each cell as `float_text` writes it), each
    line ending in \\n. orjson writes the shortest round-trip digits 30 times faster than repr, in
    repr's layout except for integers (21.0), magnitudes in [1e-10, 1e-4) (0.00001 for 1e-05) and
    non-finite numbers (null): those cells (a property test checks the list) are written by `float_text`."""
    import numpy as np
    import orjson

    if not len(columns) or not len(columns[0]):
        return ""
    table = np.column_stack(columns)
    with np.errstate(invalid="ignore"):
        table += 0.0  # -0.0 becomes 0.0, which cgrad writes 0
    flat = table.ravel()
    magnitude = np.abs(flat)
    whole = (flat == np.trunc(flat)) & (magnitude < _WHOLE)  # orjson writes 21.0: its .0 is cut out
    special = ((magnitude < 1e-4) & (magnitude >= 1e-10)) | ~np.isfinite(flat)  # written by float_text
    text = bytearray(orjson.dumps(flat, option=orjson.OPT_SERIALIZE_NUMPY))  # twice as fast as rows of lists
    text[-1] = 44  # the closing ] becomes the last cell's comma
    raw = np.frombuffer(text, np.uint8)[1:]
    commas = np.flatnonzero(raw == 44)  # the end of every cell
    if whole.any():
        keep = np.ones(raw.size, dtype=bool)
        ends = commas[whole]
        keep[ends - 1] = keep[ends - 2] = False
        raw = raw[keep]
        commas = commas - 2 * np.cumsum(whole)
    if separator != ",":
        raw[commas] = ord(separator)
    raw[commas[table.shape[1] - 1::table.shape[1]]] = 10  # every width-th comma ends a line
    written = raw.tobytes() if whole.any() else memoryview(text)[1:]
    if special.any():
        written = _patched(written, commas, np.flatnonzero(special), flat)
    return str(written, "ascii")


def _patched(text, ends, cells, flat) -> bytes:
    """`text` with the cells `cells` (each ending at ends[cell]) written by float_text."""
    pieces, done = [], 0
    for cell, value in zip(cells.tolist(), flat[cells].tolist()):
        pieces += [text[done:0 if cell == 0 else int(ends[cell - 1]) + 1], float_text(value).encode("ascii")]
        done = int(ends[cell])
    pieces.append(text[done:])
    return b"".join(pieces)


def float_json_lines(columns: Sequence[Any], names: Sequence[str]) -> str:
    """Float64 arrays as JSON lines {"name": number, ...}, one per row, numbers as `float_lines` writes them."""
    if not len(columns) or not len(columns[0]):
        return ""
    width = len(columns)
    cells = float_lines(columns)[:-1].replace("\n", ",").split(",")
    rows = len(cells) // width
    keys = [("{" if k == 0 else ", ") + json.dumps(name, ensure_ascii=False) + ": " for k, name in enumerate(names)]
    pieces = [""] * ((2 * width + 1) * rows)
    step = 2 * width + 1
    for k, key in enumerate(keys):
        pieces[2 * k::step] = [key] * rows
        pieces[2 * k + 1::step] = cells[k::width]
    pieces[2 * width::step] = ["}\n"] * rows
    return "".join(pieces)


def csv_lines(rows: Iterable[Sequence[Any]]) -> str:
    """Rows of cells as CSV text, quoted where a cell needs it (a comma, a quote, a line end)."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue()


def json_line(record: dict) -> str:
    """One record as a JSON line (UTF-8 text kept as it is)."""
    return json.dumps(record, ensure_ascii=False) + "\n"


def cell(value: Any) -> str:
    """A JSON value as the text of a CSV cell: text as it is, a float as `float_text`, other numbers
    and lists (tensors, intervals) as JSON with their numbers unquoted."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, float):
        return float_text(value)
    return json.dumps(value, ensure_ascii=False).replace('"', "")
