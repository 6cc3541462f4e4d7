import pytest

from accounts.identifiers import IdentifierError, display_phone, normalise_email, normalise_phone

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    "raw",
    [
        "0912345678",
        "0912 345 678",
        "0912.345.678",
        "0912-345-678",
        "84912345678",
        "+84 912 345 678",
        "+84912345678",
        "０９１２３４５６７８",
    ],
)
def test_phone_formats_normalise_to_e164(raw):
    assert normalise_phone(raw) == "+84912345678"


def test_landline_normalises():
    assert normalise_phone("0225 3123 456") == "+842253123456"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("", "Please enter a phone number."),
        ("09123abc78", "A phone number has only digits, for example 0912 345 678."),
        ("12345", "This is not a valid Vietnamese phone number."),
        ("+1 202 555 0100", "This is not a valid Vietnamese phone number."),
        ("0012345678", "This is not a valid Vietnamese phone number."),
    ],
)
def test_bad_phone_numbers_explain_why(raw, message):
    with pytest.raises(IdentifierError) as info:
        normalise_phone(raw)
    assert str(info.value) == message


def test_display_phone_is_national_format():
    assert display_phone("+84912345678") == "0912 345 678"


def test_email_is_trimmed_and_lowercased():
    assert normalise_email("  Lan.Anh@Example.COM ") == "lan.anh@example.com"


@pytest.mark.parametrize("raw", ["lan", "lan@", "@example.com", "lan anh@example.com"])
def test_bad_email_is_refused(raw):
    with pytest.raises(IdentifierError):
        normalise_email(raw)
