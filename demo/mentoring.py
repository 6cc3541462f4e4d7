"""Demo data of the city-wide mentoring programme around «Xã An Khánh» (idempotent).

Every person, company and conversation here is fictional (the universities and the Department are
real institutions of Hải Phòng; nobody named here works there). Everything goes through the
mentoring modules (``mentoring.directory``, ``requests``, ``workshops`` …) with the seed's clock
moved back to the moment each thing happened:

* the partner organizations, one of each kind, and nine mentors: eight approved (mentor1 … mentor8),
  one still waiting for the organizers (mentor9);
* the needs of five teams of the finished 2025 contest, their requests (two waiting, one declined
  with a reason, one accepted), the mentorship of mentor1 with youth1's «Livestream bán bánh đa từ lò»
  (started 40 days ago, its one-month check-in sent, two session notes, three action items, one done,
  one of mentor1's two coming office hours booked);
* five ideas on the incubation road, moved gate by gate (idea, prototype ×2, pilot, launched as a cooperative);
* a startup-thinking workshop in ten days at the commune's cultural house with eight registrations, and a
  past one with its attendance.

Idempotent: organizations are found by name, people by email, a mentor's profile by its user, a team's
needs, requests and pipeline record by their idea, workshops by title; whatever exists is left alone.
Imports neither ``litestar`` nor ``server``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from accounts import passwords
from accounts import services as accounts_services
from accounts.clock import UTC
from accounts.engine import atomic
from accounts.scope import PLATFORM
from accounts.tables import User
from contest.tables import Idea
from demo.people import DEMO_PASSWORD
from mentoring import directory, match_runs, mentorships, office_hours, pipeline, requests, teams, workshops
from mentoring.tables import (
    ActionItem,
    IncubationRecord,
    MentoringRequest,
    MentorProfile,
    Mentorship,
    Organization,
    OrgKind,
    TeamNeed,
    Workshop,
)

VN = dt.timezone(dt.timedelta(hours=7))  # Asia/Ho_Chi_Minh has had no daylight saving time since 1975
FINISHED = "y-tuong-sang-tao-2025"
ORGANIZER = "organizer@example.com"
YOUTH1 = "youth1@example.com"
MENTOR1 = "mentor1@example.com"
COMMUNE_PLACE = "Xã An Khánh"
CITY_PLACE = "Trung tâm thành phố Hải Phòng"


def _youth(n: int) -> str:
    return f"thanhnien{n:02d}@example.com"


# ---------------------------------------------------------------- organizations

INCUBATOR = "Vườn ươm Khởi nghiệp Đổi mới sáng tạo Hải Phòng"
UNIVERSITY_HP = "Trường Đại học Hải Phòng"
UNIVERSITY_MARITIME = "Trường Đại học Hàng hải Việt Nam"
DOST = "Sở Khoa học và Công nghệ Hải Phòng"
ENTERPRISE = "Công ty TNHH Nông sản Sạch An Khánh"
YOUTH_UNION = "Đoàn Thanh niên xã An Khánh"

ORGANIZATIONS = (
    (
        INCUBATOR,
        OrgKind.incubator,
        "Vườn ươm đồng hành cùng các nhóm khởi nghiệp trẻ của thành phố: huấn luyện tư duy khởi nghiệp, kết nối "
        "chuyên gia, nhà đầu tư và không gian làm việc chung.",
    ),
    (
        UNIVERSITY_HP,
        OrgKind.university,
        "Giảng viên của trường tham gia chương trình cố vấn với tư cách cá nhân, chủ yếu về kinh tế, quản trị "
        "kinh doanh và giáo dục.",
    ),
    (
        UNIVERSITY_MARITIME,
        OrgKind.university,
        "Giảng viên của trường tham gia chương trình cố vấn với tư cách cá nhân, về công nghệ thông tin, kỹ thuật "
        "và môi trường.",
    ),
    (
        DOST,
        OrgKind.dost,
        "Chuyên viên của Sở hướng dẫn các nhóm về thủ tục, sở hữu trí tuệ và các chương trình hỗ trợ khởi nghiệp "
        "đổi mới sáng tạo của thành phố.",
    ),
    (
        ENTERPRISE,
        OrgKind.enterprise,
        "Doanh nghiệp (hư cấu) thu mua và phân phối nông sản sạch của các xã ngoại thành, sẵn lòng chia sẻ kinh "
        "nghiệm bán hàng và làm sản phẩm.",
    ),
    (
        YOUTH_UNION,
        OrgKind.other,
        "Cán bộ Đoàn xã giúp các nhóm thanh niên kết nối với thôn, hộ dân và các hoạt động cộng đồng.",
    ),
)

# ---------------------------------------------------------------- mentors

# email, full name, birth year, organization, local (lives in the commune), profile
MENTORS: tuple[tuple[str, str, int, str, bool, dict[str, Any]], ...] = (
    (
        MENTOR1,
        "TS. Lê Hoàng Nam",
        1979,
        UNIVERSITY_HP,
        False,
        {
            "title": "Giảng viên Khoa Kinh tế và Quản trị kinh doanh, Trường Đại học Hải Phòng",
            "bio": "Mười lăm năm giảng dạy quản trị kinh doanh và tư vấn cho hộ kinh doanh, hợp tác xã ở ngoại thành "
            "Hải Phòng. Tôi thích giúp các nhóm trẻ tìm ra khách hàng thật trước khi bỏ nhiều tiền, và đưa sản "
            "phẩm làng nghề lên sàn thương mại điện tử.",
            "expertise": ["business_model", "marketing", "sales", "pitching"],
            "free_tags": "thương mại điện tử, làng nghề, livestream",
            "sectors": ["digital", "agriculture", "tourism"],
            "stages": ["idea", "prototype", "pilot"],
            "languages": ["vi", "en"],
            "capacity": 3,
            "availability": ["tue-evening", "thu-evening", "sat-morning"],
            "mode": "any",
            "place": COMMUNE_PLACE,
        },
    ),
    (
        "mentor2@example.com",
        "Nguyễn Văn Thành",
        1972,
        UNIVERSITY_MARITIME,
        False,
        {
            "title": "PGS.TS., giảng viên Khoa Công nghệ thông tin, Trường Đại học Hàng hải Việt Nam",
            "bio": "Nghiên cứu và hướng dẫn sinh viên làm ứng dụng di động, hệ thống cảm biến và Internet vạn vật. "
            "Tôi giúp các nhóm chọn công nghệ vừa sức, làm mẫu thử nhanh và thử với người dùng thật.",
            "expertise": ["software", "product", "manufacturing"],
            "free_tags": "Arduino, IoT, ứng dụng di động",
            "sectors": ["digital", "education", "environment"],
            "stages": ["prototype", "pilot"],
            "languages": ["vi", "en"],
            "capacity": 2,
            "availability": ["wed-evening", "sat-afternoon"],
            "mode": "online",
            "place": "",
        },
    ),
    (
        "mentor3@example.com",
        "Trần Thị Thu Hà",
        1983,
        INCUBATOR,
        False,
        {
            "title": "ThS., Giám đốc vườn ươm, Vườn ươm Khởi nghiệp Đổi mới sáng tạo Hải Phòng",
            "bio": "Đã đồng hành cùng hơn 40 nhóm khởi nghiệp, từ ý tưởng trên giấy đến khi gọi được vốn. Tôi giúp "
            "các nhóm viết mô hình kinh doanh, tính dòng tiền và chuẩn bị bài thuyết trình trước nhà đầu tư.",
            "expertise": ["business_model", "fundraising", "pitching", "finance"],
            "free_tags": "gọi vốn, mô hình kinh doanh, thuyết trình",
            "sectors": ["agriculture", "digital", "social"],
            "stages": ["idea", "prototype", "pilot", "launched"],
            "languages": ["vi", "en"],
            "capacity": 4,
            "availability": ["mon-afternoon", "fri-afternoon", "sat-morning"],
            "mode": "any",
            "place": CITY_PLACE,
        },
    ),
    (
        "mentor4@example.com",
        "Phạm Đức Anh",
        1986,
        DOST,
        False,
        {
            "title": "KS., chuyên viên Phòng Quản lý công nghệ, Sở Khoa học và Công nghệ Hải Phòng",
            "bio": "Hướng dẫn thủ tục đăng ký hộ kinh doanh, hợp tác xã, bảo hộ nhãn hiệu và hồ sơ xin hỗ trợ từ các "
            "chương trình khởi nghiệp đổi mới sáng tạo của thành phố.",
            "expertise": ["law", "fundraising", "agritech"],
            "free_tags": "nhãn hiệu, sở hữu trí tuệ, hồ sơ tài trợ",
            "sectors": ["agriculture", "environment"],
            "stages": ["pilot", "launched"],
            "languages": ["vi"],
            "capacity": 2,
            "availability": ["thu-afternoon"],
            "mode": "online",
            "place": "",
        },
    ),
    (
        "mentor5@example.com",
        "Nguyễn Thị Hoa",
        1977,
        ENTERPRISE,
        True,
        {
            "title": "Giám đốc Công ty TNHH Nông sản Sạch An Khánh",
            "bio": "Hai mươi năm buôn bán nông sản, từ chợ đầu mối đến siêu thị và bán trực tuyến. Tôi chia sẻ cách "
            "làm bao bì, định giá, giữ chất lượng đều và tìm người mua ổn định.",
            "expertise": ["sales", "marketing", "agritech", "manufacturing"],
            "free_tags": "bao bì, nông sản sạch",
            "sectors": ["agriculture"],
            "stages": ["pilot", "launched"],
            "languages": ["vi"],
            "capacity": 2,
            "availability": ["sat-evening", "sun-morning"],
            "mode": "in_person",
            "place": COMMUNE_PLACE,
        },
    ),
    (
        "mentor6@example.com",
        "Vũ Thị Minh Ngọc",
        1990,
        UNIVERSITY_HP,
        False,
        {
            "title": "ThS., giảng viên Khoa Sư phạm, Trường Đại học Hải Phòng",
            "bio": "Dạy phương pháp giáo dục STEM và thiết kế hoạt động trải nghiệm cho học sinh. Tôi giúp các nhóm "
            "làm dự án giáo dục, dự án xã hội thiết kế buổi học và đo xem các em học được gì.",
            "expertise": ["education", "product", "business_model"],
            "free_tags": "STEM, trải nghiệm, dự án cộng đồng",
            "sectors": ["education", "social"],
            "stages": ["idea", "prototype"],
            "languages": ["vi", "en"],
            "capacity": 3,
            "availability": ["wed-evening", "sun-morning"],
            "mode": "any",
            "place": COMMUNE_PLACE,
        },
    ),
    (
        "mentor7@example.com",
        "Đặng Quốc Bảo",
        1995,
        YOUTH_UNION,
        True,
        {
            "title": "Phó Bí thư Đoàn Thanh niên xã An Khánh",
            "bio": "Tổ chức các hoạt động tình nguyện, du lịch trải nghiệm và giữ gìn môi trường ở các thôn. Tôi giúp "
            "các nhóm kết nối với thôn, hộ dân và huy động tình nguyện viên.",
            "expertise": ["tourism", "environment", "marketing"],
            "free_tags": "tình nguyện, du lịch cộng đồng",
            "sectors": ["tourism", "environment", "social"],
            "stages": ["idea", "prototype"],
            "languages": ["vi"],
            "capacity": 1,
            "availability": ["sat-evening", "sun-afternoon"],
            "mode": "in_person",
            "place": COMMUNE_PLACE,
        },
    ),
    (
        "mentor8@example.com",
        "Hoàng Thị Bích Thủy",
        1981,
        UNIVERSITY_MARITIME,
        False,
        {
            "title": "TS., giảng viên Viện Môi trường, Trường Đại học Hàng hải Việt Nam",
            "bio": "Nghiên cứu xử lý nước thải, rác thải nông thôn và du lịch sinh thái ven biển. Tôi giúp các nhóm "
            "đo tác động môi trường của dự án và tính chi phí vận hành lâu dài.",
            "expertise": ["environment", "product", "finance"],
            "free_tags": "nước thải, rác thải, du lịch sinh thái",
            "sectors": ["environment", "tourism"],
            "stages": ["prototype", "pilot"],
            "languages": ["vi", "en"],
            "capacity": 2,
            "availability": ["tue-afternoon", "sat-morning"],
            "mode": "online",
            "place": "",
        },
    ),
)
# Applied, not approved yet: the organizer's mentoring page shows the profile waiting.
PENDING_MENTOR = (
    "mentor9@example.com",
    "Lý Văn Hùng",
    1988,
    None,
    False,
    {
        "title": "Chủ cơ sở du lịch cộng đồng ở Cát Bà",
        "bio": "Mười năm làm homestay và tour trải nghiệm làng chài. Tôi muốn giúp các nhóm trẻ làm du lịch cộng "
        "đồng: đón khách, định giá tour, giữ vệ sinh và bán qua các trang đặt phòng.",
        "expertise": ["tourism", "sales"],
        "free_tags": "homestay, du lịch cộng đồng",
        "sectors": ["tourism"],
        "stages": ["idea", "prototype", "pilot"],
        "languages": ["vi", "en"],
        "capacity": 2,
        "availability": ["mon-evening", "thu-evening"],
        "mode": "online",
        "place": "",
    },
)

# ---------------------------------------------------------------- teams of the 2025 contest

LIVESTREAM = "Livestream bán bánh đa từ lò"
WASTE_MAP = "Bản đồ điểm rác tự phát qua Zalo"
FERRY = "Khôi phục bến đò xưa thành điểm dừng chân ven sông"
WARDROBE = "Tủ quần áo 0 đồng cho công nhân và trẻ em"
SCIENCE_CLUB = "Câu lạc bộ «Em yêu khoa học» sáng chủ nhật"
STRAW = "Máy cuộn rơm mini dùng chung cho ruộng nhỏ"

# title, days ago, needs, preferred mentors (by email)
NEEDS = (
    (
        LIVESTREAM,
        43,
        {
            "needs": ["marketing", "sales", "business_model"],
            "sector": "digital",
            "stage": "prototype",
            "availability": ["tue-evening", "sat-morning"],
            "mode": "any",
            "place": COMMUNE_PLACE,
        },
        [MENTOR1, "mentor3@example.com"],
    ),
    (
        WASTE_MAP,
        6,
        {
            "needs": ["software", "environment", "fundraising"],
            "sector": "environment",
            "stage": "prototype",
            "availability": ["tue-evening", "wed-evening", "sat-morning"],
            "mode": "online",
        },
        [MENTOR1, "mentor8@example.com", "mentor2@example.com"],
    ),
    (
        FERRY,
        12,
        {
            "needs": ["tourism", "finance", "law"],
            "sector": "tourism",
            "stage": "idea",
            "availability": ["sat-morning", "sun-afternoon"],
            "mode": "any",
            "place": COMMUNE_PLACE,
        },
        ["mentor8@example.com", "mentor7@example.com"],
    ),
    (
        WARDROBE,
        5,
        {
            "needs": ["business_model", "marketing"],
            "sector": "social",
            "stage": "pilot",
            "availability": ["wed-evening", "sun-morning"],
            "mode": "in_person",
            "place": COMMUNE_PLACE,
        },
        ["mentor6@example.com"],
    ),
    (
        SCIENCE_CLUB,
        4,
        {
            "needs": ["education", "fundraising"],
            "sector": "education",
            "stage": "prototype",
            "languages": ["vi", "en"],
            "availability": ["sun-morning"],
            "mode": "any",
            "place": COMMUNE_PLACE,
        },
        [],
    ),
)

ACCEPTED_MESSAGE = (
    "Chào thầy Nam, nhóm em đã livestream thử 4 buổi ở lò bánh đa Khánh Hội, mỗi buổi được khoảng 6 đơn, phần "
    "lớn là người quen. Nhóm em muốn học cách bán đều hơn và tính giá cho đúng. Nhóm rảnh tối thứ Ba và sáng thứ "
    "Bảy, có thể gặp ở nhà văn hóa thôn hoặc gọi video ạ."
)
# title, mentor email, days ago asked, message, days ago answered, reason (declined) or None (still waiting)
OTHER_REQUESTS = (
    (
        FERRY,
        "mentor8@example.com",
        9,
        "Chào cô Thủy, nhóm em muốn làm lại bến đò cũ thành điểm dừng chân, cần người góp ý về giữ vệ sinh bờ sông "
        "và chi phí duy trì. Mong cô nhận nhóm em ạ.",
        7,
        "Cảm ơn các em đã tin tưởng. Học kỳ này cô kín lịch hướng dẫn sinh viên làm đồ án nên không nhận thêm "
        "nhóm được. Nhóm nên hỏi anh Đặng Quốc Bảo ở Đoàn xã: anh ấy rành du lịch cộng đồng và gặp trực tiếp được.",
    ),
    (
        WARDROBE,
        "mentor6@example.com",
        3,
        "Chào cô Ngọc, tủ quần áo 0 đồng đã chạy thử 2 tháng ở Tân Lập. Nhóm em cần giúp để tổ chức việc nhận, "
        "phân loại đồ cho gọn và kể câu chuyện của tủ để nhiều người gửi đồ hơn ạ.",
        None,
        None,
    ),
    (
        WASTE_MAP,
        MENTOR1,
        1,
        "Chào thầy, bản đồ điểm rác của nhóm em đã có 60 điểm được báo, 38 điểm đã dọn. Nhóm em cần người góp ý "
        "để chuyển sang một ứng dụng đơn giản và tìm nguồn kinh phí duy trì ạ.",
        None,
        None,
    ),
)

# days ago, author (mentor or team lead), notes, action items: (text, owner, due in days from now, done)
NOTES = (
    (
        33,
        MENTOR1,
        "Buổi gặp đầu tiên ở nhà văn hóa thôn Khánh Hội. Nhóm kể lại 4 buổi livestream thử: trung bình 35 người "
        "xem, khoảng 6 đơn mỗi buổi, phần lớn là người quen. Thống nhất mục tiêu 3 tháng: 2 buổi mỗi tuần, 20 đơn "
        "mỗi buổi, giá bán lẻ cao hơn giá thương lái ít nhất 20%.\n\nGóp ý: lên lịch cố định để khách quen nhớ giờ; "
        "mỗi buổi theo kịch bản 3 phần (chuyện của lò, tráng và phơi bánh, cách nấu bánh đa cua); ghi lại số người "
        "xem và số đơn sau mỗi buổi.",
        (
            (
                "Lập lịch livestream cố định tối thứ Ba và sáng thứ Bảy, đăng trước trên trang của nhóm",
                "Đỗ Minh Khôi",
                -26,
                True,
            ),
            ("Tính giá thành một gói bánh đa 10 chiếc kèm hộp và phí gửi hàng", "Hoàng Thị Ngọc Ánh", -19, False),
        ),
    ),
    (
        12,
        YOUTH1,
        "Buổi gặp trực tuyến với thầy Nam. Sau 4 tuần theo lịch mới: 8 buổi, trung bình 52 người xem, 14 đơn mỗi "
        "buổi, 3 khách ở Hà Nội đặt lại lần hai. Chi phí đóng gói và gửi hàng còn cao, đơn nhỏ gần như không có lãi."
        "\n\nThầy gợi ý làm hộp chung in tên «Bánh đa Khánh Hội» cho cả 5 lò, đặt mức đơn tối thiểu và hỏi giá ưu đãi "
        "của đơn vị vận chuyển khi gửi đều mỗi tuần.",
        (("Hỏi giá 2 đơn vị vận chuyển và chọn gói gửi hàng cho đơn dưới 2 kg", "Đỗ Minh Khôi", 5, False),),
    ),
)

# ---------------------------------------------------------------- incubation pipeline

# title, steps: (days ago, stage, gate items met, outcome)
PIPELINE = (
    (
        STRAW,
        (
            (150, "prototype", ["problem_checked", "team_formed"], ""),
            (110, "pilot", ["prototype_built", "users_tested"], ""),
            (60, "launched", ["pilot_run", "costs_known"], "cooperative"),
            (20, "launched", ["registered", "first_sales"], "cooperative"),
        ),
    ),
    (
        WASTE_MAP,
        ((90, "prototype", ["problem_checked", "team_formed"], ""), (30, "prototype", ["prototype_built"], "")),
    ),
    (SCIENCE_CLUB, ((70, "prototype", ["problem_checked", "team_formed"], ""),)),
    (
        LIVESTREAM,
        (
            (45, "prototype", ["problem_checked", "team_formed"], ""),
            (10, "pilot", ["prototype_built", "users_tested"], ""),
            (3, "pilot", ["costs_known"], ""),
        ),
    ),
    (FERRY, ((15, "idea", ["problem_checked"], ""),)),
)

# ---------------------------------------------------------------- workshops

UPCOMING_WORKSHOP = {
    "title": "Tư duy khởi nghiệp: từ ý tưởng đến mô hình kinh doanh",
    "description": "Buổi học thực hành cho thanh niên có ý tưởng khởi nghiệp: kiểm chứng vấn đề với khách hàng, vẽ "
    "mô hình kinh doanh trên một trang giấy, tính giá thành và tập thuyết trình trong 3 phút. Mang "
    "theo ý tưởng của nhóm; bút, giấy và nước uống ban tổ chức chuẩn bị.",
    "place": "Nhà văn hóa xã An Khánh",
    "capacity": 20,
    "organization": INCUBATOR,
}
PAST_WORKSHOP = {
    "title": "Kể chuyện sản phẩm và bán hàng trực tuyến cho nông sản quê",
    "description": "Chụp ảnh sản phẩm bằng điện thoại, viết lời giới thiệu, livestream và chăm sóc khách hàng sau "
    "khi bán; có phần thực hành với sản phẩm của các nhóm.",
    "place": "Nhà văn hóa thôn Khánh Hội, xã An Khánh",
    "capacity": 30,
    "organization": UNIVERSITY_HP,
}
UPCOMING_PEOPLE = (YOUTH1, _youth(1), _youth(3), _youth(5), _youth(10), _youth(13), _youth(17), _youth(27))
PAST_PEOPLE = (
    YOUTH1,
    _youth(2),
    _youth(4),
    _youth(5),
    _youth(8),
    _youth(12),
    _youth(16),
    _youth(19),
    _youth(22),
    _youth(25),
)
PAST_ABSENT = (_youth(12), _youth(19), _youth(25))


# ---------------------------------------------------------------- entry point


async def seed_mentoring(commune_id: int, *, now: dt.datetime) -> str:
    """Create what is missing of the demo mentoring programme; a line saying what was done."""
    now = now.astimezone(UTC)
    people = await _ids([ORGANIZER, YOUTH1, MENTOR1])
    organizer = people[ORGANIZER]
    missing = [m[0] for m in (*MENTORS, PENDING_MENTOR) if not await User.exists().where(User.email == m[0])]
    password_hash = await passwords.hash_async(DEMO_PASSWORD) if missing else ""
    ideas = await _finished_ideas()
    done: list[str] = []
    async with atomic(MentorProfile._meta.db):
        orgs = await _organizations(done)
        mentors = await _mentors(commune_id, orgs, password_hash, organizer=organizer, now=now, done=done)
        await _needs(ideas, mentors, now=now, done=done)
        await _requests(ideas, mentors, now=now, done=done)
        await _pipeline(ideas, organizer=organizer, now=now, done=done)
        await _workshops(commune_id, orgs, organizer=organizer, now=now, done=done)
    return "Demo mentoring: " + ("; ".join(done) if done else "already there") + "."


async def _organizations(done: list[str]) -> dict[str, int]:
    ids, created = {}, 0
    for name, kind, description in ORGANIZATIONS:
        row = await Organization.select(Organization.id).where(Organization.name == name).first()
        if row is None:
            org = Organization(name=name, kind=kind.value, description=description)
            await org.save()
            row, created = {"id": org.id}, created + 1
        ids[name] = row["id"]
    if created:
        done.append(f"{created} partner organizations")
    return ids


async def _mentors(
    commune_id: int, orgs: dict[str, int], password_hash: str, *, organizer: int, now: dt.datetime, done: list[str]
) -> dict[str, int]:
    """Mentor profile ids by email; new profiles are saved 60 days ago, approved two days later (not mentor9)."""
    hamlets = [h["id"] for h in await accounts_services.hamlets_of(commune_id)]
    ids, created = {}, 0
    applied = now - dt.timedelta(days=60)
    for n, (email, name, year, org, local, values) in enumerate((*MENTORS, PENDING_MENTOR)):
        user_id = await _ensure_person(
            email,
            name,
            year,
            commune_id if local else None,
            hamlets[n % len(hamlets)] if local and hamlets else None,
            password_hash,
            created_at=applied - dt.timedelta(days=1),
        )
        row = await MentorProfile.select(MentorProfile.id).where(MentorProfile.user == user_id).first()
        if row is None:
            mentor_id = await directory.save_profile(
                user_id, {**values, "organization": orgs.get(org)}, now=applied + dt.timedelta(hours=n)
            )
            if email != PENDING_MENTOR[0]:
                await directory.approve(mentor_id, actor_id=organizer, now=applied + dt.timedelta(days=2, hours=n))
            row, created = {"id": mentor_id}, created + 1
        ids[email] = row["id"]
    if created:
        done.append(f"{created} mentor profiles")
    return ids


async def _needs(
    ideas: dict[str, dict[str, Any]], mentors: dict[str, int], *, now: dt.datetime, done: list[str]
) -> None:
    created = 0
    for title, days_ago, values, preferred in NEEDS:
        idea = ideas[title]
        if await TeamNeed.exists().where(TeamNeed.idea == idea["id"]):
            continue
        await teams.save_needs(
            idea["id"],
            {**values, "preferred": [mentors[e] for e in preferred]},
            user_id=idea["lead"],
            now=now - dt.timedelta(days=days_ago),
        )
        created += 1
    if created:
        done.append(f"needs of {created} teams")


async def _requests(
    ideas: dict[str, dict[str, Any]], mentors: dict[str, int], *, now: dt.datetime, done: list[str]
) -> None:
    count = 0
    mentor1 = mentors[MENTOR1]
    livestream = ideas[LIVESTREAM]
    if not await _asked(livestream["id"], mentor1):
        await _mentorship(livestream, mentor1, now=now, done=done)
        count += 1
    for title, email, asked, message, answered, reason in OTHER_REQUESTS:
        idea = ideas[title]
        if await _asked(idea["id"], mentors[email]):
            continue
        request_id = await requests.request_mentor(
            idea["id"],
            mentors[email],
            message=message,
            user_id=idea["lead"],
            now=now - dt.timedelta(days=asked, hours=3),
        )
        if answered is not None:
            await requests.respond(
                request_id,
                mentor_user_id=await _user_of(mentors[email]),
                accept=False,
                reason=reason,
                now=now - dt.timedelta(days=answered, hours=1),
            )
        count += 1
    if count:
        done.append(f"{count} mentoring requests")


async def _mentorship(idea: dict[str, Any], mentor_id: int, *, now: dt.datetime, done: list[str]) -> None:
    """youth1's team asks mentor1, who accepts 40 days ago; notes, action items, office hours, the check-in."""
    mentor_user = await _user_of(mentor_id)
    users = {MENTOR1: mentor_user, YOUTH1: idea["lead"]}
    request_id = await requests.request_mentor(
        idea["id"], mentor_id, message=ACCEPTED_MESSAGE, user_id=idea["lead"], now=now - dt.timedelta(days=42, hours=2)
    )
    await requests.respond(
        request_id,
        mentor_user_id=mentor_user,
        accept=True,
        reason="Thầy rất vui được đồng hành cùng nhóm. Hẹn gặp cả nhóm ở nhà văn hóa thôn nhé.",
        now=now - dt.timedelta(days=40),
    )
    mentorship = (
        await Mentorship.select(Mentorship.id)
        .where((Mentorship.idea == idea["id"]) & (Mentorship.mentor == mentor_id))
        .first()
    )
    for days_ago, author, text, actions in NOTES:
        at = now - dt.timedelta(days=days_ago)
        note_id = await mentorships.add_note(
            mentorship["id"],
            user_id=users[author],
            notes=text,
            now=at,
            actions=[
                (a, owner, (now + dt.timedelta(days=due)).astimezone(VN).date().isoformat())
                for a, owner, due, _ in actions
            ],
        )
        items = await ActionItem.select(ActionItem.id).where(ActionItem.note == note_id).order_by(ActionItem.id)
        for item, (_, _, _, finished) in zip(items, actions, strict=False):
            if finished:
                await mentorships.toggle_action(item["id"], user_id=idea["lead"])
    published = now - dt.timedelta(days=2)
    booked = await office_hours.publish_slot(
        mentor_id,
        starts_at=_local(now, days=4, hour=19, minute=30),
        minutes=60,
        mode="in_person",
        location="Nhà văn hóa thôn Khánh Hội, xã An Khánh",
        now=published,
    )
    await office_hours.publish_slot(
        mentor_id,
        starts_at=_local(now, days=11, hour=20),
        minutes=45,
        mode="online",
        location="Gọi video qua Zalo (thầy gửi đường link trước buổi gặp)",
        now=published,
    )
    await office_hours.book(booked, mentorship["id"], user_id=idea["lead"], now=now - dt.timedelta(days=1, hours=5))
    await mentorships.due_checkins(now=now)
    done.append("mentor1's mentorship of «" + LIVESTREAM + "»")


