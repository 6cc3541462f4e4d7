"""The organizer's rubric, vote rules and awards pages through HTTP, on both engines: forms that keep what was
typed and say what is wrong next to the field (in Vietnamese), the order of the criteria, the award's basis
chosen by its label, a locked round refused on the site and through piccolo-admin's API, the dated
correction on the public results page after a published result is reopened, and two communes."""

from __future__ import annotations

import datetime as dt
import json
import re

import httpx
import pytest

from accounts.tables import Role
from contest import judging
from contest.tables import Award, Criterion, Round, VoteRules
from tests.conftest import admin_login, csrf_from, login
from tests.support.factories import PASSWORD, make_contest

pytestmark = pytest.mark.integration

GOOD = {
    "name": "Tính khả thi",
    "description": "Có làm được ở xã không?",
    "weight": "2",
    "scale_min": "1",
    "scale_max": "5",
    "descriptors": "",
}


@pytest.fixture
async def world(commune, other_commune, make_user, make_other_user, clock):
    mine = await make_contest(commune=commune, now=clock(), slug="an-khanh-2026")
    theirs = await make_contest(commune=other_commune, now=clock(), slug="tan-minh-2026")
    organizer = await make_user(email="bantochuc@example.com", roles=(Role.organizer,))
    other = await make_other_user(email="bantochuc.tm@example.com", roles=(Role.organizer,))
    return {"mine": mine, "theirs": theirs, "organizer": organizer, "other": other}


async def _signed_in(client, email: str) -> None:
    assert (await login(client, email, PASSWORD)).status_code == 303


async def _post(client, page: str, url: str, data: dict) -> httpx.Response:
    token = csrf_from((await client.get(page)).text)
    return await client.post(url, data={**data, "_csrf_token": token})


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


async def _criteria(round_id: int) -> list[dict]:
    return await Criterion.select().where(Criterion.round == round_id).order_by(Criterion.position, Criterion.id)


async def test_add_criterion_with_errors_beside_fields_then_reorder(client, world):
    await _signed_in(client, "bantochuc@example.com")
    round_id = world["mine"]["round"]
    page = f"/organizer/rounds/{round_id}/rubric/"
    # Three descriptors for five levels, a weight of 0: refused, what was typed stays, nothing saved.
    bad = await _post(client, page, page, {**GOOD, "weight": "0", "descriptors": "Chưa rõ\nĐạt\nTốt"})
    assert bad.status_code == 400
    assert 'id="e-descriptors"' in bad.text and 'id="e-weight"' in bad.text
    text = _text(bad.text)
    assert "5 dòng cho các mức từ 1 đến 5 (hiện có 3)" in text, text
    assert "Trọng số là một số lớn hơn 0" in text
    assert "Chưa rõ\nĐạt\nTốt</textarea>" in bad.text and 'value="Tính khả thi"' in bad.text
    assert await _criteria(round_id) == []
    bad_scale = await _post(client, page, page, {**GOOD, "scale_min": "5", "scale_max": "1"})
    assert bad_scale.status_code == 400 and "Mức cao nhất phải lớn hơn mức thấp nhất" in _text(bad_scale.text)
    # Good ones: the page lists them in order with each weight's share of the total.
    levels = "Chưa rõ\nSơ sài\nĐạt\nTốt\nXuất sắc"
    for name, weight in (("Tính mới", "3"), ("Tính khả thi", "1"), ("Tác động", "1")):
        done = await _post(client, page, page, {**GOOD, "name": name, "weight": weight, "descriptors": levels})
        assert done.status_code == 303, done.text
    rows = await _criteria(round_id)
    assert [r["name"] for r in rows] == ["Tính mới", "Tính khả thi", "Tác động"]
    assert json.loads(rows[0]["descriptors"]) == levels.split("\n")
    listing = _text((await client.get(page)).text)
    assert "60.0%" in listing and "20.0%" in listing
    # Move "Tác động" up: it comes before "Tính khả thi".
    moved = await _post(client, page, f"/organizer/rounds/{round_id}/rubric/{rows[2]['id']}/move", {"direction": "up"})
    assert moved.status_code == 303
    assert [r["name"] for r in await _criteria(round_id)] == ["Tính mới", "Tác động", "Tính khả thi"]
    listing = (await client.get(page)).text
    assert listing.index("Tác động") < listing.index("Tính khả thi</strong>")
    # Edit: the scale becomes 0–10 and the descriptors are cleared.
    edit = f"/organizer/rounds/{round_id}/rubric/{rows[1]['id']}"
    assert "Chưa rõ\nSơ sài" in (await client.get(edit)).text
    saved = await _post(client, edit, edit, {**GOOD, "scale_min": "0", "scale_max": "10", "descriptors": ""})
    assert saved.status_code == 303
    row = await Criterion.select().where(Criterion.id == rows[1]["id"]).first()
    assert (row["scale_min"], row["scale_max"], json.loads(row["descriptors"])) == (0, 10, [])
    removed = await _post(client, page, f"{edit}/delete", {})
    assert removed.status_code == 303
    assert [r["name"] for r in await _criteria(round_id)] == ["Tính mới", "Tác động"]


