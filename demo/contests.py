"""Demo contests of «Xã An Khánh»: one open now, one finished last year, one in its public vote, with their ideas.

Every person and idea here is fictional. Ideas go through the real services (``create_draft``,
``invite``/``respond``, ``submit``, ``save``, ``withdraw``) with the seed's clock moved back to
moments inside each round's submission phase, so codes, revisions and search text are real.
Judging goes through ``contest.judging`` the same way (``seed_judging``): both rounds get a rubric
and the three demo judges; the open round is assigned but unscored (judge1 has still to sign the
declaration), the finished one is scored inside its judging phase, frozen, and its comments released.
The public vote goes through ``accounts.verification`` and ``contest.voting`` (``seed_voting``):
citizen1 and most demo residents are verified (the commune's resident list, or at the office), the
finished round had its vote (with changed and voided votes) and gave its awards, and the digital
contest's vote is open now, with a few votes already cast.
Idempotent: a contest whose slug exists is left alone, a round with criteria too, a round whose vote
rules were set too; each contest, each round and each vote is seeded in one transaction.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from typing import Any

from accounts import audit, passwords, verification
from accounts import services as accounts_services
from accounts.clock import UTC
from accounts.engine import atomic
from accounts.scope import PLATFORM
from accounts.tables import AuditEvent, Notification, ResidentRecord, User
from contest import judging, services, voting
from contest.forms import IdeaForm, format_budget
from contest.phases import Phase, phase_of
from contest.tables import (
    Assignment,
    Award,
    Category,
    Contest,
    Criterion,
    Idea,
    IdeaMember,
    IdeaStatus,
    PanelMember,
    Round,
    ScoreSheet,
    SheetStatus,
    Vote,
    VoteRules,
)
from demo import load
from demo.people import DEMO_PASSWORD, ensure_user

EXISTING_YOUTH = "youth1@example.com"

# People, texts, ideas, the rubric, scores and votes: demo/data/contests.toml (what each record holds is
# said there). An idea whose budget the file leaves out has none.
_DATA = load.data("contests")
CATEGORIES: tuple[tuple[str, str], ...] = _DATA["categories"]
DIGITAL_CATEGORIES: tuple[tuple[str, str], ...] = _DATA["digital_categories"]
YOUTH: tuple[tuple[str, str, int, int], ...] = _DATA["youth"]
RESIDENTS: tuple[tuple[str, str, int, int], ...] = _DATA["residents"]
LISTED_WITHOUT_ACCOUNT: tuple[tuple[str, int, int], ...] = _DATA["listed_without_account"]
PRIZES: str = _DATA["prizes"]
RULES: str = _DATA["rules"]
PLEDGE: str = _DATA["pledge"]
NO_CONFLICT = PLEDGE + " " + _DATA["no_conflict"]
CONFLICT_STATEMENT = PLEDGE + " " + _DATA["conflict_statement"]
ABSTAIN_REASON: str = _DATA["abstain_reason"]
JUDGES: tuple[tuple[str, tuple[str, ...]], ...] = _DATA["judges"]
FINISHED_VOTES: tuple[int, ...] = _DATA["finished_votes"]
VOID_REASONS: tuple[str, ...] = _DATA["void_reasons"]
AWARDS: tuple[tuple[str, str, int], ...] = _DATA["awards"]
DIGITAL_VOTES: tuple[tuple[str, tuple[int, ...]], ...] = _DATA["digital_votes"]
FINISHED_RULES: dict[str, Any] = _DATA["finished_rules"]
DIGITAL_RULES: dict[str, Any] = _DATA["digital_rules"]
OPEN_CONTEST: dict[str, Any] = _DATA["open_contest"]
FINISHED_CONTEST: dict[str, Any] = _DATA["finished_contest"]
DIGITAL_CONTEST: dict[str, Any] = _DATA["digital_contest"]
RUBRIC: tuple[dict[str, Any], ...] = _DATA["rubric"]
OPEN_IDEAS: tuple[dict[str, Any], ...] = tuple({**idea, "budget": idea.get("budget")} for idea in _DATA["open_ideas"])
FINISHED_IDEAS: tuple[dict[str, Any], ...] = _DATA["finished_ideas"]
DIGITAL_IDEAS: tuple[dict[str, Any], ...] = _DATA["digital_ideas"]
FINISHED_SCORES: dict[str, dict[str, Any]] = _DATA["finished_scores"]


def _email(n: int) -> str:
    return f"thanhnien{n:02d}@example.com"


# Offsets of the finished contest's round, and the calendar year its submissions belong to
# (its codes are AK-2025-NNN whatever the seed's clock says).
FINISHED_YEAR = 2025
FINISHED_CLOSED_DAYS_AGO = 270  # about 9 months
FINISHED_JUDGING_DAYS = 60
FINISHED_RESULTS_AFTER_VOTE_DAYS = 20  # results about 6 months before now


# ---------------------------------------------------------------- judging

ORGANIZER = "organizer@example.com"


# judge1 declares this entry of the finished round as related (a declared conflict).
CONFLICT_TITLE = "Góc hỗ trợ dịch vụ công trực tuyến ở nhà văn hóa"
# One judge of this entry does not score it.
ABSTAIN_TITLE = "Trồng sen lấy hạt trên ruộng trũng Đoài Hạ"
SHORTLIST_REASON = "Đề cử bổ sung của ban tổ chức"


# ---------------------------------------------------------------- the public vote


DIGITAL_SUBMISSION_CLOSED_DAYS_AGO = 30
DIGITAL_SUBMISSION_DAYS = 45
DIGITAL_JUDGING_CLOSED_DAYS_AGO = 3
DIGITAL_VOTE_OPENED_DAYS_AGO = 2
DIGITAL_VOTE_DAYS = 7
DIGITAL_RESULTS_AFTER_VOTE_DAYS = 2
DIGITAL_SHORTLIST_REASON = "Bốn sáng kiến có tổng điểm cao nhất của ban giám khảo vào vòng bình chọn"


CITIZEN = "citizen1@example.com"
# Verified through the commune's resident list (matched on name, birth year and hamlet) …
LISTED = tuple(_email(n) for n in range(1, 13)) + tuple(r[0] for r in RESIDENTS[:8])
# … or at the commune office by the demo organizer. youth1 and thanhnien21–28 stay unverified.
AT_OFFICE = (CITIZEN,) + tuple(_email(n) for n in range(13, 21)) + tuple(r[0] for r in RESIDENTS[8:])


# ---------------------------------------------------------------- entry point


async def seed_contests(commune_id: int, *, now: dt.datetime, alias_key: bytes) -> str:
    """Create the demo contests of the commune that do not exist yet; a line saying what was done.

    ``alias_key`` is the key the app derives voters' public aliases with (``server.controllers.voting.alias_key``),
    so the seeded vote logs read like the ones the app writes.
    """
    now = now.astimezone(UTC)
    password_hash: str | None = None
    done = []
    # The digital contest's submissions came before the open contest's: seeded first, its codes come first too.
    for spec, seeder in (
        (DIGITAL_CONTEST, _seed_digital),
        (OPEN_CONTEST, _seed_open),
        (FINISHED_CONTEST, _seed_finished),
    ):
        if await Contest.exists().where(Contest.slug == spec["slug"]):
            done.append(f"«{spec['title']}» already there")
            continue
        password_hash = password_hash or await passwords.hash_async(DEMO_PASSWORD)
        async with atomic(Contest._meta.db):
            users = await _ensure_youth(commune_id, password_hash, now)
            count = await seeder(commune_id, users, now)
        done.append(f"«{spec['title']}» created with {count} ideas")
    done.append(await _ensure_final_round())
    return (
        "Demo contests: "
        + "; ".join(done)
        + ". "
        + await seed_judging(now=now)
        + " "
        + await seed_voting(commune_id, now=now, alias_key=alias_key)
    )


# ---------------------------------------------------------------- the three contests


async def _seed_open(commune_id: int, users: dict[str, int], now: dt.datetime) -> int:
    start = _hour(now)
    opens = start - dt.timedelta(days=20)
    closes = start + dt.timedelta(days=25)
    judging_closes = closes + dt.timedelta(days=14)
    vote_opens = judging_closes + dt.timedelta(days=1)
    vote_closes = vote_opens + dt.timedelta(days=7)
    dates = dict(
        submission_opens=opens,
        submission_closes=closes,
        judging_closes=judging_closes,
        vote_opens=vote_opens,
        vote_closes=vote_closes,
        results_at=vote_closes + dt.timedelta(days=2),
    )
    contest, round_, categories = await _create_contest(
        OPEN_CONTEST, commune_id, "Vòng sơ khảo", dates, created_at=opens - dt.timedelta(days=10)
    )
    submitted = [s for s in OPEN_IDEAS if s.get("state") != "draft"]
    drafts = [s for s in OPEN_IDEAS if s.get("state") == "draft"]
    moments = _spread(opens + dt.timedelta(days=2), now - dt.timedelta(hours=1), len(submitted))
    for spec, at in zip(submitted, moments, strict=False):
        await _seed_idea(contest, round_, spec, users=users, categories=categories, at=at, now=now)
    for hours_ago, spec in zip((52, 27, 5), drafts, strict=False):
        await _seed_idea(
            contest, round_, spec, users=users, categories=categories, at=now - dt.timedelta(hours=hours_ago), now=now
        )
    return len(OPEN_IDEAS)


async def _seed_finished(commune_id: int, users: dict[str, int], now: dt.datetime) -> int:
    closes = _hour(now) - dt.timedelta(days=FINISHED_CLOSED_DAYS_AGO)
    year_start = dt.datetime(FINISHED_YEAR, 1, 1, tzinfo=UTC)
    next_year = dt.datetime(FINISHED_YEAR + 1, 1, 1, tzinfo=UTC)
    # Opens at least two months before it closes, and early enough that ideas are sent in FINISHED_YEAR.
    opens = min(closes - dt.timedelta(days=60), next_year - dt.timedelta(days=61))
    judging_closes = closes + dt.timedelta(days=FINISHED_JUDGING_DAYS)
    vote_opens = judging_closes + dt.timedelta(days=1)
    vote_closes = vote_opens + dt.timedelta(days=7)
    dates = dict(
        submission_opens=opens,
        submission_closes=closes,
        judging_closes=judging_closes,
        vote_opens=vote_opens,
        vote_closes=vote_closes,
        results_at=vote_closes + dt.timedelta(days=FINISHED_RESULTS_AFTER_VOTE_DAYS),
    )
    contest, round_, categories = await _create_contest(
        FINISHED_CONTEST, commune_id, "Vòng chung khảo", dates, created_at=opens - dt.timedelta(days=10)
    )
    first = max(opens, year_start) + dt.timedelta(days=2)
    last = min(closes, next_year) - dt.timedelta(days=1)
    moments = _spread(first, last, len(FINISHED_IDEAS))
    for spec, at in zip(FINISHED_IDEAS, moments, strict=False):
        idea_id = await _seed_idea(contest, round_, spec, users=users, categories=categories, at=at, now=now)
        if spec.get("result"):
            # Judging and the public vote will set these; until then the seed does it directly.
            await Idea.update({Idea.status: IdeaStatus(spec["result"]).value}).where(Idea.id == idea_id)
    return len(FINISHED_IDEAS)


async def _seed_digital(commune_id: int, users: dict[str, int], now: dt.datetime) -> int:
    """In its public vote at ``now``: submissions closed a month ago, judging 3 days ago, 4 entries shortlisted."""
    start = _hour(now)
    closes = start - dt.timedelta(days=DIGITAL_SUBMISSION_CLOSED_DAYS_AGO)
    opens = closes - dt.timedelta(days=DIGITAL_SUBMISSION_DAYS)
    vote_opens = start - dt.timedelta(days=DIGITAL_VOTE_OPENED_DAYS_AGO)
    vote_closes = vote_opens + dt.timedelta(days=DIGITAL_VOTE_DAYS)
    dates = dict(
        submission_opens=opens,
        submission_closes=closes,
        judging_closes=start - dt.timedelta(days=DIGITAL_JUDGING_CLOSED_DAYS_AGO),
        vote_opens=vote_opens,
        vote_closes=vote_closes,
        results_at=vote_closes + dt.timedelta(days=DIGITAL_RESULTS_AFTER_VOTE_DAYS),
    )
    contest, round_, categories = await _create_contest(
        DIGITAL_CONTEST,
        commune_id,
        "Vòng chung khảo",
        dates,
        created_at=opens - dt.timedelta(days=10),
        categories=DIGITAL_CATEGORIES,
    )
    chosen = []
    moments = _spread(opens + dt.timedelta(days=2), closes - dt.timedelta(days=1), len(DIGITAL_IDEAS))
    for spec, at in zip(DIGITAL_IDEAS, moments, strict=False):
        idea_id = await _seed_idea(contest, round_, spec, users=users, categories=categories, at=at, now=now)
        if spec.get("shortlist"):
            chosen.append(idea_id)
    organizer = (await _ids([ORGANIZER]))[ORGANIZER]
    await judging.shortlist(
        round_["id"],
        chosen,
        actor_id=organizer,
        reason=DIGITAL_SHORTLIST_REASON,
        now=round_["judging_closes"] + dt.timedelta(hours=2),
        scope=PLATFORM,
    )
    return len(DIGITAL_IDEAS)


FINAL_ROUND_NAME = "Vòng chung khảo"


async def _ensure_final_round() -> str:
    """The open contest has two rounds: its «Vòng sơ khảo» takes the ideas; the «Vòng chung khảo»
    after it takes no new entries — its entries are those the organizers carry over from the
    shortlist of the first round ("Chuyển vào vòng sau"), which its panel judges. Added to a demo
    seeded before (idempotent)."""
    contest = await Contest.select(Contest.id).where(Contest.slug == OPEN_CONTEST["slug"]).first()
    if contest is None:
        return "no open contest"
    rounds = await services.rounds_of(contest["id"])
    if len(rounds) > 1:
        return f"«{FINAL_ROUND_NAME}» already there"
    first = rounds[0]
    starts = first["results_at"] + dt.timedelta(days=1)
    judging_closes = starts + dt.timedelta(days=14)
    await Round(
        contest=contest["id"],
        name=FINAL_ROUND_NAME,
        position=2,
        submission_opens=starts,
        submission_closes=starts,
        judging_closes=judging_closes,
        results_at=judging_closes + dt.timedelta(days=3),
        takes_entries=False,
        has_judging=True,
    ).save()
    return f"«{FINAL_ROUND_NAME}» added after «{first['name']}»"


async def _create_contest(
    spec: dict[str, Any],
    commune_id: int,
    round_name: str,
    dates: dict[str, Any],  # the round's phase dates, by column name
    *,
    created_at: dt.datetime,
    categories: tuple[tuple[str, str], ...] = CATEGORIES,
) -> tuple[services.ContestRow, dict[str, Any], dict[str, int]]:
    contest = Contest(
        commune=commune_id,
        min_age=16,
        max_age=35,
        residents_only=True,
        max_ideas_per_person=3,
        published=True,
        created_at=created_at,
        **spec,
    )
    await contest.save()
    await Round(contest=contest.id, name=round_name, position=1, **dates).save()
    ids = {}
    for position, (name, slug) in enumerate(categories):
        category = Category(contest=contest.id, name=name, slug=slug, position=position)
        await category.save()
        ids[slug] = category.id
    row = await services.contest_by_slug(spec["slug"])
    return row, (await services.rounds_of(row.id))[0], ids


# ---------------------------------------------------------------- judging


async def seed_judging(*, now: dt.datetime) -> str:
    """Rubric, panel, declarations and assignments of both demo rounds; the finished one is scored.

    Everything goes through ``contest.judging`` with the clock moved to moments of each round's
    own dates (scoring inside its judging phase, freezing after it). Idempotent: a round that
    already has criteria is left alone; each round is seeded in one transaction.
    """
    now = now.astimezone(UTC)
    done = []
    for spec, seeder in ((OPEN_CONTEST, _judge_open), (FINISHED_CONTEST, _judge_finished)):
        contest = await Contest.select(Contest.id).where(Contest.slug == spec["slug"]).first()
        if contest is None:
            continue
        round_ = (await services.rounds_of(contest["id"]))[0]
        if await Criterion.exists().where(Criterion.round == round_["id"]):
            done.append(f"«{round_['name']}» of {spec['slug']} already there")
            continue
        async with atomic(Contest._meta.db):
            staff = await _staff()
            what = await seeder(contest["id"], round_, staff, now)
        done.append(f"«{round_['name']}» of {spec['slug']}: {what}")
    return "Demo judging: " + ("; ".join(done) or "no demo contest") + "."


async def _judge_open(contest_id: int, round_: dict[str, Any], staff: dict[str, int], now: dt.datetime) -> str:
    """Ready for judging: judge2 and judge3 have signed their declarations, judge1 not yet; nothing scored."""
    round_id, organizer = round_["id"], staff[ORGANIZER]
    start = round_["submission_opens"]
    await _rubric(round_id)
    await _panel(contest_id, round_id, staff, invited=min(start + dt.timedelta(days=2), now))
    await judging.update_settings(
        round_id,
        values={
            "judges_per_entry": 3,
            "min_per_judge": 0,
            "max_per_judge": None,
            "anchors": 0,
            "method": "additive",
        },
        actor_id=organizer,
        now=min(start + dt.timedelta(days=2, hours=1), now),
        scope=PLATFORM,
    )
    for n, (email, _) in enumerate(JUDGES[1:]):
        signed = min(start + dt.timedelta(days=4, hours=3 * n), now)
        await judging.sign_declaration(
            round_id, staff[email], statement=NO_CONFLICT, related_codes=[], relatives=[], now=signed
        )
        await _read_invitation(staff[email], signed)
    result = await judging.run_assignment(
        round_id, actor_id=organizer, now=now - dt.timedelta(minutes=20), scope=PLATFORM
    )
    return f"panel of {len(JUDGES)}, {result['pairs']} assignments"


async def _judge_finished(contest_id: int, round_: dict[str, Any], staff: dict[str, int], now: dt.datetime) -> str:
    """Scored, frozen and published: every judge's sheets, one conflict, one abstention, released comments."""
    round_id, organizer = round_["id"], staff[ORGANIZER]
    closes, judging_closes = round_["submission_closes"], round_["judging_closes"]
    ideas = {
        i["id"]: i for i in await Idea.select(Idea.id, Idea.code, Idea.title, Idea.lead).where(Idea.round == round_id)
    }
    by_title = {i["title"]: i for i in ideas.values()}
    criteria = await _rubric(round_id)
    await _panel(contest_id, round_id, staff, invited=closes - dt.timedelta(days=14))
    await judging.update_settings(
        round_id,
        values={
            "judges_per_entry": 2,
            "min_per_judge": 0,
            "max_per_judge": None,
            "anchors": 1,
            "method": "additive",
        },
        actor_id=organizer,
        now=closes - dt.timedelta(days=13),
        scope=PLATFORM,
    )
    for n, (email, _) in enumerate(JUDGES):
        related = [by_title[CONFLICT_TITLE]["code"]] if n == 0 and CONFLICT_TITLE in by_title else []
        signed = closes + dt.timedelta(hours=6 + 4 * n)
        await judging.sign_declaration(
            round_id,
            staff[email],
            statement=CONFLICT_STATEMENT if related else NO_CONFLICT,
            related_codes=related,
            relatives=[],
            now=signed,
        )
        await _read_invitation(staff[email], signed)
    await judging.run_assignment(round_id, actor_id=organizer, now=closes + dt.timedelta(days=1), scope=PLATFORM)

    judge_ids = [staff[email] for email, _ in JUDGES]
    rows = await Assignment.select(Assignment.id, Assignment.judge, Assignment.idea).where(Assignment.round == round_id)
    judges_of: dict[int, list[int]] = {}
    for row in sorted(rows, key=lambda r: judge_ids.index(r["judge"])):
        judges_of.setdefault(row["idea"], []).append(row["judge"])
    abstaining = judges_of.get(by_title[ABSTAIN_TITLE]["id"], [None])[-1] if ABSTAIN_TITLE in by_title else None
    titles = [spec["title"] for spec in FINISHED_IDEAS]
    commented: set[tuple[int, int]] = set()
    for n, judge in enumerate(judge_ids):
        mine = sorted((r for r in rows if r["judge"] == judge), key=lambda r: r["idea"])
        moments = _spread(
            closes + dt.timedelta(days=3 + 2 * n), judging_closes - dt.timedelta(days=12 - 3 * n), len(mine)
        )
        for row, at in zip(mine, moments, strict=False):
            idea = ideas[row["idea"]]
            if (judge, idea["id"]) == (abstaining, by_title.get(ABSTAIN_TITLE, {}).get("id")):
                await judging.abstain(row["id"], judge_id=judge, reason=ABSTAIN_REASON, now=at)
                continue
            data = FINISHED_SCORES.get(idea["title"], {"marks": (3, 3, 3, 3), "notes": (), "overall": ("",)})
            turn = judges_of[idea["id"]].index(judge)  # this sheet's place among the entry's sheets
            place = titles.index(idea["title"]) if idea["title"] in titles else idea["id"]
            notes = data["notes"][turn] if turn < len(data["notes"]) else ("",) * len(criteria)
            scores = {c["id"]: (str(_mark(data["marks"][k], n, place, k)), notes[k]) for k, c in enumerate(criteria)}
            await judging.save_sheet(
                row["id"],
                judge_id=judge,
                scores=scores,
                submit=True,
                now=at,
                overall_comment=data["overall"][turn % len(data["overall"])],
            )
            if any(notes):
                commented.add((judge, idea["id"]))

    frozen = await judging.ensure_frozen(
        round_id, now=judging_closes + dt.timedelta(hours=3), actor_id=organizer, scope=PLATFORM
    )
    ranking = (await judging.results(round_id))["ranking"]
    extra = [r["idea"]["id"] for r in ranking if r["idea"] and r["idea"]["status"] == IdeaStatus.submitted.value][:1]
    if extra:
        await judging.shortlist(
            round_id,
            extra,
            actor_id=organizer,
            reason=SHORTLIST_REASON,
            now=judging_closes + dt.timedelta(days=1),
            scope=PLATFORM,
        )
    # About half of the comments are approved for the teams, all of those on youth1's idea among them.
    youth = await User.select(User.id).where(User.email == EXISTING_YOUTH).first()
    released = 0
    for n, sheet in enumerate(
        await ScoreSheet.select(ScoreSheet.id, ScoreSheet.judge, ScoreSheet.idea)
        .where((ScoreSheet.round == round_id) & (ScoreSheet.status == SheetStatus.submitted.value))
        .order_by(ScoreSheet.id)
    ):
        if (sheet["judge"], sheet["idea"]) in commented or (youth and ideas[sheet["idea"]]["lead"] == youth["id"]):
            await judging.set_comment_release(
                round_id,
                sheet["id"],
                True,
                actor_id=organizer,
                now=judging_closes + dt.timedelta(days=2, minutes=5 * n),
                scope=PLATFORM,
            )
            released += 1
    sheets = await ScoreSheet.count().where(ScoreSheet.round == round_id)
    return f"{sheets} score sheets, frozen (sha256 {frozen['frozen_hash'][:12]}…), {released} sheets' comments released"


