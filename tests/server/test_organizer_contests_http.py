"""Organizers create and edit contests on the site, on SQLite and PostgreSQL: the commune they act in,
the address made from the title, the Markdown preview, the fields (categories), the cover image,
publishing only with a round, and another commune's organizer who finds nothing."""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image

from accounts import services as accounts_services
from accounts.tables import AuditEvent, Role
from contest.authoring import slugify
from contest.tables import Category, Contest, Idea
from tests.conftest import csrf_from, login
from tests.support.factories import PASSWORD, make_contest

pytestmark = pytest.mark.integration


def image_bytes(fmt: str = "PNG", size=(60, 40)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 120, 30)).save(buffer, format=fmt)
    return buffer.getvalue()


def contest_fields(**changes) -> dict:
    fields = {
        "title": "Ý tưởng sáng tạo 2027",
        "slug": "",
        "tagline": "Thanh niên xã làm mới quê hương",
        "description": "Cuộc thi **ý tưởng** cho thanh niên.",
        "rules": "- Mỗi người tối đa 3 ý tưởng",
        "prizes": "Giải Nhất: 10.000.000 đ",
        "min_age": "16",
        "max_age": "35",
        "residents_only": "on",
        "max_ideas_per_person": "3",
        "categories-0-name": "Nông nghiệp",
        "categories-0-position": "1",
        "categories-1-name": "Chuyển đổi số",
        "categories-1-position": "2",
        "action": "save",
    }
    fields.update(changes)
    return {k: v for k, v in fields.items() if v is not None}


async def send(client, url: str, fields: dict, *, page: str | None = None, files: dict | None = None):
    token = csrf_from((await client.get(page or url)).text)
    return await client.post(url, data={**fields, "_csrf_token": token}, files=files or {})


def field_value(html: str, name: str) -> str | None:
    match = re.search(rf'name="{re.escape(name)}" type="[a-z]+" value="([^"]*)"', html)
    return match.group(1) if match else None


@pytest.fixture
async def organizer(make_user, client):
    user = await make_user(email="tochuc@example.com", roles=(Role.organizer,))
    await login(client, "tochuc@example.com", PASSWORD)
    return user


async def categories_of(contest_id: int) -> list[tuple[int, str, int]]:
    rows = (
        await Category.select(Category.id, Category.name, Category.position)
        .where(Category.contest == contest_id)
        .order_by(Category.position)
    )
    return [(r["id"], r["name"], r["position"]) for r in rows]


def test_slug_folds_vietnamese_diacritics():
    assert slugify("Ý tưởng sáng tạo 2027") == "y-tuong-sang-tao-2027"
    assert slugify("Đổi mới đồng ruộng – Đợt 2!") == "doi-moi-dong-ruong-dot-2"
    assert len(slugify("Nông nghiệp " * 40)) <= 100


async def test_organizer_on_an_empty_site_creates_a_draft_contest_with_its_fields(client, organizer, commune):
    dashboard = await client.get("/organizer/")
    assert 'href="/organizer/contests/new"' in dashboard.text
    form = await client.get("/organizer/contests/new")
    assert form.status_code == 200
    assert 'name="commune"' not in form.text  # one commune: nothing to pick
    answer = await send(client, "/organizer/contests/new", contest_fields())
    assert answer.status_code == 303
    assert answer.headers["location"] == "/organizer/contests/y-tuong-sang-tao-2027"
    contest = await Contest.select().where(Contest.slug == "y-tuong-sang-tao-2027").first()
    assert contest["commune"] == commune["id"] and contest["published"] is False
    assert (contest["min_age"], contest["max_age"], contest["residents_only"]) == (16, 35, True)
    assert [(name, position) for _, name, position in await categories_of(contest["id"])] == [
        ("Nông nghiệp", 1),
        ("Chuyển đổi số", 2),
    ]
    slugs = {r["slug"] for r in await Category.select(Category.slug).where(Category.contest == contest["id"])}
    assert slugs == {"nong-nghiep", "chuyen-doi-so"}
    assert await AuditEvent.exists().where(
        (AuditEvent.action == "contest.created") & (AuditEvent.target_id == str(contest["id"]))
    )
    page = await client.get("/organizer/contests/y-tuong-sang-tao-2027")
    assert 'href="/organizer/contests/y-tuong-sang-tao-2027/edit"' in page.text


