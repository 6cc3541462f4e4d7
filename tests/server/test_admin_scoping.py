"""piccolo-admin in a city deployment: organizers reach their communes' contest rows only, on every
endpoint of the admin API; admins reach people but never secrets; roles change only through the
audited form; every change made in the admin is audited."""

from __future__ import annotations

import datetime as dt

import pytest

from accounts.tables import AuditEvent, Notification, OutboxMail, Role, RoleGrant, User
from contest.tables import Award, Category, Contest, Criterion, Idea, Round
from mentoring.tables import MentoringFeedback, MentorProfile, Mentorship, Organization, Workshop
from tests.conftest import admin_login
from tests.support.factories import PASSWORD, make_contest

pytestmark = pytest.mark.integration

SCOPED = (
    "contest",
    "contest_round",
    "contest_category",
    "rubric_criterion",
    "award",
    "idea",
    "workshop",
    "mentoring_feedback",
)
WRITABLE = ("contest", "contest_round", "contest_category", "rubric_criterion", "award", "idea", "workshop")
FORBIDDEN = (
    "users",
    "role_grant",
    "notification",
    "outbox_mail",
    "audit_event",
    "mentor_profile",
    "mentorship",
    "commune",
    "hamlet",
    "mentor_organization",
)
NEVER_SERVED = (
    "sessions",
    "password_reset_token",
    "phone_code",
    "resident_record",
    "authenticator_secret",
    "piccolo_user",
)


async def _world(commune: dict, *, now: dt.datetime, slug: str, lead: User, mentor_user: User) -> dict:
    """One commune's contest rows: a contest, its round, categories, a criterion, an idea, an award,
    a workshop, and mentoring feedback on the idea's mentorship."""
    contest = await make_contest(commune=commune, now=now, slug=slug)
    criterion = Criterion(round=contest["round"], name="Tính mới", weight=1)
    await criterion.save()
    idea = Idea(
        contest=contest["id"],
        round=contest["round"],
        code=f"{slug[:2].upper()}-2026-001",
        lead=lead.id,
        title="Lọc nước mưa",
        category=contest["categories"][0],
        hamlet=commune["hamlets"][0],
    )
    await idea.save()
    award = Award(contest=contest["id"], name="Giải Nhất", idea=idea.id)
    await award.save()
    workshop = Workshop(commune=commune["id"], title="Tư duy khởi nghiệp", starts_at=now, ends_at=now)
    await workshop.save()
    profile = MentorProfile(user=mentor_user.id)
    await profile.save()
    mentorship = Mentorship(idea=idea.id, mentor=profile.id)
    await mentorship.save()
    feedback = MentoringFeedback(mentorship=mentorship.id, author=lead.id, side="team", rating=5, text="Rất tốt")
    await feedback.save()
    return {
        "commune": commune["id"],
        "hamlets": commune["hamlets"],
        "contest": contest["id"],
        "contest_round": contest["round"],
        "contest_category": contest["categories"][0],
        "categories": contest["categories"],
        "rubric_criterion": criterion.id,
        "idea": idea.id,
        "award": award.id,
        "workshop": workshop.id,
        "mentoring_feedback": feedback.id,
        "mentorship": mentorship.id,
        "lead": lead.id,
    }


@pytest.fixture
async def worlds(commune, other_commune, make_user, make_other_user, clock):
    mine = await _world(
        commune, now=clock(), slug="an-khanh-2026", lead=await make_user(), mentor_user=await make_user()
    )
    theirs = await _world(
        other_commune,
        now=clock(),
        slug="tan-minh-2026",
        lead=await make_other_user(),
        mentor_user=await make_other_user(),
    )
    return mine, theirs


async def _sign_in(client, email: str) -> dict:
    response = await admin_login(client, email, PASSWORD)
    assert response.status_code in (200, 303), response.text
    return {"X-CSRFToken": client.cookies.get("csrftoken")}


@pytest.fixture
async def organizer(client, make_user, worlds):
    await make_user(email="nhung@example.com", roles=(Role.organizer,))
    return await _sign_in(client, "nhung@example.com")


