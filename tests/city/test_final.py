"""The city final: communes nominate ideas of their published results, the team confirms or
declines, confirmed ideas enter the city's contest with their history; tenancy holds across
communes, judges of a finalist's commune are flagged, and the vote opens to every participating
commune."""

from __future__ import annotations

import datetime as dt

import pytest

from accounts.errors import DomainError, NotFound
from accounts.scope import PLATFORM, Scope
from accounts.tables import AuditEvent, Notification
from city import final
from city.final_tables import Nomination
from contest import judging, voting
from contest.tables import Idea, IdeaMember, PanelMember, VoteRules
from tests.support.city_final import city_final, published_commune
from tests.support.factories import make_resident

pytestmark = pytest.mark.integration


@pytest.fixture
async def world(commune, other_commune, clock):
    now = clock()
    a = await published_commune(commune, now, tag="ak")
    b = await published_commune(other_commune, now, tag="tm")
    city = await city_final(now, city_commune=commune)
    return {"a": a, "b": b, "city": city, "now": now}


def scope_of(side: dict) -> Scope:
    return Scope.of_communes(side["commune"])


async def nominate(world, side, index=0, **kwargs):
    return await final.nominate(
        world["city"]["final"],
        side["ideas"][index],
        actor_id=side["organizer"].id,
        now=world["now"],
        scope=scope_of(side),
        **kwargs,
    )


async def test_a_commune_nominates_its_own_idea_with_its_commune_results(world):
    a = world["a"]
    nomination_id = await nominate(world, a, note="Ý tưởng xuất sắc nhất xã")
    row = await Nomination.select().where(Nomination.id == nomination_id).first()
    assert row["status"] == "pending" and row["commune"] == a["commune"] and row["slot"] == 1
    history = row["history"] if isinstance(row["history"], dict) else __import__("json").loads(row["history"])
    assert history["rank"] == 1 and history["of"] == 3 and history["round"] == "Vòng sơ khảo"
    assert await AuditEvent.exists().where(
        (AuditEvent.action == "city.nominated") & (AuditEvent.commune == a["commune"])
    )
    assert await Notification.exists().where(Notification.user == a["leads"][0].id)


async def test_an_organizer_cannot_nominate_another_communes_idea(world):
    a, b = world["a"], world["b"]
    with pytest.raises(NotFound):
        await final.nominate(
            world["city"]["final"], b["ideas"][0], actor_id=a["organizer"].id, now=world["now"], scope=scope_of(a)
        )
    assert await Nomination.count() == 0


async def test_the_city_limit_per_commune_holds_and_a_decline_frees_a_place(world):
    a, b = world["a"], world["b"]
    await nominate(world, a, 0)
    second = await nominate(world, a, 1)
    with pytest.raises(DomainError) as refused:
        await nominate(world, a, 2)
    assert "places" in refused.value.message
    await nominate(world, b, 0)  # the other commune has its own places
    with pytest.raises(DomainError):
        await nominate(world, a, 1)  # already nominated
    await final.respond(second, user_id=a["leads"][1].id, accept=False, shared=[], now=world["now"])
    third = await nominate(world, a, 2)
    assert (await Nomination.select(Nomination.slot).where(Nomination.id == third).first())["slot"] == 2


async def test_only_published_results_can_be_nominated(world, commune, clock):
    from tests.support.factories import make_contest

    running = await make_contest(commune=commune, now=clock(), slug="dang-chay")
    lead = world["a"]["leads"][0]
    idea = Idea(contest=running["id"], round=running["round"], code="AK-2026-099", lead=lead.id, status="submitted")
    await idea.save()
    with pytest.raises(DomainError) as refused:
        await final.nominate(
            world["city"]["final"],
            idea.id,
            actor_id=world["a"]["organizer"].id,
            now=world["now"],
            scope=scope_of(world["a"]),
        )
    assert "published results" in refused.value.message


async def test_the_team_confirms_and_the_idea_enters_the_city_contest_with_its_history(world):
    a, city = world["a"], world["city"]
    nomination_id = await nominate(world, a)
    lead = a["leads"][0]
    shown = await final.team_nomination(nomination_id, user_id=lead.id)
    assert [c["comment"] for c in shown["comments"]] == ["Nhận xét 0 cho ý tưởng ak 0"]  # only released ones
    entry_id = await final.respond(
        nomination_id, user_id=lead.id, accept=True, shared=[shown["comments"][0]["sheet"]], now=world["now"]
    )
    assert entry_id is not None  # confirmed: the entry's id
    entry = await Idea.select().where(Idea.id == entry_id).first()
    assert entry["contest"] == city["contest"] and entry["round"] == city["round"]
    assert entry["code"].startswith("HP-") and entry["lead"] == lead.id and entry["status"] == "submitted"
    assert entry["title"] == "Ý tưởng ak 0"
    row = await Nomination.select().where(Nomination.id == nomination_id).first()
    assert row["status"] == "confirmed" and row["entry"] == entry_id
    history = await final.finalist_history(entry_id)
    assert history is not None and history.commune == "Xã An Khánh" and history.idea_code == "AK-2026-001"
    assert history.shared_comments[0]["comment"] == "Nhận xét 0 cho ý tưởng ak 0"
    assert history.shared_comments[0]["criteria"] == [{"criterion": "Tính mới", "comment": "Mới (0)"}]
    assert (await final.finalist_communes([entry_id]))[entry_id]["commune"] == "Xã An Khánh"
    # The final's judging machinery sees the entry.
    assert entry_id in [i["id"] for i in await judging.entries(city["round"])]
    assert await AuditEvent.exists().where(AuditEvent.action == "city.nomination_confirmed")
    with pytest.raises(DomainError):
        await final.respond(nomination_id, user_id=lead.id, accept=True, shared=[], now=world["now"])


