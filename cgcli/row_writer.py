"""The one writer of rows (`eval --points`, `eval --each`): CSV quoted by the csv module, JSON lines,
and columns of doubles as cgrad writes a float everywhere (an integer below 2**53 without `.0`, any
other number as the shortest text that reads back exactly: repr's text), many at once."""
from __future__ import annotations

import csv
import io
import json
from typing import Any, Iterable, Sequence

_WHOLE = 2.0 ** 53  # below this an integral double prints as an integer (21, not 21.0)


def float_text(value: float) -> str:
    """One double as cgrad writes it: 21, 0.1, 1e-05, 1e+16, nan."""
    return str(int(value)) if value.is_integer() and abs(value) < _WHOLE else repr(value)


def float_lines(columns: Sequence[Any], separator: str = ",") -> str:
    """Float64 arrays of one length as lines of cells (each cell as `float_text` writes it), each
    line ending in \\n. orjson writes the shortest round-trip digits 30 times faster than repr, in
    repr's layout except for integers (21.0), magnitudes in [1e-10, 1e-4) (0.00001 for 1e-05) and
    non-finite numbers (null): those cells, which a property test finds, are written by `float_text`."""
    import numpy as np
    import orjson

    if not len(columns) or not len(columns[0]):
        return ""
    table = np.column_stack(columns)
    magnitude = np.abs(table)
    odd = (table == np.trunc(table)) & (magnitude < _WHOLE)
    odd |= (magnitude < 1e-4) & (magnitude >= 1e-10)
    odd |= ~np.isfinite(table)
    patches = None
    if odd.any():
        patches = [float_text(value) for value in table[odd].tolist()]  # row-major, as orjson writes them
        table = np.where(odd, np.nan, table)
    text = orjson.dumps(table, option=orjson.OPT_SERIALIZE_NUMPY)[2:-2].replace(b"],[", b"\n")
    if separator != ",":
        text = text.replace(b",", separator.encode())
    if patches is None:
        return text.decode("ascii") + "\n"
    parts = text.split(b"null")  # orjson writes a nan as null, and nothing else contains it
    pieces = [b""] * (2 * len(parts) - 1)
    pieces[0::2] = parts
    pieces[1::2] = [patch.encode("ascii") for patch in patches]
    return b"".join(pieces).decode("ascii") + "\n"


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
