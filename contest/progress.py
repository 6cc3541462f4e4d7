"""Judging in progress: each judge's sheets, reminders, conflicts found after assignment, and the
notices organizers, judges and teams expect.

Notices that must go out once (a deadline reminder per judge and round, a vote-burst alert, an
award) or at most so often (an organizer's reminder to a judge, once per 12 hours) are claimed in
``notice_sent`` by a unique key in the same transaction as the notice, so two workers or two
clicks never send them twice. ``housekeeping`` runs them from the background worker.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from typing import TYPE_CHECKING, Any

from accounts import audit, notifications
from accounts.engine import atomic
from accounts.errors import NotFound
from accounts.i18n import N_, translate
from accounts.scope import PLATFORM, Scope
from accounts.tables import Role, RoleGrant
from contest.errors import IdeaError
from contest.phases import Phase, is_open
from contest.tables import (
    Assignment,
    Award,
    Conflict,
    Idea,
    NoticeSent,
    PanelMember,
    Round,
    RoundJudging,
    ScoreSheet,
    SheetStatus,
)

REMIND_EVERY = dt.timedelta(hours=12)
DEADLINE_NOTICE = dt.timedelta(hours=48)
DONE = (SheetStatus.submitted.value, SheetStatus.abstained.value)

if TYPE_CHECKING:
    from contest.rounds import RoundRow


def _db():
    return NoticeSent._meta.db


async def _claim(key: str, *, now: dt.datetime) -> bool:
    """Claim a notice that goes out once: True for the first caller only (unique key)."""
    rows = (
        await NoticeSent.insert(NoticeSent(key=key, sent_at=now))
        .on_conflict(target=NoticeSent.key, action="DO NOTHING")
        .returning(NoticeSent.id)
    )
    return bool(rows)


async def _claim_every(key: str, *, now: dt.datetime, every: dt.timedelta) -> bool:
    """Claim a notice that goes out at most once per ``every`` (atomic conditional upsert)."""
    rows = (
        await NoticeSent.insert(NoticeSent(key=key, sent_at=now))
        .on_conflict(
            target=NoticeSent.key,
            action="DO UPDATE",
            values=[NoticeSent.sent_at],
            where=NoticeSent.sent_at <= now - every,
        )
        .returning(NoticeSent.id)
    )
    return bool(rows)


async def organizers_of(commune_id: int) -> list[int]:
    """The accounts that organize contests of a commune."""
    return sorted(
        {
            r["user"]
            for r in await RoleGrant.select(RoleGrant.user).where(
                (RoleGrant.role == Role.organizer.value) & (RoleGrant.commune == commune_id)
            )
        }
    )


async def _team(idea_id: int, lead: int) -> list[int]:
    from contest.services import accepted_member_ids

    return list(dict.fromkeys([lead, *await accepted_member_ids(idea_id)]))


# ---------------------------------------------------------------- notices to teams and judges


async def tell_shortlisted(round_: RoundRow, idea_ids: list[int], *, now: dt.datetime, lang: str = "vi") -> None:
    """Each team whose idea the round's shortlist just chose is told (in the caller's transaction)."""
    if not idea_ids:
        return
    for idea in await Idea.select(Idea.id, Idea.code, Idea.title, Idea.lead, Idea.contest).where(
        Idea.id.is_in(idea_ids)
    ):
        for person in await _team(idea["id"], idea["lead"]):
            await notifications.notify(
                person,
                kind="idea_shortlisted",
                now=now,
                link=notifications.absolute(f"/ideas/{idea['code']}"),
                contest_id=idea["contest"],
                title=translate(
                    N_("“%(title)s” is shortlisted in %(round)s"), lang, title=idea["title"], round=round_.name
                ),
                body=translate(
                    N_(
                        "Congratulations! The judges of “%(contest)s” chose your idea %(code)s for the "
                        "shortlist of %(round)s."
                    ),
                    lang,
                    contest=round_.contest_title,
                    code=idea["code"],
                    round=round_.name,
                ),
            )


async def tell_assigned(round_: RoundRow, pairs: set[tuple[int, int]], *, now: dt.datetime, lang: str = "vi") -> None:
    """Each judge given new entries is told once, with how many (in the caller's transaction)."""
    per_judge = Counter(judge for judge, _ in pairs)
    for judge, count in sorted(per_judge.items()):
        await notifications.notify(
            judge,
            kind="judge_assigned",
            now=now,
            link=notifications.absolute("/judge"),
            title=translate(N_("New entries to score in %(round)s"), lang, round=round_.name),
            body=translate(
                N_(
                    "You have been assigned %(count)s new entries of “%(contest)s” to score. Please sign "
                    "the conflict-of-interest declaration first if you have not yet."
                ),
                lang,
                count=count,
                contest=round_.contest_title,
            ),
        )


async def tell_hidden_by_reports(idea_id: int, *, now: dt.datetime, lang: str = "vi") -> None:
    """An idea the report threshold just hid: its team and its commune's organizers are told."""
    idea = (
        await Idea.select(Idea.id, Idea.code, Idea.title, Idea.lead, Idea.contest.commune, Idea.contest.title)
        .where(Idea.id == idea_id)
        .first()
    )
    if idea is None:
        return
    for person in await _team(idea_id, idea["lead"]):
        await notifications.notify(
            person,
            kind="idea_hidden",
            now=now,
            link=notifications.absolute(f"/my/ideas/{idea_id}"),
            title=translate(N_("Your idea “%(title)s” has been hidden"), lang, title=idea["title"]),
            body=translate(
                N_(
                    "Several people reported it, so it is hidden from the public until the organizers "
                    "review it. You will be told of their decision."
                ),
                lang,
            ),
        )
    for person in await organizers_of(idea["contest.commune"]):
        await notifications.notify(
            person,
            kind="idea_hidden_by_reports",
            now=now,
            link=notifications.absolute(f"/organizer/ideas/{idea_id}/revisions"),
            title=translate(N_("Idea %(code)s was hidden after reports"), lang, code=idea["code"] or ""),
            body=translate(
                N_(
                    "“%(title)s” in “%(contest)s” reached the number of reports that hides an idea. "
                    "Please review it: show it again or keep it hidden with a reason."
                ),
                lang,
                title=idea["title"],
                contest=idea["contest.title"],
            ),
        )


# ---------------------------------------------------------------- conflicts found after assignment


async def resolve_conflicts(round_id: int, *, now: dt.datetime, lang: str = "vi") -> list[dict[str, Any]]:
    """Take every conflicted assignment away and give the entry to another judge when one can take it.

    A replacement is an accepted panel judge without a conflict with the entry, not already
    assigned to it, under the maximum per judge, chosen by least load — and only while the entry
    has fewer than k judges. The conflicted judge's unfinished sheet is deleted and a submitted
    one is set aside (abstained, "conflict of interest"), so it never counts in the results.
    Returns what moved: {"judge", "idea", "to"}.
    """
    from contest import judging

    blocked = await judging.conflicts(round_id)
    rows = await Assignment.select().where(Assignment.round == round_id)
    bad = [a for a in rows if (a["judge"], a["idea"]) in blocked]
    stray = await ScoreSheet.select(ScoreSheet.id, ScoreSheet.judge, ScoreSheet.idea).where(
        (ScoreSheet.round == round_id) & (ScoreSheet.status == SheetStatus.submitted.value)
    )
    stray = [s for s in stray if (s["judge"], s["idea"]) in blocked]
    if not bad and not stray:
        return []
    settings = await judging.settings_of(round_id)
    round_ = await judging.round_row(round_id, scope=PLATFORM)
    judges = [p.judge for p in await judging.panel(round_id) if p.judge and p.accepted]
    kept = [a for a in rows if a not in bad]
    loads = Counter(a["judge"] for a in kept)
    on_entry: dict[int, set[int]] = defaultdict(set)
    for a in kept:
        on_entry[a["idea"]].add(a["judge"])
    high = settings["max_per_judge"]
    moved = []
    async with atomic(_db()):
        for a in bad:
            await Assignment.delete().where(Assignment.id == a["id"])
            await ScoreSheet.delete().where(
                (ScoreSheet.round == round_id)
                & (ScoreSheet.judge == a["judge"])
                & (ScoreSheet.idea == a["idea"])
                & (ScoreSheet.status != SheetStatus.submitted.value)
            )
            candidates = [
                j
                for j in judges
                if j not in on_entry[a["idea"]] and (j, a["idea"]) not in blocked and (high is None or loads[j] < high)
            ]
            new = None
            if candidates and len(on_entry[a["idea"]]) < settings["judges_per_entry"]:
                new = min(candidates, key=lambda j: (loads[j], j))
                await Assignment(round=round_id, judge=new, idea=a["idea"], created_at=now).save()
                loads[new] += 1
                on_entry[a["idea"]].add(new)
                await tell_assigned(round_, {(new, a["idea"])}, now=now, lang=lang)
            moved.append({"judge": a["judge"], "idea": a["idea"], "to": new})
        if stray:
            await ScoreSheet.update(
                {
                    ScoreSheet.status: SheetStatus.abstained.value,
                    ScoreSheet.updated_at: now,
                    ScoreSheet.abstain_reason: translate(N_("Conflict of interest"), lang),
                }
            ).where(ScoreSheet.id.is_in([s["id"] for s in stray]))
        await audit.record(
            "judging.conflicts_resolved",
            actor_id=None,
            target_type="round",
            target_id=round_id,
            commune_id=round_.commune,
            now=now,
            data={"moved": moved, "sheets_set_aside": sorted(s["id"] for s in stray)},
        )
    return moved


# ---------------------------------------------------------------- the organizer's progress page


async def judge_progress(round_id: int, *, scope: Scope, now: dt.datetime) -> dict[str, Any]:
    """Per accepted judge: sheets done / assigned, last activity, last reminder and whether a reminder
    may go now; the round's conflicts with who and what; the chaining into the next round."""
    from contest import chaining, judging

    round_ = await judging.round_row(round_id, scope=scope)
    panel = [(p, p.judge) for p in await judging.panel(round_id) if p.judge]
    assigned = Counter(
        a["judge"] for a in await Assignment.select(Assignment.judge).where(Assignment.round == round_id)
    )
    pairs = {
        (a["judge"], a["idea"])
        for a in await Assignment.select(Assignment.judge, Assignment.idea).where(Assignment.round == round_id)
    }
    done: Counter[int] = Counter()
    last: dict[int, dt.datetime] = {}
    for s in await ScoreSheet.select(ScoreSheet.judge, ScoreSheet.idea, ScoreSheet.status, ScoreSheet.updated_at).where(
        ScoreSheet.round == round_id
    ):
        if s["status"] in DONE and (s["judge"], s["idea"]) in pairs:
            done[s["judge"]] += 1
        if s["updated_at"] and (s["judge"] not in last or s["updated_at"] > last[s["judge"]]):
            last[s["judge"]] = s["updated_at"]
    reminded = {
        r["key"]: r["sent_at"]
        for r in await NoticeSent.select().where(
            NoticeSent.key.is_in([f"remind:{round_id}:{judge}" for _, judge in panel] or ["-"])
        )
    }
    judges = []
    for p, judge in panel:
        sent = reminded.get(f"remind:{round_id}:{judge}")
        judges.append(
            {
                "judge": judge,
                "name": p.judge_name,
                "accepted": p.accepted,
                "assigned": assigned[judge],
                "done": done[judge],
                "last": last.get(judge),
                "reminded": sent,
                "can_remind": sent is None or sent <= now - REMIND_EVERY,
                "declared": await judging.declaration(round_id, judge) is not None,
            }
        )
    names = {judge: p.judge_name for p, judge in panel}
    codes = {
        i["id"]: i
        for i in await Idea.select(Idea.id, Idea.code, Idea.title).where(
            Idea.id.is_in([e["id"] for e in await judging.entries(round_id)] or [-1])
        )
    }
    listed = []
    recorded = {(c["judge"], c["idea"]): c for c in await Conflict.select().where(Conflict.round == round_id)}
    for judge, idea in sorted(await judging.conflicts(round_id)):
        if judge not in names or idea not in codes:
            continue
        row = recorded.get((judge, idea))
        listed.append(
            {
                "judge": names[judge],
                "code": codes[idea]["code"],
                "title": codes[idea]["title"],
                "source": row["source"] if row else "automatic",
                "reason": row["reason"] if row else "",
                "assigned": (judge, idea) in pairs,
            }
        )
    return {
        "round": round_,
        "judges": judges,
        "conflicts": listed,
        "chaining": await chaining.state(round_, now=now),
        "totals": {"assigned": sum(assigned.values()), "done": sum(j["done"] for j in judges)},
    }


async def remind_judge(
    round_id: int,
    judge_id: int,
    *,
    actor_id: int,
    now: dt.datetime,
    scope: Scope,
    lang: str = "vi",
    base_url: str | None = None,
) -> None:
    """An organizer's "Remind" to one judge of the round: at most once per 12 hours (audited)."""
    from contest import judging

    round_ = await judging.round_row(round_id, scope=scope)
    member = (
        await PanelMember.select(PanelMember.judge)
        .where((PanelMember.round == round_id) & (PanelMember.judge == judge_id))
        .first()
    )
    if member is None:
        raise NotFound(N_("This judge is not on the round's panel."))
    total = await Assignment.count().where((Assignment.round == round_id) & (Assignment.judge == judge_id))
    async with atomic(_db()):
        if not await _claim_every(f"remind:{round_id}:{judge_id}", now=now, every=REMIND_EVERY):
            raise IdeaError(N_("This judge was reminded less than 12 hours ago."))
        await notifications.notify(
            judge_id,
            kind="judge_reminder",
            now=now,
            link=notifications.absolute("/judge", base_url),
            title=translate(N_("Reminder: your score sheets for %(round)s"), lang, round=round_.name),
            body=translate(
                N_(
                    "The organizers of “%(contest)s” remind you to finish your %(count)s score sheets "
                    "before judging closes."
                ),
                lang,
                contest=round_.contest_title,
                count=total,
            ),
        )
        await audit.record(
            "judging.judge_reminded",
            actor_id=actor_id,
            target_type="round",
            target_id=round_id,
            commune_id=round_.commune,
            now=now,
            data={"judge": judge_id},
        )


# ---------------------------------------------------------------- periodic notices (the worker)


async def remind_deadlines(*, now: dt.datetime, lang: str = "vi", before: dt.timedelta = DEADLINE_NOTICE) -> int:
    """Judges with unfinished sheets get one reminder per round when judging closes within ``before``."""
    sent = 0
    rounds = await Round.select(*Round.all_columns(), Round.contest.title).where(
        (Round.judging_closes > now) & (Round.judging_closes <= now + before)
    )
    for round_ in rounds:
        if not is_open(round_, Phase.judging, now):
            continue
        pending: Counter[int] = Counter(
            a["judge"] for a in await Assignment.select(Assignment.judge).where(Assignment.round == round_["id"])
        )
        for s in await ScoreSheet.select(ScoreSheet.judge).where(
            (ScoreSheet.round == round_["id"]) & ScoreSheet.status.is_in(list(DONE))
        ):
            pending[s["judge"]] -= 1
        for judge, left in sorted(pending.items()):
            if left <= 0:
                continue
            async with atomic(_db()):
                if not await _claim(f"deadline:{round_['id']}:{judge}", now=now):
                    continue
                await notifications.notify(
                    judge,
                    kind="judge_deadline",
                    now=now,
                    link=notifications.absolute("/judge"),
                    title=translate(N_("Judging of %(round)s closes soon"), lang, round=round_["name"]),
                    body=translate(
                        N_(
                            "%(count)s of your score sheets for “%(contest)s” are not finished. Judging "
                            "closes on %(when)s (Hà Nội time)."
                        ),
                        lang,
                        count=left,
                        contest=round_["contest.title"],
                        when=_local(round_["judging_closes"]),
                    ),
                )
                sent += 1
    return sent


def _local(moment: dt.datetime) -> str:
    from zoneinfo import ZoneInfo

    return moment.astimezone(ZoneInfo("Asia/Ho_Chi_Minh")).strftime("%d/%m/%Y %H:%M")


async def alert_vote_bursts(*, now: dt.datetime, lang: str = "vi") -> int:
    """The commune's organizers are told once of each vote burst for an idea (``voting.anomalies``)."""
    from contest import voting

    sent = 0
    rounds = await Round.select(Round.id, Round.name, Round.contest.commune).where(
        Round.vote_opens.is_not_null() & (Round.vote_opens <= now) & (Round.vote_closes >= now - dt.timedelta(hours=1))
    )
    for round_ in rounds:
        for burst in (await voting.anomalies(round_["id"]))["bursts"]:
            async with atomic(_db()):
                if not await _claim(f"burst:{round_['id']}:{burst['idea_code']}", now=now):
                    continue
                for person in await organizers_of(round_["contest.commune"]):
                    await notifications.notify(
                        person,
                        kind="vote_burst",
                        now=now,
                        link=notifications.absolute(f"/organizer/rounds/{round_['id']}/vote/"),
                        title=translate(N_("Unusual burst of votes for %(code)s"), lang, code=burst["idea_code"]),
                        body=translate(
                            N_(
                                "%(votes)s votes for %(code)s came within a few minutes in %(round)s. "
                                "Please look at the vote's integrity signals."
                            ),
                            lang,
                            votes=burst["votes"],
                            code=burst["idea_code"],
                            round=round_["name"],
                        ),
                    )
                sent += 1
    return sent


async def alert_awards(*, now: dt.datetime, lang: str = "vi") -> int:
    """Once a contest's results are out, each awarded team is told once per award."""
    sent = 0
    awards = await Award.select(
        Award.id,
        Award.name,
        Award.contest,
        Award.idea,
        Award.idea.code,
        Award.idea.title,
        Award.idea.lead,
        Award.contest.title,
    ).where(Award.idea.is_not_null())
    for award in awards:
        last = (
            await Round.select(Round.results_at)
            .where(Round.contest == award["contest"])
            .order_by(Round.position, ascending=False)
            .first()
        )
        if not last or last["results_at"] is None or last["results_at"] > now:
            continue
        async with atomic(_db()):
            if not await _claim(f"award:{award['id']}:{award['idea']}", now=now):
                continue
            for person in await _team(award["idea"], award["idea.lead"]):
                await notifications.notify(
                    person,
                    kind="idea_awarded",
                    now=now,
                    link=notifications.absolute(f"/ideas/{award['idea.code']}"),
                    contest_id=award["contest"],
                    title=translate(
                        N_("“%(title)s” wins %(award)s"), lang, title=award["idea.title"], award=award["name"]
                    ),
                    body=translate(
                        N_(
                            "Congratulations! Your idea %(code)s won %(award)s in “%(contest)s”. The "
                            "organizers will contact you about the prize."
                        ),
                        lang,
                        code=award["idea.code"],
                        award=award["name"],
                        contest=award["contest.title"],
                    ),
                )
            sent += 1
    return sent


RESULTS_NOTICE_WINDOW = dt.timedelta(days=7)


async def alert_results(*, now: dt.datetime, lang: str = "vi", window: dt.timedelta = RESULTS_NOTICE_WINDOW) -> int:
    """Once a contest's results are out (within ``window``), each team of its last round that won no
    award is told once: the results are out and where to read them and the judges' feedback."""
    sent = 0
    recent = await Round.select(Round.id, Round.contest, Round.contest.slug, Round.contest.title).where(
        (Round.results_at <= now) & (Round.results_at > now - window)
    )
    if not recent:
        return 0
    contests = {r["contest"] for r in recent}
    final: dict[int, int] = {}  # each contest's last round (by position, then id)
    for r in (
        await Round.select(Round.id, Round.contest)
        .where(Round.contest.is_in(list(contests)))
        .order_by(Round.position)
        .order_by(Round.id)
    ):
        final[r["contest"]] = r["id"]
    from contest.judging import entries

    for last in (r for r in recent if final.get(r["contest"]) == r["id"]):
        last = {**last, "slug": last["contest.slug"], "title": last["contest.title"]}
        awarded = {
            a["idea"]
            for a in await Award.select(Award.idea).where((Award.contest == last["contest"]) & Award.idea.is_not_null())
        }
        for entry in await entries(last["id"]):
            if entry["id"] in awarded:
                continue
            async with atomic(_db()):
                if not await _claim(f"results:{last['contest']}:{entry['id']}", now=now):
                    continue
                for person in await _team(entry["id"], entry["lead"]):
                    await notifications.notify(
                        person,
                        kind="results_out",
                        now=now,
                        contest_id=last["contest"],
                        link=notifications.absolute(f"/contests/{last['slug']}/results"),
                        title=translate(N_("The results of “%(contest)s” are out"), lang, contest=last["title"]),
                        body=translate(
                            N_(
                                "Thank you for taking part. Your idea %(code)s did not win an award this "
                                "time. The results page shows the ranking; your idea's page shows the "
                                "judges' feedback the organizers released."
                            ),
                            lang,
                            code=entry["code"] or "",
                        ),
                    )
                sent += 1
    return sent


async def tell_vote_open(*, now: dt.datetime, lang: str = "vi", window: dt.timedelta = dt.timedelta(days=1)) -> int:
    """When a published contest's public vote opens (within ``window``), the people of its commune who
    asked to hear of public votes are told once, by the channels they chose. Returns how many."""
    from accounts import messaging

    opened = await Round.select(
        Round.id, Round.name, Round.contest, Round.contest.slug, Round.contest.title, Round.contest.commune
    ).where(
        (Round.vote_opens <= now)
        & (Round.vote_opens > now - window)
        & (Round.vote_closes > now)
        & (Round.contest.published == True)
    )  # noqa: E712
    sent = 0
    for round_ in opened:
        for person in await messaging.listeners(round_["contest.commune"], "vote"):
            async with atomic(_db()):
                if not await _claim(f"vote_open:{round_['id']}:{person}", now=now):
                    continue
                await notifications.notify(
                    person,
                    kind="vote_open",
                    now=now,
                    contest_id=round_["contest"],
                    link=notifications.absolute(f"/contests/{round_['contest.slug']}/vote"),
                    title=translate(
                        N_("The public vote of “%(contest)s” is open"), lang, contest=round_["contest.title"]
                    ),
                    body=translate(
                        N_("Verified residents of the commune can vote for the ideas they like in %(round)s."),
                        lang,
                        round=round_["name"],
                    ),
                )
            sent += 1
    return sent


async def resolve_open_rounds(*, now: dt.datetime, lang: str = "vi") -> int:
    """Conflicts found after assignment (a new team member, a new mentoring link) in rounds being judged."""
    moved = 0
    rounds = await Round.select().where(Round.judging_closes > now)
    for round_ in rounds:
        if not await Assignment.exists().where(Assignment.round == round_["id"]):
            continue
        frozen = await RoundJudging.select(RoundJudging.frozen_at).where(RoundJudging.round == round_["id"]).first()
        if frozen and frozen["frozen_at"]:
            continue
        moved += len(await resolve_conflicts(round_["id"], now=now, lang=lang))
    return moved


async def housekeeping(*, now: dt.datetime, lang: str = "vi") -> dict[str, int]:
    """Everything periodic of judging and the vote; safe to run in several workers at once."""
    return {
        "conflicts": await resolve_open_rounds(now=now, lang=lang),
        "deadline_reminders": await remind_deadlines(now=now, lang=lang),
        "vote_bursts": await alert_vote_bursts(now=now, lang=lang),
        "awards": await alert_awards(now=now, lang=lang),
        "results": await alert_results(now=now, lang=lang),
        "vote_open": await tell_vote_open(now=now, lang=lang),
    }
