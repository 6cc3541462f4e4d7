"""Vietnamese names and help for every table and column piccolo-admin shows.

This piccolo-admin (1.14, on Piccolo 1.38) takes a field's label from the JSON schema's ``title``
(which Piccolo derives from the column name: "Submission Opens") and its help from the column's
``help_text``; a table is named by its table name ("contest round") with the table's ``help_text``
under it. Piccolo 1.38 columns have no ``verbose_name``. So the admin's schema is relabelled here:
every column gets a Vietnamese ``title`` and ``help_text``, every table a Vietnamese help text that
starts with its Vietnamese name. This piccolo-admin has no setting for a table's name in its side
menu and headings, so the admin page carries ``table_names()`` and a small script of the site
(``static/js/admin-labels.js``) shows them in place of the database names; the menu groups are
Vietnamese.

Fields holding JSON (a rubric's level descriptors, a mentor's tags) are not offered in the admin's
forms: the site has a form for each (the organizer's rubric page, the mentor's profile page), and
nobody should type JSON by hand. They keep their value when a row is edited here.
"""

from __future__ import annotations

from typing import Any

# Columns every table shares.
_COMMON: dict[str, tuple[str, str]] = {
    "id": ("Mã số", "Số định danh do hệ thống cấp, không sửa được."),
    "created_at": ("Thời điểm tạo", "Ghi tự động theo giờ Hà Nội khi bản ghi được tạo."),
    "position": ("Thứ tự", "Số nhỏ đứng trước."),
    "slug": ("Tên trong đường dẫn", "Chữ thường không dấu, nối bằng gạch ngang, ví dụ y-tuong-2026."),
    "search_text": ("Văn bản tìm kiếm", "Do hệ thống tạo để tìm không dấu; không cần sửa."),
    "cover": ("Ảnh bìa", "Tên tệp ảnh đã tải lên trên trang ban tổ chức; không sửa ở đây."),
}

