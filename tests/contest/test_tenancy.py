"""Tenancy in the contest domain, on both engines: an organizer of commune A handed a REAL id of
commune B's object is refused (not found) and B's rows stay exactly as they were; the same action
on A's own object works. Also the load-and-check helper itself (accounts.scope)."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from accounts.errors import NotFound
from accounts.rules import Principal
from accounts.scope import PLATFORM, Scope, clause, exists, load
from accounts.tables import AuditEvent, User
from contest import judging, services, voting
from contest.tables import Assignment, Contest, Idea, Round, ScoreSheet, Vote, VoteLogEntry, VoteRules
from tests.support.tenancy import snapshot, two_communes

pytestmark = pytest.mark.integration
KEY = b"test-alias-key"


@pytest.fixture
async def two(commune, other_commune, make_user, make_other_user, clock):
    return await two_communes(commune, other_commune, make_user, make_other_user, clock())


def scope_of(world, *, round_id: int | None = None) -> Scope:
    """The scope of the world's organizer, built from their principal as the site builds it."""
    principal = Principal(id=world["organizer"].id, roles=frozenset({("organizer", world["commune"])}))
    return Scope.of(principal, round_id=round_id)


# ---------------------------------------------------------------- the helper


def test_scope_of_an_organizer_an_admin_and_a_citizen():
    organizer = Principal(id=1, commune_id=7, roles=frozenset({("organizer", 7), ("organizer", 9), ("judge", None)}))
    assert Scope.of(organizer) == Scope(communes=frozenset({7, 9}), home=7)
    assert Scope.of(organizer, round_id=3).round_id == 3
    assert Scope.of(organizer).covers(9) and not Scope.of(organizer).covers(8)
    assert not Scope.of(organizer).covers(None)  # city-wide rows are for admins
    admin = Principal(id=2, commune_id=5, roles=frozenset({("admin", None)}))
    assert Scope.of(admin).everywhere and Scope.of(admin).home == 5 and Scope.of(admin).covers(None)
    citizen = Principal(id=3, commune_id=5)
    assert Scope.of(citizen).communes == frozenset() and not Scope.of(citizen).covers(5)
    assert Scope.of(None) == Scope()


def test_the_scope_clause_joins_to_the_commune_and_the_round_in_one_statement():
    scoped = clause(Vote, Scope.of_communes(1, 2, round_id=3))
    assert scoped is not None
    sql = str(Vote.select(Vote.id).where((Vote.id == 5) & scoped))
    assert sql.count("SELECT") == 1 and "JOIN" in sql
    assert '"commune" IN (1, 2)' in sql and '"vote"."round" = 3' in sql
    assert clause(Vote, PLATFORM) is None  # the platform itself (seed, commands)
    assert '"commune"' not in str(clause(Vote, Scope(everywhere=True, round_id=3)).querystring)
    assert "-1" in str(clause(Contest, Scope()).querystring)  # nobody's scope matches no commune
    with pytest.raises(LookupError):
        clause(AuditEvent, Scope.of_communes(1))  # a table that does not say where it belongs
    with pytest.raises(LookupError):
        clause(Contest, Scope.of_communes(1, round_id=2))  # a contest is not in a round


async def test_load_finds_a_row_only_within_the_scope(two):
    a, b = two
    vote_b = b["votes"][0]
    row = await load(Vote, vote_b, scope_of(b, round_id=b["round"]))
    assert row["id"] == vote_b and row["round"] == b["round"]
    with pytest.raises(NotFound):
        await load(Vote, vote_b, scope_of(a))  # another commune
    with pytest.raises(NotFound):
        await load(Vote, vote_b, scope_of(b, round_id=a["round"]))  # the right commune, another round
    with pytest.raises(NotFound):
        await load(Vote, 10**9, scope_of(b))  # no such row
    assert (await load(Vote, vote_b, Scope(everywhere=True), Vote.receipt)).keys() == {"receipt"}
    assert (await load(Vote, vote_b, PLATFORM))["id"] == vote_b
    slug_b = b["contest"]["slug"]
    assert (await load(Contest, Contest.slug == slug_b, scope_of(b)))["id"] == b["contest"]["id"]
    with pytest.raises(NotFound) as refused:
        await load(Contest, Contest.slug == slug_b, scope_of(a), missing="Nope.")
    assert refused.value.message == "Nope."
    assert await exists(Idea, b["ideas"][0], scope_of(b)) and not await exists(Idea, b["ideas"][0], scope_of(a))
    assert (await load(User, b["organizer"].id, scope_of(b), User.commune))["commune"] == b["commune"]
    with pytest.raises(NotFound):
        await load(User, b["organizer"].id, scope_of(a))


