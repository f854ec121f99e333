"""The Rich console every terminal renderer prints into, the text it leaves, and tables that never cut a cell."""
from __future__ import annotations

import io
from typing import TYPE_CHECKING, Sequence

if TYPE_CHECKING:
    from .grid import Row


def text_console(terminal: bool, width: int | None = None):
    """A console writing to a buffer: for a terminal, Rich's, sized (`width`, else the terminal's) and
    coloured; for a pipe or a file, a PlainConsole. Markup, emoji and highlighting are off: user text
    such as f[x] must print as typed."""
    if not terminal:
        return PlainConsole()
    from rich.console import Console

    return Console(file=io.StringIO(), force_terminal=True, width=width, markup=False, emoji=False, highlight=False)


class PlainConsole:
    """What a pipe or a file gets: lines whole (never wrapped) and unstyled, written without Rich,
    whose import alone costs ~70 ms."""

    is_terminal = False

    def __init__(self) -> None:
        self.file = io.StringIO()


def show(console, text: str, style: str | None = None) -> None:
    """`text` and a line break, in `style` on a terminal; on both, as Rich shows text (control codes
    dropped, tabs expanded)."""
    if console.is_terminal:
        from rich.text import Text

        console.print(Text(text, style=style or ""))
    else:
        from .grid import cell_lines

        console.file.write("\n".join(cell_lines(text)) + "\n")


def text_of(console) -> str:
    """What was printed, without the spaces Rich pads lines with."""
    return "\n".join(line.rstrip() for line in console.file.getvalue().split("\n"))


def print_table(console, title: str, headers: Sequence[str], rows: Sequence[Row], right: frozenset[int] = frozenset(),
                ) -> None:
    """`title` on its own line (a Rich table title wraps at the table's width), then the table.

    Nothing is ever cut. In a pipe every line is as long as the table needs. On a terminal the table
    keeps its columns while every cell fits whole; when it cannot, each row becomes a record, one
    `header  cell` line per column, folded at the terminal's edge (--digits 60 at 80 columns).
    """
    from .grid import Grid

    show(console, title, "bold")
    grid = Grid(headers, rows, right)
    if not console.is_terminal:
        console.file.write(grid.plain())
    elif grid.width <= console.width:
        console.print(grid, crop=False)
    else:
        console.print()
        console.print(_records(headers, rows, console.width))
        console.print()


def _records(headers: Sequence[str], rows: Sequence[Row], width: int):
    """One block per row: its first cell on a line, then `header  cell` lines below it, indented,
    the cells of every block aligned; empty cells left out. Cells wrap at their spaces; one with a word
    (a number) too wide to sit beside its header goes on the lines below it, whole where a line can hold
    it; what no line holds folds."""
    from rich.console import Group
    from rich.padding import Padding
    from rich.cells import cell_len
    from rich.table import Table
    from rich.text import Text

    label_width = min(max(map(cell_len, headers[1:])), width // 2)
    beside = width - 2 - label_width - 2  # the indent, the header column, the gap

    def grid():
        fields = Table.grid(padding=(0, 2))
        fields.add_column(style="dim", overflow="fold", width=label_width)  # min_width: wrapped at one width, cropped at another
        fields.add_column(overflow="fold")
        return fields

    blocks = []
    for row in rows:
        if isinstance(row, str):
            blocks.append(Text(f"⋮ {row}", style="dim"))
            continue
        blocks.append(Text(row[0], style="cyan"))
        fields = grid()
        for header, cell in zip(headers[1:], row[1:]):
            if not cell:
                continue
            # words wrap beside the header; a word (a number) wider than that would fold inside itself
            if max(map(cell_len, cell.split()), default=0) <= beside or "\n" in cell:
                fields.add_row(Text(header), Text(cell))
                continue
            if fields.row_count:
                blocks.append(Padding(fields, (0, 0, 0, 2)))
                fields = grid()
            blocks += [Padding(Text(header, style="dim"), (0, 0, 0, 2)),
                       Padding(Text(cell, overflow="fold"), (0, 0, 0, 4))]
        if fields.row_count:
            blocks.append(Padding(fields, (0, 0, 0, 2)))
    return Group(*blocks)
