"""The public vote on both engines: eligibility, race safety, the public log, tallies, combined results."""

from __future__ import annotations

import asyncio

import pytest

from accounts.errors import PermissionDenied
from accounts.scope import PLATFORM
from accounts.tables import User
from contest import services, voting
from contest.errors import IdeaError
from contest.tables import Ballot, Vote
from tests.fixtures.voting import KEY, verified
from tests.support.db import REFUSED_BY_DATABASE

pytestmark = pytest.mark.integration


async def test_only_verified_residents_during_the_vote(vote_round, make_user, clock):
    stranger = await make_user()
    with pytest.raises(PermissionDenied):
        await voting.cast(
            vote_round["round"]["id"], vote_round["ideas"][0], voter_id=stranger.id, now=clock(), alias_key=KEY
        )
    voter = await verified(make_user)
    result = await voting.cast(
        vote_round["round"]["id"], vote_round["ideas"][0], voter_id=voter.id, now=clock(), alias_key=KEY
    )
    assert result["left"] == 2 and len(result["receipt"]) == 10
    clock.advance(days=8)  # closed
    with pytest.raises(PermissionDenied):
        await voting.cast(
            vote_round["round"]["id"], vote_round["ideas"][1], voter_id=voter.id, now=clock(), alias_key=KEY
        )


async def test_rules_are_fixed_once_the_vote_opens(vote_round, clock):
    with pytest.raises(IdeaError):
        await voting.update_rules(
            vote_round["round"]["id"],
            {
                "votes_per_voter": 5,
                "change_allowed": True,
                "live_tally": True,
                "residents_only": True,
                "jury_weight": 0.5,
            },
            actor_id=1,
            now=clock(),
            scope=PLATFORM,
        )


async def test_fifty_identical_votes_leave_one(vote_round, make_user, clock):
    voter = await verified(make_user)
    results = await asyncio.gather(
        *[
            voting.cast(
                vote_round["round"]["id"], vote_round["ideas"][0], voter_id=voter.id, now=clock(), alias_key=KEY
            )
            for _ in range(50)
        ],
        return_exceptions=True,
    )
    assert sum(isinstance(r, dict) for r in results) == 1
    assert all(isinstance(r, voting.AlreadyVoted) for r in results if not isinstance(r, dict))
    assert await Vote.count() == 1
    assert (await Ballot.select(Ballot.used).first())["used"] == 1


async def test_n_plus_five_different_votes_leave_n(vote_round, make_user, clock):
    voter = await verified(make_user)
    ideas = vote_round["ideas"]  # 8 ideas, 3 votes allowed
    results = await asyncio.gather(
        *[
            voting.cast(vote_round["round"]["id"], idea, voter_id=voter.id, now=clock(), alias_key=KEY)
            for idea in ideas
        ],
        return_exceptions=True,
    )
    assert sum(isinstance(r, dict) for r in results) == 3
    assert all(isinstance(r, IdeaError) and "used all" in r.message for r in results if not isinstance(r, dict))
    assert await Vote.count() == 3
    assert (await Ballot.select(Ballot.used).first())["used"] == 3
    assert sorted(r["used"] for r in results if isinstance(r, dict)) == [1, 2, 3]


async def test_change_a_vote_and_the_log_verifies(vote_round, make_user, clock):
    voter = await verified(make_user)
    rid = vote_round["round"]["id"]
    await voting.cast(rid, vote_round["ideas"][0], voter_id=voter.id, now=clock(), alias_key=KEY)
    await voting.withdraw(rid, vote_round["ideas"][0], voter_id=voter.id, now=clock(), alias_key=KEY)
    await voting.cast(rid, vote_round["ideas"][1], voter_id=voter.id, now=clock(), alias_key=KEY)
    other = await verified(make_user)
    cast = await voting.cast(rid, vote_round["ideas"][1], voter_id=other.id, now=clock(), alias_key=KEY)
    vote = await Vote.select(Vote.id).where(Vote.receipt == cast["receipt"]).first()
    await voting.void(vote["id"], reason="Tài khoản ảo", actor_id=voter.id, now=clock(), alias_key=KEY, scope=PLATFORM)
    rows = await voting.log_rows(rid)
    assert [r["action"] for r in rows] == ["cast", "withdraw", "cast", "cast", "void"]
    check = voting.verify_log(rows)
    assert check["ok"] and check["totals"] == {(await services.idea_row(vote_round["ideas"][1]))["code"]: 1}
    assert check["totals"] == {(await services.idea_row(k))["code"]: v for k, v in (await voting.tally(rid)).items()}


