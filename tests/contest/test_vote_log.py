"""The sealed public vote log: the head written into the audit chain at the close, and the verifier that
checks a downloaded log against it (both engines)."""

from __future__ import annotations

import asyncio
import datetime as dt
import json

import pytest

from accounts import audit
from accounts.scope import PLATFORM
from accounts.tables import AuditEvent
from contest import services, voting
from contest.commands import verify_votes
from contest.tables import Vote
from tests.fixtures.voting import KEY, verified
from tests.support.factories import complete_form, make_contest

pytestmark = pytest.mark.integration


@pytest.fixture
async def other_vote_round(vote_round, other_commune, make_other_user, clock):  # noqa: F811
    """The same kind of vote in the second commune, on the same calendar (its vote is open now)."""
    then = clock() - dt.timedelta(days=31.5)
    contest = await make_contest(commune=other_commune, now=then, slug="y-tuong-tan-minh-2026")
    row = await services.contest_by_slug(contest["slug"])
    round_ = (await services.rounds_of(row.id))[0]
    ideas = []
    for i in range(2):
        lead = await make_other_user(birth_year=2003)
        idea_id = await services.create_draft(
            row, round_, complete_form(contest["categories"][0], title=f"Đề xuất {i}"), user_id=lead.id, now=then
        )
        await services.submit(idea_id, user_id=lead.id, now=then)
        ideas.append(idea_id)
    return {"round": round_, "ideas": ideas, "contest": contest}


async def _votes(round_: dict, make, clock, pattern: tuple[int, ...]) -> list[dict]:
    results = []
    for n in pattern:
        voter = await verified(make)
        results.append(
            await voting.cast(round_["round"]["id"], round_["ideas"][n], voter_id=voter.id, now=clock(), alias_key=KEY)
        )
    return results


def _rehash(rows: list[dict]) -> list[dict]:
    """What a forger does: renumber and recompute every hash so that the chain holds again."""
    prev, out = voting.GENESIS, []
    for n, row in enumerate(rows, 1):
        row = {**row, "seq": n, "prev_hash": prev}
        row["hash"] = voting.entry_hash(prev, row)
        prev = row["hash"]
        out.append(row)
    return out


def _write_json(path, rows: list[dict], *, head: str | None = None, totals: dict | None = None):
    check = voting.verify_log(rows)
    body = {
        "contest": "x",
        "round": rows[0]["round"],
        "head_hash": head or check["head"],
        "entries": rows,
        "totals": totals if totals is not None else check["totals"],
    }
    path.write_text(json.dumps(body, ensure_ascii=False), encoding="utf-8")
    return path


async def test_the_log_is_sealed_once_into_the_audit_chain_when_the_vote_closes(
    vote_round, other_vote_round, make_user, make_other_user, other_commune, commune, clock
):  # noqa: F811
    await _votes(vote_round, make_user, clock, (0, 1, 1))
    await _votes(other_vote_round, make_other_user, clock, (0,))
    rid, other = vote_round["round"]["id"], other_vote_round["round"]["id"]
    assert await voting.seal_log(rid, now=clock()) is None  # still open: nothing is published
    clock.advance(days=8)
    seals = await asyncio.gather(*[voting.seal_log(r, now=clock()) for _ in range(10) for r in (rid, other)])
    events = await AuditEvent.select().where(AuditEvent.action == voting.SEAL_ACTION).order_by(AuditEvent.seq)
    assert [(e["target_id"], e["commune"]) for e in sorted(events, key=lambda e: e["target_id"])] == sorted(
        [(str(rid), commune["id"]), (str(other), other_commune["id"])]
    )
    rows = await voting.log_rows(rid)
    mine = await voting.published_head(rid)
    assert (mine["head"], mine["entries"]) == (rows[-1]["hash"], 3)
    assert mine["totals"] == voting.verify_log(rows)["totals"] and sum(mine["totals"].values()) == 3
    theirs = await voting.published_head(other)
    assert theirs["entries"] == 1 and theirs["head"] != mine["head"]
    assert {s["head"] for s in seals} == {mine["head"], theirs["head"]}
    assert await audit.verify_chain() == (True, None)


async def test_a_void_after_the_close_publishes_a_new_head_and_keeps_the_old(vote_round, make_user, clock):  # noqa: F811
    cast = await _votes(vote_round, make_user, clock, (0, 1))
    rid = vote_round["round"]["id"]
    clock.advance(days=8)
    first = await voting.seal_log(rid, now=clock())
    vote = await Vote.select(Vote.id).where(Vote.receipt == cast[0]["receipt"]).first()
    await voting.void(vote["id"], reason="Bình chọn hộ", actor_id=1, now=clock(), alias_key=KEY, scope=PLATFORM)
    second = await voting.seal_log(rid, now=clock())
    assert second["entries"] == first["entries"] + 1 and second["head"] != first["head"]
    assert await voting.seal_log(rid, now=clock()) == second  # idempotent
    assert await AuditEvent.count().where(AuditEvent.action == voting.SEAL_ACTION) == 2


@pytest.fixture
async def sealed_log(vote_round, make_user, clock, tmp_path):  # noqa: F811
    cast = await _votes(vote_round, make_user, clock, (0, 1, 1, 2))
    rid = vote_round["round"]["id"]
    voter = await verified(make_user)
    await voting.cast(rid, vote_round["ideas"][3], voter_id=voter.id, now=clock(), alias_key=KEY)
    await voting.withdraw(rid, vote_round["ideas"][3], voter_id=voter.id, now=clock(), alias_key=KEY)
    clock.advance(days=8)
    seal = await voting.seal_log(rid, now=clock())
    rows = [dict(r) for r in await voting.log_rows(rid)]
    path = tmp_path / "vote-log.csv"
    path.write_bytes(voting.log_csv(rows))
    return {
        "seal": seal,
        "rows": rows,
        "csv": path,
        "dir": tmp_path,
        "receipts": cast,
        "slug": vote_round["contest"]["slug"],
    }


