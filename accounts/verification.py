"""Verifying residents: matching a person to a line of their commune's resident list.

"Verified resident" means "linked to a ``ResidentRecord`` of the person's commune" (``User.resident``),
one live account per record (a unique index). A person is linked

- by the list itself: same folded name and year of birth (and hamlet, when the list gives one), when
  the list's line has no phone or the same phone as the account;
- at the commune office: an organizer checks the papers and links the person to their line, or
  creates one when the person is not listed yet (the organizer vouches for them);
- by a code sent to their phone: the code proves the phone, so it is only sent and accepted when
  the phone is on an unlinked line of the person's commune's list. A phone on no list proves nothing.

Ballots belong to the record, not the account (``contest.voting``), so deleting an account and
registering again gives no second ballot. Resident lists are personal data: only a folded name,
birth year, hamlet and phone are kept, and only the organizers of that commune see them.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import logging
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from accounts import audit, memo, messaging
from accounts.engine import atomic
from accounts.errors import AccountError, DomainError, NotFound, ValidationFailed
from accounts.i18n import N_
from accounts.identifiers import IdentifierError, normalise_phone
from accounts.messaging import Caps, Outgoing
from accounts.tables import Hamlet, PhoneCode, ResidentRecord, User
from accounts.text import as_int, clean_line, fold, search_terms

log = logging.getLogger("sangtao.sms")
CODE_MINUTES = 10
CODE_ATTEMPTS = 5
NOT_LISTED = N_(
    "This phone number is not on your commune's resident list, so a code cannot verify you. "
    "Please bring your identity papers to the commune office."
)
LINKED_ELSEWHERE = N_(
    "This resident is already linked to another account. The commune office can check it and move the link."
)
# Column titles, folded (no diacritics, lower case, "_" as a space), in Vietnamese or English.
HEADERS = {
    "ho ten": "full_name",
    "ho va ten": "full_name",
    "full name": "full_name",
    "name": "full_name",
    "nam sinh": "birth_year",
    "birth year": "birth_year",
    "thon": "hamlet",
    "hamlet": "hamlet",
    "so dien thoai": "phone",
    "dien thoai": "phone",
    "sdt": "phone",
    "phone": "phone",
}


class SmsProvider(Protocol):
    """Delivers a text message (``accounts.messaging.Messenger``): an SMS gateway or Zalo ZNS in production."""

    async def deliver(self, message: Outgoing) -> str: ...


class ConsoleSmsProvider:
    """Development: the text goes to the log instead of a phone."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, str]] = []

    async def deliver(self, message: Outgoing) -> str:
        self.sent.append((message.phone, message.text))
        log.warning("SMS to %s: %s", message.phone, message.text)
        return f"console-{message.id}"


@dataclass
class ResidentRow:
    line: int
    full_name: str
    birth_year: int | None
    hamlet: str
    phone: str | None


