"""The demo seed's contests: an open one, a finished one and one in its public vote, seeded once, with their judging
and votes."""

from __future__ import annotations

import pytest

from accounts.tables import AuditEvent, Commune, Hamlet, ResidentRecord, RoleGrant, User
from contest import chaining, judging, services, voting
from contest.phases import Phase, phase_of
from contest.tables import (
    Assignment,
    Award,
    Ballot,
    Conflict,
    ConflictDeclaration,
    Contest,
    Criterion,
    Idea,
    IdeaMember,
    IdeaRevision,
    IdeaStatus,
    PanelMember,
    Score,
    ScoreSheet,
    Vote,
    VoteLogEntry,
    VoteRules,
)

pytestmark = pytest.mark.integration

OPEN = "y-tuong-sang-tao-2026"
FINISHED = "y-tuong-sang-tao-2025"
DIGITAL = "sang-kien-chuyen-doi-so-2026"
TAN_MINH = "y-tuong-xanh-tan-minh-2026"


async def counts() -> dict[str, int]:
    tables = (
        Commune,
        Hamlet,
        RoleGrant,
        User,
        Contest,
        Idea,
        IdeaMember,
        IdeaRevision,
        Criterion,
        PanelMember,
        ConflictDeclaration,
        Conflict,
        Assignment,
        ScoreSheet,
        Score,
        AuditEvent,
        ResidentRecord,
        VoteRules,
        Vote,
        Ballot,
        VoteLogEntry,
        Award,
    )
    return {table.__name__: await table.count() for table in tables}


async def test_demo_contests(db, clock):
    from server.commands import seed_demo_data
    from tests.support.snapshots import seeded_demo

    await seeded_demo(clock())

    open_contest = await services.contest_by_slug(OPEN)
    _, total = await services.gallery(open_contest.id, per_page=100)
    assert total >= 30
    ideas = await Idea.select(Idea.category, Idea.hamlet, Idea.status).where(Idea.contest == open_contest.id)
    public = [i for i in ideas if i["status"] == IdeaStatus.submitted.value]
    categories = {c["id"] for c in await services.categories_of(open_contest.id)}
    assert len(categories) == 6 and {i["category"] for i in public} == categories
    hamlets = {h["id"] for h in await Hamlet.select(Hamlet.id).where(Hamlet.commune == open_contest.commune)}
    assert len(hamlets) == 6 and {i["hamlet"] for i in public} == hamlets
    statuses = [i["status"] for i in ideas]
    assert statuses.count(IdeaStatus.draft.value) == 3 and statuses.count(IdeaStatus.withdrawn.value) == 1
    open_round = (await services.rounds_of(open_contest.id))[0]
    assert phase_of(open_round, clock()) is Phase.submission

    finished = await services.contest_by_slug(FINISHED)
    [round_] = await services.rounds_of(finished.id)
    assert phase_of(round_, clock()) is Phase.results
    done = await Idea.select(Idea.code, Idea.status).where(Idea.contest == finished.id)
    assert len(done) == 12 and all(i["code"].startswith("AK-2025-") for i in done)
    assert [i["status"] for i in done].count(IdeaStatus.awarded.value) == 3
    assert [i["status"] for i in done].count(IdeaStatus.finalist.value) == 3

    await check_finished_judging(round_, clock)
    await check_open_judging(open_round)
    await check_residents(open_contest.commune)
    await check_finished_vote(finished, round_)
    digital_round = await check_digital_vote(clock)
    await check_tan_minh(open_contest.commune, digital_round, clock)

    before = await counts()
    await seed_demo_data(now=clock())
    assert await counts() == before

    # citizen1 has all their votes left in the open vote.
    citizen = await user_id("citizen1@example.com")
    [entry, *_] = await voting.votable_ideas(digital_round["id"])
    cast = await voting.cast(digital_round["id"], entry, voter_id=citizen, now=clock(), alias_key=alias_key())
    assert cast["left"] == 1


async def user_id(email: str) -> int:
    return (await User.select(User.id).where(User.email == email).first())["id"]


