"""Voting, results, the vote log and resident verification through HTTP."""

from __future__ import annotations

import re

import pytest

from accounts.tables import AuditEvent, Role, User
from contest import voting
from contest.tables import Award, Vote
from tests.conftest import csrf_from, login, post_form
from tests.fixtures.voting import verified
from tests.support.factories import PASSWORD

pytestmark = pytest.mark.integration


async def test_vote_without_javascript_shows_receipt_and_votes_left(client, vote_round, make_user):  # noqa: F811
    voter = await verified(make_user, email="binh@example.com")
    await login(client, "binh@example.com", PASSWORD)
    slug = vote_round["contest"]["slug"]
    page = await client.get(f"/contests/{slug}/vote")
    assert "Bạn còn 3 phiếu" in page.text
    code = re.search(r'id="idea-([A-Z]+-\d{4}-\d{3})"', page.text).group(1)
    response = await client.post(f"/contests/{slug}/vote/{code}", data={"_csrf_token": csrf_from(page.text)})
    assert response.status_code == 303
    page = await client.get(response.headers["location"])
    receipt = (await Vote.select(Vote.receipt).where(Vote.voter == voter.id).first())["receipt"]
    assert receipt in page.text and "Bạn còn 2 phiếu" in page.text
    again = await client.post(
        f"/contests/{slug}/vote/{code}",
        data={"_csrf_token": csrf_from(page.text)},
        headers={"Accept": "application/json"},
    )
    assert again.status_code == 409 and "đã bình chọn" in again.json()["message"]
    # "Already voted" is a field of its own, whatever the language of the message.
    assert again.json()["voted"] is True and again.json()["ok"] is False
    assert await Vote.count() == 1


async def test_unverified_people_are_told_how_to_verify(client, vote_round, make_user):  # noqa: F811
    await make_user(email="chua@example.com")
    await login(client, "chua@example.com", PASSWORD)
    page = await client.get(f"/contests/{vote_round['contest']['slug']}/vote")
    assert 'href="/account/verify"' in page.text and "data-vote" not in page.text


async def test_vote_log_and_results_after_close(client, vote_round, make_user, clock):  # noqa: F811
    slug = vote_round["contest"]["slug"]
    assert (await client.get(f"/contests/{slug}/vote-log.csv")).status_code == 404  # not before the close
    for i in range(3):
        voter = await verified(make_user)
        await voting.cast(
            vote_round["round"]["id"],
            vote_round["ideas"][i % 2],
            voter_id=voter.id,
            now=clock(),
            alias_key=b"vote-alias:test-secret-key-that-is-long-enough-0123456789",
        )
    await Award(contest=vote_round["contest"]["id"], name="Giải bình chọn", position=1, basis="public", rank=1).save()
    clock.advance(days=10)  # the vote has closed and results are out
    log = await client.get(f"/contests/{slug}/vote-log.csv")
    assert log.status_code == 200 and log.content.startswith(b"\xef\xbb\xbf")
    assert log.headers["content-type"] == "text/csv; charset=utf-8"
    check = voting.verify_log(voting.parse_log(log.content))
    assert check["ok"] and sum(check["totals"].values()) == 3
    data = (await client.get(f"/contests/{slug}/vote-log.json")).json()
    assert data["head_hash"] == check["head"]
    results = await client.get(f"/contests/{slug}/results")
    assert "Giải bình chọn" in results.text
    assert "không có ban giám khảo chấm điểm" in results.text  # no score sheets: the public vote decides
    assert (await client.get(f"/contests/{slug}/results.csv")).content.startswith(b"\xef\xbb\xbf")
    body = (await client.get(f"/contests/{slug}/results.json")).json()
    assert body["alpha"] == 0.0 and body["ranking"][0]["votes"] == 2
    award = await Award.select(Award.id).first()
    certificate = await client.get(f"/contests/{slug}/awards/{award['id']}/certificate")
    assert certificate.status_code == 200 and "Giải bình chọn" in certificate.text


async def test_qr_poster_links_to_the_stable_address(client, vote_round, settings):  # noqa: F811
    from contest.services import idea_row

    code = (await idea_row(vote_round["ideas"][0]))["code"]
    page = await client.get(f"/ideas/{code}/poster")
    assert page.status_code == 200 and "<svg" in page.text and f"{settings.base_url}/ideas/{code}" in page.text


async def test_resident_list_import_and_office_verification(app, client, commune, make_user):
    organizer = await make_user(email="nhung@example.com", roles=(Role.organizer,))
    later = await make_user(email="lan@example.com", full_name="Nguyễn Thị Lan", birth_year=1990)
    office = await make_user(email="hoa@example.com", full_name="Trần Thị Hoa")
    await login(client, organizer.email, PASSWORD)
    page = await client.get("/organizer/residents/")
    csv = "Họ tên,Năm sinh,Thôn,Số điện thoại\nNguyễn Thị Lan,1990,Thôn An Lạc,\nLê Văn Tám,abc,,\n".encode()
    response = await client.post(
        "/organizer/residents/import",
        data={"_csrf_token": csrf_from(page.text)},
        files={"file": ("dan-cu.csv", csv, "text/csv")},
    )
    assert response.status_code == 303
    assert (await User.select(User.verified_resident).where(User.id == later.id).first())["verified_resident"]
    page = await client.get("/organizer/residents/", params={"q": "tran thi hoa"})
    assert "Trần Thị Hoa" in page.text
    response = await client.post(f"/organizer/residents/{office.id}/verify", data={"_csrf_token": csrf_from(page.text)})
    assert response.status_code == 303
    row = (
        await User.select(User.verified_resident, User.verified_method, User.verified_by)
        .where(User.id == office.id)
        .first()
    )
    assert row == {"verified_resident": True, "verified_method": "office", "verified_by": organizer.id}
    assert await AuditEvent.exists().where(AuditEvent.action == "resident.verified")


