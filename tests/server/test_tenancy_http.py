"""Tenancy through HTTP, on both engines: an organizer of commune A who sends a REAL id of commune
B's object to any scoped organizer route gets "not found" and B's rows stay exactly as they were;
the same request on A's own object works. Judges reach only their own assignments. The organizer's
vote page never shows who voted."""

from __future__ import annotations

import pytest

from accounts.tables import User
from contest import voting
from contest.tables import Round, Vote
from tests.conftest import csrf_from, login
from tests.support.factories import PASSWORD
from tests.support.tenancy import snapshot, two_communes

pytestmark = pytest.mark.integration


@pytest.fixture
async def two(commune, other_commune, make_user, make_other_user, clock):
    return await two_communes(commune, other_commune, make_user, make_other_user, clock())


async def signed_in(client, world) -> str:
    """Sign in as the world's organizer; returns a CSRF token for the forms."""
    assert (await login(client, world["organizer"].email, PASSWORD)).status_code == 303
    page = await client.get(f"/organizer/rounds/{world['round']}/vote/")
    assert page.status_code == 200
    return csrf_from(page.text)


# (method, url for (own world, target world), form for the target world). The URL keeps the
# organizer's OWN round where a route has one: the object id is what points elsewhere.
SIX = {
    "void a vote": (
        "POST",
        lambda w, x: f"/organizer/rounds/{w['round']}/vote/votes/{x['votes'][0]}/void",
        lambda x: {"reason": "Phiếu trùng"},
    ),
    "move an assignment": (
        "POST",
        lambda w, x: f"/organizer/rounds/{w['round']}/judging/assignments/{x['assignments'][0]}/move",
        lambda x: {"judge": str(x["judges"][2].id)},
    ),
    "incubation pipeline": (
        "POST",
        lambda w, x: f"/organizer/mentoring/pipeline/{x['ideas'][2]}",
        lambda x: {"stage": "prototype", "gate": ["problem_checked", "team_formed"]},
    ),
    "publish a matching run": ("POST", lambda w, x: f"/organizer/mentoring/runs/{x['run']}/publish", lambda x: {}),
    "edit a matching proposal": (
        "POST",
        lambda w, x: f"/organizer/mentoring/proposals/{x['proposals'][0]}",
        lambda x: {"mentor": ""},
    ),
    "workshop attendance": (
        "POST",
        lambda w, x: f"/workshops/{x['workshop']}/attendance",
        lambda x: {"present": [str(x["registrations"][0])]},
    ),
}
OTHERS = {
    "contest page": ("GET", lambda w, x: f"/organizer/contests/{x['contest']['slug']}", None),
    "export csv": ("GET", lambda w, x: f"/organizer/contests/{x['contest']['slug']}/export.csv", None),
    "export xlsx": ("GET", lambda w, x: f"/organizer/contests/{x['contest']['slug']}/export.xlsx", None),
    "publish a contest": (
        "POST",
        lambda w, x: f"/organizer/contests/{x['contest']['slug']}/publish",
        lambda x: {"published": "0"},
    ),
    "extend the deadline": (
        "POST",
        lambda w, x: f"/organizer/rounds/{x['round']}/extend",
        lambda x: {"phase": "submission", "new_end": "31/12/2026 17:00", "confirm": "1"},
    ),
    "revisions": ("GET", lambda w, x: f"/organizer/ideas/{x['ideas'][0]}/revisions", None),
    "hide an idea": ("POST", lambda w, x: f"/organizer/ideas/{x['ideas'][1]}/hide", lambda x: {"reason": "Trùng lặp"}),
    "unhide an idea": ("POST", lambda w, x: f"/organizer/ideas/{x['ideas'][3]}/unhide", lambda x: {}),
    "judging page": ("GET", lambda w, x: f"/organizer/rounds/{x['round']}/judging/", None),
    "add a judge": (
        "POST",
        lambda w, x: f"/organizer/rounds/{x['round']}/judging/judges",
        lambda x: {"contact": "giamkhao-moi@example.com"},
    ),
    "judging settings": (
        "POST",
        lambda w, x: f"/organizer/rounds/{x['round']}/judging/settings",
        lambda x: {
            "judges_per_entry": "2",
            "min_per_judge": "0",
            "max_per_judge": "",
            "anchors": "0",
            "method": "mean",
        },
    ),
    "run the assignment": ("POST", lambda w, x: f"/organizer/rounds/{x['round']}/judging/assign", lambda x: {}),
    "lock the assignments": (
        "POST",
        lambda w, x: f"/organizer/rounds/{x['round']}/judging/lock",
        lambda x: {"locked": "1"},
    ),
    "reopen scoring": (
        "POST",
        lambda w, x: f"/organizer/rounds/{x['round']}/judging/reopen",
        lambda x: {"reason": "Chấm lại", "hours": "24"},
    ),
    "shortlist": (
        "POST",
        lambda w, x: f"/organizer/rounds/{x['round']}/judging/shortlist",
        lambda x: {"ideas": [str(x["ideas"][0])], "reason": "Vào vòng sau"},
    ),
    "release comments (other round)": (
        "POST",
        lambda w, x: f"/organizer/rounds/{x['round']}/judging/sheets/{x['sheet']}/release",
        lambda x: {"release": "1"},
    ),
    "release comments (own round)": (
        "POST",
        lambda w, x: f"/organizer/rounds/{w['round']}/judging/sheets/{x['sheet']}/release",
        lambda x: {"release": "1"},
    ),
    "vote page": ("GET", lambda w, x: f"/organizer/rounds/{x['round']}/vote/", None),
    "vote rules": (
        "POST",
        lambda w, x: f"/organizer/rounds/{x['round']}/vote/rules",
        lambda x: {"votes_per_voter": "5", "jury_weight": "0,5", "live_tally": "on"},
    ),
    "void a vote (other round)": (
        "POST",
        lambda w, x: f"/organizer/rounds/{x['round']}/vote/votes/{x['votes'][1]}/void",
        lambda x: {"reason": "Phiếu trùng"},
    ),
    "verify a resident": ("POST", lambda w, x: f"/organizer/residents/{x['voters'][0].id}/verify", lambda x: {}),
}
ALL = {**SIX, **OTHERS}


