"""Acceptance journey of the organizer workspace, on a fresh install (no demo data, no admin screens).

A platform admin sets up a commune and names its organizer from the command line
(``piccolo server create_commune`` / ``grant_organizer``). The organizer then runs a whole contest
on the site: two rounds (a preliminary with judges; a final with judges and a public vote), a rubric
per round, an award, the vote rules (α), publication; two young people of the commune submit an
idea each; two judges are invited to both panels by e-mail (one already has an account and reads the
invitation in her inbox, the other signs up with the invited address), accept on /judge, sign the
declaration and score; the organizer closes the preliminary's judging now on the timeline,
shortlists and carries the entries into the final; a resident on the imported resident list is
verified when she signs up and votes; the organizer approves one judge's comment for its team; the
results come out with the award and its certificate, the team reads the approved comment (without the
judge's name), and the organizer reopens the published scores with a reason, which the results page
shows as a dated correction note.

The app's clock moves only by starting it again on the same SQLite file with a later
``CLOCK_OFFSET``, as the other journeys do. Every page the journey opens is checked with axe-core.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import pytest

from tests.browser.support import (
    ROOT,
    LiveServer,
    assert_accessible,
    click_and_wait,
    flash_text,
    heading,
    log_in,
    new_context,
    restart_server,
    start_server,
    stop_server,
    visit,
)

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext

pytestmark = [pytest.mark.browser, pytest.mark.long]

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
COMMUNE_SLUG, COMMUNE_NAME, COMMUNE_CODE = "binh-an", "Xã Bình An", "BA"
HAMLETS = ("Thôn Đông", "Thôn Tây")
TITLE = "Sáng kiến thanh niên Bình An 2027"
SLUG = "sang-kien-thanh-nien-binh-an-2027"
PASSWORD = "Bình-An-sáng-tạo-2027"
DAY = 24 * 3600


def person(name: str, phone: str, email: str, year: str, hamlet: str) -> dict[str, str]:
    return {"name": name, "phone": phone, "email": email, "year": year, "hamlet": hamlet}


ORGANIZER = person("Lê Thị Thu Trang", "0912 100 001", "trang.btc@binhan.example", "1988", HAMLETS[0])
YOUTH = [
    person("Đỗ Minh Khôi", "0912 100 002", "khoi@binhan.example", "2004", HAMLETS[0]),
    person("Hà Thị Ngọc Ánh", "0912 100 003", "anh@binhan.example", "2006", HAMLETS[1]),
]
JUDGES = [
    person("Nguyễn Văn Thành", "0912 100 004", "thanh.gk@binhan.example", "1970", HAMLETS[0]),
    person("Phạm Thị Hải Yến", "0912 100 005", "yen.gk@binhan.example", "1978", HAMLETS[1]),
]
VOTER = person("Trịnh Văn Sơn", "0912 100 006", "son@binhan.example", "1965", HAMLETS[1])
IDEAS = [
    ("Vườn rau thủy canh trên mái nhà văn hóa", "Nông nghiệp"),
    ("Bản đồ số các điểm bán nông sản của xã", "Chuyển đổi số"),
]
APPROVED = "Bản đồ rất thiết thực; nhóm nên mời thêm các hộ bán hàng cập nhật thông tin mỗi tuần."
KEPT_BACK = "Nhóm chưa tính chi phí nước và điện cho giàn thủy canh."
CORRECTION = "Một phiếu chấm của vòng chung kết nhập nhầm điểm tiêu chí thứ hai, ban tổ chức cho chấm lại."


# --------------------------------------------------------------------------- the install


def app_env(server: LiveServer) -> dict[str, str]:
    """The settings the app runs with (the ones start_server gives it), for a command line task."""
    env = dict(os.environ)
    assert server.data_dir is not None  # start_server gives every server its folder
    env.update(
        {
            "APP_ENV": "development",
            "SEED_DEMO": "0",
            "DATABASE_URL": "",
            "REDIS_URL": "",
            "SQLITE_PATH": str(server.data_dir / "browser.sqlite3"),
            "SECRET_KEY": server.secret_key,
        }
    )
    return env


def piccolo(server: LiveServer, *args: str) -> str:
    done = subprocess.run(
        [str(Path(sys.executable).with_name("piccolo")), "server", *args],
        cwd=ROOT,
        env=app_env(server),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def db(server: LiveServer) -> sqlite3.Connection:
    assert server.data_dir is not None  # start_server gives every server its folder
    return sqlite3.connect(server.data_dir / "browser.sqlite3")


def query(server: LiveServer, sql: str, *args) -> list[tuple]:
    with db(server) as connection:
        return connection.execute(sql, args).fetchall()


class Journey:
    """The app on one SQLite file, started again with a later clock when the journey needs it."""

    rounds: list[int]  # the contest's round ids, in order (set by the organizer's step)
    codes: list[str]  # the submitted ideas' codes (set by the youth's step)

    def __init__(self, browser):
        self.browser = browser
        self.server = start_server(extra_env={"SEED_DEMO": "0"})
        self.t0 = dt.datetime.now(HANOI).replace(minute=0, second=0, microsecond=0)
        self.contexts: dict[str, BrowserContext] = {}

    @property
    def base(self) -> str:
        return self.server.url

    def at(self, days: float) -> str:
        """A Hà Nội time ``days`` after the start of the journey, as the forms take it."""
        return (self.t0 + dt.timedelta(days=days)).strftime("%d/%m/%Y %H:%M")

    def later(self, days: float) -> None:
        """Start the app again with its clock ``days`` ahead; everyone signs in again."""
        self.close_contexts()
        self.server = restart_server(self.server, extra_env={"SEED_DEMO": "0", "CLOCK_OFFSET": str(int(days * DAY))})

    def page_of(self, who: dict[str, str]):
        """The page of a person's own browser, signed in."""
        key = who["email"]
        if key not in self.contexts:
            context = new_context(self.browser)
            self.contexts[key] = context
            page = context.new_page()
            log_in(page, self.base, who["email"], PASSWORD)
            assert "/login" not in page.url, f"{who['name']} could not sign in: {main_text(page)}"
        return self.contexts[key].pages[0]

    def close_contexts(self) -> None:
        for context in self.contexts.values():
            context.close()
        self.contexts.clear()

    def stop(self) -> None:
        self.close_contexts()
        stop_server(self.server)


