"""Planning a contest's rounds: the timeline of every round and its phases, and changing it safely.

A round's phases and how they are stored (``contest.tables.Round``):

* submission — ``submission_opens``–``submission_closes``, only when ``takes_entries`` (the first round
  always takes entries; later rounds only when the organizer says so);
* judging — from ``submission_closes`` to ``judging_closes``, only when ``has_judging``;
* public vote — ``vote_opens``–``vote_closes``, only when both are set;
* results — from ``results_at`` on; every round has it (the shortlist of the round is known then).

The three start/end columns that are not nullable keep a value for the phases a round leaves out, so
code that reads them still sees the round's order: without submission, ``submission_opens`` and
``submission_closes`` are both the start of the round's first phase (judging starts there); without
judging, ``judging_closes`` equals ``submission_closes``.

Order rules (``phases.date_problems`` within a round, ``neighbour_problems`` between rounds): within a
round each phase starts before it ends and no earlier than the previous phase ends; results come no
earlier than the end of the last phase before them (never before judging ends). Between rounds, a round
starts no earlier than the previous round's results (by position).

A round whose score sheets are frozen or whose results are published keeps its dates.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from accounts import audit
from accounts.engine import atomic
from accounts.errors import DomainError, NotFound, ValidationFailed
from accounts.i18n import N_
from accounts.localtime import DateInvalid, format_local, parse_local
from accounts.scope import Scope, load
from contest import phases
from contest.phases import Phase, value
from contest.rounds import ROUND_COLUMNS, RoundRow, round_of_row, round_row
from contest.services import ContestRef
from contest.tables import Contest, Idea, Round, RoundJudging, ScoreSheet, Vote

DATE_FIELDS = ("submission_opens", "submission_closes", "judging_closes", "vote_opens", "vote_closes", "results_at")
# Form fields: the columns, plus ``judging_opens`` for a round that takes no entries.
FORM_DATE_FIELDS = (
    "submission_opens",
    "submission_closes",
    "judging_opens",
    "judging_closes",
    "vote_opens",
    "vote_closes",
    "results_at",
)

PHASE_NAMES = {
    Phase.submission: N_("Submission"),
    Phase.judging: N_("Judging"),
    Phase.voting: N_("Public vote"),
    Phase.results: N_("Results"),
}
MILESTONE_LABELS = {
    "submission_opens": N_("Submissions open"),
    "submission_closes": N_("Submissions close"),
    "judging_opens": N_("Judging starts"),
    "judging_closes": N_("Judging ends"),
    "vote_opens": N_("Public vote opens"),
    "vote_closes": N_("Public vote closes"),
    "results_at": N_("Results are published"),
}
END_FIELDS = {Phase.submission: "submission_closes", Phase.judging: "judging_closes", Phase.voting: "vote_closes"}

MSG_FROZEN = N_("The score sheets of this round are frozen: its dates can no longer change.")
MSG_PUBLISHED = N_("The results of this round are published: its dates can no longer change.")
MSG_LATER_LOCKED = N_("A later round that would move with it has frozen scores or published results.")
MSG_NOT_LATER = N_("The new time must be later than the current one (%(current)s).")
MSG_STALE = N_("The round has changed since the page was shown: look at its phases again.")


class TimelineError(DomainError):
    pass


# ---------------------------------------------------------------- reading


# A round as ``milestones`` and the audit read it: its typed row, or the column values of a form not
# saved yet (``RoundForm.values``).
AnyRound = RoundRow | Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class PlannedStep:
    """A phase of a round on the organizers' timeline, and whether it is over, open now or to come."""

    phase: Phase
    name: str  # a msgid (``PHASE_NAMES``)
    starts: dt.datetime
    ends: dt.datetime | None
    state: str  # "done", "open" or "upcoming"


