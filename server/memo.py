"""The web side of ``accounts.memo``: each page (GET) may use this worker's copies of the contest
structure, while a change (POST…) reads everything from the database (but for a vote cast or taken
back, which takes its round, rules and the person from the copies: see ``VoteController.cast``). A successful change made
through the site or the admin moves the shared generation on before its answer leaves, so the page
the person sees next is made from fresh data, whichever worker makes it. Any change but a vote also
moves the people generation on (the signed-in person is kept per worker, see ``accounts.memo.person``)."""

from __future__ import annotations

import logging
import re

from litestar.types import ASGIApp, Message, Receive, Scope, Send

from accounts import memo
from server.page_cache import NO_PUBLIC_EFFECT

log = logging.getLogger("sangtao")
GENERATION_KEY = "sangtao:memo:generation"
PEOPLE_KEY = "sangtao:memo:people"
SKIP_PREFIXES = ("/static/", "/healthz", "/favicon.ico")
# The one change that never touches a person's account, roles or verification, and the busiest: a vote.
VOTE_PATH = re.compile(r"^/contests/[^/]+/vote/")


class RedisGeneration:
    """The generation in Redis, shared by every worker (a client per process, made on first use)."""

    def __init__(self, url: str, key: str = GENERATION_KEY):
        self.url = url
        self.key = key
        self._client = None

    @property
    def client(self):
        if self._client is None:
            import redis.asyncio as redis

            self._client = redis.Redis.from_url(self.url)
        return self._client

    async def current(self) -> int:
        return int(await self.client.get(self.key) or 0)

    async def bump(self) -> None:
        await self.client.incr(self.key)


_shared_in: str = ""  # the Redis address of the shared generation ("" when it is this process's own)


def configure(redis_url: str) -> None:
    global _shared_in
    _shared_in = redis_url
    if redis_url:
        shared = RedisGeneration(redis_url)
        memo.use_generation(shared.current, shared.bump)
        people = RedisGeneration(redis_url, PEOPLE_KEY)
        people._client = shared.client  # one connection pool for both
        memo.use_people_generation(people.current, people.bump)
    else:
        memo.use_memory_generation()
        memo.use_memory_people_generation()


def shared_generation_keys(redis_url: str) -> tuple[str, str] | None:
    """The keys of the shared generations (public changes, people) when they live in the Redis at
    ``redis_url`` (for reading them along with a session, see ``server.sessions.SessionStore``)."""
    return (GENERATION_KEY, PEOPLE_KEY) if redis_url and redis_url == _shared_in else None


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
        vote = VOTE_PATH.match(path) is not None
        people = not vote

        async def watch(message: Message) -> None:
            if message["type"] == "http.response.start":
                if people:  # whatever its answer: a refused change may still have counted a failed attempt
                    await memo.people_changed()
                if public and 200 <= message["status"] < 400:
                    try:
                        await memo.changed("request")
                    except Exception:  # noqa: BLE001 — the copies then expire on their own
                        log.warning("shared generation unreachable", exc_info=True)
            await send(message)

        if vote:
            # A vote cast or taken back reads its round, the vote's rules and the person from this
            # worker's copies, as a page does (the generations come with the session); the vote's
            # statement itself checks the ballot, the idea and the resident line in the database.
            with memo.request():
                await self.app(scope, receive, watch)
            return
        await self.app(scope, receive, watch)  # any other change reads everything from the database
