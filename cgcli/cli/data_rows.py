"""--data FILE for `descend`: a CSV file with a header, or JSON lines, read as columns of text
(or, in the float mode, a CSV file of decimals as columns of doubles)."""
from __future__ import annotations

import csv
import json
from collections import Counter
from collections.abc import Sequence

from ..errors import InputError
from ..text import shorten


def read_columns(path: str, floats: bool = False) -> tuple[dict[str, Sequence], Sequence[int]]:
    """Column name → its cells as text (numbers keep their exact text), and each row's line number
    in the file (for messages). With `floats` (the float mode), a CSV file of decimals alone gives
    float64 arrays instead, read by NumPy's parser (which gives each text the double float() gives)."""
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            text = handle.read()
    except OSError as failure:
        raise InputError(f"--data {shorten(path)}: cannot read it: {failure.strerror or failure}") from None
    except UnicodeDecodeError:
        raise InputError(f"--data {shorten(path)}: not UTF-8 text") from None
    if not text.lstrip().startswith("{"):
        simple = (_decimal_csv(text) if floats else None) or _simple_csv(text)
        if simple is not None:
            return simple
    rows = _json_lines(text, path) if text.lstrip().startswith("{") else _csv_rows(text, path)
    if not rows:
        raise InputError(f"--data {shorten(path)}: no data rows")
    columns: dict[str, list[str]] = {name: [] for name in rows[0][1]}
    for number, (line, row) in enumerate(rows, start=1):
        if set(row) != set(columns):
            raise InputError(f"--data {shorten(path)}: {place(number, line)} has the columns {sorted(row)}, "
                             f"not {sorted(columns)}")
        for name in columns:
            columns[name].append(row[name])
    return columns, [line for line, _ in rows]


def place(row: int, line: int) -> str:
    """Where a data row is: its number among the data rows, and its line in the file."""
    return f"row {row} (line {line})"


_DECIMAL = str.maketrans("", "", "0123456789+-.eE,\n")  # all a file of decimals holds after its header


def _decimal_csv(text: str):
    """The columns of a CSV file of decimals (digits, signs, points and exponents; no blanks, no
    empty cells) as float64 arrays, parsed by numpy.loadtxt; None for any other file, and for one
    with a non-finite number (1e999), whose message the text columns give."""
    header_line, _, body = text.partition("\n")
    body = body.rstrip("\n")
    header = _header(header_line)
    if header is None or not body or body.translate(_DECIMAL) or "\n\n" in body:
        return None
    import io

    import numpy as np

    try:
        values = np.loadtxt(io.StringIO(body), delimiter=",", ndmin=2, dtype=float)
    except ValueError:  # a malformed number (1e, 1.2.3), an empty cell, a short or long row
        return None
    if values.shape != (body.count("\n") + 1, len(header)) or not np.isfinite(values).all():
        return None
    columns = {name: np.ascontiguousarray(values[:, index]) for index, name in enumerate(header)}
    return columns, range(2, len(values) + 2)


def _header(line: str) -> list[str] | None:
    """The column names of a header line without quotes, each given once; None otherwise."""
    names = [name.strip() for name in line.split(",")]
    return None if '"' in line or "" in names or len(set(names)) != len(names) else names


def _simple_csv(text: str) -> tuple[dict[str, list[str]], range] | None:
    """The columns of a CSV file with no quotes, no blank or short rows and no empty cells, cut out
    of the whole text at once (10⁵ rows in a few passes of C rather than a loop over rows); None
    for any other file, which _csv_rows reads row by row and whose errors it names."""
    lines = text.splitlines()
    while lines and not lines[-1].strip():
        lines.pop()
    if len(lines) < 2 or '"' in text:
        return None
    header, body = _header(lines[0]), lines[1:]
    if header is None:
        return None
    if set(map(str.count, body, [","] * len(body))) != {len(header) - 1}:
        return None
    cells = ",".join(body).split(",")
    joined = "".join(cells)
    if not joined.isprintable():  # control characters, and every blank str.strip removes but the space
        return None
    if " " in joined:
        cells = list(map(str.strip, cells))
    if "" in cells:
        return None
    columns = {name: cells[index::len(header)] for index, name in enumerate(header)}
    return columns, range(2, len(body) + 2)


def _csv_rows(text: str, path: str) -> list[tuple[int, dict[str, str]]]:
    reader = csv.reader(text.splitlines())
    header = next(reader, None)
    if not header:
        raise InputError(f"--data {shorten(path)}: empty file (a CSV file starts with a header of column names)")
    header = [name.strip() for name in header]
    repeated = sorted({name for name in header if header.count(name) > 1})
    if repeated:
        raise InputError(f"--data {shorten(path)}: the header names {', '.join(repeated)} more than once")
    rows = []
    for cells in reader:
        if not cells or all(not cell.strip() for cell in cells):
            continue
        if len(cells) != len(header):
            raise InputError(f"--data {shorten(path)}: {place(len(rows) + 1, reader.line_num)} has {len(cells)} "
                             f"cells, the header has {len(header)}")
        rows.append((reader.line_num, {name: cell.strip() for name, cell in zip(header, cells)}))
    return rows


def _json_lines(text: str, path: str) -> list[tuple[int, dict[str, str]]]:
    rows = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line, parse_float=str, parse_int=str, object_pairs_hook=_unique_keys)
        except _RepeatedKeys as repeated:
            raise InputError(f"--data {shorten(path)}: {place(len(rows) + 1, number)} names "
                             f"{', '.join(map(shorten, repeated.names))} more than once") from None
        except ValueError as failure:
            raise InputError(f"--data {shorten(path)}: line {number} is not JSON ({failure})") from None
        if not isinstance(row, dict):
            raise InputError(f"--data {shorten(path)}: line {number} is not a JSON object")
        rows.append((number, {str(name): _cell_text(value) for name, value in row.items()}))
    return rows


class _RepeatedKeys(Exception):
    def __init__(self, names: list[str]) -> None:
        super().__init__(names)
        self.names = names


def _unique_keys(pairs: list[tuple[str, object]]) -> dict:
    """A JSON object whose keys are all different (json.loads would silently keep the last)."""
    counts = Counter(name for name, _ in pairs)
    repeated = [name for name, count in counts.items() if count > 1]
    if repeated:
        raise _RepeatedKeys(repeated)
    return dict(pairs)


def _cell_text(value) -> str:
    """A JSON value as the text of a cell: numbers and strings as written, anything else
    (true, null, a list) as JSON text, which a message can quote."""
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