async def test_organizer_of_two_communes_picks_one_of_theirs(client, organizer, commune, other_commune, clock):
    await accounts_services.grant_role(
        organizer.id, Role.organizer, commune_id=other_commune["id"], actor=None, now=clock()
    )
    form = await client.get("/organizer/contests/new")
    assert 'name="commune"' in form.text and "Xã Tân Minh" in form.text and "Xã An Khánh" in form.text
    missing = await send(client, "/organizer/contests/new", contest_fields())
    assert missing.status_code == 400
    assert 'id="e-commune"' in missing.text
    assert field_value(missing.text, "title") == "Ý tưởng sáng tạo 2027"
    assert not await Contest.exists().where(Contest.slug == "y-tuong-sang-tao-2027")
    answer = await send(client, "/organizer/contests/new", contest_fields(commune=str(other_commune["id"])))
    assert answer.status_code == 303
    contest = await Contest.select(Contest.commune).where(Contest.slug == "y-tuong-sang-tao-2027").first()
    assert contest["commune"] == other_commune["id"]


async def test_organizer_cannot_create_in_a_commune_not_theirs(client, organizer, commune, other_commune):
    answer = await send(client, "/organizer/contests/new", contest_fields(commune=str(other_commune["id"])))
    assert answer.status_code == 400
    assert 'id="e-commune"' in answer.text
    assert not await Contest.exists().where(Contest.commune == other_commune["id"])


async def test_taken_slug_is_refused_next_to_the_field_with_a_free_variant(client, organizer, commune, clock):
    await make_contest(commune=commune, now=clock(), slug="y-tuong-sang-tao-2027")
    await make_contest(commune=commune, now=clock(), slug="y-tuong-sang-tao-2027-2")
    answer = await send(client, "/organizer/contests/new", contest_fields(tagline="Giữ nguyên dòng này"))
    assert answer.status_code == 400
    error = re.search(r'<p class="error" id="e-slug">([^<]*)</p>', answer.text)
    assert error and "y-tuong-sang-tao-2027-3" in error.group(1)
    assert field_value(answer.text, "tagline") == "Giữ nguyên dòng này"
    assert await Contest.count() == 2
    typed = await send(client, "/organizer/contests/new", contest_fields(slug="Cuộc thi Đổi mới"))
    assert typed.headers["location"] == "/organizer/contests/cuoc-thi-doi-moi"


async def test_preview_renders_sanitised_markdown_and_saves_nothing(client, organizer, commune):
    answer = await send(
        client,
        "/organizer/contests/new",
        contest_fields(action="preview", description="## Giới thiệu\n\nThi **ý tưởng** <script>alert(1)</script>"),
    )
    assert answer.status_code == 200
    assert "<strong>ý tưởng</strong>" in answer.text
    assert "<script>alert(1)</script>" not in answer.text
    assert "/contests/y-tuong-sang-tao-2027" in answer.text  # the address the title would get
    assert field_value(answer.text, "title") == "Ý tưởng sáng tạo 2027"
    assert field_value(answer.text, "slug") == "y-tuong-sang-tao-2027"  # proposed, to keep or change
    assert await Contest.count() == 0


async def test_eligibility_is_checked_and_the_typed_values_stay(client, organizer, commune):
    answer = await send(
        client,
        "/organizer/contests/new",
        contest_fields(min_age="40", max_age="30", max_ideas_per_person="0", title=""),
    )
    assert answer.status_code == 400
    for name in ("max_age", "max_ideas_per_person", "title"):
        assert f'id="e-{name}"' in answer.text
    assert field_value(answer.text, "min_age") == "40"
    assert field_value(answer.text, "categories-0-name") == "Nông nghiệp"
    too_young = await send(client, "/organizer/contests/new", contest_fields(min_age="9"))
    assert too_young.status_code == 400 and 'id="e-min_age"' in too_young.text
    assert await Contest.count() == 0 and await Category.count() == 0


