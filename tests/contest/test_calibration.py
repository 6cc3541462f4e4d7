import numpy as np
import pytest

from contest.assignment import Problem, solve
from contest.calibration import (
    Criterion,
    EntryResult,
    Sheet,
    additive_model,
    aggregate,
    connected,
    estimate_noise_sd,
    fit_additive,
    groups,
    ranking,
    spearman,
    statistical_ties,
    weighted_total,
    zscores,
)
from tests.support.calibration import additive, interval, standard_error

pytestmark = pytest.mark.unit

N_ENTRIES, N_JUDGES, K = 60, 8, 3
SEED = 2026


@pytest.fixture(scope="module")
def pairs():
    solution = solve(Problem(list(range(N_ENTRIES)), list(range(N_JUDGES)), k=K))
    return sorted(solution.pairs)


def simulate(seed, pairs):
    """The design's simulation: totals = 50 + 10·(quality + judge bias + noise)."""
    rng = np.random.default_rng(seed)
    quality = rng.normal(size=N_ENTRIES)
    bias = rng.normal(size=N_JUDGES)
    sheets = [Sheet(j, e, float(50 + 10 * (quality[e] + bias[j] + rng.normal(scale=0.7)))) for j, e in pairs]
    return sheets, quality


def correlations(seed, pairs):
    sheets, quality = simulate(seed, pairs)
    results = aggregate(sheets)
    truth = [quality[r.entry] for r in results]
    return {m: spearman([getattr(r, m) for r in results], truth) for m in ("mean", "zscore", "additive")}


def test_simulation_corrections_beat_the_raw_mean(pairs):
    sheets, _ = simulate(SEED, pairs)
    assert connected(sheets)
    rho = correlations(SEED, pairs)
    # Measured: mean 0.760, zscore 0.877, additive 0.869.
    assert rho["zscore"] > rho["mean"] + 0.05
    assert rho["additive"] > rho["mean"] + 0.05


def test_simulation_improvement_is_positive_on_average_over_20_seeds(pairs):
    rho = [correlations(SEED + i, pairs) for i in range(20)]
    z_gain = np.mean([r["zscore"] - r["mean"] for r in rho])
    additive_gain = np.mean([r["additive"] - r["mean"] for r in rho])
    assert z_gain > 0.02
    assert additive_gain > 0.02


def test_additive_model_recovers_an_exact_additive_structure():
    quality = {1: 10.0, 2: 0.0, 3: -10.0}
    bias = {7: 5.0, 8: -5.0}
    sheets = [Sheet(j, e, 50 + quality[e] + bias[j]) for j in bias for e in quality]
    fitted = additive_model(sheets, ridge=0.0)
    assert fitted == pytest.approx({1: 60.0, 2: 50.0, 3: 40.0})
    shrunk = additive_model(sheets, ridge=1.0)
    assert shrunk[1] > shrunk[2] > shrunk[3]
    assert shrunk[2] == pytest.approx(50.0)


def test_weighted_total_examples():
    criteria = [
        Criterion(id=1, weight=2, scale_min=1, scale_max=5),
        Criterion(id=2, weight=1, scale_min=0, scale_max=10),
    ]
    assert weighted_total({1: 5, 2: 10}, criteria) == pytest.approx(100.0)
    assert weighted_total({1: 1, 2: 0}, criteria) == pytest.approx(0.0)
    # (2·0.75 + 1·0.4) / 3 · 100
    assert weighted_total({1: 4, 2: 4}, criteria) == pytest.approx(190 / 3)
    assert weighted_total({1: 3, 2: 5, 99: 1}, criteria) == pytest.approx(50.0)
    with pytest.raises(ValueError):
        weighted_total({1: 4}, criteria)
    with pytest.raises(ValueError):
        weighted_total({1: 6, 2: 4}, criteria)


def test_disagreement_flags_only_an_unusual_spread():
    # Ten entries on which three judges agree within a few points, and one they split on.
    sheets = [Sheet(j, e, 50 + e + (j - 2) * 2) for e in range(10) for j in (1, 2, 3)]
    sheets += [Sheet(1, 10, 80), Sheet(2, 10, 55), Sheet(3, 10, 70)]
    results = {r.entry: r for r in aggregate(sheets)}
    assert results[10].spread == 25 and results[10].disagreement
    assert [e for e, r in results.items() if r.disagreement] == [10]
    assert results[10].n == 3 and results[10].median == 70 and results[10].mean == pytest.approx(205 / 3)