async def check_finished_judging(round_, clock):
    """Scored by the three judges inside the judging phase, frozen, ranked, comments released."""
    round_id = round_["id"]
    criteria = await judging.rubric(round_id)
    assert len(criteria) == 4 and abs(sum(c["weight"] for c in criteria) - 1) < 1e-9
    assert all(len(c["descriptors"]) == 5 and (c["scale_min"], c["scale_max"]) == (1, 5) for c in criteria)
    panel = await judging.panel(round_id)
    judges = [await user_id(f"judge{n}@example.com") for n in (1, 2, 3)]
    assert sorted(p.judge for p in panel if p.accepted and p.judge is not None) == sorted(judges)
    assert all(p.expertise for p in panel)
    # judge1 declared one entry; all three signed.
    [conflict] = await Conflict.select().where(Conflict.round == round_id)
    assert conflict["judge"] == judges[0] and conflict["source"] == "declared"
    for judge in judges:
        assert await judging.declaration(round_id, judge) is not None

    entries = await judging.entries(round_id)
    pairs = {(a["judge"], a["idea"]) for a in await Assignment.select().where(Assignment.round == round_id)}
    assert (conflict["judge"], conflict["idea"]) not in pairs
    sheets = await ScoreSheet.select().where(ScoreSheet.round == round_id)
    status = {(s["judge"], s["idea"]): s["status"] for s in sheets}
    assert set(status) == pairs  # every assignment has a sheet, none is a draft
    assert list(status.values()).count("abstained") == 1 and "draft" not in status.values()
    abstained = next(s for s in sheets if s["status"] == "abstained")
    assert abstained["abstain_reason"]
    for entry in entries:
        assert any(s["idea"] == entry["id"] and s["status"] == "submitted" for s in sheets), entry["code"]
    assert all(s["total"] is not None for s in sheets if s["status"] == "submitted")

    ranking = (await judging.results(round_id))["ranking"]
    assert len(ranking) == len(entries)
    top = [row["idea"]["status"] for row in ranking]
    assert top[:3] == [IdeaStatus.awarded.value] * 3 and top[3:6] == [IdeaStatus.finalist.value] * 3

    settings = await judging.settings_of(round_id)
    assert settings["judges_per_entry"] == 2 and settings["method"] == "additive"
    assert settings["frozen_at"] is not None and len(settings["frozen_hash"]) == 64
    frozen = (
        await AuditEvent.select()
        .where((AuditEvent.action == "judging.frozen") & (AuditEvent.target_id == str(round_id)))
        .first()
    )
    assert frozen is not None and settings["frozen_hash"] in str(frozen["data"])
    assert judging.snapshot_hash(await judging.snapshot(round_id)) == settings["frozen_hash"]
    assert await AuditEvent.exists().where(
        (AuditEvent.action == "judging.shortlisted") & (AuditEvent.target_id == str(round_id))
    )
    assert await Idea.count().where((Idea.round == round_id) & (Idea.status == IdeaStatus.shortlisted.value)) == 1

    released = [s for s in sheets if s["release_comments"]]
    assert 0.3 <= len(released) / len([s for s in sheets if s["status"] == "submitted"]) <= 0.7
    youth = await user_id("youth1@example.com")
    [mine] = await Idea.select(Idea.id).where((Idea.round == round_id) & (Idea.lead == youth))
    assert any(s["idea"] == mine["id"] for s in released)
    feedback = await judging.feedback(mine["id"], now=clock())
    assert feedback["overall"] and all(c["comments"] and c["average"] for c in feedback["criteria"])


async def check_open_judging(round_):
    """Ready for judging: rubric, accepted panel, assignments; judge1 has still to sign; nothing scored."""
    round_id = round_["id"]
    assert len(await judging.rubric(round_id)) == 4
    judges = [await user_id(f"judge{n}@example.com") for n in (1, 2, 3)]
    assert sorted(p.judge for p in await judging.panel(round_id) if p.accepted and p.judge is not None) == sorted(
        judges
    )
    assert (await judging.settings_of(round_id))["judges_per_entry"] == 3
    assignments = await Assignment.select().where(Assignment.round == round_id)
    assert {a["judge"] for a in assignments} == set(judges)
    assert len(assignments) == 3 * len(await judging.entries(round_id))
    assert await ScoreSheet.count().where(ScoreSheet.round == round_id) == 0
    assert await judging.declaration(round_id, judges[0]) is None
    assert all([await judging.declaration(round_id, j) is not None for j in judges[1:]])


