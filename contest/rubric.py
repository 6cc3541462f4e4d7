"""A round's rubric and a contest's awards, as organizers set them, and when they may no longer change.

A round is *locked* once its scores are frozen (judging has closed: ``RoundJudging.frozen_at``, or the
close itself, since the sheets freeze at the first look after it) or its results are published
(``Round.results_at`` has passed) — unless the organizers have reopened the scores, with a reason
recorded in the audit log (``contest.judging.reopen``), and the reopening still runs. A locked round's
rubric, vote rules and awards are refused on every path: the organizer pages call the functions here,
the vote rules check ``round_lock`` (``contest.voting.update_rules``) and piccolo-admin asks
``round_lock``/``contest_lock`` before every write to those rows.

A reopening after the results were published is a correction: ``corrections`` lists them, dated, with
their reason, for the public results page.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from accounts import audit
from accounts.engine import atomic
from accounts.errors import ValidationFailed
from accounts.i18n import N_
from accounts.scope import Scope, load
from accounts.tables import AuditEvent
from contest.errors import IdeaError
from contest.rounds import RoundRow, round_row
from contest.services import ContestRef
from contest.tables import Award, Contest, Criterion, Round, RoundJudging, Score

LOCKED_FROZEN = N_(
    "The scores of this round are frozen: its rubric, vote rules and awards can no longer change. "
    "To correct them, reopen the scores with a reason (it is recorded in the log)."
)
LOCKED_PUBLISHED = N_(
    "The results of this round are published: its rubric, vote rules and awards can no longer "
    "change. To correct them, reopen the scores with a reason; the results page will show the "
    "dated correction."
)

SCALE_LOW, SCALE_HIGH = 0, 100
MAX_WEIGHT = 1000.0
MAX_PLACE = 100

# What an award follows: the stored keyword stays internal, people choose by the label.
BASES: dict[str, str] = {
    "jury": N_("Jury"),
    "public": N_("Open public vote"),
    "combined": N_("Combined"),
}


class Locked(IdeaError):
    """The round's rubric, vote rules and awards are locked (the message says why)."""


def _db():
    return Criterion._meta.db


# ---------------------------------------------------------------- locking


def lock_reason(round_: Mapping[str, Any], settings: Mapping[str, Any] | None, now: dt.datetime) -> str | None:
    """Why a round's rubric, vote rules and awards cannot change now (None: they can)."""
    settings = settings or {}
    if settings.get("reopened_until") and now < settings["reopened_until"]:
        return None  # an audited reopening is running
    if round_.get("results_at") and now >= round_["results_at"]:
        return LOCKED_PUBLISHED
    judged = round_.get("has_judging", True)  # a round without judging has no scores to freeze
    if settings.get("frozen_at") or (judged and round_.get("judging_closes") and now >= round_["judging_closes"]):
        return LOCKED_FROZEN
    return None


async def round_lock(round_id: int | None, now: dt.datetime) -> str | None:
    """``lock_reason`` of a round by id (a round that does not exist is not locked: nothing to protect)."""
    if round_id is None:
        return None
    round_ = (
        await Round.select(Round.results_at, Round.judging_closes, Round.has_judging)
        .where(Round.id == round_id)
        .first()
    )
    if round_ is None:
        return None
    settings = (
        await RoundJudging.select(RoundJudging.frozen_at, RoundJudging.reopened_until)
        .where(RoundJudging.round == round_id)
        .first()
    )
    return lock_reason(round_, settings, now)


async def final_round(contest_id: int) -> dict[str, Any] | None:
    """The round whose results the awards follow: the contest's last."""
    return (
        await Round.select(Round.id, Round.name)
        .where(Round.contest == contest_id)
        .order_by(Round.position, ascending=False)
        .order_by(Round.id, ascending=False)
        .first()
    )


async def contest_lock(contest_id: int | None, now: dt.datetime) -> str | None:
    """Awards are locked with the contest's last round, whose ranking they follow."""
    if contest_id is None:
        return None
    last = await final_round(contest_id)
    return await round_lock(last["id"], now) if last else None


async def _refuse_if_locked(round_id: int, now: dt.datetime) -> None:
    reason = await round_lock(round_id, now)
    if reason:
        raise Locked(reason)


# ---------------------------------------------------------------- criteria


def _number(text: str) -> float | None:
    try:
        value = float(str(text).strip().replace(",", "."))
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _whole(text: str) -> int | None:
    text = str(text).strip()
    if text.startswith("-"):
        return -int(text[1:]) if text[1:].isdigit() and len(text) < 8 else None
    return int(text) if text.isdigit() and len(text) < 8 else None


