"""Planning rounds: optional phases, order rules, extending a deadline, open/close now, locks, tenancy."""

from __future__ import annotations

import datetime as dt

import pytest

from accounts.errors import NotFound, ValidationFailed
from accounts.localtime import format_local
from accounts.rules import Role
from accounts.scope import PLATFORM, Scope
from accounts.tables import AuditEvent
from contest import phases, rounds, services, timeline
from contest.phases import Phase, phase_of
from contest.tables import Round, RoundJudging
from contest.timeline import RoundForm, TimelineError
from tests.support.factories import make_contest

pytestmark = pytest.mark.integration
UTC = dt.UTC
T0 = dt.datetime(2027, 1, 1, 3, 0, tzinfo=UTC)


def days(n: float) -> dt.datetime:
    return T0 + dt.timedelta(days=n)


# ---------------------------------------------------------------- optional phases (pure)


def test_a_round_with_only_a_vote_and_results():
    round_ = {
        "takes_entries": False,
        "has_judging": False,
        "submission_opens": days(5),
        "submission_closes": days(5),
        "judging_closes": days(5),
        "vote_opens": days(5),
        "vote_closes": days(10),
        "results_at": days(12),
    }
    assert [s.phase for s in phases.timeline(round_)] == [Phase.voting, Phase.results]
    assert phase_of(round_, days(4)) is Phase.upcoming
    assert phase_of(round_, days(5)) is Phase.voting
    assert phase_of(round_, days(11)) is Phase.voting  # the gap before results belongs to the vote (closed)
    assert not phases.is_open(round_, Phase.voting, days(11))
    assert phase_of(round_, days(12)) is Phase.results
    assert phases.phase_end(round_, days(1)) == days(5)
    assert phases.validate_dates(round_) == []


def test_a_round_with_judging_but_no_entries_and_no_vote():
    round_ = {
        "takes_entries": False,
        "has_judging": True,
        "submission_opens": days(3),
        "submission_closes": days(3),
        "judging_closes": days(8),
        "vote_opens": None,
        "vote_closes": None,
        "results_at": days(9),
    }
    assert [s.phase for s in phases.timeline(round_)] == [Phase.judging, Phase.results]
    assert phase_of(round_, days(2)) is Phase.upcoming
    assert phase_of(round_, days(3)) is Phase.judging
    assert phase_of(round_, days(8.5)) is Phase.judging
    assert phase_of(round_, days(9)) is Phase.results
    assert phases.is_open(round_, Phase.judging, days(4)) and not phases.is_open(round_, Phase.submission, days(3))


def test_a_round_with_submission_and_vote_but_no_judging():
    round_ = {
        "takes_entries": True,
        "has_judging": False,
        "submission_opens": days(0),
        "submission_closes": days(5),
        "judging_closes": days(5),
        "vote_opens": days(6),
        "vote_closes": days(8),
        "results_at": days(9),
    }
    assert [s.phase for s in phases.timeline(round_)] == [Phase.submission, Phase.voting, Phase.results]
    assert phase_of(round_, days(5.5)) is Phase.submission and not phases.is_open(round_, Phase.submission, days(5.5))
    assert phase_of(round_, days(6)) is Phase.voting


def test_rows_without_the_new_flags_keep_their_meaning():
    legacy = {
        "submission_opens": days(0),
        "submission_closes": days(5),
        "judging_closes": days(8),
        "vote_opens": None,
        "vote_closes": None,
        "results_at": days(9),
    }
    assert [s.phase for s in phases.timeline(legacy)] == [Phase.submission, Phase.judging, Phase.results]


# ---------------------------------------------------------------- order rules (pure)


def form(**dates) -> RoundForm:
    flags = {k: dates.pop(k) for k in ("takes_entries", "has_judging", "has_vote") if k in dates}
    return RoundForm(name=dates.pop("name", "Vòng 1"), dates=dates, **flags)


FULL = dict(
    submission_opens="01/03/2027 08:00",
    submission_closes="31/03/2027 17:00",
    judging_closes="10/04/2027 17:00",
    vote_opens="11/04/2027 08:00",
    vote_closes="18/04/2027 17:00",
    results_at="20/04/2027 09:00",
    has_vote=True,
)


