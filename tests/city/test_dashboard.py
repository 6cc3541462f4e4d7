"""The Department's dashboard: figures per commune and for the city, the period, sorting, exports, access."""

from __future__ import annotations

import datetime as dt
import io
import itertools

import pytest

from accounts import services as accounts_services
from accounts.errors import AccountError
from accounts.tables import Role, RoleGrant
from city import dashboard
from city.period import Period, parse_period
from contest.tables import Idea, IdeaMember, ScoreSheet, Vote
from mentoring.tables import IncubationRecord, MentorProfile, Mentorship, Workshop, WorkshopRegistration
from tests.conftest import login
from tests.support.factories import PASSWORD, make_contest, make_resident, make_user

pytestmark = pytest.mark.integration
_n = itertools.count(1)
# TEST_NOW is 27/11/2026 10:00 in Hà Nội; the default period is 01/01/2026 – 27/11/2026.


async def _idea(contest: dict, lead, *, at: dt.datetime | None, status: str = "submitted") -> int:
    n = next(_n)
    idea = Idea(
        contest=contest["id"],
        round=contest["round"],
        lead=lead.id,
        title=f"Ý tưởng {n}",
        status=status,
        code=f"T-{n:04d}" if at else None,
        submitted_at=at,
        created_at=at or dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
    )
    await idea.save()
    return idea.id


async def _vote(contest: dict, voter, idea: int, at: dt.datetime, *, voided: bool = False) -> None:
    await Vote(
        round=contest["round"], voter=voter.id, idea=idea, receipt=f"R{next(_n):08d}", created_at=at, voided=voided
    ).save()


@pytest.fixture
async def world(db, commune, other_commune, clock):
    """Commune A: two ideas in the period (one lead 20, one 17, a member 30), one before it, a draft; two votes
    by one verified voter out of two residents, one voided vote; a judge's submitted sheet; a mentor; a launched
    cooperative and a pilot; a workshop with 2 of 3 present. Commune B: one idea, no votes."""
    now = clock()
    a = await make_contest(commune=commune, now=now, slug="cuoc-thi-a")
    b = await make_contest(commune=other_commune, now=now, slug="cuoc-thi-b")
    young = await make_user(commune=commune, now=now, birth_year=2006)
    teen = await make_user(commune=commune, now=now, birth_year=2009)
    member = await make_user(commune=commune, now=now, birth_year=1996)
    in_period = dt.datetime(2026, 11, 20, 3, tzinfo=dt.UTC)
    i1 = await _idea(a, young, at=in_period)
    i2 = await _idea(a, teen, at=dt.datetime(2026, 3, 1, 3, tzinfo=dt.UTC))
    await _idea(a, young, at=dt.datetime(2025, 12, 31, 16, 59, tzinfo=dt.UTC))  # 23:59 on 31/12/2025 in Hà Nội
    await _idea(a, member, at=None, status="draft")
    await IdeaMember(idea=i1, user=member.id, contact=member.email, status="accepted").save()
    await IdeaMember(idea=i2, user=teen.id, contact="x@example.com", status="invited").save()
    voter = await make_user(commune=commune, now=now)
    await make_resident(voter, now=now)
    await make_resident(young, now=now)
    await _vote(a, voter, i1, in_period)
    await _vote(a, voter, i2, in_period)
    await _vote(a, young, i1, in_period, voided=True)
    judge = await make_user(commune=commune, now=now, roles=(Role.judge,))
    await ScoreSheet(round=a["round"], judge=judge.id, idea=i1, status="submitted", submitted_at=in_period).save()
    await ScoreSheet(round=a["round"], judge=voter.id, idea=i2, status="draft").save()
    mentor_user = await make_user(commune=commune, now=now, roles=(Role.mentor,))
    profile = MentorProfile(user=mentor_user.id, approved=True)
    await profile.save()
    await Mentorship(idea=i1, mentor=profile.id, started_at=in_period).save()
    await IncubationRecord(idea=i1, stage="launched", outcome="cooperative").save()
    await IncubationRecord(idea=i2, stage="pilot").save()
    workshop = Workshop(
        commune=commune["id"],
        title="Tư duy khởi nghiệp",
        starts_at=in_period,
        ends_at=in_period + dt.timedelta(hours=2),
    )
    await workshop.save()
    for person, present in ((young, True), (teen, True), (member, False)):
        await WorkshopRegistration(workshop=workshop.id, user=person.id, attended=present).save()
    b_lead = await make_user(commune=other_commune, now=now, birth_year=2000)
    await _idea(b, b_lead, at=in_period)
    return {"a": commune, "b": other_commune}


