"""Texts for the higher committee (đảng ủy): role invites, the HD 42 notice, /tonghop."""

from __future__ import annotations

from storage.enums import OrgRole

ROLE_NAMES: dict[OrgRole, str] = {
    OrgRole.SECRETARY: "Bí thư đảng ủy",
    OrgRole.DEPUTY: "Phó bí thư đảng ủy",
    OrgRole.OVERSEER: "Cấp ủy viên phụ trách chi bộ",
}

# --- the one-time role link ------------------------------------------------------------------
WELCOME = (
    "Chào đồng chí {name}! Đồng chí đã nhận vai trò {role} của {org}.\n"
    "Đồng chí xem được tình hình sinh hoạt của {scope}: chỉ số liệu tổng hợp, không có "
    "danh sách, góp ý hay lý do vắng của đảng viên (những thông tin đó do chi bộ giữ).\n\n"
    "Gõ /tonghop để xem tổng hợp tháng."
)
WELCOME_OVERSEER_EXTRA = (
    "\nKhi chi bộ đồng chí phụ trách lên lịch, dời hoặc hủy buổi sinh hoạt, {bot} sẽ nhắn "
    "riêng cho đồng chí thời gian, địa điểm và nội dung (HD 42-HD/BTCTW)."
)
ALREADY = "Đồng chí đã là {role} của {org}. Gõ /tonghop để xem tổng hợp."
SCOPE_ALL = "các chi bộ trực thuộc ({count} chi bộ)"
SCOPE_CELLS = "{cells}"
MORE_CELLS = "… và {count} chi bộ khác"

ORG_ONLY = (
    "Lệnh /tonghop dành cho đảng ủy cấp trên: bí thư, phó bí thư đảng ủy và cấp ủy viên "
    "phụ trách chi bộ. Nếu đồng chí được giao nhiệm vụ này, đồng chí vui lòng mở đường "
    "liên kết mời mà đảng ủy gửi."
)
ORG_GONE = "Đảng ủy này không còn trong {bot}."
ROLE_GONE = "Vai trò này không còn hiệu lực. Đồng chí vui lòng gõ /tonghop lại."
NO_CELLS = "Chưa có chi bộ nào thuộc phạm vi của đồng chí trong {bot}."
BAD_MONTH = "Đồng chí vui lòng ghi tháng theo dạng mm/yyyy, ví dụ: /tonghop 11/2026."

# --- the HD 42 notice to the overseer --------------------------------------------------------
NOTICE_TITLE = {
    "created": "📣 {cell} báo lịch sinh hoạt:",
    "changed": "📣 {cell} thay đổi lịch sinh hoạt ({what}):",
    "cancelled": "📣 {cell} hủy buổi sinh hoạt:",
}
NOTICE_WHAT = {
    "when": "dời thời gian",
    "duration": "đổi thời lượng",
    "place": "đổi địa điểm",
    "content": "đổi nội dung",
}
NOTICE_KIND = "{kind}"
NOTICE_WHEN = "🕒 Thời gian: {when} ({minutes} phút)"
NOTICE_PLACE = "📍 Địa điểm: {place}"
NOTICE_CONTENT = "📝 Nội dung: {content}"
NO_PLACE = "chưa ghi"
NO_CONTENT = "chi bộ chưa ghi nội dung"
NOTICE_FOOTER = (
    "(Theo HD 42-HD/BTCTW, chi bộ báo cấp ủy viên phụ trách thời gian, địa điểm, nội dung "
    "sinh hoạt.)"
)

# --- /tonghop --------------------------------------------------------------------------------
OVERVIEW_TITLE = "📊 Tổng hợp sinh hoạt tháng {month:02d}/{year} — {org}"
OVERVIEW_SCOPE = "{role}: {count} chi bộ."
OVERVIEW_COUNTS = (
    "Họp thường kỳ: {held}/{total} · Chuyên đề trong quý: {thematic}/{total} · "
    "Đạt tiêu chí HD 12: {met}/{total}"
)
OVERVIEW_FLAGGED = "⚠️ Chưa họp thường kỳ trong tháng: {cells}"
OVERVIEW_NONE_FLAGGED = "✅ Chi bộ nào cũng đã họp hoặc đã có lịch họp trong tháng."
CELL_LINE = (
    "• {cell}: thường kỳ {regular} · chuyên đề quý {thematic} · có mặt {attendance} · "
    "HD 12 {hd12} · vắng không có lý do {unexcused} · chương trình gửi trước ≥ 1 ngày {agenda}"
)
HELD = "✅ {day}"
UPCOMING = "🕒 {day}"
MISSING = "❌ chưa có"
YES = "✅"
NO = "❌"
UNKNOWN = "—"
ATTENDANCE = "{present}/{base} ({rate})"
LEGEND = (
    "Ghi chú: «có mặt» tính như biên bản và /thongke của chi bộ, theo điểm 9.3.2 Quy định "
    "24-QĐ/TW: đảng viên chính thức, trừ người sinh hoạt tạm thời nơi khác, người được miễn "
    "sinh hoạt mà vắng và người vắng có lý do (cả nghỉ dài ngày); người nơi khác đến sinh hoạt "
    "tạm thời tính ở chi bộ của mình; trạng thái tính theo ngày họp. "
    "Tiêu chí HD 12-HD/BTCTW (2018): có mặt trên 85% và không ai vắng không có lý do; nay "
    "HD 42 được dẫn thay HD 12, HD 42 có giữ tiêu chí này không thì chưa xác minh. "
    "«—»: chưa đủ số liệu (chưa điểm danh đủ hoặc chưa phân loại vắng). Chương trình chỉ tính "
    "bản gửi qua {bot}; HD 42 yêu cầu đăng tài liệu trên Sổ tay đảng viên điện tử ít nhất "
    "01 ngày trước."
)

