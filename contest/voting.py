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
from typing import Any, Iterable

from accounts import audit
from accounts.engine import atomic, is_sqlite
from accounts.errors import NotFound, PermissionDenied, ValidationFailed
from accounts.i18n import N_
from accounts.tables import Hamlet, User
from contest.errors import IdeaError
from contest.phases import Phase, is_open
from contest.tables import Ballot, Idea, IdeaStatus, Round, Vote, VoteCount, VoteLogEntry, VoteRules

GENESIS = "0" * 64
LOG_FIELDS = ("round", "seq", "voter_alias", "idea_code", "action", "time_bucket", "receipt", "reason")
VOTABLE = [IdeaStatus.submitted.value, IdeaStatus.shortlisted.value, IdeaStatus.finalist.value,
           IdeaStatus.awarded.value]


class AlreadyVoted(IdeaError):
    """The voter has already voted for this idea."""


def _db():
    return Vote._meta.db


async def _lock(key: int) -> None:
    if not is_sqlite(_db()):
        await Vote.raw("SELECT pg_advisory_xact_lock({})", key)


# ---------------------------------------------------------------- rules

async def rules_of(round_id: int) -> dict[str, Any]:
    await VoteRules.insert(VoteRules(round=round_id)).on_conflict(target=(VoteRules.round,), action="DO NOTHING")
    return await VoteRules.select().where(VoteRules.round == round_id).first()


async def update_rules(round_id: int, values: dict[str, Any], *, actor_id: int, now: dt.datetime) -> None:
    """Change the vote's rules — only before the vote opens, so they are known in advance."""
    round_ = await Round.select(Round.all_columns(), Round.contest.commune).where(Round.id == round_id).first()
    if round_ is None:
        raise NotFound(N_("This round does not exist."))
    if round_["vote_opens"] is None:
        raise IdeaError(N_("This round has no public vote."))
    if now >= round_["vote_opens"]:
        raise IdeaError(N_("The vote has opened: its rules can no longer change."))
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
        await audit.record("vote.rules", actor_id=actor_id, target_type="round", target_id=round_id,
                           commune_id=round_["contest.commune"], now=now, data=values)


# ---------------------------------------------------------------- casting

def voter_alias(key: bytes, contest_id: int, voter_id: int) -> str:
    """A pseudonymous voter id, stable within a contest, unlinkable across contests without the key."""
    return hmac.new(key, f"{contest_id}:{voter_id}".encode(), hashlib.sha256).hexdigest()[:12]


def time_bucket(moment: dt.datetime) -> str:
    return moment.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:00Z")


def entry_hash(prev_hash: str, entry: dict[str, Any]) -> str:
    canonical = json.dumps({k: entry[k] for k in LOG_FIELDS}, sort_keys=True, ensure_ascii=False,
                           separators=(",", ":"))
    return hashlib.sha256((prev_hash + canonical).encode("utf-8")).hexdigest()


async def _append_log(round_id: int, *, alias: str, idea_code: str, action: str, now: dt.datetime,
                      receipt: str = "", reason: str = "") -> None:
    """Append to the round's chain (inside the caller's transaction, with the round locked)."""
    last = await VoteLogEntry.select(VoteLogEntry.seq, VoteLogEntry.hash).where(
        VoteLogEntry.round == round_id).order_by(VoteLogEntry.seq, ascending=False).first()
    entry = {"round": round_id, "seq": (last["seq"] + 1) if last else 1, "voter_alias": alias,
             "idea_code": idea_code, "action": action, "time_bucket": time_bucket(now), "receipt": receipt,
             "reason": reason}
    prev = last["hash"] if last else GENESIS
    await VoteLogEntry.insert(VoteLogEntry(**entry, prev_hash=prev, hash=entry_hash(prev, entry)))


async def _count(round_id: int, idea_id: int, delta: int) -> None:
    await VoteCount.insert(VoteCount(round=round_id, idea=idea_id, votes=0)).on_conflict(
        target=(VoteCount.round, VoteCount.idea), action="DO NOTHING")
    await VoteCount.update({VoteCount.votes: VoteCount.votes + delta}).where(
        (VoteCount.round == round_id) & (VoteCount.idea == idea_id))