def parse_resident_file(data: bytes, filename: str) -> tuple[list[ResidentRow], list[tuple[int, str]]]:
    """Rows of a CSV (UTF-8, with or without BOM) or XLSX resident list, and the lines refused (line, msgid)."""
    if filename.lower().endswith(".xlsx") or data[:2] == b"PK":
        from openpyxl import load_workbook

        try:
            sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).active
            if sheet is None:
                raise ValueError("the workbook has no sheet")
            table = [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]
        except Exception:  # noqa: BLE001 — not a zip, not a workbook, a broken sheet: all the same to the sender
            return [], [(0, N_("The file must be a CSV saved as UTF-8, or an Excel .xlsx file."))]
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            return [], [(0, N_("The file must be a CSV saved as UTF-8, or an Excel .xlsx file."))]
        table = list(csv.reader(io.StringIO(text)))
    if not table:
        return [], [(0, N_("The file is empty."))]
    columns = [HEADERS.get(" ".join(fold(h.replace("_", " ")).split())) for h in table[0]]
    if "full_name" not in columns:
        return [], [(1, N_("The first line must name the columns: Họ tên, Năm sinh, Thôn, Số điện thoại."))]
    rows, refused = [], []
    for number, cells in enumerate(table[1:], start=2):
        record = {name: (cells[i] if i < len(cells) else "") for i, name in enumerate(columns) if name}
        name = clean_line(record.get("full_name"))
        if not name:
            if any(c.strip() for c in cells):
                refused.append((number, N_("A full name is missing.")))
            continue
        year_text = clean_line(record.get("birth_year")).split(".")[0]
        year = as_int(year_text, low=1900, high=2100)
        if year_text and year is None:
            refused.append((number, N_("The year of birth is not a year.")))
            continue
        phone = None
        if clean_line(record.get("phone")):
            try:
                phone = normalise_phone(record["phone"])
            except IdentifierError:
                refused.append((number, N_("The phone number is not valid.")))
                continue
        rows.append(ResidentRow(number, name, year, clean_line(record.get("hamlet")), phone))
    return rows, refused


async def import_residents(
    commune_id: int, rows: list[ResidentRow], *, replace: bool, actor_id: int, now: dt.datetime
) -> dict[str, int]:
    """Store the list (replacing the old one if asked) and verify the accounts it matches.

    Replacing keeps the record of every person who is on both lists (same folded name and year of
    birth), so their account link and their ballots stay attached to it; records of people no
    longer listed are removed unless an account is linked to them (an organizer unverifies those).
    """
    hamlets = {
        fold(h["name"]): h["id"]
        for h in await Hamlet.select(Hamlet.id, Hamlet.name).where(Hamlet.commune == commune_id)
    }
    async with atomic(ResidentRecord._meta.db):
        existing: dict[tuple[str, int | None], list[int]] = {}
        if replace:
            for r in (
                await ResidentRecord.select(ResidentRecord.id, ResidentRecord.name_key, ResidentRecord.birth_year)
                .where(ResidentRecord.commune == commune_id)
                .order_by(ResidentRecord.id)
            ):
                existing.setdefault((r["name_key"], r["birth_year"]), []).append(r["id"])
        records, kept = [], []
        for r in rows:
            values: dict[str, Any] = dict(
                name_key=fold(r.full_name),
                birth_year=r.birth_year,
                hamlet=hamlets.get(fold(r.hamlet)) or hamlets.get(fold("thôn " + r.hamlet)),
                phone=r.phone,
            )
            same = existing.get((values["name_key"], values["birth_year"]))
            if same:
                record_id = same.pop(0)
                kept.append(record_id)
                await ResidentRecord.update(
                    {
                        ResidentRecord.hamlet: values["hamlet"],
                        ResidentRecord.phone: r.phone,
                        ResidentRecord.imported_at: now,
                    }
                ).where(ResidentRecord.id == record_id)
            else:
                records.append(ResidentRecord(commune=commune_id, imported_at=now, **values))
        if replace:
            linked = [
                u["resident"]
                for u in await User.select(User.resident).where(
                    (User.commune == commune_id) & User.resident.is_not_null()
                )
            ]
            await ResidentRecord.delete().where(
                (ResidentRecord.commune == commune_id) & ResidentRecord.id.not_in([*kept, *linked, -1])
            )
        for start in range(0, len(records), 500):
            await ResidentRecord.insert(*records[start : start + 500])
        await audit.record(
            "residents.imported",
            actor_id=actor_id,
            target_type="commune",
            target_id=commune_id,
            commune_id=commune_id,
            now=now,
            data={"rows": len(rows), "replace": replace},
        )
    verified = 0
    for user in await User.select(User.id).where(
        (User.commune == commune_id) & User.resident.is_null() & User.deleted_at.is_null()
    ):
        verified += int(await match_resident(user["id"], now=now))
    return {"rows": len(rows), "verified": verified}