# --------------------------------------------------------------------------- reading pages


def main_text(page) -> str:
    return page.locator("main").inner_text()


def links(page) -> dict[str, str]:
    return dict(
        page.locator("main a").evaluate_all(
            "(as) => as.map(a => [a.innerText.replace(/\\s+/g, ' ').trim(), a.getAttribute('href')])"
        )
    )


def submit(page, form_selector: str, button: str | None = None) -> None:
    form = page.locator(form_selector)
    assert form.count() >= 1, f"no form {form_selector} on {page.url}:\n{main_text(page)}"
    target = form.first.get_by_role("button", name=button) if button else form.first.locator("button[type=submit]")
    click_and_wait(page, target.first)
    assert_accessible(page)


# --------------------------------------------------------------------------- steps


def register(journey: Journey, who: dict[str, str]) -> None:
    """Sign up on the commune's registration page (a context of its own, closed afterwards)."""
    context = new_context(journey.browser)
    try:
        page = context.new_page()
        visit(page, f"{journey.base}/register?commune={COMMUNE_SLUG}")
        page.locator("#f-full_name").fill(who["name"])
        page.locator("#f-phone").fill(who["phone"])
        page.locator("#f-email").fill(who["email"])
        page.locator("#f-birth_year").fill(who["year"])
        page.locator("#f-hamlet_id").select_option(label=who["hamlet"])
        page.locator("#f-password").fill(PASSWORD)
        page.locator("#f-accept_terms").check()
        page.locator("#f-accept_privacy").check()
        click_and_wait(page, page.locator("main form[method=post] button[type=submit]"))
        assert page.url == f"{journey.base}/account", f"{who['name']} was not registered: {main_text(page)}"
        assert_accessible(page)
    finally:
        context.close()