@pytest.fixture
async def admin(client, make_user, worlds):
    await make_user(email="admin@example.com", roles=(Role.admin,))
    return await _sign_in(client, "admin@example.com")


def _rows(world: dict, table: str) -> set[int]:
    return set(world["categories"]) if table == "contest_category" else {world[table]}


def _ids(response) -> set[int]:
    assert response.status_code == 200, response.text
    return {row["id"] for row in response.json()["rows"]}


# -- 1. organizers: their communes' rows only, on every endpoint -------------------------------------


async def test_organizer_lists_counts_and_reads_only_own_commune_rows(client, organizer, worlds):
    mine, theirs = worlds
    for table in SCOPED:
        base = f"/admin/api/tables/{table}"
        expected = _rows(mine, table)
        assert _ids(await client.get(f"{base}/")) == expected, table
        assert _ids(await client.get(f"{base}/?__readable=true&__page_size=100")) == expected, table
        count = await client.get(f"{base}/count/")
        assert count.status_code == 200 and count.json()["count"] == len(expected), (table, count.text)
        ids = await client.get(f"{base}/ids/")
        assert ids.status_code == 200 and set(map(int, ids.json())) == expected, (table, ids.text)
        searched = await client.get(f"{base}/ids/?search=&limit=10&offset=0")
        assert set(map(int, searched.json())) == expected, table
        own = await client.get(f"{base}/{mine[table]}/?__readable=true")
        assert own.status_code == 200 and own.json()["id"] == mine[table], table
        other = await client.get(f"{base}/{theirs[table]}/")
        assert other.status_code == 404, (table, other.text)
        assert (await client.get(f"{base}/schema/")).status_code == 200
        assert (await client.get(f"{base}/new/")).status_code == 200
        assert (await client.get(f"{base}/references/")).status_code == 200
    # Names of rows they may not reach are left out: an idea's team lead shows as an id, never
    # as "name (email or phone)"; the contest and round names stay.
    lead = await User.select(User.username).where(User.id == mine["lead"]).first()
    for url in (
        "/admin/api/tables/idea/?__readable=true",
        f"/admin/api/tables/idea/{mine['idea']}/?__readable=true",
        "/admin/api/tables/mentoring_feedback/?__readable=true",
    ):
        response = await client.get(url)
        assert lead["username"] not in response.text and "lead_readable" not in response.text, url
    assert (await client.get("/admin/api/tables/idea/?__readable=true")).json()["rows"][0][
        "round_readable"
    ] == "Vòng sơ khảo — Cuộc thi ý tưởng sáng tạo 2026"
    # A filter naming the other commune's contest finds nothing, on the list and the count.
    other_contest = theirs["contest"]
    assert _ids(await client.get(f"/admin/api/tables/idea/?contest={other_contest}")) == set()
    assert (await client.get(f"/admin/api/tables/contest_round/count/?contest={other_contest}")).json()["count"] == 0
    # The range header's total would count every commune's rows: organizers do not get it.
    ranged = await client.get("/admin/api/tables/contest/?__range_header=true")
    assert "content-range" not in ranged.headers


