"""Mail delivery from the outbox: the sender chosen by the settings and the background worker."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging

from accounts.notifications import ConsoleSender, FileSender, MailSender, SmtpSender, deliver_due
from server.settings import Settings, get_settings

log = logging.getLogger("sangtao.mail")


def sender_for(settings: Settings) -> MailSender:
    mail = settings.mail
    if mail.backend == "smtp":
        return SmtpSender(mail.smtp_host, mail.smtp_port, username=mail.smtp_user, password=mail.smtp_password,
                          starttls=mail.smtp_starttls)
    if mail.backend == "file":
        return FileSender(mail.file_dir)
    return ConsoleSender()


async def deliver_once(settings: Settings | None = None) -> int:
    settings = settings or get_settings()
    return await deliver_due(sender_for(settings), from_address=settings.mail.from_address,
                             max_attempts=settings.mail.max_attempts)


async def worker(settings: Settings, clock=None, interval: float = 5.0) -> None:
    """Runs beside the app: sends due mail, expires mentoring requests (with reminders), sends
    30-day check-ins and office-hours reminders, every few seconds until cancelled. Every step is
    safe to run in several workers."""
    from accounts.clock import system_clock
    from mentoring.services import due_checkins, expire_requests, remind_sessions

    from contest.progress import housekeeping

    clock = clock or system_clock
    sender = sender_for(settings)
    judging_checked = None
    while True:
        try:
            if judging_checked is None or clock() - judging_checked >= dt.timedelta(minutes=1):
                judging_checked = clock()  # deadline reminders, vote bursts, awards, late conflicts
                await housekeeping(now=judging_checked, lang=settings.default_language)
            await expire_requests(now=clock(), lang=settings.default_language)
            await due_checkins(now=clock(), lang=settings.default_language)
            await remind_sessions(now=clock(), lang=settings.default_language)
            await deliver_due(sender, from_address=settings.mail.from_address, max_attempts=settings.mail.max_attempts)
        except asyncio.CancelledError:
            raise
        except Exception:  # noqa: BLE001 — keep the worker alive; the failure is logged
            log.exception("mail delivery round failed")
        await asyncio.sleep(interval)
