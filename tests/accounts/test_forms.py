"""Forms declared once: each field is read from what a person typed, or refused with its own message."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from litestar.datastructures import FormMultiDict

from accounts import forms
from accounts.errors import ValidationFailed
from accounts.i18n import N_

WHEN = N_("Please give a date and time.")
WHOLE = N_("Please enter a whole number.")
WEIGHT = N_("Please enter a number from 0 to 1, for example 0.7.")


@dataclass
class Example:
    starts_at: dt.datetime = forms.local_datetime(WHEN)
    minutes: int = forms.integer(WHEN, blank=0)
    votes: int | None = forms.integer(WHOLE, low=1, high=20)
    weight: float = forms.decimal(WEIGHT)
    place: str = forms.text(limit=10, strip=True)
    online: bool = forms.checked()
    idea: int | None = forms.identifier()
    present: list[int] = forms.identifiers()
    languages: list[str] = forms.texts()


def data(**changes: object) -> FormMultiDict:
    base: dict[str, object] = {
        "starts_at": "2026-12-03T14:00",
        "minutes": "45",
        "votes": "3",
        "weight": "0,7",
        "place": "  Nhà văn hoá thôn Đông  ",
        "online": "on",
        "idea": "12",
    }
    pairs = [(k, v) for k, v in {**base, **changes}.items() if v is not None]
    pairs += [("present", "4"), ("present", "x"), ("present", "9"), ("languages", "vi"), ("languages", "en")]
    return FormMultiDict(pairs)


def test_every_field_is_read_as_declared():
    form = forms.read(Example, data())
    assert form.starts_at == dt.datetime(2026, 12, 3, 7, 0, tzinfo=dt.UTC)  # 14:00 in Hà Nội
    assert (form.minutes, form.votes, form.weight) == (45, 3, 0.7)
    assert form.place == "Nhà văn ho"  # trimmed, then cut at 10 characters
    assert form.online is True and form.idea == 12
    assert form.present == [4, 9] and form.languages == ["vi", "en"]


def test_blank_and_absent_fields_take_their_declared_values():
    form = forms.read(Example, data(minutes="", votes=None, online=None, idea="abc"))
    assert (form.minutes, form.votes, form.online, form.idea) == (0, None, False, None)


@pytest.mark.parametrize(
    ("changes", "errors"),
    [
        ({"starts_at": "03/12/2026"}, {"starts_at": WHEN}),
        ({"starts_at": ""}, {"starts_at": WHEN}),
        ({"minutes": "²"}, {"minutes": WHEN}),  # str.isdigit says yes, int() cannot read it
        ({"votes": "0"}, {"votes": WHOLE}),
        ({"weight": "nan"}, {"weight": WEIGHT}),
        ({"weight": "bảy"}, {"weight": WEIGHT}),
        ({"minutes": "x", "weight": "y"}, {"minutes": WHEN, "weight": WEIGHT}),  # every problem at once
    ],
)
def test_a_field_that_cannot_be_read_is_refused_with_its_own_message(changes, errors):
    with pytest.raises(ValidationFailed) as refused:
        forms.read(Example, data(**changes))
    assert refused.value.errors == errors


def test_what_was_typed_is_kept_to_show_the_form_again():
    typed = forms.typed(Example, data(minutes="bốn lăm"))
    assert typed["minutes"] == "bốn lăm" and typed["place"] == "  Nhà văn hoá thôn Đông  "
    assert typed["present"] == ["4", "x", "9"] and typed["online"] is True  # a checkbox: ticked or not


@dataclass
class Lenient:
    rating: int = forms.whole(0, low=0, high=5)
    limit: int | None = forms.whole(None)


@pytest.mark.parametrize(
    ("rating", "limit", "read"),
    [("4", "12", (4, 12)), ("9", "", (0, None)), ("bốn", "²", (0, None)), ("-1", "-3", (0, -3))],
)
def test_a_lenient_whole_number_falls_back_for_the_domain_to_judge(rating, limit, read):
    form = forms.read(Lenient, FormMultiDict([("rating", rating), ("limit", limit)]))
    assert (form.rating, form.limit) == read


@dataclass
class Shared:
    shared: list[int] = forms.integers()


def test_many_whole_numbers_leave_out_what_is_not_one():
    data = FormMultiDict([("shared", "7"), ("shared", "bảy"), ("shared", "-2"), ("shared", "")])
    assert forms.read(Shared, data).shared == [7, -2]  # the domain refuses a number it did not show


@dataclass
class Choices:
    mode: str = forms.text(absent="optimal")
    published: bool = forms.checked("1")


@pytest.mark.parametrize(
    ("sent", "mode", "published"),
    [
        ({}, "optimal", False),  # not sent: the declared value
        ({"mode": "", "published": "on"}, "", False),  # sent empty is what was typed; only "1" ticks
        ({"mode": "fair", "published": "1"}, "fair", True),
    ],
)
def test_an_absent_text_and_a_box_with_its_own_value(sent, mode, published):
    form = forms.read(Choices, FormMultiDict(sent))
    assert (form.mode, form.published) == (mode, published)
