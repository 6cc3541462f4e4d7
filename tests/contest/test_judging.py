"""Judging in the domain, on both engines: panels, conflicts, assignment, sheets, freezing, results."""

from __future__ import annotations

import asyncio
import dataclasses
import json

import pytest

from accounts.errors import PermissionDenied, ValidationFailed
from accounts.scope import PLATFORM
from accounts.tables import AuditEvent
from contest import judging, services
from contest.assignment import AssignmentInfeasible
from contest.errors import IdeaError
from contest.tables import Assignment, ScoreSheet
from tests.fixtures.judging import assign_all, criteria_ids, in_judging, my_assignment

pytestmark = pytest.mark.integration


async def test_accepting_a_panel_grants_the_judge_role(setup):
    from accounts.services import load_principal

    principal = await load_principal(setup["judges"][0].id)
    assert principal.has_role("judge")


async def test_team_members_and_declared_entries_are_never_assigned(setup, clock, make_user):
    judge = setup["judges"][0]
    # Judge 0 is also a member of entry 0's team; judge 1 declares entry 1.
    from contest.tables import IdeaMember

    await IdeaMember(idea=setup["ideas"][0], user=judge.id, contact=judge.email, status="accepted").save()
    code1 = (await services.idea_row(setup["ideas"][1]))["code"]
    await judging.sign_declaration(
        setup["round"]["id"], setup["judges"][1].id, statement="", related_codes=[code1], relatives=[], now=clock()
    )
    blocked = await judging.conflicts(setup["round"]["id"])
    assert (judge.id, setup["ideas"][0]) in blocked and (setup["judges"][1].id, setup["ideas"][1]) in blocked
    await judging.update_settings(
        setup["round"]["id"],
        values={"judges_per_entry": 2, "min_per_judge": 0, "max_per_judge": None, "anchors": 0, "method": "mean"},
        actor_id=setup["organizer"].id,
        now=clock(),
        scope=PLATFORM,
    )
    await judging.run_assignment(setup["round"]["id"], actor_id=setup["organizer"].id, now=clock(), scope=PLATFORM)
    pairs = {(a["judge"], a["idea"]) for a in await Assignment.select().where(Assignment.round == setup["round"]["id"])}
    assert not pairs & blocked
    for idea in setup["ideas"]:
        assert sum(1 for _, e in pairs if e == idea) == 2


async def test_relatives_declared_by_contact_are_conflicts(setup, clock):
    lead = setup["leads"][2]
    await judging.sign_declaration(
        setup["round"]["id"],
        setup["judges"][2].id,
        statement="Cháu tôi dự thi",
        related_codes=[],
        relatives=[lead.email],
        now=clock(),
    )
    assert (setup["judges"][2].id, setup["ideas"][2]) in await judging.conflicts(setup["round"]["id"])


async def test_infeasible_settings_are_explained(setup, clock):
    await judging.update_settings(
        setup["round"]["id"],
        values={"judges_per_entry": 3, "min_per_judge": 0, "max_per_judge": 2, "anchors": 0, "method": "mean"},
        actor_id=setup["organizer"].id,
        now=clock(),
        scope=PLATFORM,
    )
    with pytest.raises(AssignmentInfeasible) as info:
        await judging.run_assignment(setup["round"]["id"], actor_id=setup["organizer"].id, now=clock(), scope=PLATFORM)
    assert info.value.params  # the message carries the numbers


async def test_scoring_needs_the_declaration_and_the_judging_phase(setup, clock):
    await judging.run_assignment(setup["round"]["id"], actor_id=setup["organizer"].id, now=clock(), scope=PLATFORM)
    judge = setup["judges"][0]
    assignment = await my_assignment(setup, judge)
    c1, c2 = await criteria_ids(setup)
    with pytest.raises(PermissionDenied):
        await judging.save_sheet(
            assignment["id"],
            judge_id=judge.id,
            scores={c1: ("4", ""), c2: ("7", "")},
            overall_comment="",
            submit=True,
            now=clock(),
        )
    await judging.sign_declaration(
        setup["round"]["id"], judge.id, statement="", related_codes=[], relatives=[], now=clock()
    )
    with pytest.raises(IdeaError):  # still the submission phase
        await judging.save_sheet(
            assignment["id"],
            judge_id=judge.id,
            scores={c1: ("4", ""), c2: ("7", "")},
            overall_comment="",
            submit=True,
            now=clock(),
        )


