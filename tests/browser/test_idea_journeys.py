"""Browser journeys through the contests: submitting an idea, its team and files, the gallery, organizers.

The live app is seeded with the demo commune «Xã An Khánh», its open contest
«y-tuong-sang-tao-2026» (submission phase open) and the finished 2025 contest. Every page of
the site that a journey opens is checked with axe-core (WCAG 2.1 A/AA), and the journeys check
what the pages show.
"""

from __future__ import annotations

import re
import secrets
from pathlib import Path

import pytest

from tests.browser.support import (
    DEMO_PASSWORD,
    assert_accessible,
    click_and_wait,
    field_error,
    flash_text,
    heading,
    log_in,
    new_context,
    register_account,
    unique_phone,
    visit,
    write_pdf,
    write_png,
)

pytestmark = pytest.mark.browser

OPEN_SLUG = "y-tuong-sang-tao-2026"
OPEN_TITLE = "Cuộc thi ý tưởng sáng tạo thanh niên xã An Khánh 2026"
CODE = re.compile(r"AK-\d{4}-\d{3}")
CITIZEN_NAME = "Hoàng Văn Bình"
YOUTH1 = "youth1@example.com"
GOOD_PASSWORD = "Thôn-Khánh-Hội-2025"
BOM = b"\xef\xbb\xbf"


# --------------------------------------------------------------------------- steps


def main_text(page) -> str:
    return page.locator("main").inner_text()


def save_draft(page) -> None:
    click_and_wait(page, page.get_by_role("button", name="Lưu bản nháp"))


def save_and_submit(page) -> None:
    click_and_wait(page, page.get_by_role("button", name="Lưu và nộp"))


def fill_idea(page, *, category: str | None = None, **fields: str) -> None:
    """Type into the idea form's fields (by name) and choose a category by its label."""
    for name, value in fields.items():
        page.locator(f"#f-{name}").fill(value)
    if category:
        page.locator("#f-category_id").select_option(label=category)


def complete_idea(page, *, category: str = "Môi trường", budget: str = "15.000.000", body: str = "") -> None:
    """Fill every field a submitted idea needs (title and summary are filled by the caller)."""
    fill_idea(
        page,
        category=category,
        problem="Nhà văn hóa thôn có mái bằng rộng 120 m² bỏ trống; các cụ muốn có rau sạch mà không có đất.",
        solution="Lắp 12 giàn thủy canh hồi lưu trên mái, thanh niên chăm sóc theo lịch, bán rau cho bếp "
        "ăn của trường mầm non.",
        beneficiaries="Khoảng 60 hộ gần nhà văn hóa và 200 cháu ở trường mầm non xã.",
        resources="Giàn ống nhựa, máy bơm nhỏ, dung dịch dinh dưỡng, 6 tình nguyện viên.",
        budget=budget,
        body=body,
    )


def gallery_search(page, base: str, query: str) -> None:
    """Search the open contest's gallery through its form (a plain GET form)."""
    visit(page, f"{base}/contests/{OPEN_SLUG}/ideas")
    page.locator("#f-q").fill(query)
    click_and_wait(page, page.locator("form[role=search]").get_by_role("button", name="Xem"))
    assert_accessible(page)


def card_titles(page) -> list[str]:
    return [t.strip() for t in page.locator("main .idea-card .card-title").all_inner_texts()]


def found_count(page) -> int:
    status = page.locator("main p[role=status]").inner_text()
    match = re.search(r"(\d+)", status)
    assert match, f"the gallery does not say how many ideas it found: {status!r}"
    return int(match.group(1))


def open_submit_form(page, base: str) -> None:
    visit(page, f"{base}/contests/{OPEN_SLUG}/submit")
    assert heading(page) == "Gửi ý tưởng"
    assert page.locator("main form[enctype='multipart/form-data']").is_visible()


# --------------------------------------------------------------------------- journeys


