"""Standard output: the one place results (and help) are written, which tells a closed pipe from a failure."""
from __future__ import annotations

import errno
import os
import sys
import unicodedata

from ..errors import CgradError, OutputClosed, OutputFailed
from ..text import escape, shorten

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
    """`data` to the file `path` (-o FILE), whole or not at all; any refusal of the system is
    OutputFailed, naming the file."""
    with Replacing(path) as handle:
        handle.write(data)


class Replacing:
    """A file written whole or not at all: into a temporary file beside it, renamed over `path`
    when everything is written, removed when anything fails (a full disk leaves the old file, or
    none). What is not a regular file (/dev/null, a FIFO, a terminal) is written in place. Every
    refusal is OutputFailed naming `path`; a missing folder is one of them (exit 74)."""

    def __init__(self, path: str, text: bool = False) -> None:
        self.path, self.text = path, text
        self.handle, self.temporary = None, None

    def __enter__(self):
        try:
            target = os.path.realpath(self.path)  # through a symlink: the file it names is replaced
            in_place = os.path.exists(target) and not os.path.isfile(target)
            if in_place:
                self.handle = open(target, "w" if self.text else "wb", **self._text_settings())
                return self.handle
            folder, name = os.path.split(target)
            try:
                descriptor, self.temporary = _temporary_beside(folder, name)
            except PermissionError:
                if not os.access(target, os.W_OK):
                    raise
                # a writable file in a folder we may not write: in place, as before (not atomic)
                self.handle = open(target, "w" if self.text else "wb", **self._text_settings())
                return self.handle
            self.handle = os.fdopen(descriptor, "w" if self.text else "wb", **self._text_settings())
            self.target = target
        except (OSError, ValueError) as failure:
            raise refused(self.path, failure) from None
        return self.handle

    def _text_settings(self) -> dict:
        return {"encoding": "utf-8", "newline": "\n"} if self.text else {}

    def __exit__(self, kind, error, trace) -> None:
        # what was written is kept when the input, not the output, failed (--points --on-error stop:
        # the rows before the bad one); a failed write or an interrupt leaves nothing
        keep = kind is None or (issubclass(kind, CgradError) and not issubclass(kind, (OutputFailed, OutputClosed)))
        try:
            self.handle.close()
            if keep and self.temporary is not None:
                _keep_mode(self.target, self.temporary)
                os.replace(self.temporary, self.target)
                self.temporary = None
        except OSError as failure:
            if kind is None:  # an error already on its way says more
                raise refused(self.path, failure) from None
        finally:
            if self.temporary is not None:
                try:
                    os.unlink(self.temporary)
                except OSError:
                    pass
        if isinstance(error, OSError):
            raise refused(self.path, error) from None


def _temporary_beside(folder: str, name: str) -> tuple[int, str]:
    """A new file in `folder` (so that the rename stays on one file system), mode 0666 less the umask."""
    import secrets

    for _ in range(100):
        path = os.path.join(folder, f".{name}.{secrets.token_hex(4)}.tmp")
        try:
            return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666), path
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), folder)


def _keep_mode(target: str, temporary: str) -> None:
    """A file replaced keeps its permissions."""
    try:
        mode = os.stat(target).st_mode & 0o7777
    except FileNotFoundError:
        return
    os.chmod(temporary, mode)


def refused(path: str, failure: OSError | ValueError) -> OutputFailed:
    """The error for a file or folder the system will not let cgrad write (or cannot name: a NUL)."""
    return OutputFailed(f"cannot write {shorten(path)}: {getattr(failure, 'strerror', None) or failure}")


class Sink:
    """Output written as it comes (a stream of records): to stdout through `write`, or to -o FILE
    (whole or not at all, as every -o FILE)."""

    def __init__(self, out_file: str | None) -> None:
        self.path = None if out_file in (None, "-") else out_file
        self.handle = None
        self.file = None

    def __enter__(self) -> Sink:
        if self.path is not None:
            self.file = Replacing(self.path, text=True)
            self.handle = self.file.__enter__()
        return self

    def write(self, text: str) -> None:
        if self.handle is None:
            write(text)
            return
        try:
            self.handle.write(text)
        except OSError as failure:
            raise refused(self.path, failure) from None

    def flush(self) -> None:
        """What -o FILE's handle still buffers, written (stdout's `write` leaves nothing buffered)."""
        if self.handle is None:
            return
        try:
            self.handle.flush()
        except OSError as failure:
            raise refused(self.path, failure) from None

    def __exit__(self, *exc) -> None:
        if self.file is not None:
            self.file.__exit__(*exc)


def say(line: str) -> None:
    """One diagnostic (`error: …`, `warning: …`, `note: …`) on stderr, its user text escaped (no
    control character reaches the terminal); if stderr itself is gone (`2>&-`, a closed pipe), the
    exit status still says it."""
    try:
        sys.stderr.write(escape(line) + "\n")
        sys.stderr.flush()
    except (AttributeError, OSError, ValueError):
        pass


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
