"""Each worker's copies of the contest structure (accounts.memo) and the prepared selects behind the
vote page and the idea page: a signed-in person sees every change at once, whoever made it and
however (the domain's events, the organizer's forms, a change made elsewhere followed by any change
through the site, another worker), and the pages read exactly what the plain queries read."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os

import httpx
import pytest

from accounts import memo
from accounts.errors import NotFound
from accounts.scope import PLATFORM
from accounts.tables import Role
from contest import authoring, services, voting
from contest.tables import Contest, Idea, IdeaMember, Round, Vote
from tests.conftest import csrf_from, login, post_form
from tests.fixtures.voting import verified
from tests.support.factories import PASSWORD, complete_form

pytestmark = pytest.mark.integration


@pytest.fixture(scope="session")
def _copies_app(_session_clock):
    """The app as it is served (page cache and copies on; the suite's shared app has both off)."""
    from server.app import create_app
    from server.settings import get_settings

    return create_app(
        dataclasses.replace(get_settings(), page_cache_seconds=30), clock=_session_clock, run_workers=False
    )


@pytest.fixture
def copies_app(db, clock, _copies_app):
    from litestar.stores.memory import MemoryStore

    from contest import results_cache

    store = _copies_app.stores.get("sessions")
    if isinstance(store, MemoryStore):
        store._store.clear()
    _copies_app.state["page_cache"].backend.entries.clear()
    results_cache.forget()  # and the copies: the database is emptied between tests
    return _copies_app


def client_for(app) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver")


@pytest.fixture
async def resident(copies_app, make_user):
    await verified(make_user, email="cu-dan@example.com", full_name="Phạm Thu Hà")
    async with client_for(copies_app) as c:
        await login(c, "cu-dan@example.com", PASSWORD)
        yield c


@pytest.fixture
async def organizer(copies_app, make_user):
    await make_user(email="btc@example.com", roles=[Role.organizer])
    async with client_for(copies_app) as c:
        await login(c, "btc@example.com", PASSWORD)
        yield c


async def _page(person: httpx.AsyncClient, url: str) -> str:
    page = await person.get(url)
    assert "x-page-cache" not in page.headers  # a signed-in page is always made for its reader
    return page.text if page.status_code == 200 else f"status {page.status_code}"


async def test_the_vote_page_shows_each_domain_event_at_once(copies_app, resident, vote_round, clock):  # noqa: F811
    slug = vote_round["contest"]["slug"]
    vote = f"/contests/{slug}/vote"
    first = vote_round["ideas"][0]
    lead = (await Idea.select(Idea.lead).where(Idea.id == first).first())["lead"]
    assert "Ý tưởng 0" in await _page(resident, vote)

    # An idea edited by its team (the vote has opened: the organizers' platform scope edits it here).
    await Idea.update({Idea.title: "Ý tưởng đã sửa"}).where(Idea.id == first)
    from accounts import events

    await events.public_changed("idea.edited")
    assert "Ý tưởng đã sửa" in await _page(resident, vote)

    # Hidden, then shown again.
    await services.hide(first, reason="Đang xem xét", actor_id=lead, now=clock(), scope=PLATFORM)
    assert "Ý tưởng đã sửa" not in await _page(resident, vote)
    await services.unhide(first, actor_id=lead, now=clock(), scope=PLATFORM)
    assert "Ý tưởng đã sửa" in await _page(resident, vote)

    # The contest edited, then unpublished.
    _, form, _ = await authoring.contest_to_edit(slug, scope=PLATFORM)
    form = (
        dataclasses.replace(form, title="Cuộc thi sáng tạo mùa xuân")
        if dataclasses.is_dataclass(form)
        else form.model_copy(update={"title": "Cuộc thi sáng tạo mùa xuân"})
    )
    await authoring.update_contest(slug, form, scope=PLATFORM, actor_id=lead, now=clock())
    assert "Cuộc thi sáng tạo mùa xuân" in await _page(resident, vote)
    assert "Cuộc thi sáng tạo mùa xuân" in await _page(resident, f"/ideas/{await _code(first)}")
    contest_id = (await services.contest_by_slug(slug)).id
    await services.set_published(contest_id, False, actor_id=lead, now=clock(), scope=PLATFORM)
    assert await _page(resident, vote) == "status 404"


async def _code(idea_id: int) -> str:
    return (await Idea.select(Idea.code).where(Idea.id == idea_id).first())["code"]


async def test_the_idea_page_shows_each_change_at_once(copies_app, resident, vote_round, make_user, clock):  # noqa: F811
    idea_id = vote_round["ideas"][0]
    code = await _code(idea_id)
    url = f"/ideas/{code}"
    assert "Ý tưởng 0" in await _page(resident, url)
    assert ("idea_page", code) in memo._kept  # kept for the next reader of this worker
    # A member accepts an invitation sent while the idea could still be edited: the team shows them at once.
    member = await make_user(email="thanh-vien@example.com", full_name="Đỗ Minh Khang")
    invitation = await IdeaMember.insert(
        IdeaMember(idea=idea_id, contact="thanh-vien@example.com", invited_at=clock())
    ).returning(IdeaMember.id)
    assert "Đỗ Minh Khang" not in await _page(resident, url)
    async with client_for(copies_app) as joining:
        await login(joining, "thanh-vien@example.com", PASSWORD)
        page = await joining.get("/my/invitations")
        answer = await joining.post(
            f"/my/invitations/{invitation[0]['id']}/accept", data={"_csrf_token": csrf_from(page.text)}
        )
        assert answer.status_code == 303
    assert "Đỗ Minh Khang" in await _page(resident, url)
    # The organizers hide it: it is gone for the resident at once.
    await services.hide(idea_id, reason="Trùng lặp với ý tưởng khác", actor_id=member.id, now=clock(), scope=PLATFORM)
    assert await _page(resident, url) == "status 404"


async def test_a_vote_shows_at_once_and_keeps_the_copies(copies_app, resident, vote_round):  # noqa: F811
    slug = vote_round["contest"]["slug"]
    page = await resident.get(f"/contests/{slug}/vote")
    assert "Bạn còn 3 phiếu" in page.text
    code = await _code(vote_round["ideas"][1])
    cast = await resident.post(f"/contests/{slug}/vote/{code}", data={"_csrf_token": csrf_from(page.text)})
    assert cast.status_code == 303
    after = await _page(resident, f"/contests/{slug}/vote")
    assert "Bạn còn 2 phiếu" in after and "Bạn đã bình chọn cho ý tưởng này" in after
    assert ("contest", slug) in memo._kept  # a vote changes none of the contest's structure


async def test_a_vote_reads_the_round_from_the_copy_and_follows_every_change_through_the_site(
    copies_app, resident, organizer, vote_round, clock
):  # noqa: F811
    slug, round_id = vote_round["contest"]["slug"], vote_round["round"]["id"]
    token = csrf_from((await resident.get(f"/contests/{slug}/vote")).text)
    json = {"Accept": "application/json"}
    first = await resident.post(
        f"/contests/{slug}/vote/{await _code(vote_round['ideas'][1])}", data={"_csrf_token": token}, headers=json
    )
    assert first.status_code == 200 and first.json()["left"] == 2
    assert ("vote_rounds", slug) in memo._kept  # the vote took the round and its rules from the copy
    # The vote is closed by a fix made outside the site, then an organizer changes something through
    # the site (hides another idea): the next vote is checked against the closed round.
    await Round.update({Round.vote_closes: clock() - dt.timedelta(minutes=1)}).where(Round.id == round_id)
    other = vote_round["ideas"][5]
    changed = await post_form(
        organizer, f"/organizer/ideas/{other}/hide", {"reason": "Trùng lặp"}, page=f"/ideas/{await _code(other)}"
    )
    assert changed.status_code == 303
    second = await resident.post(
        f"/contests/{slug}/vote/{await _code(vote_round['ideas'][2])}", data={"_csrf_token": token}, headers=json
    )
    assert second.status_code == 409 and not second.json()["ok"]
    assert await Vote.count().where(Vote.round == round_id) == 1


async def test_rules_and_rounds_changed_through_the_site_show_at_once(
    copies_app, resident, organizer, commune, make_user, clock
):
    from tests.support.factories import make_contest

    contest = await make_contest(commune=commune, now=clock())
    round_id = contest["round"]
    await voting.update_rules(
        round_id,
        {"votes_per_voter": 3, "change_allowed": True, "live_tally": False, "residents_only": True, "jury_weight": 0.7},
        actor_id=(await make_user()).id,
        now=clock(),
        scope=PLATFORM,
    )
    vote = f"/contests/{contest['slug']}/vote"
    assert "có 3 phiếu" in await _page(resident, vote)
    saved = await post_form(
        organizer,
        f"/organizer/rounds/{round_id}/vote/rules",
        {"votes_per_voter": "4", "jury_weight": "0,6", "residents_only": "on", "change_allowed": "on"},
        page=f"/organizer/rounds/{round_id}/vote/",
    )
    assert saved.status_code == 303
    assert "có 4 phiếu" in await _page(resident, vote)

    # A change made outside the site (a database fix, the admin's own tables) shows after the next
    # change anyone makes through the site, and at the latest when the copies expire.
    await Round.update({Round.name: "Vòng chung khảo"}).where(Round.id == round_id)
    await Contest.update({Contest.title: "Cuộc thi đã đổi tên"}).where(Contest.id == contest["id"])
    idea_id = await services.create_draft(
        await services.contest_by_slug(contest["slug"]),
        (await services.rounds_of(contest["id"]))[0],
        complete_form(contest["categories"][0], title="Nhà kính mini"),
        user_id=(await make_user(birth_year=2004)).id,
        now=clock(),
    )
    kept = await _page(resident, vote)
    assert "Cuộc thi đã đổi tên" not in kept  # this worker's copy, within its lifetime
    read = await post_form(organizer, "/inbox/read", {}, page="/inbox")  # a change with no public effect
    assert read.status_code == 303
    assert "Cuộc thi đã đổi tên" not in await _page(resident, vote)
    await post_form(
        organizer,
        f"/organizer/rounds/{round_id}/vote/rules",
        {"votes_per_voter": "4", "jury_weight": "0,6", "residents_only": "on"},
        page=f"/organizer/rounds/{round_id}/vote/",
    )
    assert "Cuộc thi đã đổi tên" in await _page(resident, vote)
    assert idea_id  # a draft: never on the vote page
    memo_lifetime_passed(memo)
    await Contest.update({Contest.title: "Tên mới nhất"}).where(Contest.id == contest["id"])
    assert "Tên mới nhất" in await _page(resident, vote)


def memo_lifetime_passed(module) -> None:
    """Age every copy (of contests and of people) past its lifetime (no waiting)."""
    for kept in (module._kept, module._people_kept):
        for key, (generation, made, value) in list(kept.items()):
            kept[key] = (generation, made - module.LIFETIME - 1, value)


async def test_another_worker_s_change_shows_at_once(copies_app, resident, vote_round):  # noqa: F811
    """Workers share a generation (Redis in production): one that moves it makes the others read
    afresh, though their own copies were not dropped."""
    slug = vote_round["contest"]["slug"]
    vote = f"/contests/{slug}/vote"
    assert "Cuộc thi ý tưởng sáng tạo 2026" in await _page(resident, vote)
    shared = {"g": 100}

    async def current() -> int:
        return shared["g"]

    async def bump() -> None:
        shared["g"] += 1

    memo.use_generation(current, bump)
    try:
        assert "Cuộc thi ý tưởng sáng tạo 2026" in await _page(resident, vote)
        await Contest.update({Contest.title: "Đổi ở tiến trình khác"}).where(Contest.slug == slug)
        assert "Đổi ở tiến trình khác" not in await _page(resident, vote)
        shared["g"] += 1  # another worker saved a change (its own copies only were dropped)
        assert "Đổi ở tiến trình khác" in await _page(resident, vote)
    finally:
        memo.use_memory_generation()


REDIS_URL = os.environ.get("COPIES_REDIS_URL", "redis://127.0.0.1:6379/9")  # a spare Redis database


@pytest.fixture
async def redis_app(db, _session_clock):
    """The app as several workers run it: sessions, limits, the page cache and the generation in Redis."""
    import redis.asyncio as aioredis

    from server import memo as web_memo
    from server.app import create_app
    from server.settings import get_settings

    client = aioredis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        await client.flushdb()
    except Exception as exc:  # noqa: BLE001 — any failure means no Redis here
        pytest.fail(f"Redis is not reachable at {REDIS_URL}: {exc}", pytrace=False)
    settings = dataclasses.replace(get_settings(), page_cache_seconds=30, redis_url=REDIS_URL)
    try:
        yield create_app(settings, clock=_session_clock, run_workers=False), client
    finally:
        web_memo.configure("")  # the other tests' copies use this process's own generation
        await client.flushdb()
        await client.aclose()


async def test_with_redis_a_signed_in_page_reads_the_generation_with_its_session(
    redis_app, make_user, vote_round, monkeypatch
):  # noqa: F811
    from server import memo as web_memo

    app, redis = redis_app
    await verified(make_user, email="cu-dan@example.com", full_name="Phạm Thu Hà")
    vote = f"/contests/{vote_round['contest']['slug']}/vote"
    async with client_for(app) as person:
        await login(person, "cu-dan@example.com", PASSWORD)
        asked = []
        read_alone = memo._current  # the shared generation read on its own (a round trip)

        async def counted() -> int:
            asked.append(1)
            return await read_alone()

        monkeypatch.setattr(memo, "_current", counted)
        assert "Cuộc thi ý tưởng sáng tạo 2026" in await _page(person, vote)
        assert asked == []  # the generation came in the session's round trip
        await Contest.update({Contest.title: "Đổi ở tiến trình khác"}).where(
            Contest.slug == vote_round["contest"]["slug"]
        )
        assert "Đổi ở tiến trình khác" not in await _page(person, vote)  # this worker's copy
        await redis.incr(web_memo.GENERATION_KEY)  # another worker saved a change
        assert "Đổi ở tiến trình khác" in await _page(person, vote)
        assert asked == []


async def test_copies_are_used_only_while_serving_a_request(db, commune, clock):
    from tests.support.factories import make_contest

    contest = await make_contest(commune=commune, now=clock())
    calls = []

    async def loader():
        calls.append(1)
        return {"n": len(calls), "rows": [{"a": 1}]}

    assert (await memo.read(("test",), loader))["n"] == 1
    assert (await memo.read(("test",), loader))["n"] == 2  # outside a request: always the database
    with memo.request():
        first = await memo.read(("test",), loader)
        first["rows"][0]["a"] = 99  # a caller changing its answer changes nobody else's
        again = await memo.read(("test",), loader)
        assert again == {"n": 3, "rows": [{"a": 1}]}
        await memo.on_public_change("vote.cast")
        assert (await memo.read(("test",), loader))["n"] == 3
        await memo.on_public_change("idea.edited")
        assert (await memo.read(("test",), loader))["n"] == 4
    memo.forget()
    await Contest.update({Contest.title: "Đổi ngay"}).where(Contest.slug == contest["slug"])
    assert (await services.contest_by_slug(contest["slug"])).title == "Đổi ngay"  # outside a request


async def test_prepared_selects_read_what_piccolo_reads(db, vote_round, make_user, clock):  # noqa: F811
    first = vote_round["ideas"][0]
    code = await _code(first)
    plain = (
        await Idea.select(
            *Idea.all_columns(),
            Idea.category.name,
            Idea.hamlet.name,
            Idea.lead.full_name,
            Idea.contest.slug,
            Idea.contest.title,
            Idea.contest.commune,
        )
        .where(Idea.code == code)
        .first()
    )
    assert plain is not None
    names = {
        "category.name": "category_name",
        "hamlet.name": "hamlet_name",
        "lead.full_name": "lead_name",
        "contest.slug": "contest_slug",
        "contest.title": "contest_title",
        "contest.commune": "commune",
    }
    expected = services.IdeaRow(**{names.get(k, k): v for k, v in plain.items()})
    assert await services.idea_by_code(code.lower()) == expected
    assert await services.idea_by_code(code) == expected  # the second run reuses the SQL
    with pytest.raises(NotFound):
        await services.idea_by_code("XX-0000-000")
    members, team = await services.accepted_team(first)
    assert members == await services.member_ids(first)
    assert team == await services.team(first)
    contest = await Contest.select().where(Contest.slug == vote_round["contest"]["slug"]).first()
    assert await services.rounds_of(contest["id"]) == await Round.select().where(Round.contest == contest["id"])

    # The vote page's one query reads what the three separate ones read.
    voter = await verified(make_user)
    round_id = vote_round["round"]["id"]
    for idea in vote_round["ideas"][:2]:
        await voting.cast(round_id, idea, voter_id=voter.id, now=clock(), alias_key=b"k" * 32)
    mine, used, counts = await voting.ballot_page(round_id, voter.id, with_tally=True)
    assert used == await voting.ballot_used(round_id, voter.id) == 2
    assert counts == await voting.tally(round_id)
    assert {k: (v["receipt"], bool(v["voided"])) for k, v in mine.items()} == {
        k: (v["receipt"], bool(v["voided"])) for k, v in (await voting.my_votes(round_id, voter.id)).items()
    }
    assert await voting.ballot_page(round_id, None, with_tally=False) == ({}, 0, None)


# ---------------------------------------------------------------- the person signed in


@pytest.fixture
def principal_loads(monkeypatch):
    """How many times a page read the signed-in person from the database."""
    from server import auth

    loads = []
    load = auth.load_principal

    async def counted(user_id, session_version=None):
        loads.append(user_id)
        return await load(user_id, session_version)

    monkeypatch.setattr(auth, "load_principal", counted)
    return loads


async def test_the_person_signed_in_is_kept_between_pages_and_a_vote_keeps_it(
    copies_app, resident, vote_round, principal_loads
):  # noqa: F811
    slug = vote_round["contest"]["slug"]
    page = await resident.get(f"/contests/{slug}/vote")
    assert "data-vote" in page.text
    assert "Bạn còn 3 phiếu" in await _page(resident, f"/contests/{slug}/vote")
    assert len(principal_loads) == 1  # the second page used this worker's copy
    code = await _code(vote_round["ideas"][1])
    cast = await resident.post(f"/contests/{slug}/vote/{code}", data={"_csrf_token": csrf_from(page.text)})
    assert cast.status_code == 303
    assert len(principal_loads) == 1  # a vote reads the person from the copy, as a page does
    assert "Bạn còn 2 phiếu" in await _page(resident, f"/contests/{slug}/vote")
    assert len(principal_loads) == 1  # a vote changes no one's account: the copy stays


async def test_a_role_taken_away_or_a_verification_undone_shows_at_once(
    copies_app, resident, organizer, vote_round, principal_loads
):  # noqa: F811
    from accounts import services, verification
    from accounts.tables import User

    slug = vote_round["contest"]["slug"]
    assert (await organizer.get("/organizer/")).status_code == 200
    assert (await organizer.get("/organizer/")).status_code == 200
    btc = await User.select(User.id, User.commune).where(User.email == "btc@example.com").first()
    assert await services.revoke_role(
        btc["id"], Role.organizer, commune_id=btc["commune"], actor=None, now=dt.datetime.now(dt.UTC)
    )
    assert (await organizer.get("/organizer/")).status_code == 403

    assert "data-vote" in await _page(resident, f"/contests/{slug}/vote")
    person = await User.select(User.id).where(User.email == "cu-dan@example.com").first()
    page = await resident.get(f"/contests/{slug}/vote")
    await verification.unverify(person["id"], actor_id=btc["id"], reason="Sai thôn", now=dt.datetime.now(dt.UTC))
    # A vote sent from the page opened before is refused at once, and nothing is counted.
    code = await _code(vote_round["ideas"][2])
    cast = await resident.post(f"/contests/{slug}/vote/{code}", data={"_csrf_token": csrf_from(page.text)})
    assert cast.status_code == 303
    assert await Vote.count().where(Vote.voter == person["id"]) == 0
    page = await _page(resident, f"/contests/{slug}/vote")
    assert "data-vote" not in page and 'href="/account/verify"' in page


async def test_a_change_to_a_person_made_outside_the_site_shows_after_any_change_through_it(
    copies_app, resident, organizer, vote_round
):  # noqa: F811
    from accounts.tables import User

    slug = vote_round["contest"]["slug"]
    vote = f"/contests/{slug}/vote"
    assert "data-vote" in await _page(resident, vote)
    await User.update({User.verified_resident: False}).where(User.email == "cu-dan@example.com")  # a fix by hand
    # Any change made through the site (here the organizer's, on something else) moves the people
    # generation on; so would the copies' lifetime.
    other = vote_round["ideas"][5]
    hidden = await post_form(
        organizer, f"/organizer/ideas/{other}/hide", {"reason": "Trùng lặp"}, page=f"/ideas/{await _code(other)}"
    )
    assert hidden.status_code == 303
    assert "data-vote" not in await _page(resident, vote)
    await User.update({User.verified_resident: True}).where(User.email == "cu-dan@example.com")
    memo_lifetime_passed(memo)
    assert "data-vote" in await _page(resident, vote)


async def test_a_password_changed_in_one_session_ends_the_other_at_once(copies_app, make_user, principal_loads):
    await make_user(email="nhung@example.com")
    async with client_for(copies_app) as one, client_for(copies_app) as other:
        await login(one, "nhung@example.com", PASSWORD)
        await login(other, "nhung@example.com", PASSWORD)
        assert (await other.get("/account")).status_code == 200
        assert (await other.get("/account")).status_code == 200  # from this worker's copy
        changed = await post_form(
            one, "/account/password", {"current_password": PASSWORD, "new_password": "trăng-rằm-tháng-tám"}
        )
        assert changed.status_code == 303
        assert (await other.get("/account")).status_code == 303  # signed out
        assert (await one.get("/account")).status_code == 200


async def test_with_redis_another_worker_s_change_to_a_person_shows_at_once(
    redis_app, make_user, vote_round, principal_loads, monkeypatch
):  # noqa: F811
    from accounts.tables import User
    from server import memo as web_memo

    app, redis = redis_app
    await verified(make_user, email="cu-dan@example.com", full_name="Phạm Thu Hà")
    vote = f"/contests/{vote_round['contest']['slug']}/vote"
    async with client_for(app) as person:
        await login(person, "cu-dan@example.com", PASSWORD)
        asked = []
        read_alone = memo._people_current

        async def counted() -> int:
            asked.append(1)
            return await read_alone()

        monkeypatch.setattr(memo, "_people_current", counted)
        assert "data-vote" in await _page(person, vote)
        loads = len(principal_loads)
        assert "data-vote" in await _page(person, vote)
        assert len(principal_loads) == loads  # this worker's copy
        await User.update({User.verified_resident: False}).where(User.email == "cu-dan@example.com")
        await redis.incr(web_memo.PEOPLE_KEY)  # another worker saved a change
        assert "data-vote" not in await _page(person, vote)
        assert asked == []  # the people generation came in the session's round trip
