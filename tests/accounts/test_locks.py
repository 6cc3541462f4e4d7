"""Advisory-lock keys: each kind of lock has its own number, and a lock lasts as long as its transaction."""

from __future__ import annotations

import pytest

from accounts import locks
from accounts.engine import atomic, is_sqlite
from accounts.tables import AuditEvent

KINDS = {name: value for name, value in vars(locks).items() if name.isupper() and isinstance(value, int)}


def test_every_kind_of_lock_has_its_own_number():
    assert len(KINDS) >= 6
    assert len(set(KINDS.values())) == len(KINDS)


@pytest.mark.integration
async def test_a_lock_is_held_until_its_transaction_ends(db):
    engine = AuditEvent._meta.db
    held = "SELECT classid, objid FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()"
    async with atomic(engine):
        await locks.hold(AuditEvent, locks.WORKSHOP_SEATS, 42)  # nothing to take on SQLite
        if not is_sqlite(engine):
            assert [(r["classid"], r["objid"]) for r in await AuditEvent.raw(held)] == [(locks.WORKSHOP_SEATS, 42)]
    if not is_sqlite(engine):
        assert await AuditEvent.raw(held) == []
