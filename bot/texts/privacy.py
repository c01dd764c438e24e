"""Texts of /cuatoi (what the bot stores about me), erasure, and /thongke statistics."""

from __future__ import annotations

MY_DATA_TITLE = "🔒 Thông tin {bot} lưu về đồng chí"
MY_PROFILE = (
    "Họ và tên: {name}\nChi bộ: {cell}\nVai trò: {role}; đảng viên {status}\n"
    "Mã Telegram: {telegram_id}\nNhắn riêng được: {dm}\nVào chi bộ trong {bot}: {joined}"
)
MY_ANSWERS_TITLE = "\nTham dự ({count} buổi):"
MY_ANSWER_LINE = "• {day}: báo {answer}{reason}{proxy}; thực tế: {actual}"
MY_PROXY = " (chi ủy trả lời thay)"
MY_COMMENTS_TITLE = "\nGóp ý ({count}):"
MY_COMMENT_LINE = "• {day}: {text}{flags}"
MY_COMMENT_HIDDEN = " [ẩn tên trong tệp xuất]"
MY_COMMENT_WITHDRAWN = " [đã rút]"
MY_NOTHING = "Chưa có."
MY_FOOTER = (
    "\nChi ủy xem được lý do vắng và góp ý của đồng chí; các đảng viên khác thì không. "
    "Khi đồng chí rời chi bộ, bí thư có thể xóa các thông tin cá nhân này."
)
MY_ERASURE = (
    "\nNếu đồng chí đề nghị xóa dữ liệu và chi ủy đồng ý (chi bộ còn lưu hồ sơ đảng viên nên "
    "bí thư hoặc phó bí thư xác nhận):\n"
    "Sẽ xóa: họ tên, mã Telegram, {reasons} lý do vắng, {comments} góp ý và các tin nhắn "
    "chưa gửi; đồng chí không còn trong danh sách chi bộ trên {bot}.\n"
    "Còn lại, ẩn danh (không có tên): {answers} lượt tham dự, trong đó {present} lượt có mặt, "
    "để số liệu các buổi đã sinh hoạt vẫn đúng."
)
MY_ERASURE_PENDING = (
    "\nĐồng chí đã đề nghị xóa dữ liệu ngày {day}; chi ủy đang xem xét. "
    "Đồng chí sẽ nhận được tin nhắn khi có kết quả."
)
BUTTON_REQUEST_ERASURE = "🗑 Đề nghị xóa dữ liệu của tôi"
REQUEST_CONFIRM = (
    "Gửi đề nghị xóa dữ liệu cá nhân của đồng chí tới chi ủy? Khi được đồng ý, việc xóa không "
    "hoàn tác được."
)
BUTTON_REQUEST_SEND = "🗑 Gửi đề nghị"
REQUEST_SENT = (
    "Đã gửi đề nghị xóa dữ liệu tới chi ủy. Đồng chí sẽ nhận được tin nhắn khi chi ủy quyết định."
)
REQUEST_REVIEW = (
    "🗑 Đồng chí {name} đề nghị xóa dữ liệu cá nhân của mình.\n"
    "Sẽ xóa: họ tên, mã Telegram, {reasons} lý do vắng, {comments} góp ý; đồng chí không còn "
    "trong danh sách chi bộ trên {bot}.\n"
    "Còn lại, ẩn danh: {answers} lượt tham dự ({present} lượt có mặt).\n"
    "Bí thư hoặc phó bí thư quyết định:"
)
BUTTON_REQUEST_CONFIRM = "🗑 Đồng ý xóa"
BUTTON_REQUEST_DECLINE = "Không đồng ý"
REQUEST_CONFIRMED_REVIEWER = (
    "Đồng chí {actor} đã đồng ý: đã xóa dữ liệu cá nhân theo đề nghị ({comments} góp ý); giữ "
    "lại {answers} lượt tham dự ẩn danh."
)
REQUEST_DECLINED_REVIEWER = (
    "Đồng chí {actor} đã không đồng ý đề nghị xóa dữ liệu của đồng chí {name}."
)
REQUEST_CONFIRMED_MEMBER = (
    "Chi ủy đã đồng ý đề nghị của đồng chí: dữ liệu cá nhân của đồng chí trên {bot} đã được "
    "xóa; chỉ còn {answers} lượt tham dự ẩn danh. Cảm ơn đồng chí."
)
REQUEST_DECLINED_MEMBER = (
    "Chi ủy chưa đồng ý đề nghị xóa dữ liệu của đồng chí. Đồng chí có thể trao đổi trực tiếp "
    "với bí thư chi bộ, hoặc gửi lại đề nghị từ /cuatoi."
)
ACTUAL_PRESENT = "có mặt"
ACTUAL_EXCUSED = "vắng có lý do"
ACTUAL_UNEXCUSED = "vắng không có lý do"
ACTUAL_ABSENT = "vắng"
ACTUAL_UNKNOWN = "chưa ghi"
YES = "có"
NO = "chưa"

