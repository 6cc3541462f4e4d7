"""Rankings on the organizer's judging page and the published results, through HTTP, when the
judges' sheets do not link every entry (the first days of judging, k = 1), and the ranking method
in the address."""

from __future__ import annotations

import csv
import io

import httpx
import pytest

from accounts.tables import Role
from contest import judging
from contest.tables import Assignment
from tests.conftest import login
from tests.fixtures.judging import assign_all, criteria_ids, in_judging
from tests.support.factories import PASSWORD

pytestmark = pytest.mark.integration


async def score_everything(setup, clock):
    """Every judge submits every assigned sheet; entry i gets better with i."""
    c1, c2 = await criteria_ids(setup)
    for judge in setup["judges"]:
        for a in await Assignment.select().where(Assignment.judge == judge.id):
            quality = setup["ideas"].index(a["idea"])
            await judging.save_sheet(
                a["id"],
                judge_id=judge.id,
                scores={c1: (str(1 + quality % 5), ""), c2: (str(quality + 2), "")},
                overall_comment="",
                submit=True,
                now=clock(),
            )


@pytest.fixture
async def split_round(setup, clock):  # noqa: F811
    """k = 1: each entry has one judge, so the sheets fall into one group per judge."""
    await assign_all(setup, clock, k=1)
    in_judging(clock)
    await score_everything(setup, clock)
    return setup


async def test_results_never_fail_on_separate_groups(split_round):
    results = await judging.results(split_round["round"]["id"])
    assert results["method"] == results["deciding_method"] == "additive"
    assert len(results["ranking"]) == 6 and len(results["groups"]) == 3
    assert sorted(code for group in results["groups"] for code in group) == sorted(
        row["idea"]["code"] for row in results["ranking"]
    )
    assert {row["group"] for row in results["ranking"]} == {1, 2, 3}
    for method in judging.METHODS:
        assert len((await judging.results(split_round["round"]["id"], method=method))["ranking"]) == 6
    with pytest.raises(ValueError):
        await judging.results(split_round["round"]["id"], method="best")


async def test_organizer_page_shows_the_groups_and_what_to_do(app, split_round):
    round_id = split_round["round"]["id"]
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as staff:
        await login(staff, split_round["organizer"].email, PASSWORD)
        page = await staff.get(f"/organizer/rounds/{round_id}/judging/")
        assert page.status_code == 200
        assert 'id="judging-groups"' in page.text
        assert "3 nhóm riêng" in page.text  # the groups, in Vietnamese
        assert "thêm một giám khảo" in page.text  # what the organizer can do
        groups = (await judging.results(round_id))["groups"]
        for number, codes in enumerate(groups, start=1):
            assert f"Nhóm {number}: {', '.join(codes)}" in page.text
        assert 'id="flag-definitions"' in page.text and "không phân biệt được bài nào tốt hơn" in page.text
        english = await staff.get(f"/organizer/rounds/{round_id}/judging/", params={"lang": "en"})
        assert english.status_code == 200
        assert "fall into 3 separate groups" in english.text and "add a judge who scores entries" in english.text
        assert "The entry's interval overlaps that of its neighbour" in english.text


async def test_an_unknown_method_is_refused_not_replaced(app, setup, clock, make_other_user):  # noqa: F811
    await assign_all(setup, clock, k=3)
    in_judging(clock)
    await score_everything(setup, clock)
    round_id = setup["round"]["id"]
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as staff:
        await login(staff, setup["organizer"].email, PASSWORD)
        refused = await staff.get(f"/organizer/rounds/{round_id}/judging/", params={"method": "best<b>"})
        assert refused.status_code == 400
        assert 'id="e-view"' in refused.text and "best&lt;b&gt;" in refused.text
        assert "không phải là một cách xếp hạng" in refused.text
        shown = await staff.get(f"/organizer/rounds/{round_id}/judging/", params={"method": "median"})
        assert shown.status_code == 200 and 'value="median" selected' in shown.text
        assert 'id="judging-groups"' not in shown.text  # k = 3 links every entry
    # An organizer of the other commune learns nothing from this round, method or not.
    stranger = await make_other_user(email="btc-tm@example.com", roles=(Role.organizer,))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as other:
        await login(other, stranger.email, PASSWORD)
        for params in ({}, {"method": "best"}):
            response = await other.get(f"/organizer/rounds/{round_id}/judging/", params=params)
            assert response.status_code in (403, 404)


async def test_published_results_say_which_entries_compare(client, split_round, clock):
    slug = split_round["contest"]["slug"]
    clock.advance(days=40)  # past the results date
    page = await client.get(f"/contests/{slug}/results")
    assert page.status_code == 200
    assert 'id="jury-groups"' in page.text and "3 nhóm riêng" in page.text
    assert 'id="method-why"' in page.text
    body = (await client.get(f"/contests/{slug}/results.json")).json()
    assert len(body["jury_groups"]) == 3
    assert {row["jury_group"] for row in body["ranking"]} == {1, 2, 3}
    for number, codes in enumerate(body["jury_groups"], start=1):
        assert all(row["jury_group"] == number for row in body["ranking"] if row["code"] in codes)
    table = list(
        csv.reader(io.StringIO((await client.get(f"/contests/{slug}/results.csv")).content.decode("utf-8-sig")))
    )
    assert len(table[0]) == 8 and {row[7] for row in table[1:]} == {"1", "2", "3"}


async def test_published_results_of_a_linked_round_have_no_groups(client, setup, clock):  # noqa: F811
    await assign_all(setup, clock, k=3)
    in_judging(clock)
    await score_everything(setup, clock)
    clock.advance(days=40)
    slug = setup["contest"]["slug"]
    page = await client.get(f"/contests/{slug}/results")
    assert page.status_code == 200 and 'id="jury-groups"' not in page.text
    body = (await client.get(f"/contests/{slug}/results.json")).json()
    assert body["jury_groups"] == [] and all(row["jury_group"] is None for row in body["ranking"])
    table = list(
        csv.reader(io.StringIO((await client.get(f"/contests/{slug}/results.csv")).content.decode("utf-8-sig")))
    )
    assert len(table[0]) == 7
