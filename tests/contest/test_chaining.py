"""Rounds that chain, the notices of judging, and conflicts found after assignment — on both engines."""

from __future__ import annotations

import datetime as dt

import pytest

from accounts.errors import NotFound
from accounts.scope import PLATFORM, Scope
from accounts.tables import AuditEvent, Notification, Role
from contest import chaining, judging, progress, services, voting
from contest.errors import IdeaError
from contest.tables import (
    Assignment,
    Award,
    Idea,
    IdeaMember,
    IdeaStatus,
    RoundEntry,
    ScoreSheet,
    Vote,
)
from server.settings import get_settings
from tests.fixtures.judging import add_next_round, assign_all, in_judging, judged_round

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("site_address")]


def plain(results):
    return [(row["result"].entry, round(row["result"].mean, 6)) for row in results["ranking"]]


async def test_chaining_carries_exactly_the_shortlist_and_keeps_round_one(setup, clock):  # noqa: F811
    second = await add_next_round(setup)
    await judged_round(setup, clock)
    first_id = setup["round"]["id"]
    before = plain(await judging.results(first_id))
    result = await chaining.advance(first_id, actor_id=setup["organizer"].id, now=clock(), scope=PLATFORM)
    assert result["through"] == 3 and result["not_selected"] == 3 and result["next"]["id"] == second["id"]
    carried = await RoundEntry.select().where(RoundEntry.round == second["id"])
    assert sorted(r["idea"] for r in carried) == sorted(setup["ideas"][:3])
    assert all(r["from_round"] == first_id and r["entered_status"] == "shortlisted" for r in carried)
    # Round 1 keeps its ideas, sheets and results.
    assert {i["round"] for i in await Idea.select(Idea.round).where(Idea.id.is_in(setup["ideas"]))} == {first_id}
    assert plain(await judging.results(first_id)) == before
    assert len(await judging.entries(first_id)) == 6
    # Round 2 judges and votes on exactly the carried entries.
    assert [e["id"] for e in await judging.entries(second["id"])] == sorted(setup["ideas"][:3])
    assert await voting.votable_ideas(second["id"]) == sorted(setup["ideas"][:3])
    [event] = await AuditEvent.select().where(AuditEvent.action == "round.advanced")
    assert event["target_id"] == str(first_id)
    with pytest.raises(IdeaError):  # once only
        await chaining.advance(first_id, actor_id=setup["organizer"].id, now=clock(), scope=PLATFORM)


async def test_next_round_judging_assignment_sheets_and_shortlist_work_on_carried_entries(setup, clock):  # noqa: F811
    second = await add_next_round(setup)
    await judged_round(setup, clock)
    await chaining.advance(setup["round"]["id"], actor_id=setup["organizer"].id, now=clock(), scope=PLATFORM)
    for judge in setup["judges"]:
        await judging.add_judge(
            second["id"], judge.email, expertise=[], actor_id=setup["organizer"].id, now=clock(), scope=PLATFORM
        )
        member = (await judging.panel_invitations(judge.id))[0]
        await judging.accept_panel(member.id, user_id=judge.id, now=clock())
        await judging.sign_declaration(
            second["id"], judge.id, statement="", related_codes=[], relatives=[], now=clock()
        )
    from contest.tables import Criterion

    await Criterion(round=second["id"], name="Tác động", weight=1, scale_min=1, scale_max=5, position=1).save()
    await judging.run_assignment(second["id"], actor_id=setup["organizer"].id, now=clock(), scope=PLATFORM)
    pairs = await Assignment.select().where(Assignment.round == second["id"])
    assert {a["idea"] for a in pairs} == set(setup["ideas"][:3]) and len(pairs) == 9
    clock.advance(days=12)  # inside round 2's judging
    [criterion] = await judging.rubric(second["id"])
    for a in pairs:
        value = "5" if a["idea"] == setup["ideas"][2] else "2"
        await judging.save_sheet(
            a["id"],
            judge_id=a["judge"],
            scores={criterion["id"]: (value, "")},
            overall_comment="",
            submit=True,
            now=clock(),
        )
    ranking = (await judging.results(second["id"]))["ranking"]
    assert [row["result"].entry for row in ranking][0] == setup["ideas"][2]
    assert {row["idea"]["code"] for row in ranking} == {
        (await services.idea_row(i))["code"] for i in setup["ideas"][:3]
    }
    await judging.shortlist(
        second["id"], [setup["ideas"][2]], actor_id=setup["organizer"].id, reason="", now=clock(), scope=PLATFORM
    )
    assert (await services.idea_row(setup["ideas"][2]))["status"] == IdeaStatus.finalist.value
    assert await chaining.went_through(second["id"]) == [setup["ideas"][2]]
    assert await voting.votable_ideas(second["id"]) == sorted(setup["ideas"][:3])  # all chosen entries stay votable
    with pytest.raises(IdeaError):  # the last round has no next one
        await chaining.advance(second["id"], actor_id=setup["organizer"].id, now=clock(), scope=PLATFORM)