async def test_awards_basis_chosen_by_label(client, world):
    await _signed_in(client, "bantochuc@example.com")
    page = f"/organizer/contests/{world['mine']['slug']}/awards/"
    form = (await client.get(page)).text
    assert all(label in form for label in ("Giám khảo", "Bình chọn công khai", "Kết hợp"))
    bad = await _post(client, page, page, {"name": "", "rank": "0", "prize": "", "basis": "giam-khao"})
    assert bad.status_code == 400
    text = _text(bad.text)
    assert "Vui lòng đặt tên cho giải" in text and "Hãy chọn trong danh sách" in text
    assert not await Award.exists()
    done = await _post(
        client, page, page, {"name": "Giải Nhất", "rank": "1", "prize": "10.000.000 đồng", "basis": "jury"}
    )
    assert done.status_code == 303
    award = await Award.select().first()
    assert (award["name"], award["rank"], award["prize"], award["basis"]) == ("Giải Nhất", 1, "10.000.000 đồng", "jury")
    listing = _text((await client.get(page)).text)
    assert "Giải Nhất" in listing and "Giám khảo" in listing and "10.000.000 đồng" in listing
    edit = f"/organizer/contests/{world['mine']['slug']}/awards/{award['id']}"
    saved = await _post(client, edit, edit, {"name": "Giải bình chọn", "rank": "1", "prize": "", "basis": "public"})
    assert saved.status_code == 303
    assert (await Award.select(Award.basis).where(Award.id == award["id"]).first())["basis"] == "public"
    assert (await _post(client, page, f"{edit}/delete", {})).status_code == 303
    assert not await Award.exists()


async def _freeze(round_id: int, clock, actor: int) -> None:
    round_ = await Round.select().where(Round.id == round_id).first()
    clock.now = round_["judging_closes"] + dt.timedelta(hours=1)
    await judging.ensure_frozen(round_id, now=clock(), actor_id=actor, scope=judging.PLATFORM)


async def test_locked_round_refused_on_the_site(client, world, clock):
    await _signed_in(client, "bantochuc@example.com")
    round_id, slug = world["mine"]["round"], world["mine"]["slug"]
    page = f"/organizer/rounds/{round_id}/rubric/"
    assert (await _post(client, page, page, GOOD)).status_code == 303
    awards = f"/organizer/contests/{slug}/awards/"
    assert (
        await _post(client, awards, awards, {"name": "Giải Nhất", "rank": "1", "basis": "combined"})
    ).status_code == 303
    criterion = (await _criteria(round_id))[0]
    award = await Award.select().first()
    await _freeze(round_id, clock, world["organizer"].id)
    listing = await client.get(page)
    assert "Điểm của vòng này đã được khóa" in _text(listing.text) and "Thêm tiêu chí" not in listing.text
    for url, data in (
        (page, {**GOOD, "name": "Mới"}),
        (f"{page}{criterion['id']}", {**GOOD, "weight": "9"}),
        (awards, {"name": "Giải Nhì", "rank": "2", "basis": "jury"}),
        (f"{awards}{award['id']}", {"name": "Giải", "rank": "3", "basis": "jury"}),
    ):
        refused = await _post(client, page, url, data)
        assert refused.status_code == 409, url
        assert "Điểm của vòng này đã được khóa" in _text(refused.text), url
    for url in (f"{page}{criterion['id']}/delete", f"{page}{criterion['id']}/move", f"{awards}{award['id']}/delete"):
        refused = await _post(client, page, url, {"direction": "down"})
        assert refused.status_code == 303
        assert "Điểm của vòng này đã được khóa" in _text((await client.get(refused.headers["location"])).text)
    assert [(c["name"], c["weight"]) for c in await _criteria(round_id)] == [("Tính khả thi", 2.0)]
    assert [(a["name"], a["rank"]) for a in await Award.select()] == [("Giải Nhất", 1)]


