"""Text messages to a phone: verification codes, password resets and the notices people opted into.

A message (recipient phone, template key, parameters, purpose — code, reset or notice — and channel —
SMS or Zalo ZNS) is a row of ``OutboxMessage`` written by ``queue_message`` in the transaction of the
action that causes it, like the mail outbox. ``deliver_due`` (run by the background worker) sends
each through the provider of its channel (``accounts.providers``), with retries and back-off, and
under two caps counted per Hà Nội day: messages to one phone, and messages in all — so a bug or an
attacker cannot spend the commune's budget. Every outcome is recorded on the row (status, the
provider's message id, an error code) and in the audit log (template, purpose, channel, to whom).

Codes and reset links never rest in the database: the text is rendered when it is sent, and the
one secret parameter is kept in ``OutboxMessage.secret`` (a secret column: the admin never shows
it) only until the message is sent or given up, then blanked. The audit log never has it.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from piccolo.columns import Column

from accounts import audit
from accounts.clock import UTC
from accounts.engine import atomic
from accounts.errors import ValidationFailed
from accounts.i18n import N_, translate
from accounts.localtime import HANOI
from accounts.tables import MessageCaps, NoticePreference, OutboxMessage, User

log = logging.getLogger("sangtao.messages")

PURPOSES = ("code", "reset", "notice")
CHANNELS = ("sms", "zalo")
SENT = ("sent", "delivered")
ZNS_PARAM_LIMIT = 400  # Zalo refuses a template parameter longer than this


@dataclass(frozen=True)
class Template:
    """A message's text (a msgid with %(name)s parameters) and its parameters, in the order a ZNS
    template declares them; ``secret`` names the parameter that must not be stored once sent."""

    text: str
    params: tuple[str, ...]
    secret: str = ""


TEMPLATES: dict[str, Template] = {
    "phone_code": Template(
        N_("Sáng tạo: your code is %(code)s, valid for 10 minutes. Do not give it to anyone."), ("code",), "code"
    ),
    "password_reset": Template(
        N_(
            "Sáng tạo: to choose a new password, open %(link)s within %(minutes)s minutes. "
            "If you did not ask for it, ignore this message."
        ),
        ("link", "minutes"),
        "link",
    ),
    "team_invitation": Template(
        N_("Sáng tạo: %(name)s invites you to join the team of the idea “%(title)s”. Open %(link)s"),
        ("name", "title", "link"),
    ),
    "notice": Template(N_("Sáng tạo: %(title)s. See %(link)s"), ("title", "link")),
}


class DeliveryError(Exception):
    """A provider refused or failed a message. ``code`` is ours (README): invalid_phone,
    template_not_approved, quota_exceeded, token_expired, auth_failed, transport, …;
    ``permanent`` errors are not retried."""

    def __init__(self, code: str, detail: str = "", *, permanent: bool = False):
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code, self.detail, self.permanent = code, detail, permanent


@dataclass(frozen=True)
class Outgoing:
    """A message ready for a provider: its text and, for template channels, its parameters."""

    id: int
    phone: str  # +84…
    channel: str
    purpose: str
    template: str
    params: dict[str, str]
    text: str


class Messenger(Protocol):
    async def deliver(self, message: Outgoing) -> str:
        """Send; return the provider's message id, or raise ``DeliveryError``."""
        ...


@dataclass(frozen=True)
class Caps:
    per_phone: int = 5  # messages to one phone per Hà Nội day
    per_day: int = 500  # messages in all per Hà Nội day


CAP_LIMITS = {"per_phone": (1, 100), "per_day": (1, 1_000_000)}  # what the platform admin may choose


async def current_caps(default: Caps) -> Caps:
    """The caps the platform admin set (``set_caps``), or ``default`` (the settings) until they do."""
    row = await MessageCaps.select(MessageCaps.per_phone, MessageCaps.per_day).order_by(MessageCaps.id).first()
    return Caps(per_phone=row["per_phone"], per_day=row["per_day"]) if row else default