def descriptor_lines(text: str) -> list[str]:
    """One descriptor per line, lowest level first; empty lines do not count."""
    return [line.strip() for line in str(text or "").splitlines() if line.strip()]


def parse_criterion(form: Mapping[str, Any]) -> dict[str, Any]:
    """Check a criterion form: the values to store, or ``ValidationFailed`` naming each wrong field."""
    errors: dict[str, str] = {}
    params: dict[str, dict[str, object]] = {}
    name = " ".join(str(form.get("name", "")).split())
    description = str(form.get("description", "")).strip()
    if not name:
        errors["name"] = N_("Please give the criterion a name.")
    elif len(name) > 150:
        errors["name"], params["name"] = N_("At most %(max)s characters."), {"max": 150}
    if len(description) > 2000:
        errors["description"], params["description"] = N_("At most %(max)s characters."), {"max": 2000}
    weight = _number(form.get("weight", ""))
    if weight is None or not 0 < weight <= MAX_WEIGHT:
        errors["weight"], params["weight"] = (
            N_("The weight is a number greater than 0 (at most %(max)s)."),
            {"max": int(MAX_WEIGHT)},
        )
    low, high = _whole(form.get("scale_min", "")), _whole(form.get("scale_max", ""))
    range_params: dict[str, object] = {"low": SCALE_LOW, "high": SCALE_HIGH}
    for field, value in (("scale_min", low), ("scale_max", high)):
        if value is None or not SCALE_LOW <= value <= SCALE_HIGH:
            errors[field], params[field] = N_("A whole number from %(low)s to %(high)s."), range_params
    if "scale_min" not in errors and "scale_max" not in errors and low is not None and high is not None and low >= high:
        errors["scale_max"] = N_("The highest level must be above the lowest.")
    lines = descriptor_lines(form.get("descriptors", ""))
    if low is not None and high is not None and not errors.keys() & {"scale_min", "scale_max"}:
        levels = high - low + 1
        if len(lines) not in (0, levels):
            errors["descriptors"] = N_(
                "Write one line per level, lowest level first: %(levels)s lines for the "
                "levels %(low)s to %(high)s (now %(count)s), or leave the box empty."
            )
            params["descriptors"] = {"levels": levels, "low": low, "high": high, "count": len(lines)}
        elif any(len(line) > 500 for line in lines):
            errors["descriptors"], params["descriptors"] = N_("At most %(max)s characters per line."), {"max": 500}
    if errors:
        raise ValidationFailed(errors, params)
    return {
        "name": name,
        "description": description,
        "weight": weight,
        "scale_min": low,
        "scale_max": high,
        "descriptors": lines,
    }


def criterion_form(criterion: Mapping[str, Any]) -> dict[str, str]:
    """A stored criterion as the form shows it (descriptors one per line)."""
    weight = criterion["weight"]
    return {
        "name": criterion["name"],
        "description": criterion["description"] or "",
        "weight": f"{weight:g}",
        "scale_min": str(criterion["scale_min"]),
        "scale_max": str(criterion["scale_max"]),
        "descriptors": "\n".join(_descriptors(criterion["descriptors"])),
    }


def _descriptors(value: Any) -> list[str]:
    if isinstance(value, str):
        try:
            value = json.loads(value or "[]")
        except ValueError:
            return []
    return [str(v) for v in value or []]


async def round_for_rubric(round_id: int, *, scope: Scope) -> RoundRow:
    """A round with its contest's commune, slug and title, only within ``scope`` (one query)."""
    return await round_row(round_id, scope=scope)


async def criteria_of(round_id: int) -> list[dict[str, Any]]:
    """The rubric in order, each criterion with its descriptors and its share of the total weight (%)."""
    rows = await Criterion.select().where(Criterion.round == round_id).order_by(Criterion.position, Criterion.id)
    total = sum(r["weight"] for r in rows)
    for row in rows:
        row["descriptors"] = _descriptors(row["descriptors"])
        row["share"] = 100.0 * row["weight"] / total if total > 0 else 0.0
    return rows


async def rubric_page(round_id: int, *, scope: Scope, now: dt.datetime) -> dict[str, Any]:
    round_ = await round_for_rubric(round_id, scope=scope)
    return {"round": round_, "criteria": await criteria_of(round_id), "lock": await round_lock(round_id, now)}


