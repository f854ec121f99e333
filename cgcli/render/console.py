"""The Rich console every terminal renderer prints into, the text it leaves, and tables that never cut a cell."""
from __future__ import annotations

import io
from typing import Sequence

Row = Sequence[str] | str  # the cells of one row, or a note standing for rows left out ("⋮ 40 more rows")


def text_console(terminal: bool, width: int | None = None):
    """A console writing to a buffer: sized (`width`, else the terminal's) and coloured for a terminal,
    or, for a pipe or file, plain and never wrapping a line (print_table widens it to fit a table).
    Markup, emoji and highlighting are off: user text such as f[x] must print as typed."""
    from rich.console import Console

    options = dict(file=io.StringIO(), markup=False, emoji=False, highlight=False)
    if terminal:
        return Console(force_terminal=True, width=width, **options)
    return Console(width=10_000, color_system=None, soft_wrap=True, **options)


def text_of(console) -> str:
    """What was printed, without the spaces Rich pads lines with."""
    return "\n".join(line.rstrip() for line in console.file.getvalue().split("\n"))


def print_table(console, title: str, headers: Sequence[str], rows: Sequence[Row], right: frozenset[int] = frozenset(),
                ) -> None:
    """`title` on its own line (a Rich table title wraps at the table's width), then the table.

    Nothing is ever cut. In a pipe the console widens to the table. On a terminal the table keeps
    its columns while every cell fits whole; when it cannot, each row becomes a record, one
    `header  cell` line per column, folded at the terminal's edge (--digits 60 at 80 columns).
    """
    from rich.text import Text

    console.print(Text(title, style="bold"))
    width = _natural_width(headers, rows)
    if not console.is_terminal:
        console.width = max(console.width, width)
    if width <= console.width:
        console.print(_columns(headers, rows, right))
    else:
        console.print()
        console.print(_records(headers, rows, console.width))
        console.print()


def _natural_width(headers: Sequence[str], rows: Sequence[Row]) -> int:
    """The width of the table with no cell wrapped: Rich's SIMPLE_HEAD box pads each column by one
    space either side and draws an edge (a space) at both ends and between columns."""
    from rich.cells import cell_len

    widths = [cell_len(header) for header in headers]
    for row in rows:
        if isinstance(row, str):
            widths[1] = max(widths[1], cell_len(row))  # the note sits in the second column
            continue
        for index, cell in enumerate(row):
            widths[index] = max(widths[index], max(map(cell_len, cell.split("\n"))))
    return sum(widths) + 2 * len(widths) + len(widths) + 1


def _columns(headers: Sequence[str], rows: Sequence[Row], right: frozenset[int]):
    from rich import box
    from rich.table import Table
    from rich.text import Text

    grid = Table(box=box.SIMPLE_HEAD, header_style="bold")
    for index, header in enumerate(headers):
        grid.add_column(header, justify="right" if index in right else "left", overflow="fold",
                        style="cyan" if index == 0 else None)
    for row in rows:
        if isinstance(row, str):
            grid.add_row(Text("⋮"), Text(row, style="dim"))
        else:
            grid.add_row(*(Text(cell) for cell in row))
    return grid


def _records(headers: Sequence[str], rows: Sequence[Row], width: int):
    """One block per row: its first cell on a line, then `header  cell` lines below it, indented,
    the cells of every block aligned; empty cells left out. Both columns fold rather than cut."""
    from rich.console import Group
    from rich.padding import Padding
    from rich.cells import cell_len
    from rich.table import Table
    from rich.text import Text

    label_width = min(max(map(cell_len, headers[1:])), width // 2)
    blocks = []
    for row in rows:
        if isinstance(row, str):
            blocks.append(Text(f"⋮ {row}", style="dim"))
            continue
        fields = Table.grid(padding=(0, 2))
        fields.add_column(style="dim", overflow="fold", min_width=label_width)
        fields.add_column(overflow="fold")
        for header, cell in zip(headers[1:], row[1:]):
            if cell:
                fields.add_row(Text(header), Text(cell))
        blocks += [Text(row[0], style="cyan"), Padding(fields, (0, 0, 0, 2))]
    return Group(*blocks)
