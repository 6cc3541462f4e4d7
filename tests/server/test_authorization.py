"""Walk every route × every role × {an object of the caller's commune, an object of another commune}.

The two-commune demo is seeded into the test database with the demo's own seeding function. The
walkers are the demo accounts of Xã An Khánh (commune A): nobody signed in, citizen1, youth1, judge1,
mentor1, the organizer and the admin. Each route's path parameters are filled with real ids, slugs and
codes of commune A's objects, then of Xã Tân Minh's (commune B), then — for routes that name a parent
and a child — with A's parent and B's child ("a check on the URL's parent id is not a check on the object
the action touches"). POSTs carry a form that would do the action if it were allowed. Logging out
comes last of all. A 403 that names its reason came from the handler about one object (past the route's
rule); the rule's own refusal is the generic 403 page.

It fails on:
* an answer that the route's declared Access rule does not allow (or a refusal it does not call for);
* any 5xx;
* ANY change of commune B's rows (contests, rounds, ideas, members, judging, votes, ballots, the vote log,
  mentoring, the pipeline, matching, workshops, resident records, role grants, B's users) made while
  acting on B's objects, except where the acting role legitimately changes them (``LEGITIMATE``, each
  with its reason);
* a page (GET, a route that is not public) that answers 200 about another commune's object to someone
  with no business there (``B_READABLE`` lists the pages that may).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from accounts import services as accounts_services
from accounts.rules import Access, allows
from accounts.scope import PLATFORM
from accounts.tables import Commune, ResidentRecord, RoleGrant, User
from city.final_tables import CityFinal, Nomination
from city.tables import Pledge, Sponsor
from contest.tables import (
    Assignment,
    Award,
    Ballot,
    Category,
    Conflict,
    ConflictDeclaration,
    Contest,
    Criterion,
    Idea,
    IdeaMember,
    IdeaRevision,
    PanelMember,
    Round,
    RoundEntry,
    RoundJudging,
    Score,
    ScoreSheet,
    Vote,
    VoteChain,
    VoteCount,
    VoteLogEntry,
    VoteRules,
)
from mentoring.tables import (
    ActionItem,
    IncubationRecord,
    MatchProposal,
    MatchRun,
    MentoringFeedback,
    MentoringRequest,
    Mentorship,
    OfficeSlot,
    SessionNote,
    TeamNeed,
    Workshop,
    WorkshopRegistration,
)
from server.guards import access_of
from tests.conftest import login

pytestmark = [pytest.mark.integration, pytest.mark.long]

DEMO_PASSWORD = "sangtao-demo"
# Commune A's demo accounts; the admin goes last, as a platform admin legitimately changes B.
ROLES: dict[str, str | None] = {
    "anonymous": None,
    "citizen": "citizen1@example.com",
    "youth": "youth1@example.com",
    "judge": "judge1@example.com",
    "mentor": "mentor1@example.com",
    "organizer": "organizer@example.com",
    "city": "city@example.com",  # the city's programme staff: no commune of their own
    "admin": "admin@example.com",
}
SKIP_PREFIXES = ("/static", "/schema", "/admin")
LAST = ("/logout",)  # ends the session: walked once, at the end

# Routes where the acting role may change commune B's rows, and why.
LEGITIMATE: dict[tuple[str, str], str] = {
    (
        "POST",
        "/workshops/{workshop_id:int}/register",
    ): "workshops are open to everyone: a person of any commune may take a free seat",
    ("POST", "/workshops/{workshop_id:int}/cancel"): "and give their own seat back",
    (
        "POST",
        "/ideas/{code:str}/report",
    ): "anyone signed in may report a published idea of any commune to its organizers (the idea counts reports)",
}
ADMIN_REASON = "a platform admin acts in every commune (DESIGN §2: admins are not scoped to a commune)"
# Non-public pages that may show another commune's object to a signed-in person, and why.
B_READABLE: dict[str, str] = {
    "/contests/{slug:str}/submit": "the submission form of a published contest (eligibility is checked on submit)",
    "/organizer/city-final/{final_id:int}": "the city final belongs to the city: every commune's organizers open it "
    "to nominate, and it lists only their own commune's results",
    "/organizer/city-final/{final_id:int}/entries": "the city final's nominations, shown to the city organizers who "
    "run it (a commune's organizers are answered 404)",
}


# ---------------------------------------------------------------- the objects of each commune


@dataclass
class Objects:
    """Real ids, slugs and codes of one commune's demo objects, by path parameter."""

    commune: int
    values: dict[str, Any] = field(default_factory=dict)

    def param(self, path: str, name: str) -> str:
        v = self.values
        if name == "slug":
            if path.startswith("/communes/"):
                return v["commune_slug"]
            return v["award_slug"] if "/awards/" in path else v["contest_slug"]
        if name == "round_id":
            return str(v["vote_round"] if "/vote" in path else v["judging_round"])
        if name == "member_id":
            return str(v["panel_member"] if path.startswith("/judge/") else v["idea_member"])
        if name == "answer":
            return "accept"
        if name in ("token", "name"):
            return f"no-such-{name}"
        return str(v[name])