async def test_organizer_cannot_change_or_delete_another_communes_rows(client, organizer, worlds):
    mine, theirs = worlds
    before = await Contest.select(Contest.title).where(Contest.id == theirs["contest"]).first()
    for table in WRITABLE:
        url = f"/admin/api/tables/{table}/{theirs[table]}/"
        field = {"contest": "title", "workshop": "title", "idea": "title"}.get(table, "name")
        patch = await client.patch(url, json={field: "Đã bị sửa"}, headers=organizer)
        assert patch.status_code == 404, (table, patch.text)
        delete = await client.delete(url, headers=organizer)
        assert delete.status_code == 404, (table, delete.text)
    put = await client.put(
        f"/admin/api/tables/contest/{theirs['contest']}/",
        json={"commune": mine["commune"], "title": "Chiếm", "slug": "chiem"},
        headers=organizer,
    )
    assert put.status_code in (404, 422), put.text
    assert await Contest.select(Contest.title).where(Contest.id == theirs["contest"]).first() == before
    assert await Round.exists().where(Round.id == theirs["contest_round"])
    assert await Criterion.exists().where(Criterion.id == theirs["rubric_criterion"])
    assert (await Criterion.select(Criterion.weight).where(Criterion.id == theirs["rubric_criterion"]).first())[
        "weight"
    ] == 1
    assert await Idea.exists().where(Idea.id == theirs["idea"])
    assert await Award.exists().where(Award.id == theirs["award"])
    assert await Workshop.exists().where(Workshop.id == theirs["workshop"])
    assert await Category.count().where(Category.contest == theirs["contest"]) == 3
    assert not await AuditEvent.exists().where(AuditEvent.action.is_in(["admin.update", "admin.delete"]))
    # Their own rows they may change: the change and who made it are in the audit log.
    ok = await client.patch(
        f"/admin/api/tables/rubric_criterion/{mine['rubric_criterion']}/", json={"weight": 3}, headers=organizer
    )
    assert ok.status_code == 200, ok.text
    assert (await Criterion.select(Criterion.weight).where(Criterion.id == mine["rubric_criterion"]).first())[
        "weight"
    ] == 3
    event = await AuditEvent.select().where(AuditEvent.action == "admin.update").first()
    assert event["target_type"] == "rubric_criterion" and event["target_id"] == str(mine["rubric_criterion"])


async def test_organizer_cannot_create_rows_in_another_commune(client, organizer, worlds):
    mine, theirs = worlds
    when = {
        "submission_opens": "2026-12-01T00:00:00+00:00",
        "submission_closes": "2026-12-10T00:00:00+00:00",
        "judging_closes": "2026-12-20T00:00:00+00:00",
        "vote_opens": None,
        "vote_closes": None,
        "results_at": "2026-12-25T00:00:00+00:00",
    }
    attempts = {
        "contest": {"commune": theirs["commune"], "title": "Cuộc thi giả", "slug": "gia", "published": True},
        "contest_round": {"contest": theirs["contest"], "name": "Vòng 2", "position": 2, **when},
        "contest_category": {"contest": theirs["contest"], "name": "Y tế", "slug": "y-te"},
        "rubric_criterion": {"round": theirs["contest_round"], "name": "Khả thi", "weight": 5},
        "award": {"contest": theirs["contest"], "name": "Giải Ba"},
        "workshop": {
            "commune": theirs["commune"],
            "title": "Hội thảo",
            "starts_at": "2026-12-01T00:00:00+00:00",
            "ends_at": "2026-12-01T02:00:00+00:00",
        },
    }
    counts = {
        name: await table.count()
        for name, table in [
            ("contest", Contest),
            ("contest_round", Round),
            ("contest_category", Category),
            ("rubric_criterion", Criterion),
            ("award", Award),
            ("workshop", Workshop),
            ("idea", Idea),
        ]
    }
    for table, body in attempts.items():
        response = await client.post(f"/admin/api/tables/{table}/", json=body, headers=organizer)
        assert response.status_code == 403, (table, response.text)
        assert "xã" in response.json()["detail"]
    # Pointing one foreign key of an own-commune row elsewhere is refused too.
    mixed = [
        ("idea", {"contest": mine["contest"], "round": theirs["contest_round"], "lead": mine["lead"], "title": "X"}),
        ("idea", {"contest": mine["contest"], "round": mine["contest_round"], "lead": theirs["lead"], "title": "X"}),
        (
            "idea",
            {
                "contest": mine["contest"],
                "round": mine["contest_round"],
                "lead": mine["lead"],
                "category": theirs["contest_category"],
                "title": "X",
            },
        ),
        ("award", {"contest": mine["contest"], "name": "Giải", "idea": theirs["idea"]}),
        (
            "workshop",
            {
                "commune": None,
                "title": "Toàn thành phố",
                "starts_at": "2026-12-01T00:00:00+00:00",
                "ends_at": "2026-12-01T02:00:00+00:00",
            },
        ),
    ]
    for table, body in mixed:
        response = await client.post(f"/admin/api/tables/{table}/", json=body, headers=organizer)
        assert response.status_code == 403, (table, body, response.text)
    assert counts == {
        name: await table.count()
        for name, table in [
            ("contest", Contest),
            ("contest_round", Round),
            ("contest_category", Category),
            ("rubric_criterion", Criterion),
            ("award", Award),
            ("workshop", Workshop),
            ("idea", Idea),
        ]
    }
    assert not await Contest.exists().where(Contest.slug == "gia")
    # In their own commune they create, and the log names the new row.
    created = await client.post(
        "/admin/api/tables/contest/",
        json={"commune": mine["commune"], "title": "Cuộc thi mới", "slug": "cuoc-thi-moi"},
        headers=organizer,
    )
    assert created.status_code == 201, created.text
    new_id = (await Contest.select(Contest.id).where(Contest.slug == "cuoc-thi-moi").first())["id"]
    assert await AuditEvent.exists().where(
        (AuditEvent.action == "admin.create")
        & (AuditEvent.target_id == str(new_id))
        & (AuditEvent.target_type == "contest")
    )


