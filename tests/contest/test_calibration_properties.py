"""Property-based: no ranking method ever fails, whatever the design of the submitted sheets."""

import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contest.calibration import (
    METHODS,
    Sheet,
    aggregate,
    fit_additive,
    groups,
    intervals_overlap,
    ranking,
    statistical_ties,
)

pytestmark = pytest.mark.unit

totals = st.one_of(
    st.floats(min_value=0, max_value=100, allow_nan=False, allow_infinity=False),
    st.sampled_from([0.0, 50.0, 100.0, 62.5]),  # repeated values: zero-variance judges and entries
)


@st.composite
def designs(draw):
    """Any number of judges and entries (including none), any k, any sparsity, any subset of
    submitted sheets; sometimes a judge who gives every entry the same total."""
    judges = draw(st.integers(min_value=1, max_value=7))
    entries = draw(st.integers(min_value=0, max_value=14))
    k = draw(st.integers(min_value=1, max_value=judges))
    keep = draw(st.floats(min_value=0.0, max_value=1.0))
    flat_judge = draw(st.one_of(st.none(), st.integers(min_value=0, max_value=judges - 1)))
    flat_total = draw(totals)
    sheets = []
    for entry in range(entries):
        panel = draw(st.lists(st.integers(min_value=0, max_value=judges - 1), min_size=k, max_size=k, unique=True))
        for judge in panel:
            if draw(st.floats(min_value=0, max_value=1)) <= keep:
                total = flat_total if judge == flat_judge else draw(totals)
                sheets.append(Sheet(100 + judge, 1000 + entry, total))
    return sheets


def check(sheets):
    results = aggregate(sheets)
    entries = {s.entry for s in sheets}
    assert [r.entry for r in results] == sorted(entries)
    group_of = groups(sheets)
    for r in results:
        assert r.group == group_of[r.entry]
        assert r.n == sum(1 for s in sheets if s.entry == r.entry)
        for method in METHODS:
            value = getattr(r, method)
            assert value is not None and math.isfinite(value), (method, r)
            se = r.standard_error(method)
            assert se is None or (math.isfinite(se) and se >= 0), (method, se)
        assert math.isfinite(r.spread) and r.spread >= 0
    for method in METHODS:
        ordered = ranking(results, method)
        assert sorted(r.entry for r in ordered) == sorted(entries)
        ties = statistical_ties(results, method)
        for pair in ties:
            a, b = (next(r for r in results if r.entry == e) for e in pair)
            assert a.group == b.group
            assert intervals_overlap(a, b, method) or math.isclose(getattr(a, method), getattr(b, method), abs_tol=1e-9)
    fit = fit_additive(sheets)
    assert all(math.isfinite(v) for v in fit.leniency.values())
    return results


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(designs())
def test_no_method_ever_fails_on_any_design(sheets):
    check(sheets)


@settings(max_examples=100, deadline=None)
@given(st.lists(totals, min_size=1, max_size=12))
def test_a_single_judge(values):
    results = check([Sheet(1, entry, total) for entry, total in enumerate(values)])
    # One judge: nothing to calibrate against; the calibrated score is the judge's own total.
    assert [r.additive for r in results] == pytest.approx(values)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 5), totals), min_size=1, max_size=12))
def test_one_sheet_per_entry(sheets):
    # k = 1, every entry scored once, by any judge.
    check([Sheet(judge, entry, total) for entry, (judge, total) in enumerate(sheets)])


def test_intervals_that_just_touch_are_a_tie_by_both_measures():
    # Found by the property above: |a − b| = z·(se_a + se_b) up to rounding, where the tie and the
    # intervals' overlap were computed differently and disagreed.
    sheets = [
        Sheet(judge=100, entry=1000, total=0.0),
        Sheet(judge=101, entry=1000, total=0.0),
        Sheet(judge=102, entry=1001, total=0.49317493886196495),
        Sheet(judge=101, entry=1001, total=0.09765625),
    ]
    results = check(sheets)
    for method in METHODS:
        tied = frozenset((1000, 1001)) in statistical_ties(results, method)
        assert tied == (intervals_overlap(results[0], results[1], method) or results[0].mean == results[1].mean), method


def test_no_sheets():
    assert aggregate([]) == []
    assert ranking([], "additive") == []
    assert statistical_ties([], "additive") == set()


def test_unknown_method_is_refused():
    with pytest.raises(ValueError):
        ranking(aggregate([Sheet(1, 1, 50.0), Sheet(1, 2, 60.0)]), "best")
