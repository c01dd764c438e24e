"""Texts for meetings, the /taolich wizard, /lich, /chuyende, /caidat, reminders and notices."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from bot.delivery.limits import shorten, telegram_length
from bot.texts.common import KIND_NAMES, when
from bot.views import MeetingInfo
from storage.enums import AttendanceAnswer, MeetingKind, MeetingStatus

KIND_BUTTONS: dict[MeetingKind, str] = {
    MeetingKind.REGULAR: "📅 Thường kỳ",
    MeetingKind.THEMATIC: "📘 Chuyên đề",
    MeetingKind.COMBINED: "📅+📘 Thường kỳ + chuyên đề",
    MeetingKind.EXTRAORDINARY: "⚡ Bất thường",
}
ANSWER_NAMES: dict[AttendanceAnswer | None, str] = {
    AttendanceAnswer.YES: "✅ đồng chí sẽ có mặt",
    AttendanceAnswer.NO: "❌ đồng chí báo vắng",
    AttendanceAnswer.MAYBE: "❔ đồng chí chưa chắc",
    None: "đồng chí chưa trả lời",
}


def lead_words(minutes: int) -> str:
    """2880 → "2 ngày", 120 → "2 giờ", 90 → "90 phút"."""
    if minutes % 1440 == 0:
        return f"{minutes // 1440} ngày"
    if minutes % 60 == 0:
        return f"{minutes // 60} giờ"
    return f"{minutes} phút"


# --- the meeting card ----------------------------------------------------------------------
CARD_WHEN = "🕑 {when} ({minutes} phút)"
CARD_PLACE = "📍 {place}"
CARD_CHAIR = "Chủ trì: {chair}"
CARD_MINUTE_TAKER = "Thư ký: {name}"
CARD_AGENDA = "Nội dung: {agenda}"
CARD_TOPIC = "Chuyên đề: {topic}"
CARD_PRESENTERS = "Người chuẩn bị bản đề dẫn: {names}"
CARD_MATERIALS = "Tài liệu: {materials}"
CARD_PREPARATION = "Đảng viên chuẩn bị: {preparation}"
CARD_CANCELLED = "🚫 ĐÃ HỦY"
CARD_MAX = 3300  # the card's share of 4,096: the rest is for the frame around it (reminders…)
CARD_MORE = " (xem đầy đủ: /chuyende)"
NO_PLACE = "(chưa có địa điểm)"

# --- /lich ----------------------------------------------------------------------------------
LICH_HEADER = "Lịch sinh hoạt sắp tới của {cell}:"
LICH_EMPTY = "Chưa có buổi sinh hoạt nào sắp tới trong lịch của {cell}."
LICH_EMPTY_COMMITTEE = " Đồng chí có thể dùng /taolich để tạo lịch, /caidat để đặt lịch định kỳ."
LICH_ITEM = "{n}. {kind}\n   {when}\n   📍 {place}\n   {answer}"
BUTTON_ICS = "📅 Thêm vào lịch điện thoại ({n})"
BUTTON_EDIT = "✏️ Sửa ({n})"
BUTTON_CANCEL = "🚫 Hủy ({n})"
ICS_CAPTION = "Đồng chí mở tệp này để thêm buổi sinh hoạt vào lịch trên điện thoại."

# --- /chuyende ------------------------------------------------------------------------------
CHUYENDE_NONE = (
    "Chưa có buổi sinh hoạt chuyên đề nào sắp tới trong lịch của {cell}. "
    "Theo hướng dẫn của Ban Tổ chức Trung ương, chi bộ sinh hoạt chuyên đề ít nhất mỗi quý "
    "một lần."
)
CHUYENDE_HEADER = "📘 Buổi sinh hoạt chuyên đề sắp tới\n"
CHUYENDE_READ_BY = "Đồng chí vui lòng đọc tài liệu trước {deadline}."
CHUYENDE_NO_TOPIC = "Chủ đề: chi ủy chưa cập nhật."
CHUYENDE_DOCS_APP = (
    "Tài liệu chính thức của buổi sinh hoạt được đăng trên ứng dụng Sổ tay đảng viên điện tử."
)
CHUYENDE_RULES = (
    "Quy định chung về sinh hoạt chuyên đề:\n"
    "• Ít nhất mỗi quý một lần; không thay thế sinh hoạt thường kỳ hằng tháng "
    "(Hướng dẫn 12-HD/BTCTW, 2018).\n"
    "• Có thể kết hợp với sinh hoạt thường kỳ trong cùng một buổi nhưng phải lần lượt, "
    "xong phần này mới đến phần kia; khi đó buổi sinh hoạt tối thiểu 120 phút "
    "(Hướng dẫn 42-HD/BTCTW, 2025).\n"
    "• Tài liệu được đăng trên Sổ tay đảng viên điện tử ít nhất 1 ngày trước buổi sinh hoạt "
    "(Hướng dẫn 42-HD/BTCTW)."
)

# --- the /taolich wizard --------------------------------------------------------------------
WIZ_KIND = "Tạo lịch sinh hoạt cho {cell}. Đồng chí chọn loại buổi sinh hoạt:"
WIZ_WHEN = (
    "{kind}.\nĐồng chí chọn một ngày gợi ý, hoặc gõ ngày giờ, ví dụ: «14h ngày 5/12», "
    "«thứ 3 tuần sau 8 giờ», «19:30 5-12-2026»."
)
WIZ_WHEN_ASSUMED = "{bot} hiểu là {when}. Nếu chưa đúng, đồng chí gõ lại kèm giờ cụ thể."
WIZ_PLACE = "Thời gian: {when}.\nĐồng chí gõ địa điểm sinh hoạt (ví dụ: Hội trường khu phố 3)."
WIZ_TOPIC = "Đồng chí gõ chủ đề của buổi sinh hoạt chuyên đề."
WIZ_PRESENTERS = (
    "Đồng chí chọn người chuẩn bị bản đề dẫn trong danh sách (bấm tên; nhiều người thì bấm "
    "từng người rồi bấm «Xong»), hoặc gõ tên (nhiều người thì cách nhau dấu phẩy)."
)
WIZ_PRESENTERS_CHOSEN = "Đã chọn: {names}."
BUTTON_PRESENTERS_DONE = "✅ Xong"
PRESENTER_CHOSEN_MARK = "☑️ "
WIZ_PRESENTERS_UNKNOWN = (
    "Lưu ý: {bot} không thấy trong chi bộ đảng viên tên {names}, nên không nhắc riêng được "
    "việc chuẩn bị bản đề dẫn. Nếu gõ nhầm, đồng chí sửa bằng nút Sửa trong /lich."
)
WIZ_MATERIALS = "Đồng chí gõ tài liệu cần đọc (đường liên kết hoặc tên tài liệu), hoặc bấm Bỏ qua."
WIZ_PREPARATION = "Đảng viên cần chuẩn bị gì? Đồng chí gõ nội dung, hoặc bấm Bỏ qua."
BUTTON_SKIP = "⏭ Bỏ qua"
WIZ_QUICK = (
    "Buổi thường kỳ tháng {month}: đồng chí chọn một ngày dưới đây để tạo ngay, "
    "hoặc chọn loại buổi khác."
)
WIZ_QUICK_SCHEDULED = (
    "Buổi thường kỳ tháng này và tháng sau đã có lịch (buổi gần nhất: {when}); "
    "đồng chí xem ở /lich."
)
BUTTON_CHANGE_PLACE = "📍 Đổi địa điểm"
WIZ_CONFIRM = "Đồng chí kiểm tra lại:\n\n{card}\n\nTạo buổi sinh hoạt này?"
BUTTON_CONFIRM = "✅ Tạo lịch"
BUTTON_ABORT = "✖️ Hủy bỏ"
WIZ_CREATED = (
    "✅ Đã tạo lịch:\n\n{card}\n\n{bot} sẽ báo cho {n} đồng chí và nhắc trước buổi sinh hoạt."
)
WIZ_ABORTED = "Đã hủy bỏ, không tạo lịch nào."
WIZ_STALE = "Phiên tạo lịch này đã kết thúc. Đồng chí gõ /taolich để bắt đầu lại."
WARN_SHORT = (
    "⚠️ Thời lượng {minutes} phút ngắn hơn mức tối thiểu {minimum} phút theo "
    "Hướng dẫn 42-HD/BTCTW. Đồng chí có thể sửa thời lượng bằng nút Sửa trong /lich."
)

# --- editing --------------------------------------------------------------------------------
EDIT_MENU = "Đồng chí muốn sửa gì của buổi sinh hoạt này?\n\n{card}"
EDIT_FIELDS: dict[str, str] = {
    "when": "🕑 Ngày giờ",
    "place": "📍 Địa điểm",
    "duration": "⏱ Thời lượng",
    "chair": "Chủ trì",
    "minute_taker": "Thư ký",
    "agenda": "Nội dung",
    "topic": "Chủ đề",
    "presenters": "Người đề dẫn",
    "materials": "Tài liệu",
    "preparation": "Chuẩn bị",
}
EDIT_ASK: dict[str, str] = {
    "when": "Đồng chí gõ ngày giờ mới, ví dụ «14h ngày 5/12».",
    "place": "Đồng chí gõ địa điểm mới.",
    "duration": "Đồng chí gõ thời lượng dự kiến, tính bằng phút (ví dụ 120).",
    "chair": "Đồng chí gõ tên người chủ trì.",
    "minute_taker": "Đồng chí gõ tên thư ký.",
    "agenda": "Đồng chí gõ nội dung sinh hoạt.",
    "topic": "Đồng chí gõ chủ đề sinh hoạt chuyên đề.",
    "presenters": "Đồng chí gõ tên người chuẩn bị bản đề dẫn.",
    "materials": "Đồng chí gõ tài liệu cần đọc (đường liên kết hoặc tên tài liệu).",
    "preparation": "Đồng chí gõ những gì đảng viên cần chuẩn bị.",
}
EDITED = "✅ Đã cập nhật:\n\n{card}"
CANCEL_CONFIRM = "Đồng chí chắc chắn hủy buổi sinh hoạt này? Các đảng viên sẽ được báo.\n\n{card}"
BUTTON_CANCEL_YES = "🚫 Hủy buổi sinh hoạt"
BUTTON_CANCEL_NO = "↩️ Không hủy"
CANCELLED_DONE = "Đã hủy buổi {kind}, {when}. Các đảng viên đã được báo."
KEPT = "Buổi sinh hoạt vẫn giữ nguyên."

# --- notices to members ---------------------------------------------------------------------
NOTICE_CREATED = "📅 Chi bộ có lịch sinh hoạt mới:\n\n{card}\n\nĐồng chí vui lòng xác nhận tham dự."
NOTICE_CHANGED = "✏️ Lịch sinh hoạt đã thay đổi ({what}):\n\n{card}"
NOTICE_CANCELLED = "🚫 Buổi {kind} {when} đã được hủy."
CHANGED_WHAT: dict[str, str] = {
    "when": "đổi thời gian",
    "place": "đổi địa điểm",
    "duration": "đổi thời lượng",
    "chair": "đổi người chủ trì",
    "minute_taker": "đổi thư ký",
    "agenda": "cập nhật nội dung",
    "topic": "cập nhật chủ đề",
    "presenters": "đổi người đề dẫn",
    "materials": "cập nhật tài liệu",
    "preparation": "cập nhật phần chuẩn bị",
}

# --- reminders ------------------------------------------------------------------------------
REMINDER = "🔔 Nhắc lịch: còn {left} nữa là đến buổi sinh hoạt.\n\n{card}"
REMINDER_ASK = "\n\nĐồng chí chưa xác nhận tham dự: xin bấm một nút bên dưới."
REMINDER_GROUP = "🔔 Nhắc lịch: còn {left} nữa là đến buổi sinh hoạt.\n\n{card}\n\n{counts}"
GROUP_COUNTS = "Đã xác nhận: {yes} có mặt, {no} vắng, {maybe} chưa chắc, {none} chưa trả lời."
NUDGE = (
    "🔔 Đồng chí chưa cho biết có tham dự buổi sinh hoạt {when} hay không. "
    "Đồng chí vui lòng bấm một nút bên dưới.\n\n{card}"
)

# --- committee reminders (HD 42) ------------------------------------------------------------
TASK_PREPARE = (
    "📋 Việc của chi ủy: còn {left} đến buổi {kind} {when}.\n"
    "Theo Hướng dẫn 42-HD/BTCTW: bí thư phân công chuẩn bị nội dung (và dự thảo nghị quyết "
    "nếu có); chi ủy họp trước để thống nhất nội dung; thông báo thời gian, địa điểm, nội dung "
    "cho đảng viên và cấp ủy viên cấp trên phụ trách chi bộ."
)
TASK_DOCUMENTS = (
    "📋 Việc của chi ủy: buổi {kind} {when}.\n"
    "Theo Hướng dẫn 42-HD/BTCTW, tài liệu sinh hoạt cần được đăng trên ứng dụng Sổ tay đảng "
    "viên điện tử ít nhất 1 ngày trước buổi sinh hoạt, tức là trước {deadline}."
)
TASK_PRESENTER = (
    "📋 Buổi sinh hoạt chuyên đề {when}, chủ đề: {topic}.\n"
    "Người chuẩn bị bản đề dẫn: {names}. Xin đồng chí hoàn thành và gửi bản đề dẫn cho chi ủy "
    "để kịp đăng trên Sổ tay đảng viên điện tử trước {deadline}."
)
GAP_REGULAR = (
    "⚠️ Tháng {month} chưa có lịch sinh hoạt chi bộ thường kỳ. Theo Điều lệ Đảng (Điều 24), "
    "chi bộ họp thường lệ mỗi tháng một lần. Đồng chí dùng /taolich hoặc /caidat để lên lịch."
)
PLANNING_FAILED = (
    "⚠️ Trợ lý chi bộ gặp lỗi khi lập lịch nhắc họp cho chi bộ của đồng chí, nên có thể chưa "
    "nhắc được đảng viên. Lỗi đã được ghi lại để người quản trị bot xử lý. Nếu sắp có buổi "
    "sinh hoạt, đồng chí vui lòng báo trực tiếp cho đảng viên."
)
GAP_THEMATIC = (
    "⚠️ Quý {quarter} chưa có lịch sinh hoạt chuyên đề. Theo hướng dẫn của Ban Tổ chức Trung "
    "ương, chi bộ sinh hoạt chuyên đề ít nhất mỗi quý một lần. Đồng chí dùng /taolich hoặc "
    "/caidat để lên lịch."
)
QUARTERS = {1: "I", 2: "II", 3: "III", 4: "IV"}

# --- /caidat --------------------------------------------------------------------------------
CAIDAT = (
    "Cài đặt lịch của {cell}\n\n"
    "Sinh hoạt thường kỳ: {regular}\n"
    "Sinh hoạt chuyên đề: {thematic}\n"
    "Nhắc trước: {leads}\n\n"
    "Lịch định kỳ được tạo trước 3 tháng; mỗi buổi vẫn sửa, dời hoặc hủy riêng được."
)
RULE_NONE = "chưa đặt"
BUTTON_SET_REGULAR = "📅 Đặt lịch thường kỳ"
BUTTON_SET_THEMATIC = "📘 Đặt lịch chuyên đề"
BUTTON_CLEAR_REGULAR = "🗑 Bỏ lịch thường kỳ"
BUTTON_CLEAR_THEMATIC = "🗑 Bỏ lịch chuyên đề"
BUTTON_SET_LEADS = "🔔 Thời điểm nhắc"
ASK_RULE = (
    "Đồng chí gõ quy tắc lịch {kind} kèm giờ, ví dụ:\n"
    "«thứ Ba đầu tiên 14h», «ngày 5 hằng tháng 8h», «thứ Sáu cuối tháng 19:30»."
)
ASK_QUARTER_MONTH = "Sinh hoạt chuyên đề mỗi quý một lần. Vào tháng nào của quý?"
QUARTER_MONTH_BUTTONS = {1: "Tháng đầu quý", 2: "Tháng giữa quý", 3: "Tháng cuối quý"}
ASK_LEADS = (
    "Đồng chí gõ các thời điểm nhắc trước buổi sinh hoạt, cách nhau dấu phẩy, ví dụ: "
    "«3 ngày, 1 ngày, 2 giờ»."
)
RULE_SAVED = "✅ Đã lưu: {rule}.\nĐã tạo {n} buổi sinh hoạt trong 3 tháng tới."
RULE_ALREADY_THERE = "\n{n} buổi trùng giờ với buổi đã có trong lịch nên không tạo thêm."
RULE_SAME_DAY = (
    "\n⚠️ Cùng ngày với {when} đã có một buổi sinh hoạt khác. "
    "Đồng chí xem /lich và hủy buổi thừa nếu cần."
)
RULE_CLEARED = "Đã bỏ lịch định kỳ. Các buổi đã tạo vẫn giữ nguyên; đồng chí có thể hủy từng buổi."
LEADS_SAVED = "✅ Nhắc trước: {leads}."

# --- errors ---------------------------------------------------------------------------------
INPUT_ERRORS: dict[str, str] = {
    "when_empty": "Đồng chí vui lòng gõ ngày giờ, ví dụ «14h ngày 5/12».",
    "when_unknown": (
        "{bot} chưa hiểu ngày giờ này. Đồng chí gõ theo mẫu «14h ngày 5/12», "
        "«thứ 3 tuần sau 8 giờ» hoặc «19:30 5-12-2026»."
    ),
    "when_no_time": "Đồng chí vui lòng gõ thêm giờ, ví dụ «14h ngày 5/12».",
    "when_no_date": "Đồng chí vui lòng gõ thêm ngày, ví dụ «14h ngày 5/12».",
    "when_bad_date": "Ngày này không có trong lịch. Đồng chí vui lòng kiểm tra lại.",
    "when_bad_time": "Giờ không hợp lệ. Giờ từ 0 đến 23, phút từ 0 đến 59.",
    "when_past": "Thời điểm này đã qua. Đồng chí vui lòng chọn một thời điểm sắp tới.",
    "when_too_far": "Thời điểm này xa quá (hơn 2 năm). Đồng chí vui lòng kiểm tra lại năm.",
    "rule_unknown": (
        "{bot} chưa hiểu quy tắc này. Ví dụ: «thứ Ba đầu tiên 14h», «ngày 5 hằng tháng 8h», "
        "«thứ Sáu cuối tháng 19:30»."
    ),
    "rule_no_time": "Đồng chí vui lòng gõ thêm giờ, ví dụ «thứ Ba đầu tiên 14h».",
    "rule_bad_day": "Ngày trong tháng phải từ 1 đến 31.",
    "duration_bad": "Thời lượng là số phút từ 30 đến 480, ví dụ 90 hoặc 120.",
    "text_empty": "Nội dung trống. Đồng chí vui lòng gõ lại.",
    "text_too_long": "Nội dung dài quá {limit} ký tự. Đồng chí vui lòng rút gọn.",
    "leads_bad": (
        "{bot} chưa hiểu. Đồng chí gõ các thời điểm như «3 ngày, 1 ngày, 2 giờ» "
        "(từ 10 phút đến 14 ngày, tối đa 5 thời điểm)."
    ),
    "meeting_started": "Buổi sinh hoạt này đã bắt đầu hoặc đã qua, không sửa được nữa.",
}
STALE_ERRORS: dict[str, str] = {
    "meeting_gone": (
        "Buổi sinh hoạt này không còn, hoặc đã bị hủy. Đồng chí gõ /lich để xem lịch mới."
    ),
    "wizard_gone": WIZ_STALE,
    "presenter_gone": (
        "Đảng viên này không còn trong danh sách của chi bộ. Đồng chí chọn người khác."
    ),
}


def card(meeting: MeetingInfo, tz: ZoneInfo, *, budget: int | None = CARD_MAX) -> str:
    """The few lines that describe a meeting: what, when, where, and the thematic details.

    Within ``budget`` (Telegram length): the short lines are kept, and the long texts share
    what is left, the shortest kept whole, each cut one pointing to /chuyende, which shows the
    card with ``budget=None`` (whole, split into parts).
    """
    lines = [KIND_NAMES[meeting.kind]]
    if meeting.status is MeetingStatus.CANCELLED:
        lines.insert(0, CARD_CANCELLED)
    lines.append(
        CARD_WHEN.format(when=when(meeting.starts_at, tz), minutes=meeting.duration_minutes)
    )
    lines.append(CARD_PLACE.format(place=meeting.place or NO_PLACE))
    short = (
        (CARD_CHAIR, "chair", meeting.chair),
        (CARD_MINUTE_TAKER, "name", meeting.minute_taker),
    )
    lines += [template.format(**{key: value}) for template, key, value in short if value]
    long = (
        (CARD_AGENDA, "agenda", meeting.agenda),
        (CARD_TOPIC, "topic", meeting.topic),
        (CARD_PRESENTERS, "names", meeting.presenters),
        (CARD_MATERIALS, "materials", meeting.materials),
        (CARD_PREPARATION, "preparation", meeting.preparation),
    )
    details = [template.format(**{key: value}) for template, key, value in long if value]
    if budget is not None:
        room = budget - telegram_length("\n".join(lines)) - len(details)  # a line break each
        details = _share(details, room)
    return "\n".join([*lines, *details])


def _share(texts: list[str], room: int) -> list[str]:
    """Fit ``texts`` into ``room`` together: the shortest first take what they need, the rest
    split what is left evenly and are cut with a pointer to the whole card."""
    fitted = list(texts)
    by_length = sorted(range(len(texts)), key=lambda i: telegram_length(texts[i]))
    for done, index in enumerate(by_length):
        share = max(room, 0) // (len(texts) - done)
        fitted[index] = shorten(texts[index], share, pointer=CARD_MORE)
        room -= telegram_length(fitted[index])
    return fitted