async def _first(query) -> Any:
    row = await query.first()
    assert row is not None, f"the demo has no row for {query}"
    return row


async def objects_of(
    commune_slug: str,
    *,
    vote_contest: str,
    judging_contest: str,
    award_contest: str | None,
    judge: str,
    lead: str,
    mentor: str,
    unverified: str,
) -> Objects:
    commune = (await _first(Commune.select(Commune.id).where(Commune.slug == commune_slug)))["id"]
    v: dict[str, Any] = {"commune_slug": commune_slug, "contest_slug": vote_contest}
    # The contest's round with a public vote, and its judged round (in Tân Minh: the judged first round,
    # whose shortlist was carried into the vote-only second round).
    vote_round = (
        await _first(
            Round.select(Round.id)
            .where((Round.contest.slug == vote_contest) & Round.vote_opens.is_not_null())
            .order_by(Round.position)
        )
    )["id"]
    judging_round = (
        await _first(
            Round.select(Round.id)
            .where(
                (Round.contest.slug == judging_contest) & (Round.has_judging == True)  # noqa: E712
            )
            .order_by(Round.position)
        )
    )["id"]
    v.update(vote_round=vote_round, judging_round=judging_round)
    carried = [r["idea"] for r in await RoundEntry.select(RoundEntry.idea).where(RoundEntry.round == vote_round)]
    entry = await _first(
        Idea.select(Idea.id, Idea.code)
        .where(((Idea.round == vote_round) | Idea.id.is_in(carried or [0])) & (Idea.status == "shortlisted"))
        .order_by(Idea.id)
    )
    v["code"] = entry["code"]
    judge_id = (await _first(User.select(User.id).where(User.email == judge)))["id"]
    v["judge_id"] = judge_id
    assignment = await _first(
        Assignment.select(Assignment.id, Assignment.idea)
        .where((Assignment.round == judging_round) & (Assignment.judge == judge_id))
        .order_by(Assignment.id)
    )
    v["assignment_id"] = assignment["id"]
    # Another judge of the panel, free of conflicts with the entry: where "move" would hand it.
    conflicted = {
        c["judge"]
        for c in await Conflict.select(Conflict.judge).where(
            (Conflict.round == judging_round) & (Conflict.idea == assignment["idea"])
        )
    }
    other = await _first(
        PanelMember.select(PanelMember.judge).where(
            (PanelMember.round == judging_round)
            & (PanelMember.accepted == True)  # noqa: E712
            & (PanelMember.judge != judge_id)
            & PanelMember.judge.not_in(list(conflicted) or [0])
        )
    )
    v["other_judge"] = other["judge"]
    v["sheet_id"] = (
        await _first(
            ScoreSheet.select(ScoreSheet.id)
            .where((ScoreSheet.round == judging_round) & (ScoreSheet.status == "submitted"))
            .order_by(ScoreSheet.id)
        )
    )["id"]
    v["vote_id"] = (
        await _first(Vote.select(Vote.id).where((Vote.round == vote_round) & (Vote.voided == False)).order_by(Vote.id))
    )["id"]  # noqa: E712
    pending_member = (
        await PanelMember.select(PanelMember.id)
        .where((PanelMember.round._.contest.commune == commune) & (PanelMember.accepted == False))
        .first()
    )  # noqa: E712
    v["panel_member"] = (
        pending_member or await _first(PanelMember.select(PanelMember.id).where(PanelMember.round == judging_round))
    )["id"]
    v["idea_member"] = (
        await _first(
            IdeaMember.select(IdeaMember.id)
            .where((IdeaMember.idea._.contest.commune == commune) & (IdeaMember.status == "invited"))
            .order_by(IdeaMember.id)
        )
    )["id"]
    if award_contest:
        v["award_slug"] = award_contest
        v["award_id"] = (await _first(Award.select(Award.id).where(Award.contest.slug == award_contest)))["id"]
    else:  # no awards yet (its vote is still open): the certificate page gets an id that does not exist
        v["award_slug"], v["award_id"] = vote_contest, 999_999
    lead_id = (await _first(User.select(User.id).where(User.email == lead)))["id"]
    mentor_profile = await _first(
        Mentorship.select(Mentorship.id, Mentorship.idea, Mentorship.mentor).where(
            (Mentorship.idea.lead == lead_id) & (Mentorship.mentor._.user.email == mentor)
        )
    )
    v["idea_id"] = mentor_profile["idea"]
    v["mentorship_id"] = mentor_profile["id"]
    v["mentor_id"] = mentor_profile["mentor"]
    v["action_id"] = (
        await _first(ActionItem.select(ActionItem.id).where(ActionItem.note.mentorship == mentor_profile["id"]))
    )["id"]
    v["slot_id"] = (await _first(OfficeSlot.select(OfficeSlot.id).where(OfficeSlot.booked_by == mentor_profile["id"])))[
        "id"
    ]
    v["request_id"] = (
        await _first(
            MentoringRequest.select(MentoringRequest.id).where(
                (MentoringRequest.idea._.contest.commune == commune) & (MentoringRequest.status == "pending")
            )
        )
    )["id"]
    run = await _first(
        MatchRun.select(MatchRun.id)
        .where((MatchRun.commune == commune) & MatchRun.published_at.is_null())
        .order_by(MatchRun.id, ascending=False)
    )
    v["run_id"] = run["id"]
    v["proposal_id"] = (
        await _first(
            MatchProposal.select(MatchProposal.id).where(
                (MatchProposal.run == run["id"]) & MatchProposal.mentor.is_not_null()
            )
        )
    )["id"]
    v["user_id"] = (await _first(User.select(User.id).where((User.email == unverified) & (User.commune == commune))))[
        "id"
    ]
    workshop = await _first(
        Workshop.select(Workshop.id)
        .where((Workshop.commune == commune) & (Workshop.published == True))
        .order_by(  # noqa: E712
            Workshop.starts_at, ascending=False
        )
    )
    v["workshop_id"] = workshop["id"]
    v["registrations"] = [
        str(r["id"])
        for r in await WorkshopRegistration.select(WorkshopRegistration.id).where(
            WorkshopRegistration.workshop == workshop["id"]
        )
    ]
    v["attachment_id"] = 999_999  # the demo has no attachments
    v["contest_id"] = (await _first(Contest.select(Contest.id).where(Contest.slug == vote_contest)))["id"]
    v["sponsor_id"] = (await _first(Sponsor.select(Sponsor.id).where(Sponsor.commune == commune)))["id"]
    v["pledge_id"] = (
        await _first(Pledge.select(Pledge.id).where((Pledge.sponsor == v["sponsor_id"]) & (Pledge.delivered == False)))
    )["id"]  # noqa: E712
    # The city final is the city's (the same for both communes); the nominations are each commune's.
    v["final_id"] = (await _first(CityFinal.select(CityFinal.id)))["id"]
    v["nomination_id"] = (
        await _first(Nomination.select(Nomination.id).where(Nomination.commune == commune).order_by(Nomination.id))
    )["id"]
    nominated = [n["idea"] for n in await Nomination.select(Nomination.idea)]
    v["nominable_id"] = (
        await _first(
            Idea.select(Idea.id)
            .where(
                (Idea.round == judging_round)
                & Idea.id.not_in(nominated or [0])
                & Idea.status.is_in(["submitted", "shortlisted", "finalist", "awarded"])
                & (Idea.hidden == False)  # noqa: E712
            )
            .order_by(Idea.id)
        )
    )["id"]
    v["criterion_id"] = (
        await _first(
            Criterion.select(Criterion.id)
            .where(Criterion.round == judging_round)
            .order_by(Criterion.position, Criterion.id)
        )
    )["id"]
    return Objects(commune=commune, values=v)


