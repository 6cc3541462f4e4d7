import datetime as dt

import pytest

from contest.phases import Phase, countdown, phase_end, phase_of, validate_dates

pytestmark = pytest.mark.unit
T0 = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
ROUND = {
    "submission_opens": T0,
    "submission_closes": T0 + dt.timedelta(days=30),
    "judging_closes": T0 + dt.timedelta(days=40),
    "vote_opens": T0 + dt.timedelta(days=41),
    "vote_closes": T0 + dt.timedelta(days=48),
    "results_at": T0 + dt.timedelta(days=50),
}


@pytest.mark.parametrize(
    ("day", "phase"),
    [
        (-1, Phase.upcoming),
        (0, Phase.submission),
        (29.9, Phase.submission),
        (30, Phase.judging),
        (40.5, Phase.judging),
        (41, Phase.voting),
        (48, Phase.voting),
        (50, Phase.results),
        (400, Phase.results),
    ],
)
def test_phase_follows_the_clock(day, phase):
    assert phase_of(ROUND, T0 + dt.timedelta(days=day)) is phase


def test_round_without_public_vote():
    round_ = {**ROUND, "vote_opens": None, "vote_closes": None}
    assert phase_of(round_, T0 + dt.timedelta(days=45)) is Phase.judging
    assert phase_of(round_, T0 + dt.timedelta(days=50)) is Phase.results


def test_phase_end_and_countdown():
    now = T0 + dt.timedelta(days=27)
    assert phase_end(ROUND, now) == ROUND["submission_closes"]
    assert countdown(phase_end(ROUND, now), now) == ("days", 3)
    assert countdown(T0 + dt.timedelta(hours=5), T0) == ("hours", 5)
    assert countdown(T0 + dt.timedelta(minutes=90), T0) == ("minutes", 90)
    assert countdown(T0, T0) is None


def test_dates_in_the_wrong_order_are_explained():
    assert validate_dates(ROUND) == []
    bad = {**ROUND, "submission_closes": T0 - dt.timedelta(days=1)}
    assert validate_dates(bad)
    assert validate_dates({**ROUND, "vote_closes": None})
