"""Aggregating the judges' weighted totals into one score per entry, with honest uncertainty.

A judge scores a handful of entries, and judges differ: one is generous, another strict. The
raw mean of an entry's totals carries the leniency of whichever judges it drew. Next to the
plain statistics (mean, median, trimmed mean) two corrections are offered:

* ``zscore`` — each judge's totals are standardised (centred on the judge's mean, divided by
  the judge's standard deviation), averaged per entry, and mapped back to the 0–100 scale
  with the overall mean and standard deviation so the numbers stay readable;
* ``additive`` (the default) — the model ``total = f_entry + b_judge + noise``: entries are
  fixed effects, judges' leniencies ``b`` are random effects ``N(0, τ²)`` and the noise is
  ``N(0, σ²)``. ``σ²`` and ``τ²`` are estimated from the sheets (method of moments on the
  two-way fit) and ``b`` is shrunk with ``λ = σ²/τ²``: when the judges hardly differ, the
  correction vanishes and the score is the raw mean; when they differ, it is removed. The
  score is ``f_entry``.

**Groups.** Leniency and quality can only be told apart between entries linked by judges: if
no judge scored entries of both A and B, nothing in the sheets says whether A's judges were
generous or A is better. The judge–entry graph is split into its connected components
(:func:`groups`); the model is fitted within each, and in each group the judges' leniencies
average zero, so a group's scores sit at the level of its average judge. Scores of entries in
different groups are not comparable; every result says which group its entry is in.

**Uncertainty.** Every score has a standard error (:meth:`EntryResult.standard_error`): for the
additive model the fitted residual variance with the entry's number of sheets and the
uncertainty of its judges' leniencies; for the plain statistics the pooled spread within
entries. :func:`statistical_ties` marks neighbours whose intervals (score ± one standard
error) overlap. ``disagreement`` marks entries whose sheets are spread unusually
widely compared with the other entries of the round (an F-test at the 1 % level, after
removing the judges' leniencies).

The choice of the default rests on the simulation in ``tests/contest/test_calibration.py``
(planted quality, leniency and scale of judges; 15 × 6, 60 × 20 and 1,000 × 30 entries ×
judges, 3 judges per entry): the additive model ranks at least as well as the raw mean at every
size, and better as soon as judges differ in leniency.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Protocol

import numpy as np
from scipy import sparse
from scipy.sparse.csgraph import connected_components

METHODS = ("mean", "median", "trimmed_mean", "zscore", "additive")
DEFAULT_METHOD = "additive"

# Half-width of the intervals, in standard errors: ±1 se. Two such intervals overlap when the
# scores differ by less than about 1.4 standard errors of their difference (exactly √2 for
# equal errors). In the simulation of the tests, pairs whose true gap exceeds twice the sheet
# noise overlap about 5–10 % of the time; wider intervals (±1.4 se, a 5 % test) would call
# 15–22 % of such clearly different pairs "tied".
INTERVAL_Z = 1.0
# Level of the "judges disagree" test, and the smallest spread (points of 100) ever flagged.
DISAGREEMENT_LEVEL = 0.01
MIN_DISAGREEMENT_SPREAD = 5.0


class _CriterionLike(Protocol):  # read only, so that frozen dataclasses fit
    @property
    def id(self) -> int: ...
    @property
    def weight(self) -> float: ...
    @property
    def scale_min(self) -> float: ...
    @property
    def scale_max(self) -> float: ...


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
    disagreement: bool  # sheets spread unusually widely for this round: the organizers may want to look
    group: int = 0  # connected component of the judge–entry graph (0 is the group of the lowest entry id)
    # Standard error of each method's score, as (method, se) pairs; None where it cannot be estimated.
    errors: tuple[tuple[str, float | None], ...] = field(default=(), compare=False)

    def standard_error(self, method: str) -> float | None:
        return dict(self.errors).get(method)

    def interval(self, method: str) -> tuple[float, float] | None:
        """``score ± INTERVAL_Z · se`` for ``method``, or None when the error cannot be estimated."""
        se, value = self.standard_error(method), getattr(self, method, None)
        if se is None or value is None:
            return None
        return _interval(value, se)

    def margin(self, method: str) -> float | None:
        se = self.standard_error(method)
        return None if se is None else INTERVAL_Z * se


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
        if not math.isfinite(float(s.total)):
            raise ValueError(f"the total of judge {s.judge} for entry {s.entry} is not a number")
        seen.add((s.judge, s.entry))
        totals[s.entry].append(float(s.total))
    return totals


def _pooled_within(groups: Sequence[Sequence[float]]) -> tuple[float, int]:
    """Sum of squares around each group's mean, and its degrees of freedom."""
    ss, dof = 0.0, 0
    for values in groups:
        if len(values) > 1:
            ss += float(np.sum((np.asarray(values) - np.mean(values)) ** 2))
            dof += len(values) - 1
    return ss, dof


