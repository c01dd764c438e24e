"""Texts for cells, invitations, joining and the member list."""

from __future__ import annotations

# --- the secretary's one-time link ---------------------------------------------------------
SECRETARY_WELCOME = (
    "Chào đồng chí! Đồng chí đã được ghi nhận là bí thư của {cell}.\n\n"
    "Đồng chí vui lòng gửi họ và tên đầy đủ để {bot} ghi vào danh sách "
    "(ví dụ: Nguyễn Thị Hoa)."
)
SECRETARY_AGAIN = "Đồng chí đã là bí thư của {cell}. Gõ /help để xem các chức năng."
SECRETARY_NEXT_STEPS = (
    "Cảm ơn đồng chí {name}. Các bước tiếp theo:\n"
    "1. Thêm {bot} vào nhóm Telegram của chi bộ (tắt chế độ riêng tư của bot hoặc đặt bot "
    "làm quản trị viên để bot đọc được lệnh trong nhóm).\n"
    "2. Gõ /moi để lấy đường liên kết mời đảng viên.\n"
    "3. Gõ /help để xem các chức năng khác."
)
CODE_INVALID = (
    "Đường liên kết này không đúng hoặc đã bị thu hồi. Đồng chí vui lòng xin đường liên kết mới."
)
CODE_USED = "Đường liên kết này đã được dùng. Mỗi đường liên kết bí thư chỉ dùng được một lần."
CODE_EXPIRED = "Đường liên kết này đã hết hạn. Đồng chí vui lòng xin đường liên kết mới."

# --- member invitations --------------------------------------------------------------------
INVITE_LINK = (
    "Đường liên kết mời vào {cell}:\n{link}\n\n"
    "Đồng chí gửi đường liên kết này cho đảng viên của chi bộ. Người bấm vào sẽ được hỏi "
    "họ tên và chờ chi ủy duyệt. Đường liên kết có hiệu lực đến trước ngày {expires}."
)
INVITE_SIMULATOR_HINT = "(Trong trình mô phỏng, người được mời gõ: /start {payload})"
JOIN_ASK_NAME = (
    "Chào đồng chí! Đồng chí đang xin tham gia {cell} trên {bot}.\n\n"
    "Đồng chí vui lòng gửi họ và tên đầy đủ (ví dụ: Trần Văn Bình)."
)
JOIN_ALREADY_MEMBER = "Đồng chí đã là thành viên của {cell}. Gõ /help để xem các chức năng."
JOIN_ALREADY_PENDING = "Yêu cầu tham gia {cell} của đồng chí đang chờ chi ủy duyệt."
JOIN_SUBMITTED = (
    "Cảm ơn đồng chí {name}. Yêu cầu tham gia {cell} đã được gửi tới chi ủy. "
    "{bot} sẽ báo cho đồng chí khi có kết quả."
)
JOIN_NO_REVIEWER_REACHABLE = (
    "Chưa có chi ủy viên nào nhận được tin nhắn của {bot}. Đồng chí vui lòng báo bí thư "
    "chi bộ mở {bot} để duyệt."
)
BUTTON_APPROVE = "✅ Duyệt"
JOIN_MATCH_QUESTION = "Đây là đồng chí {name} (sinh năm {year}) trong danh sách?"
JOIN_MATCHED_REVIEWER = (
    "🔗 {actor} đã xác nhận: {name} trong danh sách của {cell} nay dùng {bot}. "
    "Lịch sử tham dự và góp ý vẫn giữ nguyên."
)
MATCH_GONE = (
    "Người trong danh sách này đã có tài khoản Telegram hoặc không còn sinh hoạt. "
    "Đồng chí gõ /thanhvien để xem lại."
)
BUTTON_REJECT = "❌ Từ chối"
JOIN_APPROVED_REVIEWER = "✅ {actor} đã duyệt: {name} là đảng viên của {cell}."
JOIN_REJECTED_REVIEWER = "❌ {actor} đã từ chối đề nghị của {name}."
JOIN_APPROVED_MEMBER = (
    "Chi ủy đã duyệt: đồng chí là thành viên của {cell} trên {bot}.\n\n"
    "Gõ /help để xem các chức năng, hoặc gõ câu hỏi về quy định sinh hoạt."
)
JOIN_REJECTED_MEMBER = (
    "Chi ủy chưa duyệt đề nghị tham gia {cell} của đồng chí. Nếu có nhầm lẫn, đồng chí "
    "vui lòng liên hệ trực tiếp bí thư chi bộ."
)
ALREADY_DECIDED = "Đề nghị này đã được xử lý trước đó."

# --- names ---------------------------------------------------------------------------------
NAME_ERRORS: dict[str, str] = {
    "name_is_command": "Đồng chí vui lòng gửi họ và tên (không bắt đầu bằng dấu /).",
    "name_too_short": "Họ và tên ngắn quá. Đồng chí vui lòng gửi họ và tên đầy đủ.",
    "name_too_long": "Họ và tên dài quá 80 ký tự. Đồng chí vui lòng gửi lại.",
    "name_bad_chars": "Họ và tên chỉ gồm chữ cái và dấu cách. Đồng chí vui lòng gửi lại.",
}
CELL_NAME_LENGTH = "Tên chi bộ cần dài từ 3 đến 200 ký tự."
MEMBER_GONE = (
    "Đảng viên này không còn trong danh sách của chi bộ. Đồng chí gõ /thanhvien để xem lại."
)
CELL_GONE = "Chi bộ này không còn trong {bot}."
MEMBER_NOT_ACTIVE = (
    "Người này chưa được duyệt vào chi bộ (hoặc đã bị từ chối), nên chưa đổi được thông tin. "
    "Đồng chí gõ /thanhvien để xem lại."
)
NAME_SAVED = "Đã ghi họ tên: {name}."

