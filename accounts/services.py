"""Account services: registration, login, passwords, roles, privacy.

Plain async functions taking keyword-only options; they raise ``accounts.errors`` and never
know about HTTP. Messages are msgids (see ``accounts.i18n``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
import unicodedata
from dataclasses import dataclass
from typing import Any

from piccolo.columns.combination import WhereRaw

from accounts import audit, forms, memo, messaging, notifications, passwords
from accounts.engine import atomic, read_rows
from accounts.errors import AccountError, NotFound, PermissionDenied, ValidationFailed
from accounts.i18n import N_, translate
from accounts.identifiers import IdentifierError, lookup_clause, normalise_email, normalise_phone
from accounts.rules import Principal, can_manage_roles, is_admin
from accounts.tables import (
    AuditEvent,
    Commune,
    Hamlet,
    NoticePreference,
    Notification,
    OutboxMail,
    OutboxMessage,
    PasswordResetToken,
    Role,
    RoleGrant,
    User,
)
from accounts.text import as_id

GUARDIAN_AGE = 16
OLDEST_BIRTH_YEAR = 1900


def nfc(text: str | None) -> str:
    return unicodedata.normalize("NFC", (text or "").strip())


@dataclass
class Registration:
    """What a person types into the registration form (strings as typed, the two boxes ticked or not),
    declared once: ``forms.read`` reads it from the form (``register`` checks it)."""

    full_name: str = forms.text()
    phone: str = forms.text()
    email: str = forms.text()
    birth_year: str = forms.text()
    hamlet_id: str = forms.text()
    password: str = forms.text()
    accept_terms: bool = forms.checked()
    accept_privacy: bool = forms.checked()
    guardian_name: str = forms.text()
    guardian_phone: str = forms.text()


async def _taken(column, value: str) -> bool:
    return await User.exists().where(column == value)


async def validate_registration(form: Registration, *, commune_id: int, now: dt.datetime) -> dict[str, Any]:
    """Check every field; return clean values or raise ``ValidationFailed`` listing each problem."""
    errors: dict[str, str] = {}
    clean: dict[str, Any] = {}
    full_name = " ".join(nfc(form.full_name).split())
    if len(full_name) < 2:
        errors["full_name"] = N_("Please enter your full name.")
    elif len(full_name) > 200:
        errors["full_name"] = N_("The name is too long (at most 200 characters).")
    clean["full_name"] = full_name
    clean["phone"], clean["email"] = await _check_contacts(form, errors)
    clean["birth_year"] = _check_birth_year(form, errors, now)
    clean["hamlet_id"] = await _check_hamlet(form, errors, commune_id)
    problem = passwords.password_problem(form.password or "")
    if problem:
        errors["password"] = problem
    clean["password"] = form.password
    if not form.accept_terms:
        errors["accept_terms"] = N_("Please read and accept the terms of use.")
    if not form.accept_privacy:
        errors["accept_privacy"] = N_("Please read and accept the privacy notice.")
    clean["guardian_name"] = clean["guardian_phone"] = None
    if clean["birth_year"] is not None and now.year - clean["birth_year"] < GUARDIAN_AGE:
        clean["guardian_name"], clean["guardian_phone"] = _check_guardian(form, errors)
    if errors:
        raise ValidationFailed(errors)
    return clean


async def _check_contacts(form: Registration, errors: dict[str, str]) -> tuple[str | None, str | None]:
    """The phone and e-mail (at least one), normalised and not used by another account."""
    phone = email = None
    if not nfc(form.phone) and not nfc(form.email):
        errors["phone"] = N_("Please enter a phone number or an email address (or both).")
    if nfc(form.phone):
        try:
            phone = normalise_phone(form.phone)
            if await _taken(User.phone, phone):
                errors["phone"] = N_("An account with this phone number already exists. Log in or reset the password.")
        except IdentifierError as exc:
            errors["phone"] = str(exc)
    if nfc(form.email):
        try:
            email = normalise_email(form.email)
            if await _taken(User.email, email):
                errors["email"] = N_("An account with this email address already exists. Log in or reset the password.")
        except IdentifierError as exc:
            errors["email"] = str(exc)
    return phone, email


def _check_birth_year(form: Registration, errors: dict[str, str], now: dt.datetime) -> int | None:
    year_text = nfc(form.birth_year)
    if not year_text:
        errors["birth_year"] = N_("Please enter your year of birth.")
    elif as_id(year_text) is None or not OLDEST_BIRTH_YEAR <= int(year_text) <= now.year:
        errors["birth_year"] = N_("Please enter a year of birth such as 2008.")
    else:
        return int(year_text)
    return None


async def _check_hamlet(form: Registration, errors: dict[str, str], commune_id: int) -> int | None:
    """The hamlet chosen, which must be one of the commune's."""
    hamlet_id = as_id(form.hamlet_id) if nfc(form.hamlet_id) else None
    if not nfc(form.hamlet_id):
        errors["hamlet_id"] = N_("Please choose your hamlet.")
    elif hamlet_id is None or not await Hamlet.exists().where(
        (Hamlet.id == hamlet_id) & (Hamlet.commune == commune_id)
    ):
        errors["hamlet_id"] = N_("Please choose a hamlet from the list.")
    else:
        return hamlet_id
    return None