async def _pipeline(ideas: dict[str, dict[str, Any]], *, organizer: int, now: dt.datetime, done: list[str]) -> None:
    created = 0
    for title, steps in PIPELINE:
        idea_id = ideas[title]["id"]
        if await IncubationRecord.exists().where(IncubationRecord.idea == idea_id):
            continue
        for days_ago, stage, checklist, outcome in steps:
            await pipeline.set_stage(
                idea_id,
                stage=stage,
                checklist=checklist,
                outcome=outcome,
                actor_id=organizer,
                now=now - dt.timedelta(days=days_ago),
                scope=PLATFORM,
            )
        created += 1
    if created:
        done.append(f"{created} ideas in the incubation pipeline")


async def _workshops(
    commune_id: int, orgs: dict[str, int], *, organizer: int, now: dt.datetime, done: list[str]
) -> None:
    upcoming = _local(now, days=10, hour=8)
    past = _local(now, days=-25, hour=14)
    for spec, starts, hours, people in (
        (UPCOMING_WORKSHOP, upcoming, 3.5, UPCOMING_PEOPLE),
        (PAST_WORKSHOP, past, 3, PAST_PEOPLE),
    ):
        if await Workshop.exists().where(Workshop.title == spec["title"]):
            continue
        workshop = Workshop(
            organization=orgs[spec["organization"]],
            commune=commune_id,
            title=spec["title"],
            description=spec["description"],
            starts_at=starts,
            ends_at=starts + dt.timedelta(hours=hours),
            place=spec["place"],
            capacity=spec["capacity"],
            published=True,
        )
        await workshop.save()
        ids = await _ids(list(people))
        # Announced three weeks before; people register over the following days.
        first = min(starts - dt.timedelta(days=20), now - dt.timedelta(days=9))
        for n, email in enumerate(people):
            await workshops.register(workshop.id, user_id=ids[email], now=first + dt.timedelta(days=n, hours=3 * n))
        if starts + dt.timedelta(hours=hours) <= now:
            absent = {ids[e] for e in PAST_ABSENT}
            present = [
                r["id"] for r in await workshops.registrations(workshop.id, scope=PLATFORM) if r["user"] not in absent
            ]
            await workshops.set_attendance(
                workshop.id,
                present,
                actor_id=organizer,
                now=starts + dt.timedelta(hours=hours, minutes=30),
                scope=PLATFORM,
            )
        done.append(f"workshop «{spec['title']}» with {len(people)} registrations")


