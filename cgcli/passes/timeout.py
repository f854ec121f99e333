"""--timeout: give up on a command's work after a wall-clock limit, saying where the work was.

A SIGALRM timer raises TimedOut wherever the work is; the passes note the node they were at
and the certification loop what it was certifying, then `within` turns it into one MathError.
Only the main thread receives signals, so elsewhere (a library embedding cgcli in a worker
thread) the limit is not enforced; the CLI always runs in the main thread."""
from __future__ import annotations

import signal
import threading
import time
from typing import Callable, TypeVar

from ..errors import TimedOut

Result = TypeVar("Result")


def note_place(stop: TimedOut, place: str) -> None:
    """Record where the work was, unless a more precise place already did."""
    if stop.place is None:
        stop.place = place


def within(seconds: float | None, work: Callable[[], Result]) -> Result:
    """work(), or a MathError once `seconds` of wall time have passed (None: no limit)."""
    if seconds is None or not _can_signal():
        return work()
    try:
        with _Alarm(seconds):
            return work()
    except TimedOut as stop:  # also when the timer fired while _Alarm was being disarmed
        raise stop.error() from None


def _can_signal() -> bool:
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


class _Alarm:
    """A one-shot ITIMER_REAL that raises TimedOut; the previous handler and timer come back after."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.armed = False

    def _expire(self, signum, frame) -> None:
        if self.armed:
            self.armed = False
            raise TimedOut(self.seconds)

    def __enter__(self) -> _Alarm:
        self.started = time.monotonic()
        self.previous_handler = signal.signal(signal.SIGALRM, self._expire)
        self.armed = True
        self.previous_timer = signal.setitimer(signal.ITIMER_REAL, self.seconds)
        return self

    def __exit__(self, *failure) -> None:
        self.armed = False
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, signal.SIG_DFL if self.previous_handler is None else self.previous_handler)
        remaining, interval = self.previous_timer
        if remaining:  # someone else's timer was running: it goes on, less the time spent here
            elapsed = time.monotonic() - self.started
            signal.setitimer(signal.ITIMER_REAL, max(remaining - elapsed, 1e-6), interval)
