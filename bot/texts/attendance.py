"""Texts of attendance: answers, absence reasons, the group panel, the roll, check-in, nudges."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.texts.common import KIND_NAMES, when
from storage.enums import AttendanceAnswer, MeetingKind


def day(moment: datetime, tz: ZoneInfo) -> str:
    return moment.astimezone(tz).strftime("%d/%m/%Y")


def meeting_title(kind: MeetingKind, starts_at: datetime, tz: ZoneInfo) -> str:
    return f"{KIND_NAMES[kind]} — {when(starts_at, tz)}"


ANSWER_NAMES: dict[AttendanceAnswer, str] = {
    AttendanceAnswer.YES: "có mặt",
    AttendanceAnswer.NO: "vắng",
    AttendanceAnswer.MAYBE: "chưa chắc",
}

REASON_NAMES: dict[str, str] = {
    "om": "ốm đau",
    "ct": "đi công tác",
    "gd": "việc gia đình",
    "khac": "lý do khác",
}
REASON_BUTTONS: tuple[tuple[str, str], ...] = (
    ("om", "🤒 Ốm đau"),
    ("ct", "🧳 Đi công tác"),
    ("gd", "🏠 Việc gia đình"),
    ("khac", "✏️ Lý do khác"),
)


def reason_label(code: str | None, text: str | None) -> str:
    if code is None:
        return "chưa nêu lý do"
    name = REASON_NAMES.get(code, code)
    return f"{name}: {text}" if code == "khac" and text else name


# --- a member's answer ---------------------------------------------------------------------
CONFIRM_YES = "Đã ghi nhận: đồng chí sẽ có mặt tại buổi {meeting}. Cảm ơn đồng chí!"
CONFIRM_MAYBE = (
    "Đã ghi nhận: đồng chí chưa chắc tham dự buổi {meeting}. Đồng chí có thể bấm lại "
    "«✅ Có mặt» hoặc «❌ Vắng» khi đã rõ."
)
ASK_REASON = (
    "Đã ghi nhận: đồng chí vắng mặt buổi {meeting}.\n"
    "Đồng chí vui lòng cho biết lý do vắng mặt (chỉ chi ủy xem được):"
)
CONFIRM_REASON = "Đã ghi nhận lý do vắng mặt: {reason}. Cảm ơn đồng chí đã báo."
ASK_REASON_TEXT = (
    "Đồng chí vui lòng gõ lý do vắng mặt trong một tin nhắn (tối đa {limit} ký tự). "
    "Chỉ chi ủy xem được lý do này."
)
CALLBACK_SAVED = "Đã ghi nhận: {answer}."
CALLBACK_SAME = "Đồng chí đã trả lời «{answer}» rồi; không có gì thay đổi."
CALLBACK_SAVED_SEE_PRIVATE = "Đã ghi nhận: {answer}. Xin đồng chí xem tin nhắn riêng của {bot}."
CALLBACK_SAVED_NO_DM = (
    "Đã ghi nhận: {answer}. {bot} chưa nhắn riêng được cho đồng chí: đồng chí vui lòng mở "
    "{bot} và bấm Bắt đầu (Start) để báo lý do."
)
CALLBACK_CHECKED_IN = "Đã ghi nhận đồng chí có mặt. Cảm ơn đồng chí!"
CALLBACK_ALREADY_CHECKED_IN = "Đồng chí đã điểm danh rồi."

# --- the group panel -------------------------------------------------------------------------
PANEL = (
    "📋 {meeting}\n"
    "✅ Có mặt: {yes}   ❌ Vắng: {no}   ❔ Chưa chắc: {maybe}   Chưa trả lời: {unanswered}\n"
    "Các đồng chí bấm nút dưới đây để báo tham dự; lý do vắng chỉ chi ủy xem được."
)
PANEL_CLOSED = (
    "📋 {meeting}\n"
    "✅ Có mặt: {yes}   ❌ Vắng: {no}   ❔ Chưa chắc: {maybe}   Chưa trả lời: {unanswered}\n"
    "Đã hết thời gian báo tham dự."
)
PANEL_CANCELLED = "📋 {meeting}\nBuổi sinh hoạt này đã hủy."
CHECKIN_POST = (
    "🙋 Điểm danh buổi {meeting}.\nCác đồng chí đang có mặt vui lòng bấm nút «🙋 Tôi có mặt»."
)
CHECKIN_BUTTON = "🙋 Tôi có mặt"

# --- nudges and alerts -----------------------------------------------------------------------
NUDGE = (
    "Đồng chí chưa báo tham dự buổi {meeting}{place}.\n"
    "Đồng chí vui lòng bấm một nút dưới đây để chi bộ chuẩn bị chu đáo."
)
PLACE_SUFFIX = ", tại {place}"
ABSENCE_ALERT = (
    "Lưu ý riêng cho chi ủy: trong năm {year}, đồng chí {name} đã vắng sinh hoạt không có lý do "
    "trong {months} tháng ({month_list}).\n"
    "Điều 8 Điều lệ Đảng: đảng viên bỏ sinh hoạt chi bộ ba tháng trong năm mà không có lý do "
    "chính đáng thì chi bộ xem xét, đề nghị xóa tên khỏi danh sách đảng viên. Việc này không "
    "tự động và không phải là hình thức kỷ luật; chi ủy nên gặp gỡ, tìm hiểu hoàn cảnh của "
    "đồng chí trước khi chi bộ xem xét."
)

# --- errors ---------------------------------------------------------------------------------
STALE_ERRORS: dict[str, str] = {
    "other_cell": "Nút này thuộc buổi sinh hoạt của chi bộ khác, đồng chí không trả lời được.",
    "meeting_cancelled": "Buổi sinh hoạt này đã hủy, không cần báo tham dự nữa.",
    "answers_closed": (
        "Đã hết thời gian báo tham dự buổi này. Nếu cần, đồng chí vui lòng báo trực tiếp "
        "với bí thư chi bộ."
    ),
    "not_absent": "Đồng chí đang không báo vắng, nên không cần nêu lý do.",
    "checkin_closed": "Điểm danh cho buổi này chưa mở hoặc đã kết thúc.",
    "checkin_too_early": "Chưa đến giờ sinh hoạt, chưa thể mở điểm danh.",
    "not_started": "Buổi sinh hoạt chưa bắt đầu, chưa thể ghi nhận có mặt hay vắng.",
    "was_present": "Đảng viên này đã được ghi là có mặt.",
    "nudge_recent": "Vừa nhắc cách đây ít phút; đồng chí vui lòng đợi một lúc rồi nhắc lại.",
    "meeting_over": "Buổi sinh hoạt đã kết thúc.",
    "reason_stale": (
        "Nút lý do này đã cũ: câu trả lời của đồng chí đã đổi sau đó, nên không có gì thay đổi."
    ),
    "answer_superseded": (
        "Đồng chí đã bấm một câu trả lời mới hơn; bot giữ câu trả lời mới nhất của đồng chí."
    ),
}
INPUT_ERRORS: dict[str, str] = {
    "reason_empty": "Lý do đang để trống. Đồng chí vui lòng gõ lý do vắng mặt.",
    "reason_too_long": "Lý do dài quá. Đồng chí vui lòng viết gọn lại (tối đa 500 ký tự).",
}
REASON_LIMIT = 500

# --- the secretary's roll (/danhsach) -----------------------------------------------------------
NO_MEETINGS = (
    "Chi bộ chưa có buổi sinh hoạt nào trong lịch. Đồng chí dùng /taolich để tạo lịch sinh hoạt."
)
ROLL_TITLE = "📋 Danh sách tham dự\n{meeting}"
ROLL_SUMMARY = (
    "Đã trả lời {answered}/{total}: ✅ {yes} · ❌ {no} · ❔ {maybe} · ⏳ chưa trả lời {unanswered}"
)
ROLL_SECTION_YES = "\n✅ Có mặt ({count}):"
ROLL_SECTION_NO = "\n❌ Vắng ({count}):"
ROLL_SECTION_MAYBE = "\n❔ Chưa chắc ({count}):"
ROLL_SECTION_NONE = "\n⏳ Chưa trả lời ({count}):"
ROLL_PROXY = " (chi ủy trả lời thay: {name})"
ROLL_NO_TELEGRAM = " (không dùng Telegram)"
ROLL_NO_DM = " (chưa nhắn riêng được)"
ROLL_ACTUAL = (
    "\nĐiểm danh thực tế: có mặt {present}/{total}; vắng có lý do {excused}; "
    "vắng không có lý do {unexcused}; vắng chưa phân loại {unclassified}; chưa ghi {unrecorded}."
)
ROLL_CHECKIN_OPEN = "Điểm danh trong nhóm đang mở."
BUTTON_NUDGE = "🔔 Nhắc người chưa trả lời"
BUTTON_PROXY = "✍️ Trả lời thay đảng viên"
BUTTON_CHECKIN = "🙋 Mở điểm danh trong nhóm"
BUTTON_MARK = "📝 Ghi nhận có mặt / vắng"
BUTTON_COMMENTS = "💬 Xem góp ý"
BUTTON_EXPORT = "📤 Xuất danh sách, biên bản"
BUTTON_BACK_ROLL = "« Về danh sách"
BUTTON_PREV = "« Trước"
BUTTON_NEXT = "Sau »"
NUDGE_DONE = "Đã xếp lịch nhắc riêng {count} đồng chí chưa trả lời."
NUDGE_NONE = "Không có đồng chí nào cần nhắc: mọi người nhắn riêng được đều đã trả lời."
NUDGE_UNREACHABLE = (
    "{bot} không nhắn riêng được cho: {names}. Đồng chí vui lòng báo trực tiếp, hoặc trả lời "
    "thay nếu đồng chí ấy đã cho biết."
)
CHECKIN_OPENED = "Đã mở điểm danh trong nhóm của chi bộ."
CHECKIN_NO_GROUP = (
    "Chi bộ chưa liên kết với nhóm Telegram, nên không mở điểm danh trong nhóm được. "
    "Đồng chí có thể ghi nhận có mặt / vắng bằng tay."
)
GRID_PROXY_TITLE = (
    "✍️ Trả lời thay — {meeting}\n"
    "Bấm ✅ / ❌ / ❔ cạnh tên đảng viên. Câu trả lời được ghi là do chi ủy trả lời thay."
)
GRID_MARK_TITLE = (
    "📝 Ghi nhận tham dự thực tế — {meeting}\n"
    "✅ có mặt · 🟡 vắng có lý do · 🔴 vắng không có lý do."
)
GRID_LINE = "{index}. {name} — {state}"
GRID_STATE_PRESENT = "có mặt"
GRID_STATE_EXCUSED = "vắng có lý do"
GRID_STATE_UNEXCUSED = "vắng không có lý do"
GRID_STATE_ABSENT = "vắng (chưa phân loại)"
GRID_STATE_UNKNOWN = "chưa ghi"
GRID_SAVED = "Đã ghi: {name} — {state}."
BUTTON_MARK_ALL_YES = "✅ Ghi có mặt tất cả người đã báo có mặt"
MARKED_ALL_YES = "Đã ghi có mặt {count} đồng chí đã báo có mặt."
MARKED_ALL_YES_NONE = "Không còn đồng chí nào đã báo có mặt mà chưa được ghi nhận."
ANSWER_SAVED_FOR = "Đã ghi: {name} — {answer}."
BUTTON_SEARCH = "🔎 Tìm theo tên"
BUTTON_SEARCH_DONE = "✔️ Xong"
SEARCH_ASK = (
    "🔎 {meeting}\nĐồng chí gõ một phần họ tên (có dấu hoặc không dấu), ví dụ «an» hoặc "
    "«nguyen van». Gõ tiếp tên khác để tìm người khác."
)
SEARCH_TITLE = "🔎 «{query}» — {count} đồng chí khớp. Gõ tên khác để tìm tiếp."
SEARCH_MORE = "Còn {more} đồng chí khớp nữa: đồng chí gõ thêm chữ để thu hẹp."
SEARCH_NONE = "🔎 Không có đồng chí nào khớp «{query}». Đồng chí gõ lại một phần họ tên."
