"""piccolo-admin speaks Vietnamese to officials: labels and help of every table and column, readable
names in foreign-key pickers, Hà Nội time, JSON never typed by hand, refusals as sentences."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest

from accounts.tables import Role
from contest.tables import Round
from server.admin_labels import TABLES, column_label
from tests.support.factories import PASSWORD, make_contest

pytestmark = pytest.mark.integration

SPA_ACCEPT = "application/json, text/plain, */*"  # what piccolo-admin's page asks for


async def admin_login(client, identifier: str):
    await client.get("/admin/")
    response = await client.post(
        "/admin/public/login/",
        json={"username": identifier, "password": PASSWORD},
        headers={"X-CSRFToken": client.cookies.get("csrftoken") or "", "Referer": "http://testserver/admin/"},
    )
    assert response.status_code in (200, 303), response.text


def csrf(client, **extra: str) -> dict[str, str]:
    return {"X-CSRFToken": client.cookies.get("csrftoken") or "", **extra}


async def test_every_table_and_column_has_a_vietnamese_label_and_help(client, make_user, app):
    await make_user(email="admin@example.com", roles=(Role.admin,))
    await admin_login(client, "admin@example.com")
    tables = (await client.get("/admin/api/tables/")).json()
    assert set(tables) <= set(TABLES), set(tables) - set(TABLES)
    for table in tables:
        schema = (await client.get(f"/admin/api/tables/{table}/schema/")).json()
        assert schema["extra"]["help_text"] == TABLES[table][0], table
        for name, prop in schema["properties"].items():
            label = column_label(table, name)
            assert label, (table, name)
            assert prop["title"] == label[0] and prop["extra"]["help_text"] == label[1], (table, name)
    rounds = (await client.get("/admin/api/tables/contest_round/schema/")).json()["properties"]
    assert rounds["submission_opens"]["title"] == "Mở nhận ý tưởng"
    assert "giờ Hà Nội" in rounds["submission_opens"]["extra"]["help_text"]
    ideas = (await client.get("/admin/api/tables/idea/schema/")).json()["properties"]
    assert {c["display_name"] for c in ideas["status"]["extra"]["choices"].values()} >= {"Nháp", "Đã nộp"}


async def test_the_admin_page_carries_every_tables_vietnamese_name(client, make_user):
    """The side menu and headings show these names (static/js/admin-labels.js; browser-checked in
    the admin's two-factor journey)."""
    await make_user(email="admin@example.com", roles=(Role.admin,))
    await admin_login(client, "admin@example.com")
    tables = (await client.get("/admin/api/tables/")).json()
    page = (await client.get("/admin/")).text
    block = re.search(r'<script type="application/json" id="sangtao-admin-labels">(.*?)</script>', page)
    assert block, "the admin page has no table names"
    names = json.loads(block.group(1))
    assert set(tables) <= set(names), set(tables) - set(names)
    assert names["idea"] == "Ý tưởng" and names["contest_round"] == "Vòng thi"
    assert all(name and name != table for table, name in names.items())
    script = re.search(r'<script src="(/static/js/admin-labels\.[0-9a-f]+\.js)" defer>', page)
    assert script and (await client.get(script.group(1))).status_code == 200


async def test_json_fields_are_not_in_the_admin_forms(client, make_user):
    await make_user(email="admin@example.com", roles=(Role.admin,))
    await admin_login(client, "admin@example.com")
    criterion = (await client.get("/admin/api/tables/rubric_criterion/schema/")).json()
    assert "descriptors" not in criterion["properties"] and "weight" in criterion["properties"]
    mentor = (await client.get("/admin/api/tables/mentor_profile/schema/")).json()
    assert not {"expertise", "free_tags", "sectors", "languages", "stages", "availability"} & set(mentor["properties"])
    assert "expertise" not in mentor["extra"]["visible_filter_names"]


async def test_pickers_show_readable_names(client, make_user, commune, clock):
    contest = await make_contest(commune=commune, now=clock())
    await Round.update({Round.name: "Vòng sơ khảo"}).where(Round.id == contest["round"])
    await make_user(email="admin@example.com", roles=(Role.admin,), full_name="Nguyễn Thị Nhung")
    await admin_login(client, "admin@example.com")
    rounds = (await client.get("/admin/api/tables/contest_round/ids/")).json()
    assert rounds[str(contest["round"])] == "Vòng sơ khảo — Cuộc thi ý tưởng sáng tạo 2026"
    searched = (await client.get("/admin/api/tables/contest_round/ids/?search=sáng tạo")).json()
    assert str(contest["round"]) in searched
    contests = (await client.get("/admin/api/tables/contest/ids/")).json()
    assert contests[str(contest["id"])] == "Cuộc thi ý tưởng sáng tạo 2026"
    people = (await client.get("/admin/api/tables/users/ids/")).json()
    assert any(v.startswith("Nguyễn Thị Nhung") for v in people.values())
    hamlets = (await client.get("/admin/api/tables/hamlet/ids/")).json()
    assert hamlets[str(commune["hamlets"][0])] == "Thôn An Lạc — Xã An Khánh"
    categories = (await client.get("/admin/api/tables/contest_category/?__readable=true")).json()["rows"]
    assert categories[0]["contest_readable"] == "Cuộc thi ý tưởng sáng tạo 2026"


async def test_the_admin_opens_in_hanoi_time_and_stores_utc(client, make_user, commune, clock):
    page = await client.get("/admin/")
    assert '<html lang="vi">' in page.text
    assert page.text.index('src="/static/admin/timezone.js"') < page.text.index('type="module"')
    script = await client.get("/static/admin/timezone.js")
    assert script.status_code == 200 and '"Asia/Ho_Chi_Minh"' in script.text and "defaultTimezone" in script.text

    contest = await make_contest(commune=commune, now=clock())
    await make_user(email="admin@example.com", roles=(Role.admin,))
    await admin_login(client, "admin@example.com")
    # 08:00 typed in Hà Nội on 1 December: the admin page sends it as 01:00 UTC (toISOString).
    created = await client.post(
        "/admin/api/tables/contest_round/",
        headers=csrf(client),
        json={
            "contest": contest["id"],
            "name": "Vòng chung khảo",
            "position": 2,
            "submission_opens": "2026-12-01T01:00:00.000Z",
            "submission_closes": "2026-12-10T09:30:00+07:00",
            "judging_closes": "2026-12-20T00:00:00+07:00",
            "vote_opens": None,
            "vote_closes": None,
            "results_at": "2026-12-25T00:00:00+07:00",
        },
    )
    assert created.status_code == 201, created.text
    row = await Round.select().where(Round.name == "Vòng chung khảo").first()
    utc = dt.UTC
    assert row["submission_opens"].astimezone(utc) == dt.datetime(2026, 12, 1, 1, 0, tzinfo=utc)
    assert row["submission_closes"].astimezone(utc) == dt.datetime(2026, 12, 10, 2, 30, tzinfo=utc)
    shown = (await client.get(f"/admin/api/tables/contest_round/{row['id']}/")).json()
    assert dt.datetime.fromisoformat(shown["submission_opens"]) == dt.datetime(2026, 12, 1, 1, 0, tzinfo=utc)


async def test_refusals_reach_the_admin_page_as_vietnamese_sentences(client, make_user, commune, other_commune, clock):
    mine = await make_contest(commune=commune, now=clock())
    theirs = await make_contest(commune=other_commune, now=clock(), slug="tan-minh-2026")
    await make_user(email="nhung@example.com", roles=(Role.organizer,))
    await admin_login(client, "nhung@example.com")
    body = {"contest": theirs["id"], "name": "Giải Nhì", "position": 2, "basis": "jury", "rank": 2, "prize": ""}
    # The page (plain text accepted): the sentence alone, Vietnamese first.
    spa = await client.post("/admin/api/tables/award/", json=body, headers=csrf(client, Accept=SPA_ACCEPT))
    assert spa.status_code == 403 and spa.headers["content-type"].startswith("text/plain")
    assert spa.text.startswith("Trường «Cuộc thi» trỏ tới") and "xã" in spa.text and "{" not in spa.text
    # API clients asking for JSON keep the JSON body.
    api = await client.post("/admin/api/tables/award/", json=body, headers=csrf(client))
    assert api.status_code == 403 and "xã" in api.json()["detail"]
    # Dates out of order (a rule of the domain): a sentence, not a crash of the page.
    dates = await client.post(
        "/admin/api/tables/contest_round/",
        headers=csrf(client, Accept=SPA_ACCEPT),
        json={
            "contest": mine["id"],
            "name": "Vòng 2",
            "position": 2,
            "submission_opens": "2026-12-10T00:00:00+07:00",
            "submission_closes": "2026-12-01T00:00:00+07:00",
            "judging_closes": "2026-12-20T00:00:00+07:00",
            "vote_opens": None,
            "vote_closes": None,
            "results_at": "2026-12-25T00:00:00+07:00",
        },
    )
    assert dates.status_code == 422 and dates.headers["content-type"].startswith("text/plain")
    assert "{" not in dates.text and any(ch in dates.text for ch in "ạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹđ")
    # A value that does not fit its field names the field by its Vietnamese label.
    wrong = await client.post(
        "/admin/api/tables/award/",
        headers=csrf(client, Accept=SPA_ACCEPT),
        json={"contest": mine["id"], "name": "Giải Ba", "position": "ba", "basis": "jury", "rank": 3, "prize": ""},
    )
    assert wrong.status_code == 422 and "“Thứ tự”" in wrong.text and "Giá trị không hợp lệ" in wrong.text
