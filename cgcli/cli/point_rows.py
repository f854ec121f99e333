"""Reading `eval --points`: CSV with a header row, or JSON lines (told apart by the first character),
in blocks of whole lines as they arrive, so memory stays bounded and answers follow the input."""
from __future__ import annotations

import csv
import json
import unicodedata
from dataclasses import dataclass
from typing import BinaryIO, Iterator

from ..errors import InputError
from ..text import shorten

BLOCK_BYTES = 1 << 20  # at most this much input per block; a pipe gives what it has, at once


@dataclass
class Block:
    """Consecutive data lines (blank ones left out), with where they are in the input."""

    lines: list[str]
    first_row: int  # the row number of lines[0]: rows count the data records, from 1
    first_line: int  # the line number of lines[0]
    line_numbers: list[int] | None = None  # per line, where blank lines were left out in between

    def place(self, position: int) -> str:
        line = self.line_numbers[position] if self.line_numbers else self.first_line + position
        return f"row {self.first_row + position} (line {line})"


class PointReader:
    """The points of `stream` ("points.csv" or "-" as `name`): its kind ("csv" or "jsonl"), the
    CSV header's column names, and its blocks."""

    def __init__(self, stream: BinaryIO, name: str, block_bytes: int = BLOCK_BYTES) -> None:
        self.stream, self.name, self.block_bytes = stream, name, block_bytes
        self.bytes_read = 0
        self._lines_before = 0  # lines of the input already split off
        self._rows = 0
        self._blocks = self._read()
        self._first = next(self._blocks, None)
        self.kind, self.columns = "csv", None
        if self._first is not None and self._first.lines[0].lstrip().startswith("{"):
            self.kind = "jsonl"
        elif self._first is not None:
            self.columns = _header(self._first.lines[0], name)
            self._first = self._rest(self._first, 1)
            self._rows = 0

    def blocks(self) -> Iterator[Block]:
        if self._first is not None:
            yield self._numbered(self._first)
        for block in self._blocks:
            yield self._numbered(block)

    def _numbered(self, block: Block) -> Block:
        block.first_row = self._rows + 1
        self._rows += len(block.lines)
        return block

    @staticmethod
    def _rest(block: Block, skip: int) -> Block | None:
        if len(block.lines) <= skip:
            return None
        numbers = block.line_numbers or list(range(block.first_line, block.first_line + len(block.lines)))
        return Block(block.lines[skip:], 0, numbers[skip], numbers[skip:])

    def _read(self) -> Iterator[Block]:
        """A block per read of the input: its whole non-blank lines."""
        read = getattr(self.stream, "read1", self.stream.read)
        pending = b""
        while True:
            data = read(self.block_bytes)
            if not data:
                break
            self.bytes_read += len(data)
            data = pending + data
            end = data.rfind(b"\n") + 1
            pending = data[end:]
            block = self._split(data[:end])
            if block is not None:
                yield block
        block = self._split(pending)
        if block is not None:
            yield block

    def _split(self, data: bytes) -> Block | None:
        if self._lines_before == 0 and data.startswith(b"\xef\xbb\xbf"):  # a byte-order mark (Excel's CSV)
            data = data[3:]
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as failure:
            line = self._lines_before + data[:failure.start].count(b"\n") + 1
            raise InputError(f"--points {shorten(self.name)}: line {line} is not UTF-8 text") from None
        if not text:
            return None
        if "\r" in text:
            text = text.replace("\r\n", "\n")
        lines = text.split("\n")
        if lines[-1] == "":
            lines.pop()
        first_line = self._lines_before + 1
        self._lines_before += len(lines)
        kept = [line for line in lines if line.strip()]
        if len(kept) == len(lines):
            return Block(lines, 0, first_line) if lines else None
        numbers = [first_line + i for i, line in enumerate(lines) if line.strip()]
        return Block(kept, 0, numbers[0], numbers) if kept else None


def _header(line: str, name: str) -> list[str]:
    columns = [unicodedata.normalize("NFC", cell.strip()) for cell in next(csv.reader([line]))]
    repeated = sorted({column for column in columns if columns.count(column) > 1 and column})
    if repeated:
        raise InputError(f"--points {shorten(name)}: the header names the column {shorten(repeated[0])} twice")
    return columns


def row_cells(block: Block, position: int, columns: list[str] | None) -> dict[str, object]:
    """One row's values by name: a CSV row's cells under the header's `columns`, or a JSON line's."""
    return json_cells(block, position) if columns is None else csv_cells(block, position, columns)


def csv_cells(block: Block, position: int, columns: list[str]) -> dict[str, str]:
    """The cells of one CSV row by column name; InputError (with the row) if it has another number of cells."""
    cells = next(csv.reader([block.lines[position]]))
    if len(cells) != len(columns):
        raise InputError(f"{block.place(position)}: {len(cells)} cell{'s' * (len(cells) != 1)} "
                         f"for the header's {len(columns)} columns")
    return dict(zip(columns, cells))


def json_cells(block: Block, position: int) -> dict[str, object]:
    """One JSON line's {name: value}, numbers kept as their text (exact modes read 0.1 as 1/10)."""
    try:
        record = json.loads(block.lines[position], parse_float=str, parse_int=str)
    except ValueError as failure:
        raise InputError(f"{block.place(position)}: not JSON ({failure})") from None
    if not isinstance(record, dict):
        raise InputError(f"{block.place(position)}: expected a JSON object of name → value")
    return {unicodedata.normalize("NFC", key): value for key, value in record.items()}
