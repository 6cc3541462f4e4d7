"""Demo contest of the second demo commune, «Xã Tân Minh», so that tenancy is visible (idempotent).

Tân Minh has its own organizer (organizer2), its own judges (judge4, judge5), young people, residents
and one contest of two chained rounds. Its «Vòng sơ khảo» is over: ideas submitted through
``contest.services``, judged through ``contest.judging`` (panel, declarations, assignments, submitted
score sheets, frozen, shortlisted) and its results published. Its shortlist was carried into the
«Vòng bình chọn» through ``contest.chaining.advance`` (rows of ``round_entry``); that round takes no new
entries and has no judging, only a public vote, open now: residents verified by importing the
commune's resident list through ``accounts.verification`` (the accounts are matched by name, birth year
and hamlet), and votes cast through ``contest.voting.cast`` on the carried entries.
One idea has an invitation nobody has answered yet, the panel an invitation to a judge without an
account, and two young people are not on the resident list (unverified).

Every person and idea here is fictional. Idempotent: nothing is done when the contest's slug exists;
otherwise the contest, its judging and its vote are seeded in one transaction.
Imports neither ``litestar`` nor ``server``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from accounts import passwords, verification
from accounts import services as accounts_services
from accounts.clock import UTC
from accounts.engine import atomic
from accounts.scope import PLATFORM
from accounts.tables import User
from contest import chaining, judging, services, voting
from contest.phases import Phase, phase_of
from contest.tables import Assignment, Contest, IdeaStatus, PanelMember, Round
from demo import load
from demo.contests import (
    CATEGORIES,
    NO_CONFLICT,
    _create_contest,
    _hour,
    _mark,
    _rubric,
    _seed_idea,
    _spread,
    set_rules_before,
)
from demo.people import DEMO_PASSWORD, ensure_user

ORGANIZER = "organizer2@example.com"
JUDGES = ("judge4@example.com", "judge5@example.com")
# Invited to the panel by email; has no account yet, so the invitation waits.
INVITED_JUDGE = "giamkhao.tanminh@example.com"


def _email(n: int) -> str:
    return f"tanminh{n:02d}@example.com"


# People, texts, ideas and votes: demo/data/tan_minh.toml (what each record holds is said there).
_DATA = load.data("tan_minh")
YOUTH: tuple[tuple[str, str, int, int], ...] = _DATA["youth"]
RESIDENTS: tuple[tuple[str, str, int, int], ...] = _DATA["residents"]
LISTED_WITHOUT_ACCOUNT: tuple[tuple[str, int, int], ...] = _DATA["listed_without_account"]
CONTEST: dict[str, Any] = _DATA["contest"]
RULES: dict[str, Any] = _DATA["rules"]
IDEAS: tuple[dict[str, Any], ...] = _DATA["ideas"]
VOTES: tuple[tuple[str, tuple[int, ...]], ...] = _DATA["votes"]
# On the commune's resident list (matched when the list is imported); tanminh07 and tanminh08 are not.
LISTED = tuple(_email(n) for n in range(1, 7)) + tuple(r[0] for r in RESIDENTS)

FIRST_ROUND = "Vòng sơ khảo"
VOTE_ROUND = "Vòng bình chọn"
SUBMISSION_CLOSED_DAYS_AGO = 30
SUBMISSION_DAYS = 40
JUDGING_CLOSED_DAYS_AGO = 7
RESULTS_DAYS_AGO = 6  # the first round's results, then its shortlist carried into the vote round
VOTE_OPENED_DAYS_AGO = 2
VOTE_DAYS = 7
SHORTLIST = 4
SHORTLIST_REASON = "Bốn ý tưởng có tổng điểm cao nhất của ban giám khảo vào vòng bình chọn"


async def seed_tan_minh(commune_id: int, *, now: dt.datetime, alias_key: bytes) -> str:
    """Create the Tân Minh demo contest — a judged first round whose shortlist went on to a vote round open now —
    unless it exists; a line saying what was done."""
    now = now.astimezone(UTC)
    if await Contest.exists().where(Contest.slug == CONTEST["slug"]):
        return f"Demo contest «{CONTEST['title']}» already there."
    password_hash = await passwords.hash_async(DEMO_PASSWORD)
    async with atomic(Contest._meta.db):
        users = await _ensure_people(commune_id, password_hash, now)
        staff = await _ids([ORGANIZER, *JUDGES])
        round_, vote_round = await _contest(commune_id, users, now)
        judged = await _judging(round_, staff, now)
        carried = await chaining.advance(
            round_["id"], actor_id=staff[ORGANIZER], scope=PLATFORM, now=round_["results_at"] + dt.timedelta(hours=3)
        )
        voted = await _vote(commune_id, vote_round, users, staff[ORGANIZER], alias_key=alias_key, now=now)
    return (
        f"Demo contest «{CONTEST['title']}» created with {len(IDEAS)} ideas; {judged}; {carried['through']} "
        f"carried into «{VOTE_ROUND}»; {voted}."
    )


async def _ensure_people(commune_id: int, password_hash: str, now: dt.datetime) -> dict[str, int]:
    hamlets = [h["id"] for h in await accounts_services.hamlets_of(commune_id)]
    joined = now - dt.timedelta(days=100)
    users = {}
    for email, full_name, birth_year, hamlet in (*YOUTH, *RESIDENTS):
        users[email] = await ensure_user(
            email,
            full_name,
            birth_year,
            commune_id=commune_id,
            hamlet_id=hamlets[hamlet],
            password_hash=password_hash,
            created_at=joined,
        )
    return users


async def _contest(commune_id: int, users: dict[str, int], now: dt.datetime) -> tuple[dict[str, Any], dict[str, Any]]:
    """The contest, its first round (judged, results out) with the ideas submitted in time, and its vote round.

    The vote round takes no new entries and has no judging: it starts with its public vote (open at ``now``),
    after the first round's results."""
    start = _hour(now)
    closes = start - dt.timedelta(days=SUBMISSION_CLOSED_DAYS_AGO)
    opens = closes - dt.timedelta(days=SUBMISSION_DAYS)
    dates = dict(
        submission_opens=opens,
        submission_closes=closes,
        judging_closes=start - dt.timedelta(days=JUDGING_CLOSED_DAYS_AGO),
        results_at=start - dt.timedelta(days=RESULTS_DAYS_AGO),
    )
    contest, round_, categories = await _create_contest(
        CONTEST, commune_id, FIRST_ROUND, dates, created_at=opens - dt.timedelta(days=10), categories=CATEGORIES
    )
    vote_opens = start - dt.timedelta(days=VOTE_OPENED_DAYS_AGO)
    vote_closes = vote_opens + dt.timedelta(days=VOTE_DAYS)
    await Round(
        contest=contest.id,
        name=VOTE_ROUND,
        position=2,
        submission_opens=vote_opens,
        submission_closes=vote_opens,
        judging_closes=vote_opens,
        vote_opens=vote_opens,
        vote_closes=vote_closes,
        results_at=vote_closes + dt.timedelta(days=2),
        takes_entries=False,
        has_judging=False,
    ).save()
    moments = _spread(opens + dt.timedelta(days=3), closes - dt.timedelta(days=1), len(IDEAS))
    for spec, at in zip(IDEAS, moments, strict=False):
        await _seed_idea(contest, round_, spec, users=users, categories=categories, at=at, now=now)
    rounds = await services.rounds_of(contest.id)
    return rounds[0], rounds[1]


