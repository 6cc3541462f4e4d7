"""Organizers see the public vote's signals and can void a vote, but never which named person voted
for what: not on their vote page, not in their exports, not in the published log or results, and
not in the admin (the vote tables are not served there at all)."""

from __future__ import annotations

import io
import zipfile

import pytest

from accounts.tables import Role
from contest.tables import Vote
from tests.conftest import admin_login, login
from tests.fixtures.voting import KEY, verified
from tests.support.factories import PASSWORD

pytestmark = pytest.mark.integration

NAME, EMAIL, PHONE = "Phạm Thị Bí Mật", "bimat@example.com", "+84912777888"
VOTE_TABLES = {"vote", "vote_ballot", "vote_log", "vote_count", "vote_chain"}


def _readable(response) -> str:
    """The text of a page or a download (an Excel file is a zip of XML parts)."""
    if response.content[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
            return "".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist())
    return response.text


def _names_nobody(text: str) -> bool:
    return all(part not in text for part in (NAME, EMAIL, PHONE, "0912777888", "0912 777 888"))


async def test_no_organizer_view_or_download_names_a_voter(client, vote_round, make_user, clock):  # noqa: F811
    from contest import voting

    voter = await verified(make_user, full_name=NAME, email=EMAIL, phone=PHONE)
    rid, slug = vote_round["round"]["id"], vote_round["contest"]["slug"]
    await voting.cast(rid, vote_round["ideas"][0], voter_id=voter.id, now=clock(), alias_key=KEY)
    receipt = (await Vote.select(Vote.receipt).first())["receipt"]
    await make_user(email="nhung@example.com", roles=(Role.organizer,))
    assert (await login(client, "nhung@example.com", PASSWORD)).status_code == 303

    seen = []
    for url in (
        f"/organizer/rounds/{rid}/vote/",
        f"/organizer/contests/{slug}/export.csv",
        f"/organizer/contests/{slug}/export.xlsx",
        f"/organizer/contests/{slug}",
    ):
        response = await client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        seen.append((url, _readable(response)))
    assert receipt in seen[0][1]  # the vote is there to be voided, by its receipt
    clock.advance(days=30)  # the vote has closed and the results are out: the log and results are published
    for url in (
        f"/contests/{slug}/vote-log.csv",
        f"/contests/{slug}/vote-log.json",
        f"/contests/{slug}/results",
        f"/contests/{slug}/results.csv",
        f"/contests/{slug}/results.json",
    ):
        response = await client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        seen.append((url, _readable(response)))
    assert [url for url, text in seen if not _names_nobody(text)] == []

    # The admin does not serve the vote tables, to organizers nor to platform admins.
    await make_user(email="admin@example.com", roles=(Role.admin,))
    for who in ("nhung@example.com", "admin@example.com"):
        assert (await admin_login(client, who, PASSWORD)).status_code in (200, 303)
        listed = set((await client.get("/admin/api/tables/")).json())
        assert listed and not listed & VOTE_TABLES, who
        for table in VOTE_TABLES:
            assert (await client.get(f"/admin/api/tables/{table}/")).status_code in (403, 404), (who, table)
