"""Delivery reports from the SMS gateway and Zalo, and the caps the platform admin sets.

The providers call the site back (signed, without a browser session); a message moves from sent to
delivered (or failed) once; organizers count sent, delivered and failed; the platform admin alone sets
the caps, in a form, and the delivery worker keeps to them."""

from __future__ import annotations

import dataclasses
import json

import pytest

from accounts import messaging
from accounts.messaging import Caps
from accounts.providers import BrandnameSms, TokenStore, ZaloZns
from accounts.tables import AuditEvent, MessageCaps, OutboxMessage, Role
from tests.conftest import login, post_form
from tests.support.factories import PASSWORD
from tests.support.standin import OAUTH_PATH, SMS_PATH, ZNS_PATH, StandIn

pytestmark = pytest.mark.integration

SMS_URL = "http://testserver/callbacks/sms/delivery"
ZALO_URL = "http://testserver/callbacks/zalo/delivery"


@pytest.fixture
async def standin():
    server = StandIn(zalo_webhook_url=ZALO_URL)
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
def secrets(app, standin, monkeypatch):
    """The site knows the stand-in's callback secrets (as SMS_CALLBACK_SECRET and ZALO_WEBHOOK_SECRET)."""
    ctx = app.state["ctx"]
    messaging_settings = dataclasses.replace(
        ctx.settings.messaging,
        sms_callback_secret=standin.sms_callback_secret,
        zalo_webhook_secret=standin.zalo_webhook_secret,
        zalo_app_id=standin.app_id,
    )
    monkeypatch.setattr(ctx, "settings", dataclasses.replace(ctx.settings, messaging=messaging_settings))
    return ctx


def providers(server: StandIn) -> dict:
    return {
        "sms": BrandnameSms(
            url=server.url + SMS_PATH,
            api_key=server.api_key,
            secret_key=server.secret_key,
            brandname=server.brandname,
            callback_url=SMS_URL,
        ),
        "zalo": ZaloZns(
            app_id=server.app_id,
            secret_key=server.app_secret,
            templates={"phone_code": "1001", "password_reset": "1002", "team_invitation": "1003", "notice": "1004"},
            tokens=TokenStore("zalo", server.access_token, server.refresh_token),
            api_url=server.url + ZNS_PATH,
            oauth_url=server.url + OAUTH_PATH,
        ),
    }


async def queue_notice(phone: str, *, contest_id=None, commune_id=None, channel="sms", now) -> int:
    return await messaging.queue_message(
        phone,
        "notice",
        purpose="notice",
        channel=channel,
        contest_id=contest_id,
        commune_id=commune_id,
        params={"title": "Kết quả vòng 1", "link": "https://sangtao.example/c/1"},
        now=now,
    )


async def row(message_id: int) -> dict | None:
    return await OutboxMessage.select().where(OutboxMessage.id == message_id).first()


# ── Delivery reports ─────────────────────────────────────────────────────────────────────────────


async def test_an_sms_receipt_marks_the_message_delivered_once(client, secrets, standin, clock):
    message_id = await queue_notice("+84912005001", now=clock())
    assert await messaging.deliver_due(providers(standin), caps=Caps(), now=clock()) == 1
    assert standin.sms[-1]["CallbackUrl"] == SMS_URL and standin.sms[-1]["RequestId"] == str(message_id)

    assert await standin.report(client=client) == [200]  # no CSRF token, no session: the signature is enough
    done = await row(message_id)
    assert done["status"] == "delivered" and done["delivered_at"] is not None
    assert done["provider_id"] == standin.sms[-1]["SMSID"]

    # The gateway sends the same receipt again (it had not seen our answer): nothing changes.
    body = standin.sms_receipt(standin.sms[-1])
    again = await client.post(SMS_URL, content=body, headers=standin.signed("sms", body))
    assert again.status_code == 200 and again.json()["outcome"] == "repeat"
    assert await row(message_id) == done
    # A later "not delivered" for a message already delivered changes nothing either.
    late = standin.sms_receipt(standin.sms[-1], status="4")
    assert (await client.post(SMS_URL, content=late, headers=standin.signed("sms", late))).json()["outcome"] == "repeat"
    assert (await row(message_id))["status"] == "delivered"


async def test_a_zalo_delivery_event_marks_the_message_delivered(client, secrets, standin, clock):
    message_id = await queue_notice("+84912005002", channel="zalo", now=clock())
    assert await messaging.deliver_due(providers(standin), caps=Caps(), now=clock()) == 1
    assert await standin.report(client=client) == [200]
    done = await row(message_id)
    assert done["status"] == "delivered" and done["delivered_at"] is not None
    body = standin.zalo_event(standin.zns[-1])
    again = await client.post(ZALO_URL, content=body, headers=standin.signed("zalo", body))
    assert again.status_code == 200 and again.json()["outcome"] == "repeat"
    # Another event of the OA (a follower's message) is acknowledged and ignored.
    other = json.dumps({"app_id": standin.app_id, "event_name": "user_send_text", "timestamp": "1"}).encode()
    answer = await client.post(ZALO_URL, content=other, headers=standin.signed("zalo", other))
    assert answer.status_code == 200 and answer.json()["recorded"] is False


