"""--data FILE for `descend`: a CSV file with a header, or JSON lines, read as columns of text."""
from __future__ import annotations

import csv
import json

from .errors import InputError, shorten


def read_columns(path: str) -> tuple[dict[str, list[str]], int]:
    """Column name → its cells as text (numbers keep their exact text), and the number of rows."""
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            text = handle.read()
    except OSError as failure:
        raise InputError(f"--data {shorten(path)}: cannot read it: {failure.strerror or failure}") from None
    except UnicodeDecodeError:
        raise InputError(f"--data {shorten(path)}: not UTF-8 text") from None
    rows = _json_lines(text, path) if text.lstrip().startswith("{") else _csv_rows(text, path)
    if not rows:
        raise InputError(f"--data {shorten(path)}: no data rows")
    columns: dict[str, list[str]] = {name: [] for name in rows[0]}
    for number, row in enumerate(rows, start=1):
        if set(row) != set(columns):
            raise InputError(f"--data {shorten(path)}: row {number} has the columns {sorted(row)}, "
                             f"not {sorted(columns)}")
        for name in columns:
            columns[name].append(row[name])
    return columns, len(rows)


def _csv_rows(text: str, path: str) -> list[dict[str, str]]:
    reader = csv.reader(text.splitlines())
    header = next(reader, None)
    if not header:
        raise InputError(f"--data {shorten(path)}: empty file (a CSV file starts with a header of column names)")
    header = [name.strip() for name in header]
    rows = []
    for number, cells in enumerate(reader, start=1):
        if not cells or all(not cell.strip() for cell in cells):
            continue
        if len(cells) != len(header):
            raise InputError(f"--data {shorten(path)}: row {number} has {len(cells)} cells, the header has {len(header)}")
        rows.append({name: cell.strip() for name, cell in zip(header, cells)})
    return rows


def _json_lines(text: str, path: str) -> list[dict[str, str]]:
    rows = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line, parse_float=str, parse_int=str)
        except ValueError as failure:
            raise InputError(f"--data {shorten(path)}: line {number} is not JSON ({failure})") from None
        if not isinstance(row, dict):
            raise InputError(f"--data {shorten(path)}: line {number} is not a JSON object")
        rows.append({str(name): str(value) for name, value in row.items()})
    return rows
