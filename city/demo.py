"""Demo data of the city's programme: the Department's staff account (fictional; idempotent)."""

from __future__ import annotations

import datetime as dt

from accounts import services
from accounts.tables import Role, User

CITY_ORGANIZER = ("city@example.com", "Lương Thị Minh Châu", 1984)


async def seed_city(*, password_hash: str, now: dt.datetime) -> str:
    email, full_name, birth_year = CITY_ORGANIZER
    row = await User.select(User.id).where(User.email == email).first()
    if row:
        user_id = row["id"]
    else:
        user = User(username=email, email=email, password=password_hash, full_name=full_name, birth_year=birth_year,
                    active=True, terms_accepted_at=now, privacy_accepted_at=now, pseudonym=services.new_pseudonym(),
                    created_at=now)
        await user.save()
        user_id = user.id
    await services.grant_role(user_id, Role.city_organizer, actor=None, now=now)
    return "City programme staff: city@example.com."