def _row(figures, commune):
    return next(c for c in figures.communes if c["id"] == commune["id"])


async def test_figures_per_commune_and_city(world, clock):
    period, errors = parse_period("", "", now=clock())
    assert not errors and period == Period(dt.date(2026, 1, 1), dt.date(2026, 11, 27))
    figures = await dashboard.compute(period)
    a, b = _row(figures, world["a"]), _row(figures, world["b"])
    assert a["contests"] == 1 and b["contests"] == 1 and figures.city["contests"] == 2
    assert a["ideas"] == 2 and b["ideas"] == 1 and figures.city["ideas"] == 3  # not the 2025 one, not the draft
    assert a["youth"] == 3 and b["youth"] == 1  # two leads and the accepted member; not the invited one
    assert figures.youth_by_age[world["a"]["id"]]["16–18"] == 1
    assert figures.youth_by_age[world["a"]["id"]]["19–24"] == 1
    assert figures.youth_by_age[world["a"]["id"]]["25–30"] == 1
    assert figures.youth_by_age[None]["25–30"] == 2 and figures.city["youth"] == 4
    assert a["judges"] == 1 and a["mentors"] == 1 and a["mentorships"] == 1
    assert a["votes"] == 2 and a["voters"] == 1 and a["residents"] == 2 and a["turnout"] == 50.0
    assert b["votes"] == 0 and b["turnout"] is None
    assert a["stage_launched"] == 1 and a["stage_pilot"] == 1 and a["venture_cooperative"] == 1
    assert a["launched"] == 1 and figures.city["venture_company"] == 0
    assert a["workshops"] == 1 and a["attendance"] == 2 and b["workshops"] == 0


async def test_the_period_limits_the_figures(world, clock):
    figures = await dashboard.compute(Period(dt.date(2026, 11, 1), dt.date(2026, 11, 30)))
    a = _row(figures, world["a"])
    assert a["ideas"] == 1 and a["votes"] == 2 and a["workshops"] == 1
    earlier = await dashboard.compute(Period(dt.date(2025, 12, 31), dt.date(2025, 12, 31)))
    assert _row(earlier, world["a"])["ideas"] == 1 and _row(earlier, world["a"])["votes"] == 0


def test_bad_periods_are_refused_field_by_field(clock):
    _, errors = parse_period("31/02/2026", "2026-03-01", now=clock())
    assert set(errors) == {"from", "to"}
    _, errors = parse_period("10/03/2026", "01/03/2026", now=clock())
    assert set(errors) == {"to"}


async def test_the_public_page_in_vietnamese_sorts_by_any_column(client, world):
    page = await client.get("/city")
    assert page.status_code == 200
    assert "Số liệu các xã" in page.text and "<svg" in page.text and 'font-size="15"' in page.text
    assert "/city/export.xlsx" not in page.text  # exports are for the city's staff
    by_ideas = await client.get("/city", params={"sort": "ideas", "dir": "desc"})
    names = ["Xã An Khánh", "Xã Tân Minh"]
    table = by_ideas.text[by_ideas.text.index('id="communes"') :]
    assert table.index(names[0]) < table.index(names[1])
    assert 'aria-sort="descending"' in table
    reverse = await client.get("/city", params={"sort": "ideas", "dir": "asc"})
    table = reverse.text[reverse.text.index('id="communes"') :]
    assert table.index(names[1]) < table.index(names[0])
    odd = await client.get("/city", params={"sort": "nonsense"})
    assert odd.status_code == 200


async def test_a_bad_date_is_shown_beside_its_field_and_kept(client, world):
    page = await client.get("/city", params={"from": "32/01/2026", "to": "30/11/2026"})
    assert page.status_code == 200
    assert 'id="e-from"' in page.text and 'value="32/01/2026"' in page.text
    assert "Không có ngày này" in page.text or "32/01/2026" in page.text


