"""Browser journeys through judging: a judge on a phone, the organizers' rankings, a team's feedback.

The judge's journey runs on ``judging_server``, whose clock is 30 days ahead of the seed, so the open
demo contest «y-tuong-sang-tao-2026» is in its judging phase: judge1 has ~33 entries assigned and
has not signed the conflict-of-interest declaration yet. The other two journeys run on the
ordinary ``live_server`` and read the finished 2025 round: scored, frozen, comments released.
Every page of the site that a journey opens is checked with axe-core (WCAG 2.1 A/AA).
"""

from __future__ import annotations

import re

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
    visit,
)

pytestmark = pytest.mark.browser

OPEN_TITLE = "Cuộc thi ý tưởng sáng tạo thanh niên xã An Khánh 2026"
FINISHED_SLUG = "y-tuong-sang-tao-2025"
FINISHED_TITLE = "Cuộc thi ý tưởng sáng tạo xã An Khánh 2025"
JUDGE1 = "judge1@example.com"
ORGANIZER = "organizer@example.com"
YOUTH1 = "youth1@example.com"
JUDGE_NAMES = ("Vũ Đức Thắng", "Nguyễn Thị Lan Anh", "Trần Minh Quân")
JUDGE1_NAME = JUDGE_NAMES[0]
RUBRIC = ("Tính sáng tạo", "Tính khả thi", "Tác động cộng đồng", "Trình bày")
FEEDBACK_IDEA = "Livestream bán bánh đa từ lò"
PROGRESS = re.compile(r"Đã chấm (\d+) / (\d+)")
ENTRY = re.compile(r"(AK-\d{4}-\d{3}) — (.+)")
SHA256 = re.compile(r"[0-9a-f]{64}")


# --------------------------------------------------------------------------- steps


def main_text(page) -> str:
    return page.locator("main").inner_text()


def eyebrow(page) -> str:
    """The line above the heading, as written (the style shows it in capitals)."""
    return " ".join((page.locator("main .eyebrow").first.text_content() or "").split())


def round_card(page, title: str = OPEN_TITLE):
    """The judge home's card of one round (a <section class="card"> headed by the contest title)."""
    card = page.locator("main section.card").filter(has=page.get_by_role("heading", name=re.compile(re.escape(title))))
    assert card.count() == 1, main_text(page)
    return card


def progress(text: str) -> tuple[int, int]:
    """("Đã chấm 3 / 33" somewhere in the text) → (3, 33)."""
    match = PROGRESS.search(text)
    assert match, f"no progress «Đã chấm X / Y» in {text!r}"
    return int(match.group(1)), int(match.group(2))


def queue_links(card):
    return card.locator("ul.queue li a")


def queue_item(card, code: str):
    item = card.locator("ul.queue li").filter(has_text=code)
    assert item.count() == 1, card.inner_text()
    return item


def judge_assignment_ids(page, base: str, round_id: int, judge_name: str) -> list[int]:
    """An organizer reads, on the round's assignment pages, the assignments given to one judge.

    Each assignment row has a form ".../assignments/<id>/move" to hand it to another judge; the
    pages are walked through their "next" links.
    """
    visit(page, f"{base}/organizer/rounds/{round_id}/judging/assignments")
    ids = []
    while True:
        rows = page.locator("#assignment table tbody tr").filter(
            has=page.locator("td:nth-child(2)", has_text=judge_name)
        )
        for action in rows.locator("form").evaluate_all("(forms) => forms.map(f => f.getAttribute('action'))"):
            match = re.search(r"/assignments/(\d+)/move$", action or "")
            assert match, action
            ids.append(int(match.group(1)))
        following = page.locator("nav.pagination a[rel=next]")
        if following.count() == 0:
            return ids
        click_and_wait(page, following)


def public_team_of(page, base: str, code: str) -> tuple[str, str]:
    """The team lead's name and the hamlet shown on an idea's public page."""
    visit(page, f"{base}/ideas/{code}")
    lead = page.locator("section[aria-labelledby=team-heading] li").first.inner_text()
    lead = lead.split("(")[0].strip()
    parts = [p.strip() for p in page.locator("main p.meta").first.inner_text().split("·")]
    hamlets = [p for p in parts if p.startswith("Thôn ")]
    assert lead and len(hamlets) == 1, (lead, parts)
    return lead, hamlets[0]


def text_outside_the_entry(page) -> str:
    """Everything the score-sheet page shows except the entry's own text (which the team wrote)."""
    return page.evaluate("""() => {
        const copy = document.body.cloneNode(true);
        copy.querySelectorAll('.entry-box').forEach(e => e.remove());
        return copy.innerText || copy.textContent;
    }""")