def zscores(sheets: Sequence[Sheet]) -> dict[int, float]:
    """Per-judge standardised totals, averaged per entry, back on the 0–100 scale.

    A judge with a single sheet, or whose totals are all equal, is only centred (so that sheet
    says nothing about the entry beyond the other judges' view).
    """
    return _zscores(sheets)[0]


def _zscores(sheets: Sequence[Sheet]) -> tuple[dict[int, float], dict[int, float | None]]:
    if not sheets:
        return {}, {}
    totals = np.array([s.total for s in sheets], dtype=float)
    judges = np.array([s.judge for s in sheets])
    standardised = np.empty_like(totals)
    for judge in np.unique(judges):
        mask = judges == judge
        values = totals[mask]
        centred = values - values.mean()
        sd = values.std(ddof=1) if values.size > 1 else 0.0
        standardised[mask] = centred / sd if sd > 1e-9 else centred
    overall_mean = totals.mean()
    overall_sd = totals.std(ddof=1) if totals.size > 1 else 0.0
    per_entry: dict[int, list[float]] = defaultdict(list)
    for s, z in zip(sheets, standardised, strict=False):
        per_entry[s.entry].append(float(z))
    ss, dof = _pooled_within(list(per_entry.values()))
    sd_z = math.sqrt(ss / dof) if dof else None
    scores = {entry: float(overall_mean + overall_sd * np.mean(zs)) for entry, zs in per_entry.items()}
    errors = {
        entry: None if sd_z is None else overall_sd * sd_z / math.sqrt(len(zs)) for entry, zs in per_entry.items()
    }
    return scores, errors


def _index(values: Sequence[int]) -> dict[int, int]:
    return {v: i for i, v in enumerate(sorted(set(values)))}


def groups(sheets: Sequence[Sheet]) -> dict[int, int]:
    """Each entry's group: the connected components of the judge–entry graph, numbered from 0
    in the order of their lowest entry id. Scores are comparable only within a group."""
    if not sheets:
        return {}
    judge_index = _index([s.judge for s in sheets])
    entry_index = _index([s.entry for s in sheets])
    n_j, n_e = len(judge_index), len(entry_index)
    rows = np.array([judge_index[s.judge] for s in sheets])
    cols = np.array([n_j + entry_index[s.entry] for s in sheets])
    graph = sparse.coo_matrix((np.ones(rows.size), (rows, cols)), shape=(n_j + n_e, n_j + n_e))
    _, labels = connected_components(graph, directed=False)
    renumber: dict[int, int] = {}
    result = {}
    for entry, i in entry_index.items():  # entries in id order
        label = int(labels[n_j + i])
        result[entry] = renumber.setdefault(label, len(renumber))
    return result


def connected(sheets: Sequence[Sheet]) -> bool:
    """Whether the bipartite judge–entry graph of these sheets is connected (one group)."""
    return len(set(groups(sheets).values())) <= 1


@dataclass(frozen=True)
class AdditiveFit:
    """The fitted additive model: scores, their standard errors, leniencies and variance components."""

    scores: dict[int, float]
    errors: dict[int, float | None]
    leniency: dict[int, float]  # judge → estimated b (points added to every total)
    noise_sd: float | None  # σ: sd of one sheet around entry + leniency (None: not estimable)
    leniency_sd: float | None  # τ: sd of the judges' leniencies (None: not estimable)
    ridge: float  # λ = σ²/τ² used (inf: no correction)