def _mark(fair: int, judge: int, place: int, criterion: int) -> int:
    """The fair mark as a given judge gives it: judge1 is a little strict, judge2 lenient, judge3 uneven."""
    lean = {
        0: -1 if criterion == place % 4 else 0,
        1: 1 if criterion == (place + 1) % 4 else 0,
        2: 1 if criterion == (place + 2) % 4 else -1 if criterion == (place + 3) % 4 else 0,
    }[judge % 3]
    return max(1, min(5, fair + lean))


async def _staff() -> dict[str, int]:
    """The demo organizer and judges, by email."""
    emails = [ORGANIZER] + [email for email, _ in JUDGES]
    rows = {r["email"]: r["id"] for r in await User.select(User.id, User.email).where(User.email.is_in(emails))}
    missing = [e for e in emails if e not in rows]
    if missing:
        raise RuntimeError(f"The demo accounts {', '.join(missing)} must be seeded before the demo judging.")
    return rows


async def _rubric(round_id: int) -> list[dict[str, Any]]:
    for position, spec in enumerate(RUBRIC):
        await Criterion(
            round=round_id,
            name=spec["name"],
            description=spec["description"],
            weight=spec["weight"],
            scale_min=1,
            scale_max=5,
            descriptors=json.dumps(list(spec["descriptors"]), ensure_ascii=False),
            position=position,
        ).save()
    return await judging.rubric(round_id)


