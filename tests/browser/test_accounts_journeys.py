"""Browser journeys through the foundation: sign-up, account pages, language, sign-in, admin.

Each journey runs in a fresh browser context (no cookies) against the live app seeded with the
demo commune «Xã An Khánh». Every page of the site that a journey opens is checked with axe-core
(WCAG 2.1 A/AA); the piccolo-admin single-page app under /admin/ is third-party and only its
behaviour is checked.
"""

from __future__ import annotations

import re

import pytest

from tests.browser.support import (
    DEMO_PASSWORD,
    assert_accessible,
    field_error,
    heading,
    html_lang,
    international,
    log_in,
    log_out,
    logout_button,
    unique_phone,
    visit,
)

pytestmark = pytest.mark.browser

GOOD_PASSWORD = "Thôn-An-Lạc-2025"
HAMLET = "Thôn Khánh Hội"


# --------------------------------------------------------------------------- steps


def fill_registration(
    page,
    *,
    full_name: str,
    phone: str,
    password: str,
    birth_year: str = "2005",
    hamlet: str = HAMLET,
    accept: bool = True,
) -> None:
    page.get_by_role("textbox", name="Họ và tên (bắt buộc)").fill(full_name)
    page.locator("#f-phone").fill(phone)
    page.locator("#f-birth_year").fill(birth_year)
    page.locator("#f-hamlet_id").select_option(label=hamlet)
    page.locator("#f-password").fill(password)
    if accept:
        page.locator("#f-accept_terms").check()
        page.locator("#f-accept_privacy").check()


def submit(page) -> None:
    """Press the main form's submit button and wait for the next page."""
    with page.expect_navigation():
        page.locator("main form[method=post] button[type=submit]").click()


def register(page, base: str, *, full_name: str, phone: str, password: str = GOOD_PASSWORD) -> None:
    """Sign up through the form and land on the account page (checked with axe)."""
    visit(page, f"{base}/register?commune=an-khanh")
    fill_registration(page, full_name=full_name, phone=phone, password=password)
    submit(page)
    assert page.url == f"{base}/account", f"registration did not reach the account page: {page.url}"
    assert heading(page) == "Tài khoản của tôi"
    assert_accessible(page)


def main_text(page) -> str:
    return page.locator("main").inner_text()


def admin_login(page, base: str, identifier: str):
    """Fill piccolo-admin's own login form; return the answer to its login request."""
    page.goto(f"{base}/admin/")
    page.locator("input[name=username]").wait_for()
    page.locator("input[name=username]").fill(identifier)
    page.locator("input[name=password]").fill(DEMO_PASSWORD)
    with page.expect_response(lambda r: "/admin/public/login" in r.url and r.request.method == "POST") as info:
        page.locator("form button[data-uitest=login_button], form button").first.click()
    return info.value


# --------------------------------------------------------------------------- journeys