# ---------------------------------------------------------------- forms that would act if allowed


def form_for(method: str, path: str, objects: Objects) -> dict[str, Any]:
    v = objects.values
    reason = {"reason": "Kiểm tra phân quyền giữa hai xã"}
    criterion = {
        "name": "Kiểm tra phân quyền",
        "description": "",
        "weight": "1",
        "scale_min": "1",
        "scale_max": "5",
        "descriptors": "",
    }
    award = {"name": "Giải kiểm tra", "rank": "1", "prize": "", "basis": "jury"}
    contest = {
        "title": "Kiểm tra phân quyền giữa hai xã",
        "min_age": "16",
        "max_age": "35",
        "max_ideas_per_person": "3",
        "residents_only": "on",
        "action": "save",
    }
    forms: dict[str, Callable[[], dict[str, Any]]] = {
        "/organizer/rounds/{round_id:int}/vote/votes/{vote_id:int}/void": lambda: reason,
        "/organizer/rounds/{round_id:int}/judging/assignments/{assignment_id:int}/move": lambda: {
            "judge": str(v["other_judge"])
        },
        "/organizer/rounds/{round_id:int}/judging/sheets/{sheet_id:int}/release": lambda: {"release": "1"},
        "/organizer/rounds/{round_id:int}/judging/judges": lambda: {"contact": "giamkhao.moi@example.com"},
        "/organizer/rounds/{round_id:int}/judging/lock": lambda: {"locked": "1"},
        "/organizer/rounds/{round_id:int}/judging/reopen": lambda: {**reason, "hours": "24"},
        "/organizer/rounds/{round_id:int}/judging/settings": lambda: {
            "judges_per_entry": "1",
            "min_per_judge": "0",
            "anchors": "0",
            "method": "additive",
        },
        "/organizer/rounds/{round_id:int}/judging/shortlist": lambda: {**reason, "top": "1"},
        "/organizer/rounds/{round_id:int}/judging/progress/judges/{judge_id:int}/remind": lambda: {},
        "/organizer/rounds/{round_id:int}/advance": lambda: {},
        "/organizer/rounds/{round_id:int}/advance/undo": lambda: {},
        "/organizer/rounds/{round_id:int}/extend": lambda: {
            "phase": "judging",
            "new_end": "15/01/2030 17:00",
            "confirm": "1",
        },
        "/organizer/rounds/{round_id:int}/now": lambda: {"action": "close", "phase": "judging"},
        "/organizer/rounds/{round_id:int}/delete": lambda: {},
        "/organizer/rounds/{round_id:int}/edit": lambda: {
            "name": "Vòng kiểm tra",
            "takes_entries": "on",
            "has_judging": "on",
            "submission_opens": "01/01/2030 08:00",
            "submission_closes": "10/01/2030 08:00",
            "judging_closes": "20/01/2030 08:00",
            "results_at": "25/01/2030 08:00",
        },
        "/organizer/contests/{slug:str}/rounds/new": lambda: {
            "name": "Vòng kiểm tra",
            "has_vote": "on",
            "vote_opens": "01/01/2030 08:00",
            "vote_closes": "10/01/2030 08:00",
            "results_at": "15/01/2030 08:00",
        },
        "/organizer/contests/{slug:str}/publish": lambda: {"published": "0"},
        "/organizer/rounds/{round_id:int}/rubric": lambda: criterion,
        "/organizer/rounds/{round_id:int}/rubric/{criterion_id:int}": lambda: criterion,
        "/organizer/rounds/{round_id:int}/rubric/{criterion_id:int}/move": lambda: {"direction": "down"},
        "/organizer/contests/{slug:str}/awards": lambda: award,
        "/organizer/contests/{slug:str}/awards/{award_id:int}": lambda: award,
        "/organizer/contests/new": lambda: {**contest, "commune": str(objects.commune)},
        "/organizer/contests/{slug:str}/edit": lambda: {**contest, "slug": v["contest_slug"]},
        "/organizer/ideas/{idea_id:int}/hide": lambda: reason,
        "/organizer/mentoring/pipeline/{idea_id:int}": lambda: {"stage": "idea", "gate": ["problem_checked"]},
        "/organizer/mentoring/proposals/{proposal_id:int}": lambda: {"mentor": ""},
        "/organizer/residents/{user_id:int}/verify": lambda: {"q": ""},
        "/workshops/{workshop_id:int}/attendance": lambda: {"present": v["registrations"]},
        "/judge/rounds/{round_id:int}/declaration": lambda: {
            "statement": "Tôi cam kết chấm độc lập.",
            "related": "",
            "relatives": "",
            "confirm": "on",
        },
        "/judge/assignments/{assignment_id:int}/abstain": lambda: reason,
        "/judge/assignments/{assignment_id:int}/recuse": lambda: reason,
        "/my/ideas/{idea_id:int}/withdraw": lambda: reason,
        "/my/ideas/{idea_id:int}/invite": lambda: {"contact": "ban.moi@example.com"},
        "/mentoring/requests/{request_id:int}/{answer:str}": lambda: {"reason": ""},
        "/mentoring/mentorships/{mentorship_id:int}/notes": lambda: {"notes": "Ghi chú kiểm tra phân quyền."},
        "/mentoring/mentorships/{mentorship_id:int}/feedback": lambda: {"rating": "5", "text": "Kiểm tra."},
        "/mentoring/mentorships/{mentorship_id:int}/close": lambda: {"summary": "Kiểm tra phân quyền."},
        "/mentoring/slots/{slot_id:int}/book": lambda: {"mentorship": str(v["mentorship_id"])},
        "/mentoring/needs/{idea_id:int}": lambda: {"needs": ["marketing"], "sector": "digital", "stage": "idea"},
        "/mentors/{mentor_id:int}/request": lambda: {"idea": str(v["idea_id"]), "message": "Nhờ thầy cô giúp."},
        "/ideas/{code:str}/report": lambda: reason,
        "/organizer/sponsors": lambda: {
            "name": "Nhà tài trợ kiểm tra",
            "kind": "firm",
            "commune": str(objects.commune),
        },
        "/organizer/sponsors/{sponsor_id:int}/pledges": lambda: {
            "contest": str(v["contest_id"]),
            "kind": "space",
            "description": "Phòng họp kiểm tra phân quyền",
        },
        "/organizer/sponsors/pledges/{pledge_id:int}/delivered": lambda: {},
        "/organizer/city-final/{final_id:int}/nominations": lambda: {"idea": str(v["nominable_id"]), "note": ""},
        "/organizer/city-final/{final_id:int}/limit": lambda: {"per_commune": "3"},
        "/my/city-nominations/{nomination_id:int}": lambda: {"answer": "decline"},
        "/account/notices": lambda: {"idea_result": ["email", "sms"], "vote": ["sms"]},
        "/platform/message-caps": lambda: {"per_phone": "5", "per_day": "500"},
    }
    return forms[path]() if method == "POST" and path in forms else {}


