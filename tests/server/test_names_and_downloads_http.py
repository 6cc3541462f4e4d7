"""No raw code reaches a person (statuses, stages, languages, categories) in pages and exports;
every download says what it is; Excel cells hold text as text, with no visible apostrophe."""

from __future__ import annotations

import contextlib
import csv
import io
import json

import httpx
import pytest
from openpyxl import load_workbook

from accounts.tables import Role
from contest import voting
from contest.tables import Award, Idea, IdeaRevision
from mentoring.tables import MentorProfile
from tests.conftest import login
from tests.fixtures.voting import verified
from tests.support.factories import PASSWORD

pytestmark = pytest.mark.integration

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
RAW = ("shortlisted", "finalist", "awarded", "prototype", "pilot", "launched")


@contextlib.asynccontextmanager
async def _organizer(app, make_user):
    organizer = await make_user(email="to-chuc@example.com", roles=(Role.organizer,))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as client:
        await login(client, organizer.email, PASSWORD)
        yield client


async def test_organizer_exports_name_statuses_and_stages_and_keep_text_as_text(app, vote_round, make_user):  # noqa: F811
    first, second = vote_round["ideas"][:2]
    await Idea.update({Idea.title: "=SUM(A1:A9)", Idea.stage: "prototype", Idea.status: "shortlisted"}).where(
        Idea.id == first
    )
    await Idea.update({Idea.title: "+84 912 345 678", Idea.stage: "launched", Idea.status: "finalist"}).where(
        Idea.id == second
    )
    slug = vote_round["contest"]["slug"]
    async with _organizer(app, make_user) as staff:
        xlsx = await staff.get(f"/organizer/contests/{slug}/export.xlsx")
        assert xlsx.status_code == 200 and xlsx.headers["content-type"] == XLSX
        assert xlsx.headers["content-disposition"].startswith("attachment;")
        sheet = load_workbook(io.BytesIO(xlsx.content)).active
        header = [c.value for c in sheet[1]]
        assert header[2] == "Trạng thái" and header[7] == "Giai đoạn"
        by_title = {r[1].value: r for r in sheet.iter_rows(min_row=2)}
        formula = by_title["=SUM(A1:A9)"]  # exactly what was typed: no apostrophe in front
        assert formula[1].data_type == "s" and formula[1].number_format == "@"
        assert formula[2].value == "Vào vòng trong" and formula[7].value == "Mẫu thử"
        phone = by_title["+84 912 345 678"]
        assert phone[1].data_type == "s" and phone[2].value == "Vào chung khảo" and phone[7].value == "Ra mắt"
        cells = [str(c.value) for r in sheet.iter_rows() for c in r if c.value is not None]
        assert not set(cells) & set(RAW) and not any(v.startswith("'") for v in cells)

        exported = await staff.get(f"/organizer/contests/{slug}/export.csv")
        assert exported.headers["content-type"] == "text/csv; charset=utf-8"
        table = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
        cells = [c for row in table for c in row]
        assert "'=SUM(A1:A9)" in cells and "'+84 912 345 678" in cells  # CSV keeps the formula guard
        assert "Vào vòng trong" in cells and "Mẫu thử" in cells and not set(cells) & set(RAW)

        english = await staff.get(f"/organizer/contests/{slug}/export.csv?lang=en")
        cells = [c for row in csv.reader(io.StringIO(english.content.decode("utf-8-sig"))) for c in row]
        assert "Shortlisted" in cells and "Prototype" in cells and "Launched" in cells


async def test_revisions_name_the_field_and_stage_not_their_codes(app, vote_round, make_user, clock):  # noqa: F811
    idea_id = vote_round["ideas"][0]
    categories = vote_round["contest"]["categories"]
    lead = (await Idea.select(Idea.lead).where(Idea.id == idea_id).first())["lead"]
    base = {
        "title": "Lọc nước",
        "summary": "Tóm tắt",
        "problem": "",
        "solution": "",
        "beneficiaries": "",
        "resources": "",
        "budget_vnd": None,
        "body": "",
        "video_url": "",
    }
    await IdeaRevision.delete().where(IdeaRevision.idea == idea_id)
    for number, (category, stage) in enumerate([(categories[0], "idea"), (categories[2], "pilot")], start=1):
        await IdeaRevision(
            idea=idea_id,
            number=number,
            author=lead,
            created_at=clock(),
            snapshot=json.dumps({**base, "category": category, "stage": stage}),
        ).save()
    async with _organizer(app, make_user) as staff:
        page = await staff.get(f"/organizer/ideas/{idea_id}/revisions")
    assert page.status_code == 200
    assert "-Nông nghiệp" in page.text and "+Môi trường" in page.text
    assert "-Ý tưởng" in page.text and "+Thí điểm" in page.text
    assert f"-{categories[0]}\n" not in page.text and f"+{categories[2]}\n" not in page.text
    assert "+pilot" not in page.text


