"""Compression, hashed static files, ETag/304 and the shared page cache of anonymous public pages."""

from __future__ import annotations

import dataclasses
import gzip
import re

import brotli
import httpx
import pytest

from accounts.scope import PLATFORM
from contest import authoring, services, voting
from server.settings import BASE_DIR
from server.static_assets import StaticAssets, default_assets, hashed_name
from tests.conftest import login
from tests.fixtures.voting import verified
from tests.support.factories import PASSWORD, complete_form, make_contest

pytestmark = pytest.mark.integration
RAW = {"Accept-Encoding": "identity"}


@pytest.fixture(scope="session")
def _cached_app(_session_clock):
    """The app with its page cache on (the suite's shared app has it off)."""
    from server.app import create_app
    from server.settings import get_settings

    return create_app(
        dataclasses.replace(get_settings(), page_cache_seconds=30), clock=_session_clock, run_workers=False
    )


@pytest.fixture
def cached_app(db, clock, _cached_app):
    from litestar.stores.memory import MemoryStore

    store = _cached_app.stores.get("sessions")
    if isinstance(store, MemoryStore):
        store._store.clear()
    backend = _cached_app.state["page_cache"].backend
    backend.entries.clear()
    from contest import results_cache

    results_cache.forget()
    return _cached_app


def client_for(app) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver")


@pytest.fixture
async def visitor(cached_app):
    async with client_for(cached_app) as c:
        yield c


@pytest.fixture
async def contest(commune, clock, make_user):
    contest = await make_contest(commune=commune, now=clock())
    row = await services.contest_by_slug(contest["slug"])
    round_ = (await services.rounds_of(row.id))[0]
    lead = await make_user(birth_year=2004, full_name="Đỗ Minh Khôi", email="khoi@example.com")
    idea_id = await services.create_draft(
        row, round_, complete_form(contest["categories"][0], title="Lọc nước mưa"), user_id=lead.id, now=clock()
    )
    code = await services.submit(idea_id, user_id=lead.id, now=clock())
    return {**contest, "row": row, "round_row": round_, "lead": lead, "idea": idea_id, "code": code}


# ---------------------------------------------------------------- compression


async def test_pages_are_compressed_with_brotli_or_gzip_as_the_browser_accepts(visitor, contest):
    raw = await visitor.get("/", headers=RAW)
    assert raw.status_code == 200 and "content-encoding" not in raw.headers
    br, wire = await wire_get(visitor, "/", {"Accept-Encoding": "gzip, deflate, br"})
    assert br.headers["content-encoding"] == "br" and "Accept-Encoding" in br.headers["vary"]
    assert brotli.decompress(wire) == raw.content and len(wire) < len(raw.content) / 2
    gz, wire = await wire_get(visitor, "/", {"Accept-Encoding": "gzip"})
    assert gz.headers["content-encoding"] == "gzip" and gzip.decompress(wire) == raw.content
    refused = await visitor.get("/", headers={"Accept-Encoding": "br;q=0, gzip"})
    assert refused.headers["content-encoding"] == "gzip"


async def wire_get(client: httpx.AsyncClient, url: str, headers: dict) -> tuple[httpx.Response, bytes]:
    """The answer and its body as it came over the wire (httpx decodes ``.content``)."""
    async with client.stream("GET", url, headers=headers) as response:
        return response, b"".join([chunk async for chunk in response.aiter_raw()])


async def test_json_and_signed_in_pages_are_compressed_small_answers_are_not(visitor, contest, client, make_user):
    api = await visitor.get(f"/api/contests/{contest['slug']}/ideas", headers={"Accept-Encoding": "gzip"})
    assert api.json()["items"][0]["code"] == contest["code"]
    schema = await visitor.get("/schema/openapi.json", headers={"Accept-Encoding": "gzip"})
    assert schema.headers["content-encoding"] == "gzip" and "paths" in schema.json()
    health = await visitor.get("/healthz", headers={"Accept-Encoding": "gzip, br"})
    assert len(health.content) < 500 and "content-encoding" not in health.headers
    # A signed-in page (made per person, never cached) is compressed as it is sent.
    async with client_for(visitor._transport.app) as person:
        await make_user(email="an@example.com")
        await login(person, "an@example.com", PASSWORD)
        page = await person.get(f"/contests/{contest['slug']}", headers={"Accept-Encoding": "br"})
        assert page.headers["content-encoding"] == "br" and "x-page-cache" not in page.headers
        assert "Log out" in page.text or "Đăng xuất" in page.text


