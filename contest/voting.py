"""The public vote: who may vote, race-safe casting, the hash-chained public log, tallies, results.

"One vote per (voter, idea)" is a unique index; "at most N votes per voter" is an atomic
conditional increment of the voter's ballot, in the same transaction as the vote and its log
entry — so a vote is acknowledged only once all three are committed together.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import hmac
import io
import json
import secrets
from collections import Counter, defaultdict
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Any

from accounts import audit, events, limits, locks, memo
from accounts.engine import atomic, is_sqlite, read_rows
from accounts.errors import NotFound, PermissionDenied, ValidationFailed
from accounts.i18n import N_
from accounts.scope import Scope, load
from accounts.tables import AuditEvent, Hamlet, User
from contest import rubric
from contest.errors import IdeaError
from contest.phases import Phase, is_open
from contest.rounds import RoundRow, round_row
from contest.tables import Ballot, Idea, IdeaStatus, Round, Vote, VoteChain, VoteCount, VoteLogEntry, VoteRules

GENESIS = "0" * 64
LOG_FIELDS = ("round", "seq", "voter_alias", "idea_code", "action", "time_bucket", "receipt", "reason")


class AlreadyVoted(IdeaError):
    """The voter has already voted for this idea."""


def _db():
    return Vote._meta.db


# ---------------------------------------------------------------- rules

RULE_FIELDS = ("votes_per_voter", "change_allowed", "live_tally", "residents_only", "jury_weight")

# Other apps open a contest's vote to the residents of more communes without contest/ depending on
# them: each source returns, for a contest id, the communes whose residents vote too. The app factory
# (``server.app.create_app``) adds the city final's "every commune with a finalist in the city final".
VoterCommunes = Callable[[int], Awaitable[set[int]]]
VOTER_COMMUNES: list[VoterCommunes] = []


def add_voter_communes(source: VoterCommunes) -> None:
    """Open votes to ``source``'s communes too from now on (adding the same source twice changes nothing)."""
    if source not in VOTER_COMMUNES:
        VOTER_COMMUNES.append(source)


async def rules_of(round_id: int) -> dict[str, Any]:
    rules = await VoteRules.select().where(VoteRules.round == round_id).first()
    if rules is None:  # a round's rules start as the defaults
        await VoteRules.insert(VoteRules(round=round_id)).on_conflict(target=(VoteRules.round,), action="DO NOTHING")
        rules = await VoteRules.select().where(VoteRules.round == round_id).first()
        assert rules is not None  # inserted just above if missing
    return rules


async def update_rules(round_id: int, values: dict[str, Any], *, actor_id: int, now: dt.datetime, scope: Scope) -> None:
    """Change the vote's rules — only before the vote opens, so they are known in advance.

    The round is loaded within ``scope`` (the organizer's communes): a round elsewhere is not found."""
    round_ = await load(
        Round, round_id, scope, Round.all_columns(), Round.contest.commune, missing=N_("This round does not exist.")
    )
    if round_["vote_opens"] is None:
        raise IdeaError(N_("This round has no public vote."))
    if now >= round_["vote_opens"]:
        raise IdeaError(N_("The vote has opened: its rules can no longer change."))
    locked = await rubric.round_lock(round_id, now)
    if locked:
        raise rubric.Locked(locked)
    errors = {}
    if not 1 <= values["votes_per_voter"] <= 20:
        errors["votes_per_voter"] = N_("Between 1 and 20 votes per voter.")
    if not 0.0 <= values["jury_weight"] <= 1.0:
        errors["jury_weight"] = N_("The jury's weight is between 0 and 1.")
    if errors:
        raise ValidationFailed(errors)
    await rules_of(round_id)
    async with atomic(_db()):
        await VoteRules.update({getattr(VoteRules, k): v for k, v in values.items()}).where(VoteRules.round == round_id)
        await audit.record(
            "vote.rules",
            actor_id=actor_id,
            target_type="round",
            target_id=round_id,
            commune_id=round_["contest.commune"],
            now=now,
            data=values,
        )


# ---------------------------------------------------------------- the round voted in

# A round with its contest's commune and slug and the vote's rules, in one query (it runs on every vote).
_ROUND_SQL = (
    "SELECT r.*, c.commune AS contest_commune, c.slug AS contest_slug, "
    + ", ".join(f"v.{f}" for f in RULE_FIELDS)
    + " FROM contest_round r JOIN contest c ON c.id = r.contest LEFT JOIN vote_rules v ON v.round = r.id "
)


async def _round_rows(where: str, *args: Any) -> list[dict[str, Any]]:
    rows = []
    others: dict[int, set[int]] = {}  # contest → communes whose residents vote too (asked once per contest)
    for row in await Round.raw(_ROUND_SQL + where, *args):
        round_ = {k: v for k, v in row.items() if k not in RULE_FIELDS and not k.startswith("contest_")}
        round_["contest.commune"], round_["contest.slug"] = row["contest_commune"], row["contest_slug"]
        if row["contest"] not in others:
            others[row["contest"]] = set()
            for source in VOTER_COMMUNES:
                others[row["contest"]] |= await source(row["contest"])
        round_["voter_communes"] = {row["contest_commune"], *others[row["contest"]]}
        if row["votes_per_voter"] is None:
            round_["rules"] = await rules_of(round_["id"])
        else:
            round_["rules"] = {f: row[f] for f in RULE_FIELDS}
            for flag in ("change_allowed", "live_tally", "residents_only"):
                round_["rules"][flag] = bool(round_["rules"][flag])
        rows.append(round_)
    return rows


async def voting_context(round_id: int) -> dict[str, Any]:
    """A round with ``contest.commune``, ``contest.slug`` and its vote's ``rules``."""
    rows = await _round_rows("WHERE r.id = {}", round_id)
    if not rows:
        raise NotFound(N_("This round does not exist."))
    return rows[0]