# A line of the list that no account is linked to yet (deleted accounts are unlinked when deleted).
_FREE = "NOT EXISTS (SELECT 1 FROM users u WHERE u.resident = r.id)"


async def _free_records(commune_id: int, where: str, *args: object) -> list[dict]:
    return await ResidentRecord.raw(
        "SELECT r.id, r.phone, r.name_key, r.birth_year, r.hamlet FROM resident_record r "
        f"WHERE r.commune = {{}} AND {_FREE} AND ({where}) ORDER BY r.id",
        commune_id,
        *args,
    )


def _same_person(record: dict, user: dict) -> bool:
    """Same folded name and year of birth; the list's hamlet and phone, when it has them, agree."""
    return (
        record["name_key"] == fold(user["full_name"])
        and user["birth_year"] is not None
        and record["birth_year"] == user["birth_year"]
        and record["hamlet"] in (None, user["hamlet"])
        and record["phone"] in (None, "", user["phone"])
    )


async def _person(user_id: int) -> dict | None:
    return (
        await User.select(
            User.id,
            User.full_name,
            User.birth_year,
            User.hamlet,
            User.phone,
            User.commune,
            User.resident,
            User.deleted_at,
        )
        .where(User.id == user_id)
        .first()
    )


async def match_resident(user_id: int, *, now: dt.datetime) -> bool:
    """Verify an account that matches a free line of its commune's list (name, year of birth and hamlet).

    A phone alone never matches here: typing a listed phone into a form proves nothing (see the code).
    """
    user = await _person(user_id)
    if not user or user["resident"] or not user["commune"] or user["deleted_at"] is not None:
        return False
    candidates = await _free_records(
        user["commune"], "r.name_key = {} AND r.birth_year = {}", fold(user["full_name"]), user["birth_year"]
    )
    record = next((r for r in candidates if _same_person(r, user)), None)
    if record is None:
        return False
    try:
        await _link(user_id, record["id"], method="resident_list", by=None, now=now)
    except AccountError:  # taken by another account at the same moment
        return False
    return True


def _is_unique_violation(exc: Exception) -> bool:
    return "unique" in str(exc).lower() or type(exc).__name__ == "UniqueViolationError"


async def _link(user_id: int, record_id: int, *, method: str, by: int | None, now: dt.datetime) -> None:
    """Link the account to the record and mark it verified; the unique index keeps one account per record."""
    try:
        async with atomic(User._meta.db):
            done = (
                await User.update(
                    {
                        User.resident: record_id,
                        User.verified_resident: True,
                        User.verified_method: method,
                        User.verified_by: by,
                        User.verified_at: now,
                    }
                )
                .where((User.id == user_id) & User.deleted_at.is_null())
                .returning(User.id)
            )
            if not done:
                raise NotFound(N_("Account not found."))
            await audit.record(
                "resident.verified",
                actor_id=by,
                target_type="user",
                target_id=user_id,
                now=now,
                data={"method": method, "resident": record_id},
            )
    except DomainError:
        raise
    except Exception as exc:
        if _is_unique_violation(exc):
            raise AccountError(LINKED_ELSEWHERE) from exc
        raise
    await memo.people_changed()


@dataclass(frozen=True, slots=True)
class ResidentMatch:
    """A person of the commune found by an organizer's search, to verify at the office."""

    id: int
    full_name: str
    birth_year: int | None
    hamlet_name: str | None
    phone: str | None
    verified_resident: bool
    verified_method: str