# ---------------------------------------------------------------- helpers


async def _finished_ideas() -> dict[str, dict[str, Any]]:
    """The ideas of the finished 2025 contest this seed uses, by title."""
    titles = {LIVESTREAM, WASTE_MAP, FERRY, WARDROBE, SCIENCE_CLUB, STRAW}
    rows = await Idea.select(Idea.id, Idea.title, Idea.lead).where(
        (Idea.contest.slug == FINISHED) & Idea.title.is_in(list(titles))
    )
    ideas = {r["title"]: r for r in rows}
    missing = titles - set(ideas)
    if missing:
        raise RuntimeError(f"The demo ideas {', '.join(sorted(missing))} of {FINISHED} must be seeded first.")
    return ideas


async def _ids(emails: list[str]) -> dict[str, int]:
    rows = {r["email"]: r["id"] for r in await User.select(User.id, User.email).where(User.email.is_in(emails))}
    missing = [e for e in emails if e not in rows]
    if missing:
        raise RuntimeError(f"The demo accounts {', '.join(missing)} must be seeded first.")
    return rows


async def _ensure_person(
    email: str,
    full_name: str,
    birth_year: int,
    commune_id: int | None,
    hamlet_id: int | None,
    password_hash: str,
    *,
    created_at: dt.datetime,
) -> int:
    row = await User.select(User.id).where(User.email == email).first()
    if row:
        return row["id"]
    user = User(
        username=email,
        email=email,
        phone=None,
        password=password_hash,
        full_name=full_name,
        birth_year=birth_year,
        commune=commune_id,
        hamlet=hamlet_id,
        active=True,
        terms_accepted_at=created_at,
        privacy_accepted_at=created_at,
        pseudonym=accounts_services.new_pseudonym(),
        created_at=created_at,
    )
    await user.save()
    return user.id


