"""Browser journeys through mentoring: finding a mentor and booking office hours, the organizer's batch
matching, and registering for a startup-thinking workshop.

The live app is seeded with the demo mentoring programme of «Xã An Khánh» (demo/mentoring.py) on top of
the contests (demo/contests.py). The people used here:

* thanhnien10 leads two mentorable ideas: «Loa truyền thanh thông minh…» (2026, shortlisted) and the
  awarded 2025 «Bản đồ điểm rác tự phát qua Zalo» (needs stated, one request waiting for mentor1, no
  mentor yet). The team asks mentor2 (PGS.TS. Nguyễn Văn Thành, software, 2 places, no team yet).
* thanhnien08 leads the awarded 2025 «Máy cuộn rơm mini…» (in incubation, no needs, no mentor): the
  team states its needs and the organizer's batch matching gives it a mentor.
* thanhnien04 is a citizen who is not registered for the upcoming workshop.

Every page the journeys open is checked with axe-core (WCAG 2.1 A/AA) on a 390×844 phone screen.
"""

from __future__ import annotations

import datetime as dt

import pytest

from tests.browser.support import (
    DEMO_PASSWORD,
    VIEWPORT,
    assert_accessible,
    click_and_wait,
    log_in,
    new_context,
    visit,
)

pytestmark = pytest.mark.browser

VN = dt.timezone(dt.timedelta(hours=7))

TEAM_LEAD = "thanhnien10@example.com"
TEAM_IDEA = "Bản đồ điểm rác tự phát qua Zalo"
OTHER_IDEA = "Loa truyền thanh thông minh phát bản tin theo từng thôn"
MENTOR = "mentor2@example.com"
MENTOR_NAME = "Nguyễn Văn Thành"
EXPERTISE = "Phần mềm và ứng dụng"

MATCH_LEAD = "thanhnien08@example.com"
MATCH_IDEA = "Máy cuộn rơm mini dùng chung cho ruộng nhỏ"
ORGANIZER = "organizer@example.com"

CITIZEN = "thanhnien04@example.com"
WORKSHOP = "Tư duy khởi nghiệp: từ ý tưởng đến mô hình kinh doanh"


# --------------------------------------------------------------------------- helpers (this file only)


def flashes(page) -> str:
    box = page.locator("main .flashes")
    return box.inner_text().strip() if box.count() else ""


def main_text(page) -> str:
    return page.locator("main").inner_text()


def submit(page, locator) -> None:
    """Click a submit button, wait for the page it loads, and check that page with axe."""
    click_and_wait(page, locator)
    assert_accessible(page)


def team_card(page, title: str):
    """The team's card (one per idea) in the "As a team" section of /mentoring."""
    cards = page.locator("main section[aria-labelledby=team-heading] article").filter(has_text=title)
    assert cards.count() == 1, f"the hub shows no card for «{title}»:\n{main_text(page)}"
    return cards.first


def download_text(page, link) -> tuple[str, str]:
    """Click a link to a file and return (suggested file name, text of the file)."""
    with page.expect_download() as info:
        link.click()
    download = info.value
    path = download.path()
    assert path is not None, f"the download of {download.url} failed: {download.failure()}"
    with open(path, encoding="utf-8") as handle:
        return download.suggested_filename, handle.read()


def check_ics(name: str, body: str) -> None:
    assert name.endswith(".ics"), name
    assert body.startswith("BEGIN:VCALENDAR"), body[:200]
    assert "BEGIN:VEVENT" in body and "END:VEVENT" in body, body
    assert "DTSTART" in body and "DTEND" in body, body


# --------------------------------------------------------------------------- journeys


