"""The second core for `eval --points`: past the first megabytes, a forked process turns each block's
float columns into text and writes it, in order, while this process reads and computes the next block."""
from __future__ import annotations

import os
import signal
import struct
import sys
import threading
from typing import TYPE_CHECKING, Any, Callable

from ..errors import CgradError, OutputClosed, OutputFailed

if TYPE_CHECKING:
    from .output import Sink

Render = Callable[[list, Any, dict], str]  # (a block's result columns, the rows kept, the rows written empty) → text

START_BYTES = 1 << 21  # input read before the process starts: a smaller input is done before a fork pays
PIPE_BYTES = 1 << 20  # the pipe to it holds a block's columns, so that neither side waits for the other
# b"F" (columns, rows, empty rows): the float64 columns, then the int64 rows written empty; b"T" (bytes, 0, 0): text; b"E"
_HEADER = struct.Struct("<cQQQ")


def all_floats(values: list) -> bool:
    """Whether a block's results are float arrays alone (the float kernel's), which the fast writer writes."""
    return all(hasattr(column, "dtype") for column in values)


class RowsOut:
    """Where each block's rows go, in order: `render(values, keep, nulls)` written to `sink` here, or,
    once `forks` allows it and START_BYTES were read, by a writer process (`fork()` below)."""

    def __init__(self, sink: Sink, render: Render, forks: bool) -> None:
        self.sink, self.render, self.forks = sink, render, forks
        self.process: _WriterProcess | None = None

    def write(self, values: list, keep, nulls: dict, bytes_read: int) -> None:
        """One block's rows (`keep`: the rows to write, None for all; `nulls`: rows written empty)."""
        fast = all_floats(values) and (keep is None or not nulls)  # the child can render it from its columns
        if self.forks and fast and bytes_read >= START_BYTES:
            self.forks = False
            if can_fork(self.sink):
                self.process = _WriterProcess.started(self.sink, self.render)
        if self.process is None:
            self.sink.write(self.render(values, keep, nulls))
        elif fast:
            self.process.columns([column if keep is None else column[keep] for column in values], list(nulls))
        else:
            self.process.text(self.render(values, keep, nulls))

    def finish(self) -> None:
        """Everything written (the writer process, if any, done), or the error that stopped the writing."""
        if self.process is not None:
            self.process.finish()
            self.process = None

    def abort(self) -> None:
        """Leave now (an error or an interrupt on this side): the writer process, if any, is ended."""
        if self.process is not None:
            process, self.process = self.process, None
            process.abort()


def can_fork(sink: Sink) -> bool:
    """Whether a writer process may take this output: on Linux (macOS's system libraries are not
    safe in a child forked without exec; Windows has no fork), from a process with no other thread
    (a forked copy of another thread's lock could hang the child), to a file or a pipe (not a
    terminal, where warnings on stderr would fall among the rows; not a test's in-memory buffer)."""
    if not sys.platform.startswith("linux") or threading.active_count() != 1 or _native_threads() > 1:
        return False
    stream = sink.handle if sink.handle is not None else sys.stdout
    try:
        return not os.isatty(stream.fileno())
    except (AttributeError, OSError, ValueError):  # no descriptor: an in-memory stream
        return False


def _native_threads() -> int:
    """This process's threads as Linux counts them (a library's own too: OpenBLAS's), or 1 if it cannot tell."""
    try:
        return len(os.listdir("/proc/self/task"))
    except OSError:
        return 1