async def test_organizer_cannot_move_own_rows_into_another_commune(client, organizer, worlds):
    mine, theirs = worlds
    moves = [
        ("contest", mine["contest"], {"commune": theirs["commune"]}),
        ("contest_round", mine["contest_round"], {"contest": theirs["contest"]}),
        ("rubric_criterion", mine["rubric_criterion"], {"round": theirs["contest_round"]}),
        ("idea", mine["idea"], {"round": theirs["contest_round"]}),
        ("award", mine["award"], {"idea": theirs["idea"]}),
        ("workshop", mine["workshop"], {"commune": theirs["commune"]}),
    ]
    moves.append(("contest", mine["contest"], {"id": theirs["contest"] + 100}))  # nor renumbered
    for table, row_id, body in moves:
        response = await client.patch(f"/admin/api/tables/{table}/{row_id}/", json=body, headers=organizer)
        assert response.status_code == (400 if "id" in body else 403), (table, response.text)
    assert (await Contest.select(Contest.commune).where(Contest.id == mine["contest"]).first())["commune"] == mine[
        "commune"
    ]
    assert (await Round.select(Round.contest).where(Round.id == mine["contest_round"]).first())["contest"] == mine[
        "contest"
    ]
    assert (await Workshop.select(Workshop.commune).where(Workshop.id == mine["workshop"]).first())["commune"] == mine[
        "commune"
    ]


async def test_foreign_key_pickers_offer_only_own_commune_rows(client, organizer, worlds):
    mine, theirs = worlds
    pickers = {
        "commune": {mine["commune"]},
        "hamlet": set(mine["hamlets"]),
        "contest": {mine["contest"]},
        "contest_round": {mine["contest_round"]},
        "contest_category": set(mine["categories"]),
        "idea": {mine["idea"]},
    }
    for table, expected in pickers.items():
        response = await client.get(f"/admin/api/tables/{table}/ids/")
        assert response.status_code == 200 and set(map(int, response.json())) == expected, (table, response.text)
    found = await client.get("/admin/api/tables/contest/ids/?search=cuộc thi&limit=5")
    assert set(map(int, found.json())) == {mine["contest"]}
    # Picking is all they may do with communes and hamlets.
    assert (await client.get("/admin/api/tables/hamlet/")).status_code == 403
    assert (await client.get(f"/admin/api/tables/commune/{mine['commune']}/")).status_code == 403


async def test_organizer_of_two_communes_reaches_both(client, make_user, worlds, clock):
    from accounts import services

    mine, theirs = worlds
    user = await make_user(email="hai@example.com", roles=(Role.organizer,))
    await services.grant_role(user.id, Role.organizer, commune_id=theirs["commune"], actor=None, now=clock())
    await _sign_in(client, "hai@example.com")
    for table in SCOPED:
        assert _ids(await client.get(f"/admin/api/tables/{table}/")) == _rows(mine, table) | _rows(theirs, table)
    assert (await client.get(f"/admin/api/tables/idea/{theirs['idea']}/")).status_code == 200


# -- 2. organizers never reach people, roles, messages, the audit log ----------------------------------


