"""Text messages: the providers' delivery reports (machine to machine) and the caps the platform admin sets."""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.response import Template

from accounts import forms, messaging
from accounts.i18n import N_
from accounts.providers import parse_sms_receipt, parse_zalo_event, verify_sms_receipt, verify_zalo_event
from accounts.rules import Access
from server.auth import client_ip, signed_in_user
from server.context import AppContext
from server.guards import access, public
from server.mail import SMS_CALLBACK_PATH, ZALO_CALLBACK_PATH, caps_for
from server.web import flash, form_page_on_refusal, parse_form, redirect, render

log = logging.getLogger("sangtao.messages")

# Delivery reports are posted by the providers' servers, not by a browser, so Litestar's CSRF check
# (a cookie and a form token that only our own pages carry) does not apply and is switched off for
# these two routes: no browser session is ever used or changed by them, so a forged cross-site
# request has nothing to ride on. What protects them instead: each report must carry the provider's
# signature made with a secret shared only with it (settings SMS_CALLBACK_SECRET, ZALO_WEBHOOK_SECRET),
# checked in constant time before anything is read; a report that is unsigned, forged or for a
# deployment with no secret is refused (401); the requests from one address are rate-limited; and a
# report only moves a sent message to delivered or failed once, so a replayed report changes nothing.
CALLBACK = {"exclude_from_csrf": True}


class DeliveryReportController(Controller):
    path = "/callbacks"
    include_in_schema = False

    async def _receive(self, request: Request, ctx: AppContext, channel: str) -> Response:
        m = ctx.settings.messaging
        if await ctx.limiter.hit(f"callback:{channel}:ip:{client_ip(request)}", m.callback_rate_limit, 60):
            return Response({"error": "rate_limited"}, status_code=429)
        body = await request.body()
        if channel == "sms":
            signed = verify_sms_receipt(m.sms_callback_secret, body, request.headers.get("x-signature", ""))
            report = parse_sms_receipt(body) if signed else None
        else:
            signed = verify_zalo_event(
                m.zalo_app_id, m.zalo_webhook_secret, body, request.headers.get("x-zevent-signature", "")
            )
            report = parse_zalo_event(body) if signed else None
        if not signed:
            log.warning("%s delivery report refused: unsigned or forged, from %s", channel, client_ip(request))
            return Response({"error": "invalid_signature"}, status_code=401)
        if report is None:  # a report that is not final yet, or another kind of event: nothing to record
            return Response({"ok": True, "recorded": False})
        outcome = await messaging.record_delivery(report, now=ctx.now())
        if outcome == "early":  # the worker has not recorded the message as sent yet: the provider retries
            return Response({"error": "not_sent_yet"}, status_code=409)
        return Response({"ok": True, "recorded": outcome == "recorded", "outcome": outcome})

    @post(SMS_CALLBACK_PATH.removeprefix("/callbacks"), opt=public(**CALLBACK), status_code=200)
    async def sms_receipt(self, request: Request, ctx: NamedDependency[AppContext]) -> Response:
        """The SMS gateway's delivery receipt (JSON, signed with ``X-Signature``)."""
        return await self._receive(request, ctx, "sms")

    @post(ZALO_CALLBACK_PATH.removeprefix("/callbacks"), opt=public(**CALLBACK), status_code=200)
    async def zalo_event(self, request: Request, ctx: NamedDependency[AppContext]) -> Response:
        """The Zalo Official Account's webhook: ZNS delivery events (signed with ``X-ZEvent-Signature``)."""
        return await self._receive(request, ctx, "zalo")


@dataclass
class CapsForm:
    """The caps on text messages as typed (the domain reads the numbers and their ranges)."""

    per_phone: str = forms.text(limit=20)
    per_day: str = forms.text(limit=20)


class MessageCapsController(Controller):
    """The platform admin sets how many text messages may go out per phone and per day."""

    path = "/platform/message-caps"
    include_in_schema = False

    async def _page(self, request: Request, ctx: AppContext, *, values=None, errors=None, status=200) -> Template:
        defaults = caps_for(ctx.settings)
        caps = await messaging.current_caps(defaults)
        return render(
            "platform/message_caps.html",
            status=status,
            values=values or {"per_phone": caps.per_phone, "per_day": caps.per_day},
            errors=errors or {},
            defaults=defaults,
            limits=messaging.CAP_LIMITS,
        )

    @get("/", opt=access(Access.admin))
    async def form(self, request: Request, ctx: NamedDependency[AppContext]) -> Template:
        return await self._page(request, ctx)

    @post("/", opt=access(Access.admin))
    async def save(self, request: Request, ctx: NamedDependency[AppContext]) -> Response:
        values = asdict(await parse_form(request, CapsForm))
        async with form_page_on_refusal(request, lambda errors: self._page(request, ctx, values=values, errors=errors)):
            await messaging.set_caps(
                values["per_phone"],
                values["per_day"],
                actor_id=signed_in_user(request).id,
                ip=client_ip(request),
                now=ctx.now(),
            )
        flash(request, N_("The caps on text messages are saved."))
        return redirect("/platform/message-caps")
