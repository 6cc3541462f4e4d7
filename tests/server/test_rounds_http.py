"""The organizer's round timeline through HTTP: the page, the forms, the preview of an extension,
open/close now, and another commune's organizer reaching nothing."""

from __future__ import annotations

import datetime as dt

import pytest

from accounts.localtime import format_local
from accounts.rules import Role
from accounts.scope import PLATFORM
from contest import judging, timeline
from contest.rounds import RoundRow, round_row
from contest.tables import Round
from tests.conftest import csrf_from, login, post_form
from tests.support.factories import PASSWORD, make_contest

pytestmark = pytest.mark.integration


@pytest.fixture
async def contest(commune, clock):
    return await make_contest(commune=commune, now=clock())


@pytest.fixture
async def organizer(make_user, client):
    user = await make_user(roles=(Role.organizer,), email="btc@example.com")
    await login(client, "btc@example.com", PASSWORD)
    return user


async def dates(round_id) -> RoundRow:
    return await round_row(round_id, scope=PLATFORM)


async def test_the_timeline_shows_rounds_and_phases_in_hanoi_time(client, contest, organizer):
    round_ = await dates(contest["round"])
    page = await client.get(f"/organizer/contests/{contest['slug']}")
    assert f'href="/organizer/contests/{contest["slug"]}/rounds"' in page.text
    page = await client.get(f"/organizer/contests/{contest['slug']}/rounds")
    assert page.status_code == 200
    assert "Vòng sơ khảo" in page.text
    for name in ("Nhận ý tưởng", "Chấm thi", "Bình chọn", "Kết quả"):
        assert name in page.text
    assert format_local(round_.submission_closes) in page.text
    assert "Đóng ngay" in page.text  # submissions are open now


async def test_adding_a_round_with_an_impossible_date_keeps_the_form(client, contest, organizer):
    url = f"/organizer/contests/{contest['slug']}/rounds/new"
    response = await post_form(
        client,
        url,
        {
            "name": "Vòng chung khảo",
            "has_judging": "on",
            "judging_opens": "31/02/2027 10:00",
            "judging_closes": "abc",
            "results_at": "20/03/2027 09:00",
        },
    )
    assert response.status_code == 400
    assert "Không có ngày 31/02/2027 10:00" in response.text
    assert "dd/mm/yyyy hh:mm" in response.text
    assert 'value="31/02/2027 10:00"' in response.text and 'value="Vòng chung khảo"' in response.text
    assert 'aria-invalid="true"' in response.text
    assert await Round.count().where(Round.contest == contest["id"]) == 1


async def test_adding_a_round_before_the_previous_results_is_refused_then_accepted(client, contest, organizer):
    first = await dates(contest["round"])
    url = f"/organizer/contests/{contest['slug']}/rounds/new"
    form = {
        "name": "Vòng chung khảo",
        "has_judging": "on",
        "has_vote": "on",
        "judging_opens": format_local(first.results_at - dt.timedelta(days=1)),
        "judging_closes": format_local(first.results_at + dt.timedelta(days=7)),
        "vote_opens": format_local(first.results_at + dt.timedelta(days=8)),
        "vote_closes": format_local(first.results_at + dt.timedelta(days=10)),
        "results_at": format_local(first.results_at + dt.timedelta(days=12)),
    }
    response = await post_form(client, url, form)
    assert response.status_code == 400 and "Vòng sơ khảo" in response.text
    assert await Round.count().where(Round.contest == contest["id"]) == 1
    form["judging_opens"] = format_local(first.results_at + dt.timedelta(days=1))
    response = await post_form(client, url, form)
    assert response.status_code == 303
    second = (await timeline.contest_rounds(contest["id"]))[1]
    assert second.position == 2 and second.takes_entries is False and second.has_judging is True
    page = await client.get(f"/organizer/contests/{contest['slug']}/rounds")
    assert "Vòng chung khảo" in page.text and "Không nhận ý tưởng mới" in page.text


async def test_editing_shows_the_order_problem_next_to_the_field(client, contest, organizer):
    first = await dates(contest["round"])
    page = await client.get(f"/organizer/rounds/{contest['round']}/edit")
    assert f'value="{format_local(first.results_at)}"' in page.text
    form = {
        "name": "Vòng sơ khảo",
        "takes_entries": "on",
        "has_judging": "on",
        "submission_opens": format_local(first.submission_opens),
        "submission_closes": format_local(first.submission_closes),
        "judging_closes": format_local(first.judging_closes),
        "results_at": format_local(first.judging_closes - dt.timedelta(days=1)),
    }
    response = await post_form(client, f"/organizer/rounds/{contest['round']}/edit", form)
    assert response.status_code == 400
    assert "Không thể công bố kết quả trước khi kết thúc chấm thi" in response.text
    assert (await dates(contest["round"])).results_at == first.results_at