BUTTON_PREVIOUS = "◀ Tháng {month:02d}/{year}"
BUTTON_NEXT = "Tháng {month:02d}/{year} ▶"
BUTTON_CHART = "📈 Biểu đồ"
BUTTON_XLSX = "📥 Tải .xlsx"
BUTTON_DIGEST = "📅 Ngày nhận tổng hợp"
BUTTON_OTHER_ROLE = "↪ {org}"
BUTTON_PAGE_PREVIOUS = "◀ Trang {page}"
BUTTON_PAGE_NEXT = "Trang {page}/{pages} ▶"
PAGE_HEADER = "{title} (trang {page}/{pages})"
SENDING = "Đang gửi…"

CHART_TITLE = "{org}: chi bộ theo tháng"
CHART_HELD = "Đã họp thường kỳ"
CHART_MET = "Đạt tiêu chí HD 12"
CHART_TOTAL = "Số chi bộ"
CHART_CAPTION = "Biểu đồ các chi bộ của {org} theo tháng, đến {month:02d}/{year}."
XLSX_CAPTION = "Tổng hợp sinh hoạt của {org}, năm {year} (đến tháng {month:02d})."
XLSX_NAME = "tong-hop-{year}-{month:02d}.xlsx"
SHEET_OVERVIEW = "Tổng hợp"
SHEET_NOTES = "Ghi chú"
XLSX_HEADERS = (
    "Chi bộ",
    "Tháng",
    "Họp thường kỳ",
    "Ngày họp",
    "Chuyên đề trong quý",
    "Số đảng viên tính tỷ lệ (QĐ 24)",
    "Có mặt",
    "Tỷ lệ có mặt",
    "Đạt tiêu chí HD 12",
    "Vắng không có lý do",
    "Chương trình gửi trước ≥ 1 ngày",
    "Cảnh báo",
)
XLSX_STATUS = {"held": "Đã họp", "upcoming": "Có lịch", "missing": "Chưa có"}
XLSX_YES = "Có"
XLSX_NO = "Không"
XLSX_UNKNOWN = "Chưa đủ số liệu"
XLSX_FLAG = "Chưa họp thường kỳ"

# --- the monthly digest ----------------------------------------------------------------------
DIGEST_ASK = (
    "Đồng chí muốn nhận bản tổng hợp tháng trước vào ngày nào mỗi tháng? (Hiện tại: {current}.)"
)
DIGEST_CURRENT_OFF = "không nhận"
DIGEST_CURRENT_DAY = "ngày {day}"
DIGEST_OFF = "Không nhận"
DIGEST_SET = "Đã lưu: đồng chí nhận tổng hợp tháng trước vào ngày {day} hằng tháng."
DIGEST_UNSET = "Đã tắt: đồng chí không nhận tổng hợp hằng tháng nữa."
DIGEST_TITLE = "🗓 Tổng hợp tháng {month:02d}/{year} gửi {role} — {org}"
DIGEST_DETAILS = "Xem chi tiết"

# --- error keys --------------------------------------------------------------------------------
OVERSEER_NEEDS_CELLS = (
    "Cấp ủy viên phụ trách cần ít nhất một chi bộ; bí thư, phó bí thư đảng ủy thì không."
)
STALE_ERRORS: dict[str, str] = {
    "org_gone": ORG_GONE,
    "org_role_gone": ROLE_GONE,
    "org_only": ORG_ONLY,
}
INPUT_ERRORS: dict[str, str] = {
    "bad_month": BAD_MONTH,
    "overseer_needs_cells": OVERSEER_NEEDS_CELLS,
}

HELP_ORG = "Đồng chí là {role} của {org}."
HELP_ORG_COMMANDS = (
    "/tonghop — tổng hợp sinh hoạt các chi bộ (chỉ số liệu, không có tên hay góp ý của "
    "đảng viên); gõ /tonghop 10/2026 để xem một tháng khác"
)

# The command menu of a person with a role in a parent committee (setMyCommands).
COMMANDS_ORG: tuple[tuple[str, str], ...] = (("tonghop", "Tổng hợp sinh hoạt các chi bộ"),)
