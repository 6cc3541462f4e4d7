"""The city final: the communes put their best ideas forward to a city contest.

The city is its own tenant: a commune row marked by ``CityLevel`` owns the city's contests, and the
city organizers organize that row, so a city final is run with the contest machinery (rounds,
rubric, panel, assignment, ranking, vote, results). A ``CityFinal`` says which contest takes
nominations and how many ideas each commune may put forward.

A commune's organizer nominates ideas of its own commune from its published results; the team
lead confirms (choosing which jury comments to share) or declines. On confirmation the idea
enters the final's first round as a new entry of the city's contest that carries its history
(commune results, the shared comments) and links back to the commune's idea (``Nomination``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import Any

from accounts import audit, memo, notifications
from accounts import services as account_services
from accounts.engine import atomic
from accounts.errors import NotFound, ValidationFailed
from accounts.i18n import N_, translate
from accounts.prepared import Prepared
from accounts.scope import Scope, load
from accounts.tables import Commune, Role, RoleGrant, User
from city.final_tables import CityFinal, CityLevel, Nomination, NominationStatus
from contest import judging
from contest.errors import IdeaError
from contest.services import _search_text, allocate_code
from contest.tables import (
    Category,
    Contest,
    Idea,
    IdeaMember,
    IdeaStatus,
    MemberStatus,
    PanelMember,
    Round,
    RoundEntry,
    Score,
    ScoreSheet,
    SheetStatus,
)

CITY = {"name": "Thành phố Hải Phòng", "slug": "thanh-pho-hai-phong", "code": "HP"}
MAX_PER_COMMUNE = 20
NOMINATION_NOT_FOUND = N_("This nomination does not exist or is not yours to answer.")
FINAL_NOT_FOUND = N_("This city final does not exist.")
IDEA_NOT_FOUND = N_("This idea does not exist or belongs to another commune.")
STATUS_LABELS = {
    NominationStatus.pending.value: N_("Waiting for the team"),
    NominationStatus.confirmed.value: N_("In the city final"),
    NominationStatus.declined.value: N_("Declined by the team"),
}
ENTRY_STATUSES = (IdeaStatus.submitted.value, IdeaStatus.shortlisted.value, IdeaStatus.finalist.value)
ENTRY_STATUSES += (IdeaStatus.awarded.value,)


def _db():
    return Nomination._meta.db


# ---------------------------------------------------------------- the city level


async def city_levels() -> set[int]:
    """The tenant rows that stand for the city (not communes: nobody lives there)."""
    return {r["commune"] for r in await CityLevel.select(CityLevel.commune)}


async def ensure_city_level(*, now: dt.datetime) -> int:
    """The city's own tenant row, created the first time (idempotent)."""
    row = await Commune.select(Commune.id).where(Commune.slug == CITY["slug"]).first()
    if row is None:
        commune = Commune(
            name=CITY["name"],
            slug=CITY["slug"],
            code=CITY["code"],
            description="Các cuộc thi cấp thành phố của chương trình «Hải Phòng — Thành phố Đổi mới sáng tạo».",
            created_at=now,
        )
        await commune.save()
        commune_id = commune.id
    else:
        commune_id = row["id"]
    await CityLevel.insert(CityLevel(commune=commune_id)).on_conflict(target=(CityLevel.commune,), action="DO NOTHING")
    return commune_id


async def make_city_organizer(user_id: int, *, now: dt.datetime) -> None:
    """A city organizer runs the city's contests: organizer of the city level too (audited grants)."""
    commune_id = await ensure_city_level(now=now)
    await account_services.grant_role(user_id, Role.city_organizer, actor=None, now=now)
    await account_services.grant_role(user_id, Role.organizer, commune_id=commune_id, actor=None, now=now)


# ---------------------------------------------------------------- finals


