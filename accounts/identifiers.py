"""Phone numbers and email addresses: normalisation and lookup."""

from __future__ import annotations

import re
import unicodedata

import phonenumbers

from accounts.i18n import N_

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class IdentifierError(ValueError):
    """Carries a translatable message about a phone number or email address."""


def normalise_phone(raw: str) -> str:
    """A Vietnamese phone number as E.164 (``+84…``).

    Accepts ``0912 345 678``, ``0912.345.678``, ``84912345678``, ``+84 912 345 678`` and
    landlines such as ``0225 3xxx xxx``.
    """
    text = unicodedata.normalize("NFKC", raw or "").strip()
    digits = re.sub(r"[\s.\-()]", "", text)
    if not digits:
        raise IdentifierError(N_("Please enter a phone number."))
    if not re.fullmatch(r"\+?\d+", digits):
        raise IdentifierError(N_("A phone number has only digits, for example 0912 345 678."))
    if not 9 <= len(digits.lstrip("+")) <= 15:
        raise IdentifierError(N_("This is not a valid Vietnamese phone number."))
    if digits.startswith("84") and not digits.startswith("+"):
        digits = "+" + digits
    try:
        parsed = phonenumbers.parse(digits, "VN")
    except phonenumbers.NumberParseException as exc:
        raise IdentifierError(N_("This is not a valid Vietnamese phone number.")) from exc
    if parsed.country_code != 84 or not phonenumbers.is_valid_number(parsed):
        raise IdentifierError(N_("This is not a valid Vietnamese phone number."))
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def display_phone(e164: str | None) -> str:
    """``+84912345678`` → ``0912 345 678`` for people who write numbers that way."""
    if not e164:
        return ""
    try:
        parsed = phonenumbers.parse(e164, "VN")
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL)


def normalise_email(raw: str) -> str:
    email = unicodedata.normalize("NFC", raw or "").strip().lower()
    if not email:
        raise IdentifierError(N_("Please enter an email address."))
    if len(email) > 254 or not _EMAIL.match(email):
        raise IdentifierError(N_("This is not a valid email address, for example ten@example.com."))
    return email


def lookup_clause(user_table, identifier: str):
    """A WHERE clause finding a user by email, phone or username; None if it cannot match."""
    identifier = (identifier or "").strip()
    if not identifier:
        return None
    if "@" in identifier:
        try:
            return user_table.email == normalise_email(identifier)
        except IdentifierError:
            return None
    try:
        return user_table.phone == normalise_phone(identifier)
    except IdentifierError:
        return user_table.username == identifier