async def test_unsigned_and_forged_reports_are_refused(client, secrets, standin, clock):
    message_id = await queue_notice("+84912005003", now=clock())
    await messaging.deliver_due(providers(standin), caps=Caps(), now=clock())
    sms = standin.sms[-1]
    body = standin.sms_receipt(sms)
    forged = {
        "unsigned": {"Content-Type": "application/json"},
        "wrong signature": {"X-Signature": "0" * 64},
        "signed with another secret": StandIn(sms_callback_secret="guessed").signed("sms", body),
        "signature of another body": standin.signed("sms", standin.sms_receipt(sms, status="4")),
    }
    for name, headers in forged.items():
        answer = await client.post(SMS_URL, content=body, headers=headers)
        assert answer.status_code == 401, name
    # A form post as a browser would send it (with a CSRF token) is no report either.
    assert (await client.post(SMS_URL, data={"SendStatus": "5", "RequestId": str(message_id)})).status_code == 401

    zalo_body = json.dumps(
        {
            "app_id": standin.app_id,
            "event_name": "user_received_message",
            "message": {"msg_id": sms["SMSID"], "tracking_id": str(message_id)},
            "timestamp": "1764500000000",
        }
    ).encode()
    other_app = StandIn(app_id="another-app").signed("zalo", zalo_body)
    for headers in ({}, {"X-ZEvent-Signature": "mac=" + "0" * 64}, other_app):
        assert (await client.post(ZALO_URL, content=zalo_body, headers=headers)).status_code == 401
    assert (await row(message_id))["status"] == "sent"


async def test_without_a_secret_in_the_settings_every_report_is_refused(client, app, standin, clock):
    assert app.state["ctx"].settings.messaging.sms_callback_secret == ""
    message_id = await queue_notice("+84912005004", now=clock())
    await messaging.deliver_due(providers(standin), caps=Caps(), now=clock())
    body = standin.sms_receipt(standin.sms[-1])
    for secret in ("", standin.sms_callback_secret):
        headers = StandIn(sms_callback_secret=secret).signed("sms", body)
        assert (await client.post(SMS_URL, content=body, headers=headers)).status_code == 401
    assert (await row(message_id))["status"] == "sent"


async def test_a_report_before_the_message_is_recorded_sent_asks_for_a_retry(client, secrets, standin, clock):
    message_id = await queue_notice("+84912005005", now=clock())
    early = {"SMSID": "sms-99", "RequestId": str(message_id), "Phone": "0912005005", "SendStatus": "5"}
    body = standin.sms_receipt(early)
    answer = await client.post(SMS_URL, content=body, headers=standin.signed("sms", body))
    assert answer.status_code == 409 and (await row(message_id))["status"] == "queued"
    unknown = standin.sms_receipt({"SMSID": "sms-98", "RequestId": "424242", "SendStatus": "5"})
    answer = await client.post(SMS_URL, content=unknown, headers=standin.signed("sms", unknown))
    assert answer.status_code == 200 and answer.json()["outcome"] == "unknown"


async def test_reports_are_rate_limited_per_address(client, secrets, standin, monkeypatch, clock):
    limited = dataclasses.replace(secrets.settings.messaging, callback_rate_limit=2)
    monkeypatch.setattr(secrets, "settings", dataclasses.replace(secrets.settings, messaging=limited))
    answers = [(await client.post(SMS_URL, content=b"{}")).status_code for _ in range(3)]
    assert answers == [401, 401, 429]


async def test_organizers_count_sent_delivered_and_failed_from_the_reports(
    client, secrets, standin, make_user, commune, clock
):
    from tests.support.factories import make_contest

    contest = await make_contest(commune=commune, now=clock())
    await make_user(email="nhung@example.com", roles=(Role.organizer,))
    ids = [
        await queue_notice(f"+8491200510{n}", contest_id=contest["id"], commune_id=commune["id"], now=clock())
        for n in range(4)
    ]
    # Three go out (the day's cap stops the fourth); one is reported delivered, one not delivered.
    await messaging.deliver_due(providers(standin), caps=Caps(per_phone=5, per_day=3), now=clock())
    _, second, third = standin.sms
    standin.reported.add(third["SMSID"])  # the third's receipt has not come yet
    assert await standin.report(client=client, undelivered={second["SMSID"]}) == [200, 200]
    statuses = [(await row(i))["status"] for i in ids]
    assert statuses == ["delivered", "failed", "sent", "failed"]

    figures = await messaging.figures(contest_id=contest["id"], costs={"sms": 800})
    assert figures["channels"]["sms"] == {"queued": 0, "sent": 3, "delivered": 1, "failed": 2}
    assert figures["cost"] == 3 * 800 and figures["total"] == 4

    await login(client, "nhung@example.com", PASSWORD)
    page = await client.get(f"/organizer/contests/{contest['slug']}/messages")
    assert page.status_code == 200
    assert "<td>0</td><td>3</td>\n              <td>1</td><td>2</td>\n              <td>2.400</td>" in page.text
    assert "Đã gửi: mọi tin nhắn nhà cung cấp đã nhận" in page.text


