"""Demo contest of the second demo commune, «Xã Tân Minh», so that tenancy is visible (idempotent).

Tân Minh has its own organizer (organizer2), its own judges (judge4, judge5), young people, residents
and one contest of two chained rounds. Its «Vòng sơ khảo» is over: ideas submitted through
``contest.services``, judged through ``contest.judging`` (panel, declarations, assignments, submitted
score sheets, frozen, shortlisted) and its results published. Its shortlist was carried into the
«Vòng bình chọn» through ``contest.chaining.advance`` (rows of ``round_entry``); that round takes no new
entries and has no judging, only a public vote, open now: residents verified by importing the
commune's resident list through ``accounts.verification`` (the accounts are matched by name, birth year
and hamlet), and votes cast through ``contest.voting.cast`` on the carried entries.
One idea has an invitation nobody has answered yet, the panel an invitation to a judge without an
account, and two young people are not on the resident list (unverified).

Every person and idea here is fictional. Idempotent: nothing is done when the contest's slug exists;
otherwise the contest, its judging and its vote are seeded in one transaction.
Imports neither ``litestar`` nor ``server``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from accounts import passwords, verification
from accounts import services as accounts_services
from accounts.clock import UTC
from accounts.engine import atomic
from accounts.scope import PLATFORM
from accounts.tables import User
from contest import chaining, judging, services, voting
from contest.phases import Phase, phase_of
from contest.tables import Assignment, Contest, IdeaStatus, PanelMember, Round
from demo.contests import (
    CATEGORIES,
    NO_CONFLICT,
    _create_contest,
    _hour,
    _mark,
    _rubric,
    _seed_idea,
    _spread,
    set_rules_before,
)
from demo.people import DEMO_PASSWORD

ORGANIZER = "organizer2@example.com"
JUDGES = ("judge4@example.com", "judge5@example.com")
# Invited to the panel by email; has no account yet, so the invitation waits.
INVITED_JUDGE = "giamkhao.tanminh@example.com"


def _email(n: int) -> str:
    return f"tanminh{n:02d}@example.com"


# Hamlet indexes follow demo.people.SECOND_HAMLETS: 0 Tân Lập, 1 Minh Đức, 2 Đồng Tâm, 3 Hòa Bình.
YOUTH = (
    # email, full name, birth year, hamlet index
    (_email(1), "Nguyễn Văn An", 1999, 0),
    (_email(2), "Trần Thị Bích Thủy", 2002, 1),
    (_email(3), "Phạm Đức Anh", 2004, 2),
    (_email(4), "Lê Thị Minh Hằng", 1997, 3),
    (_email(5), "Vũ Quang Huy", 2001, 0),
    (_email(6), "Đào Thị Thanh Tâm", 2003, 1),
    (_email(7), "Hoàng Văn Khánh", 1995, 2),
    (_email(8), "Bùi Thị Ngọc Lan", 2006, 3),
)
RESIDENTS = (
    ("cudantm01@example.com", "Đặng Văn Sáu", 1955, 0),
    ("cudantm02@example.com", "Nguyễn Thị Tám", 1962, 1),
    ("cudantm03@example.com", "Trần Văn Bảy", 1970, 2),
    ("cudantm04@example.com", "Lê Thị Chín", 1980, 3),
    ("cudantm05@example.com", "Phạm Văn Mười", 1988, 1),
)
# On the commune's resident list (matched when the list is imported); tanminh07 and tanminh08 are not.
LISTED = tuple(_email(n) for n in range(1, 7)) + tuple(r[0] for r in RESIDENTS)
LISTED_WITHOUT_ACCOUNT = (("Ngô Thị Hoa", 1950, 0), ("Đỗ Văn Lực", 1983, 2))

CONTEST = {
    "slug": "y-tuong-xanh-tan-minh-2026",
    "title": "Cuộc thi ý tưởng «Tân Minh xanh» 2026",
    "tagline": "Sáu ý tưởng xanh của thanh niên Tân Minh — bốn ý tưởng qua vòng sơ khảo vào vòng bình chọn của bà con.",
    "description": """\