async def test_mentor_page_names_the_languages(client, world):  # noqa: F811
    mentor_id = world["mentors"][0][0]
    await MentorProfile.update({MentorProfile.languages: json.dumps(["vi", "en"])}).where(MentorProfile.id == mentor_id)
    page = await client.get(f"/mentors/{mentor_id}")
    assert "Tiếng Việt, Tiếng Anh" in page.text and "vi, en" not in page.text
    english = await client.get(f"/mentors/{mentor_id}?lang=en")
    assert "Vietnamese, English" in english.text


async def test_every_public_download_says_what_it_is(client, vote_round, make_user, clock):  # noqa: F811
    slug = vote_round["contest"]["slug"]
    for i in range(2):
        voter = await verified(make_user)
        await voting.cast(
            vote_round["round"]["id"],
            vote_round["ideas"][i],
            voter_id=voter.id,
            now=clock(),
            alias_key=b"vote-alias:test-secret-key-that-is-long-enough-0123456789",
        )
    await Award(contest=vote_round["contest"]["id"], name="Giải bình chọn", position=1, basis="public", rank=1).save()
    clock.advance(days=10)
    expected = {
        "results.csv": "text/csv; charset=utf-8",
        "results.json": "application/json",
        "vote-log.csv": "text/csv; charset=utf-8",
        "vote-log.json": "application/json",
        "recount.py": "text/x-python; charset=utf-8",
    }
    for name, content_type in expected.items():
        response = await client.get(f"/contests/{slug}/{name}")
        assert response.status_code == 200, name
        assert response.headers["content-type"] == content_type, name
        if name != "results.json":  # a file to keep: it comes with a file name
            assert response.headers["content-disposition"].startswith("attachment;"), name