async def test_tampering_with_the_log_is_detected(vote_round, make_user, clock):
    rid = vote_round["round"]["id"]
    for i in range(4):
        voter = await verified(make_user)
        await voting.cast(rid, vote_round["ideas"][i], voter_id=voter.id, now=clock(), alias_key=KEY)
    rows = await voting.log_rows(rid)
    assert voting.verify_log(rows)["ok"]
    changed = [dict(r) for r in rows]
    changed[1]["idea_code"] = changed[0]["idea_code"]
    assert not voting.verify_log(changed)["ok"]
    assert not voting.verify_log(rows[:1] + rows[2:])["ok"]  # deleted
    assert not voting.verify_log([rows[1], rows[0], *rows[2:]])["ok"]  # reordered
    csv_rows = voting.parse_log(voting.log_csv(rows))
    assert voting.verify_log(csv_rows)["ok"]


async def test_hidden_ideas_cannot_get_votes(vote_round, make_user, clock):
    voter = await verified(make_user)
    await services.hide(vote_round["ideas"][2], reason="Vi phạm", actor_id=voter.id, now=clock(), scope=PLATFORM)
    with pytest.raises(IdeaError):
        await voting.cast(
            vote_round["round"]["id"], vote_round["ideas"][2], voter_id=voter.id, now=clock(), alias_key=KEY
        )


def test_combined_score_and_alpha_sensitivity():
    jury = {1: 90.0, 2: 80.0, 3: 40.0}
    public: dict[int, float] = {1: 10, 2: 50, 3: 100}
    combined = voting.combine(jury, public, 0.7)
    assert combined[1] == pytest.approx(0.7 * 100 + 0.3 * 10)
    winners = voting.winner_by_alpha(jury, public)
    assert winners[1.0] == 1 and winners[0.5] in (2, 3)


async def test_live_counters_equal_a_recount_after_a_burst(vote_round, make_user, clock):
    rid = vote_round["round"]["id"]
    voters = [await verified(make_user) for _ in range(6)]
    await asyncio.gather(
        *[
            voting.cast(rid, idea, voter_id=v.id, now=clock(), alias_key=KEY)
            for v in voters
            for idea in vote_round["ideas"][:4]
        ],
        return_exceptions=True,
    )
    mine = await voting.my_votes(rid, voters[0].id)  # which 3 of the 4 went through varies
    await voting.withdraw(rid, next(iter(mine)), voter_id=voters[0].id, now=clock(), alias_key=KEY)
    assert await voting.tally(rid) == await voting.recount(rid)
    assert sum((await voting.tally(rid)).values()) == 6 * 3 - 1
    for voter in voters:  # each ballot counts exactly that voter's votes
        used = (await Ballot.select(Ballot.used).where(Ballot.voter == voter.id).first())["used"]
        assert used == await Vote.count().where(Vote.voter == voter.id)
    assert voting.verify_log(await voting.log_rows(rid))["entries"] == 6 * 3 + 1


async def test_verifier_command_on_a_downloaded_file(vote_round, make_user, clock, tmp_path, capsys):
    from contest.commands import verify_votes

    rid = vote_round["round"]["id"]
    voter = await verified(make_user)
    await voting.cast(rid, vote_round["ideas"][0], voter_id=voter.id, now=clock(), alias_key=KEY)
    path = tmp_path / "vote-log.csv"
    path.write_bytes(voting.log_csv(await voting.log_rows(rid)))
    await verify_votes(str(path))
    assert "OK: 1 entries" in capsys.readouterr().out
    tampered = path.read_text(encoding="utf-8-sig").replace(",cast,", ",void,")
    path.write_text(tampered, encoding="utf-8")
    with pytest.raises(SystemExit):
        await verify_votes(str(path))


def test_hash_parts_rebuild_the_entry_hash():
    """PostgreSQL numbers and hashes an entry from these parts; they must give Python's hash."""
    entry = {
        "round": 7,
        "seq": 42,
        "voter_alias": "a1b2c3",
        "idea_code": "AK-2026-007",
        "action": "void",
        "time_bucket": "2026-11-27T09:00Z",
        "receipt": "ABCDE12345",
        "reason": 'Trùng tài khoản, ghi chú ,"seq":0, và "ngoặc kép"',
    }
    prefix, suffix = voting.hash_parts(entry)
    import hashlib

    prev = "f" * 64
    assert hashlib.sha256((prev + prefix + "42" + suffix).encode()).hexdigest() == voting.entry_hash(prev, entry)


