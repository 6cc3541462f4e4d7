"""The web side of ``accounts.memo``: each page (GET) may use this worker's copies of the contest
structure, while a change (POST…) reads everything from the database (but for a vote, which takes its
round and rules from the copy: see ``VoteController.cast``). A successful change made
through the site or the admin moves the shared generation on before its answer leaves, so the page
the person sees next is made from fresh data, whichever worker makes it."""

from __future__ import annotations

import logging

from litestar.types import ASGIApp, Message, Receive, Scope, Send

from accounts import memo
from server.page_cache import NO_PUBLIC_EFFECT

log = logging.getLogger("sangtao")
GENERATION_KEY = "sangtao:memo:generation"
SKIP_PREFIXES = ("/static/", "/healthz", "/favicon.ico")


class RedisGeneration:
    """The generation in Redis, shared by every worker (a client per process, made on first use)."""

    def __init__(self, url: str):
        self.url = url
        self._client = None

    @property
    def client(self):
        if self._client is None:
            import redis.asyncio as redis

            self._client = redis.Redis.from_url(self.url)
        return self._client

    async def current(self) -> int:
        return int(await self.client.get(GENERATION_KEY) or 0)

    async def bump(self) -> None:
        await self.client.incr(GENERATION_KEY)


_shared_in: str = ""  # the Redis address of the shared generation ("" when it is this process's own)


def configure(redis_url: str) -> None:
    global _shared_in
    _shared_in = redis_url
    if redis_url:
        shared = RedisGeneration(redis_url)
        memo.use_generation(shared.current, shared.bump)
    else:
        memo.use_memory_generation()


def shared_generation_key(redis_url: str) -> str | None:
    """The key of the shared generation when it lives in the Redis at ``redis_url`` (for reading it
    along with a session, see ``server.sessions.SessionStore``)."""
    return GENERATION_KEY if redis_url and redis_url == _shared_in else None


class MemoMiddleware:
    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(SKIP_PREFIXES):
            await self.app(scope, receive, send)
            return
        if scope["method"] in ("GET", "HEAD", "OPTIONS"):
            with memo.request():
                await self.app(scope, receive, send)
            return
        path = scope.get("raw_path", b"").decode("latin-1") or scope["path"]
        public = not NO_PUBLIC_EFFECT.match(path)

        async def watch(message: Message) -> None:
            if message["type"] == "http.response.start" and public and 200 <= message["status"] < 400:
                try:
                    await memo.changed("request")
                except Exception:  # noqa: BLE001 — the copies then expire on their own
                    log.warning("shared generation unreachable", exc_info=True)
            await send(message)

        await self.app(scope, receive, watch)  # a change reads everything from the database