async def set_caps(per_phone: str, per_day: str, *, actor_id: int, ip: str = "", now: dt.datetime) -> Caps:
    """The platform admin sets the caps (whole numbers within ``CAP_LIMITS``); audited with the old values.
    Raises ``ValidationFailed`` naming each wrong field; nothing is saved then."""
    values, errors, params = {}, {}, {}
    for name, raw in (("per_phone", per_phone), ("per_day", per_day)):
        low, high = CAP_LIMITS[name]
        text = (raw or "").strip().replace(".", "").replace(" ", "")
        if not text.isdigit() or not low <= int(text) <= high:
            errors[name] = N_("Enter a whole number from %(low)s to %(high)s.")
            params[name] = {"low": low, "high": f"{high:,}".replace(",", ".")}
        else:
            values[name] = int(text)
    if not errors and values["per_phone"] > values["per_day"]:
        errors["per_phone"] = N_("The cap per phone cannot be more than the cap for the whole day.")
    if errors:
        raise ValidationFailed(errors, params)
    async with atomic(MessageCaps._meta.db):
        row = await MessageCaps.select().order_by(MessageCaps.id).first()
        if row:
            await MessageCaps.update(
                {
                    MessageCaps.per_phone: values["per_phone"],
                    MessageCaps.per_day: values["per_day"],
                    MessageCaps.updated_at: now,
                    MessageCaps.updated_by: actor_id,
                }
            ).where(MessageCaps.id == row["id"])
        else:
            await MessageCaps(
                per_phone=values["per_phone"], per_day=values["per_day"], updated_at=now, updated_by=actor_id
            ).save()
        before = {"per_phone": row["per_phone"], "per_day": row["per_day"]} if row else {}
        await audit.record(
            "message.caps_set",
            actor_id=actor_id,
            target_type="message_caps",
            ip=ip,
            data={"before": before, "after": values},
            now=now,
        )
    return Caps(**values)


@dataclass
class Config:
    """Which channel each purpose uses and which channels exist here (set by the app from its settings)."""

    code_channel: str = "sms"
    reset_channel: str = "sms"
    channels: frozenset[str] = field(default_factory=lambda: frozenset({"sms"}))


_CONFIG = {"config": Config()}


def configure(config: Config) -> None:
    _CONFIG["config"] = config


def config() -> Config:
    return _CONFIG["config"]


def channel_for(purpose: str) -> str:
    c = config()
    return {"code": c.code_channel, "reset": c.reset_channel}.get(purpose, "sms")


async def queue_message(
    phone: str,
    template: str,
    *,
    purpose: str,
    params: Mapping[str, Any] | None = None,
    secret: str = "",
    channel: str | None = None,
    user_id: int | None = None,
    commune_id: int | None = None,
    contest_id: int | None = None,
    now: dt.datetime,
) -> int:
    """Write a message to the outbox (in the caller's transaction). Returns its id."""
    if template not in TEMPLATES:
        raise ValueError(f"unknown message template {template!r}")
    if purpose not in PURPOSES:
        raise ValueError(f"unknown message purpose {purpose!r}")
    channel = channel or channel_for(purpose)
    if channel not in CHANNELS:
        raise ValueError(f"unknown message channel {channel!r}")
    row = OutboxMessage(
        user=user_id,
        commune=commune_id,
        contest=contest_id,
        phone=phone,
        channel=channel,
        purpose=purpose,
        template=template,
        params=json.dumps({k: str(v) for k, v in (params or {}).items()}, ensure_ascii=False),
        secret=secret,
        created_at=now,
        next_attempt_at=now,
    )
    await row.save()
    return row.id


def _params(row: dict) -> dict[str, str]:
    data = row["params"]
    return dict(json.loads(data or "{}") if isinstance(data, str) else (data or {}))


