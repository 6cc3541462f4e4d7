"""Bar charts drawn on the server for a phone: each label on its own line above its bar.

Drawn 360 units wide, about the width of a phone's screen, so the 15-unit text stays at least 12 px on a
390 px screen. Only presentation attributes (no style, no script): they render under the strict CSP.
The page gives the same figures in a table beside each chart.
"""

from __future__ import annotations

import itertools

from contest.reports import BAR_COLOUR, TEXT_COLOUR, _clean, _esc, _truncate

WIDTH = 360
_FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', sans-serif"
_TITLE_H = 30
_ROW_H = 46
_BAR_H = 14
_VALUE_ROOM = 64
_counter = itertools.count(1)


def bars_svg(title: str, rows: list[tuple[str, float]], *, unit: str = "", empty_text: str = "—") -> str:
    """A horizontal bar chart as inline ``<svg>``; ``rows`` are (label, value) pairs drawn in order."""
    uid = f"city-chart-{next(_counter)}"
    rows = [(_clean(name), value) for name, value in rows]
    desc = "; ".join(f"{name}: {_number(value)}{unit}" for name, value in rows) or empty_text
    height = _TITLE_H + (len(rows) * _ROW_H if rows else 40) + 6
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="100%" role="img" '
        f'aria-labelledby="{uid}-t {uid}-d" preserveAspectRatio="xMinYMin meet" font-family="{_esc(_FONT)}" '
        f'fill="{TEXT_COLOUR}">',
        f'<title id="{uid}-t">{_esc(title)}</title><desc id="{uid}-d">{_esc(desc)}</desc>',
        f'<text x="0" y="18" font-size="16" font-weight="bold">{_esc(_truncate(_clean(title), 40))}</text>',
    ]
    if not rows:
        out.append(f'<text x="0" y="{_TITLE_H + 22}" font-size="15">{_esc(empty_text)}</text>')
    top = max((float(v or 0) for _, v in rows), default=0.0)
    scale = (WIDTH - _VALUE_ROOM) / top if top > 0 else 0.0
    for i, (name, value) in enumerate(rows):
        y = _TITLE_H + i * _ROW_H
        width = round(max(float(value or 0), 0.0) * scale, 1)
        out.append(
            f'<g><text x="0" y="{y + 16}" font-size="15">{_esc(_truncate(name, 40))}</text>'
            f'<rect x="0" y="{y + 24}" width="{width:g}" height="{_BAR_H}" rx="2" fill="{BAR_COLOUR}"/>'
            f'<text x="{width + 6:g}" y="{y + 36}" font-size="15" font-weight="bold">{_number(value)}{_esc(unit)}</text></g>'
        )
    out.append("</svg>")
    return "".join(out)


def _number(value: float | int | None) -> str:
    if value is None:
        return "—"
    if isinstance(value, float) and not value.is_integer():
        return f"{value:.1f}".replace(".", ",")
    return f"{int(value):,}".replace(",", ".")