def test_a_full_round_is_stored_in_utc():
    values = form(**FULL).values()
    assert values["submission_opens"] == dt.datetime(2027, 3, 1, 1, 0, tzinfo=UTC)
    assert values["results_at"] == dt.datetime(2027, 4, 20, 2, 0, tzinfo=UTC)
    assert values["takes_entries"] and values["has_judging"]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"submission_closes": "01/03/2027 08:00"}, "submission_closes"),  # closes when it opens
        ({"judging_closes": "30/03/2027 17:00"}, "judging_closes"),  # judging ends before submissions close
        ({"vote_opens": "09/04/2027 08:00"}, "vote_opens"),  # vote during judging
        ({"vote_closes": "11/04/2027 08:00"}, "vote_closes"),  # closes when it opens
        ({"results_at": "17/04/2027 17:00"}, "results_at"),  # results during the vote
        ({"results_at": "05/04/2027 17:00", "has_vote": False}, "results_at"),  # results before judging ends
        ({"results_at": "31/02/2027 10:00"}, "results_at"),
        ({"vote_opens": "abc"}, "vote_opens"),
    ],
)
def test_dates_out_of_order_are_refused_next_to_the_field(changes, field):
    with pytest.raises(ValidationFailed) as caught:
        form(**{**FULL, **changes}).values()
    assert field in caught.value.errors


def test_results_never_before_judging_ends_is_the_message():
    with pytest.raises(ValidationFailed) as caught:
        form(**{**FULL, "has_vote": False, "results_at": "05/04/2027 17:00"}).values()
    assert caught.value.errors["results_at"] == "Results cannot be published before judging ends."


def test_a_round_needs_a_phase_besides_results():
    with pytest.raises(ValidationFailed) as caught:
        form(takes_entries=False, has_judging=False, has_vote=False, results_at="20/04/2027 09:00").values()
    assert "__all__" in caught.value.errors


def test_left_out_phases_collapse_onto_the_next_start():
    values = form(
        takes_entries=False,
        has_judging=False,
        has_vote=True,
        vote_opens="11/04/2027 08:00",
        vote_closes="18/04/2027 17:00",
        results_at="20/04/2027 09:00",
    ).values()
    assert values["submission_opens"] == values["submission_closes"] == values["judging_closes"] == values["vote_opens"]
    values = form(
        takes_entries=False,
        judging_opens="01/04/2027 08:00",
        judging_closes="10/04/2027 17:00",
        results_at="20/04/2027 09:00",
    ).values()
    assert values["submission_opens"] == values["submission_closes"] == dt.datetime(2027, 4, 1, 1, 0, tzinfo=UTC)
    assert values["vote_opens"] is None and values["vote_closes"] is None


# ---------------------------------------------------------------- with the database


@pytest.fixture
async def contest(commune, clock):
    """make_contest's round: submissions until +20 d, judging +30, vote +31..+38, results +40."""
    return await make_contest(commune=commune, now=clock())


@pytest.fixture
async def organizer(make_user):
    return await make_user(roles=(Role.organizer,))


def scope_of(commune) -> Scope:
    return Scope.of_communes(commune["id"])


async def round_row(round_id) -> rounds.RoundRow:
    return await rounds.round_row(round_id, scope=PLATFORM)


async def add_second_round(contest, organizer, clock, commune, **overrides):
    first = await round_row(contest["round"])
    start = first.results_at + dt.timedelta(days=2)
    dates = dict(
        takes_entries=False,
        has_judging=True,
        has_vote=True,
        judging_opens=format_local(start),
        judging_closes=format_local(start + dt.timedelta(days=7)),
        vote_opens=format_local(start + dt.timedelta(days=8)),
        vote_closes=format_local(start + dt.timedelta(days=12)),
        results_at=format_local(start + dt.timedelta(days=14)),
    )
    dates.update(overrides)
    return await timeline.add_round(
        contest["slug"],
        form(name="Vòng chung khảo", **dates),
        actor_id=organizer.id,
        now=clock(),
        scope=scope_of(commune),
    )


async def test_a_later_round_without_submission_is_added_after_the_first(contest, organizer, clock, commune):
    second = await add_second_round(contest, organizer, clock, commune)
    row = await round_row(second)
    assert row.position == 2 and not row.takes_entries and row.has_judging
    items = await timeline.overview(contest["id"], now=clock())
    assert [i.round.id for i in items] == [contest["round"], second]
    assert [s.phase for s in items[1].steps] == [Phase.judging, Phase.voting, Phase.results]
    assert [s.state for s in items[0].steps] == ["open", "upcoming", "upcoming", "upcoming"]
    assert items[0].actions == (("close", Phase.submission),) and items[1].deletable and items[1].lock is None
    assert await AuditEvent.exists().where(AuditEvent.action == "round.created")


