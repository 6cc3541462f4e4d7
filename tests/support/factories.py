"""Factories for test data (no mocks: real rows through the real tables)."""

from __future__ import annotations

import datetime as dt
import itertools

from argon2 import PasswordHasher

from accounts import services
from accounts.tables import Role, User

# Cheap argon2id parameters so tests create users fast; login still verifies for real.
_fast = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
_counter = itertools.count(1)
PASSWORD = "Mật-khẩu-thử-123"


async def make_user(
    *,
    commune: dict,
    now: dt.datetime,
    roles: tuple[Role, ...] = (),
    email: str | None = None,
    phone: str | None = None,
    full_name: str | None = None,
    birth_year: int = 2000,
    password: str = PASSWORD,
) -> User:
    n = next(_counter)
    email = email if email is not None else f"user{n}@example.com"
    user = User(
        username=email or phone,
        email=email or None,
        phone=phone,
        full_name=full_name or f"Người dùng {n}",
        birth_year=birth_year,
        commune=commune["id"],
        hamlet=commune["hamlets"][0],
        password=_fast.hash(password),
        active=True,
        pseudonym=services.new_pseudonym(),
        created_at=now,
        terms_accepted_at=now,
        privacy_accepted_at=now,
    )
    await user.save()
    for role in roles:
        await services.grant_role(
            user.id, role, commune_id=commune["id"] if role is Role.organizer else None, actor=None, now=now
        )
    return user


async def make_resident(user: User | int, *, now: dt.datetime, method: str = "office", phone: str | None = None) -> int:
    """Make an account a verified resident: a line of its commune's resident list, linked to it.

    "Verified resident" means matched to the list (``accounts.verification``), never a bare flag.
    Returns the resident record's id.
    """
    from accounts.tables import ResidentRecord
    from accounts.text import fold

    user_id = user if isinstance(user, int) else user.id
    row = (
        await User.select(User.full_name, User.birth_year, User.hamlet, User.phone, User.commune)
        .where(User.id == user_id)
        .first()
    )
    record = ResidentRecord(
        commune=row["commune"],
        name_key=fold(row["full_name"]),
        birth_year=row["birth_year"],
        hamlet=row["hamlet"],
        phone=phone or row["phone"],
        imported_at=now,
    )
    await record.save()
    await User.update(
        {User.resident: record.id, User.verified_resident: True, User.verified_method: method, User.verified_at: now}
    ).where(User.id == user_id)
    return record.id


async def make_contest(
    *,
    commune: dict,
    now: dt.datetime,
    slug: str = "y-tuong-2026",
    published: bool = True,
    opens_days: float = -10,
    closes_days: float = 20,
    residents_only: bool = True,
    max_ideas: int = 3,
    categories: tuple[str, ...] = ("Nông nghiệp", "Chuyển đổi số", "Môi trường"),
):
    """A contest with one round whose submission phase is open around ``now`` (by default)."""
    from contest.tables import Category, Contest, Round

    contest = Contest(
        commune=commune["id"],
        title="Cuộc thi ý tưởng sáng tạo 2026",
        slug=slug,
        published=published,
        residents_only=residents_only,
        max_ideas_per_person=max_ideas,
        created_at=now,
        description="Thi **ý tưởng** cho thanh niên.",
        rules="Mỗi người tối đa 3 ý tưởng.",
        prizes="Giải Nhất: 10.000.000 đ",
    )
    await contest.save()
    opens = now + dt.timedelta(days=opens_days)
    closes = now + dt.timedelta(days=closes_days)
    round_ = Round(
        contest=contest.id,
        name="Vòng sơ khảo",
        position=1,
        submission_opens=opens,
        submission_closes=closes,
        judging_closes=closes + dt.timedelta(days=10),
        vote_opens=closes + dt.timedelta(days=11),
        vote_closes=closes + dt.timedelta(days=18),
        results_at=closes + dt.timedelta(days=20),
    )
    await round_.save()
    cats = []
    for i, name in enumerate(categories):
        category = Category(contest=contest.id, name=name, slug=f"c{i}", position=i)
        await category.save()
        cats.append(category.id)
    return {"id": contest.id, "slug": slug, "round": round_.id, "categories": cats}


def complete_form(category_id: int, **changes):
    from contest.forms import IdeaForm

    values = dict(
        title="Lọc nước mưa cho thôn Đoài",
        summary="Hệ thống lọc nước mưa giá rẻ cho các hộ gia đình.",
        category_id=str(category_id),
        problem="Nhiều hộ thiếu nước sạch vào mùa khô.",
        solution="Bể lọc cát và than hoạt tính làm từ vật liệu địa phương.",
        beneficiaries="120 hộ dân",
        resources="Vật liệu, 3 tình nguyện viên",
        budget="15.000.000",
        stage="idea",
        body="## Chi tiết",
    )
    values.update(changes)
    return IdeaForm(**values)