async def voting_context(round_id: int) -> dict[str, Any]:
    round_ = await Round.select(Round.all_columns(), Round.contest.commune, Round.contest.slug).where(
        Round.id == round_id).first()
    if round_ is None:
        raise NotFound(N_("This round does not exist."))
    return round_


async def refusal(round_: dict[str, Any], voter_id: int, now: dt.datetime) -> str | None:
    """Why this person cannot vote in this round now (None when they can)."""
    if round_["vote_opens"] is None:
        return N_("This round has no public vote.")
    if not is_open(round_, Phase.voting, now):
        return N_("The public vote is not open.")
    rules = await rules_of(round_["id"])
    user = await User.select(User.verified_resident, User.commune, User.active).where(User.id == voter_id).first()
    if not user or not user["active"]:
        return N_("Account not found.")
    if not user["verified_resident"]:
        return N_("Only verified residents can vote. Ask the commune office, or verify your phone number.")
    if rules["residents_only"] and user["commune"] != round_["contest.commune"]:
        return N_("Only residents of this commune can vote in this contest.")
    return None


async def votable_ideas(round_id: int) -> list[int]:
    """Shortlisted ideas when the organizers shortlisted some, otherwise every public idea of the round."""
    base = (Idea.round == round_id) & (Idea.hidden == False) & Idea.status.is_in(VOTABLE)  # noqa: E712
    chosen = [r["id"] for r in await Idea.select(Idea.id).where(
        base & Idea.status.is_in([IdeaStatus.shortlisted.value, IdeaStatus.finalist.value,
                                  IdeaStatus.awarded.value]))]
    return chosen or [r["id"] for r in await Idea.select(Idea.id).where(base)]


async def cast(round_id: int, idea_id: int, *, voter_id: int, now: dt.datetime, alias_key: bytes,
               ip: str = "") -> dict[str, Any]:
    """Cast one vote. Returns the receipt and how many votes the voter has left."""
    round_ = await voting_context(round_id)
    reason = await refusal(round_, voter_id, now)
    if reason:
        raise PermissionDenied(reason)
    rules = await rules_of(round_id)
    idea = await Idea.select(Idea.id, Idea.code).where(Idea.id == idea_id).first()
    if idea is None or idea_id not in await votable_ideas(round_id):
        raise IdeaError(N_("This idea cannot receive votes (it is hidden, withdrawn or not in this vote)."))
    receipt = secrets.token_hex(5).upper()
    alias = voter_alias(alias_key, round_["contest"], voter_id)
    async with atomic(_db()):
        await _lock(2_000_000_000 + round_id)
        await Ballot.insert(Ballot(round=round_id, voter=voter_id, used=0)).on_conflict(
            target=(Ballot.round, Ballot.voter), action="DO NOTHING")
        if await Vote.exists().where((Vote.round == round_id) & (Vote.voter == voter_id) & (Vote.idea == idea_id)):
            raise AlreadyVoted(N_("You have already voted for this idea."))
        taken = await Ballot.update({Ballot.used: Ballot.used + 1}).where(
            (Ballot.round == round_id) & (Ballot.voter == voter_id) & (Ballot.used < rules["votes_per_voter"])
        ).returning(Ballot.used)
        if not taken:
            raise IdeaError(N_("You have used all %(limit)s of your votes."), limit=rules["votes_per_voter"])
        added = await Vote.insert(Vote(round=round_id, voter=voter_id, idea=idea_id, receipt=receipt, created_at=now,
                                       ip=ip[:64])).on_conflict(
            target=(Vote.round, Vote.voter, Vote.idea), action="DO NOTHING").returning(Vote.id)
        if not added:
            raise AlreadyVoted(N_("You have already voted for this idea."))
        await _count(round_id, idea_id, +1)
        await _append_log(round_id, alias=alias, idea_code=idea["code"], action="cast", now=now, receipt=receipt)
    return {"receipt": receipt, "used": taken[0]["used"], "limit": rules["votes_per_voter"],
            "left": rules["votes_per_voter"] - taken[0]["used"]}