async def create_final(
    contest_id: int,
    *,
    per_commune: int,
    nominations_close: dt.datetime | None,
    actor_id: int | None,
    now: dt.datetime,
    scope: Scope,
) -> int:
    """Make a contest of the city level a city final taking ``per_commune`` ideas from each commune."""
    contest = await load(Contest, contest_id, scope, Contest.id, Contest.commune)
    if contest["commune"] not in await city_levels():
        raise IdeaError(N_("Only a contest of the city level can be a city final."))
    _check_per_commune(per_commune)
    await CityFinal.insert(
        CityFinal(contest=contest_id, per_commune=per_commune, nominations_close=nominations_close, created_at=now)
    ).on_conflict(target=(CityFinal.contest,), action="DO NOTHING")
    row = await CityFinal.select(CityFinal.id).where(CityFinal.contest == contest_id).first()
    assert row is not None  # inserted just above if missing
    await audit.record(
        "city.final_created",
        actor_id=actor_id,
        target_type="contest",
        target_id=contest_id,
        commune_id=contest["commune"],
        now=now,
        data={"per_commune": per_commune},
    )
    return row["id"]


def _check_per_commune(per_commune: int) -> None:
    if not 1 <= per_commune <= MAX_PER_COMMUNE:
        raise ValidationFailed(
            {"per_commune": N_("Between 1 and %(most)s ideas per commune.")}, {"per_commune": {"most": MAX_PER_COMMUNE}}
        )


async def set_per_commune(final_id: int, per_commune: int, *, actor_id: int, now: dt.datetime, scope: Scope) -> None:
    """The city organizers change how many ideas each commune may nominate (places taken stay)."""
    final = await load(CityFinal, final_id, scope, CityFinal.id, CityFinal.contest.commune, missing=FINAL_NOT_FOUND)
    _check_per_commune(per_commune)
    await CityFinal.update({CityFinal.per_commune: per_commune}).where(CityFinal.id == final_id)
    await audit.record(
        "city.final_limit_set",
        actor_id=actor_id,
        target_type="city_final",
        target_id=final_id,
        commune_id=final["contest.commune"],
        now=now,
        data={"per_commune": per_commune},
    )


_FINAL_COLUMNS = (
    CityFinal.id,
    CityFinal.contest,
    CityFinal.per_commune,
    CityFinal.nominations_close,
    CityFinal.contest.title,
    CityFinal.contest.slug,
    CityFinal.contest.commune,
    CityFinal.contest.published,
)


@dataclass(frozen=True, slots=True)
class FinalRow:
    """A city final with its contest."""

    id: int
    contest: int
    per_commune: int
    nominations_close: dt.datetime | None
    title: str
    slug: str
    commune: int
    published: bool

    @classmethod
    def of(cls, row: dict[str, Any]) -> FinalRow:
        """From a row selected with ``_FINAL_COLUMNS``."""
        return cls(
            id=row["id"],
            contest=row["contest"],
            per_commune=row["per_commune"],
            nominations_close=row["nominations_close"],
            title=row["contest.title"],
            slug=row["contest.slug"],
            commune=row["contest.commune"],
            published=bool(row["contest.published"]),
        )


def nominations_open(final: FinalRow, now: dt.datetime) -> bool:
    return final.published and (final.nominations_close is None or now < final.nominations_close)


async def finals() -> list[FinalRow]:
    """Every published city final (communes nominate to these)."""
    rows = (
        await CityFinal.select(*_FINAL_COLUMNS)
        .where(CityFinal.contest.published == True)  # noqa: E712
        .order_by(CityFinal.id, ascending=False)
    )
    return [FinalRow.of(r) for r in rows]


async def final_row(final_id: int) -> dict[str, Any]:
    """A published city final, as any commune's organizer sees it."""
    row = (
        await CityFinal.select(*_FINAL_COLUMNS)
        .where((CityFinal.id == final_id) & (CityFinal.contest.published == True))  # noqa: E712
        .first()
    )
    if row is None:
        raise NotFound(FINAL_NOT_FOUND)
    return row


async def final_of_contest(contest_id: int) -> dict[str, Any] | None:
    return await CityFinal.select(*_FINAL_COLUMNS).where(CityFinal.contest == contest_id).first()


async def finals_in(scope: Scope) -> list[FinalRow]:
    """The city finals the city organizer runs (within their scope)."""
    condition = CityFinal.contest.commune.is_in(sorted(scope.communes) or [-1])
    query = CityFinal.select(*_FINAL_COLUMNS)
    rows = await (query if scope.everywhere else query.where(condition)).order_by(CityFinal.id, ascending=False)
    return [FinalRow.of(r) for r in rows]


# ---------------------------------------------------------------- the commune's results


