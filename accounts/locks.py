"""Advisory locks on PostgreSQL: every key the application takes is named here.

A lock is a pair (kind, row id): each kind below guards one "at most N" rule or one sequence, and the
id says which row it guards (0 when the kind guards one thing for the whole database). PostgreSQL
keeps the two-number keys apart from one another, so two kinds never share a key.

The locks are transaction-scoped (``pg_advisory_xact_lock``): take one inside ``accounts.engine.atomic``
and it is released at commit or rollback. On SQLite ``hold`` does nothing: ``atomic`` already opens
the write transaction with ``BEGIN IMMEDIATE``, so write transactions take turns.
"""

from __future__ import annotations

from piccolo.table import Table

from accounts.engine import is_sqlite

AUDIT_LOG = 1  # appends to the audit chain: one sequence number and one previous hash at a time
IDEAS_OF_LEAD = 2  # a person's submissions (by the lead's user id): the rules on how many ideas one may enter
IDEA_ATTACHMENTS = 3  # one idea's attachments (by idea id): at most five
MENTORING_REQUESTS = 4  # a team's pending mentoring requests (by idea id): at most three at once
MENTOR_CAPACITY = 5  # a mentor's active mentorships (by mentor profile id): no more than the capacity
WORKSHOP_SEATS = 6  # a workshop's seats and waiting list (by workshop id)


async def hold(table: type[Table], kind: int, row_id: int = 0) -> None:
    """Take the lock ``(kind, row_id)`` until the current transaction ends (on ``table``'s database)."""
    if not is_sqlite(table._meta.db):
        await table.raw("SELECT pg_advisory_xact_lock({}, {})", kind, row_id)
