"""The demo's communes and accounts: "Xã An Khánh" with one demo account per role, and a second commune,
"Xã Tân Minh", with its own organizer and judges (idempotent). Every person here is fictional.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from accounts import services
from accounts.tables import Commune, Hamlet, Role, User
from demo import load

DEMO_PASSWORD = "sangtao-demo"
# The two demo communes, their hamlets (name, population) and accounts (email, full name, birth year,
# hamlet index, roles): demo/data/people.toml.
_FIRST, _SECOND = load.data("people")["communes"]


def _commune(spec: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in spec.items() if k not in ("hamlets", "people")}


def _people(spec: dict[str, Any]) -> list[tuple[str, str, int, int, list[Role]]]:
    return [
        (email, name, year, hamlet, [Role(r) for r in roles]) for email, name, year, hamlet, roles in spec["people"]
    ]


COMMUNE = _commune(_FIRST)
HAMLETS: list[tuple[str, int]] = list(_FIRST["hamlets"])
PEOPLE = _people(_FIRST)
SECOND_COMMUNE = _commune(_SECOND)
SECOND_HAMLETS: list[tuple[str, int]] = list(_SECOND["hamlets"])
SECOND_PEOPLE = _people(_SECOND)


async def ensure_commune(spec: dict | None = None, hamlets: list[tuple[str, int]] | None = None) -> int:
    spec, hamlets = spec or COMMUNE, hamlets or HAMLETS
    row = await Commune.select(Commune.id).where(Commune.slug == spec["slug"]).first()
    if row:
        commune_id = row["id"]
    else:
        commune = Commune(**spec)
        await commune.save()
        commune_id = commune.id
    for order, (name, population) in enumerate(hamlets):
        if not await Hamlet.exists().where((Hamlet.commune == commune_id) & (Hamlet.name == name)):
            await Hamlet(commune=commune_id, name=name, population=population, sort_order=order).save()
    return commune_id


async def ensure_user(
    email: str,
    full_name: str,
    birth_year: int,
    *,
    commune_id: int | None,
    hamlet_id: int | None,
    password_hash: str,
    created_at: dt.datetime,
    accepted_at: dt.datetime | None = None,
) -> int:
    """The demo account with this email, created when missing (it accepted the terms at ``accepted_at``,
    by default when it was created)."""
    row = await User.select(User.id).where(User.email == email).first()
    if row:
        return row["id"]
    user = User(
        username=email,
        email=email,
        phone=None,
        password=password_hash,
        full_name=full_name,
        birth_year=birth_year,
        commune=commune_id,
        hamlet=hamlet_id,
        active=True,
        terms_accepted_at=accepted_at or created_at,
        privacy_accepted_at=accepted_at or created_at,
        pseudonym=services.new_pseudonym(),
        created_at=created_at,
    )
    await user.save()
    return user.id


async def ensure_people(commune_id: int, people: list, password_hash: str, now: dt.datetime) -> int:
    """The demo accounts of a commune with their roles (organizers scoped to it); how many were new."""
    hamlets = await services.hamlets_of(commune_id)
    created = 0
    for email, name, year, hamlet_index, roles in people:
        existed = await User.exists().where(User.email == email)
        user_id = await ensure_user(
            email,
            name,
            year,
            commune_id=commune_id,
            hamlet_id=hamlets[hamlet_index]["id"],
            password_hash=password_hash,
            created_at=now,
        )
        created += 0 if existed else 1
        for role in roles:
            scope = commune_id if role is Role.organizer else None
            await services.grant_role(user_id, role, commune_id=scope, actor=None, now=now)
    return created