async def test_undo_before_the_next_judging_and_refused_after(setup, clock):  # noqa: F811
    second = await add_next_round(setup)
    await judged_round(setup, clock)
    first_id = setup["round"]["id"]
    await chaining.advance(first_id, actor_id=setup["organizer"].id, now=clock(), scope=PLATFORM)
    assert (await chaining.state(await judging.round_row(first_id, scope=PLATFORM), now=clock()))["can_undo"]
    assert await chaining.undo_advance(first_id, actor_id=setup["organizer"].id, now=clock(), scope=PLATFORM) == 3
    assert not await RoundEntry.exists().where(RoundEntry.round == second["id"])
    assert await judging.entries(second["id"]) == []
    assert await AuditEvent.exists().where(AuditEvent.action == "round.advance_undone")
    await chaining.advance(first_id, actor_id=setup["organizer"].id, now=clock(), scope=PLATFORM)
    clock.advance(days=22)  # round 2's judging has started
    with pytest.raises(IdeaError):
        await chaining.undo_advance(first_id, actor_id=setup["organizer"].id, now=clock(), scope=PLATFORM)
    assert await RoundEntry.count().where(RoundEntry.round == second["id"]) == 3


async def test_teams_are_told_whether_they_went_through(setup, clock):  # noqa: F811
    await add_next_round(setup)
    await judged_round(setup, clock)
    await chaining.advance(setup["round"]["id"], actor_id=setup["organizer"].id, now=clock(), scope=PLATFORM)
    base = get_settings().base_url
    for index, lead in enumerate(setup["leads"]):
        notes = await Notification.select().where(
            (Notification.user == lead.id) & Notification.kind.is_in(["round_advanced", "not_selected"])
        )
        [note] = notes
        code = (await services.idea_row(setup["ideas"][index]))["code"]
        assert note["link"] == f"{base}/ideas/{code}" and note["link"].startswith(("http://", "https://"))
        if index < 3:
            assert note["kind"] == "round_advanced" and "vào Vòng chung khảo" in note["title"]
            assert "Chúc mừng" in note["body"]
        else:
            assert note["kind"] == "not_selected" and "không được chọn vào Vòng chung khảo" in note["title"]
    shortlisted = await Notification.select().where(Notification.kind == "idea_shortlisted")
    assert sorted(n["user"] for n in shortlisted) == sorted(lead.id for lead in setup["leads"][:3])
    from accounts.tables import OutboxMail

    mails = await OutboxMail.select().where(OutboxMail.user == setup["leads"][0].id)
    assert any(f"{base}/ideas/" in m["body"] for m in mails)


