"""Texts of the exports (/xuat): the workbook, the CSV and the draft minutes (biên bản)."""

from __future__ import annotations

from storage.enums import AttendanceAnswer

SHEET_ATTENDANCE = "Điểm danh"
SHEET_COMMENTS = "Góp ý"
SHEET_SUMMARY = "Tổng hợp"
ATTENDANCE_HEADERS = (
    "Ngày sinh hoạt",
    "Loại buổi",
    "STT",
    "Họ và tên",
    "Đảng viên",
    "Báo trước",
    "Lý do vắng (báo trước)",
    "Chi ủy trả lời thay",
    "Tham dự thực tế",
    "Phân loại vắng",
)
COMMENT_HEADERS = ("Ngày sinh hoạt", "Họ và tên", "Đề nghị ẩn tên", "Nội dung góp ý", "Gửi lúc")
SUMMARY_HEADERS = (
    "Ngày sinh hoạt",
    "Loại buổi",
    "Tổng số đảng viên",
    "Chính thức",
    "Dự bị",
    "Có mặt",
    "Vắng có lý do",
    "Vắng không có lý do",
    "Vắng chưa phân loại",
    "Chưa ghi nhận",
    "Tỉ lệ có mặt",
)
ANSWERS: dict[AttendanceAnswer | None, str] = {
    AttendanceAnswer.YES: "Có mặt",
    AttendanceAnswer.NO: "Vắng",
    AttendanceAnswer.MAYBE: "Chưa chắc",
    None: "Chưa trả lời",
}
PRESENT = "Có mặt"
ABSENT = "Vắng"
NOT_RECORDED = "Chưa ghi nhận"
EXCUSED = "Có lý do"
UNEXCUSED = "Không có lý do"
UNCLASSIFIED = "Chưa phân loại"
YES = "Có"
NO = ""
ANONYMOUS = "Một đồng chí"  # the author asked to hide their name in the exports

CHART_QUALITY_LINE = "Mức {rate}% (HD 12)"

# --- the draft minutes ------------------------------------------------------------------------
PARTY = "ĐẢNG CỘNG SẢN VIỆT NAM"
TITLE = "BIÊN BẢN"
SUBTITLE = "{kind} THÁNG {month}"
DRAFT_NOTE = (
    "(Bản nháp do Trợ lý chi bộ lập từ dữ liệu điểm danh và góp ý; thư ký và bí thư chi bộ "
    "kiểm tra, hoàn thiện trước khi thông qua.)"
)
TIME = "Thời gian: bắt đầu lúc {time}, {weekday}, ngày {date}."
PLACE = "Địa điểm: {place}."
CHAIR = "Chủ trì: {chair}.    Thư ký: {minute_taker}."
TOTALS = (
    "Tổng số đảng viên của chi bộ: {members} đồng chí (chính thức: {full}; dự bị: {probationary})."
)
PRESENT_LINE = "Có mặt: {present} đồng chí. Vắng mặt: {absent} đồng chí ({detail})."
ABSENT_DETAIL = "có lý do: {excused}; không có lý do: {unexcused}"
ABSENT_DETAIL_UNCLASSIFIED = "; chưa phân loại: {unclassified}"
NOT_TAKEN = "Chưa ghi nhận điểm danh thực tế trong Trợ lý chi bộ: thư ký ghi bổ sung."
ABSENTEES = "Đảng viên vắng mặt:"
ABSENTEE_LINE = "{name} — {reason} ({kind})."
REPORTED_ABSENT = "Đảng viên đã báo vắng trước buổi sinh hoạt:"
NONE = "Không có."
BLANK = "……………………………………………"
SECTION_AGENDA = "I. NỘI DUNG SINH HOẠT"
SECTION_PROCEEDINGS = "II. DIỄN BIẾN BUỔI SINH HOẠT VÀ Ý KIẾN PHÁT BIỂU"
SECTION_CONCLUSION = "III. KẾT LUẬN CỦA CHỦ TRÌ"
AGENDA_FROM_BROADCAST = "(Chương trình sinh hoạt đã gửi tới đảng viên.)"
SEE_ANNEX = "Ý kiến góp ý của đảng viên gửi trước buổi sinh hoạt: xem Phụ lục."
ANNEX_TITLE = "PHỤ LỤC"
ANNEX_SUBTITLE = "Ý KIẾN GÓP Ý CỦA ĐẢNG VIÊN GỬI TRƯỚC BUỔI SINH HOẠT"
ANNEX_NOTE = "(Tên người góp ý được ẩn theo đề nghị của chính đồng chí đó.)"
PARENT_BLANK = "ĐẢNG BỘ ……………………"
LENGTH = "Thời lượng: {minutes} phút (từ {start} đến {end})."
LENGTH_FROM_CHECKIN = "lúc mở điểm danh {time}"
LENGTH_FROM_START = "{time}"
LENGTH_TO_END = "lúc chi ủy bấm kết thúc {time}"
LENGTH_UNKNOWN = "Thời lượng: …… phút."
LENGTH_SHORT = (
    "(Lưu ý cho chi ủy: thời lượng dưới mức tối thiểu {minimum} phút theo Hướng dẫn "
    "42-HD/BTCTW (2025).)"
)
CLOSING_AT = "Buổi sinh hoạt kết thúc lúc {time} cùng ngày."
COMMENT_LINE = "Đồng chí {name}: {text}"
COMMENT_LINE_HIDDEN = "Một đồng chí (đề nghị ẩn tên): {text}"
CLOSING = "Buổi sinh hoạt kết thúc lúc …… giờ …… cùng ngày."
MINUTES_INPUT_ERRORS: dict[str, str] = {
    "minutes_start_ahead": "Giờ bắt đầu này chưa tới. Đồng chí gõ giờ buổi sinh hoạt đã bắt đầu.",
    "minutes_start_after_end": "Giờ bắt đầu phải trước giờ kết thúc đã ghi.",
    "minutes_not_started": "Buổi sinh hoạt chưa bắt đầu, nên chưa ghi kết thúc được.",
}
SIGN_LEFT = "THƯ KÝ"
SIGN_RIGHT = "CHỦ TRÌ"
SIGN_HINT = "(Ký, ghi rõ họ tên)"

