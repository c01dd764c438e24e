"""Texts of comments (góp ý) on a meeting's agenda."""

from __future__ import annotations

NO_OPEN_MEETINGS = (
    "Hiện chưa có buổi sinh hoạt sắp tới nào để góp ý. Đồng chí dùng /lich để xem lịch."
)
CHOOSE_MEETING = "Đồng chí muốn góp ý cho buổi sinh hoạt nào?"
ASK_TEXT = (
    "📝 Góp ý cho buổi {meeting}.\n"
    "Đồng chí vui lòng gõ nội dung góp ý trong một tin nhắn (tối đa {limit} ký tự). "
    "Góp ý chỉ chi ủy xem được: không đăng trong nhóm, các đảng viên khác không thấy."
)
AGENDA = "Nội dung sinh hoạt:\n{agenda}"
ASK_EDIT = "Đồng chí vui lòng gõ nội dung mới cho góp ý này."
SAVED = "Đã gửi góp ý tới chi ủy. Đồng chí có thể sửa hoặc rút lại trước giờ sinh hoạt."
EDITED = "Đã sửa góp ý."
WITHDRAWN = "Đã rút lại góp ý."
MINE_TITLE = "Góp ý của đồng chí cho buổi {meeting}:"
COMMENT_LINE = "{index}. {text}"
MINE_NONE = "Đồng chí chưa gửi góp ý nào cho buổi {meeting}."
HIDDEN_MARK = " (ẩn tên trong tệp xuất và biên bản)"
PREVIEW = 300  # characters of each own comment shown in the list
PREVIEW_POINTER = " (xem đủ: /cuatoi)"
BUTTON_NEW = "📝 Gửi góp ý mới"
BUTTON_EDIT = "✏️ Sửa góp ý {index}"
BUTTON_WITHDRAW = "🗑 Rút góp ý {index}"
BUTTON_HIDE = "🙈 Ẩn tên góp ý {index}"
BUTTON_SHOW = "👤 Hiện tên góp ý {index}"
BUTTON_VIEW_ALL = "💬 Xem góp ý của đảng viên (chi ủy)"
NAME_HIDDEN_NOW = "Tên của đồng chí sẽ được ẩn trong tệp xuất và biên bản (chi ủy vẫn biết)."
NAME_SHOWN_NOW = "Tên của đồng chí sẽ hiện trong tệp xuất và biên bản."
LIST_TITLE = "💬 Góp ý cho buổi {meeting} ({count}):"
LIST_EMPTY = "Chưa có góp ý nào cho buổi này."
LIST_LINE = "• {author}: {text}"
LIST_LINE_HIDDEN_FOR_COMMITTEE = "• {author} (đề nghị ẩn tên trong tệp xuất): {text}"
STALE_ERRORS: dict[str, str] = {
    "comments_closed": (
        "Đã đến giờ sinh hoạt nên không gửi, sửa hay rút góp ý qua {bot} được nữa. Đồng chí "
        "vui lòng phát biểu trực tiếp tại buổi sinh hoạt."
    ),
    "comment_gone": "Góp ý này không còn (đã rút hoặc không phải của đồng chí).",
}
INPUT_ERRORS: dict[str, str] = {
    "comment_empty": "Góp ý đang để trống. Đồng chí vui lòng gõ nội dung góp ý.",
    "comment_too_long": "Góp ý dài quá 3.000 ký tự. Đồng chí vui lòng chia thành nhiều góp ý.",
    "comment_too_many": (
        "Đồng chí đã có {limit} góp ý cho buổi này. Đồng chí vui lòng sửa hoặc rút bớt một góp ý "
        "trước khi gửi thêm."
    ),
}
LIMIT = 3000