async def test_chaining_stays_within_the_organizers_commune(setup, clock, commune, other_commune):  # noqa: F811
    await add_next_round(setup)
    await judged_round(setup, clock)
    elsewhere = Scope.of_communes(other_commune["id"])
    with pytest.raises(NotFound):
        await chaining.advance(setup["round"]["id"], actor_id=setup["organizer"].id, now=clock(), scope=elsewhere)
    assert not await RoundEntry.exists()
    await chaining.advance(
        setup["round"]["id"], actor_id=setup["organizer"].id, now=clock(), scope=Scope.of_communes(commune["id"])
    )
    with pytest.raises(NotFound):
        await chaining.undo_advance(setup["round"]["id"], actor_id=setup["organizer"].id, now=clock(), scope=elsewhere)
    with pytest.raises(NotFound):
        await progress.remind_judge(
            setup["round"]["id"], setup["judges"][0].id, actor_id=setup["organizer"].id, now=clock(), scope=elsewhere
        )
    with pytest.raises(NotFound):
        await progress.judge_progress(setup["round"]["id"], scope=elsewhere, now=clock())


# ---------------------------------------------------------------- judges: assignment, reminders


async def test_judges_are_told_of_their_assignment(setup, clock):  # noqa: F811
    await assign_all(setup, clock, k=2)
    base = get_settings().base_url
    for judge in setup["judges"]:
        [note] = await Notification.select().where(
            (Notification.user == judge.id) & (Notification.kind == "judge_assigned")
        )
        count = await Assignment.count().where(Assignment.judge == judge.id)
        assert note["link"] == f"{base}/judge" and f"{count} bài dự thi mới" in note["body"]


async def test_remind_button_is_rate_limited_and_audited(setup, clock):  # noqa: F811
    await assign_all(setup, clock, k=2)
    judge = setup["judges"][0]
    round_id = setup["round"]["id"]
    await progress.remind_judge(round_id, judge.id, actor_id=setup["organizer"].id, now=clock(), scope=PLATFORM)
    with pytest.raises(IdeaError):
        await progress.remind_judge(
            round_id, judge.id, actor_id=setup["organizer"].id, now=clock() + dt.timedelta(hours=11), scope=PLATFORM
        )
    await progress.remind_judge(
        round_id, judge.id, actor_id=setup["organizer"].id, now=clock() + dt.timedelta(hours=12), scope=PLATFORM
    )
    notes = await Notification.select().where((Notification.user == judge.id) & (Notification.kind == "judge_reminder"))
    assert len(notes) == 2 and notes[0]["link"].startswith(("http://", "https://"))
    assert "Nhắc" in notes[0]["title"]
    assert await AuditEvent.count().where(AuditEvent.action == "judging.judge_reminded") == 2
    with pytest.raises(NotFound):  # not on this round's panel
        await progress.remind_judge(
            round_id, setup["leads"][0].id, actor_id=setup["organizer"].id, now=clock(), scope=PLATFORM
        )


async def test_deadline_reminder_goes_once_per_judge_and_round(setup, clock):  # noqa: F811
    await assign_all(setup, clock, k=2)
    in_judging(clock)
    done = setup["judges"][2]
    criteria = await judging.rubric(setup["round"]["id"])
    for a in await Assignment.select().where(Assignment.judge == done.id):
        await judging.save_sheet(
            a["id"],
            judge_id=done.id,
            scores={c["id"]: (str(c["scale_max"]), "") for c in criteria},
            overall_comment="",
            submit=True,
            now=clock(),
        )
    assert await progress.remind_deadlines(now=clock()) == 0  # judging closes in 9 days
    late = setup["round"]["judging_closes"] - dt.timedelta(hours=20)
    assert await progress.remind_deadlines(now=late) == 2
    assert await progress.remind_deadlines(now=late + dt.timedelta(hours=1)) == 0
    for judge in setup["judges"]:
        count = await Notification.count().where(
            (Notification.user == judge.id) & (Notification.kind == "judge_deadline")
        )
        assert count == (0 if judge is done else 1)


# ---------------------------------------------------------------- conflicts found after assignment


