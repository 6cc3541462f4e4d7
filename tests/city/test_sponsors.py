"""Local sponsors: organizers record sponsors with a logo and their pledges; pledges show on the contest's pages,
fund an award, count on the city dashboard; each commune's organizers act only on their own sponsors."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from PIL import Image

from accounts.tables import AuditEvent, Role
from city import dashboard
from city.period import Period
from city.tables import Pledge, Sponsor
from contest.tables import Award
from tests.conftest import csrf_from, login, post_form
from tests.support.factories import PASSWORD, make_contest

pytestmark = pytest.mark.integration


def png(width: int = 2000, height: int = 1000) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (width, height), (11, 95, 110)).save(buf, "PNG")
    return buf.getvalue()


@pytest.fixture
async def setup(client, commune, other_commune, make_user, make_other_user, clock):
    contest = await make_contest(commune=commune, now=clock(), slug="cuoc-thi-a")
    other = await make_contest(commune=other_commune, now=clock(), slug="cuoc-thi-b")
    award = Award(contest=contest["id"], name="Giải Nhất", position=1, basis="jury", rank=1)
    await award.save()
    organizer = await make_user(roles=(Role.organizer,), email="btc.a@example.com")
    other_organizer = await make_other_user(roles=(Role.organizer,), email="btc.b@example.com")
    return {
        "contest": contest,
        "other": other,
        "award": award.id,
        "organizer": organizer,
        "other_organizer": other_organizer,
    }


async def _add_sponsor(client, *, name: str, logo: bytes | None, kind: str = "firm"):
    page = await client.get("/organizer/sponsors/")
    files = (
        {"logo": ("logo.png", logo, "image/png")}
        if logo is not None
        else {"logo": ("", b"", "application/octet-stream")}
    )
    return await client.post(
        "/organizer/sponsors/", data={"name": name, "kind": kind, "_csrf_token": csrf_from(page.text)}, files=files
    )


async def test_an_organizer_records_a_sponsor_its_pledge_and_its_delivery(client, setup, clock):
    await login(client, "btc.a@example.com", PASSWORD)
    done = await _add_sponsor(client, name="Công ty Cơ khí An Khánh", logo=png())
    assert done.status_code == 303
    sponsor = await Sponsor.select().where(Sponsor.name == "Công ty Cơ khí An Khánh").first()
    assert sponsor["logo"].endswith(".web.jpg")
    logo = await client.get(f"/sponsors/{sponsor['id']}/logo")
    assert logo.status_code == 200 and max(Image.open(io.BytesIO(logo.content)).size) <= 1280  # resized

    url = f"/organizer/sponsors/{sponsor['id']}/pledges"
    bad = await post_form(
        client,
        url,
        {
            "contest": str(setup["contest"]["id"]),
            "kind": "prize_money",
            "value_vnd": "mười triệu",
            "award": str(setup["award"]),
        },
        page="/organizer/sponsors/",
    )
    assert bad.status_code == 400 and "Ghi số tiền" in bad.text and 'value="mười triệu"' in bad.text
    assert await Pledge.count() == 0
    ok = await post_form(
        client,
        url,
        {
            "contest": str(setup["contest"]["id"]),
            "kind": "prize_money",
            "value_vnd": "10.000.000",
            "award": str(setup["award"]),
            "description": "Tiền thưởng giải Nhất",
        },
        page="/organizer/sponsors/",
    )
    assert ok.status_code == 303
    pledge = await Pledge.select().first()
    assert pledge["value_vnd"] == 10_000_000 and pledge["award"] == setup["award"] and not pledge["delivered"]

    contest_page = await client.get("/contests/cuoc-thi-a")
    assert "Công ty Cơ khí An Khánh" in contest_page.text and f"/sponsors/{sponsor['id']}/logo" in contest_page.text
    assert "10.000.000 đ" in contest_page.text and "Giải Nhất" in contest_page.text

    figures = await dashboard.compute(Period(dt.date(2026, 1, 1), dt.date(2026, 12, 31)))
    row = next(c for c in figures.communes if c["slug"] == "an-khanh")
    assert row["pledged"] == 10_000_000 and row["delivered"] == 0

    delivered = await post_form(
        client, f"/organizer/sponsors/pledges/{pledge['id']}/delivered", {}, page="/organizer/sponsors/"
    )
    assert delivered.status_code == 303
    figures = await dashboard.compute(Period(dt.date(2026, 1, 1), dt.date(2026, 12, 31)))
    row = next(c for c in figures.communes if c["slug"] == "an-khanh")
    assert row["delivered"] == 10_000_000 and figures.city["pledged"] == 10_000_000
    actions = {r["action"] for r in await AuditEvent.select(AuditEvent.action)}
    assert {"sponsor.created", "sponsor.pledged", "sponsor.delivered"} <= actions


async def test_a_logo_that_is_not_an_image_is_refused_beside_the_field(client, setup):
    await login(client, "btc.a@example.com", PASSWORD)
    page = await client.get("/organizer/sponsors/")
    response = await client.post(
        "/organizer/sponsors/",
        data={"name": "HTX Khánh Hội", "kind": "cooperative", "_csrf_token": csrf_from(page.text)},
        files={"logo": ("logo.png", b"%PDF-1.4 not an image", "image/png")},
    )
    assert response.status_code == 400 and 'id="e-logo"' in response.text and 'value="HTX Khánh Hội"' in response.text
    assert await Sponsor.count() == 0


async def test_organizers_act_only_on_their_own_communes_sponsors(app, client, setup):
    await login(client, "btc.a@example.com", PASSWORD)
    await _add_sponsor(client, name="Trường THCS An Khánh", logo=None, kind="school")
    sponsor = await Sponsor.select().first()
    import httpx

    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as other:
        await login(other, "btc.b@example.com", PASSWORD)
        listing = await other.get("/organizer/sponsors/")
        assert "Trường THCS An Khánh" not in listing.text
        refused = await post_form(
            other,
            f"/organizer/sponsors/{sponsor['id']}/pledges",
            {"contest": str(setup["other"]["id"]), "kind": "space", "description": "Phòng"},
            page="/organizer/sponsors/",
        )
        assert refused.status_code == 404
    # A's organizer cannot pledge A's sponsor to B's contest either.
    cross = await post_form(
        client,
        f"/organizer/sponsors/{sponsor['id']}/pledges",
        {"contest": str(setup["other"]["id"]), "kind": "space", "description": "Phòng"},
        page="/organizer/sponsors/",
    )
    assert cross.status_code == 400 and await Pledge.count() == 0