# --- the group -----------------------------------------------------------------------------
GROUP_LINKED = (
    "Chào các đồng chí! Nhóm này đã được gắn với {cell}. {bot} sẽ đăng nhắc lịch và bảng "
    "tham dự ở đây. Đồng chí nào chưa mở {bot}, vui lòng bấm nút bên dưới để nhận nhắc "
    "lịch riêng."
)
GROUP_ALREADY_LINKED = "Nhóm này đã được gắn với {cell}."
GROUP_NOT_COMMITTEE = (
    "Chào các đồng chí! Nhóm này chưa gắn với chi bộ nào. Bí thư hoặc chi ủy viên của chi bộ "
    "cần tự thêm {bot} vào nhóm (sau khi đã mở đường liên kết bí thư) thì nhóm mới được gắn."
)
GROUP_TAKEN = (
    "{cell} đã gắn với một nhóm khác. Muốn đổi nhóm, bí thư vui lòng xóa {bot} khỏi nhóm cũ trước."
)
GROUP_NEEDS_RIGHTS = (
    "Lưu ý: để {bot} đọc được lệnh trong nhóm, đồng chí vui lòng đặt {bot} làm quản trị viên "
    "của nhóm (hoặc tắt chế độ riêng tư của bot với BotFather)."
)
BUTTON_OPEN_BOT = "💬 Mở Trợ lý chi bộ"

# --- the member list -----------------------------------------------------------------------
ROSTER_TITLE = "Danh sách đảng viên {cell} ({count} đồng chí):"
ROSTER_LINE = "{index}. {name} — {role}, {status}"
ROSTER_LINE_NO_BOT = " (chưa mở {bot})"
ROSTER_PENDING_TITLE = "\nĐang chờ duyệt ({count}):"
ROSTER_INACTIVE_TITLE = "\nĐã thôi sinh hoạt tại chi bộ ({count}):"
ROSTER_MORE = "• … và {count} đồng chí khác"
ROSTER_EMPTY = "Chi bộ chưa có đảng viên nào."
ROSTER_COMMITTEE_HINT = "\nBấm vào tên để sửa vai trò, trạng thái hoặc cho thôi sinh hoạt."
ROSTER_PAGE = "Trang {page}/{pages}"
BUTTON_PREV = "◀ Trước"
BUTTON_NEXT = "Sau ▶"

MEMBER_CARD = "{name}\nVai trò: {role}\nĐảng viên {status}\nTình trạng: {state}\n{dm}"
MEMBER_STATE_ACTIVE = "đang sinh hoạt"
MEMBER_STATE_INACTIVE = "đã thôi sinh hoạt tại chi bộ"
MEMBER_DM_OK = "Đã mở {bot}: nhận được nhắc lịch riêng."
MEMBER_DM_NO = "Chưa mở {bot} (hoặc đã chặn): chưa nhận được nhắc lịch riêng."
BUTTON_SET_ROLE = "Vai trò: {role}"
BUTTON_SET_STATUS = "Đảng viên {status}"
BUTTON_DEACTIVATE = "🚫 Cho thôi sinh hoạt"
BUTTON_REACTIVATE = "↩ Sinh hoạt trở lại"
BUTTON_CONFIRM_DEACTIVATE = "Xác nhận cho thôi sinh hoạt"
BUTTON_CANCEL = "Hủy"
BUTTON_BACK = "◀ Danh sách"
CONFIRM_DEACTIVATE = (
    "Đồng chí xác nhận cho {name} thôi sinh hoạt tại chi bộ trên {bot}? Dữ liệu cũ vẫn được "
    "giữ; có thể cho sinh hoạt trở lại."
)
ROLE_CHANGED = "Đã đổi vai trò của {name}: {role}."
STATUS_CHANGED = "Đã ghi {name} là đảng viên {status}."
DEACTIVATED = "{name} đã thôi sinh hoạt tại chi bộ trên {bot}."
REACTIVATED = "{name} đã sinh hoạt trở lại."
LAST_SECRETARY = (
    "Chi bộ cần ít nhất một bí thư. Đồng chí vui lòng giao vai trò bí thư cho người khác trước."
)
CANNOT_DEACTIVATE_SELF = "Đồng chí không thể tự cho mình thôi sinh hoạt."
ROSTER_LINE_NO_TELEGRAM = " (không dùng Telegram)"

# --- members without Telegram: typed in the chat or sent as a file --------------------------
BUTTON_ROSTER_ADD = "➕ Thêm đảng viên không dùng Telegram"
ROSTER_ADD_PROMPT = (
    "Đồng chí gửi mỗi đảng viên một dòng: họ tên; năm sinh; ngày vào Đảng; chính thức "
    "hoặc dự bị. Ví dụ:\n"
    "Lê Văn Tám; 1948; 03/02/1975; chính thức\n\n"
    "Hoặc gửi tệp danh sách .csv hoặc .xlsx với các cột: họ tên, năm sinh, ngày vào Đảng, "
    "trạng thái. Người đã có trong danh sách (cùng họ tên và năm sinh) được cập nhật, "
    "không ghi trùng."
)
ROSTER_ADD_CANCELLED = "Đã thôi thêm đảng viên."
ROSTER_FILE_TOO_BIG = "Tệp lớn quá. {bot} nhận tệp danh sách đến {limit} KB."