# ---------------------------------------------------------------- static files


async def test_static_files_have_hashed_names_cached_for_a_year(visitor, contest):
    home = (await visitor.get("/")).text
    href = re.search(r'<link rel="stylesheet" href="(/static/css/site\.[0-9a-f]{12}\.css)">', home).group(1)
    assert re.search(r'src="/static/icons/logo\.[0-9a-f]{12}\.svg"', home)
    css = await visitor.get(href, headers={"Accept-Encoding": "br"})
    assert css.status_code == 200 and css.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert css.headers["content-encoding"] == "br" and css.headers["content-type"].startswith("text/css")
    assert css.content == (BASE_DIR / "static/css/site.css").read_bytes()
    plain = await visitor.get("/static/css/site.css", headers=RAW)
    assert plain.headers["cache-control"] == "public, max-age=300" and plain.content == css.content
    again = await visitor.get("/static/css/site.css", headers={"If-None-Match": plain.headers["etag"]})
    assert again.status_code == 304 and again.content == b""
    assert (await visitor.get("/static/css/nothing.css")).status_code == 404


def test_hashed_names_follow_the_content(tmp_path):
    (tmp_path / "js").mkdir()
    (tmp_path / "js" / "app.js").write_text("console.log(1)")
    first = StaticAssets(tmp_path).url("js/app.js")
    (tmp_path / "js" / "app.js").write_text("console.log(2)")
    second = StaticAssets(tmp_path).url("js/app.js")
    assert first != second and first.startswith("/static/js/app.") and first.endswith(".js")
    assert StaticAssets(tmp_path).url("js/missing.js") == "/static/js/missing.js"
    assert hashed_name("css/site.css", "abc") == "css/site.abc.css"
    assert default_assets().url("/static/css/site.css") == default_assets().url("css/site.css")


def test_every_template_links_static_files_by_their_hashed_name():
    offenders = [str(p) for p in (BASE_DIR / "templates").rglob("*.html") if '"/static/' in p.read_text()]
    assert offenders == []


# ---------------------------------------------------------------- ETag and the page cache


async def test_public_page_has_an_etag_and_answers_304_while_unchanged(visitor, contest):
    first = await visitor.get(f"/ideas/{contest['code']}")
    assert first.status_code == 200 and first.headers["etag"].startswith('W/"')
    assert first.headers["cache-control"] == "no-cache"
    second = await visitor.get(f"/ideas/{contest['code']}", headers={"If-None-Match": first.headers["etag"]})
    assert second.status_code == 304 and second.content == b"" and second.headers["x-page-cache"] == "hit"
    await services.hide(
        contest["idea"], reason="Trùng lặp", actor_id=contest["lead"].id, now=contest["lead"].created_at, scope=PLATFORM
    )
    changed = await visitor.get(f"/ideas/{contest['code']}", headers={"If-None-Match": first.headers["etag"]})
    assert changed.status_code in (404, 200) and changed.status_code != 304


async def test_anonymous_pages_are_shared_and_carry_nothing_personal(visitor, contest):
    first = await visitor.get(f"/contests/{contest['slug']}/ideas")
    assert first.headers["x-page-cache"] == "miss" and "Lọc nước mưa" in first.text
    second = await visitor.get(f"/contests/{contest['slug']}/ideas")
    assert second.headers["x-page-cache"] == "hit" and second.text == first.text
    for page in (first, second):
        assert "set-cookie" not in page.headers
        assert "_csrf_token" not in page.text and "/logout" not in page.text
    # The language is part of the key; ?lang= (which sets the cookie) is never answered from the cache.
    english = await visitor.get(f"/contests/{contest['slug']}/ideas", headers={"Accept-Language": "en"})
    assert english.headers["x-page-cache"] == "miss" and english.text != first.text
    switch = await visitor.get(f"/contests/{contest['slug']}/ideas?lang=en")
    assert "x-page-cache" not in switch.headers and "lang=en" in switch.headers["set-cookie"]


