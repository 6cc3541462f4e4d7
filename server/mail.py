"""Mail and text-message delivery from the outboxes: the senders chosen by the settings and the
background worker."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging

from accounts import messaging
from accounts.notifications import ConsoleSender, FileSender, MailSender, SmtpSender, deliver_due
from accounts.providers import BrandnameSms, TokenStore, ZaloZns, zalo_templates
from accounts.verification import ConsoleSmsProvider, SmsProvider
from server.settings import Settings, get_settings

SMS_CALLBACK_PATH = "/callbacks/sms/delivery"  # the gateway's delivery receipts
ZALO_CALLBACK_PATH = "/callbacks/zalo/delivery"  # the OA's webhook: ZNS delivery events

log = logging.getLogger("sangtao.mail")


def sender_for(settings: Settings) -> MailSender:
    mail = settings.mail
    if mail.backend == "smtp":
        return SmtpSender(
            mail.smtp_host,
            mail.smtp_port,
            username=mail.smtp_user,
            password=mail.smtp_password,
            starttls=mail.smtp_starttls,
        )
    if mail.backend == "file":
        return FileSender(mail.file_dir)
    return ConsoleSender()


def messengers_for(settings: Settings, console: SmsProvider | None = None) -> dict[str, messaging.Messenger]:
    """The provider of each text-message channel: SMS (a brandname gateway, or the log in development)
    and, when the Official Account is configured, Zalo ZNS."""
    m = settings.messaging
    providers: dict[str, messaging.Messenger] = {}
    if m.sms_provider == "brandname":
        providers["sms"] = BrandnameSms(
            url=m.sms_api_url,
            api_key=m.sms_api_key,
            secret_key=m.sms_secret_key,
            brandname=m.sms_brandname,
            unicode=m.sms_unicode,
            # Where the gateway posts its delivery receipts (only when they can be verified).
            callback_url=settings.base_url + SMS_CALLBACK_PATH if m.sms_callback_secret else "",
        )
    else:
        providers["sms"] = console or ConsoleSmsProvider()
    if m.zalo_configured:
        providers["zalo"] = ZaloZns(
            app_id=m.zalo_app_id,
            secret_key=m.zalo_secret_key,
            templates=zalo_templates(m.zalo_templates),
            tokens=TokenStore("zalo", m.zalo_access_token, m.zalo_refresh_token),
            api_url=m.zalo_api_url,
            oauth_url=m.zalo_oauth_url,
        )
    return providers


def caps_for(settings: Settings) -> messaging.Caps:
    return messaging.Caps(per_phone=settings.messaging.per_phone_per_day, per_day=settings.messaging.per_day)


def configure_messaging(settings: Settings) -> None:
    """Tell the domain which channel codes and resets use and which channels this deployment has."""
    m = settings.messaging
    channels = {"sms", *(["zalo"] if m.zalo_configured else [])}
    messaging.configure(
        messaging.Config(
            code_channel=m.code_channel if m.code_channel in channels else "sms",
            reset_channel=m.reset_channel if m.reset_channel in channels else "sms",
            channels=frozenset(channels),
        )
    )


async def deliver_once(settings: Settings | None = None) -> int:
    """Send the queued mail and text messages that are due; returns how many went out."""
    settings = settings or get_settings()
    mails = await deliver_due(
        sender_for(settings), from_address=settings.mail.from_address, max_attempts=settings.mail.max_attempts
    )
    configure_messaging(settings)
    texts = await messaging.deliver_due(
        messengers_for(settings),
        caps=caps_for(settings),
        max_attempts=settings.messaging.max_attempts,
        lang=settings.default_language,
    )
    return mails + texts


async def worker(settings: Settings, clock=None, interval: float = 5.0) -> None:
    """Runs beside the app: sends due mail, expires mentoring requests (with reminders), sends
    30-day check-ins and office-hours reminders, every few seconds until cancelled. Every step is
    safe to run in several workers."""
    from accounts.clock import system_clock
    from contest.progress import housekeeping
    from mentoring.mentorships import due_checkins
    from mentoring.office_hours import remind_sessions
    from mentoring.requests import expire_requests

    clock = clock or system_clock
    sender = sender_for(settings)
    messengers, caps = messengers_for(settings), caps_for(settings)
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
            await messaging.deliver_due(
                messengers,
                caps=caps,
                now=clock(),
                max_attempts=settings.messaging.max_attempts,
                lang=settings.default_language,
            )
        except asyncio.CancelledError:
            raise
        except Exception:  # noqa: BLE001 — keep the worker alive; the failure is logged
            log.exception("mail delivery round failed")
        await asyncio.sleep(interval)
