"""Reports: the server-drawn SVG bar chart, CSV/XLSX exports, age bands and counts."""

from __future__ import annotations

import csv
import datetime as dt
import io
import xml.etree.ElementTree as ET

import pytest
from openpyxl import load_workbook

from contest.reports import AGE_BANDS, age_band, bar_chart_svg, counts, csv_bytes, xlsx_bytes

pytestmark = pytest.mark.unit

SVG = "{http://www.w3.org/2000/svg}"
UTC = dt.UTC
ROWS = [
    ("Nông nghiệp <sạch> & an toàn", 12),
    ('Chuyển đổi số "thông minh" cho hợp tác xã nông nghiệp', 7),
    ("Môi trường", 0),
]


def _parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # raises if not well-formed


def _number(element: ET.Element | None, name: str) -> float:
    """A numeric attribute of an SVG element, which must be there."""
    assert element is not None
    value = element.get(name)
    assert value is not None, name
    return float(value)


def _bars(root: ET.Element) -> list[ET.Element]:
    return [g for g in root.iter(f"{SVG}g") if g.get("class") == "bar"]


# --- bar chart -------------------------------------------------------------------------


def test_chart_is_well_formed_accessible_svg():
    root = _parse(bar_chart_svg("Ý tưởng theo lĩnh vực", ROWS, description="Số ý tưởng đã nộp."))
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("width") == "100%"
    assert root.get("height") is None
    _, _, w, h = (float(x) for x in root.get("viewBox").split())
    assert w > 0 and h > 0

    labelled_by = root.get("aria-labelledby").split()
    title = root.find(f"{SVG}title")
    desc = root.find(f"{SVG}desc")
    assert labelled_by == [title.get("id"), desc.get("id")]
    assert title.text == "Ý tưởng theo lĩnh vực"
    assert desc.text is not None and desc.text.startswith("Số ý tưởng đã nộp.")
    assert "Nông nghiệp <sạch> & an toàn: 12" in desc.text


def test_one_bar_per_row_with_label_title_and_value():
    root = _parse(bar_chart_svg("Lĩnh vực", ROWS))
    bars = _bars(root)
    assert len(bars) == len(ROWS)
    for g, (name, value) in zip(bars, ROWS, strict=True):
        assert g.find(f"{SVG}title").text == f"{name}: {value}"
        assert g.find(f"{SVG}rect").get("fill") == "#0b5f6e"
        texts = [t.text for t in g.findall(f"{SVG}text")]
        assert texts[-1] == str(value)
        assert all(t.get("fill") == "#1a2b32" for t in g.findall(f"{SVG}text"))
    # the short, hostile name round-trips verbatim as the visible label
    assert bars[0].findall(f"{SVG}text")[0].text == "Nông nghiệp <sạch> & an toàn"
    # the long one is cut visually but kept whole in the bar's <title>
    label = bars[1].findall(f"{SVG}text")[0].text
    assert label is not None and label.endswith("…") and len(label) <= 28
    assert ROWS[1][0].startswith(label[:-1])
    # bar lengths follow the values; zero gets no length
    widths = [_number(g.find(f"{SVG}rect"), "width") for g in bars]
    assert widths[0] > widths[1] > widths[2] == 0


def test_chart_has_no_styles_scripts_or_external_references():
    svg = bar_chart_svg('<script>alert("x")</script>', [("<style>a{}</style>", 1), ("x' onload='y", 2)])
    root = _parse(svg)
    for el in root.iter():
        assert el.tag not in (f"{SVG}script", f"{SVG}style", f"{SVG}image", f"{SVG}use", f"{SVG}a")
        assert "style" not in el.attrib
        assert not any(k.startswith("on") or k.endswith("href") for k in el.attrib)
    assert "<script" not in svg and "<style" not in svg
    assert root.find(f"{SVG}title").text == '<script>alert("x")</script>'


def test_two_charts_never_share_ids():
    ids = []
    for _ in range(2):  # identical content on purpose
        root = _parse(bar_chart_svg("Lĩnh vực", ROWS))
        ids += [el.get("id") for el in root.iter() if el.get("id")]
    assert len(ids) == 4 and len(set(ids)) == 4


