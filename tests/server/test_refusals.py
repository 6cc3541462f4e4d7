"""One way to refuse: what the domain's errors become for the person, whatever the handler.

A refusal of an HTML form post goes back to the page the route declares, with the reason as a flash
message in Vietnamese; not found and forbidden give the site's 404 and 403 pages; a program that asks
for JSON (and every /api route) gets the documented error body ``{status, title, detail}``. On both
engines; the start-up check of the declared pages needs no database."""

from __future__ import annotations

import re

import pytest
from litestar import Litestar, Request, Response, post
from litestar.params import FromPath
from litestar.testing import TestClient

from accounts.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from accounts.i18n import N_
from accounts.rules import Access
from accounts.scope import PLATFORM
from accounts.tables import Role
from contest import services, voting
from contest.tables import Idea
from server.errors import EXCEPTION_HANDLERS, check_refusal_targets
from server.guards import access
from server.web import form_page_on_refusal
from tests.conftest import csrf_from, login
from tests.support.factories import PASSWORD, complete_form, make_contest, make_resident

pytestmark = pytest.mark.integration

ALREADY_ON_PANEL = "Người này đã có trong hội đồng giám khảo."


def _flashes(html: str) -> list[tuple[str, str]]:
    return re.findall(r'<p class="flash flash-(\w+)">([^<]*)</p>', html)


async def _post(client, page: str, url: str, data: dict, **kwargs):
    token = csrf_from((await client.get(page)).text)
    return await client.post(url, data={**data, "_csrf_token": token}, **kwargs)


@pytest.fixture
async def vote_round(commune, make_user, clock):
    """Two submitted ideas of other people, in a round whose public vote is open."""
    contest = await make_contest(commune=commune, now=clock())
    row = await services.contest_by_slug(contest["slug"])
    round_ = (await services.rounds_of(row.id))[0]
    ideas = []
    for i in range(2):
        lead = await make_user(birth_year=2004)
        form = complete_form(contest["categories"][0], title=f"Ý tưởng {i}")
        idea_id = await services.create_draft(row, round_, form, user_id=lead.id, now=clock())
        await services.submit(idea_id, user_id=lead.id, now=clock())
        ideas.append(idea_id)
    rules = {"votes_per_voter": 3, "change_allowed": True, "live_tally": False, "residents_only": True}
    await voting.update_rules(
        round_["id"], {**rules, "jury_weight": 0.7}, actor_id=ideas[0], now=clock(), scope=PLATFORM
    )
    clock.advance(days=31.5)  # the vote opens 11 days after submissions close
    return {"round": round_, "ideas": ideas, "contest": contest}


async def verified(make_user, **kwargs):
    user = await make_user(**kwargs)
    await make_resident(user, now=user.created_at)
    return user


@pytest.fixture
async def organizer_world(commune, other_commune, make_user, make_other_user, clock):
    mine = await make_contest(commune=commune, now=clock(), slug="an-khanh-2026")
    theirs = await make_contest(commune=other_commune, now=clock(), slug="tan-minh-2026")
    await make_user(email="bantochuc@example.com", roles=(Role.organizer,))
    return {"mine": mine, "theirs": theirs}


async def test_a_refused_form_post_goes_back_to_the_declared_page_with_the_reason(client, organizer_world):
    round_id = organizer_world["mine"]["round"]
    page = f"/organizer/rounds/{round_id}/judging/"
    await login(client, "bantochuc@example.com", PASSWORD)
    first = await _post(client, page, f"{page}judges", {"contact": "giamkhao@example.com"})
    assert first.status_code == 303
    again = await _post(client, page, f"{page}judges", {"contact": "giamkhao@example.com"})
    assert again.status_code == 303 and again.headers["location"] == f"{page}#panel"
    shown = await client.get(again.headers["location"])
    assert ("error", ALREADY_ON_PANEL) in _flashes(shown.text)
    assert _flashes((await client.get(page)).text) == []  # shown once


async def test_not_found_on_a_form_post_gives_the_404_page_not_a_redirect(client, organizer_world):
    theirs = organizer_world["theirs"]["round"]
    await login(client, "bantochuc@example.com", PASSWORD)
    mine = f"/organizer/rounds/{organizer_world['mine']['round']}/judging/"
    response = await _post(client, mine, f"/organizer/rounds/{theirs}/judging/judges", {"contact": "x@example.com"})
    assert response.status_code == 404
    assert "text/html" in response.headers["content-type"] and "Không tìm thấy trang" in response.text


async def test_a_refusal_asked_for_as_json_gets_the_error_body(client, organizer_world):
    round_id = organizer_world["mine"]["round"]
    page = f"/organizer/rounds/{round_id}/judging/"
    await login(client, "bantochuc@example.com", PASSWORD)
    await _post(client, page, f"{page}judges", {"contact": "giamkhao@example.com"})
    response = await _post(
        client, page, f"{page}judges", {"contact": "giamkhao@example.com"}, headers={"Accept": "application/json"}
    )
    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"status", "title", "detail"} and body["status"] == 400
    assert body["detail"] == ALREADY_ON_PANEL