@dataclass(frozen=True, slots=True)
class PlannedRound:
    """A round on the organizers' timeline: its phases, its phase now and what may be done now."""

    round: RoundRow
    steps: tuple[PlannedStep, ...]
    phase: Phase
    lock: str | None  # why its dates can no longer change (a msgid)
    actions: tuple[tuple[str, Phase], ...]  # ("open" or "close", phase), see ``now_actions``
    extendable: tuple[Phase, ...]
    deletable: bool


async def contest_rounds(contest_id: int) -> list[RoundRow]:
    """The contest's rounds in order, as typed rows (the caller has read the contest within its scope)."""
    rows = (
        await Round.select(*ROUND_COLUMNS)
        .where(Round.contest == contest_id)
        .order_by(Round.position)
        .order_by(Round.id)
    )
    return [round_of_row(r) for r in rows]


async def _frozen_ids(round_ids: list[int]) -> set[int]:
    if not round_ids:
        return set()
    rows = await RoundJudging.select(RoundJudging.round).where(
        RoundJudging.round.is_in(round_ids) & RoundJudging.frozen_at.is_not_null()
    )
    return {r["round"] for r in rows}


def milestones(round_: AnyRound) -> list[tuple[str, dt.datetime]]:
    """The dates people see for a round, by form field (the hidden collapsed columns left out)."""
    out: list[tuple[str, dt.datetime]] = []
    if phases.takes_entries(round_):
        out += [
            ("submission_opens", value(round_, "submission_opens")),
            ("submission_closes", value(round_, "submission_closes")),
        ]
    elif phases.has_judging(round_):
        out.append(("judging_opens", value(round_, "submission_closes")))
    if phases.has_judging(round_):
        out.append(("judging_closes", value(round_, "judging_closes")))
    if phases.has_vote(round_):
        out += [("vote_opens", value(round_, "vote_opens")), ("vote_closes", value(round_, "vote_closes"))]
    out.append(("results_at", value(round_, "results_at")))
    return out


def lock_reason(round_: RoundRow, *, frozen: bool, now: dt.datetime) -> str | None:
    """Why the round's dates can no longer change (a msgid), or None."""
    if now >= round_.results_at:
        return MSG_PUBLISHED
    if frozen:
        return MSG_FROZEN
    return None


def _open_step(round_: RoundRow, now: dt.datetime) -> phases.Step | None:
    for step in phases.timeline(round_):
        if step.starts <= now and (step.ends is None or now < step.ends):
            return step
    return None


def _next_step(round_: RoundRow, now: dt.datetime) -> phases.Step | None:
    return next((s for s in phases.timeline(round_) if s.starts > now), None)


def now_actions(round_: RoundRow, now: dt.datetime) -> list[tuple[str, Phase]]:
    """The buttons a round offers now: ("close", the open phase) or ("open", the next phase)."""
    current = _open_step(round_, now)
    if current is not None:
        return [] if current.phase is Phase.results else [("close", current.phase)]
    following = _next_step(round_, now)
    return [("open", following.phase)] if following else []


def extendable(round_: RoundRow, now: dt.datetime) -> list[Phase]:
    """Phases whose end may still move later: not ended yet."""
    return [s.phase for s in phases.timeline(round_) if s.phase in END_FIELDS and s.ends is not None and now < s.ends]


async def overview(contest_id: int, *, now: dt.datetime) -> list[PlannedRound]:
    """Every round of the contest, in order, with its phases, state and what may be done now."""
    rounds = await contest_rounds(contest_id)
    ids = [r.id for r in rounds]
    frozen = await _frozen_ids(ids)
    used = await _used_ids(ids)
    out = []
    for r in rounds:
        steps = tuple(
            PlannedStep(step.phase, PHASE_NAMES[step.phase], step.starts, step.ends, _state(step, now))
            for step in phases.timeline(r)
        )
        out.append(
            PlannedRound(
                round=r,
                steps=steps,
                phase=phases.phase_of(r, now),
                lock=lock_reason(r, frozen=r.id in frozen, now=now),
                actions=tuple(now_actions(r, now)),
                extendable=tuple(extendable(r, now)),
                deletable=r.id not in used,
            )
        )
    return out