async def test_organizer_reaches_no_personal_or_secret_table(client, organizer, worlds):
    mine, _ = worlds
    listed = (await client.get("/admin/api/tables/")).json()
    assert set(listed) == set(SCOPED)
    grouped = (await client.get("/admin/api/tables/grouped/")).json()
    assert {t for names in grouped["grouped"].values() for t in names} | set(grouped["ungrouped"]) == set(SCOPED)
    grant = await RoleGrant.select(RoleGrant.id).first()
    some_id = {"users": mine["lead"], "role_grant": grant["id"], "mentorship": mine["mentorship"]}
    for table in FORBIDDEN:
        base = f"/admin/api/tables/{table}"
        row = some_id.get(table, 1)
        for url in (
            f"{base}/",
            f"{base}/count/",
            f"{base}/schema/",
            f"{base}/new/",
            f"{base}/references/",
            f"{base}/{row}/",
        ):
            response = await client.get(url)
            assert response.status_code in (403, 404), (url, response.status_code, response.text)
            assert "phone" not in response.text and "guardian" not in response.text
        if table not in ("commune", "hamlet", "mentor_organization"):
            assert (await client.get(f"{base}/ids/")).status_code in (403, 404), table
        assert (await client.post(f"{base}/", json={}, headers=organizer)).status_code in (403, 404, 405, 422), table
        assert (await client.patch(f"{base}/{row}/", json={}, headers=organizer)).status_code in (403, 404, 405, 422)
        assert (await client.delete(f"{base}/{row}/", headers=organizer)).status_code in (403, 404, 405), table
    assert await RoleGrant.exists().where(RoleGrant.id == grant["id"])
    assert await User.exists().where(User.id == mine["lead"])
    assert await Mentorship.exists().where(Mentorship.id == mine["mentorship"])


async def test_secret_tables_are_not_served_to_anyone(client, admin):
    listed = (await client.get("/admin/api/tables/")).json()
    for table in NEVER_SERVED:
        assert table not in listed
        assert (await client.get(f"/admin/api/tables/{table}/")).status_code == 404, table
    assert "users" in listed and "audit_event" in listed  # admins see people and the log


# -- 3. admins see people, never secrets ---------------------------------------------------------------


async def test_admin_never_reads_reset_links_or_mail_bodies(client, admin, make_user, clock):
    from accounts import services

    await make_user(email="lan@example.com")
    token = await services.request_password_reset(
        "lan@example.com", base_url="http://testserver", lang="vi", valid_minutes=30, now=clock()
    )
    assert token and await OutboxMail.exists().where(OutboxMail.body.like(f"%{token}%"))
    mail = await OutboxMail.select(OutboxMail.id).first()
    note = await Notification.select(Notification.id).first()
    seen = []
    for table, row_id, columns in (
        ("outbox_mail", mail["id"], ("body",)),
        ("notification", note["id"], ("body", "link")),
    ):
        base = f"/admin/api/tables/{table}"
        for url in (
            f"{base}/",
            f"{base}/?__readable=true",
            f"{base}/{row_id}/",
            f"{base}/{row_id}/?__readable=true",
            f"{base}/ids/",
            f"{base}/new/",
            f"{base}/schema/",
            f"{base}/count/",
        ):
            response = await client.get(url)
            assert response.status_code == 200, (url, response.text)
            seen.append(response.text)
        detail = (await client.get(f"{base}/{row_id}/")).json()
        assert detail["id"] == row_id and ("subject" in detail or "title" in detail)
        for column in columns:
            assert column not in detail
            for url in (
                f"{base}/?__visible_fields=id,{column}",
                f"{base}/{row_id}/?__visible_fields={column}",
                f"{base}/?{column}=reset",
                f"{base}/count/?{column}=reset",
                f"{base}/?__order={column}",
            ):
                response = await client.get(url)
                assert response.status_code == 400, (url, response.text)
                seen.append(response.text)
            change = await client.patch(f"{base}/{row_id}/", json={column: "x"}, headers=admin)
            assert change.status_code in (400, 405), change.text
        assert (await client.post(f"{base}/", json={"subject": "x", "title": "x"}, headers=admin)).status_code == 405
    # Messages are read-only: a reset mail cannot be re-addressed to the admin and queued again.
    before = await OutboxMail.select().where(OutboxMail.id == mail["id"]).first()
    for values in (
        {"to_address": "attacker@example.net"},
        {"status": "queued", "next_attempt_at": "2026-01-01T00:00:00"},
    ):
        for method in ("PATCH", "PUT"):
            response = await client.request(
                method, f"/admin/api/tables/outbox_mail/{mail['id']}/", json=values, headers=admin
            )
            assert response.status_code == 405, response.text
    assert (await client.delete(f"/admin/api/tables/outbox_mail/{mail['id']}/", headers=admin)).status_code == 405
    assert (
        await client.patch(f"/admin/api/tables/notification/{note['id']}/", json={"title": "x"}, headers=admin)
    ).status_code == 405
    assert await OutboxMail.select().where(OutboxMail.id == mail["id"]).first() == before
    assert not any(token in text for text in seen)
    assert await OutboxMail.exists().where(OutboxMail.body.like(f"%{token}%"))