async def _published_rounds(commune_ids: list[int] | None, now: dt.datetime) -> list[dict[str, Any]]:
    """Rounds of the communes' published contests whose results are out (newest first)."""
    levels = await city_levels()
    condition = (Round.contest.published == True) & (Round.results_at <= now)  # noqa: E712
    if commune_ids is not None:
        condition &= Round.contest.commune.is_in(commune_ids or [-1])
    if levels:
        condition &= Round.contest.commune.not_in(sorted(levels))
    return (
        await Round.select(
            Round.id,
            Round.name,
            Round.position,
            Round.results_at,
            Round.contest,
            Round.contest.title,
            Round.contest.commune,
            Round.contest._.commune.name,
        )
        .where(condition)
        .order_by(Round.results_at, ascending=False)
    )


async def _ranking(round_id: int) -> list[dict[str, Any]]:
    """The round's published ranking by its deciding method: rank, score, entry id."""
    data = await judging.results(round_id)
    method = data["deciding_method"]
    rows = []
    for place, row in enumerate(data["ranking"], start=1):
        score = getattr(row["result"], method, None)
        rows.append({"idea": row["result"].entry, "rank": place, "score": score, "sheets": row["result"].n})
    return rows


@dataclass(frozen=True, slots=True)
class CandidateRow:
    """An idea of a commune's published results that may go to the city final (``nominated``: its
    nomination to this final, if any)."""

    idea: int
    rank: int
    score: float | None
    sheets: int
    code: str
    title: str
    nominated: dict[str, Any] | None


@dataclass(frozen=True, slots=True)
class CandidateRound:
    """A round of a commune contest whose results are published, with its nominable ideas."""

    id: int
    name: str
    position: int
    results_at: dt.datetime
    contest: int
    contest_title: str
    commune: int
    commune_name: str
    of: int
    rows: tuple[CandidateRow, ...]


async def candidates(final_id: int, *, scope: Scope, now: dt.datetime) -> dict[str, Any]:
    """What a commune organizer may nominate: the ideas of their commune's published results, by
    round, with their place and score; the places the commune has used and how many it has."""
    final = FinalRow.of(await final_row(final_id))
    communes = None if scope.everywhere else sorted(scope.communes)
    rounds = []
    taken = {
        n["idea"]: n
        for n in await Nomination.select(Nomination.idea, Nomination.status).where(Nomination.final == final_id)
    }
    for round_ in await _published_rounds(communes, now):
        ranking = await _ranking(round_["id"])
        if not ranking:
            continue
        ideas = {
            i["id"]: i
            for i in await Idea.select(Idea.id, Idea.code, Idea.title, Idea.hidden, Idea.status).where(
                Idea.id.is_in([r["idea"] for r in ranking])
            )
        }
        rows = []
        for r in ranking:
            idea = ideas.get(r["idea"])
            if idea is None or idea["hidden"] or idea["status"] not in ENTRY_STATUSES:
                continue
            rows.append(
                CandidateRow(
                    idea=r["idea"],
                    rank=r["rank"],
                    score=r["score"],
                    sheets=r["sheets"],
                    code=idea["code"],
                    title=idea["title"],
                    nominated=taken.get(r["idea"]),
                )
            )
        rounds.append(
            CandidateRound(
                id=round_["id"],
                name=round_["name"],
                position=round_["position"],
                results_at=round_["results_at"],
                contest=round_["contest"],
                contest_title=round_["contest.title"],
                commune=round_["contest.commune"],
                commune_name=round_["contest.commune.name"],
                of=len(ranking),
                rows=tuple(rows),
            )
        )
    used = await _used(final_id, communes)
    return {"final": final, "rounds": rounds, "used": used, "open": nominations_open(final, now)}


async def _used(final_id: int, communes: list[int] | None) -> dict[int, int]:
    """Places taken per commune (pending and confirmed nominations)."""
    condition = (Nomination.final == final_id) & Nomination.slot.is_not_null()
    if communes is not None:
        condition &= Nomination.commune.is_in(communes or [-1])
    used: dict[int, int] = {}
    for n in await Nomination.select(Nomination.commune).where(condition):
        used[n["commune"]] = used.get(n["commune"], 0) + 1
    return used


