"""Demo contests of «Xã An Khánh»: one open now, one finished last year, one in its public vote, with their ideas.

Every person and idea here is fictional. Ideas go through the real services (``create_draft``,
``invite``/``respond``, ``submit``, ``save``, ``withdraw``) with the seed's clock moved back to
moments inside each round's submission phase, so codes, revisions and search text are real.
Judging goes through ``contest.judging`` the same way (``seed_judging``): both rounds get a rubric
and the three demo judges; the open round is assigned but unscored (judge1 has still to sign the
declaration), the finished one is scored inside its judging phase, frozen, and its comments released.
The public vote goes through ``accounts.verification`` and ``contest.voting`` (``seed_voting``):
citizen1 and most demo residents are verified (the commune's resident list, or at the office), the
finished round had its vote (with changed and voided votes) and gave its awards, and the digital
contest's vote is open now, with a few votes already cast.
Idempotent: a contest whose slug exists is left alone, a round with criteria too, a round whose vote
rules were set too; each contest, each round and each vote is seeded in one transaction.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from typing import Any

from accounts import audit, passwords, verification
from accounts import services as accounts_services
from accounts.clock import UTC
from accounts.engine import atomic
from accounts.scope import PLATFORM
from accounts.tables import AuditEvent, Notification, ResidentRecord, User
from contest import judging, services, voting
from contest.forms import IdeaForm, format_budget
from contest.phases import Phase, phase_of
from contest.tables import (
    Assignment,
    Award,
    Category,
    Contest,
    Criterion,
    Idea,
    IdeaMember,
    IdeaStatus,
    PanelMember,
    Round,
    ScoreSheet,
    SheetStatus,
    Vote,
    VoteRules,
)
from demo.people import DEMO_PASSWORD

EXISTING_YOUTH = "youth1@example.com"

CATEGORIES = (
    ("Nông nghiệp", "nong-nghiep"),
    ("Chuyển đổi số", "chuyen-doi-so"),
    ("Môi trường", "moi-truong"),
    ("Giáo dục STEM", "giao-duc-stem"),
    ("Du lịch", "du-lich"),
    ("Xã hội", "xa-hoi"),
)

# Hamlet indexes follow demo.people.HAMLETS: 0 An Lạc, 1 Khánh Hội, 2 Đông Thượng, 3 Đoài Hạ,
# 4 Bến Đò, 5 Tân Lập.
YOUTH = (
    # email, full name, birth year, hamlet index
    ("thanhnien01@example.com", "Nguyễn Thị Thu Trang", 1998, 0),
    ("thanhnien02@example.com", "Trần Văn Đức", 1995, 0),
    ("thanhnien03@example.com", "Lê Thị Mai Phương", 2003, 0),
    ("thanhnien04@example.com", "Phạm Quốc Huy", 2001, 1),
    ("thanhnien05@example.com", "Hoàng Thị Ngọc Ánh", 2005, 1),
    ("thanhnien06@example.com", "Vũ Minh Tuấn", 1993, 1),
    ("thanhnien07@example.com", "Đặng Thị Hải Yến", 2000, 2),
    ("thanhnien08@example.com", "Bùi Văn Long", 1997, 2),
    ("thanhnien09@example.com", "Ngô Thị Kim Oanh", 2007, 2),
    ("thanhnien10@example.com", "Đỗ Thành Trung", 1994, 3),
    ("thanhnien11@example.com", "Nguyễn Thị Thanh Hương", 2002, 3),
    ("thanhnien12@example.com", "Lương Văn Hải", 1999, 3),
    ("thanhnien13@example.com", "Mạc Thị Thúy", 2004, 4),
    ("thanhnien14@example.com", "Phạm Văn Tùng", 1992, 4),
    ("thanhnien15@example.com", "Trịnh Thị Lan", 2006, 4),
    ("thanhnien16@example.com", "Nguyễn Đức Mạnh", 1996, 5),
    ("thanhnien17@example.com", "Vũ Thị Thảo", 2001, 5),
    ("thanhnien18@example.com", "Hoàng Minh Hiếu", 2008, 5),
    ("thanhnien19@example.com", "Cao Thị Diệu Linh", 2000, 0),
    ("thanhnien20@example.com", "Lê Văn Phúc", 1998, 2),
    ("thanhnien21@example.com", "Đinh Thị Bích Ngọc", 2003, 3),
    ("thanhnien22@example.com", "Tô Quang Vinh", 1995, 4),
    ("thanhnien23@example.com", "Phan Thị Quỳnh Anh", 2009, 1),
    ("thanhnien24@example.com", "Nguyễn Hữu Khang", 2002, 5),
    ("thanhnien25@example.com", "Bùi Thị Hà", 1997, 1),
    ("thanhnien26@example.com", "Trần Quang Dũng", 2005, 2),
    ("thanhnien27@example.com", "Đoàn Thị Minh Châu", 1999, 4),
    ("thanhnien28@example.com", "Lại Văn Sơn", 1994, 3),
)


def _email(n: int) -> str:
    return f"thanhnien{n:02d}@example.com"


PRIZES = """\
- **Giải Nhất** (1 giải): 10.000.000 đ
- **Giải Nhì** (1 giải): 6.000.000 đ
- **Giải Ba** (1 giải): 3.000.000 đ
- **Giải Khuyến khích** (5 giải): 1.000.000 đ mỗi giải
- **Giải bình chọn** (1 giải, do cộng đồng bình chọn trực tuyến): 2.000.000 đ

Các ý tưởng đoạt giải được xã kết nối với chuyên gia và vườn ươm khởi nghiệp để làm thử trong 6 tháng."""

RULES = """\
- Trưởng nhóm từ **16 đến 35 tuổi** (tính theo năm sinh) và đang cư trú tại xã An Khánh.
- Mỗi người gửi **tối đa 3 ý tưởng**; mỗi nhóm có tối đa 5 thành viên ngoài trưởng nhóm.
- Ý tưởng do chính nhóm xây dựng, chưa đoạt giải ở cuộc thi khác; được phát triển tiếp ý tưởng đã dự thi năm trước.
- Được sửa ý tưởng đến hết hạn nộp; sau hạn nộp, ý tưởng được giữ nguyên để chấm.
- Ban giám khảo chấm theo 4 tiêu chí: tính sáng tạo (30%), tính khả thi (30%), tác động cộng đồng (25%) và \
trình bày (15%); mỗi ý tưởng do ít nhất hai giám khảo chấm độc lập, không biết tên nhóm dự thi.
- Giải bình chọn trao cho ý tưởng được cộng đồng bình chọn nhiều nhất trong giai đoạn bình chọn trực tuyến.
- Ý tưởng sao chép, vi phạm pháp luật hoặc thuần phong mỹ tục sẽ bị loại."""

OPEN_CONTEST = {
    "slug": "y-tuong-sang-tao-2026",
    "title": "Cuộc thi ý tưởng sáng tạo thanh niên xã An Khánh 2026",
    "tagline": "Ý tưởng nhỏ cho những việc gần nhà: nước sạch, đồng ruộng, rác thải, trường học và người cao tuổi.",
    "description": """\
Hưởng ứng chương trình **«Hải Phòng — Thành phố Đổi mới sáng tạo»**, Đoàn Thanh niên và Ủy ban nhân dân \
xã An Khánh phát động cuộc thi ý tưởng sáng tạo thanh niên năm 2026. Cuộc thi tìm những giải pháp làm được \
ngay cho những việc rất gần: nước sạch, rác thải nhựa, ao nuôi và đồng ruộng, trường học, người cao tuổi trong thôn.

Theo kế hoạch chuyển đổi số và phát triển kinh tế nông thôn của xã giai đoạn 2026–2030, các ý tưởng đoạt giải \
được xã kết nối với vườn ươm khởi nghiệp, chuyên gia của Sở Khoa học và Công nghệ và các trường đại học của \
thành phố để làm thử trong 6 tháng. Ý tưởng làm thử thành công được giới thiệu tới các quỹ hỗ trợ khởi nghiệp \
và nhân rộng ra các thôn.

Cuộc thi dành cho người **từ 16 đến 35 tuổi đang cư trú tại xã**, dự thi một mình hoặc theo nhóm. Bạn không \
cần viết hay: hãy kể rõ vấn đề bạn thấy, cách bạn muốn giải quyết và những gì cần để làm thử. Mỗi ý tưởng được \
cấp một mã công khai để bà con theo dõi và bình chọn.""",
    "rules": RULES,
    "prizes": PRIZES,
}

FINISHED_CONTEST = {
    "slug": "y-tuong-sang-tao-2025",
    "title": "Cuộc thi ý tưởng sáng tạo xã An Khánh 2025",
    "tagline": "Mùa thi đầu tiên: 12 ý tưởng, 3 giải chính — cảm ơn các bạn trẻ An Khánh!",
    "description": """\
Cuộc thi ý tưởng sáng tạo đầu tiên của xã An Khánh, tổ chức trong khuôn khổ chương trình \
**«Hải Phòng — Thành phố Đổi mới sáng tạo»**. Lần đầu tiên, mọi bước từ nộp ý tưởng, chấm điểm đến công bố \
kết quả đều được làm trực tuyến.

Ban giám khảo gồm đại diện Ủy ban nhân dân xã, Trạm Khuyến nông, giáo viên và chuyên gia của vườn ươm khởi \
nghiệp đã chọn ra 6 ý tưởng vào chung khảo và trao 3 giải chính. Các nhóm đoạt giải đang được hỗ trợ làm thử \
ngay tại thôn của mình.

