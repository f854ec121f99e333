"""`%load_ext cgcli` in IPython or Jupyter: `%cgrad` runs a cgrad command line, `%%cgrad` one whose
program is the cell; the output shows as the Markdown `cgrad notes` writes (Mermaid graph, tables)."""
from __future__ import annotations

import os

from ..render.notebook import RichOutput
from . import output
from .notes import Ran, arguments, as_markdown, parse_line, run_line


def load_ipython_extension(ipython) -> None:
    """Register %cgrad and %%cgrad (IPython calls this on `%load_ext cgcli`)."""
    ipython.register_magic_function(line_magic, "line", "cgrad")
    ipython.register_magic_function(cell_magic, "cell", "cgrad")


def line_magic(line: str) -> Shown | None:
    """%cgrad eval "x*y" --at x=2,y=3: the command line as `cgrad` takes it."""
    return run(line)


def cell_magic(line: str, cell: str) -> Shown | None:
    """%%cgrad eval --at a=5,b=3,c=2, then the program in the cell (as `cgrad eval - ...` reads it)."""
    return run(line, cell)


class Shown(RichOutput):
    """A command's output in a notebook: Markdown, HTML made from it, and LaTeX when the command writes LaTeX."""

    def __init__(self, words: list[str], ran: Ran, program: str | None, folder: str) -> None:
        self.words, self.ran, self.program, self.folder = words, ran, program, folder

    def _repr_markdown_(self) -> str:
        return as_markdown(self.ran)

    def _repr_latex_(self) -> str | None:
        if self.ran.kind == "latex":
            return self.ran.stdout
        command = parse_line(self.words)[0]
        if command is None or "latex" not in _formats(command):
            return None
        ran = run_line(self.words + ["--format", "latex"], self.folder, stdin=self.program or "")
        return ran.stdout if ran.status == 0 else None

    def __repr__(self) -> str:
        return self.ran.stdout


def run(line: str, program: str | None = None) -> Shown | None:
    """The command line's output to show, or None after its error (on stderr, as cgrad prints it).
    Without --format, a command that writes Markdown writes it."""
    from ..errors import CgradError

    try:
        words = arguments(line, "%cgrad") + (["-"] if program is not None else [])
    except CgradError as error:
        output.say(f"error: {error.message}")
        return None
    command, _, given = parse_line(words)
    if command is not None and "output_format" not in given and "markdown" in _formats(command):
        words += ["--format", "markdown"]
    folder = os.getcwd()
    ran = run_line(words, folder, stdin=program or "")
    if ran.status != 0:
        output.say(f"error: {ran.error}" if ran.error else f"error: cgrad exited with status {ran.status}")
        return None
    return Shown(words, ran, program, folder)


def _formats(command) -> tuple[str, ...]:
    """The --format choices of a click command (none for a command without --format)."""
    option = next((param for param in command.params if param.name == "output_format"), None)
    return tuple(getattr(option.type, "choices", ())) if option is not None else ()