async def test_vote_rules_form_errors_beside_fields_and_lock(client, world, clock):
    await _signed_in(client, "bantochuc@example.com")
    round_id = world["mine"]["round"]
    page = f"/organizer/rounds/{round_id}/vote/"
    url = f"/organizer/rounds/{round_id}/vote/rules"
    bad = await _post(client, page, url, {"votes_per_voter": "ba", "jury_weight": "1,5", "live_tally": "on"})
    assert bad.status_code == 400 and 'id="e-votes"' in bad.text
    assert 'value="ba"' in bad.text and 'value="1,5"' in bad.text
    out_of_range = await _post(client, page, url, {"votes_per_voter": "3", "jury_weight": "1,5"})
    assert out_of_range.status_code == 400 and 'id="e-alpha"' in out_of_range.text
    assert "Trọng số của ban giám khảo phải nằm trong khoảng từ 0 đến 1" in _text(out_of_range.text)
    ok = await _post(client, page, url, {"votes_per_voter": "4", "jury_weight": "0,6", "residents_only": "on"})
    assert ok.status_code == 303
    rules = await VoteRules.select().where(VoteRules.round == round_id).first()
    assert (rules["votes_per_voter"], rules["jury_weight"]) == (4, 0.6)
    # Judging has closed (the vote opens a day later): the rules are locked with the scores.
    await _freeze(round_id, clock, world["organizer"].id)
    refused = await _post(client, page, url, {"votes_per_voter": "5", "jury_weight": "0,5"})
    assert refused.status_code == 409 and "Điểm của vòng này đã được khóa" in _text(refused.text)
    assert (await VoteRules.select(VoteRules.jury_weight).where(VoteRules.round == round_id).first())[
        "jury_weight"
    ] == 0.6


async def test_locked_round_refused_through_the_admin_api(app, world, clock, make_user):
    mine = world["mine"]
    criterion = Criterion(round=mine["round"], name="Tính mới", weight=1)
    await criterion.save()
    award = Award(contest=mine["id"], name="Giải Nhất", basis="combined", rank=1)
    await award.save()
    await make_user(email="quantri@example.com", roles=(Role.admin,))
    await _freeze(mine["round"], clock, world["organizer"].id)
    for email in ("bantochuc@example.com", "quantri@example.com"):  # the commune's organizer, and an admin
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as admin:
            assert (await admin_login(admin, email, PASSWORD)).status_code in (200, 303)
            headers = {"X-CSRFToken": admin.cookies["csrftoken"]}
            base = "/admin/api/tables"
            attempts = [
                admin.patch(f"{base}/rubric_criterion/{criterion.id}/", json={"weight": 5}, headers=headers),
                admin.post(
                    f"{base}/rubric_criterion/",
                    json={"round": mine["round"], "name": "Mới", "weight": 1},
                    headers=headers,
                ),
                admin.delete(f"{base}/rubric_criterion/{criterion.id}/", headers=headers),
                admin.patch(f"{base}/award/{award.id}/", json={"rank": 2}, headers=headers),
                admin.post(f"{base}/award/", json={"contest": mine["id"], "name": "Giải Nhì"}, headers=headers),
                admin.delete(f"{base}/award/{award.id}/", headers=headers),
                admin.patch(f"{base}/contest_round/{mine['round']}/", json={"name": "Đổi tên"}, headers=headers),
            ]
            for attempt in attempts:
                response = await attempt
                assert response.status_code == 409, (email, response.request.url, response.text)
                assert "Điểm của vòng này đã được khóa" in response.json()["detail"]
            bulk = await admin.delete(f"{base}/rubric_criterion/?round={mine['round']}", headers=headers)
            assert bulk.status_code in (405, 409), bulk.text  # bulk deletion is off; were it on, the lock holds
            # Moving the criterion of an open round into the locked one is refused too.
            other_round = Round(
                contest=mine["id"],
                name="Vòng chung khảo",
                position=2,
                submission_opens=clock.now,
                submission_closes=clock.now + dt.timedelta(days=30),
                judging_closes=clock.now + dt.timedelta(days=40),
                results_at=clock.now + dt.timedelta(days=50),
            )
            await other_round.save()
            renamed = await admin.patch(
                f"{base}/contest_round/{other_round.id}/", json={"name": "Chung kết"}, headers=headers
            )
            assert renamed.status_code == 200, renamed.text  # a round that is not locked stays editable
            loose = Criterion(round=other_round.id, name="Tác động", weight=1)
            await loose.save()
            moved = await admin.patch(
                f"{base}/rubric_criterion/{loose.id}/", json={"round": mine["round"]}, headers=headers
            )
            assert moved.status_code == 409, moved.text
            await Criterion.delete().where(Criterion.id == loose.id)
            await Round.delete().where(Round.id == other_round.id)
    assert [(c["name"], c["weight"]) for c in await Criterion.select().where(Criterion.round == mine["round"])] == [
        ("Tính mới", 1.0)
    ]
    assert [(a["name"], a["rank"]) for a in await Award.select()] == [("Giải Nhất", 1)]


