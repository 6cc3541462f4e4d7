"""What goes out by SMS or Zalo: the notices a person opted into, a minor's through the guardian, team
invitations to a phone, the opening of a public vote; with per-contest figures for organizers."""

from __future__ import annotations

import datetime as dt

import pytest

from accounts import messaging, notifications
from accounts.messaging import Caps
from accounts.tables import Notification, OutboxMail, OutboxMessage
from accounts.verification import ConsoleSmsProvider
from contest import progress, services
from contest.tables import Round
from tests.support.factories import complete_form, make_contest

pytestmark = pytest.mark.integration


@pytest.fixture
async def contest(commune, clock):
    return await make_contest(commune=commune, now=clock())


@pytest.fixture
def zalo_too():
    """A deployment where Zalo is configured besides SMS."""
    before = messaging.config()
    messaging.configure(messaging.Config(channels=frozenset({"sms", "zalo"})))
    yield
    messaging.configure(before)


async def test_a_notice_goes_by_the_channels_the_person_chose(app, settings, make_user, contest, clock, zalo_too):
    lan = await make_user(email="lan@example.com", phone="+84912005000")
    binh = await make_user(email="binh@example.com", phone="+84912005001")
    await messaging.set_preferences(lan.id, {"idea_result": ["sms", "zalo"]}, stopped=False, now=clock())

    for person in (lan, binh):
        await notifications.notify(
            person.id,
            kind="idea_shortlisted",
            title="“Lọc nước” vào danh sách chọn",
            link="/ideas/AK-2026-001",
            contest_id=contest["id"],
            now=clock(),
        )

    texts = await OutboxMessage.select().order_by(OutboxMessage.channel)
    assert [(t["user"], t["channel"], t["phone"], t["contest"]) for t in texts] == [
        (lan.id, "sms", "+84912005000", contest["id"]),
        (lan.id, "zalo", "+84912005000", contest["id"]),
    ]
    assert await OutboxMail.count().where(OutboxMail.user == lan.id) == 0  # e-mail not chosen
    assert await OutboxMail.count().where(OutboxMail.user == binh.id) == 1  # the default: e-mail
    assert await Notification.count() == 2  # the web inbox always

    console = ConsoleSmsProvider()
    await messaging.deliver_due({"sms": console}, caps=Caps(), now=clock())
    phone, text = console.sent[-1]
    assert phone == "+84912005000"
    assert text == f"Sáng tạo: “Lọc nước” vào danh sách chọn. Xem tại {settings.base_url}/ideas/AK-2026-001"


async def test_stop_all_leaves_only_the_inbox_but_not_password_resets(make_user, clock):
    lan = await make_user(email="lan@example.com", phone="+84912005002")
    await messaging.set_preferences(lan.id, {"idea_result": ["email", "sms"]}, stopped=True, now=clock())
    await notifications.notify(lan.id, kind="idea_awarded", title="Giải Nhất", link="/ideas/AK-1", now=clock())
    await notifications.notify(lan.id, kind="judge_assigned", title="Bài mới", link="/judge", now=clock())
    assert await OutboxMessage.count() == 0 and await OutboxMail.count() == 0
    assert await Notification.count() == 2
    await notifications.notify(lan.id, kind="password_reset", title="Đặt lại mật khẩu", link="/x", now=clock())
    assert await OutboxMail.count() == 1


async def test_a_minors_texts_go_to_the_guardian(make_user, clock):
    from accounts.tables import User

    young = await make_user(email="", phone="+84912005003", birth_year=clock().year - 14)
    await User.update({User.guardian_name: "Nguyễn Văn Cha", User.guardian_phone: "+84912005099"}).where(
        User.id == young.id
    )
    await messaging.set_preferences(young.id, {"mentoring": ["sms"]}, stopped=False, now=clock())
    await notifications.notify(
        young.id, kind="mentoring_answer", title="Cố vấn đã nhận lời", link="/mentoring", now=clock()
    )
    assert await OutboxMessage.select(OutboxMessage.phone) == [{"phone": "+84912005099"}]


async def test_zalo_is_not_kept_where_it_is_not_configured(make_user, clock):
    lan = await make_user(phone="+84912005004")
    await messaging.set_preferences(lan.id, {"idea_result": ["sms", "zalo"]}, stopped=False, now=clock())
    assert (await messaging.preferences(lan.id))["channels"]["idea_result"] == ["sms"]


async def test_a_team_invitation_to_a_phone_without_an_account_goes_by_sms(app, settings, contest, make_user, clock):
    lead = await make_user(full_name="Trần Thị Lan", birth_year=2004)
    row = await services.contest_by_slug(contest["slug"])
    round_ = (await services.rounds_of(row.id))[0]
    idea_id = await services.create_draft(
        row, round_, complete_form(contest["categories"][0]), user_id=lead.id, now=clock()
    )
    await services.invite(idea_id, "0987 000 111", user_id=lead.id, now=clock())
    await services.invite(idea_id, "newcomer@example.com", user_id=lead.id, now=clock())
    message = await OutboxMessage.select().first()
    assert await OutboxMessage.count() == 1
    assert message["phone"] == "+84987000111" and message["template"] == "team_invitation"
    assert message["contest"] == contest["id"]
    console = ConsoleSmsProvider()
    await messaging.deliver_due({"sms": console}, caps=Caps(), now=clock())
    text = console.sent[-1][1]
    assert text.startswith("Sáng tạo: Trần Thị Lan mời bạn tham gia nhóm ý tưởng “Lọc nước mưa cho thôn Đoài”")
    assert text.endswith(f"Mở {settings.base_url}/my/invitations")

    figures = await messaging.figures(contest_id=contest["id"], costs={"sms": 800, "zalo": 300})
    assert figures["channels"]["sms"]["sent"] == 1 and figures["cost"] == 800


async def test_people_who_asked_hear_when_the_public_vote_opens(contest, make_user, make_other_user, clock):
    lan = await make_user(phone="+84912005005")
    quiet = await make_user(phone="+84912005006")
    far = await make_other_user(phone="+84912005007")
    for person in (lan, far):
        await messaging.set_preferences(person.id, {"vote": ["sms"]}, stopped=False, now=clock())
    await Round.update(
        {Round.vote_opens: clock() - dt.timedelta(hours=2), Round.vote_closes: clock() + dt.timedelta(days=5)}
    ).where(Round.id == contest["round"])

    assert await progress.tell_vote_open(now=clock()) == 1
    assert await progress.tell_vote_open(now=clock()) == 0  # once
    assert await Notification.select(Notification.user, Notification.kind) == [{"user": lan.id, "kind": "vote_open"}]
    assert await OutboxMessage.select(OutboxMessage.user, OutboxMessage.phone) == [
        {"user": lan.id, "phone": "+84912005005"}
    ]
    assert quiet.id != far.id