async def _panel(contest_id: int, round_id: int, staff: dict[str, int], *, invited: dt.datetime) -> None:
    """The three demo judges invited by the organizer, each accepting a day later."""
    categories = {c["slug"]: c["id"] for c in await services.categories_of(contest_id)}
    for n, (email, fields) in enumerate(JUDGES):
        await judging.add_judge(
            round_id,
            email,
            expertise=[categories[s] for s in fields if s in categories],
            actor_id=staff[ORGANIZER],
            now=invited + dt.timedelta(minutes=10 * n),
            scope=PLATFORM,
        )
        member = (
            await PanelMember.select(PanelMember.id)
            .where((PanelMember.round == round_id) & (PanelMember.contact == email))
            .first()
        )
        assert member is not None  # invited just above
        await judging.accept_panel(member["id"], user_id=staff[email], now=invited + dt.timedelta(days=1, hours=3 * n))


async def _read_invitation(user_id: int, at: dt.datetime) -> None:
    """A judge who signed their declaration has read the invitations sent before."""
    await Notification.update({Notification.read_at: at}).where(
        (Notification.user == user_id)
        & (Notification.kind == "judge_invitation")
        & Notification.read_at.is_null()
        & (Notification.created_at <= at)
    )


# ---------------------------------------------------------------- verified residents and the public vote


