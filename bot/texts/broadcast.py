"""Texts of the agenda broadcast (/chuongtrinh): composing, the message members get, reports."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo


def short_when(moment: datetime, tz: ZoneInfo) -> str:
    """ "14h00 ngày 05/12/2026"."""
    local = moment.astimezone(tz)
    return f"{local:%H}h{local:%M} ngày {local:%d/%m/%Y}"


# --- the agenda message members receive --------------------------------------------------------
AGENDA_TITLE = "📅 CHƯƠNG TRÌNH SINH HOẠT — {cell}"
AGENDA_WHEN = "{kind}: {when}"
AGENDA_PLACE = "Địa điểm: {place}"
AGENDA_CHAIR = "Chủ trì: {chair}"
AGENDA_DOCS_ON_APP = (
    "📘 Tài liệu sinh hoạt: đồng chí vui lòng đọc trên ứng dụng Sổ tay đảng viên điện tử."
)
AGENDA_DOCS_ATTACHED = "📎 Tài liệu kèm theo được gửi ngay trước tin nhắn này."
AGENDA_ASK = "Đồng chí vui lòng cho biết có tham dự không bằng các nút dưới đây."
AGENDA_UPDATED = "(Cập nhật lúc {when})"
AGENDA_CANCELLED = "⚠️ Buổi sinh hoạt này đã được hủy."
AGENDA_SHORTENED = " (nội dung quá dài nên đã rút gọn)"

CHANGE_NOTE = "✏️ Chương trình sinh hoạt {when} vừa được cập nhật (tin nhắn chương trình đã sửa)."
CHANGE_ADDED = "Thêm: {line}"
CHANGE_REMOVED = "Bỏ: {line}"
CHANGE_MORE = "… và {count} thay đổi khác."

INVITE_GROUP = (
    "Trợ lý chi bộ chưa nhắn riêng được cho {count} đồng chí: {names}.\n"
    "Các đồng chí vui lòng bấm nút dưới đây rồi bấm «Start» (Bắt đầu) để nhận chương trình "
    "và lời nhắc sinh hoạt."
)
INVITE_BUTTON = "▶️ Bắt đầu trò chuyện với Trợ lý"
CATCH_UP = "Cảm ơn đồng chí. Trợ lý gửi ngay chương trình sinh hoạt mà đồng chí chưa nhận được."

# --- composing (/chuongtrinh) -----------------------------------------------------------------
PICK_MEETING = "Đồng chí chọn buổi sinh hoạt để soạn chương trình:"
NO_MEETINGS = (
    "Chưa có buổi sinh hoạt nào sắp tới. Đồng chí dùng /taolich để tạo lịch trước, "
    "rồi gõ lại /chuongtrinh."
)
ASK_TEXT = (
    "Đồng chí gửi nội dung chương trình sinh hoạt {when} trong một tin nhắn "
    "(mỗi mục một dòng). Tối đa {limit} ký tự."
)
ASK_TEXT_ATTACH = "Sau đó đồng chí có thể gửi thêm tài liệu hoặc ảnh (tối đa {limit} tệp)."
ASK_EDIT_TEXT = (
    "Đồng chí gửi nội dung chương trình mới. Tin nhắn đã gửi cho các đồng chí sẽ được sửa "
    "lại (không gửi bản thứ hai); mỗi đồng chí nhận thêm một tin ngắn báo điều đã thay đổi."
)
ATTACHMENTS_OFF = (
    "Chi bộ đang để chế độ không gửi tệp qua Telegram. Tài liệu sinh hoạt đồng chí vui lòng "
    "đăng trên ứng dụng Sổ tay đảng viên điện tử; chương trình sẽ nhắc các đồng chí đọc ở đó."
)
ATTACHMENT_ADDED = "Đã nhận tệp «{name}» ({count}/{limit}). Đồng chí bấm «Xem trước» khi xong."
ATTACHMENT_LOCKED = (
    "Chương trình đã gửi; tài liệu kèm theo không đổi được nữa. Đồng chí có thể sửa nội dung."
)
PREVIEW_HEADER = "👁 XEM TRƯỚC — các đồng chí sẽ nhận đúng tin nhắn dưới đây:"
PREVIEW_HEADER_EDIT = "👁 XEM TRƯỚC NỘI DUNG MỚI — tin nhắn đã gửi sẽ được sửa thành:"
PREVIEW_CONTROLS = (
    "Sẽ gửi riêng cho {members} đảng viên{group}.\n{pin}{warning}"
    "Đồng chí bấm «Gửi» để gửi, hoặc chọn việc khác."
)
PREVIEW_CONTROLS_EDIT = (
    "Thay đổi sẽ được báo ngắn cho các đồng chí:\n{changes}\n\n"
    "Đồng chí bấm «Cập nhật» để sửa các tin nhắn đã gửi."
)
PREVIEW_GROUP = " và đăng trong nhóm của chi bộ"
PREVIEW_NO_GROUP = " (chi bộ chưa có nhóm Telegram liên kết)"
PREVIEW_PIN_ON = "📌 Tin trong nhóm sẽ được ghim.\n"
PREVIEW_PIN_OFF = "Tin trong nhóm sẽ không được ghim.\n"
WARN_LATE = (
    "⚠️ Buổi sinh hoạt còn chưa đầy 1 ngày. Theo Hướng dẫn 42-HD/BTCTW, tài liệu sinh hoạt "
    "cần có trên Sổ tay đảng viên điện tử ít nhất 1 ngày trước buổi sinh hoạt.\n"
)
WARN_PAST = "⚠️ Buổi sinh hoạt này đã bắt đầu hoặc đã qua.\n"

BTN_PREVIEW = "👁 Xem trước"
BTN_SEND = "📤 Gửi"
BTN_UPDATE = "📤 Cập nhật"
BTN_PIN_ON = "📌 Ghim: có"
BTN_PIN_OFF = "📌 Ghim: không"
BTN_REWRITE = "✏️ Viết lại"
BTN_CANCEL = "✖️ Hủy"
BTN_EDIT = "✏️ Sửa nội dung"
BTN_REPORT = "📊 Báo cáo gửi"
BTN_REFRESH = "🔄 Làm mới"
BTN_ATTACH_ON = "📎 Cho phép gửi tệp: đang bật"
BTN_ATTACH_OFF = "📎 Cho phép gửi tệp: đang tắt"
ATTACH_SETTING = (
    "Đã {state} việc gửi tệp kèm chương trình. Lưu ý: tài liệu của Đảng cần được đăng trên "
    "Sổ tay đảng viên điện tử; gửi qua dịch vụ nhắn tin bên ngoài cần cân nhắc về bảo mật."
)
ATTACH_STATE_ON = "bật"
ATTACH_STATE_OFF = "tắt"
TEXT_SAVED_ATTACH = (
    "Đã nhận nội dung. Đồng chí có thể gửi thêm tài liệu hoặc ảnh, gửi lại nội dung để thay, "
    "hoặc bấm «Xem trước»."
)
PREVIEW_ATTACHMENTS = "📎 Kèm {count} tệp, gửi trước tin nhắn chương trình."

CANCELLED = "Đã hủy. Chương trình chưa được gửi cho ai."
EDIT_CANCELLED = "Đã hủy sửa. Các đồng chí vẫn giữ nội dung cũ."
NOTHING_CHANGED = "Nội dung mới giống hệt nội dung đã gửi, nên không có gì cần sửa."
ALREADY_SENT_MENU = "Chương trình sinh hoạt {when} đã được gửi. Đồng chí muốn:"
SENDING_STARTED = "Đang gửi…"

# --- the live delivery report -----------------------------------------------------------------
REPORT_TITLE = "📊 Gửi chương trình sinh hoạt {when}"
REPORT_COUNTS = "Đã gửi: {sent}/{total} · Đang chờ: {waiting} · Không gửi được: {failed}{uncertain}"
REPORT_UNCERTAIN = " · Chưa rõ: {count}"
REPORT_GROUP_SENT = "Nhóm chi bộ: đã đăng."
REPORT_GROUP_WAITING = "Nhóm chi bộ: đang chờ đăng."
REPORT_GROUP_FAILED = (
    "Nhóm chi bộ: chưa đăng được (Trợ lý không còn trong nhóm hoặc không có quyền gửi tin)."
)
REPORT_GROUP_UNCERTAIN = "Nhóm chi bộ: chưa rõ đã đăng hay chưa."
REPORT_DONE = "✅ Đã gửi xong."
REPORT_IN_PROGRESS = "⏳ Đang gửi… (tự cập nhật)"
REPORT_EDITS = "Lần sửa {version}: đã sửa {done}/{total} tin nhắn."
REPORT_UNREACHABLE = "Chưa nhận được ({count}):"
REPORT_UNREACHABLE_LINE = "• {name} — {reason}"
REPORT_UNCERTAIN_LIST = (
    "Chưa rõ đã nhận hay chưa (Trợ lý bị dừng đúng lúc đang gửi; không gửi lại để tránh "
    "trùng): {names}"
)
REPORT_INVITE_POSTED = "Đã đăng nút «Bắt đầu trò chuyện» trong nhóm cho các đồng chí này."

REASON_NEVER_STARTED = "chưa bấm Start với Trợ lý"
REASON_BLOCKED = "đã chặn Trợ lý"
REASON_DEACTIVATED = "tài khoản Telegram đã xóa"
REASON_NO_TELEGRAM = "chưa có tài khoản Telegram trong danh sách"
REASON_OTHER = "Telegram từ chối"

# --- errors -------------------------------------------------------------------------------------
INPUT_ERRORS = {
    "agenda_empty": "Nội dung chương trình đang trống. Đồng chí vui lòng gửi nội dung.",
    "agenda_too_long": (
        "Nội dung dài quá 3.000 ký tự (mỗi biểu tượng cảm xúc tính là 2). Đồng chí vui lòng "
        "rút gọn rồi gửi lại."
    ),
    "attachments_off": ATTACHMENTS_OFF,
    "too_many_attachments": "Chương trình chỉ kèm được tối đa 5 tệp.",
    "attachments_locked": ATTACHMENT_LOCKED,
}
STALE_ERRORS = {
    "agenda_already_sent": (
        "Chương trình này đã được gửi rồi. Đồng chí gõ /chuongtrinh để xem báo cáo."
    ),
    "agenda_not_sent": "Chương trình này chưa được gửi.",
    "no_draft": "Không còn bản nháp nào để gửi. Đồng chí gõ /chuongtrinh để soạn lại.",
    "agenda_meeting_cancelled": "Buổi sinh hoạt này đã hủy, nên không soạn hay gửi chương trình.",
}

# --- the plain copy, to paste into another messenger (many cells also have a Zalo group) -----
BUTTON_PLAIN = "📋 Bản chép để dán sang Zalo"
PLAIN_INTRO = (
    "📋 Bản chép không định dạng của thông báo dưới đây: đồng chí nhấn giữ tin nhắn tiếp theo, "
    "chọn «Sao chép» rồi dán vào nhóm Zalo của chi bộ."
)
PLAIN_TITLE = "{cell} — THÔNG BÁO SINH HOẠT"
PLAIN_AGENDA = "Nội dung sinh hoạt:"
PLAIN_DOCS = "Tài liệu sinh hoạt: các đồng chí đọc trên ứng dụng Sổ tay đảng viên điện tử."
PLAIN_ASK = "Đề nghị các đồng chí tham dự đầy đủ, đúng giờ; vắng mặt xin báo trước với chi ủy."
PLAIN_CANCELLED = "THÔNG BÁO: buổi {kind} {when} đã được hủy."
