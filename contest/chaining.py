"""Rounds that chain: the entries an organizer shortlisted in a round become the entries of the next.

An idea keeps its own round (``Idea.round``), where its sheets, results and feedback stay; a
``RoundEntry`` row carries it into the next round of the same contest (by position), whose panel,
assignment, sheets, public vote and results then work on it. Carrying is one audited action,
done once per pair of rounds (unique (round, idea)), and can be undone until the next round's
judging starts. Each team is told whether its idea went through.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from accounts import audit, notifications
from accounts.engine import atomic
from accounts.i18n import N_, translate
from accounts.scope import Scope
from contest.errors import IdeaError
from contest.phases import Phase, phase_of
from contest.tables import Assignment, Conflict, Idea, IdeaStatus, Round, RoundEntry, ScoreSheet, Vote

if TYPE_CHECKING:
    from contest.rounds import RoundRow

# An entry goes one step up this ladder when a round shortlists it.
LADDER = [IdeaStatus.submitted.value, IdeaStatus.shortlisted.value, IdeaStatus.finalist.value, IdeaStatus.awarded.value]


def _db():
    return RoundEntry._meta.db


def promoted(status: str) -> str:
    """The status an entry gets when a round shortlists it (the top of the ladder stays)."""
    index = LADDER.index(status) if status in LADDER else 0
    return LADDER[min(index + 1, len(LADDER) - 1)]


async def carried_in(round_id: int) -> dict[int, str]:
    """Ideas carried into this round from the round before: idea id → its status when it entered."""
    return {
        r["idea"]: r["entered_status"]
        for r in await RoundEntry.select(RoundEntry.idea, RoundEntry.entered_status).where(RoundEntry.round == round_id)
    }


async def next_round(round_: RoundRow) -> dict[str, Any] | None:
    """The round after this one in the same contest, by position (None for the last)."""
    return (
        await Round.select()
        .where(
            (Round.contest == round_.contest)
            & ((Round.position > round_.position) | ((Round.position == round_.position) & (Round.id > round_.id)))
        )
        .order_by(Round.position, Round.id)
        .first()
    )


async def went_through(round_id: int) -> list[int]:
    """The entries of this round that its shortlist chose (status one step above how they entered)."""
    from contest import judging

    carried = await carried_in(round_id)
    ids = [e["id"] for e in await judging.entries(round_id)]
    status = (
        {i["id"]: i["status"] for i in await Idea.select(Idea.id, Idea.status).where(Idea.id.is_in(ids))} if ids else {}
    )
    rank = {s: n for n, s in enumerate(LADDER)}
    return [i for i in ids if rank.get(status[i], 0) > rank.get(carried.get(i, IdeaStatus.submitted.value), 0)]


def judging_started(round_: dict[str, Any], now: dt.datetime) -> bool:
    """Whether the round's judging has begun (by its dates)."""
    return phase_of(round_, now) in (Phase.judging, Phase.voting, Phase.results)


async def state(round_: RoundRow, *, now: dt.datetime) -> dict[str, Any]:
    """What the organizer's page shows: the next round, what was carried into it and whether undo is possible."""
    following = await next_round(round_)
    if following is None:
        return {"next": None, "carried": 0, "can_undo": False, "chosen": len(await went_through(round_.id))}
    carried = await RoundEntry.count().where(
        (RoundEntry.from_round == round_.id) & (RoundEntry.round == following["id"])
    )
    blocked = await _undo_refusal(following, now) if carried else None
    return {
        "next": following,
        "carried": carried,
        "can_undo": bool(carried) and blocked is None,
        "chosen": len(await went_through(round_.id)),
    }


async def _undo_refusal(following: dict[str, Any], now: dt.datetime) -> str | None:
    if (
        judging_started(following, now)
        or await ScoreSheet.exists().where(ScoreSheet.round == following["id"])
        or await Vote.exists().where(Vote.round == following["id"])
    ):
        return N_("The next round's judging has started: the entries can no longer be taken back.")
    return None


async def _tell_team(
    idea: dict[str, Any], *, title: str, body: str, kind: str, now: dt.datetime, base_url: str | None
) -> None:
    from contest.services import accepted_member_ids

    for person in [idea["lead"], *await accepted_member_ids(idea["id"])]:
        await notifications.notify(
            person,
            title=title,
            body=body,
            kind=kind,
            now=now,
            link=notifications.absolute(f"/ideas/{idea['code']}", base_url),
        )


