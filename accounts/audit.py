"""The audit log: append-only, hash-chained record of privileged actions.

Each event stores ``hash = SHA-256(prev_hash ‖ canonical JSON of the event)``; altering,
removing or reordering an event breaks ``verify_chain``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

from accounts import locks
from accounts.clock import UTC
from accounts.engine import atomic
from accounts.tables import AuditEvent

GENESIS = "0" * 64


def canonical(event: dict[str, Any]) -> str:
    return json.dumps(event, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def chain_hash(prev_hash: str, event: dict[str, Any]) -> str:
    return hashlib.sha256((prev_hash + canonical(event)).encode("utf-8")).hexdigest()


def _event_fields(row: dict[str, Any]) -> dict[str, Any]:
    created = row["created_at"]
    if isinstance(created, dt.datetime):
        created = created.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    data = row["data"]
    if isinstance(data, str):
        data = json.loads(data or "{}")
    return {
        "seq": row["seq"],
        "created_at": created,
        "actor": row["actor"],
        "action": row["action"],
        "target_type": row["target_type"],
        "target_id": row["target_id"],
        "commune": row["commune"],
        "data": data,
    }


async def record(
    action: str,
    *,
    actor_id: int | None = None,
    target_type: str = "",
    target_id: object = "",
    commune_id: int | None = None,
    ip: str = "",
    data: dict[str, Any] | None = None,
    now: dt.datetime | None = None,
) -> AuditEvent:
    """Append one event. Joins the caller's transaction when there is one."""
    engine = AuditEvent._meta.db
    created = (now or dt.datetime.now(UTC)).astimezone(UTC)
    created = created.replace(microsecond=created.microsecond)
    async with atomic(engine):
        await locks.hold(AuditEvent, locks.AUDIT_LOG)  # one append at a time on PostgreSQL
        last = (
            await AuditEvent.select(AuditEvent.seq, AuditEvent.hash).order_by(AuditEvent.seq, ascending=False).first()
        )
        seq = (last["seq"] + 1) if last else 1
        prev = last["hash"] if last else GENESIS
        fields = {
            "seq": seq,
            "created_at": created,
            "actor": actor_id,
            "action": action,
            "target_type": target_type,
            "target_id": str(target_id) if target_id is not None else "",
            "commune": commune_id,
            "data": data or {},
        }
        event = AuditEvent(
            seq=seq,
            created_at=created,
            actor=actor_id,
            action=action,
            target_type=fields["target_type"],
            target_id=fields["target_id"],
            commune=commune_id,
            ip=ip[:64],
            data=canonical(fields["data"]),
            prev_hash=prev,
            hash=chain_hash(prev, _event_fields(fields)),
        )
        await event.save()
    return event


async def verify_chain() -> tuple[bool, int | None]:
    """(True, None) when every event links to the one before; else (False, first bad seq)."""
    prev = GENESIS
    expected_seq = 1
    rows = await AuditEvent.select(
        AuditEvent.seq,
        AuditEvent.created_at,
        AuditEvent.actor,
        AuditEvent.action,
        AuditEvent.target_type,
        AuditEvent.target_id,
        AuditEvent.commune,
        AuditEvent.data,
        AuditEvent.prev_hash,
        AuditEvent.hash,
    ).order_by(AuditEvent.seq)
    for row in rows:
        if row["seq"] != expected_seq or row["prev_hash"] != prev:
            return False, row["seq"]
        if chain_hash(prev, _event_fields(row)) != row["hash"]:
            return False, row["seq"]
        prev = row["hash"]
        expected_seq += 1
    return True, None