def _state(step: phases.Step, now: dt.datetime) -> str:
    if step.ends is not None and now >= step.ends:
        return "done"
    return "open" if step.starts <= now else "upcoming"


async def _used_ids(round_ids: list[int]) -> set[int]:
    """Rounds holding ideas, entries, score sheets or votes (these cannot be deleted)."""
    if not round_ids:
        return set()
    used: set[int] = set()
    for table in _holders():
        rows = await table.select(table.round).where(table.round.is_in(round_ids)).distinct()
        used |= {r["round"] for r in rows}
    return used


def _holders() -> list[Any]:
    from contest import tables

    holders: list[Any] = [Idea, ScoreSheet, Vote]
    entry = getattr(tables, "RoundEntry", None)  # ideas carried into a later round
    if entry is not None:
        holders.append(entry)
    return holders


# ---------------------------------------------------------------- the form


@dataclass
class RoundForm:
    """What an organizer typed for a round (texts, as typed, in Hà Nội time)."""

    name: str = ""
    takes_entries: bool = True
    has_judging: bool = True
    has_vote: bool = False
    dates: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_form(cls, form: Any) -> RoundForm:
        return cls(
            name=str(form.get("name", "") or "").strip(),
            takes_entries=form.get("takes_entries") == "on",
            has_judging=form.get("has_judging") == "on",
            has_vote=form.get("has_vote") == "on",
            dates={name: str(form.get(name, "") or "").strip() for name in FORM_DATE_FIELDS},
        )

    @classmethod
    def of_round(cls, round_: RoundRow) -> RoundForm:
        dates = {name: format_local(value) for name, value in milestones(round_)}
        return cls(
            name=round_.name,
            takes_entries=phases.takes_entries(round_),
            has_judging=phases.has_judging(round_),
            has_vote=phases.has_vote(round_),
            dates=dates,
        )

    def values(self) -> dict[str, Any]:
        """Columns for the round; raises ValidationFailed with a message per field."""
        errors: dict[str, str] = {}
        params: dict[str, dict[str, object]] = {}
        if not self.name:
            errors["name"] = N_("Give the round a name, e.g. Vòng sơ khảo.")
        elif len(self.name) > 120:
            errors["name"] = N_("At most 120 characters.")
        wanted = ["results_at"]
        if self.takes_entries:
            wanted += ["submission_opens", "submission_closes"]
        elif self.has_judging:
            wanted.append("judging_opens")
        if self.has_judging:
            wanted.append("judging_closes")
        if self.has_vote:
            wanted += ["vote_opens", "vote_closes"]
        parsed: dict[str, dt.datetime] = {}
        for name in wanted:
            try:
                parsed[name] = parse_local(self.dates.get(name), field=name)
            except DateInvalid as exc:
                errors[name], params[name] = exc.message, dict(exc.params)
        if not (self.takes_entries or self.has_judging or self.has_vote):
            errors["__all__"] = N_(
                "A round needs at least one phase besides its results: submission, judging or a public vote."
            )
        if errors:
            raise ValidationFailed(errors, params)
        values = {
            "name": self.name,
            "takes_entries": self.takes_entries,
            "has_judging": self.has_judging,
            "vote_opens": parsed.get("vote_opens"),
            "vote_closes": parsed.get("vote_closes"),
            "results_at": parsed["results_at"],
        }
        if self.takes_entries:
            values["submission_opens"], values["submission_closes"] = (
                parsed["submission_opens"],
                parsed["submission_closes"],
            )
        else:
            start = parsed.get("judging_opens") or parsed.get("vote_opens") or parsed["results_at"]
            values["submission_opens"] = values["submission_closes"] = start
        values["judging_closes"] = parsed["judging_closes"] if self.has_judging else values["submission_closes"]
        problems = phases.date_problems(values)
        if problems:
            raise ValidationFailed({_form_field(name, values): msg for name, msg in problems.items()})
        return values


