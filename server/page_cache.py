"""A shared cache of the public pages as an anonymous visitor sees them, with ETag and 304.

Only ``GET`` requests without a session cookie are served from it or stored in it, so a signed-in
person (or anyone with a session: flash messages, a form in progress) always gets a page made for
them. A page is stored only when it is the same for every anonymous visitor: a 200 answer of a
public route listed below, for a request that carried no principal, that sets no cookie but the
CSRF one (dropped: a cached page has no form that needs it) and holds no CSRF token at all.

Entries are keyed by language and path with query, and belong to a *generation*: any change the
public can see (``accounts.events.public_changed``, and any successful change made through the site
or the admin) starts a new generation, so every worker stops serving older pages at once (Redis
when ``REDIS_URL`` is set, this process's memory otherwise). Entries also expire after
``ttl`` seconds, for what changes by the clock alone (a round opening or closing).
Each entry keeps the page ready-compressed (brotli, gzip) and its ETag.
"""

from __future__ import annotations

import asyncio
import collections
import hashlib
import json
import logging
import re
import time
from dataclasses import dataclass

from litestar.types import ASGIApp, HTTPResponseStartEvent, Message, Receive, Scope, Send

from accounts import events
from server import compression
from server.i18n import LANG_COOKIE, negotiate
from server.static_assets import etag_matches

# Public pages the same for every anonymous visitor (path without query).
CACHEABLE = re.compile(
    r"^/(?:"
    r"|terms|privacy|communes/[^/]+|city"
    r"|contests/[^/]+(?:/ideas|/results|/results\.json|/results\.csv)?"
    r"|ideas/[^/]+"
    r"|mentors/(?:\d+)?"
    r"|api/(?:contests|ideas)(?:/[^/]+)*"
    r")$"
)
# Changes made through these addresses touch nothing public (or say so themselves: the vote
# announces a change only where tallies are shown).
NO_PUBLIC_EFFECT = re.compile(
    r"^/(?:login|logout|register|password|account|inbox|verification|judge|my/invitations|mentoring/requests"
    r"|contests/[^/]+/vote/|contests/[^/]+/recount|ideas/[^/]+/report)"
)
KEPT_TYPES = ("text/html", "application/json", "text/csv")
DROPPED_HEADERS = {
    b"set-cookie",
    b"content-length",
    b"content-encoding",
    b"vary",
    b"etag",
    b"cache-control",
    b"date",
    b"server",
}
log = logging.getLogger("sangtao")
GENERATION_KEY = "sangtao:pages:generation"
ENTRY_PREFIX = "sangtao:pages:entry:"
MEMORY_ENTRIES = 2000
RENDER_WAIT = 10  # seconds a visitor waits for the same page being made for another


@dataclass
class Entry:
    generation: int
    created: float
    headers: list[tuple[bytes, bytes]]
    etag: bytes
    bodies: dict[str | None, bytes]

    def dump(self) -> bytes:
        head = {
            "g": self.generation,
            "c": self.created,
            "e": self.etag.decode(),
            "h": [[k.decode("latin-1"), v.decode("latin-1")] for k, v in self.headers],
            "b": [[name, len(body)] for name, body in self.bodies.items()],
        }
        return json.dumps(head).encode() + b"\n" + b"".join(self.bodies.values())

    @classmethod
    def load(cls, raw: bytes) -> Entry:
        head_raw, _, rest = raw.partition(b"\n")
        head = json.loads(head_raw)
        bodies, at = {}, 0
        for name, length in head["b"]:
            bodies[name] = rest[at : at + length]
            at += length
        return cls(
            generation=head["g"],
            created=head["c"],
            etag=head["e"].encode(),
            bodies=bodies,
            headers=[(k.encode("latin-1"), v.encode("latin-1")) for k, v in head["h"]],
        )


class MemoryBackend:
    def __init__(self):
        self.generation = 0
        self.entries: collections.OrderedDict[str, Entry] = collections.OrderedDict()

    async def lookup(self, key: str) -> tuple[int, Entry | None]:
        entry = self.entries.get(key)
        if entry is not None:
            self.entries.move_to_end(key)
        return self.generation, entry

    async def store(self, key: str, entry: Entry, ttl: int) -> None:
        self.entries[key] = entry
        self.entries.move_to_end(key)
        while len(self.entries) > MEMORY_ENTRIES:
            self.entries.popitem(last=False)

    async def bump(self) -> None:
        self.generation += 1
        self.entries.clear()


