"""What the public sees has changed: a tiny hook registry between the domain and the web layer.

The domain says *that* something public changed (an idea submitted, edited, hidden; a vote counted
where tallies are shown; results published; a contest edited or published; the mentor directory);
the web layer listens (its page cache starts a new generation). The domain imports nothing of the
web layer, and a listener that fails never undoes what the domain did.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

log = logging.getLogger("sangtao")
Listener = Callable[[str], Awaitable[None]]
_listeners: list[Listener] = []


def listen(listener: Listener) -> Listener:
    if listener not in _listeners:
        _listeners.append(listener)
    return listener


def forget(listener: Listener) -> None:
    if listener in _listeners:
        _listeners.remove(listener)


async def public_changed(reason: str) -> None:
    """Tell the listeners that public pages changed (``reason`` names the event, e.g. ``idea.hidden``)."""
    for listener in list(_listeners):
        try:
            await listener(reason)
        except Exception:  # noqa: BLE001 — the change is committed; a stale page expires on its own
            log.exception("listener of %s failed", reason)