async def _send(client, token, method, url, data):
    if method == "GET":
        return await client.get(url)
    return await client.post(url, data={**data, "_csrf_token": token})


@pytest.mark.parametrize("action", list(ALL))
async def test_an_organizer_of_a_gets_not_found_for_b_objects(client, two, action):
    a, b = two
    token = await signed_in(client, a)
    before = await snapshot(b)
    verified_before = (
        await User.select(User.id, User.verified_resident).where(User.commune == b["commune"]).order_by(User.id)
    )
    method, url, form = ALL[action]
    response = await _send(client, token, method, url(a, b), form(b) if form else {})
    assert response.status_code == 404, (action, response.status_code)
    assert "text/csv" not in response.headers.get("content-type", "")
    assert "spreadsheetml" not in response.headers.get("content-type", "")
    assert "Ý tưởng b" not in response.text and "Nhận xét b" not in response.text
    assert await snapshot(b) == before
    assert (
        await User.select(User.id, User.verified_resident).where(User.commune == b["commune"]).order_by(User.id)
        == verified_before
    )


OWN = {
    name: ALL[name]
    for name in (
        *SIX,
        "publish a contest",
        "extend the deadline",
        "hide an idea",
        "unhide an idea",
        "add a judge",
        "judging settings",
        "lock the assignments",
        "reopen scoring",
        "shortlist",
        "release comments (own round)",
        "vote rules",
    )
}


@pytest.mark.parametrize("action", list(OWN))
async def test_the_same_request_works_on_the_organizers_own_commune(client, two, action):
    a, b = two
    token = await signed_in(client, a)
    before_a, before_b = await snapshot(a), await snapshot(b)
    method, url, form = OWN[action]
    response = await _send(client, token, method, url(a, a), form(a) if form else {})
    assert response.status_code == 303, (action, response.status_code)
    assert await snapshot(a) != before_a
    assert await snapshot(b) == before_b


@pytest.mark.parametrize(
    "name", ["contest page", "export csv", "export xlsx", "revisions", "judging page", "vote page"]
)
async def test_own_pages_open(client, two, name):
    a, _ = two
    await signed_in(client, a)
    _, url, _ = OTHERS[name]
    response = await client.get(url(a, a))
    assert response.status_code == 200