def render(row: dict, lang: str = "vi") -> Outgoing:
    template = TEMPLATES[row["template"]]
    params = _params(row)
    if template.secret:
        params[template.secret] = row["secret"]
    params = {name: params.get(name, "") for name in template.params}
    return Outgoing(
        id=row["id"],
        phone=row["phone"],
        channel=row["channel"],
        purpose=row["purpose"],
        template=row["template"],
        params=params,
        text=translate(template.text, lang, **params),
    )


def plain(text: str) -> str:
    """Vietnamese without diacritics (đ → d, curly quotes → straight): one 160-character GSM segment
    instead of 70 Unicode characters, as brandname SMS is usually sent."""
    text = text.replace("đ", "d").replace("Đ", "D").replace("“", '"').replace("”", '"').replace("’", "'")
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")


def zns_data(params: Mapping[str, str]) -> dict[str, str]:
    """Template parameters as Zalo takes them: each at most 400 characters."""
    return {k: (v if len(v) <= ZNS_PARAM_LIMIT else v[: ZNS_PARAM_LIMIT - 1] + "…") for k, v in params.items()}


def mask(phone: str) -> str:
    """+84912***678: enough to tell numbers apart in the audit log."""
    return phone[:6] + "***" + phone[-3:] if len(phone) > 9 else "***"


def day_start(now: dt.datetime) -> dt.datetime:
    local = now.astimezone(HANOI)
    return local.replace(hour=0, minute=0, second=0, microsecond=0).astimezone(UTC)


def backoff(attempts: int) -> dt.timedelta:
    return dt.timedelta(minutes=min(2**attempts, 120))


async def _sent_since(since: dt.datetime, phone: str | None = None) -> int:
    # Every message a provider accepted counts, even one it later reported as not delivered (it was paid for).
    clause = OutboxMessage.sent_at >= since
    if phone is not None:
        clause = clause & (OutboxMessage.phone == phone)
    return await OutboxMessage.count().where(clause)


async def _finish(
    row: dict,
    *,
    status: str,
    now: dt.datetime,
    attempts: int,
    provider_id: str = "",
    error_code: str = "",
    error: str = "",
) -> None:
    """A message sent or given up: record it, blank its secret, and audit it (without the secret)."""
    async with atomic(OutboxMessage._meta.db):
        await OutboxMessage.update(
            {
                OutboxMessage.status: status,
                OutboxMessage.attempts: attempts,
                OutboxMessage.secret: "",
                OutboxMessage.provider_id: provider_id[:100],
                OutboxMessage.error_code: error_code[:40],
                OutboxMessage.last_error: error[:2000],
                OutboxMessage.sent_at: now if status in SENT else None,
            }
        ).where(OutboxMessage.id == row["id"])
        data = {
            "message": row["id"],
            "channel": row["channel"],
            "purpose": row["purpose"],
            "template": row["template"],
            "phone": mask(row["phone"]),
        }
        if provider_id:
            data["provider_id"] = provider_id[:100]
        if error_code:
            data["error"] = error_code
        await audit.record(
            "message.sent" if status in SENT else "message.failed",
            target_type="user",
            target_id=row["user"] if row["user"] is not None else "",
            commune_id=row["commune"],
            data=data,
            now=now,
        )