async def seed_voting(commune_id: int, *, now: dt.datetime, alias_key: bytes) -> str:
    """Verified residents, the finished round's past vote and awards, and the digital round's open vote.

    Votes go through ``contest.voting`` with the clock moved inside each round's vote window, so the
    ballots, receipts and the hash-chained public log are real. Idempotent: the residents' list is
    imported once and only unverified people are verified; a round whose rules were already set
    (an audited ``vote.rules``) is left alone, a contest with awards too.
    """
    now = now.astimezone(UTC)
    finished = await _first_round(FINISHED_CONTEST["slug"])
    # The residents were verified shortly before the finished round's vote (or now, without that contest).
    opens = _finished_window(finished)[0] if finished else now
    done = [await _seed_residents(commune_id, verified_before=min(opens, now), now=now)]
    for spec, seeder in ((FINISHED_CONTEST, _vote_finished), (DIGITAL_CONTEST, _vote_digital)):
        round_ = await _first_round(spec["slug"])
        if round_ is None:
            continue
        if await AuditEvent.exists().where(
            (AuditEvent.action == "vote.rules")
            & (AuditEvent.target_type == "round")
            & (AuditEvent.target_id == str(round_["id"]))
        ):
            done.append(f"the vote of {spec['slug']} already there")
            continue
        async with atomic(Contest._meta.db):
            done.append(f"{spec['slug']}: " + await seeder(round_, alias_key=alias_key, now=now))
    finished = await _first_round(FINISHED_CONTEST["slug"])  # with the vote window it may just have got
    if finished and not await Award.exists().where(Award.contest == finished["contest"]):
        async with atomic(Contest._meta.db):
            done.append(f"{FINISHED_CONTEST['slug']}: " + await _award(finished))
    return "Demo vote: " + "; ".join(done) + "."