def _form_field(column: str, values: dict[str, Any]) -> str:
    """The form field where a problem about ``column`` is shown."""
    if column in ("submission_opens", "submission_closes") and not phases.takes_entries(values):
        return "judging_opens" if phases.has_judging(values) else "vote_opens"
    return column


def neighbour_problems(
    values: dict[str, Any], before: RoundRow | None, after: RoundRow | None, *, position_first: bool
) -> dict[str, tuple[str, dict]]:
    """Order between a round and its neighbours (by position), by form field: (msgid, params)."""
    problems: dict[str, tuple[str, dict]] = {}
    start_field = milestones(values)[0][0]
    if before is not None and phases.round_starts(values) < before.results_at:
        problems[start_field] = (
            N_("The round cannot start before the results of “%(name)s” (%(date)s)."),
            {"name": before.name, "date": format_local(before.results_at)},
        )
    if after is not None and values["results_at"] > phases.round_starts(after):
        problems["results_at"] = (
            N_("The results must come before “%(name)s” starts (%(date)s)."),
            {"name": after.name, "date": format_local(phases.round_starts(after))},
        )
    if position_first and not values.get("takes_entries", True):
        problems["takes_entries"] = (N_("The first round of a contest takes the entries."), {})
    return problems


def _raise(problems: dict[str, tuple[str, dict]]) -> None:
    if problems:
        raise ValidationFailed({k: m for k, (m, _) in problems.items()}, {k: p for k, (_, p) in problems.items()})


# ---------------------------------------------------------------- loading within scope


async def contest_in_scope(slug: str, *, scope: Scope) -> ContestRef:
    """A contest, published or not, only within ``scope`` (one query)."""
    row = await load(
        Contest,
        Contest.slug == slug,
        scope,
        Contest.id,
        Contest.slug,
        Contest.title,
        Contest.commune,
        missing=N_("This contest does not exist or is not published yet."),
    )
    return ContestRef(**row)


def _neighbours(
    rounds: list[RoundRow], round_id: int | None, position: int
) -> tuple[RoundRow | None, RoundRow | None, bool]:
    others = [r for r in rounds if r.id != round_id]
    before = [r for r in others if r.position < position or (r.position == position and round_id is None)]
    after = [r for r in others if r not in before]
    return (before[-1] if before else None), (after[0] if after else None), not before


async def _check_unlocked(round_: RoundRow, *, now: dt.datetime) -> None:
    reason = lock_reason(round_, frozen=bool(await _frozen_ids([round_.id])), now=now)
    if reason:
        raise TimelineError(reason)


def _db():
    return Round._meta.db


# ---------------------------------------------------------------- add, edit, delete


async def add_round(contest_slug: str, form: RoundForm, *, actor_id: int, now: dt.datetime, scope: Scope) -> int:
    """Append a round after the contest's last one. Returns its id."""
    contest = await contest_in_scope(contest_slug, scope=scope)
    values = form.values()
    async with atomic(_db()):
        rounds = await contest_rounds(contest.id)
        position = (rounds[-1].position + 1) if rounds else 1
        _raise(neighbour_problems(values, rounds[-1] if rounds else None, None, position_first=not rounds))
        row = Round(contest=contest.id, position=position, **values)
        await row.save()
        await audit.record(
            "round.created",
            actor_id=actor_id,
            target_type="round",
            target_id=row.id,
            commune_id=contest.commune,
            now=now,
            data=_audit_dates(values),
        )
    return row.id


