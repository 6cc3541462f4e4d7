"""Reports for organisers: server-drawn bar charts, CSV and Excel exports, age bands, counts.

Pure functions — no database, no HTTP. The charts are inline SVG that needs neither
JavaScript nor styles, so they render under a strict Content-Security-Policy: only
presentation attributes (``fill``, ``font-size``, ``text-anchor`` …), no ``style``
attributes, no ``<style>``, no scripts and no external references.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import itertools
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import overload

try:
    from zoneinfo import ZoneInfo

    LOCAL_TZ: dt.tzinfo = ZoneInfo("Asia/Ho_Chi_Minh")
except Exception:  # pragma: no cover - no tz database; Việt Nam has had no DST since 1975
    LOCAL_TZ = dt.timezone(dt.timedelta(hours=7), "ICT")

__all__ = [
    "AGE_BANDS",
    "LOCAL_TZ",
    "age_band",
    "bar_chart_svg",
    "counts",
    "csv_bytes",
    "safe_sheet_title",
    "xlsx_bytes",
]

# ---------------------------------------------------------------------------
# Text helpers
# ---------------------------------------------------------------------------

# Characters that XML 1.0 does not allow at all (C0 controls except tab, LF, CR; lone
# surrogates; U+FFFE/U+FFFF). Removing them keeps the SVG well-formed whatever the input.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _clean(text: object) -> str:
    return _XML_ILLEGAL.sub("", unicodedata.normalize("NFC", str(text)))


def _esc(text: object) -> str:
    """Escape for XML text *and* attribute values."""
    return (
        _clean(text)
        .replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("'", "&#39;")
    )


def _truncate(text: str, limit: int) -> str:
    """Cut ``text`` to at most ``limit`` characters, ending in "…" when cut, never splitting
    a letter from its combining diacritic."""
    if len(text) <= limit:
        return text
    cut = max(limit - 1, 1)
    while cut > 1 and unicodedata.combining(text[cut]):
        cut -= 1
    return text[:cut].rstrip() + "…"


# ---------------------------------------------------------------------------
# Bar chart
# ---------------------------------------------------------------------------

BAR_COLOUR = "#0b5f6e"  # 7.5:1 on white
TEXT_COLOUR = "#1a2b32"  # 14:1 on white
LABEL_CHARS = 28

# Drawn at a phone's width: a 390 px screen shows the chart at about its drawn size, so its
# 14-unit text stays 13–14 px there (never under 12 px); wider screens cap it (site.css).
# Each row is a label line above its bar, so labels need no room beside the bars.
_WIDTH = 320
_LABEL_RIGHT = 0  # labels start at the left edge, above their bar
_BAR_LEFT = 0
_VALUE_ROOM = 48  # room right of the longest bar for its value
_BAR_MAX = _WIDTH - _BAR_LEFT - _VALUE_ROOM
_ROW_H = 46
_BAR_H = 16
_TITLE_H = 30
_PAD = 8
_TEXT = 14
_TITLE_CHARS = 30  # a line of the bold 15-unit title that fits the width
_TITLE_LINE_H = 19
_FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', sans-serif"

_chart_counter = itertools.count(1)


def _chart_id(title: str, rows: Sequence[tuple[str, int]], description: str) -> str:
    digest = hashlib.blake2s(repr((title, list(rows), description)).encode("utf-8"), digest_size=4)
    return f"chart-{digest.hexdigest()}-{next(_chart_counter)}"


def _title_lines(title: str) -> list[str]:
    """The title on one line, or two when it is long (cut at a space; the second cut with "…")."""
    if len(title) <= _TITLE_CHARS:
        return [title]
    cut = title.rfind(" ", 0, _TITLE_CHARS + 1)
    if cut <= 0:
        cut = _TITLE_CHARS
    return [title[:cut].rstrip(), _truncate(title[cut:].strip(), _TITLE_CHARS)]


def bar_chart_svg(
    title: str,
    rows: list[tuple[str, int]],
    *,
    description: str = "",
    max_rows: int = 20,
    empty_text: str = "—",
) -> str:
    """A horizontal bar chart as an inline ``<svg>`` string.

    ``rows`` are ``(category, value)`` pairs drawn in the given order; only the first
    ``max_rows`` are drawn (a final "… +N" line says how many were left out). The chart is
    ``role="img"`` labelled by its ``<title>`` and ``<desc>``; the desc holds
    ``description`` followed by every drawn value, so screen readers get the data. Each bar
    group has a ``<title>`` with the full category name (the visible label is cut at
    ~28 characters). With no rows the chart just says ``empty_text``.
    """
    rows = [(_clean(name), int(value)) for name, value in rows]
    uid = _chart_id(title, rows, description)
    title_id, desc_id = f"{uid}-title", f"{uid}-desc"
    shown = rows[: max(max_rows, 0)]
    hidden = len(rows) - len(shown)

    if shown:
        data_text = "; ".join(f"{name}: {value}" for name, value in shown)
        if hidden:
            data_text += f"; … +{hidden}"
        desc = f"{_clean(description).rstrip()} {data_text}".strip() if description else data_text
        body_h = len(shown) * _ROW_H + (_ROW_H if hidden else 0)
    else:
        desc = f"{_clean(description).rstrip()} {empty_text}".strip() if description else empty_text
        body_h = 40
    title_lines = _title_lines(_clean(title))
    title_h = _TITLE_H + (len(title_lines) - 1) * _TITLE_LINE_H
    height = title_h + body_h + _PAD

    out: list[str] = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_WIDTH} {height}" width="100%" '
        f'role="img" aria-labelledby="{title_id} {desc_id}" preserveAspectRatio="xMinYMin meet" '
        f'font-family="{_esc(_FONT)}" fill="{TEXT_COLOUR}">',
        f'<title id="{title_id}">{_esc(title)}</title>',
        f'<desc id="{desc_id}">{_esc(desc)}</desc>',
    ]
    for n, line in enumerate(title_lines):
        out.append(
            f'<text x="0" y="{19 + n * _TITLE_LINE_H}" font-size="15" font-weight="bold" '
            f'fill="{TEXT_COLOUR}">{_esc(line)}</text>'
        )

    if not shown:
        out.append(
            f'<text x="{_WIDTH // 2}" y="{title_h + 24}" font-size="{_TEXT}" text-anchor="middle" '
            f'fill="{TEXT_COLOUR}">{_esc(empty_text)}</text>'
        )
    else:
        top = max((value for _, value in shown), default=0)
        scale = _BAR_MAX / top if top > 0 else 0.0
        for i, (name, value) in enumerate(shown):
            y = title_h + i * _ROW_H
            label_y = y + 15
            bar_y = y + 21
            value_y = bar_y + _BAR_H / 2 + 5  # baseline roughly centred on the bar
            bar_w = round(max(value, 0) * scale, 1)
            out.append(
                f'<g class="bar">'
                f"<title>{_esc(name)}: {value}</title>"
                f'<text x="{_LABEL_RIGHT}" y="{label_y:g}" font-size="{_TEXT}" '
                f'fill="{TEXT_COLOUR}">{_esc(_truncate(name, LABEL_CHARS))}</text>'
                f'<rect x="{_BAR_LEFT}" y="{bar_y:g}" width="{bar_w:g}" height="{_BAR_H}" '
                f'rx="2" fill="{BAR_COLOUR}"/>'
                f'<text x="{_BAR_LEFT + bar_w + 6:g}" y="{value_y:g}" font-size="{_TEXT}" '
                f'fill="{TEXT_COLOUR}">{value}</text>'
                f"</g>"
            )
        if hidden:
            y = title_h + len(shown) * _ROW_H + 15
            out.append(
                f'<text x="{_LABEL_RIGHT}" y="{y:g}" font-size="{_TEXT}" fill="{TEXT_COLOUR}">… +{hidden}</text>'
            )
    out.append("</svg>")
    return "".join(out)


# ---------------------------------------------------------------------------
# CSV and Excel
# ---------------------------------------------------------------------------

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _neutralise(text: str) -> str:
    """Stop spreadsheets from reading a text cell as a formula (CSV/formula injection)."""
    return "'" + text if text.startswith(_FORMULA_START) else text


def _csv_cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, (int, float, Decimal)):
        return str(value)  # real numbers stay as they are, negatives included
    if isinstance(value, dt.datetime):
        return value.replace(microsecond=0).isoformat()
    if isinstance(value, dt.time):
        return value.replace(microsecond=0).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return _neutralise(unicodedata.normalize("NFC", str(value)))


def csv_bytes(headers: list[str], rows: Iterable[Sequence[object]]) -> bytes:
    """CSV as UTF-8 with a BOM (Excel then reads Vietnamese correctly), CRLF line ends.

    ``None`` → empty; datetimes in ISO 8601 without microseconds (offset kept when aware);
    text that starts with ``= + - @``, tab or CR gets a leading apostrophe. Numbers are
    never altered.
    """
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow([_csv_cell(h) for h in headers])
    for row in rows:
        writer.writerow([_csv_cell(v) for v in row])
    return buf.getvalue().encode("utf-8-sig")


# openpyxl refuses these control characters in cells.
_XLSX_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_XLSX_MAX_TEXT = 32_767
_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")
_MIN_WIDTH, _MAX_WIDTH = 8, 60


@overload
def _xlsx_value(value: str) -> str: ...
@overload
def _xlsx_value(value: object) -> object: ...
def _xlsx_value(value: object) -> object:
    if value is None or isinstance(value, (bool, int, float, Decimal)):
        return value
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None and value.utcoffset() is not None:
            value = value.astimezone(LOCAL_TZ).replace(tzinfo=None)
        return value.replace(tzinfo=None)
    if isinstance(value, dt.time):
        return value.replace(tzinfo=None)
    if isinstance(value, dt.date):
        return value
    # No protective apostrophe: the cell is written as a text cell (see ``_text_cell``), which
    # Excel and LibreOffice never evaluate, so the person sees exactly what was typed.
    return _XLSX_ILLEGAL.sub("", unicodedata.normalize("NFC", str(value)))[:_XLSX_MAX_TEXT]


def _display_len(value: object) -> int:
    if value is None:
        return 0
    if isinstance(value, dt.datetime):
        return 19
    if isinstance(value, dt.date):
        return 10
    return max((len(line) for line in str(value).splitlines()), default=0)


def safe_sheet_title(title: str) -> str:
    """A worksheet name Excel accepts: no ``[]:*?/\\``, no edge apostrophes, ≤ 31 characters."""
    clean = _SHEET_BAD.sub("", _XLSX_ILLEGAL.sub("", unicodedata.normalize("NFC", title)))
    clean = clean.strip().strip("'").strip()[:31].rstrip().rstrip("'")
    return clean or "Sheet1"


def xlsx_bytes(sheet_title: str, headers: list[str], rows: Iterable[Sequence[object]]) -> bytes:
    """An .xlsx workbook with one sheet: bold, frozen header row; fitted column widths.

    Aware datetimes become naive Asia/Ho_Chi_Minh wall time (Excel stores no zone). Text is
    stored as a text cell with the text number format ``@`` — never as a formula, whatever it
    starts with — so it needs no visible apostrophe (CSV, which has no cell types, keeps one).
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    header_values = [_xlsx_value(h) for h in headers]
    body = [[_xlsx_value(v) for v in row] for row in rows]

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(safe_sheet_title(sheet_title))
    ws.freeze_panes = "A2"

    n_cols = max([len(header_values), *(len(r) for r in body)], default=0)
    for col in range(n_cols):
        longest = max(
            [_display_len(header_values[col]) if col < len(header_values) else 0]
            + [_display_len(r[col]) for r in body if col < len(r)]
        )
        ws.column_dimensions[get_column_letter(col + 1)].width = min(max(longest + 2, _MIN_WIDTH), _MAX_WIDTH)

    bold = Font(bold=True)
    header_cells = []
    for value in header_values:
        cell = WriteOnlyCell(ws, value=value)
        cell.font = bold
        header_cells.append(cell)
    ws.append(header_cells)

    def _text_cell(value: object) -> object:
        if not isinstance(value, str):
            return value
        cell = WriteOnlyCell(ws, value=value)
        cell.data_type = "s"  # openpyxl would make "=…" a formula
        cell.number_format = "@"
        return cell

    for row in body:
        ws.append([_text_cell(v) for v in row])

    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# ---------------------------------------------------------------------------