TABLES: dict[str, tuple[str, dict[str, tuple[str, str]]]] = {
    "commune": (
        "Xã — các xã dùng hệ thống; mỗi xã có ban tổ chức, cuộc thi và danh sách cư dân riêng.",
        {
            "name": ("Tên xã", "Tên đầy đủ, ví dụ Xã An Khánh."),
            "slug": ("Tên trong đường dẫn", "Dùng trong địa chỉ trang, ví dụ an-khanh."),
            "code": ("Mã xã", "Tiền tố của mã ý tưởng, 2–4 chữ in hoa, ví dụ AK."),
            "province": ("Tỉnh/thành phố", "Tỉnh hoặc thành phố trực thuộc trung ương của xã."),
            "description": ("Giới thiệu", "Hiện trên trang chủ của xã (định dạng Markdown)."),
        },
    ),
    "hamlet": (
        "Thôn — các thôn, tổ dân phố của mỗi xã.",
        {
            "commune": ("Xã", "Xã mà thôn này thuộc về."),
            "name": ("Tên thôn", "Ví dụ Thôn An Lạc."),
            "population": ("Số dân", "Số cư dân, dùng để tính tỷ lệ tham gia."),
            "sort_order": ("Thứ tự hiển thị", "Số nhỏ đứng trước trong danh sách thôn."),
        },
    ),
    "users": (
        "Người dùng — tài khoản của người dân, giám khảo, chuyên gia, ban tổ chức và quản trị viên.",
        {
            "username": ("Tên đăng nhập", "Do hệ thống đặt; người dùng đăng nhập bằng email hoặc số điện thoại."),
            "password": ("Mật khẩu", "Chỉ nhập khi cần đặt mật khẩu mới; mật khẩu cũ không bao giờ hiện ra."),
            "first_name": ("Tên", "Không dùng; họ và tên ở trường “Họ và tên”."),
            "last_name": ("Họ", "Không dùng; họ và tên ở trường “Họ và tên”."),
            "email": ("Email", "Địa chỉ email dùng để đăng nhập và nhận thông báo."),
            "active": ("Đang hoạt động", "Bỏ chọn để khóa tài khoản: người này không đăng nhập được nữa."),
            "admin": (
                "Vào được trang quản trị",
                "Tự đặt theo vai trò (ban tổ chức, quản trị viên); đổi bằng biểu mẫu “Cấp hoặc thu hồi vai trò”.",
            ),
            "superuser": (
                "Quản trị viên nền tảng",
                "Tự đặt theo vai trò quản trị viên; đổi bằng biểu mẫu “Cấp hoặc thu hồi vai trò”.",
            ),
            "last_login": ("Lần đăng nhập gần nhất", "Ghi tự động."),
            "full_name": ("Họ và tên", "Họ và tên đầy đủ, có dấu."),
            "phone": ("Số điện thoại", "Dạng +84…; dùng để đăng nhập và xác minh cư dân."),
            "birth_year": ("Năm sinh", "Để kiểm tra độ tuổi dự thi."),
            "commune": ("Xã", "Xã nơi người này sinh sống."),
            "hamlet": ("Thôn", "Thôn nơi người này sinh sống."),
            "guardian_name": ("Họ tên người giám hộ", "Với người dự thi chưa đủ 18 tuổi."),
            "guardian_phone": ("Số điện thoại người giám hộ", "Với người dự thi chưa đủ 18 tuổi."),
            "terms_accepted_at": ("Đồng ý điều khoản lúc", "Thời điểm người này đồng ý điều khoản sử dụng."),
            "privacy_accepted_at": (
                "Đồng ý chính sách dữ liệu lúc",
                "Thời điểm người này đồng ý chính sách bảo vệ dữ liệu cá nhân.",
            ),
            "language": ("Ngôn ngữ", "Ngôn ngữ giao diện: vi (tiếng Việt) hoặc en (tiếng Anh)."),
            "pseudonym": ("Bí danh công khai", "Bí danh cố định hiện thay tên thật, giữ lại khi tài khoản bị xóa."),
            "session_version": ("Phiên bản phiên đăng nhập", "Tăng khi đổi mật khẩu để đăng xuất các thiết bị khác."),
            "deleted_at": ("Xóa tài khoản lúc", "Có giá trị khi tài khoản đã bị xóa."),
            "verified_resident": (
                "Cư dân đã xác minh",
                "Cư dân đã xác minh của xã (được bỏ phiếu); đổi trên trang xác minh cư dân.",
            ),
            "verified_method": (
                "Cách xác minh",
                "resident_list (danh sách cư dân), office (tại trụ sở) hoặc phone_code (mã qua điện thoại).",
            ),
            "verified_by": ("Người xác minh", "Mã số cán bộ ban tổ chức đã xác minh tại trụ sở."),
            "verified_at": ("Xác minh lúc", "Thời điểm xác minh cư dân."),
            "resident": ("Dòng danh sách cư dân", "Dòng trong danh sách cư dân của xã khớp với người này."),
        },
    ),
    "role_grant": (
        "Vai trò — ai là giám khảo, chuyên gia, ban tổ chức hay quản trị viên; đổi bằng biểu mẫu "
        "“Cấp hoặc thu hồi vai trò”.",
        {
            "user": ("Người được cấp", "Người giữ vai trò này."),
            "role": ("Vai trò", "Giám khảo, chuyên gia, ban tổ chức hoặc quản trị viên."),
            "commune": ("Xã", "Xã mà vai trò áp dụng; để trống với quản trị viên."),
            "granted_by": ("Người cấp", "Người đã cấp vai trò này."),
            "granted_at": ("Cấp lúc", "Thời điểm cấp vai trò."),
        },
    ),
    "notification": (
        "Thông báo — thông báo trong hộp thư của người dùng (chỉ xem).",
        {
            "user": ("Người nhận", "Người nhận thông báo."),
            "kind": ("Loại", "Loại thông báo do hệ thống đặt."),
            "title": ("Tiêu đề", "Tiêu đề thông báo."),
            "body": ("Nội dung", "Nội dung thông báo."),
            "link": ("Liên kết", "Trang mà thông báo dẫn tới."),
            "read_at": ("Đã đọc lúc", "Để trống khi chưa đọc."),
        },
    ),
    "outbox_mail": (
        "Thư đi — email hệ thống đã gửi hoặc đang chờ gửi (chỉ xem).",
        {
            "user": ("Người nhận", "Tài khoản nhận thư."),
            "to_address": ("Gửi đến", "Địa chỉ email nhận."),
            "subject": ("Tiêu đề", "Tiêu đề thư."),
            "body": ("Nội dung", "Nội dung thư."),
            "status": ("Trạng thái", "queued (chờ gửi), sent (đã gửi) hoặc failed (gửi lỗi)."),
            "attempts": ("Số lần gửi", "Số lần đã thử gửi."),
            "next_attempt_at": ("Thử lại lúc", "Thời điểm gửi lại tiếp theo."),
            "last_error": ("Lỗi gần nhất", "Lỗi của lần gửi gần nhất."),
            "sent_at": ("Đã gửi lúc", "Thời điểm thư được gửi đi."),
        },
    ),
    "outbox_message": (
        "Tin nhắn đi — SMS và Zalo đã gửi hoặc đang chờ gửi (chỉ xem; không hiện mã và đường dẫn).",
        {
            "user": ("Người nhận", "Tài khoản nhận tin."),
            "commune": ("Xã", "Xã của người nhận."),
            "contest": ("Cuộc thi", "Mã số cuộc thi mà thông báo nói đến (nếu có)."),
            "phone": ("Số điện thoại", "Số nhận tin."),
            "channel": ("Kênh", "sms hoặc zalo."),
            "purpose": ("Mục đích", "code (mã xác minh), reset (đặt lại mật khẩu) hoặc notice (thông báo)."),
            "template": ("Mẫu tin", "Mẫu nội dung đã dùng."),
            "params": ("Tham số", "Nội dung điền vào mẫu."),
            "secret": ("Mã bí mật", "Không bao giờ hiển thị; xoá ngay khi tin đã gửi."),
            "status": (
                "Trạng thái",
                "queued (chờ gửi), sent (đã gửi), delivered (đã đến máy) hoặc failed (không gửi được).",
            ),
            "attempts": ("Số lần gửi", "Số lần đã thử gửi."),
            "next_attempt_at": ("Thử lại lúc", "Thời điểm gửi lại tiếp theo."),
            "provider_id": ("Mã tin của nhà mạng", "Mã do nhà cung cấp trả về."),
            "error_code": ("Mã lỗi", "Ví dụ invalid_phone, quota_exceeded, cap_recipient (vượt hạn mức mỗi số)."),
            "last_error": ("Lỗi gần nhất", "Lỗi của lần gửi gần nhất."),
            "sent_at": ("Đã gửi lúc", "Thời điểm tin được gửi đi."),
            "delivered_at": ("Đã đến máy lúc", "Thời điểm nhà cung cấp báo tin đã đến điện thoại người nhận."),
        },
    ),
    "audit_event": (
        "Nhật ký — mọi thao tác quan trọng, nối chuỗi bằng mã băm để không sửa được (chỉ xem).",
        {
            "seq": ("Số thứ tự", "Vị trí trong chuỗi nhật ký."),
            "actor": ("Người thực hiện", "Người đã làm thao tác này."),
            "action": ("Thao tác", "Tên thao tác, ví dụ role.granted, mfa.reset."),
            "target_type": ("Loại đối tượng", "Bảng hoặc loại đối tượng bị tác động."),
            "target_id": ("Mã đối tượng", "Mã số của đối tượng bị tác động."),
            "commune": ("Xã", "Xã liên quan, nếu có."),
            "ip": ("Địa chỉ IP", "Địa chỉ mạng của người thực hiện."),
            "data": ("Chi tiết", "Chi tiết thao tác (chỉ xem)."),
            "prev_hash": ("Mã băm trước", "Mã băm của bản ghi liền trước trong chuỗi."),
            "hash": ("Mã băm", "Mã băm của bản ghi này."),
        },
    ),
    "contest": (
        "Cuộc thi — các cuộc thi ý tưởng của xã.",
        {
            "commune": ("Xã", "Xã tổ chức cuộc thi."),
            "title": ("Tên cuộc thi", "Ví dụ Ý tưởng sáng tạo 2026."),
            "slug": ("Tên trong đường dẫn", "Dùng trong địa chỉ /contests/<tên>, chữ thường không dấu."),
            "tagline": ("Khẩu hiệu", "Một câu ngắn hiện trên thẻ cuộc thi."),
            "description": ("Giới thiệu", "Giới thiệu cuộc thi (định dạng Markdown)."),
            "rules": ("Thể lệ", "Thể lệ cuộc thi (định dạng Markdown)."),
            "prizes": ("Giải thưởng", "Cơ cấu giải thưởng (định dạng Markdown)."),
            "min_age": ("Tuổi tối thiểu", "Tuổi nhỏ nhất của trưởng nhóm dự thi."),
            "max_age": ("Tuổi tối đa", "Tuổi lớn nhất của trưởng nhóm dự thi."),
            "residents_only": ("Chỉ cư dân của xã", "Chỉ người đăng ký cư trú tại xã mới được gửi ý tưởng."),
            "max_ideas_per_person": ("Số ý tưởng tối đa mỗi người", "Số ý tưởng một người được làm trưởng nhóm."),
            "published": ("Đã công bố", "Cuộc thi hiện cho mọi người xem."),
        },
    ),
    "contest_category": (
        "Lĩnh vực — các lĩnh vực dự thi của một cuộc thi.",
        {
            "contest": ("Cuộc thi", "Cuộc thi có lĩnh vực này."),
            "name": ("Tên lĩnh vực", "Ví dụ Nông nghiệp, Môi trường."),
        },
    ),
    "contest_round": (
        "Vòng thi — các vòng của cuộc thi và mốc thời gian của từng giai đoạn (giờ Hà Nội).",
        {
            "contest": ("Cuộc thi", "Cuộc thi có vòng này."),
            "name": ("Tên vòng", "Ví dụ Vòng sơ khảo."),
            "position": ("Thứ tự vòng", "Vòng 1, 2, 3…"),
            "submission_opens": ("Mở nhận ý tưởng", "Thời điểm bắt đầu nhận bài (giờ Hà Nội)."),
            "submission_closes": ("Đóng nhận ý tưởng", "Thời điểm hết hạn nộp bài (giờ Hà Nội)."),
            "judging_closes": ("Kết thúc chấm thi", "Hạn giám khảo chấm xong (giờ Hà Nội)."),
            "vote_opens": ("Mở bình chọn", "Bắt đầu bình chọn của người dân; để trống nếu vòng không bình chọn."),
            "vote_closes": ("Đóng bình chọn", "Kết thúc bình chọn; để trống nếu vòng không bình chọn."),
            "results_at": ("Công bố kết quả", "Thời điểm công bố kết quả (giờ Hà Nội)."),
            "takes_entries": (
                "Nhận bài mới",
                "Vòng có giai đoạn nhận bài; nếu không, thời điểm mở và đóng nhận "
                "ý tưởng trùng với lúc bắt đầu giai đoạn đầu tiên.",
            ),
            "has_judging": (
                "Có chấm thi",
                "Vòng có giai đoạn chấm (từ lúc đóng nhận ý tưởng đến lúc kết thúc chấm); "
                "nếu không, kết thúc chấm thi trùng với đóng nhận ý tưởng.",
            ),
        },
    ),
    "idea": (
        "Ý tưởng — các ý tưởng dự thi.",
        {
            "contest": ("Cuộc thi", "Cuộc thi mà ý tưởng tham dự."),
            "round": ("Vòng thi", "Vòng hiện tại của ý tưởng."),
            "code": ("Mã ý tưởng", "Mã công khai, ví dụ AK-2026-007."),
            "lead": ("Trưởng nhóm", "Người gửi và chịu trách nhiệm về ý tưởng."),
            "hamlet": ("Thôn", "Thôn của nhóm dự thi."),
            "category": ("Lĩnh vực", "Lĩnh vực dự thi."),
            "title": ("Tên ý tưởng", "Tên ngắn gọn của ý tưởng."),
            "summary": ("Tóm tắt", "Tối đa 300 ký tự."),
            "problem": ("Vấn đề", "Vấn đề ý tưởng muốn giải quyết."),
            "solution": ("Giải pháp", "Cách giải quyết đề xuất."),
            "beneficiaries": ("Người hưởng lợi", "Ai được hưởng lợi từ ý tưởng."),
            "resources": ("Nguồn lực", "Nguồn lực cần có để thực hiện."),
            "budget_vnd": ("Kinh phí (đồng)", "Kinh phí dự kiến, tính bằng đồng."),
            "stage": ("Giai đoạn", "Mức độ hoàn thiện: ý tưởng, mẫu thử, thí điểm hoặc đã triển khai."),
            "body": ("Nội dung chi tiết", "Nội dung chi tiết (định dạng Markdown)."),
            "video_url": ("Đường dẫn video", "Video giới thiệu, nếu có."),
            "status": ("Trạng thái", "Nháp, đã nộp, đã rút, vào vòng trong, vào chung kết hoặc đoạt giải."),
            "withdrawn_reason": ("Lý do rút", "Lý do nhóm rút ý tưởng."),
            "hidden": ("Đã ẩn", "Bị ẩn khỏi công chúng do kiểm duyệt."),
            "hidden_reason": ("Lý do ẩn", "Lý do kiểm duyệt, báo cho nhóm."),
            "hidden_by_reports": ("Tự ẩn do bị báo cáo", "Bị ẩn tự động vì nhiều báo cáo, chờ xem xét."),
            "report_count": ("Số lần bị báo cáo", "Số báo cáo vi phạm nhận được."),
            "updated_at": ("Cập nhật lúc", "Lần sửa gần nhất."),
            "submitted_at": ("Nộp lúc", "Thời điểm nộp bài."),
        },
    ),
    "rubric_criterion": (
        "Tiêu chí chấm — các tiêu chí chấm điểm của một vòng; sửa mô tả các mức điểm trên "
        "trang “Tiêu chí chấm” của ban tổ chức.",
        {
            "round": ("Vòng thi", "Vòng thi dùng tiêu chí này."),
            "name": ("Tên tiêu chí", "Ví dụ Tính sáng tạo."),
            "description": ("Mô tả", "Giám khảo cần xem xét điều gì."),
            "weight": ("Trọng số", "Trọng số tương đối trong tổng điểm."),
            "scale_min": ("Điểm thấp nhất", "Mức điểm thấp nhất của thang."),
            "scale_max": ("Điểm cao nhất", "Mức điểm cao nhất của thang."),
            "descriptors": (
                "Mô tả các mức điểm",
                "Mỗi mức điểm một câu, từ thấp đến cao; sửa trên trang “Tiêu chí chấm” của ban tổ chức.",
            ),
        },
    ),
    "award": (
        "Giải thưởng — các giải của cuộc thi và bảng xếp hạng mà giải dựa vào.",
        {
            "contest": ("Cuộc thi", "Cuộc thi có giải này."),
            "name": ("Tên giải", "Ví dụ Giải Nhất."),
            "basis": (
                "Căn cứ xếp hạng",
                "combined (kết hợp α·giám khảo + (1 − α)·bình chọn), jury (giám khảo) "
                "hoặc public (bình chọn của người dân).",
            ),
            "rank": ("Hạng đoạt giải", "Hạng nào trong bảng xếp hạng được nhận giải."),
            "prize": ("Phần thưởng", "Người thắng nhận gì, ví dụ 10.000.000 đồng và giấy khen."),
            "idea": ("Ý tưởng đoạt giải", "Ý tưởng nhận giải sau khi công bố kết quả."),
        },
    ),
    "mentor_organization": (
        "Tổ chức — trường, doanh nghiệp, hội đoàn có chuyên gia cố vấn.",
        {
            "name": ("Tên tổ chức", "Tên đầy đủ của tổ chức."),
            "kind": ("Loại tổ chức", "Vườn ươm, trường đại học, Sở Khoa học và Công nghệ, doanh nghiệp hoặc khác."),
            "website": ("Trang web", "Địa chỉ trang web của tổ chức."),
            "description": ("Giới thiệu", "Giới thiệu ngắn về tổ chức."),
        },
    ),
    "mentor_profile": (
        "Hồ sơ chuyên gia — chuyên gia cố vấn của thành phố; chuyên gia tự sửa hồ sơ trên trang của mình.",
        {
            "user": ("Tài khoản", "Tài khoản của chuyên gia."),
            "organization": ("Tổ chức", "Nơi chuyên gia công tác."),
            "title": ("Chức danh", "Ví dụ Giảng viên Trường Đại học Hải Phòng."),
            "bio": ("Giới thiệu", "Giới thiệu bản thân."),
            "expertise": ("Chuyên môn", "Các thẻ chuyên môn; chuyên gia chọn trên trang hồ sơ."),
            "free_tags": ("Thẻ tự do", "Thẻ chuyên gia tự đặt; sửa trên trang hồ sơ."),
            "sectors": ("Ngành", "Các ngành chuyên gia am hiểu; sửa trên trang hồ sơ."),
            "languages": ("Ngôn ngữ", "Ngôn ngữ chuyên gia dùng; sửa trên trang hồ sơ."),
            "stages": ("Giai đoạn", "Giai đoạn ý tưởng chuyên gia hỗ trợ; sửa trên trang hồ sơ."),
            "capacity": ("Số nhóm tối đa", "Số nhóm chuyên gia kèm cùng lúc."),
            "availability": ("Thời gian rảnh", "Các khung giờ trong tuần; sửa trên trang hồ sơ."),
            "mode": ("Hình thức", "online (trực tuyến), in_person (trực tiếp) hoặc any (cả hai)."),
            "place": ("Địa điểm", "Nơi gặp trực tiếp."),
            "approved": ("Đã duyệt", "Hồ sơ hiện trong danh sách chuyên gia."),
            "photo": ("Ảnh đại diện", "Tên tệp ảnh đã tải lên; không sửa ở đây."),
        },
    ),
    "mentorship": (
        "Kèm cặp — chuyên gia kèm một nhóm dự thi.",
        {
            "idea": ("Ý tưởng", "Ý tưởng được kèm cặp."),
            "mentor": ("Chuyên gia", "Chuyên gia kèm cặp."),
            "status": ("Trạng thái", "active (đang kèm) hoặc completed (đã kết thúc)."),
            "source": ("Nguồn", "request (nhóm tự đề nghị) hoặc matching (ghép theo đề xuất của hệ thống)."),
            "started_at": ("Bắt đầu lúc", "Thời điểm bắt đầu kèm cặp."),
            "checkin_sent_at": ("Hỏi thăm lúc", "Lần gửi thư hỏi thăm gần nhất."),
            "ended_at": ("Kết thúc lúc", "Thời điểm kết thúc kèm cặp."),
            "summary": ("Tóm tắt", "Tóm tắt kết quả kèm cặp."),
        },
    ),
    "mentoring_feedback": (
        "Phản hồi kèm cặp — nhận xét của nhóm và chuyên gia sau khi kèm cặp (chỉ xem).",
        {
            "mentorship": ("Lần kèm cặp", "Lần kèm cặp được nhận xét."),
            "author": ("Người viết", "Người viết nhận xét."),
            "side": ("Bên nhận xét", "team (nhóm) hoặc mentor (chuyên gia)."),
            "rating": ("Điểm đánh giá", "Từ 1 đến 5."),
            "text": ("Nhận xét", "Nội dung nhận xét."),
        },
    ),
    "workshop": (
        "Hội thảo — buổi tập huấn, hội thảo cho người dự thi.",
        {
            "organization": ("Tổ chức", "Tổ chức phụ trách buổi hội thảo."),
            "commune": ("Xã", "Xã có ban tổ chức phụ trách; để trống nếu dành cho cả thành phố."),
            "title": ("Tên hội thảo", "Tên buổi hội thảo."),
            "description": ("Giới thiệu", "Nội dung buổi hội thảo."),
            "starts_at": ("Bắt đầu lúc", "Giờ Hà Nội."),
            "ends_at": ("Kết thúc lúc", "Giờ Hà Nội."),
            "place": ("Địa điểm", "Nơi tổ chức."),
            "online_link": ("Đường dẫn trực tuyến", "Đường dẫn tham gia trực tuyến, nếu có."),
            "capacity": ("Số chỗ", "Số người tham dự tối đa."),
            "published": ("Đã công bố", "Hiện cho mọi người xem và đăng ký."),
        },
    ),
}