Kết quả đã được công bố. Cảm ơn các bạn trẻ đã tham gia — hẹn gặp lại ở mùa thi 2026!""",
    "rules": RULES,
    "prizes": PRIZES,
}

# Offsets of the finished contest's round, and the calendar year its submissions belong to
# (its codes are AK-2025-NNN whatever the seed's clock says).
FINISHED_YEAR = 2025
FINISHED_CLOSED_DAYS_AGO = 270  # about 9 months
FINISHED_JUDGING_DAYS = 60
FINISHED_RESULTS_AFTER_VOTE_DAYS = 20  # results about 6 months before now

# One dict per idea, in the order they were submitted. Keys as in the idea form, plus:
# lead (email), category (slug), budget (int, đồng), body (optional Markdown),
# team (emails who accepted), pending (emails invited, no answer yet), revise (form changes
# saved after submission, making a second revision), state ("draft" or "withdrawn"),
# withdrawn_reason, result ("finalist" or "awarded", finished contest only).
OPEN_IDEAS: tuple[dict[str, Any], ...] = (
    {
        "lead": _email(8),
        "category": "nong-nghiep",
        "stage": "pilot",
        "budget": 45_000_000,
        "title": "Ủ rơm rạ thành phân hữu cơ thay vì đốt ngoài đồng",
        "summary": "Tổ thanh niên Đông Thượng thu gom rơm rạ sau mỗi vụ gặt, ủ với chế phẩm vi sinh thành phân "
        "hữu cơ bón lại cho ruộng, chấm dứt cảnh khói đốt rơm bay sang đường liên xã.",
        "problem": "Sau mỗi vụ gặt, phần lớn rơm rạ ở cánh đồng Đông Thượng bị đốt ngay tại ruộng. Khói dày đặc "
        "bay sang đường liên xã và khu dân cư, gây khó thở cho người già, trẻ nhỏ và nguy hiểm cho người "
        "đi xe máy. Đốt rơm còn làm mất chất hữu cơ, đất ngày càng chai cứng.",
        "solution": "Thành lập tổ dịch vụ 6 thanh niên: thuê máy cuộn rơm theo lượt, gom rơm về bãi ủ chung cạnh "
        "trạm bơm, ủ với chế phẩm vi sinh Trichoderma trong 45–60 ngày. Phân thành phẩm bán lại cho các "
        "hộ trồng rau màu với giá thấp hơn phân hữu cơ ngoài chợ; một phần rơm khô bán cho hộ trồng nấm "
        "và nuôi bò.",
        "beneficiaries": "Khoảng 180 hộ trồng lúa của thôn Đông Thượng, người dân sống dọc đường liên xã và các hộ "
        "trồng rau màu cần phân hữu cơ giá rẻ.",
        "resources": "Thuê máy cuộn rơm 2 vụ mỗi năm, bạt phủ và chế phẩm vi sinh, bãi ủ khoảng 300 m² do thôn cho "
        "mượn, hướng dẫn kỹ thuật của Trạm Khuyến nông.",
        "body": "## Kết quả làm thử vụ mùa năm ngoái\n\n"
        "- Ủ thử 12 tấn rơm từ 2 mẫu ruộng của gia đình các thành viên.\n"
        "- Sau 50 ngày thu được khoảng 4 tấn phân, bón thử cho 3 sào rau cải.\n"
        "- Các hộ bón thử nhận xét đất tơi hơn, rau lên đều.\n\n"
        "## Kế hoạch\n\n"
        "1. Vụ chiêm xuân: mở rộng ra 10 mẫu.\n"
        "2. Đăng ký nhãn hiệu phân hữu cơ «Đông Thượng Xanh».\n"
        "3. Hướng dẫn cách ủ cho các thôn khác trong xã.",
        "revise": {"budget": 48_000_000},
    },
    {
        "lead": _email(19),
        "category": "chuyen-doi-so",
        "stage": "prototype",
        "budget": 20_000_000,
        "title": "Chợ quê online: gian hàng Zalo cho nông sản An Khánh",
        "summary": "Một gian hàng chung trên Zalo và Facebook để bà con đăng bán rau, trứng, gà, cá, bánh đa theo "
        "từng phiên; thanh niên chụp ảnh, nhận đơn và giao hàng cho khách nội thành Hải Phòng mỗi sáng "
        "thứ Bảy.",
        "problem": "Nông sản của bà con phần lớn bán cho thương lái với giá thấp hoặc bày bán nhỏ lẻ ở chợ An Lạc. "
        "Khách ở nội thành muốn mua rau, trứng quê nhưng không biết mua ở đâu và không tin nguồn gốc. "
        "Người cao tuổi không biết chụp ảnh, đăng bài hay chuyển khoản.",
        "solution": "Lập gian hàng chung «Chợ quê An Khánh» trên Zalo OA và Facebook. Mỗi tuần mở một phiên: các "
        "hộ báo hàng qua trưởng thôn, thanh niên chụp ảnh và ghi nguồn gốc từng hộ, nhận đơn đến tối thứ "
        "Năm, giao tập trung sáng thứ Bảy. Tiền hàng chuyển vào tài khoản từng hộ, kèm phiếu kê bằng "
        "giấy cho người chưa dùng ngân hàng số.",
        "beneficiaries": "Khoảng 60 hộ sản xuất nhỏ ở An Lạc và các thôn lân cận; khách nội thành muốn mua thực "
        "phẩm quê có nguồn gốc rõ ràng.",
        "resources": "Điện thoại chụp ảnh, thùng xốp và túi giữ lạnh, thuê xe tải nhỏ giao hàng mỗi tuần, 5 tình "
        "nguyện viên Đoàn Thanh niên.",
        "body": "## Phiên chạy thử\n\n"
        "Bốn phiên thử đã bán được **1,2 tấn** rau, trứng và bánh đa cho gần 200 đơn hàng. "
        "Khách hỏi nhiều nhất: trứng gà ta, rau muống, bánh đa đỏ.\n\n"
        "## Việc cần làm tiếp\n\n"
        "- Bảng giá chung cho từng mặt hàng theo mùa.\n"
        "- Tem ghi tên hộ sản xuất trên mỗi túi hàng.",
    },
    {
        "lead": _email(17),
        "category": "moi-truong",
        "stage": "pilot",
        "budget": 15_000_000,
        "title": "Ngân hàng rác: đổi vỏ chai nhựa lấy đồ dùng học tập",
        "summary": "Chủ nhật cuối tháng, học sinh Tân Lập mang chai nhựa, lon nhôm, giấy vụn đã phân loại đến nhà "
        "văn hóa thôn để đổi lấy vở, bút, sách. Tiền bán phế liệu quay lại mua đồ cho phiên sau.",
        "problem": "Tân Lập có nhiều hộ công nhân thuê trọ, lượng chai nhựa và hộp xốp thải ra hằng ngày rất lớn. "
        "Rác chưa được phân loại, bị đổ xuống mương và ven đường; nhiều hôm xe thu gom chở không hết.",
        "solution": "Mở «ngân hàng rác» tại nhà văn hóa thôn: mỗi loại rác tái chế có bảng quy đổi ra điểm, điểm "
        "đổi được vở, bút, sách hoặc góp vào quỹ khuyến học. Đoàn Thanh niên ký thỏa thuận với một cơ sở "
        "thu mua phế liệu; tiền bán được dùng mua đồ đổi cho phiên sau.",
        "beneficiaries": "Khoảng 150 học sinh tiểu học và THCS ở Tân Lập cùng gia đình các em; tổ thu gom rác của "
        "thôn.",
        "resources": "Cân điện tử, 10 bao tải lớn, kệ để đồ, vốn ban đầu mua vở và bút, 4 tình nguyện viên mỗi phiên.",
        "body": "## Đã làm được\n\n"
        "Ba phiên thử vừa qua thu được **420 kg** rác tái chế và đổi được 310 quyển vở.\n\n"
        "| Loại rác | Điểm mỗi kg |\n|---|---|\n| Chai nhựa | 5 |\n| Lon nhôm | 12 |\n| Giấy, bìa | 3 |",
    },
    {
        "lead": _email(6),
        "category": "giao-duc-stem",
        "stage": "prototype",
        "budget": 48_000_000,
        "title": "Câu lạc bộ Robotics cho học sinh THCS An Khánh",
        "summary": "Câu lạc bộ sinh hoạt chiều thứ Bảy ở trường THCS An Khánh: học sinh lắp robot từ bộ Arduino "
        "giá rẻ, giải các bài toán của đồng ruộng như robot nhổ cỏ, xe chở lúa, và luyện thi robot cấp "
        "thành phố.",
        "problem": "Học sinh ở xã ít có cơ hội tiếp cận lập trình và robot như học sinh nội thành. Trường chưa có "
        "phòng STEM, giáo viên tin học phải dạy nhiều lớp, các em có năng khiếu không có nơi thử sức.",
        "solution": "Mở câu lạc bộ 30 thành viên chia thành 6 đội. Giáo trình 20 buổi: từ lắp mạch, lập trình "
        "Arduino bằng khối lệnh đến tự thiết kế robot giải một việc có thật ở địa phương. Cuối năm tổ "
        "chức ngày hội trình diễn robot cho phụ huynh và mời giảng viên các trường đại học kỹ thuật của "
        "thành phố đến chấm.",
        "beneficiaries": "30 học sinh THCS mỗi khóa, ưu tiên các em ở thôn xa và gia đình khó khăn; giáo viên tin "
        "học và vật lý của trường.",
        "resources": "6 bộ Arduino và cảm biến, một máy in 3D cỡ nhỏ, phòng học chiều thứ Bảy do trường cho mượn, "
        "2 sinh viên kỹ thuật hướng dẫn.",
        "team": (_email(18), _email(23)),
        "pending": (EXISTING_YOUTH,),
    },
    {
        "lead": _email(27),
        "category": "du-lich",
        "stage": "idea",
        "budget": 150_000_000,
        "title": "Đi đò ngắm sông và câu cá cùng ngư dân Bến Đò",
        "summary": "Tour nửa ngày cho khách nội thành: đi đò trên sông lúc hoàng hôn, xem ngư dân kéo lưới, câu cá "
        "ở ao nhà dân và ăn bữa cơm cá kho, canh cua. Các cụ ngư dân kể chuyện về bến đò xưa.",
        "problem": "Bến đò cũ của thôn gần như không còn khách từ khi có cầu mới. Các hộ ven sông sống nhờ nuôi cá "
        "và làm thuê, thanh niên đi làm công nhân xa nhà. Cảnh sông rất đẹp nhưng chưa ai làm du lịch.",
        "solution": "Sửa lại 2 con đò gỗ, trang bị áo phao và mái che; thiết kế tour 4 tiếng đón khách cuối tuần qua "
        "fanpage và các công ty lữ hành nhỏ ở Hải Phòng. Các hộ tham gia nhận khách theo lượt: chở đò, "
        "cho câu cá, nấu cơm. Thanh niên lo đặt chỗ, hướng dẫn khách và an toàn.",
        "beneficiaries": "8–10 hộ ngư dân và nuôi cá ven sông ở Bến Đò; các gia đình, nhóm học sinh nội thành "
        "muốn trải nghiệm miền quê.",
        "resources": "Sửa 2 đò gỗ, 20 áo phao, biển chỉ dẫn, tập huấn an toàn đường thủy và đón khách, giấy phép "
        "của cơ quan quản lý đường thủy nội địa.",
    },
    {
        "lead": _email(3),
        "category": "xa-hoi",
        "stage": "idea",
        "budget": 35_000_000,
        "title": "Nút gọi khẩn cấp cho người cao tuổi sống một mình",
        "summary": "Tặng các cụ sống một mình vòng đeo tay có nút bấm: khi bấm, điện thoại của con cháu, trưởng "
        "thôn và trạm y tế xã cùng đổ chuông. Thanh niên tình nguyện kiểm tra pin và thăm các cụ mỗi "
        "tháng.",
        "problem": "An Lạc có hơn 40 cụ từ 75 tuổi trở lên sống một mình vì con cháu đi làm xa. Đã có cụ bị ngã "
        "trong nhà cả buổi sáng mới có người phát hiện.",
        "solution": "Dùng thiết bị gọi khẩn cấp có SIM, giá khoảng 600.000 đ, cài sẵn 3 số: người thân, trưởng "
        "thôn, trạm y tế xã. Đoàn Thanh niên lập danh sách, lắp đặt, hướng dẫn các cụ; mỗi tháng đến "
        "thăm, kiểm tra pin và nạp cước.",
        "beneficiaries": "Khoảng 40 cụ cao tuổi sống một mình ở thôn An Lạc và gia đình các cụ.",
        "resources": "40 thiết bị gọi khẩn cấp, cước SIM một năm, 10 tình nguyện viên thăm hỏi, phối hợp với Hội "
        "Người cao tuổi và trạm y tế xã.",
    },
    {
        "lead": _email(14),
        "category": "nong-nghiep",
        "stage": "pilot",
        "budget": 120_000_000,
        "title": "Nuôi tôm càng xanh xen cá, sục khí bằng điện mặt trời",
        "summary": "Mô hình nuôi tôm càng xanh xen cá rô phi trong ao 3.000 m², dùng máy sục khí chạy bằng pin "
        "mặt trời để giảm tiền điện và tránh tôm cá chết ngạt khi mất điện mùa nóng.",
        "problem": "Các hộ nuôi cá ở Bến Đò chủ yếu nuôi cá truyền thống, lãi thấp. Mùa hè hay mất điện, ao thiếu "
        "oxy về đêm làm cá nổi đầu, có hộ mất trắng cả vụ. Tiền điện chạy máy sục chiếm phần lớn chi phí.",
        "solution": "Nuôi xen tôm càng xanh với cá rô phi đơn tính theo hướng dẫn của Trung tâm Khuyến nông thành "
        "phố. Lắp hệ pin mặt trời 3 kW có ắc quy dự phòng để chạy máy sục khí ban đêm. Ghi nhật ký ao "
        "nuôi để các hộ khác học theo.",
        "beneficiaries": "Gia đình trực tiếp làm mô hình và khoảng 25 hộ nuôi thủy sản ven sông muốn chuyển đổi.",
        "resources": "Tôm giống, cá giống và thức ăn cho vụ đầu; hệ pin mặt trời 3 kW và ắc quy; tư vấn của cán "
        "bộ khuyến ngư.",
        "body": "## Vì sao là tôm càng xanh?\n\n"
        "Tôm càng xanh hợp với nước ngọt của sông, ít bệnh hơn tôm nước lợ và bán được "
        "**180.000–220.000 đ/kg** tại ao. Cá rô phi ăn thức ăn thừa, giúp nước ao sạch hơn.\n\n"
        "## Vụ nuôi thử\n\n"
        "- Thả 30.000 tôm giống và 2.000 cá rô phi.\n"
        "- Máy sục chạy hoàn toàn bằng điện mặt trời từ 22 giờ đến 6 giờ sáng.",
    },
    {
        "lead": EXISTING_YOUTH,
        "category": "chuyen-doi-so",
        "stage": "idea",
        "budget": 12_000_000,
        "title": "«Cháu dạy ông bà dùng điện thoại» — tổ công nghệ số cộng đồng",
        "summary": "Tối thứ Tư hằng tuần, học sinh và sinh viên Khánh Hội hướng dẫn ông bà cài VNeID, gọi video cho "
        "con cháu, chuyển khoản an toàn và nhận biết tin nhắn lừa đảo, ngay tại nhà văn hóa thôn.",
        "problem": "Nhiều người cao tuổi ở Khánh Hội đã có điện thoại thông minh nhưng chỉ biết nghe gọi. Các cụ "
        "gặp khó khi làm thủ tục trực tuyến, nhận lương hưu qua tài khoản; đã có người bị lừa chuyển "
        "tiền qua tin nhắn giả danh công an, ngân hàng.",
        "solution": "Lập tổ công nghệ số cộng đồng gồm 10 học sinh, sinh viên. Mỗi buổi học một việc, có tờ hướng "
        "dẫn in chữ to kèm ảnh chụp màn hình: dùng VNeID, gọi video Zalo, quét mã QR trả tiền, nhận diện "
        "cuộc gọi lừa đảo. Mỗi người học có một «cháu» kèm riêng và được đến tận nhà hỗ trợ thêm.",
        "beneficiaries": "Khoảng 120 người cao tuổi và trung niên ở Khánh Hội; các gia đình có con cháu đi làm xa.",
        "resources": "Máy chiếu, loa, in tài liệu chữ to, nước uống cho các buổi học, áo đồng phục cho tổ tình nguyện.",
        "body": "## Tám buổi học\n\n"
        "1. Làm quen màn hình, tăng cỡ chữ\n2. Gọi video Zalo cho con cháu\n3. Cài và dùng VNeID\n"
        "4. Quét mã QR để trả tiền\n5. Nhận biết tin nhắn, cuộc gọi lừa đảo\n6. Nộp hồ sơ dịch vụ công\n"
        "7. Xem dự báo thời tiết, lịch cắt điện\n8. Ôn tập và «thi» vui",
        "team": (_email(5), _email(25)),
    },
    {
        "lead": _email(13),
        "category": "moi-truong",
        "stage": "prototype",
        "budget": 60_000_000,
        "title": "Bộ lọc nước giếng khoan nhiễm sắt giá rẻ cho hộ nghèo ven sông",
        "summary": "Bộ lọc bằng cát thạch anh, sỏi, than hoạt tính và vật liệu khử sắt đặt trong thùng nhựa, chi phí "
        "dưới 1,5 triệu đồng mỗi hộ, do thanh niên tự lắp và bảo dưỡng cho các hộ chưa có nước máy ở Bến "
        "Đò.",
        "problem": "Cuối thôn Bến Đò còn khoảng 70 hộ chưa có nước sạch tập trung, phải dùng nước giếng khoan có "
        "mùi tanh, nhiễm sắt, để lâu ngả vàng. Nhiều hộ vẫn dùng nước này để nấu ăn vì không đủ tiền "
        "mua nước bình.",
        "solution": "Bộ lọc 3 ngăn: giàn mưa làm thoáng để khử sắt, ngăn cát thạch anh và sỏi, ngăn than hoạt "
        "tính. Nhóm đã lắp thử cho 5 hộ và gửi mẫu nước sau lọc đi kiểm nghiệm. Xin hỗ trợ để lắp thêm "
        "35 bộ cho hộ nghèo, cận nghèo và hướng dẫn các hộ tự thay vật liệu lọc.",
        "beneficiaries": "40 hộ nghèo, cận nghèo và hộ có người già, trẻ nhỏ ở cuối thôn Bến Đò.",
        "resources": "Vật liệu lọc và thùng chứa cho 40 bộ, phí xét nghiệm mẫu nước, 4 thanh niên lắp đặt, hướng "
        "dẫn của Trung tâm Nước sạch và Vệ sinh môi trường nông thôn.",
        "body": "## Kết quả lắp thử\n\n"
        "Nước sau lọc hết mùi tanh, không còn váng vàng khi để qua đêm. Mẫu nước của 5 hộ đã được gửi "
        "kiểm nghiệm các chỉ tiêu sắt, mangan, độ đục.\n\n"
        "> Nhà bà Sáu giờ nấu cơm bằng nước lọc, không phải mua nước bình nữa.",
    },
    {
        "lead": _email(18),
        "category": "giao-duc-stem",
        "stage": "idea",
        "budget": 15_000_000,
        "title": "Phòng thí nghiệm mini «Khoa học từ đồ tái chế»",
        "summary": "Một góc thí nghiệm ở nhà văn hóa Tân Lập, nơi học sinh tự làm kính hiển vi bằng điện thoại, "
        "tên lửa nước, xe chạy bằng dây chun từ chai nhựa, bìa các-tông và đồ cũ, có video hướng dẫn.",
        "problem": "Học sinh Tân Lập, nhiều em là con công nhân, ít được làm thí nghiệm thực hành; buổi tối và cuối "
        "tuần các em thường chỉ xem điện thoại. Đồ thí nghiệm bán sẵn đắt, trường không đủ cho tất cả.",
        "solution": "Tận dụng vật liệu từ «ngân hàng rác» của thôn để làm 20 bộ thí nghiệm đơn giản, mỗi bộ có phiếu "
        "hướng dẫn và mã QR dẫn tới video. Học sinh lớp lớn kèm các em nhỏ vào chiều chủ nhật; cuối mỗi "
        "tháng có một buổi đố vui khoa học.",
        "beneficiaries": "Khoảng 80 học sinh tiểu học và THCS ở Tân Lập.",
        "resources": "Dụng cụ cơ bản (súng bắn keo, kéo, kìm, pin, mô-tơ nhỏ), tủ đựng đồ, một máy tính bảng để "
        "chiếu video, 3 học sinh THPT làm trợ giảng.",
    },
    {
        "lead": _email(5),
        "category": "du-lich",
        "stage": "idea",
        "budget": 90_000_000,
        "title": "Homestay nhà cổ kết hợp trải nghiệm làm bánh đa Khánh Hội",
        "summary": "Cải tạo hai ngôi nhà gỗ cổ ở Khánh Hội thành homestay; khách được tráng bánh, phơi bánh đa cùng "
        "các lò trong làng, đạp xe quanh đồng và ăn bánh đa cua ngay tại lò.",
        "problem": "Nghề làm bánh đa của Khánh Hội có từ lâu đời nhưng chủ yếu bán buôn, giá thấp, lớp trẻ không "
        "muốn theo nghề. Trong thôn còn mấy ngôi nhà gỗ ba gian hơn trăm năm tuổi đang xuống cấp vì chủ "
        "nhà không có tiền tu sửa.",
        "solution": "Cùng hai gia đình chủ nhà cổ cải tạo phòng nghỉ (giữ nguyên kết cấu gỗ, làm mới khu vệ sinh), "
        "liên kết 5 lò bánh đa nhận khách trải nghiệm. Bán gói 1 ngày và 2 ngày 1 đêm qua các nền tảng "
        "đặt phòng; trích một phần doanh thu vào quỹ tu bổ nhà cổ.",
        "beneficiaries": "2 gia đình chủ nhà cổ, 5 lò bánh đa, thanh niên trong thôn làm hướng dẫn viên; du khách "
        "gia đình và các nhóm học sinh.",
        "resources": "Chi phí cải tạo khu vệ sinh và phòng nghỉ, chăn màn, 10 xe đạp cho khách, tập huấn đón khách, "
        "hỗ trợ thủ tục đăng ký lưu trú.",
    },
    {
        "lead": _email(21),
        "category": "nong-nghiep",
        "stage": "prototype",
        "budget": 38_000_000,
        "title": "Trồng nấm rơm trong nhà lưới từ rơm rạ sau thu hoạch",
        "summary": "Tận dụng rơm rạ của Đoài Hạ để trồng nấm rơm trong nhà lưới quanh năm, tạo việc làm cho phụ nữ "
        "trung niên; bã nấm sau thu hoạch được ủ làm phân bón lại cho ruộng.",
        "problem": "Rơm rạ ở Đoài Hạ chủ yếu bị đốt hoặc bỏ mục ngoài ruộng. Phụ nữ trung niên trong thôn ngoài mùa "
        "vụ ít việc làm, thu nhập bấp bênh.",
        "solution": "Dựng nhà lưới 150 m² có mái che và hệ thống phun sương; xử lý rơm bằng nước vôi, xếp luống "
        "trồng nấm theo quy trình của Trạm Khuyến nông. Mỗi lứa 25–30 ngày; nấm tươi bán cho các nhà "
        "hàng ở thị trấn và qua «Chợ quê online».",
        "beneficiaries": "6 phụ nữ trung niên trực tiếp làm, các hộ trồng lúa bán rơm, các thôn khác học theo mô hình.",
        "resources": "Khung nhà lưới, hệ thống phun sương, meo giống nấm, vôi, máy đo nhiệt độ và độ ẩm.",
    },
    {
        "lead": _email(22),
        "category": "chuyen-doi-so",
        "stage": "prototype",
        "budget": 35_000_000,
        "title": "Cảm biến đo oxy ao nuôi, báo động qua điện thoại",
        "summary": "Thiết bị nổi đặt giữa ao đo oxy hòa tan, nhiệt độ và pH mỗi 10 phút, tự gọi điện và nhắn tin "
        "cho chủ ao khi oxy xuống thấp về đêm, để kịp bật máy sục trước khi cá nổi đầu.",
        "problem": "Cá, tôm thường chết ngạt vào khoảng 2–4 giờ sáng, lúc chủ ao đang ngủ. Máy đo oxy cầm tay đắt "
        "và phải đo bằng tay, các hộ nuôi nhỏ không có.",
        "solution": "Mạch ESP32 với cảm biến oxy hòa tan, cảm biến nhiệt độ, tấm pin mặt trời nhỏ và SIM 4G trong "
        "hộp nổi chống nước. Số liệu hiện trên điện thoại; khi oxy dưới ngưỡng, thiết bị gọi cho chủ ao "
        "và có thể tự bật máy sục qua rơ-le.",
        "beneficiaries": "Khoảng 40 hộ nuôi cá, tôm ở Bến Đò và Đoài Hạ.",
        "resources": "Linh kiện cho 10 bộ thử nghiệm, cước SIM, hỗ trợ kỹ thuật của một nhóm sinh viên điện tử, phí "
        "hiệu chuẩn cảm biến.",
        "body": "## Bản mẫu\n\n"
        "Bản mẫu đầu tiên đã chạy 3 tuần trong ao nhà anh Vinh. Hai lần báo động lúc 3 giờ sáng, "
        "cả hai lần bật máy sục kịp thời.\n\n"
        "**Giá dự kiến mỗi bộ:** khoảng 2,8 triệu đồng, rẻ hơn nhiều so với máy đo nhập khẩu.",
        "revise": {"stage": "pilot"},
    },
    {
        "lead": _email(14),
        "category": "xa-hoi",
        "stage": "idea",
        "budget": 55_000_000,
        "title": "Bể bơi lắp ghép và lớp dạy bơi miễn phí mùa hè cho trẻ em",
        "summary": "Lắp bể bơi lắp ghép ở sân nhà văn hóa Bến Đò, mở lớp dạy bơi an toàn miễn phí trong 2 tháng hè "
        "cho trẻ 7–14 tuổi, kết hợp dạy kỹ năng cứu đuối đúng cách.",
        "problem": "Bến Đò nằm sát sông và có nhiều ao, mương sâu. Nhiều trẻ chưa biết bơi, mùa hè hay rủ nhau tắm "
        "sông. Mấy năm gần đây trong vùng đã có những vụ đuối nước thương tâm.",
        "solution": "Thuê bể bơi lắp ghép 6 m × 12 m, mở 4 khóa, mỗi khóa 2 tuần, mỗi ngày 2 ca. Người dạy là giáo "
        "viên thể dục và thanh niên đã học cứu hộ. Cuối khóa, các em kiểm tra bơi 25 m và nhận giấy "
        "chứng nhận.",
        "beneficiaries": "Khoảng 160 trẻ em 7–14 tuổi ở Bến Đò và các thôn lân cận cùng phụ huynh.",
        "resources": "Thuê bể lắp ghép và máy lọc nước, phao, áo phao, 2 người dạy bơi, 6 tình nguyện viên trực an "
        "toàn.",
    },
    {
        "lead": _email(11),
        "category": "moi-truong",
        "stage": "prototype",
        "budget": 22_000_000,
        "title": "Thùng ủ rác hữu cơ tại nhà từ thùng sơn cũ",
        "summary": "Hướng dẫn mỗi hộ biến thùng sơn cũ thành thùng ủ rác nhà bếp bằng men vi sinh; sau 3–4 tuần có "
        "phân bón cho vườn rau, lượng rác phải đổ ra điểm tập kết giảm gần một nửa.",
        "problem": "Rác sinh hoạt ở Đoài Hạ ngày càng nhiều, hơn một nửa là rác hữu cơ từ bếp. Điểm tập kết quá "
        "tải, bốc mùi, nhất là mùa mưa; phí thu gom ngày càng tăng.",
        "solution": "Thu gom thùng sơn cũ từ các công trình xây dựng, khoan lỗ thoát khí, lắp vòi xả nước rỉ; phát "
        "kèm men vi sinh và tờ hướng dẫn. Mỗi cụm 10 hộ có một người giữ men để chia men và nhắc nhở; hộ "
        "làm tốt được nêu tên trên bảng tin thôn.",
        "beneficiaries": "100 hộ tham gia đợt đầu ở Đoài Hạ và tổ thu gom rác của xã.",
        "resources": "100 thùng sơn cũ, men vi sinh cho 6 tháng, vòi xả, in tờ hướng dẫn, 5 tình nguyện viên.",
    },
    {
        "lead": _email(28),
        "category": "giao-duc-stem",
        "stage": "prototype",
        "budget": 28_000_000,
        "title": "Trạm quan trắc thời tiết do học sinh tự lắp",
        "summary": "Học sinh THCS tự lắp trạm đo mưa, nhiệt độ, độ ẩm và gió trên mái trường, đưa số liệu lên trang "
        "web; nông dân Đoài Hạ xem lượng mưa thực tế để chọn ngày phun thuốc, bơm nước.",
        "problem": "Học sinh học về thời tiết, khí hậu chỉ qua sách. Nông dân Đoài Hạ cần biết lượng mưa thực tế ở "
        "cánh đồng để điều tiết nước, nhưng dự báo chung cho cả thành phố thường không sát.",
        "solution": "Hướng dẫn một nhóm 12 học sinh lắp trạm từ cảm biến giá rẻ và vi mạch ESP32, lập trình gửi số "
        "liệu 15 phút một lần lên trang web của trường. Mỗi tuần học sinh viết bản tin thời tiết ngắn "
        "đọc trên loa truyền thanh thôn.",
        "beneficiaries": "12 học sinh trực tiếp làm, học sinh toàn trường dùng số liệu trong giờ học, khoảng 200 hộ "
        "trồng lúa ở Đoài Hạ.",
        "resources": "Bộ cảm biến mưa, gió, nhiệt độ, độ ẩm; cột gá và hộp chống nước; tên miền và máy chủ nhỏ "
        "trong một năm.",
    },
    {
        "lead": _email(26),
        "category": "du-lich",
        "stage": "idea",
        "budget": 35_000_000,
        "title": "«Một ngày làm nông dân» — tour trải nghiệm cho học sinh nội thành",
        "summary": "Học sinh nội thành về Đông Thượng một ngày: cấy lúa, bắt cá ruộng, thả diều trên đê, nấu cơm "
        "niêu và học vì sao hạt gạo cần đến 4 tháng. Các hộ nông dân nhận đoàn theo lượt.",
        "problem": "Nhiều trường ở nội thành Hải Phòng muốn đưa học sinh đi trải nghiệm nông nghiệp nhưng phải đi xa. "
        "Nông dân Đông Thượng có đồng ruộng, ao cá và kinh nghiệm nhưng chưa biết đón khách.",
        "solution": "Thiết kế chương trình một ngày theo mùa vụ, có giáo án ngắn cho từng hoạt động. Liên kết 8 hộ "
        "nông dân, nhà văn hóa thôn làm điểm nghỉ trưa; thanh niên thôn làm hướng dẫn viên và liên hệ với "
        "các trường.",
        "beneficiaries": "8 hộ nông dân có thêm thu nhập; mỗi năm khoảng 2.000 học sinh nội thành.",
        "resources": "Ủng, nón, dụng cụ cho học sinh; khu rửa chân tay và nhà vệ sinh tạm; tập huấn hướng dẫn viên; "
        "bảo hiểm cho đoàn.",
    },
    {
        "lead": _email(17),
        "category": "xa-hoi",
        "stage": "idea",
        "budget": 30_000_000,
        "title": "Góc học tập buổi tối cho con em công nhân ở Tân Lập",
        "summary": "Mở góc học tập có đèn sáng, bàn ghế và wifi tại nhà văn hóa Tân Lập từ 18 đến 21 giờ, có sinh "
        "viên tình nguyện kèm bài, để con em công nhân có chỗ học khi bố mẹ làm ca tối.",
        "problem": "Nhiều gia đình công nhân ở Tân Lập thuê phòng trọ chật, không có bàn học. Bố mẹ làm ca đến khuya, "
        "trẻ ở nhà một mình, ít người kèm bài và dễ sa vào điện thoại.",
        "solution": "Sửa lại một phòng của nhà văn hóa làm góc học tập 30 chỗ, mở 5 tối mỗi tuần. Sinh viên và giáo "
        "viên nghỉ hưu trong thôn đăng ký kèm bài theo lịch; có tủ sách tham khảo và góc đọc.",
        "beneficiaries": "Khoảng 60 học sinh tiểu học và THCS là con em công nhân thuê trọ ở Tân Lập.",
        "resources": "Bàn ghế, đèn học, quạt, bộ phát wifi, tủ sách, tiền điện một năm, 12 tình nguyện viên kèm bài.",
    },
    {
        "lead": _email(4),
        "category": "nong-nghiep",
        "stage": "pilot",
        "budget": 65_000_000,
        "title": "Đưa bánh đa Khánh Hội đạt chuẩn OCOP 3 sao",
        "summary": "Chuẩn hóa quy trình, bao bì và tem truy xuất nguồn gốc cho bánh đa của các lò Khánh Hội để đạt "
        "chứng nhận OCOP 3 sao, vào được siêu thị và cửa hàng đặc sản của thành phố.",
        "problem": "Bánh đa Khánh Hội ngon nhưng bán trong túi nilon không nhãn mác, giá bán buôn thấp. Các siêu thị "
        "và cửa hàng đặc sản đòi hỏi nhãn, hạn sử dụng, kiểm nghiệm an toàn thực phẩm mà các lò nhỏ chưa "
        "làm được.",
        "solution": "Thành lập tổ hợp tác 5 lò bánh; thống nhất quy trình và công thức, kiểm nghiệm sản phẩm, thiết "
        "kế bao bì giấy kraft có tem QR ghi tên lò và ngày sản xuất. Làm hồ sơ OCOP với sự hướng dẫn của "
        "phòng kinh tế; bán thử qua «Chợ quê online» và hội chợ nông sản.",
        "beneficiaries": "5 lò bánh đa với khoảng 30 lao động, nhiều người là phụ nữ lớn tuổi; người tiêu dùng có sản "
        "phẩm rõ nguồn gốc.",
        "resources": "Phí kiểm nghiệm, thiết kế và in bao bì, máy hàn miệng túi, tem QR, chi phí làm hồ sơ OCOP.",
        "body": "## Lộ trình\n\n"
        "1. Thống nhất công thức và quy trình (1 tháng)\n"
        "2. Kiểm nghiệm, công bố chất lượng (2 tháng)\n"
        "3. Bao bì, tem QR, bán thử (2 tháng)\n"
        "4. Nộp hồ sơ OCOP\n\n"
        "Bao bì mẫu đã được khách ở hội chợ nông sản khen *gọn, đẹp, dễ làm quà*.",
    },
    {
        "lead": _email(2),
        "category": "chuyen-doi-so",
        "stage": "prototype",
        "budget": 25_000_000,
        "title": "Trợ lý hỏi đáp thủ tục hành chính của xã trên Zalo",
        "summary": "Một tài khoản Zalo của xã tự trả lời các câu hỏi thường gặp về thủ tục: giấy tờ cần mang, lệ "
        "phí, giờ làm việc, cách nộp hồ sơ trực tuyến; câu khó được chuyển tới cán bộ một cửa.",
        "problem": "Người dân thường phải đến Ủy ban xã nhiều lần vì thiếu giấy tờ hoặc không biết thủ tục nào làm "
        "được trực tuyến. Cán bộ một cửa trả lời điện thoại cả ngày cho cùng một số câu hỏi.",
        "solution": "Tổng hợp 50 thủ tục hay gặp nhất thành bộ câu hỏi – trả lời bằng lời văn dễ hiểu, đưa lên Zalo "
        "OA của xã với menu chọn nhanh. Câu hỏi chưa có trong bộ được chuyển cho cán bộ trả lời trong giờ "
        "hành chính; mỗi tháng cập nhật thêm câu mới.",
        "beneficiaries": "Người dân toàn xã, nhất là người đi làm xa và người cao tuổi; cán bộ bộ phận một cửa.",
        "resources": "Tài khoản Zalo OA, thời gian của 2 cán bộ soạn và duyệt nội dung, 3 thanh niên nhập liệu và "
        "hướng dẫn người dân.",
    },
    {
        "lead": _email(10),
        "category": "moi-truong",
        "stage": "prototype",
        "budget": 55_000_000,
        "title": "Cảnh báo ngập úng sớm bằng cảm biến mực nước trên kênh",
        "summary": "Đặt cảm biến mực nước ở các đoạn kênh và cống chính của Đoài Hạ; khi nước lên nhanh, loa truyền "
        "thanh và nhóm Zalo của thôn tự báo để bà con kê cao đồ đạc, chuyển gia súc.",
        "problem": "Đoài Hạ là vùng trũng, mỗi mùa mưa bão nước trên kênh lên rất nhanh vào ban đêm. Bà con thường "
        "chỉ biết khi nước đã tràn vào sân, không kịp kê đồ, chuyển lợn gà và lúa giống.",
        "solution": "Lắp 4 cảm biến siêu âm đo mực nước chạy pin mặt trời, gửi số liệu qua sóng điện thoại. Khi mực "
        "nước vượt ngưỡng hoặc lên quá nhanh, hệ thống nhắn tin vào nhóm Zalo thôn, gọi cho trưởng thôn "
        "và phát bản tin cảnh báo trên loa. Số liệu giúp xã vận hành trạm bơm tiêu úng sớm hơn.",
        "beneficiaries": "Khoảng 230 hộ ở vùng trũng Đoài Hạ và ban chỉ huy phòng chống thiên tai của xã.",
        "resources": "4 bộ cảm biến và cột gá, cước dữ liệu, bộ điều khiển loa, tư vấn của cán bộ thủy lợi, 3 thành "
        "viên bảo trì.",
        "body": "## Cách hoạt động\n\n"
        "- **Mức vàng:** nước lên quá 20 cm trong một giờ → nhắn tin nhóm Zalo thôn.\n"
        "- **Mức đỏ:** vượt mốc báo động → gọi trưởng thôn, phát loa.\n\n"
        "Bản thử đã chạy qua hai đợt mưa lớn vừa rồi và báo sớm hơn khoảng 2 tiếng so với lúc nước tràn "
        "bờ kênh.",
        "team": (_email(28), _email(12)),
    },
    {
        "lead": _email(9),
        "category": "giao-duc-stem",
        "stage": "idea",
        "budget": 20_000_000,
        "title": "Lớp lập trình Scratch cuối tuần ở nhà văn hóa thôn",
        "summary": "Lớp học miễn phí sáng chủ nhật cho học sinh tiểu học Đông Thượng: làm trò chơi, truyện tranh "
        "động bằng Scratch trên máy tính cũ được quyên góp và cài lại.",
        "problem": "Ở Đông Thượng, nhiều gia đình không có máy tính; các em chỉ dùng điện thoại để xem video. Giờ tin "
        "học ở trường ít, các em chưa biết máy tính có thể dùng để sáng tạo.",
        "solution": "Kêu gọi quyên góp 10 máy tính cũ, cài lại hệ điều hành nhẹ và Scratch. Mở 2 lớp, mỗi lớp 15 "
        "em, học 12 buổi; mỗi em làm một trò chơi nhỏ về quê mình và trình bày cho bố mẹ xem vào buổi "
        "cuối.",
        "beneficiaries": "30 học sinh tiểu học mỗi khóa ở Đông Thượng và các thôn lân cận.",
        "resources": "10 máy tính cũ quyên góp, tiền sửa chữa và nâng cấp, bộ phát wifi, 3 học sinh THPT và sinh viên "
        "làm người hướng dẫn.",
    },
    {
        "lead": _email(1),
        "category": "du-lich",
        "stage": "idea",
        "budget": 70_000_000,
        "title": "Đường đạp xe ven đê có mã QR thuyết minh",
        "summary": "Một cung đường đạp xe 12 km dọc đê qua 4 thôn, có biển chỉ dẫn và mã QR thuyết minh về đình "
        "làng, bến đò, lò bánh đa và cánh đồng sen; cho thuê xe đạp ở nhà văn hóa An Lạc.",
        "problem": "Cuối tuần có nhiều nhóm đạp xe từ nội thành về vùng ven nhưng chỉ đi qua An Khánh mà không dừng "
        "lại. Các điểm đẹp của xã nằm rải rác, không có chỉ dẫn, khách không biết.",
        "solution": "Khảo sát và vẽ cung đường, cắm 20 biển chỉ dẫn, đặt mã QR ở 8 điểm dừng dẫn tới bài giới thiệu "
        "và bản ghi âm do học sinh đọc. Cho thuê 15 xe đạp, bán nước và đặc sản tại các điểm dừng do các "
        "hộ dân phụ trách.",
        "beneficiaries": "Các hộ bán hàng và làm dịch vụ dọc tuyến đê; du khách đạp xe; học sinh tham gia viết thuyết "
        "minh.",
        "resources": "Biển chỉ dẫn và biển QR, 15 xe đạp, làm nội dung thuyết minh và ghi âm, phối hợp với ban quản "
        "lý đê điều.",
    },
    {
        "lead": _email(8),
        "category": "xa-hoi",
        "stage": "idea",
        "budget": 10_000_000,
        "title": "Sàn việc làm thời vụ cho lao động nông nhàn",
        "summary": "Một bảng tin việc làm thời vụ trên Zalo và loa truyền thanh: chủ ruộng, chủ xưởng đăng cần người "
        "gặt, cấy, đóng hàng; người lao động nông nhàn đăng ký nhận việc gần nhà, có xác nhận của thôn.",
        "problem": "Lúc nông nhàn, nhiều lao động trung niên ở Đông Thượng không có việc, trong khi các xưởng và chủ "
        "ruộng lớn lúc cao điểm lại thiếu người. Hai bên chỉ biết nhau qua truyền miệng.",
        "solution": "Lập nhóm Zalo «Việc quanh làng» có quy định rõ; mỗi tin đăng ghi công việc, thời gian, tiền công. "
        "Thanh niên giúp người lớn tuổi đăng ký qua điện thoại và đọc tin việc làm trên loa mỗi sáng.",
        "beneficiaries": "Khoảng 150 lao động trung niên nông nhàn; các chủ ruộng, trang trại và xưởng nhỏ trong xã.",
        "resources": "Quản trị nhóm Zalo, bảng tin giấy ở nhà văn hóa, thời lượng trên loa truyền thanh, 2 tình "
        "nguyện viên.",
    },
    {
        "lead": _email(20),
        "category": "nong-nghiep",
        "stage": "pilot",
        "budget": 180_000_000,
        "title": "Trồng dưa lưới trong nhà màng cho thanh niên khởi nghiệp",
        "summary": "Nhà màng 500 m² trồng dưa lưới tưới nhỏ giọt, mỗi năm 3 vụ, làm nơi thực hành cho thanh niên "
        "Đông Thượng muốn khởi nghiệp nông nghiệp công nghệ cao.",
        "problem": "Trồng lúa trên ruộng nhỏ thu nhập thấp, thanh niên Đông Thượng bỏ đi làm công nhân. Nhiều bạn "
        "muốn làm nông nghiệp công nghệ cao nhưng không có vốn và chưa có chỗ học việc.",
        "solution": "Dựng nhà màng trên ruộng nhà, trồng dưa lưới trên giá thể xơ dừa với hệ tưới nhỏ giọt hẹn giờ. "
        "Mỗi vụ nhận 3 thanh niên học việc; dưa bán cho các cửa hàng trái cây ở nội thành.",
        "beneficiaries": "Gia đình làm mô hình và khoảng 10 thanh niên học việc mỗi năm.",
        "resources": "Khung nhà màng, hệ thống tưới nhỏ giọt, giống dưa, giá thể, phân bón cho vụ đầu.",
        "state": "withdrawn",
        "withdrawn_reason": "Nhóm đã được nhận vào chương trình hỗ trợ khởi nghiệp nông nghiệp của thành phố với "
        "cùng dự án này, nên xin rút để nhường cơ hội cho các bạn khác.",
    },
    {
        "lead": _email(7),
        "category": "chuyen-doi-so",
        "stage": "idea",
        "budget": 18_000_000,
        "title": "Nhật ký sản xuất điện tử cho hợp tác xã lúa Đông Thượng",
        "summary": "Xã viên ghi ngày gieo cấy, bón phân, phun thuốc bằng vài lần chạm trên điện thoại; hợp tác xã có "
        "sổ nhật ký chung để làm hồ sơ gạo an toàn và tem truy xuất nguồn gốc.",
        "problem": "Hợp tác xã muốn bán gạo có thương hiệu cho bếp ăn trường học và siêu thị, nhưng bên mua đòi sổ "
        "nhật ký sản xuất. Xã viên ghi sổ giấy không đều, hay thất lạc, tổng hợp mất nhiều ngày.",
        "solution": "Dùng một ứng dụng nhật ký đồng ruộng miễn phí hoặc biểu mẫu đơn giản, cài sẵn danh mục phân, "
        "thuốc theo hướng dẫn của Trạm Khuyến nông. Thanh niên đến từng hộ cài đặt, hướng dẫn và nhắc ghi "
        "vào đúng thời điểm; cuối vụ in nhật ký và dán tem QR lên bao gạo.",
        "beneficiaries": "Khoảng 90 xã viên hợp tác xã và khách hàng mua gạo Đông Thượng.",
        "resources": "Phí dùng phần mềm một năm, in tem QR, 4 thanh niên hướng dẫn, một điện thoại dự phòng cho hộ "
        "không có điện thoại thông minh.",
    },
    {
        "lead": _email(1),
        "category": "moi-truong",
        "stage": "pilot",
        "budget": 18_000_000,
        "title": "Đi chợ không túi nilon: túi vải cho chợ An Lạc",
        "summary": "Phát túi vải may từ vải thừa của các xưởng may, đặt «tủ túi dùng chung» ở cổng chợ An Lạc; tiểu "
        "thương nào không phát túi nilon được treo biển «Sạp xanh».",
        "problem": "Mỗi phiên chợ An Lạc thải ra hàng nghìn túi nilon; túi bay xuống mương, ruộng, làm tắc cống. Người "
        "bán ngại bỏ túi nilon vì sợ mất khách.",
        "solution": "Nhận vải thừa từ các xưởng may trong vùng, nhờ Hội Phụ nữ may 2.000 túi. Đặt tủ túi dùng chung "
        "ở cổng chợ: mượn túi khi quên, trả lại phiên sau. Các sạp tham gia được treo biển «Sạp xanh» và "
        "giới thiệu trên trang của xã.",
        "beneficiaries": "Khoảng 80 tiểu thương và hàng nghìn người đi chợ An Lạc mỗi tuần.",
        "resources": "Tiền công may túi, 2 tủ gỗ, biển «Sạp xanh», 6 tình nguyện viên trực cổng chợ các phiên đầu.",
    },
    {
        "lead": _email(15),
        "category": "giao-duc-stem",
        "stage": "idea",
        "budget": 12_000_000,
        "title": "Tủ sách STEM lưu động trên xe đạp",
        "summary": "Chiếc xe đạp chở tủ sách khoa học, bộ đồ chơi lắp ráp và kính lúp đi qua các xóm ven sông mỗi "
        "chiều thứ Bảy; các em mượn sách và làm một thí nghiệm nhỏ ngay tại chỗ.",
        "problem": "Các xóm cuối thôn Bến Đò ở xa trường và nhà văn hóa; trẻ em ít có sách ngoài sách giáo khoa, ít "
        "được làm thí nghiệm.",
        "solution": "Cải tạo một xe đạp chở hàng thành tủ sách di động với 150 đầu sách khoa học thiếu nhi và 10 bộ "
        "đồ chơi STEM. Mỗi tuần đến 3 xóm; các em mượn sách bằng thẻ giấy, trả vào tuần sau.",
        "beneficiaries": "Khoảng 70 trẻ em ở các xóm ven sông của Bến Đò.",
        "resources": "Xe đạp chở hàng, tủ gỗ chống nước, 150 đầu sách, 10 bộ đồ chơi STEM, 4 tình nguyện viên.",
    },
    {
        "lead": _email(21),
        "category": "xa-hoi",
        "stage": "idea",
        "budget": 8_000_000,
        "title": "Hộp thư «Điều em muốn nói» — lắng nghe học sinh",
        "summary": "Đặt hộp thư và mã QR gửi thư ẩn danh ở trường và nhà văn hóa Đoài Hạ; nhóm tình nguyện đã học "
        "kỹ năng lắng nghe đọc thư, trả lời và chuyển các trường hợp khó tới thầy cô, cán bộ tư vấn.",
        "problem": "Nhiều học sinh gặp chuyện buồn, áp lực học hành hoặc bị bắt nạt trên mạng nhưng không dám nói "
        "với bố mẹ, thầy cô. Ở xã chưa có nơi tư vấn tâm lý cho các em.",
        "solution": "Đặt hộp thư giấy có khóa và một biểu mẫu trực tuyến ẩn danh. Nhóm 6 tình nguyện viên được chuyên "
        "gia tâm lý tập huấn, trả lời trên bảng tin hoặc riêng qua mã số thư; trường hợp nguy hiểm được "
        "báo ngay cho nhà trường theo quy trình đã thống nhất.",
        "beneficiaries": "Khoảng 400 học sinh THCS và THPT ở Đoài Hạ và các thôn lân cận.",
        "resources": "Hộp thư có khóa, biểu mẫu trực tuyến, 2 buổi tập huấn với chuyên gia tâm lý, in tờ rơi.",
    },
    {
        "lead": _email(16),
        "category": "nong-nghiep",
        "stage": "idea",
        "budget": 30_000_000,
        "title": "Đệm lót sinh học cho chuồng lợn, hết mùi hôi cho cả xóm",
        "summary": "Hướng dẫn các hộ nuôi lợn ở Tân Lập làm chuồng đệm lót bằng trấu, mùn cưa và men vi sinh: chuồng "
        "không còn mùi hôi, không phải xả nước thải ra mương, đệm lót cũ thành phân bón.",
        "problem": "Tân Lập có nhiều hộ nuôi lợn xen trong khu dân cư mới. Mùi hôi và nước thải chuồng trại xả ra "
        "mương làm hàng xóm bức xúc, nhiều lần phản ánh lên xã.",
        "solution": "Làm mẫu chuồng đệm lót ở 3 hộ, mời các hộ khác đến xem; tổ chức mua chung trấu và men vi sinh "
        "để giảm giá. Cán bộ thú y hướng dẫn cách đảo đệm, bổ sung men và theo dõi sức khỏe đàn lợn.",
        "beneficiaries": "Khoảng 35 hộ nuôi lợn và hàng trăm hộ dân sống xung quanh ở Tân Lập.",
        "resources": "Trấu, mùn cưa, men vi sinh cho 3 chuồng mẫu; công cải tạo nền chuồng; tập huấn của cán bộ thú y.",
    },
    {
        "lead": _email(11),
        "category": "du-lich",
        "stage": "idea",
        "budget": 60_000_000,
        "title": "Mùa sen Đoài Hạ: chụp ảnh, chèo thuyền thúng và trà sen",
        "summary": "Biến đầm sen 3 ha của Đoài Hạ thành điểm tham quan mùa hè: lối đi tre, chòi chụp ảnh, chèo thuyền "
        "thúng hái sen, thưởng thức trà ướp sen và mua hạt sen khô làm quà.",
        "problem": "Đầm sen của Đoài Hạ nở rộ mỗi hè, nhiều bạn trẻ tự tìm đến chụp ảnh, giẫm nát bờ đầm mà chủ đầm "
        "không có thu nhập, rác bỏ lại khắp nơi.",
        "solution": "Cùng chủ đầm làm lối đi bằng tre, 3 chòi chụp ảnh, bãi gửi xe và thùng rác; bán vé vào cửa nhẹ "
        "nhàng kèm một chén trà sen. Thanh niên tổ chức chèo thuyền thúng có áo phao và hướng dẫn ướp trà "
        "sen.",
        "beneficiaries": "Chủ đầm sen, 10 hộ bán trà, hạt sen và đồ ăn; du khách trẻ và các gia đình.",
        "resources": "Tre, gỗ làm lối đi và chòi, 4 thuyền thúng, áo phao, biển báo, thùng rác, tập huấn an toàn.",
    },
    {
        "lead": _email(24),
        "category": "chuyen-doi-so",
        "stage": "idea",
        "budget": 8_000_000,
        "title": "Mã QR thu phí vệ sinh môi trường không dùng tiền mặt",
        "summary": "Mỗi hộ ở Tân Lập có một mã QR riêng để chuyển phí thu gom rác hằng tháng; tổ thu gom xem danh sách "
        "hộ đã nộp trên điện thoại, không phải đi thu từng nhà và giữ tiền mặt.",
        "problem": "Tổ thu gom rác phải đến từng nhà thu phí, nhiều hộ công nhân đi làm cả ngày nên phải đến nhiều "
        "lần. Sổ sách ghi tay dễ nhầm, người dân thắc mắc đã nộp hay chưa.",
        "solution": "Tạo tài khoản thu phí của thôn và mã QR có sẵn nội dung chuyển khoản cho từng hộ, dán ở cửa nhà. "
        "Bảng tính chung tự đối chiếu tiền vào; mỗi tháng công khai danh sách trên nhóm Zalo thôn. Hộ "
        "không dùng ngân hàng vẫn nộp tiền mặt như cũ.",
        "beneficiaries": "Khoảng 420 hộ ở Tân Lập và tổ thu gom rác của thôn.",
        "resources": "In và ép plastic mã QR, một điện thoại cho tổ thu gom, 3 thanh niên hướng dẫn các hộ.",
    },
    {
        "lead": _email(23),
        "category": "giao-duc-stem",
        "stage": "prototype",
        "budget": 18_000_000,
        "title": "Vườn rau thủy canh trên sân trường",
        "summary": "Học sinh tự lắp giàn thủy canh từ ống nhựa trên sân thượng trường, trồng rau cải, xà lách cho bếp "
        "ăn bán trú; đo pH, độ dinh dưỡng và ghi chép như một nhà khoa học nhỏ.",
        "problem": "Học sinh học về cây trồng và dinh dưỡng chủ yếu trên giấy. Bếp ăn bán trú của trường phải mua rau "
        "ngoài chợ, không rõ nguồn gốc.",
        "solution": "Cùng thầy cô lắp 4 giàn thủy canh hồi lưu, bơm nước chạy theo giờ. Mỗi lớp nhận chăm một giàn, "
        "ghi sổ đo pH và độ dinh dưỡng, so sánh tốc độ lớn của rau. Rau thu hoạch được đưa vào bếp ăn của "
        "trường.",
        "beneficiaries": "Khoảng 200 học sinh tham gia chăm sóc và học tập; các em ăn bán trú có rau sạch.",
        "resources": "Ống nhựa, máy bơm nhỏ, dung dịch dinh dưỡng, bút đo pH và TDS, hạt giống, bộ hẹn giờ.",
    },
    {
        "lead": _email(12),
        "category": "moi-truong",
        "stage": "idea",
        "budget": 40_000_000,
        "title": "Bè thủy sinh làm sạch mương nước thải Đoài Hạ",
        "summary": "Thả các bè nổi trồng rau muống, cỏ vetiver, chuối hoa trên mương thoát nước của Đoài Hạ; rễ cây "
        "hút chất bẩn, nước bớt đen và bớt mùi, bè hoa làm đẹp đường làng.",
        "problem": "Mương thoát nước chạy dọc đường làng Đoài Hạ nhận nước thải sinh hoạt của hàng trăm hộ, nước đen, "
        "bốc mùi, nhiều muỗi vào mùa hè. Xây hệ thống xử lý nước thải thì quá tốn kém.",
        "solution": "Làm 40 bè nổi từ ống nhựa và lưới, trồng các loại cây có khả năng lọc nước. Học sinh đo độ trong "
        "và mùi nước mỗi tháng để so sánh trước và sau. Thanh niên thôn chăm bè, thu cây già làm phân.",
        "beneficiaries": "Khoảng 300 hộ sống dọc mương thoát nước ở Đoài Hạ.",
        "resources": "Ống nhựa, lưới, dây neo, cây giống, bộ đo chất lượng nước đơn giản, 8 tình nguyện viên.",
    },
    # Drafts: not submitted yet (some fields still empty, as people leave them).
    {
        "lead": EXISTING_YOUTH,
        "category": "chuyen-doi-so",
        "stage": "idea",
        "budget": None,
        "title": "Đặt lịch khám ở trạm y tế xã qua điện thoại",
        "summary": "Bà con đặt giờ khám trước qua Zalo, đến đúng giờ, không phải xếp hàng từ sáng sớm.",
        "problem": "Sáng nào trạm y tế cũng đông, nhiều cụ phải đến từ 6 giờ để lấy số.",
        "solution": "",
        "beneficiaries": "",
        "resources": "",
        "state": "draft",
    },
    {
        "lead": _email(25),
        "category": "moi-truong",
        "stage": "idea",
        "budget": 15_000_000,
        "title": "Thu gom dầu ăn đã qua sử dụng để làm xà phòng",
        "summary": "Đặt can thu gom dầu ăn thừa ở các quán ăn và hộ gia đình Khánh Hội, nấu thành xà phòng rửa tay "
        "dùng cho trường học.",
        "problem": "Dầu ăn thừa bị đổ thẳng xuống cống, làm tắc cống và ô nhiễm mương.",
        "solution": "Mỗi tuần thu dầu một lần, lọc sạch và nấu xà phòng theo công thức an toàn có người hướng dẫn.",
        "beneficiaries": "",
        "resources": "",
        "state": "draft",
    },
    {
        "lead": _email(9),
        "category": "nong-nghiep",
        "stage": "idea",
        "budget": None,
        "title": "Máy sấy nông sản bằng năng lượng mặt trời",
        "summary": "",
        "problem": "",
        "solution": "",
        "beneficiaries": "",
        "resources": "",
        "state": "draft",
    },
)

FINISHED_IDEAS: tuple[dict[str, Any], ...] = (
    {
        "lead": _email(16),
        "category": "moi-truong",
        "stage": "idea",
        "budget": 75_000_000,
        "title": "Hầm biogas composite cho hộ chăn nuôi nhỏ",
        "summary": "Lắp hầm biogas composite cho các hộ nuôi lợn nhỏ ở Tân Lập để xử lý chất thải chuồng trại, lấy khí "
        "đun nấu, giảm mùi hôi cho khu dân cư.",
        "problem": "Chất thải chuồng lợn của nhiều hộ xả thẳng ra mương, gây mùi hôi và ô nhiễm nguồn nước.",
        "solution": "Lắp thử 5 hầm biogas composite cỡ nhỏ, hướng dẫn vận hành an toàn; các hộ góp một phần chi phí, "
        "phần còn lại xin hỗ trợ từ cuộc thi.",
        "beneficiaries": "5 hộ chăn nuôi trực tiếp và các hộ dân xung quanh.",
        "resources": "5 bộ hầm biogas composite, bếp gas biogas, công lắp đặt.",
    },
    {
        "lead": _email(10),
        "category": "moi-truong",
        "stage": "idea",
        "budget": 12_000_000,
        "result": "awarded",
        "title": "Bản đồ điểm rác tự phát qua Zalo",
        "summary": "Người dân chụp ảnh điểm rác tự phát, gửi kèm vị trí vào nhóm Zalo; thanh niên đánh dấu trên bản "
        "đồ chung và tổ chức dọn vào sáng chủ nhật, rồi trồng hoa tại chỗ để không ai đổ lại.",
        "problem": "Dọc đường ven kênh và bờ ruộng có nhiều điểm đổ rác tự phát. Xã không nắm hết vị trí, dọn xong "
        "một thời gian lại có người đổ.",
        "solution": "Lập nhóm Zalo tiếp nhận ảnh và vị trí; cập nhật lên bản đồ số dùng chung với trạng thái «mới», "
        "«đã dọn», «đã trồng hoa». Mỗi chủ nhật một thôn nhận dọn; điểm đã dọn được trồng hoa và cắm biển "
        "nhắc nhở.",
        "beneficiaries": "Người dân sáu thôn, đặc biệt các hộ sống gần kênh mương.",
        "resources": "Găng tay, bao tải, cây hoa, biển nhắc nhở, 20 tình nguyện viên mỗi tháng.",
        "team": (_email(28),),
    },
    {
        "lead": _email(2),
        "category": "chuyen-doi-so",
        "stage": "idea",
        "budget": 10_000_000,
        "title": "Góc hỗ trợ dịch vụ công trực tuyến ở nhà văn hóa",
        "summary": "Một máy tính, một máy in và thanh niên trực mỗi tối thứ Ba, thứ Năm ở nhà văn hóa An Lạc để giúp "
        "bà con nộp hồ sơ dịch vụ công trực tuyến.",
        "problem": "Nhiều thủ tục đã làm được trực tuyến nhưng người dân không biết cách, vẫn phải lên xã nhiều lần.",
        "solution": "Thanh niên được cán bộ một cửa tập huấn, trực hỗ trợ 2 buổi tối mỗi tuần, hướng dẫn tạo tài "
        "khoản, chụp giấy tờ và nộp hồ sơ.",
        "beneficiaries": "Người dân An Lạc và các thôn lân cận.",
        "resources": "Máy tính, máy in, máy quét, 4 thanh niên trực.",
    },
    {
        # youth1's idea of last year: its team sees the judges' released comments on /my/ideas/<id>.
        "lead": EXISTING_YOUTH,
        "category": "chuyen-doi-so",
        "stage": "idea",
        "budget": 15_000_000,
        "result": "finalist",
        "team": (_email(5),),
        "title": "Livestream bán bánh đa từ lò",
        "summary": "Các buổi livestream từ lò bánh đa Khánh Hội: người xem thấy tận mắt tráng bánh, phơi bánh và đặt "
        "mua ngay; thanh niên lo quay, trả lời bình luận và đóng gói gửi hàng.",
        "problem": "Bánh đa Khánh Hội chủ yếu bán qua thương lái, giá thấp. Chủ lò lớn tuổi không biết bán hàng trên "
        "mạng.",
        "solution": "Mỗi tuần livestream 2 buổi tại các lò luân phiên, kể chuyện nghề và giới thiệu cách nấu bánh đa "
        "cua. Đơn hàng được tổng hợp, đóng gói tại nhà văn hóa và gửi qua đơn vị vận chuyển.",
        "beneficiaries": "5 lò bánh đa ở Khánh Hội và khách hàng ở khắp nơi.",
        "resources": "Điện thoại, đèn và giá đỡ quay, hộp đóng gói, 3 thanh niên phụ trách bán hàng.",
    },
    {
        "lead": _email(12),
        "category": "nong-nghiep",
        "stage": "idea",
        "budget": 50_000_000,
        "title": "Trồng sen lấy hạt trên ruộng trũng Đoài Hạ",
        "summary": "Chuyển các thửa ruộng trũng cấy lúa kém hiệu quả sang trồng sen lấy hạt và ngó, kết hợp thả cá, "
        "cho thu nhập cao hơn và cảnh quan đẹp.",
        "problem": "Ruộng trũng ở Đoài Hạ hay bị ngập, lúa năng suất thấp, nhiều thửa bị bỏ hoang.",
        "solution": "Làm mô hình 1 ha sen giống cho hạt, thả cá trong ruộng sen; liên kết cơ sở thu mua hạt sen tươi "
        "và sấy khô.",
        "beneficiaries": "Các hộ có ruộng trũng ở Đoài Hạ.",
        "resources": "Giống sen, cá giống, công cải tạo bờ ruộng, tư vấn khuyến nông.",
    },
    {
        "lead": _email(8),
        "category": "nong-nghiep",
        "stage": "prototype",
        "budget": 85_000_000,
        "result": "awarded",
        "title": "Máy cuộn rơm mini dùng chung cho ruộng nhỏ",
        "summary": "Tổ thanh niên mua chung một máy cuộn rơm mini kéo bằng máy cày tay, đi cuộn rơm thuê cho các thửa "
        "ruộng nhỏ mà máy lớn không vào được, để bà con bán rơm thay vì đốt.",
        "problem": "Ruộng ở Đông Thượng nhỏ, bờ hẹp, máy cuộn rơm lớn không vào được nên bà con đốt rơm ngay tại "
        "ruộng, khói mù mịt mỗi mùa gặt.",
        "solution": "Mua một máy cuộn rơm mini, lập lịch cuộn thuê theo từng cánh đồng; rơm cuộn được bán cho trang "
        "trại bò và hộ trồng nấm. Tiền công đủ trả dần tiền máy sau 3 vụ.",
        "beneficiaries": "Khoảng 150 hộ trồng lúa ở Đông Thượng và người dân chịu khói đốt rơm.",
        "resources": "Máy cuộn rơm mini, dây buộc rơm, chi phí vận hành vụ đầu.",
    },
    {
        "lead": _email(27),
        "category": "du-lich",
        "stage": "idea",
        "budget": 40_000_000,
        "result": "finalist",
        "title": "Khôi phục bến đò xưa thành điểm dừng chân ven sông",
        "summary": "Dọn dẹp, làm lại bậc đá và mái che ở bến đò cũ, đặt bảng kể chuyện bến đò và vài chiếc ghế ngắm "
        "hoàng hôn, để người đi đường và khách đạp xe dừng chân.",
        "problem": "Bến đò cũ của thôn bỏ hoang từ khi có cầu, cỏ mọc um tùm, rác ứ đọng. Người già trong thôn tiếc "
        "một nơi gắn với bao kỷ niệm.",
        "solution": "Huy động thanh niên dọn bến, làm lại bậc đá và mái che; sưu tầm ảnh cũ và lời kể của các cụ để "
        "làm bảng thông tin. Mời một hộ dân mở quầy nước nhỏ giữ vệ sinh chung.",
        "beneficiaries": "Người dân Bến Đò, khách đi đường và khách đạp xe.",
        "resources": "Đá, xi măng, gỗ làm mái che, bảng thông tin, ghế, 15 tình nguyện viên.",
    },
    {
        "lead": _email(13),
        "category": "xa-hoi",
        "stage": "idea",
        "budget": 9_000_000,
        "title": "Góc đọc sách ven đê cho thiếu nhi",
        "summary": "Một góc đọc sách ngoài trời dưới gốc đa đầu đê Bến Đò, có kệ sách chống mưa và ghế đá, mở cửa "
        "chiều thứ Bảy, chủ nhật với các buổi đọc truyện cho các em nhỏ.",
        "problem": "Thiếu nhi Bến Đò ít sách đọc, chiều cuối tuần thường tụ tập chơi gần bờ sông, không an toàn.",
        "solution": "Làm kệ sách có mái che, quyên góp 300 cuốn sách thiếu nhi; thanh niên thay nhau đọc truyện và tổ "
        "chức trò chơi.",
        "beneficiaries": "Khoảng 60 trẻ em ở Bến Đò.",
        "resources": "Kệ sách, mái che, ghế, sách quyên góp, 5 tình nguyện viên.",
    },
    {
        "lead": _email(17),
        "category": "xa-hoi",
        "stage": "pilot",
        "budget": 6_000_000,
        "result": "finalist",
        "title": "Tủ quần áo 0 đồng cho công nhân và trẻ em",
        "summary": "Một tủ quần áo đặt ở nhà văn hóa Tân Lập: ai có đồ còn tốt thì gửi, ai cần thì lấy, không mất "
        "tiền; tình nguyện viên phân loại, giặt sạch và sắp xếp theo cỡ.",
        "problem": "Nhiều gia đình công nhân thuê trọ ở Tân Lập thu nhập thấp, trẻ nhỏ lớn nhanh thiếu quần áo, nhất "
        "là áo ấm mùa đông; trong khi nhiều nhà khác có quần áo cũ còn tốt bỏ đi.",
        "solution": "Đặt 2 tủ quần áo và một giá giày, mở cửa tối thứ Sáu và sáng chủ nhật. Đồ quyên góp được phân "
        "loại, giặt sạch; đồ không dùng được chuyển đi tái chế.",
        "beneficiaries": "Khoảng 100 gia đình công nhân và hộ khó khăn ở Tân Lập.",
        "resources": "2 tủ quần áo, giá giày, móc treo, bột giặt, 6 tình nguyện viên.",
    },
    {
        "lead": _email(1),
        "category": "du-lich",
        "stage": "idea",
        "budget": 30_000_000,
        "title": "Phiên chợ quê ẩm thực cuối tháng",
        "summary": "Phiên chợ tối cuối tháng ở sân đình An Lạc với các món quê An Khánh: bánh đa cua, bánh đúc, cá kho "
        "niêu, chè; có hát chèo và trò chơi dân gian cho trẻ em.",
        "problem": "Các món ngon của xã chưa được nhiều người biết; sân đình rộng nhưng chỉ đông vào dịp lễ hội.",
        "solution": "Tổ chức phiên chợ thử 3 tháng liền, mỗi gian hàng do một hộ hoặc nhóm thanh niên phụ trách; quảng "
        "bá qua trang của xã và các nhóm du lịch Hải Phòng.",
        "beneficiaries": "Các hộ bán hàng, người dân và khách thập phương.",
        "resources": "Lều, đèn, bàn ghế, âm thanh, chi phí quảng bá.",
    },
    {
        "lead": _email(6),
        "category": "giao-duc-stem",
        "stage": "idea",
        "budget": 20_000_000,
        "result": "awarded",
        "title": "Câu lạc bộ «Em yêu khoa học» sáng chủ nhật",
        "summary": "Mỗi sáng chủ nhật, học sinh tiểu học Khánh Hội làm một thí nghiệm khoa học vui tại nhà văn hóa "
        "thôn, do giáo viên trẻ và sinh viên về quê hướng dẫn.",
        "problem": "Học sinh tiểu học ở thôn ít có hoạt động cuối tuần bổ ích; các em hầu như chưa được làm thí "
        "nghiệm thực hành.",
        "solution": "Soạn 30 thí nghiệm đơn giản, an toàn với vật liệu dễ kiếm. Mỗi buổi có phần «vì sao?» để các em "
        "tự giải thích; cuối kỳ tổ chức ngày hội khoa học cho cả thôn.",
        "beneficiaries": "Khoảng 50 học sinh tiểu học ở Khánh Hội.",
        "resources": "Vật liệu thí nghiệm, bàn ghế tại nhà văn hóa, 4 người hướng dẫn.",
    },
    {
        "lead": _email(7),
        "category": "giao-duc-stem",
        "stage": "prototype",
        "budget": 14_000_000,
        "title": "Tưới nhỏ giọt tự động bằng Arduino cho vườn rau",
        "summary": "Học sinh lắp bộ tưới nhỏ giọt đo độ ẩm đất và tự bật bơm, thử trên vườn rau của 3 gia đình ở Đông "
        "Thượng, tiết kiệm nước và công tưới.",
        "problem": "Mùa khô, các hộ trồng rau mất nhiều công tưới, nước giếng không đủ; học sinh học lập trình nhưng "
        "chưa có dự án thật.",
        "solution": "Lắp cảm biến độ ẩm đất, mạch Arduino và van điện cho 3 vườn rau, ghi lại lượng nước dùng so với "
        "tưới tay.",
        "beneficiaries": "3 hộ trồng rau làm thử và học sinh tham gia dự án.",
        "resources": "Mạch Arduino, cảm biến, van điện, ống nhỏ giọt, máy bơm nhỏ.",
    },
)


# ---------------------------------------------------------------- judging

ORGANIZER = "organizer@example.com"
# The demo judges (demo.people.PEOPLE) with the fields (category slugs) they know well.
JUDGES = (
    ("judge1@example.com", ("nong-nghiep", "moi-truong")),
    ("judge2@example.com", ("giao-duc-stem", "xa-hoi")),
    ("judge3@example.com", ("chuyen-doi-so", "du-lich")),
)

RUBRIC: tuple[dict[str, Any], ...] = (
    {
        "name": "Tính sáng tạo",
        "weight": 0.3,
        "description": "Ý tưởng mới ở xã, hoặc cách làm mới cho một việc quen thuộc; không sao chép nguyên một mô "
        "hình có sẵn.",
        "descriptors": (
            "giống hệt cách làm đã có",
            "thay đổi nhỏ so với cách làm quen thuộc",
            "có điểm mới nhưng chưa rõ nét",
            "cách làm mới, hợp với địa phương",
            "rất mới, có thể làm mẫu cho nơi khác",
        ),
    },
    {
        "name": "Tính khả thi",
        "weight": 0.3,
        "description": "Làm được với thời gian, con người và nguồn lực của nhóm; chi phí hợp lý, có kế hoạch làm "
        "thử cụ thể.",
        "descriptors": (
            "ý tưởng chưa rõ ràng",
            "thiếu nhiều nguồn lực cần thiết",
            "làm được nếu có thêm hỗ trợ",
            "kế hoạch rõ, chi phí hợp lý",
            "rất khả thi, có số liệu",
        ),
    },
    {
        "name": "Tác động cộng đồng",
        "weight": 0.25,
        "description": "Bao nhiêu người được hưởng lợi, đời sống và môi trường được cải thiện đến đâu; khả năng duy "
        "trì và nhân rộng.",
        "descriptors": (
            "lợi ích chưa rõ",
            "lợi ích cho ít người",
            "lợi ích rõ cho một thôn",
            "lợi ích lớn, duy trì được",
            "lợi ích lớn, nhân rộng được ra cả xã",
        ),
    },
    {
        "name": "Trình bày",
        "weight": 0.15,
        "description": "Hồ sơ rõ ràng, dễ hiểu: vấn đề, giải pháp, người hưởng lợi và nguồn lực được nêu cụ thể.",
        "descriptors": (
            "khó hiểu, thiếu thông tin",
            "còn thiếu nhiều phần",
            "đủ ý nhưng chưa cụ thể",
            "rõ ràng, mạch lạc",
            "rất rõ, có số liệu và hình ảnh",
        ),
    },
)

PLEDGE = (
    "Tôi cam kết chấm độc lập, khách quan theo các tiêu chí của cuộc thi và không tiết lộ nội dung các ý "
    "tưởng trước khi công bố kết quả."
)
NO_CONFLICT = PLEDGE + " Tôi không có quan hệ gia đình hay quyền lợi nào với các nhóm dự thi."
# judge1 declares this entry of the finished round as related (a declared conflict).
CONFLICT_TITLE = "Góc hỗ trợ dịch vụ công trực tuyến ở nhà văn hóa"
CONFLICT_STATEMENT = (
    PLEDGE + " Tôi nhận ra ý tưởng về góc hỗ trợ dịch vụ công ở nhà văn hóa An Lạc: trưởng nhóm là "
    "con trai một người bạn thân của tôi, nên tôi xin không chấm ý tưởng này."
)
# One judge of this entry does not score it.
ABSTAIN_TITLE = "Trồng sen lấy hạt trên ruộng trũng Đoài Hạ"
ABSTAIN_REASON = (
    "Gia đình tôi có ruộng trũng liền kề khu ruộng dự kiến làm mô hình; tôi xin không chấm ý tưởng này "
    "để bảo đảm khách quan."
)
SHORTLIST_REASON = "Đề cử bổ sung của ban tổ chức"

# The finished round's score sheets, by idea title: the marks a fair judge gives per criterion
# (in RUBRIC order; each judge is a little more or less lenient), per-criterion comments of the
# first sheets, and the overall comments of the sheets in turn.
FINISHED_SCORES: dict[str, dict[str, Any]] = {
    "Hầm biogas composite cho hộ chăn nuôi nhỏ": {
        "marks": (3, 3, 4, 3),
        "notes": (
            (
                "Hầm biogas không mới, nhưng chưa hộ nào ở Tân Lập dùng loại composite.",
                "Khoảng 15 triệu đồng mỗi hầm là khá cao; cần nói rõ mỗi hộ góp bao nhiêu.",
                "Giảm rõ mùi hôi và nước thải xuống mương cho cả xóm.",
                "Nên thêm sơ đồ lắp đặt và lịch làm thử.",
            ),
        ),
        "overall": (
            "Ý tưởng thiết thực cho vùng chăn nuôi; cần tính kỹ chi phí và cách bảo dưỡng hầm.",
            "Nên bắt đầu với 2–3 hộ và đo lượng khí thu được trước khi mở rộng.",
            "Lợi ích môi trường rõ, nhưng phần tài chính còn sơ sài.",
        ),
    },
    "Bản đồ điểm rác tự phát qua Zalo": {
        "marks": (5, 4, 5, 4),
        "notes": (
            (
                "Kết hợp nhóm Zalo, bản đồ chung và trồng hoa tại điểm đã dọn — cách làm rất mới với xã.",
                "Chi phí thấp, dựa vào tình nguyện viên sẵn có; cần người quản trị nhóm Zalo lâu dài.",
                "Cả sáu thôn cùng hưởng lợi, người dân tự tham gia giám sát.",
                "Gọn, dễ hiểu; nên thêm ảnh trước và sau khi dọn.",
            ),
        ),
        "overall": (
            "Ý tưởng xuất sắc: rẻ, dễ làm, huy động được cả cộng đồng. Rất đáng làm thử ngay.",
            "Trồng hoa ở điểm đã dọn khiến khó ai đổ rác lại. Cần kế hoạch duy trì sau 6 tháng.",
        ),
    },
    CONFLICT_TITLE: {
        "marks": (2, 4, 3, 3),
        "notes": (
            (
                "Nhiều nơi đã có tổ hỗ trợ dịch vụ công; ý tưởng chưa có điểm khác biệt.",
                "Rất dễ làm: xã có sẵn cán bộ một cửa để tập huấn cho thanh niên.",
                "Bà con đỡ phải lên xã nhiều lần, nhất là người cao tuổi.",
                "Nên nêu số hồ sơ dự kiến hỗ trợ mỗi tháng.",
            ),
        ),
        "overall": (
            "Việc cần và làm được ngay, nhưng chưa phải ý tưởng mới; xã có thể đưa vào hoạt động thường xuyên.",
            "Nên phối hợp với Đoàn xã để giữ lịch trực đều đặn.",
        ),
    },
    "Livestream bán bánh đa từ lò": {
        "marks": (4, 4, 4, 3),
        "notes": (
            (
                "Đưa lò bánh đa truyền thống lên livestream là hướng đi mới cho làng nghề của xã.",
                "Thiết bị đơn giản, chi phí thấp; nhóm cần luyện thêm kỹ năng bán hàng và chăm sóc khách.",
                "Giúp 5 lò bánh đa bán được giá tốt hơn và giữ nghề truyền thống.",
                "Bản mô tả còn ngắn; nên thêm kế hoạch từng tháng và số đơn hàng dự kiến.",
            ),
            (
                "Kể chuyện nghề ngay trong buổi livestream là điểm cộng.",
                "Cần tính kỹ khâu đóng gói để bánh không vỡ khi gửi đi xa.",
                "Nếu thành công có thể làm tương tự cho các sản phẩm khác của xã.",
                "Nên có vài số liệu về giá bán hiện nay và giá mong muốn.",
            ),
        ),
        "overall": (
            "Ý tưởng có tiềm năng, nhóm trẻ năng động. Hãy làm thử vài buổi và ghi lại số đơn hàng để "
            "thuyết phục các chủ lò.",
            "Hướng đi tốt cho làng nghề; cần kế hoạch đóng gói và vận chuyển cụ thể hơn.",
        ),
    },
    ABSTAIN_TITLE: {
        "marks": (3, 3, 3, 3),
        "notes": (
            (
                "Mô hình sen kết hợp thả cá đã có ở nhiều nơi, nhưng hợp với ruộng trũng của xã.",
                "Phải 1–2 năm mới có thu; nhóm chưa nói rõ lấy vốn đâu trong thời gian chờ.",
                "Giúp các hộ có ruộng bỏ hoang tăng thu nhập.",
                "Đủ ý nhưng thiếu số liệu về năng suất và giá bán.",
            ),
        ),
        "overall": (
            "Hướng chuyển đổi hợp lý; cần tính hiệu quả kinh tế chi tiết hơn.",
            "Nên tham khảo mô hình sen ở các xã lân cận trước khi làm.",
        ),
    },
    "Máy cuộn rơm mini dùng chung cho ruộng nhỏ": {
        "marks": (4, 5, 5, 4),
        "notes": (
            (
                "Giải quyết đúng chỗ khó của ruộng nhỏ mà máy lớn không vào được.",
                "Đã có máy làm thử, tính được hoàn vốn sau 3 vụ — rất thuyết phục.",
                "Chấm dứt cảnh đốt rơm, tốt cho sức khỏe của cả thôn.",
                "Trình bày rõ ràng, có số liệu.",
            ),
        ),
        "overall": (
            "Rất thực tế, có số liệu và kế hoạch hoàn vốn. Xứng đáng được hỗ trợ làm thử.",
            "Nên kết hợp với việc ủ phân từ rơm để tận dụng hết phần rơm thừa.",
        ),
    },
    "Khôi phục bến đò xưa thành điểm dừng chân ven sông": {
        "marks": (4, 3, 4, 4),
        "notes": (
            (
                "Gắn việc giữ ký ức bến đò với du lịch là cách nhìn mới.",
                "Cần làm rõ ai giữ vệ sinh và sửa chữa sau khi làm xong.",
                "Tạo điểm dừng chân cho khách và chỗ sinh hoạt cho bà con.",
                "Bài viết có cảm xúc, dễ hình dung.",
            ),
        ),
        "overall": (
            "Ý tưởng đẹp, giàu tính cộng đồng; cần phương án duy trì lâu dài.",
            "Nên hỏi ý kiến xã về an toàn bờ sông trước khi làm.",
        ),
    },
    "Góc đọc sách ven đê cho thiếu nhi": {
        "marks": (3, 4, 3, 3),
        "notes": (
            (
                "Góc đọc sách ngoài trời không mới, nhưng vị trí gốc đa đầu đê rất hợp.",
                "Chi phí thấp, dễ làm với tình nguyện viên.",
                "Bổ ích cho trẻ em Bến Đò, nhưng phạm vi còn nhỏ.",
                "Nên nói rõ cách giữ sách khi mưa bão.",
            ),
        ),
        "overall": (
            "Ý tưởng nhỏ, dễ làm và ý nghĩa; nên phối hợp với thư viện trường.",
            "Có thể gộp vào các hoạt động hè của Đoàn.",
        ),
    },
    "Tủ quần áo 0 đồng cho công nhân và trẻ em": {
        "marks": (3, 5, 4, 4),
        "notes": (
            (
                "Mô hình đã có ở thành phố, lần đầu đưa về xã.",
                "Đã chạy thử, chi phí rất thấp, có tình nguyện viên ổn định.",
                "Giúp các gia đình công nhân khó khăn, nhất là mùa đông.",
                "Rõ ràng, có lịch mở cửa cụ thể.",
            ),
        ),
        "overall": (
            "Thiết thực, đã làm thử thành công; nên ghi chép số người nhận để báo cáo.",
            "Ý tưởng nhân văn, dễ nhân rộng ra các thôn.",
        ),
    },
    "Phiên chợ quê ẩm thực cuối tháng": {
        "marks": (3, 2, 3, 3),
        "notes": (
            (
                "Phiên chợ ẩm thực là ý hay, nhưng nhiều địa phương đã làm.",
                "Chi phí tổ chức và quảng bá khá lớn; chưa rõ nguồn thu bù lại.",
                "Có lợi cho các hộ bán hàng nếu thu hút được khách ngoài xã.",
                "Cần thêm kế hoạch vệ sinh, an toàn thực phẩm.",
            ),
        ),
        "overall": (
            "Nên làm thử một phiên vào dịp lễ hội để đo lượng khách trước khi tổ chức hằng tháng.",
            "Ý tưởng vui, cần tính kỹ chi phí.",
        ),
    },
    "Câu lạc bộ «Em yêu khoa học» sáng chủ nhật": {
        "marks": (4, 5, 4, 5),
        "notes": (
            (
                "Thí nghiệm vui kèm phần «vì sao?» khơi dậy sự tò mò của các em.",
                "Rất khả thi: vật liệu dễ kiếm, đã có người hướng dẫn.",
                "Bổ ích cho học sinh tiểu học, có thể nhân rộng ra các thôn.",
                "Hồ sơ rất rõ, có kế hoạch từng buổi.",
            ),
        ),
        "overall": (
            "Ý tưởng giáo dục xuất sắc: chi phí thấp, hiệu quả cao. Rất đáng hỗ trợ.",
            "Nên mời phụ huynh cùng tham gia ngày hội khoa học cuối kỳ.",
        ),
    },
    "Tưới nhỏ giọt tự động bằng Arduino cho vườn rau": {
        "marks": (4, 2, 3, 4),
        "notes": (
            (
                "Học sinh tự lắp hệ thống tưới tự động — rất sáng tạo.",
                "Thiết bị điện để ngoài trời cần bảo đảm an toàn; chi phí cho mỗi vườn chưa rõ.",
                "Tiết kiệm nước và công tưới cho các hộ trồng rau.",
                "Trình bày rõ; nên thêm sơ đồ mạch và ảnh mô hình.",
            ),
        ),
        "overall": (
            "Ý tưởng STEM hay; cần thầy cô kỹ thuật hướng dẫn thêm về an toàn điện.",
            "Nên đo lượng nước tiết kiệm được để thuyết phục bà con.",
        ),
    },
}


# ---------------------------------------------------------------- the public vote

DIGITAL_CATEGORIES = (
    ("Chính quyền số", "chinh-quyen-so"),
    ("Kinh tế số", "kinh-te-so"),
    ("Xã hội số", "xa-hoi-so"),
    ("Nông nghiệp số", "nong-nghiep-so"),
)

DIGITAL_CONTEST = {
    "slug": "sang-kien-chuyen-doi-so-2026",
    "title": "Cuộc thi sáng kiến chuyển đổi số xã An Khánh 2026",
    "tagline": "Bốn sáng kiến số vào vòng bình chọn — mời bà con đã xác minh cư trú bình chọn trực tuyến!",
    "description": """\