ERASE_TITLE = (
    "Xóa dữ liệu cá nhân của đảng viên đã rời chi bộ. Tên, mã Telegram, lý do vắng và góp ý "
    "sẽ bị xóa, kể cả trong tin nhắn của bot, nhật ký và lịch sinh hoạt; số liệu tham dự được "
    "giữ lại dưới dạng ẩn danh. Việc này không hoàn tác được."
)
ERASE_NONE = "Không có đảng viên nào đã rời chi bộ mà còn dữ liệu cá nhân."
ERASE_CONFIRM = "Xóa dữ liệu cá nhân của đồng chí {name}? Việc này không hoàn tác được."
BUTTON_ERASE = "🗑 {name}"
BUTTON_ERASE_CONFIRM = "🗑 Xác nhận xóa"
BUTTON_CANCEL = "Hủy"
ERASED = "Đã xóa dữ liệu cá nhân ({comments} góp ý); giữ lại {answers} dòng tham dự ẩn danh."
CANCELLED = "Đã hủy, không xóa gì."
STALE_ERRORS: dict[str, str] = {
    "still_member": (
        "Đồng chí này vẫn đang sinh hoạt trong chi bộ. Chỉ xóa dữ liệu sau khi đồng chí đã rời "
        "chi bộ (vô hiệu hóa trong /thanhvien)."
    ),
    "already_erased": "Dữ liệu của đồng chí này đã được xóa trước đó.",
    "erasure_pending": "Đồng chí đã gửi đề nghị xóa dữ liệu; chi ủy đang xem xét.",
    "erasure_secretary": (
        "Chi bộ cần ít nhất một bí thư. Đồng chí vui lòng giao vai trò bí thư cho đồng chí khác "
        "(/thanhvien) trước khi đề nghị xóa dữ liệu của mình."
    ),
    "erasure_request_gone": "Đề nghị xóa dữ liệu này không còn.",
    "erasure_own_request": (
        "Đề nghị xóa dữ liệu của chính đồng chí do một đồng chí khác trong chi ủy quyết định."
    ),
}

# --- /thongke ----------------------------------------------------------------------------------
STATS_TITLE = "📊 Thống kê tham dự năm {year} — {cell}"
STATS_NONE = "Chưa có buổi sinh hoạt nào đã ghi nhận điểm danh trong năm {year}."
STATS_MONTH = "• Tháng {month}: có mặt {present}/{expected} lượt ({rate})"
STATS_MEETINGS = (
    "\nTừng buổi (tiêu chí về tham dự của Hướng dẫn 12-HD/BTCTW năm 2018: trên 85% có mặt, "
    "không có đảng viên vắng không có lý do):"
)
STATS_MEETING = "• {day}: có mặt {present}/{members} ({rate}) — {verdict}"
VERDICT_MET = "đạt"
VERDICT_NOT_MET = "chưa đạt"
VERDICT_UNKNOWN = "chưa đủ dữ liệu (chưa ghi hoặc chưa phân loại vắng)"
STATS_MEMBERS = "\nTừng đảng viên:"
STATS_MEMBER = "• {name}: có mặt {present}/{expected}{unexcused}"
STATS_UNEXCUSED = "; vắng không lý do ở tháng {months}"
STATS_OWN = "\nĐồng chí: có mặt {present}/{expected} buổi đã ghi nhận{unexcused}."
CHART_TITLE = "Tỉ lệ có mặt theo tháng, năm {year}"
STATS_NOTE = (
    "\nGhi chú: Hướng dẫn 42-HD/BTCTW (2025) hiện được dùng thay Hướng dẫn 12; tiêu chí trên "
    "chỉ để tham khảo, chi bộ đánh giá theo hướng dẫn của cấp ủy cấp trên."
)
