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


class DomainError(ArithmeticError):
    """Raised by an op rule; the passes add which node and which operands."""


class TooLarge(DomainError):
    """A result would exceed --max-digits."""


def position(source: str, offset: int) -> str:
    """'column 7', or 'line 2, column 3' in a program of several lines."""
    line = source.count("\n", 0, offset) + 1
    column = offset - (source.rfind("\n", 0, offset) + 1) + 1
    return f"line {line}, column {column}" if "\n" in source.rstrip("\n") else f"column {column}"


def excerpt(source: str, start: int, end: int, limit: int = 60) -> str:
    """source[start:end] on one line, elided in the middle when long. Reads O(limit) characters, so
    quoting every node of a 10⁵-deep expression stays linear."""
    if end - start <= 4 * limit:
        text = " ".join(source[start:end].split())
        if len(text) <= limit:
            return text
        head, tail = text, text
    else:
        head = " ".join(source[start:start + 2 * limit].split())
        tail = " ".join(source[end - 2 * limit:end].split())
    half = (limit - 1) // 2
    return head[:half] + "…" + tail[-half:]


def shorten(text: str, limit: int = 40) -> str:
    """A name or number quoted in a message, elided in the middle past `limit` characters."""
    if len(text) <= limit:
        return text
    return text[: limit // 2] + "…" + text[-(limit // 2 - 1):]