async def test_a_page_known_once_the_object_is_loaded_and_the_category_of_a_route(
    client,
    vote_round,
    make_user,
):
    slug = vote_round["contest"]["slug"]
    code = (await Idea.select(Idea.code).where(Idea.id == vote_round["ideas"][0]).first())["code"]
    await verified(make_user, email="binh@example.com")
    await login(client, "binh@example.com", PASSWORD)
    # Taking back a vote never cast: back to the idea on the ballot, told why.
    withdraw = await _post(client, f"/contests/{slug}/vote", f"/contests/{slug}/vote/{code.lower()}/withdraw", {})
    assert withdraw.status_code == 303 and withdraw.headers["location"] == f"/contests/{slug}/vote#idea-{code}"
    shown = await client.get(withdraw.headers["location"])
    assert ("error", "Bạn chưa bình chọn cho ý tưởng này.") in _flashes(shown.text)
    # Reporting twice: back to the idea, told as information rather than as an error.
    first = await _post(client, f"/ideas/{code}", f"/ideas/{code}/report", {"reason": "Nội dung sao chép"})
    assert first.status_code == 303
    await client.get(first.headers["location"])
    second = await _post(client, f"/ideas/{code}", f"/ideas/{code}/report", {"reason": "Nội dung sao chép"})
    assert second.status_code == 303 and second.headers["location"] == f"/ideas/{code}"
    shown = await client.get(second.headers["location"])
    assert ("info", "Bạn đã báo cáo vi phạm ý tưởng này. Ban tổ chức sẽ xem xét.") in _flashes(shown.text)


async def test_forbidden_on_a_form_post_gives_the_403_page(client, vote_round, make_user):
    await verified(make_user, email="binh@example.com")
    await login(client, "binh@example.com", PASSWORD)
    idea_id = vote_round["ideas"][0]  # another person's idea
    response = await _post(client, "/my/ideas", f"/my/ideas/{idea_id}/invite", {"contact": "ban@example.com"})
    assert response.status_code == 403
    assert "text/html" in response.headers["content-type"] and "Bạn không có quyền truy cập trang này" in response.text


async def test_the_api_answers_not_found_with_its_documented_json(client, commune):
    response = await client.get("/api/contests/khong-co", headers={"Accept": "text/html"})
    assert response.status_code == 404 and response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"status", "title", "detail"} and body["status"] == 404
    assert body["title"] == "Không tìm thấy trang"


@pytest.mark.parametrize(
    ("target", "ok"),
    [
        ("/organizer/rounds/{round_id}/rubric/", True),
        ("/organizer/rounds/{round_id}/rubric/#criterion", True),
        ("/organizer/rounds/{rond_id}/rubric/", False),  # a typo fails at start-up, not on the first refusal
        ("https://example.com/", False),
    ],
)
def test_the_declared_page_is_checked_when_the_app_starts(target, ok):
    @post(
        "/organizer/rounds/{round_id:int}/rubric/{criterion_id:int}/delete",
        opt=access(Access.organizer, refuse_to=target),
    )
    async def handler(round_id: FromPath[int], criterion_id: FromPath[int]) -> None:
        return None

    app = Litestar([handler])
    if ok:
        check_refusal_targets(app)
    else:
        with pytest.raises(RuntimeError, match="refuse_to"):
            check_refusal_targets(app)


def _form_app() -> Litestar:
    """A form handler that refuses through ``form_page_on_refusal``, as the app's handlers do."""

    @post("/form", opt=access(Access.public))
    async def handler(request: Request) -> Response:
        form = await request.form()
        typed = {"name": form.get("name", "")}

        async def again(errors: dict[str, str]) -> Response:
            return Response({"values": typed, "errors": errors})

        async with form_page_on_refusal(request, again, status=lambda exc: 409 if exc.field == "locked" else 400):
            kind = form.get("kind")
            if kind == "fields":
                raise ValidationFailed({"name": N_("Please enter your full name.")})
            if kind == "locked":
                raise DomainError(N_("Please enter your full name."), field="locked")
            if kind == "missing":
                raise NotFound(N_("This idea does not exist."))
            if kind == "forbidden":
                raise PermissionDenied(N_("You do not have access to this page"))
        return Response({"saved": typed["name"]})

    return Litestar([handler], exception_handlers=EXCEPTION_HANDLERS)


@pytest.mark.parametrize(
    ("kind", "status", "errors"),
    [
        ("fields", 400, {"name": "Vui lòng nhập họ và tên của bạn."}),
        ("locked", 409, {"locked": "Vui lòng nhập họ và tên của bạn."}),
        ("missing", 404, None),
        ("forbidden", 403, None),
        ("", 201, None),
    ],
)
def test_a_refused_form_answers_with_its_page_the_values_and_the_messages_beside_the_fields(kind, status, errors):
    with TestClient(_form_app()) as client:
        response = client.post(
            "/form",
            data={"name": "Nguyễn Văn An", "kind": kind},
            headers={"Accept-Language": "vi", "Accept": "application/json"},
        )
    assert response.status_code == status
    if errors is not None:  # the form again, with what the person typed
        assert response.json() == {"values": {"name": "Nguyễn Văn An"}, "errors": errors}
    elif status == 201:
        assert response.json() == {"saved": "Nguyễn Văn An"}
    else:  # not found and forbidden: the site's error answer, not the form
        assert response.json()["status"] == status
