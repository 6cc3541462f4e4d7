"""A local stand-in for the text-message providers, following their request and response formats
(README, "Text messages: SMS and Zalo"): the brandname SMS gateway, Zalo ZNS and Zalo's OAuth token
renewal, with their error codes. It also plays their delivery reports: ``report()`` posts, signed as
the providers sign them, the SMS gateway's delivery receipt to the ``CallbackUrl`` a message named and
the Zalo OA's ``user_received_message`` event to ``zalo_webhook_url``. Tests start it on 127.0.0.1
with a free port; for a manual try:

    .venv/bin/python -m tests.support.standin 8025 http://127.0.0.1:8000

prints the settings to point the application at it, and each message it accepts; with the site's
address it reports each message delivered a second after accepting it.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import itertools
import json
import re
import sys
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from urllib.parse import parse_qs

import httpx

from accounts.providers import sms_signature, zalo_signature

SMS_PATH = "/sms/send"
ZNS_PATH = "/zns/message/template"
OAUTH_PATH = "/oauth/v4/oa/access_token"


@dataclass
class StandIn:
    api_key: str = "sms-key"
    secret_key: str = "sms-secret"
    brandname: str = "SANGTAO"
    app_id: str = "zalo-app"
    app_secret: str = "zalo-secret"
    access_token: str = "access-1"
    refresh_token: str = "refresh-1"
    approved_templates: set[str] = field(default_factory=lambda: {"1001", "1002", "1003", "1004"})
    invalid_phones: set[str] = field(default_factory=set)
    quota: int | None = None  # messages left (None: unlimited)
    verbose: bool = False
    sms: list[dict] = field(default_factory=list)  # accepted SMS requests
    zns: list[dict] = field(default_factory=list)  # accepted ZNS requests
    requests: list[tuple[str, dict, bytes]] = field(default_factory=list)  # (path, headers, body) of every request
    refreshes: int = 0
    sms_callback_secret: str = "sms-callback-secret"  # signs the gateway's delivery receipts
    zalo_webhook_secret: str = "zalo-webhook-secret"  # the OA's webhook secret key
    zalo_webhook_url: str = ""  # where the OA's events go (set in Zalo's dashboard for a real OA)
    auto_report: bool = False  # report every accepted message delivered, a second later
    reported: set[str] = field(default_factory=set)  # message ids already reported
    reports: list[tuple[str, int, dict]] = field(default_factory=list)  # (url, answer status, answer) of each report
    _ids: itertools.count = field(default_factory=lambda: itertools.count(1))
    _server: asyncio.AbstractServer | None = None
    url: str = ""

    async def start(self, port: int = 0) -> str:
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", port)
        self.url = f"http://127.0.0.1:{self._server.sockets[0].getsockname()[1]}"
        return self.url

    async def stop(self) -> None:
        if self._server:
            self._server.close()
            await self._server.wait_closed()

    # ── HTTP ──────────────────────────────────────────────────────────────────────────────────────
    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            method, path, _ = lines[0].split(" ", 2)
            headers = {k.strip().lower(): v.strip() for k, _, v in (ln.partition(":") for ln in lines[1:] if ln)}
            body = await reader.readexactly(int(headers.get("content-length", "0")))
            self.requests.append((path, headers, body))
            status, answer = self.route(method, path, headers, body)
            payload = json.dumps(answer, ensure_ascii=False).encode()
            writer.write(
                f"HTTP/1.1 {status} OK\r\nContent-Type: application/json\r\nContent-Length: {len(payload)}"
                f"\r\nConnection: close\r\n\r\n".encode()
                + payload
            )
            await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    def route(self, method: str, path: str, headers: dict, body: bytes) -> tuple[int, dict]:
        if method == "POST" and path == SMS_PATH:
            return 200, self.send_sms(json.loads(body or b"{}"))
        if method == "POST" and path == ZNS_PATH:
            return 200, self.send_zns(headers.get("access_token", ""), json.loads(body or b"{}"))
        if method == "POST" and path == OAUTH_PATH:
            form = {k: v[0] for k, v in parse_qs(body.decode()).items()}
            return 200, self.renew(headers.get("secret_key", ""), form)
        return 404, {"error": "not found"}

    def _spend(self) -> bool:
        if self.quota is None:
            return True
        if self.quota <= 0:
            return False
        self.quota -= 1
        return True

    # ── The brandname SMS gateway ─────────────────────────────────────────────────────────────────
    def send_sms(self, req: dict) -> dict:
        if req.get("ApiKey") != self.api_key or req.get("SecretKey") != self.secret_key:
            return {"CodeResult": "101", "ErrorMessage": "Sai ApiKey hoặc SecretKey"}
        if req.get("Brandname") != self.brandname:
            return {"CodeResult": "104", "ErrorMessage": "Brandname chưa được đăng ký"}
        phone = str(req.get("Phone", ""))
        if not re.fullmatch(r"0\d{9,10}", phone) or phone in self.invalid_phones:
            return {"CodeResult": "118", "ErrorMessage": "Số điện thoại không hợp lệ"}
        content = str(req.get("Content", ""))
        if req.get("IsUnicode") == "0" and not content.isascii():
            return {"CodeResult": "146", "ErrorMessage": "Nội dung không đúng mẫu đã đăng ký"}
        if not self._spend():
            return {"CodeResult": "103", "ErrorMessage": "Tài khoản không đủ tiền"}
        sms_id = f"sms-{next(self._ids)}"
        self.sms.append({**req, "SMSID": sms_id})
        if self.verbose:
            print(f"SMS {sms_id} to {phone}: {content}", flush=True)
        self._maybe_report()
        return {"CodeResult": "100", "SMSID": sms_id, "CountRegenerate": 0}

    # ── Zalo ZNS and its OAuth ────────────────────────────────────────────────────────────────────
    def send_zns(self, token: str, req: dict) -> dict:
        if token != self.access_token:
            return {"error": -124, "message": "Access token is invalid"}
        phone = str(req.get("phone", ""))
        if not re.fullmatch(r"84\d{9,10}", phone) or phone in self.invalid_phones:
            return {"error": -108, "message": "Phone number is invalid"}
        if str(req.get("template_id")) not in self.approved_templates:
            return {"error": -117, "message": "Template has not been approved"}
        data = req.get("template_data") or {}
        if not isinstance(data, dict) or any(len(str(v)) > 400 for v in data.values()):
            return {"error": -112, "message": "Template data is invalid"}
        if not self._spend():
            return {"error": -115, "message": "Out of quota"}
        msg_id = f"zns-{next(self._ids)}"
        self.zns.append({**req, "msg_id": msg_id})
        if self.verbose:
            print(f"ZNS {msg_id} to {phone}: template {req.get('template_id')} {data}", flush=True)
        self._maybe_report()
        return {
            "error": 0,
            "message": "Success",
            "data": {"msg_id": msg_id, "sent_time": "1764471600000", "quota": {"remainingQuota": "499"}},
        }

    def renew(self, secret_key: str, form: dict) -> dict:
        if (
            secret_key != self.app_secret
            or form.get("app_id") != self.app_id
            or form.get("grant_type") != "refresh_token"
            or form.get("refresh_token") != self.refresh_token
        ):
            return {
                "error": -14014,
                "error_name": "Invalid refresh token",
                "error_description": "Refresh token is invalid",
            }
        self.refreshes += 1
        self.access_token = f"access-{self.refreshes + 1}"
        self.refresh_token = f"refresh-{self.refreshes + 1}"  # a refresh token works once
        return {"access_token": self.access_token, "refresh_token": self.refresh_token, "expires_in": "90000"}

    # ── Delivery reports back to the site ─────────────────────────────────────────────────────────
    def sms_receipt(self, sms: dict, *, status: str = "5") -> bytes:
        """The gateway's delivery receipt: SendStatus 5 on the phone, 4 refused by the network, 6 expired."""
        body = {
            "SMSID": sms["SMSID"],
            "RequestId": sms.get("RequestId", ""),
            "Phone": sms.get("Phone", ""),
            "SendStatus": status,
            "SendTime": dt.datetime.now(dt.timezone(dt.timedelta(hours=7))).strftime("%Y-%m-%d %H:%M:%S"),
        }
        return json.dumps(body, ensure_ascii=False).encode()

    def zalo_event(self, zns: dict) -> bytes:
        """The OA's ``user_received_message`` event for a ZNS message."""
        now = str(int(dt.datetime.now(dt.UTC).timestamp() * 1000))
        body = {
            "app_id": self.app_id,
            "oa_id": "oa-sangtao",
            "event_name": "user_received_message",
            "message": {"msg_id": zns["msg_id"], "tracking_id": zns.get("tracking_id", ""), "delivery_time": now},
            "timestamp": now,
        }
        return json.dumps(body).encode()

    def signed(self, kind: str, body: bytes) -> dict[str, str]:
        """The headers a provider sends with a report (its signature)."""
        if kind == "sms":
            return {"Content-Type": "application/json", "X-Signature": sms_signature(self.sms_callback_secret, body)}
        timestamp = str(json.loads(body).get("timestamp", ""))
        return {
            "Content-Type": "application/json",
            "X-ZEvent-Signature": zalo_signature(self.app_id, self.zalo_webhook_secret, body, timestamp),
        }

    async def report(
        self, *, undelivered: AbstractSet[str] = frozenset(), client: httpx.AsyncClient | None = None
    ) -> list[int]:
        """Post a delivery report for every accepted message not reported yet (those named in
        ``undelivered``, by SMSID or msg_id, as not delivered). Returns the site's answer statuses.
        ``client`` may be one bound to an app in the test process (an ASGI transport)."""
        posts = []
        for sms in self.sms:
            if sms["SMSID"] not in self.reported and sms.get("CallbackUrl"):
                status = "4" if sms["SMSID"] in undelivered else "5"
                posts.append((sms["SMSID"], sms["CallbackUrl"], "sms", self.sms_receipt(sms, status=status)))
        for zns in self.zns:
            if zns["msg_id"] not in self.reported and self.zalo_webhook_url and zns["msg_id"] not in undelivered:
                posts.append((zns["msg_id"], self.zalo_webhook_url, "zalo", self.zalo_event(zns)))
        statuses = []
        async with contextlib.AsyncExitStack() as stack:
            if client is None:
                client = await stack.enter_async_context(httpx.AsyncClient(timeout=10))
            for message_id, url, kind, body in posts:
                response = await client.post(url, content=body, headers=self.signed(kind, body))
                answer = response.json() if "json" in response.headers.get("content-type", "") else {}
                self.reports.append((url, response.status_code, answer))
                if response.status_code == 200:
                    self.reported.add(message_id)
                statuses.append(response.status_code)
                if self.verbose:
                    print(f"report {message_id} → {url}: {response.status_code} {answer}", flush=True)
        return statuses

    def _maybe_report(self) -> None:
        if self.auto_report:
            asyncio.get_running_loop().call_later(1.0, lambda: asyncio.ensure_future(self.report()))

    def expire_access_token(self) -> None:
        """The OA's access token lapses (Zalo's last 25 hours)."""
        self.access_token = self.access_token + "-renewed-needed"