def test_disagreement_is_rare_when_every_entry_is_spread_alike():
    # Rounds where every entry's sheets scatter alike (sd 10: spreads of 20 points are common):
    # about 1 entry in 100 is flagged, by chance, instead of every wide one.
    flagged = wide = rows = 0
    for seed in range(40):
        rng = np.random.default_rng(seed)
        results = aggregate([Sheet(j, e, 50 + 10 * rng.normal()) for e in range(12) for j in (1, 2, 3)])
        rows += len(results)
        wide += sum(r.spread > 20 for r in results)
        flagged += sum(r.disagreement for r in results)
    assert wide > rows / 4
    assert flagged / rows < 0.03


def test_disagreement_needs_other_entries_to_compare_with():
    (result,) = aggregate([Sheet(1, 1, 10), Sheet(2, 1, 90)])
    assert result.spread == 80 and not result.disagreement


def test_trimmed_mean_drops_the_extremes_from_four_sheets():
    sheets = [Sheet(1, 5, 10), Sheet(2, 5, 60), Sheet(3, 5, 70), Sheet(4, 5, 100)]
    (result,) = aggregate(sheets)
    assert result.trimmed_mean == pytest.approx(65.0)
    assert result.mean == pytest.approx(60.0)
    (three,) = aggregate(sheets[:3])
    assert three.trimmed_mean == pytest.approx(three.mean)


def test_additive_is_fitted_per_group_on_a_disconnected_graph():
    # Judges 1–2 score entries 1–2, judges 3–4 score entries 3–4: two separate panels.
    sheets = [Sheet(j, e, 50 + j + e) for j in (1, 2) for e in (1, 2)]
    sheets += [Sheet(j, e, 40 + j + e) for j in (3, 4) for e in (3, 4)]
    assert not connected(sheets)
    assert groups(sheets) == {1: 0, 2: 0, 3: 1, 4: 1}
    results = {r.entry: r for r in aggregate(sheets, ridge=0.0)}
    assert [results[e].group for e in (1, 2, 3, 4)] == [0, 0, 1, 1]
    # Within a group the judges' leniencies average zero: each group sits at its own raw level.
    assert additive(results[2]) - additive(results[1]) == pytest.approx(1.0)
    assert (additive(results[1]) + additive(results[2])) / 2 == pytest.approx(
        np.mean([50 + j + e for j in (1, 2) for e in (1, 2)])
    )
    assert (additive(results[3]) + additive(results[4])) / 2 == pytest.approx(
        np.mean([40 + j + e for j in (3, 4) for e in (3, 4)])
    )
    assert [r.entry for r in ranking(list(results.values()), "additive")] == [2, 1, 4, 3]


def test_first_day_of_judging_two_judges_one_sheet_each():
    # The example that used to fail: every entry is its own group, k = 1 or 2.
    results = aggregate([Sheet(1, 1, 80), Sheet(2, 1, 70), Sheet(3, 2, 60), Sheet(4, 2, 50)])
    ordered = ranking(results, "additive")
    assert [r.entry for r in ordered] == [1, 2]
    assert [r.additive for r in ordered] == pytest.approx([75.0, 55.0])
    assert [r.group for r in ordered] == [0, 1]
    assert statistical_ties(results, "additive") == set()  # different groups are never compared
    (only,) = aggregate([Sheet(7, 3, 64.5)])
    assert only.additive == only.zscore == 64.5 and only.standard_error("additive") is None


def test_leniency_shrinks_away_when_judges_agree():
    # Judges whose totals differ only by noise: the estimated leniency spread is (near) zero,
    # and the calibrated score is (near) the raw mean.
    rng = np.random.default_rng(11)
    sheets = [Sheet(j, e, 50 + 3 * e + rng.normal()) for e in range(10) for j in range(4)]
    fit = fit_additive(sheets)
    assert fit.leniency_sd == pytest.approx(0.0, abs=0.5)
    results = aggregate(sheets)
    assert max(abs(additive(r) - r.mean) for r in results) < 0.5


def test_leniency_is_estimated_and_removed_when_judges_differ():
    quality = {e: 3.0 * e for e in range(12)}
    bias = {0: -10.0, 1: -3.0, 2: 4.0, 3: 9.0}
    rng = np.random.default_rng(12)
    pairs = [(j, e) for e in range(12) for j in ((e % 4), (e + 1) % 4)]
    sheets = [Sheet(j, e, 40 + quality[e] + bias[j] + rng.normal()) for j, e in pairs]
    fit = fit_additive(sheets)
    assert fit.leniency_sd is not None and 4 < fit.leniency_sd < 12
    assert fit.noise_sd == pytest.approx(1.0, abs=0.6)
    assert {j: round(b) for j, b in fit.leniency.items()} == pytest.approx({0: -10, 1: -3, 2: 4, 3: 9}, abs=2)
    assert spearman([fit.scores[e] for e in range(12)], list(quality.values())) > 0.98


