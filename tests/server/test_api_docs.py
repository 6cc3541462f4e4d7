"""/schema: the open-data API's documentation as a page of the site itself (Vietnamese, the site's layout
and CSP, nothing from another origin), and the errors of the data downloads as the document describes them."""

from __future__ import annotations

import re

import pytest

from server.security import CSP
from tests.conftest import login
from tests.support.factories import PASSWORD

pytestmark = pytest.mark.integration


async def test_the_docs_page_is_the_sites_own_in_vietnamese(client, db):
    response = await client.get("/schema")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    assert response.headers["content-security-policy"] == CSP
    page = response.text
    assert '<html lang="vi">' in page and "<h1>Dữ liệu mở (API)</h1>" in page
    assert "không chứa thông tin cá nhân" in page and 'href="/schema/openapi.json"' in page
    document = (await client.get("/schema/openapi.json")).json()
    for path, item in document["paths"].items():  # every operation and every data format has its section
        assert f'<code class="api-route">GET {path}</code>' in page
        assert item["get"]["operationId"] in page
    for name in document["components"]["schemas"]:
        assert f'id="model-{name}"' in page
    assert "Nhật ký bình chọn của cuộc thi (CSV)" in page and "Kết quả đã công bố của cuộc thi" in page
    # Nothing is loaded from elsewhere, and no script at all.
    assert "<script" not in page
    assert not re.findall(r'(?:src|href)="(?:https?:)?//', page)


async def test_the_docs_page_knows_who_is_signed_in(client, make_user):
    user = await make_user(full_name="Chị Lan")
    await login(client, user.email, PASSWORD)
    page = (await client.get("/schema")).text
    assert "Đăng xuất" in page and 'href="/login' not in page


async def test_the_documented_error_body_for_programs_and_the_page_for_browsers(client, closed_vote, clock):  # noqa: F811
    slug = closed_vote["slug"]  # the vote is still open: neither the log nor the results are published
    for path in (
        f"/contests/{slug}/vote-log.csv",
        f"/contests/{slug}/vote-log.json",
        f"/contests/{slug}/results.json",
        "/contests/no-such-contest/results.csv",
        "/api/contests/no-such-contest",
    ):
        response = await client.get(path)
        assert response.status_code == 404, path
        body = response.json()
        assert set(body) == {"status", "title", "detail"} and body["status"] == 404, path
    browser = await client.get(f"/contests/{slug}/vote-log.csv", headers={"accept": "text/html,*/*"})
    assert browser.status_code == 404 and browser.headers["content-type"].startswith("text/html")
    clock.advance(days=10)
    assert (await client.get(f"/contests/{slug}/vote-log.json")).json()["entry_count"] == 4
