"""A table whose every cell fits on one line, laid out as Rich's SIMPLE_HEAD table lays it out, from
column widths measured once here: Rich measuring, wrapping and padding each cell took ~96 % of a full
trace's time (355 µs a node). The same lines go to a pipe as plain text, or to Rich as styled segments."""
from __future__ import annotations

from typing import Iterator, Sequence

from rich.cells import cell_len, get_character_cell_size

Row = Sequence[str] | str  # the cells of one row, or a note standing for rows left out ("⋮ 40 more rows")
NOTE_MARK = "⋮"  # the first cell of a note's row; the note sits in the second column


def column_widths(headers: Sequence[str], rows: Sequence[Row]) -> list[int]:
    """Each column's width with no cell wrapped: its widest header or cell line, in terminal cells."""
    widths = [max(map(cell_width, cell_lines(header))) for header in headers]
    for row in rows:
        if isinstance(row, str):
            widths[0] = max(widths[0], cell_width(NOTE_MARK))
            widths[1] = max(widths[1], max(map(cell_width, cell_lines(row))))
            continue
        for index, cell in enumerate(row):
            width = len(cell) if cell.isascii() and cell.isprintable() else max(map(cell_width, cell_lines(cell)))
            if width > widths[index]:
                widths[index] = width
    return widths


def table_width(widths: Sequence[int]) -> int:
    """SIMPLE_HEAD pads each column by one space either side and draws an edge (a space) at both
    ends and between columns."""
    return sum(widths) + 3 * len(widths) + 1


class Grid:
    """The lines of a table: a blank edge, the header in bold, a rule, the rows (the first column in
    cyan, a note dim), a blank edge; right-aligned columns in `right`. `widths` must come from
    column_widths (every cell fits): nothing here wraps or cuts. A line is a space at each edge, a
    space either side of each cell and one between cells: `  a   b   c  `."""

    def __init__(self, headers: Sequence[str], rows: Sequence[Row], right: frozenset[int],
                 widths: Sequence[int]) -> None:
        self.headers, self.rows, self.right, self.widths = headers, rows, right, widths

    def plain(self) -> str:
        """The table as text, without styles (and without the blanks that end Rich's lines)."""
        lines = ["", "  " + "   ".join(self._header()), " " + "─" * (table_width(self.widths) - 2)]
        lines += ["  " + "   ".join(cells) for _, cells in self._body()]
        return "\n".join(lines) + "\n\n"

    def __rich_console__(self, console, options) -> Iterator:
        """For console.print(grid, crop=False): the lines already fit; a few segments each."""
        from rich.segment import Segment
        from rich.style import Style

        bold, cyan, dim = Style(bold=True), Style(color="cyan"), Style(dim=True)
        blank = " " * table_width(self.widths)
        yield Segment(blank + "\n")
        for cell in self._header():
            yield Segment(" ")
            yield Segment(f" {cell} ", bold)
        yield Segment(" \n" + " " + "─" * (len(blank) - 2) + " \n")
        for note, cells in self._body():
            yield Segment(" ")
            yield Segment(f" {cells[0]} ", cyan)
            if note:  # dim, its padding plain, as Rich pads a styled text in a plain column
                yield Segment("  ")
                yield Segment(cells[1], dim)
                yield Segment(" " + _after(cells[2:]) + "\n")
            else:
                yield Segment(_after(cells[1:]) + "\n")
        yield Segment(blank + "\n")

    def _header(self) -> list[str]:
        return [self._fitted(cell_lines(header)[0], index) for index, header in enumerate(self.headers)]

    def _body(self) -> Iterator[tuple[bool, list[str]]]:
        """Each line below the rule: whether it is a note, and its fitted cells. A cell of several
        lines makes its row that tall; shorter cells go on top, blanks fill below them."""
        fitted, columns = self._fitted, range(len(self.widths))
        for row in self.rows:
            if isinstance(row, str):
                yield True, [fitted(NOTE_MARK, 0), fitted(cell_lines(row)[0], 1), *(fitted("", i) for i in columns[2:])]
                continue
            lines = [cell_lines(cell) for cell in row]
            height = max(map(len, lines))
            if height == 1:
                yield False, [fitted(cell[0], index) for index, cell in enumerate(lines)]
                continue
            for depth in range(height):
                yield False, [fitted(cell[depth] if depth < len(cell) else "", index) for index, cell in enumerate(lines)]

    def _fitted(self, text: str, index: int) -> str:
        """`text` padded to its column's width, on the left in a right-aligned column (where, as
        in Rich, its trailing blanks go first)."""
        if index in self.right:
            text = text.rstrip()
            return " " * (self.widths[index] - cell_width(text)) + text
        return text + " " * (self.widths[index] - cell_width(text))


def _after(cells: Sequence[str]) -> str:
    """What follows a cell and its padding on its line: each further cell, framed, then the edge."""
    return "".join(f"  {cell} " for cell in cells) + " "


_ONE_CELL: dict[int, None] = {}  # characters met so far that are one cell wide, for str.translate to drop
_JOINERS = ("\u200d", "\ufe0f")  # they change the width of their neighbours: Rich measures such text whole


def cell_width(text: str) -> int:
    """Rich's cell_len of `text`, in one C-level pass over the characters met before (∂, ·, ×, −,
    Greek): Rich's own looks each character up in turn."""
    if text.isascii() and text.isprintable():
        return len(text)
    rest = text.translate(_ONE_CELL)
    if not rest:
        return len(text)
    if any(joiner in rest for joiner in _JOINERS):
        return cell_len(text)
    for character in set(rest):
        if get_character_cell_size(character) == 1:
            _ONE_CELL[ord(character)] = None
    return len(text) - len(rest) + cell_len(rest)


def cell_lines(cell: str) -> list[str]:
    """A cell's lines as Rich shows them: control codes dropped, tabs expanded to stops of 8."""
    if cell.isprintable():
        return [cell]
    lines = cell.split("\n")
    if all(map(str.isprintable, lines)):
        return lines
    from rich.control import strip_control_codes

    return strip_control_codes(cell).expandtabs(8).split("\n")