async def _user_of(mentor_id: int) -> int:
    row = await MentorProfile.select(MentorProfile.user).where(MentorProfile.id == mentor_id).first()
    return row["user"]


async def _asked(idea_id: int, mentor_id: int) -> bool:
    return await MentoringRequest.exists().where(
        (MentoringRequest.idea == idea_id) & (MentoringRequest.mentor == mentor_id)
    )


def _local(now: dt.datetime, *, days: int, hour: int, minute: int = 0) -> dt.datetime:
    """``days`` after ``now``'s date in Việt Nam, at ``hour``:``minute`` Việt Nam time, in UTC."""
    day = (now.astimezone(VN) + dt.timedelta(days=days)).date()
    return dt.datetime.combine(day, dt.time(hour, minute), VN).astimezone(UTC)


# ---------------------------------------------------------------- the second demo commune, «Xã Tân Minh»

TM_CONTEST = "y-tuong-xanh-tan-minh-2026"
TM_ORGANIZER = "organizer2@example.com"
TM_GREENHOUSE = "Vườn rau thủy canh trên mái nhà văn hóa thôn"
TM_BOTTLES = "Đổi vỏ chai nhựa lấy cây giống ở chợ phiên"
TM_FLOOD_MAP = "Bản đồ số những đoạn đường ngập sau mưa lớn"
TM_SWIMMING = "Lớp bơi an toàn mùa hè ở ao làng Hòa Bình"
TM_NEEDS = (
    (
        TM_GREENHOUSE,
        20,
        {
            "needs": ["business_model", "sales"],
            "sector": "agriculture",
            "stage": "prototype",
            "availability": ["mon-afternoon", "sat-morning"],
            "mode": "any",
            "place": "Xã Tân Minh",
        },
    ),
    (
        TM_BOTTLES,
        9,
        {
            "needs": ["environment", "marketing"],
            "sector": "environment",
            "stage": "pilot",
            "availability": ["wed-evening", "sat-afternoon"],
            "mode": "online",
        },
    ),
    (
        TM_FLOOD_MAP,
        6,
        {
            "needs": ["software", "product"],
            "sector": "digital",
            "stage": "idea",
            "availability": ["wed-evening", "sat-afternoon"],
            "mode": "online",
        },
    ),
    (
        TM_SWIMMING,
        4,
        {
            "needs": ["fundraising", "education"],
            "sector": "education",
            "stage": "pilot",
            "availability": ["sun-morning"],
            "mode": "any",
            "place": "Xã Tân Minh",
        },
    ),
)
TM_MENTOR = "mentor3@example.com"
TM_ACCEPTED = (
    "Chào chị Hà, nhóm em đã trồng thử 3 giàn thủy canh trên mái nhà văn hóa thôn Tân Lập. Nhóm em cần "
    "người góp ý cách tính giá bán rau cho trường mầm non và lập kế hoạch mở rộng ạ."
)
TM_PENDING = (
    TM_FLOOD_MAP,
    "mentor2@example.com",
    "Chào thầy Thành, nhóm em muốn làm bản đồ số đường ngập của xã Tân Minh, cần thầy góp ý chọn công cụ "
    "bản đồ đơn giản và cách nhận ảnh từ bà con ạ.",
)
TM_NOTE = (
    "Buổi gặp đầu tiên ở nhà văn hóa thôn Tân Lập. Nhóm đã thu hoạch 2 lứa rau; trường mầm non muốn đặt "
    "15 kg mỗi tuần. Góp ý: tính giá thành từng kg, ký thỏa thuận giá cố định theo quý."
)
TM_ACTION = ("Tính giá thành một kg rau thủy canh", "Nguyễn Văn An", 7)
TM_WORKSHOP = {
    "title": "Làm phân hữu cơ vi sinh từ phụ phẩm nông nghiệp",
    "description": "Hướng dẫn ủ rơm rạ, vỏ trấu và phân chuồng thành phân hữu cơ vi sinh; có phần thực hành tại "
    "bãi ủ chung của thôn và hỏi đáp với chuyên viên của Sở.",
    "place": "Nhà văn hóa xã Tân Minh",
    "capacity": 25,
    "organization": DOST,
}
TM_WORKSHOP_PEOPLE = (
    "tanminh01@example.com",
    "tanminh02@example.com",
    "tanminh03@example.com",
    "tanminh04@example.com",
    "cudantm02@example.com",
)


