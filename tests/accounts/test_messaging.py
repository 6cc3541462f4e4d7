"""Text messages: the outbox, the SMS and Zalo adapters against a stand-in server, caps, audit, privacy."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

import pytest

from accounts import messaging, verification
from accounts.messaging import Caps
from accounts.providers import BrandnameSms, TokenStore, ZaloZns
from accounts.tables import AuditEvent, OutboxMessage, ProviderToken
from tests.support.standin import OAUTH_PATH, SMS_PATH, ZNS_PATH, StandIn

pytestmark = pytest.mark.integration

TEMPLATES = {"phone_code": "1001", "password_reset": "1002", "team_invitation": "1003", "notice": "1004"}


@pytest.fixture
async def standin():
    server = StandIn()
    await server.start()
    yield server
    await server.stop()


def sms(server: StandIn, **changes) -> BrandnameSms:
    options: dict[str, Any] = dict(
        url=server.url + SMS_PATH, api_key=server.api_key, secret_key=server.secret_key, brandname=server.brandname
    )
    return BrandnameSms(**(options | changes))


def zalo(server: StandIn, **changes) -> ZaloZns:
    options: dict[str, Any] = dict(
        app_id=server.app_id,
        secret_key=server.app_secret,
        templates=TEMPLATES,
        tokens=TokenStore("zalo", server.access_token, server.refresh_token),
        api_url=server.url + ZNS_PATH,
        oauth_url=server.url + OAUTH_PATH,
    )
    return ZaloZns(**(options | changes))


async def row(message_id: int) -> dict | None:
    return await OutboxMessage.select().where(OutboxMessage.id == message_id).first()


async def queue_code(phone: str, code: str, now: dt.datetime, channel: str | None = None) -> int:
    return await messaging.queue_message(phone, "phone_code", purpose="code", secret=code, channel=channel, now=now)


async def test_a_code_goes_out_by_sms_and_leaves_no_trace(db, standin, clock):
    message_id = await queue_code("+84912000111", "482913", clock())
    queued = await row(message_id)
    assert queued["status"] == "queued" and queued["secret"] == "482913"

    sent = await messaging.deliver_due({"sms": sms(standin)}, caps=Caps(), now=clock())

    assert sent == 1
    request = standin.sms[-1]
    assert request["Phone"] == "0912000111" and request["Brandname"] == "SANGTAO" and request["IsUnicode"] == "0"
    assert "482913" in request["Content"] and request["Content"].isascii()
    assert request["Content"].startswith("Sang tao: ma xac minh")  # Vietnamese, without diacritics
    done = await row(message_id)
    assert done["status"] == "sent" and done["provider_id"] == "sms-1" and done["attempts"] == 1
    assert done["secret"] == "" and "482913" not in json.dumps(done, default=str)
    events = await AuditEvent.select().where(AuditEvent.action == "message.sent")
    assert len(events) == 1
    data = json.loads(events[0]["data"]) if isinstance(events[0]["data"], str) else events[0]["data"]
    assert data["template"] == "phone_code" and data["purpose"] == "code" and data["phone"] == "+84912***111"
    assert "482913" not in json.dumps(await AuditEvent.select(), default=str)


async def test_sms_gateway_error_codes(db, standin, clock):
    standin.invalid_phones.add("0912000222")
    invalid = await queue_code("+84912000222", "111111", clock())
    await messaging.deliver_due({"sms": sms(standin)}, caps=Caps(), now=clock())
    assert (await row(invalid))["status"] == "failed" and (await row(invalid))["error_code"] == "invalid_phone"
    assert (await row(invalid))["secret"] == ""

    wrong_key = await queue_code("+84912000333", "222222", clock())
    await messaging.deliver_due({"sms": sms(standin, api_key="nope")}, caps=Caps(), now=clock())
    retry = await row(wrong_key)
    assert retry["status"] == "queued" and retry["error_code"] == "auth_failed" and retry["attempts"] == 1
    assert retry["next_attempt_at"] == clock() + dt.timedelta(minutes=2)  # back-off

    standin.quota = 0
    clock.advance(minutes=3)
    await messaging.deliver_due({"sms": sms(standin)}, caps=Caps(), now=clock())
    assert (await row(wrong_key))["error_code"] == "quota_exceeded"
    assert (await row(wrong_key))["status"] == "queued"

    unregistered = await queue_code("+84912000444", "333333", clock())
    await messaging.deliver_due({"sms": sms(standin, brandname="OTHER")}, caps=Caps(), now=clock())
    assert (await row(unregistered))["error_code"] == "sender_not_registered"
    assert (await row(unregistered))["status"] == "failed"


async def test_a_message_is_given_up_after_the_last_attempt(db, clock):
    message_id = await queue_code("+84912000555", "444444", clock())
    dead = BrandnameSms(url="http://127.0.0.1:9/sms/send", api_key="k", secret_key="s", brandname="B")
    now = clock()
    for _ in range(3):
        await messaging.deliver_due({"sms": dead}, caps=Caps(), now=now, max_attempts=3)
        now += dt.timedelta(hours=3)
    done = await row(message_id)
    assert done["status"] == "failed" and done["attempts"] == 3 and done["error_code"] == "transport"
    assert done["secret"] == ""


async def test_zalo_token_expiry_is_renewed_and_the_message_retried(db, standin, clock):
    provider = zalo(standin)
    first = await queue_code("+84912000666", "555555", clock(), channel="zalo")
    await messaging.deliver_due({"zalo": provider}, caps=Caps(), now=clock())
    assert (await row(first))["status"] == "sent" and standin.refreshes == 0

    standin.expire_access_token()
    second = await queue_code("+84912000666", "666666", clock(), channel="zalo")
    await messaging.deliver_due({"zalo": provider}, caps=Caps(), now=clock())

    done = await row(second)
    assert done["status"] == "sent" and done["provider_id"] == standin.zns[-1]["msg_id"]
    assert standin.refreshes == 1
    assert standin.zns[-1]["phone"] == "84912000666" and standin.zns[-1]["template_id"] == "1001"
    assert standin.zns[-1]["template_data"] == {"code": "666666"}
    tried = [(path, headers.get("access_token")) for path, headers, _ in standin.requests]
    assert tried[-3:] == [(ZNS_PATH, "access-1"), (OAUTH_PATH, None), (ZNS_PATH, "access-2")]
    stored = await ProviderToken.select().where(ProviderToken.name == "zalo").first()
    assert stored["access_token"] == "access-2" and stored["refresh_token"] == "refresh-2"  # the next refresh token

    third = await queue_code("+84912000777", "777777", clock(), channel="zalo")
    await messaging.deliver_due({"zalo": zalo(standin)}, caps=Caps(), now=clock())  # a new worker: stored tokens
    assert (await row(third))["status"] == "sent" and standin.refreshes == 1


async def test_zalo_refresh_refused_is_retried_later(db, standin, clock):
    standin.expire_access_token()
    message_id = await queue_code("+84912000888", "888888", clock(), channel="zalo")
    provider = zalo(standin, tokens=TokenStore("zalo", "access-1", "stale-refresh"))
    await messaging.deliver_due({"zalo": provider}, caps=Caps(), now=clock())
    retry = await row(message_id)
    assert retry["status"] == "queued" and retry["error_code"] == "token_expired" and retry["secret"] == "888888"


async def test_zalo_error_codes_and_long_parameters(db, standin, clock):
    standin.invalid_phones.add("84912000999")
    invalid = await queue_code("+84912000999", "100000", clock(), channel="zalo")
    not_approved = await messaging.queue_message(
        "+84912000998",
        "notice",
        purpose="notice",
        channel="zalo",
        params={"title": "Ý tưởng", "link": "https://x/1"},
        now=clock(),
    )
    await messaging.deliver_due(
        {"zalo": zalo(standin, templates=TEMPLATES | {"notice": "9999"})}, caps=Caps(), now=clock()
    )
    assert (await row(invalid))["error_code"] == "invalid_phone" and (await row(invalid))["status"] == "failed"
    assert (await row(not_approved))["error_code"] == "template_not_approved"
    assert (await row(not_approved))["status"] == "failed"

    long_title = "Ý tưởng " * 100  # 800 characters
    long_one = await messaging.queue_message(
        "+84912000997",
        "notice",
        purpose="notice",
        channel="zalo",
        params={"title": long_title, "link": "https://x/2"},
        now=clock(),
    )
    await messaging.deliver_due({"zalo": zalo(standin)}, caps=Caps(), now=clock())
    assert (await row(long_one))["status"] == "sent"
    assert len(standin.zns[-1]["template_data"]["title"]) == 400

    standin.quota = 0
    out_of_quota = await queue_code("+84912000996", "200000", clock(), channel="zalo")
    await messaging.deliver_due({"zalo": zalo(standin)}, caps=Caps(), now=clock())
    assert (await row(out_of_quota))["error_code"] == "quota_exceeded"
    assert (await row(out_of_quota))["status"] == "queued"


async def test_caps_stop_a_burst(db, standin, clock):
    ids = [await queue_code("+84912001000", f"{n:06d}", clock()) for n in range(10)]
    sent = await messaging.deliver_due({"sms": sms(standin)}, caps=Caps(per_phone=3, per_day=100), now=clock())
    assert sent == 3 and len(standin.sms) == 3
    rows = [await row(i) for i in ids]
    assert [r["status"] for r in rows] == ["sent"] * 3 + ["failed"] * 7
    assert {r["error_code"] for r in rows[3:]} == {"cap_recipient"} and all(r["secret"] == "" for r in rows)

    others = [await queue_code(f"+8491200200{n}", "123456", clock()) for n in range(5)]
    await messaging.deliver_due({"sms": sms(standin)}, caps=Caps(per_phone=3, per_day=5), now=clock())
    statuses = [(await row(i))["status"] for i in others]
    assert statuses == ["sent", "sent", "failed", "failed", "failed"]  # 3 + 2 = the day's 5
    assert (await row(others[-1]))["error_code"] == "cap_daily"
    assert len(standin.sms) == 5

    # A new Hà Nội day (midnight is 17:00 UTC) starts a new count.
    tomorrow = clock().replace(hour=17, minute=1)
    again = await queue_code("+84912001000", "654321", tomorrow)
    await messaging.deliver_due({"sms": sms(standin)}, caps=Caps(per_phone=3, per_day=5), now=tomorrow)
    assert (await row(again))["status"] == "sent"


async def test_phone_code_is_queued_with_its_action_and_sent_at_once(db, make_user, commune, clock):
    from tests.accounts.test_verification import listed

    await listed(commune, phone="+84912003000", now=clock())
    user = await make_user(phone="+84912003000")
    console = verification.ConsoleSmsProvider()
    message_id = await verification.send_phone_code(user.id, {"sms": console}, now=clock())
    code = re.search(r"\b(\d{6})\b", console.sent[-1][1]).group(1)
    assert console.sent[-1][0] == "+84912003000"
    done = await row(message_id)
    assert done["status"] == "sent" and done["purpose"] == "code" and done["user"] == user.id
    assert done["secret"] == "" and code not in json.dumps(await AuditEvent.select(), default=str)
