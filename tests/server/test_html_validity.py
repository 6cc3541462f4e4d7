"""The pages people see most pass the Nu HTML Checker (vnu) with no error, as a visitor, a resident
and an organizer; headings never skip a level (an ``h3`` card straight under the ``h1``)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import httpx
import pytest

from accounts.tables import Role
from contest import voting
from contest.services import idea_row
from contest.tables import Award
from mentoring import directory
from tests.conftest import login
from tests.fixtures.voting import verified
from tests.support.factories import PASSWORD
from tests.support.vnu import VNU, VNU_COMMAND

pytestmark = pytest.mark.integration

KEY = b"vote-alias:test-secret-key-that-is-long-enough-0123456789"


def _vnu_errors(pages: dict[str, str], folder: Path) -> list[str]:
    files = []
    for i, (url, html) in enumerate(pages.items()):
        path = folder / f"page-{i:02d}.html"
        path.write_text(html, encoding="utf-8")
        files.append((str(path), url))
    run = subprocess.run(
        [*VNU_COMMAND, "--format", "json", "--stdout", *[f for f, _ in files]],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert '"messages"' in run.stdout, f"the Nu HTML Checker did not run: {run.stderr[-2000:]}"
    names = {Path(f).name: url for f, url in files}
    messages = json.loads(run.stdout or "{}").get("messages", [])
    return [
        f"{names.get(Path(m.get('url', '')).name, m.get('url'))}:{m.get('lastLine')}: {m.get('message')}"
        for m in messages
        if m.get("type") == "error"
    ]


def _heading_skips(html: str) -> list[str]:
    """Headings that go down more than one level (h1 → h3); going back up is fine."""
    levels = [int(n) for n in re.findall(r"<h([1-6])\b", html)]
    return [f"h{a} → h{b}" for a, b in zip(levels, levels[1:], strict=False) if b > a + 1]


async def _pages(app, client, vote_round, make_user, clock) -> dict[str, str]:  # noqa: F811
    slug = vote_round["contest"]["slug"]
    code = (await idea_row(vote_round["ideas"][0]))["code"]
    mentor_user = await make_user(email="covan@example.com", full_name="Cố vấn Hà")
    mentor_id = await directory.save_profile(
        mentor_user.id,
        {
            "title": "Giảng viên",
            "bio": "Mười năm kinh nghiệm khởi nghiệp nông nghiệp.",
            "expertise": ["marketing"],
            "capacity": "2",
            "languages": ["vi", "en"],
            "mode": "any",
        },
        now=clock(),
    )
    await directory.approve(mentor_id, actor_id=mentor_user.id, now=clock())
    for i in range(3):
        voter = await verified(make_user)
        await voting.cast(
            vote_round["round"]["id"], vote_round["ideas"][i % 2], voter_id=voter.id, now=clock(), alias_key=KEY
        )
    award = Award(contest=vote_round["contest"]["id"], name="Giải bình chọn", position=1, basis="public", rank=1)
    await award.save()
    clock.advance(days=10)  # the vote is closed and the results are out
    public = {
        url: None
        for url in (
            "/",
            f"/contests/{slug}",
            f"/contests/{slug}/ideas",
            f"/ideas/{code}",
            f"/contests/{slug}/results",
            f"/contests/{slug}/awards/{award.id}/certificate",
            "/mentors/",
            f"/mentors/{mentor_id}",
            "/login",
            "/register",
            "/no-such-page",
        )
    }
    pages = {}
    for url in public:
        pages[url] = (await client.get(url)).text
    organizer = await make_user(email="to-chuc@example.com", roles=(Role.organizer,))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as staff:
        await login(staff, organizer.email, PASSWORD)
        for url in ("/organizer/", f"/organizer/contests/{slug}", "/account", f"/contests/{slug}/ideas?lang=en"):
            pages[f"{url} (organizer)"] = (await staff.get(url)).text
    return pages


@pytest.mark.skipif(shutil.which("java") is None, reason="Java is not installed: the Nu HTML Checker needs it")
@pytest.mark.skipif(not VNU.exists(), reason="vnu.jar is not installed (npm install brings node_modules/vnu-jar)")
async def test_representative_pages_pass_the_nu_html_checker(
    app,
    client,
    vote_round,
    make_user,
    clock,  # noqa: F811
    tmp_path,
):
    pages = await _pages(app, client, vote_round, make_user, clock)
    assert all("<h1" in html for html in pages.values())
    skips = {url: s for url, html in pages.items() if (s := _heading_skips(html))}
    assert not skips, skips
    errors = _vnu_errors(pages, tmp_path)
    assert not errors, "\n".join(errors)


async def test_gallery_cards_are_headed_one_level_below_the_page(client, vote_round):  # noqa: F811
    html = (await client.get(f"/contests/{vote_round['contest']['slug']}/ideas")).text
    assert '<h2 class="card-title">' in html and "<h3" not in html.split("</h1>", 1)[1].split("<h2", 1)[0]
    assert not _heading_skips(html)
