"""Published results are computed once, then read: again only after an audited change of the commune.

Once a round's results are out, what they show changes only through audited actions: a correction
of the scores, an award edited, a vote voided, the scoring reopened, the round's dates changed (each
writes the commune's audit chain). So the page's figures are kept per round, with the commune's last
audit position and the publication time as their version: one cheap indexed read per view instead
of the whole computation, and a fresh computation after any audited change, or after any public
change this process is told of (``forget_on_change``, registered by the app factory).
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Awaitable, Callable
from typing import Any

from accounts import memo
from accounts.tables import AuditEvent

_kept: dict[int, tuple[tuple, float, dict[str, Any]]] = {}
MAX_ROUNDS = 200
LIFETIME = 600  # seconds: a change made outside the audited paths (a database fix) shows within this


async def version(commune_id: int | None, results_at: dt.datetime | None) -> tuple:
    last = (
        await AuditEvent.select(AuditEvent.seq)
        .where(AuditEvent.commune == commune_id)
        .order_by(AuditEvent.seq, ascending=False)
        .first()
    )
    return (last["seq"] if last else 0, results_at)


async def published_results(
    round_id: int,
    commune_id: int | None,
    results_at: dt.datetime | None,
    compute: Callable[[], Awaitable[dict[str, Any]]],
) -> dict[str, Any]:
    """``compute()``'s answer for a round whose results are published, computed once per version."""
    current = await version(commune_id, results_at)
    kept = _kept.get(round_id)
    if kept is not None and kept[0] == current and time.monotonic() - kept[1] < LIFETIME:
        return kept[2]
    data = await compute()
    # Computing may itself write the audit chain (sealing the vote log): keep it under the version after.
    after = await version(commune_id, results_at)
    if len(_kept) >= MAX_ROUNDS:
        _kept.pop(next(iter(_kept)))
    _kept[round_id] = (after, time.monotonic(), data)
    return data


def forget() -> None:
    """Drop what is kept (tests, whose databases are emptied between them), and this process's
    copies of the contest structure (``accounts.memo``)."""
    _kept.clear()
    memo.forget()


async def forget_on_change(_reason: str) -> None:
    """Listener of ``accounts.events.public_changed``: an idea renamed or hidden, a contest edited —
    changes that write no audit entry — are shown at once by this process."""
    _kept.clear()
