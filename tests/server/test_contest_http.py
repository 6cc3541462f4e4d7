"""Contest, gallery, idea and organizer pages through HTTP, on SQLite and PostgreSQL."""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image

from accounts.tables import Notification, Role
from contest.tables import Attachment, Idea
from tests.conftest import csrf_from, login
from tests.support.factories import PASSWORD, make_contest

pytestmark = pytest.mark.integration


def png_bytes(size=(40, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (10, 120, 90)).save(buffer, format="PNG")
    return buffer.getvalue()


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
async def contest(commune, clock):
    return await make_contest(commune=commune, now=clock())


@pytest.fixture
async def youth(make_user, client):
    user = await make_user(email="khoi@example.com", birth_year=2006, full_name="Đỗ Minh Khôi")
    await login(client, "khoi@example.com", PASSWORD)
    return user


def idea_fields(contest, **changes):
    fields = {
        "title": "Lọc nước mưa cho thôn Đoài",
        "summary": "Hệ thống lọc nước mưa giá rẻ.",
        "category_id": str(contest["categories"][0]),
        "problem": "Thiếu nước sạch mùa khô.",
        "solution": "Bể lọc cát và than hoạt tính.",
        "beneficiaries": "120 hộ dân",
        "resources": "Vật liệu địa phương",
        "budget": "15.000.000",
        "stage": "idea",
        "body": "## Chi tiết\n\nLàm **thử** ở 5 hộ.",
        "video_url": "",
    }
    fields.update(changes)
    return fields


async def submit_form(client, url, page, fields, files=None, action="submit"):
    token = csrf_from((await client.get(page)).text)
    return await client.post(url, data={**fields, "_csrf_token": token, "action": action}, files=files or {})


async def test_contest_page_shows_phase_countdown_and_call_to_action(client, contest):
    page = await client.get(f"/contests/{contest['slug']}")
    assert page.status_code == 200
    assert "Cuộc thi ý tưởng sáng tạo 2026" in page.text
    assert 'aria-current="step"' in page.text
    assert "còn 20 ngày" in page.text
    assert f'href="/contests/{contest["slug"]}/submit"' in page.text
    assert "<strong>ý tưởng</strong>" in page.text  # Markdown description rendered


async def test_unpublished_contest_is_hidden_from_the_public(client, commune, clock):
    await make_contest(commune=commune, now=clock(), slug="nhap", published=False)
    assert (await client.get("/contests/nhap")).status_code == 404


async def test_submit_with_cover_and_attachment_then_public_page(client, contest, youth):
    files = [
        ("cover", ("ảnh bìa.png", png_bytes(), "image/png")),
        ("attachments", ("kế hoạch.pdf", PDF, "application/pdf")),
    ]
    response = await submit_form(
        client,
        f"/contests/{contest['slug']}/submit",
        f"/contests/{contest['slug']}/submit",
        idea_fields(contest),
        files,
    )
    assert response.status_code == 303
    code = re.search(r"/ideas/([A-Z]+-\d{4}-\d{3})", response.headers["location"]).group(1)
    page = await client.get(f"/ideas/{code}")
    assert "Lọc nước mưa cho thôn Đoài" in page.text and "Đỗ Minh Khôi" in page.text
    assert "kế hoạch.pdf" in page.text and "<strong>thử</strong>" in page.text
    assert "khoi@example.com" not in page.text
    attachment = await Attachment.objects().first()
    served = await client.get(f"/files/{attachment.stored_name}")
    assert served.status_code == 200 and served.headers["content-type"].startswith("application/pdf")
    assert served.headers["x-content-type-options"] == "nosniff"
    assert served.headers["content-disposition"].startswith("attachment")
    assert served.content == PDF
    idea = await Idea.objects().where(Idea.code == code).first()
    assert idea.cover.endswith(".web.jpg")
    cover = await client.get(f"/files/{idea.cover}")
    assert cover.status_code == 200 and cover.headers["content-type"] == "image/jpeg"
    inbox = await Notification.objects().where(Notification.user == youth.id)
    assert any(code in n.title for n in inbox)


async def test_oversized_file_is_refused_and_form_kept(client, contest, youth):
    big = PDF + b"0" * (10 * 1024 * 1024 + 1 - len(PDF))
    response = await submit_form(
        client,
        f"/contests/{contest['slug']}/submit",
        f"/contests/{contest['slug']}/submit",
        idea_fields(contest),
        [("attachments", ("lon.pdf", big, "application/pdf"))],
    )
    assert response.status_code == 400
    error = re.search(r'<p class="error" id="e-attachments">([^<]+)</p>', response.text).group(1)
    assert "lon.pdf" in error and "10" in error
    assert 'value="Lọc nước mưa cho thôn Đoài"' in response.text
    assert "Bể lọc cát và than hoạt tính." in response.text
    assert await Idea.count() == 0 and await Attachment.count() == 0


async def test_mislabelled_file_is_refused(client, contest, youth):
    fake = b"<html><script>alert(1)</script></html>"
    response = await submit_form(
        client,
        f"/contests/{contest['slug']}/submit",
        f"/contests/{contest['slug']}/submit",
        idea_fields(contest),
        [("cover", ("anh.png", fake, "image/png"))],
    )
    assert response.status_code == 400 and 'id="e-cover"' in response.text
    assert await Idea.count() == 0


async def test_too_many_attachments(client, contest, youth):
    files = [("attachments", (f"f{i}.pdf", PDF, "application/pdf")) for i in range(6)]
    response = await submit_form(
        client,
        f"/contests/{contest['slug']}/submit",
        f"/contests/{contest['slug']}/submit",
        idea_fields(contest),
        files,
    )
    assert response.status_code == 400 and 'id="e-attachments"' in response.text
    assert await Idea.count() == 0


async def test_path_traversal_file_names_are_404(client, db):
    for name in ("..%2F..%2Fetc%2Fpasswd", "../x", "abc.png", "0" * 32 + ".exe"):
        assert (await client.get(f"/files/{name}")).status_code == 404


async def test_missing_fields_are_listed_by_name(client, contest, youth):
    response = await submit_form(
        client,
        f"/contests/{contest['slug']}/submit",
        f"/contests/{contest['slug']}/submit",
        idea_fields(contest, solution="", beneficiaries=""),
    )
    assert response.status_code == 303 and response.headers["location"].startswith("/my/ideas/")
    page = await client.get(response.headers["location"])
    flash = re.search(r'<p class="flash flash-error">([^<]+)</p>', page.text).group(1)
    assert "Giải pháp đề xuất" in flash or "giải pháp" in flash.lower()
    assert (await Idea.objects().first()).status == "draft"


async def test_scripts_in_titles_render_inert(client, contest, youth):
    payload = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    response = await submit_form(
        client,
        f"/contests/{contest['slug']}/submit",
        f"/contests/{contest['slug']}/submit",
        idea_fields(contest, title=payload, body=payload),
    )
    code = re.search(r"/ideas/([A-Z]+-\d{4}-\d{3})", response.headers["location"]).group(1)
    page = await client.get(f"/ideas/{code}")
    assert "<script>alert" not in page.text and "<img src=x onerror" not in page.text
    assert "&lt;script&gt;" in page.text


async def test_gallery_search_and_filters(client, contest, youth):
    for title, category, text in (
        ("Nước sạch cho Đông Thượng", 0, "Giếng khoan nhiễm phèn."),
        ("Chợ nông sản trực tuyến", 1, "Nông dân khó bán rau."),
    ):
        await submit_form(
            client,
            f"/contests/{contest['slug']}/submit",
            f"/contests/{contest['slug']}/submit",
            idea_fields(
                contest,
                title=title,
                category_id=str(contest["categories"][category]),
                summary=text,
                problem=text,
                solution=text,
            ),
        )
    base = f"/contests/{contest['slug']}/ideas"
    page = await client.get(base, params={"q": "nuoc sach"})
    assert "Nước sạch cho Đông Thượng" in page.text and "Chợ nông sản" not in page.text
    page = await client.get(base, params={"q": "sạch NƯỚC"})
    assert "Nước sạch cho Đông Thượng" in page.text
    page = await client.get(base, params={"category": contest["categories"][1]})
    assert "Chợ nông sản trực tuyến" in page.text and "Nước sạch" not in page.text
    page = await client.get(base, params={"sort": "title"})
    assert page.text.index("Chợ nông sản") < page.text.index("Nước sạch cho")


async def test_edit_after_deadline_is_read_only(client, contest, youth, clock):
    await submit_form(
        client, f"/contests/{contest['slug']}/submit", f"/contests/{contest['slug']}/submit", idea_fields(contest)
    )
    idea = await Idea.objects().first()
    clock.advance(days=21)
    page = await client.get(f"/my/ideas/{idea.id}")
    assert 'name="title"' not in page.text
    token = csrf_from(page.text)
    response = await client.post(
        f"/my/ideas/{idea.id}", data={**idea_fields(contest, title="Đổi"), "_csrf_token": token}
    )
    assert response.status_code == 403
    assert (await Idea.objects().first()).title == "Lọc nước mưa cho thôn Đoài"


async def test_organizer_figures_exports_and_moderation(client, contest, youth, make_user, app):
    import httpx

    await submit_form(
        client, f"/contests/{contest['slug']}/submit", f"/contests/{contest['slug']}/submit", idea_fields(contest)
    )
    idea = await Idea.objects().first()
    organizer = await make_user(email="nhung@example.com", roles=(Role.organizer,))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as staff:
        await login(staff, organizer.email, PASSWORD)
        dashboard = await staff.get("/organizer/")
        assert "+1" in dashboard.text
        page = await staff.get(f"/organizer/contests/{contest['slug']}")
        assert page.text.count('role="img"') == 4 and "Lọc nước mưa" in page.text
        csv = await staff.get(f"/organizer/contests/{contest['slug']}/export.csv")
        assert csv.content.startswith(b"\xef\xbb\xbf") and "Lọc nước mưa cho thôn Đoài" in csv.content.decode(
            "utf-8-sig"
        )
        assert csv.headers["content-type"] == "text/csv; charset=utf-8"  # the charset is said once
        xlsx = await staff.get(f"/organizer/contests/{contest['slug']}/export.xlsx")
        assert xlsx.content[:2] == b"PK"
        token = csrf_from((await staff.get(f"/ideas/{idea.code}")).text)
        response = await staff.post(
            f"/organizer/ideas/{idea.id}/hide", data={"reason": "Trùng lặp", "_csrf_token": token}
        )
        assert response.status_code == 303
    assert (await Idea.objects().first()).hidden
    assert (await client.get(f"/ideas/{idea.code}")).status_code == 200  # the team still sees it
    note = await Notification.objects().where(Notification.kind == "idea_hidden").first()
    assert note.user == youth.id and "Trùng lặp" in note.body


async def test_organizer_of_another_commune_is_refused(client, contest, make_user):
    from accounts.tables import Commune

    other = Commune(name="Xã Khác", slug="xa-khac", code="XK")
    await other.save()
    stranger = await make_user(email="other@example.com")
    import datetime as dt

    from accounts import services as account_services

    await account_services.grant_role(
        stranger.id, Role.organizer, commune_id=other.id, actor=None, now=dt.datetime.now(dt.UTC)
    )
    await login(client, "other@example.com", PASSWORD)
    # Looked up within the organizer's own commune, another commune's contest is simply not found.
    page = await client.get(f"/organizer/contests/{contest['slug']}")
    assert page.status_code == 404 and "Cuộc thi ý tưởng sáng tạo 2026" not in page.text
    export = await client.get(f"/organizer/contests/{contest['slug']}/export.csv")
    assert export.status_code == 404 and "text/csv" not in export.headers.get("content-type", "")


async def test_open_data_api(client, contest, youth):
    await submit_form(
        client, f"/contests/{contest['slug']}/submit", f"/contests/{contest['slug']}/submit", idea_fields(contest)
    )
    contests = (await client.get("/api/contests")).json()
    assert contests[0]["slug"] == contest["slug"] and contests[0]["phase"] == "submission"
    ideas = (await client.get(f"/api/contests/{contest['slug']}/ideas", params={"q": "nuoc"})).json()
    assert ideas["total"] == 1
    detail = (await client.get(f"/api/ideas/{ideas['items'][0]['code']}")).json()
    assert detail["title"] == "Lọc nước mưa cho thôn Đoài"
    assert "khoi@example.com" not in str(detail) and "Đỗ Minh Khôi" not in str(detail)
    schema = (await client.get("/schema/openapi.json")).json()
    assert "/api/contests/{slug}/ideas" in schema["paths"]