async def _history(idea: dict[str, Any], now: dt.datetime) -> dict[str, Any] | None:
    """The idea's commune results: its place in the latest published round that ranked it."""
    rounds = {r["id"]: r for r in await _published_rounds([idea["contest.commune"]], now)}
    own = [idea["round"]] + [
        e["round"] for e in await RoundEntry.select(RoundEntry.round).where(RoundEntry.idea == idea["id"])
    ]
    for round_id in sorted((r for r in own if r in rounds), key=lambda r: rounds[r]["results_at"], reverse=True):
        ranking = await _ranking(round_id)
        for row in ranking:
            if row["idea"] == idea["id"]:
                round_ = rounds[round_id]
                return {
                    "commune": round_["contest.commune.name"],
                    "contest": round_["contest.title"],
                    "round": round_["name"],
                    "round_id": round_id,
                    "rank": row["rank"],
                    "of": len(ranking),
                    "score": None if row["score"] is None else round(float(row["score"]), 1),
                    "code": idea["code"],
                }
    return None


def _is_unique_violation(exc: Exception) -> bool:
    text = str(exc).lower()
    return "unique" in text or "duplicate" in text


async def nominate(
    final_id: int,
    idea_id: int,
    *,
    note: str = "",
    actor_id: int,
    now: dt.datetime,
    scope: Scope,
    lang: str = "vi",
) -> int:
    """A commune organizer puts an idea of their commune's published results forward (audited).

    The idea is loaded within the organizer's scope in the same query: another commune's idea is
    not found. The commune's places are numbered slots with a unique index, so the city's limit
    holds even when two organizers of the commune nominate at once."""
    final = await final_row(final_id)
    if not nominations_open(FinalRow.of(final), now):
        raise IdeaError(N_("Nominations to this city final are closed."))
    if len(note) > 1000:
        raise ValidationFailed({"note": N_("At most %(most)s characters.")}, {"note": {"most": 1000}})
    idea = await load(
        Idea,
        idea_id,
        scope,
        Idea.id,
        Idea.code,
        Idea.title,
        Idea.lead,
        Idea.round,
        Idea.hidden,
        Idea.status,
        Idea.contest.commune,
        Idea.contest._.commune.name,
        missing=IDEA_NOT_FOUND,
    )
    commune_id = idea["contest.commune"]
    if commune_id in await city_levels():
        raise NotFound(IDEA_NOT_FOUND)
    if idea["hidden"] or idea["status"] not in ENTRY_STATUSES:
        raise IdeaError(N_("Only an idea of your commune's published results can be nominated."))
    history = await _history(idea, now)
    if history is None:
        raise IdeaError(N_("Only an idea of your commune's published results can be nominated."))
    if await Nomination.exists().where((Nomination.final == final_id) & (Nomination.idea == idea_id)):
        raise IdeaError(N_("This idea is already nominated to the city final."))
    for _attempt in range(3):
        taken = {
            n["slot"]
            for n in await Nomination.select(Nomination.slot).where(
                (Nomination.final == final_id) & (Nomination.commune == commune_id) & Nomination.slot.is_not_null()
            )
        }
        free = [s for s in range(1, final["per_commune"] + 1) if s not in taken]
        if not free:
            raise IdeaError(
                N_("Your commune has used all its %(count)s places in this city final."), count=final["per_commune"]
            )
        try:
            async with atomic(_db()):
                rows = await Nomination.insert(
                    Nomination(
                        final=final_id,
                        commune=commune_id,
                        idea=idea_id,
                        slot=free[0],
                        status=NominationStatus.pending.value,
                        history=history,
                        note=note.strip(),
                        nominated_by=actor_id,
                        nominated_at=now,
                    )
                ).returning(Nomination.id)
                nomination_id = rows[0]["id"]
                await audit.record(
                    "city.nominated",
                    actor_id=actor_id,
                    target_type="idea",
                    target_id=idea_id,
                    commune_id=commune_id,
                    now=now,
                    data={"final": final_id, "nomination": nomination_id, "slot": free[0]},
                )
                await notifications.notify(
                    idea["lead"],
                    kind="city_nominated",
                    now=now,
                    link=notifications.absolute(f"/my/city-nominations/{nomination_id}"),
                    title=translate(
                        N_("“%(title)s” is nominated to %(final)s"),
                        lang,
                        title=idea["title"],
                        final=final["contest.title"],
                    ),
                    body=translate(
                        N_(
                            "%(commune)s puts your idea %(code)s forward to the city final. "
                            "Confirm or decline, and choose which jury comments to share."
                        ),
                        lang,
                        commune=idea["contest.commune.name"],
                        code=idea["code"],
                    ),
                )
            return nomination_id
        except Exception as exc:
            if not _is_unique_violation(exc):
                raise
            if await Nomination.exists().where((Nomination.final == final_id) & (Nomination.idea == idea_id)):
                raise IdeaError(N_("This idea is already nominated to the city final.")) from exc
    raise IdeaError(
        N_("Your commune has used all its %(count)s places in this city final."), count=final["per_commune"]
    )