# ---------------------------------------------------------------- commune B's rows


async def _ids(query) -> list[int]:
    return [r["id"] for r in await query] or [0]


async def _b_tables(b: int) -> tuple[tuple, list[tuple[str, Any, Any]]]:
    """Every table holding commune B's data, with the clause that picks B's rows (and, first, the ids
    the clauses name: the same ids make the same clauses).

    Children are picked through their parents' ids (long join chains make aliases PostgreSQL truncates).
    """
    contests = await _ids(Contest.select(Contest.id).where(Contest.commune == b))
    rounds = await _ids(Round.select(Round.id).where(Round.contest.is_in(contests)))
    ideas = await _ids(Idea.select(Idea.id).where(Idea.contest.is_in(contests)))
    sheets = await _ids(ScoreSheet.select(ScoreSheet.id).where(ScoreSheet.round.is_in(rounds)))
    mentorships = await _ids(Mentorship.select(Mentorship.id).where(Mentorship.idea.is_in(ideas)))
    notes = await _ids(SessionNote.select(SessionNote.id).where(SessionNote.mentorship.is_in(mentorships)))
    runs = await _ids(MatchRun.select(MatchRun.id).where(MatchRun.commune == b))
    workshops = await _ids(Workshop.select(Workshop.id).where(Workshop.commune == b))
    users = await _ids(User.select(User.id).where(User.commune == b))
    sponsors = await _ids(Sponsor.select(Sponsor.id).where(Sponsor.commune == b))
    key = tuple(map(tuple, (contests, rounds, ideas, sheets, mentorships, notes, runs, workshops, users, sponsors)))
    return (b, key), [
        ("contest", Contest, Contest.commune == b),
        ("round", Round, Round.contest.is_in(contests)),
        ("category", Category, Category.contest.is_in(contests)),
        ("idea", Idea, Idea.contest.is_in(contests)),
        ("idea_member", IdeaMember, IdeaMember.idea.is_in(ideas)),
        ("idea_revision", IdeaRevision, IdeaRevision.idea.is_in(ideas)),
        ("criterion", Criterion, Criterion.round.is_in(rounds)),
        ("round_judging", RoundJudging, RoundJudging.round.is_in(rounds)),
        ("round_entry", RoundEntry, RoundEntry.round.is_in(rounds)),
        ("panel", PanelMember, PanelMember.round.is_in(rounds)),
        ("declaration", ConflictDeclaration, ConflictDeclaration.round.is_in(rounds)),
        ("conflict", Conflict, Conflict.round.is_in(rounds)),
        ("assignment", Assignment, Assignment.round.is_in(rounds)),
        ("score_sheet", ScoreSheet, ScoreSheet.round.is_in(rounds)),
        ("score", Score, Score.sheet.is_in(sheets)),
        ("vote_rules", VoteRules, VoteRules.round.is_in(rounds)),
        ("vote", Vote, Vote.round.is_in(rounds)),
        ("ballot", Ballot, Ballot.round.is_in(rounds)),
        ("vote_log", VoteLogEntry, VoteLogEntry.round.is_in(rounds)),
        ("vote_chain", VoteChain, VoteChain.round.is_in(rounds)),
        ("vote_count", VoteCount, VoteCount.round.is_in(rounds)),
        ("award", Award, Award.contest.is_in(contests)),
        ("team_need", TeamNeed, TeamNeed.idea.is_in(ideas)),
        ("mentoring_request", MentoringRequest, MentoringRequest.idea.is_in(ideas)),
        ("mentorship", Mentorship, Mentorship.idea.is_in(ideas)),
        ("office_slot", OfficeSlot, OfficeSlot.booked_by.is_in(mentorships)),
        ("session_note", SessionNote, SessionNote.mentorship.is_in(mentorships)),
        ("action_item", ActionItem, ActionItem.note.is_in(notes)),
        ("mentoring_feedback", MentoringFeedback, MentoringFeedback.mentorship.is_in(mentorships)),
        ("incubation", IncubationRecord, IncubationRecord.idea.is_in(ideas)),
        ("match_run", MatchRun, MatchRun.commune == b),
        ("match_proposal", MatchProposal, MatchProposal.run.is_in(runs)),
        ("workshop", Workshop, Workshop.commune == b),
        ("workshop_registration", WorkshopRegistration, WorkshopRegistration.workshop.is_in(workshops)),
        ("resident_record", ResidentRecord, ResidentRecord.commune == b),
        ("role_grant", RoleGrant, (RoleGrant.commune == b) | RoleGrant.user.is_in(users)),
        ("users", User, User.commune == b),
        ("sponsor", Sponsor, Sponsor.commune == b),
        ("sponsor_pledge", Pledge, Pledge.sponsor.is_in(sponsors) | Pledge.contest.is_in(contests)),
        ("city_nomination", Nomination, Nomination.commune == b),
    ]