async def _judging(round_: dict[str, Any], staff: dict[str, int], now: dt.datetime) -> str:
    """Rubric, the two judges, their declarations and sheets inside the judging phase; frozen; four shortlisted."""
    round_id, organizer = round_["id"], staff[ORGANIZER]
    opens, closes, judging_closes = round_["submission_opens"], round_["submission_closes"], round_["judging_closes"]
    criteria = await _rubric(round_id)
    invited = opens + dt.timedelta(days=5)
    for n, email in enumerate(JUDGES):
        await judging.add_judge(
            round_id,
            email,
            expertise=[],
            actor_id=organizer,
            now=invited + dt.timedelta(minutes=10 * n),
            scope=PLATFORM,
        )
        member = (
            await PanelMember.select(PanelMember.id)
            .where((PanelMember.round == round_id) & (PanelMember.contact == email))
            .first()
        )
        assert member is not None  # invited just above
        await judging.accept_panel(member["id"], user_id=staff[email], now=invited + dt.timedelta(days=1, hours=n))
    await judging.add_judge(
        round_id, INVITED_JUDGE, expertise=[], actor_id=organizer, now=invited + dt.timedelta(days=2), scope=PLATFORM
    )
    await judging.update_settings(
        round_id,
        values={
            "judges_per_entry": 2,
            "min_per_judge": 0,
            "max_per_judge": None,
            "anchors": 0,
            "method": "additive",
        },
        actor_id=organizer,
        now=invited + dt.timedelta(hours=1),
        scope=PLATFORM,
    )
    for n, email in enumerate(JUDGES):
        await judging.sign_declaration(
            round_id,
            staff[email],
            statement=NO_CONFLICT,
            related_codes=[],
            relatives=[],
            now=closes + dt.timedelta(hours=6 + 4 * n),
        )
    await judging.run_assignment(round_id, actor_id=organizer, now=closes + dt.timedelta(days=1), scope=PLATFORM)
    marks = {spec["title"]: spec["marks"] for spec in IDEAS}
    rows = (
        await Assignment.select(Assignment.id, Assignment.judge, Assignment.idea, Assignment.idea.title)
        .where(Assignment.round == round_id)
        .order_by(Assignment.id)
    )
    for n, email in enumerate(JUDGES):
        mine = [r for r in rows if r["judge"] == staff[email]]
        moments = _spread(closes + dt.timedelta(days=3 + n), judging_closes - dt.timedelta(days=3), len(mine))
        for place, (row, at) in enumerate(zip(mine, moments, strict=False)):
            fair = marks[row["idea.title"]]
            scores = {c["id"]: (str(_mark(fair[k], n, place, k)), "") for k, c in enumerate(criteria)}
            await judging.save_sheet(
                row["id"],
                judge_id=staff[email],
                scores=scores,
                submit=True,
                now=at,
                overall_comment="Ý tưởng thiết thực cho xã; nhóm nên làm thử nhỏ trước.",
            )
    await judging.ensure_frozen(
        round_id, now=judging_closes + dt.timedelta(hours=1), actor_id=organizer, scope=PLATFORM
    )
    ranking = (await judging.results(round_id))["ranking"]
    chosen = [r["idea"]["id"] for r in ranking if r["idea"] and r["idea"]["status"] == IdeaStatus.submitted.value]
    await judging.shortlist(
        round_id,
        chosen[:SHORTLIST],
        actor_id=organizer,
        reason=SHORTLIST_REASON,
        now=judging_closes + dt.timedelta(hours=2),
        scope=PLATFORM,
    )
    return f"{len(rows)} score sheets by {len(JUDGES)} judges, {min(SHORTLIST, len(chosen))} shortlisted"


