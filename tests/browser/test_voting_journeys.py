"""Browser journey through the public vote: verification, votes with and without JavaScript, the log, results.

The journey runs on its own app and SQLite file. The demo contest «sang-kien-chuyen-doi-so-2026»
is in its public vote when the app seeds it (the vote closes 5 days later, the results come out 7
days later): 2 votes per verified resident, votes may be taken back. A new citizen registers, is
verified at the commune office by the organizer, votes with JavaScript and without it, changes a
vote — then the app is started again on the same database with its clock 8 days ahead, and the
citizen's receipts are found in the published vote log, whose hash chain the test recomputes.
Every page that the journey opens is checked with axe-core (WCAG 2.1 A/AA).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pytest

from contest.voting import parse_log, verify_log
from tests.browser.support import (
    DEMO_PASSWORD,
    LiveServer,
    assert_accessible,
    click_and_wait,
    field_error,
    flash_text,
    heading,
    log_in,
    new_context,
    register_account,
    restart_server,
    start_server,
    stop_server,
    unique_phone,
    visit,
)

pytestmark = pytest.mark.browser

SLUG = "sang-kien-chuyen-doi-so-2026"
VOTE = f"/contests/{SLUG}/vote"
ORGANIZER = "organizer@example.com"
CITIZEN_PASSWORD = "Đông-Thượng-bình-chọn-1985"
HAMLET = "Thôn Đông Thượng"
CITIZEN_NAME = "Tạ Thị Minh Nguyệt"
# Eight days after the seed the vote (closed on day 5) and its results (day 7) are both public.
AFTER_RESULTS = 8 * 24 * 3600
RECEIPT = re.compile(r"Mã xác nhận phiếu: ([0-9A-F]{10})")
VOTES_LEFT = re.compile(r"còn (\d+) phiếu")
BOM = b"\xef\xbb\xbf"


@dataclass
class Citizen:
    name: str
    phone: str
    password: str = CITIZEN_PASSWORD
    votes: dict[str, str] = field(default_factory=dict)  # idea code → receipt of the current vote
    withdrawn: dict[str, str] = field(default_factory=dict)  # idea code → receipt of the vote taken back


@pytest.fixture
def vote_servers(browser_tools):
    """The app on a fresh SQLite file; the journey may restart it (``restart``) on the same file."""
    started: list[LiveServer] = [start_server()]

    def restart(**env: str) -> LiveServer:
        started.append(restart_server(started[-1], extra_env=env))
        return started[-1]

    yield started[0], restart
    stop_server(started[-1])


# --------------------------------------------------------------------------- reading the pages


def main_text(page) -> str:
    return page.locator("main").inner_text()


def receipt_in(text: str) -> str:
    match = RECEIPT.search(text)
    assert match, f"no receipt «Mã xác nhận phiếu: …» in {text!r}"
    return match.group(1)


def votes_left(text: str) -> int:
    match = VOTES_LEFT.search(text)
    assert match, f"no «còn N phiếu» in {text!r}"
    return int(match.group(1))


def vote_status(page) -> str:
    return page.locator("#vote-status").inner_text().strip()


def card(page, code: str):
    return page.locator(f"li.idea-card#idea-{code}")


def vote_button(page, code: str):
    return card(page, code).locator("form[data-vote] button[type=submit]")


def card_codes(cards) -> list[str]:
    return cards.evaluate_all("(cards) => cards.map(c => c.id.replace(/^idea-/, ''))")


def votable_codes(page) -> list[str]:
    """The codes of the ideas the page offers a «Bình chọn» button for, in the page's order."""
    return card_codes(page.locator("li.idea-card").filter(has=page.locator("form[data-vote]")))


def receipt_on_card(page, code: str) -> str:
    """The «✓ voted» mark of a card and the receipt it shows."""
    mark = card(page, code).locator("p.voted")
    assert mark.count() == 1, card(page, code).inner_text()
    text = mark.inner_text()
    assert "Bạn đã bình chọn cho ý tưởng này" in text, text
    return receipt_in(text)


def table_rows(table) -> list[list[str]]:
    return table.locator("tr").evaluate_all("(rows) => rows.map(r => Array.from(r.cells).map(c => c.innerText.trim()))")