async def test_the_chain_head_follows_every_append(vote_round, make_user, clock):
    """Casts, withdrawals and voids all move the round's chain head to the log's last entry."""
    from contest.tables import VoteChain

    rid = vote_round["round"]["id"]
    voters = [await verified(make_user) for _ in range(3)]
    await asyncio.gather(
        *[
            voting.cast(rid, vote_round["ideas"][n], voter_id=v.id, now=clock(), alias_key=KEY)
            for n, v in enumerate(voters)
        ]
    )
    await voting.withdraw(rid, vote_round["ideas"][0], voter_id=voters[0].id, now=clock(), alias_key=KEY)
    vote = await Vote.select(Vote.id).where(Vote.voter == voters[1].id).first()
    await voting.void(
        vote["id"],
        reason='Lý do có "dấu ngoặc" ,"seq":0,',
        actor_id=voters[2].id,
        now=clock(),
        alias_key=KEY,
        scope=PLATFORM,
    )
    rows = await voting.log_rows(rid)
    head = await VoteChain.select().where(VoteChain.round == rid).first()
    assert [r["seq"] for r in rows] == [1, 2, 3, 4, 5]
    assert (head["seq"], head["head"], head["prev"]) == (5, rows[-1]["hash"], rows[-2]["hash"])
    assert voting.verify_log(rows)["ok"]


async def test_a_vote_for_an_unknown_code_is_refused_without_a_trace(vote_round, make_user, clock):
    voter = await verified(make_user)
    round_ = await voting.voting_context(vote_round["round"]["id"])
    with pytest.raises(IdeaError):
        await voting.cast_vote(round_, "AK-1999-999", voter=await voting.voter_of(voter.id), now=clock(), alias_key=KEY)
    assert await Ballot.count().where(Ballot.voter == voter.id) == 0
    assert await voting.log_rows(vote_round["round"]["id"]) == []


async def test_a_repeated_vote_with_no_votes_left_says_already_voted(vote_round, make_user, clock):
    voter = await verified(make_user)
    rid = vote_round["round"]["id"]
    for idea in vote_round["ideas"][:3]:
        await voting.cast(rid, idea, voter_id=voter.id, now=clock(), alias_key=KEY)
    with pytest.raises(voting.AlreadyVoted):
        await voting.cast(rid, vote_round["ideas"][0], voter_id=voter.id, now=clock(), alias_key=KEY)
    with pytest.raises(IdeaError, match="used all"):
        await voting.cast(rid, vote_round["ideas"][3], voter_id=voter.id, now=clock(), alias_key=KEY)
    assert (await Ballot.select(Ballot.used).where(Ballot.voter == voter.id).first())["used"] == 3


async def test_a_new_account_of_the_same_resident_shares_the_ballot_under_a_burst(vote_round, make_user, clock):
    """Votes, deletes the account, comes back with a new one: the resident's ballot still holds at 3."""
    from accounts import services as account_services
    from tests.support.factories import PASSWORD

    rid, ideas = vote_round["round"]["id"], vote_round["ideas"]
    first = await verified(make_user, phone="+84912000123")
    resident = (await User.select(User.resident).where(User.id == first.id).first())["resident"]
    for idea in ideas[:2]:
        await voting.cast(rid, idea, voter_id=first.id, now=clock(), alias_key=KEY)
    await account_services.delete_account(first.id, password=PASSWORD, now=clock())
    second = await make_user(phone="+84912000123")
    await User.update(
        {User.resident: resident, User.verified_resident: True, User.verified_method: "phone_code"}
    ).where(User.id == second.id)
    results = await asyncio.gather(
        *[voting.cast(rid, idea, voter_id=second.id, now=clock(), alias_key=KEY) for idea in ideas[2:8]],
        return_exceptions=True,
    )
    assert sum(1 for r in results if isinstance(r, dict)) == 1
    assert all(isinstance(r, IdeaError) for r in results if not isinstance(r, dict))
    ballots = await Ballot.select(Ballot.voter, Ballot.resident, Ballot.used).where(Ballot.round == rid)
    assert ballots == [{"voter": first.id, "resident": resident, "used": 3}]
    assert await Vote.count().where((Vote.round == rid) & Vote.voter.is_in([first.id, second.id])) == 3
    assert await voting.tally(rid) == await voting.recount(rid)


