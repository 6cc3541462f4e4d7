"""The organizer's judging page for large rounds, through HTTP: the ranking is computed once per
change of the submitted sheets, shown a page at a time, and the assignments and the judges'
comments have their own paginated pages."""

from __future__ import annotations

import re
from collections import OrderedDict

import httpx
import pytest

from accounts.tables import Role
from contest import calibration, judging, ranking_cache
from contest.tables import Assignment, RankingCache, ScoreSheet
from server.controllers import judging as judging_pages
from tests.conftest import login, post_form
from tests.fixtures.judging import assign_all, criteria_ids, in_judging
from tests.support.factories import PASSWORD

pytestmark = pytest.mark.integration


async def submit(setup, clock, *, skip: tuple[int, int] | None = None) -> None:
    """Every judge submits every assigned sheet (but ``skip``: a (judge id, idea id) left unscored).

    Entry i gets a better total with i, so the mean ranks the entries in reverse order of creation."""
    c1, c2 = await criteria_ids(setup)
    for judge in setup["judges"]:
        for a in await Assignment.select().where(Assignment.judge == judge.id):
            if (judge.id, a["idea"]) == skip:
                continue
            quality = setup["ideas"].index(a["idea"])
            await judging.save_sheet(
                a["id"],
                judge_id=judge.id,
                scores={c1: (str(1 + quality % 5), ""), c2: (str(quality + 2), "")},
                overall_comment=f"Nhận xét {quality}",
                submit=True,
                now=clock(),
            )


def ranked_codes(html: str) -> list[str]:
    section = html.split('id="results"', 1)[1].split('id="freeze"', 1)[0]
    return re.findall(r'<a href="/ideas/([^"]+)">', section)


async def fresh_order(round_id: int, method: str, compute) -> list[str]:
    """The order a computation from the sheets as they are now gives (no cache involved)."""
    sheets = await ScoreSheet.select(ScoreSheet.judge, ScoreSheet.idea, ScoreSheet.total, ScoreSheet.idea.code).where(
        (ScoreSheet.round == round_id) & (ScoreSheet.status == "submitted")
    )
    codes = {s["idea"]: s["idea.code"] for s in sheets}
    rows = compute([calibration.Sheet(judge=s["judge"], entry=s["idea"], total=s["total"]) for s in sheets])
    return [codes[r.entry] for r in calibration.ranking(rows, method)]


@pytest.fixture
async def staff(app, setup):  # noqa: F811
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as client:
        await login(client, setup["organizer"].email, PASSWORD)
        yield client


async def test_the_ranking_is_computed_once_per_change_of_the_sheets(staff, setup, clock, monkeypatch):  # noqa: F811
    calls = []
    real = calibration.aggregate

    def counting(sheets, **options):
        calls.append(len(sheets))
        return real(sheets, **options)

    monkeypatch.setattr(calibration, "aggregate", counting)
    monkeypatch.setattr(ranking_cache, "_MEMO", OrderedDict())  # this process has read no ranking yet
    await assign_all(setup, clock, k=3)
    in_judging(clock)
    worst = setup["ideas"][0]
    late_judge = (await Assignment.select(Assignment.judge).where(Assignment.idea == worst).first())["judge"]
    await submit(setup, clock, skip=(late_judge, worst))
    round_id = setup["round"]["id"]
    url = f"/organizer/rounds/{round_id}/judging/"

    first = await staff.get(url, params={"method": "mean"})
    again = await staff.get(url, params={"method": "mean"})
    median = await staff.get(url, params={"method": "median"})
    assert first.status_code == again.status_code == median.status_code == 200
    assert calls == [17]  # three views (two methods), one computation of the 17 submitted sheets
    before = ranked_codes(first.text)
    assert before == ranked_codes(again.text) == await fresh_order(round_id, "mean", real)
    code = (await judging.blind_entry(worst)).code
    assert before[-1] == code  # the weakest entry, last by the mean
    cached = await RankingCache.select().where(RankingCache.round == round_id)
    assert len(cached) == 1 and cached[0]["fingerprint"].startswith(f"{1}|17|")

    # The late judge gives the weakest entry full marks: the next view shows the new ranking.
    c1, c2 = await criteria_ids(setup)
    late = (
        await Assignment.select(Assignment.id)
        .where((Assignment.idea == worst) & (Assignment.judge == late_judge))
        .first()
    )
    clock.advance(minutes=5)
    await judging.save_sheet(
        late["id"],
        judge_id=late_judge,
        scores={c1: ("5", ""), c2: ("10", "")},
        overall_comment="",
        submit=True,
        now=clock(),
    )
    after = await staff.get(url, params={"method": "mean"})
    assert calls == [17, 18]
    changed = ranked_codes(after.text)
    assert changed == await fresh_order(round_id, "mean", real) and changed != before
    assert changed.index(code) < len(changed) - 1
    assert "18 phiếu chấm đã nộp" in after.text
    for _ in range(2):  # nothing changed since: read from the cache, the sheets' own order
        assert ranked_codes((await staff.get(url, params={"method": "mean"})).text) == changed
    assert calls == [17, 18]
    # Another worker process (nothing in its memory) reads the ranking from the database, not computing it.
    monkeypatch.setattr(ranking_cache, "_MEMO", OrderedDict())
    assert ranked_codes((await staff.get(url, params={"method": "mean"})).text) == changed
    assert calls == [17, 18] and len(ranking_cache._MEMO) == 1
    # The shortlist's "top N" reads the same ranking, without computing it again.
    response = await post_form(
        staff, f"/organizer/rounds/{round_id}/judging/shortlist", {"top": "1", "reason": ""}, page=url
    )
    assert response.status_code == 303 and calls == [17, 18]
    assert len(await RankingCache.select().where(RankingCache.round == round_id)) == 1


