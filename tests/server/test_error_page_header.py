"""The header knows the signed-in person on error pages too: a 500 (something broke while the page
was built) and a 405 (an address that takes no such request) show their name and a working
"Log out" form, never "Đăng nhập"."""

from __future__ import annotations

import pytest

from tests.conftest import csrf_from, login
from tests.support.factories import PASSWORD

pytestmark = pytest.mark.integration


def _header(html: str) -> str:
    return html.split('class="site-header"', 1)[1].split("</header>", 1)[0]


async def test_a_500_page_shows_the_signed_in_header(client, make_user, monkeypatch):
    from contest import services

    await make_user(email="mai@example.com", full_name="Nguyễn Thị Mai")
    await login(client, "mai@example.com", PASSWORD)

    async def broken(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(services, "contest_by_slug", broken)
    page = await client.get("/contests/y-tuong-2026")
    assert page.status_code == 500
    header = _header(page.text)
    assert "Đăng xuất" in header and 'href="/account"' in header and 'href="/login' not in header
    assert csrf_from(page.text)  # the "Log out" form carries the person's token
    assert "database went away" not in page.text  # no internals reach the person


async def test_a_405_page_shows_the_signed_in_header(client, make_user):
    await make_user(email="mai@example.com", full_name="Nguyễn Thị Mai")
    await login(client, "mai@example.com", PASSWORD)
    page = await client.delete("/account")
    assert page.status_code == 405
    header = _header(page.text)
    assert "Đăng xuất" in header and 'href="/login' not in header


async def test_a_500_page_for_a_visitor_offers_to_sign_in(client, monkeypatch):
    from contest import services

    async def broken(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(services, "contest_by_slug", broken)
    page = await client.get("/contests/y-tuong-2026")
    assert page.status_code == 500 and 'href="/login' in _header(page.text)
