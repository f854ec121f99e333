"""Freed memory kept in the process while a loop computes large arrays step after step.

glibc's malloc gives the heap's free top back to the system once it passes 128 KiB (and serves
blocks above a threshold by mmap), so a descend step that frees its 10⁵-row arrays gets fresh pages
at the next step: page faults then cost about 4× the arithmetic. Where glibc's `mallopt` is found,
`freed_memory_kept` raises both thresholds for the loop and puts glibc's defaults back after it
(their dynamic adjustment stays off, as after any mallopt); elsewhere it does nothing.
"""
from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

_TRIM_THRESHOLD, _MMAP_THRESHOLD = -1, -3  # mallopt's parameter numbers (malloc.h)
_DEFAULT = 128 * 1024  # glibc's default for both
_KEPT = {_MMAP_THRESHOLD: 32 * 1024 * 1024,  # the most glibc accepts on 64-bit systems
         _TRIM_THRESHOLD: 256 * 1024 * 1024}


@contextmanager
def freed_memory_kept() -> Iterator[None]:
    mallopt = _mallopt()
    if mallopt is None:
        yield
        return
    for parameter, value in _KEPT.items():
        mallopt(parameter, value)
    try:
        yield
    finally:
        for parameter in _KEPT:
            mallopt(parameter, _DEFAULT)


def _mallopt():
    try:
        import ctypes

        return ctypes.CDLL(None).mallopt
    except (AttributeError, OSError, TypeError):  # not glibc (macOS, Windows) or no C library to load
        return None