class RedisBackend:
    """Entries and the generation counter in Redis, one round trip per lookup."""

    def __init__(self, url: str):
        self.url = url
        self._client = None

    @property
    def client(self):
        if self._client is None:
            import redis.asyncio as redis

            self._client = redis.Redis.from_url(self.url)
        return self._client

    async def lookup(self, key: str) -> tuple[int, Entry | None]:
        generation, raw = await self.client.mget(GENERATION_KEY, ENTRY_PREFIX + key)
        return int(generation or 0), Entry.load(raw) if raw else None

    async def store(self, key: str, entry: Entry, ttl: int) -> None:
        await self.client.set(ENTRY_PREFIX + key, entry.dump(), ex=ttl)

    async def bump(self) -> None:
        await self.client.incr(GENERATION_KEY)


class PageCache:
    def __init__(
        self,
        redis_url: str = "",
        *,
        ttl: int = 30,
        session_cookie: str = "sangtao_session",
        csrf_cookie: str = "sangtao_csrf",
        now=time.time,
    ):
        self.now = now  # seconds (the app's clock, so that a page made before a round opened is not kept)
        self.backend = RedisBackend(redis_url) if redis_url else MemoryBackend()
        self.ttl = ttl
        self.session_cookie = session_cookie.encode()
        self.csrf_cookie = csrf_cookie.encode()

    async def bump(self, reason: str = "") -> None:
        await self.backend.bump()

    def listen(self) -> None:
        events.listen(self.bump)


def _request_headers(scope: Scope) -> tuple[bytes, bytes, bytes, bytes | None]:
    """The request's cookies (all Cookie headers joined), Accept-Language, Accept-Encoding and If-None-Match."""
    cookie_raw = accept_language = accept = b""
    if_none_match = None
    for name, value in scope["headers"]:
        if name == b"cookie":
            cookie_raw = cookie_raw + b";" + value if cookie_raw else value
        elif name == b"accept-language":
            accept_language = value
        elif name == b"accept-encoding":
            accept = value
        elif name == b"if-none-match":
            if_none_match = value
    return cookie_raw, accept_language, accept, if_none_match


def _cookies(raw: bytes) -> dict[bytes, bytes]:
    cookies = {}
    for part in raw.split(b";"):
        name, _, value = part.strip().partition(b"=")
        cookies[name] = value
    return cookies


def _key(lang: str, scope: Scope) -> str:
    query = scope.get("query_string", b"").decode("latin-1")
    raw = f"{lang} {scope['path']}?{query}"
    return raw if len(raw) <= 200 else lang + " " + hashlib.sha256(raw.encode()).hexdigest()