def criteria(page):
    return page.locator("form.score-form fieldset.criterion")


def choose(page, levels: list[int]) -> None:
    """Tick one level per criterion by clicking its label, as a thumb would on a phone."""
    fieldsets = criteria(page)
    for n, level in enumerate(levels):
        fieldsets.nth(n).locator("label.scale-option").filter(has=page.locator(f"input[value='{level}']")).click()


def checked_levels(page) -> list[int | None]:
    result = []
    fieldsets = criteria(page)
    for n in range(fieldsets.count()):
        checked = fieldsets.nth(n).locator("input[type=radio]:checked")
        result.append(int(checked.get_attribute("value")) if checked.count() else None)
    return result


def expected_total(page, levels: list[int]) -> float:
    """The weighted total the sheet should show: each level placed on 0–1 of its scale, weighted, × 100."""
    specs = criteria(page).evaluate_all("(sets) => sets.map(s => [+s.dataset.weight, +s.dataset.min, +s.dataset.max])")
    assert len(specs) == len(levels)
    weights = sum(w for w, _, _ in specs)
    return 100 * sum(w * (v - low) / (high - low) for (w, low, high), v in zip(specs, levels, strict=False)) / weights


def live_total(page) -> str:
    return page.locator("form.score-form output[data-total]").inner_text().strip()


# --------------------------------------------------------------------------- journeys