async def vote_round(slug: str, now: dt.datetime) -> dict[str, Any]:
    """The round of a published contest whose public vote people act in now (as ``voting_context``).

    The first round with a vote whose results are not out yet, else the last round with a vote.
    """
    rounds = await memo.read(
        ("vote_rounds", slug),
        lambda: _round_rows(
            "WHERE c.slug = {} AND c.published = {} AND r.vote_opens IS NOT NULL ORDER BY r.position", slug, True
        ),
    )
    if not rounds:
        from contest.services import contest_by_slug

        await contest_by_slug(slug)  # says when the contest itself is missing or unpublished
        raise NotFound(N_("This contest has no public vote."))
    return next((r for r in rounds if now < r["results_at"]), rounds[-1])


# ---------------------------------------------------------------- who may vote


@dataclass(frozen=True)
class Voter:
    """A person casting a vote, as the vote's rules see them."""

    id: int
    verified_resident: bool
    commune: int | None
    active: bool = True


async def voter_of(user_id: int) -> Voter | None:
    row = (
        await User.select(User.id, User.verified_resident, User.commune, User.active).where(User.id == user_id).first()
    )
    if row is None:
        return None
    return Voter(
        id=row["id"],
        verified_resident=bool(row["verified_resident"]),
        commune=row["commune"],
        active=bool(row["active"]),
    )


def refusal_for(round_: dict[str, Any], voter: Voter | None, now: dt.datetime) -> str | None:
    """Why this voter cannot vote in this round (from ``voting_context``) now; None when they can."""
    if round_["vote_opens"] is None:
        return N_("This round has no public vote.")
    if not is_open(round_, Phase.voting, now):
        return N_("The public vote is not open.")
    if voter is None or not voter.active:
        return N_("Account not found.")
    if not voter.verified_resident:
        return N_("Only verified residents can vote. Ask the commune office, or verify your phone number.")
    if round_["rules"]["residents_only"] and voter.commune not in round_.get(
        "voter_communes", {round_["contest.commune"]}
    ):
        return N_("Only residents of this commune can vote in this contest.")
    return None


async def refusal(round_: dict[str, Any], voter_id: int, now: dt.datetime) -> str | None:
    """As ``refusal_for``, reading the voter."""
    return refusal_for(round_, await voter_of(voter_id), now)


_CHOSEN = ", ".join(f"'{s.value}'" for s in (IdeaStatus.shortlisted, IdeaStatus.finalist, IdeaStatus.awarded))
# Shortlisted ideas when the organizers shortlisted some, otherwise every submitted idea; never hidden ones.
# The round's ideas are its own and those carried into it from the round before (round_entry).
# Parameters: the round, then False twice.
_VOTABLE_WHERE = (
    "EXISTS (SELECT 1 FROM contest_round r WHERE r.id = {} AND (i.round = r.id OR EXISTS "
    "(SELECT 1 FROM round_entry e WHERE e.round = r.id AND e.idea = i.id))) AND i.hidden = {} AND"
    f" (i.status IN ({_CHOSEN}) OR (i.status = '{IdeaStatus.submitted.value}' "
    f"AND NOT EXISTS (SELECT 1 FROM idea s WHERE s.round = i.round AND s.hidden = {{}} AND s.status IN ({_CHOSEN}))))"
)


async def votable_ideas(round_id: int) -> list[int]:
    """Shortlisted ideas when the organizers shortlisted some, otherwise every public idea of the round."""
    rows = await Idea.raw(f"SELECT i.id FROM idea i WHERE {_VOTABLE_WHERE} ORDER BY i.id", round_id, False, False)
    return [r["id"] for r in rows]


_BALLOT_COLUMNS = (Idea.id, Idea.code, Idea.title, Idea.summary, Idea.cover, Idea.category.name, Idea.hamlet.name)


@dataclass(frozen=True, slots=True)
class BallotIdea:
    """An idea as a round's vote page shows it."""

    id: int
    code: str
    title: str
    summary: str
    cover: str
    category: str | None
    hamlet: str | None


async def ballot_ideas(round_id: int) -> list[BallotIdea]:
    """The ideas a round's vote page shows, by code, with their category and hamlet (this worker's
    copy while serving a request, see ``accounts.memo``)."""

    async def load_ideas() -> list[BallotIdea]:
        ids = await votable_ideas(round_id)
        rows = await Idea.select(*_BALLOT_COLUMNS).where(Idea.id.is_in(ids or [-1])).order_by(Idea.code)
        return [
            BallotIdea(
                id=r["id"],
                code=r["code"],
                title=r["title"],
                summary=r["summary"],
                cover=r["cover"],
                category=r["category.name"],
                hamlet=r["hamlet.name"],
            )
            for r in rows
        ]

    return await memo.read(("ballot_ideas", round_id), load_ideas)


# ---------------------------------------------------------------- the public log


def voter_alias(key: bytes, contest_id: int, voter_id: int) -> str:
    """A pseudonymous voter id, stable within a contest, unlinkable across contests without the key."""
    return hmac.new(key, f"{contest_id}:{voter_id}".encode(), hashlib.sha256).hexdigest()[:12]