def _check_guardian(form: Registration, errors: dict[str, str]) -> tuple[str, str | None]:
    """Under 16: a parent's or guardian's name and phone."""
    guardian_name = " ".join(nfc(form.guardian_name).split())
    if len(guardian_name) < 2:
        errors["guardian_name"] = N_("Under 16: please enter the name of a parent or guardian.")
    try:
        return guardian_name, normalise_phone(form.guardian_phone)
    except IdentifierError:
        errors["guardian_phone"] = N_("Under 16: please enter a parent's or guardian's phone number.")
        return guardian_name, None


async def register(form: Registration, *, commune_id: int, now: dt.datetime, ip: str = "") -> User:
    """Create a citizen account. Nothing is stored when any field is wrong."""
    clean = await validate_registration(form, commune_id=commune_id, now=now)
    hashed = await passwords.hash_async(clean["password"])
    user = User(
        username=clean["email"] or clean["phone"],
        password=hashed,
        email=clean["email"],
        phone=clean["phone"],
        full_name=clean["full_name"],
        birth_year=clean["birth_year"],
        commune=commune_id,
        hamlet=clean["hamlet_id"],
        guardian_name=clean["guardian_name"],
        guardian_phone=clean["guardian_phone"],
        terms_accepted_at=now,
        privacy_accepted_at=now,
        pseudonym=new_pseudonym(),
        active=True,
        created_at=now,
    )
    try:
        async with atomic(User._meta.db):
            await user.save()
            await audit.record(
                "account.registered",
                actor_id=user.id,
                target_type="user",
                target_id=user.id,
                commune_id=commune_id,
                ip=ip,
                now=now,
            )
    except Exception as exc:
        # Two registrations racing for the same phone/email: the unique index decides.
        if "unique" in str(exc).lower():
            raise ValidationFailed({"phone": N_("An account with this phone number or email already exists.")}) from exc
        raise
    from accounts.verification import match_resident

    await match_resident(user.id, now=now)  # people on the commune's resident list are verified at once
    return user


def new_pseudonym() -> str:
    return "u" + secrets.token_hex(6)


async def authenticate(identifier: str, password: str, *, ip: str = "", now: dt.datetime) -> User | None:
    """The user for these credentials, or None. Logs success and failure in the audit log."""
    user_id = await User.login(identifier, password)
    if user_id is None:
        clause = lookup_clause(User, identifier)
        known = await User.select(User.id).where(clause).first() if clause is not None else None
        await audit.record(
            "auth.login_failed",
            actor_id=known["id"] if known else None,
            ip=ip,
            now=now,
            data={"identifier_hash": hashlib.sha256(identifier.strip().lower().encode()).hexdigest()[:16]},
        )
        return None
    user = await User.objects().where(User.id == user_id).first()
    await audit.record("auth.login", actor_id=user_id, target_type="user", target_id=user_id, ip=ip, now=now)
    return user


async def load_principal(user_id: int, session_version: int | None = None) -> Principal | None:
    """The signed-in person with their roles — one query, as it runs on every request."""
    rows = await read_rows(
        User._meta.db,
        "SELECT u.id, u.full_name, u.commune, u.active, u.deleted_at, u.session_version, u.verified_resident, "
        "u.resident, "
        'g.role, g.commune AS role_commune FROM users u LEFT JOIN role_grant g ON g."user" = u.id WHERE u.id = {}',
        user_id,
    )
    row = rows[0] if rows else None
    if not row or not row["active"] or row["deleted_at"] is not None:
        return None
    if session_version is not None and row["session_version"] != session_version:
        return None
    return Principal(
        id=row["id"],
        full_name=row["full_name"],
        commune_id=row["commune"],
        roles=frozenset((r["role"], r["role_commune"]) for r in rows if r["role"] is not None),
        # Verified means matched to a line of the commune's resident list (accounts.verification).
        verified_resident=bool(row["verified_resident"]) and row["resident"] is not None,
    )