async def withdraw(round_id: int, idea_id: int, *, voter_id: int, now: dt.datetime, alias_key: bytes) -> None:
    """Take a vote back while the vote is open (when the rules allow changing votes)."""
    round_ = await voting_context(round_id)
    rules = await rules_of(round_id)
    if not rules["change_allowed"]:
        raise IdeaError(N_("In this vote, votes cannot be changed."))
    if not is_open(round_, Phase.voting, now):
        raise IdeaError(N_("The public vote is not open."))
    alias = voter_alias(alias_key, round_["contest"], voter_id)
    async with atomic(_db()):
        await _lock(2_000_000_000 + round_id)
        removed = await Vote.delete().where((Vote.round == round_id) & (Vote.voter == voter_id)
                                            & (Vote.idea == idea_id) & (Vote.voided == False)).returning(  # noqa: E712
            Vote.receipt)
        if not removed:
            raise NotFound(N_("You have not voted for this idea."))
        await Ballot.update({Ballot.used: Ballot.used - 1}).where((Ballot.round == round_id)
                                                                 & (Ballot.voter == voter_id))
        await _count(round_id, idea_id, -1)
        code = (await Idea.select(Idea.code).where(Idea.id == idea_id).first())["code"]
        await _append_log(round_id, alias=alias, idea_code=code, action="withdraw", now=now,
                          receipt=removed[0]["receipt"])


async def void(vote_id: int, *, reason: str, actor_id: int, now: dt.datetime, alias_key: bytes) -> None:
    """An organizer voids a vote with a reason; it stays in the log, marked."""
    reason = reason.strip()
    if not reason:
        raise ValidationFailed({"reason": N_("Please give the reason for voiding the vote.")})
    vote = await Vote.select(Vote.all_columns(), Vote.idea.code, Vote.round.contest, Vote.round.contest.commune).where(
        Vote.id == vote_id).first()
    if vote is None:
        raise NotFound(N_("This vote does not exist."))
    alias = voter_alias(alias_key, vote["round.contest"], vote["voter"])
    async with atomic(_db()):
        await _lock(2_000_000_000 + vote["round"])
        done = await Vote.update({Vote.voided: True, Vote.void_reason: reason[:2000], Vote.voided_by: actor_id}).where(
            (Vote.id == vote_id) & (Vote.voided == False)).returning(Vote.id)  # noqa: E712
        if not done:
            raise IdeaError(N_("This vote was already voided."))
        await _count(vote["round"], vote["idea"], -1)
        await _append_log(vote["round"], alias=alias, idea_code=vote["idea.code"], action="void", now=now,
                          receipt=vote["receipt"], reason=reason[:500])
        await audit.record("vote.voided", actor_id=actor_id, target_type="vote", target_id=vote_id,
                           commune_id=vote["round.contest.commune"], now=now, data={"reason": reason})


async def my_votes(round_id: int, voter_id: int) -> dict[int, dict[str, Any]]:
    rows = await Vote.select(Vote.idea, Vote.receipt, Vote.voided, Vote.created_at).where(
        (Vote.round == round_id) & (Vote.voter == voter_id))
    return {r["idea"]: r for r in rows}


async def tally(round_id: int) -> dict[int, int]:
    """Valid votes per idea: the live counters, kept in step with every vote (a read of a few rows)."""
    rows = await VoteCount.select(VoteCount.idea, VoteCount.votes).where(
        (VoteCount.round == round_id) & (VoteCount.votes > 0))
    return {r["idea"]: r["votes"] for r in rows}


async def recount(round_id: int) -> dict[int, int]:
    """Valid votes per idea, counted from the votes themselves (to check the live counters)."""
    rows = await Vote.raw(
        "SELECT idea, COUNT(*) AS n FROM vote WHERE round = {} AND voided = {} GROUP BY idea", round_id, False)
    return {r["idea"]: r["n"] for r in rows}


# ---------------------------------------------------------------- the public log