async def _fails(capsys, *args, **kwargs) -> str:
    with pytest.raises(SystemExit) as exit_:
        await verify_votes(*args, **kwargs)
    assert exit_.value.code == 1
    return capsys.readouterr().out


async def test_verifier_accepts_the_published_log_against_its_head(sealed_log, capsys):
    head = sealed_log["seal"]["head"]
    await verify_votes(str(sealed_log["csv"]), head=head)
    out = capsys.readouterr().out
    assert f"OK: 6 entries; the chain ends at the published head hash {head}" in out
    await verify_votes(str(sealed_log["csv"]), from_site=sealed_log["slug"])
    assert "published head hash" in capsys.readouterr().out
    await verify_votes(str(sealed_log["csv"]))
    assert "only the log's internal consistency was checked" in capsys.readouterr().out


async def test_verifier_detects_a_truncated_log(sealed_log, capsys):
    path = sealed_log["dir"] / "short.csv"
    path.write_bytes(voting.log_csv(sealed_log["rows"][:-2]))
    out = await _fails(capsys, str(path), from_site=sealed_log["slug"])
    assert "line 5 of the CSV file" in out and "entries #5–#6 were removed" in out
    out = await _fails(capsys, str(path), head=sealed_log["seal"]["head"])
    assert "is not the published head" in out


async def test_verifier_detects_an_appended_forged_line(sealed_log, capsys):
    rows = sealed_log["rows"]
    forged = {**rows[0], "seq": len(rows) + 1, "receipt": "FFFFFFFFFF", "prev_hash": rows[-1]["hash"]}
    forged["hash"] = voting.entry_hash(rows[-1]["hash"], forged)
    path = sealed_log["dir"] / "longer.csv"
    path.write_bytes(voting.log_csv([*rows, forged]))
    out = await _fails(capsys, str(path), head=sealed_log["seal"]["head"])
    assert "line 8 of the CSV file" in out and "entries from #7 on were added" in out


async def test_verifier_detects_a_changed_vote_with_every_later_hash_recomputed(sealed_log, capsys):
    rows = list(sealed_log["rows"])
    rows[1] = {**rows[1], "idea_code": rows[0]["idea_code"]}
    path = sealed_log["dir"] / "changed.csv"
    path.write_bytes(voting.log_csv(rows))
    assert "line 3 of the CSV file: entry #2: its hash does not match" in await _fails(capsys, str(path))
    path.write_bytes(voting.log_csv(_rehash(rows)))
    await verify_votes(str(path))  # internally consistent: only the published head can tell
    assert "only the log's internal consistency" in capsys.readouterr().out
    out = await _fails(capsys, str(path), head=sealed_log["seal"]["head"])
    assert "line 7 of the CSV file" in out and "an entry at or before it was changed" in out
    json_path = _write_json(sealed_log["dir"] / "changed.json", _rehash(rows))
    out = await _fails(capsys, str(json_path), from_site=sealed_log["slug"])
    assert "entries[5] of the JSON file" in out


async def test_verifier_checks_the_json_files_own_head_and_totals(sealed_log, capsys):
    rows = sealed_log["rows"]
    good = _write_json(sealed_log["dir"] / "good.json", rows)
    await verify_votes(str(good), head=sealed_log["seal"]["head"])
    assert "OK: 6 entries" in capsys.readouterr().out
    totals = dict(voting.verify_log(rows)["totals"])
    code = next(iter(totals))
    totals[code] += 1
    out = await _fails(capsys, str(_write_json(sealed_log["dir"] / "totals.json", rows, totals=totals)))
    assert "the file's totals differ" in out and code in out
    out = await _fails(capsys, str(_write_json(sealed_log["dir"] / "head.json", rows, head="a" * 64)))
    assert "the file's head_hash" in out


async def test_verifier_compares_recounted_csv_totals_with_the_published_ones(sealed_log, capsys):
    """A CSV has no totals of its own: its recount is compared with the totals sealed at the close."""
    seal = (
        await AuditEvent.select(AuditEvent.id, AuditEvent.data).where(AuditEvent.action == voting.SEAL_ACTION).first()
    )
    data = json.loads(seal["data"]) if isinstance(seal["data"], str) else seal["data"]
    code = next(iter(data["totals"]))
    data["totals"][code] += 5
    await AuditEvent.update({AuditEvent.data: json.dumps(data)}).where(AuditEvent.id == seal["id"])
    out = await _fails(capsys, str(sealed_log["csv"]), from_site=sealed_log["slug"])
    assert "differ from the published totals" in out


async def test_find_receipt_shows_the_public_line_only(sealed_log):
    receipt = sealed_log["receipts"][0]["receipt"]
    lines = voting.find_receipt(sealed_log["rows"], f" {receipt.lower()} ")
    assert len(lines) == 1 and lines[0]["action"] == "cast" and "receipt" not in lines[0]
    assert set(lines[0]) == {"seq", "voter_alias", "idea_code", "action", "time_bucket", "reason"}
    assert voting.find_receipt(sealed_log["rows"], "0000000000") == []
    assert voting.find_receipt(sealed_log["rows"], "  ") == []
