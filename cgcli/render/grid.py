"""A table whose every cell fits on one line, laid out as Rich's SIMPLE_HEAD table lays it out, from
column widths measured once here: Rich measuring, wrapping and padding each cell took ~96 % of a full
trace's time (355 µs a node). The same lines go to a pipe as plain text, or to Rich as styled segments."""
from __future__ import annotations

import re
from typing import Iterator, Sequence

from rich.cells import cell_len, get_character_cell_size

Row = Sequence[str] | str  # the cells of one row, or a note standing for rows left out ("⋮ 40 more rows")
NOTE_MARK = "⋮"  # the first cell of a note's row; the note sits in the second column


def table_width(widths: Sequence[int]) -> int:
    """SIMPLE_HEAD pads each column by one space either side and draws an edge (a space) at both
    ends and between columns."""
    return sum(widths) + 3 * len(widths) + 1


class Grid:
    """The lines of a table: a blank edge, the header in bold, a rule, the rows (the first column in
    cyan, a note dim), a blank edge; right-aligned columns in `right`. Each column is as wide as its
    widest header or cell line (`widths`, in terminal cells): nothing wraps or is cut. A line is a
    space at each edge, a space either side of each cell and one between cells: `  a   b   c  `."""

    def __init__(self, headers: Sequence[str], rows: Sequence[Row], right: frozenset[int] = frozenset()) -> None:
        self.headers, self.rows, self.right = headers, rows, right
        self.widths = [max(map(cell_width, cell_lines(header))) for header in headers]
        # column by column, each cell's width (None: a cell of several lines, or one Rich changes)
        self._columns = list(zip(*(row for row in rows if not isinstance(row, str))))
        self._sizes = [self._measured(index, cells) for index, cells in enumerate(self._columns)]
        notes = [max(map(cell_width, cell_lines(row))) for row in rows if isinstance(row, str)]
        if notes:  # a note spans the columns after the first: it widens the last only if they are too narrow
            self.widths[0] = max(self.widths[0], cell_width(NOTE_MARK))
            self.widths[-1] += max(0, max(notes) - self._span())

    def _span(self) -> int:
        """The width of the columns after the first, with the spaces between them: a note's room."""
        return sum(self.widths[1:]) + 3 * (len(self.widths) - 2)

    @property
    def width(self) -> int:
        return table_width(self.widths)

    def plain(self) -> str:
        """The table as text, without styles (and without the blanks that end Rich's lines)."""
        lines = ["", "  " + "   ".join(self._header()), " " + "─" * (self.width - 2)]
        lines += ["  " + "   ".join(cells) for _, cells in self._body()]
        return "\n".join(lines) + "\n\n"

    def __rich_console__(self, console, options) -> Iterator:
        """For console.print(grid, crop=False): the lines already fit. The plain text between two
        styled cells, across line ends, goes out as one segment: two segments a line."""
        from rich.segment import Segment
        from rich.style import Style

        bold, cyan, dim = Style(bold=True), Style(color="cyan"), Style(dim=True)
        blank = " " * self.width
        plain = blank + "\n"
        for cell in self._header():
            yield Segment(plain + " ")
            yield Segment(f" {cell} ", bold)
            plain = ""
        plain = " \n" + " " + "─" * (len(blank) - 2) + " \n"
        for note, cells in self._body():
            yield Segment(plain + " ")
            yield Segment(f" {cells[0]} ", cyan)
            if note:  # dim, its padding plain, as Rich pads a styled text in a plain column
                yield Segment("  ")
                yield Segment(cells[1], dim)
                plain = " " + _after(cells[2:]) + "\n"
            else:
                plain = _after(cells[1:]) + "\n"
        yield Segment(plain + blank + "\n")

    def _measured(self, index: int, cells: Sequence[str]) -> list:
        """The widths of a column's cells, widening the column to the widest: an int for a cell of
        one line, a tuple for one of several, None where Rich would change the text (control codes,
        tabs) or joined characters need Rich's measure. Most cells are printable characters each
        one cell wide, whose width is their length, found in a few passes of C."""
        joined = "\n".join(cells)
        if _one_cell_each(joined):
            if joined.count("\n") == len(cells) - 1:  # no cell of several lines
                sizes: list = list(map(len, cells))
            else:
                sizes = [len(cell) if "\n" not in cell else tuple(map(len, cell.split("\n"))) for cell in cells]
        else:
            sizes = [_size(cell) for cell in cells]
        if None not in sizes and not any(map(_is_tuple, sizes)):
            widest = max(sizes, default=0)
        else:
            widest = max((max(size) if isinstance(size, tuple) else size for size in sizes if size is not None),
                         default=0)
        for cell in (cell for cell, size in zip(cells, sizes) if size is None):
            widest = max(widest, max(map(cell_width, cell_lines(cell))))
        self.widths[index] = max(self.widths[index], widest)
        return sizes

    def _header(self) -> list[str]:
        return [self._fitted(cell_lines(header)[0], index) for index, header in enumerate(self.headers)]

    def _body(self) -> Iterator[tuple[bool, Sequence[str]]]:
        """Each line below the rule: whether it is a note, and its fitted cells. A cell of several
        lines makes its row that tall; shorter cells go on top, blanks fill below them."""
        fitted = self._fitted
        by_column = [self._laid_out(index, cells, sizes)
                     for index, (cells, sizes) in enumerate(zip(self._columns, self._sizes))]
        # the rows with a cell of several lines, or one left to _fitted: few, found column by column
        uneven = set().union(*({position for position, cell in enumerate(column) if type(cell) is not str}
                               for column in by_column if None in column or any(map(_is_list, column))))
        laid_out = zip(*by_column)
        position = -1
        for row in self.rows:
            if isinstance(row, str):
                note = cell_lines(row)[0]
                yield True, [fitted(NOTE_MARK, 0), note + " " * (self._span() - cell_width(note))]
                continue
            cells, position = next(laid_out), position + 1
            if position not in uneven:
                yield False, cells
                continue
            lines = [[fitted(line, index) for line in cell_lines(text)] if cell is None else
                     [cell] if isinstance(cell, str) else cell for index, (text, cell) in enumerate(zip(row, cells))]
            for depth in range(max(map(len, lines))):
                yield False, [cell[depth] if depth < len(cell) else " " * width for cell, width in zip(lines, self.widths)]

    def _laid_out(self, index: int, cells: Sequence[str], sizes: Sequence) -> list:
        """A column's cells padded to its width, as a string, or a list of lines for a cell of
        several; None where the width is not known (_fitted's work)."""
        width, right = self.widths[index], index in self.right

        def padded(text: str, size: int) -> str | None:
            if not right:
                return text + " " * (width - size)
            return None if text[-1:].isspace() else " " * (width - size) + text

        if None not in sizes and not any(map(_is_tuple, sizes)):
            if right:
                return [None if cell[-1:].isspace() else " " * (width - size) + cell for cell, size in zip(cells, sizes)]
            return [cell + " " * (width - size) for cell, size in zip(cells, sizes)]
        laid_out = []
        for cell, size in zip(cells, sizes):
            if isinstance(size, tuple):
                lines = [padded(line, line_size) for line, line_size in zip(cell.split("\n"), size)]
                laid_out.append(None if None in lines else lines)
            else:
                laid_out.append(None if size is None else padded(cell, size))
        return laid_out

    def _fitted(self, text: str, index: int) -> str:
        """`text` padded to its column's width, on the left in a right-aligned column (where, as in
        Rich, its trailing blanks go first)."""
        if index in self.right:
            text = text.rstrip()
            return " " * (self.widths[index] - cell_width(text)) + text
        return text + " " * (self.widths[index] - cell_width(text))


