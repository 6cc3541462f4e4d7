"""The demo's communes and accounts: "Xã An Khánh" with one demo account per role, and a second commune,
"Xã Tân Minh", with its own organizer and judges (idempotent). Every person here is fictional.
"""

from __future__ import annotations

import datetime as dt

from accounts import services
from accounts.tables import Commune, Hamlet, Role, User

DEMO_PASSWORD = "sangtao-demo"
COMMUNE = {
    "name": "Xã An Khánh",
    "slug": "an-khanh",
    "code": "AK",
    "province": "Thành phố Hải Phòng",
    "description": (
        "Xã An Khánh hưởng ứng chương trình «Hải Phòng — Thành phố Đổi mới sáng tạo»: mỗi năm xã tổ chức "
        "cuộc thi ý tưởng sáng tạo cho thanh niên, mời các vườn ươm khởi nghiệp, chuyên gia của Sở Khoa học "
        "và Công nghệ và các trường đại học của thành phố đồng hành, và đưa mọi thủ tục lên mạng."
    ),
}
HAMLETS = [
    ("Thôn An Lạc", 820),
    ("Thôn Khánh Hội", 760),
    ("Thôn Đông Thượng", 640),
    ("Thôn Đoài Hạ", 590),
    ("Thôn Bến Đò", 430),
    ("Thôn Tân Lập", 510),
]
PEOPLE = [
    # email, full name, birth year, hamlet index, roles
    ("admin@example.com", "Quản trị viên Hệ thống", 1985, 0, [Role.admin]),
    ("organizer@example.com", "Phạm Thị Hồng Nhung", 1988, 1, [Role.organizer]),
    ("judge1@example.com", "Vũ Đức Thắng", 1962, 0, [Role.judge]),
    ("judge2@example.com", "Nguyễn Thị Lan Anh", 1975, 2, [Role.judge]),
    ("judge3@example.com", "Trần Minh Quân", 1980, 3, [Role.judge]),
    ("mentor1@example.com", "TS. Lê Hoàng Nam", 1979, 4, [Role.mentor]),
    ("youth1@example.com", "Đỗ Minh Khôi", 2006, 1, []),
    ("citizen1@example.com", "Hoàng Văn Bình", 1970, 5, []),
]
SECOND_COMMUNE = {
    "name": "Xã Tân Minh",
    "slug": "tan-minh",
    "code": "TM",
    "province": "Thành phố Hải Phòng",
    "description": (
        "Xã Tân Minh tổ chức cuộc thi ý tưởng «Tân Minh xanh» cho thanh niên: làng xóm sạch hơn, mát hơn và an "
        "toàn hơn nhờ những việc làm được ngay."
    ),
}
SECOND_HAMLETS = [("Thôn Tân Lập", 540), ("Thôn Minh Đức", 610), ("Thôn Đồng Tâm", 480), ("Thôn Hòa Bình", 450)]
SECOND_PEOPLE = [
    ("organizer2@example.com", "Ngô Thị Thanh Hà", 1986, 0, [Role.organizer]),
    ("judge4@example.com", "Đinh Văn Hùng", 1968, 1, [Role.judge]),
    ("judge5@example.com", "Phan Thị Thu Hiền", 1977, 2, [Role.judge]),
]


async def ensure_commune(spec: dict | None = None, hamlets: list[tuple[str, int]] | None = None) -> int:
    spec, hamlets = spec or COMMUNE, hamlets or HAMLETS
    row = await Commune.select(Commune.id).where(Commune.slug == spec["slug"]).first()
    if row:
        commune_id = row["id"]
    else:
        commune = Commune(**spec)
        await commune.save()
        commune_id = commune.id
    for order, (name, population) in enumerate(hamlets):
        if not await Hamlet.exists().where((Hamlet.commune == commune_id) & (Hamlet.name == name)):
            await Hamlet(commune=commune_id, name=name, population=population, sort_order=order).save()
    return commune_id


async def ensure_user(
    email: str,
    full_name: str,
    birth_year: int,
    hamlet_id: int | None,
    commune_id: int,
    password_hash: str,
    now: dt.datetime,
) -> int:
    row = await User.select(User.id).where(User.email == email).first()
    if row:
        return row["id"]
    user = User(
        username=email,
        email=email,
        password=password_hash,
        full_name=full_name,
        birth_year=birth_year,
        commune=commune_id,
        hamlet=hamlet_id,
        active=True,
        terms_accepted_at=now,
        privacy_accepted_at=now,
        pseudonym=services.new_pseudonym(),
        created_at=now,
    )
    await user.save()
    return user.id


async def ensure_people(commune_id: int, people: list, password_hash: str, now: dt.datetime) -> int:
    """The demo accounts of a commune with their roles (organizers scoped to it); how many were new."""
    hamlets = await services.hamlets_of(commune_id)
    created = 0
    for email, name, year, hamlet_index, roles in people:
        existed = await User.exists().where(User.email == email)
        user_id = await ensure_user(email, name, year, hamlets[hamlet_index]["id"], commune_id, password_hash, now)
        created += 0 if existed else 1
        for role in roles:
            scope = commune_id if role is Role.organizer else None
            await services.grant_role(user_id, role, commune_id=scope, actor=None, now=now)
    return created