Thực hiện kế hoạch chuyển đổi số của xã giai đoạn 2026–2030, Ủy ban nhân dân xã An Khánh và Đoàn Thanh niên \
tìm những sáng kiến giúp bà con **làm việc với chính quyền, buôn bán và chăm lo sức khỏe dễ hơn nhờ điện thoại \
và mạng Internet**.

Ban giám khảo đã chọn 4 sáng kiến vào vòng bình chọn. Mỗi cư dân đã xác minh cư trú được bình chọn cho **2 sáng \
kiến**; có thể rút lại phiếu và bầu lại trong thời gian bình chọn. Số phiếu được giữ kín đến khi kết thúc bình \
chọn, để mỗi người tự chọn theo ý mình.

Mọi lượt bình chọn được ghi vào **nhật ký công khai** có chuỗi mã băm: ai cũng tải về và tự kiểm tra được kết quả.""",
    "rules": """\
- Trưởng nhóm từ **16 đến 35 tuổi** (tính theo năm sinh) và đang cư trú tại xã An Khánh.
- Mỗi người gửi **tối đa 3 sáng kiến**; sáng kiến phải dùng được với điện thoại phổ thông hoặc máy tính của xã.
- Ban giám khảo chấm theo tính sáng tạo, tính khả thi, tác động cộng đồng và trình bày, rồi chọn các sáng kiến \
vào vòng bình chọn.
- Chỉ **cư dân đã xác minh** của xã được bình chọn, mỗi người tối đa **2 phiếu**, mỗi sáng kiến một phiếu.
- Điểm chung cuộc = **60% điểm ban giám khảo + 40% điểm bình chọn** (mỗi phần quy về thang 100).
- Phiếu gian lận (bầu hộ, một người nhiều tài khoản) bị hủy và ghi rõ lý do trong nhật ký công khai.""",
    "prizes": """\