def set_up_the_commune(journey: Journey) -> None:
    """Step 1: the platform admin creates the commune; its organizer signs up and is made organizer."""
    out = piccolo(
        journey.server, "create_commune", COMMUNE_SLUG, COMMUNE_NAME, COMMUNE_CODE, f"--hamlets={','.join(HAMLETS)}"
    )
    assert "created" in out, out
    page = new_context(journey.browser).new_page()
    try:
        visit(page, f"{journey.base}/register?commune={COMMUNE_SLUG}")
        options = page.locator("#f-hamlet_id option").all_inner_texts()
        assert [o for o in options if o.startswith("Thôn")] == list(HAMLETS), options
    finally:
        page.context.close()
    register(journey, ORGANIZER)
    out = piccolo(journey.server, "grant_organizer", ORGANIZER["email"], COMMUNE_SLUG)
    assert "organizer" in out, out
    assert query(
        journey.server,
        "SELECT action FROM audit_event WHERE action IN ('commune.created', 'role.granted') ORDER BY seq",
    ) == [("commune.created",), ("role.granted",)]
    page = journey.page_of(ORGANIZER)
    visit(page, f"{journey.base}/organizer/")
    assert heading(page) == "Trang ban tổ chức"
    assert "Chưa có cuộc thi nào" in main_text(page)


def create_the_contest(journey: Journey) -> None:
    """Step 2: the contest, its two rounds on the timeline, a rubric per round, an award; then publish."""
    page, base = journey.page_of(ORGANIZER), journey.base
    visit(page, f"{base}/organizer/")
    click_and_wait(page, page.get_by_role("link", name="Tạo cuộc thi mới"))
    assert page.url == f"{base}/organizer/contests/new"
    assert_accessible(page)
    page.locator("#f-title").fill(TITLE)
    page.locator("#f-tagline").fill("Ý tưởng nhỏ cho xã mình")
    page.locator("#f-description").fill("Cuộc thi ý tưởng của thanh niên **xã Bình An**.")
    page.locator("#f-rules").fill("Mỗi người gửi tối đa 3 ý tưởng.")
    page.locator("#f-categories-0-name").fill(IDEAS[0][1])
    page.locator("#f-categories-1-name").fill(IDEAS[1][1])
    submit(page, "main form[enctype='multipart/form-data']", "Tạo cuộc thi")
    assert page.url == f"{base}/organizer/contests/{SLUG}", page.url
    assert "bản nháp" in flash_text(page)
    assert heading(page) == TITLE

    # The timeline: a preliminary round taking the entries, then a final with judges and a public vote.
    click_and_wait(page, page.get_by_role("link", name="Lập kế hoạch các vòng thi và mốc thời gian"))
    assert_accessible(page)
    click_and_wait(page, page.locator("main").get_by_role("link", name="Thêm vòng thi"))
    assert_accessible(page)
    page.locator("#f-name").fill("Vòng sơ khảo")
    page.locator("#f-submission_opens").fill(journey.at(-1 / 24))
    page.locator("#f-submission_closes").fill(journey.at(2))
    page.locator("#f-judging_closes").fill(journey.at(4))
    page.locator("#f-results_at").fill(journey.at(5))
    submit(page, "main form[method=post]")
    assert page.url == f"{base}/organizer/contests/{SLUG}/rounds", main_text(page)
    assert "Đã thêm vòng thi." in flash_text(page)
    click_and_wait(page, page.locator("main").get_by_role("link", name="Thêm vòng thi"))
    page.locator("#f-name").fill("Chung kết")
    page.locator("#f-takes_entries").uncheck()
    page.locator("#f-judging_opens").fill(journey.at(6))
    page.locator("#f-judging_closes").fill(journey.at(7))
    page.locator("#f-has_vote").check()
    page.locator("#f-vote_opens").fill(journey.at(7))
    page.locator("#f-vote_closes").fill(journey.at(8))
    page.locator("#f-results_at").fill(journey.at(9))
    submit(page, "main form[method=post]")
    assert page.url == f"{base}/organizer/contests/{SLUG}/rounds", main_text(page)
    text = main_text(page)
    assert "1. Vòng sơ khảo" in text and "2. Chung kết" in text, text
    assert f"{journey.at(-1 / 24)} – {journey.at(2)}" in text, text
    assert f"{journey.at(7)} – {journey.at(8)}" in text, text
    rounds = query(
        journey.server,
        "SELECT r.id, r.name FROM contest_round r JOIN contest c ON c.id = r.contest "
        "WHERE c.slug = ? ORDER BY r.position",
        SLUG,
    )
    assert [name for _, name in rounds] == ["Vòng sơ khảo", "Chung kết"], rounds
    journey.rounds = [rid for rid, _ in rounds]

    # A rubric per round, from the contest page's links.
    for n, round_id in enumerate(journey.rounds):
        visit(page, f"{base}/organizer/contests/{SLUG}")
        rubric = page.locator(f"main a[href='/organizer/rounds/{round_id}/rubric/']")
        assert rubric.count() == 1, links(page)
        click_and_wait(page, rubric)
        assert_accessible(page)
        for name, weight in (("Tính sáng tạo", "2"), ("Tính khả thi", "1")):
            page.locator("#f-name").fill(name if n == 0 else f"{name} (chung kết)")
            page.locator("#f-weight").fill(weight)
            page.locator("#f-scale_min").fill("1")
            page.locator("#f-scale_max").fill("5")
            page.locator("#f-descriptors").fill("Chưa có\nYếu\nTrung bình\nKhá\nXuất sắc")
            submit(page, f"main form[action='/organizer/rounds/{round_id}/rubric/']")
            assert page.url.startswith(f"{base}/organizer/rounds/{round_id}/rubric/"), page.url
        assert "Tính khả thi" in main_text(page)
    count = query(journey.server, "SELECT round, COUNT(*) FROM rubric_criterion GROUP BY round ORDER BY round")
    assert count == [(journey.rounds[0], 2), (journey.rounds[1], 2)], count

    # An award, on the combined ranking of the final.
    visit(page, f"{base}/organizer/contests/{SLUG}")
    click_and_wait(page, page.get_by_role("link", name="Giải thưởng và phần thưởng"))
    assert_accessible(page)
    assert "Chung kết" in main_text(page)
    page.locator("#f-name").fill("Giải Nhất")
    page.locator("#f-basis").select_option("combined")
    page.locator("#f-rank").fill("1")
    page.locator("#f-prize").fill("5.000.000 đồng và giấy khen của UBND xã")
    submit(page, f"main form[action='/organizer/contests/{SLUG}/awards/']")
    assert "Giải Nhất" in main_text(page), main_text(page)

    # The final's vote rules: two votes, α = 0.6, verified residents only.
    visit(page, f"{base}/organizer/rounds/{journey.rounds[1]}/vote/")
    page.locator("#f-votes").fill("2")
    page.locator("#f-alpha").fill("0.6")
    page.locator("#f-res").check()
    submit(page, f"main form[action='/organizer/rounds/{journey.rounds[1]}/vote/rules']")
    assert page.locator("#f-alpha").input_value() in ("0.6", "0,6"), main_text(page)

    # Publish.
    visit(page, f"{base}/organizer/contests/{SLUG}")
    submit(page, f"main form[action='/organizer/contests/{SLUG}/publish']")
    assert query(journey.server, "SELECT published FROM contest WHERE slug = ?", SLUG) == [(1,)]
    public = new_context(journey.browser).new_page()
    try:
        visit(public, f"{base}/contests/{SLUG}")
        assert heading(public) == TITLE
    finally:
        public.context.close()