# ---------------------------------------------------------------- the actions


async def _void(w, target, scope, now):
    await voting.void(
        target["votes"][0], reason="Phiếu trùng", actor_id=w["organizer"].id, now=now, alias_key=KEY, scope=scope
    )


async def _move(w, target, scope, now):
    await judging.move_assignment(
        target["assignments"][0], target["judges"][2].id, actor_id=w["organizer"].id, now=now, scope=scope
    )


async def _rules(w, target, scope, now):
    await voting.update_rules(
        target["round"],
        {"votes_per_voter": 5, "change_allowed": False, "live_tally": True, "residents_only": True, "jury_weight": 0.5},
        actor_id=w["organizer"].id,
        now=now,
        scope=scope,
    )


async def _publish(w, target, scope, now):
    await services.set_published(target["contest"]["id"], False, actor_id=w["organizer"].id, now=now, scope=scope)


async def _extend(w, target, scope, now):
    round_ = await Round.select(Round.submission_closes).where(Round.id == target["round"]).first()
    await services.extend_submission_deadline(
        target["round"],
        round_["submission_closes"] + dt.timedelta(days=3),
        actor_id=w["organizer"].id,
        now=now,
        scope=scope,
    )


async def _hide(w, target, scope, now):
    await services.hide(target["ideas"][1], reason="Nội dung trùng", actor_id=w["organizer"].id, now=now, scope=scope)


async def _unhide(w, target, scope, now):
    await services.unhide(target["ideas"][3], actor_id=w["organizer"].id, now=now, scope=scope)


async def _add_judge(w, target, scope, now):
    await judging.add_judge(
        target["round"], "giamkhao-moi@example.com", expertise=[], actor_id=w["organizer"].id, now=now, scope=scope
    )


async def _settings(w, target, scope, now):
    await judging.update_settings(
        target["round"],
        values={"judges_per_entry": 2, "min_per_judge": 0, "max_per_judge": None, "anchors": 0, "method": "mean"},
        actor_id=w["organizer"].id,
        now=now,
        scope=scope,
    )


async def _assign(w, target, scope, now):
    await judging.run_assignment(target["round"], actor_id=w["organizer"].id, now=now, scope=scope)


async def _lock(w, target, scope, now):
    await judging.set_assignments_locked(target["round"], True, actor_id=w["organizer"].id, now=now, scope=scope)


async def _reopen(w, target, scope, now):
    await judging.reopen(target["round"], actor_id=w["organizer"].id, reason="Chấm lại", hours=24, now=now, scope=scope)


async def _shortlist(w, target, scope, now):
    await judging.shortlist(
        target["round"], [target["ideas"][0]], actor_id=w["organizer"].id, reason="Vào vòng sau", now=now, scope=scope
    )


async def _release(w, target, scope, now):
    await judging.set_comment_release(
        target["round"], target["sheet"], True, actor_id=w["organizer"].id, now=now, scope=scope
    )


ACTIONS = {
    "void a vote": _void,
    "move an assignment": _move,
    "vote rules": _rules,
    "publish a contest": _publish,
    "extend the deadline": _extend,
    "hide an idea": _hide,
    "unhide an idea": _unhide,
    "add a judge": _add_judge,
    "judging settings": _settings,
    "run the assignment": _assign,
    "lock the assignments": _lock,
    "reopen scoring": _reopen,
    "shortlist": _shortlist,
    "release comments": _release,
}
ROUND_ACTIONS = {
    "void a vote",
    "move an assignment",
    "vote rules",
    "add a judge",
    "judging settings",
    "run the assignment",
    "lock the assignments",
    "reopen scoring",
    "shortlist",
    "release comments",
}