async def test_extend_shows_what_moves_then_moves_it(client, contest, organizer):
    first = await dates(contest["round"])
    new_end = format_local(first.submission_closes + dt.timedelta(days=3))
    url = f"/organizer/rounds/{contest['round']}/extend"
    preview = await post_form(
        client, url, {"phase": "submission", "new_end": new_end}, page=f"/organizer/contests/{contest['slug']}/rounds"
    )
    assert preview.status_code == 200
    assert "Các mốc sau sẽ dời theo" in preview.text
    assert f"{format_local(first.results_at)} → {format_local(first.results_at + dt.timedelta(days=3))}" in preview.text
    assert (await dates(contest["round"])).submission_closes == first.submission_closes  # nothing yet
    response = await client.post(
        url, data={"phase": "submission", "new_end": new_end, "confirm": "1", "_csrf_token": csrf_from(preview.text)}
    )
    assert response.status_code == 303
    after = await dates(contest["round"])
    assert after.submission_closes == first.submission_closes + dt.timedelta(days=3)
    assert after.results_at == first.results_at + dt.timedelta(days=3)


async def test_extend_with_a_bad_time_says_why_next_to_the_field(client, contest, organizer):
    response = await post_form(
        client,
        f"/organizer/rounds/{contest['round']}/extend",
        {"phase": "submission", "new_end": "31/02/2027 10:00"},
        page=f"/organizer/contests/{contest['slug']}/rounds",
    )
    assert response.status_code == 400
    assert 'id="e-new_end"' in response.text and "Không có ngày 31/02/2027 10:00" in response.text


async def test_close_now_closes_submissions(client, contest, organizer, clock):
    response = await post_form(
        client,
        f"/organizer/rounds/{contest['round']}/now",
        {"action": "close", "phase": "submission"},
        page=f"/organizer/contests/{contest['slug']}/rounds",
    )
    assert response.status_code == 303
    assert (await dates(contest["round"])).submission_closes == clock()
    page = await client.get(response.headers["location"])
    assert "Nhận ý tưởng" in page.text


async def test_the_judging_page_says_scoring_has_not_started_during_submissions(client, contest, organizer, clock):
    page = await client.get(f"/organizer/rounds/{contest['round']}/judging/")
    assert page.status_code == 200
    assert "Chưa bắt đầu chấm điểm" in page.text
    assert "Đã hết thời gian chấm điểm" not in page.text
    round_ = await judging.round_row(contest["round"], scope=PLATFORM)
    settings = await judging.settings_of(contest["round"])
    assert judging.scoring_state(round_, settings, clock()) == "upcoming"
    clock.advance(days=21)
    assert judging.scoring_state(round_, settings, clock()) == "open"
    clock.advance(days=10)
    assert judging.scoring_state(round_, settings, clock()) == "closed"


async def test_another_communes_organizer_gets_404_and_changes_nothing(
    client, commune, other_commune, clock, make_other_user
):
    theirs = await make_contest(commune=other_commune, now=clock(), slug="cuoc-thi-b")
    await make_other_user(roles=(Role.organizer,), email="btc.b@example.com")
    mine = await make_contest(commune=commune, now=clock(), slug="cuoc-thi-a")
    from tests.support.factories import make_user as factory

    await factory(commune=commune, now=clock(), roles=(Role.organizer,), email="btc.a@example.com")
    await login(client, "btc.a@example.com", PASSWORD)
    before = await dates(theirs["round"])
    own = await client.get(f"/organizer/contests/{mine['slug']}/rounds")
    assert own.status_code == 200
    token = csrf_from(own.text)
    new_end = format_local(before.submission_closes + dt.timedelta(days=2))
    for method, url, data in (
        ("GET", f"/organizer/contests/{theirs['slug']}/rounds", None),
        ("GET", f"/organizer/contests/{theirs['slug']}/rounds/new", None),
        ("GET", f"/organizer/rounds/{theirs['round']}/edit", None),
        ("POST", f"/organizer/contests/{theirs['slug']}/rounds/new", {"name": "X", "takes_entries": "on"}),
        ("POST", f"/organizer/rounds/{theirs['round']}/edit", {"name": "Đổi tên"}),
        ("POST", f"/organizer/rounds/{theirs['round']}/extend", {"phase": "submission", "new_end": new_end}),
        (
            "POST",
            f"/organizer/rounds/{theirs['round']}/extend",
            {"phase": "submission", "new_end": new_end, "confirm": "1"},
        ),
        ("POST", f"/organizer/rounds/{theirs['round']}/now", {"action": "close", "phase": "submission"}),
        ("POST", f"/organizer/rounds/{theirs['round']}/delete", {}),
    ):
        if method == "GET":
            response = await client.get(url)
        else:
            response = await client.post(url, data={**(data or {}), "_csrf_token": token})
        assert response.status_code == 404, (method, url, response.status_code)
        assert "Vòng sơ khảo" not in response.text
    assert await dates(theirs["round"]) == before
    assert await Round.count().where(Round.contest == theirs["id"]) == 1