# ── The caps the platform admin sets ─────────────────────────────────────────────────────────────


async def test_the_platform_admin_sets_the_caps_and_a_burst_is_stopped(client, make_user, standin, clock):
    admin = await make_user(email="admin@example.com", roles=(Role.admin,))
    await login(client, "admin@example.com", PASSWORD)
    page = await client.get("/platform/message-caps")
    assert page.status_code == 200 and "Giới hạn tin nhắn" in page.text
    assert 'value="5"' in page.text and 'value="500"' in page.text  # the settings' values until set

    response = await post_form(client, "/platform/message-caps", {"per_phone": "2", "per_day": "1.000"})
    assert response.status_code == 303
    stored = await MessageCaps.select().first()
    assert (stored["per_phone"], stored["per_day"], stored["updated_by"]) == (2, 1000, admin.id)
    event = await AuditEvent.select().where(AuditEvent.action == "message.caps_set").first()
    data = json.loads(event["data"]) if isinstance(event["data"], str) else event["data"]
    assert event["actor"] == admin.id and data == {"before": {}, "after": {"per_phone": 2, "per_day": 1000}}
    assert 'value="2"' in (await client.get("/platform/message-caps")).text

    # The worker keeps to the stored caps, whatever the settings say: a burst to one phone stops at 2.
    ids = [await queue_notice("+84912005200", now=clock()) for _ in range(4)]
    sent = await messaging.deliver_due(providers(standin), caps=Caps(per_phone=50, per_day=500), now=clock())
    assert sent == 2 and len(standin.sms) == 2
    assert [(await row(i))["error_code"] for i in ids[2:]] == ["cap_recipient", "cap_recipient"]

    # Changed again: the audit keeps the values before.
    await post_form(client, "/platform/message-caps", {"per_phone": "3", "per_day": "1000"})
    assert await MessageCaps.count() == 1
    last = (
        await AuditEvent.select()
        .where(AuditEvent.action == "message.caps_set")
        .order_by(AuditEvent.seq, ascending=False)
        .first()
    )
    data = json.loads(last["data"]) if isinstance(last["data"], str) else last["data"]
    assert data["before"] == {"per_phone": 2, "per_day": 1000}


async def test_wrong_caps_are_explained_beside_their_fields_and_nothing_is_saved(client, make_user, clock):
    await make_user(email="admin@example.com", roles=(Role.admin,))
    await login(client, "admin@example.com", PASSWORD)
    response = await post_form(client, "/platform/message-caps", {"per_phone": "mười", "per_day": "0"})
    assert response.status_code == 400
    assert 'id="e-per_phone"' in response.text and 'id="e-per_day"' in response.text
    assert "Hãy nhập một số nguyên từ 1 đến 100." in response.text
    assert "Hãy nhập một số nguyên từ 1 đến 1.000.000." in response.text
    assert 'value="mười"' in response.text  # what was typed stays
    response = await post_form(client, "/platform/message-caps", {"per_phone": "50", "per_day": "20"})
    assert response.status_code == 400 and "không thể lớn hơn" in response.text
    assert await MessageCaps.count() == 0
    assert await AuditEvent.count().where(AuditEvent.action == "message.caps_set") == 0


@pytest.mark.parametrize("role", ["anonymous", "citizen", "organizer", "city_organizer"])
async def test_only_the_platform_admin_may_set_the_caps(client, make_user, role, clock):
    if role != "anonymous":
        roles = {"citizen": (), "organizer": (Role.organizer,), "city_organizer": (Role.city_organizer,)}[role]
        await make_user(email="someone@example.com", roles=roles)
        await login(client, "someone@example.com", PASSWORD)
    page = await client.get("/platform/message-caps")
    token = (await client.get("/account/notices" if role != "anonymous" else "/login")).text
    from tests.conftest import csrf_from

    answer = await client.post(
        "/platform/message-caps", data={"per_phone": "1", "per_day": "1", "_csrf_token": csrf_from(token)}
    )
    if role == "anonymous":
        assert page.status_code in (302, 303) and page.headers["location"].startswith("/login")
        assert answer.status_code in (302, 303) and answer.headers["location"].startswith("/login")
    else:
        assert page.status_code == 403 and answer.status_code == 403
    assert await MessageCaps.count() == 0


async def test_the_message_page_links_the_platform_admin_to_the_caps(client, make_user, commune, clock):
    from tests.support.factories import make_contest

    contest = await make_contest(commune=commune, now=clock())
    await make_user(email="nhung@example.com", roles=(Role.organizer,))
    await make_user(email="admin@example.com", roles=(Role.admin,))
    await login(client, "nhung@example.com", PASSWORD)
    page = await client.get(f"/organizer/contests/{contest['slug']}/messages")
    assert page.status_code == 200 and "/platform/message-caps" not in page.text
    await client.post("/logout", data={"_csrf_token": ""})
    client.cookies.clear()
    await login(client, "admin@example.com", PASSWORD)
    page = await client.get(f"/organizer/contests/{contest['slug']}/messages")
    assert 'href="/platform/message-caps">Thay đổi giới hạn tin nhắn</a>' in page.text
