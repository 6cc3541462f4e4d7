"""Secrets at rest: a password-reset link and a phone code are kept only as hashes, so nobody who
reads the database (a platform admin, a backup, a leaked dump) can use them. The only copy of a
reset link is the message sent to its owner, which the admin never shows (test_admin_scoping)."""

from __future__ import annotations

import hashlib
import re

import pytest

from accounts.tables import OutboxMail, PasswordResetToken, PhoneCode, ResidentRecord, User
from tests.conftest import login, post_form
from tests.support.factories import PASSWORD

pytestmark = pytest.mark.integration

MESSAGES = {"outbox_mail", "notification"}  # the message to the owner is where the link lives


async def _tables_holding(text: str) -> set[str]:
    """Every table (of every app, piccolo-admin's included) with a row in which ``text`` appears."""
    from piccolo.conf.apps import Finder

    found = set()
    for table in Finder().get_table_classes():
        rows = await table.select()
        if any(text in str(value) for row in rows for value in row.values()):
            found.add(table._meta.tablename)
    return found


async def test_a_reset_link_is_stored_only_as_its_hash(client, make_user):
    person = await make_user(email="lan@example.com")
    assert (await post_form(client, "/password/forgot", {"identifier": "lan@example.com"})).status_code in (200, 303)
    row = await PasswordResetToken.select().where(PasswordResetToken.user == person.id).first()
    body = (await OutboxMail.select(OutboxMail.body).where(OutboxMail.user == person.id).first())["body"]
    token = re.search(r"/password/reset/([\w-]+)", body).group(1)
    assert row["token_hash"] == hashlib.sha256(token.encode()).hexdigest() != token
    assert await _tables_holding(token) <= MESSAGES
    # The hash itself opens nothing: only the link does.
    assert (await client.get(f"/password/reset/{row['token_hash']}")).status_code in (200, 400, 404)
    refused = await post_form(
        client, f"/password/reset/{row['token_hash']}", {"new_password": "trăng-rằm-tháng-tám"}, page="/password/forgot"
    )
    assert refused.status_code != 303
    assert (await login(client, "lan@example.com", PASSWORD)).status_code == 303


async def test_a_phone_code_is_stored_only_as_its_hash(app, client, commune, make_user, clock):
    await ResidentRecord(
        commune=commune["id"], name_key="tran van binh", birth_year=1985, phone="+84912000333", imported_at=clock()
    ).save()
    person = await make_user(email="", phone="+84912000333")
    await login(client, "0912 000 333", PASSWORD)
    sent = await post_form(client, "/account/verify/send", {}, page="/account/verify")
    assert sent.status_code in (200, 303)
    code = re.search(r"\b(\d{6})\b", app.state.ctx.sms.sent[-1][1]).group(1)
    row = await PhoneCode.select().where(PhoneCode.user == person.id).first()
    assert code not in row["code_hash"] and len(row["code_hash"]) == 64
    assert not any(code == str(value) for value in row.values())
    # A six-digit code may appear by chance inside a hash or a date; what must never be stored is the
    # code as a value of its own.
    from piccolo.conf.apps import Finder

    for table in Finder().get_table_classes():
        for stored in await table.select():
            assert all(str(value) != code for value in stored.values()), table._meta.tablename
    assert (await post_form(client, "/account/verify/check", {"code": code}, page="/account/verify")).status_code == 303
    assert (await User.select(User.verified_method).where(User.id == person.id).first())[
        "verified_method"
    ] == "phone_code"
