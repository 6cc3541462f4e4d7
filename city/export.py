"""The dashboard as a report the Department can file: Excel with one sheet per indicator, and CSV.

Headers are in Vietnamese whatever language the page was read in; every sheet states the period and the
date of extraction (Hà Nội time). Text is neutralised against formula injection (contest.reports).
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from accounts.i18n import N_, translate
from accounts.localtime import format_local
from city.dashboard import COLUMNS, STAGE_LABELS, STAGES, VENTURE_LABELS, VENTURES, Figures
from contest.reports import AGE_BANDS, _xlsx_value, csv_bytes, safe_sheet_title

TITLE = N_("Innovation City programme: figures of the communes")
CITY = N_("Whole city")


def _vi(msgid: str, **params: Any) -> str:
    return translate(msgid, "vi", **params)


def preamble(figures: Figures, extracted: dt.datetime) -> list[list[str]]:
    first, last = figures.period.text()
    return [
        [_vi(TITLE)],
        [_vi(N_("Period: from %(first)s to %(last)s"), first=first, last=last)],
        [_vi(N_("Extracted on %(when)s (Hà Nội time)"), when=format_local(extracted))],
    ]


def sheets(figures: Figures) -> list[tuple[str, list[str], list[list[Any]]]]:
    """(sheet name, headers, rows) for each indicator; each ends with the city's row."""
    commune = _vi(COLUMNS["name"])

    def table(keys: list[str], headings: list[str]) -> tuple[list[str], list[list[Any]]]:
        rows = [[c["name"], *(c[k] for k in keys)] for c in figures.communes]
        rows.append([_vi(CITY), *(figures.city.get(k) for k in keys)])
        return [commune, *headings], rows

    out = []
    keys = [k for k in COLUMNS if k != "name"]
    out.append((_vi(N_("Summary")), *table(keys, [_vi(COLUMNS[k]) for k in keys])))
    out.append((_vi(N_("Contests")), *table(["contests"], [_vi(COLUMNS["contests"])])))
    out.append((_vi(N_("Ideas")), *table(["ideas"], [_vi(COLUMNS["ideas"])])))
    youth_rows = []
    for c in [*figures.communes, {"id": None, "name": _vi(CITY)}]:
        bands = figures.youth_by_age.get(c["id"], dict.fromkeys(AGE_BANDS, 0))
        youth_rows.append([c["name"], *(bands.get(b, 0) for b in AGE_BANDS), sum(bands.values())])
    out.append((_vi(N_("Youth by age")), [commune, *[_band(b) for b in AGE_BANDS], _vi(N_("Total"))], youth_rows))
    out.append(
        (
            _vi(N_("Judges and mentors")),
            *table(
                ["judges", "mentors", "mentorships"],
                [_vi(COLUMNS["judges"]), _vi(COLUMNS["mentors"]), _vi(N_("Mentorships"))],
            ),
        )
    )
    out.append(
        (
            _vi(N_("Public votes")),
            *table(
                ["votes", "voters", "residents", "turnout"],
                [_vi(COLUMNS[k]) for k in ("votes", "voters", "residents", "turnout")],
            ),
        )
    )
    out.append(
        (
            _vi(N_("Incubation")),
            *table(
                [f"stage_{s}" for s in STAGES] + [f"venture_{v}" for v in VENTURES],
                [_vi(STAGE_LABELS[s]) for s in STAGES]
                + [_vi(N_("Launched as: %(kind)s"), kind=_vi(VENTURE_LABELS[v])) for v in VENTURES],
            ),
        )
    )
    out.append(
        (
            _vi(N_("Sponsors")),
            *table(
                ["pledges", "pledged", "delivered", "pledged_hours", "delivered_hours"],
                [
                    _vi(N_("Pledges")),
                    _vi(COLUMNS["pledged"]),
                    _vi(COLUMNS["delivered"]),
                    _vi(N_("Expertise hours pledged")),
                    _vi(N_("Expertise hours delivered")),
                ],
            ),
        )
    )
    out.append(
        (
            _vi(N_("Workshops")),
            *table(["workshops", "attendance"], [_vi(COLUMNS["workshops"]), _vi(COLUMNS["attendance"])]),
        )
    )
    return out


def _band(band: str) -> str:
    return _vi(N_("Age not given")) if band == "?" else _vi(N_("Aged %(band)s"), band=band)


def _append_text(ws, values: list[Any]) -> None:
    """Append a row whose text cells stay text: openpyxl would store "=…" as a formula."""
    ws.append(values)
    for cell in ws[ws.max_row]:
        if isinstance(cell.value, str):
            cell.data_type = "s"
            cell.number_format = "@"


def xlsx(figures: Figures, extracted: dt.datetime) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    blank = wb.active
    assert blank is not None  # a new workbook opens on its one blank sheet
    wb.remove(blank)
    bold = Font(bold=True)
    for name, headers, rows in sheets(figures):
        ws = wb.create_sheet(safe_sheet_title(name))
        for line in preamble(figures, extracted):
            _append_text(ws, list(line))
        ws["A1"].font = Font(bold=True, size=13)
        _append_text(ws, [name])
        ws.cell(row=ws.max_row, column=1).font = bold
        _append_text(ws, [_xlsx_value(h) for h in headers])
        header_row = ws.max_row
        for cell in ws[header_row]:
            cell.font = bold
        for row in rows:
            _append_text(ws, [_xlsx_value(v) for v in row])
        for cell in ws[ws.max_row]:
            cell.font = bold  # the city's row
        ws.freeze_panes = ws.cell(row=header_row + 1, column=2)
        for col, heading in enumerate(headers, start=1):
            longest = max([len(str(heading))] + [len(str(r[col - 1])) for r in rows if col - 1 < len(r)])
            ws.column_dimensions[get_column_letter(col)].width = min(max(longest + 2, 10), 40)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def csv(figures: Figures, extracted: dt.datetime) -> bytes:
    """The summary sheet as CSV, after the report's title, period and date of extraction."""
    name, headers, rows = sheets(figures)[0]
    lines = [*preamble(figures, extracted), [], headers, *rows]
    return csv_bytes(lines[0], lines[1:])


def filename(figures: Figures, ext: str) -> str:
    return f"so-lieu-cac-xa-{figures.period.first:%Y%m%d}-{figures.period.last:%Y%m%d}.{ext}"
