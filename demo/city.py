"""Demo data of the city's programme: the Department's staff account and local sponsors (fictional; idempotent)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from accounts import services
from accounts.tables import Role, User
from demo import load
from demo.people import ensure_user

# The Department's staff account, the city final and local sponsors: demo/data/city.toml.
_DATA = load.data("city")
CITY_ORGANIZER: tuple[str, str, int] = _DATA["organizer"]
# commune slug, sponsor, kind, [(contest slug, pledge kind, description, value in đồng, hours, award name, delivered)]
SPONSORS = [
    (
        sponsor["commune"],
        sponsor["name"],
        sponsor["kind"],
        list(
            load.records(sponsor["pledges"], "contest", "kind", "description", "value", "hours", "award", "delivered")
        ),
    )
    for sponsor in _DATA["sponsors"]
]
CITY_FINAL: dict[str, Any] = _DATA["final"]
CITY_CRITERIA: tuple[tuple[str, float], ...] = _DATA["criteria"]
CITY_JUDGES: tuple[str, ...] = _DATA["judges"]
# commune slug, its organizer, ideas nominated, of them confirmed by the team
CITY_NOMINATIONS: tuple[tuple[str, str, int, int], ...] = _DATA["nominations"]


async def seed_city(*, password_hash: str, now: dt.datetime) -> str:
    email, full_name, birth_year = CITY_ORGANIZER
    user_id = await ensure_user(
        email, full_name, birth_year, commune_id=None, hamlet_id=None, password_hash=password_hash, created_at=now
    )
    await services.grant_role(user_id, Role.city_organizer, actor=None, now=now)
    sponsors = await seed_sponsors(now=now)
    return "City programme staff: city@example.com. " + sponsors + " " + await seed_city_final(user_id, now=now)


async def seed_sponsors(*, now: dt.datetime) -> str:
    """Three local sponsors and their pledges (one funds an award and is delivered); idempotent."""
    from accounts.tables import Commune
    from city.tables import Pledge, Sponsor
    from contest.tables import Award, Contest

    created = 0
    for commune_slug, name, kind, pledges in SPONSORS:
        commune = await Commune.select(Commune.id).where(Commune.slug == commune_slug).first()
        if commune is None or await Sponsor.exists().where((Sponsor.commune == commune["id"]) & (Sponsor.name == name)):
            continue
        sponsor = Sponsor(commune=commune["id"], name=name, kind=kind, created_at=now - dt.timedelta(days=40))
        await sponsor.save()
        created += 1
        for slug, pledge_kind, description, value, hours, award_name, delivered in pledges:
            contest = await Contest.select(Contest.id).where(Contest.slug == slug).first()
            if contest is None:
                continue
            award = (
                await Award.select(Award.id)
                .where((Award.contest == contest["id"]) & (Award.name == award_name))
                .first()
                if award_name
                else None
            )
            await Pledge(
                sponsor=sponsor.id,
                contest=contest["id"],
                kind=pledge_kind,
                description=description,
                value_vnd=value,
                hours=hours,
                award=award["id"] if award else None,
                delivered=delivered,
                delivered_value_vnd=value if delivered else None,
                delivered_at=now - dt.timedelta(days=20) if delivered else None,
                created_at=now - dt.timedelta(days=40),
            ).save()
    return f"{created} local sponsors."


# ---------------------------------------------------------------- the city final


async def seed_city_final(city_user_id: int, *, now: dt.datetime) -> str:
    """The city final in its judging phase: the city level, city@example.com organizing it, a rubric,
    a panel from both communes, and each demo commune's nominations (some confirmed); idempotent."""
    from accounts.scope import PLATFORM, Scope
    from accounts.tables import Commune
    from city import final
    from contest import judging
    from contest.tables import Contest, Criterion, Round, RoundJudging, VoteRules

    await final.make_city_organizer(city_user_id, now=now)
    if await Contest.exists().where(Contest.slug == CITY_FINAL["slug"]):
        return f"City final «{CITY_FINAL['title']}» already there."
    level = await final.ensure_city_level(now=now)
    start = now.replace(minute=0, second=0, microsecond=0)
    contest = Contest(
        commune=level,
        published=True,
        residents_only=False,
        min_age=16,
        max_age=35,
        created_at=start - dt.timedelta(days=30),
        **CITY_FINAL,
    )
    await contest.save()
    round_ = Round(
        contest=contest.id,
        name="Vòng chung kết thành phố",
        position=1,
        submission_opens=start - dt.timedelta(days=20),
        submission_closes=start - dt.timedelta(days=2),
        judging_closes=start + dt.timedelta(days=12),
        vote_opens=start + dt.timedelta(days=13),
        vote_closes=start + dt.timedelta(days=18),
        results_at=start + dt.timedelta(days=20),
    )
    await round_.save()
    for position, (name, weight) in enumerate(CITY_CRITERIA, start=1):
        await Criterion(
            round=round_.id,
            name=name,
            weight=weight,
            scale_min=1,
            scale_max=5,
            position=position,
            descriptors=["Chưa đạt", "Cần cải thiện", "Đạt", "Tốt", "Xuất sắc"],
        ).save()
    await VoteRules(round=round_.id, votes_per_voter=3, residents_only=True, jury_weight=0.7).save()
    settings = await judging.settings_of(round_.id)
    await RoundJudging.update({RoundJudging.judges_per_entry: 2}).where(RoundJudging.id == settings["id"])
    final_id = await final.create_final(
        contest.id,
        per_commune=3,
        nominations_close=start + dt.timedelta(days=5),
        actor_id=city_user_id,
        now=start - dt.timedelta(days=20),
        scope=PLATFORM,
    )
    confirmed = 0
    for slug, organizer_email, count, confirm in CITY_NOMINATIONS:
        commune = await Commune.select(Commune.id).where(Commune.slug == slug).first()
        organizer = await User.select(User.id).where(User.email == organizer_email).first()
        if commune is None or organizer is None:
            continue
        scope = Scope.of_communes(commune["id"])
        moment = start - dt.timedelta(days=4)
        data = await final.candidates(final_id, scope=scope, now=moment)
        best = [row for r in data["rounds"][:1] for row in r.rows][:count]
        for n, row in enumerate(best):
            nomination_id = await final.nominate(
                final_id, row.idea, actor_id=organizer["id"], now=moment, scope=scope, note=""
            )
            if n < confirm:
                team = await final.team_nomination(nomination_id, user_id=await _lead(row.idea))
                await final.respond(
                    nomination_id,
                    user_id=team["idea.lead"],
                    accept=True,
                    shared=[c["sheet"] for c in team["comments"][:2]],
                    now=moment + dt.timedelta(days=1),
                )
                confirmed += 1
    judges = 0
    for email in CITY_JUDGES:
        judge = await User.select(User.id).where(User.email == email).first()
        if judge is None:
            continue
        moment = start - dt.timedelta(days=3)
        await judging.add_judge(round_.id, email, expertise=[], actor_id=city_user_id, now=moment, scope=PLATFORM)
        for member in await judging.panel_invitations(judge["id"]):
            if member.round == round_.id:
                await judging.accept_panel(member.id, user_id=judge["id"], now=moment)
        await judging.sign_declaration(
            round_.id, judge["id"], statement="", related_codes=[], relatives=[], now=moment + dt.timedelta(hours=1)
        )
        judges += 1
    if confirmed and judges:
        await judging.run_assignment(round_.id, actor_id=city_user_id, now=start - dt.timedelta(days=1), scope=PLATFORM)
    return f"City final «{CITY_FINAL['title']}» with {confirmed} confirmed finalists and {judges} judges."


async def _lead(idea_id: int) -> int:
    from contest.tables import Idea

    row = await Idea.select(Idea.lead).where(Idea.id == idea_id).first()
    assert row is not None  # an idea the demo has just seeded
    return row["lead"]
