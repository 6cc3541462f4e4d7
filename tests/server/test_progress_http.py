"""The organizer's judging-progress page through HTTP: reminders, conflicts, carrying entries into the next
round — and nothing of it reaches another commune's round."""

from __future__ import annotations

import pytest

from accounts.tables import AuditEvent, Notification, Role
from contest.tables import IdeaMember, RoundEntry
from tests.conftest import login, post_form
from tests.fixtures.judging import add_next_round, assign_all, judged_round
from tests.support.factories import PASSWORD

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("site_address")]


async def organizer_client(client, setup):  # noqa: F811
    await login(client, setup["organizer"].email, PASSWORD)
    return client


async def test_progress_page_shows_each_judge_and_the_conflicts(client, setup, clock):  # noqa: F811
    await assign_all(setup, clock, k=2)
    judge = setup["judges"][0]
    await IdeaMember(idea=setup["ideas"][0], user=judge.id, contact="gk0@example.com", status="accepted").save()
    await organizer_client(client, setup)
    url = f"/organizer/rounds/{setup['round']['id']}/judging/progress"
    page = await client.get(url)
    assert page.status_code == 200
    assert "Tiến độ chấm" in page.text and "Phiếu đã xong / được giao" in page.text
    for j in setup["judges"]:
        assert j.full_name in page.text
    assert "0 / 4" in page.text  # no sheet yet, four entries each
    assert ">Nhắc<" in page.text
    assert "Xung đột lợi ích" in page.text and "hệ thống tự phát hiện" in page.text
    assert "vẫn đang được giao" in page.text  # found after assignment, not resolved yet
    assert "Chuyển vào vòng sau" not in page.text and "Đây là vòng cuối của cuộc thi." in page.text


async def test_remind_button_tells_the_judge_once_per_twelve_hours(client, setup, clock):  # noqa: F811
    await assign_all(setup, clock, k=2)
    await organizer_client(client, setup)
    judge = setup["judges"][1]
    page = f"/organizer/rounds/{setup['round']['id']}/judging/progress"
    url = f"{page}/judges/{judge.id}/remind"
    response = await post_form(client, url, {}, page=page)
    assert response.status_code == 303
    [note] = await Notification.select().where(
        (Notification.user == judge.id) & (Notification.kind == "judge_reminder")
    )
    assert note["link"] == "http://127.0.0.1:8000/judge" or note["link"].endswith("/judge")
    assert note["link"].startswith(("http://", "https://"))
    after = await client.get(page)
    assert "Đã gửi lời nhắc tới giám khảo." in after.text
    assert "Có thể nhắc lại sau 12 giờ" in after.text
    again = await post_form(client, url, {}, page=page)
    assert again.status_code == 303
    assert "chưa đầy 12 giờ" in (await client.get(page)).text
    assert await Notification.count().where(Notification.kind == "judge_reminder") == 1
    clock.advance(hours=12)
    await post_form(client, url, {}, page=page)
    assert await Notification.count().where(Notification.kind == "judge_reminder") == 2
    assert await AuditEvent.count().where(AuditEvent.action == "judging.judge_reminded") == 2


async def test_move_to_the_next_round_and_take_back(client, setup, clock):  # noqa: F811
    second = await add_next_round(setup)
    await judged_round(setup, clock)
    await organizer_client(client, setup)
    round_id = setup["round"]["id"]
    page = f"/organizer/rounds/{round_id}/judging/progress"
    before = await client.get(page)
    assert "Chuyển vào vòng sau" in before.text and "Vòng này có 3 bài dự thi trong danh sách rút gọn." in before.text
    response = await post_form(client, f"/organizer/rounds/{round_id}/advance", {}, page=page)
    assert response.status_code == 303
    assert sorted(r["idea"] for r in await RoundEntry.select().where(RoundEntry.round == second["id"])) == sorted(
        setup["ideas"][:3]
    )
    shown = await client.get(page)
    assert "Đã chuyển 3 bài dự thi vào Vòng chung khảo." in shown.text and "Rút các bài dự thi về" in shown.text
    response = await post_form(client, f"/organizer/rounds/{round_id}/advance/undo", {}, page=page)
    assert response.status_code == 303
    assert not await RoundEntry.exists()
    assert "Đã rút 3 bài dự thi khỏi vòng sau." in (await client.get(page)).text


async def test_another_communes_organizer_reaches_nothing(client, setup, clock, make_other_user):  # noqa: F811
    second = await add_next_round(setup)
    await judged_round(setup, clock)
    other = await make_other_user(roles=(Role.organizer,))
    await login(client, other.email, PASSWORD)
    round_id = setup["round"]["id"]
    assert (await client.get(f"/organizer/rounds/{round_id}/judging/progress")).status_code == 404
    judge = setup["judges"][0]
    for url in (
        f"/organizer/rounds/{round_id}/judging/progress/judges/{judge.id}/remind",
        f"/organizer/rounds/{round_id}/advance",
        f"/organizer/rounds/{round_id}/advance/undo",
    ):
        response = await post_form(client, url, {}, page="/organizer/")
        assert response.status_code == 404, url
    assert not await RoundEntry.exists().where(RoundEntry.round == second["id"])
    assert not await Notification.exists().where(
        Notification.kind.is_in(["judge_reminder", "round_advanced", "not_selected"])
    )