async def _main(port: int, site: str = "") -> None:
    standin = StandIn(verbose=True, auto_report=bool(site))
    if site:
        standin.zalo_webhook_url = site.rstrip("/") + "/callbacks/zalo/delivery"
    url = await standin.start(port)
    print(
        f"Stand-in providers at {url}. Settings for the application:\n"
        f"  SMS_PROVIDER=brandname SMS_API_URL={url}{SMS_PATH} SMS_API_KEY={standin.api_key} "
        f"SMS_SECRET_KEY={standin.secret_key} SMS_BRANDNAME={standin.brandname}\n"
        f"  ZALO_APP_ID={standin.app_id} ZALO_SECRET_KEY={standin.app_secret} "
        f"ZALO_ACCESS_TOKEN={standin.access_token} ZALO_REFRESH_TOKEN={standin.refresh_token} "
        f"ZALO_API_URL={url}{ZNS_PATH} ZALO_OAUTH_URL={url}{OAUTH_PATH} "
        f"ZALO_TEMPLATES=phone_code=1001,password_reset=1002,team_invitation=1003,notice=1004\n"
        f"  SMS_CALLBACK_SECRET={standin.sms_callback_secret} ZALO_WEBHOOK_SECRET={standin.zalo_webhook_secret}",
        flush=True,
    )
    await asyncio.Event().wait()


if __name__ == "__main__":
    asyncio.run(_main(int(sys.argv[1]) if len(sys.argv) > 1 else 8025, sys.argv[2] if len(sys.argv) > 2 else ""))