async def log_rows(round_id: int) -> list[dict[str, Any]]:
    return await VoteLogEntry.select(*[getattr(VoteLogEntry, f) for f in LOG_FIELDS], VoteLogEntry.prev_hash,
                                     VoteLogEntry.hash).where(VoteLogEntry.round == round_id).order_by(
        VoteLogEntry.seq)


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
    return {"ok": True, "bad_seq": None, "totals": {k: v for k, v in counts.items() if v}, "head": prev,
            "entries": expected - 1}


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


# ---------------------------------------------------------------- integrity

async def anomalies(round_id: int, *, burst_window: dt.timedelta = dt.timedelta(minutes=10), burst_size: int = 10,
                    new_account_days: int = 2, same_ip: int = 3, turnout_factor: float = 2.0) -> dict[str, Any]:
    """Signals for organizers: bursts for one idea, new accounts voting from one address, odd hamlet turnout."""
    round_ = await voting_context(round_id)
    votes = await Vote.select(Vote.id, Vote.idea, Vote.idea.code, Vote.created_at, Vote.ip, Vote.voter,
                              Vote.voter.created_at, Vote.voter.hamlet).where(
        (Vote.round == round_id) & (Vote.voided == False)).order_by(Vote.created_at)  # noqa: E712
    bursts = []
    by_idea: dict[int, list[dict]] = defaultdict(list)
    for v in votes:
        by_idea[v["idea"]].append(v)
    for idea, items in by_idea.items():
        start = 0
        for end in range(len(items)):
            while items[end]["created_at"] - items[start]["created_at"] > burst_window:
                start += 1
            if end - start + 1 >= burst_size:
                bursts.append({"idea_code": items[end]["idea.code"], "votes": end - start + 1,
                               "from": items[start]["created_at"], "to": items[end]["created_at"]})
                break
    opens = round_["vote_opens"]
    new_by_ip: dict[str, set[int]] = defaultdict(set)
    for v in votes:
        if v["ip"] and v["voter.created_at"] and v["voter.created_at"] >= opens - dt.timedelta(days=new_account_days):
            new_by_ip[v["ip"]].add(v["voter"])
    shared = [{"ip": ip, "accounts": len(users)} for ip, users in new_by_ip.items() if len(users) >= same_ip]
    hamlets = await Hamlet.select(Hamlet.id, Hamlet.name, Hamlet.population).where(
        Hamlet.commune == round_["contest.commune"])
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
    return {"bursts": bursts, "shared_addresses": shared, "turnout": turnout, "votes": len(votes),
            "voters": total_voters}


async def votes_for_review(round_id: int, limit: int = 200) -> list[dict[str, Any]]:
    return await Vote.select(Vote.id, Vote.receipt, Vote.idea.code, Vote.created_at, Vote.ip, Vote.voided,
                             Vote.void_reason, Vote.voter.full_name).where(Vote.round == round_id).order_by(
        Vote.created_at, ascending=False).limit(limit)


# ---------------------------------------------------------------- results

def normalise(values: dict[int, float]) -> dict[int, float]:
    """Scale to 0–100 by the best value (0 stays 0)."""
    top = max(values.values(), default=0)
    return {k: (100.0 * v / top if top > 0 else 0.0) for k, v in values.items()}


def combine(jury: dict[int, float], public: dict[int, float], alpha: float) -> dict[int, float]:
    entries = set(jury) | set(public)
    jury_n, public_n = normalise(jury), normalise(public)
    return {e: alpha * jury_n.get(e, 0.0) + (1 - alpha) * public_n.get(e, 0.0) for e in entries}


def winner_by_alpha(jury: dict[int, float], public: dict[int, float],
                    alphas: Iterable[float] = (0.5, 0.6, 0.7, 0.8, 0.9, 1.0)) -> dict[float, int | None]:
    """Who would win for each jury weight α — to show whether the choice of α decided the result."""
    out = {}
    for alpha in alphas:
        scores = combine(jury, public, alpha)
        out[round(alpha, 1)] = max(sorted(scores), key=lambda e: (scores[e], jury.get(e, 0)), default=None)
    return out