async def edit_round(round_id: int, form: RoundForm, *, actor_id: int, now: dt.datetime, scope: Scope) -> RoundRow:
    """Change a round's name, phases and dates (refused once scores are frozen or results published)."""
    round_ = await round_row(round_id, scope=scope)
    values = form.values()
    async with atomic(_db()):
        round_ = await round_row(round_id, scope=scope)
        await _check_unlocked(round_, now=now)
        rounds = await contest_rounds(round_.contest)
        before, after, first = _neighbours(rounds, round_id, round_.position)
        _raise(neighbour_problems(values, before, after, position_first=first))
        await Round.update({getattr(Round, k): v for k, v in values.items()}).where(Round.id == round_id)
        await audit.record(
            "round.edited",
            actor_id=actor_id,
            target_type="round",
            target_id=round_id,
            commune_id=round_.commune,
            now=now,
            data={"before": _audit_dates(round_), "after": _audit_dates(values)},
        )
    return round_


async def delete_round(round_id: int, *, actor_id: int, now: dt.datetime, scope: Scope) -> RoundRow:
    """Delete a round that holds no ideas, entries, score sheets or votes; later rounds move up."""
    async with atomic(_db()):
        round_ = await round_row(round_id, scope=scope)
        if await _used_ids([round_id]):
            raise TimelineError(N_("This round holds ideas, score sheets or votes: it cannot be deleted."))
        rounds = await contest_rounds(round_.contest)
        rest = [r for r in rounds if r.id != round_id]
        if rest and rounds[0].id == round_id and not phases.takes_entries(rest[0]):
            raise TimelineError(N_("The next round takes no new entries, so it cannot become the first round."))
        await Round.delete().where(Round.id == round_id)
        for r in rest:
            if r.position > round_.position:
                await Round.update({Round.position: r.position - 1}).where(Round.id == r.id)
        await audit.record(
            "round.deleted",
            actor_id=actor_id,
            target_type="round",
            target_id=round_id,
            commune_id=round_.commune,
            now=now,
            data={"name": round_.name, **_audit_dates(round_)},
        )
    return round_


def _audit_dates(round_: AnyRound) -> dict[str, Any]:
    names = [k for k in round_ if k in DATE_FIELDS] if isinstance(round_, Mapping) else DATE_FIELDS
    out: dict[str, Any] = {}
    for name in names:
        v = value(round_, name)
        out[name] = v.isoformat() if isinstance(v, dt.datetime) else v
    out["takes_entries"] = value(round_, "takes_entries", True)
    out["has_judging"] = value(round_, "has_judging", True)
    return out


# ---------------------------------------------------------------- extending a deadline


@dataclass(frozen=True)
class Move:
    round_id: int
    round_name: str
    field: str  # a form field (see MILESTONE_LABELS)
    old: dt.datetime
    new: dt.datetime


@dataclass
class Extension:
    round_: RoundRow
    phase: Phase
    old_end: dt.datetime
    new_end: dt.datetime
    moves: list[Move]  # the later milestones that move with it
    updates: dict[int, dict[str, dt.datetime]]  # round id → new column values


def _phase_of_name(name: str) -> Phase:
    try:
        phase = Phase(name)
    except ValueError:
        raise TimelineError(N_("Choose the phase whose deadline moves."), field="phase") from None
    if phase not in END_FIELDS:
        raise TimelineError(N_("Choose the phase whose deadline moves."), field="phase")
    return phase


