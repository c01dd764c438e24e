"""Texts of /nhacnho (a member's own reminders) and of the committee's rule for them."""

from __future__ import annotations

# --- the member's screen ---------------------------------------------------------------------
SCREEN_TITLE = "⏰ Nhắc lịch riêng của đồng chí ({cell})"
SCREEN_LEADS = (
    "Chi bộ nhắc trước mỗi buổi sinh hoạt: {leads}.\n"
    "Bấm vào từng lần nhắc để bật (✅) hoặc tắt (⬜). Lần nhắc có dấu 🔒 do chi bộ yêu cầu, "
    "luôn được gửi."
)
STATE_ON = "Hiện nay: đồng chí đang nhận nhắc lịch."
STATE_PAUSED_UNTIL = (
    "Hiện nay: đã tạm dừng nhắc riêng đến hết ngày {day}. Từ ngày {next} đồng chí lại được "
    "nhắc như cũ."
)
STATE_PAUSED_FOREVER = "Hiện nay: đã tạm dừng nhắc riêng cho đến khi đồng chí bấm «▶️ Bật lại»."
STATE_PAUSE_IGNORED = (
    "Chi bộ hiện không cho tạm dừng, nên đồng chí vẫn được nhắc. Đồng chí có thể bấm "
    "«▶️ Bật lại» để bỏ lần tạm dừng đã chọn."
)
PAUSE_NOTE = "Khi tạm dừng, đồng chí không nhận các lần nhắc lịch và lời nhắc trả lời tham dự."
PAUSE_FORBIDDEN_NOTE = "Chi bộ không cho tạm dừng nhắc lịch."
ALWAYS_SENT = (
    "Thông báo có lịch mới, đổi lịch, hủy lịch và chương trình sinh hoạt vẫn luôn được gửi, "
    "kể cả khi tạm dừng: đó không phải là nhắc lịch."
)
COMMITTEE_NOTE = (
    "Việc của chi ủy (chuẩn bị buổi sinh hoạt, tài liệu, cảnh báo) vẫn luôn được gửi cho "
    "đồng chí, không phụ thuộc lựa chọn ở đây."
)
LEAD_ON = "✅ Nhắc trước {lead}"
LEAD_OFF = "⬜ Nhắc trước {lead}"
LEAD_REQUIRED = "🔒 Nhắc trước {lead}"
BUTTON_PAUSE = "⏸ Tạm dừng nhắc riêng"
BUTTON_RESUME = "▶️ Bật lại"
BUTTON_BACK = "↩️ Quay lại"
SAVED = "Đã lưu."
PAUSED = "Đã tạm dừng nhắc riêng."
RESUMED = "Đã bật lại nhắc lịch."

# /cuatoi: the member's choices, when there are any.
MY_CHOICES = "Nhắc lịch riêng (đổi bằng /nhacnho): {choices}."
MY_OFF = "đã tắt nhắc trước {leads}"
MY_PAUSED_UNTIL = "tạm dừng đến hết ngày {day}"
MY_PAUSED_FOREVER = "tạm dừng cho đến khi đồng chí bật lại"

# --- pausing ---------------------------------------------------------------------------------
PAUSE_ASK = (
    "Đồng chí muốn tạm dừng nhắc riêng trong bao lâu? Hết thời gian đó, đồng chí lại được "
    "nhắc như cũ."
)
PAUSE_LABELS: dict[int, str] = {7: "1 tuần", 14: "2 tuần", 30: "1 tháng"}
PAUSE_FOR = "{label} (đến hết ngày {day})"
PAUSE_FOREVER = "Đến khi tôi bật lại"
SPAN_UNTIL = "đến hết ngày {day}"
SPAN_FOREVER = "cho đến khi đồng chí bật lại"
COMMITTEE_CONFIRM = (
    "Đồng chí là {role}. Khi tạm dừng nhắc riêng {span}, các việc của chi ủy VẪN được gửi "
    "cho đồng chí: nhắc chuẩn bị buổi sinh hoạt, gửi tài liệu, người trình bày, cảnh báo "
    "tháng chưa có lịch, báo lỗi lập nhắc lịch và cảnh báo đảng viên vắng mặt.\n"
    "Đồng chí có đồng ý tạm dừng không?"
)
BUTTON_CONFIRM_PAUSE = "✅ Đồng ý tạm dừng"

# --- the committee's rule (from /caidat) -----------------------------------------------------
BUTTON_RULE = "🔔 Đảng viên tự chọn nhắc"
RULE_TITLE = "🔔 Đảng viên tự chọn nhắc lịch ({cell})"
RULE_BODY = (
    "Mỗi đảng viên mở /nhacnho để tắt những lần nhắc không bắt buộc. Lần nhắc bắt buộc (🔒) "
    "luôn được gửi, và luôn có ít nhất một lần, nên đảng viên nào cũng được nhắc mỗi buổi "
    "(trừ khi chi bộ cho tạm dừng). Bấm vào từng lần nhắc để đổi bắt buộc / tự chọn.\n"
    "Việc của chi ủy và thông báo lịch không bị ảnh hưởng."
)
RULE_PAUSE_ON = "Tạm dừng nhắc riêng: được phép (đảng viên chọn 1 tuần, 2 tuần, 1 tháng…)."
RULE_PAUSE_OFF = "Tạm dừng nhắc riêng: không cho phép."
RULE_REQUIRED = "🔒 Trước {lead}: bắt buộc"
RULE_OPTIONAL = "🔓 Trước {lead}: tự chọn"
BUTTON_ALLOW_PAUSE = "▶️ Cho phép tạm dừng"
BUTTON_FORBID_PAUSE = "⛔ Không cho tạm dừng"

INPUT_ERRORS: dict[str, str] = {
    "prefs_lead_required": "Lần nhắc này do chi bộ yêu cầu, đồng chí không tắt được.",
    "prefs_pause_forbidden": (
        "Chi bộ không cho tạm dừng nhắc lịch. Đồng chí có thể tắt những lần nhắc không có dấu 🔒."
    ),
    "prefs_confirm_committee": "Đồng chí vui lòng xác nhận trước khi tạm dừng.",
    "prefs_one_required": (
        "Phải có ít nhất một lần nhắc bắt buộc, để đảng viên nào cũng được nhắc mỗi buổi."
    ),
}
STALE_ERRORS: dict[str, str] = {
    "prefs_stale": "Nút này đã cũ. Đồng chí gõ /nhacnho để mở lại.",
}
