"""A journalist opens "Dữ liệu mở (API)" from the footer: the API documentation shows, in Vietnamese, with
every operation and data format, without a console error, without a request to another origin, and with
no accessibility violation, on a phone and on a desktop screen."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from tests.browser.support import assert_accessible, heading, visit


@pytest.mark.parametrize("width", [390, 1280])
def test_the_api_documentation_works_under_the_sites_policy(page, live_server, width):
    page.set_viewport_size({"width": width, "height": 900})
    origin = urlsplit(live_server.url).netloc
    errors, elsewhere = [], []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on(
        "request",
        lambda request: (
            elsewhere.append(request.url)
            if urlsplit(request.url).scheme in ("http", "https") and urlsplit(request.url).netloc != origin
            else None
        ),
    )

    visit(page, f"{live_server.url}/")
    page.get_by_role("link", name="Dữ liệu mở (API)").click()
    page.wait_for_load_state("load")
    assert page.url.endswith("/schema") and heading(page) == "Dữ liệu mở (API)"
    document = page.request.get(f"{live_server.url}/schema/openapi.json").json()
    paths = set(document["paths"])
    assert {
        "/api/contests",
        "/api/contests/{slug}/ideas",
        "/contests/{slug}/results.json",
        "/contests/{slug}/vote-log.csv",
        "/contests/{slug}/vote-log.json",
    } <= paths
    shown = page.locator(".api-route").all_inner_texts()
    assert sorted(shown) == sorted(f"GET {path}" for path in paths)
    assert page.get_by_role("heading", name="Kết quả đã công bố của cuộc thi", exact=True).is_visible()
    # The contents lead to a data format described field by field.
    page.get_by_role("link", name="Định dạng dữ liệu").click()
    assert page.locator("#model-ResultsOut").is_visible()
    assert page.get_by_role("region", name="Các trường của VoteLogEntryOut").is_visible()
    assert_accessible(page)
    if width == 390:  # nothing is cut off: wide tables scroll inside their own region
        assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
    assert not errors, errors
    assert not elsewhere, elsewhere