def alias_key() -> bytes:
    """The app's key for voters' aliases, as the vote controller derives it."""
    from server.context import AppContext
    from server.controllers.voting import alias_key as app_alias_key
    from server.ratelimit import MemoryRateLimiter
    from server.settings import get_settings

    return app_alias_key(AppContext(settings=get_settings(), limiter=MemoryRateLimiter()))


async def check_residents(commune_id: int):
    """citizen1 and most demo residents are verified, by the resident list or at the office; youth1 is not."""
    organizer = await user_id("organizer@example.com")
    people = {
        u["email"]: u
        for u in await User.select().where((User.verified_resident == True) & (User.commune == commune_id))
    }  # noqa: E712
    assert "citizen1@example.com" in people and "youth1@example.com" not in people
    assert people["citizen1@example.com"]["verified_method"] == "office"
    methods = [u["verified_method"] for u in people.values()]
    assert methods.count("resident_list") >= 10 and methods.count("office") >= 10
    assert all(
        u["verified_by"] == organizer and u["verified_at"] for u in people.values() if u["verified_method"] == "office"
    )
    assert len([e for e in people if e.startswith("thanhnien")]) >= 18
    assert len([e for e in people if e.startswith("cudan")]) >= 15
    assert len({u["hamlet"] for u in people.values()}) == 6
    assert min(u["birth_year"] for u in people.values() if u["email"].startswith("cudan")) >= 1950
    assert await ResidentRecord.count().where(ResidentRecord.commune == commune_id) > len(
        [m for m in methods if m == "resident_list"]
    )


async def check_finished_vote(contest, round_):
    """Rules fixed before the vote, ~60 votes in its window, changes, voids with reasons, a verifying log, awards."""
    round_id = round_["id"]
    assert round_["judging_closes"] <= round_["vote_opens"] < round_["vote_closes"] <= round_["results_at"]
    rules = await voting.rules_of(round_id)
    assert (rules["votes_per_voter"], rules["change_allowed"], rules["jury_weight"]) == (3, True, 0.7)
    [set_at] = await AuditEvent.select(AuditEvent.created_at).where(
        (AuditEvent.action == "vote.rules") & (AuditEvent.target_id == str(round_id))
    )
    assert set_at["created_at"] < round_["vote_opens"]

    votes = await Vote.select().where(Vote.round == round_id)
    assert len(votes) >= 50
    assert all(round_["vote_opens"] <= v["created_at"] < round_["vote_closes"] for v in votes)
    voided = [v for v in votes if v["voided"]]
    organizer = await user_id("organizer@example.com")
    assert len(voided) == 3 and all(v["void_reason"] and v["voided_by"] == organizer for v in voided)
    assert len({v["void_reason"] for v in voided}) == 3
    assert len({v["voter"] for v in votes}) >= 30
    ballots = await Ballot.select().where(Ballot.round == round_id)
    assert all(b["used"] <= 3 for b in ballots)

    log = await voting.log_rows(round_id)
    check = voting.verify_log(log)
    assert check["ok"] and check["entries"] == len(log)
    actions = [row["action"] for row in log]
    assert actions.count("withdraw") == 2 and actions.count("void") == 3
    assert actions.count("cast") == len(votes) + 2
    counts = await voting.tally(round_id)
    codes = {i["id"]: i["code"] for i in await Idea.select(Idea.id, Idea.code).where(Idea.round == round_id)}
    assert check["totals"] == {codes[k]: n for k, n in counts.items()}
    assert sum(sorted(counts.values(), reverse=True)[:3]) > sum(counts.values()) / 2  # a few favourites
    # The log's aliases are the app's: the same key derivation.
    first = min(votes, key=lambda v: v["created_at"])
    assert voting.voter_alias(alias_key(), contest.id, first["voter"]) in {row["voter_alias"] for row in log}

    awards = (
        await Award.select(*Award.all_columns(), Award.idea.status)
        .where(Award.contest == contest.id)
        .order_by(Award.position)
    )
    assert [(a["name"], a["basis"], a["rank"]) for a in awards] == [
        ("Giải Nhất", "combined", 1),
        ("Giải Nhì", "combined", 2),
        ("Giải Ba", "combined", 3),
        ("Giải Khuyến khích", "combined", 4),
        ("Giải bình chọn", "public", 1),
    ]
    assert [a["idea.status"] for a in awards[:3]] == [IdeaStatus.awarded.value] * 3
    assert awards[3]["idea.status"] == IdeaStatus.finalist.value
    assert awards[4]["idea"] == max(counts, key=lambda idea: counts[idea])