_QUERIES: dict[tuple, list[tuple[str, Any]]] = {}


async def fingerprint(b: int) -> dict[str, str]:
    """A hash of commune B's rows, per table.

    Read in one transaction: one connection for the fifty queries (and one consistent snapshot). Piccolo
    writes a query's SQL anew each time it runs, a third of this walk's time: the queries are written
    once per set of ids they name and run as written (the rows as the database gives them).
    """
    hashes = {}
    engine = User._meta.db
    async with engine.transaction():
        key, tables = await _b_tables(b)
        if key not in _QUERIES:
            _QUERIES[key] = [
                (name, table.select(*table._meta.columns).where(clause).order_by(table.id).querystrings[0])
                for name, table, clause in tables
            ]
        for name, querystring in _QUERIES[key]:
            rows = await engine.run_querystring(querystring)
            hashes[name] = hashlib.sha256(json.dumps(rows, default=str, sort_keys=True).encode()).hexdigest()
    return hashes


# ---------------------------------------------------------------- the walk


def declared_routes(app) -> list[tuple[str, str, Access]]:
    routes = []
    for route in app.routes:
        if route.path.startswith(SKIP_PREFIXES):
            continue
        for handler in getattr(route, "route_handlers", []):
            for method in sorted(getattr(handler, "http_methods", ())):
                if method in ("OPTIONS", "HEAD"):
                    continue
                access = access_of(handler)
                assert access is not None, f"{method} {route.path} declares no access rule"
                routes.append((method, route.path, access))
    return sorted(routes, key=lambda r: (r[1] in LAST, r[1], r[0]))


