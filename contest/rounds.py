"""A round as the domain and the organizers' and judges' pages read it: a typed row with its contest's
commune, slug and title, loaded within the caller's scope."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, overload

from accounts.i18n import N_
from accounts.scope import Scope, load
from contest.tables import Round


@dataclass(frozen=True, slots=True)
class RoundRow:
    """A round with its contest's commune, slug and title, as the judging pages and the domain read it."""

    id: int
    contest: int
    name: str
    position: int
    submission_opens: dt.datetime
    submission_closes: dt.datetime
    judging_closes: dt.datetime
    vote_opens: dt.datetime | None
    vote_closes: dt.datetime | None
    results_at: dt.datetime
    takes_entries: bool
    has_judging: bool
    commune: int  # the contest's commune
    contest_slug: str
    contest_title: str


@overload
def aware(value: dt.datetime) -> dt.datetime: ...
@overload
def aware(value: None) -> None: ...
def aware(value: dt.datetime | None) -> dt.datetime | None:
    """An instant with its time zone (SQLite may hand back naive UTC)."""
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value


# A round's columns with its contest's commune, slug and title (read as ``round_of_row``).
ROUND_COLUMNS = (*Round.all_columns(), Round.contest.commune, Round.contest.slug, Round.contest.title)


def round_of_row(row: dict[str, Any]) -> RoundRow:
    """A round read with ``ROUND_COLUMNS`` as its typed row (its instants with their time zone)."""
    return RoundRow(
        id=row["id"],
        contest=row["contest"],
        name=row["name"],
        position=row["position"],
        submission_opens=aware(row["submission_opens"]),
        submission_closes=aware(row["submission_closes"]),
        judging_closes=aware(row["judging_closes"]),
        vote_opens=aware(row["vote_opens"]),
        vote_closes=aware(row["vote_closes"]),
        results_at=aware(row["results_at"]),
        takes_entries=row["takes_entries"],
        has_judging=row["has_judging"],
        commune=row["contest.commune"],
        contest_slug=row["contest.slug"],
        contest_title=row["contest.title"],
    )


async def round_row(round_id: int, *, scope: Scope) -> RoundRow:
    """A round with its contest's commune, slug and title — within ``scope`` when one is given."""
    row = await load(Round, round_id, scope, *ROUND_COLUMNS, missing=N_("This round does not exist."))
    return round_of_row(row)
