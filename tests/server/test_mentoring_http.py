"""Mentoring pages through HTTP: directory, request and accept, office hours, workshops, organizer pages."""

from __future__ import annotations

import datetime as dt
import re

import httpx
import pytest

from accounts.tables import Role
from mentoring import office_hours, teams, workshops
from mentoring.tables import Mentorship, OfficeSlot, Workshop
from tests.conftest import csrf_from, login, post_form
from tests.support.factories import PASSWORD

pytestmark = pytest.mark.integration


async def test_directory_shows_no_contact_details(client, world):  # noqa: F811
    page = await client.get("/mentors/", params={"q": "co van", "expertise": "marketing"})
    assert page.status_code == 200 and "Cố vấn 0" in page.text
    assert "covan0@example.com" not in page.text
    detail = await client.get(f"/mentors/{world['mentors'][0][0]}")
    assert "Mười năm kinh nghiệm" in detail.text and "covan0@example.com" not in detail.text


async def test_team_requests_mentor_accepts_then_books_office_hours(app, client, world, clock):  # noqa: F811
    idea, lead = world["teams"][0]
    mentor_id, mentor_user = world["mentors"][0]
    await login(client, lead.email, PASSWORD)
    bad = await post_form(
        client, f"/mentors/{mentor_id}/request", {"idea": str(idea), "message": ""}, page=f"/mentors/{mentor_id}"
    )
    assert bad.status_code == 400 and 'id="e-message"' in bad.text
    ok = await post_form(
        client,
        f"/mentors/{mentor_id}/request",
        {"idea": str(idea), "message": "Nhờ thầy giúp"},
        page=f"/mentors/{mentor_id}",
    )
    assert ok.status_code == 303
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as mentor:
        await login(mentor, mentor_user.email, PASSWORD)
        hub = await mentor.get("/mentoring")
        assert "Nhờ thầy giúp" in hub.text
        request_id = re.search(r"/mentoring/requests/(\d+)/accept", hub.text).group(1)
        assert (
            await post_form(mentor, f"/mentoring/requests/{request_id}/accept", {}, page="/mentoring")
        ).status_code == 303
    mentorship = await Mentorship.select().first()
    slot = await office_hours.publish_slot(
        mentor_id,
        starts_at=clock() + dt.timedelta(days=3),
        minutes=30,
        mode="online",
        location="https://meet.example/x",
        now=clock(),
    )
    page = await client.get(f"/mentoring/mentorships/{mentorship['id']}")
    response = await client.post(
        f"/mentoring/slots/{slot}/book", data={"mentorship": str(mentorship["id"]), "_csrf_token": csrf_from(page.text)}
    )
    assert response.status_code == 303
    assert (await OfficeSlot.select(OfficeSlot.booked_by).where(OfficeSlot.id == slot).first())[
        "booked_by"
    ] == mentorship["id"]
    invite = await client.get(f"/mentoring/slots/{slot}/invitation.ics")
    assert invite.headers["content-type"].startswith("text/calendar") and b"BEGIN:VEVENT" in invite.content
    unfolded = invite.text.replace("\r\n ", "")
    assert mentor_user.full_name in unfolded and "https://meet.example/x" in unfolded
    cancelled = await post_form(
        client, f"/mentoring/slots/{slot}/cancel", {}, page=f"/mentoring/mentorships/{mentorship['id']}"
    )
    assert cancelled.status_code == 303
    assert cancelled.headers["location"].endswith(f"/mentoring/mentorships/{mentorship['id']}#slots")
    assert (await OfficeSlot.select(OfficeSlot.booked_by).where(OfficeSlot.id == slot).first())["booked_by"] is None


async def test_strangers_cannot_open_a_mentorship(client, world, make_user, clock):  # noqa: F811
    await Mentorship(idea=world["teams"][0][0], mentor=world["mentors"][0][0], started_at=clock()).save()
    mentorship = await Mentorship.select().first()
    stranger = await make_user(email="nguoila@example.com")
    await login(client, stranger.email, PASSWORD)
    assert (await client.get(f"/mentoring/mentorships/{mentorship['id']}")).status_code == 404


async def test_workshop_registration_and_calendar(client, world, make_user, clock):  # noqa: F811
    workshop = Workshop(
        title="Tư duy khởi nghiệp cho thanh niên",
        starts_at=clock() + dt.timedelta(days=5),
        ends_at=clock() + dt.timedelta(days=5, hours=2),
        capacity=1,
        place="Nhà văn hóa xã",
    )
    await workshop.save()
    listing = await client.get("/workshops")
    assert "Tư duy khởi nghiệp cho thanh niên" in listing.text
    person = await make_user(email="hoc@example.com")
    await login(client, person.email, PASSWORD)
    response = await post_form(client, f"/workshops/{workshop.id}/register", {}, page=f"/workshops/{workshop.id}")
    assert response.status_code == 303
    page = await client.get(f"/workshops/{workshop.id}")
    assert f'action="/workshops/{workshop.id}/cancel"' in page.text  # registered: they can cancel
    assert (await workshops.my_registration(workshop.id, person.id))["status"] == "registered"
    ics = await client.get(f"/workshops/{workshop.id}/invitation.ics")
    assert b"Nh\xc3\xa0 v\xc4\x83n h\xc3\xb3a" in ics.content or b"LOCATION" in ics.content


