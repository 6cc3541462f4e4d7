"""Text messages through the site: a phone-only account resets its password by SMS (stand-in gateway),
and the admin never shows a code."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urlparse

import pytest

from accounts import messaging
from accounts.messaging import Caps
from accounts.providers import BrandnameSms
from accounts.tables import AuditEvent, OutboxMail, OutboxMessage, Role
from accounts.verification import ConsoleSmsProvider
from tests.conftest import admin_login, login, post_form
from tests.support.factories import PASSWORD
from tests.support.standin import SMS_PATH, StandIn

pytestmark = pytest.mark.integration


@pytest.fixture
async def standin():
    server = StandIn()
    await server.start()
    yield server
    await server.stop()


def gateway(server: StandIn) -> dict:
    return {
        "sms": BrandnameSms(
            url=server.url + SMS_PATH, api_key=server.api_key, secret_key=server.secret_key, brandname=server.brandname
        )
    }


async def test_phone_only_account_resets_its_password_by_sms(client, make_user, standin, clock):
    user = await make_user(email="", phone="+84912004000")
    response = await post_form(client, "/password/forgot", {"identifier": "0912 004 000"})
    assert response.status_code == 200 and "qua tin nhắn" in response.text
    assert await OutboxMail.count() == 0  # no e-mail address: nothing to mail
    queued = await OutboxMessage.select().where(OutboxMessage.user == user.id).first()
    assert queued["purpose"] == "reset" and queued["status"] == "queued"

    assert await messaging.deliver_due(gateway(standin), caps=Caps(), now=clock()) == 1

    text = standin.sms[-1]["Content"]
    assert standin.sms[-1]["Phone"] == "0912004000" and text.startswith("Sang tao: de dat mat khau moi")
    link = re.search(r"https?://\S+/password/reset/[\w-]+", text).group(0)
    path = urlparse(link).path
    assert (await client.get(path)).status_code == 200
    response = await post_form(client, path, {"new_password": "trăng-rằm-tháng-tám"})
    assert response.status_code == 303
    assert (await login(client, "0912004000", "trăng-rằm-tháng-tám")).status_code == 303
    assert (await client.get(path)).text.count("đã hết hạn") >= 1  # the link works once
    sent = await OutboxMessage.select().where(OutboxMessage.id == queued["id"]).first()
    assert sent["status"] == "sent" and sent["secret"] == ""
    token = path.rsplit("/", 1)[1]
    assert token not in str(await AuditEvent.select())


async def test_email_account_asking_by_email_gets_no_sms(client, make_user):
    await make_user(email="mai@example.com", phone="+84912004001")
    await post_form(client, "/password/forgot", {"identifier": "mai@example.com"})
    assert await OutboxMail.count() == 1 and await OutboxMessage.count() == 0


async def test_no_code_in_the_admin(client, make_user, clock):
    await make_user(email="admin@example.com", roles=(Role.admin,))
    await messaging.queue_message("+84912004002", "phone_code", purpose="code", secret="918273", now=clock())
    assert (await admin_login(client, "admin@example.com", PASSWORD)).status_code in (200, 303)
    listing = await client.get("/admin/api/tables/outbox_message/")
    assert listing.status_code == 200
    rows = listing.json()["rows"]
    assert len(rows) == 1 and rows[0]["phone"] == "+84912004002" and rows[0]["status"] == "queued"
    assert "918273" not in listing.text and "secret" not in rows[0]
    one = await client.get(f"/admin/api/tables/outbox_message/{rows[0]['id']}/")
    assert one.status_code == 200 and "918273" not in one.text
    schema = await client.get("/admin/api/tables/outbox_message/schema/")
    assert "918273" not in schema.text


async def test_organizers_do_not_reach_the_message_outbox(client, make_user, clock):
    await make_user(email="nhung@example.com", roles=(Role.organizer,))
    await messaging.queue_message("+84912004003", "phone_code", purpose="code", secret="564738", now=clock())
    await admin_login(client, "nhung@example.com", PASSWORD)
    assert "outbox_message" not in (await client.get("/admin/api/tables/")).json()
    refused = await client.get("/admin/api/tables/outbox_message/")
    assert refused.status_code in (403, 404) and "564738" not in refused.text


async def test_a_person_chooses_channels_on_the_account_page(client, make_user, clock):
    from tests.conftest import csrf_from

    lan = await make_user(email="lan@example.com", phone="+84912004010")
    await login(client, "lan@example.com", PASSWORD)
    assert "/account/notices" in (await client.get("/account")).text
    page = await client.get("/account/notices")
    assert page.status_code == 200 and "Ý tưởng của tôi được chọn" in page.text and "Bình chọn công khai" in page.text
    response = await client.post(
        "/account/notices",
        data={
            "_csrf_token": csrf_from(page.text),
            "idea_result": ["sms"],
            "mentoring": ["email", "sms"],
            "vote": ["sms"],
        },
    )
    assert response.status_code == 303
    prefs = await messaging.preferences(lan.id)
    assert prefs["channels"]["idea_result"] == ["sms"] and prefs["channels"]["mentoring"] == ["email", "sms"]
    assert prefs["channels"]["team"] == [] and prefs["stopped"] is False
    page = await client.get("/account/notices")
    assert 'id="n-idea_result-sms" name="idea_result" value="sms"' in page.text
    await client.post("/account/notices", data={"_csrf_token": csrf_from(page.text), "stopped": "on"})
    assert (await messaging.preferences(lan.id))["stopped"] is True


async def test_a_minor_is_told_where_texts_go(client, make_user, clock):
    from accounts.tables import User

    young = await make_user(email="em@example.com", birth_year=clock().year - 13)
    await User.update({User.guardian_phone: "+84912004099", User.guardian_name: "Mẹ"}).where(User.id == young.id)
    await login(client, "em@example.com", PASSWORD)
    page = await client.get("/account/notices")
    assert "chưa đủ 16 tuổi" in page.text and "0912 004 099" in page.text.replace(".", " ")


async def test_organizers_see_the_messages_of_their_contest(client, make_user, make_other_user, commune, clock):
    from tests.support.factories import make_contest

    contest = await make_contest(commune=commune, now=clock())
    await make_user(email="nhung@example.com", roles=(Role.organizer,))
    other = await make_other_user(email="tm@example.com", roles=(Role.organizer,))
    console = ConsoleSmsProvider()
    for n in range(3):
        await messaging.queue_message(
            f"+8491200402{n}",
            "notice",
            purpose="notice",
            contest_id=contest["id"],
            commune_id=commune["id"],
            params={"title": "Kết quả", "link": "https://x"},
            now=clock(),
        )
    await messaging.deliver_due({"sms": console}, caps=Caps(per_phone=5, per_day=2), now=clock())
    await login(client, "nhung@example.com", PASSWORD)
    page = await client.get(f"/organizer/contests/{contest['slug']}/messages")
    assert page.status_code == 200
    assert "<td>0</td><td>2</td>\n              <td>0</td><td>1</td>\n              <td>1.600</td>" in page.text
    assert (await client.get(f"/organizer/contests/{contest['slug']}")).text.count("/messages") == 1
    await client.post("/logout", data={"_csrf_token": ""})
    client.cookies.clear()
    await login(client, "tm@example.com", PASSWORD)
    assert (await client.get(f"/organizer/contests/{contest['slug']}/messages")).status_code in (403, 404)
    assert other.id


async def test_the_export_lists_text_messages_without_their_code(client, make_user, clock):
    import json

    user = await make_user(email="", phone="+84912004030")
    await messaging.set_preferences(user.id, {"mentoring": ["sms"]}, stopped=False, now=clock())
    await messaging.queue_message(
        "+84912004030", "phone_code", purpose="code", secret="246810", user_id=user.id, now=clock()
    )
    await login(client, "0912004030", PASSWORD)
    response = await client.get("/account/export")
    data = json.loads(response.content)
    assert data["notice_preferences"]["channels"]["mentoring"] == ["sms"]
    assert [(m["purpose"], m["status"], m["phone"]) for m in data["text_messages"]] == [
        ("code", "queued", "+84912004030")
    ]
    assert "246810" not in response.text


async def test_the_delivery_command_sends_text_messages_too(db, settings, clock):
    from server.mail import deliver_once

    await messaging.queue_message(
        "+84912004040",
        "notice",
        purpose="notice",
        params={"title": "A", "link": "/"},
        now=clock() - dt.timedelta(minutes=1),
    )
    assert await deliver_once(settings) >= 1
    assert (await OutboxMessage.select(OutboxMessage.status).first())["status"] == "sent"
