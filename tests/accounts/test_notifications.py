"""Inbox and outbox, with delivery to a real local SMTP server (aiosmtpd)."""

from __future__ import annotations

import asyncio
import datetime as dt
import socket

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message

from accounts import notifications
from accounts.notifications import SmtpSender, deliver_due
from accounts.tables import Notification, OutboxMail

pytestmark = pytest.mark.integration


class Collect(Message):
    def __init__(self):
        super().__init__()
        self.messages = []

    def handle_message(self, message):
        self.messages.append(message)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_server():
    handler = Collect()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller, handler
    controller.stop()


async def test_notify_writes_inbox_and_outbox(make_user, clock):
    user = await make_user(email="mai@example.com")
    await notifications.notify(user.id, title="Ý tưởng đã được nộp", body="Mã ý tưởng AK-2026-001", now=clock())
    assert await notifications.unread_count(user.id) == 1
    mail = await OutboxMail.objects().first()
    assert mail.to_address == "mai@example.com" and mail.status == "queued"


async def test_phone_only_user_gets_inbox_but_no_mail(make_user, clock):
    user = await make_user(email="", phone="+84912345678")
    await notifications.notify(user.id, title="Xin chào", now=clock())
    assert await Notification.count() == 1 and await OutboxMail.count() == 0


async def test_outbox_is_delivered_over_smtp(make_user, clock, smtp_server):
    controller, handler = smtp_server
    user = await make_user(email="mai@example.com")
    await notifications.notify(user.id, title="Kết quả vòng sơ khảo", body="Chúc mừng bạn!", now=clock())
    sender = SmtpSender(controller.hostname, controller.port)
    sent = await deliver_due(sender, from_address="Sáng tạo <no-reply@sangtao.local>", now=clock())
    assert sent == 1
    await asyncio.sleep(0.05)
    assert len(handler.messages) == 1
    message = handler.messages[0]
    assert message["To"] == "mai@example.com"
    assert "Kết quả vòng sơ khảo" in str(message["Subject"]) or message["Subject"].startswith("=?utf-8?")
    row = await OutboxMail.objects().first()
    assert row.status == "sent" and row.sent_at is not None and row.attempts == 1
    # Nothing is sent twice.
    assert await deliver_due(sender, from_address="x@sangtao.local", now=clock()) == 0


async def test_failed_delivery_is_retried_later_then_given_up(make_user, clock):
    user = await make_user(email="mai@example.com")
    await notifications.queue_mail("mai@example.com", "Thử", "Nội dung", user_id=user.id, now=clock())
    nowhere = SmtpSender("127.0.0.1", free_port())  # nothing listens there
    assert await deliver_due(nowhere, from_address="x@sangtao.local", max_attempts=2, now=clock()) == 0
    row = await OutboxMail.objects().first()
    assert row.status == "queued" and row.attempts == 1 and row.last_error
    assert row.next_attempt_at > clock()
    # Not yet due: nothing happens.
    assert await deliver_due(nowhere, from_address="x@sangtao.local", max_attempts=2, now=clock()) == 0
    assert (await OutboxMail.objects().first()).attempts == 1
    later = clock() + dt.timedelta(hours=1)
    await deliver_due(nowhere, from_address="x@sangtao.local", max_attempts=2, now=later)
    assert (await OutboxMail.objects().first()).status == "failed"


async def test_concurrent_workers_send_each_mail_once(make_user, clock, smtp_server):
    controller, handler = smtp_server
    user = await make_user(email="mai@example.com")
    for i in range(5):
        await notifications.queue_mail("mai@example.com", f"Thư {i}", "…", user_id=user.id, now=clock())
    sender = SmtpSender(controller.hostname, controller.port)
    results = await asyncio.gather(
        *[deliver_due(sender, from_address="x@sangtao.local", now=clock()) for _ in range(4)]
    )
    assert sum(results) == 5
    await asyncio.sleep(0.1)
    assert len(handler.messages) == 5