def fit_additive(sheets: Sequence[Sheet], ridge: float | None = None) -> AdditiveFit:
    """Fit ``total = f_entry + b_judge + e`` with ``b`` shrunk by ``ridge · |b|²``.

    Entries are fixed effects (never shrunk), so ``f_entry`` is the mean of the entry's totals
    with its judges' leniencies taken off. ``ridge=None`` estimates ``λ = σ²/τ²`` from the sheets
    (method of moments on the unshrunk fit); a number fixes it (0: plain least squares). In each
    group of the judge–entry graph the leniencies average zero. Never fails: with too few
    sheets to estimate anything, the scores are the raw means and the errors are None.
    """
    if ridge is not None and (ridge < 0 or math.isnan(ridge)):
        raise ValueError("ridge must be ≥ 0")
    _by_entry(sheets)  # refuses duplicate sheets and totals that are not numbers
    if not sheets:
        return AdditiveFit({}, {}, {}, None, None, math.inf)
    judge_index = _index([s.judge for s in sheets])
    entry_index = _index([s.entry for s in sheets])
    n_j, n_e, n = len(judge_index), len(entry_index), len(sheets)
    ji = np.array([judge_index[s.judge] for s in sheets])
    ei = np.array([entry_index[s.entry] for s in sheets])
    y = np.array([s.total for s in sheets], dtype=float)
    n_entry = np.bincount(ei, minlength=n_e).astype(float)
    n_judge = np.bincount(ji, minlength=n_j).astype(float)
    entry_mean = np.bincount(ei, weights=y, minlength=n_e) / n_entry
    # Profiling the entries out: K b = r with K = diag(n_j) − C D⁻¹ Cᵀ (C the judge × entry incidence).
    incidence = np.zeros((n_j, n_e))
    incidence[ji, ei] = 1.0
    k_matrix = np.diag(n_judge) - (incidence / n_entry) @ incidence.T
    k_matrix = (k_matrix + k_matrix.T) / 2
    r = np.bincount(ji, weights=y - entry_mean[ei], minlength=n_j)
    k_pinv = np.linalg.pinv(k_matrix, rcond=1e-10, hermitian=True)
    rank = int(np.linalg.matrix_rank(k_matrix, tol=1e-8, hermitian=True)) if n_j else 0
    b_fixed = k_pinv @ r
    within = float(np.sum((y - entry_mean[ei]) ** 2))
    rss = max(within - float(r @ b_fixed), 0.0)
    dof = n - n_e - rank
    sigma2 = rss / dof if dof > 0 else None
    tau2 = None
    if sigma2 is not None and rank > 0:
        tau2 = max((float(b_fixed @ b_fixed) - sigma2 * float(np.trace(k_pinv))) / rank, 0.0)
    if ridge is None:
        lam = math.inf if tau2 is None or tau2 <= 0 or sigma2 is None else sigma2 / tau2
    else:
        lam = float(ridge)
    if math.isinf(lam):
        b = np.zeros(n_j)
        system_inv = None
    elif lam == 0:
        b, system_inv = b_fixed, k_pinv
    else:
        system_inv = np.linalg.inv(k_matrix + lam * np.eye(n_j))
        b = system_inv @ r
    if not np.all(np.isfinite(b)):  # numerically hopeless: no correction rather than a failure
        b, system_inv = np.zeros(n_j), None
    score = np.bincount(ei, weights=y - b[ji], minlength=n_e) / n_entry
    # Standard errors for comparisons within a group: the error of the entry's noise mean plus
    # that of its judges' leniencies relative to the group's average judge (the common level of
    # a group cancels in every comparison, so it is left out).
    group_of = groups(sheets)
    judge_group = np.zeros(n_j, dtype=int)
    judge_group[ji] = [group_of[s.entry] for s in sheets]
    average_judge = {g: (judge_group == g) / max(int(np.sum(judge_group == g)), 1) for g in set(group_of.values())}
    errors: dict[int, float | None] = {}
    for entry, i in entry_index.items():
        if sigma2 is None:
            errors[entry] = None
            continue
        variance = 1.0 / n_entry[i]
        if system_inv is not None:
            u = incidence[:, i] / n_entry[i] - average_judge[group_of[entry]]
            variance += float(u @ system_inv @ u)
        errors[entry] = math.sqrt(sigma2 * max(variance, 0.0))
    return AdditiveFit(
        scores={entry: float(score[i]) for entry, i in entry_index.items()},
        errors=errors,
        leniency={judge: float(b[i]) for judge, i in judge_index.items()},
        noise_sd=None if sigma2 is None else math.sqrt(sigma2),
        leniency_sd=None if tau2 is None else math.sqrt(tau2),
        ridge=lam,
    )


