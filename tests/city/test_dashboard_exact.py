"""The dashboard's figures stay equal to a count made afresh while the programme goes on.

After each action (ideas submitted, votes cast and voided, a team member accepted, mentorships started and
ended, a workshop held, sponsors' pledges recorded and delivered, a resident verified) the figures the
dashboard serves (kept ones included) equal a direct count of the rows, made here in Python, for a period
that covers the actions and for one that does not. Turnout counts the residents verified by the period's end.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import defaultdict
from typing import Any

import pytest

from accounts.scope import Scope
from accounts.tables import Commune, User
from city import dashboard, sponsors
from city.period import Period
from city.tables import Pledge
from contest.tables import Contest, Idea, IdeaMember, Round, ScoreSheet, Vote
from mentoring.tables import IncubationRecord, MentorProfile, Mentorship, Workshop, WorkshopRegistration
from tests.support.factories import make_contest, make_resident, make_user

pytestmark = pytest.mark.integration
_n = itertools.count(1)
FIGURES = (
    "ideas",
    "youth",
    "judges",
    "mentors",
    "mentorships",
    "votes",
    "voters",
    "residents",
    "turnout",
    "workshops",
    "attendance",
    "pledges",
    "pledged",
    "delivered",
    "pledged_hours",
    "delivered_hours",
    "stage_launched",
    "stage_pilot",
)
# TEST_NOW is 27/11/2026 10:00 in Hà Nội.
WHOLE = Period(dt.date(2026, 1, 1), dt.date(2026, 11, 27))
NOVEMBER = Period(dt.date(2026, 11, 1), dt.date(2026, 11, 25))
SPRING = Period(dt.date(2026, 3, 1), dt.date(2026, 3, 31))
IN_NOVEMBER = dt.datetime(2026, 11, 20, 3, tzinfo=dt.UTC)


def _within(at: dt.datetime | None, period: Period) -> bool:
    return at is not None and period.start <= at < period.end


async def _count_residents(out: dict, period: Period) -> None:
    for u in await User.select(
        User.commune, User.verified_resident, User.resident, User.verified_at, User.created_at, User.deleted_at
    ):
        verified = u["verified_at"] or u["created_at"]
        still = u["deleted_at"] is None or u["deleted_at"] >= period.end
        if u["verified_resident"] and u["resident"] and u["commune"] and verified < period.end and still:
            out[u["commune"]]["residents"] += 1


async def _count_workshops_and_pledges(out: dict, contests: dict, period: Period) -> None:
    shops = {
        w["id"]: w["commune"]
        for w in await Workshop.select(Workshop.id, Workshop.commune, Workshop.starts_at, Workshop.published)
        if w["published"] and _within(w["starts_at"], period)
    }
    for commune in shops.values():
        out[commune]["workshops"] += 1
    for r in await WorkshopRegistration.select(WorkshopRegistration.workshop, WorkshopRegistration.attended):
        if r["workshop"] in shops and r["attended"]:
            out[shops[r["workshop"]]]["attendance"] += 1
    for p in await Pledge.select():
        if _within(p["created_at"], period):
            row = out[contests[p["contest"]]]
            row["pledges"] += 1
            row["pledged"] += p["value_vnd"] or 0
            row["pledged_hours"] += p["hours"] or 0
            if p["delivered"]:
                row["delivered"] += p["delivered_value_vnd"] or 0
                row["delivered_hours"] += p["delivered_hours"] or 0


def _city_and_turnout(out: dict, communes: list, *distinct: dict[int | None, set]) -> None:
    """The city's row (sums, but people once) and every row's turnout."""
    people, judges, mentors, voters = distinct
    city = out[None]
    for key in FIGURES:
        if key not in ("youth", "judges", "mentors", "voters", "turnout"):
            city[key] = sum(out[c][key] for c in communes) + (
                out[None][key] if key in ("workshops", "attendance") else 0
            )
    city["youth"] = len(set().union(*people.values())) if people else 0
    city["judges"] = len(set().union(*judges.values())) if judges else 0
    city["mentors"] = len(set().union(*mentors.values())) if mentors else 0
    city["voters"] = len(set().union(*voters.values())) if voters else 0
    for key in [*communes, None]:
        row = out[key]
        row["turnout"] = round(100.0 * row["voters"] / row["residents"], 1) if row["residents"] else None


async def recount(period: Period) -> dict[int | None, dict[str, Any]]:
    """Every compared figure, per commune id and for the city (None), counted row by row."""
    contests = {c["id"]: c["commune"] for c in await Contest.select(Contest.id, Contest.commune)}
    rounds = {r["id"]: contests[r["contest"]] for r in await Round.select(Round.id, Round.contest)}
    ideas = {i["id"]: i for i in await Idea.select(Idea.id, Idea.contest, Idea.lead, Idea.submitted_at)}
    commune_of_idea = {i: contests[row["contest"]] for i, row in ideas.items()}
    people: dict[int | None, set] = defaultdict(set)
    out: dict[int | None, dict[str, Any]] = defaultdict(lambda: defaultdict(int))
    for row in ideas.values():
        if _within(row["submitted_at"], period):
            out[commune_of_idea[row["id"]]]["ideas"] += 1
            people[commune_of_idea[row["id"]]].add(row["lead"])
    for m in await IdeaMember.select(IdeaMember.idea, IdeaMember.user, IdeaMember.status):
        if m["status"] == "accepted" and m["user"] and _within(ideas[m["idea"]]["submitted_at"], period):
            people[commune_of_idea[m["idea"]]].add(m["user"])
    judges: dict[int | None, set] = defaultdict(set)
    for sh in await ScoreSheet.select(ScoreSheet.round, ScoreSheet.judge, ScoreSheet.status, ScoreSheet.submitted_at):
        if sh["status"] == "submitted" and _within(sh["submitted_at"], period):
            judges[rounds[sh["round"]]].add(sh["judge"])
    mentors: dict[int | None, set] = defaultdict(set)
    for ms in await Mentorship.select(Mentorship.idea, Mentorship.mentor, Mentorship.started_at, Mentorship.ended_at):
        if ms["started_at"] < period.end and (ms["ended_at"] is None or ms["ended_at"] >= period.start):
            mentors[commune_of_idea[ms["idea"]]].add(ms["mentor"])
            out[commune_of_idea[ms["idea"]]]["mentorships"] += 1
    voters: dict[int | None, set] = defaultdict(set)
    for v in await Vote.select(Vote.round, Vote.voter, Vote.created_at, Vote.voided):
        if not v["voided"] and _within(v["created_at"], period):
            out[rounds[v["round"]]]["votes"] += 1
            voters[rounds[v["round"]]].add(v["voter"])
    await _count_residents(out, period)
    for inc in await IncubationRecord.select(IncubationRecord.idea, IncubationRecord.stage):
        if inc["stage"] in ("launched", "pilot"):
            out[commune_of_idea[inc["idea"]]][f"stage_{inc['stage']}"] += 1
    await _count_workshops_and_pledges(out, contests, period)
    communes = [c["id"] for c in await Commune.select(Commune.id)]
    for c in communes:
        out[c]["youth"] = len(people[c])
        out[c]["judges"] = len(judges[c])
        out[c]["mentors"] = len(mentors[c])
        out[c]["voters"] = len(voters[c])
    _city_and_turnout(out, communes, people, judges, mentors, voters)
    return {key: {name: out[key][name] for name in FIGURES} for key in [*communes, None]}


async def assert_exact() -> None:
    for period in (WHOLE, NOVEMBER, SPRING):
        figures = await dashboard.compute(period)
        shown = {c["id"]: {k: c[k] for k in FIGURES} for c in figures.communes}
        shown[None] = {k: figures.city[k] for k in FIGURES}
        assert shown == await recount(period), period


async def _idea(contest: dict, lead: User, at: dt.datetime | None) -> int:
    n = next(_n)
    idea = Idea(
        contest=contest["id"],
        round=contest["round"],
        lead=lead.id,
        title=f"Ý tưởng {n}",
        status="submitted" if at else "draft",
        code=f"E-{n:04d}" if at else None,
        submitted_at=at,
        created_at=at or IN_NOVEMBER,
    )
    await idea.save()
    return idea.id


async def _vote(contest: dict, voter: User, idea: int, at: dt.datetime) -> int:
    vote = Vote(round=contest["round"], voter=voter.id, idea=idea, receipt=f"E{next(_n):08d}", created_at=at)
    await vote.save()
    return vote.id


async def test_the_figures_equal_a_recount_after_every_action(db, commune, other_commune, clock):
    now = clock()
    a = await make_contest(commune=commune, now=now, slug="exact-a")
    b = await make_contest(commune=other_commune, now=now, slug="exact-b")
    await assert_exact()  # nothing yet

    leads = [await make_user(commune=commune, now=now, birth_year=2000 + k) for k in range(3)]
    b_lead = await make_user(commune=other_commune, now=now, birth_year=2008)
    i1 = await _idea(a, leads[0], IN_NOVEMBER)
    i2 = await _idea(a, leads[1], dt.datetime(2026, 3, 10, 2, tzinfo=dt.UTC))
    draft = await _idea(a, leads[2], None)
    j1 = await _idea(b, b_lead, IN_NOVEMBER)
    await assert_exact()

    await Idea.update({Idea.submitted_at: IN_NOVEMBER, Idea.status: "submitted", Idea.code: "E-DRAFT"}).where(
        Idea.id == draft
    )  # the draft is submitted
    await IdeaMember(idea=i1, user=b_lead.id, contact=b_lead.email, status="invited").save()
    await assert_exact()
    await IdeaMember.update({IdeaMember.status: "accepted"}).where(IdeaMember.idea == i1)  # a member from B
    await assert_exact()

    for person in (*leads, b_lead):
        await make_resident(person, now=now)
    v1 = await _vote(a, leads[0], i1, IN_NOVEMBER)
    await _vote(a, leads[0], i2, IN_NOVEMBER)
    await _vote(a, leads[1], i1, dt.datetime(2026, 3, 20, 2, tzinfo=dt.UTC))
    await _vote(b, b_lead, j1, IN_NOVEMBER)
    await assert_exact()
    await Vote.update({Vote.voided: True, Vote.void_reason: "trùng lặp"}).where(Vote.id == v1)  # a vote voided
    await assert_exact()

    judge = await make_user(commune=commune, now=now)
    await ScoreSheet(round=a["round"], judge=judge.id, idea=i1, status="draft").save()
    await assert_exact()
    await ScoreSheet.update({ScoreSheet.status: "submitted", ScoreSheet.submitted_at: IN_NOVEMBER}).where(
        ScoreSheet.judge == judge.id
    )
    await ScoreSheet(round=b["round"], judge=judge.id, idea=j1, status="submitted", submitted_at=IN_NOVEMBER).save()
    await assert_exact()

    mentor = MentorProfile(user=(await make_user(commune=commune, now=now)).id, approved=True)
    await mentor.save()
    first = Mentorship(idea=i1, mentor=mentor.id, started_at=dt.datetime(2026, 2, 1, tzinfo=dt.UTC))
    await first.save()
    await Mentorship(idea=j1, mentor=mentor.id, started_at=IN_NOVEMBER).save()
    await IncubationRecord(idea=i1, stage="pilot").save()
    await assert_exact()
    await Mentorship.update({Mentorship.ended_at: dt.datetime(2026, 4, 1, tzinfo=dt.UTC)}).where(
        Mentorship.id == first.id
    )
    await IncubationRecord.update({IncubationRecord.stage: "launched", IncubationRecord.outcome: "company"}).where(
        IncubationRecord.idea == i1
    )
    await assert_exact()

    workshop = Workshop(
        commune=commune["id"], title="Làm sản phẩm mẫu", starts_at=IN_NOVEMBER, ends_at=IN_NOVEMBER, published=True
    )
    await workshop.save()
    for person in leads:
        await WorkshopRegistration(workshop=workshop.id, user=person.id, attended=False).save()
    await assert_exact()
    await WorkshopRegistration.update({WorkshopRegistration.attended: True}).where(
        WorkshopRegistration.user.is_in([leads[0].id, leads[1].id])
    )
    await assert_exact()

    organizer = await make_user(commune=commune, now=now)
    scope = Scope.of_communes(commune["id"])
    sponsor = await sponsors.create_sponsor(
        {"name": "HTX Rau sạch", "kind": "cooperative"}, logo="", actor_id=organizer.id, now=now, scope=scope
    )
    money = await sponsors.add_pledge(
        sponsor,
        {"contest": str(a["id"]), "kind": "prize_money", "value_vnd": "5000000"},
        actor_id=organizer.id,
        now=IN_NOVEMBER,
        scope=scope,
    )
    hours = await sponsors.add_pledge(
        sponsor,
        {"contest": str(a["id"]), "kind": "expertise", "hours": "12"},
        actor_id=organizer.id,
        now=IN_NOVEMBER,
        scope=scope,
    )
    await assert_exact()
    await sponsors.mark_delivered(
        money, {"delivered_value_vnd": "4000000"}, actor_id=organizer.id, now=now, scope=scope
    )
    await sponsors.mark_delivered(hours, {}, actor_id=organizer.id, now=now, scope=scope)
    await assert_exact()

    await Idea.delete().where(Idea.id == i2)  # an idea withdrawn by the admin, its votes with it
    await assert_exact()
    row = next(c for c in (await dashboard.compute(WHOLE)).communes if c["id"] == commune["id"])
    assert row["ideas"] == 2 and row["votes"] == 1 and row["delivered"] == 4_000_000


async def test_turnout_counts_the_residents_verified_by_the_end_of_the_period(db, commune, clock):
    now = clock()
    a = await make_contest(commune=commune, now=now, slug="exact-turnout")
    early = await make_user(commune=commune, now=now)
    late = await make_user(commune=commune, now=now)
    await make_resident(early, now=dt.datetime(2026, 10, 1, tzinfo=dt.UTC))
    await make_resident(late, now=dt.datetime(2026, 11, 26, 3, tzinfo=dt.UTC))  # after NOVEMBER's end
    idea = await _idea(a, early, IN_NOVEMBER)
    await _vote(a, early, idea, IN_NOVEMBER)
    row = next(c for c in (await dashboard.compute(NOVEMBER)).communes if c["id"] == commune["id"])
    assert row["residents"] == 1 and row["voters"] == 1 and row["turnout"] == 100.0
    row = next(c for c in (await dashboard.compute(WHOLE)).communes if c["id"] == commune["id"])
    assert row["residents"] == 2 and row["turnout"] == 50.0
    await assert_exact()


async def test_kept_figures_are_served_until_something_they_count_changes(db, commune, clock):
    now = clock()
    a = await make_contest(commune=commune, now=now, slug="exact-kept")
    lead = await make_user(commune=commune, now=now)
    idea = await _idea(a, lead, IN_NOVEMBER)
    first = await dashboard.compute(NOVEMBER)
    assert await dashboard.compute(NOVEMBER) is first  # nothing changed: the kept figures
    await Idea.update({Idea.title: "Tên mới"}).where(Idea.id == idea)  # a change no figure counts
    assert await dashboard.compute(NOVEMBER) is first
    await _idea(a, lead, IN_NOVEMBER)
    again = await dashboard.compute(NOVEMBER)
    assert again is not first
    assert next(c for c in again.communes if c["id"] == commune["id"])["ideas"] == 2


async def test_the_page_names_the_turnout_denominator(client, db, commune, clock):
    page = await client.get("/city", params={"from": "01/11/2026", "to": "25/11/2026"})
    assert page.status_code == 200
    assert "cư dân đã được xác minh tính đến ngày cuối kỳ, 25/11/2026" in page.text
    assert "Cư dân đã xác minh tính đến cuối kỳ" in page.text