async def test_the_ranking_is_shown_a_page_at_a_time(staff, setup, clock, monkeypatch):  # noqa: F811
    monkeypatch.setattr(judging_pages, "RANKING_PER_PAGE", 4)
    await assign_all(setup, clock, k=3)
    in_judging(clock)
    await submit(setup, clock)
    url = f"/organizer/rounds/{setup['round']['id']}/judging/"
    everything = (await judging.results(setup["round"]["id"], method="mean"))["ranking"]
    order = [row["idea"]["code"] for row in everything]

    first = await staff.get(url, params={"method": "mean"})
    assert ranked_codes(first.text) == order[:4]
    assert "Bài 1–4 trong tổng số 6." in first.text and "Trang 1/2" in first.text
    assert f'href="{url}?method=mean&amp;page=2#results"' in first.text
    second = await staff.get(url, params={"method": "mean", "page": "2"})
    assert ranked_codes(second.text) == order[4:]
    assert re.search(r"</td><td>5</td><td id=\"e-", second.text)  # the rank goes on counting from the first page
    for page in ("99", "0", "-2", "hai", "9" * 30):  # clamped, never an error
        response = await staff.get(url, params={"method": "mean", "page": page})
        assert response.status_code == 200
        assert ranked_codes(response.text) == (order[4:] if page == "99" else order[:4])