def test_max_rows_limits_the_bars_and_grows_the_height():
    rows = [(f"Xã {i}", i) for i in range(30)]
    small = _parse(bar_chart_svg("A", rows[:3]))
    big = _parse(bar_chart_svg("A", rows, max_rows=10))
    assert len(_bars(big)) == 10
    assert float(big.get("viewBox").split()[3]) > float(small.get("viewBox").split()[3])
    assert "… +20" in ET.tostring(big, encoding="unicode")


def test_empty_chart_says_the_empty_text():
    root = _parse(bar_chart_svg("Lĩnh vực", [], empty_text="Chưa có ý tưởng nào."))
    assert root.get("role") == "img"
    assert _bars(root) == []
    assert root.find(f"{SVG}desc").text == "Chưa có ý tưởng nào."
    assert "Chưa có ý tưởng nào." in [t.text for t in root.iter(f"{SVG}text")]


# --- CSV -------------------------------------------------------------------------------


def test_csv_bom_crlf_vietnamese_and_values():
    data = csv_bytes(
        ["Tên", "Xã", "Điểm", "Nộp lúc", "Ghi chú"],
        [
            ["Nguyễn Thị Hằng", "Xã Đông Hưng", 8.5, dt.datetime(2026, 11, 27, 17, 30, 12, 345678, tzinfo=UTC), None],
            ["Trần Văn Ánh", "Xã Tiền Phong", -5, dt.datetime(2026, 1, 2, 3, 4, 5, 999), "dòng 1\ndòng 2"],
        ],
    )
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.split(b"\r\n")[0] == "Tên,Xã,Điểm,Nộp lúc,Ghi chú".encode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert rows[0] == ["Tên", "Xã", "Điểm", "Nộp lúc", "Ghi chú"]
    assert rows[1] == ["Nguyễn Thị Hằng", "Xã Đông Hưng", "8.5", "2026-11-27T17:30:12+00:00", ""]
    assert rows[2] == ["Trần Văn Ánh", "Xã Tiền Phong", "-5", "2026-01-02T03:04:05", "dòng 1\ndòng 2"]


def test_csv_neutralises_formulas_but_not_numbers():
    data = csv_bytes(
        ["a"],
        [
            ['=HYPERLINK("http://evil.example","bấm")'],
            ["+1"],
            ["-2"],
            ["@SUM(A1)"],
            ["\tx"],
            ["\rx"],
            [-5],
            [-1.5],
            ["a=b"],
        ],
    )
    values = [r[0] for r in csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""))][1:]
    assert values == [
        '\'=HYPERLINK("http://evil.example","bấm")',
        "'+1",
        "'-2",
        "'@SUM(A1)",
        "'\tx",
        "'\rx",
        "-5",
        "-1.5",
        "a=b",
    ]


# --- XLSX ------------------------------------------------------------------------------


def _workbook(data: bytes):
    return load_workbook(io.BytesIO(data))


def test_xlsx_header_text_and_local_time():
    data = xlsx_bytes(
        "Kết quả vòng 1",
        ["Tên", "Xã", "Điểm", "Nộp lúc"],
        [
            ["Nguyễn Thị Hằng", "Xã Đông Hưng", -5, dt.datetime(2026, 11, 27, 17, 30, tzinfo=UTC)],
            ['=HYPERLINK("http://evil.example")', "+84 912", 3.25, None],
        ],
    )
    wb = _workbook(data)
    ws = wb.active
    assert ws.title == "Kết quả vòng 1"
    assert ws.freeze_panes == "A2"
    assert [c.value for c in ws[1]] == ["Tên", "Xã", "Điểm", "Nộp lúc"]
    assert all(c.font.bold for c in ws[1])
    assert not ws["A2"].font.bold
    assert ws["A2"].value == "Nguyễn Thị Hằng"
    assert ws["B2"].value == "Xã Đông Hưng"
    assert ws["C2"].value == -5
    assert ws["D2"].value == dt.datetime(2026, 11, 28, 0, 30)  # Hà Nội wall time, naive
    assert ws["D2"].is_date
    # Text cells, never formulas, and no visible apostrophe in front
    assert ws["A3"].value == '=HYPERLINK("http://evil.example")'
    assert ws["A3"].data_type == "s"
    assert ws["A3"].number_format == "@"
    assert ws["B3"].value == "+84 912"
    assert ws["B3"].data_type == "s"
    assert ws["C3"].data_type == "n"
    assert ws["D3"].value is None
    widths = {k: d.width for k, d in ws.column_dimensions.items()}
    assert 8 <= widths["C"] < widths["A"] <= 60