PARAM = re.compile(r"\{([^}:]+)(?::[^}]+)?\}")
OBJECT_FREE = {"answer", "token", "name"}


def concrete(path: str, first: Objects, rest: Objects) -> str:
    """The path with its first object parameter from ``first`` and the others from ``rest``."""
    names = [n for n in PARAM.findall(path) if n not in OBJECT_FREE]
    lead = names[0] if names else None

    def fill(match: re.Match) -> str:
        name = match.group(1)
        return (first if name == lead else rest).param(path, name)

    return PARAM.sub(fill, path)


def _guard_refusal() -> str:
    """The start of the explanation on the page of a route's refusal (a refusal about one object names why)."""
    from accounts.i18n import translate
    from server.errors import EXPLANATIONS

    return translate(EXPLANATIONS[403], "vi").split("'")[0][:40]


GUARD_REFUSAL = _guard_refusal()


def outcome(response: httpx.Response) -> str:
    """ "login" or "forbidden" when the route's rule refused; "through" when the handler answered.

    A 403 that names its reason (``accounts.errors.PermissionDenied``: "this is not your idea") came from
    the handler, past the rule: it is "through" as far as the route's rule goes.
    """
    location = response.headers.get("location", "")
    if response.status_code in (302, 303) and location.startswith("/login"):
        return "login"
    if response.status_code == 403 and (
        GUARD_REFUSAL in response.text or "application/json" in response.headers.get("content-type", "")
    ):
        return "forbidden"
    return "through"


