"""Judging pages through HTTP: the judge's journey and the organizer's page."""

from __future__ import annotations

import re

import httpx
import pytest

from accounts.scope import PLATFORM
from contest import judging
from contest.tables import Assignment, ScoreSheet
from tests.conftest import csrf_from, login, post_form
from tests.fixtures.judging import assign_all, in_judging
from tests.support.factories import PASSWORD

pytestmark = pytest.mark.integration


async def test_judge_signs_then_scores_blind(client, setup, clock):  # noqa: F811
    judge = setup["judges"][0]
    await judging.run_assignment(setup["round"]["id"], actor_id=setup["organizer"].id, now=clock(), scope=PLATFORM)
    in_judging(clock)
    await login(client, judge.email, PASSWORD)
    home = await client.get("/judge")
    assert "Ký bản cam kết" in home.text or "cam kết" in home.text
    assignment = (await Assignment.select().where(Assignment.judge == judge.id))[0]
    response = await client.get(f"/judge/assignments/{assignment['id']}")
    assert response.status_code == 303 and response.headers["location"].endswith("/declaration")
    form = await client.get(response.headers["location"])
    assert form.status_code == 200 and 'id="f-confirm"' in form.text
    assert "Vui lòng ký bản cam kết về xung đột lợi ích trước" in form.text  # said where the judge lands
    response = await post_form(
        client, f"/judge/rounds/{setup['round']['id']}/declaration", {"related": "", "relatives": "", "statement": ""}
    )
    assert response.status_code == 400  # the box must be ticked
    response = await post_form(
        client,
        f"/judge/rounds/{setup['round']['id']}/declaration",
        {"related": "", "relatives": "", "statement": "", "confirm": "on"},
    )
    assert response.status_code == 303
    page = await client.get(f"/judge/assignments/{assignment['id']}")
    assert page.status_code == 200 and "<strong>1</strong> — chưa rõ" in page.text
    lead_names = {lead.full_name for lead in setup["leads"]}
    assert not any(name in page.text for name in lead_names)  # blind
    criteria = await judging.rubric(setup["round"]["id"])
    data = {f"c{c['id']}": str(c["scale_max"]) for c in criteria} | {"overall_comment": "Rất tốt", "action": "submit"}
    response = await client.post(
        f"/judge/assignments/{assignment['id']}", data={**data, "_csrf_token": csrf_from(page.text)}
    )
    assert response.status_code == 303
    sheet = await ScoreSheet.select().where(ScoreSheet.judge == judge.id).first()
    assert sheet["status"] == "submitted" and sheet["total"] == pytest.approx(100)
    home = await client.get("/judge")
    assert re.search(r"1 / \d+", home.text)


async def test_bad_score_keeps_the_sheet(client, setup, clock):  # noqa: F811
    await assign_all(setup, clock)
    in_judging(clock)
    judge = setup["judges"][1]
    await login(client, judge.email, PASSWORD)
    assignment = (await Assignment.select().where(Assignment.judge == judge.id))[0]
    page = await client.get(f"/judge/assignments/{assignment['id']}")
    criteria = await judging.rubric(setup["round"]["id"])
    data = {f"c{criteria[0]['id']}": "3", f"n{criteria[0]['id']}": "Nhận xét giữ lại", "action": "submit"}
    response = await client.post(
        f"/judge/assignments/{assignment['id']}", data={**data, "_csrf_token": csrf_from(page.text)}
    )
    assert response.status_code == 400
    assert f'id="e-c{criteria[1]["id"]}"' in response.text and "Nhận xét giữ lại" in response.text
    assert 'value="3" checked' in response.text
    assert await ScoreSheet.count() == 0


async def test_judges_cannot_open_other_judges_sheets(client, setup, clock):  # noqa: F811
    await assign_all(setup, clock)
    other = (await Assignment.select().where(Assignment.judge == setup["judges"][0].id))[0]
    await login(client, setup["judges"][1].email, PASSWORD)
    assert (await client.get(f"/judge/assignments/{other['id']}")).status_code == 404


async def test_organizer_judging_page(app, setup, clock):  # noqa: F811
    await assign_all(setup, clock)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as staff:
        await login(staff, setup["organizer"].email, PASSWORD)
        page = await staff.get(f"/organizer/rounds/{setup['round']['id']}/judging/")
        assert page.status_code == 200
        assert "Sáng tạo" in page.text and "Giám khảo 0" in page.text
        assert "/move" not in page.text  # the assignments are managed on their own page
        assert f'href="/organizer/rounds/{setup["round"]["id"]}/judging/assignments"' in page.text
        listing = await staff.get(f"/organizer/rounds/{setup['round']['id']}/judging/assignments")
        assert listing.status_code == 200
        assert listing.text.count("/move") == 18  # every assignment listed, each with its move form
        response = await post_form(
            staff,
            f"/organizer/rounds/{setup['round']['id']}/judging/settings",
            {"judges_per_entry": "0", "min_per_judge": "0", "max_per_judge": "", "anchors": "0", "method": "mean"},
            page=f"/organizer/rounds/{setup['round']['id']}/judging/",
        )
        assert response.status_code == 400


async def test_citizens_cannot_reach_judging_pages(client, setup, make_user):  # noqa: F811
    citizen = await make_user(email="dan@example.com")
    await login(client, citizen.email, PASSWORD)
    assert (await client.get("/judge/assignments/1")).status_code == 403
    assert (await client.get(f"/organizer/rounds/{setup['round']['id']}/judging/")).status_code == 403
    assert (await client.get("/judge")).status_code == 200  # the page that lists invitations


async def test_organizer_is_told_why_the_panel_stays_split(app, setup, clock):  # noqa: F811
    round_id = setup["round"]["id"]
    await judging.update_settings(
        round_id,
        values={"judges_per_entry": 1, "min_per_judge": 0, "max_per_judge": None, "anchors": 0, "method": "mean"},
        actor_id=setup["organizer"].id,
        now=clock(),
        scope=PLATFORM,
    )
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as staff:
        await login(staff, setup["organizer"].email, PASSWORD)
        response = await post_form(
            staff, f"/organizer/rounds/{round_id}/judging/assign", {}, page=f"/organizer/rounds/{round_id}/judging/"
        )
        assert response.status_code == 303
        page = await staff.get(response.headers["location"])
        assert "các giám khảo tách thành 3 nhóm không chấm chung bài nào" in page.text
        assert len(await Assignment.select().where(Assignment.round == round_id)) == 6