async def set_rules_before(round_id: int, values: dict[str, Any], *, actor_id: int, at: dt.datetime) -> None:
    """Past data: the vote's rules as the organizer set them (audited "vote.rules"), at ``at`` or, when that
    is later, an hour before judging closed — rules are fixed once a round's scores are (``contest.rubric``).
    Written directly: the round may be frozen by now, which ``voting.update_rules`` rightly refuses."""
    round_ = await judging.round_row(round_id, scope=PLATFORM)
    at = min(at, round_.judging_closes - dt.timedelta(hours=1))
    await voting.rules_of(round_id)  # the row with its defaults
    async with atomic(Contest._meta.db):
        await VoteRules.update({getattr(VoteRules, k): v for k, v in values.items()}).where(VoteRules.round == round_id)
        await audit.record(
            "vote.rules",
            actor_id=actor_id,
            target_type="round",
            target_id=round_id,
            commune_id=round_.commune,
            now=at,
            data=values,
        )


async def _first_round(slug: str) -> dict[str, Any] | None:
    contest = await Contest.select(Contest.id).where(Contest.slug == slug).first()
    return (await services.rounds_of(contest["id"]))[0] if contest else None


def _finished_window(round_: dict[str, Any]) -> tuple[dt.datetime, dt.datetime]:
    """The finished round's vote window: its own, or a week after its judging (before its results)."""
    if round_["vote_opens"] and round_["vote_closes"]:
        return round_["vote_opens"], round_["vote_closes"]
    opens = round_["judging_closes"] + dt.timedelta(days=1)
    return opens, min(opens + dt.timedelta(days=7), round_["results_at"] - dt.timedelta(days=1))