def youth_submit(journey: Journey) -> None:
    """Step 3: two young people of the commune sign up and submit an idea each."""
    base = journey.base
    journey.codes = []
    for who, (title, category) in zip(YOUTH, IDEAS, strict=False):
        register(journey, who)
        page = journey.page_of(who)
        visit(page, f"{base}/contests/{SLUG}/submit")
        assert heading(page) == "Gửi ý tưởng"
        page.locator("#f-title").fill(title)
        page.locator("#f-summary").fill(f"{title}: một việc nhỏ thanh niên thôn làm được ngay.")
        page.locator("#f-category_id").select_option(label=category)
        for name, value in (
            ("problem", "Thôn chưa có cách làm này; người dân phải đi xa."),
            ("solution", "Thanh niên tự làm, chia việc theo tuần, báo cáo với thôn."),
            ("beneficiaries", "Khoảng 80 hộ trong thôn."),
            ("resources", "Vật tư nhỏ và 5 tình nguyện viên."),
            ("budget", "12.000.000"),
        ):
            if page.locator(f"#f-{name}").count():
                page.locator(f"#f-{name}").fill(value)
        if page.locator("#f-stage").count():
            page.locator("#f-stage").select_option(index=1)
        click_and_wait(page, page.get_by_role("button", name="Lưu và nộp"))
        assert_accessible(page)
        message = flash_text(page)
        assert "Ý tưởng của bạn đã được nộp" in message, main_text(page)
        code = re.search(rf"{COMMUNE_CODE}-\d{{4}}-\d{{3}}", message)
        assert code, message
        journey.codes.append(code.group(0))
    rows = query(journey.server, "SELECT code, status FROM idea ORDER BY code")
    assert rows == [(code, "submitted") for code in sorted(journey.codes)], rows


