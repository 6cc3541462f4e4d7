"""Setting up a commune on a fresh install: the commune with its hamlets, and its first organizer.

These are platform-admin tasks, run from the command line (``piccolo server create_commune`` and
``piccolo server grant_organizer``) so that a new install needs no admin screen to start. Both are
idempotent and audited.
"""

from __future__ import annotations

import datetime as dt
import re

from accounts import audit, services
from accounts.engine import atomic
from accounts.errors import AccountError
from accounts.i18n import N_
from accounts.identifiers import lookup_clause
from accounts.tables import Commune, Hamlet, Role, User

SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
CODE = re.compile(r"[A-Z]{2,4}")


async def create_commune(slug: str, name: str, code: str, hamlets: list[str], *, now: dt.datetime) -> tuple[int, bool]:
    """Create the commune (or find it by its slug) and add the hamlets it lacks; (id, created)."""
    slug, name, code = slug.strip(), services.nfc(name).strip(), code.strip().upper()
    if not SLUG.fullmatch(slug):
        raise AccountError(N_("The address may hold only lower-case letters, digits and hyphens."), field="slug")
    if not name:
        raise AccountError(N_("Please enter the commune's name."), field="name")
    if not CODE.fullmatch(code):
        raise AccountError(N_("The code is 2 to 4 capital letters, e.g. AK."), field="code")
    names = [services.nfc(h).strip() for h in hamlets if h.strip()]
    async with atomic(Commune._meta.db):
        row = await Commune.select(Commune.id, Commune.code).where(Commune.slug == slug).first()
        created = row is None
        if created:
            if await Commune.exists().where(Commune.code == code):
                raise AccountError(N_("Another commune already uses this code."), field="code")
            commune = Commune(slug=slug, name=name, code=code, created_at=now)
            await commune.save()
            commune_id = commune.id
        else:
            commune_id = row["id"]
        existing = {h["name"] for h in await Hamlet.select(Hamlet.name).where(Hamlet.commune == commune_id)}
        added = [h for h in dict.fromkeys(names) if h not in existing]
        for order, hamlet in enumerate(added, start=len(existing)):
            await Hamlet(commune=commune_id, name=hamlet, sort_order=order).save()
        if created or added:
            await audit.record(
                "commune.created" if created else "commune.hamlets_added",
                target_type="commune",
                target_id=commune_id,
                commune_id=commune_id,
                now=now,
                data={"slug": slug, "name": name, "code": code, "hamlets": added},
            )
    return commune_id, created


async def grant_organizer(identifier: str, commune_slug: str, *, now: dt.datetime) -> tuple[int, bool]:
    """Make the account with this email or phone an organizer of the commune; (user id, newly granted)."""
    clause = lookup_clause(User, identifier)
    user = await User.select(User.id).where(clause).first() if clause is not None else None
    if user is None:
        raise AccountError(N_("No account has this email or phone number."), field="identifier")
    commune = await Commune.select(Commune.id).where(Commune.slug == commune_slug.strip()).first()
    if commune is None:
        raise AccountError(N_("No commune has this address."), field="commune")
    granted = await services.grant_role(user["id"], Role.organizer, commune_id=commune["id"], actor=None, now=now)
    return user["id"], granted