async def test_verify_by_phone_code(app, client, commune, make_user, clock):
    from accounts.tables import ResidentRecord

    listed = ResidentRecord(
        commune=commune["id"], name_key="tran van binh", birth_year=1985, phone="+84912000222", imported_at=clock()
    )
    await listed.save()
    await make_user(email="", phone="+84912000222")
    await login(client, "0912 000 222", PASSWORD)
    page = await client.get("/account/verify")
    await client.post("/account/verify/send", data={"_csrf_token": csrf_from(page.text)})
    sms = app.state.ctx.sms.sent[-1]
    code = re.search(r"\b(\d{6})\b", sms[1]).group(1)
    wrong = await post_form(
        client, "/account/verify/check", {"code": "000000" if code != "000000" else "111111"}, page="/account/verify"
    )
    assert wrong.status_code == 400
    right = await post_form(client, "/account/verify/check", {"code": code}, page="/account/verify")
    assert right.status_code == 303
    row = await User.select(User.verified_method, User.resident).where(User.phone == "+84912000222").first()
    assert row == {"verified_method": "phone_code", "resident": listed.id}
    page = await client.get("/account/verify")
    assert "Bạn là người dân đã xác minh" in page.text


async def test_deleting_the_account_and_registering_again_gives_no_more_votes(app, client, vote_round, commune, clock):  # noqa: F811
    from accounts.tables import ResidentRecord
    from contest.tables import Ballot

    # On the list with this phone (the list spells the name differently, so the phone code verifies).
    record = ResidentRecord(
        commune=commune["id"], name_key="hoang v nam", birth_year=1988, phone="+84912000999", imported_at=clock()
    )
    await record.save()
    form = {
        "full_name": "Hoàng Văn Nam",
        "phone": "0912 000 999",
        "email": "",
        "birth_year": "1988",
        "hamlet_id": str(commune["hamlets"][0]),
        "password": "đồng-lúa-xanh-2026",
        "accept_terms": "on",
        "accept_privacy": "on",
    }

    async def register_and_verify() -> int:
        assert (await post_form(client, "/register", form)).status_code == 303
        page = await client.get("/account/verify")
        await client.post("/account/verify/send", data={"_csrf_token": csrf_from(page.text)})
        code = re.search(r"\b(\d{6})\b", app.state.ctx.sms.sent[-1][1]).group(1)
        assert (
            await post_form(client, "/account/verify/check", {"code": code}, page="/account/verify")
        ).status_code == 303
        row = await User.select(User.id, User.resident).where(User.phone == "+84912000999").first()
        assert row["resident"] == record.id
        return row["id"]

    slug = vote_round["contest"]["slug"]

    async def vote(code: str):
        page = await client.get(f"/contests/{slug}/vote")
        return await client.post(
            f"/contests/{slug}/vote/{code}",
            data={"_csrf_token": csrf_from(page.text)},
            headers={"Accept": "application/json"},
        )

    first = await register_and_verify()
    codes = re.findall(r'id="idea-([A-Z]+-\d{4}-\d{3})"', (await client.get(f"/contests/{slug}/vote")).text)
    for code in codes[:3]:
        assert (await vote(code)).json()["ok"]
    assert (
        await post_form(client, "/account/delete", {"password": form["password"], "confirm": "on"})
    ).status_code == 303
    second = await register_and_verify()
    assert second != first
    # The vote page counts the person's ballot, not the new account's own votes.
    page = await client.get(f"/contests/{slug}/vote")
    assert "Bạn còn 0 phiếu" in page.text
    refused = await vote(codes[3])
    assert refused.status_code == 409 and "dùng hết 3 phiếu" in refused.json()["message"]
    again = await vote(codes[0])  # an idea the deleted account voted for: still no vote left
    assert again.status_code == 409
    assert await Vote.count().where(Vote.voided == False) == 3  # noqa: E712
    assert await Ballot.select(Ballot.resident, Ballot.used) == [{"resident": record.id, "used": 3}]


async def test_a_code_for_a_phone_on_no_resident_list_is_refused(app, client, make_user):
    from accounts.tables import OutboxMessage

    await make_user(email="", phone="+84912000321")
    await login(client, "0912 000 321", PASSWORD)
    page = await client.get("/account/verify")
    before = len(app.state.ctx.sms.sent)  # the app (and its console) is shared by the run's tests
    response = await client.post("/account/verify/send", data={"_csrf_token": csrf_from(page.text)})
    assert response.status_code == 303
    page = await client.get(response.headers["location"])
    assert "không có trong danh sách cư dân" in page.text
    assert len(app.state.ctx.sms.sent) == before and await OutboxMessage.count() == 0
    row = await User.select(User.verified_resident, User.resident).where(User.phone == "+84912000321").first()
    assert row == {"verified_resident": False, "resident": None}
