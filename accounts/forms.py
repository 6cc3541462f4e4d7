"""Forms declared once: a form is a dataclass whose fields say how each is read from what a person
typed and, when it cannot be read, which message (an ``N_`` msgid) stands beside the field.

    @dataclass
    class SlotForm:
        starts_at: dt.datetime = local_datetime(N_("Please give a date and time."))
        minutes: int = integer(N_("Please give a date and time."), blank=0)
        mode: str = text()

``read(SlotForm, data)`` gives the form with every field read, or raises ``ValidationFailed`` with a
message per field that could not be; ``typed(SlotForm, data)`` gives what the person typed, to show
the form again. Rules of the domain (a time in the future, at most 240 minutes) stay in the domain
function that receives the form. No HTTP here: ``server.web.parse_form`` reads a request's form.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections.abc import Callable
from typing import Any, Protocol, TypeVar, overload
from zoneinfo import ZoneInfo

from accounts.errors import ValidationFailed
from accounts.localtime import HANOI
from accounts.text import MAX_DB_INT, as_id, as_int

F = TypeVar("F")
READ = "form.read"
MANY = "form.many"
SHOW = "form.show"  # what ``typed`` gives back of a field, to show the form again
NUMBER_TYPED = 20  # characters of a number field shown again (a number never needs more)


class FormData(Protocol):
    """What a form post holds: one value per name, or all of them (Litestar's ``FormMultiDict``)."""

    # Two overloads, as Litestar's FormMultiDict declares ``get``: one signature with an optional
    # default matches neither of them.
    @overload
    def get(self, key: str, /) -> Any: ...
    @overload
    def get(self, key: str, default: Any, /) -> Any: ...

    def getall(self, key: str, default: list[Any], /) -> list[Any]: ...


class Unreadable(ValueError):
    """A field's value cannot be read; ``message`` is the msgid shown beside it."""

    def __init__(self, message: str, **params: object):
        super().__init__(message)
        self.message = message
        self.params = params


def _field(
    read: Callable[[Any], Any], default: Any, *, many: bool = False, show: Callable[[Any], Any] | None = None
) -> Any:
    metadata = {READ: read, MANY: many, SHOW: show}
    if many:
        return dataclasses.field(default_factory=list, metadata=metadata)
    return dataclasses.field(default=default, metadata=metadata)


def _text_of(raw: object) -> str:
    return raw if isinstance(raw, str) else ""  # a file where text was expected reads as nothing


def _number_typed(raw: object) -> str:
    return _text_of(raw).strip()[:NUMBER_TYPED]


def text(*, limit: int | None = None, strip: bool = False, absent: str = "") -> Any:
    """A text field as typed (``absent`` when the form does not send it, "" unless told); ``strip`` trims
    it, ``limit`` cuts it (the domain checks lengths)."""

    def read(raw: object) -> str:
        if raw is None:
            return absent
        value = _text_of(raw)
        value = value.strip() if strip else value
        return value[:limit] if limit is not None else value

    return _field(read, absent)


def checked(value: str = "on") -> Any:
    """A checkbox: ticked when the browser sends ``value`` ("on" unless the box says another)."""
    return _field(lambda raw: raw == value, False, show=lambda raw: raw == value)


def integer(
    message: str,
    *,
    blank: int | None = None,
    required: bool = False,
    low: int = -MAX_DB_INT,
    high: int = MAX_DB_INT,
) -> Any:
    """A whole number within ``low``..``high`` (ASCII digits: ``isdigit`` and ``int`` accept more);
    ``blank`` when left empty (refused too when ``required``); anything else is refused with ``message``."""

    def read(raw: object) -> int | None:
        value = _text_of(raw).strip()
        if not value and not required:
            return blank
        number = as_int(value, low=low, high=high)
        if number is None:
            raise Unreadable(message)
        return number

    return _field(read, blank, show=_number_typed)


def whole(default: int | None, *, low: int = -MAX_DB_INT, high: int = MAX_DB_INT) -> Any:
    """A whole number within ``low``..``high``, or ``default`` when blank or unreadable: for a value the
    domain function checks itself once it has loaded its object (so a wrong value is told after not found)."""
    return _field(lambda raw: _or(as_int(_text_of(raw), low=low, high=high), default), default, show=_number_typed)


def _or(number: int | None, default: int | None) -> int | None:
    return default if number is None else number


def identifier() -> Any:
    """The id of a choice (a select, a hidden field): a positive integer, or None for anything else."""
    return _field(as_id, None)


def identifiers() -> Any:
    """The ids of the ticked boxes of a name; what is not an id is left out."""
    return _field(lambda raw: [i for i in map(as_id, raw) if i], None, many=True)


def integers() -> Any:
    """Every whole number sent under a name (the ticked boxes of numbered items); what is not one is left
    out, the domain judging the numbers themselves."""
    return _field(lambda raw: [n for n in (as_int(_text_of(v)) for v in raw) if n is not None], None, many=True)


def texts() -> Any:
    """Every value sent under a name (ticked boxes, a multiple select), as typed."""
    return _field(lambda raw: [_text_of(v) for v in raw], None, many=True)


def decimal(message: str) -> Any:
    """A number with a decimal point or comma (0,7 as people write it in Vietnam); refused with ``message``."""

    def read(raw: object) -> float:
        try:
            number = float(_text_of(raw).strip().replace(",", "."))
        except ValueError:
            raise Unreadable(message) from None
        if math.isnan(number):
            raise Unreadable(message)
        return number

    return _field(read, None, show=_number_typed)


def local_datetime(message: str, *, zone: ZoneInfo = HANOI) -> Any:
    """A date and time typed in ``zone`` (``2026-12-03T14:00``, as ``datetime-local`` sends it; Hà Nội's
    time unless told), in UTC; refused with ``message``."""

    def read(raw: object) -> dt.datetime:
        try:
            return dt.datetime.fromisoformat(_text_of(raw).strip()).replace(tzinfo=zone).astimezone(dt.UTC)
        except ValueError:
            raise Unreadable(message) from None

    return _field(read, None)


def _fields(form: type) -> list[dataclasses.Field]:
    return [f for f in dataclasses.fields(form) if READ in f.metadata]


def read(form: type[F], data: FormData) -> F:
    """The form with every field read from ``data``; ``ValidationFailed`` with the message of each field
    that cannot be read (all of them at once, in the order of the form)."""
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    params: dict[str, dict[str, object]] = {}
    for f in _fields(form):
        raw = data.getall(f.name, []) if f.metadata[MANY] else data.get(f.name)
        try:
            values[f.name] = f.metadata[READ](raw)
        except Unreadable as exc:
            errors[f.name] = exc.message
            if exc.params:
                params[f.name] = exc.params
    if errors:
        raise ValidationFailed(errors, params)
    return form(**values)


def typed(form: type, data: FormData) -> dict[str, Any]:
    """What the person typed in each field of the form, to show the form again as they left it: the text
    (a number trimmed to its first characters), a list for a field of many values, ticked or not for a
    checkbox."""
    shown: dict[str, Any] = {}
    for f in _fields(form):
        if f.metadata[MANY]:
            shown[f.name] = [_text_of(v) for v in data.getall(f.name, [])]
        else:
            show = f.metadata[SHOW] or _text_of
            shown[f.name] = show(data.get(f.name))
    return shown


# Forms many pages share.


@dataclasses.dataclass
class ReasonForm:
    """A reason given with an action (declining, withdrawing, rejecting), as typed; the domain checks it."""

    reason: str = text()


@dataclasses.dataclass
class ContactForm:
    """A phone number or email to reach someone (an invitation), as typed; the domain reads it."""

    contact: str = text()
