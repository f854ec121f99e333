"""`cgrad notes`: fill the ```cgrad blocks of Markdown notes in place, or check that they are current."""
from __future__ import annotations

import os
import shutil
import tempfile

import click

from .. import output
from ...errors import InputError, NoteStale
from ..options import timeout_option
from ..output import HelpThroughOutput
from ...text import read_text, shorten


class _Command(HelpThroughOutput, click.Command):
    pass


@click.command("notes", cls=_Command)
@click.argument("files", nargs=-1, required=True, metavar="FILE.md...")
@click.option("--check", is_flag=True,
              help="Write nothing: show a unified diff and exit 1 if any block's output is out of date, exit 0 if all are current.")
@click.option("--dry-run", is_flag=True, help="Write nothing: print each note as it would be written.")
@timeout_option("Give up on a command line of a block (exit 1) after this many seconds [default: no limit].")
def notes_command(files: tuple[str, ...], check: bool, dry_run: bool, timeout: float | None) -> None:
    """Run the ```cgrad blocks of Markdown notes and write each block's output right after it.

    A block holds cgrad command lines without the leading `cgrad`, one per line. Each output goes
    between the markers <!-- cgrad:begin… --> and <!-- cgrad:end -->, replacing what was there:
    Markdown as it is, Mermaid, DOT, JSON and LaTeX in their fences, tables in a text fence; files
    written with -o land beside the note and are linked. Nothing else in the note changes. Blocks
    run in the note's folder. If a block fails, no note is written and cgrad exits as that command did.

    \b
    Examples:
      cgrad notes examples/notes/seed002.md
      cgrad notes --check examples/notes/stale.md
      cgrad notes --dry-run examples/notes/stale.md
      cgrad notes --check docs/*.md
    """
    if check and dry_run:
        raise InputError("--check and --dry-run both write nothing: give one of them")
    from ..notes import fill, note_files

    stage = tempfile.mkdtemp(prefix="cgrad-notes-")
    try:
        # a note named twice (by two globs that overlap) is filled once
        once: dict[str, str] = {}
        for name in files:
            once.setdefault(os.path.realpath(name), name)
        files = tuple(once.values())
        notes, written = [], note_files(list(files))
        for name in files:
            text = _read(name)
            folder = os.path.dirname(os.path.abspath(name))
            notes.append((name, text, folder, fill(text, name, folder, stage, timeout, written)))
        if check:
            _check(notes)
        elif dry_run:
            for name, _text, _folder, filled in notes:
                output.write((f"==> {name} <==\n" if len(notes) > 1 else "") + filled.text)
        else:
            for name, text, folder, filled in notes:
                for path, staged in filled.files:
                    _replace(os.path.join(folder, path), _bytes(staged))
                if filled.text != text:
                    _replace(os.path.realpath(name), filled.text.encode("utf-8"))
    finally:
        shutil.rmtree(stage, ignore_errors=True)


def _read(name: str) -> str:
    # a byte-order mark is kept: the note is rewritten byte for byte
    return read_text(name, shorten(name), encoding="utf-8")


def _check(notes) -> None:
    import difflib

    stale = []
    for name, text, folder, filled in notes:
        diff = "".join(difflib.unified_diff(text.splitlines(keepends=True), filled.text.splitlines(keepends=True),
                                            name, name))
        if diff and not diff.endswith("\n"):
            diff += "\n\\ No newline at end of file\n"
        for path, staged in filled.files:
            present = _bytes_or_none(os.path.join(folder, path))
            if present != _bytes(staged):
                state = "is missing" if present is None else "differs from what its block writes"
                diff += f"File {os.path.join(os.path.dirname(name), path)} {state}\n"
        if diff:
            output.write(diff)
            stale.append(name)
    if stale:
        listing = " ".join(stale)
        raise NoteStale(f"{'a note is' if len(stale) == 1 else f'{len(stale)} notes are'} out of date: "
                    f"`cgrad notes {listing}` refreshes {'it' if len(stale) == 1 else 'them'}")


def _bytes(path: str) -> bytes:
    with open(path, "rb") as handle:
        return handle.read()


def _bytes_or_none(path: str) -> bytes | None:
    try:
        return _bytes(path)
    except OSError:
        return None


def _replace(path: str, data: bytes) -> None:
    """`data` to `path` all at once (output.Replacing: never half written, its mode kept), its folder
    made if missing. Unchanged files are left alone (their time stamps too)."""
    if _bytes_or_none(path) == data:
        return
    try:
        os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    except OSError as failure:
        raise output.refused(path, failure) from None
    with output.Replacing(path) as file:
        file.write(data)
