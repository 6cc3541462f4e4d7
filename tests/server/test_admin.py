"""piccolo-admin at /admin/: who may sign in, the shared user table, Vietnamese UI, audit."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from accounts.tables import AuditEvent, Role, RoleGrant, User
from tests.conftest import admin_login
from tests.support.factories import PASSWORD

pytestmark = pytest.mark.integration


async def test_admin_redirects_to_trailing_slash(client, db):
    response = await client.get("/admin")
    assert response.status_code == 308 and response.headers["location"] == "/admin/"
    page = await client.get("/admin/")
    assert page.status_code == 200 and "./assets/" in page.text


async def test_site_csrf_cookie_does_not_collide_with_admin(client, db):
    await client.get("/login")
    await client.get("/admin/")
    assert client.cookies.get("sangtao_csrf") and client.cookies.get("csrftoken")
    assert client.cookies.get("sangtao_csrf") != client.cookies.get("csrftoken")


async def test_organizer_signs_in_with_site_credentials(client, make_user):
    user = await make_user(email="nhung@example.com", phone="+84912000111", roles=(Role.organizer,))
    response = await admin_login(client, "0912 000 111", PASSWORD)
    assert response.status_code in (200, 303), response.text
    me = await client.get("/admin/api/user/")
    assert me.status_code == 200 and me.json()["username"] == user.username
    tables = (await client.get("/admin/api/tables/")).json()
    assert "contest" in tables and "contest_round" in tables  # their commune's contest rows
    assert "users" not in tables and "role_grant" not in tables and "audit_event" not in tables
    assert await AuditEvent.exists().where((AuditEvent.action == "admin.login") & (AuditEvent.actor == user.id))


async def test_citizen_cannot_sign_in_to_admin(client, make_user):
    user = await make_user(email="binh@example.com")
    response = await admin_login(client, "binh@example.com", PASSWORD)
    assert response.status_code == 401
    assert "ban tổ chức" in response.json()["detail"]
    assert (await client.get("/admin/api/user/")).status_code == 401
    assert await AuditEvent.exists().where((AuditEvent.action == "admin.login_refused") & (AuditEvent.actor == user.id))


async def test_wrong_admin_password_is_audited(client, make_user):
    await make_user(email="nhung@example.com", roles=(Role.organizer,))
    response = await admin_login(client, "nhung@example.com", "sai-mật-khẩu")
    assert response.status_code == 401
    assert await AuditEvent.exists().where(AuditEvent.action == "admin.login_failed")


async def test_vietnamese_translation_is_offered(client, db):
    response = await client.get("/admin/public/translations/")
    data = response.json()
    assert data["default_language_code"] == "vi"
    vi = await client.get("/admin/public/translations/vi/")
    assert vi.json()["translations"]["Login"] == "Đăng nhập"


async def test_role_form_grants_role_and_audits(client, make_user):
    admin = await make_user(email="admin@example.com", roles=(Role.admin,))
    judge = await make_user(email="thang@example.com")
    await admin_login(client, "admin@example.com", PASSWORD)
    forms = (await client.get("/admin/api/forms/")).json()
    slug = forms[0]["slug"]
    response = await client.post(
        f"/admin/api/forms/{slug}/",
        json={"person": "thang@example.com", "role": "judge", "commune_slug": "", "remove": False},
        headers={"X-CSRFToken": client.cookies.get("csrftoken")},
    )
    assert response.status_code == 200, response.text
    assert await RoleGrant.exists().where((RoleGrant.user == judge.id) & (RoleGrant.role == "judge"))
    event = (
        await AuditEvent.select()
        .where((AuditEvent.action == "role.granted") & (AuditEvent.target_id == str(judge.id)))
        .first()
    )
    assert event["actor"] == admin.id


async def test_admin_edit_is_audited(client, make_user, commune):
    await make_user(email="admin@example.com", roles=(Role.admin,))
    await admin_login(client, "admin@example.com", PASSWORD)
    response = await client.patch(
        f"/admin/api/tables/hamlet/{commune['hamlets'][0]}/",
        json={"population": 777},
        headers={"X-CSRFToken": client.cookies.get("csrftoken")},
    )
    assert response.status_code == 200, response.text
    event = await AuditEvent.select().where(AuditEvent.action == "admin.update").first()
    assert event["target_type"] == "hamlet" and "777" in event["data"]


async def test_admin_flag_follows_roles(make_user, clock):
    from accounts import services

    user = await make_user(email="x@example.com")
    await services.grant_role(user.id, Role.organizer, commune_id=user.commune, actor=None, now=clock())
    assert (await User.select(User.admin).where(User.id == user.id).first())["admin"]
    await services.revoke_role(user.id, Role.organizer, commune_id=user.commune, actor=None, now=clock())
    assert not (await User.select(User.admin).where(User.id == user.id).first())["admin"]


def _client(app: Any) -> httpx.AsyncClient:
    """A client of the app over ASGI (httpx and Litestar type the ASGI callable each their own way)."""
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="https://testserver")


async def test_production_admin_needs_a_second_factor(db, settings, clock, make_user):
    import dataclasses

    from server.app import create_app

    production = dataclasses.replace(settings, environment="production", seed_demo=False, base_url="https://testserver")
    app = create_app(production, clock=clock, run_workers=False)
    await make_user(email="admin@example.com", roles=(Role.admin,))
    await make_user(email="nhung@example.com", roles=(Role.organizer,))
    async with _client(app) as client:
        await client.get("/admin/")
        response = await client.post(
            "/admin/public/login/",
            json={"username": "admin@example.com", "password": PASSWORD},
            headers={"X-CSRFToken": client.cookies["csrftoken"], "Referer": "https://testserver/admin/"},
        )
        assert response.status_code in (200, 303), response.text
        blocked = await client.get("/admin/api/tables/")
        assert blocked.status_code == 403 and "xác thực hai lớp" in blocked.json()["detail"]
        assert (await client.get("/admin/api/user/")).status_code == 200  # may still reach the MFA setup
    async with _client(app) as client:
        await client.get("/admin/")
        await client.post(
            "/admin/public/login/",
            json={"username": "nhung@example.com", "password": PASSWORD},
            headers={"X-CSRFToken": client.cookies["csrftoken"], "Referer": "https://testserver/admin/"},
        )
        assert (await client.get("/admin/api/tables/")).status_code == 200  # organizers: optional


async def test_round_dates_out_of_order_are_refused(client, make_user, commune, clock):
    from contest.tables import Round
    from tests.support.factories import make_contest

    contest = await make_contest(commune=commune, now=clock())
    await make_user(email="admin@example.com", roles=(Role.admin,))
    await admin_login(client, "admin@example.com", PASSWORD)
    response = await client.post(
        "/admin/api/tables/contest_round/",
        json={
            "contest": contest["id"],
            "name": "Vòng chung khảo",
            "position": 2,
            "submission_opens": "2026-12-10T00:00:00+00:00",
            "submission_closes": "2026-12-01T00:00:00+00:00",
            "judging_closes": "2026-12-20T00:00:00+00:00",
            "vote_opens": None,
            "vote_closes": None,
            "results_at": "2026-12-25T00:00:00+00:00",
        },
        headers={"X-CSRFToken": client.cookies.get("csrftoken")},
    )
    assert response.status_code == 422 and "Submissions must close after they open" in response.text
    assert await Round.count() == 1
    ok = await client.post(
        "/admin/api/tables/contest_round/",
        json={
            "contest": contest["id"],
            "name": "Vòng chung khảo",
            "position": 2,
            "submission_opens": "2026-12-01T00:00:00+00:00",
            "submission_closes": "2026-12-10T00:00:00+00:00",
            "judging_closes": "2026-12-20T00:00:00+00:00",
            "vote_opens": None,
            "vote_closes": None,
            "results_at": "2026-12-25T00:00:00+00:00",
        },
        headers={"X-CSRFToken": client.cookies.get("csrftoken")},
    )
    assert ok.status_code == 201, ok.text
    assert await Round.count() == 2


def admin_client_at(app, ip: str):
    import httpx

    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app, client=(ip, 40000)), base_url="http://testserver")


async def test_admin_sign_in_answers_the_same_whether_or_not_the_account_exists(client, make_user):
    await make_user(email="binh@example.com")  # exists, not an organizer
    await make_user(email="nhung@example.com", roles=(Role.organizer,))
    unknown = await admin_login(client, "khong-co-ai@example.com", PASSWORD)
    refused = await admin_login(client, "binh@example.com", PASSWORD)
    wrong = await admin_login(client, "nhung@example.com", "sai-mật-khẩu-rồi")
    assert unknown.status_code == refused.status_code == wrong.status_code == 401
    assert unknown.content == refused.content == wrong.content
    assert "ban tổ chức" in unknown.json()["detail"] and "organizers" in unknown.json()["detail"]
    assert (await client.get("/admin/api/user/")).status_code == 401
    actions = [
        e["action"]
        for e in await AuditEvent.select(AuditEvent.action)
        .where(AuditEvent.action.like("admin.login%"))
        .order_by(AuditEvent.seq)
    ]
    assert actions == ["admin.login_failed", "admin.login_refused", "admin.login_failed"]


async def test_admin_sign_in_shares_the_site_limits_and_store(app, make_user, settings):
    from tests.conftest import login

    organizer = await make_user(email="nhung@example.com", roles=(Role.organizer,))
    async with admin_client_at(app, "198.51.100.9") as attacker:
        for n in range(settings.login_rate_limit):  # failures on the site ...
            assert (await login(attacker, "nhung@example.com", f"đoán-sai-{n}")).status_code == 400
        blocked = await admin_login(attacker, "nhung@example.com", PASSWORD)  # ... hold back the admin's sign-in
        assert blocked.status_code == 429 and "Vui lòng chờ" in blocked.json()["detail"]
        assert (await attacker.get("/admin/api/user/")).status_code == 401
    async with admin_client_at(app, "198.51.100.10") as other:
        for n in range(settings.login_rate_limit):  # failures in the admin ...
            assert (await admin_login(other, "nhung@example.com", f"đoán-sai-{n}")).status_code == 401
        assert (await login(other, "nhung@example.com", PASSWORD)).status_code == 429  # ... count on the site
    async with admin_client_at(app, "203.0.113.20") as owner:  # the organizer, from the commune office
        assert (await admin_login(owner, "nhung@example.com", PASSWORD)).status_code in (200, 303)
        assert (await owner.get("/admin/api/user/")).json()["username"] == organizer.username
    assert await AuditEvent.exists().where((AuditEvent.action == "admin.login") & (AuditEvent.actor == organizer.id))


async def csrf_headers(client, content_type: str | None = None) -> dict[str, str]:
    await client.get("/admin/")
    headers = {"X-CSRFToken": client.cookies.get("csrftoken") or "", "Referer": "http://testserver/admin/"}
    return headers if content_type is None else {**headers, "content-type": content_type}


@pytest.mark.parametrize(
    "content_type",
    ["text/plain", "APPLICATION/JSON", "multipart/form-data; boundary=x", "application/json; charset=utf-8", ""],
)
async def test_admin_sign_in_cannot_be_sent_past_the_gate_with_another_content_type(client, make_user, content_type):
    """Whatever the content type says, a citizen's right password never opens the admin, and a wrong
    password counts as a failure in the audit log: piccolo-admin only sees what the gate checked."""
    await make_user(email="binh@example.com")  # a citizen
    await make_user(email="nhung@example.com", roles=(Role.organizer,))
    body = json.dumps({"username": "binh@example.com", "password": PASSWORD})
    citizen = await client.post("/admin/public/login/", content=body, headers=await csrf_headers(client, content_type))
    assert citizen.status_code in (400, 401) and "id" not in citizen.cookies
    wrong = await client.post(
        "/admin/public/login/",
        headers=await csrf_headers(client, content_type),
        content=json.dumps({"username": "nhung@example.com", "password": "sai-rồi"}),
    )
    assert wrong.status_code in (400, 401) and "id" not in wrong.cookies
    assert (await client.get("/admin/api/user/")).status_code == 401
    if content_type.split(";")[0].strip().lower() == "application/json":
        actions = [
            e["action"]
            for e in await AuditEvent.select(AuditEvent.action)
            .where(AuditEvent.action.like("admin.login%"))
            .order_by(AuditEvent.seq)
        ]
        assert actions == ["admin.login_refused", "admin.login_failed"]
    organizer = await client.post(
        "/admin/public/login/",
        headers=await csrf_headers(client, content_type),
        content=json.dumps({"username": "nhung@example.com", "password": PASSWORD}),
    )
    if content_type.split(";")[0].strip().lower() == "application/json":
        assert organizer.status_code in (200, 303)
    else:
        assert organizer.status_code == 400


async def test_admin_sign_in_with_a_form_body_still_works(client, make_user):
    await make_user(email="nhung@example.com", roles=(Role.organizer,))
    response = await client.post(
        "/admin/public/login/",
        data={"username": "nhung@example.com", "password": PASSWORD},
        headers=await csrf_headers(client),
    )
    assert response.status_code in (200, 303)
    assert (await client.get("/admin/api/user/")).status_code == 200
