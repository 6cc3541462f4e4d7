"""The period a dashboard covers: two dates typed dd/MM/yyyy, read as whole days in Hà Nội time."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from accounts.i18n import N_
from accounts.localtime import HANOI, UTC

_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})", re.ASCII)
MSG_FORMAT = N_("Write the date as dd/mm/yyyy, e.g. %(example)s.")
MSG_NO_SUCH_DATE = N_("There is no such date: %(value)s.")
MSG_ORDER = N_("The end of the period comes before its start.")
EXAMPLE = "01/01/2026"


@dataclass(frozen=True)
class Period:
    first: dt.date  # the first day, included
    last: dt.date  # the last day, included

    @property
    def start(self) -> dt.datetime:
        """The first instant of the period (UTC)."""
        return dt.datetime.combine(self.first, dt.time(), tzinfo=HANOI).astimezone(UTC)

    @property
    def end(self) -> dt.datetime:
        """The first instant after the period (UTC)."""
        return dt.datetime.combine(self.last + dt.timedelta(days=1), dt.time(), tzinfo=HANOI).astimezone(UTC)

    def text(self) -> tuple[str, str]:
        return self.first.strftime("%d/%m/%Y"), self.last.strftime("%d/%m/%Y")


def default_period(now: dt.datetime) -> Period:
    """From 1 January of this year to today, in Hà Nội."""
    today = now.astimezone(HANOI).date()
    return Period(dt.date(today.year, 1, 1), today)


def _parse(text: str) -> tuple[dt.date | None, tuple[str, dict] | None]:
    value = (text or "").strip()
    match = _DATE.fullmatch(value)
    if match is None:
        return None, (MSG_FORMAT, {"example": EXAMPLE})
    day, month, year = (int(g) for g in match.groups())
    try:
        return dt.date(year, month, day), None
    except ValueError:
        return None, (MSG_NO_SUCH_DATE, {"value": value})


def parse_period(
    first: str | None, last: str | None, *, now: dt.datetime
) -> tuple[Period, dict[str, tuple[str, dict]]]:
    """The period typed (empty fields take the default's day); with errors by field, the default period."""
    default = default_period(now)
    errors: dict[str, tuple[str, dict]] = {}
    start, end = default.first, default.last
    if (first or "").strip():
        start, problem = _parse(first or "")
        if problem:
            errors["from"] = problem
    if (last or "").strip():
        end, problem = _parse(last or "")
        if problem:
            errors["to"] = problem
    if errors or start is None or end is None:  # a date is None only with its problem
        return default, errors
    if start > end:
        errors["to"] = (MSG_ORDER, {})
        return default, errors
    return Period(start, end), errors