async def test_personal_data_export_holds_everything_kept_about_the_person(app, client, world, make_user, clock):  # noqa: F811
    import datetime as dt

    from accounts.tables import Notification
    from contest.tables import IdeaMember, Vote
    from mentoring.tables import MentoringRequest, Mentorship, Workshop, WorkshopRegistration
    from tests.support.factories import make_resident

    (my_idea, me), (joined_idea, _), (other_idea, other) = world["teams"]
    await make_resident(me, now=clock())
    await IdeaMember(idea=joined_idea, user=me.id, contact="0912000111", status="accepted", invited_at=clock()).save()
    await IdeaRevision(
        idea=my_idea, number=9, author=me.id, created_at=clock(), snapshot=json.dumps({"title": "Bản nháp cũ"})
    ).save()
    round_id = (await Idea.select(Idea.round).where(Idea.id == other_idea).first())["round"]
    await Vote(round=round_id, voter=me.id, idea=other_idea, receipt="A1B2C3D4E5", created_at=clock()).save()
    mentor_id = world["mentors"][0][0]
    await MentoringRequest(
        idea=my_idea, mentor=mentor_id, message="Xin thầy giúp về thị trường", expires_at=clock() + dt.timedelta(days=7)
    ).save()
    await Mentorship(idea=my_idea, mentor=mentor_id, started_at=clock()).save()
    workshop = Workshop(
        title="Tư duy khởi nghiệp",
        starts_at=clock() + dt.timedelta(days=3),
        ends_at=clock() + dt.timedelta(days=3, hours=2),
        place="Nhà văn hoá xã",
    )
    await workshop.save()
    await WorkshopRegistration(workshop=workshop.id, user=me.id, created_at=clock()).save()
    await Notification(user=me.id, title="Ý tưởng của bạn đã được nộp", created_at=clock()).save()
    await Notification(user=other.id, title="Thư của người khác", created_at=clock()).save()

    await login(client, me.email or me.phone, PASSWORD)
    response = await client.get("/account/export")
    assert response.status_code == 200 and response.headers["content-type"] == "application/json"
    data = json.loads(response.content)
    assert data["format"] == "sangtao-personal-data/2"
    assert set(data) >= {
        "profile",
        "verification",
        "consents",
        "roles",
        "notifications",
        "activity",
        "ideas",
        "team_memberships",
        "votes",
        "reports",
        "judging",
        "mentoring",
        "workshop_registrations",
    }
    assert data["profile"]["full_name"] == "Trưởng nhóm 0"
    assert data["verification"]["verified_resident"] is True and data["verification"]["verified_at"]
    assert "terms_accepted_at" in data["consents"]
    ideas = {i["title"]: i for i in data["ideas"]}
    assert set(ideas) == {"Đội 0", "Đội 1"}  # the one I lead and the one I joined; not a stranger's
    assert ideas["Đội 0"]["my_role"] == "lead" and ideas["Đội 1"]["my_role"] == "member"
    assert any(
        r["snapshot"] == {"title": "Bản nháp cũ"} or r["snapshot"] == json.dumps({"title": "Bản nháp cũ"})
        for r in ideas["Đội 0"]["revisions"]
    )
    assert [m["status"] for m in data["team_memberships"]] == ["accepted"]
    assert [v["receipt"] for v in data["votes"]] == ["A1B2C3D4E5"] and data["votes"][0]["idea_title"] == "Đội 2"
    assert [r["message"] for r in data["mentoring"]["requests"]] == ["Xin thầy giúp về thị trường"]
    assert data["mentoring"]["mentorships"][0]["mentor_user_full_name"] == "Cố vấn 0"
    assert data["mentoring"]["mentor_profile"] is None
    assert [w["workshop_title"] for w in data["workshop_registrations"]] == ["Tư duy khởi nghiệp"]
    assert "Ý tưởng của bạn đã được nộp" in [n["title"] for n in data["notifications"]]
    assert "Thư của người khác" not in response.text

    mentor_user = world["mentors"][0][1]
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as other_client:
        await login(other_client, mentor_user.email, PASSWORD)
        mentor = json.loads((await other_client.get("/account/export")).content)
    assert mentor["mentoring"]["mentor_profile"]["bio"] == "Mười năm kinh nghiệm khởi nghiệp nông nghiệp."
    assert [r["idea_code"] for r in mentor["mentoring"]["requests"]] and mentor["ideas"] == []


async def test_certificate_shows_its_date_of_issue_commune_and_a_place_to_sign_and_stamp(
    client,
    vote_round,
    make_user,  # noqa: F811
    clock,
):
    from zoneinfo import ZoneInfo

    from contest.tables import Round

    slug = vote_round["contest"]["slug"]
    voter = await verified(make_user)
    await voting.cast(
        vote_round["round"]["id"],
        vote_round["ideas"][0],
        voter_id=voter.id,
        now=clock(),
        alias_key=b"vote-alias:test-secret-key-that-is-long-enough-0123456789",
    )
    award = Award(contest=vote_round["contest"]["id"], name="Giải bình chọn", position=1, basis="public", rank=1)
    await award.save()
    clock.advance(days=10)
    results_at = (await Round.select(Round.results_at).where(Round.id == vote_round["round"]["id"]).first())[
        "results_at"
    ]
    day = results_at.astimezone(ZoneInfo("Asia/Ho_Chi_Minh"))
    page = await client.get(f"/contests/{slug}/awards/{award.id}/certificate")
    assert page.status_code == 200
    text = " ".join(page.text.split())
    assert f"Xã An Khánh, ngày {day:%d} tháng {day:%m} năm {day:%Y}" in text
    assert "Ngày cấp" in text and "Ban tổ chức cuộc thi" in text
    assert "TM. BAN TỔ CHỨC" in text and "(Ký, ghi rõ họ tên và đóng dấu)" in text
    english = " ".join((await client.get(f"/contests/{slug}/awards/{award.id}/certificate?lang=en")).text.split())
    assert f"Xã An Khánh, {day.day} {day:%B} {day:%Y}" in english
    assert "On behalf of the organizing committee" in english and "(Signature, full name and stamp)" in english
