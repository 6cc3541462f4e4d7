"""Command-line tasks: ``piccolo contest <command>``."""

from __future__ import annotations

from pathlib import Path


async def verify_votes(source: str) -> None:
    """Recompute a vote log's hash chain and totals.

    SOURCE is a downloaded vote-log.csv / vote-log.json file, or a contest slug (read from the
    database). Exits with status 1 when the chain is broken.
    """
    from contest import voting

    path = Path(source)
    if path.is_file():
        rows = voting.parse_log(path.read_bytes())
    else:
        from contest.services import contest_by_slug, rounds_of

        contest = await contest_by_slug(source, published_only=False)
        rounds = [r for r in await rounds_of(contest["id"]) if r["vote_opens"]]
        if not rounds:
            raise SystemExit("This contest has no public vote.")
        rows = await voting.log_rows(rounds[-1]["id"])
    result = voting.verify_log(rows)
    if not result["ok"]:
        print(f"BROKEN: the chain fails at entry #{result['bad_seq']}")
        raise SystemExit(1)
    print(f"OK: {result['entries']} entries, head hash {result['head']}")
    for code, votes in sorted(result["totals"].items(), key=lambda item: (-item[1], item[0])):
        print(f"  {code}\t{votes}")