# --------------------------------------------------------------------------- steps


def register_unverified_citizen(page, base: str) -> Citizen:
    """Step 1: a new citizen signs up, opens the vote and is told that only verified residents vote."""
    # Not on the commune's resident list, so registering does not verify her.
    citizen = Citizen(name=CITIZEN_NAME, phone=unique_phone())
    register_account(
        page,
        base,
        full_name=citizen.name,
        phone=citizen.phone,
        password=citizen.password,
        birth_year="1985",
        hamlet=HAMLET,
    )
    visit(page, f"{base}{VOTE}")
    assert heading(page) == "Bình chọn"
    refusal = page.locator("main p.flash-error")
    assert refusal.count() == 1, main_text(page)
    assert "Chỉ người dân đã xác minh mới được bình chọn" in refusal.inner_text()
    assert page.locator("main form[data-vote]").count() == 0, "an unverified citizen is offered a vote button"
    how = refusal.get_by_role("link", name="Cách xác minh")
    assert how.get_attribute("href") == "/account/verify"
    click_and_wait(page, how)
    assert page.url == f"{base}/account/verify"
    assert_accessible(page)
    assert "Chỉ người dân đã xác minh mới được tham gia bình chọn" in main_text(page)
    return citizen


def organizer_verifies(browser, base: str, citizen: Citizen) -> None:
    """Step 2: at the commune office the organizer finds the citizen by name and verifies her."""
    context = new_context(browser)
    try:
        page = context.new_page()
        log_in(page, base, ORGANIZER, DEMO_PASSWORD)
        visit(page, f"{base}/organizer/residents/")
        page.get_by_label("Họ tên hoặc số điện thoại").fill(citizen.name)
        click_and_wait(page, page.get_by_role("search").get_by_role("button", name="Tìm kiếm"))
        assert_accessible(page)
        row = page.locator("main table tbody tr").filter(has_text=citizen.name)
        assert row.count() == 1, main_text(page)
        assert "1985" in row.inner_text() and HAMLET in row.inner_text(), row.inner_text()
        click_and_wait(page, row.get_by_role("button", name=re.compile(r"Đã kiểm tra căn cước công dân: xác minh")))
        assert_accessible(page)
        assert "Đã xác minh tại trụ sở UBND xã." in flash_text(page)
        row = page.locator("main table tbody tr").filter(has_text=citizen.name)
        assert row.count() == 1 and "đã xác minh" in row.inner_text(), main_text(page)
    finally:
        context.close()


def vote_with_javascript(page, citizen: Citizen, code: str) -> int:
    """vote.js sends the vote with fetch: the live region gets the receipt, the button becomes «✓ voted»."""
    url = page.url
    page.evaluate("() => { window.__samePage = true; }")  # gone if the browser loaded a new page
    vote_button(page, code).click()
    page.wait_for_function("() => /Mã xác nhận phiếu/.test(document.getElementById('vote-status').innerText)")
    status = vote_status(page)
    assert f"Phiếu bình chọn cho {code} của bạn đã được ghi nhận" in status, status
    assert page.url == url and page.evaluate("() => window.__samePage === true"), "the vote loaded another page"
    mark = card(page, code).locator("p.voted")
    assert mark.count() == 1 and mark.inner_text().startswith("✓"), card(page, code).inner_text()
    assert vote_button(page, code).count() == 0
    assert receipt_in(mark.inner_text()) == receipt_in(status)
    citizen.votes[code] = receipt_in(status)
    assert_accessible(page)
    return votes_left(status)


def vote_without_javascript(page, base: str, citizen: Citizen, code: str) -> int:
    """Without JavaScript the form posts and redirects back to the card, with a flash."""
    click_and_wait(page, vote_button(page, code))
    assert page.url == f"{base}{VOTE}#idea-{code}"
    assert_accessible(page)
    message = flash_text(page)
    assert f"Phiếu bình chọn cho {code} của bạn đã được ghi nhận" in message, message
    citizen.votes[code] = receipt_in(message)
    assert receipt_on_card(page, code) == citizen.votes[code]
    return votes_left(message)