- **Giải Nhất** (1 giải): 8.000.000 đ
- **Giải Nhì** (1 giải): 5.000.000 đ
- **Giải bình chọn** (1 giải, do cộng đồng bình chọn trực tuyến): 2.000.000 đ

Sáng kiến đoạt giải được xã hỗ trợ làm thử trong 6 tháng cùng Trung tâm Chuyển đổi số của thành phố.""",
}
DIGITAL_SUBMISSION_CLOSED_DAYS_AGO = 30
DIGITAL_SUBMISSION_DAYS = 45
DIGITAL_JUDGING_CLOSED_DAYS_AGO = 3
DIGITAL_VOTE_OPENED_DAYS_AGO = 2
DIGITAL_VOTE_DAYS = 7
DIGITAL_RESULTS_AFTER_VOTE_DAYS = 2
DIGITAL_SHORTLIST_REASON = "Bốn sáng kiến có tổng điểm cao nhất của ban giám khảo vào vòng bình chọn"

DIGITAL_IDEAS: tuple[dict[str, Any], ...] = (
    {
        "lead": _email(10),
        "category": "chinh-quyen-so",
        "stage": "prototype",
        "budget": 60_000_000,
        "shortlist": True,
        "team": (_email(28),),
        "title": "Loa truyền thanh thông minh phát bản tin theo từng thôn",
        "summary": "Thay loa truyền thanh cũ bằng cụm loa kết nối 4G: xã soạn bản tin trên điện thoại, chọn thôn cần "
        "phát, loa đọc đúng giờ; bản tin được lưu lại để bà con nghe lại qua Zalo.",
        "problem": "Loa truyền thanh của xã đã cũ, nhiều cụm loa hỏng; thông báo lịch tiêm, lịch cắt điện, cảnh báo "
        "bão thường đến muộn. Thông báo chỉ cho một thôn vẫn phải phát cho cả xã.",
        "solution": "Lắp 12 cụm loa IP dùng sim 4G, điều khiển bằng phần mềm trên điện thoại của cán bộ văn hóa xã. "
        "Bản tin soạn bằng chữ được đọc bằng giọng đọc tự động tiếng Việt, phát theo lịch cho từng thôn, "
        "đồng thời đăng lên nhóm Zalo của thôn để người đi làm xa nghe lại.",
        "beneficiaries": "Toàn bộ khoảng 3.750 người dân của 6 thôn, nhất là người cao tuổi không dùng điện thoại "
        "thông minh.",
        "resources": "12 cụm loa IP, sim 4G, phần mềm quản lý bản tin; 2 thanh niên hỗ trợ cán bộ văn hóa xã soạn "
        "tin trong 3 tháng đầu.",
    },
    {
        "lead": _email(13),
        "category": "xa-hoi-so",
        "stage": "idea",
        "budget": 35_000_000,
        "title": "Sổ sức khỏe điện tử cho người cao tuổi ở nhà văn hóa thôn",
        "summary": "Mỗi tháng một buổi đo huyết áp, đường huyết cho người cao tuổi ở nhà văn hóa; kết quả ghi vào "
        "sổ sức khỏe điện tử để trạm y tế theo dõi và nhắn con cháu khi chỉ số bất thường.",
        "problem": "Nhiều cụ ở Bến Đò bị cao huyết áp, tiểu đường nhưng ít khi đi khám định kỳ; con cháu đi làm xa "
        "không biết tình hình sức khỏe của ông bà.",
        "solution": "Thanh niên tình nguyện cùng y tế thôn đo chỉ số mỗi tháng, nhập vào bảng tính chung của trạm y "
        "tế; chỉ số vượt ngưỡng thì trạm gọi lại và nhắn tin cho người thân đã đăng ký.",
        "beneficiaries": "Khoảng 120 người trên 60 tuổi ở thôn Bến Đò và gia đình các cụ.",
        "resources": "Máy đo huyết áp, máy đo đường huyết và que thử, máy tính bảng, 4 tình nguyện viên mỗi buổi.",
    },
    {
        "lead": _email(25),
        "category": "kinh-te-so",
        "stage": "pilot",
        "budget": 28_000_000,
        "shortlist": True,
        "team": (_email(5),),
        "title": "Truy xuất nguồn gốc bánh đa Khánh Hội bằng mã QR",
        "summary": "Mỗi túi bánh đa Khánh Hội có tem QR: quét là thấy lò làm bánh, ngày tráng, nguồn gạo và video "
        "làm bánh — khách tin hàng thật, lò bánh bán được giá tốt hơn.",
        "problem": "Bánh đa Khánh Hội nổi tiếng nhưng bị nhái nhiều ở chợ và trên mạng; khách không phân biệt được "
        "bánh thật của làng, các lò bánh phải bán rẻ.",
        "solution": "Xây trang thông tin chung cho các lò bánh, in tem QR theo từng mẻ. Thanh niên hướng dẫn chủ lò "
        "cập nhật ngày tráng bằng điện thoại và quay video giới thiệu lò.",
        "beneficiaries": "12 lò bánh đa của thôn Khánh Hội và khách mua bánh trong và ngoài thành phố.",
        "resources": "Tên miền và trang thông tin, máy in tem, 20.000 tem QR đầu tiên, 3 thanh niên hỗ trợ các lò.",
        "body": "## Làm thử\n\n"
        "Ba lò bánh đã dán tem QR cho 1.500 túi bánh trong tháng Tám; **40%** khách mua đã quét mã, nhiều "
        "người quay lại đặt hàng trực tiếp với lò.",
    },
    {
        "lead": _email(16),
        "category": "nong-nghiep-so",
        "stage": "prototype",
        "budget": 40_000_000,
        "shortlist": True,
        "title": "Nhật ký đồng ruộng qua ảnh chụp và cảnh báo sâu bệnh sớm",
        "summary": "Bà con chụp ảnh lá lúa gửi vào nhóm Zalo của hợp tác xã; tổ kỹ thuật trẻ cùng Trạm Khuyến nông "
        "nhận diện sâu bệnh, trả lời trong ngày và báo cho cả cánh đồng khi dịch mới chớm.",
        "problem": "Rầy nâu, đạo ôn thường chỉ được phát hiện khi đã lan rộng; nhiều hộ phun thuốc theo cảm tính, tốn "
        "tiền và hại đất.",
        "solution": "Lập tổ kỹ thuật 5 thanh niên được Trạm Khuyến nông tập huấn; ảnh gửi về được ghi vào bản đồ "
        "chung theo từng thửa ruộng. Khi nhiều ảnh cùng một loại sâu bệnh, tổ gửi cảnh báo và hướng dẫn "
        "phun đúng thuốc, đúng lúc.",
        "beneficiaries": "Khoảng 200 hộ trồng lúa của thôn Tân Lập và Đông Thượng.",
        "resources": "Điện thoại, kính lúp gắn điện thoại, phần mềm bản đồ miễn phí, tập huấn của Trạm Khuyến nông.",
    },
    {
        "lead": _email(19),
        "category": "kinh-te-so",
        "stage": "pilot",
        "budget": 15_000_000,
        "shortlist": True,
        "title": "Chợ An Lạc không tiền mặt: mã QR cho mọi sạp hàng",
        "summary": "Thanh niên giúp tiểu thương chợ An Lạc mở tài khoản, in mã QR cho từng sạp và tập cho các cô "
        "các bác nhận tiền, kiểm tra tiền vào bằng loa báo.",
        "problem": "Khách trẻ ít mang tiền mặt, nhiều sạp không bán được; tiểu thương lớn tuổi sợ nhận tiền chuyển "
        "khoản vì không biết kiểm tra, từng bị lừa bằng ảnh chuyển khoản giả.",
        "solution": "Mỗi sạp có mã QR in trên bảng nhựa và một loa báo tiền vào; mỗi sáng thứ Bảy có bàn hỗ trợ ở cổng "
        "chợ trong 2 tháng. Phát tờ hướng dẫn chống lừa đảo chuyển khoản.",
        "beneficiaries": "Khoảng 80 sạp hàng ở chợ An Lạc và khách đi chợ.",
        "resources": "80 bảng QR, 80 loa báo tiền, tờ hướng dẫn, 4 thanh niên tình nguyện.",
    },
    {
        "lead": _email(7),
        "category": "nong-nghiep-so",
        "stage": "idea",
        "budget": 25_000_000,
        "title": "Đặt lịch bơm nước tưới ruộng trên điện thoại",
        "summary": "Hộ trồng lúa đăng ký lượt bơm nước qua điện thoại, tổ thủy nông xếp lịch cho từng cánh đồng và "
        "nhắn tin báo giờ mở cống.",
        "problem": "Đến mùa đổ ải, các hộ tranh nhau lượt nước, nhiều đêm phải ra đồng canh cống; tổ thủy nông ghi "
        "lịch bằng sổ tay nên hay nhầm.",
        "solution": "Một biểu mẫu đăng ký đơn giản trên Zalo, bảng lịch chung theo từng cánh đồng, tin nhắn tự động "
        "báo giờ mở cống trước một tiếng.",
        "beneficiaries": "Khoảng 150 hộ trồng lúa của thôn Đông Thượng và tổ thủy nông.",
        "resources": "Phần mềm biểu mẫu và lịch miễn phí, gói tin nhắn, tập huấn cho tổ thủy nông.",
    },
    {
        "lead": _email(22),
        "category": "xa-hoi-so",
        "stage": "idea",
        "budget": 20_000_000,
        "title": "Thư viện số cho học sinh: mượn sách điện tử bằng mã QR",
        "summary": "Tủ sách ở nhà văn hóa Bến Đò có thêm kho sách điện tử: học sinh quét mã QR để đọc sách trên "
        "điện thoại của bố mẹ, mỗi tháng có thử thách đọc sách nhận quà.",
        "problem": "Thư viện trường ít sách mới; học sinh Bến Đò ở xa trung tâm, cuối tuần không có chỗ mượn sách.",
        "solution": "Mua bản quyền 300 đầu sách điện tử thiếu nhi, dán mã QR lên tủ sách; tình nguyện viên hướng dẫn "
        "phụ huynh cài ứng dụng đọc sách.",
        "beneficiaries": "Khoảng 200 học sinh tiểu học và THCS của thôn Bến Đò.",
        "resources": "Bản quyền sách điện tử, tủ sách, 2 máy tính bảng cho mượn tại chỗ.",
    },
    {
        "lead": _email(24),
        "category": "chinh-quyen-so",
        "stage": "prototype",
        "budget": 18_000_000,
        "title": "Phản ánh hiện trường qua ảnh: đèn hỏng, đường vỡ, rác ùn",
        "summary": "Người dân chụp ảnh đèn đường hỏng, ổ gà, rác ùn ứ và gửi kèm vị trí; xã giao việc cho thôn và "
        "báo lại khi đã xử lý xong.",
        "problem": "Phản ánh của bà con thường qua điện thoại cho trưởng thôn, dễ bị quên; người phản ánh không biết "
        "việc đã được xử lý hay chưa.",
        "solution": "Biểu mẫu phản ánh có ảnh và vị trí trên Zalo OA của xã, bảng theo dõi công khai số việc đã xử "
        "lý theo từng thôn mỗi tháng.",
        "beneficiaries": "Người dân cả 6 thôn; cán bộ xã và trưởng thôn.",
        "resources": "Zalo OA của xã, bảng theo dõi, 1 thanh niên trực tiếp nhận phản ánh trong giờ hành chính.",
    },
    {
        "lead": _email(20),
        "category": "chinh-quyen-so",
        "stage": "idea",
        "budget": 90_000_000,
        "title": "Camera đếm xe tải qua đường liên xã để bảo vệ mặt đường",
        "summary": "Hai camera ở đầu đường liên xã đếm xe tải theo giờ, giúp xã có số liệu để đề nghị phân luồng và "
        "cắm biển hạn chế tải trọng.",
        "problem": "Xe tải chở vật liệu chạy qua đường liên xã ngày càng nhiều, mặt đường xuống cấp nhanh; xã chưa có "
        "số liệu để đề nghị thành phố phân luồng.",
        "solution": "Lắp 2 camera có phần mềm đếm phương tiện, chỉ lưu số lượng theo loại xe, không lưu hình ảnh; "
        "công bố số liệu hằng tháng cho bà con.",
        "beneficiaries": "Người dân sống dọc đường liên xã và học sinh đi học qua tuyến đường.",
        "resources": "2 camera, máy tính xử lý, cột lắp đặt, đường truyền Internet.",
    },
    {
        "lead": _email(11),
        "category": "xa-hoi-so",
        "stage": "pilot",
        "budget": 12_000_000,
        "title": "Lớp «Bình dân học vụ số» cho phụ nữ nông thôn",
        "summary": "Mười buổi tối ở nhà văn hóa Đoài Hạ: chị em học dùng dịch vụ công trực tuyến, chuyển khoản an "
        "toàn, bán hàng trên mạng và nhận biết tin nhắn lừa đảo.",
        "problem": "Nhiều chị em ở Đoài Hạ có điện thoại thông minh nhưng chỉ dùng để gọi điện, xem video; đã có người "
        "bị lừa mất tiền qua tin nhắn giả mạo ngân hàng.",
        "solution": "Giáo trình 10 buổi do Hội Phụ nữ và Đoàn Thanh niên cùng soạn, mỗi buổi một việc làm được ngay "
        "trên điện thoại của mình; cuối khóa mỗi học viên tự nộp một hồ sơ dịch vụ công.",
        "beneficiaries": "40 chị em mỗi khóa ở thôn Đoài Hạ và các thôn lân cận.",
        "resources": "Máy chiếu, wifi tại nhà văn hóa, tài liệu in, 3 giảng viên trẻ.",
    },
)

CITIZEN = "citizen1@example.com"
# Fictional adult residents of the commune: email, full name, birth year, hamlet index.
RESIDENTS = (
    ("cudan01@example.com", "Nguyễn Văn Thọ", 1952, 0),
    ("cudan02@example.com", "Trần Thị Hoa", 1958, 1),
    ("cudan03@example.com", "Lê Văn Cường", 1965, 2),
    ("cudan04@example.com", "Phạm Thị Nga", 1971, 3),
    ("cudan05@example.com", "Hoàng Văn Lộc", 1968, 4),
    ("cudan06@example.com", "Vũ Thị Xuân", 1975, 5),
    ("cudan07@example.com", "Đỗ Văn Khải", 1950, 2),
    ("cudan08@example.com", "Bùi Thị Hạnh", 1983, 0),
    ("cudan09@example.com", "Ngô Văn Thắng", 1979, 1),
    ("cudan10@example.com", "Đinh Thị Liên", 1986, 3),
    ("cudan11@example.com", "Trịnh Văn Quý", 1961, 4),
    ("cudan12@example.com", "Mai Thị Phượng", 1990, 5),
    ("cudan13@example.com", "Dương Văn Toàn", 1994, 3),
    ("cudan14@example.com", "Lý Thị Tuyết", 1956, 4),
    ("cudan15@example.com", "Chu Văn Định", 2000, 1),
)
# Verified through the commune's resident list (matched on name, birth year and hamlet) …
LISTED = tuple(_email(n) for n in range(1, 13)) + tuple(r[0] for r in RESIDENTS[:8])
# … or at the commune office by the demo organizer. youth1 and thanhnien21–28 stay unverified.
AT_OFFICE = (CITIZEN,) + tuple(_email(n) for n in range(13, 21)) + tuple(r[0] for r in RESIDENTS[8:])
# People on the resident list who have no account: full name, birth year, hamlet index.
LISTED_WITHOUT_ACCOUNT = (
    ("Nguyễn Thị Bưởi", 1948, 0),
    ("Trần Văn Tài", 1977, 1),
    ("Vũ Văn Hòa", 2001, 2),
    ("Hoàng Thị Mận", 1954, 3),
    ("Phạm Văn Mừng", 1963, 4),
    ("Lê Thị Sen", 1989, 5),
)

# The finished round's public vote: valid votes per votable entry, in the jury's order (the
# public prefers the jury's second, so the combined ranking swaps the first two).
FINISHED_VOTES = (12, 16, 11, 7, 5, 4, 3)
FINISHED_RULES = {
    "votes_per_voter": 3,
    "change_allowed": True,
    "live_tally": False,
    "residents_only": True,
    "jury_weight": 0.7,
}
VOID_REASONS = (
    "Tài khoản do người nhà đăng ký và bình chọn hộ; chủ tài khoản xác nhận tại xã là không tự bình chọn.",
    "Người bình chọn đã chuyển hộ khẩu khỏi xã An Khánh trước ngày mở bình chọn (phát hiện khi đối chiếu danh "
    "sách cư dân).",
    "Một người dùng hai tài khoản để bình chọn; ban tổ chức giữ lại phiếu của tài khoản đã xác minh trước.",
)
AWARDS = (
    # name, basis, rank
    ("Giải Nhất", "combined", 1),
    ("Giải Nhì", "combined", 2),
    ("Giải Ba", "combined", 3),
    ("Giải Khuyến khích", "combined", 4),
    ("Giải bình chọn", "public", 1),
)
DIGITAL_RULES = {
    "votes_per_voter": 2,
    "change_allowed": True,
    "live_tally": False,
    "residents_only": True,
    "jury_weight": 0.6,
}
# The votes already cast in the open vote: voter, then the shortlisted entries (by place in DIGITAL_IDEAS).
DIGITAL_VOTES = (
    ("cudan01@example.com", (2, 0)),
    (_email(3), (4,)),
    ("cudan12@example.com", (2, 3)),
    (_email(14), (0,)),
    ("cudan05@example.com", (4, 2)),
    (_email(9), (3,)),
    ("cudan09@example.com", (2,)),
)


# ---------------------------------------------------------------- entry point


async def seed_contests(commune_id: int, *, now: dt.datetime, alias_key: bytes) -> str:
    """Create the demo contests of the commune that do not exist yet; a line saying what was done.

    ``alias_key`` is the key the app derives voters' public aliases with (``server.controllers.voting.alias_key``),
    so the seeded vote logs read like the ones the app writes.
    """
    now = now.astimezone(UTC)
    password_hash: str | None = None
    done = []
    # The digital contest's submissions came before the open contest's: seeded first, its codes come first too.
    for spec, seeder in (
        (DIGITAL_CONTEST, _seed_digital),
        (OPEN_CONTEST, _seed_open),
        (FINISHED_CONTEST, _seed_finished),
    ):
        if await Contest.exists().where(Contest.slug == spec["slug"]):
            done.append(f"«{spec['title']}» already there")
            continue
        password_hash = password_hash or await passwords.hash_async(DEMO_PASSWORD)
        async with atomic(Contest._meta.db):
            users = await _ensure_youth(commune_id, password_hash, now)
            count = await seeder(commune_id, users, now)
        done.append(f"«{spec['title']}» created with {count} ideas")
    done.append(await _ensure_final_round())
    return (
        "Demo contests: "
        + "; ".join(done)
        + ". "
        + await seed_judging(now=now)
        + " "
        + await seed_voting(commune_id, now=now, alias_key=alias_key)
    )


# ---------------------------------------------------------------- the three contests


async def _seed_open(commune_id: int, users: dict[str, int], now: dt.datetime) -> int:
    start = _hour(now)
    opens = start - dt.timedelta(days=20)
    closes = start + dt.timedelta(days=25)
    judging_closes = closes + dt.timedelta(days=14)
    vote_opens = judging_closes + dt.timedelta(days=1)
    vote_closes = vote_opens + dt.timedelta(days=7)
    dates = dict(
        submission_opens=opens,
        submission_closes=closes,
        judging_closes=judging_closes,
        vote_opens=vote_opens,
        vote_closes=vote_closes,
        results_at=vote_closes + dt.timedelta(days=2),
    )
    contest, round_, categories = await _create_contest(
        OPEN_CONTEST, commune_id, "Vòng sơ khảo", dates, created_at=opens - dt.timedelta(days=10)
    )
    submitted = [s for s in OPEN_IDEAS if s.get("state") != "draft"]
    drafts = [s for s in OPEN_IDEAS if s.get("state") == "draft"]
    moments = _spread(opens + dt.timedelta(days=2), now - dt.timedelta(hours=1), len(submitted))
    for spec, at in zip(submitted, moments, strict=False):
        await _seed_idea(contest, round_, spec, users=users, categories=categories, at=at, now=now)
    for hours_ago, spec in zip((52, 27, 5), drafts, strict=False):
        await _seed_idea(
            contest, round_, spec, users=users, categories=categories, at=now - dt.timedelta(hours=hours_ago), now=now
        )
    return len(OPEN_IDEAS)


async def _seed_finished(commune_id: int, users: dict[str, int], now: dt.datetime) -> int:
    closes = _hour(now) - dt.timedelta(days=FINISHED_CLOSED_DAYS_AGO)
    year_start = dt.datetime(FINISHED_YEAR, 1, 1, tzinfo=UTC)
    next_year = dt.datetime(FINISHED_YEAR + 1, 1, 1, tzinfo=UTC)
    # Opens at least two months before it closes, and early enough that ideas are sent in FINISHED_YEAR.
    opens = min(closes - dt.timedelta(days=60), next_year - dt.timedelta(days=61))
    judging_closes = closes + dt.timedelta(days=FINISHED_JUDGING_DAYS)
    vote_opens = judging_closes + dt.timedelta(days=1)
    vote_closes = vote_opens + dt.timedelta(days=7)
    dates = dict(
        submission_opens=opens,
        submission_closes=closes,
        judging_closes=judging_closes,
        vote_opens=vote_opens,
        vote_closes=vote_closes,
        results_at=vote_closes + dt.timedelta(days=FINISHED_RESULTS_AFTER_VOTE_DAYS),
    )
    contest, round_, categories = await _create_contest(
        FINISHED_CONTEST, commune_id, "Vòng chung khảo", dates, created_at=opens - dt.timedelta(days=10)
    )
    first = max(opens, year_start) + dt.timedelta(days=2)
    last = min(closes, next_year) - dt.timedelta(days=1)
    moments = _spread(first, last, len(FINISHED_IDEAS))
    for spec, at in zip(FINISHED_IDEAS, moments, strict=False):
        idea_id = await _seed_idea(contest, round_, spec, users=users, categories=categories, at=at, now=now)
        if spec.get("result"):
            # Judging and the public vote will set these; until then the seed does it directly.
            await Idea.update({Idea.status: IdeaStatus(spec["result"]).value}).where(Idea.id == idea_id)
    return len(FINISHED_IDEAS)


async def _seed_digital(commune_id: int, users: dict[str, int], now: dt.datetime) -> int:
    """In its public vote at ``now``: submissions closed a month ago, judging 3 days ago, 4 entries shortlisted."""
    start = _hour(now)
    closes = start - dt.timedelta(days=DIGITAL_SUBMISSION_CLOSED_DAYS_AGO)
    opens = closes - dt.timedelta(days=DIGITAL_SUBMISSION_DAYS)
    vote_opens = start - dt.timedelta(days=DIGITAL_VOTE_OPENED_DAYS_AGO)
    vote_closes = vote_opens + dt.timedelta(days=DIGITAL_VOTE_DAYS)
    dates = dict(
        submission_opens=opens,
        submission_closes=closes,
        judging_closes=start - dt.timedelta(days=DIGITAL_JUDGING_CLOSED_DAYS_AGO),
        vote_opens=vote_opens,
        vote_closes=vote_closes,
        results_at=vote_closes + dt.timedelta(days=DIGITAL_RESULTS_AFTER_VOTE_DAYS),
    )
    contest, round_, categories = await _create_contest(
        DIGITAL_CONTEST,
        commune_id,
        "Vòng chung khảo",
        dates,
        created_at=opens - dt.timedelta(days=10),
        categories=DIGITAL_CATEGORIES,
    )
    chosen = []
    moments = _spread(opens + dt.timedelta(days=2), closes - dt.timedelta(days=1), len(DIGITAL_IDEAS))
    for spec, at in zip(DIGITAL_IDEAS, moments, strict=False):
        idea_id = await _seed_idea(contest, round_, spec, users=users, categories=categories, at=at, now=now)
        if spec.get("shortlist"):
            chosen.append(idea_id)
    organizer = (await _ids([ORGANIZER]))[ORGANIZER]
    await judging.shortlist(
        round_["id"],
        chosen,
        actor_id=organizer,
        reason=DIGITAL_SHORTLIST_REASON,
        now=round_["judging_closes"] + dt.timedelta(hours=2),
        scope=PLATFORM,
    )
    return len(DIGITAL_IDEAS)


FINAL_ROUND_NAME = "Vòng chung khảo"


async def _ensure_final_round() -> str:
    """The open contest has two rounds: its «Vòng sơ khảo» takes the ideas; the «Vòng chung khảo»
    after it takes no new entries — its entries are those the organizers carry over from the
    shortlist of the first round ("Chuyển vào vòng sau"), which its panel judges. Added to a demo
    seeded before (idempotent)."""
    contest = await Contest.select(Contest.id).where(Contest.slug == OPEN_CONTEST["slug"]).first()
    if contest is None:
        return "no open contest"
    rounds = await services.rounds_of(contest["id"])
    if len(rounds) > 1:
        return f"«{FINAL_ROUND_NAME}» already there"
    first = rounds[0]
    starts = first["results_at"] + dt.timedelta(days=1)
    judging_closes = starts + dt.timedelta(days=14)
    await Round(
        contest=contest["id"],
        name=FINAL_ROUND_NAME,
        position=2,
        submission_opens=starts,
        submission_closes=starts,
        judging_closes=judging_closes,
        results_at=judging_closes + dt.timedelta(days=3),
        takes_entries=False,
        has_judging=True,
    ).save()
    return f"«{FINAL_ROUND_NAME}» added after «{first['name']}»"


async def _create_contest(
    spec: dict[str, Any],
    commune_id: int,
    round_name: str,
    dates: dict[str, dt.datetime],
    *,
    created_at: dt.datetime,
    categories: tuple[tuple[str, str], ...] = CATEGORIES,
) -> tuple[dict[str, Any], dict[str, Any], dict[str, int]]:
    contest = Contest(
        commune=commune_id,
        min_age=16,
        max_age=35,
        residents_only=True,
        max_ideas_per_person=3,
        published=True,
        created_at=created_at,
        **spec,
    )
    await contest.save()
    await Round(contest=contest.id, name=round_name, position=1, **dates).save()
    ids = {}
    for position, (name, slug) in enumerate(categories):
        category = Category(contest=contest.id, name=name, slug=slug, position=position)
        await category.save()
        ids[slug] = category.id
    row = await services.contest_by_slug(spec["slug"])
    return row, (await services.rounds_of(row["id"]))[0], ids


# ---------------------------------------------------------------- judging


async def seed_judging(*, now: dt.datetime) -> str:
    """Rubric, panel, declarations and assignments of both demo rounds; the finished one is scored.

    Everything goes through ``contest.judging`` with the clock moved to moments of each round's
    own dates (scoring inside its judging phase, freezing after it). Idempotent: a round that
    already has criteria is left alone; each round is seeded in one transaction.
    """
    now = now.astimezone(UTC)
    done = []
    for spec, seeder in ((OPEN_CONTEST, _judge_open), (FINISHED_CONTEST, _judge_finished)):
        contest = await Contest.select(Contest.id).where(Contest.slug == spec["slug"]).first()
        if contest is None:
            continue
        round_ = (await services.rounds_of(contest["id"]))[0]
        if await Criterion.exists().where(Criterion.round == round_["id"]):
            done.append(f"«{round_['name']}» of {spec['slug']} already there")
            continue
        async with atomic(Contest._meta.db):
            staff = await _staff()
            what = await seeder(contest["id"], round_, staff, now)
        done.append(f"«{round_['name']}» of {spec['slug']}: {what}")
    return "Demo judging: " + ("; ".join(done) or "no demo contest") + "."


async def _judge_open(contest_id: int, round_: dict[str, Any], staff: dict[str, int], now: dt.datetime) -> str:
    """Ready for judging: judge2 and judge3 have signed their declarations, judge1 not yet; nothing scored."""
    round_id, organizer = round_["id"], staff[ORGANIZER]
    start = round_["submission_opens"]
    await _rubric(round_id)
    await _panel(contest_id, round_id, staff, invited=min(start + dt.timedelta(days=2), now))
    await judging.update_settings(
        round_id,
        values={
            "judges_per_entry": 3,
            "min_per_judge": 0,
            "max_per_judge": None,
            "anchors": 0,
            "method": "additive",
        },
        actor_id=organizer,
        now=min(start + dt.timedelta(days=2, hours=1), now),
        scope=PLATFORM,
    )
    for n, (email, _) in enumerate(JUDGES[1:]):
        signed = min(start + dt.timedelta(days=4, hours=3 * n), now)
        await judging.sign_declaration(
            round_id, staff[email], statement=NO_CONFLICT, related_codes=[], relatives=[], now=signed
        )
        await _read_invitation(staff[email], signed)
    result = await judging.run_assignment(
        round_id, actor_id=organizer, now=now - dt.timedelta(minutes=20), scope=PLATFORM
    )
    return f"panel of {len(JUDGES)}, {result['pairs']} assignments"


async def _judge_finished(contest_id: int, round_: dict[str, Any], staff: dict[str, int], now: dt.datetime) -> str:
    """Scored, frozen and published: every judge's sheets, one conflict, one abstention, released comments."""
    round_id, organizer = round_["id"], staff[ORGANIZER]
    closes, judging_closes = round_["submission_closes"], round_["judging_closes"]
    ideas = {
        i["id"]: i for i in await Idea.select(Idea.id, Idea.code, Idea.title, Idea.lead).where(Idea.round == round_id)
    }
    by_title = {i["title"]: i for i in ideas.values()}
    criteria = await _rubric(round_id)
    await _panel(contest_id, round_id, staff, invited=closes - dt.timedelta(days=14))
    await judging.update_settings(
        round_id,
        values={
            "judges_per_entry": 2,
            "min_per_judge": 0,
            "max_per_judge": None,
            "anchors": 1,
            "method": "additive",
        },
        actor_id=organizer,
        now=closes - dt.timedelta(days=13),
        scope=PLATFORM,
    )
    for n, (email, _) in enumerate(JUDGES):
        related = [by_title[CONFLICT_TITLE]["code"]] if n == 0 and CONFLICT_TITLE in by_title else []
        signed = closes + dt.timedelta(hours=6 + 4 * n)
        await judging.sign_declaration(
            round_id,
            staff[email],
            statement=CONFLICT_STATEMENT if related else NO_CONFLICT,
            related_codes=related,
            relatives=[],
            now=signed,
        )
        await _read_invitation(staff[email], signed)
    await judging.run_assignment(round_id, actor_id=organizer, now=closes + dt.timedelta(days=1), scope=PLATFORM)

    judge_ids = [staff[email] for email, _ in JUDGES]
    rows = await Assignment.select(Assignment.id, Assignment.judge, Assignment.idea).where(Assignment.round == round_id)
    judges_of: dict[int, list[int]] = {}
    for row in sorted(rows, key=lambda r: judge_ids.index(r["judge"])):
        judges_of.setdefault(row["idea"], []).append(row["judge"])
    abstaining = judges_of.get(by_title[ABSTAIN_TITLE]["id"], [None])[-1] if ABSTAIN_TITLE in by_title else None
    titles = [spec["title"] for spec in FINISHED_IDEAS]
    commented: set[tuple[int, int]] = set()
    for n, judge in enumerate(judge_ids):
        mine = sorted((r for r in rows if r["judge"] == judge), key=lambda r: r["idea"])
        moments = _spread(
            closes + dt.timedelta(days=3 + 2 * n), judging_closes - dt.timedelta(days=12 - 3 * n), len(mine)
        )
        for row, at in zip(mine, moments, strict=False):
            idea = ideas[row["idea"]]
            if (judge, idea["id"]) == (abstaining, by_title.get(ABSTAIN_TITLE, {}).get("id")):
                await judging.abstain(row["id"], judge_id=judge, reason=ABSTAIN_REASON, now=at)
                continue
            data = FINISHED_SCORES.get(idea["title"], {"marks": (3, 3, 3, 3), "notes": (), "overall": ("",)})
            turn = judges_of[idea["id"]].index(judge)  # this sheet's place among the entry's sheets
            place = titles.index(idea["title"]) if idea["title"] in titles else idea["id"]
            notes = data["notes"][turn] if turn < len(data["notes"]) else ("",) * len(criteria)
            scores = {c["id"]: (str(_mark(data["marks"][k], n, place, k)), notes[k]) for k, c in enumerate(criteria)}
            await judging.save_sheet(
                row["id"],
                judge_id=judge,
                scores=scores,
                submit=True,
                now=at,
                overall_comment=data["overall"][turn % len(data["overall"])],
            )
            if any(notes):
                commented.add((judge, idea["id"]))

    frozen = await judging.ensure_frozen(
        round_id, now=judging_closes + dt.timedelta(hours=3), actor_id=organizer, scope=PLATFORM
    )
    ranking = (await judging.results(round_id))["ranking"]
    extra = [r["idea"]["id"] for r in ranking if r["idea"] and r["idea"]["status"] == IdeaStatus.submitted.value][:1]
    if extra:
        await judging.shortlist(
            round_id,
            extra,
            actor_id=organizer,
            reason=SHORTLIST_REASON,
            now=judging_closes + dt.timedelta(days=1),
            scope=PLATFORM,
        )
    # About half of the comments are approved for the teams, all of those on youth1's idea among them.
    youth = await User.select(User.id).where(User.email == EXISTING_YOUTH).first()
    released = 0
    for n, sheet in enumerate(
        await ScoreSheet.select(ScoreSheet.id, ScoreSheet.judge, ScoreSheet.idea)
        .where((ScoreSheet.round == round_id) & (ScoreSheet.status == SheetStatus.submitted.value))
        .order_by(ScoreSheet.id)
    ):
        if (sheet["judge"], sheet["idea"]) in commented or (youth and ideas[sheet["idea"]]["lead"] == youth["id"]):
            await judging.set_comment_release(
                round_id,
                sheet["id"],
                True,
                actor_id=organizer,
                now=judging_closes + dt.timedelta(days=2, minutes=5 * n),
                scope=PLATFORM,
            )
            released += 1
    sheets = await ScoreSheet.count().where(ScoreSheet.round == round_id)
    return f"{sheets} score sheets, frozen (sha256 {frozen['frozen_hash'][:12]}…), {released} sheets' comments released"