Ủy ban nhân dân và Đoàn Thanh niên xã Tân Minh phát động cuộc thi ý tưởng **«Tân Minh xanh»**: những việc \
làm được ngay để làng xóm sạch hơn, mát hơn và an toàn hơn — từ rác thải nhựa, rau sạch đến đường ngập sau mưa.

Ở **vòng sơ khảo**, ban giám khảo của xã đã chấm sáu ý tưởng dự thi và chọn bốn ý tưởng vào **vòng bình chọn**. \
Vòng bình chọn không nhận thêm ý tưởng và không chấm điểm: mỗi cư dân đã xác minh cư trú của xã Tân Minh được \
bình chọn cho **2 ý tưởng**.""",
    "rules": """\
- Trưởng nhóm từ **16 đến 35 tuổi** (tính theo năm sinh) và đang cư trú tại xã Tân Minh.
- Mỗi người gửi **tối đa 3 ý tưởng**.
- Chỉ **cư dân đã xác minh** của xã Tân Minh được bình chọn, mỗi người tối đa **2 phiếu**.
- Vòng sơ khảo: ban giám khảo chấm điểm, bốn ý tưởng có tổng điểm cao nhất vào vòng bình chọn.
- Vòng bình chọn: kết quả theo **số phiếu bình chọn** của bà con.""",
    "prizes": """\