# ---------------------------------------------------------------- the team answers


_NOMINATION_COLUMNS = (
    Nomination.id,
    Nomination.final,
    Nomination.commune,
    Nomination.idea,
    Nomination.status,
    Nomination.history,
    Nomination.shared_comments,
    Nomination.note,
    Nomination.entry,
    Nomination.nominated_at,
    Nomination.responded_at,
    Nomination.commune.name,
    Nomination.idea.code,
    Nomination.idea.title,
    Nomination.idea.lead,
    Nomination.entry.code,
    Nomination.entry.status,
    Nomination.entry.round,
    Nomination.final.contest,
    Nomination.final._.contest.title,
    Nomination.final._.contest.slug,
)


@dataclass(frozen=True, slots=True)
class NominationRow:
    """A nomination to a city final: the commune's idea, its commune results (``history``), its
    team's answer and, once confirmed, its entry in the final. ``comments``: the jury comments the
    team may share (its own page only); ``sheets`` and ``place``: how far the entry has gone (the
    commune's progress only)."""

    id: int
    final: int
    commune: int
    commune_name: str
    idea: int
    code: str
    title: str
    lead: int
    status: str
    history: dict[str, Any]
    shared_comments: list[dict[str, Any]]
    note: str
    nominated_at: dt.datetime
    responded_at: dt.datetime | None
    entry: int | None
    entry_code: str | None
    entry_status: str | None
    entry_round: int | None
    final_contest: int
    final_title: str
    final_slug: str
    comments: tuple[dict[str, Any], ...] = ()
    sheets: int = 0
    place: dict[str, int] | None = None

    @classmethod
    def of(cls, row: dict[str, Any]) -> NominationRow:
        """From a row selected with ``_NOMINATION_COLUMNS`` (its JSON fields decoded)."""
        row = _decoded(row)
        return cls(
            id=row["id"],
            final=row["final"],
            commune=row["commune"],
            commune_name=row["commune.name"],
            idea=row["idea"],
            code=row["idea.code"],
            title=row["idea.title"],
            lead=row["idea.lead"],
            status=row["status"],
            history=row["history"],
            shared_comments=row["shared_comments"],
            note=row["note"],
            nominated_at=row["nominated_at"],
            responded_at=row["responded_at"],
            entry=row["entry"],
            entry_code=row["entry.code"],
            entry_status=row["entry.status"],
            entry_round=row["entry.round"],
            final_contest=row["final.contest"],
            final_title=row["final.contest.title"],
            final_slug=row["final.contest.slug"],
        )


def _decoded(row: dict[str, Any]) -> dict[str, Any]:
    import json

    for key, empty in (("history", {}), ("shared_comments", [])):
        value = row.get(key)
        if isinstance(value, str):
            row[key] = json.loads(value) if value else empty
    return row


async def team_nominations(user_id: int) -> list[NominationRow]:
    """The nominations of the ideas this person leads (newest first)."""
    rows = (
        await Nomination.select(*_NOMINATION_COLUMNS)
        .where(Nomination.idea.lead == user_id)
        .order_by(Nomination.id, ascending=False)
    )
    return [NominationRow.of(r) for r in rows]


async def team_nomination(nomination_id: int, *, user_id: int) -> dict[str, Any]:
    """One nomination of an idea this person leads, with the jury comments they may share."""
    row = (
        await Nomination.select(*_NOMINATION_COLUMNS)
        .where((Nomination.id == nomination_id) & (Nomination.idea.lead == user_id))
        .first()
    )
    if row is None:
        raise NotFound(NOMINATION_NOT_FOUND)
    row = _decoded(row)
    row["comments"] = await shareable_comments(row["idea"])
    return row


async def nomination_page(nomination_id: int, *, user_id: int) -> NominationRow:
    """The page of a nomination of an idea this person leads, with the jury comments they may share."""
    row = await team_nomination(nomination_id, user_id=user_id)
    return dataclasses.replace(NominationRow.of(row), comments=tuple(row["comments"]))


