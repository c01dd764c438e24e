"""Texts for the roster import (members without Telegram, from typed lines or a file)."""

from __future__ import annotations

ROSTER_IMPORTED = (
    "Đã ghi vào danh sách {cell}: thêm mới {added} đồng chí; {matched} đồng chí đã có trong "
    "danh sách được cập nhật."
)
ROSTER_IMPORTED_NAMES = "Thêm mới: {names}"
ROSTER_IMPORT_REFUSED = "Chưa ghi đồng chí nào. Đồng chí sửa các dòng sau rồi gửi lại:"
ROSTER_PROBLEMS_MORE = "… và {count} lỗi khác"
MY_ROSTER_RECORD = "Năm sinh: {year}; ngày vào Đảng: {admitted}"

# --- statuses (exempted, temporarily elsewhere, visiting, long leave) ----------------------
STATUS_ERRORS: dict[str, str] = {
    "status_ends_before_start": "Ngày kết thúc phải sau ngày bắt đầu.",
    "status_exemption_too_long": (
        "Mỗi lần miễn sinh hoạt hoặc miễn công tác và sinh hoạt tối đa 12 tháng."
    ),
    "status_reason_missing": "Đồng chí vui lòng ghi lý do.",
    "status_reason_too_long": "Lý do dài quá {limit} ký tự.",
    "status_overlaps": "Đảng viên này đã có một trạng thái trong khoảng thời gian đó.",
}
# The minutes' opening line, from bot/attendance/base.py's counts.
MINUTES_OPENING = (
    "Tổng số đảng viên: {total} (chính thức {full}, dự bị {probationary}); miễn sinh hoạt: "
    "{exempted}; sinh hoạt tạm thời nơi khác: {away}; có mặt: {present}; vắng có lý do: "
    "{excused}; vắng không có lý do: {unexcused}."
)
MINUTES_VISITING = " Đảng viên nơi khác đến sinh hoạt tạm thời: {visiting}."
STATUS_KIND_NAMES: dict[str, str] = {
    "mien_sh": "Miễn sinh hoạt",
    "mien_ct_sh": "Miễn công tác và sinh hoạt",
    "tam_thoi_di": "Sinh hoạt tạm thời nơi khác",
    "tam_thoi_den": "Từ nơi khác đến sinh hoạt tạm thời",
    "nghi_dai": "Nghỉ dài ngày",
}
BUTTON_STATUS = "🗓 Miễn, sinh hoạt tạm thời, nghỉ dài ngày"
STATUS_SCREEN = "🗓 Trạng thái sinh hoạt của {name}:"
STATUS_LINE = "• {kind}: {start} – {end} ({reason})"
STATUS_NONE = "• Đang sinh hoạt bình thường."
STATUS_CHOOSE = (
    "\nChọn loại để ghi mới. Miễn sinh hoạt, miễn công tác và sinh hoạt: tối đa 12 tháng mỗi "
    "lần (HD 27-HD/BTCTW 2018)."
)
STATUS_ASK = (
    "Ghi «{kind}» cho {name}. Đồng chí gửi một dòng: từ ngày; đến ngày; lý do.\n"
    "Ví dụ: 01/12/2026; 31/05/2027; ốm dài ngày, có hồ sơ bệnh viện"
)
STATUS_BAD_LINE = (
    "Đồng chí gửi đúng dạng: từ ngày; đến ngày; lý do (ví dụ: 01/12/2026; 31/05/2027; ốm dài ngày)."
)
STATUS_SAVED = (
    "Đã ghi: {name} — {kind} từ {start} đến {end}. {bot} sẽ nhắc chi ủy một tuần trước khi hết hạn."
)
STATUS_ENDING = (
    "🗓 Còn một tuần: {kind} của đồng chí {name} hết hạn ngày {end} ({cell}). Nếu cần gia "
    "hạn, chi bộ xem xét và ghi lần mới trong /thanhvien."
)

# --- the committee's digest of join requests: one message per cell, edited in place --------
DIGEST_TITLE = "📝 Đề nghị tham gia {cell} đang chờ duyệt ({count}):"
DIGEST_LINE = "{index}. {name}"
DIGEST_MORE = "… và {count} người khác (hiện sau khi duyệt những người trên)."
DIGEST_HINT = "\nBấm ✅ để duyệt, ❌ để từ chối."
DIGEST_HINT_MATCH = " Bấm 🔗 nếu đúng là đồng chí đã có trong danh sách."
DIGEST_EMPTY = "Không còn đề nghị tham gia {cell} nào chờ duyệt."
BUTTON_APPROVE_PERSON = "✅ Duyệt {index}. {name}"
BUTTON_REJECT_PERSON = "❌ Từ chối {index}"
BUTTON_MATCH_PERSON = "🔗 {index}. Là {name} ({year})"
BUTTON_APPROVE_ALL = "✅ Duyệt tất cả"
BUTTON_APPROVE_ALL_BUT_MATCHES = "✅ Duyệt tất cả (trừ người trùng tên)"
APPROVED_ALL = "✅ {actor} đã duyệt {count} đồng chí vào {cell}."
