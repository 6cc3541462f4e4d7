"""Bad input never gives a 500: NUL bytes, invalid UTF-8, numbers out of range, over-long text
and the files of failed requests, on SQLite and PostgreSQL."""

from __future__ import annotations

import io
import re
from pathlib import Path

import httpx
import pytest
from PIL import Image

from accounts.tables import Role, User
from contest.tables import Idea
from tests.conftest import csrf_from, login
from tests.server.test_authorization import declared_routes
from tests.support.db import REFUSED_BY_DATABASE
from tests.support.factories import PASSWORD, make_contest

pytestmark = pytest.mark.integration

HUGE = "1" + "0" * 30
NUL = "\x00"


def png_bytes(size=(40, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (10, 120, 90)).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
async def contest(commune, clock):
    return await make_contest(commune=commune, now=clock())


async def token_of(client: httpx.AsyncClient, page: str = "/password/forgot") -> str:
    return csrf_from((await client.get(page)).text)


def assert_refused(response: httpx.Response, *statuses: int) -> None:
    assert response.status_code in (statuses or (400,)), (response.request.url, response.status_code)
    if response.headers.get("content-type", "").startswith("text/html"):
        assert "Traceback" not in response.text
        expected = {400: "Không thể xử lý yêu cầu", 404: "Không tìm thấy trang"}.get(response.status_code, "")
        assert expected in response.text


# --- NUL bytes -------------------------------------------------------------------------------------


async def test_nul_in_path_params_gives_a_translated_400_page(client, contest):
    for url in (
        "/api/ideas/AK%00",
        "/ideas/AK-2026-001%00",
        f"/contests/{contest['slug']}%00",
        f"/contests/{contest['slug']}%00/ideas",
    ):
        response = await client.get(url)
        assert response.status_code == 400, url
        assert "Traceback" not in response.text
    page = await client.get("/ideas/AK%00")
    assert "Không thể xử lý yêu cầu" in page.text
    api = await client.get("/api/ideas/AK%00")
    assert api.headers["content-type"].startswith("application/json") and api.json()["status"] == 400


async def test_nul_in_the_query_string_gives_a_400(client, contest):
    response = await client.get(f"/contests/{contest['slug']}/ideas?q=n%C6%B0%E1%BB%9Bc%00")
    assert response.status_code == 400
    assert "Traceback" not in response.text


@pytest.mark.parametrize(
    "url,fields",
    [
        ("/login", {"identifier": "an" + NUL + "@example.com", "password": "x"}),
        ("/password/forgot", {"identifier": "an" + NUL + "@example.com"}),
        ("/register", {"full_name": "Nguyễn" + NUL, "email": "a@example.com", "birth_year": "2000"}),
    ],
)
async def test_nul_in_account_forms_gives_a_400(client, commune, url, fields):
    token = await token_of(client, url)
    urlencoded = await client.post(url, data={**fields, "_csrf_token": token})
    assert_refused(urlencoded)
    multipart = await client.post(url, data={**fields, "_csrf_token": token}, files={"x": ("a.txt", b"x")})
    assert_refused(multipart)
    assert await User.count() == 0


async def test_nul_in_the_idea_form_gives_a_400_and_saves_nothing(client, contest, make_user):
    user = await make_user(email="khoi@example.com", birth_year=2006)
    await login(client, user.email, PASSWORD)
    page = f"/contests/{contest['slug']}/submit"
    token = await token_of(client, page)
    response = await client.post(page, data={"_csrf_token": token, "title": "Lọc nước" + NUL, "action": "save"})
    assert_refused(response)
    assert await Idea.count() == 0


async def test_nul_in_a_json_body_gives_a_400(client, contest):
    response = await client.post(
        "/api/ideas", content=b'{"q": "a\\u0000"}', headers={"content-type": "application/json"}
    )
    assert response.status_code < 500


# --- Invalid UTF-8 ---------------------------------------------------------------------------------


async def test_invalid_utf8_in_a_multipart_field_gives_a_400(client, commune):
    token = await token_of(client, "/login")
    response = await client.post(
        "/login",
        files={"identifier": (None, b"\xff\xfe an"), "password": (None, b"x"), "_csrf_token": (None, token.encode())},
    )
    assert_refused(response)


async def test_invalid_utf8_in_an_urlencoded_form_gives_a_400(client, commune):
    token = await token_of(client, "/login")
    response = await client.post(
        "/login",
        content=b"identifier=%FF%FE&password=x&_csrf_token=" + token.encode(),
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert_refused(response)


async def test_invalid_utf8_in_the_path_or_query_gives_a_400(client, contest):
    assert_refused(await client.get("/ideas/%FF%FE"))
    assert_refused(await client.get(f"/contests/{contest['slug']}/ideas?q=%C3%28"))


# --- Numbers out of range ----------------------------------------------------------------------------


async def test_path_id_beyond_the_database_range_is_not_found(client, make_user):
    user = await make_user(email="khoi@example.com", birth_year=2006)
    await login(client, user.email, PASSWORD)
    for url in (f"/my/ideas/{HUGE}", "/my/ideas/2147483648", f"/my/ideas/-{HUGE}"):
        response = await client.get(url)
        assert response.status_code == 404, url
        assert "Traceback" not in response.text


async def test_gallery_filters_beyond_the_database_range_are_ignored(client, contest):
    response = await client.get(f"/contests/{contest['slug']}/ideas?hamlet={HUGE}&category={HUGE}&page={HUGE}")
    assert response.status_code == 200


async def test_register_with_numbers_beyond_range_shows_the_messages_beside_the_fields(client, commune):
    token = await token_of(client, "/register")
    response = await client.post(
        "/register",
        data={
            "_csrf_token": token,
            "full_name": "Trần Thị Mai",
            "email": "mai@example.com",
            "birth_year": "²⁰⁰⁰",
            "hamlet_id": HUGE,
            "password": "một câu mật khẩu dài",
            "accept_terms": "on",
            "accept_privacy": "on",
        },
    )
    assert response.status_code == 400
    assert 'value="Trần Thị Mai"' in response.text
    assert "Vui lòng chọn một thôn trong danh sách." in response.text
    assert 'id="e-hamlet_id"' in response.text and 'id="e-birth_year"' in response.text
    assert await User.count() == 0


# --- Every route, every way ------------------------------------------------------------------------


def _with(path: str, slug: str, value: str) -> list[str]:
    """The path with each parameter in turn replaced by ``value`` (others real or harmless)."""
    params = re.findall(r"\{[^}]+\}", path)

    def fill(p: str) -> str:
        return slug if p.startswith("{slug") else ("1" if ":int}" in p else "x")

    urls = []
    for i, _target in enumerate(params):
        url = path
        for j, p in enumerate(params):
            url = url.replace(p, value if i == j else fill(p), 1)
        urls.append(url)
    return urls


@pytest.mark.parametrize("who", ["anonymous", "organizer"])
async def test_every_route_survives_nul_bytes_huge_numbers_and_invalid_utf8(app, contest, make_user, who):
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as client:
        if who == "organizer":
            user = await make_user(roles=(Role.organizer,))
            assert (await login(client, user.email, PASSWORD)).status_code == 303
        failures = []
        for method, path, _access in declared_routes(app):
            if path == "/logout":
                continue
            token = await token_of(client)
            urls = [
                *_with(path, contest["slug"], "x%00"),
                *_with(path, contest["slug"], HUGE),
                *_with(path, contest["slug"], "%FF"),
            ]
            for url in urls:
                response = await client.request(method, url, data={"_csrf_token": token} if method != "GET" else None)
                if response.status_code >= 500:
                    failures.append((method, url, response.status_code))
            concrete = _with(path, contest["slug"], "1")[0] if "{" in path else path
            if method == "GET":
                response = await client.get(concrete, params={"q": "a\x00", "page": HUGE, "id": HUGE})
                if response.status_code >= 500:
                    failures.append((method, concrete + "?q=NUL", response.status_code))
                continue
            bad_fields = {"title": "a" + NUL, "_csrf_token": token}
            response = await client.post(concrete, data=bad_fields)
            if response.status_code >= 500:
                failures.append((method, concrete, "NUL field", response.status_code))
            response = await client.post(
                concrete, files={"title": (None, b"\xff\xfe"), "_csrf_token": (None, token.encode())}
            )
            if response.status_code >= 500:
                failures.append((method, concrete, "bad UTF-8 multipart", response.status_code))
            numbers = {name: HUGE for name in INT_FIELDS} | {"_csrf_token": token}
            response = await client.post(concrete, data=numbers)
            if response.status_code >= 500:
                failures.append((method, concrete, "huge numbers", response.status_code))
            # "²" and "٣" pass str.isdigit(); only one of them is something int() can read.
            for odd in ("²", "-²", "٣"):
                response = await client.post(concrete, data={name: odd for name in INT_FIELDS} | {"_csrf_token": token})
                if response.status_code >= 500:
                    failures.append((method, concrete, f"number {odd!r}", response.status_code))
        assert not failures, failures


# Form fields that hold numbers somewhere in the site (ids, counts, years, scores).
INT_FIELDS = (
    "hamlet_id",
    "birth_year",
    "category_id",
    "idea",
    "organization",
    "rating",
    "minutes",
    "mentorship",
    "present",
    "mentor",
    "judge",
    "hours",
    "top",
    "ideas",
    "expertise",
    "judges_per_entry",
    "min_per_judge",
    "max_per_judge",
    "anchors",
    "votes_per_voter",
    "capacity",
    "user",
    "user_id",
    "round",
    "round_id",
    "criterion",
    "score",
    "weight",
    "scale",
    "year",
    "count",
    "slot",
    "workshop",
    "budget",
    "alpha",
)


# --- Text limits -----------------------------------------------------------------------------------


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
        "body": "## Chi tiết",
        "video_url": "",
    }
    return fields | changes


@pytest.fixture
async def youth(client, make_user):
    user = await make_user(email="khoi@example.com", birth_year=2006, full_name="Đỗ Minh Khôi")
    await login(client, user.email, PASSWORD)
    return user


async def test_idea_form_shows_each_limit(client, contest, youth):
    page = await client.get(f"/contests/{contest['slug']}/submit")
    assert 'name="problem" rows="4" maxlength="10000"' in page.text
    assert 'name="body" rows="8" maxlength="50000"' in page.text
    assert (
        'maxlength="150"' in page.text and "Tối đa 10.000 ký tự." in page.text and "Tối đa 50.000 ký tự." in page.text
    )


@pytest.mark.parametrize(
    ("field", "message"),
    [
        ("problem", "Quá dài: tối đa 10.000 ký tự."),
        ("resources", "Quá dài: tối đa 10.000 ký tự."),
        ("body", "Quá dài: tối đa 50.000 ký tự."),
    ],
)
async def test_a_megabyte_field_is_refused_beside_the_field_and_nothing_is_saved(
    client, contest, youth, field, message
):
    page = f"/contests/{contest['slug']}/submit"
    token = await token_of(client, page)
    typed = "Nước sạch cho thôn. " + "x" * 1_000_000
    response = await client.post(
        page, data={**idea_fields(contest, **{field: typed}), "_csrf_token": token, "action": "save"}
    )
    assert response.status_code == 400
    error = re.search(rf'<p class="error" id="e-{field}">([^<]+)</p>', response.text)
    assert error and error.group(1) == message
    assert "Nước sạch cho thôn. xxxx" in response.text  # what was typed is still there
    assert 'value="Lọc nước mưa cho thôn Đoài"' in response.text
    assert await Idea.count() == 0


async def test_the_database_refuses_text_above_its_limit(commune, make_user):
    from accounts.tables import Commune

    with pytest.raises(REFUSED_BY_DATABASE) as refused:
        await Commune.update({Commune.description: "x" * 50_001}).where(Commune.id == commune["id"])
    assert "too_long" in str(refused.value) or "character varying" in str(refused.value)
    assert (await Commune.select(Commune.description).where(Commune.id == commune["id"]).first())["description"] == ""
    with pytest.raises(REFUSED_BY_DATABASE) as refused:
        await make_user(email="dai@example.com", full_name="Nguyễn " * 40)
    assert await User.count() == 0
    await Commune.update({Commune.description: "ư" * 50_000}).where(Commune.id == commune["id"])  # at the limit


async def test_every_limited_column_is_enforced_by_the_database(db):
    from accounts.limits import COLUMNS
    from accounts.tables import Commune

    engine = Commune._meta.db
    if type(engine).__name__ == "PostgresEngine":
        rows = await Commune.raw(
            "SELECT conrelid::regclass::text AS tab, conname, pg_get_constraintdef(oid) AS def "
            "FROM pg_constraint WHERE conname LIKE '%too_long'"
        )
        checks = {r["conname"]: (r["tab"].strip('"'), r["def"]) for r in rows}
        for table, columns in COLUMNS.items():
            for column, limit in columns.items():
                tab, definition = checks[f"{table}_{column}_too_long"]
                assert tab == table and column in definition and f"<= {limit}" in definition, (table, column)
    else:
        rows = await Commune.raw("SELECT tbl_name, sql FROM sqlite_master WHERE type = 'trigger'")
        for table, columns in COLUMNS.items():
            for column, limit in columns.items():
                for event in ("INSERT", "UPDATE"):
                    assert any(
                        r["tbl_name"] == table
                        and f"BEFORE {event}" in r["sql"]
                        and f'length(NEW."{column}") > {limit}' in r["sql"]
                        for r in rows
                    ), (table, column, event)


async def test_a_direct_write_above_a_limit_gets_a_400_page_not_a_500(client, contest, youth, app):
    from contest.tables import Idea as IdeaTable

    page = f"/contests/{contest['slug']}/submit"
    token = await token_of(client, page)
    saved = await client.post(page, data={**idea_fields(contest), "_csrf_token": token, "action": "save"})
    assert saved.status_code == 303
    idea = await IdeaTable.select(IdeaTable.id).first()
    with pytest.raises(REFUSED_BY_DATABASE):
        await IdeaTable.update({IdeaTable.problem: "x" * 10_001}).where(IdeaTable.id == idea["id"])
    assert (await IdeaTable.select(IdeaTable.problem).first())["problem"] == "Thiếu nước sạch mùa khô."


# --- Files of failed requests ------------------------------------------------------------------------


def stored_files(settings) -> set[str]:
    root = Path(settings.upload_dir)
    return {p.name for p in root.iterdir()} if root.exists() else set()


async def test_idea_with_a_good_cover_and_a_bad_field_leaves_no_file(client, contest, youth, settings):
    before = stored_files(settings)
    page = f"/contests/{contest['slug']}/submit"
    token = await token_of(client, page)
    for bad in ({"problem": "x" * 20_000}, {"budget": "mười lăm"}, {"category_id": HUGE}):
        response = await client.post(
            page,
            data={**idea_fields(contest, **bad), "_csrf_token": token, "action": "save"},
            files={
                "cover": ("bia.png", png_bytes(), "image/png"),
                "attachments": ("ke-hoach.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf"),
            },
        )
        assert response.status_code == 400, bad
    assert stored_files(settings) == before
    assert await Idea.count() == 0


async def test_failed_mentor_application_with_a_photo_leaves_no_file(client, make_user, settings):
    user = await make_user(email="chuyengia@example.com")
    await login(client, user.email, PASSWORD)
    before = stored_files(settings)
    token = await token_of(client, "/mentors/apply")
    form = {
        "_csrf_token": token,
        "title": "Giảng viên",
        "bio": "Mười năm kinh nghiệm khởi nghiệp.",
        "expertise": "marketing",
        "languages": "vi",
        "mode": "any",
    }
    for bad in ({"capacity": "0"}, {"capacity": "2", "organization": HUGE}):
        response = await client.post(
            "/mentors/apply", data=form | bad, files={"photo": ("anh.png", png_bytes((300, 200)), "image/png")}
        )
        if response.status_code != 303:  # an organization id no database holds may also be ignored
            assert response.status_code == 400, bad
            assert stored_files(settings) == before, bad


# --- Inputs a decoder or a reader of files chokes on ---------------------------------------------------


async def test_a_jpeg_that_claims_to_be_mpo_is_refused_as_an_image_and_leaves_no_file(client, contest, youth, settings):
    before = stored_files(settings)
    page = f"/contests/{contest['slug']}/submit"
    token = await token_of(client, page)
    response = await client.post(
        page,
        data={**idea_fields(contest), "_csrf_token": token, "action": "save"},
        files={"cover": ("anh.jpg", b"\xff\xd8\xff" + b"A" * 50, "image/jpeg")},
    )
    assert response.status_code == 400 and "Traceback" not in response.text
    assert stored_files(settings) == before
    assert await Idea.count() == 0


async def test_a_resident_list_named_xlsx_that_is_no_workbook_gets_the_message(client, make_user):
    from accounts.tables import ResidentRecord, Role

    organizer = await make_user(email="nhung@example.com", roles=(Role.organizer,))
    await login(client, organizer.email, PASSWORD)
    token = await token_of(client, "/organizer/residents/")
    response = await client.post(
        "/organizer/residents/import",
        data={"_csrf_token": token},
        files={"file": ("dan-cu.xlsx", b"PK not really a zip", "application/vnd.ms-excel")},
    )
    assert response.status_code in (303, 400)
    page = await client.get(response.headers["location"]) if response.status_code == 303 else response
    assert "Excel .xlsx" in page.text or "tệp Excel" in page.text
    assert await ResidentRecord.count() == 0


async def test_the_open_data_gallery_takes_any_page_number(client, contest):
    response = await client.get(f"/api/contests/{contest['slug']}/ideas", params={"page": "9" * 19})
    assert response.status_code == 200 and response.json()["items"] == []
