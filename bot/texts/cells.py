"""Texts for one person in several cells (/chibo) and for transfers between cells
(chuyển sinh hoạt đảng)."""

from __future__ import annotations

# --- choosing the cell (/chibo) -----------------------------------------------------------
CHOOSE_PROMPT = (
    "Đồng chí đang sinh hoạt ở {count} chi bộ trên {bot}. Đồng chí vui lòng chọn chi bộ "
    "muốn dùng; các lệnh sau đó sẽ áp dụng cho chi bộ này (đổi lại bất cứ lúc nào bằng /chibo)."
)
CHOOSE_SCREEN = "Đồng chí đang sinh hoạt ở {count} chi bộ:\n{lines}\n\nĐang chọn: {cell}."
CHOOSE_LINE = "• {cell} — {role}"
CHOOSE_NONE_YET = "chưa chọn"
CHOOSE_ASK = "Bấm vào chi bộ để chuyển sang."
ONLY_ONE_CELL = "Đồng chí sinh hoạt ở {cell} ({role}). Các lệnh áp dụng cho chi bộ này."
CHOSEN = "✅ Đã chọn {cell}. Các lệnh từ giờ áp dụng cho chi bộ này; đổi lại bằng /chibo."
CHOSEN_BUTTON = "Chọn chi bộ: dùng /chibo"  # a press that needed a choice: short alert
BUTTON_CELL = "{cell}"
BUTTON_CELL_CURRENT = "✓ {cell}"
CURRENT_LINE = "Chi bộ đang chọn: {cell} (đổi bằng /chibo)."
JOINED_SEVERAL = (
    "\n\nĐồng chí nay sinh hoạt ở {count} chi bộ trên {bot}. Các lệnh vẫn áp dụng cho {cell}; "
    "muốn chuyển sang chi bộ khác, đồng chí gõ /chibo."
)
JOINED_SEVERAL_UNCHOSEN = (
    "\n\nĐồng chí nay sinh hoạt ở {count} chi bộ trên {bot}. Đồng chí gõ /chibo để chọn "
    "chi bộ muốn dùng."
)
GROUP_CHOOSE_FIRST = (
    "Đồng chí là chi ủy của nhiều chi bộ. Đồng chí vui lòng nhắn riêng /chibo cho {bot} để "
    "chọn chi bộ, rồi thêm lại {bot} vào nhóm."
)

