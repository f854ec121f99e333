"""The Rich console every terminal renderer prints into, and the text it leaves."""
from __future__ import annotations

import io


def text_console(terminal: bool):
    """A console writing to a buffer: sized and coloured for a terminal, or, for a pipe or file,
    plain and wide enough that no line wraps. Markup, emoji and highlighting are off: user text
    such as f[x] must print as typed."""
    from rich.console import Console

    options = dict(file=io.StringIO(), markup=False, emoji=False, highlight=False)
    if terminal:
        return Console(force_terminal=True, **options)
    return Console(width=10_000, color_system=None, **options)


def text_of(console) -> str:
    """What was printed, without the spaces Rich pads lines with."""
    return "\n".join(line.rstrip() for line in console.file.getvalue().split("\n"))
