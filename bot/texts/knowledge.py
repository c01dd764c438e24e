"""Every Vietnamese text the rules Q&A shows to a member, in one place for review."""

from __future__ import annotations

SOURCES_HEADER = "Nguồn:"
DATA_SOURCE = "Nguồn: dữ liệu của chi bộ (không thuộc kho quy định)."
LOCAL_MARK = "quy định riêng của chi bộ"
SUPERSEDED_MARK = "đã được thay thế"
REPLACED_BY = "đã được thay thế bởi {by}"
NO_VERIFIED_SOURCE = "Nguồn: chưa có văn bản đã kiểm chứng."
DETAILS_BUTTON = "📖 Chi tiết"
DETAILS_BUTTON_OF = "📖 Chi tiết: {title}"

# How each confidence label is shown to members (older readers do not know "[S]").
CONFIDENCE_LABELS = {
    "P": "văn bản gốc",
    "S": "nguồn chính thống trích dẫn",
    "S-local": "văn bản địa phương",
    "W": "nguồn chưa kiểm chứng",
    "U": "chưa xác minh",
}

NOT_FOUND = (
    "Trợ lý chi bộ chưa tìm thấy quy định phù hợp với câu hỏi của đồng chí, nên không trả lời "
    "để tránh sai sót. Đồng chí vui lòng hỏi chi ủy hoặc bí thư chi bộ."
)
OUT_OF_SCOPE = (
    "Trợ lý chi bộ chỉ giúp đồng chí về sinh hoạt chi bộ: lịch họp, quy định của Đảng, đảng "
    "phí, quyền và nghĩa vụ đảng viên."
)
SUGGESTIONS_HEADER = "Có thể đồng chí muốn hỏi về:"
EMPTY_QUESTION = "Đồng chí vui lòng gõ câu hỏi về quy định sinh hoạt chi bộ."

# Questions about the cell's own data are answered by the bot from its database, not the
# rules; when the caller has no database (the command line), this is shown instead.
DATA_INTENT = {
    "next_meeting": (
        "Câu hỏi này cần dữ liệu của chi bộ (lịch sinh hoạt), không phải quy định. Đồng chí hỏi "
        "Trợ lý chi bộ trong Telegram hoặc xem /lich."
    ),
    "next_thematic": (
        "Câu hỏi này cần dữ liệu của chi bộ (kế hoạch chuyên đề), không phải quy định. Đồng chí "
        "hỏi Trợ lý chi bộ trong Telegram hoặc xem /chuyende."
    ),
    "my_answer": (
        "Câu hỏi này cần dữ liệu của chi bộ (phản hồi của chính đồng chí), không phải quy định. "
        "Đồng chí hỏi Trợ lý chi bộ trong Telegram hoặc xem /lich."
    ),
}

# `chibo kb check` output.
CHECK_OK = (
    "Kiểm tra xong: {entries} mục hợp lệ ({local} mục riêng của chi bộ), {warnings} cảnh báo."
)
CHECK_FAILED = "Kiểm tra thấy {errors} lỗi, {warnings} cảnh báo. Các mục lỗi sẽ không được dùng."
LOAD_FAILED = "Không tải được kho quy định: {error}"

# --- the Telegram side: /hoi, /quydinh, answers from the cell's own data --------------------
HOI_USAGE = "Đồng chí gõ câu hỏi sau lệnh, ví dụ: /hoi họp chi bộ tối thiểu bao nhiêu phút?"
BROWSE_GROUPS = "Tra cứu quy định về sinh hoạt chi bộ. Đồng chí chọn nhóm chủ đề:"
BROWSE_TOPICS = "{group} — đồng chí chọn chủ đề:"
BUTTON_BACK_GROUPS = "◀ Các nhóm chủ đề"
ASK_HINT = (
    "\n\nĐồng chí cũng có thể gõ câu hỏi trực tiếp (có dấu hay không dấu đều được), "
    "ví dụ: «bo sinh hoat 3 thang co bi xoa ten ko»."
)
DATA_NEXT_MEETING = "Buổi sinh hoạt sắp tới của {cell}:\n\n{card}"
DATA_NO_MEETING = (
    "{cell} chưa có buổi sinh hoạt nào sắp tới trong lịch của Trợ lý chi bộ. Đồng chí vui lòng "
    "hỏi chi ủy, hoặc xem lại bằng /lich."
)
DATA_NEXT_THEMATIC = (
    "Buổi sinh hoạt chuyên đề sắp tới của {cell}:\n\n{card}\n\nXem đầy đủ việc cần chuẩn bị: "
    "/chuyende"
)
DATA_NO_THEMATIC = (
    "{cell} chưa có lịch sinh hoạt chuyên đề sắp tới trong Trợ lý chi bộ. Đồng chí vui lòng "
    "hỏi chi ủy."
)
DATA_THIS_MONTH = "Tháng này chi bộ còn:"
DATA_MY_ANSWER = "Buổi {kind} {when}: {answer}."
DATA_NOT_MEMBER = (
    "Câu hỏi này về lịch của chi bộ. Đồng chí cần là thành viên của chi bộ trong Trợ lý chi bộ "
    "để xem; vui lòng xin đường liên kết mời từ bí thư hoặc chi ủy."
)