async def test_admin_reads_people_but_not_password_hashes(client, admin, worlds):
    mine, _ = worlds
    response = await client.get(f"/admin/api/tables/users/{mine['lead']}/")
    assert response.status_code == 200 and response.json()["id"] == mine["lead"]
    assert "password" not in response.json()
    listed = await client.get("/admin/api/tables/users/?__page_size=100")
    assert "argon2" not in listed.text and "$" not in "".join(str(r.get("password", "")) for r in listed.json()["rows"])
    # The admin and superuser flags mirror the roles: they change through the role form only.
    flag = await client.patch(f"/admin/api/tables/users/{mine['lead']}/", json={"superuser": True}, headers=admin)
    assert flag.status_code == 400
    assert not (await User.select(User.superuser).where(User.id == mine["lead"]).first())["superuser"]
    # Residency changes through the resident list and the office check, and the list line is never shown.
    verified = await client.patch(
        f"/admin/api/tables/users/{mine['lead']}/", json={"verified_resident": True}, headers=admin
    )
    assert verified.status_code == 400
    assert "resident" not in response.json() and all("resident" not in r for r in listed.json()["rows"])
    # The edit form sends every field back: unchanged locked flags do not block a change of name.
    current = response.json()
    edit = await client.patch(
        f"/admin/api/tables/users/{mine['lead']}/",
        headers=admin,
        json={
            "full_name": "Nguyễn Văn Sửa",
            "superuser": current["superuser"],
            "admin": current["admin"],
            "verified_resident": current["verified_resident"],
        },
    )
    assert edit.status_code == 200, edit.text
    row = await User.select(User.full_name, User.verified_resident).where(User.id == mine["lead"]).first()
    assert row == {"full_name": "Nguyễn Văn Sửa", "verified_resident": current["verified_resident"]}


# -- 4. role grants change through the audited form only -------------------------------------------------


async def test_role_grants_cannot_be_changed_through_the_table(client, admin, worlds):
    grant = await RoleGrant.select(RoleGrant.id, RoleGrant.user).first()
    url = f"/admin/api/tables/role_grant/{grant['id']}/"
    assert (await client.delete(url, headers=admin)).status_code == 405
    assert (await client.patch(url, json={"role": "admin"}, headers=admin)).status_code == 405
    assert (
        await client.post("/admin/api/tables/role_grant/", json={"user": grant["user"], "role": "admin"}, headers=admin)
    ).status_code == 405
    assert await RoleGrant.exists().where(RoleGrant.id == grant["id"])
    assert (
        not await RoleGrant.exists().where(RoleGrant.role == "admin")
        or await RoleGrant.count().where(RoleGrant.role == "admin") == 1
    )


async def _role_form(client, headers, **data):
    slug = (await client.get("/admin/api/forms/")).json()[0]["slug"]
    body = {"person": "", "role": "judge", "commune_slug": "", "remove": False, **data}
    return await client.post(f"/admin/api/forms/{slug}/", json=body, headers=headers)


