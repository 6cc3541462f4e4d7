"""Verified resident = matched to a line of the commune's resident list (on both engines, two communes)."""

from __future__ import annotations

import re

import pytest

from accounts import services, verification
from accounts.errors import AccountError, ValidationFailed
from accounts.i18n import translate
from accounts.tables import AuditEvent, ResidentRecord, User
from tests.support.db import REFUSED_BY_DATABASE
from tests.support.factories import PASSWORD

pytestmark = pytest.mark.integration


async def listed(
    commune: dict,
    *,
    name: str = "tran van binh",
    year: int | None = 1985,
    phone: str | None = None,
    hamlet: int | None = None,
    now,
) -> int:
    record = ResidentRecord(
        commune=commune["id"], name_key=name, birth_year=year, phone=phone, hamlet=hamlet, imported_at=now
    )
    await record.save()
    return record.id


def code_of(provider: verification.ConsoleSmsProvider) -> str:
    return re.search(r"\b(\d{6})\b", provider.sent[-1][1]).group(1)


async def test_code_for_a_phone_on_no_list_is_refused_in_vietnamese(make_user, commune, other_commune, clock):
    # The phone is listed, but in the other commune: it proves nothing about this commune.
    await listed(other_commune, phone="+84912000333", now=clock())
    user = await make_user(phone="+84912000333")
    sms = verification.ConsoleSmsProvider()
    with pytest.raises(ValidationFailed) as refused:
        await verification.send_phone_code(user.id, {"sms": sms}, now=clock())
    assert "không có trong danh sách cư dân" in translate(refused.value.errors["phone"], "vi")
    assert sms.sent == []
    row = await User.select(User.verified_resident, User.resident).where(User.id == user.id).first()
    assert row == {"verified_resident": False, "resident": None}


async def test_code_for_a_listed_phone_links_the_resident_record(make_user, commune, clock):
    record = await listed(commune, phone="+84912000444", now=clock())
    user = await make_user(phone="+84912000444")
    sms = verification.ConsoleSmsProvider()
    await verification.send_phone_code(user.id, {"sms": sms}, now=clock())
    await verification.check_phone_code(user.id, code_of(sms), now=clock())
    row = (
        await User.select(User.verified_resident, User.verified_method, User.resident).where(User.id == user.id).first()
    )
    assert row == {"verified_resident": True, "verified_method": "phone_code", "resident": record}
    principal = await services.load_principal(user.id)
    assert principal.verified_resident


async def test_a_record_linked_to_a_live_account_sends_no_code(make_user, commune, clock):
    record = await listed(commune, phone="+84912000555", now=clock())
    first = await make_user(phone="+84912000555", email="a@example.com")
    sms = verification.ConsoleSmsProvider()
    await verification.send_phone_code(first.id, {"sms": sms}, now=clock())
    await verification.check_phone_code(first.id, code_of(sms), now=clock())
    # A second account cannot reach the same line: a unique index holds one live account per line.
    second = await make_user(email="b@example.com")
    with pytest.raises(REFUSED_BY_DATABASE):
        await User.update({User.resident: record}).where(User.id == second.id)
    with pytest.raises(AccountError) as refused:
        await verification._link(second.id, record, method="phone_code", by=None, now=clock())
    assert "đã được liên kết với một tài khoản khác" in translate(refused.value.message, "vi")
    assert await User.count().where(User.resident == record) == 1


async def test_a_flag_without_a_record_is_not_a_verified_resident(make_user, clock):
    user = await make_user()
    await User.update({User.verified_resident: True, User.verified_method: "phone_code"}).where(User.id == user.id)
    assert not (await services.load_principal(user.id)).verified_resident


async def test_office_verification_links_or_creates_a_record_in_that_commune(
    make_user, make_other_user, commune, other_commune, clock
):
    organizer = await make_user()
    lan = await make_user(full_name="Nguyễn Thị Lan", birth_year=1990, phone="+84912000666")
    on_list = await listed(commune, name="nguyen thi lan", year=1990, now=clock())
    assert (
        await verification.verify_at_office(lan.id, actor_id=organizer.id, commune_id=commune["id"], now=clock())
        == on_list
    )
    hoa = await make_user(full_name="Trần Thị Hoa", birth_year=1970)  # not listed: the organizer vouches
    created = await verification.verify_at_office(hoa.id, actor_id=organizer.id, commune_id=commune["id"], now=clock())
    record = await ResidentRecord.select().where(ResidentRecord.id == created).first()
    assert record["commune"] == commune["id"] and record["name_key"] == "tran thi hoa"
    row = await User.select(User.resident, User.verified_method, User.verified_by).where(User.id == hoa.id).first()
    assert row == {"resident": created, "verified_method": "office", "verified_by": organizer.id}
    assert await AuditEvent.exists().where(AuditEvent.action == "resident.listed_at_office")
    # A person of the other commune is neither verified nor listed here.
    other = await make_other_user(full_name="Lê Văn Tám")
    with pytest.raises(AccountError):
        await verification.verify_at_office(other.id, actor_id=organizer.id, commune_id=commune["id"], now=clock())
    assert await ResidentRecord.count().where(ResidentRecord.commune == other_commune["id"]) == 0
    assert (await User.select(User.resident).where(User.id == other.id).first())["resident"] is None


