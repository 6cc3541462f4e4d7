"""The lists of communes people choose from show communes only: the city's own row (it owns the
city final and has no residents) is not offered on the home page or at registration."""

from __future__ import annotations

import pytest

from accounts import services
from city.final import CITY, ensure_city_level

pytestmark = pytest.mark.integration


async def test_the_city_row_is_not_offered_as_a_commune(client, commune, other_commune, clock):
    await ensure_city_level(now=clock())
    names = [row["name"] for row in await services.communes()]
    assert names == ["Xã An Khánh", "Xã Tân Minh"]
    home = await client.get("/")
    register = await client.get("/register")
    assert "Xã An Khánh" in home.text and "Xã Tân Minh" in register.text
    assert CITY["name"] not in register.text
    assert f'href="/register?commune={CITY["slug"]}"' not in home.text
