"""Files people upload with their ideas: a cover image and up to five attachments.

Nothing about an upload is trusted except its bytes. The content type comes from the magic
bytes (``sniff``), never from the file name or the type the browser declared; the stored
name is generated (``uuid4().hex`` plus the extension of the sniffed type) in one flat
folder; the name the person gave is kept only for display, cleaned by ``clean_filename``.
Images must really decode with Pillow (with a decompression-bomb guard) and, by default,
get a resized web copy ``<hex>.web.jpg`` without EXIF.

``path_of`` only accepts names of the exact shape we generate, so a stored name coming back
from a URL or the database can never point outside ``root``.

Errors are ``UploadError`` with English msgids (translated in the HTTP layer) and
``field=None``: the caller knows which form field the file came from and sets it.
"""

from __future__ import annotations

import asyncio
import contextvars
import io
import os
import re
import unicodedata
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps

from accounts.errors import DomainError
from accounts.i18n import N_

MAX_BYTES = 10 * 1024 * 1024  # 10 MB per file
MAX_ATTACHMENTS = 5

PDF, JPEG, PNG = "application/pdf", "image/jpeg", "image/png"
ATTACHMENT_TYPES = frozenset({PDF, JPEG, PNG})
IMAGE_TYPES = frozenset({JPEG, PNG})
EXTENSIONS = {PDF: "pdf", JPEG: "jpg", PNG: "png"}

MAX_IMAGE_PIXELS = 40_000_000  # ~ 7700 × 5200; anything bigger is refused as damaged
WEB_MAX_SIDE = 1280
WEB_QUALITY = 82
WEB_SUFFIX = ".web.jpg"
MAX_NAME_CHARS = 120
FALLBACK_NAME = "tep"

# Pillow refuses (DecompressionBombError) above twice this and warns above it; we refuse
# everything above it ourselves in ``_inspect_image``.
Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS

MSG_EMPTY = N_("The file %(name)s is empty.")
MSG_TOO_LARGE = N_("The file %(name)s is larger than %(limit)s MB.")
MSG_NOT_ATTACHMENT = N_("The file %(name)s is not a PDF, JPEG or PNG file.")
MSG_NOT_IMAGE = N_("The file %(name)s is not a JPEG or PNG image.")
MSG_DAMAGED = N_("The file %(name)s is damaged or not a real image.")
MSG_NO_SUCH_FILE = N_("There is no such file.")

_MAGIC = (
    (b"%PDF-", PDF),
    (b"\xff\xd8\xff", JPEG),
    (b"\x89PNG\r\n\x1a\n", PNG),
)
_PILLOW_FORMATS = {JPEG: {"JPEG", "MPO"}, PNG: {"PNG"}}  # phones often write MPO JPEGs
_STORED_NAME = re.compile(r"[0-9a-f]{32}(?:\.(?:pdf|jpg|png)|\.web\.jpg)")
# Invisible characters that can disguise a name (e.g. U+202E turns "gpj.exe" around).
_INVISIBLE = {0x200B, 0x200C, 0x200D, 0x200E, 0x200F, 0x2060, 0xFEFF, *range(0x202A, 0x202F), *range(0x2066, 0x206A)}


# Files stored while a ledger is open (see ``open_ledger``): the HTTP layer opens one per request
# and removes them all again when the request fails, so a refused or broken request leaves no file.
_LEDGER: contextvars.ContextVar[list[tuple[Path, StoredFile]] | None] = contextvars.ContextVar(
    "upload_ledger", default=None
)


def open_ledger() -> tuple[list[tuple[Path, StoredFile]], contextvars.Token]:
    """Start recording the files ``store`` writes in this context; ``close_ledger`` with the token."""
    ledger: list[tuple[Path, StoredFile]] = []
    return ledger, _LEDGER.set(ledger)


def close_ledger(token: contextvars.Token, *, discard: bool) -> None:
    """Stop recording; with ``discard`` remove every file stored since the ledger was opened."""
    ledger = _LEDGER.get()
    _LEDGER.reset(token)
    if discard and ledger:
        for root, stored in ledger:
            delete(root, stored)