def _mark(fair: int, judge: int, place: int, criterion: int) -> int:
    """The fair mark as a given judge gives it: judge1 is a little strict, judge2 lenient, judge3 uneven."""
    lean = {
        0: -1 if criterion == place % 4 else 0,
        1: 1 if criterion == (place + 1) % 4 else 0,
        2: 1 if criterion == (place + 2) % 4 else -1 if criterion == (place + 3) % 4 else 0,
    }[judge % 3]
    return max(1, min(5, fair + lean))


async def _staff() -> dict[str, int]:
    """The demo organizer and judges, by email."""
    emails = [ORGANIZER] + [email for email, _ in JUDGES]
    rows = {r["email"]: r["id"] for r in await User.select(User.id, User.email).where(User.email.is_in(emails))}
    missing = [e for e in emails if e not in rows]
    if missing:
        raise RuntimeError(f"The demo accounts {', '.join(missing)} must be seeded before the demo judging.")
    return rows


async def _rubric(round_id: int) -> list[dict[str, Any]]:
    for position, spec in enumerate(RUBRIC):
        await Criterion(
            round=round_id,
            name=spec["name"],
            description=spec["description"],
            weight=spec["weight"],
            scale_min=1,
            scale_max=5,
            descriptors=json.dumps(list(spec["descriptors"]), ensure_ascii=False),
            position=position,
        ).save()
    return await judging.rubric(round_id)


