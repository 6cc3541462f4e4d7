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
Each process also keeps the rankings it read last in memory under the same key, so a view that
finds the sheets unchanged costs one aggregate query.
"""

from __future__ import annotations

import asyncio
import json
from collections import OrderedDict
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
    parts = [row[k] for k in ("n", "last_id", "changed", "judges", "entries", "totals", "judge_totals", "entry_totals")]
    return f"{FORMAT}|" + "|".join("" if p is None else str(p) for p in parts)


def compute(sheets: list[calibration.Sheet]) -> dict[str, Any]:
    """Every entry's scores and, for every method, the entries statistically tied with a neighbour.

    Plain CPU work on plain data (no database): run it in a worker thread."""
    rows = calibration.aggregate(sheets)
    return {
        "rows": [
            {
                "entry": r.entry,
                "n": r.n,
                "mean": r.mean,
                "median": r.median,
                "trimmed_mean": r.trimmed_mean,
                "zscore": r.zscore,
                "additive": r.additive,
                "spread": r.spread,
                "disagreement": r.disagreement,
                "group": r.group,
                "errors": [list(e) for e in r.errors],
            }
            for r in rows
        ],
        "tied": {
            method: sorted({e for pair in calibration.statistical_ties(rows, method) for e in pair})
            for method in calibration.METHODS
        },
    }


class Ranking:
    """A computed ranking as the pages read it: the results per entry, and per method (prepared on
    first use) the rows best first with their interval, margin and whether they are tied."""

    def __init__(self, payload: dict[str, Any]):
        self.rows = [
            calibration.EntryResult(**{**r, "errors": tuple((m, se) for m, se in r["errors"])}) for r in payload["rows"]
        ]
        self._tied = {method: set(entries) for method, entries in payload["tied"].items()}
        self._ranked: dict[str, list[dict[str, Any]]] = {}
        self.groups = len({r.group for r in self.rows})
        self.sheets = sum(r.n for r in self.rows)

    def ranked(self, method: str) -> list[dict[str, Any]]:
        """Best first by ``method``: ``result``, ``tied``, ``interval``, ``margin`` and ``group``
        (numbered from 1, None when the sheets form one group). Shared: copy a row before changing it."""
        if method not in self._ranked:
            tied, several = self._tied[method], self.groups > 1
            self._ranked[method] = [
                {
                    "result": r,
                    "tied": r.entry in tied,
                    "interval": r.interval(method),
                    "margin": r.margin(method),
                    "group": r.group + 1 if several else None,
                }
                for r in calibration.ranking(self.rows, method)
            ]
        return self._ranked[method]


# The rankings this process read last, by (round, fingerprint): a fingerprint names the sheets, so
# an entry here is right for as long as the database gives the same fingerprint.
_MEMO: OrderedDict[tuple[int, str], Ranking] = OrderedDict()
MEMO_SIZE = 16


def _remember(round_id: int, key: str, ranking: Ranking) -> Ranking:
    _MEMO[(round_id, key)] = ranking
    _MEMO.move_to_end((round_id, key))
    while len(_MEMO) > MEMO_SIZE:
        _MEMO.popitem(last=False)
    return ranking


async def ranking_of(round_id: int) -> Ranking:
    """The round's ranking, computed from its submitted sheets as they are now.

    The fingerprint of the sheets is read from the database on every call. A ranking computed
    from the same sheets is taken from this process's memory, else from ``ranking_cache``;
    otherwise it is computed in a worker thread from the submitted sheets and stored there for
    every process."""
    key = await fingerprint(round_id)
    known = _MEMO.get((round_id, key))
    if known is not None:
        _MEMO.move_to_end((round_id, key))
        return known
    cached = (
        await RankingCache.select(RankingCache.payload)
        .where((RankingCache.round == round_id) & (RankingCache.fingerprint == key))
        .first()
    )
    if cached:
        return _remember(round_id, key, Ranking(json.loads(cached["payload"])))
    sheets = await ScoreSheet.select(ScoreSheet.judge, ScoreSheet.idea, ScoreSheet.total).where(
        (ScoreSheet.round == round_id)
        & (ScoreSheet.status == SheetStatus.submitted.value)
        & ScoreSheet.total.is_not_null()
    )
    data = [calibration.Sheet(judge=s["judge"], entry=s["idea"], total=s["total"]) for s in sheets]
    payload = await asyncio.to_thread(compute, data)  # about half a second for 3,000 sheets
    await RankingCache.insert(RankingCache(round=round_id, fingerprint=key, payload=json.dumps(payload))).on_conflict(
        target=(RankingCache.round,), action="DO UPDATE", values=[RankingCache.fingerprint, RankingCache.payload]
    )
    return _remember(round_id, key, Ranking(payload))