def test_youth_submits_an_idea_with_team_and_attachment(live_server, page, browser, tmp_path):
    base = live_server.url
    token = f"{secrets.randbelow(9000) + 1000}"
    title = f"Vườn rau thủy canh trên mái nhà văn hóa Khánh Hội số {token}"
    summary = "Trồng rau thủy canh trên mái nhà văn hóa thôn, rau sạch cho bếp ăn trường mầm non."
    pdf = write_pdf(tmp_path / "Kế hoạch vườn rau.pdf")
    cover = write_png(tmp_path / "anh-bia.png")

    # A new young resident signs up.
    register_account(
        page,
        base,
        full_name="Trần Thị Minh Thư",
        phone=unique_phone(),
        password=GOOD_PASSWORD,
        birth_year="2005",
        hamlet="Thôn Khánh Hội",
    )

    # The open contest invites them to submit an idea.
    visit(page, f"{base}/contests/{OPEN_SLUG}")
    assert heading(page) == OPEN_TITLE
    click_and_wait(page, page.locator("main .hero-actions").get_by_role("link", name="Gửi ý tưởng"))
    assert page.url == f"{base}/contests/{OPEN_SLUG}/submit"
    assert heading(page) == "Gửi ý tưởng"
    assert_accessible(page)

    # A first draft with only a title and a summary.
    fill_idea(page, title=title, summary=summary)
    save_draft(page)
    assert re.fullmatch(rf"{re.escape(base)}/my/ideas/\d+", page.url), page.url
    edit_url = page.url
    assert heading(page) == "Ý tưởng của bạn"
    assert "Đã lưu bản nháp của bạn" in flash_text(page)
    assert "Bản nháp" in main_text(page)
    assert page.locator("#f-title").input_value() == title
    assert page.locator("#f-summary").input_value() == summary
    assert_accessible(page)

    # Invite citizen1 into the team. (The invitation is its own form, so it comes before typing the
    # rest: sending it reloads the page and would drop what was typed in the idea form.)
    page.locator("#f-contact").fill("citizen1@example.com")
    click_and_wait(page, page.get_by_role("button", name="Gửi lời mời"))
    assert page.url.startswith(edit_url)
    assert "Đã gửi lời mời" in flash_text(page)
    team = page.locator("#team").inner_text()
    assert CITIZEN_NAME in team and "đã mời, đang chờ trả lời" in team, team
    assert_accessible(page)

    # Everything else, a cover and a PDF, then submit.
    complete_idea(page, body="## Lịch chăm sóc\n\n- Sáng: kiểm tra máy bơm\n- Chiều: thu hoạch")
    page.locator("#f-stage").select_option(label="Thí điểm")
    page.locator("#f-cover").set_input_files(str(cover))
    page.locator("#f-attachments").set_input_files(str(pdf))
    save_and_submit(page)
    assert "?submitted=1" in page.url, page.url
    flash = flash_text(page)
    assert "Ý tưởng của bạn đã được nộp" in flash, flash
    code_match = CODE.search(flash)
    assert code_match, f"no idea code in the confirmation: {flash!r}"
    code = code_match.group(0)
    assert page.url.startswith(f"{base}/ideas/{code}")
    assert heading(page) == title
    assert code in page.locator("main .eyebrow").inner_text()
    meta = page.locator("main .meta").first.inner_text()
    assert "Môi trường" in meta and "Thôn Khánh Hội" in meta and "Thí điểm" in meta, meta
    assert "15.000.000 đ" in page.locator("main dl.details").inner_text()
    assert "Lịch chăm sóc" in page.locator("main .prose").inner_text()
    files = page.locator("section[aria-labelledby=files-heading]")
    assert files.get_by_role("link", name="Kế hoạch vườn rau.pdf").is_visible()
    pdf_link = files.get_by_role("link", name="Kế hoạch vườn rau.pdf").get_attribute("href")
    download = page.request.get(f"{base}{pdf_link}")
    assert download.ok and download.body().startswith(b"%PDF-")
    assert download.headers["content-type"].startswith("application/pdf")
    image = page.get_by_role("img", name="Ảnh bìa của ý tưởng")
    assert image.is_visible()
    assert page.evaluate("(img) => img.complete && img.naturalWidth > 0", image.element_handle()), (
        "the cover image did not load"
    )
    team = page.locator("section[aria-labelledby=team-heading]").inner_text()
    assert "Trần Thị Minh Thư" in team and "trưởng nhóm" in team
    assert CITIZEN_NAME not in team, "a member who has not accepted yet must not be shown publicly"
    assert_accessible(page)

    # citizen1, in another browser, accepts the invitation.
    other = new_context(browser)
    try:
        citizen = other.new_page()
        log_in(citizen, base, "citizen1@example.com", DEMO_PASSWORD)
        visit(citizen, f"{base}/my/invitations")
        assert heading(citizen) == "Lời mời tham gia nhóm"
        invitation = citizen.locator("main .inbox-item").filter(has_text=title)
        assert invitation.count() == 1, main_text(citizen)
        assert "Trần Thị Minh Thư" in invitation.inner_text()
        click_and_wait(citizen, invitation.get_by_role("button", name="Tham gia nhóm"))
        assert citizen.url == f"{base}/my/ideas"
        assert "Bạn đã tham gia nhóm" in flash_text(citizen)
        assert citizen.locator("main table").get_by_role("link", name=title).is_visible()
        assert_accessible(citizen)

        visit(citizen, f"{base}/ideas/{code}")
        team = citizen.locator("section[aria-labelledby=team-heading]").inner_text()
        assert CITIZEN_NAME in team, team
    finally:
        other.close()

    # The public page (seen by the lead again) now lists citizen1 in the team.
    visit(page, f"{base}/ideas/{code}")
    assert CITIZEN_NAME in page.locator("section[aria-labelledby=team-heading]").inner_text()

    # The gallery finds it when searched without diacritics.
    # (At most 8 words count in a search, so the query keeps the token among them.)
    gallery_search(page, base, f"vuon rau thuy canh khanh hoi {token}")
    assert card_titles(page) == [title]
    assert found_count(page) == 1
    card = page.locator("main .idea-card").first
    assert code in card.inner_text()
    assert card.locator("img.card-cover").count() == 1