async def test_signed_in_pages_are_never_cached_nor_served_from_the_cache(cached_app, visitor, contest, make_user):
    await make_user(email="binh@example.com", full_name="Hoàng Văn Bình")
    anonymous = await visitor.get(f"/ideas/{contest['code']}")
    async with client_for(cached_app) as person:
        await login(person, "binh@example.com", PASSWORD)
        for _ in range(2):
            page = await person.get(f"/ideas/{contest['code']}")
            assert "x-page-cache" not in page.headers and "etag" not in page.headers
            assert "/logout" in page.text and page.text != anonymous.text
    again = await visitor.get(f"/ideas/{contest['code']}")
    assert again.headers["x-page-cache"] == "hit" and "/logout" not in again.text
    assert "Hoàng Văn Bình" not in again.text


async def test_pages_with_a_form_token_are_not_cached(visitor, contest):
    for _ in range(2):
        page = await visitor.get("/login")
        assert "_csrf_token" in page.text and "x-page-cache" not in page.headers


async def _seen(visitor, url: str) -> str:
    page = await visitor.get(url)
    return page.text if page.status_code == 200 else f"status {page.status_code}"


async def test_each_domain_event_shows_at_once(visitor, contest, make_user, clock):
    gallery = f"/contests/{contest['slug']}/ideas"
    idea_page = f"/ideas/{contest['code']}"
    assert "Lọc nước mưa" in await _seen(visitor, gallery)
    assert (await visitor.get(gallery)).headers["x-page-cache"] == "hit"
    lead = contest["lead"]

    # An idea submitted.
    second = await services.create_draft(
        contest["row"],
        contest["round_row"],
        complete_form(contest["categories"][0], title="Chợ quê trên mạng"),
        user_id=lead.id,
        now=clock(),
    )
    await services.submit(second, user_id=lead.id, now=clock())
    assert "Chợ quê trên mạng" in await _seen(visitor, gallery)

    # An idea edited.
    assert "Lọc nước mưa" in await _seen(visitor, idea_page)
    await services.save(
        contest["idea"],
        complete_form(contest["categories"][0], title="Lọc nước mưa bằng cát"),
        user_id=lead.id,
        now=clock(),
    )
    assert "Lọc nước mưa bằng cát" in await _seen(visitor, idea_page)

    # Hidden, then shown again.
    await services.hide(contest["idea"], reason="Đang xem xét", actor_id=lead.id, now=clock(), scope=PLATFORM)
    assert "Lọc nước mưa bằng cát" not in await _seen(visitor, gallery)
    await services.unhide(contest["idea"], actor_id=lead.id, now=clock(), scope=PLATFORM)
    assert "Lọc nước mưa bằng cát" in await _seen(visitor, gallery)

    # The contest edited, then unpublished.
    contest_page = f"/contests/{contest['slug']}"
    assert "Cuộc thi ý tưởng sáng tạo 2026" in await _seen(visitor, contest_page)
    _, form, _ = await authoring.contest_to_edit(contest["slug"], scope=PLATFORM)
    form = (
        dataclasses.replace(form, title="Cuộc thi sáng tạo mùa xuân")
        if dataclasses.is_dataclass(form)
        else form.model_copy(update={"title": "Cuộc thi sáng tạo mùa xuân"})
    )
    await authoring.update_contest(contest["slug"], form, scope=PLATFORM, actor_id=lead.id, now=clock())
    assert "Cuộc thi sáng tạo mùa xuân" in await _seen(visitor, contest_page)
    await services.set_published(contest["id"], False, actor_id=lead.id, now=clock(), scope=PLATFORM)
    assert await _seen(visitor, contest_page) == "status 404"


async def test_a_vote_changes_cached_pages_only_where_tallies_are_shown(visitor, contest, make_user, clock):
    round_id = contest["round"]
    await voting.update_rules(
        round_id,
        {"votes_per_voter": 3, "change_allowed": True, "live_tally": True, "residents_only": True, "jury_weight": 0.7},
        actor_id=contest["lead"].id,
        now=clock(),
        scope=PLATFORM,
    )
    clock.advance(days=31.5)  # the vote is open
    page = f"/contests/{contest['slug']}/ideas"
    await visitor.get(page)
    assert (await visitor.get(page)).headers["x-page-cache"] == "hit"
    voter = await verified(make_user)
    await voting.cast(round_id, contest["idea"], voter_id=voter.id, now=clock(), alias_key=b"k" * 32)
    assert (await visitor.get(page)).headers["x-page-cache"] == "miss"