async def deliver(
    message_id: int,
    providers: Mapping[str, Messenger],
    *,
    caps: Caps,
    now: dt.datetime,
    max_attempts: int = 5,
    lang: str = "vi",
) -> str:
    """Send one queued message now. Returns its status afterwards (queued again when it will be retried).

    The row is claimed with an atomic conditional update (queued → sending), so several workers never
    send the same message twice.
    """
    claimed = (
        await OutboxMessage.update({OutboxMessage.status: "sending"})
        .where((OutboxMessage.id == message_id) & (OutboxMessage.status == "queued"))
        .returning(OutboxMessage.id)
    )
    if not claimed:
        return ""
    row = await OutboxMessage.select().where(OutboxMessage.id == message_id).first()
    assert row is not None  # claimed just above
    attempts = row["attempts"] + 1
    provider = providers.get(row["channel"])
    if provider is None:
        await _finish(row, status="failed", now=now, attempts=row["attempts"], error_code="no_provider")
        return "failed"
    since = day_start(now)
    if await _sent_since(since, row["phone"]) >= caps.per_phone:
        await _finish(row, status="failed", now=now, attempts=row["attempts"], error_code="cap_recipient")
        log.warning("message %s not sent: %s messages to this phone today", message_id, caps.per_phone)
        return "failed"
    if await _sent_since(since) >= caps.per_day:
        await _finish(row, status="failed", now=now, attempts=row["attempts"], error_code="cap_daily")
        log.warning("message %s not sent: the day's cap of %s messages is reached", message_id, caps.per_day)
        return "failed"
    try:
        provider_id = await provider.deliver(render(row, lang))
    except Exception as exc:  # noqa: BLE001 — a provider's refusal or any transport failure
        error = exc if isinstance(exc, DeliveryError) else DeliveryError("transport", f"{type(exc).__name__}: {exc}")
        log.warning("message %s failed (attempt %s): %s", message_id, attempts, error)
        if error.permanent or attempts >= max_attempts:
            await _finish(row, status="failed", now=now, attempts=attempts, error_code=error.code, error=str(error))
            return "failed"
        await OutboxMessage.update(
            {
                OutboxMessage.status: "queued",
                OutboxMessage.attempts: attempts,
                OutboxMessage.error_code: error.code[:40],
                OutboxMessage.last_error: str(error)[:2000],
                OutboxMessage.next_attempt_at: now + backoff(attempts),
            }
        ).where(OutboxMessage.id == message_id)
        return "queued"
    await _finish(row, status="sent", now=now, attempts=attempts, provider_id=str(provider_id or ""))
    return "sent"


async def deliver_due(
    providers: Mapping[str, Messenger],
    *,
    caps: Caps,
    now: dt.datetime | None = None,
    max_attempts: int = 5,
    batch: int = 20,
    lang: str = "vi",
) -> int:
    """Send the queued messages whose time has come (oldest first). Returns how many were sent.

    ``caps`` are the settings' caps: those the platform admin set (``set_caps``) take their place."""
    now = now or dt.datetime.now(UTC)
    caps = await current_caps(caps)
    due = (
        await OutboxMessage.select(OutboxMessage.id)
        .where((OutboxMessage.status == "queued") & (OutboxMessage.next_attempt_at <= now))
        .order_by(OutboxMessage.id)
        .limit(batch)
    )
    sent = 0
    for row in due:
        status = await deliver(row["id"], providers, caps=caps, now=now, max_attempts=max_attempts, lang=lang)
        sent += status == "sent"
    return sent


# ── Delivery reports ─────────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class DeliveryReport:
    """What a provider reports later about a message it accepted: delivered to the phone, or not.
    ``message_id`` is our outbox id (sent to the provider as RequestId / tracking_id), ``provider_id``
    the provider's own id (SMSID / msg_id)."""

    channel: str
    message_id: int | None
    provider_id: str
    delivered: bool
    error_code: str = ""
    at: dt.datetime | None = None


async def record_delivery(report: DeliveryReport, *, now: dt.datetime) -> str:
    """Record a delivery report on its outbox row. Returns what happened:

    ``"recorded"``; ``"repeat"`` (the row already has its final outcome: a provider sending the same
    report again changes nothing); ``"unknown"`` (no message of this channel with these ids);
    ``"early"`` (the message is not recorded as sent yet: the provider should try again later).

    Only a message recorded as sent changes, with one conditional update, so two copies of a report
    arriving together record it once.
    """
    clause = OutboxMessage.channel == report.channel
    if report.message_id is not None:
        clause = clause & (OutboxMessage.id == report.message_id)
    elif report.provider_id:
        clause = clause & (OutboxMessage.provider_id == report.provider_id[:100])
    else:
        return "unknown"
    row = (
        await OutboxMessage.select(OutboxMessage.id, OutboxMessage.status, OutboxMessage.provider_id)
        .where(clause)
        .first()
    )
    if row is None or (report.provider_id and row["provider_id"] and row["provider_id"] != report.provider_id[:100]):
        return "unknown"
    if row["status"] in ("queued", "sending"):
        return "early"
    at = report.at or now
    changes: dict[Column | str, Any] = (
        {OutboxMessage.status: "delivered", OutboxMessage.delivered_at: at}
        if report.delivered
        else {OutboxMessage.status: "failed", OutboxMessage.error_code: (report.error_code or "undelivered")[:40]}
    )
    done = (
        await OutboxMessage.update(changes)
        .where((OutboxMessage.id == row["id"]) & (OutboxMessage.status == "sent"))
        .returning(OutboxMessage.id)
    )
    if not done:
        return "repeat"
    log.info(
        "message %s %s (%s report)", row["id"], "delivered" if report.delivered else "not delivered", report.channel
    )
    return "recorded"