async def test_organizer_grants_judges_in_own_commune_and_never_removes_roles(
    client, make_user, make_other_user, commune, other_commune, clock
):
    from accounts import services

    organizer = await make_user(email="nhung@example.com", roles=(Role.organizer,))
    judge = await make_user(email="thang@example.com")
    other_judge = await make_other_user(email="minh@example.com")
    await services.grant_role(other_judge.id, Role.judge, commune_id=other_commune["id"], actor=None, now=clock())
    headers = await _sign_in(client, "nhung@example.com")

    granted = await _role_form(client, headers, person="thang@example.com")
    assert granted.status_code == 200, granted.text
    assert await RoleGrant.exists().where(
        (RoleGrant.user == judge.id) & (RoleGrant.role == "judge") & (RoleGrant.commune == commune["id"])
    )
    assert await AuditEvent.exists().where(
        (AuditEvent.action == "role.granted")
        & (AuditEvent.actor == organizer.id)
        & (AuditEvent.target_id == str(judge.id))
    )

    elsewhere = await _role_form(client, headers, person="thang@example.com", commune_slug="tan-minh")
    assert elsewhere.status_code == 422 and "custom_form_error" in elsewhere.json()
    organizer_role = await _role_form(client, headers, person="thang@example.com", role="organizer")
    assert organizer_role.status_code == 422
    assert not await RoleGrant.exists().where((RoleGrant.user == judge.id) & (RoleGrant.commune == other_commune["id"]))

    for person, slug in (
        ("thang@example.com", ""),
        ("minh@example.com", "tan-minh"),
        ("thang@example.com", "an-khanh"),
    ):
        removed = await _role_form(client, headers, person=person, commune_slug=slug, remove=True)
        assert removed.status_code == 422, removed.text
        assert "quản trị viên" in removed.json()["custom_form_error"]
    assert await RoleGrant.exists().where((RoleGrant.user == judge.id) & (RoleGrant.role == "judge"))
    assert await RoleGrant.exists().where((RoleGrant.user == other_judge.id) & (RoleGrant.role == "judge"))
    assert (
        await AuditEvent.count().where(
            (AuditEvent.action == "role.change_refused") & (AuditEvent.actor == organizer.id)
        )
        == 5
    )


async def test_admin_removes_a_role_through_the_form_and_it_is_audited(client, make_user, commune):
    admin = await make_user(email="admin@example.com", roles=(Role.admin,))
    judge = await make_user(email="thang@example.com")
    headers = await _sign_in(client, "admin@example.com")
    assert (await _role_form(client, headers, person="thang@example.com", commune_slug="an-khanh")).status_code == 200
    removed = await _role_form(client, headers, person="thang@example.com", commune_slug="an-khanh", remove=True)
    assert removed.status_code == 200, removed.text
    assert not await RoleGrant.exists().where((RoleGrant.user == judge.id) & (RoleGrant.role == "judge"))
    event = await AuditEvent.select().where(AuditEvent.action == "role.revoked").first()
    assert event["actor"] == admin.id and event["target_id"] == str(judge.id) and event["commune"] == commune["id"]


# -- 5. every change made in the admin is audited ---------------------------------------------------------