class PageCacheMiddleware:
    def __init__(self, app: ASGIApp, cache: PageCache):
        self.app = app
        self.cache = cache
        self._rendering: dict[tuple[str, int], asyncio.Future] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        method = scope["method"]
        if method not in ("GET", "HEAD", "OPTIONS"):
            await self._change(scope, receive, send)
            return
        if method != "GET" or not CACHEABLE.match(scope["path"]) or b"lang=" in scope.get("query_string", b""):
            await self.app(scope, receive, send)
            return
        cookie_raw, accept_language, accept, if_none_match = _request_headers(scope)
        cookies = _cookies(cookie_raw) if cookie_raw else {}
        session = cookies.get(self.cache.session_cookie)
        if session and session != b"null":
            await self.app(scope, receive, send)
            return
        lang_cookie = cookies.get(LANG_COOKIE.encode())
        lang = negotiate(
            None, lang_cookie.decode("latin-1") if lang_cookie else None, accept_language.decode("latin-1")
        )
        key = _key(lang, scope)
        try:
            generation, entry = await self.cache.backend.lookup(key)
        except Exception:  # noqa: BLE001 — the cache is unreachable: make the page as without one
            log.warning("page cache unreachable", exc_info=True)
            await self.app(scope, receive, send)
            return
        if (
            entry is not None
            and entry.generation == generation
            and 0 <= self.cache.now() - entry.created < self.cache.ttl
        ):
            await self._serve(entry, send, accept.decode("latin-1"), if_none_match, "hit")
            return
        # One rendering per page at a time in this process: visitors who ask while it is being made
        # wait for it (a crowd arriving at once, or a page that just expired, costs one rendering).
        entry = await self._made_meanwhile(key, generation)
        if entry is not None:
            await self._serve(entry, send, accept.decode("latin-1"), if_none_match, "hit")
            return
        future: asyncio.Future = asyncio.get_running_loop().create_future()
        self._rendering.setdefault((key, generation), future)
        entry = None
        try:
            entry = await self._render(scope, receive, send, generation)
        finally:
            if self._rendering.get((key, generation)) is future:
                del self._rendering[(key, generation)]
            future.set_result(entry)  # None: the others make their own page
        if entry is not None:
            try:
                await self.cache.backend.store(key, entry, self.cache.ttl)
            except Exception:  # noqa: BLE001
                log.warning("page cache unreachable", exc_info=True)
            await self._serve(entry, send, accept.decode("latin-1"), if_none_match, "miss")

    async def _made_meanwhile(self, key: str, generation: int) -> Entry | None:
        """The page another request of this process is making now, once it is made (None: make it here)."""
        waiting = self._rendering.get((key, generation))
        if waiting is None:
            return None
        try:
            return await asyncio.wait_for(asyncio.shield(waiting), timeout=RENDER_WAIT)
        except (TimeoutError, asyncio.CancelledError):
            return None

    async def _render(self, scope: Scope, receive: Receive, send: Send, generation: int) -> Entry | None:
        """Run the app; return the page as an entry when it may be shared (then nothing was sent yet),
        else pass the answer on unchanged and return None."""
        start: Message | None = None
        chunks: list[bytes] = []
        passed = False

        async def capture(message: Message) -> None:
            nonlocal start, passed
            if passed:
                await send(message)
                return
            if message["type"] == "http.response.start":
                start = message
                if not self._shareable_start(message):
                    passed = True
                    await send(message)
                return
            if message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
                return
            await send(message)

        await self.app(scope, receive, capture)
        if passed or start is None:
            return None
        body = b"".join(chunks)
        handler = scope.get("route_handler")
        public = handler is not None and (handler.opt or {}).get("access") == "public"
        if not public or scope.get("user") is not None or b"_csrf_token" in body or b'name="csrf' in body:
            await send(start)
            await send({"type": "http.response.body", "body": body, "more_body": False})
            return None
        headers = [(k.lower(), v) for k, v in start.get("headers", []) if k.lower() not in DROPPED_HEADERS]
        bodies: dict[str | None, bytes] = {None: body}
        content_type = dict(headers).get(b"content-type", b"").decode("latin-1")
        if len(body) >= compression.MINIMUM_SIZE and compression.compressible(content_type):
            bodies["gzip"] = compression.compress(body, "gzip", made="kept")
            if compression.brotli is not None:
                bodies["br"] = compression.compress(body, "br", made="kept")
        etag = b'W/"' + hashlib.blake2b(body, digest_size=12).hexdigest().encode() + b'"'
        return Entry(generation=generation, created=self.cache.now(), headers=headers, etag=etag, bodies=bodies)

    def _shareable_start(self, message: HTTPResponseStartEvent) -> bool:
        if message["status"] != 200:
            return False
        content_type = b""
        for name, value in message.get("headers", []):
            lower = name.lower()
            if lower == b"set-cookie" and not value.startswith(self.cache.csrf_cookie + b"="):
                return False
            if lower == b"content-encoding":
                return False
            if lower == b"content-type":
                content_type = value
        return content_type.decode("latin-1").startswith(KEPT_TYPES)

    async def _serve(self, entry: Entry, send: Send, accept: str, if_none_match: bytes | None, how: str) -> None:
        headers = [
            *entry.headers,
            (b"etag", entry.etag),
            (b"cache-control", b"no-cache"),
            (b"vary", b"Accept-Encoding, Accept-Language, Cookie"),
            (b"x-page-cache", how.encode()),
        ]
        if if_none_match is not None and etag_matches(if_none_match, entry.etag):
            await send({"type": "http.response.start", "status": 304, "headers": headers})
            await send({"type": "http.response.body", "body": b"", "more_body": False})
            return
        encoding = compression.choose_encoding(accept) if len(entry.bodies) > 1 else None
        body = entry.bodies.get(encoding) if encoding else None
        if encoding and body is not None:
            headers.append((b"content-encoding", encoding.encode()))
        else:
            body = entry.bodies[None]
        headers.append((b"content-length", str(len(body)).encode()))
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": body, "more_body": False})

    async def _change(self, scope: Scope, receive: Receive, send: Send) -> None:
        """A request that may change something: once it succeeded, pages made before are out of date."""
        status = 0

        async def watch(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        await self.app(scope, receive, watch)
        path = scope.get("raw_path", b"").decode("latin-1") or scope["path"]
        if 200 <= status < 400 and not NO_PUBLIC_EFFECT.match(path):
            try:
                await self.cache.bump("request")
            except Exception:  # noqa: BLE001 — the pages then expire on their own
                log.warning("page cache unreachable", exc_info=True)
