"""Reading uploaded files from a multipart form and storing them (all or nothing), and removing the
files of a request that fails."""

from __future__ import annotations

from pathlib import Path

from litestar.datastructures import FormMultiDict, UploadFile
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from accounts.errors import ValidationFailed
from accounts.i18n import N_
from contest import uploads
from contest.uploads import StoredFile, UploadError


def _files(form: FormMultiDict, name: str) -> list[UploadFile]:
    return [f for f in form.getall(name, []) if isinstance(f, UploadFile) and f.filename]


def chosen_file(form: FormMultiDict, name: str) -> UploadFile | None:
    """The file chosen in a form's file field (the first of them), or None when none was."""
    return next(iter(_files(form, name)), None)


async def store_form_files(form: FormMultiDict, root: Path) -> tuple[list[StoredFile], StoredFile | None]:
    """Sniff, check and store the cover and attachments of an idea form.

    Raises ``ValidationFailed`` (with every problem, per field) after removing whatever it
    had already stored, so a refused form leaves nothing behind.
    """
    errors: dict[str, str] = {}
    params: dict[str, dict[str, object]] = {}
    stored: list[StoredFile] = []
    cover = None
    attachments = _files(form, "attachments")
    if len(attachments) > uploads.MAX_ATTACHMENTS:
        errors["attachments"] = N_("At most %(limit)s attachments per idea.")
        params["attachments"] = {"limit": uploads.MAX_ATTACHMENTS}
    else:
        for upload in attachments:
            try:
                stored.append(
                    await uploads.store(
                        await upload.read(), upload.filename, root=root, allowed=uploads.ATTACHMENT_TYPES
                    )
                )
            except UploadError as exc:
                errors.setdefault("attachments", exc.message)
                params.setdefault("attachments", exc.params)
    for upload in _files(form, "cover")[:1]:
        try:
            cover = await uploads.store(await upload.read(), upload.filename, root=root, allowed=uploads.IMAGE_TYPES)
        except UploadError as exc:
            errors["cover"] = exc.message
            params["cover"] = exc.params
    if errors:
        discard(root, stored, cover)
        raise ValidationFailed(errors, params)
    return stored, cover


async def store_form_file(
    form: FormMultiDict, name: str, root: Path, *, allowed: frozenset[str], max_bytes: int = uploads.MAX_BYTES
) -> StoredFile | None:
    """The one file of the form's field ``name`` (an image: a cover, a photo, a logo), sniffed, checked and
    stored; ``None`` when none was chosen. Refused with ``ValidationFailed`` on that field; the file of a
    request that then fails is removed by ``UploadCleanupMiddleware``."""
    files = _files(form, name)
    if not files:
        return None
    try:
        return await uploads.store(
            await files[0].read(), files[0].filename, root=root, allowed=allowed, max_bytes=max_bytes
        )
    except UploadError as exc:
        raise ValidationFailed({name: exc.message}, {name: exc.params}) from None


def discard(root: Path, files: list[StoredFile], cover: StoredFile | None) -> None:
    for f in [*files, *([cover] if cover else [])]:
        uploads.delete(root, f)


class UploadCleanupMiddleware:
    """Files stored during a request that fails (a 4xx or 5xx answer, or an exception) are removed.

    A handler stores uploads before the database work that references them; if anything after
    that goes wrong — a refused field, a database error — no orphan file stays behind.
    """

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        status = 500

        async def send_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        _, token = uploads.open_ledger()
        failed = True
        try:
            await self.app(scope, receive, send_status)
            failed = status >= 400
        finally:
            uploads.close_ledger(token, discard=failed)
