"""Judging: panels, conflict declarations, assignment, blind score sheets, freezing, results.

Plain async functions. "Exactly one sheet per (judge, entry, round)" and "one score per
criterion" are unique indexes; sheet writes check the phase against the clock; the frozen
snapshot's SHA-256 goes into the hash-chained audit log.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from accounts import audit, limits, notifications
from accounts.engine import atomic
from accounts.errors import NotFound, PermissionDenied, ValidationFailed
from accounts.i18n import N_, translate
from accounts.scope import PLATFORM, Scope, load
from accounts.services import grant_role
from accounts.tables import Role, User
from accounts.text import as_int
from contest import calibration, ranking_cache
from contest.assignment import Problem, solve
from contest.errors import IdeaError
from contest.phases import Phase, is_open, phase_of
from contest.rounds import RoundRow, round_row
from contest.services import normalise_contact
from contest.tables import (
    Assignment,
    Category,
    Conflict,
    ConflictDeclaration,
    Criterion,
    Idea,
    IdeaMember,
    IdeaStatus,
    MemberStatus,
    PanelMember,
    Round,
    RoundJudging,
    Score,
    ScoreSheet,
    SheetStatus,
)

METHODS = ("mean", "median", "trimmed_mean", "zscore", "additive")
METHOD_LABELS = {
    "mean": N_("Mean of the judges' totals"),
    "median": N_("Median"),
    "trimmed_mean": N_("Trimmed mean (without the highest and lowest)"),
    "zscore": N_("Normalised per judge (z-score)"),
    "additive": N_("Calibrated for judge leniency (additive model)"),
}
ENTRY_STATUSES = [
    IdeaStatus.submitted.value,
    IdeaStatus.shortlisted.value,
    IdeaStatus.finalist.value,
    IdeaStatus.awarded.value,
]


def _db():
    return ScoreSheet._meta.db


# Other apps add automatic conflicts without contest/ depending on them: each source returns
# (judge user id, idea id) pairs for a round. The app factory (``server.app.create_app``) adds
# mentoring's "the judge mentors the team" and the city final's "the judge lives in the finalist's commune".
ConflictSource = Callable[[int], Awaitable[set[tuple[int, int]]]]
CONFLICT_SOURCES: list[ConflictSource] = []


def add_conflict_source(source: ConflictSource) -> None:
    """Count ``source``'s pairs as conflicts from now on (adding the same source twice changes nothing)."""
    if source not in CONFLICT_SOURCES:
        CONFLICT_SOURCES.append(source)


# ---------------------------------------------------------------- rounds and settings


async def settings_of(round_id: int) -> dict[str, Any]:
    """The round's judging settings (created with defaults the first time)."""
    await RoundJudging.insert(RoundJudging(round=round_id)).on_conflict(
        target=(RoundJudging.round,), action="DO NOTHING"
    )
    settings = await RoundJudging.select().where(RoundJudging.round == round_id).first()
    assert settings is not None  # inserted just above if missing
    return settings


async def update_settings(
    round_id: int, *, values: dict[str, Any], actor_id: int, now: dt.datetime, scope: Scope
) -> None:
    round_ = await round_row(round_id, scope=scope)
    errors = {}
    k, low, high = values["judges_per_entry"], values["min_per_judge"], values["max_per_judge"]
    if not 1 <= k <= 10:
        errors["judges_per_entry"] = N_("Between 1 and 10 judges per entry.")
    if low < 0 or (high is not None and high < max(low, 1)):
        errors["max_per_judge"] = N_("The maximum per judge must be at least the minimum and at least 1.")
    if values["anchors"] not in (0, 1, 2):
        errors["anchors"] = N_("Choose 0, 1 or 2 anchor entries.")
    if values["method"] not in METHODS:
        errors["method"] = N_("Choose a ranking method from the list.")
    if errors:
        raise ValidationFailed(errors)
    await settings_of(round_id)
    async with atomic(_db()):
        await RoundJudging.update({getattr(RoundJudging, k): v for k, v in values.items()}).where(
            RoundJudging.round == round_id
        )
        await audit.record(
            "judging.settings",
            actor_id=actor_id,
            target_type="round",
            target_id=round_id,
            commune_id=round_.commune,
            now=now,
            data=values,
        )


async def rubric(round_id: int) -> list[dict[str, Any]]:
    rows = await Criterion.select().where(Criterion.round == round_id).order_by(Criterion.position, Criterion.id)
    for row in rows:
        row["descriptors"] = (
            json.loads(row["descriptors"] or "[]")
            if isinstance(row["descriptors"], str)
            else (row["descriptors"] or [])
        )
    return rows


def _spec(criteria: list[dict[str, Any]]) -> list[calibration.Criterion]:
    return [
        calibration.Criterion(id=c["id"], weight=c["weight"], scale_min=c["scale_min"], scale_max=c["scale_max"])
        for c in criteria
    ]


# ---------------------------------------------------------------- panel


async def add_judge(
    round_id: int,
    contact: str,
    *,
    expertise: list[int],
    actor_id: int,
    now: dt.datetime,
    lang: str = "vi",
    scope: Scope,
) -> None:
    """Put a judge on the panel: an existing account at once, otherwise an invitation to that contact."""
    round_ = await round_row(round_id, scope=scope)
    # Expertise is among this contest's own fields: ids of another contest's categories are dropped.
    own = {c["id"] for c in await Category.select(Category.id).where(Category.contest == round_.contest)}
    expertise = [c for c in dict.fromkeys(expertise) if c in own]
    contact = normalise_contact(contact)
    user = await User.select(User.id).where((User.email == contact) | (User.phone == contact)).first()
    async with atomic(_db()):
        added = (
            await PanelMember.insert(
                PanelMember(
                    round=round_id,
                    judge=user["id"] if user else None,
                    contact=contact,
                    accepted=False,
                    expertise=json.dumps(expertise),
                    added_at=now,
                )
            )
            .on_conflict(target=(PanelMember.round, PanelMember.contact), action="DO NOTHING")
            .returning(PanelMember.id)
        )
        if not added:
            raise ValidationFailed({"contact": N_("This person is already on the panel.")})
        if user:
            await notifications.notify(
                user["id"],
                title=translate(N_("You are invited to judge “%(contest)s”"), lang, contest=round_.contest_title),
                body=translate(
                    N_(
                        "Open your judge page to accept, sign the conflict-of-interest declaration and "
                        "see the entries assigned to you."
                    ),
                    lang,
                ),
                link="/judge",
                kind="judge_invitation",
                now=now,
            )
        elif "@" in contact:  # no account yet: the invitation goes to the address the organizer typed
            await notifications.queue_mail(
                contact,
                translate(N_("You are invited to judge “%(contest)s”"), lang, contest=round_.contest_title),
                translate(
                    N_(
                        "Sign up or log in with this email address, then open your judge page to accept the "
                        "invitation, sign the conflict-of-interest declaration and see the entries assigned "
                        "to you:"
                    ),
                    lang,
                )
                + "\n\n"
                + notifications.absolute("/judge"),
                now=now,
            )
        await audit.record(
            "judging.judge_added",
            actor_id=actor_id,
            target_type="round",
            target_id=round_id,
            commune_id=round_.commune,
            now=now,
            data={"contact": contact},
        )