async def _seed_residents(commune_id: int, *, verified_before: dt.datetime, now: dt.datetime) -> str:
    """The adult residents (created when missing), the commune's resident list, and office verifications."""
    hamlets = await accounts_services.hamlets_of(commune_id)
    missing = [r for r in RESIDENTS if not await User.exists().where(User.email == r[0])]
    if missing:
        password_hash = await passwords.hash_async(DEMO_PASSWORD)
        joined = verified_before - dt.timedelta(days=30)
        for email, full_name, birth_year, hamlet in missing:
            await User(
                username=email,
                email=email,
                phone=None,
                password=password_hash,
                full_name=full_name,
                birth_year=birth_year,
                commune=commune_id,
                hamlet=hamlets[hamlet]["id"],
                active=True,
                terms_accepted_at=joined,
                privacy_accepted_at=joined,
                pseudonym=accounts_services.new_pseudonym(),
                created_at=joined,
            ).save()
    people = {
        r["email"]: r
        for r in await User.select(
            User.id, User.email, User.full_name, User.birth_year, User.hamlet, User.verified_resident
        ).where(User.email.is_in([*LISTED, *AT_OFFICE]))
    }
    absent = [e for e in (*LISTED, *AT_OFFICE) if e not in people]
    if absent:
        raise RuntimeError(f"The demo accounts {', '.join(absent)} must be seeded before the demo vote.")
    organizer = (await _ids([ORGANIZER]))[ORGANIZER]
    imported = 0
    if not await ResidentRecord.exists().where(ResidentRecord.commune == commune_id):
        short = {h["id"]: h["name"].removeprefix("Thôn ") for h in hamlets}
        listed = [(people[e]["full_name"], people[e]["birth_year"], short[people[e]["hamlet"]]) for e in LISTED]
        listed += [(name, year, short[hamlets[h]["id"]]) for name, year, h in LISTED_WITHOUT_ACCOUNT]
        rows = [
            verification.ResidentRow(line, name, year, hamlet, None)
            for line, (name, year, hamlet) in enumerate(sorted(listed, key=lambda r: (r[2], r[0])), start=2)
        ]
        result = await verification.import_residents(
            commune_id, rows, replace=False, actor_id=organizer, now=verified_before - dt.timedelta(days=14)
        )
        imported = result["verified"]
    at_office = 0
    moments = _spread(verified_before - dt.timedelta(days=12), verified_before - dt.timedelta(days=2), len(AT_OFFICE))
    for email, at in zip(AT_OFFICE, moments, strict=False):
        if not people[email]["verified_resident"]:
            await verification.verify_at_office(people[email]["id"], actor_id=organizer, commune_id=commune_id, now=at)
            at_office += 1
    return f"{imported} residents verified by the resident list, {at_office} at the commune office"