async def seed_mentoring_tan_minh(commune_id: int, *, now: dt.datetime) -> str:
    """Tân Minh's teams' needs, a request and a mentorship, the pipeline, an unpublished matching run, a workshop.

    Mentors and organizations are city-wide (the ones of ``seed_mentoring``). Idempotent like it.
    """
    from mentoring.tables import MatchRun

    now = now.astimezone(UTC)
    organizer = (await _ids([TM_ORGANIZER]))[TM_ORGANIZER]
    rows = await Idea.select(Idea.id, Idea.title, Idea.lead).where(Idea.contest.slug == TM_CONTEST)
    ideas = {r["title"]: r for r in rows}
    if not all(title in ideas for title, _, _ in TM_NEEDS):
        return "Demo mentoring of Tân Minh: its contest is missing."
    mentors = {
        r["user.email"]: r["id"]
        for r in await MentorProfile.select(MentorProfile.id, MentorProfile.user.email).where(
            MentorProfile.user.email.is_in([TM_MENTOR, TM_PENDING[1]])
        )
    }
    orgs = {r["name"]: r["id"] for r in await Organization.select(Organization.id, Organization.name)}
    done: list[str] = []
    async with atomic(MentorProfile._meta.db):
        created = 0
        for title, days_ago, values in TM_NEEDS:
            idea = ideas[title]
            if not await TeamNeed.exists().where(TeamNeed.idea == idea["id"]):
                await teams.save_needs(idea["id"], values, user_id=idea["lead"], now=now - dt.timedelta(days=days_ago))
                created += 1
        if created:
            done.append(f"needs of {created} teams")
        greenhouse = ideas[TM_GREENHOUSE]
        if TM_MENTOR in mentors and not await _asked(greenhouse["id"], mentors[TM_MENTOR]):
            mentor_user = await _user_of(mentors[TM_MENTOR])
            request_id = await requests.request_mentor(
                greenhouse["id"],
                mentors[TM_MENTOR],
                message=TM_ACCEPTED,
                user_id=greenhouse["lead"],
                now=now - dt.timedelta(days=18),
            )
            await requests.respond(
                request_id,
                mentor_user_id=mentor_user,
                accept=True,
                reason="Chị nhận nhóm. Hẹn cả nhóm ở nhà văn hóa thôn Tân Lập nhé.",
                now=now - dt.timedelta(days=17),
            )
            mentorship = (
                await Mentorship.select(Mentorship.id)
                .where((Mentorship.idea == greenhouse["id"]) & (Mentorship.mentor == mentors[TM_MENTOR]))
                .first()
            )
            text, owner, due = TM_ACTION
            await mentorships.add_note(
                mentorship["id"],
                user_id=mentor_user,
                notes=TM_NOTE,
                now=now - dt.timedelta(days=10),
                actions=[(text, owner, (now + dt.timedelta(days=due)).astimezone(VN).date().isoformat())],
            )
            slot = await office_hours.publish_slot(
                mentors[TM_MENTOR],
                starts_at=_local(now, days=6, hour=9),
                minutes=60,
                mode="in_person",
                location="Nhà văn hóa thôn Tân Lập, xã Tân Minh",
                now=now - dt.timedelta(days=3),
            )
            await office_hours.book(slot, mentorship["id"], user_id=greenhouse["lead"], now=now - dt.timedelta(days=2))
            done.append(f"{TM_MENTOR}'s mentorship of «{TM_GREENHOUSE}»")
        title, email, message = TM_PENDING
        if email in mentors and not await _asked(ideas[title]["id"], mentors[email]):
            await requests.request_mentor(
                ideas[title]["id"],
                mentors[email],
                message=message,
                user_id=ideas[title]["lead"],
                now=now - dt.timedelta(days=2),
            )
            done.append("a mentoring request waiting")
        if not await IncubationRecord.exists().where(IncubationRecord.idea == greenhouse["id"]):
            await pipeline.set_stage(
                greenhouse["id"],
                stage="prototype",
                checklist=["problem_checked", "team_formed"],
                outcome="",
                actor_id=organizer,
                now=now - dt.timedelta(days=15),
                scope=PLATFORM,
            )
            await pipeline.set_stage(
                ideas[TM_BOTTLES]["id"],
                stage="idea",
                checklist=["problem_checked"],
                outcome="",
                actor_id=organizer,
                now=now - dt.timedelta(days=8),
                scope=PLATFORM,
            )
            done.append("2 ideas in the incubation pipeline")
        if not await MatchRun.exists().where(MatchRun.commune == commune_id):
            await match_runs.run_matching(
                commune_id, mode="optimal", actor_id=organizer, now=now - dt.timedelta(days=1), scope=PLATFORM
            )
            done.append("a matching run waiting for review")
        if not await Workshop.exists().where(Workshop.title == TM_WORKSHOP["title"]):
            starts = _local(now, days=12, hour=8)
            workshop = Workshop(
                organization=orgs.get(TM_WORKSHOP["organization"]),
                commune=commune_id,
                title=TM_WORKSHOP["title"],
                description=TM_WORKSHOP["description"],
                starts_at=starts,
                ends_at=starts + dt.timedelta(hours=3),
                place=TM_WORKSHOP["place"],
                capacity=TM_WORKSHOP["capacity"],
                published=True,
            )
            await workshop.save()
            people = await _ids(list(TM_WORKSHOP_PEOPLE))
            for n, email in enumerate(TM_WORKSHOP_PEOPLE):
                await workshops.register(workshop.id, user_id=people[email], now=now - dt.timedelta(days=6 - n))
            done.append(f"workshop «{TM_WORKSHOP['title']}» with {len(TM_WORKSHOP_PEOPLE)} registrations")
    return "Demo mentoring of Tân Minh: " + ("; ".join(done) if done else "already there") + "."