# ── What people chose ────────────────────────────────────────────────────────────────────────────

# Notice groups a person can route to e-mail, SMS or Zalo; the kinds of inbox notice in each.
NOTICE_GROUPS: dict[str, tuple[str, frozenset[str]]] = {
    "idea_result": (
        N_("My idea is shortlisted, moves on or wins an award"),
        frozenset({"idea_shortlisted", "idea_awarded", "round_advanced", "not_selected", "results_out"}),
    ),
    "team": (N_("Invitations to join a team"), frozenset({"team_invitation"})),
    "mentoring": (N_("Answers to my mentoring requests"), frozenset({"mentoring_answer", "mentoring_match"})),
    "office_hours": (N_("Office hours tomorrow"), frozenset({"office_hours_reminder"})),
    "vote": (N_("A public vote opens in my commune"), frozenset({"vote_open"})),
}
ALWAYS_EMAILED = frozenset({"password_reset"})  # account safety: not stopped by "stop all"
DEFAULT_CHANNELS = ("email",)
OPT_IN_GROUPS = frozenset({"vote"})  # sent to nobody (not even the inbox) unless asked for
MINOR_AGE = 16


def group_of(kind: str) -> str | None:
    return next((g for g, (_, kinds) in NOTICE_GROUPS.items() if kind in kinds), None)


async def preferences(user_id: int) -> dict[str, Any]:
    """``{"channels": {group: [channel, …]}, "stopped": bool}`` (defaults: e-mail only)."""
    row = (
        await NoticePreference.select(NoticePreference.channels, NoticePreference.stopped)
        .where(NoticePreference.user == user_id)
        .first()
    )
    chosen = {}
    if row:
        data = row["channels"]
        chosen = json.loads(data or "{}") if isinstance(data, str) else (data or {})
    return {
        "channels": {g: list(chosen.get(g, () if g in OPT_IN_GROUPS else DEFAULT_CHANNELS)) for g in NOTICE_GROUPS},
        "stopped": bool(row and row["stopped"]),
    }


async def listeners(commune_id: int, group: str) -> list[int]:
    """The live accounts of a commune that asked for a notice group (an opt-in one such as "vote")."""
    rows = await NoticePreference.select(NoticePreference.user, NoticePreference.channels).where(
        (NoticePreference.stopped == False)  # noqa: E712
        & NoticePreference.user.is_in(
            User.select(User.id).where((User.commune == commune_id) & User.deleted_at.is_null())
        )
    )
    people = []
    for row in rows:
        data = row["channels"]
        chosen = json.loads(data or "{}") if isinstance(data, str) else (data or {})
        if chosen.get(group):
            people.append(row["user"])
    return sorted(people)


async def set_preferences(user_id: int, channels: Mapping[str, list[str]], *, stopped: bool, now: dt.datetime) -> None:
    allowed = {"email", *config().channels}
    clean = {g: [c for c in ("email", *CHANNELS) if c in channels.get(g, []) and c in allowed] for g in NOTICE_GROUPS}
    data = json.dumps(clean)
    async with atomic(NoticePreference._meta.db):
        done = (
            await NoticePreference.update(
                {NoticePreference.channels: data, NoticePreference.stopped: stopped, NoticePreference.updated_at: now}
            )
            .where(NoticePreference.user == user_id)
            .returning(NoticePreference.id)
        )
        if not done:
            await NoticePreference(user=user_id, channels=data, stopped=stopped, updated_at=now).save()


