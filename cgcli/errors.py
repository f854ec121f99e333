"""The few error types cgrad raises; the CLI turns each into one `error:` report and an exit status."""
from __future__ import annotations

from enum import IntEnum


class ExitStatus(IntEnum):
    """The exit statuses of the interface contract (README, "Exit statuses")."""

    OK = 0
    MATH = 1  # the input is well formed but the mathematics fails
    INPUT = 2  # the input is wrong: syntax, unknown names, bad options
    INTERNAL = 70  # EX_SOFTWARE (sysexits.h): a bug in cgrad
    OUTPUT = 74  # EX_IOERR (sysexits.h): the result cannot be written (disk full, closed stdout, -o FILE refused)
    INTERRUPTED = 130  # 128 + SIGINT
    BROKEN_PIPE = 141  # 128 + SIGPIPE, as a Unix filter killed by a closed pipe


class CgradError(Exception):
    """An error with a message for the user, optional source context, and an exit status."""

    status = ExitStatus.INPUT

    def __init__(self, message: str, source: str | None = None, offset: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.source = source  # the whole program text, when the error has a place in it
        self.offset = offset  # where in `source` the caret goes


class InputError(CgradError):
    """Wrong input: syntax, unknown function, unbound or unknown variable, bad option value."""

    status = ExitStatus.INPUT


class MathError(CgradError):
    """Well-formed input whose mathematics fails: division by zero, domain, overflow."""

    status = ExitStatus.MATH


class OutputClosed(CgradError):
    """Whoever read stdout stopped reading (`cgrad … | head -1`): end quietly."""

    status = ExitStatus.BROKEN_PIPE


class OutputFailed(CgradError):
    """The result cannot be written: a full disk, a closed stdout, an -o FILE the system refuses."""

    status = ExitStatus.OUTPUT


class MissingProgram(CgradError):
    """A program cgrad runs (Graphviz's dot) is missing or failed: the input is fine, the machine is not."""

    status = ExitStatus.MATH


class EachFailed(CgradError):
    """Some lines of `eval --each` failed (their records say why): the worst of their statuses."""

    def __init__(self, message: str, status: ExitStatus) -> None:
        super().__init__(message)
        self.status = status


class BlockFailed(CgradError):
    """A command line of a note's ```cgrad block failed (`cgrad notes`): no note is written, and cgrad
    exits as that command did."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


class NoteStale(CgradError):
    """`cgrad notes --check`: a note's generated output is out of date (exit 1, as `diff` and `black --check`)."""

    status = ExitStatus.MATH


class DomainError(ArithmeticError):
    """Raised by an op rule or a number system; the passes add which node and which operands."""


class TooLarge(DomainError):
    """A result would exceed --max-digits."""


class Irrational(DomainError):
    """--exact: the result is not a rational number (the message says to use --digits N)."""


class TimedOut(BaseException):
    """--timeout passed. A BaseException, like KeyboardInterrupt, so that no `except Exception`
    between the timer and `timeout.within` swallows it."""

    def __init__(self, seconds: float) -> None:
        super().__init__(seconds)
        self.seconds = seconds
        self.place: str | None = None  # the innermost place that knows where the work was says so

    def error(self) -> MathError:
        where = f" {self.place}" if self.place else ""
        return MathError(f"gave up after {self.seconds:g} s{where} (raise --timeout to allow more)")


def settled(error: CgradError) -> CgradError:
    """An error kept to be reported later (a failed row among 10⁶): without its traceback and the
    error it replaced, whose frames would hold each failed row's values until the cyclic collector
    ran (10⁵ rows, half of them failing, grew to 380 MB)."""
    error.__traceback__ = error.__context__ = error.__cause__ = None
    return error
