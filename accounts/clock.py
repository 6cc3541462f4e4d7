"""The injectable clock. Store UTC, show Asia/Ho_Chi_Minh; tests travel in time."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

UTC = dt.UTC
Clock = Callable[[], dt.datetime]


def system_clock() -> dt.datetime:
    return dt.datetime.now(UTC)


class FrozenClock:
    """A clock for tests: returns a fixed instant that can be moved."""

    def __init__(self, now: dt.datetime):
        self.now = now if now.tzinfo else now.replace(tzinfo=UTC)

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)


def shifted_clock(seconds: int) -> Clock:
    """The system clock moved by ``seconds`` (to show a demo as it will look later)."""
    if not seconds:
        return system_clock
    delta = dt.timedelta(seconds=seconds)
    return lambda: dt.datetime.now(UTC) + delta