def invite_judges(journey: Journey, round_no: int) -> None:
    """The organizer adds the two judges to a round's panel by e-mail; each accepts on /judge and signs.

    For the preliminary, the first judge already has an account (told in the app and by mail), the
    second has none yet: she signs up with the invited address and finds the invitation on /judge.
    """
    base, round_id = journey.base, journey.rounds[round_no]
    if round_no == 0:
        register(journey, JUDGES[0])
    page = journey.page_of(ORGANIZER)
    visit(page, f"{base}/organizer/rounds/{round_id}/judging/")
    for judge in JUDGES:
        page.locator("#f-contact").fill(judge["email"])
        submit(page, f"main form[action='/organizer/rounds/{round_id}/judging/judges']")
        assert "Đã thêm giám khảo vào hội đồng" in flash_text(page), main_text(page)
        assert judge["email"] in main_text(page) or judge["name"] in main_text(page), main_text(page)
    panel = query(journey.server, "SELECT contact, accepted FROM judge_panel WHERE round = ? ORDER BY id", round_id)
    assert panel == [(j["email"], 0) for j in JUDGES], panel
    if round_no == 0:
        mail = query(journey.server, "SELECT to_address, subject FROM outbox_mail ORDER BY id")
        print("mail queued by the invitations:", mail)
        # Both are told by mail: the one with an account along with her inbox, the other at the typed address.
        for judge in JUDGES:
            assert (judge["email"], f"Bạn được mời làm giám khảo cuộc thi “{TITLE}”") in mail, mail
        # The first judge's inbox has the invitation, linking to the judge page.
        jpage = journey.page_of(JUDGES[0])
        visit(jpage, f"{base}/inbox")
        assert f"Bạn được mời làm giám khảo cuộc thi “{TITLE}”" in main_text(jpage), main_text(jpage)
        register(journey, JUDGES[1])
    for judge in JUDGES:
        jpage = journey.page_of(judge)
        visit(jpage, f"{base}/judge")
        accept = jpage.locator("main form[action^='/judge/panels/']")
        assert accept.count() == 1, main_text(jpage)
        submit(jpage, "main form[action^='/judge/panels/']")
        assert jpage.url == f"{base}/judge/rounds/{round_id}/declaration", jpage.url
        jpage.locator("#f-confirm").check()
        click_and_wait(jpage, jpage.locator("main form").get_by_role("button", name="Ký bản cam kết"))
        assert_accessible(jpage)
        assert "Bạn đã ký bản cam kết" in flash_text(jpage), main_text(jpage)
    panel = query(journey.server, "SELECT contact, accepted FROM judge_panel WHERE round = ? ORDER BY id", round_id)
    assert panel == [(j["email"], 1) for j in JUDGES], panel


def assign(journey: Journey, round_no: int) -> None:
    """The organizer sets two judges per entry and assigns the entries automatically."""
    base, round_id = journey.base, journey.rounds[round_no]
    page = journey.page_of(ORGANIZER)
    visit(page, f"{base}/organizer/rounds/{round_id}/judging/")
    page.locator("#f-k").fill("2")
    page.locator("#f-method").select_option("mean")
    submit(page, f"main form[action='/organizer/rounds/{round_id}/judging/settings']")
    assert "Đã lưu" in flash_text(page), main_text(page)
    visit(page, f"{base}/organizer/rounds/{round_id}/judging/assignments")
    submit(page, f"main form[action='/organizer/rounds/{round_id}/judging/assign']")
    assert "4" in flash_text(page), main_text(page)
    count = query(journey.server, "SELECT COUNT(*) FROM judge_assignment WHERE round = ?", round_id)
    assert count == [(4,)], count


