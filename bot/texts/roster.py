"""Texts for the roster import (members without Telegram, from typed lines or a file)."""

from __future__ import annotations

ROSTER_IMPORTED = (
    "Đã ghi vào danh sách {cell}: thêm mới {added} đồng chí; {matched} đồng chí đã có trong "
    "danh sách được cập nhật."
)
ROSTER_IMPORTED_NAMES = "Thêm mới: {names}"
ROSTER_IMPORT_REFUSED = "Chưa ghi đồng chí nào. Đồng chí sửa các dòng sau rồi gửi lại:"
ROSTER_PROBLEMS_MORE = "… và {count} lỗi khác"