async def test_sheet_total_validation_and_blindness(setup, clock):
    await assign_all(setup, clock)
    in_judging(clock)
    judge = setup["judges"][0]
    assignment = await my_assignment(setup, judge)
    c1, c2 = await criteria_ids(setup)
    with pytest.raises(ValidationFailed) as info:
        await judging.save_sheet(
            assignment["id"],
            judge_id=judge.id,
            scores={c1: ("9", ""), c2: ("", "")},
            overall_comment="",
            submit=True,
            now=clock(),
        )
    assert set(info.value.errors) == {f"c{c1}", f"c{c2}"}
    result = await judging.save_sheet(
        assignment["id"],
        judge_id=judge.id,
        scores={c1: ("4", "Mới lạ"), c2: ("5", "")},
        overall_comment="Tốt",
        submit=True,
        now=clock(),
    )
    # (4-1)/4 = 0.75 with weight 2, 5/10 = 0.5 with weight 1 → (1.5 + 0.5) / 3 = 66.7
    assert result["total"] == pytest.approx(66.667, abs=0.01)
    entry = await judging.blind_entry(setup["ideas"][0])
    assert not {f.name for f in dataclasses.fields(entry)} & {"lead", "lead_name", "hamlet", "hamlet_name"}


async def test_one_sheet_per_judge_and_entry_under_concurrency(setup, clock):
    await assign_all(setup, clock)
    in_judging(clock)
    judge = setup["judges"][1]
    assignment = await my_assignment(setup, judge, 3)
    c1, c2 = await criteria_ids(setup)
    await asyncio.gather(
        *[
            judging.save_sheet(
                assignment["id"],
                judge_id=judge.id,
                scores={c1: (str(1 + i % 5), ""), c2: ("5", "")},
                overall_comment="",
                submit=False,
                now=clock(),
            )
            for i in range(10)
        ]
    )
    assert await ScoreSheet.count().where((ScoreSheet.judge == judge.id) & (ScoreSheet.idea == setup["ideas"][3])) == 1


async def test_other_scores_hidden_until_own_submitted(setup, clock):
    await assign_all(setup, clock)
    in_judging(clock)
    c1, c2 = await criteria_ids(setup)
    first, second = setup["judges"][0], setup["judges"][1]
    for judge in (first, second):
        a = await my_assignment(setup, judge, 4)
        if judge is first:
            await judging.save_sheet(
                a["id"],
                judge_id=judge.id,
                scores={c1: ("5", ""), c2: ("9", "")},
                overall_comment="",
                submit=True,
                now=clock(),
            )
    assert await judging.others_scores(setup["round"]["id"], second.id, setup["ideas"][4]) is None
    a = await my_assignment(setup, second, 4)
    await judging.save_sheet(
        a["id"], judge_id=second.id, scores={c1: ("3", ""), c2: ("5", "")}, overall_comment="", submit=True, now=clock()
    )
    others = await judging.others_scores(setup["round"]["id"], second.id, setup["ideas"][4])
    assert others is not None
    assert [round(o["total"], 1) for o in others] == [96.7]


async def test_recusal_reassigns_the_entry(setup, clock, make_user):
    extra = await make_user(email="gk-extra@example.com")
    await judging.add_judge(
        setup["round"]["id"], extra.email, expertise=[], actor_id=setup["organizer"].id, now=clock(), scope=PLATFORM
    )
    member = (await judging.panel_invitations(extra.id))[0]
    await judging.accept_panel(member.id, user_id=extra.id, now=clock())
    await assign_all(setup, clock, k=2)
    judge = setup["judges"][0]
    assignment = (await Assignment.select().where(Assignment.judge == judge.id))[0]
    new_judge = await judging.recuse(assignment["id"], judge_id=judge.id, reason="Học trò cũ của tôi", now=clock())
    assert new_judge is not None and new_judge != judge.id
    assert (judge.id, assignment["idea"]) in await judging.conflicts(setup["round"]["id"])
    assert await Assignment.count().where(Assignment.idea == assignment["idea"]) == 2
    assert await AuditEvent.exists().where(AuditEvent.action == "judging.recused")


