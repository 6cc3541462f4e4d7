"""The sealed vote log through HTTP: the head on the results page, results.json, certificates and posters;
the public recount page, its downloadable script (run as a resident would) and the receipt lookup."""

from __future__ import annotations

import subprocess
import sys

import pytest

from accounts.tables import AuditEvent
from contest import voting
from contest.services import idea_row
from contest.tables import Award, Idea
from tests.conftest import csrf_from

pytestmark = pytest.mark.integration
ALIAS_KEY = b"vote-alias:test-secret-key-that-is-long-enough-0123456789"


async def test_the_head_is_published_on_results_json_certificate_and_poster(client, closed_vote, clock):
    slug = closed_vote["slug"]
    clock.advance(days=10)  # closed, results out
    results = await client.get(f"/contests/{slug}/results")
    seal = await voting.published_head(closed_vote["round"]["id"])
    rows = await voting.log_rows(closed_vote["round"]["id"])
    assert seal["head"] == rows[-1]["hash"] and seal["entries"] == 4
    assert f'<code id="head-hash">{seal["head"]}</code>' in results.text
    assert f'href="/contests/{slug}/recount"' in results.text
    body = (await client.get(f"/contests/{slug}/results.json")).json()
    assert body["vote_log"]["head_hash"] == seal["head"] and body["vote_log"]["entries"] == 4
    assert body["vote_log"]["totals"] == voting.verify_log(rows)["totals"]
    award = await Award.select(Award.id).first()
    certificate = await client.get(f"/contests/{slug}/awards/{award['id']}/certificate")
    assert seal["head"] in certificate.text and "4 dòng" in certificate.text
    code = (await idea_row(closed_vote["ideas"][0]))["code"]
    poster = await client.get(f"/ideas/{code}/poster")
    assert seal["head"] in poster.text and f"/contests/{slug}/recount" in poster.text
    # Every read after the close found the same head: one seal in the audit chain.
    assert await AuditEvent.count().where(AuditEvent.action == voting.SEAL_ACTION) == 1


async def test_recount_page_before_and_after_the_close(client, closed_vote, clock):
    slug = closed_vote["slug"]
    before = await client.get(f"/contests/{slug}/recount")
    assert before.status_code == 200 and "<h1>Cách kiểm phiếu</h1>" in before.text
    assert (
        'id="head-hash"' not in before.text and "Bạn có thể tra mã xác nhận khi bình chọn đã kết thúc." in before.text
    )
    token = csrf_from((await client.get("/login")).text)  # the form is not shown before the close
    looked_up = await client.post(
        f"/contests/{slug}/recount", data={"_csrf_token": token, "receipt": closed_vote["receipts"][0]}
    )
    assert looked_up.status_code == 400 and 'id="receipt-lines"' not in looked_up.text
    assert await AuditEvent.count().where(AuditEvent.action == voting.SEAL_ACTION) == 0
    clock.advance(days=8)  # closed
    page = await client.get(f"/contests/{slug}/recount")
    seal = await voting.published_head(closed_vote["round"]["id"])
    assert f'<code id="head-hash">{seal["head"]}</code>' in page.text and '<dd id="entry-count">4</dd>' in page.text
    assert "COUNTIFS(D:D;K2;E:E;&#34;cast&#34;)" in page.text or 'COUNTIFS(D:D;K2;E:E;"cast")' in page.text
    assert "ensure_ascii=False" in page.text and f'href="/contests/{slug}/recount.py"' in page.text
    english = await client.get(f"/contests/{slug}/recount?lang=en")
    assert "<h1>How to re-count</h1>" in english.text and seal["head"] in english.text
    vote_page = await client.get(f"/contests/{slug}/vote")
    assert f'href="/contests/{slug}/recount"' in vote_page.text


async def test_a_voter_finds_their_vote_by_receipt_and_a_wrong_receipt_is_not_found(client, closed_vote, clock):
    slug = closed_vote["slug"]
    clock.advance(days=8)
    page = await client.get(f"/contests/{slug}/recount")
    receipt = closed_vote["receipts"][1]
    found = await client.post(
        f"/contests/{slug}/recount", data={"_csrf_token": csrf_from(page.text), "receipt": f" {receipt.lower()} "}
    )
    line = next(r for r in await voting.log_rows(closed_vote["round"]["id"]) if r["receipt"] == receipt)
    assert found.status_code == 200 and 'id="receipt-lines"' in found.text
    table = found.text.split('id="receipt-lines"')[1].split("</table>")[0]
    assert line["voter_alias"] in table and line["idea_code"] in table and line["time_bucket"] in table
    assert "Người bình chọn" not in found.text  # no names
    wrong = await client.post(
        f"/contests/{slug}/recount", data={"_csrf_token": csrf_from(page.text), "receipt": "0123456789"}
    )
    assert wrong.status_code == 400 and "Không có phiếu nào với mã xác nhận này" in wrong.text
    assert 'value="0123456789"' in wrong.text and 'aria-invalid="true"' in wrong.text
    empty = await client.post(f"/contests/{slug}/recount", data={"_csrf_token": csrf_from(page.text), "receipt": ""})
    assert empty.status_code == 400 and "Vui lòng nhập mã xác nhận" in empty.text


def _run(script, log) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-I", str(script), str(log)], capture_output=True, text=True, timeout=60)


async def test_the_downloadable_script_agrees_with_the_database_and_detects_tampering(
    client, closed_vote, clock, tmp_path
):
    slug = closed_vote["slug"]
    clock.advance(days=8)
    script = tmp_path / "recount.py"
    script.write_bytes((await client.get(f"/contests/{slug}/recount.py")).content)
    log_csv = tmp_path / "vote-log.csv"
    log_csv.write_bytes((await client.get(f"/contests/{slug}/vote-log.csv")).content)
    log_json = tmp_path / "vote-log.json"
    log_json.write_bytes((await client.get(f"/contests/{slug}/vote-log.json")).content)
    seal = await voting.published_head(closed_vote["round"]["id"])
    codes = {i["id"]: i["code"] for i in await Idea.select(Idea.id, Idea.code)}
    expected = {codes[idea]: votes for idea, votes in (await voting.recount(closed_vote["round"]["id"])).items()}
    for log in (log_csv, log_json):
        done = _run(script, log)
        assert done.returncode == 0, done.stdout + done.stderr
        assert f"the chain ends at the published head {seal['head']}" in done.stdout
        printed = dict(line.split("\t") for line in done.stdout.splitlines() if "\t" in line)
        assert {code: int(n) for code, n in printed.items()} == expected
    lines = log_csv.read_text(encoding="utf-8-sig").splitlines()
    truncated = tmp_path / "truncated.csv"
    truncated.write_text("\n".join(lines[:-1]) + "\n", encoding="utf-8")
    assert _run(script, truncated).returncode == 1
    rows = voting.parse_log(log_csv.read_bytes())
    rows[0]["idea_code"] = rows[1]["idea_code"]
    prev = voting.GENESIS
    for row in rows:  # the forger recomputes every later hash
        row.update(round=int(row["round"]), seq=int(row["seq"]), prev_hash=prev)
        row["hash"] = prev = voting.entry_hash(prev, row)
    forged = tmp_path / "forged.csv"
    forged.write_bytes(voting.log_csv(rows))
    done = _run(script, forged)
    assert done.returncode == 1 and "is not the published head" in done.stdout
