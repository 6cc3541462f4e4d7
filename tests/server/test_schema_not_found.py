"""An unknown address under /schema gets the site's own 404 page, as any other unknown address does:
in the site's layout and language, with the signed-in person in the header; a program asking for an
unknown document under /schema gets the JSON error body the API documents."""

from __future__ import annotations

import pytest

from tests.conftest import login
from tests.support.factories import PASSWORD

pytestmark = pytest.mark.integration

HTML = {"accept": "text/html,application/xhtml+xml"}


def _header(html: str) -> str:
    return html.split('class="site-header"', 1)[1].split("</header>", 1)[0]


@pytest.mark.parametrize("address", ["/schema/no-such-page", "/schema/swagger", "/schema/redoc"])
async def test_an_unknown_docs_address_shows_the_sites_404_page(client, address):
    other = await client.get("/no-such-page", headers=HTML)
    response = await client.get(address, headers=HTML)
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    page = response.text
    assert '<html lang="vi"' in page and "Không tìm thấy trang" in page and 'class="site-header"' in page
    assert "Error 404" not in page
    assert page.split("<main", 1)[1].split("</main>")[0] == other.text.split("<main", 1)[1].split("</main>")[0]


async def test_the_404_page_under_schema_knows_the_signed_in_person(client, make_user):
    await make_user(email="mai@example.com", full_name="Nguyễn Thị Mai")
    await login(client, "mai@example.com", PASSWORD)
    response = await client.get("/schema/no-such-page", headers=HTML)
    assert response.status_code == 404
    header = _header(response.text)
    assert "Đăng xuất" in header and 'href="/login' not in header


async def test_the_docs_and_their_document_still_answer(client):
    assert (await client.get("/schema", headers=HTML)).status_code == 200
    document = await client.get("/schema/openapi.json")
    assert document.status_code == 200 and "paths" in document.json()
    missing = await client.get("/schema/openapi.yaml")
    assert missing.status_code == 404
    assert missing.json() == {"status": 404, "title": "Không tìm thấy trang", "detail": missing.json()["detail"]}