async def _vote(
    commune_id: int,
    round_: dict[str, Any],
    users: dict[str, int],
    organizer: int,
    *,
    alias_key: bytes,
    now: dt.datetime,
) -> str:
    """The resident list imported (its accounts verified), the vote round's rules set before its vote, and a few
    votes on the entries carried into it."""
    round_id, opens = round_["id"], round_["vote_opens"]
    hamlets = {h["id"]: h["name"].removeprefix("Thôn ") for h in await accounts_services.hamlets_of(commune_id)}
    people = {
        r["email"]: r
        for r in await User.select(User.email, User.full_name, User.birth_year, User.hamlet).where(
            User.email.is_in(list(LISTED))
        )
    }
    listed = [(people[e]["full_name"], people[e]["birth_year"], hamlets[people[e]["hamlet"]]) for e in LISTED]
    order = list(hamlets.values())
    listed += [(name, year, order[h]) for name, year, h in LISTED_WITHOUT_ACCOUNT]
    rows = [
        verification.ResidentRow(line, name, year, hamlet, None)
        for line, (name, year, hamlet) in enumerate(sorted(listed, key=lambda r: (r[2], r[0])), start=2)
    ]
    imported = await verification.import_residents(
        commune_id, rows, replace=False, actor_id=organizer, now=opens - dt.timedelta(days=6)
    )
    await set_rules_before(round_id, RULES, actor_id=organizer, at=opens - dt.timedelta(hours=20))
    what = f"{imported['verified']} residents verified by the resident list"
    if phase_of(round_, now) is not Phase.voting:
        return what + ", the vote is not open at the seed's time"
    first = (await services.rounds_of(round_["contest"]))[0]
    ranking = [r["idea"]["id"] for r in (await judging.results(first["id"]))["ranking"] if r["idea"]]
    votable = set(await voting.votable_ideas(round_id))
    entries = [i for i in ranking if i in votable]
    plan = [(users[email], entries[place]) for email, places in VOTES for place in places if place < len(entries)]
    moments = _spread(
        opens + dt.timedelta(hours=2), min(now, round_["vote_closes"]) - dt.timedelta(minutes=30), len(plan)
    )
    for n, ((voter, idea), at) in enumerate(zip(plan, moments, strict=False)):
        await voting.cast(round_id, idea, voter_id=voter, now=at, alias_key=alias_key, ip=f"198.51.100.{10 + n}")
    return what + f", {len(plan)} votes cast"


async def _ids(emails: list[str]) -> dict[str, int]:
    rows = {r["email"]: r["id"] for r in await User.select(User.id, User.email).where(User.email.is_in(emails))}
    missing = [e for e in emails if e not in rows]
    if missing:
        raise RuntimeError(f"The demo accounts {', '.join(missing)} must be seeded first.")
    return rows
