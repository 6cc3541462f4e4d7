"""Vietnamese text: NFC normalisation and diacritic-folded search keys.

"Nước sạch" and "nuoc sach" fold to the same key; đ/Đ map to d explicitly (they do not
decompose under NFD).
"""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")
_DIGITS = re.compile(r"[0-9]{1,10}")
_SIGNED = re.compile(r"-?[0-9]{1,10}")
MAX_DB_INT = 2**31 - 1  # ids and integer columns: PostgreSQL's integer, the narrowest of our engines
_NON_WORD = re.compile(r"[^\w\s-]", re.UNICODE)


def nfc(text: str | None) -> str:
    return unicodedata.normalize("NFC", text or "")


def clean_line(text: str | None) -> str:
    """One line of text as a person meant it: NFC, trimmed, inner spaces collapsed."""
    return _SPACES.sub(" ", nfc(text)).strip()


def fold(text: str | None) -> str:
    """Lowercase, without diacritics, đ→d, punctuation as spaces, spaces collapsed."""
    decomposed = unicodedata.normalize("NFD", (text or "").replace("đ", "d").replace("Đ", "D"))
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return _SPACES.sub(" ", _NON_WORD.sub(" ", stripped.lower())).strip()


def search_terms(query: str | None, limit: int = 8) -> list[str]:
    """The folded words of a search query, in any order, without duplicates."""
    seen: list[str] = []
    for word in fold(query).split():
        if word not in seen:
            seen.append(word)
    return seen[:limit]


def visible_length(text: str | None) -> int:
    """Characters as a person counts them: combining marks, joiners and emoji modifiers add nothing."""
    count = 0
    joined = False
    for ch in nfc(text):
        code = ord(ch)
        if unicodedata.category(ch) in ("Mn", "Me") or 0xFE00 <= code <= 0xFE0F or 0x1F3FB <= code <= 0x1F3FF:
            continue
        if ch == "\u200d":
            joined = True
            continue
        if joined:
            joined = False
            continue
        count += 1
    return count


def as_int(text: object, *, low: int = -MAX_DB_INT, high: int = MAX_DB_INT) -> int | None:
    """The integer a form field holds (an optional minus sign and ASCII digits, within ``low``..``high``),
    or None: ``str.isdigit`` also accepts digits such as "²" that ``int`` cannot read."""
    value = str(text if text is not None else "").strip()
    if not _SIGNED.fullmatch(value):
        return None
    number = int(value)
    return number if low <= number <= high else None


def as_id(text: object) -> int | None:
    """The positive integer a form or address field holds (ASCII digits, at most ``MAX_DB_INT``),
    or None for anything else — so an id typed by hand never overflows a database column."""
    value = str(text if text is not None else "").strip()
    if not _DIGITS.fullmatch(value):
        return None
    number = int(value)
    return number if 0 < number <= MAX_DB_INT else None