def citizen_votes(browser, page, base: str, citizen: Citizen) -> None:
    """Step 3: two votes (with, then without JavaScript), then the first one taken back and given elsewhere."""
    visit(page, f"{base}{VOTE}")
    assert page.locator("main p.flash-error").count() == 0, main_text(page)
    assert votes_left(vote_status(page)) == 2
    codes = votable_codes(page)
    assert len(codes) >= 3, codes
    first, second, third = codes[:3]

    assert vote_with_javascript(page, citizen, first) == 1

    no_js = new_context(browser, java_script_enabled=False)
    try:
        plain = no_js.new_page()
        log_in(plain, base, citizen.phone, citizen.password)
        visit(plain, f"{base}{VOTE}")
        assert votes_left(vote_status(plain)) == 1
        assert receipt_on_card(plain, first) == citizen.votes[first]
        assert vote_without_javascript(plain, base, citizen, second) == 0
        # Both votes are used: the remaining buttons are disabled.
        assert votes_left(vote_status(plain)) == 0
        assert all(vote_button(plain, code).is_disabled() for code in codes if code not in citizen.votes)
    finally:
        no_js.close()

    # Back in the first browser: take the first vote back, then give it to a third idea.
    visit(page, f"{base}{VOTE}")
    assert receipt_on_card(page, first) == citizen.votes[first]
    assert receipt_on_card(page, second) == citizen.votes[second]
    withdraw = card(page, first).get_by_role("button", name=re.compile(r"^Rút lại phiếu"))
    click_and_wait(page, withdraw)
    assert_accessible(page)
    assert f"Bạn đã rút lại phiếu bình chọn cho {first}; bạn có thể bình chọn lại." in flash_text(page)
    citizen.withdrawn[first] = citizen.votes.pop(first)
    assert votes_left(vote_status(page)) == 1
    assert vote_button(page, first).is_enabled() and card(page, first).locator("p.voted").count() == 0
    assert vote_with_javascript(page, citizen, third) == 0
    receipts = [citizen.withdrawn[first], citizen.votes[second], citizen.votes[third]]
    assert len(set(receipts)) == 3, receipts
    print(f"receipts: {first} {receipts[0]} (taken back), {second} {receipts[1]}, {third} {receipts[2]}")


def check_vote_log(page, base: str, citizen: Citizen) -> dict:
    """Step 4a: the closed vote links its public log; the CSV holds the citizen's receipts and a sound chain."""
    visit(page, f"{base}{VOTE}")
    assert "Bình chọn đã kết thúc." in main_text(page)
    assert page.locator("main form[data-vote]").count() == 0
    link = page.get_by_role("link", name="Tải về nhật ký bình chọn công khai")
    assert link.get_attribute("href") == f"/contests/{SLUG}/vote-log.csv"
    response = page.request.get(f"{base}/contests/{SLUG}/vote-log.csv")
    assert response.status == 200 and response.headers["content-type"].startswith("text/csv")
    body = response.body()
    assert body.startswith(BOM), body[:20]
    rows = parse_log(body)
    mine = {
        (row["action"], row["receipt"]): row
        for row in rows
        if row["receipt"] in {*citizen.votes.values(), *citizen.withdrawn.values()}
    }
    for code, receipt in citizen.votes.items():
        assert mine.get(("cast", receipt), {}).get("idea_code") == code, (code, receipt)
    for code, receipt in citizen.withdrawn.items():
        assert mine.get(("cast", receipt), {}).get("idea_code") == code, (code, receipt)
        assert mine.get(("withdraw", receipt), {}).get("idea_code") == code, (code, receipt)
        assert int(mine[("withdraw", receipt)]["seq"]) > int(mine[("cast", receipt)]["seq"])
    assert len(mine) == len(citizen.votes) + 2 * len(citizen.withdrawn)
    assert len({row["voter_alias"] for row in mine.values()}) == 1, "the citizen's entries have several aliases"
    check = verify_log(rows)
    assert check["ok"], check
    assert check["entries"] == len(rows) and check["head"] == rows[-1]["hash"]
    # The counts the closed vote page shows are the ones the log adds up to.
    for code in card_codes(page.locator("li.idea-card")):
        shown = card(page, code).locator("p.meta", has_text="phiếu bình chọn").inner_text()
        assert shown == f"{check['totals'].get(code, 0)} phiếu bình chọn", (code, shown, check["totals"])
    return check["totals"]


