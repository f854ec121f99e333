"""The user's text: reading it (bounded in size) and quoting it in messages (escaped, shortened, placed)."""
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
_UNSAFE = "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]"


class LazyPattern:
    """A regular expression compiled when it is first used, not when its module is imported: every
    start of the CLI would compile every pattern of every module it imports (0.1-0.3 ms each),
    whether the command needs it or not. Used like the compiled pattern (`NAME.fullmatch(text)`)."""

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self.pattern, self.flags = pattern, flags

    def __getattr__(self, name: str):  # reached only for what the instance does not hold yet
        compiled = re.compile(self.pattern, self.flags)
        for method in ("match", "fullmatch", "search", "sub", "subn", "split", "findall", "finditer"):
            setattr(self, method, getattr(compiled, method))  # later calls find them without this detour
        return getattr(compiled, name)


_unsafe = LazyPattern(_UNSAFE)  # most runs print no message


def escape(text: str) -> str:
    """User text as it may appear on a terminal: every control character (tab and newline kept),
    DEL, C1 control and bidi control written as a visible escape (ESC as \\x1b, U+202E as \\u202e)."""
    if (text.isascii() and text.isprintable()) or not _unsafe.search(text):  # printable ASCII has none
        return text
    return _unsafe.sub(lambda match: f"\\x{ord(match[0]):02x}" if ord(match[0]) < 0x100
                       else f"\\u{ord(match[0]):04x}", text)


def listing(names, few: int = 5, separator: str = ", ") -> str:
    """The first `few` names of a list (each shortened and escaped), and how many more: what a message
    says of 10⁵ missing names."""
    names = list(names)
    shown = separator.join(shorten(str(name)) for name in names[:few])
    rest = len(names) - few
    return shown + (f" and {rest} more" if rest > 0 else "")


READ_LIMIT = 32 << 20  # bytes: the most a program, an --at @FILE or an --against FILE may hold


def read_text(source: str, shown: str, limit: int = READ_LIMIT, encoding: str = "utf-8-sig") -> str:
    """The UTF-8 text of the file `source` ('-': standard input), at most `limit` bytes: /dev/zero or
    an endless pipe is refused after `limit` bytes, not read into memory. `shown`: how messages name
    it (`-f prog.txt`, `--at @v.json`, a note's name); every failure is an InputError (exit 2).
    `encoding` "utf-8" keeps a byte-order mark (a note rewritten byte for byte)."""
    import errno
    import os
    import sys

    from .errors import InputError

    try:
        if source == "-":
            if sys.stdin is None:  # Python started with stdin closed (`cgrad eval - <&-`)
                raise OSError(errno.EBADF, os.strerror(errno.EBADF))
            data = sys.stdin.buffer.read(limit + 1)
        else:
            with open(source, "rb") as handle:
                data = handle.read(limit + 1)  # a directory fails here (IsADirectoryError)
    except (OSError, ValueError) as failure:  # a missing file, a directory, a closed stdin, a NUL in the name
        reason = getattr(failure, "strerror", None) or failure
        raise InputError(f"{shown}: cannot read it: {reason}" if shown.startswith("-") else
                         f"cannot read {shown}: {reason}") from None
    if len(data) > limit:
        raise InputError(f"{shown} is larger than {limit >> 20} MiB, the most cgrad reads from one input")
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as failure:
        raise InputError(f"{shown} is not UTF-8 text (byte {failure.start + 1} cannot be decoded)") from None


# Letters of other scripts that print like a Latin letter (after NFKC, which already folds 𝑥 to x):
# Cyrillic and Greek lowercase and capitals.
_LOOKS_LATIN = str.maketrans("аеіјоpрсухѕԁԛԝһӏАВЕКМНОРСТХУІЈЅΑΒΕΖΗΙΚΜΝΟΡΤΥΧοινκρυ",
                             "aeijoppcyxsdqwhlABEKMHOPCTXYIJSABEZHIKMNOPTYXoivkpu")


def _skeleton(name: str) -> str:
    import unicodedata

    return unicodedata.normalize("NFKC", name).translate(_LOOKS_LATIN)


def look_alike(name: str, others) -> str:
    """A note when `name` prints like one of `others` but is another name (Cyrillic х beside Latin x,
    math italic 𝑥 beside x): `; 'х' is Cyrillic (U+0445), 'x' is Latin`; else ''."""
    import unicodedata

    skeleton = _skeleton(name)
    twin = next((other for other in others if other != name and _skeleton(other) == skeleton), None)
    if twin is None:
        return ""

    def scripts(text: str) -> str:
        found = []
        for character in text:
            if character.isalpha():
                script = unicodedata.name(character, "UNKNOWN").split()[0].capitalize()
                if script not in found:
                    found.append(script)
        codes = ", ".join(f"U+{ord(character):04X}" for character in text if ord(character) > 0x7F)
        return "/".join(found) + (f" ({codes})" if codes else "")

    return (f"; '{shorten(name)}' looks like '{shorten(twin)}' but is another name: "
            f"'{shorten(name)}' is {scripts(name)}, '{shorten(twin)}' is {scripts(twin)}")


def language_form(text: str) -> str:
    """A name (or a program) as the language compares it: NFC, so that é typed as one character or as
    e + a combining accent is one name, while 𝑥 and x, ﬁ and fi, µ and μ stay apart (Python folds
    them by NFKC; codegen.identifier keeps them apart in generated code). Every reader of names uses it."""
    import unicodedata

    return unicodedata.normalize("NFC", text)
