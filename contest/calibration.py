"""Aggregating the judges' weighted totals into one score per entry.

A judge scores a handful of entries, and judges differ: one is generous, another strict. The
raw mean of an entry's totals carries the bias of whichever judges it drew. Two corrections
are offered next to the plain statistics:

* ``zscore`` — each judge's totals are standardised (centred on the judge's mean, divided by
  the judge's standard deviation), averaged per entry, and mapped back to the 0–100 scale
  with the overall mean and standard deviation so the numbers stay readable;
* ``additive`` — the model ``total = mu + f_entry + b_judge + noise`` fitted by ridge least
  squares (``f`` and ``b`` sum to zero and are penalised, ``mu`` is not); the score is
  ``mu + f_entry``. It needs the judge–entry graph to be connected (anchor entries do that).

Both only help when judges share entries; :func:`statistical_ties` says which neighbours in a
ranking are too close to call given the noise.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol

import numpy as np
from scipy import sparse, stats
from scipy.sparse.csgraph import connected_components
from scipy.sparse.linalg import spsolve

METHODS = ("mean", "median", "trimmed_mean", "zscore", "additive")


class _CriterionLike(Protocol):
    id: int
    weight: float
    scale_min: float
    scale_max: float


@dataclass(frozen=True)
class Criterion:
    """What :func:`weighted_total` needs of a rubric criterion (``contest.tables.Criterion`` rows fit too)."""

    id: int
    weight: float = 1.0
    scale_min: float = 1
    scale_max: float = 5


@dataclass(frozen=True)
class Sheet:
    """A submitted score sheet: its weighted total on the 0–100 scale."""

    judge: int
    entry: int
    total: float


@dataclass(frozen=True)
class EntryResult:
    entry: int
    n: int
    mean: float
    median: float
    trimmed_mean: float
    zscore: float | None
    additive: float | None
    spread: float  # max − min of the totals
    disagreement: bool  # spread above the threshold: the organizers may want to look


def weighted_total(scores: Mapping[int, float], criteria: Sequence[_CriterionLike]) -> float:
    """The weighted total of one sheet on a 0–100 scale.

    Each score is normalised to 0–1 on its criterion's scale, the normalised scores are averaged
    with the criteria's weights, and the average is multiplied by 100.
    """
    if not criteria:
        raise ValueError("no criteria")
    missing = [c.id for c in criteria if c.id not in scores]
    if missing:
        raise ValueError(f"missing scores for criteria {missing}")
    total_weight = 0.0
    accumulated = 0.0
    for c in criteria:
        low, high, weight = float(c.scale_min), float(c.scale_max), float(c.weight)
        if high <= low:
            raise ValueError(f"criterion {c.id} has an empty scale {low}–{high}")
        if weight < 0 or not math.isfinite(weight):
            raise ValueError(f"criterion {c.id} has a negative weight")
        score = float(scores[c.id])
        if not low <= score <= high:
            raise ValueError(f"score {score} for criterion {c.id} is outside {low}–{high}")
        accumulated += weight * (score - low) / (high - low)
        total_weight += weight
    if total_weight <= 0:
        raise ValueError("the weights sum to zero")
    return 100.0 * accumulated / total_weight


def _by_entry(sheets: Sequence[Sheet]) -> dict[int, list[float]]:
    seen: set[tuple[int, int]] = set()
    totals: dict[int, list[float]] = defaultdict(list)
    for s in sheets:
        if (s.judge, s.entry) in seen:
            raise ValueError(f"judge {s.judge} has two sheets for entry {s.entry}")
        seen.add((s.judge, s.entry))
        totals[s.entry].append(float(s.total))
    return totals


def zscores(sheets: Sequence[Sheet]) -> dict[int, float]:
    """Per-judge standardised totals, averaged per entry, back on the 0–100 scale.

    A judge with a single sheet, or whose totals are all equal, is only centred (so that sheet
    says nothing about the entry beyond the other judges' view).
    """
    if not sheets:
        return {}
    totals = np.array([s.total for s in sheets], dtype=float)
    judges = np.array([s.judge for s in sheets])
    standardised = np.empty_like(totals)
    for judge in np.unique(judges):
        mask = judges == judge
        values = totals[mask]
        centred = values - values.mean()
        sd = values.std(ddof=1) if values.size > 1 else 0.0
        standardised[mask] = centred / sd if sd > 0 else centred
    overall_mean = totals.mean()
    overall_sd = totals.std(ddof=1) if totals.size > 1 else 0.0
    per_entry: dict[int, list[float]] = defaultdict(list)
    for s, z in zip(sheets, standardised):
        per_entry[s.entry].append(z)
    return {entry: float(overall_mean + overall_sd * np.mean(zs)) for entry, zs in per_entry.items()}


def _index(values: Sequence[int]) -> dict[int, int]:
    return {v: i for i, v in enumerate(sorted(set(values)))}


def connected(sheets: Sequence[Sheet]) -> bool:
    """Whether the bipartite judge–entry graph of these sheets is connected."""
    if not sheets:
        return True
    judge_index = _index([s.judge for s in sheets])
    entry_index = _index([s.entry for s in sheets])
    n_j, n_e = len(judge_index), len(entry_index)
    rows = np.array([judge_index[s.judge] for s in sheets])
    cols = np.array([n_j + entry_index[s.entry] for s in sheets])
    graph = sparse.coo_matrix((np.ones(rows.size), (rows, cols)), shape=(n_j + n_e, n_j + n_e))
    count, _ = connected_components(graph, directed=False)
    return count == 1


def additive_model(sheets: Sequence[Sheet], ridge: float = 1.0) -> dict[int, float] | None:
    """``mu + f_entry`` of the model ``total = mu + f_entry + b_judge + e``.

    Fitted by least squares with ``f`` and ``b`` constrained to sum to zero and penalised by
    ``ridge · (|f|² + |b|²)`` (``mu`` is not penalised). ``None`` when the judge–entry graph is
    not connected: then judges' biases and entries' qualities cannot be told apart.
    """
    if ridge < 0:
        raise ValueError("ridge must be ≥ 0")
    if not sheets:
        return {}
    _by_entry(sheets)  # refuses duplicate sheets
    if not connected(sheets):
        return None
    judge_index = _index([s.judge for s in sheets])
    entry_index = _index([s.entry for s in sheets])
    n_j, n_e, n = len(judge_index), len(entry_index), len(sheets)
    # Unknowns: [mu, f_0 … f_{E−1}, b_0 … b_{J−1}], then two Lagrange multipliers.
    size = 1 + n_e + n_j
    rows = np.repeat(np.arange(n), 3)
    cols = np.array([[0, 1 + entry_index[s.entry], 1 + n_e + judge_index[s.judge]] for s in sheets]).ravel()
    design = sparse.csr_matrix((np.ones(rows.size), (rows, cols)), shape=(n, size))
    y = np.array([s.total for s in sheets], dtype=float)
    penalty = sparse.diags(np.concatenate([[0.0], np.full(n_e + n_j, float(ridge))]))
    normal = (design.T @ design + penalty).tocsc()
    sum_to_zero = sparse.csr_matrix(
        (np.ones(n_e + n_j), (np.r_[np.zeros(n_e, dtype=int), np.ones(n_j, dtype=int)], np.arange(1, size))),
        shape=(2, size),
    )
    kkt = sparse.bmat([[normal, sum_to_zero.T], [sum_to_zero, None]], format="csc")
    rhs = np.concatenate([design.T @ y, [0.0, 0.0]])
    solution = spsolve(kkt, rhs)
    if not np.all(np.isfinite(solution)):
        return None
    mu = solution[0]
    return {entry: float(mu + solution[1 + i]) for entry, i in entry_index.items()}


def _trimmed_mean(values: Sequence[float]) -> float:
    ordered = sorted(values)
    if len(ordered) >= 4:
        ordered = ordered[1:-1]
    return float(np.mean(ordered))


def aggregate(sheets: Sequence[Sheet], *, disagreement_threshold: float = 20.0,
              ridge: float = 1.0) -> list[EntryResult]:
    """One result per entry that has sheets, in entry id order."""
    totals = _by_entry(sheets)
    z = zscores(sheets)
    additive = additive_model(sheets, ridge=ridge)
    results = []
    for entry in sorted(totals):
        values = totals[entry]
        spread = max(values) - min(values)
        results.append(EntryResult(
            entry=entry, n=len(values), mean=float(np.mean(values)), median=float(np.median(values)),
            trimmed_mean=_trimmed_mean(values), zscore=z.get(entry),
            additive=None if additive is None else additive.get(entry),
            spread=float(spread), disagreement=spread > disagreement_threshold,
        ))
    return results


def _value(result: EntryResult, method: str) -> float:
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}; one of {', '.join(METHODS)}")
    value = getattr(result, method)
    if value is None:
        raise ValueError(f"no {method} score for entry {result.entry}")
    return value


def ranking(results: Sequence[EntryResult], method: str) -> list[EntryResult]:
    """Best first by ``method``; ties broken by the raw mean (higher first), then the entry id."""
    return sorted(results, key=lambda r: (-_value(r, method), -r.mean, r.entry))


@lru_cache(maxsize=64)
def _d2(n: int) -> float:
    """Expected range of ``n`` standard normal draws (turns a range into a standard deviation)."""
    x = np.linspace(-12, 12, 24001)
    cdf = stats.norm.cdf(x)
    return float(np.trapezoid(1 - cdf**n - (1 - cdf) ** n, x))


def estimate_noise_sd(results: Sequence[EntryResult]) -> float:
    """The sd of one sheet around its entry's score, estimated from the spread within entries.

    Each entry with two or more sheets gives ``spread / d2(n)`` (``d2`` the expected range of
    ``n`` normal draws); the estimate is their average weighted by ``n − 1``.
    """
    weights, estimates = [], []
    for r in results:
        if r.n >= 2:
            weights.append(r.n - 1)
            estimates.append(r.spread / _d2(r.n))
    if not weights:
        return 0.0
    return float(np.average(estimates, weights=weights))


def statistical_ties(results: Sequence[EntryResult], method: str, *,
                     noise_sd: float | None = None) -> set[frozenset[int]]:
    """Neighbours in the ``method`` ranking whose scores differ by less than ~1.96 sd of a difference.

    The sd of the difference of two entries' scores is ``noise_sd · sqrt(1/n_a + 1/n_b)``;
    without ``noise_sd`` it is estimated from the spread within entries (:func:`estimate_noise_sd`).
    Equal scores are always tied.
    """
    ordered = ranking(results, method)
    sd = estimate_noise_sd(results) if noise_sd is None else float(noise_sd)
    ties: set[frozenset[int]] = set()
    for a, b in zip(ordered, ordered[1:]):
        difference = abs(_value(a, method) - _value(b, method))
        threshold = 1.96 * sd * math.sqrt(1 / max(a.n, 1) + 1 / max(b.n, 1))
        if difference < threshold or math.isclose(difference, 0.0, abs_tol=1e-9):
            ties.add(frozenset((a.entry, b.entry)))
    return ties



def spearman(a: Sequence[float], b: Sequence[float]) -> float:
    """Spearman's rank correlation (average ranks for ties)."""
    if len(a) != len(b):
        raise ValueError("sequences of different lengths")
    if len(a) < 2:
        raise ValueError("at least two values are needed")
    return float(stats.spearmanr(a, b).statistic)