def check_results(page, base: str, citizen: Citizen, totals: dict) -> None:
    """Step 4b: the results page explains the formula and ranks the ideas.

    Nobody judged this demo round, so the page says so and the public vote alone decides
    (the α-sensitivity table is shown only when there are jury scores to weigh).
    """
    visit(page, f"{base}/contests/{SLUG}/results")
    assert heading(page) == "Kết quả"
    formula = page.locator("section[aria-labelledby=formula-heading]")
    assert "không có ban giám khảo chấm điểm" in formula.inner_text()
    assert formula.locator("table").count() == 0

    ranking = page.locator("section[aria-labelledby=ranking-heading] table")
    rows = table_rows(ranking)
    header, body = rows[0], rows[1:]
    assert header[0] == "#" and header[1] == "Ý tưởng" and header[-1] == "Điểm chung cuộc", header
    votes_col = header.index("Phiếu bình chọn")
    assert [int(r[0]) for r in body] == list(range(1, len(body) + 1))
    by_code = {r[1].split()[0]: r for r in body}
    for code in citizen.votes:
        assert int(by_code[code][votes_col]) == totals[code], (code, by_code[code], totals)
    votes = [int(r[votes_col]) for r in body]
    assert votes == sorted(votes, reverse=True), votes  # the public vote decides
    finals = [float(r[-1]) for r in body]
    assert finals == sorted(finals, reverse=True), finals


# --------------------------------------------------------------------------- the journey


def test_citizen_is_verified_votes_changes_a_vote_and_checks_the_published_log(browser, vote_servers):
    server, restart = vote_servers
    context = new_context(browser)
    try:
        page = context.new_page()
        citizen = register_unverified_citizen(page, server.url)
        organizer_verifies(browser, server.url, citizen)
        citizen_votes(browser, page, server.url, citizen)
    finally:
        context.close()

    later = restart(CLOCK_OFFSET=str(AFTER_RESULTS))
    context = new_context(browser)
    try:
        page = context.new_page()
        totals = check_vote_log(page, later.url, citizen)
        check_results(page, later.url, citizen, totals)
    finally:
        context.close()


FINISHED_SLUG = "y-tuong-sang-tao-2025"


def test_resident_recounts_the_finished_vote_and_finds_a_receipt(page, live_server):
    """The finished demo contest's recount page: reached from the results, the published head matches the
    downloaded log, a receipt typed in the form shows its public log line, a wrong one is not found; axe finds
    nothing wrong on any of these pages."""
    base = live_server.url
    visit(page, f"{base}/contests/{FINISHED_SLUG}/results")
    link = page.get_by_role("link", name="Cách kiểm phiếu")
    assert link.get_attribute("href") == f"/contests/{FINISHED_SLUG}/recount"
    click_and_wait(page, link)
    assert heading(page) == "Cách kiểm phiếu"
    assert_accessible(page)
    log = page.request.get(f"{base}/contests/{FINISHED_SLUG}/vote-log.json").json()
    assert page.locator("#head-hash").inner_text() == log["head_hash"]
    assert page.locator("#entry-count").inner_text() == str(len(log["entries"]))
    cast = next(e for e in log["entries"] if e["action"] == "cast")
    page.get_by_label("Mã xác nhận phiếu").fill(cast["receipt"].lower())
    click_and_wait(page, page.get_by_role("button", name="Tìm phiếu của tôi"))
    lines = table_rows(page.locator("#receipt-lines"))[1:]
    # The log's own word "cast" is shown in the reader's language; the downloaded log keeps it.
    assert lines[0] == [str(cast["seq"]), cast["voter_alias"], cast["idea_code"], "Bỏ phiếu", cast["time_bucket"]], (
        lines
    )
    assert_accessible(page)
    page.get_by_label("Mã xác nhận phiếu").fill("0000000000")
    click_and_wait(page, page.get_by_role("button", name="Tìm phiếu của tôi"))
    assert "Không có phiếu nào với mã xác nhận này" in field_error(page, "receipt")
    assert page.locator("#receipt-lines").count() == 0
    assert_accessible(page)
    visit(page, f"{base}/contests/{FINISHED_SLUG}/recount?lang=en")
    assert heading(page) == "How to re-count"