- **Giải Nhất** (1 giải): 5.000.000 đ
- **Giải bình chọn** (1 giải): 1.500.000 đ""",
}
FIRST_ROUND = "Vòng sơ khảo"
VOTE_ROUND = "Vòng bình chọn"
SUBMISSION_CLOSED_DAYS_AGO = 30
SUBMISSION_DAYS = 40
JUDGING_CLOSED_DAYS_AGO = 7
RESULTS_DAYS_AGO = 6  # the first round's results, then its shortlist carried into the vote round
VOTE_OPENED_DAYS_AGO = 2
VOTE_DAYS = 7
# The vote round has no judging: the residents' votes alone decide it (the jury's weight is 0).
RULES = {"votes_per_voter": 2, "change_allowed": True, "live_tally": False, "residents_only": True, "jury_weight": 0.0}
SHORTLIST = 4
SHORTLIST_REASON = "Bốn ý tưởng có tổng điểm cao nhất của ban giám khảo vào vòng bình chọn"

IDEAS: tuple[dict[str, Any], ...] = (
    {
        "lead": _email(1),
        "category": "nong-nghiep",
        "stage": "prototype",
        "budget": 18_000_000,
        "team": (_email(5),),
        "marks": (4, 4, 4, 4),
        "title": "Vườn rau thủy canh trên mái nhà văn hóa thôn",
        "summary": "Tận dụng mái bằng của nhà văn hóa thôn Tân Lập để trồng rau thủy canh, bán cho bếp ăn của "
        "trường mầm non xã.",
        "problem": "Bếp ăn của trường mầm non phải mua rau ở chợ, khó biết nguồn gốc; mái bằng của nhà văn hóa "
        "thôn bỏ trống quanh năm.",
        "solution": "Lắp 12 giàn thủy canh hồi lưu, thanh niên thôn chia ca chăm sóc, trường mầm non đặt rau theo "
        "tuần với giá cố định.",
        "beneficiaries": "Khoảng 150 cháu của trường mầm non và 6 thanh niên có thêm thu nhập.",
        "resources": "Giàn thủy canh, máy bơm nhỏ, dung dịch dinh dưỡng, mái nhà văn hóa do thôn cho mượn.",
    },
    {
        "lead": _email(2),
        "category": "moi-truong",
        "stage": "pilot",
        "budget": 6_000_000,
        "pending": (_email(7),),
        "marks": (4, 5, 4, 3),
        "title": "Đổi vỏ chai nhựa lấy cây giống ở chợ phiên",
        "summary": "Mỗi phiên chợ, bà con mang vỏ chai nhựa đến đổi lấy cây giống rau, hoa; nhựa thu về bán cho "
        "cơ sở tái chế.",
        "problem": "Vỏ chai nhựa vứt ở bờ mương và ruộng; chưa có điểm thu gom riêng cho rác nhựa.",
        "solution": "Một gian đổi chai ở chợ phiên Minh Đức: 10 vỏ chai đổi một bầu cây giống; tiền bán nhựa dùng "
        "mua cây giống cho phiên sau.",
        "beneficiaries": "Các hộ ở thôn Minh Đức và bà con đi chợ phiên.",
        "resources": "Bầu cây giống, bao tải, cân, 4 tình nguyện viên mỗi phiên.",
    },
    {
        "lead": _email(3),
        "category": "chuyen-doi-so",
        "stage": "idea",
        "budget": 12_000_000,
        "marks": (5, 3, 4, 4),
        "title": "Bản đồ số những đoạn đường ngập sau mưa lớn",
        "summary": "Bà con chụp ảnh đoạn đường ngập gửi qua Zalo; nhóm đưa lên bản đồ chung để mọi người tránh và "
        "xã ưu tiên khơi thông cống.",
        "problem": "Sau mỗi trận mưa lớn, đường vào thôn Đồng Tâm ngập sâu, học sinh đi học phải lội nước.",
        "solution": "Nhóm Zalo báo ngập, bản đồ số cập nhật trong ngày, báo cáo hằng tháng gửi Ủy ban nhân dân xã.",
        "beneficiaries": "Học sinh và người đi làm của thôn Đồng Tâm và Hòa Bình.",
        "resources": "Điện thoại, tài khoản bản đồ miễn phí, 3 thành viên trực nhóm.",
    },
    {
        "lead": _email(4),
        "category": "xa-hoi",
        "stage": "pilot",
        "budget": 15_000_000,
        "marks": (3, 4, 5, 4),
        "title": "Lớp bơi an toàn mùa hè ở ao làng Hòa Bình",
        "summary": "Dạy bơi và kỹ năng an toàn dưới nước cho trẻ em trong hai tháng hè, tại ao làng được rào và "
        "làm bậc lên xuống.",
        "problem": "Quanh xã có nhiều ao, sông nhưng phần lớn trẻ em chưa biết bơi.",
        "solution": "Rào một góc ao, làm bậc và phao; hai huấn luyện viên tình nguyện dạy các lớp 10 buổi.",
        "beneficiaries": "Khoảng 80 trẻ từ 7 đến 14 tuổi mỗi hè.",
        "resources": "Phao, lưới rào, bậc gỗ, áo phao, 2 huấn luyện viên.",
    },
    {
        "lead": _email(5),
        "category": "du-lich",
        "stage": "idea",
        "budget": 20_000_000,
        "marks": (3, 3, 3, 3),
        "title": "Tour đạp xe đồng quê Tân Minh cuối tuần",
        "summary": "Cho thuê xe đạp và dẫn khách thành phố đi một vòng đồng lúa, làng nghề và chợ quê vào cuối tuần.",
        "problem": "Tân Minh gần thành phố nhưng chưa có dịch vụ nào mời khách về chơi.",
        "solution": "10 xe đạp, 2 tuyến đường có biển chỉ dẫn, thanh niên thôn làm hướng dẫn viên.",
        "beneficiaries": "Thanh niên hướng dẫn viên và các hộ bán hàng dọc tuyến.",
        "resources": "Xe đạp, biển chỉ dẫn, trang giới thiệu trên mạng.",
    },
    {
        "lead": _email(6),
        "category": "giao-duc-stem",
        "stage": "prototype",
        "budget": 4_000_000,
        "marks": (4, 4, 3, 3),
        "title": "Góc sửa đồ điện miễn phí cho người cao tuổi",
        "summary": "Sáng chủ nhật, học sinh khối kỹ thuật cùng thợ điện của thôn sửa quạt, đèn, nồi cơm cho người "
        "cao tuổi.",
        "problem": "Người cao tuổi sống một mình khó mang đồ điện đi sửa và hay bị lấy giá cao.",
        "solution": "Góc sửa đồ ở nhà văn hóa thôn Minh Đức, có thợ điện hướng dẫn học sinh làm an toàn.",
        "beneficiaries": "Khoảng 60 hộ người cao tuổi của thôn Minh Đức.",
        "resources": "Bộ dụng cụ, linh kiện thay thế, 1 thợ điện, 5 học sinh.",
    },
)
# Votes already cast in the open vote: voter, then the carried entries (by place in the first round's ranking).
VOTES = (
    ("cudantm01@example.com", (0, 1)),
    (_email(2), (1,)),
    ("cudantm03@example.com", (2, 0)),
    (_email(4), (3,)),
    ("cudantm05@example.com", (1, 3)),
    (_email(6), (0,)),
)


async def seed_tan_minh(commune_id: int, *, now: dt.datetime, alias_key: bytes) -> str:
    """Create the Tân Minh demo contest — a judged first round whose shortlist went on to a vote round open now —
    unless it exists; a line saying what was done."""
    now = now.astimezone(UTC)
    if await Contest.exists().where(Contest.slug == CONTEST["slug"]):
        return f"Demo contest «{CONTEST['title']}» already there."
    password_hash = await passwords.hash_async(DEMO_PASSWORD)
    async with atomic(Contest._meta.db):
        users = await _ensure_people(commune_id, password_hash, now)
        staff = await _ids([ORGANIZER, *JUDGES])
        round_, vote_round = await _contest(commune_id, users, now)
        judged = await _judging(round_, staff, now)
        carried = await chaining.advance(
            round_["id"], actor_id=staff[ORGANIZER], scope=PLATFORM, now=round_["results_at"] + dt.timedelta(hours=3)
        )
        voted = await _vote(commune_id, vote_round, users, staff[ORGANIZER], alias_key=alias_key, now=now)
    return (
        f"Demo contest «{CONTEST['title']}» created with {len(IDEAS)} ideas; {judged}; {carried['through']} "
        f"carried into «{VOTE_ROUND}»; {voted}."
    )


async def _ensure_people(commune_id: int, password_hash: str, now: dt.datetime) -> dict[str, int]:
    hamlets = [h["id"] for h in await accounts_services.hamlets_of(commune_id)]
    joined = now - dt.timedelta(days=100)
    users = {}
    for email, full_name, birth_year, hamlet in (*YOUTH, *RESIDENTS):
        row = await User.select(User.id).where(User.email == email).first()
        if row is None:
            user = User(
                username=email,
                email=email,
                phone=None,
                password=password_hash,
                full_name=full_name,
                birth_year=birth_year,
                commune=commune_id,
                hamlet=hamlets[hamlet],
                active=True,
                terms_accepted_at=joined,
                privacy_accepted_at=joined,
                pseudonym=accounts_services.new_pseudonym(),
                created_at=joined,
            )
            await user.save()
            row = {"id": user.id}
        users[email] = row["id"]
    return users


async def _contest(commune_id: int, users: dict[str, int], now: dt.datetime) -> tuple[dict[str, Any], dict[str, Any]]:
    """The contest, its first round (judged, results out) with the ideas submitted in time, and its vote round.

    The vote round takes no new entries and has no judging: it starts with its public vote (open at ``now``),
    after the first round's results."""
    start = _hour(now)
    closes = start - dt.timedelta(days=SUBMISSION_CLOSED_DAYS_AGO)
    opens = closes - dt.timedelta(days=SUBMISSION_DAYS)
    dates = dict(
        submission_opens=opens,
        submission_closes=closes,
        judging_closes=start - dt.timedelta(days=JUDGING_CLOSED_DAYS_AGO),
        results_at=start - dt.timedelta(days=RESULTS_DAYS_AGO),
    )
    contest, round_, categories = await _create_contest(
        CONTEST, commune_id, FIRST_ROUND, dates, created_at=opens - dt.timedelta(days=10), categories=CATEGORIES
    )
    vote_opens = start - dt.timedelta(days=VOTE_OPENED_DAYS_AGO)
    vote_closes = vote_opens + dt.timedelta(days=VOTE_DAYS)
    await Round(
        contest=contest["id"],
        name=VOTE_ROUND,
        position=2,
        submission_opens=vote_opens,
        submission_closes=vote_opens,
        judging_closes=vote_opens,
        vote_opens=vote_opens,
        vote_closes=vote_closes,
        results_at=vote_closes + dt.timedelta(days=2),
        takes_entries=False,
        has_judging=False,
    ).save()
    moments = _spread(opens + dt.timedelta(days=3), closes - dt.timedelta(days=1), len(IDEAS))
    for spec, at in zip(IDEAS, moments, strict=False):
        await _seed_idea(contest, round_, spec, users=users, categories=categories, at=at, now=now)
    rounds = await services.rounds_of(contest["id"])
    return rounds[0], rounds[1]


