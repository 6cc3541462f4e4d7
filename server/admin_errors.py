"""Refusals of the admin's API, as the person in front of piccolo-admin reads them.

piccolo-admin's page shows a refused save as the raw JSON body for most statuses
(``{"detail": "…"}``), and nothing at all for a 422 whose ``detail`` is a sentence. Its requests
ask for ``application/json, text/plain, */*``: to a client that accepts plain text, a refused
write under /api/tables/ is answered with the message alone, as plain text, in Vietnamese first
(the policies' refusals already are) — and piccolo's English answers (a field whose value does not
fit, a duplicate value, a row not found) are put in Vietnamese, naming the field by its Vietnamese
label. Clients asking for JSON only keep the JSON bodies.
"""

from __future__ import annotations

import json
import re

from server.admin_labels import column_label

WRITES = {"POST", "PUT", "PATCH", "DELETE"}

_FIELD_LINE = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)\s*$")


def _field_names(tablename: str, text: str) -> list[str]:
    names = []
    for line in text.splitlines()[1:]:
        match = _FIELD_LINE.match(line)
        if match:
            label = column_label(tablename, match.group(1))
            names.append(f"“{label[0]}”" if label else match.group(1))
    return names


def _invalid(fields: list[str]) -> str:
    named = ", ".join(dict.fromkeys(fields)) or "một số trường"
    return f"Giá trị không hợp lệ ở {named}: hãy kiểm tra lại kiểu và định dạng. / Invalid value."


def vietnamese_message(tablename: str, status: int, body: bytes, content_type: str) -> str | None:
    """The message to show for a refused write, or None to leave the answer as it is."""
    text = body.decode("utf-8", "replace").strip()
    if "json" in content_type:
        try:
            data = json.loads(text or "null")
        except ValueError:
            return None
        if isinstance(data, dict) and isinstance(data.get("detail"), str):
            # A field named by its column («contest») is named by its label («Cuộc thi»).
            return re.sub(
                r"«([A-Za-z_][A-Za-z0-9_]*)»",
                lambda m: f"«{(column_label(tablename, m.group(1)) or (m.group(1),))[0]}»",
                data["detail"],
            )
        if isinstance(data, dict) and isinstance(data.get("detail"), list):  # FastAPI's check of the body
            fields = []
            for problem in data["detail"]:
                loc = problem.get("loc") if isinstance(problem, dict) else None
                name = str(loc[-1]) if loc else ""
                label = column_label(tablename, name)
                fields.append(f"“{label[0]}”" if label else name)
            return _invalid([f for f in fields if f])
        if isinstance(data, dict) and "db_error" in data:
            error = str(data["db_error"]).lower()
            if "unique" in error or "duplicate" in error:
                return "Giá trị này đã có ở một bản ghi khác (phải là duy nhất). / This value is already used."
            if "foreign key" in error:
                return (
                    "Bản ghi này còn được bản ghi khác tham chiếu, hoặc trỏ tới bản ghi không tồn tại. / "
                    "A related row is missing or still refers to this one."
                )
            return "Cơ sở dữ liệu từ chối thay đổi này. / The database refused this change."
        return None
    if re.match(r"^\d+ validation errors? for ", text):
        return _invalid(_field_names(tablename, text))
    if text in ("The resource doesn't exist", "Unable to find a resource with that ID."):
        return "Không tìm thấy bản ghi (đã bị xóa hoặc không thuộc phạm vi của ông/bà). / Not found."
    if text.startswith("Unrecognised keys"):
        return "Biểu mẫu gửi lên trường không có trong bảng này. / Unknown field."
    if status == 400 and text and not text.startswith(("Dữ liệu", "{")):
        return f"Dữ liệu gửi lên không hợp lệ. / Invalid data: {text[:200]}"
    return None


class PlainRefusals:
    """ASGI wrapper for the admin app: rewrites refused writes under /api/tables/ for the admin page."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        path = scope.get("path", "")[len(scope.get("root_path", "")) :]
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        if (
            scope.get("type") != "http"
            or scope.get("method") not in WRITES
            or not path.startswith("/api/tables/")
            or "text/plain" not in headers.get("accept", "")
        ):
            await self.app(scope, receive, send)
            return
        tablename = path[len("/api/tables/") :].split("/", 1)[0]
        start: dict = {}
        chunks: list[bytes] = []

        async def capture(message):
            if message["type"] == "http.response.start":
                if message["status"] < 400:
                    start["pass"] = True
                    await send(message)
                    return
                start.update(message)
                return
            if start.get("pass"):
                await send(message)
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body"):
                return
            body = b"".join(chunks)
            kind = dict((k.decode("latin-1").lower(), v.decode("latin-1")) for k, v in start.get("headers", []))
            text = vietnamese_message(tablename, start["status"], body, kind.get("content-type", ""))
            if text is None:
                out_headers, out = start.get("headers", []), body
            else:
                out = text.encode("utf-8")
                out_headers = [
                    (k, v) for k, v in start.get("headers", []) if k.lower() not in (b"content-type", b"content-length")
                ]
                out_headers += [
                    (b"content-type", b"text/plain; charset=utf-8"),
                    (b"content-length", str(len(out)).encode()),
                ]
            await send({"type": "http.response.start", "status": start["status"], "headers": out_headers})
            await send({"type": "http.response.body", "body": out})

        await self.app(scope, receive, capture)
