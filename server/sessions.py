"""Server-side sessions whose id is replaced at login (no session fixation)."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

from litestar.connection import ASGIConnection
from litestar.datastructures import Cookie, MutableScopeHeaders
from litestar.middleware.session.server_side import ServerSideSessionBackend, ServerSideSessionConfig
from litestar.stores.redis import RedisStore
from litestar.types import Message, ScopeSession
from litestar.utils.dataclass import extract_dataclass_items

from accounts import memo
from server.memo import shared_generation_keys

ROTATE_KEY = "_rotate"
DAY_KEY = "_day"  # the day (UTC) the session was last written: unchanged sessions are written once a day
LOADED = "sangtao.session_loaded"  # scope key: the session as read from the store


def today() -> int:
    return int(time.time() // 86400)


def rotate(session: dict) -> None:
    """Ask for a fresh session id when this response is sent (call at login)."""
    session[ROTATE_KEY] = True


class RotatingSessionBackend(ServerSideSessionBackend):
    """Server-side sessions that rotate their id at login and skip writing back what did not change.

    Litestar writes the session to the store (and sends its cookie) after every response. Here a
    session that is exactly as it was read, and was already written today, is left alone: one
    store round trip less per request, while the expiry still slides (by whole days).
    """

    async def load_from_connection(self, connection: ASGIConnection) -> dict[str, Any]:
        data = await super().load_from_connection(connection)
        connection.scope[LOADED] = dict(data)  # type: ignore[literal-required]
        return data

    async def store_in_message(self, scope_session: ScopeSession, message: Message, connection: ASGIConnection) -> None:
        if isinstance(scope_session, dict):  # the sessions this app writes are dicts
            if not set(scope_session) - {DAY_KEY} and not connection.cookies.get(self.config.key):
                return  # a visitor without a session who left nothing in it: no cookie, nothing stored
            if (
                not scope_session.get(ROTATE_KEY)
                and scope_session.get(DAY_KEY) == today()
                and scope_session == connection.scope.get(LOADED)
            ):
                return  # unchanged, and written today already
            scope_session[DAY_KEY] = today()
        if not isinstance(scope_session, dict) or not scope_session or not scope_session.pop(ROTATE_KEY, False):
            await super().store_in_message(scope_session, message, connection)
            return
        store = self.config.get_store_from_app(connection.scope["app"])
        old_id = connection.cookies.get(self.config.key)
        if old_id and old_id != "null":
            await self.delete(old_id, store=store)
        new_id = self.generate_session_id()
        await self.set(session_id=new_id, data=self.serialize_data(scope_session, connection.scope), store=store)
        cookie_params = dict(extract_dataclass_items(self.config, exclude_none=True, include=Cookie.__dict__.keys()))
        MutableScopeHeaders.from_message(message).add(
            "Set-Cookie", Cookie(value=new_id, key=self.config.key, **cookie_params).to_header(header="")
        )


class RotatingSessionConfig(ServerSideSessionConfig):
    _backend_class = RotatingSessionBackend


class SessionStore(RedisStore):
    """Sessions in Redis. Reading a session also reads the site's generations of public changes and
    of people (``server.memo``) in the same round trip, so a signed-in page that uses this worker's
    copies (the person signed in among them) makes one round trip to Redis instead of two."""

    redis_url = ""

    @classmethod
    def for_url(cls, url: str, namespace: str) -> SessionStore:
        store = cls.with_client(url=url, namespace=namespace)
        assert isinstance(store, SessionStore)
        store.redis_url = url
        return store

    async def get(self, key: str, renew_for: int | timedelta | None = None) -> bytes | None:
        generation_keys = shared_generation_keys(self.redis_url)
        if renew_for or generation_keys is None:
            return await super().get(key, renew_for)
        value, generation, people = await self._redis.mget(self._make_key(key), *generation_keys)
        memo.known_generation(int(generation or 0), int(people or 0))
        return value
