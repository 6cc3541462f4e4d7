"""Verifying residents: the commune's resident list, a check at the commune office, or a code by phone.

Resident lists are personal data: only a folded name, birth year, hamlet and phone are kept,
and only the organizers of that commune see them.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import logging
import secrets
from dataclasses import dataclass
from typing import Protocol

from accounts import audit
from accounts.engine import atomic
from accounts.errors import AccountError, NotFound, ValidationFailed
from accounts.i18n import N_
from accounts.identifiers import IdentifierError, normalise_phone
from accounts.tables import Hamlet, PhoneCode, ResidentRecord, User
from accounts.text import clean_line, fold

log = logging.getLogger("sangtao.sms")
CODE_MINUTES = 10
CODE_ATTEMPTS = 5
# Column titles, folded (no diacritics, lower case, "_" as a space), in Vietnamese or English.
HEADERS = {"ho ten": "full_name", "ho va ten": "full_name", "full name": "full_name", "name": "full_name",
           "nam sinh": "birth_year", "birth year": "birth_year", "thon": "hamlet", "hamlet": "hamlet",
           "so dien thoai": "phone", "dien thoai": "phone", "sdt": "phone", "phone": "phone"}


class SmsProvider(Protocol):
    """Sends a short text to a phone (an SMS gateway or Zalo ZNS in production)."""

    async def send(self, phone: str, text: str) -> None: ...


class ConsoleSmsProvider:
    """Development: the text goes to the log instead of a phone."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, str]] = []

    async def send(self, phone: str, text: str) -> None:
        self.sent.append((phone, text))
        log.warning("SMS to %s: %s", phone, text)


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

        sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).active
        table = [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]
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
        year = int(year_text) if year_text.isdigit() and 1900 <= int(year_text) <= 2100 else None
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


async def import_residents(commune_id: int, rows: list[ResidentRow], *, replace: bool, actor_id: int,
                           now: dt.datetime) -> dict[str, int]:
    """Store the list (replacing the old one if asked) and verify the accounts it matches."""
    hamlets = {fold(h["name"]): h["id"] for h in await Hamlet.select(Hamlet.id, Hamlet.name).where(
        Hamlet.commune == commune_id)}
    async with atomic(ResidentRecord._meta.db):
        if replace:
            await ResidentRecord.delete().where(ResidentRecord.commune == commune_id)
        records = [ResidentRecord(commune=commune_id, name_key=fold(r.full_name), birth_year=r.birth_year,
                                  hamlet=hamlets.get(fold(r.hamlet)) or hamlets.get(fold("thôn " + r.hamlet)),
                                  phone=r.phone, imported_at=now) for r in rows]
        for start in range(0, len(records), 500):
            await ResidentRecord.insert(*records[start:start + 500])
        await audit.record("residents.imported", actor_id=actor_id, target_type="commune", target_id=commune_id,
                           commune_id=commune_id, now=now, data={"rows": len(records), "replace": replace})
    verified = 0
    for user in await User.select(User.id).where((User.commune == commune_id) & (User.verified_resident == False)):  # noqa: E712
        verified += int(await match_resident(user["id"], now=now))
    return {"rows": len(rows), "verified": verified}


async def match_resident(user_id: int, *, now: dt.datetime) -> bool:
    """Verify an account that matches its commune's resident list (same phone, or same name, year and hamlet)."""
    user = await User.select(User.id, User.full_name, User.birth_year, User.hamlet, User.phone, User.commune,
                             User.verified_resident).where(User.id == user_id).first()
    if not user or user["verified_resident"] or not user["commune"]:
        return False
    clause = ResidentRecord.commune == user["commune"]
    by_phone = user["phone"] and await ResidentRecord.exists().where(clause & (ResidentRecord.phone == user["phone"]))
    by_name = await ResidentRecord.exists().where(
        clause & (ResidentRecord.name_key == fold(user["full_name"])) & (ResidentRecord.birth_year == user["birth_year"])
        & ((ResidentRecord.hamlet == user["hamlet"]) | ResidentRecord.hamlet.is_null()))
    if not (by_phone or by_name):
        return False
    await _verify(user_id, method="resident_list", by=None, now=now)
    return True


async def _verify(user_id: int, *, method: str, by: int | None, now: dt.datetime) -> None:
    async with atomic(User._meta.db):
        await User.update({User.verified_resident: True, User.verified_method: method, User.verified_by: by,
                           User.verified_at: now}).where(User.id == user_id)
        await audit.record("resident.verified", actor_id=by, target_type="user", target_id=user_id, now=now,
                           data={"method": method})


async def verify_at_office(user_id: int, *, actor_id: int, commune_id: int, now: dt.datetime) -> None:
    """An organizer checked the person's papers at the commune office (who and when are kept)."""
    user = await User.select(User.commune).where(User.id == user_id).first()
    if user is None:
        raise NotFound(N_("Account not found."))
    if user["commune"] != commune_id:
        raise AccountError(N_("This person is registered in another commune."))
    await _verify(user_id, method="office", by=actor_id, now=now)


async def unverify(user_id: int, *, actor_id: int, reason: str, now: dt.datetime) -> None:
    async with atomic(User._meta.db):
        await User.update({User.verified_resident: False, User.verified_method: "", User.verified_by: None,
                           User.verified_at: None}).where(User.id == user_id)
        await audit.record("resident.unverified", actor_id=actor_id, target_type="user", target_id=user_id, now=now,
                           data={"reason": reason})


def _hash(code: str, user_id: int) -> str:
    return hashlib.sha256(f"{user_id}:{code}".encode()).hexdigest()


async def send_phone_code(user_id: int, provider: SmsProvider, *, now: dt.datetime, text: str) -> None:
    """Send a 6-digit code to the account's phone. ``text`` is the message with %(code)s in it."""
    user = await User.select(User.phone).where(User.id == user_id).first()
    if not user or not user["phone"]:
        raise ValidationFailed({"phone": N_("Add a phone number to your account first.")})
    code = f"{secrets.randbelow(1_000_000):06d}"
    await PhoneCode(user=user_id, phone=user["phone"], code_hash=_hash(code, user_id), created_at=now,
                    expires_at=now + dt.timedelta(minutes=CODE_MINUTES)).save()
    await provider.send(user["phone"], text % {"code": code})


async def check_phone_code(user_id: int, code: str, *, now: dt.datetime) -> None:
    """Verify with the code; it works once, for 10 minutes, with at most 5 tries."""
    latest = await PhoneCode.select().where((PhoneCode.user == user_id) & PhoneCode.used_at.is_null()).order_by(
        PhoneCode.id, ascending=False).first()
    if latest is None or latest["expires_at"] <= now or latest["attempts"] >= CODE_ATTEMPTS:
        raise ValidationFailed({"code": N_("This code has expired. Please ask for a new one.")})
    await PhoneCode.update({PhoneCode.attempts: PhoneCode.attempts + 1}).where(PhoneCode.id == latest["id"])
    if not secrets.compare_digest(latest["code_hash"], _hash(code.strip(), user_id)):
        raise ValidationFailed({"code": N_("The code is not correct.")})
    claimed = await PhoneCode.update({PhoneCode.used_at: now}).where(
        (PhoneCode.id == latest["id"]) & PhoneCode.used_at.is_null()).returning(PhoneCode.id)
    if claimed:
        await _verify(user_id, method="phone_code", by=None, now=now)
