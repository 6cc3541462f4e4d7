"""The providers that deliver text messages (``accounts.messaging``): a brandname SMS gateway and
Zalo ZNS over HTTP (httpx), and the console for development. Request and response formats are
described in the README ("Text messages: SMS and Zalo"); each is tested against a stand-in server.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import hmac
import json
import logging

import httpx

from accounts.clock import UTC
from accounts.localtime import HANOI
from accounts.messaging import DeliveryError, DeliveryReport, Outgoing, plain, zns_data
from accounts.tables import ProviderToken

log = logging.getLogger("sangtao.messages")
TIMEOUT = httpx.Timeout(15.0, connect=5.0)


def local_phone(phone: str) -> str:
    """+84912345678 → 0912345678 (the form brandname gateways take)."""
    return "0" + phone[3:] if phone.startswith("+84") else phone.lstrip("+")


def zalo_phone(phone: str) -> str:
    """+84912345678 → 84912345678 (the form Zalo takes)."""
    return phone.lstrip("+") if phone.startswith("+84") else "84" + phone.lstrip("0")


async def _post(client: httpx.AsyncClient | None, url: str, **kwargs) -> dict:
    """POST and read a JSON answer; network trouble and non-JSON answers are retried later."""
    try:
        if client is not None:
            response = await client.post(url, **kwargs)
        else:
            async with httpx.AsyncClient(timeout=TIMEOUT) as own:
                response = await own.post(url, **kwargs)
        data = response.json()
    except (httpx.HTTPError, ValueError) as exc:
        raise DeliveryError("transport", f"{type(exc).__name__}: {exc}") from exc
    if not isinstance(data, dict):
        raise DeliveryError("transport", f"HTTP {response.status_code}: unexpected answer")
    return data


class BrandnameSms:
    """An SMS brandname gateway: one JSON POST per message with the API key and secret, the registered
    brand name as sender, the phone (0…), the content and our message id; it answers a result code."""

    # Result code → (our error code, permanent?)
    ERRORS = {
        "99": ("provider_error", False),
        "101": ("auth_failed", False),
        "103": ("quota_exceeded", False),
        "104": ("sender_not_registered", True),
        "118": ("invalid_phone", True),
        "146": ("template_not_approved", True),
    }

    def __init__(
        self,
        *,
        url: str,
        api_key: str,
        secret_key: str,
        brandname: str,
        unicode: bool = False,
        callback_url: str = "",
        client: httpx.AsyncClient | None = None,
    ):
        self.url, self.api_key, self.secret_key, self.brandname = url, api_key, secret_key, brandname
        self.unicode, self.callback_url, self.client = unicode, callback_url, client

    async def deliver(self, message: Outgoing) -> str:
        content = message.text if self.unicode else plain(message.text)
        data = await _post(
            self.client,
            self.url,
            json={
                "ApiKey": self.api_key,
                "SecretKey": self.secret_key,
                "Brandname": self.brandname,
                "Phone": local_phone(message.phone),
                "Content": content,
                "SmsType": "2",
                "IsUnicode": "1" if self.unicode else "0",
                "RequestId": str(message.id),
                **({"CallbackUrl": self.callback_url} if self.callback_url else {}),
            },
        )
        code = str(data.get("CodeResult", ""))
        if code == "100":
            return str(data.get("SMSID") or "")
        ours, permanent = self.ERRORS.get(code, (f"sms_{code or 'unknown'}", False))
        raise DeliveryError(ours, str(data.get("ErrorMessage") or ""), permanent=permanent)


class TokenStore:
    """The OA's current access and refresh tokens, kept in ``provider_token`` once renewed (Zalo's
    refresh token works once: the renewal returns the next one), seeded from the settings."""

    def __init__(self, name: str, access_token: str = "", refresh_token: str = ""):
        self.name, self.initial = name, (access_token, refresh_token)

    async def get(self) -> tuple[str, str]:
        row = (
            await ProviderToken.select(ProviderToken.access_token, ProviderToken.refresh_token)
            .where(ProviderToken.name == self.name)
            .first()
        )
        return (row["access_token"], row["refresh_token"]) if row else self.initial

    async def put(self, access_token: str, refresh_token: str) -> None:
        now = dt.datetime.now(UTC)
        done = (
            await ProviderToken.update(
                {
                    ProviderToken.access_token: access_token,
                    ProviderToken.refresh_token: refresh_token,
                    ProviderToken.updated_at: now,
                }
            )
            .where(ProviderToken.name == self.name)
            .returning(ProviderToken.id)
        )
        if not done:
            await ProviderToken(
                name=self.name, access_token=access_token, refresh_token=refresh_token, updated_at=now
            ).save()


class ZaloZns:
    """Zalo Notification Service: an approved template sent to a phone through the commune's Official
    Account. ``templates`` maps our template keys to Zalo's template ids."""

    TOKEN_EXPIRED = -124
    ERRORS = {
        -108: ("invalid_phone", True),
        -109: ("template_not_approved", True),
        -117: ("template_not_approved", True),
        -115: ("quota_exceeded", False),
        -144: ("quota_exceeded", False),
        -124: ("token_expired", False),
        -118: ("no_zalo_account", True),
        -119: ("no_zalo_account", True),
    }

    def __init__(
        self,
        *,
        app_id: str,
        secret_key: str,
        templates: dict[str, str],
        tokens: TokenStore,
        api_url: str,
        oauth_url: str,
        client: httpx.AsyncClient | None = None,
    ):
        self.app_id, self.secret_key, self.templates, self.tokens = app_id, secret_key, templates, tokens
        self.api_url, self.oauth_url, self.client = api_url, oauth_url, client

    async def _send(self, message: Outgoing, template_id: str, access_token: str) -> dict:
        return await _post(
            self.client,
            self.api_url,
            headers={"access_token": access_token},
            json={
                "phone": zalo_phone(message.phone),
                "template_id": template_id,
                "template_data": zns_data(message.params),
                "tracking_id": str(message.id),
            },
        )

    async def refresh(self) -> str:
        """Renew the access token with the refresh token; store both new tokens."""
        _, refresh_token = await self.tokens.get()
        if not refresh_token:
            raise DeliveryError("token_expired", "no refresh token")
        data = await _post(
            self.client,
            self.oauth_url,
            headers={"secret_key": self.secret_key},
            data={"app_id": self.app_id, "grant_type": "refresh_token", "refresh_token": refresh_token},
        )
        access = data.get("access_token")
        if not access:
            raise DeliveryError("token_expired", f"refresh refused: {data.get('error_description') or data}")
        await self.tokens.put(access, data.get("refresh_token") or refresh_token)
        log.info("Zalo access token renewed")
        return access

    async def deliver(self, message: Outgoing) -> str:
        template_id = self.templates.get(message.template)
        if not template_id:
            raise DeliveryError("template_not_approved", f"no ZNS template for {message.template}", permanent=True)
        access_token, _ = await self.tokens.get()
        data = await self._send(message, template_id, access_token)
        if data.get("error") == self.TOKEN_EXPIRED:  # renew once and try again
            data = await self._send(message, template_id, await self.refresh())
        error = data.get("error")
        if error == 0:
            return str((data.get("data") or {}).get("msg_id") or "")
        ours, permanent = (
            self.ERRORS.get(error, (f"zns_{error}", False)) if isinstance(error, int) else (f"zns_{error}", False)
        )
        raise DeliveryError(ours, str(data.get("message") or ""), permanent=permanent)


