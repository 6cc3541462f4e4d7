"""Phases of a round, derived from its stored dates and the clock (no cron opens a phase)."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from enum import Enum
from typing import Any

from accounts.i18n import N_


class Phase(str, Enum):
    upcoming = "upcoming"
    submission = "submission"
    judging = "judging"
    voting = "voting"
    results = "results"


PHASE_LABELS = {
    Phase.upcoming: N_("Not open yet"),
    Phase.submission: N_("Accepting ideas"),
    Phase.judging: N_("Judging"),
    Phase.voting: N_("Public vote"),
    Phase.results: N_("Results"),
}


@dataclass(frozen=True)
class Step:
    phase: Phase
    starts: dt.datetime
    ends: dt.datetime | None


def timeline(round_: dict[str, Any]) -> list[Step]:
    """The round's phases in order, each with its start and end."""
    steps = [
        Step(Phase.submission, round_["submission_opens"], round_["submission_closes"]),
        Step(Phase.judging, round_["submission_closes"], round_["judging_closes"]),
    ]
    if round_.get("vote_opens") and round_.get("vote_closes"):
        steps.append(Step(Phase.voting, round_["vote_opens"], round_["vote_closes"]))
    steps.append(Step(Phase.results, round_["results_at"], None))
    return steps


def phase_of(round_: dict[str, Any], now: dt.datetime) -> Phase:
    """The phase at ``now``: the last step that has started (gaps belong to the step before)."""
    current = Phase.upcoming
    for step in timeline(round_):
        if now >= step.starts:
            current = step.phase
    return current


def phase_end(round_: dict[str, Any], now: dt.datetime) -> dt.datetime | None:
    phase = phase_of(round_, now)
    if phase is Phase.upcoming:
        return round_["submission_opens"]
    for step in timeline(round_):
        if step.phase is phase:
            return step.ends
    return None


def countdown(until: dt.datetime | None, now: dt.datetime) -> tuple[str, int] | None:
    """How long until ``until``, in the largest whole unit: ("days", 3), ("hours", 5), ("minutes", 12)."""
    if until is None or until <= now:
        return None
    seconds = (until - now).total_seconds()
    if seconds >= 2 * 86400:
        return "days", math.floor(seconds / 86400)
    if seconds >= 2 * 3600:
        return "hours", math.floor(seconds / 3600)
    return "minutes", max(1, math.ceil(seconds / 60))


def validate_dates(round_: dict[str, Any]) -> list[str]:
    """Problems with a round's dates (msgids), empty when the order is right."""
    problems = []
    required = ("submission_opens", "submission_closes", "judging_closes", "results_at")
    if any(round_.get(name) is None for name in required):
        return [N_("Every round needs the opening and closing of submissions, the end of judging and the "
                   "publication of results.")]
    if not round_["submission_opens"] < round_["submission_closes"] <= round_["judging_closes"]:
        problems.append(N_("Submissions must open before they close, and judging ends after submissions close."))
    vote_opens, vote_closes = round_.get("vote_opens"), round_.get("vote_closes")
    if bool(vote_opens) != bool(vote_closes):
        problems.append(N_("A public vote needs both an opening and a closing time."))
    if vote_opens and vote_closes and not (round_["judging_closes"] <= vote_opens < vote_closes <= round_["results_at"]):
        problems.append(N_("The public vote must come after judging and end before results are published."))
    if round_["results_at"] < round_["judging_closes"]:
        problems.append(N_("Results cannot be published before judging ends."))
    return problems


def is_open(round_: dict[str, Any], phase: Phase, now: dt.datetime) -> bool:
    """Whether ``now`` lies inside the phase's own window (gaps between phases are closed)."""
    for step in timeline(round_):
        if step.phase is phase:
            return step.starts <= now and (step.ends is None or now < step.ends)
    return False