async def test_a_new_account_of_the_same_resident_cannot_vote_again_for_the_same_idea(vote_round, make_user, clock):
    """One vote per resident and idea: the idea the deleted account voted for refuses the new one,
    even under a burst, and the ballot is not charged for the refusal."""
    from accounts import services as account_services
    from tests.support.factories import PASSWORD

    rid, ideas = vote_round["round"]["id"], vote_round["ideas"]
    first = await verified(make_user, phone="+84912000124")
    resident = (await User.select(User.resident).where(User.id == first.id).first())["resident"]
    await voting.cast(rid, ideas[0], voter_id=first.id, now=clock(), alias_key=KEY)
    await account_services.delete_account(first.id, password=PASSWORD, now=clock())
    second = await make_user(phone="+84912000124")
    await User.update(
        {User.resident: resident, User.verified_resident: True, User.verified_method: "phone_code"}
    ).where(User.id == second.id)
    assert set(await voting.my_votes(rid, second.id)) == {ideas[0]}  # the person sees their vote
    results = await asyncio.gather(
        *[voting.cast(rid, ideas[0], voter_id=second.id, now=clock(), alias_key=KEY) for _ in range(5)],
        return_exceptions=True,
    )
    assert all(isinstance(r, voting.AlreadyVoted) for r in results), results
    assert await Vote.count().where((Vote.round == rid) & (Vote.idea == ideas[0])) == 1
    assert await Ballot.select(Ballot.used).where(Ballot.round == rid) == [{"used": 1}]
    # Another idea is still open to the same person, within the ballot.
    await voting.cast(rid, ideas[1], voter_id=second.id, now=clock(), alias_key=KEY)
    assert await Ballot.select(Ballot.used).where(Ballot.round == rid) == [{"used": 2}]
    assert await voting.tally(rid) == await voting.recount(rid)
    assert voting.verify_log(await voting.log_rows(rid))["ok"]


async def test_an_account_without_a_resident_line_cannot_vote_even_if_flagged(vote_round, make_user, clock):
    flagged = await make_user()
    await User.update({User.verified_resident: True, User.verified_method: "phone_code"}).where(User.id == flagged.id)
    with pytest.raises(PermissionDenied):
        await voting.cast(
            vote_round["round"]["id"], vote_round["ideas"][0], voter_id=flagged.id, now=clock(), alias_key=KEY
        )
    # Even when the caller's view of the voter says "verified", the cast reads the link itself.
    round_ = await voting.voting_context(vote_round["round"]["id"])
    code = (await services.idea_row(vote_round["ideas"][0]))["code"]
    with pytest.raises(PermissionDenied):
        await voting.cast_vote(
            round_,
            code,
            voter=voting.Voter(id=flagged.id, verified_resident=True, commune=flagged.commune),
            now=clock(),
            alias_key=KEY,
        )
    assert await Vote.count() == 0 and await Ballot.count() == 0


async def test_one_resident_line_is_held_by_one_live_account_at_a_time(vote_round, make_user, clock):
    """A second account can never be linked to a line another account holds (the database refuses it),
    so one line of the list is one ballot per round; a deleted account frees the line with its ballot
    spent (test above)."""
    rid, ideas = vote_round["round"]["id"], vote_round["ideas"]
    first = await verified(make_user, phone="+84912000125")
    resident = (await User.select(User.resident).where(User.id == first.id).first())["resident"]
    second = await make_user(email="cung-nguoi@example.com")
    with pytest.raises(REFUSED_BY_DATABASE):
        await User.update(
            {User.resident: resident, User.verified_resident: True, User.verified_method: "office"}
        ).where(User.id == second.id)
    assert await User.count().where(User.resident == resident) == 1
    await voting.cast(rid, ideas[0], voter_id=first.id, now=clock(), alias_key=KEY)
    with pytest.raises(PermissionDenied):
        await voting.cast(rid, ideas[1], voter_id=second.id, now=clock(), alias_key=KEY)
    assert await Ballot.select(Ballot.resident, Ballot.used).where(Ballot.round == rid) == [
        {"resident": resident, "used": 1}
    ]