@dataclass
class Walk:
    problems: list[str] = field(default_factory=list)
    requests: int = 0


async def csrf_token(client: httpx.AsyncClient) -> str | None:
    page = await client.get("/password/forgot")
    token = re.search(r'name="_csrf_token" value="([^"]+)"', page.text)
    return token.group(1) if token else None


async def walk_role(app, role: str, a: Objects, b: Objects, walk: Walk) -> None:
    email = ROLES[role]
    routes = declared_routes(app)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as client:
        principal = None
        if email:
            response = await login(client, email, DEMO_PASSWORD)
            assert response.status_code == 303, f"{email} cannot sign in: {response.status_code}"
            user = await User.select(User.id).where(User.email == email).first()
            principal = await accounts_services.load_principal(user["id"])
        token = await csrf_token(client)
        # Logging out goes last of all: a pass of its own, after the three passes over the objects.
        passes = [("A", a, a), ("B", b, b), ("A-parent/B-object", a, b), ("last", a, a)]
        for pass_name, first, rest in passes:
            current = await fingerprint(b.commune)
            for method, path, access in routes:
                if not in_pass(pass_name, path):
                    continue
                url = concrete(path, first, rest)
                data = form_for(method, path, rest)
                response = await client.request(
                    method, url, data={**data, "_csrf_token": token} if method != "GET" and token else None
                )
                walk.requests += 1
                where = f"{role} {method} {url} ({path}, pass {pass_name})"
                got = outcome(response)
                if response.status_code >= 500:
                    walk.problems.append(f"{where}: {response.status_code}")
                refused_wrongly = access_problem(access, principal, response, got)
                if refused_wrongly:
                    walk.problems.append(f"{where}: {refused_wrongly}")
                if method != "GET" and got == "through":  # the guard let it in: did it touch B?
                    after = await fingerprint(b.commune)
                    changed = sorted(name for name in after if after[name] != current[name])
                    current = after
                    if changed and not legitimate(role, method, path, pass_name):
                        walk.problems.append(
                            f"{where}: CHANGED commune B's {', '.join(changed)} (answer {response.status_code})"
                        )
                if (
                    pass_name in ("B", "A-parent/B-object")
                    and method == "GET"
                    and role != "admin"
                    and access is not Access.public
                    and response.status_code == 200
                    and path not in B_READABLE
                ):
                    walk.problems.append(f"{where}: shows another commune's object (200)")
                if path == "/logout" and method == "POST":
                    principal = None
            after = await fingerprint(b.commune)
            changed = sorted(name for name in after if after[name] != current[name])
            if changed:
                walk.problems.append(f"{role}, pass {pass_name}: a page (GET) CHANGED commune B's {', '.join(changed)}")