async def change_password(user: User, *, current: str, new: str, ip: str = "", now: dt.datetime) -> int:
    """Change the password; returns the new session version (other sessions end)."""
    row = await User.select(User.password).where(User.id == user.id).first()
    if not await passwords.verify_async(row["password"] if row else None, current):
        raise ValidationFailed({"current_password": N_("The current password is not correct.")})
    problem = passwords.password_problem(new)
    if problem:
        raise ValidationFailed({"new_password": problem})
    return await _set_password(user.id, new, action="account.password_changed", ip=ip, now=now)


async def _set_password(user_id: int, new: str, *, action: str, ip: str, now: dt.datetime) -> int:
    """Store the new hash and end the person's other sessions, on the site and in the admin."""
    hashed = await passwords.hash_async(new)
    async with atomic(User._meta.db):
        await User.update({User.password: hashed, User.session_version: User.session_version + 1}).where(
            User.id == user_id
        )
        await passwords.end_admin_sessions(user_id)
        await audit.record(action, actor_id=user_id, target_type="user", target_id=user_id, ip=ip, now=now)
    await memo.people_changed()  # the person's other sessions end at once, whichever worker serves them
    row = await User.select(User.session_version).where(User.id == user_id).first()
    assert row is not None  # updated just above
    return row["session_version"]


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


async def request_password_reset(
    identifier: str, *, base_url: str, lang: str, valid_minutes: int, ip: str = "", now: dt.datetime
) -> str | None:
    """Send a single-use link to the account's email (or inbox) and, when the person gave their phone
    or has no email, by text message to their phone. Returns the token, or None.

    The caller shows the same message whether or not the account exists.
    """
    clause = lookup_clause(User, identifier)
    if clause is None:
        return None
    user = await User.select(User.id, User.email, User.phone, User.commune, User.active).where(clause).first()
    if not user or not user["active"]:
        return None
    token = secrets.token_urlsafe(32)
    link = f"{base_url}/password/reset/{token}"
    async with atomic(User._meta.db):
        await PasswordResetToken(
            user=user["id"],
            token_hash=_token_hash(token),
            created_at=now,
            expires_at=now + dt.timedelta(minutes=valid_minutes),
        ).save()
        await notifications.notify(
            user["id"],
            title=translate(N_("Reset your Sáng tạo password"), lang),
            body=translate(
                N_(
                    "Someone asked to reset the password of your account. If it was you, open the link "
                    "below within %(minutes)s minutes. If not, ignore this message."
                ),
                lang,
                minutes=valid_minutes,
            ),
            link=link,
            kind="password_reset",
            now=now,
        )
        if user["phone"] and ("@" not in identifier or not user["email"]):
            await messaging.queue_message(
                user["phone"],
                "password_reset",
                purpose="reset",
                secret=link,
                params={"minutes": valid_minutes},
                user_id=user["id"],
                commune_id=user["commune"],
                now=now,
            )
        await audit.record(
            "account.password_reset_requested",
            actor_id=user["id"],
            target_type="user",
            target_id=user["id"],
            ip=ip,
            now=now,
        )
    return token


async def reset_password(token: str, new: str, *, ip: str = "", now: dt.datetime) -> int:
    """Use a reset token once. Returns the user id."""
    problem = passwords.password_problem(new)
    if problem:
        raise ValidationFailed({"new_password": problem})
    # Claim the token atomically: only one request can mark it used.
    claimed = (
        await PasswordResetToken.update({PasswordResetToken.used_at: now})
        .where(
            (PasswordResetToken.token_hash == _token_hash(token))
            & PasswordResetToken.used_at.is_null()
            & (PasswordResetToken.expires_at > now)
        )
        .returning(PasswordResetToken.user)
    )
    if not claimed:
        raise AccountError(N_("This reset link has expired or was already used. Please ask for a new one."))
    user_id = claimed[0]["user"]
    await _set_password(user_id, new, action="account.password_reset", ip=ip, now=now)
    return user_id


