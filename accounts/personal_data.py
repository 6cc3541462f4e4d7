"""The account's own sections of the personal-data export: verification and consents.

The whole export (see the README, "Your personal data") is put together from
``accounts.services.export_data`` (profile, roles, notifications, activity), this module,
``contest.personal_data`` and ``mentoring.personal_data``. Every section is always present
(an empty list or ``null`` when there is nothing), dates are ISO 8601 with their offset.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from accounts.tables import OutboxMessage, ResidentRecord, User

FORMAT = "sangtao-personal-data/2"


def jsonable(value: Any) -> Any:
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    return value


def rows(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows with their keys as written in the export (``idea.code`` → ``idea_code``)."""
    return [{k.replace(".", "_"): jsonable(v) for k, v in item.items()} for item in items]


async def account_sections(user_id: int) -> dict[str, Any]:
    user = (
        await User.select(
            User.verified_resident,
            User.verified_method,
            User.verified_at,
            User.resident,
            User.terms_accepted_at,
            User.privacy_accepted_at,
            User.guardian_name,
            User.guardian_phone,
            User.birth_year,
        )
        .where(User.id == user_id)
        .first()
    )
    line = None
    if user and user["resident"]:
        line = (
            await ResidentRecord.select(
                ResidentRecord.commune.name,
                ResidentRecord.hamlet.name,
                ResidentRecord.birth_year,
                ResidentRecord.imported_at,
            )
            .where(ResidentRecord.id == user["resident"])
            .first()
        )
    user = user or {}
    from accounts.messaging import preferences

    texts = (
        await OutboxMessage.select(
            OutboxMessage.created_at,
            OutboxMessage.channel,
            OutboxMessage.purpose,
            OutboxMessage.template,
            OutboxMessage.phone,
            OutboxMessage.status,
            OutboxMessage.sent_at,
        )
        .where(OutboxMessage.user == user_id)
        .order_by(OutboxMessage.id)
    )  # never the code or link they carried
    return {
        "notice_preferences": await preferences(user_id),
        "text_messages": rows(texts),
        "verification": {
            "verified_resident": bool(user.get("verified_resident")),
            "method": user.get("verified_method") or None,
            "verified_at": jsonable(user.get("verified_at")),
            "resident_list_line": rows([line])[0] if line else None,
        },
        "consents": {
            "terms_accepted_at": jsonable(user.get("terms_accepted_at")),
            "privacy_accepted_at": jsonable(user.get("privacy_accepted_at")),
            "guardian_name": user.get("guardian_name"),
            "guardian_phone": user.get("guardian_phone"),
        },
    }