@pytest.mark.parametrize("action", list(ACTIONS))
async def test_an_organizer_of_a_cannot_act_on_b(two, clock, action):
    a, b = two
    before = await snapshot(b)
    audit_before = await AuditEvent.count()
    # With A's own round in the URL (the usual attack), and with B's round given with A's communes.
    scopes = (
        [scope_of(a, round_id=a["round"]), scope_of(a, round_id=b["round"])]
        if action in ROUND_ACTIONS
        else [scope_of(a)]
    )
    for scope in scopes:
        with pytest.raises(NotFound):
            await ACTIONS[action](a, b, scope, clock())
    assert await snapshot(b) == before
    assert await AuditEvent.count() == audit_before


@pytest.mark.parametrize("action", list(ACTIONS))
async def test_the_same_action_works_on_the_organizers_own_commune(two, clock, action):
    a, b = two
    before_a, before_b = await snapshot(a), await snapshot(b)
    await ACTIONS[action](a, a, scope_of(a, round_id=a["round"] if action in ROUND_ACTIONS else None), clock())
    after_a = await snapshot(a)
    assert after_a != before_a  # the action did something to A …
    assert await snapshot(b) == before_b  # … and nothing to B


async def test_voiding_a_b_vote_from_a_leaves_it_counted_and_out_of_the_log(two, clock):
    a, b = two
    with pytest.raises(NotFound):
        await voting.void(
            b["votes"][0],
            reason="x",
            actor_id=a["organizer"].id,
            now=clock(),
            alias_key=KEY,
            scope=scope_of(a, round_id=a["round"]),
        )
    vote = await Vote.select(Vote.voided, Vote.void_reason, Vote.voided_by).where(Vote.id == b["votes"][0]).first()
    assert vote == {"voided": False, "void_reason": "", "voided_by": None}
    assert await voting.tally(b["round"]) == {b["ideas"][2]: 2}
    assert await VoteLogEntry.count().where(VoteLogEntry.round == b["round"]) == 0
    # A voids its own vote: marked, discounted, logged under the voter's alias.
    await voting.void(
        a["votes"][0],
        reason="Phiếu trùng",
        actor_id=a["organizer"].id,
        now=clock(),
        alias_key=KEY,
        scope=scope_of(a, round_id=a["round"]),
    )
    assert (await Vote.select(Vote.voided).where(Vote.id == a["votes"][0]).first())["voided"]
    assert await voting.tally(a["round"]) == {a["ideas"][2]: 1}
    entry = await VoteLogEntry.select().where(VoteLogEntry.round == a["round"]).first()
    contest_a = (await Round.select(Round.contest).where(Round.id == a["round"]).first())["contest"]
    assert entry["action"] == "void" and entry["voter_alias"] == voting.voter_alias(KEY, contest_a, a["voters"][0].id)


async def test_a_vote_of_another_round_of_the_same_commune_is_not_found(two, clock):
    a, _ = two
    later = await Round.select().where(Round.id == a["round"]).first()
    assert later is not None
    later.pop("id")
    second = Round(**{**later, "name": "Vòng chung khảo", "position": 2})
    await second.save()
    with pytest.raises(NotFound):
        await voting.void(
            a["votes"][0],
            reason="x",
            actor_id=a["organizer"].id,
            now=clock(),
            alias_key=KEY,
            scope=scope_of(a, round_id=second.id),
        )
    assert not (await Vote.select(Vote.voided).where(Vote.id == a["votes"][0]).first())["voided"]


async def test_moving_a_b_assignment_from_a_keeps_its_judge(two, clock):
    a, b = two
    with pytest.raises(NotFound):
        await judging.move_assignment(
            b["assignments"][0],
            a["judges"][2].id,
            actor_id=a["organizer"].id,
            now=clock(),
            scope=scope_of(a, round_id=a["round"]),
        )
    row = (
        await Assignment.select(Assignment.judge, Assignment.round).where(Assignment.id == b["assignments"][0]).first()
    )
    assert row == {"judge": b["judges"][0].id, "round": b["round"]}
    await judging.move_assignment(
        a["assignments"][0],
        a["judges"][2].id,
        actor_id=a["organizer"].id,
        now=clock(),
        scope=scope_of(a, round_id=a["round"]),
    )
    assert not await Assignment.exists().where(Assignment.id == a["assignments"][0])
    assert await Assignment.exists().where(
        (Assignment.round == a["round"])
        & (Assignment.judge == a["judges"][2].id)
        & (Assignment.idea == a["ideas"][0])
        & (Assignment.locked == True)
    )  # noqa: E712


