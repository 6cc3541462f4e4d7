"""Browser journey through the city's dashboard: the city organizer (city@example.com) on a 390 px phone opens
/city from the menu, reads the charts (text at least 12 px), sorts the commune table, types a wrong then a right
period, and downloads the report in Excel and the summary in CSV. A visitor sees the figures but no exports.

Every page is checked with axe-core (WCAG 2.1 A/AA) on a 390×844 screen.
"""

from __future__ import annotations

import io

import pytest

from tests.browser.support import (
    DEMO_PASSWORD,
    assert_accessible,
    click_and_wait,
    log_in,
    start_server,
    stop_server,
    visit,
)

pytestmark = pytest.mark.browser

CITY = "city@example.com"


@pytest.fixture(scope="module")
def city_server(browser_tools):
    """The app with the demo (the two communes and the city organizer); seeding may be slow on a busy machine."""
    server = start_server(timeout=300)
    yield server
    stop_server(server)


def chart_text_px(page) -> float:
    """The smallest drawn size, in CSS pixels, of the text in the dashboard's charts."""
    return page.evaluate("""() => {
        let smallest = Infinity;
        for (const text of document.querySelectorAll('.city-charts svg text')) {
            const svg = text.ownerSVGElement;
            const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
            smallest = Math.min(smallest, parseFloat(text.getAttribute('font-size')) * scale);
        }
        return smallest;
    }""")


def test_city_organizer_reads_sorts_and_exports_on_a_phone(city_server, page):
    base = city_server.url
    visit(page, f"{base}/city")
    assert "Số liệu các xã" in page.locator("h1").inner_text()
    assert page.locator("a[href^='/city/export']").count() == 0  # exports are for the city's staff
    assert_accessible(page)

    log_in(page, base, CITY, DEMO_PASSWORD)
    visit(page, f"{base}/")
    click_and_wait(page, page.get_by_role("link", name="Số liệu thành phố").first)
    assert page.url.startswith(f"{base}/city")
    table = page.locator("#communes tbody")
    assert "Xã An Khánh" in table.inner_text() and "Xã Tân Minh" in table.inner_text()
    assert chart_text_px(page) >= 12, chart_text_px(page)
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390 + 1  # nothing wider than the phone
    assert_accessible(page)

    click_and_wait(page, page.locator("#communes thead a", has_text="Ý tưởng đã nộp"))
    assert "sort=ideas" in page.url
    assert page.locator("#communes th[aria-sort]").count() == 1
    assert_accessible(page)

    page.fill("#f-from", "31/02/2026")
    click_and_wait(page, page.get_by_role("button", name="Xem số liệu"))
    assert page.locator("#e-from").is_visible() and page.input_value("#f-from") == "31/02/2026"
    assert_accessible(page)
    page.fill("#f-from", "01/01/2025")
    page.fill("#f-to", "31/12/2026")
    click_and_wait(page, page.get_by_role("button", name="Xem số liệu"))
    assert page.locator("#e-from").count() == 0
    assert "01/01/2025" in page.locator("main").inner_text()
    assert_accessible(page)

    with page.expect_download() as info:
        page.get_by_role("link", name="Tải báo cáo (Excel, mỗi chỉ tiêu một trang tính)").click()
    download = info.value
    assert download.suggested_filename == "so-lieu-cac-xa-20250101-20261231.xlsx"
    from openpyxl import load_workbook

    with open(download.path(), "rb") as handle:
        book = load_workbook(io.BytesIO(handle.read()))
    assert book.sheetnames[:3] == ["Tổng hợp", "Cuộc thi", "Ý tưởng"]
    rows = list(book["Tổng hợp"].iter_rows(values_only=True))
    assert isinstance(rows[1][0], str) and "01/01/2025" in rows[1][0] and rows[-1][0] == "Toàn thành phố"
    communes = [r[0] for r in rows if r[0] in ("Xã An Khánh", "Xã Tân Minh")]
    assert communes == ["Xã An Khánh", "Xã Tân Minh"]

    with page.expect_download() as info:
        page.get_by_role("link", name="Tải bảng tổng hợp (CSV)").click()
    with open(info.value.path(), encoding="utf-8-sig") as handle:
        text = handle.read()
    assert "Ý tưởng đã nộp" in text and "Toàn thành phố" in text


def test_an_organizer_sees_the_local_sponsors_and_a_visitor_their_pledges(city_server, page):
    base = city_server.url
    visit(page, f"{base}/contests/y-tuong-sang-tao-2025/results")
    sponsors = page.locator("#sponsors-heading").locator("xpath=..")
    assert "Công ty TNHH Cơ khí Chính xác An Khánh" in sponsors.inner_text()
    assert "Giải Nhất" in sponsors.inner_text()
    assert_accessible(page)
    log_in(page, base, "organizer@example.com", DEMO_PASSWORD)
    visit(page, f"{base}/organizer/sponsors/")
    main = page.locator("main").inner_text()
    assert "Hợp tác xã Nông nghiệp Khánh Hội" in main and "Trường THPT Tân Minh" not in main
    page.locator("summary", has_text="Ghi nhận cam kết tài trợ").first.click()
    assert_accessible(page)