async def shareable_comments(idea_id: int) -> list[dict[str, Any]]:
    """The commune jury's comments the organizers released to the team (never judge names)."""
    sheets = (
        await ScoreSheet.select(ScoreSheet.id, ScoreSheet.overall_comment, ScoreSheet.total, ScoreSheet.round.name)
        .where(
            (ScoreSheet.idea == idea_id)
            & (ScoreSheet.release_comments == True)  # noqa: E712
            & (ScoreSheet.status == SheetStatus.submitted.value)
        )
        .order_by(ScoreSheet.id)
    )
    if not sheets:
        return []
    items: dict[int, list[dict[str, Any]]] = {}
    for s in await Score.select(Score.sheet, Score.comment, Score.criterion.name, Score.criterion.position).where(
        Score.sheet.is_in([s["id"] for s in sheets]) & (Score.comment != "")
    ):
        items.setdefault(s["sheet"], []).append({"criterion": s["criterion.name"], "comment": s["comment"]})
    return [
        {
            "sheet": s["id"],
            "round": s["round.name"],
            "comment": s["overall_comment"],
            "criteria": items.get(s["id"], []),
        }
        for s in sheets
        if s["overall_comment"] or items.get(s["id"])
    ]


async def respond(
    nomination_id: int,
    *,
    user_id: int,
    accept: bool,
    shared: list[int],
    now: dt.datetime,
) -> int | None:
    """The team lead confirms (the idea enters the final; returns the new entry's id) or declines
    (the commune's place is free again). Only a pending nomination of an idea they lead (audited)."""
    row = await team_nomination(nomination_id, user_id=user_id)
    if row["status"] != NominationStatus.pending.value:
        raise IdeaError(N_("This nomination is already answered."))
    final = await CityFinal.select(*_FINAL_COLUMNS).where(CityFinal.id == row["final"]).first()
    assert final is not None  # the nomination's final (a foreign key)
    if not accept:
        async with atomic(_db()):
            done = (
                await Nomination.update(
                    {
                        Nomination.status: NominationStatus.declined.value,
                        Nomination.slot: None,
                        Nomination.responded_by: user_id,
                        Nomination.responded_at: now,
                    }
                )
                .where((Nomination.id == nomination_id) & (Nomination.status == NominationStatus.pending.value))
                .returning(Nomination.id)
            )
            if not done:
                raise IdeaError(N_("This nomination is already answered."))
            await audit.record(
                "city.nomination_declined",
                actor_id=user_id,
                target_type="idea",
                target_id=row["idea"],
                commune_id=row["commune"],
                now=now,
                data={"final": row["final"], "nomination": nomination_id},
            )
        return None
    comments = {c["sheet"]: c for c in row["comments"]}
    chosen = [comments[s] for s in sorted(set(shared)) if s in comments]
    if len(chosen) != len(set(shared)):
        raise ValidationFailed({"shared": N_("Choose among the comments shown.")})
    rounds = (
        await Round.select(Round.id, Round.position)
        .where(Round.contest == final["contest"])
        .order_by(Round.position)
        .first()
    )
    if rounds is None:
        raise IdeaError(N_("The city final has no round yet. Please try again later."))
    source = await Idea.select().where(Idea.id == row["idea"]).first()
    assert source is not None  # the nomination's idea (a foreign key)
    city_commune = final["contest.commune"]
    commune = await Commune.select(Commune.code).where(Commune.id == city_commune).first()
    assert commune is not None  # the final contest's commune (a foreign key)
    prefix = commune["code"]
    category = await _category_for(final["contest"], source["category"])
    async with atomic(_db()):
        done = (
            await Nomination.update(
                {
                    Nomination.status: NominationStatus.confirmed.value,
                    Nomination.responded_by: user_id,
                    Nomination.responded_at: now,
                    Nomination.shared_comments: chosen,
                }
            )
            .where((Nomination.id == nomination_id) & (Nomination.status == NominationStatus.pending.value))
            .returning(Nomination.id)
        )
        if not done:
            raise IdeaError(N_("This nomination is already answered."))
        code = await allocate_code(city_commune, prefix, now.year)
        values = {
            f: source[f]
            for f in (
                "title",
                "summary",
                "problem",
                "solution",
                "beneficiaries",
                "resources",
                "budget_vnd",
                "stage",
                "body",
                "video_url",
                "cover",
            )
        }
        search = _search_text(values, code=code, category=category["name"] if category else "", hamlet="")
        entry = await Idea.insert(
            Idea(
                contest=final["contest"],
                round=rounds["id"],
                code=code,
                lead=source["lead"],
                category=category["id"] if category else None,
                status=IdeaStatus.submitted.value,
                search_text=search,
                created_at=now,
                updated_at=now,
                submitted_at=now,
                **values,
            )
        ).returning(Idea.id)
        entry_id = entry[0]["id"]
        members = await IdeaMember.select(IdeaMember.user, IdeaMember.contact).where(
            (IdeaMember.idea == row["idea"]) & (IdeaMember.status == MemberStatus.accepted.value)
        )
        for m in members:
            await IdeaMember.insert(
                IdeaMember(
                    idea=entry_id,
                    user=m["user"],
                    contact=m["contact"],
                    status=MemberStatus.accepted.value,
                    invited_at=now,
                    responded_at=now,
                )
            )
        await Nomination.update({Nomination.entry: entry_id}).where(Nomination.id == nomination_id)
        await audit.record(
            "city.nomination_confirmed",
            actor_id=user_id,
            target_type="idea",
            target_id=row["idea"],
            commune_id=row["commune"],
            now=now,
            data={"final": row["final"], "nomination": nomination_id, "entry": code, "shared": sorted(shared)},
        )
        await audit.record(
            "city.entry_created",
            actor_id=user_id,
            target_type="idea",
            target_id=entry_id,
            commune_id=city_commune,
            now=now,
            data={"from": row["idea.code"], "commune": row["commune"]},
        )
    return entry_id