async def test_organizer_reads_are_scoped_too(two):
    a, b = two
    with pytest.raises(NotFound):
        await services.contest_for_organizer(b["contest"]["slug"], scope=scope_of(a))
    assert (await services.contest_for_organizer(a["contest"]["slug"], scope=scope_of(a))).id == a["contest"]["id"]
    with pytest.raises(NotFound):
        await services.round_for_organizer(b["round"], scope=scope_of(a))
    with pytest.raises(NotFound):
        await services.idea_full(b["ideas"][0], scope=scope_of(a))
    assert await services.revisions_of(b["ideas"][0], scope=scope_of(a)) == []
    assert len(await services.revisions_of(a["ideas"][0], scope=scope_of(a))) == 2
    with pytest.raises(NotFound):
        await judging.round_row(b["round"], scope=scope_of(a, round_id=b["round"]))
    with pytest.raises(NotFound):
        await voting.review(
            b["round"], scope=scope_of(a, round_id=b["round"]), alias_key=KEY, now=dt.datetime.now(dt.UTC)
        )


async def test_the_organizers_vote_review_shows_aliases_never_who_voted(two, clock):
    a, _ = two
    data = await voting.review(a["round"], scope=scope_of(a, round_id=a["round"]), alias_key=KEY, now=clock())
    contest_a = data["round"].contest
    voters = {
        v["id"]: v
        for v in await User.select(User.id, User.full_name, User.phone, User.email).where(
            User.id.is_in([p.id for p in a["voters"]])
        )
    }
    assert {v.voter_alias for v in data["votes"]} == {voting.voter_alias(KEY, contest_a, p.id) for p in a["voters"]}
    text = repr(data["votes"])
    for voter in voters.values():
        assert voter["full_name"] not in text and voter["email"] not in text
    for row in data["votes"]:
        fields = {f.name for f in dataclasses.fields(row)}
        assert fields == {"id", "receipt", "code", "created_at", "voided", "void_reason", "voter_alias"}
    assert data["anomalies"]["votes"] == 2  # the integrity signals stay


async def test_a_judge_acts_only_on_their_own_assignments(two, clock):
    a, b = two
    judge = a["judges"][0]
    other = a["assignments"][1]  # judge 1's assignment in the same round
    for foreign in (other, b["assignments"][0]):
        with pytest.raises(NotFound):
            await judging.assignment_for_judge(foreign, judge.id)
        with pytest.raises(NotFound):
            await judging.recuse(foreign, judge_id=judge.id, reason="Người quen", now=clock())
        with pytest.raises(NotFound):
            await judging.abstain(foreign, judge_id=judge.id, reason="Không chấm", now=clock())
        with pytest.raises(NotFound):
            await judging.save_sheet(
                foreign, judge_id=judge.id, scores={}, overall_comment="", submit=False, now=clock()
            )
        assert await judging.judges_round_of(foreign, judge.id) is None
    assert await judging.judges_round_of(a["assignments"][0], judge.id) == a["round"]
    assert await Assignment.exists().where(Assignment.id == other)
    assert await ScoreSheet.count().where(ScoreSheet.judge == judge.id) == 0


async def test_admins_act_everywhere(two, clock):
    _, b = two
    admin = Scope.of(Principal(id=1, roles=frozenset({("admin", None)})), round_id=b["round"])
    await voting.void(
        b["votes"][1], reason="Tài khoản giả", actor_id=b["organizer"].id, now=clock(), alias_key=KEY, scope=admin
    )
    assert (await Vote.select(Vote.voided).where(Vote.id == b["votes"][1]).first())["voided"]
    assert await VoteRules.select(VoteRules.round).where(VoteRules.round == b["round"]).first()