def plan_extension(
    round_: RoundRow,
    later: list[RoundRow],
    phase: Phase,
    new_end: dt.datetime,
    *,
    now: dt.datetime,
    frozen: set[int],
) -> Extension:
    """What moving ``phase``'s end to ``new_end`` does: the phase ends later, and every milestone of the
    round after the old end, and every milestone of each later round, moves by the same delta. Pure."""
    reason = lock_reason(round_, frozen=round_.id in frozen, now=now)
    if reason:
        raise TimelineError(reason)
    step = next((s for s in phases.timeline(round_) if s.phase is phase), None)
    if step is None:
        raise TimelineError(N_("This round has no such phase."), field="phase")
    old_end = step.ends
    assert old_end is not None
    if now >= old_end:
        raise TimelineError(
            {
                Phase.submission: N_("Judging has already started: the submission deadline can no longer move."),
                Phase.judging: N_("Judging has already ended: its end can no longer move."),
                Phase.voting: N_("The public vote has already closed: its end can no longer move."),
            }[phase],
            field="new_end",
        )
    if new_end <= old_end:
        raise ValidationFailed({"new_end": MSG_NOT_LATER}, {"new_end": {"current": format_local(old_end)}})
    if any(lock_reason(r, frozen=r.id in frozen, now=now) for r in later):
        raise TimelineError(MSG_LATER_LOCKED, field="new_end")
    delta = new_end - old_end
    end_field = END_FIELDS[phase]
    updates: dict[int, dict[str, dt.datetime]] = {}
    own = {end_field: new_end}
    for name in DATE_FIELDS:
        current = getattr(round_, name)
        if name != end_field and current is not None and current >= old_end:
            own[name] = current + delta
    if phase is Phase.submission and not phases.has_judging(round_):
        own["judging_closes"] = new_end  # the collapsed judging stays at the submission deadline
    updates[round_.id] = own
    for r in later:
        updates[r.id] = {name: getattr(r, name) + delta for name in DATE_FIELDS if getattr(r, name) is not None}
    moves = []
    for r in [round_, *later]:
        after = dataclasses.replace(r, **updates[r.id])
        for (name, old), (_, new) in zip(milestones(r), milestones(after), strict=False):
            if old != new and not (r is round_ and name == end_field):
                moves.append(Move(r.id, r.name, name, old, new))
    changed = dataclasses.replace(round_, **own)
    problems = phases.date_problems(changed)
    if problems:  # cannot happen with a uniform shift, kept as a guard
        raise TimelineError(next(iter(problems.values())), field="new_end")
    return Extension(round_, phase, old_end, new_end, moves, updates)


async def preview_extension(
    round_id: int, phase: str, new_end_text: str, *, now: dt.datetime, scope: Scope
) -> Extension:
    """The plan of an extension, without changing anything (for the confirmation page)."""
    round_ = await round_row(round_id, scope=scope)
    return await _plan(round_, phase, new_end_text, now=now)


async def _plan(round_: RoundRow, phase: str, new_end_text: str, *, now: dt.datetime) -> Extension:
    chosen = _phase_of_name(phase)
    try:
        new_end = parse_local(new_end_text, field="new_end")
    except DateInvalid as exc:
        raise ValidationFailed({"new_end": exc.message}, {"new_end": dict(exc.params)}) from None
    rounds = await contest_rounds(round_.contest)
    later = [r for r in rounds if r.position > round_.position]
    frozen = await _frozen_ids([round_.id, *(r.id for r in later)])
    return plan_extension(round_, later, chosen, new_end, now=now, frozen=frozen)


async def extend(
    round_id: int, phase: str, new_end_text: str, *, actor_id: int, now: dt.datetime, scope: Scope
) -> Extension:
    """Move a phase's end later and every later milestone with it, in one transaction, audited."""
    async with atomic(_db()):
        round_ = await round_row(round_id, scope=scope)
        plan = await _plan(round_, phase, new_end_text, now=now)
        await _apply(plan, actor_id=actor_id, now=now)
    return plan


async def _apply(plan: Extension, *, actor_id: int, now: dt.datetime) -> None:
    for rid, values in plan.updates.items():
        await Round.update({getattr(Round, k): v for k, v in values.items()}).where(Round.id == rid)
    await audit.record(
        "round.deadline_extended",
        actor_id=actor_id,
        target_type="round",
        target_id=plan.round_.id,
        commune_id=plan.round_.commune,
        now=now,
        data={
            "phase": plan.phase.value,
            "from": plan.old_end.isoformat(),
            "to": plan.new_end.isoformat(),
            "moved": [
                {"round": m.round_id, "field": m.field, "from": m.old.isoformat(), "to": m.new.isoformat()}
                for m in plan.moves
            ],
        },
    )