# --- transfers (chuyển sinh hoạt đảng) ----------------------------------------------------
# The party's own procedure and papers (giấy giới thiệu sinh hoạt đảng) are not in the bot:
# it records where the member attends. Official transfer procedure: not verified [U];
# temporary transfer for 3 months to 1 year, study up to 2 years (HD 01-HD/TW 2021 mục 10.3) [S].
BUTTON_TRANSFER = "🔀 Chuyển sinh hoạt"
TRANSFER_CHOOSE_KIND = (
    "Chuyển sinh hoạt đảng của đồng chí {name} sang chi bộ khác trên {bot}.\n\n"
    "• Chính thức: đồng chí rời chi bộ này, sinh hoạt hẳn ở chi bộ mới.\n"
    "• Tạm thời: đi công tác, học tập một thời gian (theo Hướng dẫn 01-HD/TW năm 2021: từ 3 "
    "tháng đến 1 năm, đi học đến 2 năm); vẫn là đảng viên của chi bộ này.\n\n"
    "Thủ tục, giấy tờ chuyển sinh hoạt vẫn làm theo quy định; {bot} chỉ ghi nhận nơi sinh hoạt."
)
BUTTON_OFFICIAL = "Chuyển chính thức"
BUTTON_TEMPORARY = "Chuyển tạm thời"
TRANSFER_CHOOSE_CELL = "Chuyển {kind} đồng chí {name} sang chi bộ nào?"
TRANSFER_NO_CELLS = (
    "Chưa có chi bộ nào khác cùng đảng bộ trên {bot}. Đồng chí vui lòng nhờ người quản trị "
    "{bot} ghi nhận việc chuyển sinh hoạt."
)
TRANSFER_ASK_PERIOD = (
    "Chuyển tạm thời đồng chí {name} sang {cell}. Đồng chí vui lòng gửi thời gian theo "
    "dạng: từ ngày; đến ngày (ví dụ: 01/01/2027; 30/06/2027)."
)
TRANSFER_BAD_PERIOD = (
    "Đồng chí vui lòng gửi đúng dạng: từ ngày; đến ngày (ví dụ: 01/01/2027; 30/06/2027)."
)
KIND_NAMES = {"chinh_thuc": "chính thức", "tam_thoi": "tạm thời"}
TRANSFER_PERIOD = " từ {start} đến {end}"
TRANSFER_ISSUED = (
    "📤 Đã gửi đề nghị chuyển sinh hoạt {kind} đồng chí {name} sang {cell}{period}. "
    "{bot} sẽ báo khi chi ủy {cell} tiếp nhận."
)
BUTTON_WITHDRAW = "↩️ Rút đề nghị"
TRANSFER_WITHDRAWN = "↩️ Đã rút đề nghị chuyển sinh hoạt đồng chí {name} sang {cell}."
TRANSFER_INCOMING = (
    "📥 {source} đề nghị chuyển sinh hoạt {kind} đồng chí {name} về {cell}{period}.\n\n"
    "Khi tiếp nhận, đồng chí {name} có trong danh sách của {cell}; lịch sử tham dự vẫn giữ."
)
BUTTON_ACCEPT = "✅ Tiếp nhận"
BUTTON_DECLINE = "❌ Không tiếp nhận"
TRANSFER_ACCEPTED_TARGET = "✅ {actor} đã tiếp nhận đồng chí {name} về {cell} ({kind}{period})."
TRANSFER_DECLINED_TARGET = "❌ {actor} không tiếp nhận đồng chí {name}."
TRANSFER_ACCEPTED_SOURCE = (
    "✅ Chi ủy {cell} đã tiếp nhận đồng chí {name} (chuyển sinh hoạt {kind}{period})."
)
TRANSFER_DECLINED_SOURCE = (
    "❌ Chi ủy {cell} không tiếp nhận đồng chí {name}. Đồng chí vui lòng liên hệ chi bộ đó."
)
TRANSFER_MEMBER_OFFICIAL = (
    "🔀 Sinh hoạt đảng của đồng chí đã chuyển chính thức từ {source} sang {cell} trên {bot}. "
    "Lịch sử tham dự của đồng chí vẫn được giữ."
)
TRANSFER_MEMBER_TEMPORARY = (
    "🔀 Đồng chí sinh hoạt tạm thời ở {cell}{period}; đồng chí vẫn là đảng viên của {source}. "
    "Các lệnh của đồng chí nay áp dụng cho {cell}; đổi lại bằng /chibo."
)
REASON_AWAY = "Chuyển sinh hoạt tạm thời sang {cell}"
REASON_VISITING = "Từ {cell} đến sinh hoạt tạm thời"

STALE_ERRORS: dict[str, str] = {
    "cell_not_yours": "Đồng chí không còn sinh hoạt ở chi bộ này. Gõ /chibo để xem lại.",
    "transfer_gone": "Đề nghị chuyển sinh hoạt này không còn hoặc đã được xử lý.",
    "transfer_pending": (
        "Đồng chí này đang có một đề nghị chuyển sinh hoạt chờ tiếp nhận. Rút đề nghị đó "
        "trước nếu muốn làm lại."
    ),
    "transfer_target_member": "Đồng chí này đã sinh hoạt ở chi bộ đó.",
    "transfer_target_gone": "Chi bộ này không còn trong {bot} hoặc không nhận được chuyển đến.",
}
INPUT_ERRORS: dict[str, str] = {
    "transfer_period": (
        "Ngày kết thúc cần sau ngày bắt đầu và không trước hôm nay. Đồng chí vui lòng gửi lại."
    ),
    "transfer_overlaps": (
        "Đồng chí này đã có trạng thái sinh hoạt (miễn, tạm thời, nghỉ dài ngày) trùng thời "
        "gian này. Đồng chí vui lòng chọn thời gian khác."
    ),
}