def test_oversized_file_keeps_the_form(live_server, page, tmp_path):
    base = live_server.url
    title = f"Máy sấy nông sản bằng năng lượng mặt trời {secrets.randbelow(9000) + 1000}"
    summary = "Máy sấy dùng nắng để sấy vải, nhãn và cá khô cho các hộ ở Bến Đò."
    problem = "Mùa mưa nông sản bị mốc vì phơi ngoài sân, bà con phải bán rẻ."
    big = write_pdf(tmp_path / "ban-ve-chi-tiet.pdf", size=10 * 1024 * 1024 + 1)

    log_in(page, base, YOUTH1, DEMO_PASSWORD)
    open_submit_form(page, base)
    fill_idea(page, title=title, summary=summary, problem=problem)
    page.locator("#f-attachments").set_input_files(str(big))
    save_and_submit(page)

    # The same form comes back with the error next to the attachments field.
    assert page.url == f"{base}/contests/{OPEN_SLUG}/submit"
    assert heading(page) == "Gửi ý tưởng"
    error = field_error(page, "attachments")
    assert "ban-ve-chi-tiet.pdf" in error and "10 MB" in error, error
    summary_box = page.locator("#form-errors")
    assert summary_box.is_visible() and "ban-ve-chi-tiet.pdf" in summary_box.inner_text()
    assert "các tệp không được giữ lại" in main_text(page)
    assert page.locator("#f-title").input_value() == title
    assert page.locator("#f-summary").input_value() == summary
    assert page.locator("#f-problem").input_value() == problem
    assert_accessible(page)

    # Nothing was created.
    gallery_search(page, base, title)
    assert found_count(page) == 0
    assert card_titles(page) == []
    assert "Không có ý tưởng nào phù hợp" in main_text(page)
    visit(page, f"{base}/my/ideas")
    assert title not in main_text(page)


def test_script_payloads_render_inert(live_server, page):
    base = live_server.url
    title = "<script>alert('x')</script><img src=x onerror=alert(1)>"
    body = "Mô tả.\n\n<script>alert(2)</script>\n\n[click](javascript:alert(3))\n"
    dialogs: list[str] = []

    def on_dialog(dialog):
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    log_in(page, base, YOUTH1, DEMO_PASSWORD)
    open_submit_form(page, base)
    fill_idea(page, title=title, summary="Một ý tưởng để thử chữ đặc biệt <b>không in đậm</b>.")
    complete_idea(page, category="Xã hội", body=body)
    save_and_submit(page)
    code_match = CODE.search(flash_text(page))
    assert code_match, flash_text(page)
    code = code_match.group(0)

    # The public idea page shows the title as text; the Markdown lost its script and javascript: link.
    assert page.url.startswith(f"{base}/ideas/{code}")
    page.wait_for_timeout(300)
    assert heading(page) == title
    assert title in page.title()
    assert "<b>không in đậm</b>" in page.locator("main p.lead").inner_text()
    prose = page.locator("main .prose")
    assert "Mô tả." in prose.inner_text()
    assert prose.locator("script").count() == 0
    assert prose.locator("a[href^='javascript' i]").count() == 0
    assert page.locator("img[src=x]").count() == 0
    assert page.locator("main script").count() == 0
    assert_accessible(page)

    # The gallery card and the team's own list show it literally too.
    gallery_search(page, base, "script alert onerror")
    assert title in card_titles(page)
    assert page.locator("img[src=x]").count() == 0
    visit(page, f"{base}/my/ideas")
    assert page.locator("main table").get_by_role("link", name=title).is_visible()
    page.wait_for_timeout(300)
    assert dialogs == [], f"a script ran: {dialogs}"