async def check_digital_vote(clock):
    """The third contest is in its public vote: rules set before it opened, a few votes, citizen1 may vote."""
    contest = await services.contest_by_slug(DIGITAL)
    assert contest.published
    [round_] = await services.rounds_of(contest.id)
    assert phase_of(round_, clock()) is Phase.voting
    ideas = await Idea.select(Idea.id, Idea.status).where(Idea.round == round_["id"])
    assert len(ideas) >= 8 and all(
        i["status"] in (IdeaStatus.submitted.value, IdeaStatus.shortlisted.value) for i in ideas
    )
    shortlisted = {i["id"] for i in ideas if i["status"] == IdeaStatus.shortlisted.value}
    assert 3 <= len(shortlisted) <= 4 and set(await voting.votable_ideas(round_["id"])) == shortlisted
    assert await VoteRules.exists().where(VoteRules.round == round_["id"])
    rules = await voting.rules_of(round_["id"])
    assert (rules["votes_per_voter"], rules["change_allowed"], rules["live_tally"], rules["jury_weight"]) == (
        2,
        True,
        False,
        0.6,
    )
    [set_at] = await AuditEvent.select(AuditEvent.created_at).where(
        (AuditEvent.action == "vote.rules") & (AuditEvent.target_id == str(round_["id"]))
    )
    assert set_at["created_at"] < round_["vote_opens"]
    votes = await Vote.select().where(Vote.round == round_["id"])
    citizen = await user_id("citizen1@example.com")
    assert 3 <= len(votes) <= 15 and all(v["voter"] != citizen and v["idea"] in shortlisted for v in votes)
    assert all(round_["vote_opens"] <= v["created_at"] <= clock() for v in votes)
    assert voting.verify_log(await voting.log_rows(round_["id"]))["ok"]
    context = await voting.voting_context(round_["id"])
    assert await voting.refusal(context, citizen, clock()) is None
    assert await voting.refusal(context, await user_id("youth1@example.com"), clock()) is not None  # not verified
    return round_