async def test_freeze_after_judging_and_reopen(setup, clock):
    await assign_all(setup, clock)
    in_judging(clock)
    judge = setup["judges"][2]
    a = await my_assignment(setup, judge, 5)
    c1, c2 = await criteria_ids(setup)
    await judging.save_sheet(
        a["id"], judge_id=judge.id, scores={c1: ("2", ""), c2: ("3", "")}, overall_comment="", submit=False, now=clock()
    )
    clock.advance(days=11)  # judging has ended
    settings = await judging.ensure_frozen(setup["round"]["id"], now=clock(), scope=PLATFORM)
    assert settings["frozen_hash"] and len(settings["frozen_hash"]) == 64
    event = await AuditEvent.select().where(AuditEvent.action == "judging.frozen").first()
    assert settings["frozen_hash"] in event["data"]
    assert settings["frozen_hash"] == judging.snapshot_hash(await judging.snapshot(setup["round"]["id"]))
    with pytest.raises(IdeaError):
        await judging.save_sheet(
            a["id"],
            judge_id=judge.id,
            scores={c1: ("5", ""), c2: ("3", "")},
            overall_comment="",
            submit=True,
            now=clock(),
        )
    with pytest.raises(ValidationFailed):
        await judging.reopen(
            setup["round"]["id"], actor_id=setup["organizer"].id, reason="", hours=24, now=clock(), scope=PLATFORM
        )
    await judging.reopen(
        setup["round"]["id"],
        actor_id=setup["organizer"].id,
        reason="Giám khảo nhập nhầm",
        hours=24,
        now=clock(),
        scope=PLATFORM,
    )
    await judging.save_sheet(
        a["id"], judge_id=judge.id, scores={c1: ("5", ""), c2: ("3", "")}, overall_comment="", submit=True, now=clock()
    )
    assert await AuditEvent.exists().where(AuditEvent.action == "judging.reopened")
    clock.advance(hours=25)
    again = await judging.ensure_frozen(setup["round"]["id"], now=clock(), scope=PLATFORM)
    assert again["frozen_hash"] != settings["frozen_hash"]
    from accounts.audit import verify_chain

    assert (await verify_chain())[0]


async def test_results_shortlist_and_feedback(setup, clock):
    await assign_all(setup, clock)
    in_judging(clock)
    c1, c2 = await criteria_ids(setup)
    for i, judge in enumerate(setup["judges"]):
        for a in await Assignment.select().where(Assignment.judge == judge.id):
            quality = setup["ideas"].index(a["idea"])
            await judging.save_sheet(
                a["id"],
                judge_id=judge.id,
                scores={c1: (str(1 + (quality + i) % 5), "Ý kiến tiêu chí"), c2: (str(quality + i), "")},
                overall_comment=f"Nhận xét của giám khảo {i}",
                submit=True,
                now=clock(),
            )
    results = await judging.results(setup["round"]["id"])
    assert results["method"] == "additive" and len(results["ranking"]) == 6
    assert all(row["result"].n == 3 for row in results["ranking"])
    top = [row["result"].entry for row in results["ranking"][:2]]
    assert (
        await judging.shortlist(
            setup["round"]["id"], top, actor_id=setup["organizer"].id, reason="", now=clock(), scope=PLATFORM
        )
        == 2
    )
    assert (await services.idea_row(top[0]))["status"] == "shortlisted"
    sheet = await ScoreSheet.select().where(ScoreSheet.idea == setup["ideas"][0]).first()
    await judging.set_comment_release(
        setup["round"]["id"], sheet["id"], True, actor_id=setup["organizer"].id, now=clock(), scope=PLATFORM
    )
    assert await judging.feedback(setup["ideas"][0], now=clock()) is None  # not before the results
    clock.advance(days=40)
    feedback = await judging.feedback(setup["ideas"][0], now=clock())
    assert feedback["sheets"] == 3 and len(feedback["overall"]) == 1
    assert feedback["overall"] == [sheet["overall_comment"]]  # only the approved sheet's comment
    assert "judge" not in json.dumps(feedback, default=str)  # never who wrote it
    assert feedback["criteria"][0]["average"] is not None


async def test_the_assignment_links_the_panel_or_says_why_not(setup, clock):
    """Each judge is the expert of one category: with 2 judges per entry the best assignment still
    links all three; with 1 judge per entry it cannot, and the result explains it."""
    from contest import assignment
    from tests.contest.test_assignment import groups

    round_id = setup["round"]["id"]

    async def run(k):
        await judging.update_settings(
            round_id,
            values={
                "judges_per_entry": k,
                "min_per_judge": 0,
                "max_per_judge": None,
                "anchors": 0,
                "method": "additive",
            },
            actor_id=setup["organizer"].id,
            now=clock(),
            scope=PLATFORM,
        )
        result = await judging.run_assignment(round_id, actor_id=setup["organizer"].id, now=clock(), scope=PLATFORM)
        stored = {(a["judge"], a["idea"]) for a in await Assignment.select().where(Assignment.round == round_id)}
        return result, stored

    result, stored = await run(2)
    assert groups(stored) == 1 and result["groups"] == 1 and result["note"] is None
    assert result["affinity"] == pytest.approx(6.0)  # every entry keeps its category's expert
    result, stored = await run(1)
    assert len(stored) == 6 and groups(stored) == result["groups"] == 3
    assert result["note"] == assignment.SPLIT_ONE_JUDGE and result["note_params"] == {"groups": 3}
    event = (
        await AuditEvent.select()
        .where(AuditEvent.action == "judging.assigned")
        .order_by(AuditEvent.id, ascending=False)
        .first()
    )
    data = json.loads(event["data"]) if isinstance(event["data"], str) else event["data"]
    assert data["groups"] == 3