async def find_residents(commune_id: int, q: str, *, limit: int = 50) -> list[ResidentMatch]:
    """The commune's people whose name or phone holds every word of ``q`` (none without a word)."""
    terms = search_terms(q)
    if not terms:
        return []
    rows = (
        await User.select(
            User.id,
            User.full_name,
            User.birth_year,
            User.hamlet.name,
            User.phone,
            User.verified_resident,
            User.verified_method,
        )
        .where((User.commune == commune_id) & (User.deleted_at.is_null()))
        .order_by(User.full_name)
    )
    found = [r for r in rows if all(term in fold(f"{r['full_name']} {r['phone'] or ''}") for term in terms)]
    return [
        ResidentMatch(
            id=r["id"],
            full_name=r["full_name"],
            birth_year=r["birth_year"],
            hamlet_name=r["hamlet.name"],
            phone=r["phone"],
            verified_resident=r["verified_resident"],
            verified_method=r["verified_method"],
        )
        for r in found[:limit]
    ]


async def verify_at_office(
    user_id: int, *, actor_id: int, commune_id: int, now: dt.datetime, resident_id: int | None = None
) -> int:
    """An organizer checked the person's papers at the commune office (who and when are kept).

    Links the person to ``resident_id`` (a line of this commune's list), or to the free line that
    matches them (same phone, or same name and year of birth), or — the organizer vouching for a
    person not listed yet — to a new line of this commune's list. Returns the record's id.
    """
    user = await _person(user_id)
    if user is None or user["deleted_at"] is not None:
        raise NotFound(N_("Account not found."))
    if user["commune"] != commune_id:
        raise AccountError(N_("This person is registered in another commune."))
    record_id = user["resident"]
    if resident_id is not None:
        if not await ResidentRecord.exists().where(
            (ResidentRecord.id == resident_id) & (ResidentRecord.commune == commune_id)
        ):
            raise NotFound(N_("This line of the resident list does not exist."))
        record_id = resident_id
    if record_id is None:
        candidates = await _free_records(
            commune_id,
            "r.phone = {} OR (r.name_key = {} AND r.birth_year = {})",
            user["phone"],
            fold(user["full_name"]),
            user["birth_year"],
        )
        by_phone = [r for r in candidates if user["phone"] and r["phone"] == user["phone"]]
        by_name = [
            r
            for r in candidates
            if r["name_key"] == fold(user["full_name"])
            and r["birth_year"] == user["birth_year"]
            and r["hamlet"] in (None, user["hamlet"])
        ]
        record_id = (by_phone or by_name or [{"id": None}])[0]["id"]
    if record_id is None:
        # Not listed, or listed but linked to another account: the latter must not become a second line.
        taken = await ResidentRecord.raw(
            "SELECT r.id, r.phone, r.name_key, r.birth_year, r.hamlet FROM resident_record r WHERE r.commune = {} "
            "AND EXISTS (SELECT 1 FROM users u WHERE u.resident = r.id AND u.id <> {}) "
            "AND (r.phone = {} OR (r.name_key = {} AND r.birth_year = {}))",
            commune_id,
            user_id,
            user["phone"],
            fold(user["full_name"]),
            user["birth_year"],
        )
        if any((user["phone"] and r["phone"] == user["phone"]) or r["hamlet"] in (None, user["hamlet"]) for r in taken):
            raise AccountError(LINKED_ELSEWHERE)
        async with atomic(ResidentRecord._meta.db):
            record = ResidentRecord(
                commune=commune_id,
                name_key=fold(user["full_name"]),
                birth_year=user["birth_year"],
                hamlet=user["hamlet"],
                phone=user["phone"],
                imported_at=now,
            )
            await record.save()
            await audit.record(
                "resident.listed_at_office",
                actor_id=actor_id,
                target_type="resident_record",
                target_id=record.id,
                commune_id=commune_id,
                now=now,
            )
        record_id = record.id
    await _link(user_id, record_id, method="office", by=actor_id, now=now)
    return record_id


async def unverify(user_id: int, *, actor_id: int, reason: str, now: dt.datetime) -> None:
    async with atomic(User._meta.db):
        await User.update(
            {
                User.verified_resident: False,
                User.verified_method: "",
                User.verified_by: None,
                User.verified_at: None,
                User.resident: None,
            }
        ).where(User.id == user_id)
        await audit.record(
            "resident.unverified",
            actor_id=actor_id,
            target_type="user",
            target_id=user_id,
            now=now,
            data={"reason": reason},
        )
    await memo.people_changed()


