"""Why the default ranking method is the default, and what the uncertainty flags mean, in simulation.

Planted truth: every entry has a quality ``q ~ N(0, 1)``, every judge a leniency ``b ~ N(0, 0.7)``
and a scale ``s ~ logNormal(0, 0.3)`` (some judges use more of the range than others); a sheet's
total is ``50 + 10·(b + s·(q + ε))``, ``ε ~ N(0, 0.7)``, clipped to 0–100. Entries get 3 judges
each, spread evenly over the judges (ties in load broken at random), as the assignment does.
Everything uses fixed seeds, so the numbers below are the same on every run.
"""

import itertools
import time

import numpy as np
import pytest

from contest.calibration import DEFAULT_METHOD, Sheet, aggregate, intervals_overlap, spearman
from tests.support.calibration import additive, interval

pytestmark = pytest.mark.unit

K = 3


def design(entries, judges, k, rng):
    load = np.zeros(judges)
    pairs = []
    for entry in range(entries):
        for judge in np.lexsort((rng.random(judges), load))[:k]:
            pairs.append((int(judge), entry))
            load[judge] += 1
    return pairs


def simulate(entries, judges, seed, *, leniency=0.7, scale=0.3, noise=0.7):
    rng = np.random.default_rng(seed)
    pairs = design(entries, judges, K, rng)
    quality = rng.normal(size=entries)
    bias = rng.normal(scale=leniency, size=judges)
    stretch = np.exp(rng.normal(scale=scale, size=judges))
    sheets = [
        Sheet(j, e, float(np.clip(50 + 10 * (bias[j] + stretch[j] * (quality[e] + rng.normal(scale=noise))), 0, 100)))
        for j, e in pairs
    ]
    # The sheet noise in points: the rms of 10·s·ε over the judges.
    noise_points = 10 * noise * float(np.sqrt(np.mean(stretch**2)))
    return sheets, quality, noise_points


def mean_spearman(entries, judges, seeds, **planted):
    rho: dict[str, list[float]] = {}
    for seed in range(seeds):
        sheets, quality, _ = simulate(entries, judges, 1000 + seed, **planted)
        results = aggregate(sheets)
        truth = [quality[r.entry] for r in results]
        for method in ("mean", "zscore", "additive"):
            rho.setdefault(method, []).append(spearman([getattr(r, method) for r in results], truth))
    return {method: float(np.mean(values)) for method, values in rho.items()}


@pytest.mark.parametrize(("entries", "judges"), [(15, 6), (60, 20)])
def test_default_ranks_at_least_as_well_as_the_raw_mean(entries, judges):
    rho = mean_spearman(entries, judges, 30)
    # Measured (30 seeds): 15 × 6: mean 0.804, zscore 0.841, additive 0.836;
    #                      60 × 20: mean 0.839, zscore 0.878, additive 0.887.
    assert DEFAULT_METHOD == "additive"
    assert rho["additive"] >= rho["mean"] + 0.02


@pytest.mark.slow
def test_default_ranks_at_least_as_well_as_the_raw_mean_at_1000_entries():
    # 3 seeds: each ranks 1,000 entries, so one seed's Spearman already varies by only about
    # ±0.005 while the gap to the raw mean is about 0.04. About 3 s in all.
    started = time.monotonic()
    rho = mean_spearman(1000, 30, 3)
    # Measured: mean 0.867, zscore 0.916, additive 0.911.
    assert rho["additive"] >= rho["mean"] + 0.02
    assert time.monotonic() - started < 20


def test_default_costs_little_when_judges_do_not_differ():
    # No leniency and no scale difference: nothing to correct. The estimated leniency spread
    # shrinks the correction away, so the calibrated ranking stays within 0.01 of the raw mean.
    rho = mean_spearman(15, 6, 30, leniency=0.0, scale=0.0)
    assert rho["additive"] >= rho["mean"] - 0.01


@pytest.mark.parametrize(("entries", "judges"), [(15, 6), (60, 20)])
def test_clearly_different_pairs_are_rarely_called_tied(entries, judges):
    far = overlapping = 0
    for seed in range(30 if entries < 60 else 10):
        sheets, quality, noise = simulate(entries, judges, 2000 + seed)
        results = aggregate(sheets)
        for a, b in itertools.combinations(results, 2):
            if a.group == b.group and abs(quality[a.entry] - quality[b.entry]) * 10 > 2 * noise:
                far += 1
                overlapping += intervals_overlap(a, b, DEFAULT_METHOD)
    assert far > 500
    assert overlapping / far <= 0.10


def test_intervals_cover_the_truth_about_as_often_as_one_standard_error_should():
    # ±1 se covers about 68 % of true (group-centred) scores; allow for the planted scale effects.
    covered = total = 0
    for seed in range(20):
        sheets, quality, _ = simulate(60, 20, 3000 + seed, leniency=0.7, scale=0.0)
        results = aggregate(sheets)
        truth = 10 * quality[[r.entry for r in results]]
        offset = np.mean([additive(r) for r in results]) - np.mean(truth)
        for r, t in zip(results, truth, strict=False):
            low, high = interval(r, DEFAULT_METHOD)
            covered += low <= t + offset <= high
            total += 1
    assert 0.58 <= covered / total <= 0.80


def test_disagreement_is_rare_in_an_ordinary_round_and_finds_a_split_panel():
    rows = flagged = found = 0
    for seed in range(20):
        sheets, quality, _ = simulate(15, 6, 4000 + seed)
        # Entry 0: one of its judges saw something the others did not (40 points apart).
        sheets = [Sheet(s.judge, s.entry, s.total) for s in sheets if s.entry != 0] + [
            Sheet(s.judge, 0, float(np.clip(s.total + (40 if i == 0 else 0), 0, 100)))
            for i, s in enumerate(s for s in sheets if s.entry == 0)
        ]
        results = aggregate(sheets)
        rows += len(results) - 1
        flagged += sum(r.disagreement for r in results if r.entry != 0)
        found += next(r for r in results if r.entry == 0).disagreement
    assert flagged / rows < 0.05
    assert found >= 10
