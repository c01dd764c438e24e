"""Texts of /nhatky (the committee reads the audit log) and the "Nhật ký" sheet of the export.

Each kind of action written to the audit log has a short label here. The labels never carry
a comment's text or an absence reason: the log says what was done, not what was written.
"""

from __future__ import annotations

from typing import Any

from bot.texts.attendance import ANSWER_NAMES
from bot.texts.common import ROLE_NAMES, STATUS_NAMES
from storage.enums import AttendanceAnswer, PartyStatus, Role

ACTION_LABELS: dict[str, str] = {
    "cell_created": "tạo chi bộ",
    "secretary_claimed": "nhận vai trò bí thư",
    "group_linked": "liên kết nhóm Telegram",
    "group_unlinked": "gỡ liên kết nhóm Telegram",
    "invite_created": "tạo liên kết mời",
    "join_requested": "xin vào chi bộ",
    "join_approved": "duyệt vào chi bộ",
    "join_rejected": "từ chối vào chi bộ",
    "role_changed": "đổi vai trò",
    "party_status_changed": "đổi loại đảng viên",
    "member_deactivated": "vô hiệu hóa",
    "member_reactivated": "kích hoạt lại",
    "member_erased": "xóa dữ liệu cá nhân",
    "erasure_requested": "đề nghị xóa dữ liệu của mình",
    "erasure_declined": "không đồng ý xóa dữ liệu",
    "meeting_created": "tạo lịch sinh hoạt",
    "meeting_edited": "sửa lịch sinh hoạt",
    "meeting_rescheduled": "đổi thời gian sinh hoạt",
    "meeting_cancelled": "hủy buổi sinh hoạt",
    "meeting_rule_set": "đặt lịch định kỳ",
    "meeting_rule_cleared": "bỏ lịch định kỳ",
    "reminder_leads_set": "đổi thời điểm nhắc",
    "reminder_rule_set": "đổi quy định đảng viên tự chọn nhắc",
    "plan_imported": "nhập kế hoạch sinh hoạt",
    "agenda_sent": "gửi chương trình sinh hoạt",
    "agenda_edited": "sửa chương trình sinh hoạt",
    "attachments_allowed": "cho phép gửi tệp đính kèm",
    "attachments_disallowed": "không cho gửi tệp đính kèm",
    "checkin_opened": "mở điểm danh",
    "checked_in": "tự điểm danh có mặt",
    "attendance_marked": "ghi điểm danh",
    "absence_classified": "phân loại vắng",
    "attendance_answered_for": "trả lời thay",
    "nudge_sent": "nhắc người chưa trả lời",
    "minutes_detail_set": "ghi thông tin biên bản (chủ trì, thư ký, giờ)",
    "roster_imported": "nhập danh sách đảng viên",
    "join_matched": "ghép người xin vào với tên trong danh sách",
    "transfer_issued": "đề nghị chuyển sinh hoạt sang chi bộ khác",
    "transfer_cancelled": "rút đề nghị chuyển sinh hoạt",
    "transfer_declined": "chi bộ nhận không tiếp nhận chuyển sinh hoạt",
    "member_transferred_out": "chuyển sinh hoạt chính thức sang chi bộ khác",
    "member_transferred_in": "tiếp nhận đảng viên chuyển sinh hoạt đến",
    "visit_ended": "hết thời gian sinh hoạt tạm thời, trở về chi bộ cũ",
    "status_set": "ghi miễn sinh hoạt / sinh hoạt tạm thời / nghỉ dài ngày",
}
UNKNOWN_ACTION = "thao tác khác ({action})"
MARKED = {True: "ghi có mặt", False: "ghi vắng", None: "bỏ ghi điểm danh"}
CLASSIFIED = {
    True: "ghi vắng có lý do",
    False: "ghi vắng không có lý do",
    None: "bỏ phân loại vắng",
}


def action_text(action: str, details: dict[str, Any]) -> str:
    """The short label of one action; for a few kinds the new value too (never a free text)."""
    to = details.get("to")
    if action == "attendance_marked" and (to is None or isinstance(to, bool)):
        return MARKED[to]
    if action == "absence_classified" and (to is None or isinstance(to, bool)):
        return CLASSIFIED[to]
    label = ACTION_LABELS.get(action, UNKNOWN_ACTION.format(action=action))
    if action == "role_changed" and to in set(Role):
        return f"{label}: {ROLE_NAMES[Role(to)]}"
    if action == "party_status_changed" and to in set(PartyStatus):
        return f"{label}: {STATUS_NAMES[PartyStatus(to)]}"
    answer = details.get("answer")
    if action == "attendance_answered_for" and answer in set(AttendanceAnswer):
        return f"{label}: {ANSWER_NAMES[AttendanceAnswer(answer)]}"
    return label


SYSTEM = "(hệ thống)"
MEETING = "buổi {day}"
LINE = "• {at} · {who}: {what}{about}{meeting}"
LINE_ABOUT = " — {name}"
LINE_MEETING = " ({meeting})"
TITLE = "📜 Nhật ký {cell} — trang {page}/{pages}"
FILTER_MEMBER = "Lọc theo đảng viên: {name}"
FILTER_MEETING = "Lọc theo {meeting}"
EMPTY = "Chưa có thao tác nào được ghi."
HINT = "Lọc theo đảng viên: gõ /nhatky và tên (ví dụ: /nhatky Nguyễn Văn An)."
BUTTON_NEWER = "◀ Mới hơn"
BUTTON_OLDER = "Cũ hơn ▶"
BUTTON_BY_MEETING = "🔎 Lọc theo buổi"
BUTTON_ALL = "✖ Bỏ lọc"
CHOOSE_MEETING = "Đồng chí chọn buổi sinh hoạt để xem nhật ký:"
NO_MEETINGS = "Nhật ký chưa có thao tác nào về một buổi sinh hoạt."
CHOOSE_MEMBER = "Có nhiều đảng viên khớp với «{query}». Đồng chí chọn một người:"
MORE_MEMBERS = "Chỉ hiện {shown} người đầu tiên; đồng chí gõ tên đầy đủ hơn để thu hẹp."
NO_MEMBER = (
    "Không tìm thấy đảng viên nào tên «{query}» trong chi bộ. Đồng chí gõ /nhatky để xem "
    "toàn bộ nhật ký."
)
STALE_ERRORS: dict[str, str] = {
    "log_page_gone": "Trang nhật ký này không còn. Đồng chí gõ /nhatky để xem lại từ đầu.",
}

# --- the "Nhật ký" sheet of the .xlsx export ----------------------------------------------------
SHEET = "Nhật ký"
HEADERS = ("Thời gian", "Người thực hiện", "Thao tác", "Về đảng viên", "Buổi sinh hoạt")