async def test_only_the_team_lead_answers_and_only_released_comments_are_shared(world):
    a, b = world["a"], world["b"]
    nomination_id = await nominate(world, a)
    for stranger in (a["leads"][1], b["leads"][0], a["organizer"]):
        with pytest.raises(NotFound):
            await final.respond(nomination_id, user_id=stranger.id, accept=True, shared=[], now=world["now"])
    unreleased = a["sheets"][1]  # the second judge's sheet was not released to the team
    with pytest.raises(DomainError):
        await final.respond(nomination_id, user_id=a["leads"][0].id, accept=True, shared=[unreleased], now=world["now"])
    assert (await Nomination.select(Nomination.status).where(Nomination.id == nomination_id).first())[
        "status"
    ] == "pending"
    assert await Idea.count().where(Idea.contest == world["city"]["contest"]) == 0


async def test_members_follow_the_idea_into_the_final(world, make_user):
    a = world["a"]
    member = await make_user(full_name="Thành viên nhóm")
    await IdeaMember(idea=a["ideas"][0], user=member.id, contact="tv@example.com", status="accepted").save()
    nomination_id = await nominate(world, a)
    entry_id = await final.respond(nomination_id, user_id=a["leads"][0].id, accept=True, shared=[], now=world["now"])
    assert await IdeaMember.exists().where((IdeaMember.idea == entry_id) & (IdeaMember.user == member.id))


async def test_commune_organizers_see_only_their_own_nominees_and_the_city_sees_all(world):
    a, b, city = world["a"], world["b"], world["city"]
    await nominate(world, a)
    await nominate(world, b)
    mine = await final.commune_progress(scope=scope_of(a), now=world["now"])
    assert [r.commune for r in mine] == [a["commune"]]
    theirs = await final.commune_progress(scope=scope_of(b), now=world["now"])
    assert [r.commune for r in theirs] == [b["commune"]]
    city_scope = Scope.of_communes(city["level"])
    assert len((await final.entries(city["final"], scope=city_scope))["rows"]) == 2
    with pytest.raises(NotFound):
        await final.entries(city["final"], scope=scope_of(a))


async def test_candidates_list_only_the_callers_commune(world):
    a = world["a"]
    data = await final.candidates(world["city"]["final"], scope=scope_of(a), now=world["now"])
    codes = {row.code for r in data["rounds"] for row in r.rows}
    assert codes == {"AK-2026-001", "AK-2026-002", "AK-2026-003"}


async def test_judges_of_a_finalists_commune_are_flagged(world):
    a, b, city = world["a"], world["b"], world["city"]
    entries = {}
    for side in (a, b):
        nomination_id = await nominate(world, side)
        entries[side["commune"]] = await final.respond(
            nomination_id, user_id=side["leads"][0].id, accept=True, shared=[], now=world["now"]
        )
    judge_a = a["judges"][0]  # judged the idea in An Khánh and lives there
    for judge in (judge_a,):
        await PanelMember(round=city["round"], judge=judge.id, contact=judge.email, accepted=True).save()
    pairs = await judging.conflicts(city["round"])
    assert (judge_a.id, entries[a["commune"]]) in pairs
    assert (judge_a.id, entries[b["commune"]]) not in pairs


async def test_the_final_vote_is_open_to_residents_of_every_participating_commune(world, make_other_user, clock):
    a, b, city = world["a"], world["b"], world["city"]
    await VoteRules(round=city["round"], votes_per_voter=2, residents_only=True).save()
    voter_b = await make_other_user(full_name="Cử tri Tân Minh")
    await make_resident(voter_b, now=world["now"])
    nomination_id = await nominate(world, a)
    await final.respond(nomination_id, user_id=a["leads"][0].id, accept=True, shared=[], now=world["now"])
    during = world["now"] + dt.timedelta(days=12)
    round_ = await voting.voting_context(city["round"])
    assert voting.refusal_for(round_, await voting.voter_of(voter_b.id), during) is not None  # Tân Minh has no finalist
    nomination_id = await nominate(world, b)
    await final.respond(nomination_id, user_id=b["leads"][0].id, accept=True, shared=[], now=world["now"])
    round_ = await voting.voting_context(city["round"])
    assert voting.refusal_for(round_, await voting.voter_of(voter_b.id), during) is None
    # A commune contest stays its own commune's.
    commune_round = await voting.voting_context(a["round"])
    assert b["commune"] not in commune_round["voter_communes"]


async def test_a_final_must_belong_to_the_city_level(world):
    with pytest.raises(DomainError):
        await final.create_final(
            world["a"]["contest"]["id"],
            per_commune=2,
            nominations_close=None,
            actor_id=None,
            now=world["now"],
            scope=PLATFORM,
        )
