"""Sessions: a fresh id at login, and a session is written back only when it changed (or once a day)."""

from __future__ import annotations

import pytest

from server import sessions
from server.app import SESSION_COOKIE
from tests.conftest import login
from tests.support.factories import PASSWORD

pytestmark = pytest.mark.integration


@pytest.fixture
def writes(app, monkeypatch):
    """Every session the app writes to its store, as (session id, data)."""
    store = app.stores.get("sessions")
    seen: list[tuple[str, bytes]] = []
    original = type(store).set

    async def recording_set(self, key, value, expires_in=None):
        if self is store:
            seen.append((key, value))
        return await original(self, key, value, expires_in=expires_in)

    monkeypatch.setattr(type(store), "set", recording_set)  # the store's class has __slots__
    return seen


async def test_an_unchanged_session_is_not_written_again_the_same_day(client, make_user, writes, monkeypatch):
    user = await make_user()
    anonymous = (await client.get("/login")).cookies.get(SESSION_COOKIE)
    response = await login(client, user.email, PASSWORD)
    assert response.status_code in (302, 303)
    signed_in = client.cookies.get(SESSION_COOKIE)
    assert signed_in and signed_in != anonymous  # rotated at login
    await client.get("/")  # shows the welcome message once: the session changes
    writes.clear()

    pages = [await client.get("/") for _ in range(3)]
    for page in pages:
        assert page.status_code == 200 and 'action="/logout"' in page.text  # still signed in
    assert writes == []
    assert SESSION_COOKIE not in pages[-1].headers.get("set-cookie", "")

    tomorrow = sessions.today() + 1
    monkeypatch.setattr(sessions, "today", lambda: tomorrow)
    await client.get("/")  # a new day: written once more, so the session's expiry slides
    assert len(writes) == 1 and writes[0][0] == signed_in
    await client.get("/")
    assert len(writes) == 1


async def test_signing_out_removes_the_session_from_the_store(app, client, make_user, writes):
    from tests.conftest import csrf_from

    user = await make_user()
    await login(client, user.email, PASSWORD)
    page = await client.get("/")
    session_id = client.cookies.get(SESSION_COOKIE)
    store = app.stores.get("sessions")
    assert await store.get(session_id) is not None
    await client.post("/logout", data={"_csrf_token": csrf_from(page.text)})
    assert await store.get(session_id) is None
    client.cookies.set(SESSION_COOKIE, session_id)  # the old cookie no longer signs anyone in
    assert 'action="/logout"' not in (await client.get("/")).text


async def _admin_session(app, identifier: str):
    import httpx

    from tests.conftest import admin_login

    admin = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver")
    assert (await admin_login(admin, identifier, PASSWORD)).status_code in (200, 303)
    assert (await admin.get("/admin/api/user/")).status_code == 200
    return admin


async def test_password_change_on_the_site_ends_admin_and_other_site_sessions(app, client, make_user):
    import httpx
    from piccolo_api.session_auth.tables import SessionsBase

    from accounts.tables import Role
    from tests.conftest import post_form

    organizer = await make_user(email="nhung@example.com", roles=(Role.organizer,))
    admin = await _admin_session(app, "nhung@example.com")
    await login(client, "nhung@example.com", PASSWORD)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as other:
        await login(other, "nhung@example.com", PASSWORD)
        assert await SessionsBase.count().where(SessionsBase.user_id == organizer.id) == 1
        response = await post_form(
            client, "/account/password", {"current_password": PASSWORD, "new_password": "trăng-rằm-tháng-tám"}
        )
        assert response.status_code == 303
        assert await SessionsBase.count().where(SessionsBase.user_id == organizer.id) == 0
        assert (await admin.get("/admin/api/user/")).status_code == 401
        assert (await other.get("/account")).status_code == 303  # signed out
        assert (await client.get("/account")).status_code == 200  # the session that changed it goes on
    await admin.aclose()


async def test_password_reset_ends_admin_sessions(app, client, make_user):
    import re

    import httpx
    from piccolo_api.session_auth.tables import SessionsBase

    from accounts.tables import OutboxMail, Role
    from tests.conftest import post_form

    organizer = await make_user(email="nhung@example.com", roles=(Role.organizer,))
    admin = await _admin_session(app, "nhung@example.com")
    site = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver")
    await login(site, "nhung@example.com", PASSWORD)
    assert (await site.get("/account")).status_code == 200
    await post_form(client, "/password/forgot", {"identifier": "nhung@example.com"})
    mail = await OutboxMail.objects().where(OutboxMail.user == organizer.id).first()
    token = re.search(r"/password/reset/([\w-]+)", mail.body).group(1)
    assert (
        await post_form(client, f"/password/reset/{token}", {"new_password": "trăng-rằm-tháng-tám"})
    ).status_code == 303
    assert await SessionsBase.count().where(SessionsBase.user_id == organizer.id) == 0
    assert (await admin.get("/admin/api/user/")).status_code == 401
    assert (await site.get("/account")).status_code == 303  # the site session on another device has ended too
    await admin.aclose()
    await site.aclose()


async def test_password_change_in_the_admin_ends_site_sessions(app, client, make_user):
    from accounts.tables import Role, User

    organizer = await make_user(email="nhung@example.com", roles=(Role.organizer,))
    admin = await _admin_session(app, "nhung@example.com")
    other_admin = await _admin_session(app, "nhung@example.com")  # the admin open on another device
    await login(client, "nhung@example.com", PASSWORD)
    assert (await client.get("/account")).status_code == 200
    response = await admin.post(
        "/admin/api/change-password/",
        json={
            "current_password": PASSWORD,
            "new_password": "trăng-rằm-tháng-tám",
            "confirm_new_password": "trăng-rằm-tháng-tám",
        },
        headers={"X-CSRFToken": admin.cookies.get("csrftoken") or "", "Referer": "http://testserver/admin/"},
    )
    assert response.status_code in (200, 303), response.text
    await admin.aclose()
    assert (await other_admin.get("/admin/api/user/")).status_code == 401
    await other_admin.aclose()
    assert (await User.select(User.session_version).where(User.id == organizer.id).first())["session_version"] == 1
    assert (await client.get("/account")).status_code == 303  # the site session has ended
    assert (await login(client, "nhung@example.com", "trăng-rằm-tháng-tám")).status_code == 303