async def criterion_of(round_id: int, criterion_id: int, *, scope: Scope) -> dict[str, Any]:
    """One criterion of the round, only within ``scope`` (one query)."""
    return await load(
        Criterion,
        (Criterion.id == criterion_id) & (Criterion.round == round_id),
        scope,
        Criterion.all_columns(),
        missing=N_("This criterion does not exist."),
    )


async def _check_scores_fit(criterion_id: int, low: int, high: int) -> None:
    """Judges' scores already given must stay on the scale."""
    given = await Score.raw(
        "SELECT MIN(value) AS low, MAX(value) AS high FROM score_item WHERE criterion = {} AND value IS NOT NULL",
        criterion_id,
    )
    if given and given[0]["low"] is not None and (given[0]["low"] < low or given[0]["high"] > high):
        raise ValidationFailed(
            {
                "scale_min": N_(
                    "Judges have already given scores from %(low)s to %(high)s: the scale must include them."
                )
            },
            {"scale_min": {"low": given[0]["low"], "high": given[0]["high"]}},
        )


async def add_criterion(
    round_id: int, form: Mapping[str, Any], *, actor_id: int, now: dt.datetime, scope: Scope
) -> int:
    round_ = await round_for_rubric(round_id, scope=scope)
    values = parse_criterion(form)
    async with atomic(_db()):
        await _refuse_if_locked(round_id, now)
        last = (
            await Criterion.select(Criterion.position)
            .where(Criterion.round == round_id)
            .order_by(Criterion.position, ascending=False)
            .first()
        )
        row = Criterion(
            round=round_id,
            position=(last["position"] + 1) if last else 1,
            **{**values, "descriptors": json.dumps(values["descriptors"], ensure_ascii=False)},
        )
        await row.save()
        await audit.record(
            "rubric.criterion.added",
            actor_id=actor_id,
            target_type="rubric_criterion",
            target_id=row.id,
            commune_id=round_.commune,
            now=now,
            data={"round": round_id, **values},
        )
    return row.id


async def update_criterion(
    round_id: int, criterion_id: int, form: Mapping[str, Any], *, actor_id: int, now: dt.datetime, scope: Scope
) -> None:
    round_ = await round_for_rubric(round_id, scope=scope)
    await criterion_of(round_id, criterion_id, scope=scope)
    values = parse_criterion(form)
    async with atomic(_db()):
        await _refuse_if_locked(round_id, now)
        await _check_scores_fit(criterion_id, values["scale_min"], values["scale_max"])
        await Criterion.update(
            {
                **{getattr(Criterion, k): v for k, v in values.items() if k != "descriptors"},
                Criterion.descriptors: json.dumps(values["descriptors"], ensure_ascii=False),
            }
        ).where((Criterion.id == criterion_id) & (Criterion.round == round_id))
        await audit.record(
            "rubric.criterion.changed",
            actor_id=actor_id,
            target_type="rubric_criterion",
            target_id=criterion_id,
            commune_id=round_.commune,
            now=now,
            data={"round": round_id, **values},
        )


async def delete_criterion(round_id: int, criterion_id: int, *, actor_id: int, now: dt.datetime, scope: Scope) -> None:
    round_ = await round_for_rubric(round_id, scope=scope)
    criterion = await criterion_of(round_id, criterion_id, scope=scope)
    async with atomic(_db()):
        await _refuse_if_locked(round_id, now)
        if await Score.exists().where((Score.criterion == criterion_id) & Score.value.is_not_null()):
            raise IdeaError(N_("Judges have already scored this criterion: it can no longer be removed."))
        await Criterion.delete().where((Criterion.id == criterion_id) & (Criterion.round == round_id))
        await audit.record(
            "rubric.criterion.removed",
            actor_id=actor_id,
            target_type="rubric_criterion",
            target_id=criterion_id,
            commune_id=round_.commune,
            now=now,
            data={"round": round_id, "name": criterion["name"]},
        )


async def move_criterion(
    round_id: int, criterion_id: int, direction: str, *, actor_id: int, now: dt.datetime, scope: Scope
) -> None:
    """Move a criterion one place up or down; the rubric is renumbered 1, 2, 3…"""
    round_ = await round_for_rubric(round_id, scope=scope)
    await criterion_of(round_id, criterion_id, scope=scope)
    if direction not in ("up", "down"):
        raise IdeaError(N_("Choose up or down."))
    async with atomic(_db()):
        await _refuse_if_locked(round_id, now)
        ids = [
            r["id"]
            for r in await Criterion.select(Criterion.id)
            .where(Criterion.round == round_id)
            .order_by(Criterion.position, Criterion.id)
        ]
        at = ids.index(criterion_id)
        to = at - 1 if direction == "up" else at + 1
        if 0 <= to < len(ids):
            ids[at], ids[to] = ids[to], ids[at]
        for position, cid in enumerate(ids, start=1):
            await Criterion.update({Criterion.position: position}).where(Criterion.id == cid)
        await audit.record(
            "rubric.criterion.moved",
            actor_id=actor_id,
            target_type="rubric_criterion",
            target_id=criterion_id,
            commune_id=round_.commune,
            now=now,
            data={"round": round_id, "order": ids},
        )


