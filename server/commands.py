"""Command-line tasks, run as ``piccolo server <command>``."""

from __future__ import annotations

import asyncio
import datetime as dt
import getpass
from pathlib import Path


async def seed_demo_data(now: dt.datetime | None = None) -> str:
    """Seed the demo (the package ``demo``; idempotent) with the key this install derives voters' public
    aliases with (the same as ``server.controllers.voting.alias_key``)."""
    import demo
    from server.app import register_hooks
    from server.settings import get_settings

    # The demo judges and votes as the app does: with the conflicts and voter communes its factory registers.
    register_hooks()
    alias_key = ("vote-alias:" + get_settings().secret_key).encode()
    return await demo.seed(alias_key=alias_key, now=now)


async def seed_demo() -> None:
    """Seed the demo communes "Xã An Khánh" and "Xã Tân Minh" with their demo accounts (idempotent)."""
    print(await seed_demo_data())


async def ensure_admin(identifier: str, full_name: str, password: str) -> int:
    """Create a platform admin (first run of a production install) or promote an account."""
    from accounts import passwords, services
    from accounts.identifiers import normalise_email
    from accounts.tables import Role, User

    email = normalise_email(identifier)
    problem = passwords.password_problem(password)
    if problem:
        raise SystemExit(problem)
    now = dt.datetime.now(dt.UTC)
    row = await User.select(User.id).where(User.email == email).first()
    if row:
        user_id = row["id"]
    else:
        user = User(
            username=email,
            email=email,
            password=await passwords.hash_async(password),
            full_name=full_name,
            active=True,
            pseudonym=services.new_pseudonym(),
            created_at=now,
        )
        await user.save()
        user_id = user.id
    await services.grant_role(user_id, Role.admin, actor=None, now=now)
    return user_id


async def create_admin(identifier: str = "", full_name: str = "") -> None:
    """Create a platform admin (or give an existing account the admin role)."""
    identifier = identifier or input("Email or phone: ")
    full_name = full_name or input("Full name: ")
    password = getpass.getpass("Password: ")
    user_id = await ensure_admin(identifier, full_name, password)
    print(f"Admin account ready (id {user_id}).")


async def reset_mfa(identifier: str) -> None:
    """Turn off the admin second factor of an account (email or phone) that lost its phone and its
    recovery codes; the person signs in with their password and enrols again. Audited."""
    import datetime as dt

    from accounts.errors import DomainError
    from accounts.i18n import translate
    from accounts.second_factor import reset_second_factor

    try:
        done = await reset_second_factor(identifier, actor=None, now=dt.datetime.now(dt.UTC))
    except DomainError as exc:
        raise SystemExit(translate(exc.message, "vi", **exc.params)) from None
    print("Second factor turned off." if done else "This account had no second factor.")


async def create_commune(slug: str, name: str, code: str, hamlets: str = "") -> None:
    """Create a commune (address, name, 2-4 letter code of its ideas) with --hamlets="Thôn A,Thôn B"."""
    import datetime as dt

    from accounts.communes import create_commune as create
    from accounts.errors import DomainError
    from accounts.i18n import translate

    try:
        commune_id, created = await create(slug, name, code, hamlets.split(","), now=dt.datetime.now(dt.UTC))
    except DomainError as exc:
        raise SystemExit(translate(exc.message, "vi", **exc.params)) from None
    print(f"Commune {slug} {'created' if created else 'already there'} (id {commune_id}).")


async def grant_organizer(identifier: str, commune: str) -> None:
    """Make an existing account (email or phone) an organizer of the commune with this address."""
    import datetime as dt

    from accounts.communes import grant_organizer as grant
    from accounts.errors import DomainError
    from accounts.i18n import translate

    try:
        user_id, granted = await grant(identifier, commune, now=dt.datetime.now(dt.UTC))
    except DomainError as exc:
        raise SystemExit(translate(exc.message, "vi", **exc.params)) from None
    print(f"Account {user_id} {'is now' if granted else 'was already'} an organizer of {commune}.")


async def grant_city_organizer(identifier: str) -> None:
    """Make an existing account (email or phone) staff of the city's programme (the /city dashboard)."""
    import datetime as dt

    from accounts.errors import DomainError
    from accounts.i18n import translate
    from city.staff import grant_city_organizer as grant

    try:
        user_id, granted = await grant(identifier, now=dt.datetime.now(dt.UTC))
    except DomainError as exc:
        raise SystemExit(translate(exc.message, "vi", **exc.params)) from None
    print(f"Account {user_id} {'is now' if granted else 'was already'} a city organizer.")


async def deliver_mail(loop: bool = False) -> None:
    """Send queued mail once, or keep sending every 10 seconds with --loop."""
    from server.mail import deliver_once

    while True:
        print(f"sent {await deliver_once()}")
        if not loop:
            return
        await asyncio.sleep(10)


async def verify_audit() -> None:
    """Recompute the audit log's hash chain; exit 1 when it is broken."""
    from accounts.audit import verify_chain

    ok, bad = await verify_chain()
    print("audit chain OK" if ok else f"audit chain BROKEN at event #{bad}")
    if not ok:
        raise SystemExit(1)


async def backup(path: str) -> None:
    """Write the database and the uploads into one backup file (.tar.gz) at PATH."""
    from server.backup import BackupError, Install
    from server.backup import backup as write_backup
    from server.settings import get_settings

    try:
        outcome = await write_backup(Install.from_settings(get_settings()), Path(path))
    except BackupError as exc:
        raise SystemExit(str(exc)) from None
    print("\n".join(outcome.lines("Đã sao lưu / Backup written")))


async def restore(path: str, force: bool = False) -> None:
    """Restore a backup file into this install (stop the app first); --force replaces existing data."""
    from server.backup import BackupError, Install
    from server.backup import restore as read_backup
    from server.settings import get_settings

    try:
        outcome = await read_backup(Install.from_settings(get_settings()), Path(path), force=force)
    except BackupError as exc:
        raise SystemExit(str(exc)) from None
    print("\n".join(outcome.lines("Đã khôi phục / Restored")))