@dataclass(frozen=True, slots=True)
class PanelSeat:
    """A place on a round's panel: a judge's account, or an invitation by phone or email until accepted
    (``expertise``: the category ids the judge knows well)."""

    id: int
    round: int
    judge: int | None
    judge_name: str | None
    contact: str
    accepted: bool
    expertise: tuple[int, ...]
    added_at: dt.datetime


@dataclass(frozen=True, slots=True)
class PanelInvitation:
    """An invitation to a round's panel that this person has not accepted yet."""

    id: int
    round: int
    round_name: str
    contest_title: str


@dataclass(frozen=True, slots=True)
class JudgeRound:
    """A round whose panel the judge sits on."""

    id: int
    name: str
    contest_title: str
    judging_closes: dt.datetime
    submission_closes: dt.datetime


async def panel(round_id: int) -> list[PanelSeat]:
    rows = (
        await PanelMember.select(*PanelMember.all_columns(), PanelMember.judge.full_name)
        .where(PanelMember.round == round_id)
        .order_by(PanelMember.id)
    )
    return [
        PanelSeat(
            id=row["id"],
            round=row["round"],
            judge=row["judge"],
            judge_name=row["judge.full_name"],
            contact=row["contact"],
            accepted=row["accepted"],
            expertise=tuple(json.loads(row["expertise"] or "[]") if isinstance(row["expertise"], str) else []),
            added_at=row["added_at"],
        )
        for row in rows
    ]


async def _my_contacts(user_id: int) -> list[str]:
    me = await User.select(User.email, User.phone).where(User.id == user_id).first()
    return [c for c in (me["email"], me["phone"]) if c] if me else []


async def panel_invitations(user_id: int) -> list[PanelInvitation]:
    contacts = await _my_contacts(user_id)
    clause = PanelMember.judge == user_id
    if contacts:
        clause = clause | (PanelMember.judge.is_null() & PanelMember.contact.is_in(contacts))
    rows = await PanelMember.select(
        PanelMember.id, PanelMember.round, PanelMember.round.name, PanelMember.round._.contest.title
    ).where(clause & (PanelMember.accepted == False))  # noqa: E712
    return [
        PanelInvitation(
            id=r["id"], round=r["round"], round_name=r["round.name"], contest_title=r["round.contest.title"]
        )
        for r in rows
    ]


async def accept_panel(member_id: int, *, user_id: int, now: dt.datetime) -> int:
    """Accept a place on a panel; the account gets the judge role. Returns the round id."""
    contacts = await _my_contacts(user_id)
    mine = PanelMember.judge == user_id
    if contacts:
        mine = mine | (PanelMember.judge.is_null() & PanelMember.contact.is_in(contacts))
    rows = (
        await PanelMember.update({PanelMember.judge: user_id, PanelMember.accepted: True})
        .where((PanelMember.id == member_id) & mine)
        .returning(PanelMember.round)
    )
    if not rows:
        raise NotFound(N_("This invitation does not exist."))
    await grant_role(user_id, Role.judge, actor=None, now=now)
    return rows[0]["round"]


async def judge_rounds(user_id: int) -> list[JudgeRound]:
    rows = await PanelMember.select(
        PanelMember.round,
        PanelMember.round.name,
        PanelMember.round._.contest.title,
        PanelMember.round.judging_closes,
        PanelMember.round.submission_closes,
    ).where((PanelMember.judge == user_id) & (PanelMember.accepted == True))  # noqa: E712
    return [
        JudgeRound(
            id=r["round"],
            name=r["round.name"],
            contest_title=r["round.contest.title"],
            judging_closes=r["round.judging_closes"],
            submission_closes=r["round.submission_closes"],
        )
        for r in rows
    ]


async def on_panel(round_id: int, user_id: int) -> bool:
    return await PanelMember.exists().where(
        (PanelMember.round == round_id) & (PanelMember.judge == user_id) & (PanelMember.accepted == True)
    )  # noqa: E712


# ---------------------------------------------------------------- conflicts


async def declaration(round_id: int, judge_id: int) -> dict[str, Any] | None:
    return (
        await ConflictDeclaration.select()
        .where((ConflictDeclaration.round == round_id) & (ConflictDeclaration.judge == judge_id))
        .first()
    )


async def sign_declaration(
    round_id: int, judge_id: int, *, statement: str, related_codes: list[str], relatives: list[str], now: dt.datetime
) -> None:
    """Sign the declaration; listed entries become conflicts. Required before any scoring."""
    round_ = await round_row(round_id, scope=PLATFORM)
    if not await on_panel(round_id, judge_id):
        raise PermissionDenied(N_("You are not on this round's panel."))
    ideas = {}
    unknown = []
    for code in {c.strip().upper() for c in related_codes if c.strip()}:
        row = (
            await Idea.select(Idea.id)
            .where((Idea.code == code) & Idea.id.is_in([e["id"] for e in await entries(round_id)] or [-1]))
            .first()
        )
        if row:
            ideas[row["id"]] = code
        else:
            unknown.append(code)
    if unknown:
        raise ValidationFailed(
            {"related": N_("These codes are not entries of this round: %(codes)s")},
            {"related": {"codes": ", ".join(sorted(unknown))}},
        )
    limits.check("judge_declaration", {"statement": statement.strip(), "relatives": "\n".join(relatives)})
    clean_relatives = []
    for raw in relatives:
        if raw.strip():
            try:
                clean_relatives.append(normalise_contact(raw))
            except ValidationFailed as exc:
                raise ValidationFailed(
                    {"relatives": N_("One of the phone numbers or emails is not valid: %(value)s")},
                    {"relatives": {"value": raw.strip()}},
                ) from exc
    async with atomic(_db()):
        added = (
            await ConflictDeclaration.insert(
                ConflictDeclaration(
                    round=round_id,
                    judge=judge_id,
                    signed_at=now,
                    statement=statement.strip(),
                    relatives="\n".join(clean_relatives),
                )
            )
            .on_conflict(target=(ConflictDeclaration.round, ConflictDeclaration.judge), action="DO NOTHING")
            .returning(ConflictDeclaration.id)
        )
        if not added:
            raise IdeaError(N_("You have already signed the declaration for this round."))
        for idea_id in ideas:
            await _add_conflict(round_id, judge_id, idea_id, source="declared", reason="", now=now)
        await audit.record(
            "judging.declaration_signed",
            actor_id=judge_id,
            target_type="round",
            target_id=round_id,
            commune_id=round_.commune,
            now=now,
            data={"related": sorted(ideas.values()), "relatives": len(clean_relatives)},
        )
    from contest.progress import resolve_conflicts

    await resolve_conflicts(round_id, now=now)  # a conflict declared after assignment takes the entry away