def test_judge_declares_and_scores_on_a_phone(judging_server, page, browser):
    base = judging_server.url

    # judge1 signs in on a phone: the 2026 round asks for the declaration first.
    log_in(page, base, JUDGE1, DEMO_PASSWORD)
    visit(page, f"{base}/judge")
    assert heading(page) == "Chấm thi"
    card = round_card(page)
    done, total = progress(card.inner_text())
    assert done == 0 and 25 <= total <= 40, (done, total)
    assert "vui lòng ký bản cam kết" in card.inner_text()
    call = card.get_by_role("link", name="Ký bản cam kết")
    assert call.is_visible()
    match = re.fullmatch(r"/judge/rounds/(\d+)/declaration", call.get_attribute("href") or "")
    assert match, call.get_attribute("href")
    round_id = int(match.group(1))
    assert queue_links(card).count() == 0, "the entries must not be listed before the declaration"
    box = card.locator("progress")
    assert box.get_attribute("value") == "0" and box.get_attribute("max") == str(total)

    # A link to one of judge1's entries (as an organizer would send it) leads to the declaration.
    other = new_context(browser)
    try:
        organizer = other.new_page()
        log_in(organizer, base, ORGANIZER, DEMO_PASSWORD)
        assigned = judge_assignment_ids(organizer, base, round_id, JUDGE1_NAME)
    finally:
        other.close()
    assert len(assigned) == total, (len(assigned), total)
    page.goto(f"{base}/judge/assignments/{assigned[0]}")
    assert page.url == f"{base}/judge/rounds/{round_id}/declaration", page.url
    assert "Vui lòng ký bản cam kết về xung đột lợi ích trước" in flash_text(page)
    assert heading(page) == "Bản cam kết về xung đột lợi ích"
    assert OPEN_TITLE in eyebrow(page)
    assert_accessible(page)

    # Signing without ticking the box: the error is next to it, and what was typed is kept.
    relatives = "0987 654 321\nchi.gai@example.com"
    statement = "Em gái tôi có thể tham gia cuộc thi; tôi không chấm bài của thôn Bến Đò nếu có."
    page.locator("#f-relatives").fill(relatives)
    page.locator("#f-statement").fill(statement)
    click_and_wait(page, page.locator("main form").get_by_role("button", name="Ký bản cam kết"))
    assert page.url == f"{base}/judge/rounds/{round_id}/declaration"
    assert "Vui lòng xác nhận bản cam kết" in field_error(page, "confirm")
    assert page.locator("#form-errors").is_visible()
    assert page.locator("#form-errors a[href='#f-confirm']").count() == 1
    assert page.locator("#f-relatives").input_value() == relatives
    assert page.locator("#f-statement").input_value() == statement
    assert not page.locator("#f-confirm").is_checked()
    assert_accessible(page)

    # Tick and sign: back on the judge home, the entries are listed and nothing is scored yet.
    page.locator("#f-confirm").check()
    click_and_wait(page, page.locator("main form").get_by_role("button", name="Ký bản cam kết"))
    assert page.url == f"{base}/judge", page.url
    assert "Bạn đã ký bản cam kết" in flash_text(page)
    card = round_card(page)
    assert progress(card.inner_text()) == (0, total)
    links = queue_links(card)
    assert links.count() == total
    assert card.get_by_role("link", name="Ký bản cam kết").count() == 0
    assert_accessible(page)
    first_text = links.first.inner_text().strip()
    entry = ENTRY.fullmatch(first_text)
    assert entry, first_text
    code, title = entry.group(1), entry.group(2)
    assert "chưa chấm" in queue_item(card, code).inner_text()

    # The signed declaration is shown as signed, and cannot be signed twice.
    visit(page, f"{base}/judge/rounds/{round_id}/declaration")
    assert "Bạn đã ký bản cam kết này" in main_text(page)
    assert page.locator("main form").count() == 0

    # Who leads that entry, and from which hamlet, as anyone sees it on the public page.
    public = page.context.new_page()
    try:
        lead, hamlet = public_team_of(public, base, code)
    finally:
        public.close()

    # The first entry's score sheet: blind, with the level descriptors.
    visit(page, f"{base}/judge")
    click_and_wait(page, queue_links(round_card(page)).first)
    sheet_url = page.url
    assert re.fullmatch(rf"{re.escape(base)}/judge/assignments/\d+", sheet_url), sheet_url
    assert heading(page) == f"{code} — {title}"
    assert progress(eyebrow(page)) == (0, total)
    assert "Tên thành viên và thôn của nhóm được ẩn" in page.locator("main p.meta").first.inner_text()
    assert lead not in page.locator("body").inner_text(), f"the team lead {lead!r} is shown to the judge"
    assert hamlet not in text_outside_the_entry(page), f"the team's hamlet {hamlet!r} is shown to the judge"
    legends = [t.strip() for t in criteria(page).locator("legend").all_inner_texts()]
    assert [legend.split(" (")[0] for legend in legends] == list(RUBRIC), legends
    options = [t.strip() for t in criteria(page).first.locator("label.scale-option").all_inner_texts()]
    assert len(options) == 5, options
    assert options[0].startswith("1") and "giống hệt cách làm đã có" in options[0], options
    assert options[4].startswith("5") and "rất mới, có thể làm mẫu cho nơi khác" in options[4], options
    assert checked_levels(page) == [None] * 4
    assert page.locator("main .live-total").is_visible(), "score.js did not reveal the live total"
    assert live_total(page) == "—"
    assert_accessible(page)

    # Picking levels updates the live total (score.js); it stays empty until every criterion has one.
    levels = [5, 3, 5, 1]
    choose(page, levels[:3])
    assert live_total(page) == "—"
    choose(page, levels)
    assert checked_levels(page) == levels
    expected = expected_total(page, levels)
    assert abs(float(live_total(page)) - expected) < 0.051, (live_total(page), expected)
    choose(page, [4, 3, 5, 1])
    assert abs(float(live_total(page)) - expected_total(page, [4, 3, 5, 1])) < 0.051
    choose(page, levels)
    shown = live_total(page)
    page.locator("#f-n1").fill("Cách làm quen thuộc nhưng tổ chức bài bản, hợp với ruộng của xã.")
    page.locator("#f-overall_comment").fill("Nên nói rõ giá bán phân và ai bao tiêu.")
    assert_accessible(page)

    # A draft is saved: the choices and comments are still there.
    click_and_wait(page, page.get_by_role("button", name="Lưu bản nháp"))
    assert page.url == sheet_url, page.url
    assert "Đã lưu bản nháp" in flash_text(page)
    assert checked_levels(page) == levels
    assert page.locator("#f-n1").input_value().startswith("Cách làm quen thuộc")
    assert page.locator("#f-overall_comment").input_value() == "Nên nói rõ giá bán phân và ai bao tiêu."
    assert live_total(page) == shown
    assert_accessible(page)
    visit(page, f"{base}/judge")
    assert "bản nháp" in queue_item(round_card(page), code).inner_text()
    assert progress(round_card(page).inner_text()) == (0, total)
    page.goto(sheet_url)

    # Submit: the next entry opens, with the total the server computed.
    click_and_wait(page, page.get_by_role("button", name="Nộp phiếu chấm"))
    assert page.url != sheet_url and "/judge/assignments/" in page.url, page.url
    flash = flash_text(page)
    assert f"Đã nộp phiếu chấm (tổng điểm {shown} / 100)" in flash, flash
    assert progress(eyebrow(page)) == (1, total)
    second = ENTRY.fullmatch(heading(page))
    assert second and second.group(1) != code, heading(page)
    second_code = second.group(1)
    assert checked_levels(page) == [None] * 4
    assert_accessible(page)

    visit(page, f"{base}/judge")
    card = round_card(page)
    assert progress(card.inner_text()) == (1, total)
    assert f"đã nộp ({shown})" in queue_item(card, code).inner_text()

    # The submitted sheet can be read again but not changed; the other judges' totals are shown.
    page.goto(sheet_url)
    assert page.locator("form.score-form").count() == 0
    assert f"Bạn đã nộp phiếu chấm này: tổng điểm {shown} / 100" in main_text(page)
    others = page.locator("section[aria-labelledby=others-heading]")
    assert others.get_by_role("heading", name="Tổng điểm của các giám khảo khác").is_visible()
    assert "Chưa có giám khảo nào khác nộp phiếu chấm" in others.inner_text()
    assert_accessible(page)

    # judge1 cannot score the second entry and says why: it counts as done.
    visit(page, f"{base}/judge")
    click_and_wait(page, queue_item(round_card(page), second_code).get_by_role("link"))
    assert heading(page).startswith(second_code)
    abstain = page.locator("details#abstain")
    abstain.locator("summary").click()
    assert abstain.locator("#f-abstain").is_visible()
    assert_accessible(page)
    abstain.locator("#f-abstain").fill("Tôi từng tư vấn kỹ thuật cho một dự án rất giống ý tưởng này.")
    click_and_wait(page, abstain.get_by_role("button", name="Không chấm bài dự thi này"))
    assert page.url == f"{base}/judge", page.url
    assert "Đã ghi nhận: bạn không chấm bài dự thi này" in flash_text(page)
    card = round_card(page)
    assert progress(card.inner_text()) == (2, total)
    assert "không chấm" in queue_item(card, second_code).inner_text()
    assert card.locator("progress").get_attribute("value") == "2"
    assert_accessible(page)