async def _category_for(contest_id: int, source_category: int | None) -> dict[str, Any] | None:
    """The final's category of the same name as the idea's commune category, if there is one."""
    if source_category is None:
        return None
    name = await Category.select(Category.name).where(Category.id == source_category).first()
    if name is None:
        return None
    return (
        await Category.select(Category.id, Category.name)
        .where((Category.contest == contest_id) & (Category.name == name["name"]))
        .first()
    )


# ---------------------------------------------------------------- who sees what


async def entries(final_id: int, *, scope: Scope) -> dict[str, Any]:
    """The city organizer's view: every nomination of the final, by commune (loaded within scope)."""
    final = await load(CityFinal, final_id, scope, *_FINAL_COLUMNS, missing=FINAL_NOT_FOUND)
    rows = (
        await Nomination.select(*_NOMINATION_COLUMNS)
        .where(Nomination.final == final_id)
        .order_by(Nomination.commune.name, Nomination.id)
    )
    return {
        "final": FinalRow.of(final),
        "rows": [NominationRow.of(r) for r in rows],
        "used": await _used(final_id, None),
    }


async def commune_progress(*, scope: Scope, now: dt.datetime) -> list[NominationRow]:
    """A commune organizer's nominees in the city finals and how far each has gone: its entry's
    status, the judges' sheets submitted, and its place once the final's results are out."""
    condition = Nomination.commune.is_in(sorted(scope.communes) or [-1])
    query = Nomination.select(*_NOMINATION_COLUMNS)
    rows = [
        NominationRow.of(r)
        for r in await (query if scope.everywhere else query.where(condition)).order_by(Nomination.id, ascending=False)
    ]
    entry_ids = [r.entry for r in rows if r.entry]
    sheets: dict[int, int] = {}
    if entry_ids:
        for s in await ScoreSheet.select(ScoreSheet.idea).where(
            ScoreSheet.idea.is_in(entry_ids) & (ScoreSheet.status == SheetStatus.submitted.value)
        ):
            sheets[s["idea"]] = sheets.get(s["idea"], 0) + 1
    rounds: dict[int, dict[str, Any]] = {}
    out = []
    for r in rows:
        if r.entry:
            r = dataclasses.replace(r, sheets=sheets.get(r.entry, 0))
        round_id = r.entry_round
        if not r.entry or round_id is None:
            out.append(r)
            continue
        if round_id not in rounds:
            info = await Round.select(Round.results_at).where(Round.id == round_id).first()
            ranking = await _ranking(round_id) if info and info["results_at"] <= now else []
            rounds[round_id] = {"ranking": {x["idea"]: x for x in ranking}, "of": len(ranking)}
        placed = rounds[round_id]["ranking"].get(r.entry)
        out.append(
            dataclasses.replace(r, place={"rank": placed["rank"], "of": rounds[round_id]["of"]}) if placed else r
        )
    return out