async def extend_to(
    round_id: int, phase: Phase, new_end: dt.datetime, *, actor_id: int, now: dt.datetime, scope: Scope
) -> Extension:
    """``extend`` with an instant instead of typed text (for callers that parsed it themselves)."""
    async with atomic(_db()):
        round_ = await round_row(round_id, scope=scope)
        rounds = await contest_rounds(round_.contest)
        later = [r for r in rounds if r.position > round_.position]
        frozen = await _frozen_ids([round_.id, *(r.id for r in later)])
        plan = plan_extension(round_, later, phase, new_end, now=now, frozen=frozen)
        await _apply(plan, actor_id=actor_id, now=now)
    return plan


# ---------------------------------------------------------------- open now, close now


def plan_now(round_: RoundRow, action: str, phase: Phase, *, now: dt.datetime) -> dict[str, dt.datetime]:
    """The column values that open or close ``phase`` at ``now`` (nothing else moves). Pure."""
    if (action, phase) not in now_actions(round_, now):
        raise TimelineError(MSG_STALE)
    values: dict[str, dt.datetime] = {}
    if action == "close":
        values[END_FIELDS[phase]] = now
        if phase is Phase.submission and not phases.has_judging(round_):
            values["judging_closes"] = now
    else:
        if phase is Phase.submission:
            values["submission_opens"] = now
        elif phase is Phase.judging:  # a round without submission: judging starts the round
            values["submission_opens"] = values["submission_closes"] = now
        elif phase is Phase.voting:
            values["vote_opens"] = now
            if not phases.takes_entries(round_) and not phases.has_judging(round_):
                values["submission_opens"] = values["submission_closes"] = values["judging_closes"] = now
        else:
            values["results_at"] = now
    problems = phases.date_problems(dataclasses.replace(round_, **values))
    if problems:
        raise TimelineError(next(iter(problems.values())))
    return values


async def act_now(round_id: int, action: str, phase: str, *, actor_id: int, now: dt.datetime, scope: Scope) -> Phase:
    """ "Open now" / "Close now" for the round's current or next phase, audited."""
    if action not in ("open", "close"):
        raise TimelineError(MSG_STALE)
    try:
        chosen = Phase(phase)
    except ValueError:
        raise TimelineError(MSG_STALE) from None
    async with atomic(_db()):
        round_ = await round_row(round_id, scope=scope)
        await _check_unlocked(round_, now=now)
        values = plan_now(round_, action, chosen, now=now)
        if action == "open":
            rounds = await contest_rounds(round_.contest)
            before, _, _ = _neighbours(rounds, round_id, round_.position)
            if before is not None and phases.round_starts(dataclasses.replace(round_, **values)) < before.results_at:
                raise TimelineError(
                    N_("The round cannot start before the results of “%(name)s” (%(date)s)."),
                    name=before.name,
                    date=format_local(before.results_at),
                )
        await Round.update({getattr(Round, k): v for k, v in values.items()}).where(Round.id == round_id)
        await audit.record(
            f"round.phase_{'opened' if action == 'open' else 'closed'}_now",
            actor_id=actor_id,
            target_type="round",
            target_id=round_id,
            commune_id=round_.commune,
            now=now,
            data={
                "phase": chosen.value,
                "changed": {
                    k: [getattr(round_, k).isoformat() if getattr(round_, k) else None, v.isoformat()]
                    for k, v in values.items()
                },
            },
        )
    return chosen


__all__ = [
    "RoundForm",
    "Extension",
    "Move",
    "PlannedRound",
    "PlannedStep",
    "TimelineError",
    "overview",
    "add_round",
    "edit_round",
    "delete_round",
    "preview_extension",
    "extend",
    "extend_to",
    "act_now",
    "plan_extension",
    "plan_now",
    "milestones",
    "neighbour_problems",
    "NotFound",
]