def is_minor(birth_year: int | None, now: dt.datetime) -> bool:
    return birth_year is not None and now.year - birth_year < MINOR_AGE


async def channels_for(user_id: int, kind: str, *, now: dt.datetime) -> set[str]:
    """Where a notice of this kind goes beyond the inbox: e-mail, SMS, Zalo (what the person chose and
    this deployment has). A minor's texts go to the guardian's phone (see ``notice_phone``)."""
    if kind in ALWAYS_EMAILED:
        return {"email"}
    prefs = await preferences(user_id)
    if prefs["stopped"]:
        return set()
    group = group_of(kind)
    chosen: set[str] = set(prefs["channels"][group]) if group else set(DEFAULT_CHANNELS)
    return chosen & {"email", *config().channels}


async def notice_phone(user: Mapping[str, Any], *, now: dt.datetime) -> str | None:
    """The phone a person's notices go to: their own; for a minor, their guardian's (who consented
    for them at registration), never the minor's own number."""
    if is_minor(user.get("birth_year"), now):
        return user.get("guardian_phone") or None
    return user.get("phone") or None


async def queue_notices(
    user_id: int, kind: str, *, title: str, link: str, channels: set[str], contest_id: int | None, now: dt.datetime
) -> list[int]:
    """Text the notice on each chosen channel (in the caller's transaction)."""
    texts = channels & set(CHANNELS)
    if not texts:
        return []
    user = (
        await User.select(User.phone, User.birth_year, User.guardian_phone, User.commune, User.deleted_at)
        .where(User.id == user_id)
        .first()
    )
    if not user or user["deleted_at"] is not None:
        return []
    phone = await notice_phone(user, now=now)
    if not phone:
        return []
    return [
        await queue_message(
            phone,
            "notice",
            purpose="notice",
            channel=channel,
            user_id=user_id,
            commune_id=user["commune"],
            contest_id=contest_id,
            params={"title": title, "link": link},
            now=now,
        )
        for channel in sorted(texts)
    ]


# ── What organizers see ──────────────────────────────────────────────────────────────────────────


async def figures(
    *, contest_id: int | None = None, commune_id: int | None = None, costs: Mapping[str, int] | None = None
) -> dict[str, Any]:
    """Messages queued, sent, delivered and failed, per channel, and the estimated cost (VND) of those
    sent: for one contest's notices, or for a commune's messages about no contest (codes, resets)."""
    if contest_id is not None:
        clause = OutboxMessage.contest == contest_id
    else:
        clause = (OutboxMessage.commune == commune_id) & OutboxMessage.contest.is_null()
    rows = await OutboxMessage.select(OutboxMessage.channel, OutboxMessage.status, OutboxMessage.sent_at).where(clause)
    costs = costs or {}
    table = {ch: {"queued": 0, "sent": 0, "delivered": 0, "failed": 0} for ch in CHANNELS}
    for row in rows:
        counts = table.setdefault(row["channel"], {"queued": 0, "sent": 0, "delivered": 0, "failed": 0})
        # "sent": every message the provider accepted (and was paid for), whatever it reported later;
        # "delivered": those it reported on the phone; "failed": never sent, or reported not delivered.
        if row["status"] in ("queued", "sending"):
            counts["queued"] += 1
        if row["sent_at"] is not None:
            counts["sent"] += 1
        if row["status"] == "delivered":
            counts["delivered"] += 1
        if row["status"] == "failed":
            counts["failed"] += 1
    cost = sum(t["sent"] * costs.get(ch, 0) for ch, t in table.items())
    return {"channels": table, "cost": cost, "total": len(rows)}