async def test_fields_are_renamed_reordered_added_and_removed_keeping_their_ids(client, organizer, commune, clock):
    contest = await make_contest(
        commune=commune, now=clock(), slug="thi-2026", categories=("Nông nghiệp", "Chuyển đổi số", "Môi trường")
    )
    farming, digital, nature = contest["categories"]
    edit = await client.get("/organizer/contests/thi-2026/edit")
    assert edit.status_code == 200 and field_value(edit.text, "categories-1-name") == "Chuyển đổi số"
    answer = await send(
        client,
        "/organizer/contests/thi-2026/edit",
        contest_fields(
            title="Cuộc thi ý tưởng sáng tạo 2026",
            slug="thi-2026",
            **{
                "categories-0-id": str(farming),
                "categories-0-name": "Nông nghiệp xanh",
                "categories-0-position": "2",
                "categories-1-id": str(digital),
                "categories-1-name": "Chuyển đổi số",
                "categories-1-position": "1",
                "categories-2-id": str(nature),
                "categories-2-name": "Môi trường",
                "categories-2-position": "3",
                "categories-2-remove": "1",
                "categories-3-name": "Du lịch cộng đồng",
                "categories-3-position": "3",
            },
        ),
    )
    assert answer.status_code == 303
    rows = await categories_of(contest["id"])
    assert [(cid, name) for cid, name, _ in rows][:2] == [(digital, "Chuyển đổi số"), (farming, "Nông nghiệp xanh")]
    assert rows[2][1] == "Du lịch cộng đồng" and rows[2][0] not in (farming, digital)
    assert not await Category.exists().where(Category.name == "Môi trường")
    assert [position for *_, position in rows] == [1, 2, 3]
    # a new field named like one the form did not list is refused next to its row
    again = await send(
        client,
        "/organizer/contests/thi-2026/edit",
        contest_fields(
            title="Cuộc thi ý tưởng sáng tạo 2026",
            slug="thi-2026",
            **{"categories-0-name": "Chuyển đổi số", "categories-1-name": None},
        ),
    )
    assert again.status_code == 400 and 'id="e-categories-0-name"' in again.text
    assert await AuditEvent.exists().where(AuditEvent.action == "contest.updated")


async def test_a_field_that_ideas_use_cannot_be_removed(client, organizer, commune, clock):
    contest = await make_contest(commune=commune, now=clock(), slug="thi-2026", categories=("Nông nghiệp", "Y tế"))
    farming, health = contest["categories"]
    await Idea(
        contest=contest["id"], round=contest["round"], lead=organizer.id, category=farming, title="Ủ phân hữu cơ"
    ).save()
    edit = await client.get("/organizer/contests/thi-2026/edit")
    assert "disabled" in re.search(r'<input id="f-categories-0-remove"[^>]*>', edit.text).group(0)
    answer = await send(
        client,
        "/organizer/contests/thi-2026/edit",
        contest_fields(
            title="Cuộc thi mới",
            slug="thi-2026",
            **{
                "categories-0-id": str(farming),
                "categories-0-name": "Nông nghiệp",
                "categories-0-remove": "1",
                "categories-1-id": str(health),
                "categories-1-name": "Y tế cộng đồng",
                "categories-2-name": "Giáo dục",
            },
        ),
    )
    assert answer.status_code == 400
    assert 'id="e-categories-0-name"' in answer.text
    # nothing half-saved: neither the title, nor the rename, nor the new field
    assert (await Contest.select(Contest.title).where(Contest.id == contest["id"]).first())[
        "title"
    ] == "Cuộc thi ý tưởng sáng tạo 2026"
    assert [name for _, name, _ in await categories_of(contest["id"])] == ["Nông nghiệp", "Y tế"]
    assert field_value(answer.text, "title") == "Cuộc thi mới"


