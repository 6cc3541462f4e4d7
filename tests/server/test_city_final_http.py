"""The city final's pages as people use them: a commune organizer nominates from the commune's published
results, the team lead confirms and shares comments, the city organizer sees every commune's
nominations, commune organizers see only their own, and public pages name each finalist's commune."""

from __future__ import annotations

import pytest

from city.final_tables import Nomination
from contest.tables import Idea
from tests.conftest import login, post_form
from tests.support.city_final import city_final, published_commune
from tests.support.factories import PASSWORD

pytestmark = pytest.mark.integration


@pytest.fixture
async def world(commune, other_commune, clock):
    now = clock()
    return {
        "a": await published_commune(commune, now, tag="ak"),
        "b": await published_commune(other_commune, now, tag="tm"),
        "city": await city_final(now, city_commune=commune),
    }


async def test_a_commune_organizer_nominates_and_the_team_confirms(client, world):
    a, b, city = world["a"], world["b"], world["city"]
    final_url = f"/organizer/city-final/{city['final']}"
    await login(client, a["organizer"].email, PASSWORD)
    page = await client.get(final_url)
    assert page.status_code == 200
    assert "AK-2026-001" in page.text and "TM-2026-001" not in page.text
    empty = await post_form(client, f"{final_url}/nominations", {"note": "Ghi chú giữ lại"}, page=final_url)
    assert empty.status_code == 400 and "Hãy chọn ý tưởng để đề cử" in empty.text and "Ghi chú giữ lại" in empty.text
    # A real id of the other commune's idea is not found, and nothing is written.
    probe = await post_form(client, f"{final_url}/nominations", {"idea": str(b["ideas"][0])}, page=final_url)
    assert probe.status_code == 404 and await Nomination.count() == 0
    done = await post_form(client, f"{final_url}/nominations", {"idea": str(a["ideas"][0])}, page=final_url)
    assert done.status_code == 303
    nomination = await Nomination.select().first()
    assert nomination["idea"] == a["ideas"][0]
    progress = await client.get("/organizer/city-final/")
    assert "Chờ nhóm trả lời" in progress.text and "AK-2026-001" in progress.text
    await client.post("/logout", data={"_csrf_token": ""})

    client.cookies.clear()
    await login(client, a["leads"][0].email, PASSWORD)
    url = f"/my/city-nominations/{nomination['id']}"
    page = await client.get(url)
    assert page.status_code == 200 and "Nhận xét 0 cho ý tưởng ak 0" in page.text
    assert "Nhận xét 1 cho ý tưởng ak 0" not in page.text  # not released to the team
    no_answer = await post_form(client, url, {}, page=url)
    assert no_answer.status_code == 400
    shared = str(a["sheets"][0])
    confirmed = await post_form(client, url, {"answer": "confirm", "shared": shared}, page=url)
    assert confirmed.status_code == 303
    entry = await Idea.select().where(Idea.contest == city["contest"]).first()
    assert entry["code"].startswith("HP-")
    public = await client.get(f"/ideas/{entry['code']}")
    assert public.status_code == 200
    assert (
        "Xã An Khánh" in public.text and "AK-2026-001" in public.text and "Nhận xét 0 cho ý tưởng ak 0" in public.text
    )
    gallery = await client.get("/contests/chung-ket-thanh-pho/ideas")
    assert gallery.status_code == 200 and "Xã An Khánh" in gallery.text


async def test_only_the_lead_opens_a_nomination(client, world):
    a = world["a"]
    from accounts.scope import Scope
    from city import final

    nomination_id = await final.nominate(
        world["city"]["final"],
        a["ideas"][0],
        actor_id=a["organizer"].id,
        now=a["leads"][0].created_at,
        scope=Scope.of_communes(a["commune"]),
    )
    for stranger in (a["leads"][1], world["b"]["leads"][0], a["organizer"]):
        client.cookies.clear()
        await login(client, stranger.email, PASSWORD)
        url = f"/my/city-nominations/{nomination_id}"
        assert (await client.get(url)).status_code == 404
        answer = await post_form(client, url, {"answer": "decline"}, page="/my/city-nominations/")
        assert answer.status_code == 404
    status = (await Nomination.select(Nomination.status).where(Nomination.id == nomination_id).first())["status"]
    assert status == "pending"


async def test_the_city_sees_every_commune_and_a_commune_only_its_own(client, world):
    a, b, city = world["a"], world["b"], world["city"]
    from accounts.scope import Scope
    from city import final

    for side in (a, b):
        await final.nominate(
            city["final"],
            side["ideas"][0],
            actor_id=side["organizer"].id,
            now=side["leads"][0].created_at,
            scope=Scope.of_communes(side["commune"]),
        )
    entries_url = f"/organizer/city-final/{city['final']}/entries"
    await login(client, city["organizer"].email, PASSWORD)
    page = await client.get(entries_url)
    assert page.status_code == 200 and "Xã An Khánh" in page.text and "Xã Tân Minh" in page.text
    saved = await post_form(
        client, f"/organizer/city-final/{city['final']}/limit", {"per_commune": "4"}, page=entries_url
    )
    assert saved.status_code == 303
    client.cookies.clear()
    await login(client, b["organizer"].email, PASSWORD)
    assert (await client.get(entries_url)).status_code == 404
    refused = await post_form(
        client, f"/organizer/city-final/{city['final']}/limit", {"per_commune": "9"}, page="/organizer/city-final/"
    )
    assert refused.status_code == 404
    progress = await client.get("/organizer/city-final/")
    assert "TM-2026-001" in progress.text and "AK-2026-001" not in progress.text


async def test_the_final_results_name_each_finalists_commune(client, world, clock):

    from accounts.scope import Scope
    from city import final
    from contest.tables import ScoreSheet

    city, now = world["city"], clock()
    for n, side in enumerate((world["a"], world["b"])):
        nomination_id = await final.nominate(
            city["final"],
            side["ideas"][0],
            actor_id=side["organizer"].id,
            now=now,
            scope=Scope.of_communes(side["commune"]),
        )
        entry = await final.respond(nomination_id, user_id=side["leads"][0].id, accept=True, shared=[], now=now)
        judge = world["b" if n == 0 else "a"]["judges"][0]
        await ScoreSheet(
            round=city["round"],
            judge=judge.id,
            idea=entry,
            status="submitted",
            total=80.0 - n,
            updated_at=now,
            submitted_at=now,
        ).save()
    clock.advance(days=21)
    page = await client.get("/contests/chung-ket-thanh-pho/results")
    assert page.status_code == 200
    assert "(từ Xã An Khánh)" in page.text and "(từ Xã Tân Minh)" in page.text