def test_team_finds_mentor_books_office_hours(live_server, browser, page):
    base = live_server.url
    assert page.viewport_size == VIEWPORT

    # The team lead finds a software mentor with a free place in the directory.
    log_in(page, base, TEAM_LEAD, DEMO_PASSWORD)
    visit(page, f"{base}/mentors/")
    page.locator("#f-expertise").select_option(label=EXPERTISE)
    page.get_by_label("Hiện còn chỗ trống").check()
    submit(page, page.locator("form[role=search]").get_by_role("button", name="Xem"))
    assert "expertise=software" in page.url and "available=1" in page.url, page.url
    cards = page.locator("main ul.grid > li.card")
    names = [n.strip() for n in cards.locator(".card-title").all_inner_texts()]
    assert MENTOR_NAME in names, names
    for n in range(cards.count()):
        card = cards.nth(n)
        assert EXPERTISE in card.inner_text(), card.inner_text()
        assert card.locator(".badge").count() == 1, f"a mentor without a free place is listed: {card.inner_text()}"
    assert page.locator("#f-available").is_checked()

    # The mentor's page shows the profile, but neither email nor phone.
    submit(page, page.get_by_role("link", name=MENTOR_NAME))
    assert page.locator("h1").inner_text().strip() == MENTOR_NAME
    text = main_text(page)
    assert "Trường Đại học Hàng hải Việt Nam" in text and EXPERTISE in text
    assert MENTOR not in page.content()
    assert page.locator("main a[href^='mailto:'], main a[href^='tel:']").count() == 0
    mentor_url = page.url

    # The team chooses its second idea; an empty message is refused next to the field, the idea kept.
    idea_select = page.locator("#f-idea")
    options = [o.strip() for o in idea_select.locator("option").all_inner_texts()]
    assert any(OTHER_IDEA in o for o in options) and any(TEAM_IDEA in o for o in options), options
    chosen = next(o for o in options if TEAM_IDEA in o)
    assert idea_select.input_value() != idea_select.locator("option", has_text=TEAM_IDEA).get_attribute("value"), (
        "choose an idea that is not the default, to check that it is kept"
    )
    idea_select.select_option(label=chosen)
    idea_id = idea_select.input_value()
    submit(page, page.get_by_role("button", name="Gửi đề nghị"))
    assert page.url.endswith("/request"), page.url
    error = page.locator("#e-message")
    assert error.count() == 1, main_text(page)
    assert "Vui lòng viết lời nhắn ngắn" in error.inner_text()
    message = page.locator("#f-message")
    assert message.get_attribute("aria-invalid") == "true"
    assert message.get_attribute("aria-describedby") == "e-message"
    assert page.locator(".field", has=message).locator("#e-message").count() == 1, "the error is not next to the field"
    assert page.locator("#f-idea").input_value() == idea_id, "the chosen idea was lost"

    request_message = (
        "Chào thầy, bản đồ điểm rác của nhóm em đã có 60 điểm. Nhóm em cần góp ý để làm một ứng "
        "dụng đơn giản cho bà con báo điểm rác ạ."
    )
    message.fill(request_message)
    submit(page, page.get_by_role("button", name="Gửi đề nghị"))
    assert page.url == f"{base}/mentoring", page.url
    assert "Đã gửi đề nghị của bạn" in flashes(page)
    card = team_card(page, TEAM_IDEA)
    waiting = card.locator("li").filter(has_text=MENTOR_NAME)
    assert waiting.count() == 1 and "đang chờ trả lời" in waiting.inner_text(), card.inner_text()

    # The mentor, on another phone, accepts the team and publishes office hours three days later.
    mentor_context = new_context(browser)
    try:
        mentor_page = mentor_context.new_page()
        log_in(mentor_page, base, MENTOR, DEMO_PASSWORD)
        visit(mentor_page, f"{base}/mentoring")
        requests = mentor_page.locator("section[aria-labelledby=mentor-heading] article").filter(has_text=TEAM_IDEA)
        assert requests.count() == 1, main_text(mentor_page)
        assert request_message in requests.inner_text()
        submit(mentor_page, requests.get_by_role("button", name="Nhận nhóm"))
        assert "Bạn đã nhận nhóm" in flashes(mentor_page)
        mentees = mentor_page.locator("section[aria-labelledby=mentor-heading] ul li a").filter(has_text=TEAM_IDEA)
        assert mentees.count() == 1, main_text(mentor_page)

        starts = (dt.datetime.now(VN) + dt.timedelta(days=3)).replace(hour=19, minute=30, second=0, microsecond=0)
        mentor_page.locator("#f-starts").fill(starts.strftime("%Y-%m-%dT%H:%M"))
        mentor_page.locator("#f-minutes").fill("60")
        mentor_page.locator("#f-slot-mode").select_option("online")
        mentor_page.locator("#f-location").fill("Gọi video qua Zalo")
        submit(mentor_page, mentor_page.locator("form[action='/mentoring/slots'] button[type=submit]"))
        assert mentor_page.url.startswith(f"{base}/mentoring"), mentor_page.url
        assert "Đã công bố giờ tư vấn" in flashes(mentor_page), flashes(mentor_page)
        slots = mentor_page.locator("#slots + ul li")
        assert slots.count() == 1 and "còn trống" in slots.inner_text(), main_text(mentor_page)
        assert starts.strftime("%d/%m/%Y %H:%M") in slots.inner_text(), slots.inner_text()
    finally:
        mentor_context.close()

    # The team sees its mentor, books the slot and downloads the calendar invitation.
    visit(page, f"{base}/mentoring")
    card = team_card(page, TEAM_IDEA)
    answered = card.locator("li").filter(has_text=f"{MENTOR_NAME} — đã nhận lời")
    assert answered.count() == 1, card.inner_text()
    submit(page, card.get_by_role("link", name=f"Chuyên gia cố vấn: {MENTOR_NAME}"))
    assert "/mentoring/mentorships/" in page.url, page.url
    assert TEAM_IDEA in page.locator("h1").inner_text()
    book = page.locator("#slots form[action$='/book'] button")
    assert book.count() == 1, main_text(page)
    assert book.inner_text().startswith("Đặt lịch"), book.inner_text()
    submit(page, book)
    assert "Đã đặt lịch" in flashes(page), flashes(page)
    booked = page.locator("#slots li").filter(has_text="Gọi video qua Zalo")
    assert booked.count() == 1, page.locator("#slots").inner_text()
    assert page.locator("#slots form[action$='/book']").count() == 0, page.locator("#slots").inner_text()
    ics_link = booked.get_by_role("link", name="Lời mời lịch (.ics)")
    assert ics_link.count() == 1
    href = ics_link.get_attribute("href")
    assert href.startswith("/mentoring/slots/") and href.endswith("/invitation.ics"), href
    name, body = download_text(page, ics_link)
    check_ics(name, body)
    assert "Gọi video qua Zalo" in body.replace("\r\n ", "")
    response = page.request.get(f"{base}{href}")
    assert response.status == 200 and "text/calendar" in response.headers["content-type"]
    assert "BEGIN:VEVENT" in response.text()
    # The invitation is only for the two sides of the mentorship: not for someone logged out.
    stranger = new_context(browser)
    try:
        response = stranger.request.get(f"{base}{href}", max_redirects=0)
        assert response.status != 200 and "BEGIN:VEVENT" not in response.text(), response.status
    finally:
        stranger.close()

    # The mentor's profile now counts one place fewer.
    visit(page, mentor_url)
    places = page.locator("dl.details dt", has_text="Số chỗ còn trống").locator("xpath=following-sibling::dd[1]")
    assert places.inner_text().strip() == "1 / 2", main_text(page)