# Vietnamese names of the values offered in drop-down lists (columns with ``choices``).
CHOICES: dict[str, str] = {
    "citizen": "Người dân",
    "judge": "Giám khảo",
    "mentor": "Chuyên gia",
    "organizer": "Ban tổ chức",
    "admin": "Quản trị viên",
    "draft": "Nháp",
    "submitted": "Đã nộp",
    "withdrawn": "Đã rút",
    "shortlisted": "Vào vòng trong",
    "finalist": "Vào chung kết",
    "awarded": "Đoạt giải",
    "idea": "Ý tưởng",
    "prototype": "Mẫu thử",
    "pilot": "Thí điểm",
    "launched": "Đã triển khai",
    "incubator": "Vườn ươm",
    "university": "Trường đại học",
    "dost": "Sở Khoa học và Công nghệ",
    "enterprise": "Doanh nghiệp",
    "other": "Khác",
}


def table_names() -> dict[str, str]:
    """Each table's Vietnamese name (the start of its help text, before " — ")."""
    return {table: entry[0].split(" — ", 1)[0].strip() for table, entry in TABLES.items()}


def column_label(tablename: str, column: str) -> tuple[str, str] | None:
    entry = TABLES.get(tablename)
    if entry is None:
        return None
    return entry[1].get(column) or _COMMON.get(column)