async def test_a_change_made_through_the_site_starts_a_new_generation(cached_app, visitor, contest, make_user):
    """Organizer actions without their own event (rounds, awards, results, mentors) still show at once."""
    from accounts.tables import Role

    await visitor.get("/")
    assert (await visitor.get("/")).headers["x-page-cache"] == "hit"
    cache = cached_app.state["page_cache"]
    before = cache.backend.generation
    await make_user(email="org@example.com", roles=[Role.organizer])
    async with client_for(cached_app) as organizer:
        await login(organizer, "org@example.com", PASSWORD)  # signing in changes nothing public
        assert cache.backend.generation == before
        from tests.conftest import post_form

        await post_form(
            organizer,
            f"/organizer/ideas/{contest['idea']}/hide",
            {"reason": "Trùng"},
            page=f"/organizer/contests/{contest['slug']}",
        )
    assert cache.backend.generation > before
    assert (await visitor.get("/")).headers["x-page-cache"] == "miss"


async def test_pages_expire_when_the_clock_moves_past_their_lifetime(visitor, contest, clock):
    await visitor.get("/")
    assert (await visitor.get("/")).headers["x-page-cache"] == "hit"
    clock.advance(seconds=31)
    assert (await visitor.get("/")).headers["x-page-cache"] == "miss"


async def test_a_crowd_arriving_at_once_costs_one_rendering(visitor, contest):
    import asyncio

    pages = await asyncio.gather(*(visitor.get(f"/contests/{contest['slug']}/ideas") for _ in range(6)))
    assert sorted(p.headers["x-page-cache"] for p in pages) == ["hit"] * 5 + ["miss"]
    assert len({p.text for p in pages}) == 1 and "Lọc nước mưa" in pages[0].text


async def test_published_results_are_computed_once_and_again_after_an_audited_change(
    client, vote_round, make_user, clock, monkeypatch, commune
):  # noqa: F811
    from accounts import audit
    from contest import rubric
    from contest.tables import Award

    slug = vote_round["contest"]["slug"]
    voter = await verified(make_user)
    await voting.cast(
        vote_round["round"]["id"], vote_round["ideas"][0], voter_id=voter.id, now=clock(), alias_key=b"k" * 32
    )
    await Award(contest=vote_round["contest"]["id"], name="Giải bình chọn", position=1, basis="public", rank=1).save()
    clock.advance(days=10)  # results are out
    computed = []
    original = rubric.corrections

    async def counting(round_):
        computed.append(round_["id"])
        return await original(round_)

    monkeypatch.setattr(rubric, "corrections", counting)
    for _ in range(3):
        page = await client.get(f"/contests/{slug}/results")
        assert page.status_code == 200 and "Giải bình chọn" in page.text
    assert (await client.get(f"/contests/{slug}/results.json")).json()["ranking"][0]["votes"] == 1
    assert len(computed) == 1
    await audit.record(
        "award.changed", actor_id=None, target_type="award", target_id=1, commune_id=commune["id"], now=clock()
    )
    await client.get(f"/contests/{slug}/results")
    assert len(computed) == 2


async def test_kept_results_follow_a_public_change_that_writes_no_audit_entry(client, vote_round, make_user, clock):  # noqa: F811
    from accounts import events
    from contest.tables import Contest, Idea

    slug = vote_round["contest"]["slug"]
    voter = await verified(make_user)
    await voting.cast(
        vote_round["round"]["id"], vote_round["ideas"][0], voter_id=voter.id, now=clock(), alias_key=b"k" * 32
    )
    clock.advance(days=10)  # results are out
    old_title = (await Idea.select(Idea.title).where(Idea.id == vote_round["ideas"][0]).first())["title"]
    assert old_title in (await client.get(f"/contests/{slug}/results")).text
    # A change made without an audit entry (a team renames its idea, the contest's tagline is fixed).
    await Idea.update({Idea.title: "Tên mới của ý tưởng"}).where(Idea.id == vote_round["ideas"][0])
    await Contest.update({Contest.title: "Cuộc thi đã đổi tên"}).where(Contest.id == vote_round["contest"]["id"])
    page = await client.get(f"/contests/{slug}/results")
    assert "Cuộc thi đã đổi tên" in page.text  # the contest is read on every view
    await events.public_changed("idea.edited")
    page = await client.get(f"/contests/{slug}/results")
    assert "Tên mới của ý tưởng" in page.text