def test_xlsx_width_is_capped_and_sheet_title_sanitised():
    data = xlsx_bytes("Báo cáo [tháng 11]: a/b\\c*d?e — rất dài hơn ba mươi mốt ký tự", ["Mô tả"], [["x" * 500]])
    ws = _workbook(data).active
    assert len(ws.title) <= 31
    assert not set(ws.title) & set("[]:*?/\\")
    assert ws.title.startswith("Báo cáo tháng 11 abcde")
    assert ws.column_dimensions["A"].width == 60
    assert ws["A2"].value == "x" * 500


def test_xlsx_empty_title_and_rows():
    ws = _workbook(xlsx_bytes("[]", ["A"], [])).active
    assert ws.title
    assert ws.max_row == 1


# --- age bands and counts --------------------------------------------------------------


@pytest.mark.parametrize(
    ("birth_year", "band"),
    [
        (2011, "<16"),  # 15
        (2010, "16–18"),  # 16
        (2008, "16–18"),  # 18
        (2007, "19–24"),  # 19
        (2002, "19–24"),  # 24
        (2001, "25–30"),  # 25
        (1996, "25–30"),  # 30
        (1995, "31–35"),  # 31
        (1991, "31–35"),  # 35
        (1990, ">35"),  # 36
        (1950, ">35"),
        (None, "?"),
        (2027, "?"),  # born in the future
        (1800, "?"),  # implausible
    ],
)
def test_age_band_boundaries(birth_year, band):
    assert age_band(birth_year, 2026) == band


def test_age_bands_list_every_band_in_order():
    assert AGE_BANDS == ("<16", "16–18", "19–24", "25–30", "31–35", ">35", "?")
    assert {age_band(y, 2026) for y in [None, *range(1890, 2030)]} <= set(AGE_BANDS)


def test_counts_by_descending_count_then_name():
    assert counts(["b", "a", "c", "a", "b", None, "", "c", "b"]) == [("b", 3), ("?", 2), ("a", 2), ("c", 2)]
    assert counts(["Xã B", "Xã A", "Xã B"]) == [("Xã B", 2), ("Xã A", 1)]
    assert counts([]) == []


def test_counts_in_given_order_keeps_zeros_and_appends_others():
    years = [2011, 2005, 2001, None, 1980, 2002]  # ages 15, 21, 25, ?, 46, 24
    bands = counts((age_band(y, 2026) for y in years), order=AGE_BANDS)
    assert bands == [("<16", 1), ("16–18", 0), ("19–24", 2), ("25–30", 1), ("31–35", 0), (">35", 1), ("?", 1)]
    assert counts(["x", None, "y", "y"], order=["a"], unknown="Không rõ") == [
        ("a", 0),
        ("y", 2),
        ("Không rõ", 1),
        ("x", 1),
    ]


def test_chart_is_drawn_at_a_phones_width_with_readable_text():
    """Drawn 320 units wide, shown near that width on a 390 px phone: text is never below 14 units,
    and a long title takes two lines instead of running off the edge (it stays whole in <title>)."""
    title = "Ý tưởng theo độ tuổi của trưởng nhóm"
    root = _parse(bar_chart_svg(title, ROWS))
    assert float(root.get("viewBox").split()[2]) == 320
    texts = root.iter(f"{SVG}text")
    assert all(_number(t, "font-size") >= 14 for t in texts)
    lines = [t.text for t in root.findall(f"{SVG}text") if t.get("font-weight") == "bold"]
    assert lines == ["Ý tưởng theo độ tuổi của", "trưởng nhóm"]
    assert root.find(f"{SVG}title").text == title
    labels = [g.findall(f"{SVG}text")[0] for g in _bars(root)]
    assert all(_number(t, "x") == 0 for t in labels)  # each label sits above its bar, at the left edge