def in_pass(pass_name: str, path: str) -> bool:
    """Whether a pass requests this route: B's passes need objects of B to name in the path."""
    if (path in LAST) != (pass_name == "last"):
        return False
    names = [n for n in PARAM.findall(path) if n not in OBJECT_FREE]
    if pass_name in ("B", "A-parent/B-object") and not names:
        return False  # nothing of B's to name
    return not (pass_name == "A-parent/B-object" and len(names) < 2)


def access_problem(access: Access, principal, response: httpx.Response, got: str) -> str | None:
    """How the answer differs from what the route's rule says this person gets (None: as it should)."""
    if access is Access.anonymous and principal is not None:
        if not (response.status_code == 303 and response.headers["location"] == "/"):
            return f"signed in, expected a redirect home, got {response.status_code}"
        return None
    if allows(access, principal):
        return None if got == "through" else f"should be reached, got {response.status_code}"
    expected = "login" if principal is None else "forbidden"
    return None if got == expected else f"expected {expected}, got {response.status_code}"


def legitimate(role: str, method: str, path: str, pass_name: str) -> bool:
    """Whether this role may change commune B's rows through this route (see LEGITIMATE and ADMIN_REASON)."""
    if pass_name in ("A", "last"):
        return False  # acting on A's objects never touches B
    return role == "admin" or (method, path) in LEGITIMATE


async def test_every_route_declares_a_rule(app):
    assert declared_routes(app)


async def test_every_route_every_role_both_communes(app, clock):
    from mentoring import match_runs
    from tests.support.snapshots import seeded_demo

    await seeded_demo(clock())
    an_khanh = (await Commune.select(Commune.id).where(Commune.slug == "an-khanh").first())["id"]
    organizer = (await User.select(User.id).where(User.email == "organizer@example.com").first())["id"]
    # Commune A's own matching run, to be reviewed (the demo has one only in Tân Minh).
    await match_runs.run_matching(an_khanh, mode="optimal", actor_id=organizer, now=clock(), scope=PLATFORM)
    a = await objects_of(
        "an-khanh",
        vote_contest="sang-kien-chuyen-doi-so-2026",
        judging_contest="y-tuong-sang-tao-2025",
        award_contest="y-tuong-sang-tao-2025",
        judge="judge1@example.com",
        lead="youth1@example.com",
        mentor="mentor1@example.com",
        unverified="youth1@example.com",
    )
    b = await objects_of(
        "tan-minh",
        vote_contest="y-tuong-xanh-tan-minh-2026",
        judging_contest="y-tuong-xanh-tan-minh-2026",
        award_contest=None,
        judge="judge4@example.com",
        lead="tanminh01@example.com",
        mentor="mentor3@example.com",
        unverified="tanminh07@example.com",
    )
    assert a.commune != b.commune
    # The ids differ between the communes, so a pass over B really names B's objects.
    for key in (
        "vote_round",
        "judging_round",
        "assignment_id",
        "sheet_id",
        "vote_id",
        "idea_id",
        "mentorship_id",
        "run_id",
        "proposal_id",
        "workshop_id",
        "user_id",
        "request_id",
        "idea_member",
        "panel_member",
    ):
        assert a.values[key] != b.values[key], key

    walk = Walk()
    for role in ROLES:
        await walk_role(app, role, a, b, walk)
    assert walk.requests >= 7 * 150
    assert not walk.problems, f"{len(walk.problems)} problems:\n" + "\n".join(walk.problems)
