"""Phases of a round, derived from its stored dates and the clock (no cron opens a phase)."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any, Protocol

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


class RoundDates(Protocol):
    """A typed round row (``contest.rounds.RoundRow``); the functions below also take a round as a dict."""

    @property
    def submission_opens(self) -> dt.datetime: ...
    @property
    def submission_closes(self) -> dt.datetime: ...
    @property
    def judging_closes(self) -> dt.datetime: ...
    @property
    def vote_opens(self) -> dt.datetime | None: ...
    @property
    def vote_closes(self) -> dt.datetime | None: ...
    @property
    def results_at(self) -> dt.datetime: ...
    @property
    def takes_entries(self) -> bool: ...
    @property
    def has_judging(self) -> bool: ...


RoundLike = Mapping[str, Any] | RoundDates


def value(round_: RoundLike, name: str, default: Any = None) -> Any:
    """A column of the round by name, whether it is a typed row or a dict."""
    if isinstance(round_, Mapping):
        return round_.get(name, default)
    return getattr(round_, name, default)


def takes_entries(round_: RoundLike) -> bool:
    return bool(value(round_, "takes_entries", True))


def has_judging(round_: RoundLike) -> bool:
    return bool(value(round_, "has_judging", True))


def has_vote(round_: RoundLike) -> bool:
    return value(round_, "vote_opens") is not None and value(round_, "vote_closes") is not None


def timeline(round_: RoundLike) -> list[Step]:
    """The round's phases in order, each with its start and end; phases the round leaves out are absent.

    Submission runs ``submission_opens``–``submission_closes`` (only when ``takes_entries``); judging
    runs ``submission_closes``–``judging_closes`` (only when ``has_judging``); the public vote
    ``vote_opens``–``vote_closes`` (only when both are set); results from ``results_at`` on (always).
    """
    steps = []
    if takes_entries(round_):
        steps.append(Step(Phase.submission, value(round_, "submission_opens"), value(round_, "submission_closes")))
    if has_judging(round_):
        steps.append(Step(Phase.judging, value(round_, "submission_closes"), value(round_, "judging_closes")))
    if has_vote(round_):
        steps.append(Step(Phase.voting, value(round_, "vote_opens"), value(round_, "vote_closes")))
    steps.append(Step(Phase.results, value(round_, "results_at"), None))
    return steps


def round_starts(round_: RoundLike) -> dt.datetime:
    """When the round's first phase starts."""
    return timeline(round_)[0].starts


def phase_of(round_: RoundLike, now: dt.datetime) -> Phase:
    """The phase at ``now``: the last step that has started (gaps belong to the step before)."""
    current = Phase.upcoming
    for step in timeline(round_):
        if now >= step.starts:
            current = step.phase
    return current


def phase_end(round_: RoundLike, now: dt.datetime) -> dt.datetime | None:
    phase = phase_of(round_, now)
    if phase is Phase.upcoming:
        return round_starts(round_)
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


def date_problems(round_: RoundLike) -> dict[str, str]:
    """Problems with a round's own dates, by the field they belong to (msgids); empty when in order.

    The rules, for the phases the round has (each may be left out, results may not):
    submission opens < submission closes; judging starts when submissions close (or, in a round that
    takes no new entries, at its own start) and starts < ends; vote opens < vote closes; each phase
    starts no earlier than the previous one ends (a gap is allowed); results are published no earlier
    than the end of the last phase before them. A round has at least one phase besides its results.
    """
    entries, judged = takes_entries(round_), has_judging(round_)
    voted = value(round_, "vote_opens") is not None or value(round_, "vote_closes") is not None
    return _missing_dates(round_, entries, judged, voted) or _dates_out_of_order(round_, entries, judged, voted)


def _missing_dates(round_: RoundLike, entries: bool, judged: bool, voted: bool) -> dict[str, str]:
    """The dates a round's phases need and it lacks (msgids by field)."""
    problems: dict[str, str] = {}
    if value(round_, "results_at") is None:
        problems["results_at"] = N_("Give the time the results are published.")
    if not (entries or judged or voted):
        problems["__all__"] = N_(
            "A round needs at least one phase besides its results: submission, judging or a public vote."
        )
    needed = [name for name in ("submission_opens", "submission_closes") if entries]
    needed += [name for name in ("submission_closes", "judging_closes") if judged and name not in needed]
    for name in needed:
        if value(round_, name) is None:
            problems[name] = N_("Give this date and time.")
    for name in ("vote_opens", "vote_closes") if voted else ():
        if value(round_, name) is None:
            problems[name] = N_("A public vote needs both an opening and a closing time.")
    return problems


def _dates_out_of_order(round_: RoundLike, entries: bool, judged: bool, voted: bool) -> dict[str, str]:
    """Phases that end before they start or overlap the one before (msgids by field); all dates given."""
    problems: dict[str, str] = {}
    last_end: dt.datetime | None = None
    if entries:
        if not value(round_, "submission_opens") < value(round_, "submission_closes"):
            problems["submission_closes"] = N_("Submissions must close after they open.")
        last_end = value(round_, "submission_closes")
    if judged:
        if not value(round_, "submission_closes") < value(round_, "judging_closes"):
            problems["judging_closes"] = N_("Judging must end after it starts (when submissions close).")
        last_end = value(round_, "judging_closes")
    if voted:
        vote_opens, vote_closes = value(round_, "vote_opens"), value(round_, "vote_closes")
        if last_end is not None and vote_opens < last_end:
            problems["vote_opens"] = N_("The public vote cannot open before the previous phase ends.")
        if not vote_opens < vote_closes:
            problems["vote_closes"] = N_("The public vote must close after it opens.")
        last_end = vote_closes
    if last_end is not None and value(round_, "results_at") < last_end:
        if judged and value(round_, "results_at") < value(round_, "judging_closes"):
            problems["results_at"] = N_("Results cannot be published before judging ends.")
        elif voted:
            problems["results_at"] = N_("Results cannot be published before the public vote closes.")
        else:
            problems["results_at"] = N_("Results cannot be published before submissions close.")
    return problems


def validate_dates(round_: RoundLike) -> list[str]:
    """Problems with a round's dates (msgids), empty when the order is right."""
    return list(dict.fromkeys(date_problems(round_).values()))


def is_open(round_: RoundLike, phase: Phase, now: dt.datetime) -> bool:
    """Whether ``now`` lies inside the phase's own window (gaps between phases are closed)."""
    for step in timeline(round_):
        if step.phase is phase:
            return step.starts <= now and (step.ends is None or now < step.ends)
    return False