async def test_reopening_a_published_result_puts_a_dated_correction_on_the_results_page(client, world, clock):
    await _signed_in(client, "bantochuc@example.com")
    mine = world["mine"]
    round_ = await Round.select().where(Round.id == mine["round"]).first()
    await judging.ensure_frozen(
        mine["round"],
        now=round_["judging_closes"] + dt.timedelta(hours=1),
        actor_id=world["organizer"].id,
        scope=judging.PLATFORM,
    )
    clock.now = round_["results_at"] + dt.timedelta(days=1)
    results = f"/contests/{mine['slug']}/results"
    assert "Đính chính" not in (await client.get(results)).text
    page = f"/organizer/rounds/{mine['round']}/rubric/"
    refused = await _post(client, page, page, GOOD)
    assert refused.status_code == 409 and "Kết quả của vòng này đã được công bố" in _text(refused.text)
    # 2026-11-… 03:00 UTC is 10:00 in Hà Nội.
    reopened = await _post(
        client,
        f"/organizer/rounds/{mine['round']}/judging/",
        f"/organizer/rounds/{mine['round']}/judging/reopen",
        {"reason": "Nhập nhầm điểm tiêu chí Tính mới", "hours": "24"},
    )
    assert reopened.status_code == 303
    local = (clock.now + dt.timedelta(hours=7)).strftime("%d/%m/%Y %H:%M")
    text = _text((await client.get(results)).text)
    assert f"Đính chính ngày {local}: Nhập nhầm điểm tiêu chí Tính mới" in text, text
    # While reopened, the rubric can be corrected; the note stays after the reopening ends.
    assert (await _post(client, page, page, GOOD)).status_code == 303
    clock.advance(days=2)
    assert f"Đính chính ngày {local}" in _text((await client.get(results)).text)
    data = (await client.get(f"{results}.json")).json()
    assert data["corrections"][0]["reason"] == "Nhập nhầm điểm tiêu chí Tính mới"


async def test_other_communes_organizer_gets_not_found(client, world):
    theirs = world["theirs"]
    criterion = Criterion(round=theirs["round"], name="Tính mới", weight=1)
    await criterion.save()
    award = Award(contest=theirs["id"], name="Giải Nhất", basis="jury", rank=1)
    await award.save()
    await _signed_in(client, "bantochuc@example.com")
    own = f"/organizer/rounds/{world['mine']['round']}/rubric/"
    token = csrf_from((await client.get(own)).text)
    pages = [
        f"/organizer/rounds/{theirs['round']}/rubric/",
        f"/organizer/rounds/{theirs['round']}/rubric/{criterion.id}",
        f"/organizer/contests/{theirs['slug']}/awards/",
        f"/organizer/contests/{theirs['slug']}/awards/{award.id}",
        # Own round or contest in the address, the other commune's row as the object.
        f"/organizer/rounds/{world['mine']['round']}/rubric/{criterion.id}",
        f"/organizer/contests/{world['mine']['slug']}/awards/{award.id}",
    ]
    for url in pages:
        assert (await client.get(url)).status_code == 404, url
    posts = [
        (f"/organizer/rounds/{theirs['round']}/rubric/", GOOD),
        (f"/organizer/rounds/{theirs['round']}/rubric/{criterion.id}", {**GOOD, "name": "Đã sửa"}),
        (f"/organizer/rounds/{world['mine']['round']}/rubric/{criterion.id}", {**GOOD, "name": "Đã sửa"}),
        (f"/organizer/rounds/{theirs['round']}/rubric/{criterion.id}/move", {"direction": "up"}),
        (f"/organizer/rounds/{theirs['round']}/rubric/{criterion.id}/delete", {}),
        (f"/organizer/contests/{theirs['slug']}/awards/", {"name": "Giải", "rank": "1", "basis": "jury"}),
        (f"/organizer/contests/{theirs['slug']}/awards/{award.id}", {"name": "Đã sửa", "rank": "1", "basis": "jury"}),
        (f"/organizer/contests/{world['mine']['slug']}/awards/{award.id}/delete", {}),
        (f"/organizer/contests/{theirs['slug']}/awards/{award.id}/delete", {}),
    ]
    for url, data in posts:
        response = await client.post(url, data={**data, "_csrf_token": token})
        assert response.status_code == 404, url
    assert [(c["name"], c["weight"]) for c in await Criterion.select()] == [("Tính mới", 1.0)]
    assert [(a["name"], a["contest"]) for a in await Award.select()] == [("Giải Nhất", theirs["id"])]