async def test_conflict_after_assignment_moves_the_entry_and_the_sheet_never_counts(setup, clock):  # noqa: F811
    await assign_all(setup, clock, k=2)
    in_judging(clock)
    round_id = setup["round"]["id"]
    a = (await Assignment.select().where(Assignment.round == round_id).order_by(Assignment.id))[0]
    judge, idea = a["judge"], a["idea"]
    criteria = await judging.rubric(round_id)
    await judging.save_sheet(
        a["id"],
        judge_id=judge,
        scores={c["id"]: (str(c["scale_min"]), "") for c in criteria},
        overall_comment="",
        submit=True,
        now=clock(),
    )
    # The judge joins the team after being assigned: an automatic conflict.
    await IdeaMember(idea=idea, user=judge, contact=f"x{judge}@example.com", status="accepted").save()
    moved = await progress.resolve_conflicts(round_id, now=clock())
    assert [(m["judge"], m["idea"]) for m in moved] == [(judge, idea)]
    on_entry = {
        r["judge"] for r in await Assignment.select().where((Assignment.round == round_id) & (Assignment.idea == idea))
    }
    assert judge not in on_entry and len(on_entry) == 2  # k is kept by the third judge
    assert moved[0]["to"] in on_entry
    sheet = await ScoreSheet.select().where((ScoreSheet.judge == judge) & (ScoreSheet.idea == idea)).first()
    assert sheet["status"] == "abstained"
    results = await judging.results(round_id)
    assert results["sheets"] == 0  # nothing else was scored: the conflicted sheet does not count
    page = await progress.judge_progress(round_id, scope=PLATFORM, now=clock())
    code = (await services.idea_row(idea))["code"]
    assert any(c["code"] == code and not c["assigned"] for c in page["conflicts"])
    assert await progress.resolve_conflicts(round_id, now=clock()) == []  # nothing left to do


async def test_declared_conflict_after_assignment_respects_other_conflicts(setup, clock):  # noqa: F811
    round_id = setup["round"]["id"]
    await judging.update_settings(
        round_id,
        values={"judges_per_entry": 2, "min_per_judge": 0, "max_per_judge": None, "anchors": 0, "method": "mean"},
        actor_id=setup["organizer"].id,
        now=clock(),
        scope=PLATFORM,
    )
    await judging.run_assignment(round_id, actor_id=setup["organizer"].id, now=clock(), scope=PLATFORM)
    pairs = {(a["judge"], a["idea"]) for a in await Assignment.select().where(Assignment.round == round_id)}
    j0, j1, j2 = (j.id for j in setup["judges"])
    # An entry judged by j0 and not by j2; j2 is a member of its team, so only j1 could take it.
    idea = next(i for i in setup["ideas"] if (j0, i) in pairs and (j2, i) not in pairs)
    await IdeaMember(idea=idea, user=j2, contact="j2@example.com", status="accepted").save()
    code = (await services.idea_row(idea))["code"]
    await judging.sign_declaration(round_id, j0, statement="Người nhà", related_codes=[code], relatives=[], now=clock())
    on_entry = {
        a["judge"] for a in await Assignment.select().where((Assignment.round == round_id) & (Assignment.idea == idea))
    }
    assert j0 not in on_entry and j2 not in on_entry and on_entry == {j1}


# ---------------------------------------------------------------- teams and organizers


async def test_report_threshold_tells_the_team_and_the_organizers(setup, clock, make_user, make_other_user):  # noqa: F811
    other_organizer = await make_other_user(roles=(Role.organizer,))
    reporter = await make_user()
    idea = setup["ideas"][0]
    assert await services.report(idea, reporter_id=reporter.id, reason="Sai sự thật", threshold=1, now=clock())
    [team_note] = await Notification.select().where(
        (Notification.user == setup["leads"][0].id) & (Notification.kind == "idea_hidden")
    )
    assert "bị ẩn" in team_note["title"] and team_note["link"].startswith(("http://", "https://"))
    [organizer_note] = await Notification.select().where(Notification.kind == "idea_hidden_by_reports")
    assert organizer_note["user"] == setup["organizer"].id  # not the other commune's organizer
    assert not await Notification.exists().where(Notification.user == other_organizer.id)