async def _add_conflict(
    round_id: int, judge_id: int, idea_id: int, *, source: str, reason: str, now: dt.datetime
) -> None:
    await Conflict.insert(
        Conflict(round=round_id, judge=judge_id, idea=idea_id, source=source, reason=reason, created_at=now)
    ).on_conflict(target=(Conflict.round, Conflict.judge, Conflict.idea), action="DO NOTHING")


async def entries(round_id: int) -> list[dict[str, Any]]:
    """The round's entries: its submitted (and later) ideas, and those carried into it from the round
    before (``contest.chaining``), that are not hidden."""
    from contest.chaining import carried_in

    own = Idea.round == round_id
    carried = list(await carried_in(round_id))
    if carried:
        own = own | Idea.id.is_in(carried)
    return (
        await Idea.select(Idea.id, Idea.code, Idea.category, Idea.hamlet, Idea.lead)
        .where(
            own & Idea.status.is_in(ENTRY_STATUSES) & (Idea.hidden == False)  # noqa: E712
        )
        .order_by(Idea.id)
    )


async def conflicts(round_id: int) -> set[tuple[int, int]]:
    """Every (judge, idea) pair that must not be assigned: declared, recused, or found automatically.

    Automatic: the judge leads or is a member of the team, a family contact they declared
    belongs to the team lead or a member, or a registered source says so (the judge mentors the team).
    """
    pairs = {
        (c["judge"], c["idea"])
        for c in await Conflict.select(Conflict.judge, Conflict.idea).where(Conflict.round == round_id)
    }
    for source in CONFLICT_SOURCES:
        pairs |= await source(round_id)
    judges = [
        p["judge"]
        for p in await PanelMember.select(PanelMember.judge).where(
            (PanelMember.round == round_id) & PanelMember.judge.is_not_null()
        )
    ]
    if not judges:
        return pairs
    ideas = await entries(round_id)
    idea_ids = [i["id"] for i in ideas]
    members: dict[int, set[int]] = {i["id"]: {i["lead"]} for i in ideas}
    if idea_ids:
        for m in await IdeaMember.select(IdeaMember.idea, IdeaMember.user).where(
            IdeaMember.idea.is_in(idea_ids) & (IdeaMember.status == MemberStatus.accepted.value)
        ):
            if m["user"]:
                members[m["idea"]].add(m["user"])
    relatives: dict[int, set[str]] = {}
    for d in await ConflictDeclaration.select(ConflictDeclaration.judge, ConflictDeclaration.relatives).where(
        ConflictDeclaration.round == round_id
    ):
        relatives[d["judge"]] = {line for line in d["relatives"].splitlines() if line}
    contacts: dict[int, set[str]] = {}
    people = {p for team in members.values() for p in team}
    if people and relatives:
        for u in await User.select(User.id, User.email, User.phone).where(User.id.is_in(list(people))):
            contacts[u["id"]] = {c for c in (u["email"], u["phone"]) if c}
    for judge in judges:
        for idea_id, team in members.items():
            if judge in team or relatives.get(judge) and any(relatives[judge] & contacts.get(p, set()) for p in team):
                pairs.add((judge, idea_id))
    return pairs


# ---------------------------------------------------------------- assignment


async def run_assignment(round_id: int, *, actor_id: int, now: dt.datetime, scope: Scope) -> dict[str, Any]:
    """Solve the assignment for the round and replace the unlocked assignments without sheets."""
    round_ = await round_row(round_id, scope=scope)
    settings = await settings_of(round_id)
    if settings["assignments_locked"]:
        raise IdeaError(N_("The assignments are locked. Unlock them to run the assignment again."))
    judges_rows = await panel(round_id)
    judges = [p.judge for p in judges_rows if p.judge and p.accepted]
    ideas = await entries(round_id)
    if not judges:
        raise IdeaError(N_("No judge has accepted a place on the panel yet."))
    if not ideas:
        raise IdeaError(N_("There are no entries to assign yet."))
    blocked = await conflicts(round_id)
    expertise = {p.judge: set(p.expertise) for p in judges_rows if p.judge}
    category = {i["id"]: i["category"] for i in ideas}
    affinity = {(j, e): 1.0 for j in judges for e, c in category.items() if c is not None and c in expertise.get(j, ())}
    existing = await Assignment.select().where(Assignment.round == round_id)
    started = {
        (s["judge"], s["idea"])
        for s in await ScoreSheet.select(ScoreSheet.judge, ScoreSheet.idea).where(ScoreSheet.round == round_id)
    }
    keep = {(a["judge"], a["idea"]) for a in existing if a["locked"] or (a["judge"], a["idea"]) in started}
    keep = {p for p in keep if p not in blocked and p[0] in judges and p[1] in category}
    anchors = [e for e in sorted(category) if not any((j, e) in blocked for j in judges)][: settings["anchors"]]
    problem = Problem(
        entries=sorted(category),
        judges=sorted(judges),
        k=min(settings["judges_per_entry"], len(judges)),
        lower=settings["min_per_judge"],
        upper=settings["max_per_judge"],
        conflicts=frozenset(blocked),
        affinity=affinity,
        fixed=frozenset(keep),
        anchors=anchors,
    )
    solution = await asyncio.to_thread(solve, problem)  # CPU work off the event loop
    async with atomic(_db()):
        await Assignment.delete().where((Assignment.round == round_id) & (Assignment.locked == False))  # noqa: E712
        locked = {(a["judge"], a["idea"]) for a in existing if a["locked"]}
        rows = [
            Assignment(round=round_id, judge=j, idea=e, anchor=e in anchors, created_at=now)
            for j, e in sorted(solution.pairs)
            if (j, e) not in locked
        ]
        if rows:
            await Assignment.insert(*rows)
        from contest.progress import tell_assigned

        await tell_assigned(
            round_, {(j, e) for j, e in solution.pairs} - {(a["judge"], a["idea"]) for a in existing}, now=now
        )
        await audit.record(
            "judging.assigned",
            actor_id=actor_id,
            target_type="round",
            target_id=round_id,
            commune_id=round_.commune,
            now=now,
            data={"pairs": len(solution.pairs), "seconds": round(solution.seconds, 3), "groups": solution.components},
        )
    # ``note`` (a msgid, with ``note_params``) explains a judge–entry graph left in several groups.
    return {
        "pairs": len(solution.pairs),
        "seconds": solution.seconds,
        "affinity": solution.total_affinity,
        "groups": solution.components,
        "note": solution.note,
        "note_params": dict(solution.note_params),
    }