async def test_a_round_cannot_start_before_the_previous_results(contest, organizer, clock, commune):
    first = await round_row(contest["round"])
    early = format_local(first.results_at - dt.timedelta(days=1))
    with pytest.raises(ValidationFailed) as caught:
        await add_second_round(contest, organizer, clock, commune, judging_opens=early)
    assert "judging_opens" in caught.value.errors
    assert await Round.count().where(Round.contest == contest["id"]) == 1


async def test_the_first_round_takes_the_entries(contest, organizer, clock, commune):
    await Round.delete().where(Round.id == contest["round"])
    with pytest.raises(ValidationFailed) as caught:
        await timeline.add_round(
            contest["slug"],
            form(
                takes_entries=False,
                has_vote=True,
                vote_opens="11/04/2027 08:00",
                vote_closes="18/04/2027 17:00",
                results_at="20/04/2027 09:00",
                has_judging=False,
            ),
            actor_id=organizer.id,
            now=clock(),
            scope=scope_of(commune),
        )
    assert "takes_entries" in caught.value.errors


async def test_editing_a_round_checks_its_neighbours(contest, organizer, clock, commune):
    second = await add_second_round(contest, organizer, clock, commune)
    first = await round_row(contest["round"])
    typed = RoundForm.of_round(first)
    later_results = (await round_row(second)).submission_opens + dt.timedelta(days=1)
    typed.dates["results_at"] = format_local(later_results)
    with pytest.raises(ValidationFailed) as caught:
        await timeline.edit_round(contest["round"], typed, actor_id=organizer.id, now=clock(), scope=scope_of(commune))
    assert "results_at" in caught.value.errors
    typed = RoundForm.of_round(first)
    typed.name = "Vòng sơ loại"
    await timeline.edit_round(contest["round"], typed, actor_id=organizer.id, now=clock(), scope=scope_of(commune))
    assert (await round_row(contest["round"])).name == "Vòng sơ loại"


async def test_extend_preview_lists_every_later_milestone_and_changes_nothing(contest, organizer, clock, commune):
    second = await add_second_round(contest, organizer, clock, commune)
    before = [await round_row(contest["round"]), await round_row(second)]
    first = before[0]
    new_end = format_local(first.submission_closes + dt.timedelta(days=3))
    plan = await timeline.preview_extension(
        contest["round"], "submission", new_end, now=clock(), scope=scope_of(commune)
    )
    moved = {(m.round_id, m.field): (m.old, m.new) for m in plan.moves}
    for field in ("judging_closes", "vote_opens", "vote_closes", "results_at"):
        assert moved[(contest["round"], field)] == (getattr(first, field), getattr(first, field) + dt.timedelta(days=3))
    for field in ("judging_opens", "judging_closes", "vote_opens", "vote_closes", "results_at"):
        assert (second, field) in moved
    assert (contest["round"], "submission_opens") not in moved
    assert [await round_row(contest["round"]), await round_row(second)] == before


async def test_extend_shifts_the_round_and_later_rounds_in_one_go(contest, organizer, clock, commune):
    second = await add_second_round(contest, organizer, clock, commune)
    first, later = await round_row(contest["round"]), await round_row(second)
    delta = dt.timedelta(days=3, hours=2)
    await timeline.extend(
        contest["round"],
        "submission",
        format_local(first.submission_closes + delta),
        actor_id=organizer.id,
        now=clock(),
        scope=scope_of(commune),
    )
    after, later_after = await round_row(contest["round"]), await round_row(second)
    assert after.submission_opens == first.submission_opens
    for field in ("submission_closes", "judging_closes", "vote_opens", "vote_closes", "results_at"):
        assert getattr(after, field) == getattr(first, field) + delta
    for field in timeline.DATE_FIELDS:
        assert getattr(later_after, field) == getattr(later, field) + delta
    assert phases.validate_dates(after) == [] and after.results_at >= after.judging_closes
    event = await AuditEvent.select().where(AuditEvent.action == "round.deadline_extended").first()
    assert event["target_id"] == str(contest["round"]) or event["target_id"] == contest["round"]