def test_organizer_runs_batch_matching(live_server, browser, page):
    base = live_server.url

    # The team lead says what the team needs.
    log_in(page, base, MATCH_LEAD, DEMO_PASSWORD)
    visit(page, f"{base}/mentoring")
    card = team_card(page, MATCH_IDEA)
    assert card.locator("a[href^='/mentoring/mentorships/']").count() == 0, "the team already has a mentor"
    needs_link = card.locator("a[href^='/mentoring/needs/']")
    idea_id = needs_link.get_attribute("href").rsplit("/", 1)[1]
    visit(page, f"{base}/mentoring/needs/{idea_id}")
    assert MATCH_IDEA in page.locator("h1").inner_text()
    page.get_by_label("Bán hàng", exact=True).check()
    page.get_by_label("Công nghệ nông nghiệp", exact=True).check()
    page.locator("#f-sector").select_option(label="Nông nghiệp")
    submit(page, page.get_by_role("button", name="Lưu", exact=True))
    assert page.url == f"{base}/mentoring", page.url
    assert "Đã lưu nhu cầu của nhóm bạn" in flashes(page)
    card = team_card(page, MATCH_IDEA)
    tags = [t.strip() for t in card.locator(".tag").all_inner_texts()]
    assert sorted(tags) == ["Bán hàng", "Công nghệ nông nghiệp"], tags

    # The organizer proposes stable matches, reads why, and publishes them.
    organizer_context = new_context(browser)
    try:
        org = organizer_context.new_page()
        log_in(org, base, ORGANIZER, DEMO_PASSWORD)
        visit(org, f"{base}/organizer/mentoring/")
        org.locator("#matching #f-mode").select_option(label="Ổn định")
        submit(org, org.get_by_role("button", name="Đề xuất ghép cặp"))
        assert "#matching" in org.url or org.url.endswith("/organizer/mentoring/"), org.url
        matching = org.locator("#matching")
        assert "Ổn định" in matching.inner_text()
        rows = matching.locator("tbody tr")
        assert rows.count() >= 1, matching.inner_text()
        row = rows.filter(has_text=MATCH_IDEA)
        assert row.count() == 1, matching.inner_text()
        cells = row.locator("td")
        mentor_name = cells.nth(1).inner_text().strip()
        assert mentor_name and mentor_name != "không có chuyên gia cố vấn phù hợp", row.inner_text()
        why = cells.nth(3).locator("p")
        assert why.count() >= 1, row.inner_text()
        assert any(line.startswith("Đáp ứng các nhu cầu:") for line in why.all_inner_texts()), why.all_inner_texts()
        proposed = [c.strip() for c in rows.locator("td:nth-child(2)").all_inner_texts()]
        assert any(p and p != "không có chuyên gia cố vấn phù hợp" for p in proposed), proposed
        assert matching.locator(".badge", has_text="đã công bố").count() == 0

        submit(org, org.get_by_role("button", name="Công bố: bắt đầu các quan hệ cố vấn này"))
        assert "quan hệ cố vấn" in flashes(org), flashes(org)
        matching = org.locator("#matching")
        assert matching.locator(".badge", has_text="đã công bố").count() == 1, matching.inner_text()
        assert matching.get_by_role("button", name="Công bố: bắt đầu các quan hệ cố vấn này").count() == 0
        assert matching.locator("tbody select").count() == 0, "a published matching can still be changed"
    finally:
        organizer_context.close()

    # The team lead's hub now lists the mentor.
    visit(page, f"{base}/mentoring")
    card = team_card(page, MATCH_IDEA)
    link = card.get_by_role("link", name=f"Chuyên gia cố vấn: {mentor_name}")
    assert link.count() == 1, card.inner_text()
    submit(page, link)
    assert MATCH_IDEA in page.locator("h1").inner_text()
    assert mentor_name in main_text(page)


