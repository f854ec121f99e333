"""Standard output: the one place results are written, which tells a closed pipe from a failure."""
from __future__ import annotations

import sys

from .errors import OutputClosed


def write(text: str) -> None:
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:
        raise OutputClosed("") from None


def is_terminal() -> bool:
    return sys.stdout.isatty()