async def test_vote_burst_alerts_the_communes_organizers_once(setup, clock, make_user, make_other_user):  # noqa: F811
    other_organizer = await make_other_user(roles=(Role.organizer,))
    round_ = setup["round"]
    idea = setup["ideas"][0]
    opens = round_["vote_opens"]
    for n in range(10):
        voter = await make_user()
        await Vote(
            round=round_["id"],
            voter=voter.id,
            idea=idea,
            receipt=f"R{n:07d}",
            created_at=opens + dt.timedelta(minutes=n // 2),
        ).save()
    now = opens + dt.timedelta(hours=1)
    assert await progress.alert_vote_bursts(now=now) == 1
    assert await progress.alert_vote_bursts(now=now + dt.timedelta(minutes=5)) == 0
    [note] = await Notification.select().where(Notification.kind == "vote_burst")
    code = (await services.idea_row(idea))["code"]
    assert note["user"] == setup["organizer"].id and code in note["title"]
    assert note["link"] == f"{get_settings().base_url}/organizer/rounds/{round_['id']}/vote/"
    assert not await Notification.exists().where(Notification.user == other_organizer.id)


async def test_awarded_team_is_told_once_when_results_are_out(setup, clock):  # noqa: F811
    award = Award(contest=setup["round"]["contest"], name="Giải Nhất", position=1, idea=setup["ideas"][1])
    await award.save()
    assert await progress.alert_awards(now=clock()) == 0  # results not out yet
    later = setup["round"]["results_at"] + dt.timedelta(hours=1)
    assert await progress.alert_awards(now=later) == 1
    assert await progress.alert_awards(now=later) == 0
    [note] = await Notification.select().where(Notification.kind == "idea_awarded")
    assert note["user"] == setup["leads"][1].id and "Giải Nhất" in note["title"]


async def test_teams_without_an_award_are_told_once_the_results_are_out(setup, clock):  # noqa: F811
    await Award(contest=setup["round"]["contest"], name="Giải Nhất", position=1, idea=setup["ideas"][1]).save()
    assert await progress.alert_results(now=clock()) == 0  # results not out yet
    results_at = setup["round"]["results_at"]
    later = results_at + dt.timedelta(hours=1)
    entries = await judging.entries(setup["round"]["id"])
    assert await progress.alert_results(now=later) == len(entries) - 1  # every entry but the awarded one
    assert await progress.alert_results(now=later) == 0  # once
    notes = await Notification.select().where(Notification.kind == "results_out")
    told = {n["user"] for n in notes}
    assert setup["leads"][1].id not in told and setup["leads"][0].id in told
    note = next(n for n in notes if n["user"] == setup["leads"][0].id)
    assert "chưa đạt giải" in note["body"] and note["link"].endswith("/results")
    assert note["link"].startswith(("http://", "https://"))


async def test_results_long_past_send_no_notice(setup, clock):  # noqa: F811
    long_after = setup["round"]["results_at"] + dt.timedelta(days=30)
    assert await progress.alert_results(now=long_after) == 0


async def test_a_judge_handed_an_entry_by_the_organizer_is_told(setup, clock, commune):  # noqa: F811
    await assign_all(setup, clock, k=2)
    round_id = setup["round"]["id"]
    pairs = {(a["judge"], a["idea"]): a["id"] for a in await Assignment.select().where(Assignment.round == round_id)}
    j0, j1, j2 = (j.id for j in setup["judges"])
    (judge, idea), assignment = next(((j, i), a) for (j, i), a in pairs.items() if j == j0 and (j2, i) not in pairs)
    before = await Notification.count().where((Notification.user == j2) & (Notification.kind == "judge_assigned"))
    await judging.move_assignment(
        assignment,
        j2,
        actor_id=setup["organizer"].id,
        now=clock(),
        scope=Scope.of_communes(commune["id"]).in_round(round_id),
    )
    after = await Notification.count().where((Notification.user == j2) & (Notification.kind == "judge_assigned"))
    assert after == before + 1