async def set_assignments_locked(round_id: int, locked: bool, *, actor_id: int, now: dt.datetime, scope: Scope) -> None:
    round_ = await round_row(round_id, scope=scope)
    await settings_of(round_id)
    async with atomic(_db()):
        await RoundJudging.update({RoundJudging.assignments_locked: locked}).where(RoundJudging.round == round_id)
        await Assignment.update({Assignment.locked: locked}).where(Assignment.round == round_id)
        await audit.record(
            "judging.assignments_locked" if locked else "judging.assignments_unlocked",
            actor_id=actor_id,
            target_type="round",
            target_id=round_id,
            commune_id=round_.commune,
            now=now,
        )


async def move_assignment(assignment_id: int, new_judge: int, *, actor_id: int, now: dt.datetime, scope: Scope) -> None:
    """An organizer hands one entry to another judge (never to a conflicted one).

    The assignment is loaded within ``scope`` (the organizer's communes and the page's round) in
    one query: an assignment of another commune or round is not found and stays as it is."""
    row = await load(Assignment, assignment_id, scope, missing=N_("This assignment does not exist."))
    if (new_judge, row["idea"]) in await conflicts(row["round"]):
        raise IdeaError(N_("This judge has a conflict of interest with the entry."))
    if not await on_panel(row["round"], new_judge):
        raise IdeaError(N_("This person is not on the panel."))
    round_ = await round_row(row["round"], scope=PLATFORM)
    async with atomic(_db()):
        await Assignment.delete().where(Assignment.id == assignment_id)
        await Assignment.insert(
            Assignment(round=row["round"], judge=new_judge, idea=row["idea"], locked=True, created_at=now)
        ).on_conflict(target=(Assignment.round, Assignment.judge, Assignment.idea), action="DO NOTHING")
        from contest.progress import tell_assigned

        await tell_assigned(round_, {(new_judge, row["idea"])}, now=now)
        await audit.record(
            "judging.assignment_moved",
            actor_id=actor_id,
            target_type="assignment",
            target_id=assignment_id,
            commune_id=round_.commune,
            now=now,
            data={"idea": row["idea"], "from": row["judge"], "to": new_judge},
        )


async def assignments(round_id: int) -> list[dict[str, Any]]:
    return (
        await Assignment.select(
            *Assignment.all_columns(), Assignment.judge.full_name, Assignment.idea.code, Assignment.idea.title
        )
        .where(Assignment.round == round_id)
        .order_by(Assignment.idea, Assignment.judge)
    )