class UploadError(DomainError):
    """An uploaded file was refused, or a stored name is not one we generate."""


@dataclass(frozen=True)
class StoredFile:
    stored_name: str  # "<32 hex>.<pdf|jpg|png>" under root
    original_name: str  # cleaned, for display only
    content_type: str  # sniffed: PDF, JPEG or PNG
    size: int  # bytes of the stored original
    web_name: str | None  # "<32 hex>.web.jpg" for images stored with a web copy
    width: int | None  # image size as displayed (EXIF orientation applied)
    height: int | None

    @property
    def is_image(self) -> bool:
        return self.content_type in IMAGE_TYPES


def sniff(head: bytes) -> str | None:
    """The content type told by the first bytes of a file, or None if it is none of ours."""
    for magic, content_type in _MAGIC:
        if head.startswith(magic):
            return content_type
    return None


def clean_filename(name: str) -> str:
    """The name we show for an upload: a bare, printable file name of at most 120 characters."""
    name = unicodedata.normalize("NFC", name or "")
    kept = []
    for ch in name:
        if ch.isspace():
            kept.append(" ")
        elif unicodedata.category(ch) in ("Cc", "Cs", "Co", "Cn") or ord(ch) in _INVISIBLE:
            continue
        else:
            kept.append(ch)
    parts = [p.strip() for p in re.split(r"[/\\]", "".join(kept))]
    parts = [p for p in parts if p.strip(". ")]  # drops "", ".", "..", "..."
    base = " ".join(parts[-1].split()) if parts else ""
    base = base.lstrip(". ").rstrip(" ")
    if not base:
        return FALLBACK_NAME
    if len(base) > MAX_NAME_CHARS:
        stem, dot, ext = base.rpartition(".")
        if dot and stem and 0 < len(ext) <= 10:
            stem = stem[: MAX_NAME_CHARS - len(ext) - 1].rstrip(". ")
            base = f"{stem}.{ext}" if stem else base[:MAX_NAME_CHARS]
        else:
            base = base[:MAX_NAME_CHARS].rstrip(" ")
    return base or FALLBACK_NAME


def _megabytes(n: int) -> int | float:
    mb = 1024 * 1024
    return n // mb if n % mb == 0 else float(f"{n / mb:.3g}")


async def store(
    data: bytes,
    original_name: str,
    *,
    root: Path,
    allowed: frozenset[str],
    max_bytes: int = MAX_BYTES,
    web_version: bool = True,
) -> StoredFile:
    """Check an upload and write it under ``root`` with a generated name.

    Raises ``UploadError`` (field None) when the file is empty, larger than ``max_bytes``,
    not of an ``allowed`` type by its content, or an image Pillow cannot decode.
    """
    if not allowed or not allowed <= ATTACHMENT_TYPES:
        raise ValueError(f"allowed must be a non-empty subset of {sorted(ATTACHMENT_TYPES)}")
    display = clean_filename(original_name)
    if not data:
        raise UploadError(MSG_EMPTY, name=display)
    if len(data) > max_bytes:
        raise UploadError(MSG_TOO_LARGE, name=display, limit=_megabytes(max_bytes))
    content_type = sniff(data[:16])
    if content_type not in allowed:
        message = MSG_NOT_IMAGE if allowed <= IMAGE_TYPES else MSG_NOT_ATTACHMENT
        raise UploadError(message, name=display)

    width = height = None
    web_bytes = None
    if content_type in IMAGE_TYPES:
        inspected = await asyncio.to_thread(_inspect_image, data, content_type, web_version)
        if inspected is None:
            raise UploadError(MSG_DAMAGED, name=display)
        width, height, web_bytes = inspected

    hex_ = uuid.uuid4().hex
    stored_name = f"{hex_}.{EXTENSIONS[content_type]}"
    web_name = f"{hex_}{WEB_SUFFIX}" if web_bytes is not None else None
    await asyncio.to_thread(_write_files, root, [(stored_name, data), (web_name, web_bytes)])
    stored = StoredFile(
        stored_name=stored_name,
        original_name=display,
        content_type=content_type,
        size=len(data),
        web_name=web_name,
        width=width,
        height=height,
    )
    ledger = _LEDGER.get()
    if ledger is not None:
        ledger.append((root, stored))
    return stored


