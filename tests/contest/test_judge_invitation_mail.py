"""A judge invited by e-mail before having an account is told by mail; one with an account in the app."""

from __future__ import annotations

import pytest

from accounts.scope import PLATFORM
from accounts.tables import Notification, OutboxMail, Role
from contest import judging, services
from tests.support.factories import make_contest

pytestmark = pytest.mark.integration


@pytest.fixture
async def round_id(commune, clock):
    contest = await make_contest(commune=commune, now=clock())
    row = await services.contest_by_slug(contest["slug"])
    return (await services.rounds_of(row.id))[0]["id"], row.title


async def test_an_address_without_an_account_gets_the_invitation_by_mail(round_id, make_user, clock):
    rid, title = round_id
    organizer = await make_user(roles=(Role.organizer,))
    await judging.add_judge(
        rid, "Giam.Khao.Moi@Example.com", expertise=[], actor_id=organizer.id, now=clock(), scope=PLATFORM
    )
    mail = await OutboxMail.select().where(OutboxMail.to_address == "giam.khao.moi@example.com")
    assert len(mail) == 1 and mail[0]["status"] == "queued"
    assert mail[0]["subject"] == f"Bạn được mời làm giám khảo cuộc thi “{title}”"
    assert "Đăng ký hoặc đăng nhập bằng địa chỉ email này" in mail[0]["body"]
    assert mail[0]["body"].rstrip().endswith("/judge")
    assert await Notification.count() == 0

    # She signs up with that address and finds the invitation on her judge page.
    judge = await make_user(email="giam.khao.moi@example.com")
    assert [m.round for m in await judging.panel_invitations(judge.id)] == [rid]


async def test_a_phone_without_an_account_gets_no_mail(round_id, make_user, clock):
    rid, _ = round_id
    organizer = await make_user(roles=(Role.organizer,))
    await judging.add_judge(rid, "0912 777 888", expertise=[], actor_id=organizer.id, now=clock(), scope=PLATFORM)
    assert await OutboxMail.count() == 0


async def test_an_account_is_told_in_the_app_and_by_mail_once(round_id, make_user, clock):
    rid, title = round_id
    organizer = await make_user(roles=(Role.organizer,))
    judge = await make_user(email="gk@example.com")
    await judging.add_judge(rid, "gk@example.com", expertise=[], actor_id=organizer.id, now=clock(), scope=PLATFORM)
    assert await Notification.count().where(Notification.user == judge.id) == 1
    assert await OutboxMail.count().where(OutboxMail.to_address == "gk@example.com") == 1