async def advance(
    round_id: int, *, actor_id: int, now: dt.datetime, scope: Scope, lang: str = "vi", base_url: str | None = None
) -> dict[str, Any]:
    """Carry this round's shortlisted entries into the next round ("Chuyển vào vòng sau"), once; audited.

    Every team with an entry in this round is told whether its idea went through. Returns the
    next round and how many entries went through and how many did not.
    """
    from contest import judging

    round_ = await judging.round_row(round_id, scope=scope)
    following = await next_round(round_)
    if following is None:
        raise IdeaError(N_("This is the last round of the contest: there is no next round to carry entries into."))
    chosen = await went_through(round_id)
    if not chosen:
        raise IdeaError(N_("No entry of this round is shortlisted yet: shortlist the entries that go through first."))
    entries = {e["id"] for e in await judging.entries(round_id)}
    ideas = await Idea.select(Idea.id, Idea.code, Idea.title, Idea.lead, Idea.status).where(
        Idea.id.is_in(sorted(entries))
    )
    async with atomic(_db()):
        if await RoundEntry.exists().where((RoundEntry.from_round == round_id) & (RoundEntry.round == following["id"])):
            raise IdeaError(N_("This round's shortlist has already been carried into the next round."))
        status = {i["id"]: i["status"] for i in ideas}
        added = (
            await RoundEntry.insert(
                *[
                    RoundEntry(
                        round=following["id"],
                        idea=idea_id,
                        from_round=round_id,
                        entered_status=status[idea_id],
                        created_at=now,
                    )
                    for idea_id in chosen
                ]
            )
            .on_conflict(target=(RoundEntry.round, RoundEntry.idea), action="DO NOTHING")
            .returning(RoundEntry.idea)
        )
        if len(added) != len(chosen):  # another organizer carried them at the same moment
            raise IdeaError(N_("This round's shortlist has already been carried into the next round."))
        for idea in ideas:
            if idea["id"] in chosen:
                await _tell_team(
                    idea,
                    kind="round_advanced",
                    now=now,
                    base_url=base_url,
                    title=translate(
                        N_("“%(title)s” goes through to %(round)s"), lang, title=idea["title"], round=following["name"]
                    ),
                    body=translate(
                        N_(
                            "Congratulations! Your idea %(code)s was chosen in %(from)s and is now an entry "
                            "of %(round)s of “%(contest)s”."
                        ),
                        lang,
                        code=idea["code"],
                        **{"from": round_.name},
                        round=following["name"],
                        contest=round_.contest_title,
                    ),
                )
            else:
                await _tell_team(
                    idea,
                    kind="not_selected",
                    now=now,
                    base_url=base_url,
                    title=translate(
                        N_("“%(title)s” was not selected for %(round)s"),
                        lang,
                        title=idea["title"],
                        round=following["name"],
                    ),
                    body=translate(
                        N_(
                            "Thank you for taking part in “%(contest)s”. Your idea %(code)s was not among "
                            "the entries chosen in %(from)s. The judges' feedback is on your idea's page "
                            "once results are published."
                        ),
                        lang,
                        contest=round_.contest_title,
                        code=idea["code"],
                        **{"from": round_.name},
                    ),
                )
        await audit.record(
            "round.advanced",
            actor_id=actor_id,
            target_type="round",
            target_id=round_id,
            commune_id=round_.commune,
            now=now,
            data={"to_round": following["id"], "ideas": sorted(chosen), "not_selected": sorted(entries - set(chosen))},
        )
    return {"next": following, "through": len(chosen), "not_selected": len(entries - set(chosen))}


async def undo_advance(
    round_id: int, *, actor_id: int, now: dt.datetime, scope: Scope, lang: str = "vi", base_url: str | None = None
) -> int:
    """Take the carried entries back out of the next round, until its judging starts (audited).

    Their assignments and conflicts in the next round go with them; the teams are told. Returns
    how many entries were taken back.
    """
    from contest import judging

    round_ = await judging.round_row(round_id, scope=scope)
    following = await next_round(round_)
    if following is None:
        raise IdeaError(N_("This is the last round of the contest: there is no next round to carry entries into."))
    async with atomic(_db()):
        rows = await RoundEntry.select(RoundEntry.idea).where(
            (RoundEntry.from_round == round_id) & (RoundEntry.round == following["id"])
        )
        if not rows:
            raise IdeaError(N_("No entry of this round has been carried into the next round."))
        refusal = await _undo_refusal(following, now)
        if refusal:
            raise IdeaError(refusal)
        ids = [r["idea"] for r in rows]
        await Assignment.delete().where((Assignment.round == following["id"]) & Assignment.idea.is_in(ids))
        await Conflict.delete().where((Conflict.round == following["id"]) & Conflict.idea.is_in(ids))
        await RoundEntry.delete().where((RoundEntry.from_round == round_id) & (RoundEntry.round == following["id"]))
        for idea in await Idea.select(Idea.id, Idea.code, Idea.title, Idea.lead).where(Idea.id.is_in(ids)):
            await _tell_team(
                idea,
                kind="round_advance_undone",
                now=now,
                base_url=base_url,
                title=translate(
                    N_("Change to %(round)s for “%(title)s”"), lang, round=following["name"], title=idea["title"]
                ),
                body=translate(
                    N_(
                        "The organizers have taken back the move of the entries into %(round)s while "
                        "they review the shortlist of %(from)s. You will be told of the decision."
                    ),
                    lang,
                    round=following["name"],
                    **{"from": round_.name},
                ),
            )
        await audit.record(
            "round.advance_undone",
            actor_id=actor_id,
            target_type="round",
            target_id=round_id,
            commune_id=round_.commune,
            now=now,
            data={"to_round": following["id"], "ideas": sorted(ids)},
        )
    return len(ids)
