"""Every free-text field has a maximum length: shown in the form (maxlength), refused by the form
with the message beside the field (nothing stored), and refused by the database when a form is
bypassed (accounts.limits; the database side is also checked column by column in test_bad_input)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from accounts import limits
from accounts.errors import ValidationFailed
from accounts.scope import PLATFORM, Scope
from contest import judging, services, voting
from contest.tables import Award, Category, Idea, IdeaReport, Round, ScoreSheet, Vote
from mentoring import directory, mentorships, office_hours, requests, teams
from mentoring.tables import MentoringRequest, MentorProfile, SessionNote
from tests.conftest import login, post_form
from tests.fixtures.judging import assign_all, criteria_ids, in_judging, my_assignment
from tests.fixtures.voting import KEY, verified
from tests.support.factories import PASSWORD

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
NOT_TEXT = {"hidden", "checkbox", "radio", "file", "submit", "number", "date", "datetime-local", "password", "time"}
# Fields typed as text but read as a number or a date (too long is simply not a number or a date).
PARSED = {
    "new_end",
    "jury_weight",
    "budget",
    "weight",
    "min_age",
    "max_age",
    "max_ideas_per_person",
    "submission_opens",
    "submission_closes",
    "judging_opens",
    "judging_closes",
    "vote_opens",
    "vote_closes",
    "results_at",
    "from",
    "to",
}


def _typed_fields():
    """(template, field name) of every text field people type into, with its attributes."""
    for path in sorted(TEMPLATES.rglob("*.html")):
        if path.name == "forms.html":  # the macro itself: its callers are read below
            continue
        text = path.read_text()
        for match in re.finditer(r"<(input|textarea)\b(.*?)>", text, re.S):
            attrs = match.group(2)
            kind = re.search(r'type="([^"]*)"', attrs)
            kind = kind.group(1) if kind else ("textarea" if match.group(1) == "textarea" else "text")
            name = re.search(r'name="([^"]*)"', attrs)
            if kind not in NOT_TEXT:
                yield path.name, name.group(1) if name else "?", attrs
        for match in re.finditer(r'\binput\("(\w+)"(.*?)\)\s*}}', text, re.S):
            kind = re.search(r'type="([^"]*)"', match.group(2))
            if not kind or kind.group(1) not in NOT_TEXT:
                yield path.name, match.group(1), match.group(2)


def test_every_text_field_of_every_form_shows_its_limit():
    fields = list(_typed_fields())
    assert len(fields) > 60  # every form of the site is read
    missing = [
        (template, name)
        for template, name, attrs in fields
        if "maxlength" not in attrs and name.split("{")[0] not in PARSED and "position" not in name
    ]
    assert missing == []


def test_limits_fit_their_columns_and_the_message_names_the_limit():
    with pytest.raises(ValidationFailed) as refused:
        limits.check("mentoring_note", {"notes": "x" * (limits.LONG + 1)})
    assert refused.value.errors == {"notes": limits.TOO_LONG}
    assert refused.value.field_params == {"notes": {"limit": "10.000"}}
    limits.check("mentoring_note", {"notes": "ư" * limits.LONG})  # at the limit, counted as people see letters


# -- refused by the form, nothing stored ----------------------------------------------------------------


@pytest.mark.integration
async def test_mentoring_forms_refuse_long_text_beside_the_field(world, make_user, clock):
    (idea, lead), _, _ = world["teams"]
    (mentor_id, mentor_user), _ = world["mentors"]
    newcomer = await make_user(email="moi@example.com")
    for field, value in (
        ("title", "x" * 201),
        ("bio", "Mười năm kinh nghiệm " * 300),
        ("place", "x" * 201),
        ("free_tags", "a," * 200),
    ):
        values = {
            "title": "Giảng viên",
            "bio": "Mười năm kinh nghiệm khởi nghiệp.",
            "expertise": ["marketing"],
            "capacity": "1",
            field: value,
        }
        with pytest.raises(ValidationFailed) as refused:
            await directory.save_profile(newcomer.id, values, now=clock())
        assert field in refused.value.errors, field
    assert not await MentorProfile.exists().where(MentorProfile.user == newcomer.id)
    with pytest.raises(ValidationFailed) as refused:
        await requests.request_mentor(idea, mentor_id, message="x" * (limits.COMMENT + 1), user_id=lead.id, now=clock())
    assert set(refused.value.errors) == {"message"}
    assert await MentoringRequest.count() == 0
    with pytest.raises(ValidationFailed) as refused:
        await teams.save_needs(idea, {"needs": ["marketing"], "place": "x" * 201}, user_id=lead.id, now=clock())
    assert set(refused.value.errors) == {"place"}
    request = await requests.request_mentor(idea, mentor_id, message="Xin giúp đỡ", user_id=lead.id, now=clock())
    with pytest.raises(ValidationFailed) as refused:
        await requests.respond(request, mentor_user_id=mentor_user.id, accept=False, reason="x" * 2001, now=clock())
    assert set(refused.value.errors) == {"reason"}
    await requests.respond(request, mentor_user_id=mentor_user.id, accept=True, reason="", now=clock())
    mentorship = (await mentorships.mentorships_of_idea(idea))[0].id
    for notes, actions, field in (
        ("x" * (limits.LONG + 1), [], "notes"),
        ("Buổi đầu", [("x" * 301, "", "")], "actions"),
        ("Buổi đầu", [("Gọi điện", "x" * 121, "")], "actions"),
    ):
        with pytest.raises(ValidationFailed) as refused:
            await mentorships.add_note(mentorship, user_id=mentor_user.id, notes=notes, actions=actions, now=clock())
        assert set(refused.value.errors) == {field}
    assert await SessionNote.count() == 0
    with pytest.raises(ValidationFailed):
        await mentorships.leave_feedback(
            mentorship, user_id=lead.id, rating=5, text="x" * (limits.COMMENT + 1), now=clock()
        )
    with pytest.raises(ValidationFailed):
        await mentorships.close_mentorship(
            mentorship, user_id=mentor_user.id, summary="x" * (limits.LONG + 1), now=clock()
        )
    with pytest.raises(ValidationFailed) as refused:
        await office_hours.publish_slot(
            mentor_id,
            starts_at=clock() + dt.timedelta(days=1),
            minutes=30,
            mode="online",
            location="x" * 301,
            now=clock(),
        )
    assert set(refused.value.errors) == {"location"}


@pytest.mark.integration
async def test_judging_forms_refuse_long_text_beside_the_field(setup, clock):  # noqa: F811
    await assign_all(setup, clock)
    in_judging(clock)
    judge = setup["judges"][0]
    assignment = await my_assignment(setup, judge)
    c1, c2 = await criteria_ids(setup)
    with pytest.raises(ValidationFailed) as refused:
        await judging.save_sheet(
            assignment["id"],
            judge_id=judge.id,
            scores={c1: ("4", "x" * (limits.COMMENT + 1)), c2: ("5", "")},
            overall_comment="y" * (limits.COMMENT + 1),
            submit=True,
            now=clock(),
        )
    assert set(refused.value.errors) == {f"c{c1}", "overall_comment"}
    assert await ScoreSheet.count() == 0
    with pytest.raises(ValidationFailed) as refused:
        await judging.abstain(assignment["id"], judge_id=judge.id, reason="x" * 2001, now=clock())
    assert set(refused.value.errors) == {"abstain_reason"}
    with pytest.raises(ValidationFailed) as refused:
        await judging.recuse(assignment["id"], judge_id=judge.id, reason="x" * 2001, now=clock())
    assert set(refused.value.errors) == {"reason"}
    with pytest.raises(ValidationFailed) as refused:
        await judging.shortlist(
            setup["round"]["id"],
            setup["ideas"][:1],
            actor_id=setup["organizer"].id,
            reason="x" * 2001,
            now=clock(),
            scope=PLATFORM,
        )
    assert set(refused.value.errors) == {"reason"}
    assert await ScoreSheet.count() == 0


@pytest.mark.integration
async def test_moderation_and_vote_reasons_refuse_long_text(vote_round, make_user, clock, commune):  # noqa: F811
    idea = vote_round["ideas"][0]
    reporter = await make_user()
    with pytest.raises(ValidationFailed) as refused:
        await services.report(idea, reporter_id=reporter.id, reason="x" * 2001, threshold=3, now=clock())
    assert set(refused.value.errors) == {"reason"}
    assert await IdeaReport.count() == 0
    scope = Scope.of_communes(commune["id"])
    with pytest.raises(ValidationFailed) as refused:
        await services.hide(idea, reason="x" * 2001, actor_id=reporter.id, now=clock(), scope=scope)
    assert set(refused.value.errors) == {"reason"}
    voter = await verified(make_user)
    await voting.cast(vote_round["round"]["id"], idea, voter_id=voter.id, now=clock(), alias_key=KEY)
    vote = await Vote.select(Vote.id).first()
    with pytest.raises(ValidationFailed) as refused:
        await voting.void(vote["id"], reason="x" * 2001, actor_id=reporter.id, now=clock(), alias_key=KEY, scope=scope)
    assert set(refused.value.errors) == {"reason"}
    assert (await Vote.select(Vote.voided).first())["voided"] is False
    assert not (await Idea.select(Idea.hidden).where(Idea.id == idea).first())["hidden"]


@pytest.mark.integration
async def test_the_mentor_form_shows_the_refusal_beside_the_field_and_keeps_the_input(client, make_user):
    await make_user(email="covan@example.com")
    await login(client, "covan@example.com", PASSWORD)
    page = await client.get("/mentors/apply")
    assert page.status_code == 200 and 'name="title" type="text" maxlength="200"' in page.text
    response = await post_form(
        client,
        "/mentors/apply",
        {
            "title": "Giảng viên " + "x" * 200,
            "bio": "Mười năm kinh nghiệm khởi nghiệp nông nghiệp.",
            "expertise": "marketing",
            "capacity": "1",
        },
        page="/mentors/apply",
    )
    assert response.status_code == 400
    assert "Quá dài: tối đa 200 ký tự." in response.text
    assert "Giảng viên " + "x" * 200 in response.text
    assert await MentorProfile.count() == 0


# -- refused by the database when a form is bypassed ------------------------------------------------------


@pytest.mark.integration
async def test_names_prizes_and_contacts_are_limited_in_the_database_too(commune, clock):
    from tests.support.factories import make_contest

    contest = await make_contest(commune=commune, now=clock())
    for write in (
        lambda: Award(contest=contest["id"], name="Giải", prize="x" * 2001).save(),
        lambda: Award(contest=contest["id"], name="x" * 121).save(),
        lambda: Round.update({Round.name: "x" * 121}).where(Round.id == contest["round"]),
        lambda: Category.update({Category.name: "x" * 121}).where(Category.id == contest["categories"][0]),
    ):
        with pytest.raises(Exception) as refused:
            await write()
        assert "too_long" in str(refused.value) or "too long" in str(refused.value), refused.value
    assert await Award.count() == 0
    assert all(len(r["name"]) <= 120 for r in await Round.select(Round.name))
