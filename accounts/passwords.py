"""argon2id password hashing for the user table (replaces BaseUser's PBKDF2).

BaseUser re-hashes any value that does not start with ``pbkdf2_sha256`` in ``__init__`` and
``__setattr__``, so both are overridden here along with hashing, validation and login.
Hashing costs ~90 ms of CPU: async callers go through ``hash_async`` / ``verify_async``,
which run it in a worker thread so the event loop keeps serving requests.
"""

from __future__ import annotations

import asyncio
import datetime
import secrets
from functools import lru_cache
from pathlib import Path
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from accounts.i18n import N_

HASH_PREFIX = "$argon2"
MIN_LENGTH = 8
MAX_LENGTH = 128
_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters
_DUMMY_HASH = _hasher.hash(secrets.token_hex(16))


def is_hashed(value: str) -> bool:
    return value.startswith(HASH_PREFIX)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify(stored_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(stored_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    return _hasher.check_needs_rehash(stored_hash)


async def hash_async(password: str) -> str:
    return await asyncio.to_thread(hash_password, password)


async def verify_async(stored_hash: str | None, password: str) -> bool:
    # A missing account still costs one verification, so timing does not reveal it.
    return await asyncio.to_thread(verify, stored_hash or _DUMMY_HASH, password)


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    path = Path(__file__).with_name("common_passwords.txt")
    return frozenset(line.strip().lower() for line in path.read_text(encoding="utf-8").splitlines() if line.strip())


def password_problem(password: str) -> str | None:
    """The reason a new password is refused, as a translatable message, or None."""
    if len(password) < MIN_LENGTH:
        return N_("The password must have at least 8 characters.")
    if len(password) > MAX_LENGTH:
        return N_("The password must have at most 128 characters.")
    if password.lower() in common_passwords() or len(set(password)) < 3:
        return N_("This password is too common and easy to guess. Please choose another.")
    return None


class Argon2UserMixin:
    """Overrides of BaseUser's PBKDF2 handling. Mixed in before BaseUser."""

    _min_password_length = MIN_LENGTH
    _max_password_length = MAX_LENGTH

    def __init__(self, **kwargs: Any):
        password = kwargs.get("password")
        if password and not is_hashed(password):
            kwargs["password"] = hash_password(password)
        # Skip BaseUser.__init__, which would wrap the hash in PBKDF2.
        super(_base_user(), self).__init__(**kwargs)  # type: ignore[misc]

    def __setattr__(self, name: str, value: Any):
        if name == "password" and isinstance(value, str) and value and not is_hashed(value):
            value = hash_password(value)
        object.__setattr__(self, name, value)

    @classmethod
    def hash_password(cls, password: str, salt: str = "", iterations: int | None = None) -> str:
        if len(password) > MAX_LENGTH:
            raise ValueError("The password is too long.")
        return hash_password(password)

    @classmethod
    def _validate_password(cls, password: str):
        if not password:
            raise ValueError("A password must be provided.")
        if is_hashed(password):
            raise ValueError("Do not pass a hashed password.")
        problem = password_problem(password)
        if problem:
            raise ValueError(problem)

    @classmethod
    async def update_password(cls, user: str | int, password: str):
        """Used by piccolo-admin's change-password form and ``piccolo user change_password``.

        Like a change on the site, it ends the person's sessions everywhere: the site's (their
        session version moves on) and the admin's.
        """
        cls._validate_password(password)
        clause = cls.id == user if isinstance(user, int) else cls.username == user  # type: ignore[attr-defined]
        hashed = await hash_async(password)
        changed = (
            await cls.update({cls.password: hashed, cls.session_version: cls.session_version + 1})  # type: ignore[attr-defined]
            .where(clause)
            .returning(cls.id)  # type: ignore[attr-defined]
            .run()
        )
        for row in changed:
            await end_admin_sessions(row["id"])

    @classmethod
    async def login(cls, username: str, password: str) -> int | None:
        """Check an identifier (email, phone or username) and password; the user id or None.

        Used by piccolo-admin's login as well as the site's. Only active, non-deleted
        accounts can log in; the hash is upgraded when argon2's parameters change.
        """
        from accounts.identifiers import lookup_clause

        if len(password) > MAX_LENGTH or len(username) > 255:
            return None
        clause = lookup_clause(cls, username)
        row = None
        if clause is not None:
            row = (
                await cls.select(cls.id, cls.password, cls.active, cls.deleted_at)  # type: ignore[attr-defined]
                .where(clause)
                .first()
                .run()
            )
        ok = await verify_async(row["password"] if row else None, password)
        if not row or not ok or not row["active"] or row["deleted_at"] is not None:
            return None
        values: dict[Any, Any] = {cls.last_login: datetime.datetime.now(datetime.UTC).replace(tzinfo=None)}  # type: ignore[attr-defined]
        if needs_rehash(row["password"]):
            values[cls.password] = await hash_async(password)  # type: ignore[attr-defined]
        await cls.update(values).where(cls.id == row["id"]).run()  # type: ignore[attr-defined]
        return row["id"]


async def end_admin_sessions(user_id: int) -> None:
    """Delete the person's piccolo-admin sessions (piccolo_api's sessions table)."""
    from piccolo_api.session_auth.tables import SessionsBase

    await SessionsBase.delete().where(SessionsBase.user_id == user_id).run()


def _base_user():
    from piccolo.apps.user.tables import BaseUser

    return BaseUser
