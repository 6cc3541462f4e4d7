"""Static files with their content's hash in the name, kept in memory and compressed once.

At start-up every file under static/ is read once: ``static_url("css/site.css")`` gives
``/static/css/site.<hash>.css``, served with a year-long, immutable ``Cache-Control`` (a phone
downloads the stylesheet once, and a new version has a new name). The plain name keeps working
with a short cache. Text files are compressed once (brotli and gzip at their best) and the
variant the browser accepts is sent as is.
"""

from __future__ import annotations

import functools
import hashlib
import mimetypes
from dataclasses import dataclass, field
from pathlib import Path

from litestar.types import ASGIApp, Receive, Scope, Send

from server import compression
from server.settings import BASE_DIR

IMMUTABLE = b"public, max-age=31536000, immutable"
SHORT = b"public, max-age=300"
TYPES = {
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".svg": "image/svg+xml",
    ".json": "application/json",
    ".txt": "text/plain; charset=utf-8",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".webp": "image/webp",
    ".ico": "image/x-icon",
    ".woff2": "font/woff2",
}


@dataclass
class Asset:
    content_type: str
    etag: bytes
    bodies: dict[str | None, bytes] = field(default_factory=dict)  # None: as on disk; "br", "gzip"


def hashed_name(relative: str, digest: str) -> str:
    stem, dot, suffix = relative.rpartition(".")
    return f"{stem}.{digest}.{suffix}" if dot and "/" not in suffix else f"{relative}.{digest}"


class StaticAssets:
    def __init__(self, directory: Path, prefix: str = "/static/"):
        self.prefix = prefix
        self.urls: dict[str, str] = {}  # "css/site.css" -> "/static/css/site.<hash>.css"
        self.hashed: dict[str, Asset] = {}  # request path -> asset
        self.plain: dict[str, Asset] = {}
        for path in sorted(p for p in directory.rglob("*") if p.is_file()):
            relative = path.relative_to(directory).as_posix()
            data = path.read_bytes()
            digest = hashlib.sha256(data).hexdigest()[:12]
            content_type = (
                TYPES.get(path.suffix.lower()) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            )
            asset = Asset(content_type=content_type, etag=f'"{digest}"'.encode(), bodies={None: data})
            if compression.compressible(content_type) and len(data) >= compression.MINIMUM_SIZE:
                asset.bodies["gzip"] = compression.compress(data, "gzip", made="once")
                if compression.brotli is not None:
                    asset.bodies["br"] = compression.compress(data, "br", made="once")
            url = prefix + hashed_name(relative, digest)
            self.urls[relative] = url
            self.hashed[url] = asset
            self.plain[prefix + relative] = asset

    def url(self, relative: str) -> str:
        """The address of a static file with its content hash (the plain one for an unknown file)."""
        relative = relative.lstrip("/")
        if relative.startswith("static/"):
            relative = relative[len("static/") :]
        return self.urls.get(relative, self.prefix + relative)


class StaticAssetsMiddleware:
    """Answers GET and HEAD for the known static files from memory; anything else goes on."""

    def __init__(self, app: ASGIApp, assets: StaticAssets):
        self.app = app
        self.assets = assets

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or not scope["path"].startswith(self.assets.prefix)
            or scope["method"] not in ("GET", "HEAD")
        ):
            await self.app(scope, receive, send)
            return
        path = scope["path"]
        asset = self.assets.hashed.get(path)
        cache_control = IMMUTABLE
        if asset is None:
            asset = self.assets.plain.get(path)
            cache_control = SHORT
            if asset is None:
                await self.app(scope, receive, send)
                return
        accept, if_none_match = "", None
        for name, value in scope["headers"]:
            if name == b"accept-encoding":
                accept = value.decode("latin-1")
            elif name == b"if-none-match":
                if_none_match = value
        headers = [(b"cache-control", cache_control), (b"etag", asset.etag)]
        if len(asset.bodies) > 1:
            headers.append((b"vary", b"Accept-Encoding"))
        if if_none_match is not None and etag_matches(if_none_match, asset.etag):
            await send({"type": "http.response.start", "status": 304, "headers": headers})
            await send({"type": "http.response.body", "body": b""})
            return
        encoding = compression.choose_encoding(accept) if len(asset.bodies) > 1 else None
        body = asset.bodies.get(encoding, asset.bodies[None])
        if encoding is not None and encoding in asset.bodies:
            headers.append((b"content-encoding", encoding.encode()))
        headers += [(b"content-type", asset.content_type.encode()), (b"content-length", str(len(body)).encode())]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": b"" if scope["method"] == "HEAD" else body})


def etag_matches(if_none_match: bytes, etag: bytes) -> bool:
    """Weak comparison (RFC 9110): ``W/"x"`` matches ``"x"``; ``*`` matches anything."""
    bare = etag.removeprefix(b"W/")
    for candidate in if_none_match.split(b","):
        candidate = candidate.strip()
        if candidate == b"*" or candidate.removeprefix(b"W/") == bare:
            return True
    return False


@functools.lru_cache(maxsize=1)
def default_assets() -> StaticAssets:
    """The site's static files, read once per process."""
    return StaticAssets(BASE_DIR / "static")


def static_url(relative: str) -> str:
    """``static_url("css/site.css")`` -> ``/static/css/site.<hash>.css`` (a template helper)."""
    return default_assets().url(relative)