def test_zscores_remove_a_judges_bias():
    # Judge 2 gives 20 more to everything: after standardising, entries rank as judge 1 ranks them.
    sheets = [Sheet(1, 1, 40), Sheet(1, 2, 50), Sheet(1, 3, 60), Sheet(2, 2, 70), Sheet(2, 3, 80), Sheet(3, 1, 55)]
    z = zscores(sheets)
    assert z[3] > z[2] > z[1]
    # Judge 3 has one sheet: only centred, so it says nothing about entry 1.
    mean = np.mean([s.total for s in sheets])
    sd = np.std([s.total for s in sheets], ddof=1)
    assert z[1] == pytest.approx(mean + sd * (-1 + 0) / 2)


def test_ranking_orders_and_breaks_ties_by_mean_then_id():
    def result(entry, mean, median):
        return EntryResult(entry, 3, mean, median, mean, None, None, 0.0, False)

    results = [result(4, 60, 70), result(2, 70, 70), result(3, 70, 70), result(1, 80, 50)]
    assert [r.entry for r in ranking(results, "median")] == [2, 3, 4, 1]
    assert [r.entry for r in ranking(results, "mean")] == [1, 2, 3, 4]
    with pytest.raises(ValueError):
        ranking(results, "best")


def test_ties_for_identical_scores_and_close_neighbours():
    sheets = [Sheet(1, 1, 70), Sheet(2, 1, 74), Sheet(1, 2, 70), Sheet(2, 2, 74), Sheet(1, 3, 40), Sheet(2, 3, 44)]
    results = aggregate(sheets)
    assert statistical_ties(results, "mean") == {frozenset({1, 2})}
    assert statistical_ties(results, "mean", noise_sd=0.0) == {frozenset({1, 2})}
    # With a lot of noise, 72 and 42 are too close to call as well.
    assert frozenset({2, 3}) in statistical_ties(results, "mean", noise_sd=30.0)


def test_intervals_come_from_the_residual_noise_and_the_number_of_sheets():
    rng = np.random.default_rng(8)
    sheets = [Sheet(j, e, 50 + 2 * e + 5 * rng.normal()) for e in range(30) for j in range(4 if e < 15 else 2)]
    results = aggregate(sheets)
    four = np.mean([standard_error(r, "additive") for r in results if r.n == 4])
    two = np.mean([standard_error(r, "additive") for r in results if r.n == 2])
    assert four == pytest.approx(5 / 2, rel=0.3)
    assert two == pytest.approx(5 / np.sqrt(2), rel=0.3)
    for r in results:
        low, high = interval(r, "additive")
        assert low < additive(r) < high
        for method in ("mean", "median", "trimmed_mean", "zscore"):
            assert standard_error(r, method) > 0


def test_tied_only_where_intervals_overlap():
    rng = np.random.default_rng(9)
    sheets = [Sheet(j, e, 50 + (1 if e % 2 else 15) * e / 2 + 4 * rng.normal()) for e in range(10) for j in range(3)]
    results = aggregate(sheets)
    for method in ("mean", "additive", "zscore"):
        ordered = ranking(results, method)
        ties = statistical_ties(results, method)
        for a, b in zip(ordered, ordered[1:], strict=False):
            (low_a, high_a), (low_b, high_b) = interval(a, method), interval(b, method)
            overlap = low_a <= high_b and low_b <= high_a
            assert (frozenset((a.entry, b.entry)) in ties) == overlap
        assert len({e for pair in ties for e in pair}) < len(results)


def test_noise_estimate_from_spreads():
    rng = np.random.default_rng(5)
    sheets = [Sheet(j, e, 50 + 5 * rng.normal()) for e in range(400) for j in range(3)]
    assert estimate_noise_sd(aggregate(sheets)) == pytest.approx(5.0, rel=0.1)


def test_spearman():
    assert spearman([1, 2, 3, 4], [10, 20, 30, 40]) == pytest.approx(1.0)
    assert spearman([1, 2, 3, 4], [4, 3, 2, 1]) == pytest.approx(-1.0)
    assert spearman([1, 2, 3], [1, 3, 2]) == pytest.approx(0.5)
    with pytest.raises(ValueError):
        spearman([1, 2], [1])


def test_duplicate_sheets_are_refused():
    with pytest.raises(ValueError):
        aggregate([Sheet(1, 1, 50), Sheet(1, 1, 60)])