async def reset_token_valid(token: str, *, now: dt.datetime) -> bool:
    return await PasswordResetToken.exists().where(
        (PasswordResetToken.token_hash == _token_hash(token))
        & PasswordResetToken.used_at.is_null()
        & (PasswordResetToken.expires_at > now)
    )


async def sync_admin_flags(user_id: int) -> None:
    """Keep BaseUser's ``admin``/``superuser`` in step with the roles (piccolo-admin reads them)."""
    roles = {g["role"] for g in await RoleGrant.select(RoleGrant.role).where(RoleGrant.user == user_id)}
    await User.update(
        {
            User.admin: bool(roles & {Role.organizer.value, Role.admin.value}),
            User.superuser: Role.admin.value in roles,
        }
    ).where(User.id == user_id)


async def grant_role(
    user_id: int,
    role: Role,
    *,
    commune_id: int | None = None,
    actor: Principal | None,
    ip: str = "",
    now: dt.datetime,
) -> bool:
    """Give a role (idempotent). Returns True when it was new. Audited."""
    if actor is not None and not can_manage_roles(actor, role, commune_id):
        raise PermissionDenied(N_("You may not grant this role."))
    if role is Role.organizer and commune_id is None:
        raise AccountError(N_("An organizer belongs to a commune."), field="commune")
    if role is Role.city_organizer and commune_id is not None:
        raise AccountError(
            N_("City programme staff work across all communes: leave the commune empty."), field="commune"
        )
    async with atomic(User._meta.db):
        exists = await RoleGrant.exists().where(
            (RoleGrant.user == user_id)
            & (RoleGrant.role == role.value)
            & (RoleGrant.commune.is_null() if commune_id is None else RoleGrant.commune == commune_id)
        )
        if exists:
            return False
        await RoleGrant(
            user=user_id, role=role.value, commune=commune_id, granted_by=actor.id if actor else None, granted_at=now
        ).save()
        await sync_admin_flags(user_id)
        await audit.record(
            "role.granted",
            actor_id=actor.id if actor else None,
            target_type="user",
            target_id=user_id,
            commune_id=commune_id,
            ip=ip,
            now=now,
            data={"role": role.value, "commune": commune_id},
        )
    await memo.people_changed()
    return True


async def revoke_role(
    user_id: int,
    role: Role,
    *,
    commune_id: int | None = None,
    actor: Principal | None,
    ip: str = "",
    now: dt.datetime,
) -> bool:
    # Only platform admins take a role away (an organizer may grant judges, never remove anyone's role).
    if actor is not None and not (is_admin(actor) and can_manage_roles(actor, role, commune_id)):
        raise PermissionDenied(N_("You may not remove this role."))
    async with atomic(User._meta.db):
        removed = (
            await RoleGrant.delete()
            .where(
                (RoleGrant.user == user_id)
                & (RoleGrant.role == role.value)
                & (RoleGrant.commune.is_null() if commune_id is None else RoleGrant.commune == commune_id)
            )
            .returning(RoleGrant.id)
        )
        if not removed:
            return False
        await sync_admin_flags(user_id)
        await audit.record(
            "role.revoked",
            actor_id=actor.id if actor else None,
            target_type="user",
            target_id=user_id,
            commune_id=commune_id,
            ip=ip,
            now=now,
            data={"role": role.value, "commune": commune_id},
        )
    await memo.people_changed()
    return True


def _jsonable(value: Any) -> Any:
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    return value


async def export_data(user_id: int) -> dict[str, Any]:
    """Everything the platform holds about a person, as JSON-ready data."""
    user = (
        await User.select(
            User.id,
            User.full_name,
            User.email,
            User.phone,
            User.birth_year,
            User.commune.name,
            User.hamlet.name,
            User.guardian_name,
            User.guardian_phone,
            User.language,
            User.created_at,
            User.last_login,
            User.terms_accepted_at,
            User.privacy_accepted_at,
        )
        .where(User.id == user_id)
        .first()
    )
    if not user:
        raise NotFound(N_("Account not found."))
    roles = await RoleGrant.select(RoleGrant.role, RoleGrant.commune.name, RoleGrant.granted_at).where(
        RoleGrant.user == user_id
    )
    inbox = await Notification.select(
        Notification.title, Notification.body, Notification.link, Notification.created_at, Notification.read_at
    ).where(Notification.user == user_id)
    events = (
        await AuditEvent.select(AuditEvent.created_at, AuditEvent.action, AuditEvent.ip)
        .where(AuditEvent.actor == user_id)
        .order_by(AuditEvent.seq)
    )
    clean = lambda rows: [{k: _jsonable(v) for k, v in row.items()} for row in rows]  # noqa: E731
    return {
        "format": "sangtao-personal-data/1",
        "profile": {k: _jsonable(v) for k, v in user.items()},
        "roles": clean(roles),
        "notifications": clean(inbox),
        "activity": clean(events),
    }