async def test_registration_matches_by_name_year_and_hamlet_not_by_a_typed_phone(commune, clock):
    await listed(commune, name="nguyen thi mai", year=2004, phone="+84912345678", now=clock())
    form = services.Registration(
        full_name="Kẻ Mạo Danh",
        phone="0912 345 678",
        birth_year="1999",
        hamlet_id=str(commune["hamlets"][0]),
        password="đồng-lúa-xanh-2026",
        accept_terms=True,
        accept_privacy=True,
    )
    impostor = await services.register(form, commune_id=commune["id"], now=clock())
    assert (await User.select(User.resident).where(User.id == impostor.id).first())["resident"] is None
    await listed(commune, name="pham van an", year=1980, hamlet=commune["hamlets"][0], now=clock())
    form.full_name, form.phone, form.birth_year = "Phạm Văn An", "", "1980"
    form.email = "an@example.com"
    an = await services.register(form, commune_id=commune["id"], now=clock())
    row = await User.select(User.verified_method, User.resident).where(User.id == an.id).first()
    assert row["verified_method"] == "resident_list" and row["resident"] is not None


async def test_deleting_the_account_frees_the_line_for_the_next_account(make_user, commune, clock):
    record = await listed(commune, phone="+84912000777", now=clock())
    user = await make_user(phone="+84912000777")
    sms = verification.ConsoleSmsProvider()
    await verification.send_phone_code(user.id, {"sms": sms}, now=clock())
    await verification.check_phone_code(user.id, code_of(sms), now=clock())
    await services.delete_account(user.id, password=PASSWORD, now=clock())
    assert (await User.select(User.resident).where(User.id == user.id).first())["resident"] is None
    again = await make_user(phone="+84912000777", email="again@example.com")
    await verification.send_phone_code(again.id, {"sms": sms}, now=clock())
    await verification.check_phone_code(again.id, code_of(sms), now=clock())
    assert (await User.select(User.resident).where(User.id == again.id).first())["resident"] == record


async def test_replacing_the_list_keeps_the_lines_of_people_still_listed(make_user, commune, clock):
    organizer = await make_user()
    lan = await make_user(full_name="Nguyễn Thị Lan", birth_year=1990)
    first = [
        verification.ResidentRow(2, "Nguyễn Thị Lan", 1990, "", None),
        verification.ResidentRow(3, "Lê Văn Tám", 1960, "", None),
    ]
    assert (
        await verification.import_residents(commune["id"], first, replace=False, actor_id=organizer.id, now=clock())
    )["verified"] == 1
    record = (await User.select(User.resident).where(User.id == lan.id).first())["resident"]
    second = [
        verification.ResidentRow(2, "Nguyễn Thị Lan", 1990, "", "+84912000888"),
        verification.ResidentRow(3, "Đỗ Thị Hằng", 1975, "", None),
    ]
    await verification.import_residents(commune["id"], second, replace=True, actor_id=organizer.id, now=clock())
    keys = {r["name_key"]: r for r in await ResidentRecord.select().where(ResidentRecord.commune == commune["id"])}
    assert set(keys) == {"nguyen thi lan", "do thi hang"}
    assert keys["nguyen thi lan"]["id"] == record and keys["nguyen thi lan"]["phone"] == "+84912000888"
    assert (await User.select(User.resident).where(User.id == lan.id).first())["resident"] == record


async def test_accounts_verified_before_the_list_rule_are_linked_or_unverified(make_user, commune, clock):
    """The migration's backfill: list matches are linked, office ones get a line, bare phone codes lose the status."""
    from importlib import import_module

    backfill = import_module("accounts.piccolo_migrations.accounts_2026_11_30t06_24_17_538214").link_verified_accounts
    listed_id = await listed(commune, name="nguyen thi lan", year=1990, now=clock())
    lan = await make_user(full_name="Nguyễn Thị Lan", birth_year=1990)
    hoa = await make_user(full_name="Trần Thị Hoa", birth_year=1970)
    sms_only = await make_user(phone="+84912000999")
    for user, method in ((lan, "resident_list"), (hoa, "office"), (sms_only, "phone_code")):
        await User.update({User.verified_resident: True, User.verified_method: method}).where(User.id == user.id)
    await backfill()
    rows = {r["id"]: r for r in await User.select(User.id, User.resident, User.verified_resident)}
    assert rows[lan.id]["resident"] == listed_id and rows[lan.id]["verified_resident"]
    created = await ResidentRecord.select().where(ResidentRecord.id == rows[hoa.id]["resident"]).first()
    assert created["name_key"] == "tran thi hoa" and created["commune"] == commune["id"]
    assert rows[sms_only.id] == {"id": sms_only.id, "resident": None, "verified_resident": False}