def _hash(code: str, user_id: int) -> str:
    return hashlib.sha256(f"{user_id}:{code}".encode()).hexdigest()


async def _listed_phone(user: dict, phone: str) -> dict | None:
    """The free line of the person's commune's list with this phone, if any."""
    if not user["commune"] or not phone:
        return None
    rows = await _free_records(user["commune"], "r.phone = {}", phone)
    return rows[0] if rows else None


async def send_phone_code(
    user_id: int, providers: Mapping[str, SmsProvider] | None = None, *, now: dt.datetime, caps: Caps | None = None
) -> int:
    """Queue a 6-digit code to the account's phone (``accounts.messaging``) and, given the providers,
    send it at once (the worker retries it when that fails). Returns the message's id.

    Only to a phone on a free line of the person's commune's resident list: the code proves the
    phone, and the list says whose phone it is.
    """
    user = await _person(user_id)
    if not user or not user["phone"]:
        raise ValidationFailed({"phone": N_("Add a phone number to your account first.")})
    if user["resident"]:
        raise AccountError(N_("You are already a verified resident."))
    if await _listed_phone(user, user["phone"]) is None:
        raise ValidationFailed({"phone": NOT_LISTED})
    code = f"{secrets.randbelow(1_000_000):06d}"
    async with atomic(PhoneCode._meta.db):
        await PhoneCode(
            user=user_id,
            phone=user["phone"],
            code_hash=_hash(code, user_id),
            created_at=now,
            expires_at=now + dt.timedelta(minutes=CODE_MINUTES),
        ).save()
        message_id = await messaging.queue_message(
            user["phone"],
            "phone_code",
            purpose="code",
            secret=code,
            user_id=user_id,
            commune_id=user["commune"],
            now=now,
        )
    if providers:
        await messaging.deliver(message_id, providers, caps=caps or Caps(), now=now)
    return message_id


async def check_phone_code(user_id: int, code: str, *, now: dt.datetime) -> None:
    """Verify with the code; it works once, for 10 minutes, with at most 5 tries.

    The account is linked to the free line of its commune's list that has the code's phone; when
    there is none (any more), the code verifies nothing.
    """
    latest = (
        await PhoneCode.select()
        .where((PhoneCode.user == user_id) & PhoneCode.used_at.is_null())
        .order_by(PhoneCode.id, ascending=False)
        .first()
    )
    if latest is None or latest["expires_at"] <= now or latest["attempts"] >= CODE_ATTEMPTS:
        raise ValidationFailed({"code": N_("This code has expired. Please ask for a new one.")})
    await PhoneCode.update({PhoneCode.attempts: PhoneCode.attempts + 1}).where(PhoneCode.id == latest["id"])
    if not secrets.compare_digest(latest["code_hash"], _hash(code.strip(), user_id)):
        raise ValidationFailed({"code": N_("The code is not correct.")})
    user = await _person(user_id)
    if not user or user["deleted_at"] is not None or user["phone"] != latest["phone"]:
        raise ValidationFailed({"code": N_("This code has expired. Please ask for a new one.")})
    record = await _listed_phone(user, latest["phone"])
    if record is None:
        raise ValidationFailed({"code": NOT_LISTED})
    claimed = (
        await PhoneCode.update({PhoneCode.used_at: now})
        .where((PhoneCode.id == latest["id"]) & PhoneCode.used_at.is_null())
        .returning(PhoneCode.id)
    )
    if claimed:
        try:
            await _link(user_id, record["id"], method="phone_code", by=None, now=now)
        except AccountError as exc:
            raise ValidationFailed({"code": exc.message}) from exc
