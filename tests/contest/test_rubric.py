"""The rubric and awards as organizers set them: checks of a criterion and an award, order, and the lock
of a round whose scores are frozen or results published (lifted only while the scores are reopened)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from accounts.errors import DomainError, NotFound, ValidationFailed
from accounts.scope import Scope
from contest import judging, rubric, voting
from contest.tables import Award, Criterion, Round, RoundJudging
from tests.support.factories import make_contest

CRITERION = {
    "name": "Tính mới",
    "description": "Ý tưởng có mới với xã không?",
    "weight": "2",
    "scale_min": "1",
    "scale_max": "5",
    "descriptors": "",
}


def _errors(call, *args, **kwargs) -> dict[str, str]:
    with pytest.raises(ValidationFailed) as caught:
        call(*args, **kwargs)
    return caught.value.errors


# ---------------------------------------------------------------- checks (no database)


def test_criterion_descriptors_one_line_per_level_or_none():
    five = "chưa rõ\nsơ sài\nđạt\ntốt\nxuất sắc"
    assert rubric.parse_criterion({**CRITERION, "descriptors": five})["descriptors"] == five.split("\n")
    assert rubric.parse_criterion({**CRITERION, "descriptors": "\n  \n"})["descriptors"] == []
    # Blank lines between do not count as levels.
    assert len(rubric.parse_criterion({**CRITERION, "descriptors": "a\n\nb\nc\nd\ne\n"})["descriptors"]) == 5
    with pytest.raises(ValidationFailed) as caught:
        rubric.parse_criterion({**CRITERION, "descriptors": "chưa rõ\nđạt\ntốt"})
    assert set(caught.value.errors) == {"descriptors"}
    assert caught.value.field_params["descriptors"] == {"levels": 5, "low": 1, "high": 5, "count": 3}
    # A 0–10 scale has eleven levels.
    assert "descriptors" in _errors(
        rubric.parse_criterion, {**CRITERION, "scale_min": "0", "scale_max": "10", "descriptors": five}
    )


def test_criterion_weight_must_be_positive_number():
    assert rubric.parse_criterion({**CRITERION, "weight": "1,5"})["weight"] == 1.5
    for weight in ("0", "-1", "", "abc", "nan", "inf", "1e9"):
        assert set(_errors(rubric.parse_criterion, {**CRITERION, "weight": weight})) == {"weight"}, weight


def test_criterion_scale_whole_numbers_low_below_high():
    values = rubric.parse_criterion({**CRITERION, "scale_min": "0", "scale_max": "10"})
    assert (values["scale_min"], values["scale_max"]) == (0, 10)
    assert set(_errors(rubric.parse_criterion, {**CRITERION, "scale_min": "5", "scale_max": "5"})) == {"scale_max"}
    assert set(_errors(rubric.parse_criterion, {**CRITERION, "scale_min": "5", "scale_max": "1"})) == {"scale_max"}
    assert set(_errors(rubric.parse_criterion, {**CRITERION, "scale_min": "1.5"})) == {"scale_min"}
    assert set(_errors(rubric.parse_criterion, {**CRITERION, "scale_max": "500"})) == {"scale_max"}
    assert set(_errors(rubric.parse_criterion, {**CRITERION, "scale_min": "-1"})) == {"scale_min"}
    assert set(_errors(rubric.parse_criterion, {**CRITERION, "name": "  "})) == {"name"}


def test_award_basis_chosen_from_the_list():
    form = {"name": "Giải Nhất", "rank": "1", "prize": "10.000.000 đồng", "basis": "jury"}
    for basis in ("jury", "public", "combined"):
        assert rubric.parse_award({**form, "basis": basis})["basis"] == basis
    assert set(_errors(rubric.parse_award, {**form, "basis": "Giám khảo"})) == {"basis"}
    assert set(_errors(rubric.parse_award, {**form, "basis": "public"}, has_vote=False)) == {"basis"}
    assert rubric.parse_award({**form, "basis": "jury"}, has_vote=False)["basis"] == "jury"
    assert set(_errors(rubric.parse_award, {**form, "rank": "0"})) == {"rank"}
    assert set(_errors(rubric.parse_award, {**form, "rank": "nhất"})) == {"rank"}


def test_lock_reason_frozen_published_and_reopened():
    now = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
    hour = dt.timedelta(hours=1)
    open_round = {"judging_closes": now + hour, "results_at": now + 2 * hour}
    assert rubric.lock_reason(open_round, None, now) is None
    assert rubric.lock_reason(open_round, {"frozen_at": now - hour}, now) == rubric.LOCKED_FROZEN
    assert rubric.lock_reason({**open_round, "judging_closes": now - hour}, {}, now) == rubric.LOCKED_FROZEN
    published = {"judging_closes": now - 2 * hour, "results_at": now - hour}
    assert rubric.lock_reason(published, {"frozen_at": now - 2 * hour}, now) == rubric.LOCKED_PUBLISHED
    reopened = {"frozen_at": now - 2 * hour, "reopened_until": now + hour}
    assert rubric.lock_reason(published, reopened, now) is None
    assert rubric.lock_reason(published, reopened, now + 2 * hour) == rubric.LOCKED_PUBLISHED
    # A round with only a public vote has no scores to freeze: its rules stay open until its results.
    vote_only = {"has_judging": False, "judging_closes": now - hour, "results_at": now + 2 * hour}
    assert rubric.lock_reason(vote_only, None, now) is None
    assert rubric.lock_reason(vote_only, None, now + 3 * hour) == rubric.LOCKED_PUBLISHED


# ---------------------------------------------------------------- in the database

pytest_integration = pytest.mark.integration


@pytest.fixture
async def setup(commune, other_commune, make_user, clock):
    contest = await make_contest(commune=commune, now=clock())
    organizer = await make_user()
    return {
        "contest": contest,
        "round": contest["round"],
        "scope": Scope.of_communes(commune["id"]),
        "other": Scope.of_communes(other_commune["id"]),
        "actor": organizer.id,
    }


async def _add(setup, clock, **changes) -> int:
    return await rubric.add_criterion(
        setup["round"], {**CRITERION, **changes}, actor_id=setup["actor"], now=clock(), scope=setup["scope"]
    )


@pytest_integration
async def test_add_reorder_edit_delete_criteria(setup, clock):
    first = await _add(setup, clock, name="Tính mới", weight="3")
    second = await _add(setup, clock, name="Khả thi", weight="1", descriptors="1\n2\n3\n4\n5")
    third = await _add(setup, clock, name="Tác động", weight="1")
    rows = await rubric.criteria_of(setup["round"])
    assert [r["id"] for r in rows] == [first, second, third]
    assert [round(r["share"]) for r in rows] == [60, 20, 20]
    assert rows[1]["descriptors"] == ["1", "2", "3", "4", "5"]
    await rubric.move_criterion(setup["round"], third, "up", actor_id=setup["actor"], now=clock(), scope=setup["scope"])
    await rubric.move_criterion(
        setup["round"], first, "down", actor_id=setup["actor"], now=clock(), scope=setup["scope"]
    )
    assert [r["id"] for r in await rubric.criteria_of(setup["round"])] == [third, first, second]
    # The judges' sheet reads the same order.
    assert [c["id"] for c in await judging.rubric(setup["round"])] == [third, first, second]
    await rubric.update_criterion(
        setup["round"],
        second,
        {**CRITERION, "name": "Khả thi", "scale_min": "0", "scale_max": "10", "descriptors": ""},
        actor_id=setup["actor"],
        now=clock(),
        scope=setup["scope"],
    )
    row = await Criterion.select().where(Criterion.id == second).first()
    assert (row["scale_min"], row["scale_max"], json.loads(row["descriptors"])) == (0, 10, [])
    await rubric.delete_criterion(setup["round"], first, actor_id=setup["actor"], now=clock(), scope=setup["scope"])
    assert [r["id"] for r in await rubric.criteria_of(setup["round"])] == [third, second]


@pytest_integration
async def test_other_commune_reaches_nothing(setup, clock):
    criterion = await _add(setup, clock)
    with pytest.raises(NotFound):
        await rubric.rubric_page(setup["round"], scope=setup["other"], now=clock())
    with pytest.raises(NotFound):
        await rubric.update_criterion(
            setup["round"],
            criterion,
            {**CRITERION, "name": "Đã sửa"},
            actor_id=setup["actor"],
            now=clock(),
            scope=setup["other"],
        )
    with pytest.raises(NotFound):
        await rubric.add_award(
            setup["contest"]["slug"],
            {"name": "Giải", "rank": "1", "basis": "jury"},
            actor_id=setup["actor"],
            now=clock(),
            scope=setup["other"],
        )
    assert (await Criterion.select(Criterion.name).where(Criterion.id == criterion).first())["name"] == "Tính mới"
    assert not await Award.exists().where(Award.contest == setup["contest"]["id"])


@pytest_integration
async def test_frozen_round_refuses_rubric_vote_rules_and_awards_until_reopened(setup, clock):
    criterion = await _add(setup, clock)
    award = await rubric.add_award(
        setup["contest"]["slug"],
        {"name": "Giải Nhất", "rank": "1", "basis": "combined", "prize": "5.000.000 đồng"},
        actor_id=setup["actor"],
        now=clock(),
        scope=setup["scope"],
    )
    round_ = await Round.select().where(Round.id == setup["round"]).first()
    # Judging closes, a day before the vote opens: the scores freeze.
    clock.now = round_["judging_closes"] + dt.timedelta(hours=2)
    await judging.ensure_frozen(setup["round"], now=clock(), actor_id=setup["actor"], scope=setup["scope"])
    calls = [
        lambda: _add(setup, clock, name="Mới"),
        lambda: rubric.update_criterion(
            setup["round"],
            criterion,
            {**CRITERION, "weight": "9"},
            actor_id=setup["actor"],
            now=clock(),
            scope=setup["scope"],
        ),
        lambda: rubric.move_criterion(
            setup["round"], criterion, "down", actor_id=setup["actor"], now=clock(), scope=setup["scope"]
        ),
        lambda: rubric.delete_criterion(
            setup["round"], criterion, actor_id=setup["actor"], now=clock(), scope=setup["scope"]
        ),
        lambda: voting.update_rules(
            setup["round"],
            {
                "votes_per_voter": 5,
                "change_allowed": True,
                "live_tally": False,
                "residents_only": True,
                "jury_weight": 0.5,
            },
            actor_id=setup["actor"],
            now=clock(),
            scope=setup["scope"],
        ),
        lambda: rubric.add_award(
            setup["contest"]["slug"],
            {"name": "Giải Nhì", "rank": "2", "basis": "jury"},
            actor_id=setup["actor"],
            now=clock(),
            scope=setup["scope"],
        ),
        lambda: rubric.update_award(
            setup["contest"]["slug"],
            award,
            {"name": "Giải", "rank": "3", "basis": "jury"},
            actor_id=setup["actor"],
            now=clock(),
            scope=setup["scope"],
        ),
        lambda: rubric.delete_award(
            setup["contest"]["slug"], award, actor_id=setup["actor"], now=clock(), scope=setup["scope"]
        ),
    ]
    for call in calls:
        with pytest.raises(rubric.Locked) as caught:
            await call()
        assert caught.value.message == rubric.LOCKED_FROZEN
    assert [r["weight"] for r in await rubric.criteria_of(setup["round"])] == [2.0]
    assert (await Award.select(Award.rank).where(Award.id == award).first())["rank"] == 1
    # The audited reopening lifts the lock while it runs.
    await judging.reopen(
        setup["round"], actor_id=setup["actor"], reason="Sửa thang điểm", hours=2, now=clock(), scope=setup["scope"]
    )
    await rubric.update_criterion(
        setup["round"],
        criterion,
        {**CRITERION, "weight": "4"},
        actor_id=setup["actor"],
        now=clock(),
        scope=setup["scope"],
    )
    await voting.update_rules(
        setup["round"],
        {"votes_per_voter": 5, "change_allowed": True, "live_tally": False, "residents_only": True, "jury_weight": 0.5},
        actor_id=setup["actor"],
        now=clock(),
        scope=setup["scope"],
    )
    assert (await voting.rules_of(setup["round"]))["jury_weight"] == 0.5
    clock.advance(hours=3)
    with pytest.raises(rubric.Locked):
        await _add(setup, clock, name="Sau khi hết hạn mở lại")
    assert (await RoundJudging.select(RoundJudging.reopen_reason).where(RoundJudging.round == setup["round"]).first())[
        "reopen_reason"
    ] == "Sửa thang điểm"


@pytest_integration
async def test_scale_cannot_leave_given_scores_out(setup, clock, make_user, commune):
    from contest.tables import Idea, Score, ScoreSheet

    criterion = await _add(setup, clock, scale_min="1", scale_max="10")
    lead, judge = await make_user(), await make_user()
    idea = Idea(
        contest=setup["contest"]["id"],
        round=setup["round"],
        code="AK-2026-001",
        lead=lead.id,
        title="Lọc nước",
        category=setup["contest"]["categories"][0],
        hamlet=commune["hamlets"][0],
    )
    await idea.save()
    sheet = ScoreSheet(round=setup["round"], judge=judge.id, idea=idea.id)
    await sheet.save()
    await Score(sheet=sheet.id, criterion=criterion, value=8).save()
    with pytest.raises(ValidationFailed) as caught:
        await rubric.update_criterion(
            setup["round"],
            criterion,
            {**CRITERION, "scale_min": "1", "scale_max": "5"},
            actor_id=setup["actor"],
            now=clock(),
            scope=setup["scope"],
        )
    assert set(caught.value.errors) == {"scale_min"}
    with pytest.raises(DomainError) as removed:
        await rubric.delete_criterion(
            setup["round"], criterion, actor_id=setup["actor"], now=clock(), scope=setup["scope"]
        )
    assert "scored" in removed.value.message
    assert await Criterion.exists().where(Criterion.id == criterion)