def zalo_templates(spec: str) -> dict[str, str]:
    """``"phone_code=123,notice=456"`` → {"phone_code": "123", "notice": "456"}."""
    pairs = (item.split("=", 1) for item in spec.split(",") if "=" in item)
    return {k.strip(): v.strip() for k, v in pairs if k.strip() and v.strip()}


# ── Delivery reports (the providers call the site back) ──────────────────────────────────────────

SMS_DELIVERED = "5"  # the gateway's SendStatus: 5 on the phone; 4 refused by the network, 6 expired
SMS_UNDELIVERED = {"4": "undelivered", "6": "expired"}
ZALO_RECEIVED = "user_received_message"


def _sign(secret: str, body: bytes) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def sms_signature(secret: str, body: bytes) -> str:
    """The gateway signs each delivery receipt: ``X-Signature`` = hex HMAC-SHA256 of the raw body
    with the callback secret agreed with it."""
    return _sign(secret, body)


def verify_sms_receipt(secret: str, body: bytes, signature: str) -> bool:
    return bool(secret and signature) and hmac.compare_digest(sms_signature(secret, body), signature.strip().lower())


def zalo_signature(app_id: str, secret: str, body: bytes, timestamp: str) -> str:
    """Zalo signs each webhook event: ``X-ZEvent-Signature: mac=<hex SHA-256 of app id + raw body +
    the event's timestamp + the OA's webhook secret key>``."""
    return "mac=" + hashlib.sha256(app_id.encode() + body + timestamp.encode() + secret.encode()).hexdigest()


def _json(body: bytes) -> dict | None:
    try:
        data = json.loads(body or b"")
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def verify_zalo_event(app_id: str, secret: str, body: bytes, signature: str) -> bool:
    data = _json(body)
    if not (app_id and secret and signature) or data is None or str(data.get("app_id", "")) != app_id:
        return False
    expected = zalo_signature(app_id, secret, body, str(data.get("timestamp", "")))
    return hmac.compare_digest(expected, signature.replace(" ", "").strip().lower())


def _our_id(value: object) -> int | None:
    text = str(value or "").strip()
    return int(text) if text.isdigit() and len(text) < 19 else None


def parse_sms_receipt(body: bytes) -> DeliveryReport | None:
    """A gateway delivery receipt → a report; None for a receipt that is not final yet (or not one)."""
    data = _json(body)
    if data is None:
        return None
    status = str(data.get("SendStatus", ""))
    if status != SMS_DELIVERED and status not in SMS_UNDELIVERED:
        return None
    at = None
    with contextlib.suppress(ValueError, TypeError):
        at = dt.datetime.strptime(str(data.get("SendTime")), "%Y-%m-%d %H:%M:%S").replace(tzinfo=HANOI).astimezone(UTC)
    return DeliveryReport(
        channel="sms",
        message_id=_our_id(data.get("RequestId")),
        provider_id=str(data.get("SMSID") or "")[:100],
        delivered=status == SMS_DELIVERED,
        error_code="" if status == SMS_DELIVERED else SMS_UNDELIVERED[status],
        at=at,
    )


def parse_zalo_event(body: bytes) -> DeliveryReport | None:
    """A ZNS ``user_received_message`` event → a report; None for the OA's other events."""
    data = _json(body)
    if data is None or data.get("event_name") != ZALO_RECEIVED or not isinstance(data.get("message"), dict):
        return None
    message = data["message"]
    at = None
    with contextlib.suppress(ValueError, TypeError, OverflowError, OSError):
        at = dt.datetime.fromtimestamp(int(message.get("delivery_time")) / 1000, UTC)
    return DeliveryReport(
        channel="zalo",
        message_id=_our_id(message.get("tracking_id")),
        provider_id=str(message.get("msg_id") or "")[:100],
        delivered=True,
        at=at,
    )