# ---------------------------------------------------------------- awards


def parse_award(form: Mapping[str, Any], *, has_vote: bool = True) -> dict[str, Any]:
    errors: dict[str, str] = {}
    params: dict[str, dict[str, object]] = {}
    name = " ".join(str(form.get("name", "")).split())
    prize = str(form.get("prize", "")).strip()
    if not name:
        errors["name"] = N_("Please give the award a name.")
    elif len(name) > 120:
        errors["name"], params["name"] = N_("At most %(max)s characters."), {"max": 120}
    rank = _whole(form.get("rank", ""))
    if rank is None or not 1 <= rank <= MAX_PLACE:
        errors["rank"], params["rank"] = N_("The place is a whole number from 1 to %(max)s."), {"max": MAX_PLACE}
    if len(prize) > 2000:
        errors["prize"], params["prize"] = N_("At most %(max)s characters."), {"max": 2000}
    basis = str(form.get("basis", ""))
    if basis not in BASES:
        errors["basis"] = N_("Choose from the list what the award follows.")
    elif basis != "jury" and not has_vote:
        errors["basis"] = N_("This contest has no public vote: the award can only follow the jury.")
    if errors:
        raise ValidationFailed(errors, params)
    return {"name": name, "rank": rank, "prize": prize, "basis": basis}


def award_form(award: Mapping[str, Any]) -> dict[str, str]:
    return {"name": award["name"], "rank": str(award["rank"]), "prize": award["prize"] or "", "basis": award["basis"]}


async def contest_for_awards(slug: str, *, scope: Scope) -> ContestRef:
    """A contest, only within ``scope`` (one query)."""
    row = await load(
        Contest,
        Contest.slug == slug,
        scope,
        Contest.id,
        Contest.commune,
        Contest.slug,
        Contest.title,
        missing=N_("This contest does not exist or is not published yet."),
    )
    return ContestRef(**row)


async def _has_vote(contest_id: int) -> bool:
    return await Round.exists().where((Round.contest == contest_id) & Round.vote_opens.is_not_null())


@dataclass(frozen=True, slots=True)
class AwardRow:
    """An award of a contest and the code of the idea that won it (once given)."""

    id: int
    contest: int
    name: str
    position: int
    basis: str
    rank: int
    prize: str
    idea: int | None
    idea_code: str | None


async def awards_page(slug: str, *, scope: Scope, now: dt.datetime) -> dict[str, Any]:
    contest = await contest_for_awards(slug, scope=scope)
    awards = (
        await Award.select(*Award.all_columns(), Award.idea.code)
        .where(Award.contest == contest.id)
        .order_by(Award.position, Award.id)
    )
    return {
        "contest": contest,
        "awards": [
            AwardRow(
                id=a["id"],
                contest=a["contest"],
                name=a["name"],
                position=a["position"],
                basis=a["basis"],
                rank=a["rank"],
                prize=a["prize"],
                idea=a["idea"],
                idea_code=a["idea.code"],
            )
            for a in awards
        ],
        "lock": await contest_lock(contest.id, now),
        "final_round": await final_round(contest.id),
        "has_vote": await _has_vote(contest.id),
    }


async def award_of(slug: str, award_id: int, *, scope: Scope) -> dict[str, Any]:
    """One award of the contest, only within ``scope`` (one query)."""
    return await load(
        Award,
        (Award.id == award_id) & (Award.contest.slug == slug),
        scope,
        Award.all_columns(),
        Award.contest.commune,
        missing=N_("This award does not exist."),
    )


async def _refuse_if_contest_locked(contest_id: int, now: dt.datetime) -> None:
    reason = await contest_lock(contest_id, now)
    if reason:
        raise Locked(reason)