def judges_score(
    journey: Journey, round_no: int, levels: dict[str, list[int]], comments: dict[str, str] | None = None
) -> None:
    """Each judge opens the queue on /judge and submits a sheet per entry (levels per idea code); the first
    judge writes an overall comment on the entries of ``comments`` (by idea code)."""
    base = journey.base
    for judge in JUDGES:
        page = journey.page_of(judge)
        for _ in range(2):
            visit(page, f"{base}/judge")
            pending = page.locator("main ul.queue li").filter(has_text="chưa chấm")
            assert pending.count() >= 1, main_text(page)
            click_and_wait(page, pending.first.get_by_role("link"))
            assert_accessible(page)
            code = re.search(rf"{COMMUNE_CODE}-\d{{4}}-\d{{3}}", heading(page)).group(0)
            fieldsets = page.locator("form.score-form fieldset.criterion")
            for n, level in enumerate(levels[code]):
                fieldsets.nth(n).locator("label.scale-option").filter(
                    has=page.locator(f"input[value='{level}']")
                ).click()
            if judge is JUDGES[0] and comments and code in comments:
                page.locator("#f-overall_comment").fill(comments[code])
            click_and_wait(page, page.get_by_role("button", name="Nộp phiếu chấm"))
            assert_accessible(page)
            assert "Đã nộp phiếu chấm" in flash_text(page), main_text(page)
    rows = query(
        journey.server,
        "SELECT COUNT(*) FROM score_sheet WHERE round = ? AND submitted_at IS NOT NULL",
        journey.rounds[round_no],
    )
    assert rows == [(4,)], rows


def close_phase_now(journey: Journey, round_no: int, phase_name: str) -> None:
    """On the timeline, the organizer closes the open phase now (the «Đóng ngay» button)."""
    base, round_id = journey.base, journey.rounds[round_no]
    page = journey.page_of(ORGANIZER)
    visit(page, f"{base}/organizer/contests/{SLUG}/rounds")
    form = page.locator(f"main form[action='/organizer/rounds/{round_id}/now']").filter(has_text="Đóng ngay")
    assert form.count() == 1, main_text(page)
    assert phase_name in form.inner_text(), form.inner_text()
    click_and_wait(page, form.locator("button"))
    assert_accessible(page)


def shortlist_and_advance(journey: Journey) -> None:
    """The preliminary's ranking; both entries are shortlisted and carried into the final."""
    base, round_id = journey.base, journey.rounds[0]
    page = journey.page_of(ORGANIZER)
    visit(page, f"{base}/organizer/rounds/{round_id}/judging/")
    ranking = page.locator("main form[action$='/judging/shortlist'] tbody tr")
    assert ranking.count() == 2, main_text(page)
    assert journey.codes[0] in ranking.first.inner_text(), ranking.first.inner_text()
    page.locator("#f-top").fill("2")
    submit(page, f"main form[action='/organizer/rounds/{round_id}/judging/shortlist']")
    assert "2" in flash_text(page), main_text(page)
    click_and_wait(page, page.locator(f"main a[href='/organizer/rounds/{round_id}/judging/progress#next-round']"))
    assert_accessible(page)
    section = page.locator("#next-round")
    assert "2" in section.inner_text() and "Chung kết" in section.inner_text(), section.inner_text()
    submit(page, f"main form[action='/organizer/rounds/{round_id}/advance']")
    section = page.locator("#next-round")
    assert "Chung kết" in section.inner_text() and section.locator("form[action$='/advance/undo']").count() == 1, (
        section.inner_text()
    )
    entries = query(journey.server, "SELECT COUNT(*) FROM round_entry WHERE round = ?", journey.rounds[1])
    assert entries == [(2,)], (entries, main_text(page))