async def test_every_admin_write_is_audited_with_the_row(client, admin, worlds):
    mine, theirs = worlds
    created = await client.post(
        "/admin/api/tables/mentor_organization/",
        json={"name": "Vườn ươm Hải Phòng", "kind": "incubator"},
        headers=admin,
    )
    assert created.status_code == 201, created.text
    org = (await Organization.select(Organization.id).first())["id"]
    put = await client.put(
        f"/admin/api/tables/mentor_organization/{org}/",
        json={"name": "Vườn ươm HP", "kind": "incubator", "website": "", "description": ""},
        headers=admin,
    )
    assert put.status_code == 200, put.text
    assert (
        await client.patch(f"/admin/api/tables/hamlet/{mine['hamlets'][0]}/", json={"population": 9}, headers=admin)
    ).status_code == 200
    assert (
        await client.patch(f"/admin/api/tables/workshop/{theirs['workshop']}/", json={"capacity": 12}, headers=admin)
    ).status_code == 200
    # The admin deletes several rows at once as several single deletes: each one is logged.
    for award_id in (mine["award"], theirs["award"]):
        assert (await client.delete(f"/admin/api/tables/award/{award_id}/", headers=admin)).status_code == 204
    # A delete addressed to the whole table is not offered.
    bulk = await client.delete("/admin/api/tables/contest_category/", headers=admin)
    assert bulk.status_code == 405
    assert await Category.count() == 6
    events = await AuditEvent.select(AuditEvent.action, AuditEvent.target_type, AuditEvent.target_id).where(
        AuditEvent.action.like("admin.%") & (AuditEvent.action != "admin.login")
    )
    got = {(e["action"], e["target_type"], e["target_id"]) for e in events}
    assert got == {
        ("admin.create", "mentor_organization", str(org)),
        ("admin.update", "mentor_organization", str(org)),
        ("admin.update", "hamlet", str(mine["hamlets"][0])),
        ("admin.update", "workshop", str(theirs["workshop"])),
        ("admin.delete", "award", str(mine["award"])),
        ("admin.delete", "award", str(theirs["award"])),
    }
    assert await Organization.select(Organization.name).first() == {"name": "Vườn ươm HP"}


async def test_every_registered_table_has_a_policy(settings):
    from server.admin import admin_policies, build_admin

    admin = build_admin(settings)
    assert set(admin.table_config_map) == set(admin_policies())


# -- values the admin's API cannot use are the sender's mistake ----------------------------------------


async def test_values_the_admin_api_cannot_use_get_a_400_not_a_500(client, organizer, worlds):
    mine, _ = worlds
    huge = "9" * 25
    for url in (
        "/admin/api/tables/idea/?__order=nope",
        "/admin/api/tables/idea/?__order=%C2%B2",
        "/admin/api/tables/idea/?title=" + "A" * 400,
        f"/admin/api/tables/idea/ids/?limit={huge}",
        f"/admin/api/tables/contest/?__page={huge}",
    ):
        response = await client.get(url)
        assert 400 <= response.status_code < 500, (url, response.status_code, response.text[:200])
    round_url = f"/admin/api/tables/contest_round/{mine['contest_round']}/"
    before = await Round.select().where(Round.id == mine["contest_round"]).first()
    for body in ({"submission_opens": None}, {"name": "Vòng\x00"}):
        response = await client.patch(round_url, json=body, headers=organizer)
        assert response.status_code in (400, 422), (body, response.text[:200])
        assert "Traceback" not in response.text and "detail" in response.json()
    response = await client.patch(
        f"/admin/api/tables/workshop/{mine['workshop']}/",
        content=b"1e999999",
        headers={**organizer, "content-type": "application/json"},
    )
    assert 400 <= response.status_code < 500, response.text[:200]
    assert await Round.select().where(Round.id == mine["contest_round"]).first() == before


async def test_an_organizer_cannot_remove_a_role_even_through_the_domain(make_user, commune, clock):
    """The admin form refuses it, and so does the domain function behind every way of removing a role."""
    from accounts import services
    from accounts.errors import PermissionDenied

    organizer = await make_user(email="nhung@example.com", roles=(Role.organizer,))
    judge = await make_user(email="thang@example.com")
    await services.grant_role(judge.id, Role.judge, commune_id=commune["id"], actor=None, now=clock())
    principal = await services.load_principal(organizer.id)
    for role in (Role.judge, Role.organizer):
        with pytest.raises(PermissionDenied):
            await services.revoke_role(judge.id, role, commune_id=commune["id"], actor=principal, now=clock())
    with pytest.raises(PermissionDenied):  # not even their own
        await services.revoke_role(organizer.id, Role.organizer, commune_id=commune["id"], actor=principal, now=clock())
    assert await RoleGrant.exists().where((RoleGrant.user == judge.id) & (RoleGrant.role == "judge"))
    assert await RoleGrant.exists().where((RoleGrant.user == organizer.id) & (RoleGrant.role == "organizer"))
    assert not await AuditEvent.exists().where(AuditEvent.action == "role.revoked")
