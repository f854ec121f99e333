"""The one reader of rows (`eval --points`, `descend --data`): CSV with a header (RFC 4180: quoted
cells may hold commas, quotes and line ends) or JSON lines, in blocks of whole records as they
arrive, with one set of checks: repeated columns or keys, NFC names, cell and row size limits, cut-off ends."""
from __future__ import annotations

import csv
import io
import json
import re
from collections import Counter
from operator import itemgetter
from typing import BinaryIO, Iterator

from ..errors import InputError
from ..text import shorten, language_form

BLOCK_BYTES = 1 << 20  # at most this much input per block; a pipe gives what it has, at once
ROW_BYTES = 1 << 20  # a row (record) longer than this is refused: `--points /dev/zero` ends at once
FIELD_CHARACTERS = csv.field_size_limit()  # Python's csv refuses a longer cell; so do we, as a row error
_NUMERIC = b"0123456789+-.eE, \t\n"  # all a block of decimals holds (letters would be true, null, nan...)
_DECIMALS = b"0123456789+-.eE,\n"  # ... without blanks, so that no line of it is blank
_NUMBER_CHARACTERS = b"0123456789+-.eE"  # ... without its separators
_LINE_ENDS_AS_COMMAS = bytes.maketrans(b"\n", b",")
_MINUS_ZERO = re.compile(r"-0(?![.eE0-9])")  # the integer -0 (whatever blank or separator follows)


class Block:
    """Consecutive records (blank lines left out), with where they are in the input."""

    def __init__(self, lines: list[str] | None, first_line: int, line_numbers: list[int] | None = None,
                 quoted: bool = False, open_quote: bool = False, text: str | None = None,
                 raw: bytes | None = None, width: int | None = None, size: int | None = None) -> None:
        self._lines = lines  # each record's text: one line, or (CSV, quoted line ends) several joined by \n
        self.raw = raw  # a block of decimals only: its records' bytes, each ending in \n, split into lines when asked
        self.width = width  # raw: every record has exactly this many cells (known when the header's width fits)
        self.size = len(lines) if lines is not None else raw.count(b"\n") if size is None else size
        self.first_row = 0  # the row number of the first record: rows count the data records, from 1
        self.first_line = first_line  # the line number of the first record
        self.line_numbers = line_numbers  # per record, where blank or quoted lines were left out in between
        self.quoted = quoted  # some record has a quote: the csv module splits its cells
        self.open_quote = open_quote  # the last record ends inside a quoted cell: the input was cut off
        self.text = text  # the records joined by \n, when no line was left out (the fast path reads it)

    @property
    def lines(self) -> list[str]:
        if self._lines is None:
            self._lines = self.raw.decode("ascii").split("\n")[:-1]
        return self._lines

    def place(self, position: int) -> str:
        line = self.line_numbers[position] if self.line_numbers else self.first_line + position
        return f"row {self.first_row + position} (line {line})"

    def place_lines(self) -> list[int]:
        """The line each record starts on."""
        return self.line_numbers or list(range(self.first_line, self.first_line + self.size))


