"""Hà Nội dates as people type and read them: dd/MM/yyyy HH:mm, UTC+07:00 all year, parsed strictly."""

import datetime as dt

import pytest

from accounts.i18n import translate
from accounts.localtime import (
    MSG_EMPTY,
    MSG_FORMAT,
    MSG_NO_SUCH_DATE,
    MSG_NO_SUCH_TIME,
    DateInvalid,
    format_local,
    parse_local,
    parse_optional,
)

pytestmark = pytest.mark.unit
UTC = dt.UTC


def test_a_hanoi_time_is_stored_as_utc_seven_hours_earlier():
    value = parse_local("15/01/2027 17:00")
    assert value == dt.datetime(2027, 1, 15, 10, 0, tzinfo=UTC)
    assert value.utcoffset() == dt.timedelta(0)
    assert format_local(value) == "15/01/2027 17:00"


def test_midnight_in_hanoi_is_the_evening_before_in_utc():
    value = parse_local("01/01/2027 00:00")
    assert value == dt.datetime(2026, 12, 31, 17, 0, tzinfo=UTC)
    assert format_local(value) == "01/01/2027 00:00"
    assert format_local(dt.datetime(2027, 3, 31, 16, 59, tzinfo=UTC)) == "31/03/2027 23:59"


@pytest.mark.parametrize(
    "text",
    [
        "15/01/2027 12:00",
        "15/04/2027 12:00",
        "15/07/2027 12:00",
        "15/10/2027 12:00",
        "29/03/2027 02:30",
        "31/10/2027 02:30",
    ],
)
def test_no_daylight_saving_time_the_offset_is_seven_hours_all_year(text):
    value = parse_local(text)
    local = value.astimezone(dt.timezone(dt.timedelta(hours=7)))
    assert local.strftime("%d/%m/%Y %H:%M") == text
    assert format_local(value) == text


def test_single_digits_and_surrounding_spaces_are_read():
    assert parse_local(" 5/1/2027 9:05 ") == dt.datetime(2027, 1, 5, 2, 5, tzinfo=UTC)


def test_naive_values_are_read_as_utc_and_none_is_blank():
    assert format_local(dt.datetime(2027, 1, 15, 10, 0)) == "15/01/2027 17:00"
    assert format_local(None) == ""
    assert parse_optional("  ") is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("31/02/2027 10:00", MSG_NO_SUCH_DATE),
        ("29/02/2027 10:00", MSG_NO_SUCH_DATE),
        ("15/13/2027 10:00", MSG_NO_SUCH_DATE),
        ("15/01/2027 24:00", MSG_NO_SUCH_TIME),
        ("15/01/2027 10:60", MSG_NO_SUCH_TIME),
        ("abc", MSG_FORMAT),
        ("2027-01-15T17:00", MSG_FORMAT),
        ("15/01/27 17:00", MSG_FORMAT),
        ("15/01/2027", MSG_FORMAT),
        ("15/01/2027 17:00 +07", MSG_FORMAT),
        ("١٥/٠١/٢٠٢٧ ١٧:٠٠", MSG_FORMAT),  # digits other than 0–9 are not read
        ("", MSG_EMPTY),
        (None, MSG_EMPTY),
    ],
)
def test_invalid_text_is_refused_with_a_reason(text, message):
    with pytest.raises(DateInvalid) as caught:
        parse_local(text, field="results_at")
    assert caught.value.message == message
    assert caught.value.field == "results_at"


def test_the_reasons_read_in_vietnamese():
    with pytest.raises(DateInvalid) as caught:
        parse_local("31/02/2027 10:00")
    text = translate(caught.value.message, "vi", **caught.value.params)
    assert "31/02/2027 10:00" in text and "Không có ngày" in text
    with pytest.raises(DateInvalid) as caught:
        parse_local("abc")
    assert "dd/mm/yyyy hh:mm" in translate(caught.value.message, "vi", **caught.value.params)