def _is_tuple(item) -> bool:
    return type(item) is tuple


def _is_list(item) -> bool:
    return type(item) is list


def _size(cell: str) -> int | tuple[int, ...] | None:
    """A cell's width: its length, or each line's for a cell of several, when every character is
    known one cell wide; None otherwise."""
    if not _one_cell_each(cell):
        return None
    lines = cell.split("\n")
    return len(cell) if len(lines) == 1 else tuple(map(len, lines))


def _after(cells: Sequence[str]) -> str:
    """What follows a cell and its padding on its line: each further cell, framed, then the edge."""
    return "".join(f"  {cell} " for cell in cells) + " "


_ONE_CELL: set[str] = set()  # the characters beyond ASCII met so far that are one cell wide
_JOINERS = ("\u200d", "\ufe0f")  # they change the width of their neighbours: never learnt as one cell
_others = re.compile("[^\n\x20-\x7e]").search  # finds a character not (yet) known one cell wide


def cell_width(text: str) -> int:
    """Rich's cell_len of `text`; in one pass of C when every character is printable ASCII or one
    cell wide (∂, ·, ×, −, Greek): Rich looks each character up in turn."""
    return len(text) if "\n" not in text and _one_cell_each(text) else cell_len(text)


def _one_cell_each(text: str) -> bool:
    """Whether every character of `text` is a line break, printable ASCII or one cell wide, in one
    search of C; the characters met for the first time are learnt."""
    global _others
    if _others(text) is None:
        return True
    if text.isascii():
        return False
    new = {character for character in set(text) - _ONE_CELL - set(_JOINERS)
           if not character.isascii() and get_character_cell_size(character) == 1}
    if not new:
        return False
    _ONE_CELL.update(new)
    _others = re.compile("[^\n\x20-\x7e" + "".join(map(re.escape, sorted(_ONE_CELL))) + "]").search
    return _others(text) is None


def cell_lines(cell: str) -> list[str]:
    """A cell's lines as Rich shows them: control codes dropped, tabs expanded to stops of 8."""
    if cell.isprintable():
        return [cell]
    lines = cell.split("\n")
    if all(map(str.isprintable, lines)):
        return lines
    from rich.control import strip_control_codes

    return strip_control_codes(cell).expandtabs(8).split("\n")