def test_organizer_sees_figures(live_server, page):
    base = live_server.url
    log_in(page, base, "organizer@example.com", DEMO_PASSWORD)
    visit(page, f"{base}/organizer/")
    assert heading(page) == "Trang ban tổ chức"
    table = page.locator("main table")
    assert "Các cuộc thi của xã bạn" in table.locator("caption").inner_text()
    row = table.locator("tbody tr").filter(has_text=OPEN_TITLE)
    assert row.count() == 1
    cells = [c.strip() for c in row.locator("td").all_inner_texts()]
    submitted, new, drafts, hidden = cells[1], cells[2].lstrip("+"), cells[3], cells[4]
    assert int(submitted) >= 25, cells
    assert int(new) >= 0 and int(drafts) >= 1 and int(hidden) >= 0, cells
    assert table.locator("tbody tr").filter(has_text="Cuộc thi ý tưởng sáng tạo xã An Khánh 2025").count() == 1

    click_and_wait(page, row.get_by_role("link", name=OPEN_TITLE))
    assert page.url == f"{base}/organizer/contests/{OPEN_SLUG}"
    assert heading(page) == OPEN_TITLE
    assert_accessible(page)
    charts = page.locator("main figure.chart svg[role=img]")
    assert charts.count() == 4
    for i in range(4):
        assert charts.nth(i).is_visible()
    names = [
        charts.nth(i).evaluate(
            "(svg) => svg.getAttribute('aria-labelledby').split(' ').map(id => document.getElementById(id)?.textContent)"
            ".join(' ')"
        )
        for i in range(4)
    ]
    assert "Ý tưởng theo trạng thái" in names[0] and "Ý tưởng theo lĩnh vực" in names[1], names
    assert re.search(r"\d+ ý tưởng", main_text(page))
    titles = [t.strip() for t in page.locator("main table tbody tr td:nth-child(2)").all_inner_texts()]
    assert "Nút gọi khẩn cấp cho người cao tuổi sống một mình" in titles

    # The CSV download: UTF-8 with a BOM, Vietnamese intact.
    with page.expect_download() as info:
        page.get_by_role("link", name="Tải về CSV").click()
    download = info.value
    assert download.suggested_filename == f"{OPEN_SLUG}-y-tuong.csv"
    data = Path(download.path()).read_bytes()
    assert data.startswith(BOM), data[:20]
    text = data.decode("utf-8-sig")
    assert "Nút gọi khẩn cấp cho người cao tuổi sống một mình" in text
    assert text.splitlines()[0].startswith("Mã"), text.splitlines()[0]

    # The Excel export answers with a zip (xlsx) file.
    xlsx = page.request.get(f"{base}/organizer/contests/{OPEN_SLUG}/export.xlsx")
    assert xlsx.ok and xlsx.body().startswith(b"PK")


def test_gallery_filters_without_js(live_server, browser):
    base = live_server.url
    context = new_context(browser, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(f"{base}/contests/{OPEN_SLUG}/ideas")
        assert heading(page) == "Ý tưởng"
        everything = found_count(page)
        page.locator("#f-category").select_option(label="Môi trường")
        click_and_wait(page, page.locator("form[role=search]").get_by_role("button", name="Xem"))
        assert "category=" in page.url
        assert page.locator("#f-category option:checked").inner_text() == "Môi trường"
        cards = page.locator("main .idea-card")
        count = found_count(page)
        assert 0 < count < everything
        assert cards.count() == min(count, 12)
        for meta in cards.locator(".meta").all_inner_texts():
            assert "Môi trường" in meta, meta
        url = page.url
    finally:
        context.close()
    # axe needs JavaScript: the filtered page is checked in a context that has it.
    checker = new_context(browser)
    try:
        page = checker.new_page()
        visit(page, url)
        assert found_count(page) == count
    finally:
        checker.close()
