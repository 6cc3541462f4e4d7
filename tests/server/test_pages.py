"""Pages, headers, language and the health check."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.integration


async def test_healthz_checks_the_database(client, db, database):
    response = await client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok" and body["database"] == "ok"
    assert body["engine"] == ("postgresql" if database == "postgres" else "sqlite")


async def test_security_headers_on_pages(client, commune):
    response = await client.get("/")
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "strict-origin-when-cross-origin"


async def test_cookies_are_httponly_and_lax(client, commune):
    response = await client.get("/login")
    cookies = response.headers.get_list("set-cookie")
    csrf = next(c for c in cookies if c.startswith("sangtao_csrf="))
    assert "HttpOnly" in csrf and "SameSite=lax" in csrf.replace("Lax", "lax")


async def test_home_is_the_commune_page_in_vietnamese(client, commune):
    response = await client.get("/")
    assert '<html lang="vi">' in response.text
    assert "Xã An Khánh" in response.text and "Thôn An Lạc" in response.text
    assert "Cách tham gia" in response.text or "tham gia" in response.text


async def test_several_communes_are_listed(client, commune):
    from accounts.tables import Commune

    await Commune(name="Xã Tân Tiến", slug="tan-tien", code="TT").save()
    home = await client.get("/")
    assert "Xã An Khánh" in home.text and "Xã Tân Tiến" in home.text
    page = await client.get("/communes/tan-tien")
    assert page.status_code == 200 and "Xã Tân Tiến" in page.text


async def test_language_switch_is_remembered(client, commune):
    english = await client.get("/?lang=en")
    assert '<html lang="en">' in english.text and "How to take part" in english.text
    assert client.cookies.get("lang") == "en"
    again = await client.get("/login")
    assert '<html lang="en">' in again.text and "Log in" in again.text
    back = await client.get("/login?lang=vi")
    assert '<html lang="vi">' in back.text and "Đăng nhập" in back.text


async def test_not_found_page_is_friendly_in_both_languages(client, commune):
    response = await client.get("/khong-co-trang-nay")
    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.text and "Traceback" not in response.text
    response = await client.get("/khong-co-trang-nay?lang=en")
    assert "Page not found" in response.text


async def test_not_found_page_knows_who_is_signed_in(client, make_user):
    from tests.conftest import csrf_from, login
    from tests.support.factories import PASSWORD

    user = await make_user(email="lan@example.com", full_name="Nguyễn Thị Lan")
    assert (await login(client, user.email, PASSWORD)).status_code == 303
    page = await client.get("/khong-co-trang-nay")
    assert page.status_code == 404 and "Không tìm thấy trang" in page.text
    assert "Đăng xuất" in page.text and 'href="/login"' not in page.text
    # its "Log out" form works
    out = await client.post("/logout", data={"_csrf_token": csrf_from(page.text)})
    assert out.status_code == 303
    assert 'href="/login"' in (await client.get("/khong-co-trang-nay")).text


async def test_unknown_commune_is_404(client, commune):
    response = await client.get("/communes/khong-co")
    assert response.status_code == 404


async def test_openapi_schema_is_served(client, db):
    response = await client.get("/schema/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["info"]["title"] == "Sáng tạo API" and "/healthz" in schema["paths"]


async def test_dates_are_shown_in_hanoi_time_vietnamese_style(client, make_user):
    import datetime as dt

    from accounts.tables import Notification
    from tests.conftest import login
    from tests.support.factories import PASSWORD

    user = await make_user(email="mai@example.com")
    await Notification(
        user=user.id, title="Chào bạn", created_at=dt.datetime(2026, 11, 27, 17, 30, tzinfo=dt.UTC)
    ).save()
    await login(client, "mai@example.com", PASSWORD)
    inbox = await client.get("/inbox")
    assert "Chào bạn" in inbox.text
    assert "28/11/2026 00:30" in inbox.text  # 17:30 UTC is 00:30 the next day in Hà Nội
    english = await client.get("/inbox?lang=en")
    assert "28/11/2026 00:30" in english.text  # people in the commune write dates this way in either language


async def test_error_pages_carry_security_headers(client, db):
    response = await client.get("/khong-co-trang-nay")
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