async def test_organizer_matches_and_publishes(app, world, make_user, clock):  # noqa: F811
    for idea, lead in world["teams"]:
        await teams.save_needs(idea, {"needs": ["marketing"], "languages": ["vi"]}, user_id=lead.id, now=clock())
    organizer = await make_user(email="nhung@example.com", roles=(Role.organizer,))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as staff:
        await login(staff, organizer.email, PASSWORD)
        response = await post_form(
            staff, "/organizer/mentoring/matching", {"mode": "stable"}, page="/organizer/mentoring/"
        )
        assert response.status_code == 303
        page = await staff.get("/organizer/mentoring/")
        assert "Cố vấn 0" in page.text and page.text.count("/organizer/mentoring/proposals/") == 3
        run_id = re.search(r"/organizer/mentoring/runs/(\d+)/publish", page.text).group(1)
        assert (
            await post_form(staff, f"/organizer/mentoring/runs/{run_id}/publish", {}, page="/organizer/mentoring/")
        ).status_code == 303
        export = await staff.get("/organizer/mentoring/pipeline.csv")
        assert export.content.startswith(b"\xef\xbb\xbf")
    assert await Mentorship.count() == 2


async def test_mentor_photo_is_a_sniffed_web_copy(client, world):  # noqa: F811
    import io

    from PIL import Image

    mentor_id, mentor_user = world["mentors"][0]
    await login(client, mentor_user.email, PASSWORD)
    page = await client.get("/mentors/apply")
    buffer = io.BytesIO()
    Image.new("RGB", (300, 200), (200, 100, 50)).save(buffer, format="PNG")
    form = {
        "_csrf_token": csrf_from(page.text),
        "title": "Giảng viên",
        "bio": "Mười năm kinh nghiệm khởi nghiệp.",
        "expertise": "marketing",
        "capacity": "1",
        "languages": "vi",
        "mode": "any",
    }
    bad = await client.post("/mentors/apply", data=form, files={"photo": ("anh.png", b"<svg onload=x>", "image/png")})
    assert bad.status_code == 400 and 'id="e-photo"' in bad.text
    ok = await client.post("/mentors/apply", data=form, files={"photo": ("anh.png", buffer.getvalue(), "image/png")})
    assert ok.status_code == 303
    photo = await client.get(f"/mentors/{mentor_id}/photo")
    assert photo.status_code == 200 and photo.headers["content-type"] == "image/jpeg"
    assert photo.headers["x-content-type-options"] == "nosniff" and photo.content[:3] == b"\xff\xd8\xff"
    assert f'src="/mentors/{mentor_id}/photo"' in (await client.get(f"/mentors/{mentor_id}")).text


async def test_a_mentor_publishes_office_hours_and_a_time_that_cannot_be_read_is_told(client, world, clock):  # noqa: F811
    mentor_id, mentor_user = world["mentors"][0]
    await login(client, mentor_user.email, PASSWORD)
    for starts_at, minutes in (("03/12/2026 14:00", "45"), ("2026-12-03T14:00", "bốn lăm")):
        refused = await post_form(
            client,
            "/mentoring/slots",
            {"starts_at": starts_at, "minutes": minutes, "mode": "online"},
            page="/mentoring",
        )
        assert refused.status_code == 303 and refused.headers["location"] == "/mentoring#slots"
        assert "Vui lòng nhập ngày và giờ." in (await client.get("/mentoring")).text
    assert await OfficeSlot.count().where(OfficeSlot.mentor == mentor_id) == 0
    starts = (clock() + dt.timedelta(days=3)).astimezone(dt.timezone(dt.timedelta(hours=7)))
    published = await post_form(
        client,
        "/mentoring/slots",
        {"starts_at": starts.strftime("%Y-%m-%dT%H:%M"), "minutes": "45", "mode": "online", "location": "Zalo"},
        page="/mentoring",
    )
    assert published.status_code == 303
    slot = (
        await OfficeSlot.select(OfficeSlot.starts_at, OfficeSlot.ends_at).where(OfficeSlot.mentor == mentor_id).first()
    )
    assert slot["ends_at"] - slot["starts_at"] == dt.timedelta(minutes=45)


async def test_a_team_states_its_needs_and_a_refused_form_keeps_what_was_chosen(client, world):  # noqa: F811
    idea, lead = world["teams"][0]
    await login(client, lead.email, PASSWORD)
    url = f"/mentoring/needs/{idea}"
    refused = await post_form(client, url, {"sector": "digital", "place": "Thôn Đông", "languages": ["vi", "en"]})
    assert refused.status_code == 400 and 'id="e-needs"' in refused.text
    assert 'value="Thôn Đông"' in refused.text
    saved = await post_form(client, url, {"needs": ["marketing", "finance"], "sector": "digital", "stage": "idea"})
    assert saved.status_code == 303 and saved.headers["location"] == "/mentoring"
    needs = await teams.needs_of(idea)
    assert sorted(needs["needs"]) == ["finance", "marketing"] and needs["sector"] == "digital"
