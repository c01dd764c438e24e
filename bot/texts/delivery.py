"""Texts of the delivery feature: the committee's alert about a message that could not be sent."""

from __future__ import annotations

FAILURE_ALERT = (
    "⚠️ {bot} không gửi được {what} tới {whom}{meeting}.\n"
    "Lý do: {reason}.\n"
    "Đồng chí vui lòng báo trực tiếp cho người nhận nếu cần."
)
FAILURE_MEETING = " (buổi sinh hoạt {when})"
FAILURE_GROUP = "nhóm của chi bộ"
FAILURE_SOMEONE = "một đảng viên"
FAILURE_UNREACHABLE = "đồng chí ấy chưa mở trò chuyện với {bot} hoặc đã chặn {bot}"
FAILURE_REFUSED = "Telegram từ chối tin nhắn ({error})"
FAILURE_WHAT_DEFAULT = "một tin nhắn"
# What each outbox kind is, in the words of the alert ("không gửi được <this> tới ...").
FAILURE_WHAT: dict[str, str] = {
    "reminder": "lời nhắc lịch sinh hoạt",
    "reminder_group": "lời nhắc lịch sinh hoạt",
    "nudge": "lời nhắc xác nhận tham dự",
    "committee_task": "lời nhắc việc của chi ủy",
    "meeting_notice": "thông báo lịch sinh hoạt",
    "absence_alert": "thông báo về đảng viên vắng mặt",
    "agenda": "nội dung buổi sinh hoạt",
    "agenda_doc": "tài liệu của buổi sinh hoạt",
    "agenda_edit": "bản sửa nội dung buổi sinh hoạt",
    "agenda_note": "thông báo thay đổi nội dung sinh hoạt",
    "agenda_invite": "lời mời mở trò chuyện với bot trong nhóm",
    "agenda_report": "báo cáo tình hình gửi nội dung",
    # The higher committee's (bot/orgs): planned with "no_alert", named here for completeness.
    "org_notice": "thông báo lịch sinh hoạt tới cấp ủy viên phụ trách",
    "org_digest": "bản tổng hợp tháng của đảng ủy",
    "status_ending": "lời nhắc sắp hết hạn miễn / sinh hoạt tạm thời",
    "join_digest": "danh sách người xin vào chi bộ",
    "answer_confirm": "tin xác nhận trả lời tham dự",
    "planning_failed": "thông báo lỗi lập lịch nhắc họp",
}