async def _panel(contest_id: int, round_id: int, staff: dict[str, int], *, invited: dt.datetime) -> None:
    """The three demo judges invited by the organizer, each accepting a day later."""
    categories = {c["slug"]: c["id"] for c in await services.categories_of(contest_id)}
    for n, (email, fields) in enumerate(JUDGES):
        await judging.add_judge(
            round_id,
            email,
            expertise=[categories[s] for s in fields if s in categories],
            actor_id=staff[ORGANIZER],
            now=invited + dt.timedelta(minutes=10 * n),
            scope=PLATFORM,
        )
        member = (
            await PanelMember.select(PanelMember.id)
            .where((PanelMember.round == round_id) & (PanelMember.contact == email))
            .first()
        )
        await judging.accept_panel(member["id"], user_id=staff[email], now=invited + dt.timedelta(days=1, hours=3 * n))


async def _read_invitation(user_id: int, at: dt.datetime) -> None:
    """A judge who signed their declaration has read the invitations sent before."""
    await Notification.update({Notification.read_at: at}).where(
        (Notification.user == user_id)
        & (Notification.kind == "judge_invitation")
        & Notification.read_at.is_null()
        & (Notification.created_at <= at)
    )


# ---------------------------------------------------------------- verified residents and the public vote


async def seed_voting(commune_id: int, *, now: dt.datetime, alias_key: bytes) -> str:
    """Verified residents, the finished round's past vote and awards, and the digital round's open vote.

    Votes go through ``contest.voting`` with the clock moved inside each round's vote window, so the
    ballots, receipts and the hash-chained public log are real. Idempotent: the residents' list is
    imported once and only unverified people are verified; a round whose rules were already set
    (an audited ``vote.rules``) is left alone, a contest with awards too.
    """
    now = now.astimezone(UTC)
    finished = await _first_round(FINISHED_CONTEST["slug"])
    # The residents were verified shortly before the finished round's vote (or now, without that contest).
    opens = _finished_window(finished)[0] if finished else now
    done = [await _seed_residents(commune_id, verified_before=min(opens, now), now=now)]
    for spec, seeder in ((FINISHED_CONTEST, _vote_finished), (DIGITAL_CONTEST, _vote_digital)):
        round_ = await _first_round(spec["slug"])
        if round_ is None:
            continue
        if await AuditEvent.exists().where(
            (AuditEvent.action == "vote.rules")
            & (AuditEvent.target_type == "round")
            & (AuditEvent.target_id == str(round_["id"]))
        ):
            done.append(f"the vote of {spec['slug']} already there")
            continue
        async with atomic(Contest._meta.db):
            done.append(f"{spec['slug']}: " + await seeder(round_, alias_key=alias_key, now=now))
    finished = await _first_round(FINISHED_CONTEST["slug"])  # with the vote window it may just have got
    if finished and not await Award.exists().where(Award.contest == finished["contest"]):
        async with atomic(Contest._meta.db):
            done.append(f"{FINISHED_CONTEST['slug']}: " + await _award(finished))
    return "Demo vote: " + "; ".join(done) + "."