def additive_model(sheets: Sequence[Sheet], ridge: float | None = None) -> dict[int, float]:
    """``f_entry`` of the additive model (see :func:`fit_additive`), for every entry with sheets."""
    return fit_additive(sheets, ridge=ridge).scores


def _trimmed_mean(values: Sequence[float]) -> float:
    ordered = sorted(values)
    if len(ordered) >= 4:
        ordered = ordered[1:-1]
    return float(np.mean(ordered))


@lru_cache(maxsize=64)
def _efficiency(statistic: str, n: int) -> float:
    """sd of the median / trimmed mean of ``n`` normal draws relative to the sd of their mean
    (a fixed-seed Monte Carlo of 20,000 samples: deterministic)."""
    if n <= 2 or (statistic == "trimmed_mean" and n < 4):
        return 1.0
    draws = np.random.default_rng(n).normal(size=(20000, n))
    values = np.median(draws, axis=1) if statistic == "median" else np.sort(draws, axis=1)[:, 1:-1].mean(axis=1)
    return float(values.std() * math.sqrt(n))


def aggregate(
    sheets: Sequence[Sheet],
    *,
    ridge: float | None = None,
    disagreement_level: float = DISAGREEMENT_LEVEL,
    min_disagreement_spread: float = MIN_DISAGREEMENT_SPREAD,
) -> list[EntryResult]:
    """One result per entry that has sheets, in entry id order. Never fails on a valid set of sheets."""
    from scipy import stats  # imported when first needed: it weighs ~20 MB in every serving process

    totals = _by_entry(sheets)
    if not totals:
        return []
    z, z_errors = _zscores(sheets)
    fit = fit_additive(sheets, ridge=ridge)
    group_of = groups(sheets)
    ss, dof = _pooled_within(list(totals.values()))
    sd_raw = math.sqrt(ss / dof) if dof else None
    # Disagreement: each entry's spread after taking off its judges' leniencies, against the rest.
    corrected: dict[int, list[float]] = defaultdict(list)
    for s in sheets:
        corrected[s.entry].append(float(s.total) - fit.leniency.get(s.judge, 0.0))
    entry_ss = {e: _pooled_within([v]) for e, v in corrected.items()}
    all_ss = sum(v[0] for v in entry_ss.values())
    all_dof = sum(v[1] for v in entry_ss.values())
    results = []
    for entry in sorted(totals):
        values = totals[entry]
        n = len(values)
        spread = max(values) - min(values)
        own_ss, own_dof = entry_ss[entry]
        rest_ss, rest_dof = all_ss - own_ss, all_dof - own_dof
        unusual = False
        if own_dof > 0 and rest_dof > 0 and spread >= min_disagreement_spread:
            own_var, rest_var = own_ss / own_dof, max(rest_ss, 0.0) / rest_dof
            if rest_var <= 1e-12:
                unusual = own_var > 1e-12
            else:
                unusual = float(stats.f.sf(own_var / rest_var, own_dof, rest_dof)) < disagreement_level

        def raw_error(statistic: str, n: int = n, sd_raw: float | None = sd_raw) -> float | None:
            return None if sd_raw is None else sd_raw * _efficiency(statistic, n) / math.sqrt(n)

        errors = (
            ("mean", raw_error("mean")),
            ("median", raw_error("median")),
            ("trimmed_mean", raw_error("trimmed_mean")),
            ("zscore", z_errors.get(entry)),
            ("additive", fit.errors.get(entry)),
        )
        results.append(
            EntryResult(
                entry=entry,
                n=n,
                mean=float(np.mean(values)),
                median=float(np.median(values)),
                trimmed_mean=_trimmed_mean(values),
                zscore=z.get(entry),
                additive=fit.scores.get(entry),
                spread=float(spread),
                disagreement=unusual,
                group=group_of.get(entry, 0),
                errors=errors,
            )
        )
    return results


