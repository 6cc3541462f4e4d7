"""Browser journey: text messages through a stand-in SMS gateway.

A person who registered with a phone only forgets the password: the reset link arrives by SMS at the
stand-in gateway, they follow it, choose a new password and sign in. The platform admin lowers the
cap per phone in the caps form and a burst of reset requests to that phone is stopped. The stand-in
posts its signed delivery receipts back to the site, and the commune's organizer sees how many
messages were sent, reached the phone and failed. Every page is checked with axe-core (WCAG 2.1 AA).

The app runs as its own process (``python -m server``) with its delivery worker, pointed at the
stand-in providers, which run in a thread of the test process with their own event loop.
"""

from __future__ import annotations

import asyncio
import re
import sqlite3
import threading
import time

import pytest

from tests.browser.support import (
    DEMO_PASSWORD,
    assert_accessible,
    click_and_wait,
    field_error,
    flash_text,
    heading,
    log_in,
    logout_button,
    new_context,
    register_account,
    start_server,
    stop_server,
    unique_phone,
    visit,
)
from tests.support.standin import SMS_PATH, StandIn

pytestmark = pytest.mark.browser

CONTEST = "sang-kien-chuyen-doi-so-2026"  # a contest of Xã An Khánh in the demo
NEW_PASSWORD = "Hoa-sen-nở-2026"


class StandInThread:
    """The stand-in providers on an event loop of their own (Playwright's sync API owns this thread's)."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.standin = StandIn()
        self.run(self.standin.start())

    def run(self, coroutine):
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout=60)

    def close(self) -> None:
        self.run(self.standin.stop())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=10)


@pytest.fixture(scope="module")
def providers(browser_tools):
    providers = StandInThread()
    yield providers
    providers.close()


@pytest.fixture(scope="module")
def sms_server(providers):
    """The app, sending its SMS through the stand-in gateway and taking its signed delivery receipts."""
    standin = providers.standin
    server = start_server(
        timeout=300.0,  # migrations and the demo seed, on a busy machine
        extra_env={
            "SMS_PROVIDER": "brandname",
            "SMS_API_URL": standin.url + SMS_PATH,
            "SMS_API_KEY": standin.api_key,
            "SMS_SECRET_KEY": standin.secret_key,
            "SMS_BRANDNAME": standin.brandname,
            "SMS_CALLBACK_SECRET": standin.sms_callback_secret,
        },
    )
    yield server
    stop_server(server)


def wait_for(what: str, check, timeout: float = 90.0):
    """Wait for the app's delivery worker (it runs every few seconds); fail with ``what`` if it never comes."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.5)
    pytest.fail(f"still waiting for {what} after {timeout:.0f} s")


def outbox(server, phone: str) -> list[tuple[str, str]]:
    """(status, error code) of the messages to this phone, oldest first, read from the app's database."""
    with sqlite3.connect(f"file:{server.data_dir / 'browser.sqlite3'}?mode=ro", uri=True, timeout=10) as db:
        rows = db.execute(
            "SELECT status, error_code FROM outbox_message WHERE phone = ? ORDER BY id", ("+84" + phone[1:],)
        ).fetchall()
    return [(status, code) for status, code in rows]


def resets_to(standin: StandIn, phone: str) -> list[dict]:
    return [sms for sms in list(standin.sms) if sms["Phone"] == phone and "mat khau moi" in sms["Content"]]


def ask_for_a_reset(page, base: str, phone: str) -> None:
    visit(page, f"{base}/password/forgot")
    page.locator("#f-identifier").fill(phone)
    click_and_wait(page, page.locator("main form button[type=submit]"))
    assert "tin nhắn" in page.locator("main").inner_text()
    assert_accessible(page)


