"""Setting up a commune from the command line: the commune with its hamlets, and its organizer (audited)."""

from __future__ import annotations

import pytest

from accounts import communes
from accounts.errors import AccountError
from accounts.rules import is_organizer
from accounts.services import load_principal
from accounts.tables import AuditEvent, Commune, Hamlet, RoleGrant

pytestmark = pytest.mark.integration


async def test_a_commune_is_created_with_its_hamlets_once(db, clock):
    commune_id, created = await communes.create_commune(
        "binh-an", "Xã Bình An", "ba", ["Thôn Đông", " Thôn Tây ", ""], now=clock()
    )
    assert created
    row = await Commune.select().where(Commune.id == commune_id).first()
    assert (row["slug"], row["name"], row["code"]) == ("binh-an", "Xã Bình An", "BA")
    # Again: the same commune, only the missing hamlet is added.
    again, created = await communes.create_commune("binh-an", "Xã Bình An", "BA", ["Thôn Tây", "Thôn Nam"], now=clock())
    assert (again, created) == (commune_id, False)
    names = [
        h["name"]
        for h in await Hamlet.select(Hamlet.name).where(Hamlet.commune == commune_id).order_by(Hamlet.sort_order)
    ]
    assert names == ["Thôn Đông", "Thôn Tây", "Thôn Nam"]
    actions = [
        e["action"]
        for e in await AuditEvent.select(AuditEvent.action)
        .where(AuditEvent.target_type == "commune")
        .order_by(AuditEvent.seq)
    ]
    assert actions == ["commune.created", "commune.hamlets_added"]


@pytest.mark.parametrize(
    ("slug", "name", "code", "field"),
    [
        ("Bình An", "Xã Bình An", "BA", "slug"),
        ("binh-an", "  ", "BA", "name"),
        ("binh-an", "Xã Bình An", "B1", "code"),
        ("binh-an-2", "Xã Bình An", "AK", "code"),  # AK is the other commune's code
    ],
)
async def test_a_wrong_commune_is_refused_and_nothing_is_saved(commune, clock, slug, name, code, field):
    before = await Commune.count()
    with pytest.raises(AccountError) as refused:
        await communes.create_commune(slug, name, code, ["Thôn Đông"], now=clock())
    assert refused.value.field == field
    assert await Commune.count() == before


async def test_an_account_is_made_organizer_of_that_commune_only(make_user, commune, other_commune, clock):
    user = await make_user(email="canbo@example.com")
    user_id, granted = await communes.grant_organizer("canbo@example.com", "tan-minh", now=clock())
    assert (user_id, granted) == (user.id, True)
    principal = await load_principal(user.id)
    assert is_organizer(principal, other_commune["id"]) and not is_organizer(principal, commune["id"])
    assert (await communes.grant_organizer("CanBo@Example.com", "tan-minh", now=clock()))[1] is False
    assert await RoleGrant.count().where(RoleGrant.user == user.id) == 1
    event = await AuditEvent.select().where(AuditEvent.action == "role.granted").first()
    assert event["target_id"] == str(user.id) and event["commune"] == other_commune["id"]


async def test_granting_needs_an_existing_account_and_commune(make_user, commune, clock):
    await make_user(email="canbo@example.com")
    with pytest.raises(AccountError) as refused:
        await communes.grant_organizer("ai.do@example.com", "an-khanh", now=clock())
    assert refused.value.field == "identifier"
    with pytest.raises(AccountError) as refused:
        await communes.grant_organizer("canbo@example.com", "khong-co", now=clock())
    assert refused.value.field == "commune"
    assert await RoleGrant.count() == 0
