"""Quoting the user's text in messages: where a place is, an excerpt of the source, a shortened name."""
from __future__ import annotations


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


def language_form(text: str) -> str:
    """A name (or a program) as the language compares it: NFC, so that é typed as one character or as
    e + a combining accent is one name, while 𝑥 and x, ﬁ and fi, µ and μ stay apart (Python folds
    them by NFKC; codegen.identifier keeps them apart in generated code). Every reader of names uses it."""
    import unicodedata

    return unicodedata.normalize("NFC", text)