async def set_rules_before(round_id: int, values: dict[str, Any], *, actor_id: int, at: dt.datetime) -> None:
    """Past data: the vote's rules as the organizer set them (audited "vote.rules"), at ``at`` or, when that
    is later, an hour before judging closed — rules are fixed once a round's scores are (``contest.rubric``).
    Written directly: the round may be frozen by now, which ``voting.update_rules`` rightly refuses."""
    round_ = await judging.round_row(round_id, scope=PLATFORM)
    at = min(at, round_["judging_closes"] - dt.timedelta(hours=1))
    await voting.rules_of(round_id)  # the row with its defaults
    async with atomic(Contest._meta.db):
        await VoteRules.update({getattr(VoteRules, k): v for k, v in values.items()}).where(VoteRules.round == round_id)
        await audit.record(
            "vote.rules",
            actor_id=actor_id,
            target_type="round",
            target_id=round_id,
            commune_id=round_["contest.commune"],
            now=at,
            data=values,
        )


async def _first_round(slug: str) -> dict[str, Any] | None:
    contest = await Contest.select(Contest.id).where(Contest.slug == slug).first()
    return (await services.rounds_of(contest["id"]))[0] if contest else None


def _finished_window(round_: dict[str, Any]) -> tuple[dt.datetime, dt.datetime]:
    """The finished round's vote window: its own, or a week after its judging (before its results)."""
    if round_["vote_opens"] and round_["vote_closes"]:
        return round_["vote_opens"], round_["vote_closes"]
    opens = round_["judging_closes"] + dt.timedelta(days=1)
    return opens, min(opens + dt.timedelta(days=7), round_["results_at"] - dt.timedelta(days=1))


