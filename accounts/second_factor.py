"""The second factor (authenticator app, TOTP) of organizers and admins: enrolment that never
locks anyone out, and a platform admin's reset for a person who lost their phone and codes.

The secrets live in piccolo-api's ``AuthenticatorSecret`` table (encrypted; recovery codes
hashed). A person counts as enrolled while one of their rows has no ``revoked_at``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from piccolo_api.mfa.authenticator.tables import AuthenticatorSecret

from accounts import audit
from accounts.engine import atomic
from accounts.errors import NotFound, PermissionDenied
from accounts.i18n import N_
from accounts.identifiers import lookup_clause
from accounts.rules import Principal, is_admin
from accounts.tables import User

MSG_ONLY_ADMINS_RESET = N_("Only platform admins reset another person's second factor.")
MSG_NO_SUCH_PERSON = N_("No such user.")


async def enrol(user_id: int, create: Callable[[], Any], show: Callable[[Any], Any]) -> Any:
    """Store a new secret with ``create()`` and build what the person must see with ``show(made)``
    (the QR code, the secret, the recovery codes) in ONE transaction: if showing fails midway
    (a missing image library, say), the secret is rolled back and the person is not enrolled —
    nobody ends up asked for codes from an app they never set up."""
    async with atomic(AuthenticatorSecret._meta.db):
        made = await create()
        shown = show(made)
        await audit.record("mfa.enrolled", actor_id=user_id, target_type="user", target_id=user_id)
    return shown


async def is_enrolled(user_id: int) -> bool:
    return await AuthenticatorSecret.is_user_enrolled(user_id=user_id)


async def revoke_own(user_id: int, *, now: dt.datetime) -> None:
    """The person turned their second factor off themselves (after giving their password)."""
    async with atomic(AuthenticatorSecret._meta.db):
        await AuthenticatorSecret.update({AuthenticatorSecret.revoked_at: now}).where(
            (AuthenticatorSecret.user_id == user_id) & AuthenticatorSecret.revoked_at.is_null()
        )
        await audit.record("mfa.revoked", actor_id=user_id, target_type="user", target_id=user_id)


async def reset_second_factor(person: str, *, actor: Principal | None, ip: str = "", now: dt.datetime) -> bool:
    """A platform admin turns off the second factor of ``person`` (email or phone), who then signs
    in with their password alone and enrols again. Returns False when they had none. Audited,
    refusals too. ``actor=None``: the server's operator, from the command line (trusted)."""
    clause = lookup_clause(User, person)
    target = await User.select(User.id).where(clause).first() if clause is not None else None
    if actor is not None and not is_admin(actor):
        await audit.record(
            "mfa.reset_refused",
            actor_id=actor.id,
            target_type="user",
            target_id=target["id"] if target else "",
            ip=ip,
            now=now,
        )
        raise PermissionDenied(MSG_ONLY_ADMINS_RESET)
    if not target:
        raise NotFound(MSG_NO_SUCH_PERSON, field="person")
    async with atomic(AuthenticatorSecret._meta.db):
        revoked = (
            await AuthenticatorSecret.update({AuthenticatorSecret.revoked_at: now})
            .where((AuthenticatorSecret.user_id == target["id"]) & AuthenticatorSecret.revoked_at.is_null())
            .returning(AuthenticatorSecret.id)
        )
        await audit.record(
            "mfa.reset",
            actor_id=actor.id if actor else None,
            target_type="user",
            target_id=target["id"],
            ip=ip,
            now=now,
            data={"secrets_revoked": len(revoked), "by": "admin" if actor else "command line"},
        )
    return bool(revoked)
