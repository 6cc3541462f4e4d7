"""Registering in the commune the person chose, with two communes, over HTTP on SQLite and PostgreSQL."""

from __future__ import annotations

import re

import pytest

from accounts.tables import Hamlet, User
from tests.conftest import csrf_from, post_form

pytestmark = pytest.mark.integration

GOOD = {
    "full_name": "Trần Văn Minh",
    "phone": "0987 654 321",
    "email": "",
    "birth_year": "2001",
    "password": "ruộng-lúa-tân-minh-2026",
    "accept_terms": "on",
    "accept_privacy": "on",
}


def options(html: str, select: str) -> list[tuple[str, bool]]:
    """The (value, selected) options of the <select> with this name."""
    match = re.search(rf'<select[^>]*name="{select}"[^>]*>(.*?)</select>', html, re.S)
    assert match, f"no select named {select}"
    return [
        (value, bool(selected))
        for value, selected in re.findall(r'<option value="([^"]*)"( selected)?', match.group(1))
    ]


async def test_register_form_lists_the_chosen_communes_hamlets(client, commune, other_commune):
    page = await client.get("/register?commune=tan-minh")
    assert page.status_code == 200
    assert ("tan-minh", True) in options(page.text, "commune") and ("an-khanh", False) in options(page.text, "commune")
    hamlets = [v for v, _ in options(page.text, "hamlet_id") if v]
    assert hamlets == [str(h) for h in other_commune["hamlets"]]
    assert "Thôn Minh Đức" in page.text and "Thôn An Lạc" not in page.text
    assert '<input type="hidden" name="commune" value="tan-minh">' in page.text

    page = await client.get("/register?commune=an-khanh")
    assert [v for v, _ in options(page.text, "hamlet_id") if v] == [str(h) for h in commune["hamlets"]]


async def test_register_form_without_a_commune_asks_for_one_first(client, commune, other_commune):
    page = await client.get("/register?commune=no-such-commune")
    assert page.status_code == 200
    assert options(page.text, "commune") == [("", False), ("an-khanh", False), ("tan-minh", False)]
    assert 'name="hamlet_id"' not in page.text and 'method="get" action="/register"' in page.text
    assert "Xem các thôn của xã" in page.text  # the button that lists the hamlets, without JavaScript


async def test_register_in_the_chosen_commune(client, commune, other_commune):
    data = {**GOOD, "commune": "tan-minh", "hamlet_id": str(other_commune["hamlets"][1])}
    response = await post_form(client, "/register", data, page="/register?commune=tan-minh")
    assert response.status_code == 303 and response.headers["location"] == "/account"
    user = await User.select().where(User.phone == "+84987654321").first()
    assert user["commune"] == other_commune["id"] and user["hamlet"] == other_commune["hamlets"][1]


async def test_register_refuses_a_hamlet_of_another_commune(client, commune, other_commune):
    data = {**GOOD, "commune": "tan-minh", "hamlet_id": str(commune["hamlets"][0])}
    response = await post_form(client, "/register", data, page="/register?commune=tan-minh")
    assert response.status_code == 400
    error = re.search(r'<p class="error" id="e-hamlet_id">([^<]+)</p>', response.text)
    assert error and "danh sách" in error.group(1)
    assert 'value="Trần Văn Minh"' in response.text and 'value="2001"' in response.text  # input kept
    assert ("tan-minh", True) in options(response.text, "commune")
    assert [v for v, _ in options(response.text, "hamlet_id") if v] == [str(h) for h in other_commune["hamlets"]]
    assert not await User.exists().where(User.phone == "+84987654321")
    # The same hamlet is accepted in its own commune.
    data["commune"] = "an-khanh"
    response = await client.post("/register", data={**data, "_csrf_token": csrf_from(response.text)})
    assert response.status_code == 303
    user = await User.select().where(User.phone == "+84987654321").first()
    assert user["commune"] == commune["id"]


async def test_register_without_a_known_commune_says_so(client, commune, other_commune):
    data = {**GOOD, "commune": "no-such-commune", "hamlet_id": str(other_commune["hamlets"][0])}
    response = await post_form(client, "/register", data, page="/register?commune=tan-minh")
    assert response.status_code == 400
    assert re.search(r'<p class="error" id="e-commune">Vui lòng chọn xã nơi bạn sinh sống.</p>', response.text)
    assert not await User.exists().where(User.phone == "+84987654321")
    # With two communes, a form that names none is refused too.
    data.pop("commune")
    token = csrf_from((await client.get("/register?commune=tan-minh")).text)
    response = await client.post("/register", data={**data, "_csrf_token": token})
    assert response.status_code == 400 and 'id="e-commune"' in response.text
    assert await Hamlet.count() == 4 and not await User.exists()


async def test_commune_page_links_to_registration_in_that_commune(client, commune, other_commune):
    page = await client.get("/communes/tan-minh")
    assert 'href="/register?commune=tan-minh"' in page.text
    page = await client.get("/communes/an-khanh")
    assert 'href="/register?commune=an-khanh"' in page.text


async def test_register_form_of_a_single_commune_needs_no_choice(client, commune):
    page = await client.get("/register")
    assert 'class="commune-picker"' not in page.text
    assert '<input type="hidden" name="commune" value="an-khanh">' in page.text
    assert [v for v, _ in options(page.text, "hamlet_id") if v] == [str(h) for h in commune["hamlets"]]
