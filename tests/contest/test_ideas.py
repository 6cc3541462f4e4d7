"""Idea lifecycle in the domain: drafts, submission, codes, revisions, teams, moderation."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest

from accounts.errors import PermissionDenied, ValidationFailed
from accounts.scope import PLATFORM
from contest import services
from contest.errors import IdeaError
from contest.tables import Idea, IdeaMember, IdeaRevision, IdeaStatus
from tests.support.factories import complete_form, make_contest

pytestmark = pytest.mark.integration


@pytest.fixture
async def contest(commune, clock):
    return await make_contest(commune=commune, now=clock())


async def ctx(contest):
    row = await services.contest_by_slug(contest["slug"])
    rounds = await services.rounds_of(row.id)
    return row, rounds[0]


async def test_draft_then_submit_gets_code_and_notifies(contest, make_user, clock):
    lead = await make_user(birth_year=2004)
    row, round_ = await ctx(contest)
    idea_id = await services.create_draft(
        row, round_, complete_form(contest["categories"][0]), user_id=lead.id, now=clock()
    )
    assert (await services.idea_row(idea_id))["status"] == "draft"
    code = await services.submit(idea_id, user_id=lead.id, now=clock())
    assert code == f"AK-{clock().year}-001"
    idea = await services.idea_row(idea_id)
    assert idea["status"] == "submitted" and idea["code"] == code
    from accounts.notifications import inbox

    assert any(code in n["title"] for n in await inbox(lead.id))


async def test_incomplete_draft_lists_missing_fields(contest, make_user, clock):
    lead = await make_user(birth_year=2004)
    row, round_ = await ctx(contest)
    form = complete_form(contest["categories"][0], solution="", beneficiaries="")
    idea_id = await services.create_draft(row, round_, form, user_id=lead.id, now=clock())
    with pytest.raises(ValidationFailed) as info:
        await services.submit(idea_id, user_id=lead.id, now=clock())
    assert set(info.value.errors) == {"solution", "beneficiaries"}
    assert (await services.idea_row(idea_id))["code"] is None


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"birth_year": 1980}, "The team lead must be between %(low)s and %(high)s years old."),
        ({"birth_year": 2015}, "The team lead must be between %(low)s and %(high)s years old."),
        ({"other_commune": True}, "Only residents of the commune may take part in this contest."),
    ],
)
async def test_eligibility(contest, make_user, clock, change, expected):
    from accounts.tables import Commune

    user = await make_user(birth_year=change.get("birth_year", 2004))
    if change.get("other_commune"):
        other = Commune(name="Xã Khác", slug="xa-khac", code="XK")
        await other.save()
        await user.update_self({"commune": other.id})
    row, round_ = await ctx(contest)
    with pytest.raises(IdeaError) as info:
        await services.create_draft(row, round_, complete_form(contest["categories"][0]), user_id=user.id, now=clock())
    assert info.value.message == expected


async def test_max_ideas_per_person(commune, make_user, clock):
    contest = await make_contest(commune=commune, now=clock(), max_ideas=1)
    lead = await make_user(birth_year=2004)
    row, round_ = await ctx(contest)
    first = await services.create_draft(
        row, round_, complete_form(contest["categories"][0]), user_id=lead.id, now=clock()
    )
    second = await services.create_draft(
        row, round_, complete_form(contest["categories"][0], title="Khác"), user_id=lead.id, now=clock()
    )
    await services.submit(first, user_id=lead.id, now=clock())
    with pytest.raises(IdeaError):
        await services.submit(second, user_id=lead.id, now=clock())


async def test_not_accepting_outside_the_submission_phase(commune, make_user, clock):
    contest = await make_contest(commune=commune, now=clock(), opens_days=-30, closes_days=-1)
    lead = await make_user(birth_year=2004)
    row, round_ = await ctx(contest)
    with pytest.raises(IdeaError) as info:
        await services.create_draft(row, round_, complete_form(contest["categories"][0]), user_id=lead.id, now=clock())
    assert "not accepting" in info.value.message


async def test_twenty_simultaneous_submissions_get_twenty_codes(contest, make_user, clock):
    row, round_ = await ctx(contest)
    ideas = []
    for i in range(20):
        lead = await make_user(birth_year=2004)
        idea_id = await services.create_draft(
            row, round_, complete_form(contest["categories"][0], title=f"Ý tưởng {i}"), user_id=lead.id, now=clock()
        )
        ideas.append((idea_id, lead.id))
    codes = await asyncio.gather(*[services.submit(i, user_id=u, now=clock()) for i, u in ideas])
    assert len(set(codes)) == 20
    assert sorted(codes) == [f"AK-{clock().year}-{n:03d}" for n in range(1, 21)]
    assert await Idea.count().where(Idea.status == "submitted") == 20


async def test_double_submit_at_once_submits_once(contest, make_user, clock):
    lead = await make_user(birth_year=2004)
    row, round_ = await ctx(contest)
    idea_id = await services.create_draft(
        row, round_, complete_form(contest["categories"][0]), user_id=lead.id, now=clock()
    )
    results = await asyncio.gather(
        *[services.submit(idea_id, user_id=lead.id, now=clock()) for _ in range(5)], return_exceptions=True
    )
    codes = [r for r in results if isinstance(r, str)]
    assert len(codes) == 1 and all(isinstance(r, IdeaError) for r in results if not isinstance(r, str))


async def test_edits_are_revisions_until_the_deadline(contest, make_user, clock):
    lead = await make_user(birth_year=2004)
    row, round_ = await ctx(contest)
    idea_id = await services.create_draft(
        row, round_, complete_form(contest["categories"][0]), user_id=lead.id, now=clock()
    )
    await services.submit(idea_id, user_id=lead.id, now=clock())
    await services.save(
        idea_id, complete_form(contest["categories"][0], title="Lọc nước mưa v2"), user_id=lead.id, now=clock()
    )
    revisions = await services.revisions_of(idea_id, scope=PLATFORM)
    assert [r.number for r in revisions] == [1, 2]
    assert revisions[1].snapshot["title"] == "Lọc nước mưa v2"
    clock.advance(days=21)  # after the deadline
    with pytest.raises(PermissionDenied):
        await services.save(idea_id, complete_form(contest["categories"][0], title="v3"), user_id=lead.id, now=clock())
    assert await IdeaRevision.count() == 2


async def test_search_finds_without_diacritics_in_any_order(contest, make_user, clock):
    lead = await make_user(birth_year=2004)
    row, round_ = await ctx(contest)
    idea_id = await services.create_draft(
        row,
        round_,
        complete_form(contest["categories"][0], title="Nước sạch cho Đông Thượng"),
        user_id=lead.id,
        now=clock(),
    )
    await services.submit(idea_id, user_id=lead.id, now=clock())
    for query in ("nuoc sach", "sạch nước", "DONG thuong", "đông", "d"):
        rows, total = await services.gallery(row.id, q=query)
        assert total == 1, query
    rows, total = await services.gallery(row.id, q="xe đạp")
    assert total == 0


async def test_withdraw_needs_a_reason(contest, make_user, clock):
    lead = await make_user(birth_year=2004)
    row, round_ = await ctx(contest)
    idea_id = await services.create_draft(
        row, round_, complete_form(contest["categories"][0]), user_id=lead.id, now=clock()
    )
    await services.submit(idea_id, user_id=lead.id, now=clock())
    with pytest.raises(ValidationFailed):
        await services.withdraw(idea_id, user_id=lead.id, reason=" ", now=clock())
    await services.withdraw(idea_id, user_id=lead.id, reason="Nhóm bận thi học kỳ", now=clock())
    idea = await services.idea_row(idea_id)
    assert idea["status"] == IdeaStatus.withdrawn.value and idea["withdrawn_reason"] == "Nhóm bận thi học kỳ"
    rows, total = await services.gallery(row.id)
    assert total == 0


async def test_team_invitation_accept_and_decline(contest, make_user, clock):
    lead = await make_user(birth_year=2004)
    friend = await make_user(phone="+84987654321", email="")
    row, round_ = await ctx(contest)
    idea_id = await services.create_draft(
        row, round_, complete_form(contest["categories"][0]), user_id=lead.id, now=clock()
    )
    await services.invite(idea_id, "0987 654 321", user_id=lead.id, now=clock())
    with pytest.raises(ValidationFailed):
        await services.invite(idea_id, "+84987654321", user_id=lead.id, now=clock())
    await services.invite(idea_id, "newcomer@example.com", user_id=lead.id, now=clock())
    assert await services.team(idea_id) == []  # nobody accepted yet
    invitations = await services.invitations_for(friend.id)
    assert len(invitations) == 1
    await services.respond(invitations[0].id, user_id=friend.id, accept=True, now=clock())
    assert await services.team(idea_id) == [friend.full_name]
    newcomer = await make_user(email="newcomer@example.com")
    pending = await services.invitations_for(newcomer.id)
    await services.respond(pending[0].id, user_id=newcomer.id, accept=False, now=clock())
    assert await IdeaMember.count().where(IdeaMember.status == "declined") == 1


async def test_reports_hide_after_threshold_once_per_person(contest, make_user, clock):
    lead = await make_user(birth_year=2004)
    row, round_ = await ctx(contest)
    idea_id = await services.create_draft(
        row, round_, complete_form(contest["categories"][0]), user_id=lead.id, now=clock()
    )
    await services.submit(idea_id, user_id=lead.id, now=clock())
    reporters = [await make_user() for _ in range(3)]
    assert not await services.report(idea_id, reporter_id=reporters[0].id, reason="spam", threshold=3, now=clock())
    with pytest.raises(IdeaError):
        await services.report(idea_id, reporter_id=reporters[0].id, reason="spam", threshold=3, now=clock())
    assert not await services.report(idea_id, reporter_id=reporters[1].id, reason="", threshold=3, now=clock())
    assert await services.report(idea_id, reporter_id=reporters[2].id, reason="", threshold=3, now=clock())
    idea = await services.idea_row(idea_id)
    assert idea["hidden"] and idea["hidden_by_reports"] and idea["report_count"] == 3


async def test_extend_deadline_is_audited(contest, make_user, clock):
    from accounts.tables import AuditEvent

    organizer = await make_user()
    row, round_ = await ctx(contest)
    later = round_["submission_closes"] + dt.timedelta(days=3)
    await services.extend_submission_deadline(round_["id"], later, actor_id=organizer.id, now=clock(), scope=PLATFORM)
    assert (await services.rounds_of(row.id))[0]["submission_closes"] == later
    assert await AuditEvent.exists().where(AuditEvent.action == "round.deadline_extended")
    with pytest.raises(ValidationFailed):
        await services.extend_submission_deadline(
            round_["id"], later - dt.timedelta(days=5), actor_id=organizer.id, now=clock(), scope=PLATFORM
        )
