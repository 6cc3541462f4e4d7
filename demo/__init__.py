"""Demo data: the commune "Xã An Khánh" with one demo account per role, and a second commune, "Xã Tân Minh",
with its own organizer, judges, contest, residents and votes, so that tenancy is visible; the city's programme
(its staff, sponsors and city final) on top (idempotent).

Every person here is fictional. Never seeded in production (``SEED_DEMO`` is off there). This package may use
the domain packages; nothing in them uses it, and the web app only calls ``seed``.
"""

from __future__ import annotations

import datetime as dt

from accounts import passwords
from accounts.clock import UTC
from accounts.tables import OutboxMail
from demo.city import seed_city
from demo.contests import seed_contests
from demo.mentoring import seed_mentoring, seed_mentoring_tan_minh
from demo.people import (
    COMMUNE,
    DEMO_PASSWORD,
    HAMLETS,
    PEOPLE,
    SECOND_COMMUNE,
    SECOND_HAMLETS,
    SECOND_PEOPLE,
    ensure_commune,
    ensure_people,
)
from demo.tan_minh import seed_tan_minh

__all__ = ["DEMO_PASSWORD", "seed"]


async def seed(*, alias_key: bytes, now: dt.datetime | None = None) -> str:
    """Seed the whole demo; ``alias_key`` is the key the app derives voters' public aliases with."""
    now = now or dt.datetime.now(UTC)
    commune_id = await ensure_commune(COMMUNE, HAMLETS)
    second_id = await ensure_commune(SECOND_COMMUNE, SECOND_HAMLETS)
    password_hash = await passwords.hash_async(DEMO_PASSWORD)
    created = await ensure_people(commune_id, PEOPLE, password_hash, now)
    created += await ensure_people(second_id, SECOND_PEOPLE, password_hash, now)
    contests = await seed_contests(commune_id, now=now, alias_key=alias_key)
    # Last of the demo activity: mentors, teams' requests, the pipeline and workshops (before the mail below).
    mentoring = await seed_mentoring(commune_id, now=now)
    # The second commune: its contest, judging and vote, then its mentoring (a workshop, the pipeline, matching).
    second = await seed_tan_minh(second_id, now=now, alias_key=alias_key)
    second += " " + await seed_mentoring_tan_minh(second_id, now=now)
    second += " " + await seed_city(password_hash=password_hash, now=now)
    # The demo people are fictional: the mail their demo activity queued is never sent.
    await OutboxMail.update({OutboxMail.status: "sent", OutboxMail.last_error: "demo data, not sent"}).where(
        (OutboxMail.status == "queued") & OutboxMail.to_address.like("%@example.com")
    )
    return (
        f"Demo communes «{COMMUNE['name']}» and «{SECOND_COMMUNE['name']}» ready ({created} new demo accounts). "
        f"{contests} {mentoring} {second}"
    )