def page_bounds(total: int, page: int | None, per_page: int) -> tuple[int, int]:
    """(page, pages): the page asked for, clamped to 1..pages (there is always at least one page)."""
    pages = max(1, -(-total // per_page))
    return min(max(page or 1, 1), pages), pages


@dataclass(frozen=True, slots=True)
class AssignmentRow:
    """An entry handed to a judge, as the organizers manage it."""

    id: int
    round: int
    judge: int
    judge_name: str
    idea: int
    code: str
    title: str
    locked: bool
    anchor: bool
    created_at: dt.datetime


async def assignments_page(round_id: int, *, page: int | None, per_page: int = 50) -> dict[str, Any]:
    """One page of the round's assignments (by entry, then judge); the page number is clamped."""
    total = await Assignment.count().where(Assignment.round == round_id)
    page, pages = page_bounds(total, page, per_page)
    rows = (
        await Assignment.select(
            *Assignment.all_columns(), Assignment.judge.full_name, Assignment.idea.code, Assignment.idea.title
        )
        .where(Assignment.round == round_id)
        .order_by(Assignment.idea, Assignment.judge)
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    listed = [
        AssignmentRow(
            id=r["id"],
            round=r["round"],
            judge=r["judge"],
            judge_name=r["judge.full_name"],
            idea=r["idea"],
            code=r["idea.code"],
            title=r["idea.title"],
            locked=r["locked"],
            anchor=r["anchor"],
            created_at=r["created_at"],
        )
        for r in rows
    ]
    return {"rows": listed, "total": total, "page": page, "pages": pages}


async def recuse(assignment_id: int, *, judge_id: int, reason: str, now: dt.datetime) -> int | None:
    """A judge steps back from an entry; it goes to the least-loaded judge without a conflict.

    Returns the new judge's id (None when nobody else can take it).
    """
    reason = reason.strip()
    if not reason:
        raise ValidationFailed({"reason": N_("Please give the reason for stepping back.")})
    limits.check("judge_conflict", {"reason": reason})
    row = await _judges_assignment(assignment_id, judge_id)
    round_ = await round_row(row["round"], scope=PLATFORM)
    async with atomic(_db()):
        await _add_conflict(row["round"], judge_id, row["idea"], source="recused", reason=reason, now=now)
        await Assignment.delete().where(Assignment.id == assignment_id)
        await ScoreSheet.delete().where(
            (ScoreSheet.round == row["round"])
            & (ScoreSheet.judge == judge_id)
            & (ScoreSheet.idea == row["idea"])
            & (ScoreSheet.status != "submitted")
        )
        blocked = await conflicts(row["round"])
        assigned = {
            a["judge"]
            for a in await Assignment.select(Assignment.judge).where(
                (Assignment.round == row["round"]) & (Assignment.idea == row["idea"])
            )
        }
        loads: dict[int, int] = {}
        for a in await Assignment.select(Assignment.judge).where(Assignment.round == row["round"]):
            loads[a["judge"]] = loads.get(a["judge"], 0) + 1
        candidates = [
            p.judge
            for p in await panel(row["round"])
            if p.judge
            and p.accepted
            and p.judge != judge_id
            and p.judge not in assigned
            and (p.judge, row["idea"]) not in blocked
        ]
        new_judge = min(candidates, key=lambda j: (loads.get(j, 0), j)) if candidates else None
        if new_judge:
            await Assignment(round=row["round"], judge=new_judge, idea=row["idea"], created_at=now).save()
            from contest.progress import tell_assigned

            await tell_assigned(round_, {(new_judge, row["idea"])}, now=now)
        await audit.record(
            "judging.recused",
            actor_id=judge_id,
            target_type="idea",
            target_id=row["idea"],
            commune_id=round_.commune,
            now=now,
            data={"reason": reason, "reassigned_to": new_judge},
        )
    return new_judge


# ---------------------------------------------------------------- score sheets


def scoring_open(round_: RoundRow, settings: dict[str, Any], now: dt.datetime) -> bool:
    """Judges write sheets during the judging phase (or while an organizer has reopened it)."""
    if settings.get("frozen_at") and not (settings.get("reopened_until") and now < settings["reopened_until"]):
        return False
    if settings.get("reopened_until") and now < settings["reopened_until"]:
        return True
    return is_open(round_, Phase.judging, now)


def scoring_state(round_: RoundRow, settings: dict[str, Any], now: dt.datetime) -> str:
    """ "open", "upcoming" (judging starts when submissions close, later than ``now``) or "closed".

    Before judging starts scoring is not open either, but it is not over: pages say when it opens."""
    if scoring_open(round_, settings, now):
        return "open"
    if not settings.get("frozen_at") and round_.has_judging and now < round_.submission_closes:
        return "upcoming"
    return "closed"


@dataclass(frozen=True, slots=True)
class QueueItem:
    """An entry in a judge's queue with the judge's sheet status — blind: no team, no hamlet."""

    id: int
    idea: int
    anchor: bool
    code: str
    title: str
    category_name: str | None
    status: str | None
    total: float | None


async def my_queue(round_id: int, judge_id: int) -> list[QueueItem]:
    """The judge's entries with their sheet status — blind: no team, no hamlet."""
    rows = (
        await Assignment.select(
            Assignment.id,
            Assignment.idea,
            Assignment.anchor,
            Assignment.idea.code,
            Assignment.idea.title,
            Assignment.idea._.category.name,
        )
        .where((Assignment.round == round_id) & (Assignment.judge == judge_id))
        .order_by(Assignment.idea)
    )
    sheets = {
        s["idea"]: s
        for s in await ScoreSheet.select(ScoreSheet.idea, ScoreSheet.status, ScoreSheet.total).where(
            (ScoreSheet.round == round_id) & (ScoreSheet.judge == judge_id)
        )
    }
    queue = []
    for row in rows:
        sheet = sheets.get(row["idea"])
        queue.append(
            QueueItem(
                id=row["id"],
                idea=row["idea"],
                anchor=row["anchor"],
                code=row["idea.code"],
                title=row["idea.title"],
                category_name=row["idea.category.name"],
                status=sheet["status"] if sheet else None,
                total=sheet["total"] if sheet else None,
            )
        )
    return queue


async def _judges_assignment(assignment_id: int, judge_id: int) -> dict[str, Any]:
    """An assignment only when it is this judge's: loaded by id AND judge in one query."""
    row = await Assignment.select().where((Assignment.id == assignment_id) & (Assignment.judge == judge_id)).first()
    if row is None:
        raise NotFound(N_("This assignment does not exist."))
    return row


async def judges_round_of(assignment_id: int, judge_id: int) -> int | None:
    """The round of one of this judge's assignments (None when it is not theirs)."""
    row = (
        await Assignment.select(Assignment.round)
        .where((Assignment.id == assignment_id) & (Assignment.judge == judge_id))
        .first()
    )
    return row["round"] if row else None


async def assignment_for_judge(assignment_id: int, judge_id: int) -> dict[str, Any]:
    row = await _judges_assignment(assignment_id, judge_id)
    if await declaration(row["round"], judge_id) is None:
        raise PermissionDenied(N_("Please sign the conflict-of-interest declaration first."))
    return row


@dataclass(frozen=True, slots=True)
class BlindEntry:
    """What a judge sees of an entry (submitted, so it has its code): the idea itself, never its team or hamlet."""

    id: int
    code: str
    title: str
    summary: str
    problem: str
    solution: str
    beneficiaries: str
    resources: str
    budget_vnd: int | None
    stage: str
    body: str
    video_url: str
    category_name: str | None


async def blind_entry(idea_id: int) -> BlindEntry:
    """What a judge sees of an entry: the idea itself, never its team or hamlet."""
    row = (
        await Idea.select(
            Idea.id,
            Idea.code,
            Idea.title,
            Idea.summary,
            Idea.problem,
            Idea.solution,
            Idea.beneficiaries,
            Idea.resources,
            Idea.budget_vnd,
            Idea.stage,
            Idea.body,
            Idea.video_url,
            Idea.category.name,
        )
        .where(Idea.id == idea_id)
        .first()
    )
    if row is None:
        raise NotFound(N_("This idea does not exist."))
    return BlindEntry(
        id=row["id"],
        code=row["code"],
        title=row["title"],
        summary=row["summary"],
        problem=row["problem"],
        solution=row["solution"],
        beneficiaries=row["beneficiaries"],
        resources=row["resources"],
        budget_vnd=row["budget_vnd"],
        stage=row["stage"],
        body=row["body"],
        video_url=row["video_url"],
        category_name=row["category.name"],
    )


async def sheet(round_id: int, judge_id: int, idea_id: int) -> dict[str, Any] | None:
    row = (
        await ScoreSheet.select()
        .where((ScoreSheet.round == round_id) & (ScoreSheet.judge == judge_id) & (ScoreSheet.idea == idea_id))
        .first()
    )
    if row is None:
        return None
    row["scores"] = {s["criterion"]: s for s in await Score.select().where(Score.sheet == row["id"])}
    return row


async def save_sheet(
    assignment_id: int,
    *,
    judge_id: int,
    scores: dict[int, tuple[str, str]],
    overall_comment: str,
    submit: bool,
    now: dt.datetime,
) -> dict[str, Any]:
    """Save a draft or submit a sheet. ``scores`` maps criterion id → (value as typed, comment)."""
    assignment = await assignment_for_judge(assignment_id, judge_id)
    round_ = await round_row(assignment["round"], scope=PLATFORM)
    settings = await settings_of(assignment["round"])
    if not scoring_open(round_, settings, now):
        raise IdeaError(N_("Scoring is closed for this round."))
    criteria = await rubric(assignment["round"])
    errors: dict[str, str] = {}
    params: dict[str, dict[str, Any]] = {}
    values: dict[int, int | None] = {}
    for c in criteria:
        raw, _ = scores.get(c["id"], ("", ""))
        raw = (raw or "").strip()
        if not raw:
            values[c["id"]] = None
            if submit:
                errors[f"c{c['id']}"] = N_("Please give a score for this criterion.")
            continue
        if as_int(raw, low=c["scale_min"], high=c["scale_max"]) is None:
            errors[f"c{c['id']}"] = N_("Choose a score from %(low)s to %(high)s.")
            params[f"c{c['id']}"] = {"low": c["scale_min"], "high": c["scale_max"]}
            continue
        values[c["id"]] = int(raw)
    for c in criteria:
        if len((scores.get(c["id"], ("", ""))[1] or "").strip()) > limits.COLUMNS["score_item"]["comment"]:
            errors[f"c{c['id']}"] = limits.TOO_LONG
            params[f"c{c['id']}"] = {"limit": limits.shown(limits.COLUMNS["score_item"]["comment"])}
    if len(overall_comment.strip()) > limits.COLUMNS["score_sheet"]["overall_comment"]:
        errors["overall_comment"] = limits.TOO_LONG
        params["overall_comment"] = {"limit": limits.shown(limits.COLUMNS["score_sheet"]["overall_comment"])}
    if errors:
        raise ValidationFailed(errors, params)
    complete = all(v is not None for v in values.values()) and bool(criteria)
    scored = {k: v for k, v in values.items() if v is not None}  # all of them when complete
    total = calibration.weighted_total(scored, _spec(criteria)) if complete else None
    async with atomic(_db()):
        await ScoreSheet.insert(
            ScoreSheet(round=assignment["round"], judge=judge_id, idea=assignment["idea"], updated_at=now)
        ).on_conflict(target=(ScoreSheet.round, ScoreSheet.judge, ScoreSheet.idea), action="DO NOTHING")
        current = (
            await ScoreSheet.select(ScoreSheet.id, ScoreSheet.status)
            .where(
                (ScoreSheet.round == assignment["round"])
                & (ScoreSheet.judge == judge_id)
                & (ScoreSheet.idea == assignment["idea"])
            )
            .first()
        )
        assert current is not None  # inserted just above if missing
        if current["status"] == SheetStatus.submitted.value and not (
            settings.get("reopened_until") and now < settings["reopened_until"]
        ):
            raise IdeaError(N_("This score sheet has already been submitted."))
        for c in criteria:
            comment = (scores.get(c["id"], ("", ""))[1] or "").strip()
            await Score.insert(
                Score(sheet=current["id"], criterion=c["id"], value=values[c["id"]], comment=comment)
            ).on_conflict(
                target=(Score.sheet, Score.criterion), action="DO UPDATE", values=[Score.value, Score.comment]
            )
        await ScoreSheet.update(
            {
                ScoreSheet.status: SheetStatus.submitted.value if submit else SheetStatus.draft.value,
                ScoreSheet.overall_comment: overall_comment.strip(),
                ScoreSheet.total: total,
                ScoreSheet.updated_at: now,
                ScoreSheet.submitted_at: now if submit else None,
            }
        ).where(ScoreSheet.id == current["id"])
    return {"total": total, "submitted": submit}


async def abstain(assignment_id: int, *, judge_id: int, reason: str, now: dt.datetime) -> None:
    assignment = await assignment_for_judge(assignment_id, judge_id)
    round_ = await round_row(assignment["round"], scope=PLATFORM)
    if not scoring_open(round_, await settings_of(assignment["round"]), now):
        raise IdeaError(N_("Scoring is closed for this round."))
    if not reason.strip():
        raise ValidationFailed({"abstain_reason": N_("Please give the reason for not scoring this entry.")})
    limits.check("score_sheet", {"abstain_reason": reason.strip()})
    async with atomic(_db()):
        await ScoreSheet.insert(
            ScoreSheet(round=assignment["round"], judge=judge_id, idea=assignment["idea"], updated_at=now)
        ).on_conflict(target=(ScoreSheet.round, ScoreSheet.judge, ScoreSheet.idea), action="DO NOTHING")
        done = (
            await ScoreSheet.update(
                {
                    ScoreSheet.status: SheetStatus.abstained.value,
                    ScoreSheet.abstain_reason: reason.strip(),
                    ScoreSheet.total: None,
                    ScoreSheet.updated_at: now,
                }
            )
            .where(
                (ScoreSheet.round == assignment["round"])
                & (ScoreSheet.judge == judge_id)
                & (ScoreSheet.idea == assignment["idea"])
                & (ScoreSheet.status != SheetStatus.submitted.value)
            )
            .returning(ScoreSheet.id)
        )
        if not done:
            raise IdeaError(N_("This score sheet has already been submitted."))


async def others_scores(round_id: int, judge_id: int, idea_id: int) -> list[dict[str, Any]] | None:
    """Other judges' submitted totals for an entry — only once this judge has submitted their own."""
    mine = await sheet(round_id, judge_id, idea_id)
    if not mine or mine["status"] != SheetStatus.submitted.value:
        return None
    return await ScoreSheet.select(ScoreSheet.total, ScoreSheet.overall_comment).where(
        (ScoreSheet.round == round_id)
        & (ScoreSheet.idea == idea_id)
        & (ScoreSheet.judge != judge_id)
        & (ScoreSheet.status == SheetStatus.submitted.value)
    )


# ---------------------------------------------------------------- freezing


async def snapshot(round_id: int) -> dict[str, Any]:
    sheets = (
        await ScoreSheet.select(
            ScoreSheet.id,
            ScoreSheet.judge,
            ScoreSheet.idea,
            ScoreSheet.status,
            ScoreSheet.total,
            ScoreSheet.submitted_at,
        )
        .where(ScoreSheet.round == round_id)
        .order_by(ScoreSheet.id)
    )
    ids = [s["id"] for s in sheets]
    items = (
        await Score.select(Score.sheet, Score.criterion, Score.value)
        .where(Score.sheet.is_in(ids))
        .order_by(Score.sheet, Score.criterion)
        if ids
        else []
    )
    return {
        "round": round_id,
        "sheets": [{**s, "submitted_at": s["submitted_at"].isoformat() if s["submitted_at"] else None} for s in sheets],
        "scores": items,
    }


def snapshot_hash(data: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


async def ensure_frozen(
    round_id: int, *, now: dt.datetime, actor_id: int | None = None, scope: Scope
) -> dict[str, Any]:
    """Once judging has ended, freeze the sheets (idempotent): snapshot + SHA-256 into the audit log."""
    round_ = await round_row(round_id, scope=scope)
    settings = await settings_of(round_id)
    reopened = settings["reopened_until"] and now < settings["reopened_until"]
    if now < round_.judging_closes or reopened or not round_.has_judging:  # nothing to freeze
        return settings
    if settings["frozen_at"] and (
        not settings["reopened_until"] or settings["frozen_at"] >= settings["reopened_until"]
    ):
        return settings
    from contest.progress import resolve_conflicts

    await resolve_conflicts(round_id, now=now)  # no conflicted judge's sheet goes into the frozen results
    async with atomic(_db()):
        claimed = (
            await RoundJudging.update({RoundJudging.frozen_at: now})
            .where(
                (RoundJudging.round == round_id)
                & (RoundJudging.frozen_at.is_null() | (RoundJudging.frozen_at < RoundJudging.reopened_until))
            )
            .returning(RoundJudging.id)
        )
        if not claimed:
            return await settings_of(round_id)
        data = await snapshot(round_id)
        digest = snapshot_hash(data)
        await RoundJudging.update({RoundJudging.frozen_hash: digest}).where(RoundJudging.round == round_id)
        await audit.record(
            "judging.frozen",
            actor_id=actor_id,
            target_type="round",
            target_id=round_id,
            commune_id=round_.commune,
            now=now,
            data={"sha256": digest, "sheets": len(data["sheets"])},
        )
    return await settings_of(round_id)


async def reopen(round_id: int, *, actor_id: int, reason: str, hours: int, now: dt.datetime, scope: Scope) -> None:
    await round_row(round_id, scope=scope)
    if not reason.strip():
        raise ValidationFailed({"reason": N_("Please give the reason for reopening the scores.")})
    limits.check("round_judging", {"reopen_reason": reason.strip()}, {"reopen_reason": "reason"})
    if not 1 <= hours <= 24 * 14:
        raise ValidationFailed({"hours": N_("Reopen for between 1 hour and 14 days.")})
    round_ = await round_row(round_id, scope=PLATFORM)
    await ensure_frozen(round_id, now=now, actor_id=actor_id, scope=PLATFORM)
    async with atomic(_db()):
        await RoundJudging.update(
            {RoundJudging.reopened_until: now + dt.timedelta(hours=hours), RoundJudging.reopen_reason: reason.strip()}
        ).where(RoundJudging.round == round_id)
        await audit.record(
            "judging.reopened",
            actor_id=actor_id,
            target_type="round",
            target_id=round_id,
            commune_id=round_.commune,
            now=now,
            data={"reason": reason.strip(), "hours": hours},
        )


# ---------------------------------------------------------------- results


async def results(round_id: int, *, method: str | None = None) -> dict[str, Any]:
    """Every method's ranking side by side; the round's chosen method decides.

    ``method`` shows another method's ranking; a name that is not one of ``METHODS`` is refused
    with ``ValueError`` (the pages answer 400) rather than silently replaced. Never fails on the
    sheets: when the judge–entry graph falls apart into groups, ``groups`` lists them (entries
    can be compared only within a group) and every row says its group.
    """
    settings = await settings_of(round_id)
    if method is not None and method not in METHODS:
        raise ValueError(f"unknown ranking method {method!r}")
    deciding = settings["method"] if settings["method"] in METHODS else calibration.DEFAULT_METHOD
    method = method or deciding
    # Computed once per change of the submitted sheets (in a worker thread), then read from the cache.
    computed = await ranking_cache.ranking_of(round_id)
    columns = (Idea.id, Idea.code, Idea.title, Idea.status)
    ideas = {i["id"]: i for i in await Idea.select(*columns).where(Idea.round == round_id)}
    others = [r.entry for r in computed.rows if r.entry not in ideas]  # entries carried in from another round
    if others:
        ideas.update({i["id"]: i for i in await Idea.select(*columns).where(Idea.id.is_in(others))})
    count = computed.groups
    groups: list[list[str]] = [[] for _ in range(count)] if count > 1 else []
    for r in computed.rows if count > 1 else ():
        groups[r.group].append((ideas[r.entry]["code"] if r.entry in ideas else None) or str(r.entry))
    return {
        "method": method,
        "deciding_method": deciding,
        "groups": groups,
        "ranking": [{**row, "idea": ideas.get(row["result"].entry)} for row in computed.ranked(method)],
        "sheets": computed.sheets,
        "settings": settings,
    }


async def shortlist(
    round_id: int, idea_ids: list[int], *, actor_id: int, reason: str, now: dt.datetime, scope: Scope
) -> int:
    """Mark entries shortlisted for the next round or the public vote (audited): only entries of this round."""
    round_ = await round_row(round_id, scope=scope)
    if not idea_ids:
        raise ValidationFailed({"ideas": N_("Choose at least one entry.")})
    limits.check("judge_conflict", {"reason": reason.strip()})  # kept in the audit log: a reason's length
    from contest.chaining import carried_in, promoted
    from contest.progress import tell_shortlisted

    carried = {i: s for i, s in (await carried_in(round_id)).items() if i in idea_ids}
    async with atomic(_db()):
        rows = (
            await Idea.update({Idea.status: IdeaStatus.shortlisted.value})
            .where((Idea.round == round_id) & Idea.id.is_in(idea_ids) & (Idea.status == IdeaStatus.submitted.value))
            .returning(Idea.id)
        )
        for entered in set(carried.values()):  # entries carried in from the round before go one step up
            rows += (
                await Idea.update({Idea.status: promoted(entered)})
                .where(
                    Idea.id.is_in([i for i, s in carried.items() if s == entered])
                    & (Idea.status == entered)
                    & (Idea.hidden == False)
                )
                .returning(Idea.id)
            )  # noqa: E712
        await tell_shortlisted(round_, [r["id"] for r in rows], now=now)
        await audit.record(
            "judging.shortlisted",
            actor_id=actor_id,
            target_type="round",
            target_id=round_id,
            commune_id=round_.commune,
            now=now,
            data={"ideas": sorted(r["id"] for r in rows), "reason": reason.strip()},
        )
    return len(rows)


async def set_comment_release(
    round_id: int, sheet_id: int, release: bool, *, actor_id: int, now: dt.datetime, scope: Scope
) -> None:
    """Organizers approve (or withdraw) a sheet's comments for the team to read, without judge names.

    The sheet is loaded within the round and, when given, the organizer's ``scope``, in one query."""
    within = scope.in_round(round_id)
    await load(ScoreSheet, sheet_id, within, ScoreSheet.id, missing=N_("This score sheet does not exist."))
    await ScoreSheet.update({ScoreSheet.release_comments: release}).where(
        (ScoreSheet.id == sheet_id) & (ScoreSheet.round == round_id)
    )


async def sheets_for_review(round_id: int) -> list[dict[str, Any]]:
    return (
        await ScoreSheet.select(
            ScoreSheet.id,
            ScoreSheet.idea.code,
            ScoreSheet.idea.title,
            ScoreSheet.total,
            ScoreSheet.overall_comment,
            ScoreSheet.release_comments,
            ScoreSheet.status,
            ScoreSheet.judge.full_name,
        )
        .where((ScoreSheet.round == round_id) & (ScoreSheet.status == SheetStatus.submitted.value))
        .order_by(ScoreSheet.idea, ScoreSheet.id)
    )


async def counts(round_id: int) -> dict[str, int]:
    """How many assignments, submitted sheets and sheets with approved comments the round has."""
    row = (
        await ScoreSheet.raw(
            f"SELECT (SELECT COUNT(*) FROM {Assignment._meta.tablename} WHERE round = {{}}) AS assignments, "
            "COUNT(*) AS sheets, COALESCE(SUM(CASE WHEN release_comments THEN 1 ELSE 0 END), 0) AS released "
            "FROM score_sheet WHERE round = {} AND status = {}",
            round_id,
            round_id,
            SheetStatus.submitted.value,
        )
    )[0]
    return {k: int(row[k]) for k in ("assignments", "sheets", "released")}


@dataclass(frozen=True, slots=True)
class ReviewSheet:
    """A submitted score sheet whose overall comment the organizers approve for the team."""

    id: int
    code: str
    title: str
    total: float | None
    overall_comment: str
    release_comments: bool
    status: str
    judge_name: str


async def sheets_for_review_page(round_id: int, *, page: int | None, per_page: int = 50) -> dict[str, Any]:
    """One page of the submitted sheets whose comments organizers approve (by entry); the page is clamped.

    ``released`` counts the sheets of the whole round whose comments are approved."""
    clause = (ScoreSheet.round == round_id) & (ScoreSheet.status == SheetStatus.submitted.value)
    total = await ScoreSheet.count().where(clause)
    released = await ScoreSheet.count().where(clause & (ScoreSheet.release_comments == True))  # noqa: E712
    page, pages = page_bounds(total, page, per_page)
    rows = (
        await ScoreSheet.select(
            ScoreSheet.id,
            ScoreSheet.idea.code,
            ScoreSheet.idea.title,
            ScoreSheet.total,
            ScoreSheet.overall_comment,
            ScoreSheet.release_comments,
            ScoreSheet.status,
            ScoreSheet.judge.full_name,
        )
        .where(clause)
        .order_by(ScoreSheet.idea, ScoreSheet.id)
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    listed = [
        ReviewSheet(
            id=r["id"],
            code=r["idea.code"],
            title=r["idea.title"],
            total=r["total"],
            overall_comment=r["overall_comment"],
            release_comments=r["release_comments"],
            status=r["status"],
            judge_name=r["judge.full_name"],
        )
        for r in rows
    ]
    return {"rows": listed, "total": total, "released": released, "page": page, "pages": pages}


async def feedback(idea_id: int, *, now: dt.datetime) -> dict[str, Any] | None:
    """For the team, once results are out: per-criterion averages and released comments, no judge names."""
    idea = await Idea.select(Idea.id, Idea.round).where(Idea.id == idea_id).first()
    if idea is None:
        raise NotFound(N_("This idea does not exist."))
    round_ = await Round.select().where(Round.id == idea["round"]).first()
    assert round_ is not None  # the idea's round (a foreign key)
    if phase_of(round_, now) is not Phase.results:
        return None
    criteria = await rubric(idea["round"])
    sheets = await ScoreSheet.select(
        ScoreSheet.id, ScoreSheet.overall_comment, ScoreSheet.release_comments, ScoreSheet.total
    ).where((ScoreSheet.idea == idea_id) & (ScoreSheet.status == SheetStatus.submitted.value))
    ids = [s["id"] for s in sheets]
    items = await Score.select().where(Score.sheet.is_in(ids)) if ids else []
    released = {s["id"] for s in sheets if s["release_comments"]}
    per = []
    for c in criteria:
        values = [i["value"] for i in items if i["criterion"] == c["id"] and i["value"] is not None]
        comments = [
            i["comment"] for i in items if i["criterion"] == c["id"] and i["sheet"] in released and i["comment"]
        ]
        per.append({"criterion": c, "average": sum(values) / len(values) if values else None, "comments": comments})
    return {
        "criteria": per,
        "sheets": len(sheets),
        "overall": [s["overall_comment"] for s in sheets if s["id"] in released and s["overall_comment"]],
        "total": sum(s["total"] for s in sheets) / len(sheets) if sheets else None,
    }


async def criterion_averages(round_id: int) -> dict[int, dict[int, float]]:
    """Per entry, the average score of each criterion over submitted sheets (for published results)."""
    rows = await Score.select(Score.sheet.idea, Score.criterion, Score.value).where(
        (Score.sheet.round == round_id)
        & (Score.sheet.status == SheetStatus.submitted.value)
        & Score.value.is_not_null()
    )
    sums: dict[int, dict[int, list[int]]] = {}
    for row in rows:
        sums.setdefault(row["sheet.idea"], {}).setdefault(row["criterion"], []).append(row["value"])
    return {idea: {c: sum(v) / len(v) for c, v in per.items()} for idea, per in sums.items()}
