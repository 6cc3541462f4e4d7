"""Browser journey through the city final "Chung kết Sáng tạo trẻ thành phố Hải Phòng" (demo, judging phase):
An Khánh's organizer nominates an idea of the commune's published results, its team lead (youth1) confirms
and shares a jury comment, the city organizer (city@example.com) assigns the judges again, a judge of
Tân Minh scores the new finalist, and the city dashboard counts the judge in the city final's row.

Every page is checked with axe-core (WCAG 2.1 A/AA) on a 390×844 screen.
"""

from __future__ import annotations

import re

import pytest

from tests.browser.support import (
    DEMO_PASSWORD,
    assert_accessible,
    click_and_wait,
    flash_text,
    heading,
    log_in,
    log_out,
    start_server,
    stop_server,
    visit,
)

pytestmark = pytest.mark.browser

FINAL_TITLE = "Chung kết Sáng tạo trẻ thành phố Hải Phòng"
NOMINEE = "AK-2025-004"  # «Livestream bán bánh đa từ lò», youth1's idea, 5th in An Khánh's 2025 results
JUDGE = "judge4@example.com"  # a judge of Tân Minh on the city panel: free to score An Khánh's finalists
CITY_ROW = "Thành phố Hải Phòng"


@pytest.fixture(scope="module")
def final_server(browser_tools):
    server = start_server(timeout=300)
    yield server
    stop_server(server)


def judges_in_city_row(page, base: str) -> int:
    visit(page, f"{base}/city")
    headers = [h.strip() for h in page.locator("#communes thead th").all_inner_texts()]
    column = next(i for i, h in enumerate(headers) if h.startswith("Giám khảo"))
    row = page.locator("#communes tbody tr").filter(has_text=CITY_ROW)
    assert row.count() == 1, page.locator("#communes tbody").inner_text()
    return int(re.sub(r"\D", "", row.locator("th, td").nth(column).inner_text()) or 0)


def test_a_commune_idea_goes_to_the_city_final_and_is_scored(final_server, page):
    base = final_server.url

    # An Khánh's organizer opens the city final from the dashboard and nominates an idea.
    log_in(page, base, "organizer@example.com", DEMO_PASSWORD)
    visit(page, f"{base}/organizer/")
    click_and_wait(page, page.get_by_role("link", name="Chung kết thành phố").first)
    assert heading(page) == "Chung kết thành phố"
    assert_accessible(page)
    click_and_wait(page, page.get_by_role("link", name=FINAL_TITLE).first)
    assert "Xã Tân Minh" not in page.locator("main").inner_text()  # only the commune's own results
    click_and_wait(page, page.get_by_role("button", name="Đề cử ý tưởng đã chọn"))  # nothing chosen
    assert "Hãy chọn ý tưởng để đề cử" in page.locator("#e-idea").inner_text()
    assert_accessible(page)
    page.locator("label", has_text=NOMINEE).click()
    page.locator("#f-note").fill("Nhóm đã bán thử được 300 chiếc bánh qua livestream.")
    click_and_wait(page, page.get_by_role("button", name="Đề cử ý tưởng đã chọn"))
    assert "Đã đề cử ý tưởng" in flash_text(page)
    assert_accessible(page)
    visit(page, f"{base}/organizer/city-final/")
    progress = page.locator("main table").inner_text()
    assert NOMINEE in progress and "Chờ nhóm trả lời" in progress and "TM-" not in progress
    log_out(page)

    # The team lead confirms and shares one of the jury comments released to the team.
    log_in(page, base, "youth1@example.com", DEMO_PASSWORD)
    visit(page, f"{base}/my/ideas")
    click_and_wait(page, page.get_by_role("link", name="Đề cử vào chung kết thành phố"))
    click_and_wait(page, page.get_by_role("link", name=re.compile("Livestream bán bánh đa từ lò")))
    assert "Xã An Khánh đề cử ý tưởng AK-2025-004" in page.locator("main").inner_text()
    assert_accessible(page)
    comments = page.locator("input[name=shared]")
    assert comments.count() >= 1
    comments.first.check()
    click_and_wait(page, page.get_by_role("button", name="Xác nhận tham gia chung kết thành phố"))
    assert "Ý tưởng của bạn đã vào chung kết thành phố" in flash_text(page)
    assert_accessible(page)
    entry = page.locator("main a[href^='/ideas/HP-']").first.inner_text().strip()
    assert re.fullmatch(r"HP-\d{4}-\d{3}", entry), entry
    visit(page, f"{base}/ideas/{entry}")
    assert "Đến từ Xã An Khánh" in page.locator("main").inner_text()
    log_out(page)

    # The city organizer sees the new entry and assigns the judges again.
    log_in(page, base, "city@example.com", DEMO_PASSWORD)
    before = judges_in_city_row(page, base)
    visit(page, f"{base}/organizer/city-final/")
    click_and_wait(page, page.get_by_role("link", name=FINAL_TITLE).first)
    rows = page.locator("main table tbody").inner_text()
    assert entry in rows and "Xã An Khánh" in rows and "Xã Tân Minh" in rows
    click_and_wait(page, page.get_by_role("link", name="Mở trang quản lý cuộc thi"))
    round_link = page.locator("main a[href*='/judging']").first
    href = round_link.get_attribute("href")
    round_id = re.search(r"/organizer/rounds/(\d+)/", href).group(1)
    visit(page, f"{base}/organizer/rounds/{round_id}/judging/assignments")
    click_and_wait(page, page.get_by_role("button", name="Tự động phân công bài dự thi"))
    assert_accessible(page)
    log_out(page)

    # A judge of Tân Minh scores the An Khánh finalist.
    log_in(page, base, JUDGE, DEMO_PASSWORD)
    visit(page, f"{base}/judge")
    card = page.locator("main section.card").filter(has=page.get_by_role("heading", name=re.compile(FINAL_TITLE)))
    assert card.count() == 1, page.locator("main").inner_text()
    click_and_wait(page, card.locator("ul.queue li").filter(has_text=entry).get_by_role("link"))
    assert heading(page).startswith(entry)
    fieldsets = page.locator("form.score-form fieldset.criterion")
    for n in range(fieldsets.count()):
        fieldsets.nth(n).locator("label.scale-option").filter(has=page.locator("input[value='4']")).click()
    page.locator("#f-overall_comment").fill("Mô hình bán hàng rõ ràng, nên tính thêm chi phí vận chuyển.")
    assert_accessible(page)
    click_and_wait(page, page.get_by_role("button", name="Nộp phiếu chấm"))
    assert "Đã nộp phiếu chấm" in flash_text(page)
    log_out(page)

    # The dashboard counts the judge in the city final's row.
    log_in(page, base, "city@example.com", DEMO_PASSWORD)
    assert judges_in_city_row(page, base) == before + 1
    assert_accessible(page)