class _WriterProcess:
    """A forked child that writes to `sink`, in the order they are sent, the columns `render` turns
    into text and the text sent as it is; it reports how it ended on a pipe of its own."""

    @classmethod
    def started(cls, sink: Sink, render: Render) -> _WriterProcess | None:
        """The writer process, or None if the system will not start one (no more processes or memory)."""
        sink.flush()  # the child gets a copy of whatever is still buffered: it would be written twice
        pipes: list[int] = []
        try:
            pipes += os.pipe()
            pipes += os.pipe()
            return cls(sink, render, *pipes)
        except OSError:
            for descriptor in pipes:
                os.close(descriptor)
            return None

    def __init__(self, sink: Sink, render: Render, data_in: int, data: int, report: int,
                 report_out: int) -> None:
        self.data, self.report = data, report
        try:
            import fcntl

            fcntl.fcntl(self.data, fcntl.F_SETPIPE_SZ, PIPE_BYTES)
        except (ImportError, AttributeError, OSError):  # not Linux, or above the user's pipe limit
            pass
        self.pid = os.fork()
        if self.pid == 0:  # the child: never returns into the command (its `with` blocks are the parent's)
            ending = b"I"
            try:
                signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to answer; it ends us
                signal.signal(signal.SIGTERM, signal.SIG_DFL)
                os.close(self.data)
                os.close(self.report)
                ending = _serve(data_in, sink, render)
            except OutputClosed:
                ending = b"C"
            except CgradError as error:
                ending = b"F" + error.message.encode("utf-8", "replace")
            except BaseException as bug:  # noqa: BLE001 - reported to the parent, which says it is internal
                ending = b"I" + f"{type(bug).__name__}: {bug}".encode("utf-8", "replace")
            finally:
                try:
                    os.write(report_out, ending)
                finally:
                    os._exit(0)
        os.close(data_in)
        os.close(report_out)

    def columns(self, columns: list, empty: list[int]) -> None:
        import numpy as np

        table = np.ascontiguousarray(np.stack(columns), dtype=np.float64)
        rows = np.array(empty, dtype=np.int64)
        self._send(_HEADER.pack(b"F", table.shape[0], table.shape[1], rows.size), memoryview(table).cast("B"),
                   memoryview(rows).cast("B"))

    def text(self, text: str) -> None:
        data = text.encode("utf-8")
        self._send(_HEADER.pack(b"T", len(data), 0, 0), data)

    def finish(self) -> None:
        self._send(_HEADER.pack(b"E", 0, 0, 0))
        failure = self._ending()
        if failure is not None:
            raise failure

    def abort(self) -> None:
        if self.pid:  # not yet waited for, so the number is still the child's
            try:
                os.kill(self.pid, signal.SIGTERM)
            except OSError:
                pass
        self._close()
        self._wait()

    def _send(self, *pieces) -> None:
        try:
            for piece in pieces:
                view = memoryview(piece)
                while view:
                    view = view[os.write(self.data, view):]
        except BrokenPipeError:  # the child stopped: it says why
            raise (self._ending() or OutputFailed("the process writing the rows ended before it wrote them all")) \
                from None

    def _ending(self) -> BaseException | None:
        """How the child ended (waited for): None if it wrote everything, else the error to raise here."""
        self._close()
        pieces = []
        while True:
            piece = os.read(self.report, 1 << 16)
            if not piece:
                break
            pieces.append(piece)
        status = self._wait()
        ending = b"".join(pieces)
        if ending == b"K":
            return None
        if ending == b"C":
            return OutputClosed("")
        if ending[:1] == b"F":
            return OutputFailed(ending[1:].decode("utf-8", "replace"))
        if ending[:1] == b"I":
            return RuntimeError(f"in the writer process: {ending[1:].decode('utf-8', 'replace')}")
        if os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGINT:
            return KeyboardInterrupt()
        return OutputFailed(f"the process writing the rows ended ({_how(status)}) before it wrote them all")

    def _close(self) -> None:
        if self.data >= 0:
            os.close(self.data)
            self.data = -1

    def _wait(self) -> int:
        """The child's exit status, once it has ended (0 if it was already waited for)."""
        if self.report >= 0:
            os.close(self.report)
            self.report = -1
        status = 0
        while self.pid:
            try:
                status = os.waitpid(self.pid, 0)[1]
            except InterruptedError:
                continue
            except ChildProcessError:
                pass
            self.pid = 0
        return status


def _serve(source: int, sink: Sink, render: Render) -> bytes:
    """The child's loop: each message from `source` written to `sink`, until the end (b"K") or the
    parent's leaving (b"", nothing more to do)."""
    import numpy as np

    with os.fdopen(source, "rb") as stream:
        while True:
            header = stream.read(_HEADER.size)
            if len(header) < _HEADER.size:
                return b""
            kind, first, second, empty = _HEADER.unpack(header)
            if kind == b"E":
                sink.flush()
                return b"K"
            size = (first * second + empty) * 8 if kind == b"F" else first
            payload = stream.read(size)
            if len(payload) < size:
                return b""
            if kind == b"F":
                table = np.frombuffer(payload, dtype=np.float64, count=first * second).reshape(first, second)
                nulls = dict.fromkeys(np.frombuffer(payload, dtype=np.int64, offset=first * second * 8).tolist())
                sink.write(render(list(table), None, nulls))
            else:
                sink.write(payload.decode("utf-8"))


def _how(status: int) -> str:
    if os.WIFSIGNALED(status):
        return signal.Signals(os.WTERMSIG(status)).name
    return f"exit status {os.WEXITSTATUS(status)}"