def test_organizer_sees_rankings_and_frozen_scores(live_server, page):
    base = live_server.url
    log_in(page, base, ORGANIZER, DEMO_PASSWORD)
    visit(page, f"{base}/organizer/")
    assert heading(page) == "Trang ban tổ chức"
    row = page.locator("main table tbody tr").filter(has_text=FINISHED_TITLE)
    assert row.count() == 1
    click_and_wait(page, row.get_by_role("link", name=FINISHED_TITLE))
    assert page.url == f"{base}/organizer/contests/{FINISHED_SLUG}"
    assert heading(page) == FINISHED_TITLE
    assert_accessible(page)

    # The figures page links to the round's judging page.
    click_and_wait(page, page.get_by_role("link", name=re.compile("Chấm thi: hội đồng giám khảo, phân công, điểm")))
    assert re.fullmatch(rf"{re.escape(base)}/organizer/rounds/\d+/judging/", page.url), page.url
    judging_url = page.url
    assert heading(page).startswith("Chấm thi — ")
    assert "Đã hết thời gian chấm điểm" in main_text(page)
    assert_accessible(page)

    # The rubric: four criteria with their level descriptors.
    rubric = page.locator("#rubric")
    assert rubric.get_by_role("heading", name="Bộ tiêu chí chấm").is_visible()
    names = [t.split("\n")[0].strip() for t in rubric.locator("tbody tr td:first-child").all_inner_texts()]
    assert names == list(RUBRIC), names
    assert rubric.locator("tbody tr").first.locator("ol.descriptors li").count() == 5

    # The panel: the three demo judges, all accepted.
    panel = page.locator("#panel")
    members = [t.strip() for t in panel.locator("ul").first.locator("li").all_inner_texts()]
    assert len(members) == 3, members
    for name in JUDGE_NAMES:
        assert any(m.startswith(name) and "đã nhận lời" in m for m in members), members
    assert panel.locator("#f-contact").is_visible()
    assert panel.get_by_role("button", name="Thêm vào hội đồng giám khảo").is_visible()

    # The ranking: every method side by side.
    results = page.locator("#results")
    headers = [t.strip() for t in results.locator("table thead th").all_inner_texts()]
    for column in ("Trung bình", "Trung vị", "Trung bình cắt bỏ", "Hiệu chỉnh"):
        assert column in headers, headers
    ranking = results.locator("table tbody tr")
    count = ranking.count()
    assert count >= 1
    assert re.search(r"\d+ phiếu chấm đã nộp", results.locator("p.meta").inner_text())
    assert "Hiệu chỉnh độ khắt khe của giám khảo" in results.locator("#f-view option:checked").inner_text()
    first = [c.strip() for c in ranking.first.locator("td").all_inner_texts()]
    assert re.match(r"AK-2025-\d{3} ", first[2]), first
    assert re.fullmatch(r"\d+\.\d", first[4]) and re.fullmatch(r"\d+\.\d", first[5]), first

    # The frozen scores: the date and the SHA-256 fingerprint of the sheets.
    freeze = page.locator("#freeze")
    fingerprint = freeze.locator("code.hash").inner_text().strip()
    assert SHA256.fullmatch(fingerprint), fingerprint
    assert "SHA-256" in freeze.inner_text()
    assert freeze.get_by_role("button", name="Mở lại việc chấm điểm").count() == 1

    # The judges' comments waiting for (or given) approval before the teams read them: on their own page.
    click_and_wait(page, page.locator("#comments").get_by_role("link", name="Đọc và duyệt nhận xét của giám khảo"))
    assert page.url == f"{judging_url}comments", page.url
    assert heading(page).startswith("Nhận xét gửi các nhóm — ")
    comments = page.locator("#comments")
    rows = comments.locator("table tbody tr")
    assert rows.count() >= 1
    approved = comments.get_by_role("button", name=re.compile("^Đã duyệt — hủy duyệt"))
    waiting = comments.get_by_role("button", name=re.compile("^Duyệt"))
    assert approved.count() >= 1 and waiting.count() >= 1, (approved.count(), waiting.count())
    assert any(name in comments.inner_text() for name in JUDGE_NAMES)
    assert_accessible(page)
    click_and_wait(page, page.get_by_role("link", name=re.compile("^Chấm thi — ")))
    assert page.url == judging_url, page.url
    results = page.locator("#results")

    # Another ranking method, through the GET form: the same entries, ordered by their median.
    results.locator("#f-view").select_option("median")
    click_and_wait(page, results.get_by_role("button", name="Xem"))
    assert page.url.startswith(judging_url) and "method=median" in page.url, page.url
    results = page.locator("#results")
    assert results.locator("#f-view option:checked").inner_text().strip() == "Trung vị"
    ranking = results.locator("table tbody tr")
    assert ranking.count() == count
    medians = [float(t) for t in ranking.locator("td:nth-child(6)").all_inner_texts()]
    assert medians == sorted(medians, reverse=True), medians
    # The fingerprint does not change by looking at the page again.
    assert page.locator("#freeze code.hash").inner_text().strip() == fingerprint
    assert_accessible(page)