class PointReader:
    """The rows of `stream` ('points.csv' or '-' as `name`, read for `option`): its kind ('csv' or
    'jsonl', told apart by the first character), the CSV header's column names, and its blocks."""

    def __init__(self, stream: BinaryIO, name: str, block_bytes: int = BLOCK_BYTES, option: str = "--points",
                 row_bytes: int | None = None) -> None:
        self.stream, self.name, self.block_bytes = stream, name, block_bytes
        self.row_bytes = ROW_BYTES if row_bytes is None else row_bytes
        self.label = f"{option} {shorten(name)}"
        self.bytes_read = 0
        self.unended_line: int | None = None  # the last line, when the input ends without a line end
        self._lines_before = 0  # lines of the input already split off
        self._rows = 0
        self.kind, self.columns = "csv", None
        self._blocks = self._read()
        self._first = next(self._blocks, None)
        if self._first is not None and self.kind == "csv":
            self.columns = self._header(self._first)
            self._first = self._rest(self._first, 1)

    def blocks(self) -> Iterator[Block]:
        if self._first is not None:
            yield self._numbered(self._first)
        for block in self._blocks:
            yield self._numbered(block)

    def cut_note(self) -> str | None:
        """A warning when the input ended without a line end: its last row may have been cut short."""
        if self.unended_line is None:
            return None
        return (f"{self.label}: the input ends without a line end (line {self.unended_line}); "
                "if it was cut off, so was its last row")

    def _numbered(self, block: Block) -> Block:
        block.first_row = self._rows + 1
        self._rows += block.size
        return block

    def _header(self, block: Block) -> list[str]:
        if block.open_quote and block.size == 1:
            raise InputError(f"{self.label}: the header (line 1) ends inside a quoted name: the input is cut off")
        try:
            cells = next(csv.reader(io.StringIO(block.lines[0])), [])
        except csv.Error as failure:
            raise InputError(f"{self.label}: the header (line 1) is not CSV ({failure})") from None
        columns = [language_form(cell.strip()) for cell in cells]
        repeated = [name for name, count in Counter(columns).items() if count > 1 and name]
        if repeated:
            raise InputError(f"{self.label}: the header (line 1) names the column {shorten(repeated[0])} twice")
        return columns

    @staticmethod
    def _rest(block: Block, skip: int) -> Block | None:
        if block.size <= skip:
            return None
        if block.line_numbers is None:  # no line left out: the rest keeps its text for the fast path
            text = block.text.split("\n", skip)[skip] if block.text is not None else None
            return Block(block.lines[skip:], block.first_line + skip, text=text)
        numbers = block.line_numbers
        return Block(block.lines[skip:], numbers[skip], numbers[skip:], block.quoted, block.open_quote)

    def _read(self) -> Iterator[Block]:
        """A block per read of the input: its whole records."""
        read = getattr(self.stream, "read1", self.stream.read)
        pending = b""
        while True:
            data = read(self.block_bytes)
            if not data:
                break
            self.bytes_read += len(data)
            data = pending + data
            if self._lines_before == 0 and len(data) <= self.row_bytes and not data.lstrip(b"\xef\xbb\xbf \t\r\n"):
                pending = data  # only blanks so far: the first character tells CSV from JSON lines
                continue
            if self._lines_before == 0 and data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{"):
                self.kind = "jsonl"
            end = _records_end(data, self.kind == "jsonl")
            pending = data[end:]
            if len(pending) > self.row_bytes:
                line = self._lines_before + data[:end].count(b"\n") + 1
                raise InputError(f"{self.label}: line {line} starts a row longer than {_size(self.row_bytes)} "
                                 "(the limit of one row)")
            block = self._split(data[:end])
            if block is not None:
                yield block
        if pending.strip():
            self.unended_line = self._lines_before + pending.count(b"\n") + 1
        block = self._split(pending, last=True)
        if block is not None:
            yield block

    def _split(self, data: bytes, last: bool = False) -> Block | None:
        if self._lines_before == 0 and data.startswith(b"\xef\xbb\xbf"):  # a byte-order mark (Excel's CSV)
            data = data[3:]
        if self._lines_before:  # decimals only: kept as bytes for float_columns, split only if asked
            block = self._raw_block(data if data.endswith(b"\n") else data + b"\n")
            if block is not None:
                self._lines_before += block.size
                return block
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as failure:
            line = self._lines_before + data[:failure.start].count(b"\n") + 1
            raise InputError(f"{self.label}: line {line} is not UTF-8 text") from None
        if not text:
            return None
        if "\r" in text:
            text = text.replace("\r\n", "\n")
        if text.endswith("\n"):
            text = text[:-1]
        first_line = self._lines_before + 1
        lines = text.split("\n")
        self._lines_before += len(lines)
        if '"' in text and self.kind == "csv":
            return _quoted_block(lines, first_line, last)
        kept = lines if _no_blank_line(text, lines) else [line for line in lines if line.strip()]
        if len(kept) == len(lines):
            return Block(lines, first_line, text=text) if lines else None
        numbers = [first_line + i for i, line in enumerate(lines) if line.strip()]
        return Block(kept, numbers[0], numbers) if kept else None

    def _raw_block(self, data: bytes) -> Block | None:
        """`data` (whole lines) as a Block kept as bytes, if it holds only decimals and commas and no blank line."""
        width = len(self.columns) if self.columns else 0
        if width > 1:
            # its commas and line ends alone, in one pass: exactly width - 1 commas before each line
            # end (so no line is blank), and nothing else but the characters of numbers
            separators = data.translate(None, _NUMBER_CHARACTERS)
            rows = len(separators) // width
            if separators == (b"," * (width - 1) + b"\n") * rows:
                return Block(None, self._lines_before + 1, raw=data, width=width, size=rows)
        if _decimals_only(data):  # a row with another number of cells: float_columns finds it
            return Block(None, self._lines_before + 1, raw=data)
        return None


def _decimals_only(data: bytes) -> bool:
    """Whether the lines `data` hold only decimals and commas, and no blank line."""
    return bool(data) and not data.translate(None, _DECIMALS) and b"\n\n" not in data and not data.startswith(b"\n")


_BESIDE_LINE_ENDS = (" \n", "\n ", "\t\n", "\n\t", "\r", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x1f")


def _no_blank_line(text: str, lines: list[str]) -> bool:
    """Whether no line of `text` is blank, seen without a loop over the lines: JSON lines that each
    start with their { have none (one count), and nor has an ASCII text whose lines are not empty
    and have no blank beside a line end (or no other kind of blank)."""
    if text[:1] == "{" and text.count("\n{") == len(lines) - 1:
        return True
    return text.isascii() and "" not in lines and not text[:1].isspace() and not text[-1:].isspace() \
        and not any(blank in text for blank in _BESIDE_LINE_ENDS)


def _size(count: int) -> str:
    return f"{count >> 20} MiB" if count >= 1 << 20 else f"{count} bytes"


def _records_end(data: bytes, json_lines: bool) -> int:
    """Where the last whole record of `data` ends (after its line end): in CSV, the last line end
    outside quotes (a quoted cell's quotes come in pairs, so an even count of them before it)."""
    end = data.rfind(b"\n") + 1
    if json_lines or b'"' not in data:
        return end
    quotes = data.count(b'"', 0, end)
    while end and quotes % 2:
        previous = data.rfind(b"\n", 0, end - 1) + 1
        quotes -= data.count(b'"', previous, end)
        end = previous
    return end


def _quoted_block(lines: list[str], first_line: int, last: bool) -> Block | None:
    """Records of CSV lines some of which hold quotes: a line end inside quotes belongs to the cell."""
    records, numbers = [], []
    pending: list[str] = []
    quotes = 0
    for number, line in enumerate(lines, start=first_line):
        if not pending and not line.strip():
            continue
        pending.append(line)
        quotes += line.count('"')
        if quotes % 2 == 0:
            records.append("\n".join(pending))
            numbers.append(number - len(pending) + 1)
            pending, quotes = [], 0
    open_quote = bool(pending)
    if pending:  # only at the end of the input (blocks are cut outside quotes)
        records.append("\n".join(pending))
        numbers.append(first_line + len(lines) - len(pending))
    if not records:
        return None
    return Block(records, numbers[0], numbers, quoted=True, open_quote=open_quote and last)


def cell_value(place: str, text: object) -> tuple[str | list, str]:
    """A cell's value (a number's text, or a JSON list) and how messages show it, `place = text`, for
    every command that reads rows; an empty cell, or JSON true, false or an object, is refused here."""
    if text is None or text == "":
        raise InputError(f"{place}: no value")
    if not isinstance(text, (str, list)):
        raise InputError(f"{place} = {shorten(json.dumps(text))}: not a number")
    return text, f"{place} = {shorten(text if isinstance(text, str) else json.dumps(text))}"


def row_cells(block: Block, position: int, columns: list[str] | None) -> dict[str, object]:
    """One row's values by name: a CSV row's cells under the header's `columns`, or a JSON line's."""
    return json_cells(block, position) if columns is None else csv_cells(block, position, columns)


def csv_cells(block: Block, position: int, columns: list[str]) -> dict[str, str]:
    """The cells of one CSV row by column name; InputError (with the row) if it has another number of
    cells, a cell longer than Python's csv field limit, or a quoted cell the input's end cut off."""
    record = block.lines[position]
    if block.open_quote and position == block.size - 1:
        raise InputError(f"{block.place(position)}: a quoted cell is not closed: the input ends inside it (cut off?)")
    if block.quoted and '"' in record:
        try:
            cells = next(csv.reader(io.StringIO(record, newline="")), [])
        except csv.Error as failure:
            if len(record) > FIELD_CHARACTERS:
                raise InputError(f"{block.place(position)}: a cell longer than {FIELD_CHARACTERS} characters "
                                 "(the csv module's limit)") from None
            raise InputError(f"{block.place(position)}: not CSV ({failure})") from None
    else:
        cells = record.split(",")
    if len(cells) != len(columns):
        raise InputError(f"{block.place(position)}: {len(cells)} cell{'s' * (len(cells) != 1)} "
                         f"for the header's {len(columns)} columns")
    for name, cell in zip(columns, cells):
        if len(cell) > FIELD_CHARACTERS:
            raise InputError(f"{block.place(position)}, column {shorten(name)}: a cell of {len(cell)} characters, "
                             f"longer than {FIELD_CHARACTERS} (the csv module's limit)")
    return dict(zip(columns, cells))


def json_cells(block: Block, position: int) -> dict[str, object]:
    """One JSON line's {name: value}, numbers kept as their text (exact modes read 0.1 as 1/10);
    keys NFC-normalised, and a key given twice (after that) refused."""
    try:
        record = json.loads(block.lines[position], parse_float=str, parse_int=str, object_pairs_hook=_unique_keys)
    except RepeatedKeys as repeated:
        raise InputError(f"{block.place(position)}: the key {shorten(repeated.name)} is given twice") from None
    except ValueError as failure:
        raise InputError(f"{block.place(position)}: not JSON ({failure})") from None
    if not isinstance(record, dict):
        raise InputError(f"{block.place(position)}: expected a JSON object of name → value")
    return record


class RepeatedKeys(ValueError):
    """A JSON object names a key twice (json.loads alone would silently keep the last)."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


def _unique_keys(pairs: list[tuple[str, object]]) -> dict:
    """A JSON object's pairs as a dict with NFC keys, each key once."""
    record = {language_form(name): value for name, value in pairs}
    if len(record) != len(pairs):
        counts = Counter(language_form(name) for name, _ in pairs)
        raise RepeatedKeys(next(name for name, count in counts.items() if count > 1))
    return record


def float_columns(block: Block, usecols: list[int], width: int) -> list | None:
    """The block's columns `usecols` (of `width`) as float64 arrays, when every cell is a plain finite
    decimal and every row has `width` cells (read at once: the decimals as one JSON array, which
    orjson reads correctly rounded, as float() does); None otherwise: the rows then go one by one,
    and their errors name the row."""
    data = block.raw if block.raw is not None else None if block.text is None else block.text.encode("utf-8") + b"\n"
    if data is None or not usecols or block.quoted:
        return None if usecols else []
    if block.raw is None and data.translate(None, _NUMERIC):
        return None  # not only decimals
    import numpy as np
    import orjson

    rows = block.size
    try:
        array = bytearray(b"[") + data
        array[-1] = 93  # the last line end: ]
        flat = np.array(orjson.loads(array.translate(_LINE_ENDS_AS_COMMAS)), dtype=float)
    except (orjson.JSONDecodeError, TypeError, OverflowError):
        return None
    if flat.size != rows * width or not np.isfinite(flat).all():
        return None
    if not flat.all() and _MINUS_ZERO.search(data.decode("ascii")):
        return None  # JSON reads -0 as the integer 0, where cgrad reads -0.0
    if width > 1 and block.width != width:  # (else the reader saw it) every row has width - 1 commas:
        # the line ends fall on every width-th separator
        raw = np.frombuffer(data, np.uint8)
        # of the bytes a block of decimals holds, only , + and \n are <= ord(","): one pass when there is no +
        plain = block.raw is not None and b"+" not in data
        separators = np.flatnonzero(raw <= 44) if plain else np.flatnonzero((raw == 44) | (raw == 10))
        if separators.size != rows * width or not (raw[separators[width - 1::width]] == 10).all():
            return None
    table = flat.reshape(rows, width)
    return [np.ascontiguousarray(table[:, column]) for column in usecols]


def float_json_columns(block: Block, names: list[str]) -> list | None:
    """The block's keys `names` as float64 arrays, when every line is a JSON object that gives each of
    them as a plain number, with ASCII keys (NFC already), none of them twice (orjson keeps the
    last of a repeated key: a line with more colons than keys goes line by line, where that is
    refused); None otherwise: the rows then go one by one, and their errors name the row."""
    import numpy as np
    import orjson

    text = "[" + ",".join(block.lines) + "]"
    if not text.isascii() or ("\\" in text and "\\u" in text):  # (one character is found the fastest)
        return None  # a key to normalise (written or escaped)
    try:
        records = orjson.loads(text)
    except orjson.JSONDecodeError:
        return None
    # each key has its colon, so a line that repeats a key has more colons than keys (and so has one
    # with a colon in a string: it goes line by line too)
    if set(map(type, records)) != {dict} or sum(map(len, records)) != text.count(":"):
        return None
    columns = []
    for name in names:
        try:
            column = list(map(itemgetter(name), records))
        except KeyError:
            return None
        if not set(map(type, column)) <= {float, int}:
            return None
        try:
            array = np.array(column, dtype=float)
        except OverflowError:  # an integer past a double's range
            return None
        if not np.isfinite(array).all():
            return None
        columns.append(array)
    if not all(column.all() for column in columns) and _MINUS_ZERO.search(text):
        return None  # -0, which JSON reads as the integer 0, where cgrad reads -0.0
    return columns
