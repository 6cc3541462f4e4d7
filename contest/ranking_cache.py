"""A round's computed ranking, kept in the database while its submitted sheets stay the same.

Computing every method's scores for 1,000 entries and 3,000 sheets takes about half a second of
CPU (the additive model's standard errors above all). The organizers' judging page, the shortlist
and the published results read the ranking far more often than the sheets change, so it is
computed once per change of the sheets, off the event loop, and stored in ``ranking_cache``
next to the fingerprint of the sheets it came from.

The fingerprint is taken from the sheets themselves by one aggregate query on every read —
the number of submitted sheets with a total, checksums of their judges, entries and totals (and
of judge × total and entry × total, so moving a total between sheets changes it), the highest
sheet id and the latest change time. Whatever writes a sheet (the judge's page, a reopened
round, the administration, an import), every worker process sees the change on its next read;
a row computed from other sheets is never used. Two processes that compute at the same time
store the same result. The fingerprint is read before the sheets: when a sheet changes in
between, the row is stored under the older fingerprint and the next reader computes it again.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from contest import calibration
from contest.tables import RankingCache, ScoreSheet, SheetStatus

# Bumped when the stored form of the payload (or what the computation does) changes.
FORMAT = 1

_FINGERPRINT_SQL = (
    "SELECT COUNT(*) AS n, MAX(id) AS last_id, MAX(updated_at) AS changed, "
    "SUM(CAST(judge AS BIGINT)) AS judges, SUM(CAST(idea AS BIGINT)) AS entries, "
    "SUM(CAST(total * 1000000 AS BIGINT)) AS totals, "
    "SUM(CAST(total * 1000 AS BIGINT) * judge) AS judge_totals, "
    "SUM(CAST(total * 1000 AS BIGINT) * idea) AS entry_totals "
    "FROM score_sheet WHERE round = {} AND status = {} AND total IS NOT NULL"
)


async def fingerprint(round_id: int) -> str:
    """The checksum of the round's submitted sheets that the ranking is computed from."""
    row = (await ScoreSheet.raw(_FINGERPRINT_SQL, round_id, SheetStatus.submitted.value))[0]
    parts = [row[k] for k in ("n", "last_id", "changed", "judges", "entries", "totals", "judge_totals",
                              "entry_totals")]
    return f"{FORMAT}|" + "|".join("" if p is None else str(p) for p in parts)


def compute(sheets: list[calibration.Sheet]) -> dict[str, Any]:
    """Every entry's scores and, for every method, the neighbours that are statistically tied.

    Plain CPU work on plain data (no database): run it in a worker thread."""
    rows = calibration.aggregate(sheets)
    return {
        "rows": [{
            "entry": r.entry, "n": r.n, "mean": r.mean, "median": r.median, "trimmed_mean": r.trimmed_mean,
            "zscore": r.zscore, "additive": r.additive, "spread": r.spread, "disagreement": r.disagreement,
            "group": r.group, "errors": [list(e) for e in r.errors],
        } for r in rows],
        "ties": {method: sorted(sorted(pair) for pair in calibration.statistical_ties(rows, method))
                 for method in calibration.METHODS},
    }


def _results(payload: dict[str, Any]) -> tuple[list[calibration.EntryResult], dict[str, set[frozenset[int]]]]:
    rows = [calibration.EntryResult(**{**r, "errors": tuple((m, se) for m, se in r["errors"])})
            for r in payload["rows"]]
    ties = {method: {frozenset(pair) for pair in pairs} for method, pairs in payload["ties"].items()}
    return rows, ties


async def entry_results(round_id: int) -> tuple[list[calibration.EntryResult], dict[str, set[frozenset[int]]]]:
    """The round's results per entry (in entry id order) and each method's statistical ties.

    Read from ``ranking_cache`` when it was computed from the sheets as they are now; otherwise
    computed in a worker thread from the submitted sheets and stored for the next reader."""
    key = await fingerprint(round_id)
    cached = await RankingCache.select(RankingCache.payload).where(
        (RankingCache.round == round_id) & (RankingCache.fingerprint == key)).first()
    if cached:
        return _results(json.loads(cached["payload"]))
    sheets = await ScoreSheet.select(ScoreSheet.judge, ScoreSheet.idea, ScoreSheet.total).where(
        (ScoreSheet.round == round_id) & (ScoreSheet.status == SheetStatus.submitted.value)
        & ScoreSheet.total.is_not_null())
    data = [calibration.Sheet(judge=s["judge"], entry=s["idea"], total=s["total"]) for s in sheets]
    payload = await asyncio.to_thread(compute, data)  # about half a second for 3,000 sheets
    await RankingCache.insert(RankingCache(round=round_id, fingerprint=key, payload=json.dumps(payload))).on_conflict(
        target=(RankingCache.round,), action="DO UPDATE", values=[RankingCache.fingerprint, RankingCache.payload])
    return _results(payload)