async def test_city_staff_export_a_report(app, client, world, clock):
    staff = await make_user(commune=world["a"], now=clock(), email="so@example.com")
    await accounts_services.grant_role(staff.id, Role.city_organizer, actor=None, now=clock())
    assert (await client.get("/city/export.xlsx")).status_code in (302, 303, 401)
    await login(client, "so@example.com", PASSWORD)
    page = await client.get("/city")
    assert "/city/export.xlsx" in page.text
    response = await client.get("/city/export.xlsx", params={"from": "01/11/2026", "to": "30/11/2026"})
    assert response.status_code == 200
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(response.content))
    assert "Tổng hợp" in book.sheetnames and len(book.sheetnames) >= 7
    sheet = book["Tổng hợp"]
    text = [[c for c in row] for row in sheet.iter_rows(values_only=True)]
    assert isinstance(text[1][0], str) and "01/11/2026" in text[1][0] and "30/11/2026" in text[1][0]
    assert isinstance(text[2][0], str) and "27/11/2026" in text[2][0]  # the date of extraction
    header = next(r for r in text if r[0] == "Xã")
    assert "Ý tưởng đã nộp" in header
    city_row = text[-1]
    assert city_row[0] == "Toàn thành phố" and city_row[header.index("Ý tưởng đã nộp")] == 2
    csv = await client.get("/city/export.csv")
    assert csv.status_code == 200 and csv.content.startswith(b"\xef\xbb\xbf")
    assert "Ý tưởng đã nộp" in csv.content.decode("utf-8-sig")


async def test_only_city_staff_and_admins_export(client, world, clock, make_user):
    organizer = await make_user(roles=(Role.organizer,), email="btc@example.com")
    await login(client, organizer.email, PASSWORD)
    assert (await client.get("/city/export.csv")).status_code == 403
    assert (await client.get("/city")).status_code == 200


async def test_the_city_role_belongs_to_no_commune(world, clock):
    staff = await make_user(commune=world["a"], now=clock())
    with pytest.raises(AccountError):
        await accounts_services.grant_role(
            staff.id, Role.city_organizer, commune_id=world["a"]["id"], actor=None, now=clock()
        )
    assert await accounts_services.grant_role(staff.id, Role.city_organizer, actor=None, now=clock())
    grant = await RoleGrant.select().where(RoleGrant.user == staff.id).first()
    assert grant["commune"] is None and grant["role"] == "city_organizer"


async def test_the_command_grants_the_city_role_once_and_audits_it(world, clock):
    from accounts.tables import AuditEvent
    from city.staff import grant_city_organizer

    staff = await make_user(commune=world["a"], now=clock(), email="canbo.so@example.com")
    user_id, granted = await grant_city_organizer("CanBo.So@example.com", now=clock())
    assert (user_id, granted) == (staff.id, True)
    assert (await grant_city_organizer("canbo.so@example.com", now=clock()))[1] is False
    assert (
        await AuditEvent.count().where(
            (AuditEvent.action == "role.granted")
            & (AuditEvent.target_id == str(staff.id))
            & AuditEvent.commune.is_null()  # the city role; the city level's organizer role is audited with it
        )
        == 1
    )
    with pytest.raises(AccountError):
        await grant_city_organizer("khong.co@example.com", now=clock())


def test_the_reports_text_cells_are_never_formulas():
    """A name starting with "=" is stored as text in the Excel report, as typed, without an apostrophe."""
    from openpyxl import Workbook, load_workbook

    from city.export import _append_text

    book = Workbook()
    _append_text(book.active, ['=HYPERLINK("http://x","Xã")', 3, "+84 912"])
    buf = io.BytesIO()
    book.save(buf)
    cells = list(load_workbook(io.BytesIO(buf.getvalue())).active.iter_rows())[0]
    assert [c.data_type for c in cells] == ["s", "n", "s"]
    assert cells[0].value == '=HYPERLINK("http://x","Xã")' and cells[2].value == "+84 912"