async def _judging(round_: dict[str, Any], staff: dict[str, int], now: dt.datetime) -> str:
    """Rubric, the two judges, their declarations and sheets inside the judging phase; frozen; four shortlisted."""
    round_id, organizer = round_["id"], staff[ORGANIZER]
    opens, closes, judging_closes = round_["submission_opens"], round_["submission_closes"], round_["judging_closes"]
    criteria = await _rubric(round_id)
    invited = opens + dt.timedelta(days=5)
    for n, email in enumerate(JUDGES):
        await judging.add_judge(
            round_id,
            email,
            expertise=[],
            actor_id=organizer,
            now=invited + dt.timedelta(minutes=10 * n),
            scope=PLATFORM,
        )
        member = (
            await PanelMember.select(PanelMember.id)
            .where((PanelMember.round == round_id) & (PanelMember.contact == email))
            .first()
        )
        await judging.accept_panel(member["id"], user_id=staff[email], now=invited + dt.timedelta(days=1, hours=n))
    await judging.add_judge(
        round_id, INVITED_JUDGE, expertise=[], actor_id=organizer, now=invited + dt.timedelta(days=2), scope=PLATFORM
    )
    await judging.update_settings(
        round_id,
        values={
            "judges_per_entry": 2,
            "min_per_judge": 0,
            "max_per_judge": None,
            "anchors": 0,
            "method": "additive",
        },
        actor_id=organizer,
        now=invited + dt.timedelta(hours=1),
        scope=PLATFORM,
    )
    for n, email in enumerate(JUDGES):
        await judging.sign_declaration(
            round_id,
            staff[email],
            statement=NO_CONFLICT,
            related_codes=[],
            relatives=[],
            now=closes + dt.timedelta(hours=6 + 4 * n),
        )
    await judging.run_assignment(round_id, actor_id=organizer, now=closes + dt.timedelta(days=1), scope=PLATFORM)
    marks = {spec["title"]: spec["marks"] for spec in IDEAS}
    rows = (
        await Assignment.select(Assignment.id, Assignment.judge, Assignment.idea, Assignment.idea.title)
        .where(Assignment.round == round_id)
        .order_by(Assignment.id)
    )
    for n, email in enumerate(JUDGES):
        mine = [r for r in rows if r["judge"] == staff[email]]
        moments = _spread(closes + dt.timedelta(days=3 + n), judging_closes - dt.timedelta(days=3), len(mine))
        for place, (row, at) in enumerate(zip(mine, moments, strict=False)):
            fair = marks[row["idea.title"]]
            scores = {c["id"]: (str(_mark(fair[k], n, place, k)), "") for k, c in enumerate(criteria)}
            await judging.save_sheet(
                row["id"],
                judge_id=staff[email],
                scores=scores,
                submit=True,
                now=at,
                overall_comment="Ý tưởng thiết thực cho xã; nhóm nên làm thử nhỏ trước.",
            )
    await judging.ensure_frozen(
        round_id, now=judging_closes + dt.timedelta(hours=1), actor_id=organizer, scope=PLATFORM
    )
    ranking = (await judging.results(round_id))["ranking"]
    chosen = [r["idea"]["id"] for r in ranking if r["idea"] and r["idea"]["status"] == IdeaStatus.submitted.value]
    await judging.shortlist(
        round_id,
        chosen[:SHORTLIST],
        actor_id=organizer,
        reason=SHORTLIST_REASON,
        now=judging_closes + dt.timedelta(hours=2),
        scope=PLATFORM,
    )
    return f"{len(rows)} score sheets by {len(JUDGES)} judges, {min(SHORTLIST, len(chosen))} shortlisted"


