"""In-app inbox and email outbox.

``notify`` and ``queue_mail`` only write rows, so they belong in the same transaction as
the action that caused them; ``deliver_due`` (run by the background worker) sends queued
mail through a ``MailSender`` and retries with back-off.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import uuid
from email.message import EmailMessage
from pathlib import Path
from typing import Protocol

from accounts.clock import UTC
from accounts.tables import Notification, OutboxMail, User

log = logging.getLogger("sangtao.mail")


_SITE = {"base_url": ""}


def use_base_url(base_url: str) -> None:
    """The site's public address (BASE_URL), set once by the app factory, for links in notices."""
    _SITE["base_url"] = (base_url or "").rstrip("/")


def absolute(path: str, base_url: str | None = None) -> str:
    """An address people can open from a mail: ``path`` on the site's public address."""
    if path.startswith(("http://", "https://")):
        return path
    return (base_url if base_url is not None else _SITE["base_url"]).rstrip("/") + path


async def notify(
    user_id: int,
    *,
    title: str,
    body: str = "",
    link: str = "",
    kind: str = "info",
    email: bool = True,
    now: dt.datetime | None = None,
    contest_id: int | None = None,
) -> Notification:
    """Put a message in the user's inbox and, by the channels they chose for this kind of notice
    (``accounts.messaging``: e-mail by default, SMS or Zalo if they opted in), the outboxes.
    ``contest_id`` names the contest the notice is about (for the organizers' message figures)."""
    from accounts import messaging

    created = now or dt.datetime.now(UTC)
    note = Notification(user=user_id, kind=kind, title=title, body=body, link=link, created_at=created)
    await note.save()
    channels = await messaging.channels_for(user_id, kind, now=created)
    if email and "email" in channels:
        row = await User.select(User.email).where(User.id == user_id).first()
        if row and row["email"]:
            text = body + (f"\n\n{link}" if link else "")
            await queue_mail(row["email"], title, text, user_id=user_id, now=created)
    if channels - {"email"}:
        await messaging.queue_notices(
            user_id,
            kind,
            title=title,
            link=absolute(link or "/inbox"),
            channels=channels,
            contest_id=contest_id,
            now=created,
        )
    return note


async def queue_mail(
    to_address: str, subject: str, body: str, *, user_id: int | None = None, now: dt.datetime | None = None
) -> OutboxMail:
    created = now or dt.datetime.now(UTC)
    mail = OutboxMail(
        user=user_id, to_address=to_address, subject=subject, body=body, created_at=created, next_attempt_at=created
    )
    await mail.save()
    return mail


async def unread_count(user_id: int) -> int:
    return await Notification.count().where((Notification.user == user_id) & Notification.read_at.is_null())


async def inbox(user_id: int, limit: int = 50) -> list[dict]:
    return (
        await Notification.select()
        .where(Notification.user == user_id)
        .order_by(Notification.created_at, ascending=False)
        .limit(limit)
    )


async def mark_all_read(user_id: int, now: dt.datetime | None = None) -> None:
    await Notification.update({Notification.read_at: now or dt.datetime.now(UTC)}).where(
        (Notification.user == user_id) & Notification.read_at.is_null()
    )


class MailSender(Protocol):
    async def send(self, message: EmailMessage) -> None: ...


class ConsoleSender:
    """Development: print each mail to the log."""

    async def send(self, message: EmailMessage) -> None:
        log.warning("MAIL to %s — %s\n%s", message["To"], message["Subject"], message.get_content())


class FileSender:
    """Development: write each mail as an .eml file into a folder."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)

    async def send(self, message: EmailMessage) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / f"{dt.datetime.now(UTC):%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}.eml"
        await asyncio.to_thread(path.write_bytes, bytes(message))


class SmtpSender:
    def __init__(self, host: str, port: int, *, username: str = "", password: str = "", starttls: bool = False):
        self.host, self.port = host, port
        self.username, self.password, self.starttls = username, password, starttls

    async def send(self, message: EmailMessage) -> None:
        import aiosmtplib

        await aiosmtplib.send(
            message,
            hostname=self.host,
            port=self.port,
            username=self.username or None,
            password=self.password or None,
            start_tls=self.starttls,
            timeout=20,
        )


def build_message(mail: dict, from_address: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = from_address
    message["To"] = mail["to_address"]
    message["Subject"] = mail["subject"]
    message["Message-ID"] = f"<outbox-{mail['id']}-{uuid.uuid4().hex[:12]}@sangtao>"
    message.set_content(mail["body"])
    return message


def backoff(attempts: int) -> dt.timedelta:
    return dt.timedelta(minutes=min(2**attempts, 240))


async def deliver_due(
    sender: MailSender, *, from_address: str, max_attempts: int = 5, now: dt.datetime | None = None, batch: int = 20
) -> int:
    """Send queued mail whose time has come. Returns how many were sent.

    A row is claimed with an atomic conditional update (queued → sending), so several
    workers never send the same mail twice.
    """
    now = now or dt.datetime.now(UTC)
    due = (
        await OutboxMail.select(OutboxMail.id)
        .where((OutboxMail.status == "queued") & (OutboxMail.next_attempt_at <= now))
        .order_by(OutboxMail.id)
        .limit(batch)
    )
    sent = 0
    for row in due:
        claimed = (
            await OutboxMail.update({OutboxMail.status: "sending"})
            .where((OutboxMail.id == row["id"]) & (OutboxMail.status == "queued"))
            .returning(OutboxMail.id)
        )
        if not claimed:
            continue
        mail = await OutboxMail.select().where(OutboxMail.id == row["id"]).first()
        assert mail is not None  # claimed just above
        try:
            await sender.send(build_message(mail, from_address))
        except Exception as exc:  # noqa: BLE001 — any transport failure is retried
            attempts = mail["attempts"] + 1
            await OutboxMail.update(
                {
                    OutboxMail.status: "failed" if attempts >= max_attempts else "queued",
                    OutboxMail.attempts: attempts,
                    OutboxMail.last_error: f"{type(exc).__name__}: {exc}"[:2000],
                    OutboxMail.next_attempt_at: now + backoff(attempts),
                }
            ).where(OutboxMail.id == mail["id"])
            log.warning("mail %s failed (attempt %s): %s", mail["id"], attempts, exc)
            continue
        await OutboxMail.update(
            {OutboxMail.status: "sent", OutboxMail.attempts: mail["attempts"] + 1, OutboxMail.sent_at: now}
        ).where(OutboxMail.id == mail["id"])
        sent += 1
    return sent