def _value(result: EntryResult, method: str) -> float:
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}; one of {', '.join(METHODS)}")
    value = getattr(result, method)
    if value is None:  # a result built by hand without this score: rank it by its raw mean
        return result.mean
    return value


def ranking(results: Sequence[EntryResult], method: str) -> list[EntryResult]:
    """Best first by ``method``; ties broken by the raw mean (higher first), then the entry id."""
    return sorted(results, key=lambda r: (-_value(r, method), -r.mean, r.entry))


@lru_cache(maxsize=64)
def _d2(n: int) -> float:
    """Expected range of ``n`` standard normal draws (turns a range into a standard deviation)."""
    from scipy import stats  # imported when first needed: it weighs ~20 MB in every serving process

    x = np.linspace(-12, 12, 24001)
    cdf = stats.norm.cdf(x)
    return float(np.trapezoid(1 - cdf**n - (1 - cdf) ** n, x))


def estimate_noise_sd(results: Sequence[EntryResult]) -> float:
    """The sd of one sheet around its entry's mean, estimated from the spread within entries.

    Each entry with two or more sheets gives ``spread / d2(n)`` (``d2`` the expected range of
    ``n`` normal draws); the estimate is their average weighted by ``n − 1``. (It contains the
    judges' leniencies: it is the noise of the raw mean.)
    """
    weights, estimates = [], []
    for r in results:
        if r.n >= 2:
            weights.append(r.n - 1)
            estimates.append(r.spread / _d2(r.n))
    if not weights:
        return 0.0
    return float(np.average(estimates, weights=weights))


def _interval(value: float, se: float) -> tuple[float, float]:
    return value - INTERVAL_Z * se, value + INTERVAL_Z * se


def _overlap(first: tuple[float, float], second: tuple[float, float]) -> bool:
    return first[0] <= second[1] and second[0] <= first[1]


def intervals_overlap(a: EntryResult, b: EntryResult, method: str) -> bool:
    """Whether two entries' ``method`` intervals overlap (False when either has no interval)."""
    first, second = a.interval(method), b.interval(method)
    if first is None or second is None:
        return False
    return _overlap(first, second)


def statistical_ties(
    results: Sequence[EntryResult], method: str, *, noise_sd: float | None = None
) -> set[frozenset[int]]:
    """Neighbours in the ``method`` ranking, in the same group, whose intervals overlap.

    An entry's interval is ``score ± INTERVAL_Z · se`` with the standard error of
    :meth:`EntryResult.standard_error`; with ``noise_sd`` given, ``se = noise_sd / sqrt(n)``
    instead. Entries without a standard error (too few sheets to estimate the noise) are tied
    only when their scores are equal; equal scores are always tied. Entries of different
    groups are never compared.
    """
    ordered = ranking(results, method)
    ties: set[frozenset[int]] = set()
    for a, b in zip(ordered, ordered[1:], strict=False):
        if a.group != b.group:
            continue
        difference = abs(_value(a, method) - _value(b, method))
        if noise_sd is not None:
            se_a, se_b = noise_sd / math.sqrt(max(a.n, 1)), noise_sd / math.sqrt(max(b.n, 1))
        else:
            se_a, se_b = a.standard_error(method), b.standard_error(method)
        # The intervals' ends, compared as ``intervals_overlap`` compares them (|a − b| ≤ z·(se_a + se_b)
        # rounds differently when the intervals just touch).
        overlap = (
            se_a is not None
            and se_b is not None
            and _overlap(_interval(_value(a, method), se_a), _interval(_value(b, method), se_b))
        )
        if overlap or math.isclose(difference, 0.0, abs_tol=1e-9):
            ties.add(frozenset((a.entry, b.entry)))
    return ties


def spearman(a: Sequence[float], b: Sequence[float]) -> float:
    """Spearman's rank correlation (average ranks for ties)."""
    from scipy import stats  # imported when first needed: it weighs ~20 MB in every serving process

    if len(a) != len(b):
        raise ValueError("sequences of different lengths")
    if len(a) < 2:
        raise ValueError("at least two values are needed")
    # scipy's nan-policy decorator hides the result's type (a SignificanceResult) from type checkers
    return float(stats.spearmanr(a, b).statistic)  # pyright: ignore[reportAttributeAccessIssue]