async def test_assignments_have_their_own_pages(staff, setup, clock, monkeypatch):  # noqa: F811
    monkeypatch.setattr(judging_pages, "ASSIGNMENTS_PER_PAGE", 5)
    await assign_all(setup, clock, k=3)  # 18 assignments: 4 pages of 5
    round_id = setup["round"]["id"]
    url = f"/organizer/rounds/{round_id}/judging/assignments"
    main = await staff.get(f"/organizer/rounds/{round_id}/judging/")
    assert "18 phân công." in main.text and "/move" not in main.text and 'name="judge"' not in main.text
    pages = [await staff.get(url, params={"page": str(n)}) for n in (1, 2, 3, 4)]
    assert [p.text.count("/move") for p in pages] == [5, 5, 5, 3]
    assert "Trang 3/4" in pages[2].text and f'href="{url}?page=4"' in pages[2].text
    assert "Tự động phân công bài dự thi" in pages[0].text  # run and lock the assignment from here
    for match in re.finditer(r'/assignments/(\d+)/move".*?</select>', pages[1].text, re.S):
        judge = (await Assignment.select(Assignment.judge).where(Assignment.id == int(match.group(1))).first())["judge"]
        assert match.group(0).count(" selected") == 1 and f'value="{judge}" selected' in match.group(0)
        assert match.group(0).count("<option") == 3  # the panel's three judges
    for page in ("0", "5", "999", "x", "-1"):
        response = await staff.get(url, params={"page": page})
        assert response.status_code == 200
        assert response.text.count("/move") == (3 if page in ("5", "999") else 5)

    # Moving an entry from page 3 comes back to page 3, and the database holds the new judge.
    assignment_id = int(re.search(r"/assignments/(\d+)/move", pages[2].text).group(1))
    row = await Assignment.select().where(Assignment.id == assignment_id).first()
    taken = {a["judge"] for a in await Assignment.select(Assignment.judge).where(Assignment.idea == row["idea"])}
    free = [j.id for j in setup["judges"] if j.id not in taken]
    target = free[0] if free else next(j.id for j in setup["judges"] if j.id != row["judge"])
    response = await post_form(
        staff,
        f"/organizer/rounds/{round_id}/judging/assignments/{assignment_id}/move",
        {"judge": str(target), "page": "3"},
        page=f"{url}?page=3",
    )
    assert response.status_code == 303
    assert response.headers["location"] == f"{url}?page=3#assignment"
    assert await Assignment.exists().where((Assignment.idea == row["idea"]) & (Assignment.judge == target))

    # Assigning again is done from this page and comes back to it.
    response = await post_form(staff, f"/organizer/rounds/{round_id}/judging/assign", {}, page=url)
    assert response.status_code == 303 and response.headers["location"].startswith(url)


async def test_comments_are_approved_on_their_own_pages(staff, setup, clock, monkeypatch):  # noqa: F811
    monkeypatch.setattr(judging_pages, "COMMENTS_PER_PAGE", 5)
    await assign_all(setup, clock, k=3)
    in_judging(clock)
    await submit(setup, clock)  # 18 submitted sheets: 4 pages of 5
    round_id = setup["round"]["id"]
    url = f"/organizer/rounds/{round_id}/judging/comments"
    main = await staff.get(f"/organizer/rounds/{round_id}/judging/")
    assert "/release" not in main.text and f'href="{url}"' in main.text
    assert "Phiếu có nhận xét đã duyệt: 0 / 18 phiếu đã nộp." in main.text
    second = await staff.get(url, params={"page": "2"})
    assert second.text.count("/release") == 5 and "Trang 2/4" in second.text
    assert "Nhận xét " in second.text  # the judges' comments, to read before approving them
    assert (await staff.get(url, params={"page": "40"})).text.count("/release") == 3

    sheet_id = int(re.search(r"/sheets/(\d+)/release", second.text).group(1))
    response = await post_form(
        staff,
        f"/organizer/rounds/{round_id}/judging/sheets/{sheet_id}/release",
        {"release": "1", "page": "2"},
        page=f"{url}?page=2",
    )
    assert response.status_code == 303 and response.headers["location"] == f"{url}?page=2#comments"
    assert (await ScoreSheet.select(ScoreSheet.release_comments).where(ScoreSheet.id == sheet_id).first())[
        "release_comments"
    ] is True
    again = await staff.get(url, params={"page": "2"})
    assert "Phiếu có nhận xét đã duyệt: 1 / 18 phiếu đã nộp." in again.text and "Đã duyệt — hủy duyệt" in again.text


async def test_another_communes_organizer_sees_none_of_these_pages(app, setup, clock, make_other_user):  # noqa: F811
    await assign_all(setup, clock, k=3)
    in_judging(clock)
    await submit(setup, clock)
    round_id = setup["round"]["id"]
    stranger = await make_other_user(email="btc-tanminh@example.com", roles=(Role.organizer,))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as other:
        await login(other, stranger.email, PASSWORD)
        for path in ("", "assignments", "comments"):
            for params in ({}, {"page": "2"}):
                response = await other.get(f"/organizer/rounds/{round_id}/judging/{path}", params=params)
                assert response.status_code in (403, 404)
                assert "Giám khảo 0" not in response.text and "Nhận xét" not in response.text
    assert not await RankingCache.exists().where(RankingCache.round == round_id)  # nothing computed for them