async def test_cover_image_png_and_jpeg_are_accepted_and_shown_a_non_image_is_refused(
    client, organizer, commune, clock, settings
):
    await make_contest(commune=commune, now=clock(), slug="thi-2026", categories=())
    url = "/organizer/contests/thi-2026/edit"
    fields = contest_fields(
        title="Cuộc thi có ảnh bìa",
        slug="thi-2026",
        **{f"categories-{i}-{part}": None for i in (0, 1) for part in ("name", "position")},
    )
    refused = await send(client, url, fields, files={"cover": ("bia.png", b"MZ\x90\x00 not an image", "image/png")})
    assert refused.status_code == 400 and 'id="e-cover"' in refused.text
    stored = await Contest.select(Contest.cover, Contest.title).where(Contest.slug == "thi-2026").first()
    assert stored == {"cover": "", "title": "Cuộc thi ý tưởng sáng tạo 2026"}
    for name, fmt, mime in (("bia.png", "PNG", "image/png"), ("bia.jpg", "JPEG", "image/jpeg")):
        answer = await send(client, url, fields, files={"cover": (name, image_bytes(fmt), mime)})
        assert answer.status_code == 303
        cover = (await Contest.select(Contest.cover).where(Contest.slug == "thi-2026").first())["cover"]
        assert cover.endswith(".web.jpg") and (settings.upload_dir / cover).is_file()
    public = await client.get("/contests/thi-2026")
    assert f'src="/files/{cover}"' in public.text
    served = await client.get(f"/files/{cover}")
    assert served.status_code == 200 and served.headers["content-type"].startswith("image/jpeg")


async def test_other_communes_organizer_gets_not_found_on_edit(client, organizer, commune, other_commune, clock):
    theirs = await make_contest(commune=other_commune, now=clock(), slug="tan-minh-2026", categories=("Thủy sản",))
    assert (await client.get("/organizer/contests/tan-minh-2026/edit")).status_code == 404
    own = await make_contest(commune=commune, now=clock(), slug="an-khanh-2026")
    token = csrf_from((await client.get(f"/organizer/contests/{own['slug']}/edit")).text)
    answer = await client.post(
        "/organizer/contests/tan-minh-2026/edit",
        data={
            **contest_fields(
                title="Đã bị sửa",
                slug="tan-minh-2026",
                **{"categories-0-id": str(theirs["categories"][0]), "categories-0-name": "Đổi tên"},
            ),
            "_csrf_token": token,
        },
    )
    assert answer.status_code == 404
    row = await Contest.select(Contest.title).where(Contest.slug == "tan-minh-2026").first()
    assert row["title"] == "Cuộc thi ý tưởng sáng tạo 2026"
    assert [name for _, name, _ in await categories_of(theirs["id"])] == ["Thủy sản"]
    # a field id of another contest cannot be renamed through one's own contest either
    answer = await client.post(
        f"/organizer/contests/{own['slug']}/edit",
        data={
            **contest_fields(
                title="Của mình",
                slug=own["slug"],
                **{"categories-0-id": str(theirs["categories"][0]), "categories-0-name": "Đổi tên"},
            ),
            "_csrf_token": token,
        },
    )
    assert answer.status_code == 400
    assert [name for _, name, _ in await categories_of(theirs["id"])] == ["Thủy sản"]


async def test_publishing_needs_a_round(client, organizer, commune):
    await send(client, "/organizer/contests/new", contest_fields())
    page = "/organizer/contests/y-tuong-sang-tao-2027"
    answer = await send(client, f"{page}/publish", {"published": "1"}, page=page)
    assert answer.status_code == 303
    shown = await client.get(page)
    assert "vòng thi" in shown.text  # the reason, in Vietnamese
    assert (await Contest.select(Contest.published).where(Contest.slug == "y-tuong-sang-tao-2027").first())[
        "published"
    ] is False


async def test_publishing_with_a_round_works_and_is_audited(client, organizer, commune, clock):
    await make_contest(commune=commune, now=clock(), slug="thi-2026", published=False)
    page = "/organizer/contests/thi-2026"
    await send(client, f"{page}/publish", {"published": "1"}, page=page)
    assert (await Contest.select(Contest.published).where(Contest.slug == "thi-2026").first())["published"] is True
    assert await AuditEvent.exists().where(AuditEvent.action == "contest.published")


async def test_two_organizers_creating_the_same_address_at_once_get_one_contest(client, organizer, commune):
    import asyncio

    token = csrf_from((await client.get("/organizer/contests/new")).text)
    answers = await asyncio.gather(
        *(
            client.post("/organizer/contests/new", data={**contest_fields(tagline=f"Lần {n}"), "_csrf_token": token})
            for n in range(3)
        )
    )
    assert sorted(a.status_code for a in answers) == [303, 400, 400]
    assert all('id="e-slug"' in a.text for a in answers if a.status_code == 400)
    assert await Contest.count().where(Contest.slug == "y-tuong-sang-tao-2027") == 1
    assert await Category.count() == 2
