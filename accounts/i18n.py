"""Translations shared by every layer (gettext catalogs under ``locale/``).

Msgids are English. ``N_("…")`` marks a string for extraction without translating it (the
domain raises errors with such msgids); ``translate(msgid, lang, **params)`` turns one
into the reader's language. Vietnamese is the default language.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from babel.support import NullTranslations, Translations

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
LANGUAGES = ("vi", "en")
DEFAULT_LANGUAGE = "vi"
# The names people read for the language codes stored with mentors and teams.
LANGUAGE_NAMES = {"vi": "Vietnamese", "en": "English"}


def N_(message: str) -> str:  # noqa: N802 — the conventional gettext marker name
    return message


@lru_cache(maxsize=8)
def translations(lang: str) -> NullTranslations:
    if lang not in LANGUAGES:
        lang = DEFAULT_LANGUAGE
    return Translations.load(str(LOCALE_DIR), [lang], domain="messages")


def translate(message: str, lang: str, **params: object) -> str:
    text = translations(lang).gettext(message) if message else ""
    return text % params if params else text


def ntranslate(singular: str, plural: str, n: int, lang: str, **params: object) -> str:
    text = translations(lang).ngettext(singular, plural, n)
    return text % {"num": n, **params}