@dataclass(frozen=True, slots=True)
class AccountDetails:
    """What a person sees of their own account."""

    id: int
    full_name: str
    email: str | None
    phone: str | None
    birth_year: int | None
    hamlet_name: str | None
    commune_name: str | None
    guardian_name: str | None
    created_at: dt.datetime
    last_login: dt.datetime | None
    verified_resident: bool


async def account_details(user_id: int) -> AccountDetails:
    row = (
        await User.select(
            User.id,
            User.full_name,
            User.email,
            User.phone,
            User.birth_year,
            User.hamlet.name,
            User.commune.name,
            User.guardian_name,
            User.created_at,
            User.last_login,
            User.verified_resident,
        )
        .where(User.id == user_id)
        .first()
    )
    if row is None:
        raise NotFound(N_("Account not found."))
    return AccountDetails(
        id=row["id"],
        full_name=row["full_name"],
        email=row["email"],
        phone=row["phone"],
        birth_year=row["birth_year"],
        hamlet_name=row["hamlet.name"],
        commune_name=row["commune.name"],
        guardian_name=row["guardian_name"],
        created_at=row["created_at"],
        last_login=row["last_login"],
        verified_resident=row["verified_resident"],
    )


async def delete_account(user_id: int, *, password: str, ip: str = "", now: dt.datetime) -> None:
    """Erase personal data; keep the row (pseudonymous) so contest records stay consistent."""
    row = await User.select(User.password, User.deleted_at).where(User.id == user_id).first()
    if not row or row["deleted_at"] is not None:
        raise NotFound(N_("Account not found."))
    if not await passwords.verify_async(row["password"], password):
        raise ValidationFailed({"password": N_("The password is not correct.")})
    scrambled = await passwords.hash_async(secrets.token_urlsafe(32))
    async with atomic(User._meta.db):
        named = await User.select(User.pseudonym).where(User.id == user_id).first()
        assert named is not None  # read just above
        pseudonym = named["pseudonym"]
        await User.update(
            {
                User.username: f"deleted-{pseudonym}",
                User.password: scrambled,
                User.email: None,
                User.phone: None,
                User.full_name: "",
                User.first_name: None,
                User.last_name: None,
                User.birth_year: None,
                User.guardian_name: None,
                User.guardian_phone: None,
                User.active: False,
                User.admin: False,
                User.superuser: False,
                User.deleted_at: now,
                User.session_version: User.session_version + 1,
                # The line of the resident list is freed for the person's next account; their
                # ballots stay with the line (contest.voting), so a new account brings no new votes.
                User.resident: None,
                User.verified_resident: False,
            }
        ).where(User.id == user_id)
        await passwords.end_admin_sessions(user_id)
        await RoleGrant.delete().where(RoleGrant.user == user_id)
        await Notification.delete().where(Notification.user == user_id)
        await PasswordResetToken.delete().where(PasswordResetToken.user == user_id)
        await OutboxMail.delete().where(OutboxMail.user == user_id)
        await OutboxMessage.delete().where(OutboxMessage.user == user_id)
        await NoticePreference.delete().where(NoticePreference.user == user_id)
        await audit.record(
            "account.deleted",
            actor_id=user_id,
            target_type="user",
            target_id=user_id,
            ip=ip,
            now=now,
            data={"pseudonym": pseudonym},
        )
    await memo.people_changed()


async def communes() -> list[dict]:
    """The communes people live in, by name: the city's own row (it owns the city final) is not one."""
    return await Commune.select().where(WhereRaw("id NOT IN (SELECT commune FROM city_level)")).order_by(Commune.name)


async def commune_by_slug(slug: str) -> dict | None:
    return await Commune.select().where(Commune.slug == slug).first()


async def hamlets_of(commune_id: int) -> list[dict]:
    return (
        await Hamlet.select(Hamlet.id, Hamlet.name)
        .where(Hamlet.commune == commune_id)
        .order_by(Hamlet.sort_order, Hamlet.name)
    )


def dump(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)