def _inspect_image(data: bytes, content_type: str, web_version: bool) -> tuple[int, int, bytes | None] | None:
    """(width, height, web JPEG bytes or None), or None if this is not a sound image."""
    try:
        with Image.open(io.BytesIO(data), formats=sorted(_PILLOW_FORMATS[content_type])) as img:
            if img.format not in _PILLOW_FORMATS[content_type]:
                return None
            w, h = img.size
            if w <= 0 or h <= 0 or w * h > MAX_IMAGE_PIXELS:
                return None
            img.load()  # decodes everything: truncated or corrupt data raises here
            oriented = ImageOps.exif_transpose(img)
            width, height = oriented.size
            web = _web_copy(oriented) if web_version else None
            return width, height, web
    except Exception:  # noqa: BLE001 — Pillow's decoders raise many kinds of errors on hostile bytes
        # (KeyError for a JPEG that claims to be MPO, struct.error, decompression bombs…): all mean "not a
        # sound image", and the sender gets the form again with that message.
        return None


def _web_copy(img: Image.Image) -> bytes:
    """A JPEG at most WEB_MAX_SIDE px on its long side, flattened on white, without metadata."""
    if img.mode in ("RGBA", "LA", "PA") or (img.mode == "P" and "transparency" in img.info):
        rgba = img.convert("RGBA")
        rgb = Image.new("RGB", rgba.size, (255, 255, 255))
        rgb.paste(rgba, mask=rgba.getchannel("A"))
    elif img.mode == "RGB":
        rgb = img.copy()
    elif img.mode.startswith("I"):  # 16/32-bit greyscale: scale down to 8 bits
        rgb = img.point(lambda v: v / 256).convert("L").convert("RGB")
    else:
        rgb = img.convert("RGB")
    rgb.thumbnail((WEB_MAX_SIDE, WEB_MAX_SIDE), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    # No exif=/icc_profile= arguments: Pillow writes no EXIF, XMP or comments then.
    rgb.save(out, "JPEG", quality=WEB_QUALITY, optimize=True, progressive=True)
    return out.getvalue()


def _write_files(root: Path, files: Iterable[tuple[str | None, bytes | None]]) -> None:
    root.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    try:
        for name, content in files:
            if name is None or content is None:
                continue
            path = root / name
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o644)
            written.append(path)
            with os.fdopen(fd, "wb") as fh:
                fh.write(content)
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        raise


def path_of(root: Path, stored_name: str) -> Path:
    """The file behind a stored name (original or web copy), which may not exist (any more).

    Raises ``UploadError`` ("There is no such file.") for anything that is not exactly a
    name ``store`` generates, so no other file can ever be reached.
    """
    if not isinstance(stored_name, str) or not _STORED_NAME.fullmatch(stored_name):
        raise UploadError(MSG_NO_SUCH_FILE)
    return root / stored_name


def delete(root: Path, stored: StoredFile | str) -> None:
    """Remove an upload — original and web copy — ignoring files already gone.

    A stored name (original or web copy) removes every file of that upload. Raises
    ``UploadError`` for a name ``store`` would not generate.
    """
    names = [stored.stored_name, stored.web_name] if isinstance(stored, StoredFile) else [stored]
    hexes = {path_of(root, name).name[:32] for name in names if name is not None}
    for hex_ in hexes:
        for suffix in (*(f".{ext}" for ext in EXTENSIONS.values()), WEB_SUFFIX):
            (root / f"{hex_}{suffix}").unlink(missing_ok=True)
