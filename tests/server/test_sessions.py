"""Sessions: a fresh id at login, and a session is written back only when it changed (or once a day)."""

from __future__ import annotations

import pytest

from server import sessions
from server.app import SESSION_COOKIE
from tests.conftest import login
from tests.support.factories import PASSWORD


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

    for _ in range(3):
        page = await client.get("/")
        assert page.status_code == 200 and 'action="/logout"' in page.text  # still signed in
    assert writes == []
    assert SESSION_COOKIE not in page.headers.get("set-cookie", "")

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
