"""Deadlines come with the time left in words ("còn 3 ngày", "còn 5 giờ") on the contest page, the
submission form and the vote page, in Vietnamese and English."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from tests.conftest import login
from tests.fixtures.voting import verified
from tests.support.factories import PASSWORD, make_contest

pytestmark = pytest.mark.integration


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


async def test_submission_form_says_how_long_is_left(client, commune, make_user, clock):
    contest = await make_contest(commune=commune, now=clock(), closes_days=3.5)
    await make_user(email="khoi@example.com")
    await login(client, "khoi@example.com", PASSWORD)
    closes = (clock() + dt.timedelta(days=3.5)).astimezone(dt.timezone(dt.timedelta(hours=7)))
    page = _text((await client.get(f"/contests/{contest['slug']}/submit")).text)
    assert f"Hạn nộp ý tưởng: {closes:%d/%m/%Y %H:%M} (còn 3 ngày)" in page
    contest_page = _text((await client.get(f"/contests/{contest['slug']}")).text)
    assert "còn 3 ngày" in contest_page
    clock.advance(days=3.5, hours=-5)
    page = _text((await client.get(f"/contests/{contest['slug']}/submit?lang=en")).text)
    assert f"Ideas can be submitted until {closes:%d/%m/%Y %H:%M} (5 hours left)" in page
    clock.advance(hours=4, minutes=40)
    assert "(còn 20 phút)" in _text((await client.get(f"/contests/{contest['slug']}/submit?lang=vi")).text)


async def test_vote_page_says_how_long_the_vote_stays_open(client, vote_round, make_user, clock):  # noqa: F811
    await verified(make_user, email="binh@example.com")
    await login(client, "binh@example.com", PASSWORD)
    slug = vote_round["contest"]["slug"]
    page = await client.get(f"/contests/{slug}/vote")
    assert re.search(r'id="vote-time-left">\(còn 6 ngày\)', page.text)
    clock.advance(days=6.5, hours=-5)
    page = await client.get(f"/contests/{slug}/vote")
    assert 'id="vote-time-left">(còn 5 giờ)' in page.text
    english = await client.get(f"/contests/{slug}/vote?lang=en")
    assert 'id="vote-time-left">(5 hours left)' in english.text
    clock.advance(hours=6)  # closed: no time left to show
    assert "vote-time-left" not in (await client.get(f"/contests/{slug}/vote?lang=vi")).text