def test_register_a_youth_account_and_visit_the_account_pages(live_server, page):
    base = live_server.url
    full_name = "Nguyễn Thị Mai Anh"
    phone = unique_phone()

    # The commune's page speaks Vietnamese and names the commune.
    visit(page, f"{base}/communes/an-khanh")
    assert html_lang(page) == "vi"
    assert "Xã An Khánh" in heading(page)
    assert page.locator("header").get_by_role("link", name="Đăng ký").is_visible()

    # From the home page to the registration form.
    with page.expect_navigation():
        page.locator("main").get_by_role("link", name="Đăng ký để tham gia").click()
    assert page.url == f"{base}/register?commune=an-khanh"
    assert heading(page) == "Tạo tài khoản của bạn"
    assert_accessible(page)

    # A wrong phone number and a too-short password: errors in Vietnamese next to the fields.
    fill_registration(page, full_name=full_name, phone="0912 34", password="abc12")
    submit(page)
    assert page.url == f"{base}/register"
    assert page.locator("#form-errors").is_visible()
    summary = page.locator("#form-errors").inner_text()
    assert "Vui lòng sửa các mục sau" in summary
    assert "Đây không phải là số điện thoại Việt Nam hợp lệ." in summary
    assert field_error(page, "phone") == "Đây không phải là số điện thoại Việt Nam hợp lệ."
    assert field_error(page, "password") == "Mật khẩu phải có ít nhất 8 ký tự."
    assert page.locator("#f-full_name").input_value() == full_name, "the typed name was lost"
    assert page.locator("#f-phone").input_value() == "0912 34"
    assert page.locator("#f-birth_year").input_value() == "2005"
    assert page.locator("#f-hamlet_id option:checked").inner_text() == HAMLET
    assert page.locator("#f-password").input_value() == "", "a password must never be sent back"
    assert page.locator("#guardian").is_hidden(), "born 2005: no guardian needed"
    assert_accessible(page)

    # Corrected: the account is created and the person is signed in.
    page.locator("#f-phone").fill(phone)
    page.locator("#f-password").fill(GOOD_PASSWORD)
    page.locator("#f-accept_terms").check()
    page.locator("#f-accept_privacy").check()
    submit(page)
    assert page.url == f"{base}/account"
    assert heading(page) == "Tài khoản của tôi"
    assert f"Chào mừng {full_name} đến với Sáng tạo" in page.locator(".flashes").inner_text()
    details = page.locator("dl.details").inner_text()
    assert full_name in details
    assert phone in details
    assert "Xã An Khánh" in details and HAMLET in details and "2005" in details
    assert logout_button(page).is_visible()
    assert_accessible(page)

    # Inbox (empty), change password, delete account (not used).
    visit(page, f"{base}/inbox")
    assert heading(page) == "Hộp thư"
    assert "Bạn chưa có tin nhắn nào" in main_text(page)

    visit(page, f"{base}/account/password")
    assert heading(page) == "Đổi mật khẩu"
    assert page.get_by_label("Mật khẩu hiện tại").is_visible()

    visit(page, f"{base}/account/delete")
    assert heading(page) == "Xóa tài khoản của tôi"
    assert page.get_by_role("button", name="Xóa tài khoản của tôi").is_visible()
    assert page.locator("#f-confirm").is_visible() and not page.locator("#f-confirm").is_checked()

    # Legal pages, reached from the footer links.
    for link, title in [
        ("Điều khoản sử dụng", "Điều khoản sử dụng"),
        ("Thông báo về quyền riêng tư", "Thông báo về quyền riêng tư"),
    ]:
        with page.expect_navigation():
            page.locator("footer").get_by_role("link", name=link).click()
        assert heading(page) == title
        assert_accessible(page)

    # A page that does not exist: a friendly Vietnamese 404 page with a way back home.
    visit(page, f"{base}/khong-co-trang-nay", status=404)
    assert html_lang(page) == "vi"
    assert heading(page) == "Không tìm thấy trang"
    assert "Lỗi 404" in main_text(page)
    assert page.get_by_role("link", name="Quay lại trang chủ").is_visible()

    # Still signed in on the account page after all this.
    visit(page, f"{base}/account")
    assert full_name in page.locator("dl.details").inner_text()


def test_switch_language_and_remember_the_choice(live_server, page):
    base = live_server.url
    visit(page, f"{base}/communes/an-khanh")
    assert html_lang(page) == "vi"
    assert "Các cuộc thi sáng tạo của Xã An Khánh" in heading(page)

    # English, from the link in the header.
    with page.expect_navigation():
        page.locator("header .lang-switch").get_by_role("link", name="English").click()
    assert html_lang(page) == "en"
    assert heading(page) == "Innovation contests of Xã An Khánh"
    assert page.locator("header").get_by_role("link", name="Log in").is_visible()
    assert page.locator("header .lang-switch [aria-current=true]").inner_text() == "English"
    assert_accessible(page)

    # The choice is remembered on the next page, without ?lang= in the address.
    visit(page, f"{base}/login")
    assert html_lang(page) == "en"
    assert heading(page) == "Log in"
    assert page.get_by_label("Phone number or email").is_visible()

    # Back to Vietnamese, on the same page.
    with page.expect_navigation():
        page.locator("header .lang-switch").get_by_role("link", name="Tiếng Việt").click()
    assert re.search(r"/login\?lang=vi$", page.url), page.url
    assert html_lang(page) == "vi"
    assert heading(page) == "Đăng nhập"
    assert_accessible(page)
    visit(page, f"{base}/register?commune=an-khanh")
    assert html_lang(page) == "vi"
    assert heading(page) == "Tạo tài khoản của bạn"