def time_bucket(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:00Z")


def _canonical(entry: dict[str, Any]) -> str:
    return json.dumps({k: entry[k] for k in LOG_FIELDS}, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def entry_hash(prev_hash: str, entry: dict[str, Any]) -> str:
    return hashlib.sha256((prev_hash + _canonical(entry)).encode("utf-8")).hexdigest()


def hash_parts(entry: dict[str, Any]) -> tuple[str, str]:
    """The canonical text of an entry split around its number: ``prefix + str(seq) + suffix``.

    Lets PostgreSQL number and hash an entry in the statement that appends it:
    ``entry_hash(prev, entry) == sha256(prev + prefix + str(seq) + suffix)``.
    """
    text = _canonical({**entry, "seq": 0})
    # Keys are sorted and values JSON-escaped, so this marker occurs exactly once.
    before, marker, after = text.partition(',"seq":0,')
    assert marker, text
    return before + ',"seq":', "," + after


def _sha(prev: str, seq: str) -> str:
    """SQL for the entry hash on PostgreSQL (``prev`` and ``seq`` are SQL expressions)."""
    return f"encode(sha256(convert_to({prev} || {{}}::text || {seq} || {{}}::text, 'UTF8')), 'hex')"


_FIRST_HASH = _sha("'" + GENESIS + "'", "'1'")
# Appends an entry after the rows of ``source`` (one row): moves the round's chain head and inserts the
# entry linked to the old head, in one statement. The head's row lock orders concurrent appends.
# Parameters: round, prefix, suffix, prefix, suffix, round, alias, idea code, action, time bucket, receipt,
# reason.
_APPEND_SQL = (
    "chain AS (INSERT INTO vote_chain (round, seq, prev, head) "
    f"SELECT {{}}::int, 1, '{GENESIS}', {_FIRST_HASH} FROM {{source}} "
    "ON CONFLICT (round) DO UPDATE SET seq = vote_chain.seq + 1, prev = vote_chain.head, "
    f"head = {_sha('vote_chain.head', '(vote_chain.seq + 1)::text')} RETURNING seq, prev, head), "
    "logged AS (INSERT INTO vote_log (round, seq, voter_alias, idea_code, action, time_bucket, receipt, reason, "
    "prev_hash, hash) SELECT {}::int, seq, {}::text, {}::text, {}::text, {}::text, {}::text, {}::text, prev, head "
    "FROM chain RETURNING seq)"
)


def _append_args(entry: dict[str, Any]) -> list[Any]:
    prefix, suffix = hash_parts(entry)
    return [
        entry["round"],
        prefix,
        suffix,
        prefix,
        suffix,
        entry["round"],
        entry["voter_alias"],
        entry["idea_code"],
        entry["action"],
        entry["time_bucket"],
        entry["receipt"],
        entry["reason"],
    ]


async def _append_log(entry: dict[str, Any]) -> None:
    """Append to the round's chain, inside the caller's write transaction (``seq`` is assigned here)."""
    if not is_sqlite(_db()):
        await VoteLogEntry.raw(
            "WITH " + _APPEND_SQL.replace("{source}", "(SELECT 1) AS one") + " SELECT 1", *_append_args(entry)
        )
        return
    # SQLite: the immediate transaction holds the database's write lock.
    head = await VoteChain.select(VoteChain.seq, VoteChain.head).where(VoteChain.round == entry["round"]).first()
    prev = head["head"] if head else GENESIS
    entry = {**entry, "seq": (head["seq"] if head else 0) + 1}
    digest = entry_hash(prev, entry)
    if head:
        await VoteChain.update({VoteChain.seq: entry["seq"], VoteChain.prev: prev, VoteChain.head: digest}).where(
            VoteChain.round == entry["round"]
        )
    else:
        await VoteChain.insert(VoteChain(round=entry["round"], seq=entry["seq"], prev=prev, head=digest))
    await VoteLogEntry.insert(VoteLogEntry(**{k: entry[k] for k in LOG_FIELDS}, prev_hash=prev, hash=digest))


def _log_entry(
    round_: dict[str, Any],
    *,
    voter_id: int,
    alias_key: bytes,
    idea_code: str,
    action: str,
    now: dt.datetime,
    receipt: str = "",
    reason: str = "",
) -> dict[str, Any]:
    return {
        "round": round_["id"],
        "seq": 0,
        "voter_alias": voter_alias(alias_key, round_["contest"], voter_id),
        "idea_code": idea_code,
        "action": action,
        "time_bucket": time_bucket(now),
        "receipt": receipt,
        "reason": reason,
    }


async def _count(round_id: int, idea_id: int, delta: int) -> None:
    await VoteCount.insert(VoteCount(round=round_id, idea=idea_id, votes=0)).on_conflict(
        target=(VoteCount.round, VoteCount.idea), action="DO NOTHING"
    )
    await VoteCount.update({VoteCount.votes: VoteCount.votes + delta}).where(
        (VoteCount.round == round_id) & (VoteCount.idea == idea_id)
    )


# ---------------------------------------------------------------- casting

# PostgreSQL: the whole vote in one statement — the idea is votable, the voter is linked to a line
# of the resident list, that resident's ballot has a vote left (conditional upsert on the unique
# (round, resident): the ballot belongs to the person, not the account, so a deleted and
# re-registered account shares it), the vote (unique per voter and idea, and per resident and idea,
# so a person gives an idea one vote whatever their accounts), the live counter and the
# log entry. Parameters: code, round, False, False | voter | round, voter, limit | round, voter,
# receipt, now, ip | round | the append's.
_CAST_SQL = (
    "WITH idea_ok AS (SELECT i.id FROM idea i WHERE i.code = {}::text AND " + _VOTABLE_WHERE + "), "
    "voter_ok AS (SELECT u.resident FROM users u WHERE u.id = {}::int AND u.resident IS NOT NULL), "
    "ballot AS (INSERT INTO vote_ballot (round, voter, resident, used) "
    "SELECT {}::int, {}::int, voter_ok.resident, 1 FROM idea_ok, voter_ok "
    "ON CONFLICT (round, resident) DO UPDATE SET used = vote_ballot.used + 1 WHERE vote_ballot.used < {}::int "
    "RETURNING used), "
    "cast_ AS (INSERT INTO vote (round, voter, resident, idea, receipt, created_at, ip, voided, void_reason) "
    "SELECT {}::int, {}::int, voter_ok.resident, idea_ok.id, {}::text, {}::timestamptz, {}::text, FALSE, '' "
    "FROM idea_ok, voter_ok, ballot "
    "ON CONFLICT DO NOTHING RETURNING idea), "
    "counted AS (INSERT INTO vote_count (round, idea, votes) SELECT {}::int, idea, 1 FROM cast_ "
    "ON CONFLICT (round, idea) DO UPDATE SET votes = vote_count.votes + 1 RETURNING votes), "
    + _APPEND_SQL.replace("{source}", "cast_")
    + " SELECT (SELECT COUNT(*) FROM idea_ok) AS votable, (SELECT COUNT(*) FROM voter_ok) AS resident, "
    "(SELECT used FROM ballot) AS used, "
    "(SELECT COUNT(*) FROM cast_) AS cast, (SELECT COUNT(*) FROM counted) AS counted, "
    "(SELECT COUNT(*) FROM logged) AS logged"
)

_NOT_VOTABLE = N_("This idea cannot receive votes (it is hidden, withdrawn or not in this vote).")
_ALREADY = N_("You have already voted for this idea.")
_NO_VOTES_LEFT = N_("You have used all %(limit)s of your votes.")
_NOT_RESIDENT = N_("Only verified residents can vote. Ask the commune office, or verify your phone number.")
_OTHER_BALLOT = N_(
    "Your account already has a ballot in this vote under another line of the resident list. "
    "Please ask the commune office."
)


def _is_unique_violation(exc: Exception) -> bool:
    return "unique" in str(exc).lower() or type(exc).__name__ == "UniqueViolationError"


async def cast(
    round_id: int, idea_id: int, *, voter_id: int, now: dt.datetime, alias_key: bytes, ip: str = ""
) -> dict[str, Any]:
    """Cast one vote, by ids. Returns the receipt and how many votes the voter has left."""
    round_ = await voting_context(round_id)
    idea = await Idea.select(Idea.code).where(Idea.id == idea_id).first()
    return await cast_vote(
        round_, idea["code"] if idea else "", voter=await voter_of(voter_id), now=now, alias_key=alias_key, ip=ip
    )


async def cast_vote(
    round_: dict[str, Any], code: str, *, voter: Voter | None, now: dt.datetime, alias_key: bytes, ip: str = ""
) -> dict[str, Any]:
    """Cast one vote for the idea ``code`` in ``round_`` (from ``voting_context`` or ``vote_round``).

    The vote, the voter's ballot, the live counter and the log entry are committed together, or not
    at all; the answer comes after the commit. Returns the receipt and the votes left.
    """
    reason = refusal_for(round_, voter, now)
    if reason:
        raise PermissionDenied(reason)
    assert voter is not None  # refusal_for refuses without a voter
    limit = round_["rules"]["votes_per_voter"]
    receipt = secrets.token_hex(5).upper()
    entry = _log_entry(
        round_, voter_id=voter.id, alias_key=alias_key, idea_code=code.upper(), action="cast", now=now, receipt=receipt
    )
    step = _cast_steps if is_sqlite(_db()) else _cast_statement
    for attempt in range(3):
        try:
            async with atomic(_db()):
                used = await step(round_["id"], entry, voter_id=voter.id, limit=limit, now=now, ip=ip)
            break
        except _BallotConflict:
            # Either the account's ballot here belongs to another resident line, or a burst of the
            # same person's first votes raced to create the ballot: the loser tries again and now
            # finds the winner's ballot (and, for the same idea, its vote).
            if attempt == 2 or await _ballot_of_other_resident(round_["id"], voter.id):
                raise IdeaError(_OTHER_BALLOT) from None
    else:
        raise AssertionError("not reached: the third conflict raises above")
    if round_["rules"].get("live_tally"):  # the counts are on the public pages during the vote
        await events.public_changed("vote.cast")
    return {"receipt": receipt, "code": entry["idea_code"], "used": used, "limit": limit, "left": limit - used}


async def _cast_statement(
    round_id: int, entry: dict[str, Any], *, voter_id: int, limit: int, now: dt.datetime, ip: str
) -> int:
    """PostgreSQL: the vote in one statement, inside the caller's transaction (raising rolls it back)."""
    code = entry["idea_code"]
    try:
        [row] = await Vote.raw(
            _CAST_SQL,
            code,
            round_id,
            False,
            False,
            voter_id,
            round_id,
            voter_id,
            limit,
            round_id,
            voter_id,
            entry["receipt"],
            now,
            ip[:64],
            round_id,
            *_append_args(entry),
        )
    except Exception as exc:
        if _is_unique_violation(exc):
            raise _BallotConflict from exc
        raise
    if not row["votable"]:
        raise IdeaError(_NOT_VOTABLE)
    if not row["resident"]:
        raise PermissionDenied(_NOT_RESIDENT)
    if not row["cast"]:  # raising rolls back the ballot's increment, if any
        if row["used"] is not None or await _has_voted(round_id, voter_id, code):
            raise AlreadyVoted(_ALREADY)
        raise IdeaError(_NO_VOTES_LEFT, limit=limit)
    return row["used"]


class _BallotConflict(Exception):
    """Creating the ballot met the unique (round, voter) index (PostgreSQL)."""


async def _ballot_of_other_resident(round_id: int, voter_id: int) -> bool:
    """Whether the account's ballot in this round was opened under another line of the resident list."""
    rows = await Ballot.raw(
        "SELECT 1 FROM vote_ballot b JOIN users u ON u.id = b.voter WHERE b.round = {} AND b.voter = {} "
        "AND b.resident IS DISTINCT FROM u.resident",
        round_id,
        voter_id,
    )
    return bool(rows)


async def _has_voted(round_id: int, voter_id: int, code: str) -> bool:
    """Whether this account, or the resident behind it under an earlier account, voted for ``code``."""
    rows = await Vote.raw(
        "SELECT 1 FROM vote v JOIN idea i ON i.id = v.idea WHERE v.round = {} AND i.code = {} AND (v.voter = {} "
        "OR v.resident = (SELECT u.resident FROM users u WHERE u.id = {}))",
        round_id,
        code,
        voter_id,
        voter_id,
    )
    return bool(rows)


async def _cast_steps(
    round_id: int, entry: dict[str, Any], *, voter_id: int, limit: int, now: dt.datetime, ip: str
) -> int:
    """SQLite: the vote step by step, inside an immediate transaction (the write lock is held)."""
    idea = await Idea.raw(
        f"SELECT i.id FROM idea i WHERE i.code = {{}} AND {_VOTABLE_WHERE}", entry["idea_code"], round_id, False, False
    )
    if not idea:
        raise IdeaError(_NOT_VOTABLE)
    idea_id = idea[0]["id"]
    voter = await User.select(User.resident).where(User.id == voter_id).first()
    resident = voter["resident"] if voter else None
    if resident is None:
        raise PermissionDenied(_NOT_RESIDENT)
    if await Vote.exists().where(
        (Vote.round == round_id) & (Vote.idea == idea_id) & ((Vote.voter == voter_id) | (Vote.resident == resident))
    ):
        raise AlreadyVoted(_ALREADY)
    # The ballot belongs to the resident (unique per round): a new account of the same person shares it.
    if not await Ballot.exists().where((Ballot.round == round_id) & (Ballot.resident == resident)):
        try:
            await Ballot.insert(Ballot(round=round_id, voter=voter_id, resident=resident, used=0))
        except Exception as exc:
            if _is_unique_violation(exc):  # the account's ballot here belongs to another resident line
                raise IdeaError(_OTHER_BALLOT) from exc
            raise
    taken = (
        await Ballot.update({Ballot.used: Ballot.used + 1})
        .where((Ballot.round == round_id) & (Ballot.resident == resident) & (Ballot.used < limit))
        .returning(Ballot.used)
    )
    if not taken:
        raise IdeaError(_NO_VOTES_LEFT, limit=limit)
    await Vote.insert(
        Vote(
            round=round_id,
            voter=voter_id,
            resident=resident,
            idea=idea_id,
            receipt=entry["receipt"],
            created_at=now,
            ip=ip[:64],
        )
    )
    await _count(round_id, idea_id, +1)
    await _append_log(entry)
    return taken[0]["used"]


async def withdraw(round_id: int, idea_id: int, *, voter_id: int, now: dt.datetime, alias_key: bytes) -> None:
    """Take a vote back while the vote is open (when the rules allow changing votes)."""
    round_ = await voting_context(round_id)
    if not round_["rules"]["change_allowed"]:
        raise IdeaError(N_("In this vote, votes cannot be changed."))
    if not is_open(round_, Phase.voting, now):
        raise IdeaError(N_("The public vote is not open."))
    code = (await Idea.select(Idea.code).where(Idea.id == idea_id).first() or {"code": ""})["code"]
    async with atomic(_db()):
        removed = (
            await Vote.delete()
            .where(
                (Vote.round == round_id) & (Vote.voter == voter_id) & (Vote.idea == idea_id) & (Vote.voided == False)
            )
            .returning(  # noqa: E712
                Vote.receipt
            )
        )
        if not removed:
            raise IdeaError(N_("You have not voted for this idea."))
        voter = await User.select(User.resident).where(User.id == voter_id).first()
        resident = voter["resident"] if voter else None
        await Ballot.update({Ballot.used: Ballot.used - 1}).where(
            (Ballot.round == round_id)
            & (Ballot.used > 0)
            & ((Ballot.resident == resident) if resident is not None else (Ballot.voter == voter_id))
        )
        await _count(round_id, idea_id, -1)
        await _append_log(
            _log_entry(
                round_,
                voter_id=voter_id,
                alias_key=alias_key,
                idea_code=code,
                action="withdraw",
                now=now,
                receipt=removed[0]["receipt"],
            )
        )
    if round_["rules"].get("live_tally"):
        await events.public_changed("vote.withdrawn")


async def void(vote_id: int, *, reason: str, actor_id: int, now: dt.datetime, alias_key: bytes, scope: Scope) -> None:
    """An organizer voids a vote with a reason; it stays in the log, marked.

    The vote is loaded within ``scope`` (the organizer's communes and the round of the page) in
    the same query: a vote of another commune or round is not found and nothing changes."""
    vote = await load(
        Vote,
        vote_id,
        scope,
        Vote.all_columns(),
        Vote.idea.code,
        Vote.round.contest,
        Vote.round._.contest.commune,
        missing=N_("This vote does not exist."),
    )
    reason = reason.strip()
    if not reason:
        raise ValidationFailed({"reason": N_("Please give the reason for voiding the vote.")})
    limits.check("vote", {"void_reason": reason}, {"void_reason": "reason"})
    round_ = {"id": vote["round"], "contest": vote["round.contest"]}
    async with atomic(_db()):
        done = (
            await Vote.update({Vote.voided: True, Vote.void_reason: reason, Vote.voided_by: actor_id})
            .where((Vote.id == vote_id) & (Vote.voided == False))
            .returning(Vote.id)
        )  # noqa: E712
        if not done:
            raise IdeaError(N_("This vote was already voided."))
        await _count(vote["round"], vote["idea"], -1)
        await _append_log(
            _log_entry(
                round_,
                voter_id=vote["voter"],
                alias_key=alias_key,
                idea_code=vote["idea.code"],
                action="void",
                now=now,
                receipt=vote["receipt"],
                reason=reason[:500],
            )
        )
        await audit.record(
            "vote.voided",
            actor_id=actor_id,
            target_type="vote",
            target_id=vote_id,
            commune_id=vote["round.contest.commune"],
            now=now,
            data={"reason": reason},
        )
    await events.public_changed("vote.voided")


async def my_votes(round_id: int, voter_id: int) -> dict[int, dict[str, Any]]:
    """The votes of this account and of the resident behind it (under an earlier account), by idea."""
    rows = await Vote.raw(
        "SELECT v.idea, v.receipt, v.voided, v.created_at FROM vote v WHERE v.round = {} AND (v.voter = {} "
        "OR v.resident = (SELECT u.resident FROM users u WHERE u.id = {})) ORDER BY v.id",
        round_id,
        voter_id,
        voter_id,
    )
    return {r["idea"]: r for r in rows}


async def ballot_used(round_id: int, voter_id: int) -> int:
    """Votes already used in a round by the person behind this account: the ballot belongs to their
    line of the resident list, so a deleted and re-registered resident sees what their ballot says."""
    rows = await Ballot.raw(
        "SELECT b.used FROM vote_ballot b JOIN users u ON u.resident = b.resident WHERE b.round = {} AND u.id = {}",
        round_id,
        voter_id,
    )
    return int(rows[0]["used"]) if rows else 0


async def ballot_page(
    round_id: int, voter_id: int | None, *, with_tally: bool
) -> tuple[dict[int, dict[str, Any]], int, dict[int, int] | None]:
    """What the vote page shows in one round trip: the person's votes by idea (as ``my_votes``, without
    their time), the votes their ballot has used (``ballot_used``) and, ``with_tally``, the ``tally``."""
    parts, args = [], []
    if voter_id is not None:
        parts.append(
            "SELECT 1 AS kind, v.id AS seq, v.idea AS idea, v.receipt AS receipt, v.voided AS voided, 0 AS n "
            "FROM vote v WHERE v.round = {} AND (v.voter = {} OR v.resident = "
            "(SELECT u.resident FROM users u WHERE u.id = {}))"
        )
        parts.append(
            "SELECT 2 AS kind, 0 AS seq, NULL AS idea, NULL AS receipt, NULL AS voided, b.used AS n FROM vote_ballot b JOIN users u ON u.resident = b.resident "
            "WHERE b.round = {} AND u.id = {}"
        )
        args += [round_id, voter_id, voter_id, round_id, voter_id]
    if with_tally:
        parts.append(
            "SELECT 3 AS kind, 0 AS seq, c.idea AS idea, NULL AS receipt, NULL AS voided, c.votes AS n FROM vote_count c WHERE c.round = {} AND c.votes > 0"
        )
        args.append(round_id)
    mine: dict[int, dict[str, Any]] = {}
    used, counts = 0, ({} if with_tally else None)
    if not parts:
        return mine, used, counts
    for row in await read_rows(Vote._meta.db, " UNION ALL ".join(parts) + " ORDER BY 1, 2", *args):
        if row["kind"] == 1:
            mine[row["idea"]] = {"idea": row["idea"], "receipt": row["receipt"], "voided": row["voided"]}
        elif row["kind"] == 2:
            used = int(row["n"])
        else:
            assert counts is not None  # the tally's rows are asked for only with_tally
            counts[row["idea"]] = row["n"]
    return mine, used, counts


async def tally(round_id: int) -> dict[int, int]:
    """Valid votes per idea: the live counters, kept in step with every vote (a read of a few rows)."""
    rows = await VoteCount.raw("SELECT idea, votes FROM vote_count WHERE round = {} AND votes > 0", round_id)
    return {r["idea"]: r["votes"] for r in rows}


async def recount(round_id: int) -> dict[int, int]:
    """Valid votes per idea, counted from the votes themselves (to check the live counters)."""
    rows = await Vote.raw(
        "SELECT idea, COUNT(*) AS n FROM vote WHERE round = {} AND voided = {} GROUP BY idea", round_id, False
    )
    return {r["idea"]: r["n"] for r in rows}


# ---------------------------------------------------------------- the public log


async def log_rows(round_id: int) -> list[dict[str, Any]]:
    return (
        await VoteLogEntry.select(
            *[getattr(VoteLogEntry, f) for f in LOG_FIELDS], VoteLogEntry.prev_hash, VoteLogEntry.hash
        )
        .where(VoteLogEntry.round == round_id)
        .order_by(VoteLogEntry.seq)
    )


def verify_log(rows: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """Recompute the chain and the totals from a published log. Works on a downloaded file."""
    prev = GENESIS
    expected = 1
    counts: Counter[str] = Counter()
    live: dict[str, str] = {}
    for row in rows:
        row = {**row, "seq": int(row["seq"]), "round": int(row["round"])}
        if row["seq"] != expected or row["prev_hash"] != prev or entry_hash(prev, row) != row["hash"]:
            return {"ok": False, "bad_seq": row["seq"] if row["seq"] == expected else expected, "totals": {}}
        if row["action"] == "cast":
            counts[row["idea_code"]] += 1
            live[row["receipt"]] = row["idea_code"]
        elif row["action"] in ("withdraw", "void") and row["receipt"] in live:
            counts[live.pop(row["receipt"])] -= 1
        prev = row["hash"]
        expected += 1
    return {
        "ok": True,
        "bad_seq": None,
        "totals": {k: v for k, v in counts.items() if v},
        "head": prev,
        "entries": expected - 1,
    }


def log_csv(rows: list[dict[str, Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    fields = [*LOG_FIELDS, "prev_hash", "hash"]
    writer.writerow(fields)
    for row in rows:
        writer.writerow([row[f] for f in fields])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def parse_log(data: bytes) -> list[dict[str, Any]]:
    """Rows of a downloaded vote log, CSV or JSON."""
    text = data.decode("utf-8-sig")
    if text.lstrip().startswith("{"):
        return json.loads(text)["entries"]
    return list(csv.DictReader(io.StringIO(text)))


# ---------------------------------------------------------------- the sealed head

SEAL_ACTION = "vote.log_sealed"
LOG_ACTIONS = ("cast", "withdraw", "void")


async def published_head(round_id: int) -> dict[str, Any] | None:
    """The last head of a round's log written into the audit chain: ``head``, ``entries``, ``totals``, ``sealed_at``."""
    row = (
        await AuditEvent.select(AuditEvent.seq, AuditEvent.created_at, AuditEvent.data)
        .where(
            (AuditEvent.action == SEAL_ACTION)
            & (AuditEvent.target_type == "round")
            & (AuditEvent.target_id == str(round_id))
        )
        .order_by(AuditEvent.seq, ascending=False)
        .first()
    )
    if row is None:
        return None
    data = json.loads(row["data"]) if isinstance(row["data"], str) else row["data"]
    return {
        "head": data["head"],
        "entries": int(data["entries"]),
        "totals": data.get("totals", {}),
        "sealed_at": row["created_at"],
        "audit_seq": row["seq"],
    }


async def _chain_head(round_id: int) -> tuple[str, int]:
    chain = await VoteChain.select(VoteChain.seq, VoteChain.head).where(VoteChain.round == round_id).first()
    return (chain["head"], int(chain["seq"])) if chain else (GENESIS, 0)


async def seal_log(round_id: int, *, now: dt.datetime) -> dict[str, Any] | None:
    """Once the vote has closed, write the log's head hash, entry count and totals into the audit chain.

    Idempotent: a head already sealed is returned as it is. Concurrent first readers queue on the
    audit chain's lock and re-read the seal under it, so one event is written per head. An entry
    appended after the close (an organizer voiding a vote) moves the head: the next read seals the
    new head and the audit chain keeps both. ``None`` before the close or for a round without a vote.
    """
    round_ = await voting_context(round_id)
    if round_["vote_opens"] is None or round_["vote_closes"] is None or now < round_["vote_closes"]:
        return None
    sealed = await published_head(round_id)
    if sealed is not None and (sealed["head"], sealed["entries"]) == await _chain_head(round_id):
        return sealed
    engine = AuditEvent._meta.db
    async with atomic(engine):
        await locks.hold(AuditEvent, locks.AUDIT_LOG)
        head, entries = await _chain_head(round_id)
        sealed = await published_head(round_id)
        if sealed is None or (sealed["head"], sealed["entries"]) != (head, entries):
            check = verify_log(await log_rows(round_id))
            await audit.record(
                SEAL_ACTION,
                target_type="round",
                target_id=round_id,
                commune_id=round_["contest.commune"],
                now=now,
                data={
                    "contest": round_["contest.slug"],
                    "head": head,
                    "entries": entries,
                    "totals": check["totals"] if check["ok"] else {},
                    "chain_ok": check["ok"],
                },
            )
    return await published_head(round_id)


def _entry_problem(index: int, row: dict[str, Any], prev: str, live: dict[str, str]) -> str | None:
    """What is wrong with entry ``index`` of a log whose chain so far ends at ``prev`` (None when it is right)."""
    if row["seq"] != index + 1:
        return f"entry number {row['seq']} where #{index + 1} was expected (an entry was removed, added or moved)"
    if row["prev_hash"] != prev:
        return f"entry #{index + 1}: prev_hash does not match the hash of the entry before"
    if entry_hash(prev, row) != row["hash"]:
        return f"entry #{index + 1}: its hash does not match its content (the entry was changed)"
    if row["action"] not in LOG_ACTIONS:
        return f"entry #{index + 1}: unknown action {row['action']!r}"
    if row["action"] != "cast" and row["receipt"] not in live:
        return f"entry #{index + 1}: {row['action']} of receipt {row['receipt']} that has no counted vote"
    return None


def _head_problem(hashes: list[str], prev: str, head: str, entries: int | None) -> tuple[int | None, str] | None:
    """How a chain that is sound in itself differs from the published head and entry count."""
    last = len(hashes) - 1 if hashes else None
    if head in hashes and hashes.index(head) + 1 < len(hashes):
        at = hashes.index(head) + 1
        return (
            at,
            f"entries from #{at + 1} on were added after the published head (the published log ends at entry #{at})",
        )
    if entries is not None and len(hashes) < entries:
        return (
            last,
            f"the log ends at entry #{len(hashes)} but the published log has {entries} entries: "
            f"entries #{len(hashes) + 1}–#{entries} were removed",
        )
    if prev != head:
        return (
            last,
            f"the head hash {prev} (entry #{len(hashes)}) is not the published head {head}: "
            "an entry at or before it was changed and the hashes recomputed",
        )
    if entries is not None and len(hashes) != entries:
        return (None, f"{len(hashes)} entries but the published count is {entries}")
    return None


def audit_log(
    rows: list[dict[str, Any]],
    *,
    head: str | None = None,
    entries: int | None = None,
    totals: dict[str, int] | None = None,
    file_head: str | None = None,
    file_totals: dict[str, int] | None = None,
) -> dict[str, Any]:
    """Check a downloaded log: its chain, and against the published ``head``/``entries``/``totals`` when given.

    ``file_head``/``file_totals`` are what the file itself claims (the JSON download). Returns ``ok``,
    ``problems`` — a list of ``(index of the row or None, message)`` — the recomputed ``head``,
    ``entries`` and ``totals``, and ``against_head`` (whether a published head was checked).
    """
    problems: list[tuple[int | None, str]] = []
    prev, counts, live = GENESIS, Counter(), {}
    hashes: list[str] = []
    for index, raw in enumerate(rows):
        try:
            row = {**raw, "seq": int(raw["seq"]), "round": int(raw["round"])}
            for field in (*LOG_FIELDS, "prev_hash", "hash"):
                if row.get(field) is None:
                    raise KeyError(field)
        except (KeyError, TypeError, ValueError) as exc:
            problems.append((index, f"the entry is unreadable ({exc})"))
            break
        problem = _entry_problem(index, row, prev, live)
        if problem:
            problems.append((index, problem))
            break
        if row["action"] == "cast":
            counts[row["idea_code"]] += 1
            live[row["receipt"]] = row["idea_code"]
        else:
            counts[live.pop(row["receipt"])] -= 1
        prev = row["hash"]
        hashes.append(prev)
    found = {k: v for k, v in counts.items() if v}
    chain_ok = not problems
    if chain_ok and head is not None:
        problem_at_head = _head_problem(hashes, prev, head, entries)
        if problem_at_head:
            problems.append(problem_at_head)
    if chain_ok and totals is not None and {k: int(v) for k, v in totals.items() if int(v)} != found:
        problems.append((None, f"the recounted totals {found} differ from the published totals {totals}"))
    if chain_ok and file_head is not None and file_head != prev:
        problems.append((None, f"the file's head_hash {file_head} is not the hash of its last entry {prev}"))
    if chain_ok and file_totals is not None and {k: int(v) for k, v in file_totals.items() if int(v)} != found:
        diff = sorted(set(found.items()) ^ {(k, int(v)) for k, v in file_totals.items() if int(v)})
        problems.append((None, f"the file's totals differ from the totals recounted from its entries: {diff}"))
    return {
        "ok": not problems,
        "problems": problems,
        "head": prev,
        "entries": len(hashes),
        "totals": found,
        "against_head": head is not None,
    }


def find_receipt(rows: Iterable[dict[str, Any]], receipt: str) -> list[dict[str, Any]]:
    """The log lines of one receipt (its cast, and a withdrawal or void): public fields only."""
    receipt = "".join(receipt.split()).upper()
    if not receipt:
        return []
    return [
        {k: row[k] for k in ("seq", "voter_alias", "idea_code", "action", "time_bucket", "reason")}
        for row in rows
        if row["receipt"] == receipt
    ]


# ---------------------------------------------------------------- integrity


async def anomalies(
    round_id: int,
    *,
    burst_window: dt.timedelta = dt.timedelta(minutes=10),
    burst_size: int = 10,
    new_account_days: int = 2,
    same_ip: int = 3,
    turnout_factor: float = 2.0,
) -> dict[str, Any]:
    """Signals for organizers: bursts for one idea, new accounts voting from one address, odd hamlet turnout."""
    round_ = await voting_context(round_id)
    votes = (
        await Vote.select(
            Vote.id,
            Vote.idea,
            Vote.idea.code,
            Vote.created_at,
            Vote.ip,
            Vote.voter,
            Vote.voter.created_at,
            Vote.voter.hamlet,
        )
        .where((Vote.round == round_id) & (Vote.voided == False))
        .order_by(Vote.created_at)
    )  # noqa: E712
    bursts = []
    by_idea: dict[int, list[dict]] = defaultdict(list)
    for v in votes:
        by_idea[v["idea"]].append(v)
    for _idea, items in by_idea.items():
        start = 0
        for end in range(len(items)):
            while items[end]["created_at"] - items[start]["created_at"] > burst_window:
                start += 1
            if end - start + 1 >= burst_size:
                bursts.append(
                    {
                        "idea_code": items[end]["idea.code"],
                        "votes": end - start + 1,
                        "from": items[start]["created_at"],
                        "to": items[end]["created_at"],
                    }
                )
                break
    opens = round_["vote_opens"]
    new_by_ip: dict[str, set[int]] = defaultdict(set)
    for v in votes:
        if v["ip"] and v["voter.created_at"] and v["voter.created_at"] >= opens - dt.timedelta(days=new_account_days):
            new_by_ip[v["ip"]].add(v["voter"])
    shared = [{"ip": ip, "accounts": len(users)} for ip, users in new_by_ip.items() if len(users) >= same_ip]
    hamlets = await Hamlet.select(Hamlet.id, Hamlet.name, Hamlet.population).where(
        Hamlet.commune == round_["contest.commune"]
    )
    population = sum(h["population"] or 0 for h in hamlets)
    voters_by_hamlet: dict[int | None, set[int]] = defaultdict(set)
    for v in votes:
        voters_by_hamlet[v["voter.hamlet"]].add(v["voter"])
    total_voters = len({v["voter"] for v in votes})
    turnout = []
    for h in hamlets:
        if not population or not h["population"] or not total_voters:
            continue
        share = len(voters_by_hamlet.get(h["id"], set())) / total_voters
        expected = h["population"] / population
        if share > expected * turnout_factor or share < expected / turnout_factor:
            turnout.append({"hamlet": h["name"], "share": round(share, 3), "population_share": round(expected, 3)})
    return {
        "bursts": bursts,
        "shared_addresses": shared,
        "turnout": turnout,
        "votes": len(votes),
        "voters": total_voters,
    }


@dataclass(frozen=True, slots=True)
class ReviewVote:
    """A vote as organizers review it: receipt, idea, time and the voter's pseudonymous alias."""

    id: int
    receipt: str
    code: str | None
    created_at: dt.datetime
    voided: bool
    void_reason: str
    voter_alias: str


async def votes_for_review(round_id: int, *, alias_key: bytes, limit: int = 200) -> list[ReviewVote]:
    """The latest votes of a round for organizers: receipt, idea, time, the voter's pseudonymous
    alias in this contest (as in the public log) — never who the voter is."""
    rows = (
        await Vote.select(
            Vote.id,
            Vote.receipt,
            Vote.idea.code,
            Vote.created_at,
            Vote.voided,
            Vote.void_reason,
            Vote.voter,
            Vote.round.contest,
        )
        .where(Vote.round == round_id)
        .order_by(Vote.created_at, ascending=False)
        .limit(limit)
    )
    return [
        ReviewVote(
            id=r["id"],
            receipt=r["receipt"],
            code=r["idea.code"],
            created_at=r["created_at"],
            voided=r["voided"],
            void_reason=r["void_reason"],
            voter_alias=voter_alias(alias_key, r["round.contest"], r["voter"]),
        )
        for r in rows
    ]


async def organizer_round(round_id: int, *, scope: Scope) -> RoundRow:
    """A round only when it lies within the organizer's ``scope``."""
    return await round_row(round_id, scope=scope)


async def review(round_id: int, *, scope: Scope, alias_key: bytes, now: dt.datetime) -> dict[str, Any]:
    """Everything the organizer's vote page shows: rules, integrity signals, tallies and the latest
    votes by receipt and pseudonymous alias (never names, phones or account ids)."""
    round_ = await organizer_round(round_id, scope=scope)
    locked = await rubric.round_lock(round_id, now)
    return {
        "round": round_,
        "rules": await rules_of(round_id),
        "lock": locked,
        "anomalies": await anomalies(round_id) if round_.vote_opens else None,
        "votes": await votes_for_review(round_id, alias_key=alias_key),
        "tally": await tally(round_id),
        "codes": {
            i["id"]: i["code"]
            for i in await Idea.select(Idea.id, Idea.code).where(
                Idea.id.is_in([v["idea"] for v in await Vote.select(Vote.idea).where(Vote.round == round_id)] or [-1])
            )
        },
        "fixed": round_.vote_opens is None or now >= round_.vote_opens or bool(locked),
    }


# ---------------------------------------------------------------- results


def normalise(values: dict[int, float]) -> dict[int, float]:
    """Scale to 0–100 by the best value (0 stays 0)."""
    top = max(values.values(), default=0)
    return {k: (100.0 * v / top if top > 0 else 0.0) for k, v in values.items()}


def combine(jury: dict[int, float], public: dict[int, float], alpha: float) -> dict[int, float]:
    entries = set(jury) | set(public)
    jury_n, public_n = normalise(jury), normalise(public)
    return {e: alpha * jury_n.get(e, 0.0) + (1 - alpha) * public_n.get(e, 0.0) for e in entries}


def winner_by_alpha(
    jury: dict[int, float], public: dict[int, float], alphas: Iterable[float] = (0.5, 0.6, 0.7, 0.8, 0.9, 1.0)
) -> dict[float, int | None]:
    """Who would win for each jury weight α — to show whether the choice of α decided the result."""
    out = {}
    for alpha in alphas:
        scores = combine(jury, public, alpha)
        out[round(alpha, 1)] = max(sorted(scores), key=lambda e: (scores[e], jury.get(e, 0)), default=None)
    return out