async def test_own_void_marks_the_vote_with_the_reason(client, two):
    a, b = two
    token = await signed_in(client, a)
    response = await client.post(
        f"/organizer/rounds/{a['round']}/vote/votes/{a['votes'][0]}/void",
        data={"reason": "Tài khoản giả", "_csrf_token": token},
    )
    assert response.status_code == 303
    vote = await Vote.select(Vote.voided, Vote.void_reason, Vote.voided_by).where(Vote.id == a["votes"][0]).first()
    assert vote == {"voided": True, "void_reason": "Tài khoản giả", "voided_by": a["organizer"].id}
    assert not (await Vote.select(Vote.voided).where(Vote.id == b["votes"][0]).first())["voided"]


async def test_the_vote_page_shows_aliases_and_signals_never_names(client, two, settings):
    a, _ = two
    await signed_in(client, a)
    page = await client.get(f"/organizer/rounds/{a['round']}/vote/")
    assert page.status_code == 200
    contest_a = (await Round.select(Round.contest).where(Round.id == a["round"]).first())["contest"]
    key = ("vote-alias:" + settings.secret_key).encode()
    for voter in a["voters"]:
        row = await User.select(User.full_name, User.email, User.phone).where(User.id == voter.id).first()
        assert row["full_name"] not in page.text and row["email"] not in page.text
        assert voting.voter_alias(key, contest_a, voter.id) in page.text
    receipts = [r["receipt"] for r in await Vote.select(Vote.receipt).where(Vote.round == a["round"])]
    assert all(receipt in page.text for receipt in receipts)
    assert "Dấu hiệu cần kiểm tra" in page.text  # the anomaly signals stay


async def test_workshop_registrants_are_named_only_to_its_communes_organizers(client, two):
    a, b = two
    await signed_in(client, a)
    names_b = [(await User.select(User.full_name).where(User.id == p.id).first())["full_name"] for p in b["attendees"]]
    names_a = [(await User.select(User.full_name).where(User.id == p.id).first())["full_name"] for p in a["attendees"]]
    other = await client.get(f"/workshops/{b['workshop']}")
    assert other.status_code == 200 and not any(name in other.text for name in names_b)
    assert f'action="/workshops/{b["workshop"]}/attendance"' not in other.text
    own = await client.get(f"/workshops/{a['workshop']}")
    assert all(name in own.text for name in names_a)


async def test_mentoring_board_and_exports_hold_only_the_organizers_commune(client, two):
    a, b = two
    await signed_in(client, a)
    page = await client.get("/organizer/mentoring/")
    assert page.status_code == 200 and "Ý tưởng a 2" in page.text and "Ý tưởng b 2" not in page.text
    export = await client.get("/organizer/mentoring/pipeline.csv")
    text = export.content.decode("utf-8-sig")
    assert "Ý tưởng a 2" in text and "Ý tưởng b 2" not in text


async def test_a_judge_reaches_only_their_own_assignments(client, two):
    a, b = two
    judge = a["judges"][0]
    assert (await login(client, judge.email, PASSWORD)).status_code == 303
    own = await client.get(f"/judge/assignments/{a['assignments'][0]}")
    assert own.status_code == 200
    token = csrf_from(own.text)
    for foreign in (a["assignments"][1], b["assignments"][0]):  # another judge's, and another commune's
        before_a, before_b = await snapshot(a), await snapshot(b)
        assert (await client.get(f"/judge/assignments/{foreign}")).status_code == 404
        for suffix, data in (
            ("", {"action": "submit"}),
            ("/abstain", {"reason": "Bận"}),
            ("/recuse", {"reason": "Người quen"}),
        ):
            response = await client.post(f"/judge/assignments/{foreign}{suffix}", data={**data, "_csrf_token": token})
            assert response.status_code == 404, (suffix, response.status_code)
        assert await snapshot(a) == before_a and await snapshot(b) == before_b


async def test_a_draft_contest_shows_only_to_its_own_organizers(client, two):
    from contest.tables import Contest

    a, b = two
    await Contest.update({Contest.published: False}).where(Contest.id.is_in([a["contest"]["id"], b["contest"]["id"]]))
    await signed_in(client, a)
    assert (await client.get(f"/contests/{b['contest']['slug']}")).status_code == 404
    own = await client.get(f"/contests/{a['contest']['slug']}")
    assert own.status_code == 200 and "Cuộc thi ý tưởng sáng tạo 2026" in own.text
