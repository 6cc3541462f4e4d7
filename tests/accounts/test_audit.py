"""The audit log's hash chain."""

from __future__ import annotations

import asyncio

import pytest

from accounts import audit
from accounts.tables import AuditEvent

pytestmark = pytest.mark.integration


async def test_chain_verifies_and_detects_tampering(db, clock):
    for i in range(5):
        await audit.record("role.granted", target_type="user", target_id=i, data={"role": "judge"}, now=clock())
    assert await audit.verify_chain() == (True, None)
    await AuditEvent.update({AuditEvent.data: '{"role": "admin"}'}).where(AuditEvent.seq == 3)
    assert await audit.verify_chain() == (False, 3)


async def test_deleting_an_event_breaks_the_chain(db, clock):
    for i in range(4):
        await audit.record("auth.login", actor_id=None, target_id=i, now=clock())
    await AuditEvent.delete().where(AuditEvent.seq == 2)
    ok, bad = await audit.verify_chain()
    assert not ok and bad == 3


async def test_concurrent_appends_keep_one_chain(db, clock):
    await asyncio.gather(*[audit.record("auth.login", target_id=i, now=clock()) for i in range(20)])
    seqs = [r["seq"] for r in await AuditEvent.select(AuditEvent.seq).order_by(AuditEvent.seq)]
    assert seqs == list(range(1, 21))
    assert await audit.verify_chain() == (True, None)
