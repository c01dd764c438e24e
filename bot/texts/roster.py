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