def approve_comment(journey: Journey, round_no: int, code: str, comment: str) -> None:
    """On the judging page the organizer opens the judges' comments and approves one for its team."""
    base, round_id = journey.base, journey.rounds[round_no]
    page = journey.page_of(ORGANIZER)
    visit(page, f"{base}/organizer/rounds/{round_id}/judging/")
    click_and_wait(page, page.get_by_role("link", name="Đọc và duyệt nhận xét của giám khảo"))
    assert_accessible(page)
    assert page.url.split("#")[0] == f"{base}/organizer/rounds/{round_id}/judging/comments", page.url
    assert "Phiếu có nhận xét đã duyệt: 0 / 4 phiếu đã nộp." in main_text(page), main_text(page)
    row = page.locator("#comments tbody tr").filter(has_text=comment)
    assert row.count() == 1 and code in row.inner_text() and JUDGES[0]["name"] in row.inner_text(), main_text(page)
    click_and_wait(page, row.get_by_role("button", name=re.compile(r"^Duyệt")))
    assert_accessible(page)
    row = page.locator("#comments tbody tr").filter(has_text=comment)
    assert "Đã duyệt — hủy duyệt" in row.inner_text(), row.inner_text()
    assert "Phiếu có nhận xét đã duyệt: 1 / 4 phiếu đã nộp." in main_text(page), main_text(page)
    released = query(
        journey.server,
        "SELECT s.overall_comment FROM score_sheet s WHERE s.round = ? AND s.release_comments = 1",
        round_id,
    )
    assert released == [(comment,)], released


def team_reads_comment(journey: Journey, who: dict[str, str], code: str, comment: str, hidden: str) -> None:
    """Once the results are out, the team reads the approved comment on its idea's page, without the judge's
    name; a comment the organizer did not approve is not shown."""
    base = journey.base
    idea_id = query(journey.server, "SELECT id FROM idea WHERE code = ?", code)[0][0]
    page = journey.page_of(who)
    visit(page, f"{base}/my/ideas/{idea_id}")
    section = page.locator("section[aria-labelledby=feedback-heading]")
    assert section.count() == 1, main_text(page)
    text = section.inner_text()
    assert comment in text and hidden not in text, text
    assert all(judge["name"] not in main_text(page) for judge in JUDGES), main_text(page)


def reopen_with_correction(journey: Journey, round_no: int, reason: str) -> None:
    """After the results, the organizer reopens the final's scores with a reason; the public results page then
    carries a dated correction note."""
    base, round_id = journey.base, journey.rounds[round_no]
    page = journey.page_of(ORGANIZER)
    visit(page, f"{base}/organizer/rounds/{round_id}/judging/")
    form = page.locator(f"main form[action='/organizer/rounds/{round_id}/judging/reopen']")
    assert form.count() == 1, main_text(page)
    form.locator("#f-reopen-reason").fill(reason)
    form.locator("#f-hours").fill("48")
    submit(page, f"main form[action='/organizer/rounds/{round_id}/judging/reopen']", "Mở lại việc chấm điểm")
    assert "mở lại" in flash_text(page).lower(), main_text(page)
    assert reason in page.locator("#freeze").inner_text(), page.locator("#freeze").inner_text()
    [(stamp,)] = query(
        journey.server,
        "SELECT created_at FROM audit_event WHERE action = 'judging.reopened' AND target_id = ?",
        str(round_id),
    )
    at = dt.datetime.fromisoformat(str(stamp))
    at = (at if at.tzinfo else at.replace(tzinfo=dt.UTC)).astimezone(HANOI)
    public = new_context(journey.browser).new_page()
    try:
        visit(public, f"{base}/contests/{SLUG}/results")
        note = public.locator("#corrections")
        assert note.count() == 1, main_text(public)
        assert f"Đính chính ngày {at:%d/%m/%Y %H:%M}: {reason}" in note.inner_text(), note.inner_text()
    finally:
        public.context.close()