async def finalist_communes(idea_ids: list[int]) -> dict[int, dict[str, Any]]:
    """For entries of a city final: the commune each comes from and the code of its commune idea."""
    if not idea_ids:
        return {}
    rows = await Nomination.select(
        Nomination.entry, Nomination.commune.name, Nomination.commune.slug, Nomination.idea.code, Nomination.history
    ).where(Nomination.entry.is_in(list(idea_ids)))
    return {r["entry"]: {"commune": r["commune.name"], "slug": r["commune.slug"], "code": r["idea.code"]} for r in rows}


_FINALIST_HISTORY = Prepared(
    lambda entry_id: Nomination.select(
        Nomination.history,
        Nomination.shared_comments,
        Nomination.commune.name,
        Nomination.idea.code,
        Nomination.idea.title,
    ).where(Nomination.entry == entry_id)
)


@dataclass(frozen=True, slots=True)
class FinalistHistory:
    """Where a city final's entry comes from, as the public sees it."""

    commune: str  # the commune's name
    idea_code: str  # the idea in the commune's contest
    idea_title: str
    history: dict[str, Any]  # its result there: rank, of, round
    shared_comments: list[dict[str, Any]]  # the commune jury's comments the team chose to share


async def finalist_history(entry_id: int) -> FinalistHistory | None:
    """An entry's history, as the public sees it: commune, commune result, shared jury comments."""

    async def load() -> FinalistHistory | None:
        row = await _FINALIST_HISTORY.first(entry_id)
        if row is None:
            return None
        row = _decoded(row)
        return FinalistHistory(
            commune=row["commune.name"],
            idea_code=row["idea.code"],
            idea_title=row["idea.title"],
            history=row["history"],
            shared_comments=row["shared_comments"],
        )

    return await memo.read(("finalist_history", entry_id), load)


# ---------------------------------------------------------------- the machinery's hooks
# Registered by the app factory (``server.app.register_hooks``), not on import.


async def participating_communes(contest_id: int) -> set[int]:
    """Communes with an idea in the city final of this contest (none: not a city final)."""
    # Asked on every vote cast in any contest: one plain statement, no join built per call.
    rows = await Nomination.raw(
        "SELECT DISTINCT n.commune FROM city_nomination n JOIN city_final f ON f.id = n.final"
        " WHERE f.contest = {} AND n.status = {}",
        contest_id,
        NominationStatus.confirmed.value,
    )
    return {r["commune"] for r in rows}


async def city_conflicts(round_id: int) -> set[tuple[int, int]]:
    """A judge must not score a finalist of their own commune, nor one they judged or organized in the
    commune (a conflict source for judging; only rounds of city finals have any)."""
    nominations = await Nomination.select(Nomination.entry, Nomination.commune, Nomination.idea).where(
        (Nomination.entry.round == round_id) & Nomination.entry.is_not_null()
    )
    if not nominations:
        return set()
    judges = [
        p["judge"]
        for p in await PanelMember.select(PanelMember.judge).where(
            (PanelMember.round == round_id) & PanelMember.judge.is_not_null()
        )
    ]
    if not judges:
        return set()
    home = {u["id"]: u["commune"] for u in await User.select(User.id, User.commune).where(User.id.is_in(judges))}
    organizers: dict[int, set[int]] = {}
    for g in await RoleGrant.select(RoleGrant.user, RoleGrant.commune).where(
        RoleGrant.user.is_in(judges) & (RoleGrant.role == Role.organizer.value)
    ):
        organizers.setdefault(g["user"], set()).add(g["commune"])
    judged = {
        (s["judge"], s["idea"])
        for s in await ScoreSheet.select(ScoreSheet.judge, ScoreSheet.idea).where(
            ScoreSheet.idea.is_in([n["idea"] for n in nominations]) & ScoreSheet.judge.is_in(judges)
        )
    }
    pairs = set()
    for n in nominations:
        for judge in judges:
            if (
                home.get(judge) == n["commune"]
                or n["commune"] in organizers.get(judge, ())
                or (judge, n["idea"]) in judged
            ):
                pairs.add((judge, n["entry"]))
    return pairs