def test_youth_registers_for_a_workshop(live_server, page):
    base = live_server.url
    log_in(page, base, CITIZEN, DEMO_PASSWORD)

    visit(page, f"{base}/workshops")
    upcoming = page.locator("main ul.grid > li.card").filter(has_text=WORKSHOP)
    assert upcoming.count() == 1, main_text(page)
    assert "Nhà văn hóa xã An Khánh" in upcoming.inner_text()
    submit(page, upcoming.get_by_role("link", name=WORKSHOP))
    assert page.locator("h1").inner_text().strip() == WORKSHOP
    seats_before = page.locator("dl.details dd").nth(3).inner_text()

    register = page.locator("main form[action$='/register']").get_by_role("button", name="Đăng ký")
    assert register.count() == 1, main_text(page)
    submit(page, register)
    assert "Bạn đã đăng ký thành công" in flashes(page), flashes(page)
    assert "Bạn đã đăng ký." in main_text(page)
    cancel = page.get_by_role("button", name="Hủy đăng ký của tôi")
    assert cancel.is_visible()
    assert page.locator("main form[action$='/register']").count() == 0
    seats_after = page.locator("dl.details dd").nth(3).inner_text()
    assert int(seats_after.split("/")[0]) == int(seats_before.split("/")[0]) + 1, (seats_before, seats_after)

    ics_link = page.get_by_role("link", name="Thêm vào lịch của tôi (.ics)")
    name, body = download_text(page, ics_link)
    check_ics(name, body)
    assert "Nhà văn hóa xã An Khánh" in body.replace("\r\n ", "")
    response = page.request.get(f"{base}{ics_link.get_attribute('href')}")
    assert response.status == 200 and "text/calendar" in response.headers["content-type"]
    assert "BEGIN:VEVENT" in response.text()
