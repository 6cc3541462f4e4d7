"""The demo seed's contests: a full open contest and a finished one, seeded once, with their judging."""

from __future__ import annotations

import pytest

from accounts.tables import AuditEvent, Hamlet, User
from contest import judging, services
from contest.phases import Phase, phase_of
from contest.tables import (
    Assignment,
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
)

pytestmark = pytest.mark.integration

OPEN = "y-tuong-sang-tao-2026"
FINISHED = "y-tuong-sang-tao-2025"


async def counts() -> dict[str, int]:
    tables = (User, Contest, Idea, IdeaMember, IdeaRevision, Criterion, PanelMember, ConflictDeclaration, Conflict,
              Assignment, ScoreSheet, Score, AuditEvent)
    return {table.__name__: await table.count() for table in tables}


async def test_demo_contests(db, clock):
    from contest.demo import DEMO_PASSWORD
    from server import demo

    assert DEMO_PASSWORD == demo.DEMO_PASSWORD
    await demo.seed(now=clock())

    open_contest = await services.contest_by_slug(OPEN)
    _, total = await services.gallery(open_contest["id"], per_page=100)
    assert total >= 30
    ideas = await Idea.select(Idea.category, Idea.hamlet, Idea.status).where(Idea.contest == open_contest["id"])
    public = [i for i in ideas if i["status"] == IdeaStatus.submitted.value]
    categories = {c["id"] for c in await services.categories_of(open_contest["id"])}
    assert len(categories) == 6 and {i["category"] for i in public} == categories
    hamlets = {h["id"] for h in await Hamlet.select(Hamlet.id).where(Hamlet.commune == open_contest["commune"])}
    assert len(hamlets) == 6 and {i["hamlet"] for i in public} == hamlets
    statuses = [i["status"] for i in ideas]
    assert statuses.count(IdeaStatus.draft.value) == 3 and statuses.count(IdeaStatus.withdrawn.value) == 1
    open_round = (await services.rounds_of(open_contest["id"]))[0]
    assert phase_of(open_round, clock()) is Phase.submission

    finished = await services.contest_by_slug(FINISHED)
    [round_] = await services.rounds_of(finished["id"])
    assert phase_of(round_, clock()) is Phase.results
    done = await Idea.select(Idea.code, Idea.status).where(Idea.contest == finished["id"])
    assert len(done) == 12 and all(i["code"].startswith("AK-2025-") for i in done)
    assert [i["status"] for i in done].count(IdeaStatus.awarded.value) == 3
    assert [i["status"] for i in done].count(IdeaStatus.finalist.value) == 3

    await check_finished_judging(round_, clock)
    await check_open_judging(open_round)

    before = await counts()
    await demo.seed(now=clock())
    assert await counts() == before


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
    assert sorted(p["judge"] for p in panel if p["accepted"]) == sorted(judges)
    assert all(p["expertise"] for p in panel)
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
    frozen = await AuditEvent.select().where((AuditEvent.action == "judging.frozen")
                                            & (AuditEvent.target_id == str(round_id))).first()
    assert frozen is not None and settings["frozen_hash"] in str(frozen["data"])
    assert judging.snapshot_hash(await judging.snapshot(round_id)) == settings["frozen_hash"]
    assert await AuditEvent.exists().where((AuditEvent.action == "judging.shortlisted")
                                           & (AuditEvent.target_id == str(round_id)))
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
    assert sorted(p["judge"] for p in await judging.panel(round_id) if p["accepted"]) == sorted(judges)
    assert (await judging.settings_of(round_id))["judges_per_entry"] == 3
    assignments = await Assignment.select().where(Assignment.round == round_id)
    assert {a["judge"] for a in assignments} == set(judges)
    assert len(assignments) == 3 * len(await judging.entries(round_id))
    assert await ScoreSheet.count().where(ScoreSheet.round == round_id) == 0
    assert await judging.declaration(round_id, judges[0]) is None
    assert all([await judging.declaration(round_id, j) is not None for j in judges[1:]])