async def _vote_finished(round_: dict[str, Any], *, alias_key: bytes, now: dt.datetime) -> str:
    """Rules set before the vote, ~60 votes over its week, two changed, three voided by the organizer."""
    round_id = round_["id"]
    opens, closes = _finished_window(round_)
    if round_["vote_opens"] is None or round_["vote_closes"] is None:  # past data: the window is set directly
        await Round.update({Round.vote_opens: opens, Round.vote_closes: closes}).where(Round.id == round_id)
    organizer = (await _ids([ORGANIZER]))[ORGANIZER]
    await set_rules_before(round_id, FINISHED_RULES, actor_id=organizer, at=opens - dt.timedelta(days=3))
    votable = set(await voting.votable_ideas(round_id))
    entries = [
        r["idea"]["id"]
        for r in (await judging.results(round_id))["ranking"]
        if r["idea"] and r["idea"]["id"] in votable
    ]
    entries += sorted(votable - set(entries))
    voters = await _verified_voters()
    limit = FINISHED_RULES["votes_per_voter"]
    taken: set[tuple[int, int]] = set()
    used: dict[int, int] = {}
    turn = 0

    def next_voter(idea: int) -> int:
        nonlocal turn
        for _ in range(len(voters)):
            voter = voters[turn % len(voters)]
            turn += 1
            if used.get(voter, 0) < limit and (voter, idea) not in taken:
                taken.add((voter, idea))
                used[voter] = used.get(voter, 0) + 1
                return voter
        raise RuntimeError("Not enough verified demo residents for the demo vote.")

    valid = [
        (next_voter(idea), idea) for idea, count in zip(entries, FINISHED_VOTES, strict=False) for _ in range(count)
    ]
    voided = [
        (next_voter(idea), idea, reason)
        for idea, reason in zip([entries[i] for i in (1, 0, 3) if i < len(entries)], VOID_REASONS, strict=False)
    ]
    # Two voters first vote for a lower entry, take the vote back, and give it to another.
    changed: dict[tuple[int, int], int] = {}
    for wanted, dropped in ((2, 5), (3, 6)):
        if max(wanted, dropped) >= len(entries):
            continue
        voter = next(
            v
            for v, idea in valid
            if idea == entries[wanted] and (v, entries[dropped]) not in taken and (v, entries[wanted]) not in changed
        )
        changed[(voter, entries[wanted])] = entries[dropped]

    casts: list[tuple[int, int, str]] = [(v, idea, "") for v, idea in valid] + voided
    random.Random(FINISHED_YEAR).shuffle(casts)
    moments = [
        _daytime(m, latest=closes - dt.timedelta(hours=2))
        for m in _spread(opens + dt.timedelta(hours=2), closes - dt.timedelta(hours=6), len(casts))
    ]
    events: list[tuple[dt.datetime, int, str, int, int, str]] = []
    for n, ((voter, idea, reason), at) in enumerate(zip(casts, moments, strict=False)):
        if (voter, idea) in changed:
            events.append((at - dt.timedelta(hours=2), n, "cast", voter, changed[(voter, idea)], ""))
            events.append((at - dt.timedelta(minutes=5), n, "withdraw", voter, changed[(voter, idea)], ""))
        events.append((at, n, "cast", voter, idea, ""))
        if reason:
            events.append(
                (min(at + dt.timedelta(days=1), closes - dt.timedelta(hours=1)), n, "void", voter, idea, reason)
            )
    for at, _, action, voter, idea, reason in sorted(events, key=lambda e: (e[0], e[1])):
        await _vote_action(
            round_id, action, voter, idea, at=at, reason=reason, organizer=organizer, alias_key=alias_key, voters=voters
        )
    return (
        f"{len(casts) + len(changed)} votes cast by {len(used)} residents, {len(changed)} changed, {len(voided)} voided"
    )


async def _vote_digital(round_: dict[str, Any], *, alias_key: bytes, now: dt.datetime) -> str:
    """Rules set the day before the vote opened; a few residents (never citizen1) have already voted."""
    round_id, opens = round_["id"], round_["vote_opens"]
    organizer = (await _ids([ORGANIZER]))[ORGANIZER]
    await set_rules_before(round_id, DIGITAL_RULES, actor_id=organizer, at=opens - dt.timedelta(hours=20))
    if phase_of(round_, now) is not Phase.voting:
        return "rules set, the vote is not open at the seed's time"
    by_title = {i["title"]: i["id"] for i in await Idea.select(Idea.id, Idea.title).where(Idea.round == round_id)}
    ids = await _ids([email for email, _ in DIGITAL_VOTES])
    voters = await _verified_voters()
    plan = [
        (ids[email], by_title[DIGITAL_IDEAS[place]["title"]]) for email, places in DIGITAL_VOTES for place in places
    ]
    moments = _spread(
        opens + dt.timedelta(hours=1), min(now, round_["vote_closes"]) - dt.timedelta(minutes=40), len(plan)
    )
    for (voter, idea), at in zip(plan, moments, strict=False):
        await _vote_action(
            round_id, "cast", voter, idea, at=at, reason="", organizer=organizer, alias_key=alias_key, voters=voters
        )
    return f"rules set, {len(plan)} votes cast by {len(DIGITAL_VOTES)} residents"


async def _vote_action(
    round_id: int,
    action: str,
    voter: int,
    idea: int,
    *,
    at: dt.datetime,
    reason: str,
    organizer: int,
    alias_key: bytes,
    voters: list[int],
) -> None:
    if action == "cast":
        # Documentation addresses (RFC 5737), one per person.
        ip = f"203.0.113.{10 + voters.index(voter)}" if voter in voters else ""
        await voting.cast(round_id, idea, voter_id=voter, now=at, alias_key=alias_key, ip=ip)
    elif action == "withdraw":
        await voting.withdraw(round_id, idea, voter_id=voter, now=at, alias_key=alias_key)
    else:
        vote = (
            await Vote.select(Vote.id)
            .where((Vote.round == round_id) & (Vote.voter == voter) & (Vote.idea == idea))
            .first()
        )
        assert vote is not None  # cast earlier in the script
        await voting.void(vote["id"], reason=reason, actor_id=organizer, now=at, alias_key=alias_key, scope=PLATFORM)


async def _award(round_: dict[str, Any]) -> str:
    """The contest's prizes, each given to the entry at its place of the published ranking."""
    round_id = round_["id"]
    judged = await judging.results(round_id)
    method = judged["method"]
    jury = {row["result"].entry: getattr(row["result"], method) or row["result"].mean for row in judged["ranking"]}
    votes = await voting.tally(round_id)
    alpha = (await voting.rules_of(round_id))["jury_weight"] if round_["vote_opens"] else 1.0
    combined = voting.combine(jury, {k: float(v) for k, v in votes.items()}, alpha)
    order = {
        "combined": sorted(combined, key=lambda e: (-combined[e], -jury.get(e, 0), e)),
        "public": sorted(votes, key=lambda e: (-votes[e], e)),
    }
    for position, (name, basis, rank) in enumerate(AWARDS, start=1):
        ranking = order[basis]
        await Award(
            contest=round_["contest"],
            name=name,
            position=position,
            basis=basis,
            rank=rank,
            idea=ranking[rank - 1] if rank <= len(ranking) else None,
        ).save()
    return f"{len(AWARDS)} awards"


