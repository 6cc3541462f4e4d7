"""Factories for test data (no mocks: real rows through the real tables)."""

from __future__ import annotations

import datetime as dt
import itertools

from argon2 import PasswordHasher

from accounts import services
from accounts.tables import Role, User

# Cheap argon2id parameters so tests create users fast; login still verifies for real.
_fast = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
_counter = itertools.count(1)
PASSWORD = "Mật-khẩu-thử-123"


async def make_user(
    *, commune: dict, now: dt.datetime, roles: tuple[Role, ...] = (), email: str | None = None,
    phone: str | None = None, full_name: str | None = None, birth_year: int = 2000, password: str = PASSWORD,
) -> User:
    n = next(_counter)
    email = email if email is not None else f"user{n}@example.com"
    user = User(
        username=email or phone, email=email or None, phone=phone, full_name=full_name or f"Người dùng {n}",
        birth_year=birth_year, commune=commune["id"], hamlet=commune["hamlets"][0], password=_fast.hash(password),
        active=True, pseudonym=services.new_pseudonym(), created_at=now, terms_accepted_at=now,
        privacy_accepted_at=now,
    )
    await user.save()
    for role in roles:
        await services.grant_role(user.id, role, commune_id=commune["id"] if role is Role.organizer else None,
                                  actor=None, now=now)
    return user