def resident_votes(journey: Journey) -> None:
    """The organizer imports the resident list; a resident on it signs up (verified at once) and votes."""
    base = journey.base
    page = journey.page_of(ORGANIZER)
    visit(page, f"{base}/organizer/residents/")
    assert journey.server.data_dir is not None  # start_server gives every server its folder
    csv_path = journey.server.data_dir / "dan-cu.csv"
    csv_path.write_text(
        "Họ tên,Năm sinh,Thôn,Số điện thoại\n"
        f"{VOTER['name']},{VOTER['year']},{VOTER['hamlet']},{VOTER['phone']}\n"
        "Lò Thị Mai,1999,Thôn Đông,0912 100 099\n",
        encoding="utf-8",
    )
    page.locator("#f-file").set_input_files(str(csv_path))
    submit(page, "main form[action='/organizer/residents/import']")
    assert "2" in flash_text(page) or "2 người" in main_text(page), main_text(page)
    register(journey, VOTER)
    assert query(journey.server, "SELECT verified_resident FROM users WHERE email = ?", VOTER["email"]) == [(1,)]
    visit(page, f"{base}/organizer/residents/?q={VOTER['name']}")
    row = page.locator("main table tbody tr").filter(has_text=VOTER["name"])
    assert row.count() == 1 and "đã xác minh" in row.inner_text(), main_text(page)

    vpage = journey.page_of(VOTER)
    visit(vpage, f"{base}/contests/{SLUG}/vote")
    assert vpage.locator("main p.flash-error").count() == 0, main_text(vpage)
    code = journey.codes[1]
    cards = vpage.locator("main li.idea-card")
    assert sorted(cards.evaluate_all("(cs) => cs.map(c => c.id)")) == sorted(f"idea-{c}" for c in journey.codes)
    # vote.js sends the vote and writes the receipt into the live region.
    vpage.locator(f"li.idea-card#idea-{code} form[data-vote] button[type=submit]").click()
    vpage.wait_for_function("() => /Mã xác nhận phiếu/.test(document.getElementById('vote-status').innerText)")
    status = vpage.locator("#vote-status").inner_text()
    assert f"Phiếu bình chọn cho {code} của bạn đã được ghi nhận" in status, status
    assert_accessible(vpage)
    votes = query(
        journey.server, "SELECT i.code FROM vote v JOIN idea i ON i.id = v.idea WHERE v.round = ?", journey.rounds[1]
    )
    assert votes == [(code,)], votes


def results_and_certificate(journey: Journey) -> None:
    """The public results rank the final (jury and vote combined with α = 0.6) and name the award's winner.

    Jury: the second idea scored (4, 5) against (4, 4) on the weights 2 and 1; it also has the only
    vote, so it wins the combined ranking and the Giải Nhất; its certificate names it and its team.
    """
    base = journey.base
    winner, title, lead = journey.codes[1], IDEAS[1][0], YOUTH[1]["name"]
    page = new_context(journey.browser).new_page()
    try:
        visit(page, f"{base}/contests/{SLUG}/results")
        assert heading(page) == "Kết quả"
        awards = page.locator("section[aria-labelledby=awards-heading]")
        assert awards.count() == 1, main_text(page)
        card = awards.locator("li.card").filter(has_text="Giải Nhất")
        assert f"{winner} — {title}" in card.inner_text(), card.inner_text()
        assert "5.000.000 đồng" in card.inner_text()
        ranking = page.locator("section[aria-labelledby=ranking-heading] table tbody tr")
        assert ranking.count() == 2 and winner in ranking.first.inner_text(), main_text(page)
        click_and_wait(page, card.locator("a[href$='/certificate']"))
        assert_accessible(page)
        assert page.locator("h1").first.text_content().strip() == "Giấy chứng nhận", heading(page)
        text = page.locator("body").inner_text()
        assert "Giải Nhất" in text and title in text and lead in text and TITLE in text, text
    finally:
        page.context.close()


# --------------------------------------------------------------------------- the journey


def test_new_commune_runs_a_two_round_contest_from_the_organizer_workspace(browser, browser_tools):
    journey = Journey(browser)
    try:
        set_up_the_commune(journey)
        create_the_contest(journey)
        youth_submit(journey)
        invite_judges(journey, 0)

        # Submissions closed: the preliminary is judged.
        journey.later(2.5)
        assign(journey, 0)
        first, second = journey.codes
        judges_score(journey, 0, {first: [5, 4], second: [3, 3]})
        close_phase_now(journey, 0, "Chấm thi")
        shortlist_and_advance(journey)
        invite_judges(journey, 1)

        # The final's judging.
        journey.later(6.5)
        assign(journey, 1)
        judges_score(journey, 1, {first: [4, 4], second: [4, 5]}, comments={first: KEPT_BACK, second: APPROVED})
        approve_comment(journey, 1, second, APPROVED)

        # The final's public vote.
        journey.later(7.5)
        resident_votes(journey)

        # The results.
        journey.later(9.5)
        results_and_certificate(journey)
        team_reads_comment(journey, YOUTH[1], second, APPROVED, KEPT_BACK)
        reopen_with_correction(journey, 1, CORRECTION)
    finally:
        journey.stop()