def test_team_reads_feedback(live_server, page):
    base = live_server.url
    log_in(page, base, YOUTH1, DEMO_PASSWORD)
    visit(page, f"{base}/my/ideas")
    link = page.locator("main table").get_by_role("link", name=FEEDBACK_IDEA)
    assert link.count() == 1, main_text(page)
    click_and_wait(page, link)
    assert re.fullmatch(rf"{re.escape(base)}/my/ideas/\d+", page.url), page.url
    assert heading(page) == "Ý tưởng của bạn"
    assert FINISHED_TITLE in eyebrow(page)

    feedback = page.locator("section[aria-labelledby=feedback-heading]")
    assert feedback.count() == 1, main_text(page)
    assert feedback.get_by_role("heading", name="Nhận xét của giám khảo").is_visible()
    intro = feedback.locator("p").first.inner_text()
    assert re.search(r"Được \d+ giám khảo chấm", intro), intro
    assert re.search(r"Tổng điểm trung bình: \d+\.\d / 100", intro), intro

    # Per-criterion averages.
    rows = feedback.locator("table tbody tr")
    assert rows.count() == len(RUBRIC)
    for n, name in enumerate(RUBRIC):
        cells = [c.strip() for c in rows.nth(n).locator("td").all_inner_texts()]
        assert cells[0] == name, cells
        assert re.fullmatch(r"\d\.\d / 5", cells[1]), cells
        assert 1 <= float(cells[1].split(" ")[0]) <= 5, cells

    # At least one released comment, and no judge's name anywhere on the page.
    comments = feedback.locator("table tbody td:nth-child(3) p")
    overall = feedback.locator("blockquote")
    assert comments.count() >= 1 and overall.count() >= 1, feedback.inner_text()
    assert "livestream" in " ".join(comments.all_inner_texts()).lower()
    text = page.locator("body").inner_text()
    for name in JUDGE_NAMES:
        assert name not in text, f"the judge {name!r} is named to the team"
    assert_accessible(page)
