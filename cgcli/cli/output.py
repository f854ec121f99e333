"""Standard output: the one place results (and help) are written, which tells a closed pipe from a failure."""
from __future__ import annotations

import errno
import os
import sys
import unicodedata

from ..errors import OutputClosed, OutputFailed
from ..text import shorten

STDOUT = "standard output"


def write(text: str) -> None:
    """All of `text` to stdout, or OutputClosed (the reader left) / OutputFailed (the system refused).

    Never trusts `sys.stdout.write` to write everything: with PYTHONUNBUFFERED=1 stdout is a
    write-through text layer over the raw file, whose partial writes (a pipe that fills, then
    closes) it drops silently, ending with exit 0 and the output cut.
    """
    stream = sys.stdout
    if stream is None:  # Python started with stdout closed (`cgrad … >&-`)
        raise OutputFailed(f"cannot write to {STDOUT}: {os.strerror(errno.EBADF)}")
    try:
        _write_all(stream, text)
    except BrokenPipeError:
        raise OutputClosed("") from None
    except OSError as failure:
        raise OutputFailed(f"cannot write to {STDOUT}: {failure.strerror or failure}") from None
    except UnicodeEncodeError as failure:
        character = failure.object[failure.start]
        raise OutputFailed(f"cannot write to {STDOUT}: its encoding {failure.encoding} has no "
                           f"U+{ord(character):04X} {unicodedata.name(character, '')} "
                           f"(PYTHONIOENCODING=utf-8 gives it one)") from None


def _write_all(stream, text: str) -> None:
    binary = getattr(stream, "buffer", None)
    if binary is None:  # a text-only stream (io.StringIO): it takes everything or raises
        stream.write(text)
        stream.flush()
        return
    stream.flush()  # whatever went through the text layer before goes first
    data = memoryview(text.encode(stream.encoding or "utf-8", stream.errors or "strict"))
    while data:
        written = binary.write(data)
        if written is None:  # a non-blocking stdout that is full: report it rather than spin
            raise BlockingIOError(errno.EAGAIN, os.strerror(errno.EAGAIN))
        data = data[written:]
    binary.flush()


def write_file(data: bytes, path: str) -> None:
    """`data` to the file `path` (-o FILE); any refusal of the system is OutputFailed, naming the file."""
    try:
        with open(path, "wb") as handle:
            handle.write(data)
    except OSError as failure:
        raise refused(path, failure) from None


def refused(path: str, failure: OSError) -> OutputFailed:
    """The error for a file or folder the system will not let cgrad write."""
    return OutputFailed(f"cannot write {shorten(path)}: {failure.strerror or failure}")


class Sink:
    """Output written as it comes (a stream of records): to stdout through `write`, or to -o FILE."""

    def __init__(self, out_file: str | None) -> None:
        self.path = None if out_file in (None, "-") else out_file
        self.handle = None

    def __enter__(self) -> Sink:
        if self.path is not None:
            try:
                self.handle = open(self.path, "w", encoding="utf-8", newline="\n")
            except OSError as failure:
                raise refused(self.path, failure) from None
        return self

    def write(self, text: str) -> None:
        if self.handle is None:
            write(text)
            return
        try:
            self.handle.write(text)
        except OSError as failure:
            raise refused(self.path, failure) from None

    def __exit__(self, *exc) -> None:
        if self.handle is not None:
            try:
                self.handle.close()
            except OSError as failure:
                if exc[0] is None:  # an error already on its way says more
                    raise refused(self.path, failure) from None


def is_terminal() -> bool:
    return sys.stdout is not None and sys.stdout.isatty()


def release_stdout() -> None:
    """After a closed pipe or a failed write: point stdout at nothing, so that Python's own flush at
    exit neither complains on stderr nor changes the exit status."""
    stream = sys.stdout
    if stream is None:
        return
    try:
        descriptor = stream.fileno()
    except (OSError, ValueError):  # not a file (a test's buffer): nothing is flushed at exit
        return
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, descriptor)
    os.close(null)


def show_help(ctx, parameter, value) -> None:
    """The callback of every command's -h/--help: click's own prints with click.echo, which lets a
    closed pipe end in exit 1 and a full disk in a traceback."""
    if value and not ctx.resilient_parsing:
        write(ctx.get_help() + "\n")
        ctx.exit()


class HelpThroughOutput:
    """Mixin for click commands and groups: their help option writes through `write`."""

    def get_help_option(self, ctx):
        option = super().get_help_option(ctx)
        if option is not None:
            option.callback = show_help
        return option