async def check_tan_minh(an_khanh: int, an_khanh_vote_round, clock):
    """The second commune has its own organizer, judges, contest, verified residents and votes — none shared."""
    commune = await Commune.select().where(Commune.slug == "tan-minh").first()
    assert (commune["name"], commune["code"]) == ("Xã Tân Minh", "TM") and commune["id"] != an_khanh
    hamlets = {h["id"] for h in await Hamlet.select(Hamlet.id).where(Hamlet.commune == commune["id"])}
    assert len(hamlets) == 4
    people = {u["email"]: u for u in await User.select().where(User.commune == commune["id"])}
    assert {"organizer2@example.com", "judge4@example.com", "judge5@example.com"} <= set(people)
    assert all(u["hamlet"] in hamlets for u in people.values())
    grants = await RoleGrant.select(RoleGrant.role, RoleGrant.commune).where(
        RoleGrant.user == people["organizer2@example.com"]["id"]
    )
    assert [(g["role"], g["commune"]) for g in grants] == [("organizer", commune["id"])]

    contest = await services.contest_by_slug(TAN_MINH)
    assert contest.published and contest.commune == commune["id"]
    # Two chained rounds: the judged «Vòng sơ khảo» (results out) and the «Vòng bình chọn», a vote only.
    round_, vote_round = await services.rounds_of(contest.id)
    assert phase_of(round_, clock()) is Phase.results and round_["vote_opens"] is None
    assert phase_of(vote_round, clock()) is Phase.voting
    assert not vote_round["takes_entries"] and not vote_round["has_judging"]
    ideas = await Idea.select(Idea.id, Idea.code, Idea.status, Idea.lead, Idea.hamlet).where(Idea.contest == contest.id)
    assert len(ideas) == 6 and all(i["code"].startswith("TM-") for i in ideas)
    assert all(people_of(people, i["lead"]) and i["hamlet"] in hamlets for i in ideas)
    assert [i["status"] for i in ideas].count(IdeaStatus.shortlisted.value) == 4
    # The shortlist was carried into the vote round (round_entry), which votes on those four only.
    shortlisted = {i["id"] for i in ideas if i["status"] == IdeaStatus.shortlisted.value}
    assert all(
        i_round == round_["id"]
        for i_round in [r["round"] for r in await Idea.select(Idea.round).where(Idea.contest == contest.id)]
    )
    assert set(await chaining.carried_in(vote_round["id"])) == shortlisted
    assert set(await voting.votable_ideas(vote_round["id"])) == shortlisted
    assert await IdeaMember.exists().where(
        (IdeaMember.idea.contest == contest.id) & (IdeaMember.status == "invited")
    )  # nobody answered it yet

    # Its own judges scored every entry inside the judging phase; the round is frozen.
    judges = {people["judge4@example.com"]["id"], people["judge5@example.com"]["id"]}
    panel = await judging.panel(round_["id"])
    assert {p.judge for p in panel if p.accepted} == judges
    assert any(not p.accepted and p.judge is None for p in panel)  # an invitation still waiting
    sheets = await ScoreSheet.select().where(ScoreSheet.round == round_["id"])
    assert len(sheets) == 2 * len(ideas) and {s["judge"] for s in sheets} == judges
    assert all(
        s["status"] == "submitted" and round_["submission_closes"] <= s["submitted_at"] <= round_["judging_closes"]
        for s in sheets
    )
    assert (await judging.settings_of(round_["id"]))["frozen_hash"]
    assert not await PanelMember.exists().where(
        (PanelMember.round == an_khanh_vote_round["id"]) & PanelMember.judge.is_in(list(judges))
    )

    # Residents are verified by the commune's resident list (imported, then matched); two are not on it.
    verified = [u for u in people.values() if u["verified_resident"]]
    assert len(verified) == 11 and all(u["verified_method"] == "resident_list" for u in verified)
    records = {r["id"]: r for r in await ResidentRecord.select().where(ResidentRecord.commune == commune["id"])}
    assert all(records[u["resident"]]["birth_year"] == u["birth_year"] for u in verified)  # linked to its line
    assert not people["tanminh07@example.com"]["verified_resident"]
    assert not people["tanminh08@example.com"]["verified_resident"]
    assert await ResidentRecord.count().where(ResidentRecord.commune == commune["id"]) == 13

    # Votes cast in the vote round on the carried entries, by its verified residents only, with a verifying log.
    assert not await Vote.exists().where(Vote.round == round_["id"])
    votes = await Vote.select().where(Vote.round == vote_round["id"])
    assert len(votes) == 9 and all(people_of(people, v["voter"])["verified_resident"] for v in votes)
    assert {v["idea"] for v in votes} <= shortlisted
    assert all(vote_round["vote_opens"] <= v["created_at"] <= clock() for v in votes)
    log = voting.verify_log(await voting.log_rows(vote_round["id"]))
    assert log["ok"] and log["entries"] == 9
    # No vote crosses communes.
    others = await Vote.select(Vote.voter.commune).where(Vote.round == an_khanh_vote_round["id"])
    assert others and all(v["voter.commune"] == an_khanh for v in others)
    context = await voting.voting_context(vote_round["id"])
    assert await voting.refusal(context, await user_id("citizen1@example.com"), clock()) is not None
    assert await voting.refusal(context, await user_id("cudantm02@example.com"), clock()) is None


def people_of(people: dict, user: int) -> dict | None:
    return next((u for u in people.values() if u["id"] == user), None)
