"""Browser journey: an organizer turns on the admin's second factor and signs in with it.

The organizer of the demo commune opens the admin (piccolo-admin's single-page app, third-party:
its pages are not checked with axe, only its behaviour), opens the two-factor setup (our own
Vietnamese pages under /admin/api/mfa-setup/, checked with axe), reads the secret and the
recovery codes from the page, signs out, signs in with a code from the authenticator (pyotp)
and, after signing out again, with a recovery code; then types a workshop's times in the admin
(Hà Nội time) and finds them stored as UTC.
"""

from __future__ import annotations

import pytest
from pyotp.totp import TOTP

from tests.browser.support import DEMO_PASSWORD, assert_accessible, heading, html_lang

pytestmark = pytest.mark.browser

ORGANIZER = "organizer@example.com"


def open_admin_login(page, base: str) -> None:
    page.goto(f"{base}/admin/")
    page.locator("input[name=username]").wait_for()
    page.locator("input[name=username]").fill(ORGANIZER)
    page.locator("input[name=password]").fill(DEMO_PASSWORD)


def press_login(page):
    with page.expect_response(lambda r: "/admin/public/login" in r.url and r.request.method == "POST") as info:
        page.locator("form button").last.click()
    return info.value


def sign_in_with_second_factor(page, base: str, code) -> None:
    """``code``: a recovery code, or a function giving the authenticator's current code."""
    open_admin_login(page, base)
    asked = press_login(page)
    assert asked.status == 401 and asked.json()["detail"] == "MFA code required"
    code_box = page.locator("input[placeholder='123456']")
    code_box.wait_for()
    code_box.fill(code() if callable(code) else code)
    answer = press_login(page)
    assert answer.status in (200, 303), answer.text()
    page.wait_for_function("() => !document.querySelector('input[name=username]')")
    assert page.request.get(f"{base}/admin/api/user/").status == 200


def sign_out(page, base: str) -> None:
    token = next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")
    answer = page.request.post(
        f"{base}/admin/public/logout/", headers={"X-CSRFToken": token, "Referer": f"{base}/admin/"}
    )
    assert answer.status in (200, 303), answer.text()
    assert page.request.get(f"{base}/admin/api/user/").status == 401


def test_organizer_enrols_the_authenticator_and_signs_in_with_a_code_and_a_recovery_code(live_server, page):
    base = live_server.url

    # Password only, the first time; the admin opens in Hà Nội time.
    open_admin_login(page, base)
    assert press_login(page).status in (200, 303)
    page.wait_for_function("() => !document.querySelector('input[name=username]')")
    assert page.evaluate("() => localStorage.getItem('defaultTimezone')") == "Asia/Ho_Chi_Minh"
    assert html_lang(page) == "vi"
    # The side menu names the tables in Vietnamese, not by their database names.
    page.wait_for_function(
        "() => [...document.querySelectorAll(\"a[href='#/idea/'] span\")].some(s => s.textContent === 'Ý tưởng')"
    )
    assert page.locator("a[href='#/contest_round/'] span").first.inner_text() == "Vòng thi"
    assert "contest round" not in page.locator("body").inner_text()

    # The setup pages: Vietnamese, accessible.
    page.goto(f"{base}/admin/api/mfa-setup/")
    assert heading(page) == "Bật xác thực hai lớp" and html_lang(page) == "vi"
    assert_accessible(page)
    page.get_by_label("Nhập mật khẩu của ông/bà để tiếp tục").fill("mat-khau-sai")
    with page.expect_navigation():
        page.get_by_role("button", name="Bật xác thực hai lớp").click()
    assert "Mật khẩu không đúng" in page.locator("[role=alert]").inner_text()
    assert_accessible(page)
    page.get_by_label("Nhập mật khẩu của ông/bà để tiếp tục").fill(DEMO_PASSWORD)
    # Hashing eight recovery codes takes a few seconds on a busy machine.
    with page.expect_navigation(timeout=90_000):
        page.get_by_role("button", name="Bật xác thực hai lớp").click(timeout=90_000)
    assert heading(page) == "Thiết lập ứng dụng xác thực"
    qr = page.get_by_role("img", name="Mã QR để thêm tài khoản Sáng tạo vào ứng dụng xác thực")
    assert qr.is_visible() and qr.evaluate("img => img.naturalWidth") > 50
    secret = page.locator("#mfa-secret").inner_text().strip()
    codes = [c.strip() for c in page.locator("#recovery-codes li").all_inner_texts()]
    assert len(secret) >= 16 and len(codes) == 8
    assert_accessible(page)

    # Signed out, then in again: the admin asks for the code from the app.
    sign_out(page, base)
    sign_in_with_second_factor(page, base, TOTP(secret).now)

    # Signed out again; the phone is lost: a recovery code lets the organizer in, once.
    sign_out(page, base)
    sign_in_with_second_factor(page, base, codes[0])
    sign_out(page, base)
    open_admin_login(page, base)
    assert press_login(page).status == 401
    page.locator("input[placeholder='123456']").fill(codes[0])
    assert press_login(page).status == 401, "a recovery code works only once"

    # The setup page now says the second factor is on.
    sign_in_with_second_factor(page, base, codes[1])
    page.goto(f"{base}/admin/api/mfa-setup/")
    assert heading(page) == "Xác thực hai lớp đang bật"
    assert_accessible(page)

    # A time typed in the admin is Hà Nội time: 08:00 on 5 December is stored as 01:00 UTC.
    rows = page.request.get(f"{base}/admin/api/tables/workshop/?__page_size=1").json()["rows"]
    assert rows, "the demo commune has workshops"
    workshop = rows[0]["id"]
    page.goto(f"{base}/admin/#/workshop/{workshop}/")
    starts, ends = page.locator("input[type=datetime-local]").nth(0), page.locator("input[type=datetime-local]").nth(1)
    starts.wait_for()
    zone = starts.locator("xpath=following-sibling::select[1]")
    assert zone.input_value() == "Asia/Ho_Chi_Minh"
    starts.fill("2026-12-05T08:00")
    ends.fill("2026-12-05T11:30")
    with page.expect_response(
        lambda r: f"/admin/api/tables/workshop/{workshop}/" in r.url and r.request.method in ("PATCH", "PUT")
    ) as info:
        page.locator("form button[type=submit], form button:has-text('Lưu')").last.click()
    assert info.value.status == 200, info.value.text()
    saved = page.request.get(f"{base}/admin/api/tables/workshop/{workshop}/").json()
    assert saved["starts_at"].startswith("2026-12-05T01:00:00") and saved["ends_at"].startswith("2026-12-05T04:30:00")
