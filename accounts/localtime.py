"""Dates as people in Hà Nội read and write them: ``dd/MM/yyyy HH:mm`` in Asia/Ho_Chi_Minh (UTC+07:00,
no daylight saving time), stored as aware UTC timestamps.

Shared by the site's forms and the admin; no HTTP here. ``parse_local`` is strict: the whole text must
be day/month/year hour:minute with a real calendar date (31/02 is refused, not rolled over).
"""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

from accounts.errors import DomainError
from accounts.i18n import N_

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
UTC = dt.UTC
PATTERN = "dd/MM/yyyy HH:mm"
HTML_PATTERN = r"\d{1,2}/\d{1,2}/\d{4} \d{1,2}:\d{2}"  # for an <input pattern=...>
EXAMPLE = "15/01/2027 17:00"
_FORMAT = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})\s+(\d{1,2}):(\d{2})", re.ASCII)

MSG_EMPTY = N_("Give the date and time, e.g. %(example)s.")
MSG_FORMAT = N_("Write the date and time as dd/mm/yyyy hh:mm, e.g. %(example)s.")
MSG_NO_SUCH_DATE = N_("There is no such date: %(value)s.")
MSG_NO_SUCH_TIME = N_("There is no such time of day: %(value)s.")


class DateInvalid(DomainError):
    """Text that is not a Hà Nội date and time; ``message`` and ``params`` say why."""


def parse_local(text: str | None, *, field: str | None = None) -> dt.datetime:
    """``"15/01/2027 17:00"`` (Hà Nội) → the aware UTC instant. Raises ``DateInvalid``."""
    value = (text or "").strip()
    if not value:
        raise DateInvalid(MSG_EMPTY, field=field, example=EXAMPLE)
    match = _FORMAT.fullmatch(value)
    if match is None:
        raise DateInvalid(MSG_FORMAT, field=field, example=EXAMPLE)
    day, month, year, hour, minute = (int(g) for g in match.groups())
    try:
        date = dt.date(year, month, day)
    except ValueError:
        raise DateInvalid(MSG_NO_SUCH_DATE, field=field, value=value) from None
    if hour > 23 or minute > 59:
        raise DateInvalid(MSG_NO_SUCH_TIME, field=field, value=value)
    local = dt.datetime(date.year, date.month, date.day, hour, minute, tzinfo=HANOI)
    return local.astimezone(UTC)


def parse_optional(text: str | None, *, field: str | None = None) -> dt.datetime | None:
    """Like ``parse_local``, but an empty text is ``None``."""
    return parse_local(text, field=field) if (text or "").strip() else None


def to_local(value: dt.datetime) -> dt.datetime:
    if value.tzinfo is None:  # SQLite may hand back naive UTC
        value = value.replace(tzinfo=UTC)
    return value.astimezone(HANOI)


def format_local(value: dt.datetime | None) -> str:
    """An aware (or naive UTC) instant → ``"15/01/2027 17:00"`` in Hà Nội; ``""`` for ``None``."""
    if value is None:
        return ""
    return to_local(value).strftime("%d/%m/%Y %H:%M")
