"""Texts shared by every feature: greetings, help, refusals, errors."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from storage.enums import MeetingKind, PartyStatus, Role

BOT_NAME = "Trợ lý chi bộ"
MORE_NAMES = "… và {count} đồng chí khác"  # ends a list of names that would not fit

WEEKDAYS = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật")

# One name per meeting kind, used by every message, export and calendar file.
KIND_NAMES: dict[MeetingKind, str] = {
    MeetingKind.REGULAR: "Sinh hoạt chi bộ thường kỳ",
    MeetingKind.THEMATIC: "Sinh hoạt chuyên đề",
    MeetingKind.COMBINED: "Sinh hoạt chi bộ thường kỳ kết hợp chuyên đề",
    MeetingKind.EXTRAORDINARY: "Sinh hoạt bất thường",  # the style guide's term
}


def when(moment: datetime, tz: ZoneInfo) -> str:
    """ "Thứ Bảy, 05/12/2026, lúc 14h00" in the cell's time zone."""
    local = moment.astimezone(tz)
    return f"{WEEKDAYS[local.weekday()]}, {local:%d/%m/%Y}, lúc {local:%H}h{local:%M}"


ROLE_NAMES: dict[Role, str] = {
    Role.SECRETARY: "Bí thư chi bộ",
    Role.DEPUTY: "Phó bí thư",
    Role.COMMITTEE: "Chi ủy viên",
    Role.MEMBER: "Đảng viên",
}

STATUS_NAMES: dict[PartyStatus, str] = {
    PartyStatus.FULL: "chính thức",
    PartyStatus.PROBATIONARY: "dự bị",
}

# --- /start and /help ----------------------------------------------------------------------
START_STRANGER = (
    "Chào đồng chí! Đây là {bot}, trợ lý của chi bộ trên Telegram: nhắc lịch sinh hoạt, "
    "xác nhận tham dự, gửi góp ý và tra cứu quy định.\n\n"
    "Đồng chí chưa là thành viên của chi bộ nào trong {bot}. Đồng chí vui lòng xin "
    "đường liên kết mời từ bí thư hoặc chi ủy, rồi bấm vào đường liên kết đó."
)
START_MEMBER = "Chào đồng chí {name}! Đồng chí là {role} của {cell}."

HELP_MEMBER = (
    "Đồng chí có thể dùng:\n"
    "/lich — lịch sinh hoạt sắp tới\n"
    "/chuyende — chuẩn bị cho buổi sinh hoạt chuyên đề\n"
    "/gopy — gửi góp ý về nội dung sinh hoạt\n"
    "/quydinh — tra cứu quy định về sinh hoạt chi bộ\n"
    "/thanhvien — danh sách đảng viên của chi bộ\n"
    "/cuatoi — thông tin {bot} lưu về đồng chí\n"
    "/chibo — chọn chi bộ (khi sinh hoạt ở nhiều chi bộ)\n"
    "/nhacnho — chọn lần nhắc lịch của đồng chí, tạm dừng nhắc\n\n"
    "Đồng chí cũng có thể gõ câu hỏi (có dấu hay không dấu đều được), ví dụ: "
    "«họp chi bộ tối thiểu bao nhiêu phút?»"
)
HELP_COMMITTEE_EXTRA = (
    "\n\nDành cho chi ủy:\n"
    "/moi — đường liên kết mời đảng viên vào chi bộ\n"
    "/thanhvien — xem, duyệt và sửa thông tin đảng viên\n"
    "/taolich — tạo lịch sinh hoạt\n"
    "/caidat — lịch định kỳ và thời điểm nhắc\n"
    "/chuongtrinh — gửi chương trình sinh hoạt\n"
    "/danhsach — ai tham dự, ai vắng\n"
    "/xuat — xuất danh sách và biên bản\n"
    "/thongke — thống kê tham dự\n"
    "/nhatky — nhật ký thao tác của chi bộ (lọc theo đảng viên hoặc buổi)\n"
    "/xoadulieu — xóa dữ liệu cá nhân của đảng viên đã rời chi bộ"
)
HELP_GROUP = (
    "Trong nhóm, đồng chí có thể dùng /lich, /hoi <câu hỏi> và /help. "
    "Các việc khác xin đồng chí nhắn riêng cho {bot}."
)

# --- refusals and errors -------------------------------------------------------------------
NOT_MEMBER = (
    "Đồng chí chưa là thành viên của chi bộ trong {bot}, nên chưa dùng được chức năng này. "
    "Đồng chí vui lòng xin đường liên kết mời từ bí thư hoặc chi ủy."
)
NOT_ALLOWED = (
    "Chức năng này dành cho chi ủy. Đồng chí có thể dùng /lich để xem lịch sinh hoạt "
    "hoặc /help để xem các chức năng khác."
)
STALE_BUTTON = "Nút này không còn hiệu lực. Đồng chí vui lòng mở lại danh sách mới."
UNKNOWN_BUTTON = "Nút này không hợp lệ hoặc đã cũ."
PRIVATE_ONLY = "Đồng chí vui lòng nhắn riêng cho {bot} để dùng chức năng này."
INTERNAL_ERROR = (
    "Xin lỗi đồng chí, {bot} gặp sự cố khi xử lý yêu cầu. Dữ liệu không bị mất; "
    "đồng chí vui lòng thử lại sau ít phút."
)
UNKNOWN_COMMAND = "{bot} chưa hiểu lệnh này. Đồng chí gõ /help để xem các lệnh."
TEXT_TOO_LONG = "Nội dung dài quá {limit} ký tự. Đồng chí vui lòng rút gọn rồi gửi lại."

# Command menu descriptions (setMyCommands), Vietnamese.
COMMANDS_MEMBER: tuple[tuple[str, str], ...] = (
    ("lich", "Lịch sinh hoạt sắp tới"),
    ("chuyende", "Chuẩn bị sinh hoạt chuyên đề"),
    ("gopy", "Gửi góp ý về nội dung sinh hoạt"),
    ("quydinh", "Tra cứu quy định"),
    ("thanhvien", "Danh sách đảng viên"),
    ("cuatoi", "Thông tin của tôi"),
    ("chibo", "Chọn chi bộ"),
    ("nhacnho", "Chọn lần nhắc lịch của tôi"),
    ("help", "Hướng dẫn sử dụng"),
)
COMMANDS_COMMITTEE_EXTRA: tuple[tuple[str, str], ...] = (
    ("moi", "Mời đảng viên vào chi bộ"),
    ("taolich", "Tạo lịch sinh hoạt"),
    ("caidat", "Cài đặt lịch định kỳ và nhắc"),
    ("chuongtrinh", "Gửi chương trình sinh hoạt"),
    ("danhsach", "Danh sách tham dự"),
    ("xuat", "Xuất danh sách, biên bản"),
    ("thongke", "Thống kê tham dự"),
    ("xoadulieu", "Xóa dữ liệu đảng viên đã rời chi bộ"),
    ("nhatky", "Nhật ký thao tác của chi bộ"),
)
COMMANDS_GROUP: tuple[tuple[str, str], ...] = (
    ("lich", "Lịch sinh hoạt sắp tới"),
    ("hoi", "Hỏi về quy định sinh hoạt chi bộ"),
    ("help", "Hướng dẫn sử dụng"),
)


def fmt(template: str, **values: object) -> str:
    """Fill a template; the bot's own name is always available as {bot}."""
    return template.format(bot=BOT_NAME, **values)