async def test_old_extend_entry_point_never_leaves_results_before_judging(contest, organizer, clock):
    first = await round_row(contest["round"])
    later = first.submission_closes + dt.timedelta(days=25)  # beyond judging, vote and results
    await services.extend_submission_deadline(
        contest["round"], later, actor_id=organizer.id, now=clock(), scope=PLATFORM
    )
    after = await round_row(contest["round"])
    assert after.vote_opens is not None and after.vote_closes is not None
    assert after.submission_closes == later
    assert after.submission_closes < after.judging_closes <= after.vote_opens < after.vote_closes <= after.results_at
    assert after.results_at == first.results_at + dt.timedelta(days=25)


async def test_extend_is_refused_once_judging_started(contest, organizer, clock, commune):
    clock.advance(days=21)
    first = await round_row(contest["round"])
    with pytest.raises(TimelineError) as caught:
        await timeline.extend(
            contest["round"],
            "submission",
            format_local(first.submission_closes + dt.timedelta(days=3)),
            actor_id=organizer.id,
            now=clock(),
            scope=scope_of(commune),
        )
    assert "Judging has already started" in caught.value.message
    assert await round_row(contest["round"]) == first


async def test_extend_to_an_earlier_time_is_refused(contest, organizer, clock, commune):
    first = await round_row(contest["round"])
    with pytest.raises(ValidationFailed) as caught:
        await timeline.extend(
            contest["round"],
            "judging",
            format_local(first.judging_closes - dt.timedelta(days=1)),
            actor_id=organizer.id,
            now=clock(),
            scope=scope_of(commune),
        )
    assert "new_end" in caught.value.errors


async def test_extending_judging_moves_the_vote_and_results(contest, organizer, clock, commune):
    first = await round_row(contest["round"])
    await timeline.extend(
        contest["round"],
        "judging",
        format_local(first.judging_closes + dt.timedelta(days=2)),
        actor_id=organizer.id,
        now=clock(),
        scope=scope_of(commune),
    )
    after = await round_row(contest["round"])
    assert first.vote_opens is not None
    assert after.submission_closes == first.submission_closes
    assert after.vote_opens == first.vote_opens + dt.timedelta(days=2)
    assert after.results_at == first.results_at + dt.timedelta(days=2)


async def test_close_submission_now_starts_judging_and_moves_nothing_else(contest, organizer, clock, commune):
    first = await round_row(contest["round"])
    assert timeline.now_actions(first, clock()) == [("close", Phase.submission)]
    await timeline.act_now(
        contest["round"], "close", "submission", actor_id=organizer.id, now=clock(), scope=scope_of(commune)
    )
    after = await round_row(contest["round"])
    assert after.submission_closes == clock()
    assert phase_of(after, clock()) is Phase.judging
    assert {k: getattr(after, k) for k in ("judging_closes", "vote_opens", "vote_closes", "results_at")} == {
        k: getattr(first, k) for k in ("judging_closes", "vote_opens", "vote_closes", "results_at")
    }
    assert await AuditEvent.exists().where(AuditEvent.action == "round.phase_closed_now")


async def test_open_the_vote_now_in_the_gap_after_judging(contest, organizer, clock, commune):
    clock.advance(days=30.5)  # judging ended at +30, the vote opens at +31
    first = await round_row(contest["round"])
    assert timeline.now_actions(first, clock()) == [("open", Phase.voting)]
    await timeline.act_now(
        contest["round"], "open", "voting", actor_id=organizer.id, now=clock(), scope=scope_of(commune)
    )
    after = await round_row(contest["round"])
    assert after.vote_opens == clock() and after.vote_closes == first.vote_closes
    assert phases.is_open(after, Phase.voting, clock())
    assert await AuditEvent.exists().where(AuditEvent.action == "round.phase_opened_now")


async def test_a_stale_button_is_refused(contest, organizer, clock, commune):
    with pytest.raises(TimelineError):
        await timeline.act_now(
            contest["round"], "open", "voting", actor_id=organizer.id, now=clock(), scope=scope_of(commune)
        )