async def add_award(slug: str, form: Mapping[str, Any], *, actor_id: int, now: dt.datetime, scope: Scope) -> int:
    contest = await contest_for_awards(slug, scope=scope)
    values = parse_award(form, has_vote=await _has_vote(contest.id))
    async with atomic(_db()):
        await _refuse_if_contest_locked(contest.id, now)
        last = (
            await Award.select(Award.position)
            .where(Award.contest == contest.id)
            .order_by(Award.position, ascending=False)
            .first()
        )
        row = Award(contest=contest.id, position=(last["position"] + 1) if last else 1, **values)
        await row.save()
        await audit.record(
            "award.added",
            actor_id=actor_id,
            target_type="award",
            target_id=row.id,
            commune_id=contest.commune,
            now=now,
            data={"contest": contest.id, **values},
        )
    return row.id


async def update_award(
    slug: str, award_id: int, form: Mapping[str, Any], *, actor_id: int, now: dt.datetime, scope: Scope
) -> None:
    award = await award_of(slug, award_id, scope=scope)
    values = parse_award(form, has_vote=await _has_vote(award["contest"]))
    async with atomic(_db()):
        await _refuse_if_contest_locked(award["contest"], now)
        await Award.update({getattr(Award, k): v for k, v in values.items()}).where(Award.id == award_id)
        await audit.record(
            "award.changed",
            actor_id=actor_id,
            target_type="award",
            target_id=award_id,
            commune_id=award["contest.commune"],
            now=now,
            data={"contest": award["contest"], **values},
        )


async def delete_award(slug: str, award_id: int, *, actor_id: int, now: dt.datetime, scope: Scope) -> None:
    award = await award_of(slug, award_id, scope=scope)
    async with atomic(_db()):
        await _refuse_if_contest_locked(award["contest"], now)
        await Award.delete().where(Award.id == award_id)
        await audit.record(
            "award.removed",
            actor_id=actor_id,
            target_type="award",
            target_id=award_id,
            commune_id=award["contest.commune"],
            now=now,
            data={"contest": award["contest"], "name": award["name"]},
        )


def winners(awards: list[dict[str, Any]], *, combined: list[int], jury: list[int], public: list[int]) -> None:
    """Fill in each award not given by hand with the idea at its place of the ranking it follows."""
    orders = {"combined": combined, "jury": jury, "public": public}
    for award in awards:
        if award["idea"] is None:
            order = orders.get(award["basis"], combined)
            award["winner"] = order[award["rank"] - 1] if 0 < award["rank"] <= len(order) else None
        else:
            award["winner"] = award["idea"]


@dataclass(frozen=True, slots=True)
class AwardResult:
    """An award as the published results show it, with the idea that won it (None: not given)."""

    id: int
    name: str
    prize: str
    idea: int | None
    idea_code: str | None
    idea_title: str | None


async def awarded(
    contest_id: int,
    *,
    combined: list[int],
    jury: list[int],
    public: list[int],
    ideas: Mapping[int, Mapping[str, Any]],
) -> list[AwardResult]:
    """The contest's awards in order, each with its winner: the idea given by hand, else the idea at its
    place of the ranking it follows (``ideas``: the ranked ideas' codes and titles by id)."""
    awards = (
        await Award.select(*Award.all_columns(), Award.idea.code, Award.idea.title)
        .where(Award.contest == contest_id)
        .order_by(Award.position)
    )
    winners(awards, combined=combined, jury=jury, public=public)
    out = []
    for award in awards:
        idea, code, title = award["idea"], award["idea.code"], award["idea.title"]
        winner = award["winner"]
        if idea is None and winner in ideas:
            idea, code, title = winner, ideas[winner]["code"], ideas[winner]["title"]
        out.append(
            AwardResult(
                id=award["id"], name=award["name"], prize=award["prize"], idea=idea, idea_code=code, idea_title=title
            )
        )
    return out


# ---------------------------------------------------------------- corrections of published results


async def corrections(round_: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Reopenings of the round's scores after its results were published, oldest first: each is a
    correction of the published results (its time and reason, from the audit log)."""
    events = (
        await AuditEvent.select(AuditEvent.created_at, AuditEvent.data)
        .where(
            (AuditEvent.action == "judging.reopened")
            & (AuditEvent.target_type == "round")
            & (AuditEvent.target_id == str(round_["id"]))
            & (AuditEvent.created_at >= round_["results_at"])
        )
        .order_by(AuditEvent.seq)
    )
    out = []
    for event in events:
        data = event["data"]
        if isinstance(data, str):
            data = json.loads(data or "{}")
        out.append({"at": event["created_at"], "reason": str((data or {}).get("reason", ""))})
    return out
