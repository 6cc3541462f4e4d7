"""Command-line tasks: ``piccolo contest <command>``."""

from __future__ import annotations

import json
import re
import urllib.request
from pathlib import Path


def _site_head(address: str) -> dict:
    """The published head of a contest's vote, read from the site's results.json (``address`` is a contest URL)."""
    match = re.match(r"(https?://[^/]+/contests/[^/?#]+)", address)
    if not match:
        raise SystemExit(f"FAILED: {address} is not the address of a contest (…/contests/<slug>).")
    with urllib.request.urlopen(match.group(1) + "/results.json", timeout=30) as response:  # noqa: S310 — http(s) only
        log = json.loads(response.read().decode("utf-8")).get("vote_log")
    if not log or not log.get("head_hash"):
        raise SystemExit("FAILED: the site has published no head hash for this vote yet.")
    return {"head": log["head_hash"], "entries": int(log["entries"]), "totals": log.get("totals")}


async def _database_head(slug: str) -> tuple[dict | None, list[dict]]:
    from contest import voting
    from contest.services import contest_by_slug, rounds_of

    contest = await contest_by_slug(slug, published_only=False)
    rounds = [r for r in await rounds_of(contest.id) if r["vote_opens"]]
    if not rounds:
        raise SystemExit("FAILED: this contest has no public vote.")
    round_id = rounds[-1]["id"]
    return await voting.published_head(round_id), await voting.log_rows(round_id)


def _where(index: int | None, is_json: bool) -> str:
    if index is None:
        return ""
    return f"entries[{index}] of the JSON file: " if is_json else f"line {index + 2} of the CSV file: "


async def verify_votes(source: str, head: str = "", from_site: str = "") -> None:
    """Check a vote log's hash chain and totals, against the published head hash when given.

    SOURCE is a downloaded vote-log.csv / vote-log.json file, or a contest slug (the log is then
    read from the database). --head=HASH is the head hash published on the results page, the
    poster or the certificates; --from_site=SLUG-or-URL reads the published head from the database
    (a contest slug) or from the site (a contest address, https://…/contests/<slug>). Exits with
    status 1 on any failure, naming the line.
    """
    from contest import voting

    if head is True or from_site is True:
        raise SystemExit("FAILED: write the value after an equals sign: --head=HASH or --from_site=SLUG.")
    path = Path(source)
    published = None
    file_head = file_totals = None
    is_json = False
    if path.is_file():
        data = path.read_bytes()
        try:
            rows = voting.parse_log(data)
        except (ValueError, KeyError, UnicodeDecodeError) as exc:
            print(f"FAILED: {source} is not a vote log ({exc}).")
            raise SystemExit(1) from exc
        is_json = data.decode("utf-8-sig", "replace").lstrip().startswith("{")
        if is_json:
            body = json.loads(data.decode("utf-8-sig"))
            file_head, file_totals = body.get("head_hash"), body.get("totals")
    else:
        published, rows = await _database_head(source)
    if from_site:
        if from_site.startswith(("http://", "https://")):
            published = _site_head(from_site)
        else:
            published, _ = await _database_head(from_site)
            if published is None:
                print("FAILED: no head hash has been published for this vote yet (it is sealed when the vote closes).")
                raise SystemExit(1)
    expected = {"head": head.strip().lower(), "entries": None, "totals": None} if head else published
    result = voting.audit_log(
        rows,
        head=expected["head"] if expected else None,
        entries=expected["entries"] if expected else None,
        totals=expected["totals"] if expected else None,
        file_head=file_head,
        file_totals=file_totals,
    )
    if not result["ok"]:
        for index, message in result["problems"]:
            print(f"FAILED: {_where(index, is_json)}{message}")
        raise SystemExit(1)
    if result["against_head"]:
        print(f"OK: {result['entries']} entries; the chain ends at the published head hash {result['head']}")
    else:
        print(f"OK: {result['entries']} entries, head hash {result['head']}")
        print(
            "NOTE: only the log's internal consistency was checked. Compare the head hash above with the one "
            "published on the results page, or run again with --head=HASH or --from_site=SLUG."
        )
    for code, votes in sorted(result["totals"].items(), key=lambda item: (-item[1], item[0])):
        print(f"  {code}\t{votes}")