def label_schema(tablename: str, body: dict[str, Any]) -> dict[str, Any]:
    """The table's JSON schema (as piccolo-admin reads it) with Vietnamese titles and help; JSON
    fields not listed in the table view are taken out of the form."""
    entry = TABLES.get(tablename)
    if entry is None:
        return body
    extra = body.setdefault("extra", {})
    extra["help_text"] = entry[0]
    listed = set(extra.get("visible_column_names") or ())
    properties = body.get("properties", {})
    for name in list(properties):
        prop = properties[name]
        prop_extra = prop.get("extra", {}) if isinstance(prop, dict) else {}
        if prop_extra.get("widget") == "json" and name not in listed:
            properties.pop(name)
            if name in body.get("required", []):
                body["required"].remove(name)
            if name in (extra.get("visible_filter_names") or ()):
                extra["visible_filter_names"] = [n for n in extra["visible_filter_names"] if n != name]
            continue
        label = column_label(tablename, name)
        if label:
            prop["title"] = label[0]
            prop.setdefault("extra", {})["help_text"] = label[1]
        for _key, choice in ((prop_extra.get("choices") or {}) if isinstance(prop_extra, dict) else {}).items():
            if isinstance(choice, dict) and str(choice.get("value")) in CHOICES:
                choice["display_name"] = CHOICES[str(choice["value"])]
    return body
