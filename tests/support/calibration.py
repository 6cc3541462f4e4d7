"""The scores of a calibrated entry, for tests that know they are there (an ``EntryResult`` holds
them as optional: a round without enough sheets has none)."""

from __future__ import annotations

from contest.calibration import EntryResult


def additive(result: EntryResult) -> float:
    assert result.additive is not None
    return result.additive


def standard_error(result: EntryResult, method: str) -> float:
    error = result.standard_error(method)
    assert error is not None
    return error


def interval(result: EntryResult, method: str) -> tuple[float, float]:
    bounds = result.interval(method)
    assert bounds is not None
    return bounds
