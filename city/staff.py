"""Who works for the city's programme: the city organizer role, granted by platform admins (audited), with the
organizer role of the city level (the tenant row that owns the city's contests)."""

from __future__ import annotations

import datetime as dt

from accounts import services
from accounts.errors import AccountError
from accounts.i18n import N_
from accounts.identifiers import lookup_clause
from accounts.tables import Role, User


async def grant_city_organizer(identifier: str, *, now: dt.datetime) -> tuple[int, bool]:
    """Make the account with this email or phone a city organizer; (user id, newly granted). Audited."""
    clause = lookup_clause(User, identifier)
    user = await User.select(User.id).where(clause).first() if clause is not None else None
    if user is None:
        raise AccountError(N_("No account has this email or phone number."), field="identifier")
    granted = await services.grant_role(user["id"], Role.city_organizer, actor=None, now=now)
    # The city's contests (its finals) belong to the city level: its staff organize that tenant row too.
    from city.final import ensure_city_level

    level = await ensure_city_level(now=now)
    await services.grant_role(user["id"], Role.organizer, commune_id=level, actor=None, now=now)
    return user["id"], granted
