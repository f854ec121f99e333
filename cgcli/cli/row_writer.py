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
    if not len(columns) or not len(columns[0]):
        return ""
    return str(_cells(columns, separator.encode("ascii") * (len(columns) - 1) + b"\n"), "ascii")


def _cells(columns: Sequence[Any], ends: bytes):
    """The bytes of `float_lines`, the cell of column k ending in the byte ends[k] (the last: \\n)."""
    import numpy as np
    import orjson

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
        cut = commas[whole]
        keep[cut - 1] = keep[cut - 2] = False
        raw = raw[keep]
        commas = commas - 2 * np.cumsum(whole)
    for column, end in enumerate(ends):
        if end != 44:
            raw[commas[column::len(ends)]] = end
    written = raw.tobytes() if whole.any() else memoryview(text)[1:]
    if special.any():
        written = _patched(written, commas, np.flatnonzero(special), flat)
    return written


def _patched(text, ends, cells, flat) -> bytes:
    """`text` with the cells `cells` (each ending at ends[cell]) written by float_text."""
    pieces, done = [], 0
    for cell, value in zip(cells.tolist(), flat[cells].tolist()):
        pieces += [text[done:0 if cell == 0 else int(ends[cell - 1]) + 1], float_text(value).encode("ascii")]
        done = int(ends[cell])
    pieces.append(text[done:])
    return b"".join(pieces)


# control characters, which neither a number nor a key written by json.dumps holds: each marks the end
# of one column's cell in the text float_json_lines then fills with the next column's key
_MARKS = bytes(code for code in range(1, 32) if code != 10)


def float_json_lines(columns: Sequence[Any], names: Sequence[str]) -> str:
    """Float64 arrays as JSON lines {"name": number, ...}, one per row, numbers as `float_lines` writes them."""
    if not len(columns) or not len(columns[0]):
        return ""
    width = len(columns)
    keys = [json.dumps(name, ensure_ascii=False) + ": " for name in names]
    if width - 1 <= len(_MARKS):  # the cells' text with a mark after each, replaced by ", " and the next key
        text = bytes(_cells(columns, _MARKS[:width - 1] + b"\n"))  # (bytes replace twice as fast as str)
        for mark, key in zip(_MARKS, keys[1:]):
            text = text.replace(bytes([mark]), b", " + key.encode("utf-8"))
        first = keys[0].encode("utf-8")
        return str(b"{" + first + text[:-1].replace(b"\n", b"}\n{" + first) + b"}\n", "utf-8")
    cells = float_lines(columns)[:-1].replace("\n", ",").split(",")
    rows = len(cells) // width
    pieces = [""] * ((2 * width + 1) * rows)
    step = 2 * width + 1
    for k, key in enumerate(keys):
        pieces[2 * k::step] = [("{" if k == 0 else ", ") + key] * rows
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