async def test_a_frozen_round_keeps_its_dates(contest, organizer, clock, commune):
    await RoundJudging(round=contest["round"], frozen_at=clock()).save()
    first = await round_row(contest["round"])
    with pytest.raises(TimelineError) as caught:
        await timeline.act_now(
            contest["round"], "close", "submission", actor_id=organizer.id, now=clock(), scope=scope_of(commune)
        )
    assert caught.value.message == timeline.MSG_FROZEN
    with pytest.raises(TimelineError):
        await timeline.extend(
            contest["round"],
            "submission",
            format_local(first.submission_closes + dt.timedelta(days=1)),
            actor_id=organizer.id,
            now=clock(),
            scope=scope_of(commune),
        )
    with pytest.raises(TimelineError):
        await timeline.edit_round(
            contest["round"], RoundForm.of_round(first), actor_id=organizer.id, now=clock(), scope=scope_of(commune)
        )
    assert await round_row(contest["round"]) == first


async def test_published_results_keep_the_dates(contest, organizer, clock, commune):
    clock.advance(days=41)
    first = await round_row(contest["round"])
    with pytest.raises(TimelineError) as caught:
        await timeline.edit_round(
            contest["round"], RoundForm.of_round(first), actor_id=organizer.id, now=clock(), scope=scope_of(commune)
        )
    assert caught.value.message == timeline.MSG_PUBLISHED


async def test_a_round_with_ideas_is_not_deleted_an_empty_one_is(contest, organizer, clock, commune, make_user):
    from tests.support.factories import complete_form

    row = await services.contest_by_slug(contest["slug"])
    round_ = (await services.rounds_of(row.id))[0]
    lead = await make_user(birth_year=2004)
    await services.create_draft(row, round_, complete_form(contest["categories"][0]), user_id=lead.id, now=clock())
    with pytest.raises(TimelineError):
        await timeline.delete_round(contest["round"], actor_id=organizer.id, now=clock(), scope=scope_of(commune))
    second = await add_second_round(contest, organizer, clock, commune)
    await timeline.delete_round(second, actor_id=organizer.id, now=clock(), scope=scope_of(commune))
    assert not await Round.exists().where(Round.id == second)
    assert await AuditEvent.exists().where(AuditEvent.action == "round.deleted")


async def test_another_communes_organizer_reaches_nothing(contest, clock, other_commune, make_other_user):
    stranger = await make_other_user(roles=(Role.organizer,))
    theirs = Scope.of_communes(other_commune["id"])
    first = await round_row(contest["round"])
    new_end = format_local(first.submission_closes + dt.timedelta(days=1))
    for call in (
        lambda: rounds.round_row(contest["round"], scope=theirs),
        lambda: timeline.preview_extension(contest["round"], "submission", new_end, now=clock(), scope=theirs),
        lambda: timeline.extend(
            contest["round"], "submission", new_end, actor_id=stranger.id, now=clock(), scope=theirs
        ),
        lambda: timeline.act_now(
            contest["round"], "close", "submission", actor_id=stranger.id, now=clock(), scope=theirs
        ),
        lambda: timeline.delete_round(contest["round"], actor_id=stranger.id, now=clock(), scope=theirs),
        lambda: timeline.edit_round(
            contest["round"], RoundForm.of_round(first), actor_id=stranger.id, now=clock(), scope=theirs
        ),
        lambda: timeline.add_round(contest["slug"], form(**FULL), actor_id=stranger.id, now=clock(), scope=theirs),
    ):
        with pytest.raises(NotFound):
            await call()
    assert await round_row(contest["round"]) == first
    assert await Round.count().where(Round.contest == contest["id"]) == 1


async def test_a_round_without_judging_is_never_frozen_so_its_vote_can_still_move(contest, organizer, clock, commune):
    from contest import judging

    await Round.update({Round.has_judging: False, Round.judging_closes: Round.submission_closes}).where(
        Round.id == contest["round"]
    )
    clock.advance(days=25)  # submissions closed at +20; the vote opens at +31
    settings = await judging.ensure_frozen(contest["round"], now=clock(), scope=PLATFORM)
    assert settings["frozen_at"] is None
    first = await round_row(contest["round"])
    assert timeline.now_actions(first, clock()) == [("open", Phase.voting)]
    await timeline.act_now(
        contest["round"], "open", "voting", actor_id=organizer.id, now=clock(), scope=scope_of(commune)
    )
    assert (await round_row(contest["round"])).vote_opens == clock()
