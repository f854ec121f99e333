"""Quoting the user's text in messages: where a place is, an excerpt of the source, a shortened name."""
from __future__ import annotations

import re


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
    if len(text) > limit:
        text = text[: limit // 2] + "…" + text[-(limit // 2 - 1):]
    return escape(text)


# C0 and C1 control characters, DEL, and the bidirectional overrides and isolates ("Trojan source"):
# written raw they can retitle a terminal, write its clipboard, or reorder what a line seems to say.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def escape(text: str) -> str:
    """User text as it may appear on a terminal: every control character (tab and newline kept),
    DEL, C1 control and bidi control written as a visible escape (ESC as \\x1b, U+202E as \\u202e)."""
    if not _UNSAFE.search(text):
        return text
    return _UNSAFE.sub(lambda match: f"\\x{ord(match[0]):02x}" if ord(match[0]) < 0x100
                       else f"\\u{ord(match[0]):04x}", text)


def listing(names, few: int = 5, separator: str = ", ") -> str:
    """The first `few` names of a list (each shortened and escaped), and how many more: what a message
    says of 10⁵ missing names."""
    names = list(names)
    shown = separator.join(shorten(str(name)) for name in names[:few])
    rest = len(names) - few
    return shown + (f" and {rest} more" if rest > 0 else "")