async def _vote(
    commune_id: int,
    round_: dict[str, Any],
    users: dict[str, int],
    organizer: int,
    *,
    alias_key: bytes,
    now: dt.datetime,
) -> str:
    """The resident list imported (its accounts verified), the vote round's rules set before its vote, and a few
    votes on the entries carried into it."""
    round_id, opens = round_["id"], round_["vote_opens"]
    hamlets = {h["id"]: h["name"].removeprefix("Thôn ") for h in await accounts_services.hamlets_of(commune_id)}
    people = {
        r["email"]: r
        for r in await User.select(User.email, User.full_name, User.birth_year, User.hamlet).where(
            User.email.is_in(list(LISTED))
        )
    }
    listed = [(people[e]["full_name"], people[e]["birth_year"], hamlets[people[e]["hamlet"]]) for e in LISTED]
    order = list(hamlets.values())
    listed += [(name, year, order[h]) for name, year, h in LISTED_WITHOUT_ACCOUNT]
    rows = [
        verification.ResidentRow(line, name, year, hamlet, None)
        for line, (name, year, hamlet) in enumerate(sorted(listed, key=lambda r: (r[2], r[0])), start=2)
    ]
    imported = await verification.import_residents(
        commune_id, rows, replace=False, actor_id=organizer, now=opens - dt.timedelta(days=6)
    )
    await set_rules_before(round_id, RULES, actor_id=organizer, at=opens - dt.timedelta(hours=20))
    what = f"{imported['verified']} residents verified by the resident list"
    if phase_of(round_, now) is not Phase.voting:
        return what + ", the vote is not open at the seed's time"
    first = (await services.rounds_of(round_["contest"]))[0]
    ranking = [r["idea"]["id"] for r in (await judging.results(first["id"]))["ranking"] if r["idea"]]
    votable = set(await voting.votable_ideas(round_id))
    entries = [i for i in ranking if i in votable]
    plan = [(users[email], entries[place]) for email, places in VOTES for place in places if place < len(entries)]
    moments = _spread(
        opens + dt.timedelta(hours=2), min(now, round_["vote_closes"]) - dt.timedelta(minutes=30), len(plan)
    )
    for n, ((voter, idea), at) in enumerate(zip(plan, moments, strict=False)):
        await voting.cast(round_id, idea, voter_id=voter, now=at, alias_key=alias_key, ip=f"198.51.100.{10 + n}")
    return what + f", {len(plan)} votes cast"


async def _ids(emails: list[str]) -> dict[str, int]:
    rows = {r["email"]: r["id"] for r in await User.select(User.id, User.email).where(User.email.is_in(emails))}
    missing = [e for e in emails if e not in rows]
    if missing:
        raise RuntimeError(f"The demo accounts {', '.join(missing)} must be seeded first.")
    return rows