# --- the sign-in sheet --------------------------------------------------------------------------
SIGNIN_TITLE = "DANH SÁCH ĐẢNG VIÊN DỰ SINH HOẠT"
SIGNIN_WHEN = "Thời gian: {time}, {weekday}, ngày {date}"
SIGNIN_COL_NO = "STT"
SIGNIN_COL_NAME = "Họ và tên"
SIGNIN_COL_STATUS = "Đảng viên"
SIGNIN_COL_SIGN = "Ký tên"
SIGNIN_COL_NOTE = "Ghi chú"
SIGNIN_FULL = "Chính thức"
SIGNIN_PROBATIONARY = "Dự bị"
SIGNIN_TOTAL = "Tổng số: {members} đồng chí (chính thức: {full}; dự bị: {probationary})."
CAPTION_SIGNIN = "Danh sách ký tên dự sinh hoạt {what} (in khổ A4)."

# --- /xuat -------------------------------------------------------------------------------------
CHOOSE = (
    "📤 Xuất danh sách tham dự, góp ý và bản nháp biên bản.\n"
    "Chọn một buổi sinh hoạt, hoặc gõ /xuat <từ ngày> <đến ngày>, ví dụ: "
    "/xuat 01/01/2026 31/12/2026."
)
SENDING = "Đang lập tệp cho {what}…"
CAPTION_XLSX = "Danh sách tham dự và góp ý ({what})."
CAPTION_DOCX = "Bản nháp biên bản {what}: đồng chí vui lòng hoàn thiện trước khi thông qua."
CAPTION_CSV = "Danh sách tham dự dạng CSV ({what})."
PERIOD = "từ {start} đến {end}"
NOTHING_IN_PERIOD = "Không có buổi sinh hoạt nào {period}."
BAD_PERIOD = "{bot} chưa hiểu khoảng thời gian. Đồng chí gõ theo mẫu: /xuat 01/01/2026 31/12/2026."
SECURITY_NOTE = (
    "Lưu ý: tệp chứa thông tin nội bộ của chi bộ; đồng chí vui lòng lưu giữ cẩn thận, "
    "không chuyển tiếp ra ngoài."
)

# --- the minutes' details, chosen in chat (/danhsach → 📄 Biên bản) -----------------------------
BUTTON_MINUTES = "📄 Biên bản: chủ trì, thư ký, thời gian"
MINUTES_SCREEN = (
    "📄 Biên bản — {meeting}\n"
    "Chủ trì: {chair}\n"
    "Thư ký: {minute_taker}\n"
    "Địa điểm: {place}\n"
    "Bắt đầu: {start}\n"
    "Kết thúc: {end}"
)
MINUTES_UNSET = "chưa chọn"
MINUTES_START_CHECKIN = "{time} (lúc mở điểm danh)"
MINUTES_START_NONE = "chưa ghi (theo lịch {time})"
MINUTES_END_NONE = "chưa bấm kết thúc"
MINUTES_LENGTH = "Thời lượng: {minutes} phút."
MINUTES_SHORT = "⚠️ Dưới mức tối thiểu {minimum} phút theo Hướng dẫn 42-HD/BTCTW (2025)."
BUTTON_CHAIR = "👤 Chủ trì"
BUTTON_TAKER = "✍️ Thư ký"
BUTTON_PLACE = "📍 Địa điểm"
BUTTON_START = "🕑 Giờ bắt đầu"
BUTTON_FINISH = "🏁 Kết thúc buổi sinh hoạt"
BUTTON_DRAFT = "📄 Tải bản nháp biên bản"
BUTTON_TYPE_NAME = "⌨️ Gõ tên khác"
BUTTON_BACK = "« Quay lại"
PICK_CHAIR = "👤 Chọn người chủ trì buổi sinh hoạt, hoặc gõ tên:"
PICK_TAKER = "✍️ Chọn thư ký ghi biên bản, hoặc gõ tên:"
ASK_NAME = "Đồng chí gõ họ và tên {what}."
WHAT_CHAIR = "người chủ trì"
WHAT_TAKER = "thư ký"
ASK_PLACE = "Đồng chí gõ địa điểm sinh hoạt."
ASK_START = "Đồng chí gõ giờ buổi sinh hoạt bắt đầu, ví dụ «14h05»."
FINISHED = "Đã ghi kết thúc lúc {time}."
ALREADY_FINISHED = "Đã ghi kết thúc từ trước, lúc {time}."