def test_a_phone_only_account_resets_by_sms_caps_stop_a_burst_and_organizers_see_deliveries(
    sms_server, providers, browser
):
    base, standin = sms_server.url, providers.standin
    typed = unique_phone()
    phone = typed.replace(" ", "")

    # A young person registers with a phone number only, then signs out and forgets the password.
    person = new_context(browser)
    page = person.new_page()
    register_account(page, base, full_name="Lò Thị Ngân", phone=typed, password="Mật-khẩu-cũ-2025")
    person.clear_cookies()

    # Asking for a reset by phone: the link arrives by SMS at the gateway.
    ask_for_a_reset(page, base, typed)
    first = wait_for("the reset SMS at the gateway", lambda: resets_to(standin, phone))[0]
    assert first["Brandname"] == standin.brandname and first["CallbackUrl"] == f"{base}/callbacks/sms/delivery"
    link = re.search(r"https?://\S+/password/reset/[\w-]+", first["Content"]).group(0)
    assert link.startswith(base)

    # The person follows the link, chooses a new password and signs in with it.
    visit(page, link)
    page.locator("#f-new_password").fill(NEW_PASSWORD)
    click_and_wait(page, page.locator("main form button[type=submit]"))
    assert_accessible(page)
    log_in(page, base, typed, NEW_PASSWORD)
    assert page.url == f"{base}/", f"signing in with the new password failed: {page.url}"
    assert logout_button(page).count() == 1  # signed in
    assert_accessible(page)
    person.close()

    # The platform admin lowers the cap per phone to 2 a day (a wrong value is explained first).
    admin = new_context(browser)
    page = admin.new_page()
    log_in(page, base, "admin@example.com", DEMO_PASSWORD)
    visit(page, f"{base}/platform/message-caps")
    assert heading(page) == "Giới hạn tin nhắn"
    page.locator("#f-per_phone").fill("0")
    click_and_wait(page, page.locator("main form button[type=submit]"))
    assert field_error(page, "per_phone") == "Hãy nhập một số nguyên từ 1 đến 100."
    assert page.locator("#f-per_phone").input_value() == "0"
    assert_accessible(page)
    page.locator("#f-per_phone").fill("2")
    page.locator("#f-per_day").fill("500")
    click_and_wait(page, page.locator("main form button[type=submit]"))
    assert "Đã lưu giới hạn tin nhắn" in flash_text(page)
    assert page.locator("#f-per_phone").input_value() == "2"
    assert_accessible(page)
    admin.close()

    # Someone asks for three more resets of that phone: one more SMS goes out, the cap stops the rest.
    burst = new_context(browser)
    page = burst.new_page()
    for _ in range(3):
        ask_for_a_reset(page, base, typed)
    burst.close()
    settled = wait_for(
        "the worker to handle the burst",
        lambda: (
            (rows := outbox(sms_server, phone))
            and len(rows) == 4
            and all(s not in ("queued", "sending") for s, _ in rows)
            and rows
        ),
    )
    assert settled == [("sent", ""), ("sent", ""), ("failed", "cap_recipient"), ("failed", "cap_recipient")]
    sent = resets_to(standin, phone)
    assert len(sent) == 2

    # The gateway reports the first delivered and the second not delivered, signed; the site records both.
    assert providers.run(standin.report(undelivered={sent[1]["SMSID"]})) == [200, 200]
    assert outbox(sms_server, phone) == [
        ("delivered", ""),
        ("failed", "undelivered"),
        ("failed", "cap_recipient"),
        ("failed", "cap_recipient"),
    ]

    # The commune's organizer sees them among the commune's codes and resets.
    organizer = new_context(browser)
    page = organizer.new_page()
    log_in(page, base, "organizer@example.com", DEMO_PASSWORD)
    visit(page, f"{base}/organizer/contests/{CONTEST}/messages")
    commune_wide = page.locator("main table").nth(1)
    headers = [h.strip() for h in commune_wide.locator("thead th").all_inner_texts()]
    assert headers[1:5] == ["Đang chờ gửi", "Đã gửi", "Đã đến điện thoại", "Không gửi được hoặc không đến"]
    sms_row = [c.strip() for c in commune_wide.locator("tbody tr").first.locator("th, td").all_inner_texts()]
    assert sms_row[:5] == ["SMS", "0", "2", "1", "3"]
    assert "một số điện thoại nhận tối đa 2 tin" in page.locator("main").inner_text()  # the admin's cap
    organizer.close()