def test_log_out_and_log_in_with_the_phone_written_differently(live_server, page):
    base = live_server.url
    full_name = "Trần Văn Hùng"
    phone = unique_phone()
    register(page, base, full_name=full_name, phone=phone)

    # Log out from the header.
    log_out(page)
    assert page.url.startswith(f"{base}/")
    assert not logout_button(page).is_visible()
    assert page.locator("header").get_by_role("link", name="Đăng nhập").is_visible()
    assert_accessible(page)
    response = page.goto(f"{base}/account")
    assert "/login" in page.url, "the account page must ask for a sign-in after logging out"
    assert response is not None and response.ok
    assert_accessible(page)

    # A wrong password is refused with a message, and what was typed is kept.
    log_in(page, base, international(phone), "sai-mat-khau-123")
    assert heading(page) == "Đăng nhập"
    assert "Số điện thoại/email hoặc mật khẩu không đúng." in page.locator("#form-errors").inner_text()
    assert page.locator("#f-identifier").input_value() == international(phone)
    assert_accessible(page)

    # The same number written as +84 …: signed in, welcomed, logout button in the header.
    log_in(page, base, international(phone), GOOD_PASSWORD)
    assert f"Chào mừng bạn quay lại, {full_name}" in page.locator(".flashes").inner_text()
    assert logout_button(page).is_visible()
    assert page.locator("header").get_by_role("link", name="Tài khoản của tôi").is_visible()
    assert_accessible(page)

    log_out(page)
    assert not logout_button(page).is_visible()
    assert_accessible(page)


def test_forgot_password_shows_the_confirmation(live_server, page):
    base = live_server.url
    visit(page, f"{base}/login")
    with page.expect_navigation():
        page.get_by_role("link", name="Bạn quên mật khẩu?").click()
    assert heading(page) == "Bạn quên mật khẩu?"
    assert_accessible(page)

    # Nothing typed: an error next to the field.
    submit(page)
    assert field_error(page, "identifier") == "Vui lòng nhập số điện thoại hoặc email của bạn."
    assert_accessible(page)

    # An identifier: the same confirmation whether or not the account exists.
    page.locator("#f-identifier").fill("youth1@example.com")
    submit(page)
    status = page.locator("main [role=status]")
    assert status.is_visible()
    assert "Nếu có tài khoản dùng số điện thoại hoặc email này" in status.inner_text()
    assert page.get_by_role("link", name="Quay lại trang đăng nhập").is_visible()
    assert_accessible(page)


def test_only_organizers_get_into_the_administration(live_server, page, context):
    base = live_server.url

    # A citizen is refused at piccolo-admin's login and stays on the login form.
    refused = admin_login(page, base, "citizen1@example.com")
    assert refused.status == 401
    # The same answer as for an unknown account or a wrong password: nothing says the account exists.
    assert "Sai tên đăng nhập hoặc mật khẩu" in refused.json()["detail"]
    page.wait_for_timeout(500)
    assert page.locator("input[name=username]").is_visible()
    assert page.get_by_text("Chọn một bảng ở thanh bên để bắt đầu").count() == 0
    assert page.request.get(f"{base}/admin/api/user/").status == 401

    # The organizer gets in and sees the admin UI with the platform's tables.
    context.clear_cookies()
    accepted = admin_login(page, base, "organizer@example.com")
    assert accepted.ok, f"organizer login answered {accepted.status}"
    page.get_by_text("Chọn một bảng ở thanh bên để bắt đầu").wait_for()
    assert page.locator("input[name=username]").count() == 0
    body = page.locator("body").inner_text()
    assert "organizer@exampl" in body, "the signed-in organizer is not shown"
    tables = page.request.get(f"{base}/admin/api/tables/").json()
    assert "contest" in tables and "users" not in tables, tables  # their commune's contests, never people


def test_register_page_fits_a_360px_screen(live_server, page):
    page.set_viewport_size({"width": 360, "height": 740})
    visit(page, f"{live_server.url}/register?commune=an-khanh")
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 360, f"the register page scrolls sideways at 360 px (scrollWidth={width})"
    # The same with the form errors shown (long Vietnamese messages).
    submit(page)
    assert page.locator("#form-errors").is_visible()
    assert_accessible(page)
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 360, f"the register page with errors scrolls sideways at 360 px (scrollWidth={width})"
