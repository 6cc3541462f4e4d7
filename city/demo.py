"""Demo data of the city's programme: the Department's staff account and local sponsors (fictional; idempotent)."""

from __future__ import annotations

import datetime as dt

from accounts import services
from accounts.tables import Role, User

CITY_ORGANIZER = ("city@example.com", "Lương Thị Minh Châu", 1984)


async def seed_city(*, password_hash: str, now: dt.datetime) -> str:
    email, full_name, birth_year = CITY_ORGANIZER
    row = await User.select(User.id).where(User.email == email).first()
    if row:
        user_id = row["id"]
    else:
        user = User(
            username=email,
            email=email,
            password=password_hash,
            full_name=full_name,
            birth_year=birth_year,
            active=True,
            terms_accepted_at=now,
            privacy_accepted_at=now,
            pseudonym=services.new_pseudonym(),
            created_at=now,
        )
        await user.save()
        user_id = user.id
    await services.grant_role(user_id, Role.city_organizer, actor=None, now=now)
    return "City programme staff: city@example.com. " + await seed_sponsors(now=now)


# commune slug, sponsor, kind, [(contest slug, pledge kind, description, value in đồng, hours, award name, delivered)]
SPONSORS = [
    (
        "an-khanh",
        "Công ty TNHH Cơ khí Chính xác An Khánh",
        "firm",
        [
            (
                "y-tuong-sang-tao-2025",
                "prize_money",
                "Tiền thưởng cho giải cao nhất",
                10_000_000,
                None,
                "Giải Nhất",
                True,
            ),
            (
                "y-tuong-sang-tao-2026",
                "equipment",
                "Cho mượn máy in 3D và máy cắt laser để làm mẫu thử",
                25_000_000,
                None,
                None,
                False,
            ),
        ],
    ),
    (
        "an-khanh",
        "Hợp tác xã Nông nghiệp Khánh Hội",
        "cooperative",
        [
            (
                "y-tuong-sang-tao-2026",
                "space",
                "Góc «Sáng tạo trẻ» tại nhà văn hóa thôn Khánh Hội, tối thứ Bảy hằng tuần",
                None,
                None,
                None,
                False,
            ),
        ],
    ),
    (
        "tan-minh",
        "Trường THPT Tân Minh",
        "school",
        [
            (
                "y-tuong-xanh-tan-minh-2026",
                "expertise",
                "Giáo viên Vật lý và Tin học hướng dẫn làm mẫu thử",
                None,
                20,
                None,
                False,
            ),
        ],
    ),
]


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
