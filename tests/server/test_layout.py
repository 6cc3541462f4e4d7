"""The layout every page shares: the header and footer are kept per language and roles, with the
parts that belong to one request (the log-out form's CSRF field, the link to the other language)
filled in for each page; moments are written as the commune writes them."""

from __future__ import annotations

import datetime as dt
import random
import re

import httpx
import pytest
from babel.dates import format_datetime

from accounts.rules import Role
from tests.conftest import csrf_from, login
from tests.support.factories import PASSWORD

pytestmark = pytest.mark.integration


def _header(html: str) -> str:
    return html.split('class="site-header"', 1)[1].split("</header>", 1)[0]


def _nav(html: str) -> list[str]:
    return re.findall(r'<li><a href="([^"]+)"', _header(html))


async def test_each_reader_gets_the_header_of_their_roles_with_their_own_csrf_field(app, make_user):
    await make_user(email="mai@example.com", full_name="Nguyễn Thị Mai")
    await make_user(email="lan@example.com", full_name="Trần Thị Lan")
    await make_user(email="judge@example.com", full_name="Phạm Văn Hùng", roles=(Role.judge,))
    pages = {}
    for who in ("mai@example.com", "lan@example.com", "judge@example.com"):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as client:
            await login(client, who, PASSWORD)
            pages[who] = (await client.get("/mentors/")).text
    tokens = set()
    for html in pages.values():
        header = _header(html)
        # The log-out form carries this session's token, the one every other form of the page carries.
        form_tokens = set(re.findall(r'name="_csrf_token" value="([^"]+)"', html))
        assert len(form_tokens) == 1 and csrf_from(header) in form_tokens
        tokens |= form_tokens
        assert "Đăng xuất" in header and "\x00" not in html
        assert "Nguyễn Thị Mai" not in header and "Trần Thị Lan" not in header
    assert len(tokens) == 3  # three sessions, three tokens: no reader is shown another's field
    assert "/judge" in _nav(pages["judge@example.com"])
    assert "/judge" not in _nav(pages["mai@example.com"]) and "/judge" not in _nav(pages["lan@example.com"])
    assert _nav(pages["mai@example.com"]) == _nav(pages["lan@example.com"])


async def test_a_role_granted_shows_in_the_header_at_once(client, make_user, clock):
    from accounts import services as accounts

    user = await make_user(email="mai@example.com")
    await login(client, "mai@example.com", PASSWORD)
    assert "/organizer/" not in _nav((await client.get("/")).text)
    await accounts.grant_role(user.id, Role.organizer, commune_id=user.commune, actor=None, now=clock())
    assert "/organizer/" in _nav((await client.get("/")).text)


async def test_the_language_link_leads_to_this_page_in_the_other_language(client, make_user):
    await make_user(email="mai@example.com")
    await login(client, "mai@example.com", PASSWORD)
    page = await client.get("/mentors/", params={"q": "nông <nghiệp>", "page": "2"})
    header = _header(page.text)
    assert 'href="/mentors?q=n%C3%B4ng+%3Cnghi%E1%BB%87p%3E&amp;page=2&amp;lang=en"' in header
    assert '<span aria-current="true" lang="vi">Tiếng Việt</span>' in header
    english = await client.get("/mentors/", params={"lang": "en"})
    header = _header(english.text)
    assert 'href="/mentors?lang=vi"' in header and "Log out" in header and "Đăng xuất" not in header
    assert "Terms of use" in english.text.split('class="site-footer"', 1)[1]
    assert "Điều khoản sử dụng" in (await client.get("/mentors/", params={"lang": "vi"})).text


async def test_a_visitor_is_offered_to_sign_in_or_register(client, db):
    header = _header((await client.get("/mentors/")).text)
    assert 'href="/login"' in header and 'href="/register"' in header
    assert "_csrf_token" not in header and "/logout" not in header


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_moments_are_written_as_babel_writes_the_communes_pattern(lang):
    from jinja2 import Environment

    from server import i18n

    env = Environment(autoescape=True)
    i18n.install(env)
    render = env.from_string("{{ moment | datetime('short') }}|{{ moment | datetime }}")
    chance = random.Random(7)
    moments = [dt.datetime(2026, 1, 1, 0, 0, tzinfo=dt.UTC), dt.datetime(2026, 12, 31, 17, 0, tzinfo=dt.UTC)]
    moments += [dt.datetime(2026, 11, 30, 19, 30)]  # stored without a zone: read as UTC
    moments += [
        dt.datetime(2020, 1, 1, tzinfo=dt.UTC) + dt.timedelta(minutes=chance.randrange(20 * 365 * 24 * 60))
        for _ in range(300)
    ]

    class Request:
        scope = {"state": {"lang": lang}}  # noqa: RUF012 — a stand-in read by i18n.lang_of

    for moment in moments:
        expected = format_datetime(i18n.local(moment), "dd/MM/yyyy HH:mm", locale=i18n.LOCALES[lang])
        assert render.render(moment=moment, request=Request()) == f"{expected}|{expected}"