async def _verified_voters() -> list[int]:
    """The verified demo residents, in a fixed order mixing hamlets and ages."""
    emails = sorted((*LISTED, *AT_OFFICE), key=lambda e: (sum(map(ord, e)) * 7) % 37)
    rows = {
        r["email"]: r["id"]
        for r in await User.select(User.id, User.email).where(
            User.email.is_in(emails) & (User.verified_resident == True)
        )
    }  # noqa: E712
    return [rows[e] for e in emails if e in rows]


async def _ids(emails: list[str]) -> dict[str, int]:
    rows = {r["email"]: r["id"] for r in await User.select(User.id, User.email).where(User.email.is_in(emails))}
    missing = [e for e in emails if e not in rows]
    if missing:
        raise RuntimeError(f"The demo accounts {', '.join(missing)} must be seeded first.")
    return rows


# ---------------------------------------------------------------- people and ideas


async def _ensure_youth(commune_id: int, password_hash: str, now: dt.datetime) -> dict[str, int]:
    """The fictional young people (created when missing) and youth1, by email."""
    hamlets = [h["id"] for h in await accounts_services.hamlets_of(commune_id)]
    users = {}
    for email, full_name, birth_year, hamlet in YOUTH:
        users[email] = await ensure_user(
            email,
            full_name,
            birth_year,
            commune_id=commune_id,
            hamlet_id=hamlets[hamlet],
            password_hash=password_hash,
            created_at=now - dt.timedelta(days=30),
            accepted_at=now,
        )
    existing = await User.select(User.id).where(User.email == EXISTING_YOUTH).first()
    if existing is None:
        raise RuntimeError(f"The demo account {EXISTING_YOUTH} must be seeded before the demo contests.")
    users[EXISTING_YOUTH] = existing["id"]
    return users


async def _seed_idea(
    contest: services.ContestRow,
    round_: dict[str, Any],
    spec: dict[str, Any],
    *,
    users: dict[str, int],
    categories: dict[str, int],
    at: dt.datetime,
    now: dt.datetime,
) -> int:
    """One idea through the services: its draft, its team, then (unless a draft) its submission at ``at``."""
    lead = users[spec["lead"]]
    started = max(at - dt.timedelta(hours=30), round_["submission_opens"])
    idea_id = await services.create_draft(contest, round_, _form(spec, categories), user_id=lead, now=started)
    for n, email in enumerate(spec.get("team", ())):
        await _join_team(idea_id, email, users, lead=lead, at=started + dt.timedelta(hours=1 + n))
    if spec.get("state") == "draft":
        return idea_id
    await services.submit(idea_id, user_id=lead, now=at)
    later = min(at + dt.timedelta(days=1), at + (now - at) / 2, round_["submission_closes"] - dt.timedelta(hours=1))
    for email in spec.get("pending", ()):
        await services.invite(idea_id, email, user_id=lead, now=later)
    if spec.get("revise"):
        await services.save(idea_id, _form({**spec, **spec["revise"]}, categories), user_id=lead, now=later)
    if spec.get("state") == "withdrawn":
        await services.withdraw(idea_id, user_id=lead, reason=spec["withdrawn_reason"], now=later)
    return idea_id


async def _join_team(idea_id: int, email: str, users: dict[str, int], *, lead: int, at: dt.datetime) -> None:
    await services.invite(idea_id, email, user_id=lead, now=at)
    member = (
        await IdeaMember.select(IdeaMember.id)
        .where((IdeaMember.idea == idea_id) & (IdeaMember.contact == email))
        .first()
    )
    assert member is not None  # invited just above
    await services.respond(member["id"], user_id=users[email], accept=True, now=at + dt.timedelta(minutes=40))


def _form(spec: dict[str, Any], categories: dict[str, int]) -> IdeaForm:
    return IdeaForm(
        title=spec["title"],
        summary=spec["summary"],
        category_id=str(categories[spec["category"]]),
        problem=spec["problem"],
        solution=spec["solution"],
        beneficiaries=spec["beneficiaries"],
        resources=spec["resources"],
        budget=format_budget(spec["budget"]),
        stage=spec["stage"],
        body=spec.get("body", ""),
    )


# ---------------------------------------------------------------- time


def _hour(moment: dt.datetime) -> dt.datetime:
    return moment.replace(minute=0, second=0, microsecond=0)


def _daytime(moment: dt.datetime, *, latest: dt.datetime) -> dt.datetime:
    """People vote in the day: a moment between midnight and 6 a.m. in Việt Nam (UTC+7) moves 6 hours later."""
    if (moment.astimezone(UTC).hour + 7) % 24 < 6:
        moment += dt.timedelta(hours=6)
    return min(moment, latest)


def _spread(first: dt.datetime, last: dt.datetime, count: int) -> list[dt.datetime]:
    """``count`` moments from ``first`` to ``last`` in order, evenly spaced, with a few minutes of jitter."""
    if count == 1:
        return [first]
    step = (last - first) / (count - 1)
    jitter = min(step / 3, dt.timedelta(minutes=50))
    moments = [first + step * i - jitter * ((i * 7) % 5) / 4 for i in range(count)]
    return [max(first, m.replace(second=0, microsecond=0)) for m in moments]