async def _seed_residents(commune_id: int, *, verified_before: dt.datetime, now: dt.datetime) -> str:
    """The adult residents (created when missing), the commune's resident list, and office verifications."""
    hamlets = await accounts_services.hamlets_of(commune_id)
    missing = [r for r in RESIDENTS if not await User.exists().where(User.email == r[0])]
    if missing:
        password_hash = await passwords.hash_async(DEMO_PASSWORD)
        joined = verified_before - dt.timedelta(days=30)
        for email, full_name, birth_year, hamlet in missing:
            await User(
                username=email,
                email=email,
                phone=None,
                password=password_hash,
                full_name=full_name,
                birth_year=birth_year,
                commune=commune_id,
                hamlet=hamlets[hamlet]["id"],
                active=True,
                terms_accepted_at=joined,
                privacy_accepted_at=joined,
                pseudonym=accounts_services.new_pseudonym(),
                created_at=joined,
            ).save()
    people = {
        r["email"]: r
        for r in await User.select(
            User.id, User.email, User.full_name, User.birth_year, User.hamlet, User.verified_resident
        ).where(User.email.is_in([*LISTED, *AT_OFFICE]))
    }
    absent = [e for e in (*LISTED, *AT_OFFICE) if e not in people]
    if absent:
        raise RuntimeError(f"The demo accounts {', '.join(absent)} must be seeded before the demo vote.")
    organizer = (await _ids([ORGANIZER]))[ORGANIZER]
    imported = 0
    if not await ResidentRecord.exists().where(ResidentRecord.commune == commune_id):
        short = {h["id"]: h["name"].removeprefix("Thôn ") for h in hamlets}
        listed = [(people[e]["full_name"], people[e]["birth_year"], short[people[e]["hamlet"]]) for e in LISTED]
        listed += [(name, year, short[hamlets[h]["id"]]) for name, year, h in LISTED_WITHOUT_ACCOUNT]
        rows = [
            verification.ResidentRow(line, name, year, hamlet, None)
            for line, (name, year, hamlet) in enumerate(sorted(listed, key=lambda r: (r[2], r[0])), start=2)
        ]
        result = await verification.import_residents(
            commune_id, rows, replace=False, actor_id=organizer, now=verified_before - dt.timedelta(days=14)
        )
        imported = result["verified"]
    at_office = 0
    moments = _spread(verified_before - dt.timedelta(days=12), verified_before - dt.timedelta(days=2), len(AT_OFFICE))
    for email, at in zip(AT_OFFICE, moments, strict=False):
        if not people[email]["verified_resident"]:
            await verification.verify_at_office(people[email]["id"], actor_id=organizer, commune_id=commune_id, now=at)
            at_office += 1
    return f"{imported} residents verified by the resident list, {at_office} at the commune office"


async def _vote_finished(round_: dict[str, Any], *, alias_key: bytes, now: dt.datetime) -> str:
    """Rules set before the vote, ~60 votes over its week, two changed, three voided by the organizer."""
    round_id = round_["id"]
    opens, closes = _finished_window(round_)
    if round_["vote_opens"] is None or round_["vote_closes"] is None:  # past data: the window is set directly
        await Round.update({Round.vote_opens: opens, Round.vote_closes: closes}).where(Round.id == round_id)
    organizer = (await _ids([ORGANIZER]))[ORGANIZER]
    await set_rules_before(round_id, FINISHED_RULES, actor_id=organizer, at=opens - dt.timedelta(days=3))
    votable = set(await voting.votable_ideas(round_id))
    entries = [
        r["idea"]["id"]
        for r in (await judging.results(round_id))["ranking"]
        if r["idea"] and r["idea"]["id"] in votable
    ]
    entries += sorted(votable - set(entries))
    voters = await _verified_voters()
    limit = FINISHED_RULES["votes_per_voter"]
    taken: set[tuple[int, int]] = set()
    used: dict[int, int] = {}
    turn = 0

    def next_voter(idea: int) -> int:
        nonlocal turn
        for _ in range(len(voters)):
            voter = voters[turn % len(voters)]
            turn += 1
            if used.get(voter, 0) < limit and (voter, idea) not in taken:
                taken.add((voter, idea))
                used[voter] = used.get(voter, 0) + 1
                return voter
        raise RuntimeError("Not enough verified demo residents for the demo vote.")

    valid = [
        (next_voter(idea), idea) for idea, count in zip(entries, FINISHED_VOTES, strict=False) for _ in range(count)
    ]
    voided = [
        (next_voter(idea), idea, reason)
        for idea, reason in zip([entries[i] for i in (1, 0, 3) if i < len(entries)], VOID_REASONS, strict=False)
    ]
    # Two voters first vote for a lower entry, take the vote back, and give it to another.
    changed: dict[tuple[int, int], int] = {}
    for wanted, dropped in ((2, 5), (3, 6)):
        if max(wanted, dropped) >= len(entries):
            continue
        voter = next(
            v
            for v, idea in valid
            if idea == entries[wanted] and (v, entries[dropped]) not in taken and (v, entries[wanted]) not in changed
        )
        changed[(voter, entries[wanted])] = entries[dropped]

    casts: list[tuple[int, int, str]] = [(v, idea, "") for v, idea in valid] + voided
    random.Random(FINISHED_YEAR).shuffle(casts)
    moments = [
        _daytime(m, latest=closes - dt.timedelta(hours=2))
        for m in _spread(opens + dt.timedelta(hours=2), closes - dt.timedelta(hours=6), len(casts))
    ]
    events: list[tuple[dt.datetime, int, str, int, int, str]] = []
    for n, ((voter, idea, reason), at) in enumerate(zip(casts, moments, strict=False)):
        if (voter, idea) in changed:
            events.append((at - dt.timedelta(hours=2), n, "cast", voter, changed[(voter, idea)], ""))
            events.append((at - dt.timedelta(minutes=5), n, "withdraw", voter, changed[(voter, idea)], ""))
        events.append((at, n, "cast", voter, idea, ""))
        if reason:
            events.append(
                (min(at + dt.timedelta(days=1), closes - dt.timedelta(hours=1)), n, "void", voter, idea, reason)
            )
    for at, _, action, voter, idea, reason in sorted(events, key=lambda e: (e[0], e[1])):
        await _vote_action(
            round_id, action, voter, idea, at=at, reason=reason, organizer=organizer, alias_key=alias_key, voters=voters
        )
    return (
        f"{len(casts) + len(changed)} votes cast by {len(used)} residents, {len(changed)} changed, {len(voided)} voided"
    )


async def _vote_digital(round_: dict[str, Any], *, alias_key: bytes, now: dt.datetime) -> str:
    """Rules set the day before the vote opened; a few residents (never citizen1) have already voted."""
    round_id, opens = round_["id"], round_["vote_opens"]
    organizer = (await _ids([ORGANIZER]))[ORGANIZER]
    await set_rules_before(round_id, DIGITAL_RULES, actor_id=organizer, at=opens - dt.timedelta(hours=20))
    if phase_of(round_, now) is not Phase.voting:
        return "rules set, the vote is not open at the seed's time"
    by_title = {i["title"]: i["id"] for i in await Idea.select(Idea.id, Idea.title).where(Idea.round == round_id)}
    ids = await _ids([email for email, _ in DIGITAL_VOTES])
    voters = await _verified_voters()
    plan = [
        (ids[email], by_title[DIGITAL_IDEAS[place]["title"]]) for email, places in DIGITAL_VOTES for place in places
    ]
    moments = _spread(
        opens + dt.timedelta(hours=1), min(now, round_["vote_closes"]) - dt.timedelta(minutes=40), len(plan)
    )
    for (voter, idea), at in zip(plan, moments, strict=False):
        await _vote_action(
            round_id, "cast", voter, idea, at=at, reason="", organizer=organizer, alias_key=alias_key, voters=voters
        )
    return f"rules set, {len(plan)} votes cast by {len(DIGITAL_VOTES)} residents"


async def _vote_action(
    round_id: int,
    action: str,
    voter: int,
    idea: int,
    *,
    at: dt.datetime,
    reason: str,
    organizer: int,
    alias_key: bytes,
    voters: list[int],
) -> None:
    if action == "cast":
        # Documentation addresses (RFC 5737), one per person.
        ip = f"203.0.113.{10 + voters.index(voter)}" if voter in voters else ""
        await voting.cast(round_id, idea, voter_id=voter, now=at, alias_key=alias_key, ip=ip)
    elif action == "withdraw":
        await voting.withdraw(round_id, idea, voter_id=voter, now=at, alias_key=alias_key)
    else:
        vote = (
            await Vote.select(Vote.id)
            .where((Vote.round == round_id) & (Vote.voter == voter) & (Vote.idea == idea))
            .first()
        )
        await voting.void(vote["id"], reason=reason, actor_id=organizer, now=at, alias_key=alias_key, scope=PLATFORM)


async def _award(round_: dict[str, Any]) -> str:
    """The contest's prizes, each given to the entry at its place of the published ranking."""
    round_id = round_["id"]
    judged = await judging.results(round_id)
    method = judged["method"]
    jury = {row["result"].entry: getattr(row["result"], method) or row["result"].mean for row in judged["ranking"]}
    votes = await voting.tally(round_id)
    alpha = (await voting.rules_of(round_id))["jury_weight"] if round_["vote_opens"] else 1.0
    combined = voting.combine(jury, {k: float(v) for k, v in votes.items()}, alpha)
    order = {
        "combined": sorted(combined, key=lambda e: (-combined[e], -jury.get(e, 0), e)),
        "public": sorted(votes, key=lambda e: (-votes[e], e)),
    }
    for position, (name, basis, rank) in enumerate(AWARDS, start=1):
        ranking = order[basis]
        await Award(
            contest=round_["contest"],
            name=name,
            position=position,
            basis=basis,
            rank=rank,
            idea=ranking[rank - 1] if rank <= len(ranking) else None,
        ).save()
    return f"{len(AWARDS)} awards"


async def _verified_voters() -> list[int]:
    """The verified demo residents, in a fixed order mixing hamlets and ages."""
    emails = sorted((*LISTED, *AT_OFFICE), key=lambda e: (sum(map(ord, e)) * 7) % 37)
    rows = {
        r["email"]: r["id"]
        for r in await User.select(User.id, User.email).where(
            User.email.is_in(emails) & (User.verified_resident == True)
        )
    }  # noqa: E712
    return [rows[e] for e in emails if e in rows]


async def _ids(emails: list[str]) -> dict[str, int]:
    rows = {r["email"]: r["id"] for r in await User.select(User.id, User.email).where(User.email.is_in(emails))}
    missing = [e for e in emails if e not in rows]
    if missing:
        raise RuntimeError(f"The demo accounts {', '.join(missing)} must be seeded first.")
    return rows


# ---------------------------------------------------------------- people and ideas


async def _ensure_youth(commune_id: int, password_hash: str, now: dt.datetime) -> dict[str, int]:
    """The fictional young people (created when missing) and youth1, by email."""
    hamlets = [h["id"] for h in await accounts_services.hamlets_of(commune_id)]
    users = {}
    for email, full_name, birth_year, hamlet in YOUTH:
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
                terms_accepted_at=now,
                privacy_accepted_at=now,
                pseudonym=accounts_services.new_pseudonym(),
                created_at=now - dt.timedelta(days=30),
            )
            await user.save()
            row = {"id": user.id}
        users[email] = row["id"]
    existing = await User.select(User.id).where(User.email == EXISTING_YOUTH).first()
    if existing is None:
        raise RuntimeError(f"The demo account {EXISTING_YOUTH} must be seeded before the demo contests.")
    users[EXISTING_YOUTH] = existing["id"]
    return users


async def _seed_idea(
    contest: dict[str, Any],
    round_: dict[str, Any],
    spec: dict[str, Any],
    *,
    users: dict[str, int],
    categories: dict[str, int],
    at: dt.datetime,
    now: dt.datetime,
) -> int:
    """One idea through the services: its draft, its team, then (unless a draft) its submission at ``at``."""
    lead = users[spec["lead"]]
    started = max(at - dt.timedelta(hours=30), round_["submission_opens"])
    idea_id = await services.create_draft(contest, round_, _form(spec, categories), user_id=lead, now=started)
    for n, email in enumerate(spec.get("team", ())):
        await _join_team(idea_id, email, users, lead=lead, at=started + dt.timedelta(hours=1 + n))
    if spec.get("state") == "draft":
        return idea_id
    await services.submit(idea_id, user_id=lead, now=at)
    later = min(at + dt.timedelta(days=1), at + (now - at) / 2, round_["submission_closes"] - dt.timedelta(hours=1))
    for email in spec.get("pending", ()):
        await services.invite(idea_id, email, user_id=lead, now=later)
    if spec.get("revise"):
        await services.save(idea_id, _form({**spec, **spec["revise"]}, categories), user_id=lead, now=later)
    if spec.get("state") == "withdrawn":
        await services.withdraw(idea_id, user_id=lead, reason=spec["withdrawn_reason"], now=later)
    return idea_id


async def _join_team(idea_id: int, email: str, users: dict[str, int], *, lead: int, at: dt.datetime) -> None:
    await services.invite(idea_id, email, user_id=lead, now=at)
    member = (
        await IdeaMember.select(IdeaMember.id)
        .where((IdeaMember.idea == idea_id) & (IdeaMember.contact == email))
        .first()
    )
    await services.respond(member["id"], user_id=users[email], accept=True, now=at + dt.timedelta(minutes=40))


def _form(spec: dict[str, Any], categories: dict[str, int]) -> IdeaForm:
    return IdeaForm(
        title=spec["title"],
        summary=spec["summary"],
        category_id=str(categories[spec["category"]]),
        problem=spec["problem"],
        solution=spec["solution"],
        beneficiaries=spec["beneficiaries"],
        resources=spec["resources"],
        budget=format_budget(spec["budget"]),
        stage=spec["stage"],
        body=spec.get("body", ""),
    )


# ---------------------------------------------------------------- time


def _hour(moment: dt.datetime) -> dt.datetime:
    return moment.replace(minute=0, second=0, microsecond=0)


def _daytime(moment: dt.datetime, *, latest: dt.datetime) -> dt.datetime:
    """People vote in the day: a moment between midnight and 6 a.m. in Việt Nam (UTC+7) moves 6 hours later."""
    if (moment.astimezone(UTC).hour + 7) % 24 < 6:
        moment += dt.timedelta(hours=6)
    return min(moment, latest)


def _spread(first: dt.datetime, last: dt.datetime, count: int) -> list[dt.datetime]:
    """``count`` moments from ``first`` to ``last`` in order, evenly spaced, with a few minutes of jitter."""
    if count == 1:
        return [first]
    step = (last - first) / (count - 1)
    jitter = min(step / 3, dt.timedelta(minutes=50))
    moments = [first + step * i - jitter * ((i * 7) % 5) / 4 for i in range(count)]
    return [max(first, m.replace(second=0, microsecond=0)) for m in moments]