# Age bands and counts
# ---------------------------------------------------------------------------

AGE_BANDS: tuple[str, ...] = ("<16", "16–18", "19–24", "25–30", "31–35", ">35", "?")
_MAX_AGE = 120


def age_band(birth_year: int | None, year: int) -> str:
    """The age band of someone born in ``birth_year`` during ``year`` (age = year − birth year).

    Unknown or implausible birth years (in the future, or over 120 years ago) give "?".
    """
    if birth_year is None:
        return "?"
    age = year - int(birth_year)
    if age < 0 or age > _MAX_AGE:
        return "?"
    if age < 16:
        return "<16"
    if age <= 18:
        return "16–18"
    if age <= 24:
        return "19–24"
    if age <= 30:
        return "25–30"
    if age <= 35:
        return "31–35"
    return ">35"


def counts(
    values: Iterable[str | None],
    *,
    order: Sequence[str] | None = None,
    unknown: str = "?",
) -> list[tuple[str, int]]:
    """Count occurrences; ``None`` and empty strings count as ``unknown``.

    With ``order``, every listed key appears in that order (zero counts kept), followed by
    any other keys seen, by descending count then name. Without it, all keys by descending
    count then name.
    """
    tally = Counter(unknown if v is None or v == "" else v for v in values)

    def by_count(item: tuple[str, int]) -> tuple[int, str, str]:
        return (-item[1], item[0].casefold(), item[0])

    if order is None:
        return sorted(tally.items(), key=by_count)
    listed = list(dict.fromkeys(order))
    head = [(key, tally.get(key, 0)) for key in listed]
    seen = set(listed)
    tail = sorted(((k, n) for k, n in tally.items() if k not in seen), key=by_count)
    return head + tail
