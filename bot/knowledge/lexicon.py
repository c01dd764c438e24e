"""Word lists for Vietnamese chat matching: abbreviations, synonyms, spelling variants, stop words.

Kept as plain Python data (not TOML) so the analyzer starts fast and mypy checks the shapes.
The synonym tables are applied identically to the knowledge base and to questions, so a
canonical form only has to be *consistent*, not pretty.
"""

from __future__ import annotations

# fmt: off

# Chat abbreviations, keyed by the folded form (no diacritics). Only applied to tokens typed
# without tone marks, so a real accented word is never taken for an abbreviation.
ABBREVIATIONS: dict[str, str] = {
    # không / được / gì / bao nhiêu / như thế nào / với / cũng
    "ko": "không", "k": "không", "kh": "không", "khg": "không", "kg": "không", "hok": "không",
    "hk": "không", "khum": "không", "hem": "không",
    "dc": "được", "dk": "được", "dcj": "được",
    "j": "gì", "ji": "gì",
    "bn": "bao nhiêu", "bnh": "bao nhiêu", "bnhieu": "bao nhiêu", "baonhieu": "bao nhiêu",
    "ntn": "như thế nào", "ntnao": "như thế nào",
    "vs": "với", "cx": "cũng", "cg": "cũng", "cug": "cũng",
    "bh": "bao giờ", "bjo": "bao giờ", "r": "rồi", "z": "vậy", "dzay": "vậy",
    "trc": "trước", "ms": "mới", "wa": "quá", "fai": "phải", "fi": "phí", "nhiu": "nhiều",
    "mn": "mọi người", "mng": "mọi người", "ng": "người", "tg": "thời gian", "lq": "liên quan",
    "vd": "ví dụ", "sd": "sử dụng", "vde": "vấn đề", "nd": "nội dung", "thg": "tháng",
    "onl": "online",
    "mk": "mình", "mik": "mình", "mh": "mình", "t": "tôi", "e": "em",
    "lm": "làm", "v": "vậy", "bik": "biết", "ns": "nói", "hnay": "hôm nay",
    "hqua": "hôm qua", "ctac": "công tác", "cviec": "công việc", "dky": "đăng ký",
    # party vocabulary
    "dg": "đảng", "đg": "đảng", "dv": "đảng viên", "dvien": "đảng viên", "dvdb": "đảng viên dự bị",
    "dvct": "đảng viên chính thức",
    "sh": "sinh hoạt", "shcb": "sinh hoạt chi bộ", "shcd": "sinh hoạt chuyên đề",
    "cb": "chi bộ", "cbo": "chi bộ", "cuv": "chi ủy viên",
    "bt": "bí thư", "btcb": "bí thư chi bộ", "pbt": "phó bí thư",
    "dp": "đảng phí", "nq": "nghị quyết", "bb": "biên bản", "cd": "chuyên đề",
    "hd": "hướng dẫn", "qd": "quy định", "ct": "chỉ thị", "dl": "điều lệ",
    "ctr": "chương trình", "nv": "nhiệm vụ", "kn": "kết nạp", "kl": "kỷ luật",
    "bhxh": "bảo hiểm xã hội", "tr": "triệu", "sv": "sinh viên", "hs": "học sinh",
    "stdv": "sổ tay đảng viên", "stđv": "sổ tay đảng viên", "vb": "văn bản", "vban": "văn bản",
}

# Synonyms: canonical phrase → variants. Each variant is rewritten to the canonical phrase in
# both the accented and the folded term lists (longest match first).
SYNONYMS: dict[str, tuple[str, ...]] = {
    "sinh hoạt": ("họp", "hội họp", "cuộc họp", "buổi họp", "sinh hoạt đảng"),
    "sinh hoạt chi bộ": ("hợp chi bộ", "hợp chi bô"),
    "vắng sinh hoạt": (
        "nghỉ họp", "nghỉ sinh hoạt", "nghỉ buổi họp", "nghỉ 1 buổi", "nghỉ một buổi",
    ),
    "xin vắng": ("xin nghỉ", "báo nghỉ", "xin nghỉ họp", "báo nghỉ họp", "xin vắng mặt"),
    "vắng ốm đau": ("nghỉ ốm", "nghỉ vì ốm", "nghỉ vì bệnh"),
    "tham dự sinh hoạt": (
        "đi họp", "dự họp", "đi sinh hoạt", "dự sinh hoạt", "tham gia họp", "đến họp", "tới họp",
        "đến dự", "tới dự",
    ),
    "tham dự": ("có mặt", "tham gia sinh hoạt"),
    # Sitting silent is not speaking ("ngồi im không phát biểu").
    "không phát biểu": (
        "ngồi im", "ngồi yên", "im lặng", "im re", "không nói gì", "không nói năng gì",
        "ngồi im không phát biểu", "im lặng không phát biểu",
    ),
    # "quên" (forgot) a duty is not doing it: "quên đóng đảng phí mấy tháng liền"
    # ("quen dong chi" folds like "quên đóng": quen đồng chí, so the dues are named)
    "không đóng đảng phí": (
        "quên đóng đảng phí", "quên nộp đảng phí", "quên không đóng đảng phí",
        "quên không nộp đảng phí", "quên đóng tiền đảng", "quên nộp tiền đảng",
    ),
    "vắng": (
        "quên đi họp", "quên không đi họp", "quên họp",
        "vắng mặt", "nghỉ", "không đi", "không dự", "không tham dự", "không tham gia",
        "không đến", "không đi được", "bỏ buổi", "trốn họp",
    ),
    "có lý do": ("có phép", "xin phép", "có xin phép"),
    # Whom a member tells of an absence: "bận việc nhà thì phải báo cho ai".
    "báo vắng": ("phải báo cho ai", "phải báo với ai", "báo cho ai", "báo với ai",
                 # ... or asks leave of: "không dự họp được, phải xin phép ai".
                 "phải xin phép ai", "xin phép ai"),
    # Asking someone to account, face to face: the member's right to question (chất vấn).
    "chất vấn": ("hỏi thẳng", "hỏi thẳng mặt", "chất vấn"),
    # Handing the party card back, of one's own will: a case for removal (xóa tên), not an
    # absence without reason ("tự ý nộp lại thẻ đảng").
    "trả thẻ": (
        "tự ý nộp lại thẻ", "tự ý trả thẻ", "tự ý trả lại thẻ", "nộp lại thẻ", "trả lại thẻ",
        "nộp thẻ đảng", "trả thẻ đảng", "hủy thẻ", "xé thẻ", "tự hủy thẻ", "trả thẻ",
    ),
    "không có lý do": ("không phép", "không xin phép", "tự ý", "vô cớ"),
    "lý do chính đáng": ("lý do hợp lệ", "lý do chính đáng", "lý do đúng", "lý do được chấp nhận"),
    "xóa tên": (
        "đuổi", "bị đuổi", "đuổi ra", "đuổi khỏi đảng", "gạch tên", "loại khỏi đảng", "loại tên",
        "xóa khỏi danh sách", "xóa sổ", "khai tử", "cho ra khỏi đảng", "ra khỏi đảng",
        "mất đảng", "mất đảng tịch", "đưa ra khỏi đảng",
        # Taken off the list ("chi bộ có được đưa đồng chí ấy ra khỏi danh sách không").
        "ra khỏi danh sách", "khỏi danh sách", "gạch khỏi danh sách", "loại khỏi danh sách",
    ),
    "kỷ luật": (
        "bị phạt", "xử phạt", "phạt", "xử lý kỷ luật", "hình thức kỷ luật", "thi hành kỷ luật",
    ),
    "kết nạp lại": ("vào lại đảng", "vào đảng lại", "quay lại đảng", "kết nạp lại", "trở lại đảng"),
    "đảng phí": ("phí đảng", "tiền đảng phí", "tiền đảng", "phí đảng viên"),
    # "(còn, vẫn) phải đóng (đảng phí) nữa" asks whether one is exempt now, not how to pay:
    # "bệnh nặng … có phải đóng đảng phí nữa không", "55 năm tuổi đảng có phải đóng nữa".
    # The canonical words are the dues entry's own "giảm" (miễn, giảm đảng phí), not "miễn",
    # which would also name the exemption from meetings.
    "được giảm đảng phí": (
        "phải đóng đảng phí nữa", "còn phải đóng đảng phí", "vẫn phải đóng đảng phí",
        "còn đóng đảng phí nữa", "phải nộp đảng phí nữa", "còn phải nộp đảng phí",
        "phải đóng đảng phí hằng tháng nữa", "phải đóng đảng phí hàng tháng nữa",
        "phải đóng tiền đảng nữa", "phải đóng phí đảng nữa",
        # dues one may be let off ("khoản đảng phí hằng tháng có được bỏ qua không")
        "đảng phí có được bỏ qua", "đảng phí được bỏ qua", "đảng phí hằng tháng có được bỏ qua",
        "đảng phí hàng tháng có được bỏ qua", "bỏ qua đảng phí",
    ),
    "được giảm đóng": ("phải đóng nữa", "còn phải đóng", "vẫn phải đóng", "phải nộp nữa",
                  "còn phải nộp", "còn đóng nữa"),
    # The way of paying (dues_payment's "Cách đóng"), not how much.
    "cách đóng": (
        "đóng bằng cách nào", "nộp bằng cách nào", "đóng bằng hình thức nào",
        "nộp bằng hình thức nào", "đóng cách nào", "nộp cách nào", "đóng bằng gì",
        "nộp bằng gì",
        # Where (through what) one pays is the way of paying: "đóng qua đâu", "nộp ở đâu".
        "đóng qua đâu", "nộp qua đâu", "đóng ở đâu", "nộp ở đâu", "đóng chỗ nào", "nộp chỗ nào",
        "đóng qua kênh nào", "nộp qua kênh nào",
        # A bank transfer is a way of paying, not a transfer of one's party membership
        # ("chuyển khoản đảng phí thay vì mang tiền mặt").
        "chuyển khoản", "chuyển khoản ngân hàng", "chuyển tiền qua ngân hàng", "qua ngân hàng",
        "qua tài khoản",
    ),
    # An amount asked in everyday words ("sinh viên thì đóng mấy nghìn"): how much. Not
    # "mấy đồng", whose folded "may dong" is also "máy đóng", "bao nhiêu đồng (chí)".
    "bao nhiêu": (
        "mấy nghìn", "mấy ngàn", "bao nhiêu nghìn", "bao nhiêu ngàn", "mấy chục nghìn",
        "mấy chục ngàn", "mấy trăm nghìn", "mấy trăm ngàn", "bao nhiêu tiền", "mấy tiền",
    ),
    # How much (dues_rates' "mức đóng"), asked "theo mức nào": not whether one is exempt.
    "mức đóng": ("theo mức nào", "ở mức nào", "tính theo mức nào",
                 # ... or on what it is reckoned ("đảng phí thì tính trên khoản nào")
                 "tính trên khoản nào", "tính trên khoản gì", "tính theo khoản nào",
                 "tính trên lương nào", "tính theo lương nào", "tính trên tiền nào",
                 "tính trên khoản lương nào", "dựa trên khoản nào"),
    # The rate of the dues ("mức đảng phí là bao nhiêu") is how much, not how one pays.
    "mức đóng đảng phí": ("mức đảng phí",),
    "đóng": ("nộp", "đóng góp"),
    # Whether a meeting with many absent counts (quorum), not how a vote passes.
    "thiếu người": ("vắng quá nửa", "vắng hơn nửa", "vắng hơn một nửa", "vắng quá bán",
                    "vắng một nửa", "vắng nửa"),
    "sinh hoạt có giá trị": (
        "buổi họp có tính", "buổi họp đó có tính", "cuộc họp có tính", "cuộc họp đó có tính",
        "buổi sinh hoạt có tính", "buổi sinh hoạt đó có tính", "họp vậy có tính",
        "họp như vậy có tính",
        # "… chỉ 7 người đến thì buổi họp còn giá trị không": whether the meeting counts, not
        # whether a resolution passes ("nghị quyết có giá trị" is the majority's).
        "buổi họp còn giá trị", "buổi họp có giá trị", "buổi họp đó còn giá trị",
        "buổi sinh hoạt còn giá trị", "buổi sinh hoạt có giá trị", "cuộc họp còn giá trị",
        "cuộc họp có giá trị", "họp vậy còn giá trị", "họp như vậy còn giá trị",
        # "… chỉ 8 người đến, cuộc họp có đủ điều kiện không": whether it may go on.
        "cuộc họp có đủ điều kiện", "buổi họp có đủ điều kiện", "cuộc họp đủ điều kiện",
        "buổi họp đủ điều kiện", "buổi sinh hoạt có đủ điều kiện",
    ),
    "thường kỳ": ("thường lệ", "định kỳ", "thường kì"),
    "hằng tháng": ("hàng tháng", "mỗi tháng", "tháng nào cũng", "từng tháng"),
    # A superlative of length is the minimum: "một cuộc họp ngắn nhất được phép là bao lâu".
    "tối thiểu": (
        "ít nhất", "không dưới", "không được dưới", "tối thiểu là", "ít nhất là", "ít nhất phải",
        "ngắn nhất",
    ),
    # "thời gian tối thiểu" is the minimum length, not quorum's "tối thiểu" (a number of
    # people): "quy định thời gian tối thiểu là bao nhiêu".
    "thời lượng tối thiểu": (
        "thời gian tối thiểu", "thời gian ít nhất", "thời gian họp tối thiểu",
        "thời gian họp ít nhất", "thời gian sinh hoạt tối thiểu", "thời gian sinh hoạt ít nhất",
    ),
    "thời lượng": (
        "bao lâu", "mấy tiếng", "bao nhiêu tiếng", "mấy phút", "bao nhiêu phút", "kéo dài",
        "thời gian họp", "thời gian sinh hoạt", "mấy tiếng đồng hồ", "mấy giờ đồng hồ",
        # a meeting held long enough, or cut short ("họp đủ giờ", "rút xuống còn 1 tiếng")
        "đủ giờ", "đủ thời gian", "rút xuống", "rút ngắn", "cắt bớt thời gian",
    ),
    "ghép": (
        "lồng ghép", "kết hợp", "gộp", "gộp chung", "gộp lại", "chung một buổi", "cùng một buổi",
        "cùng buổi", "cùng lúc", "họp chung", "nhập chung", "chung 1 buổi", "cùng 1 buổi",
        "lồng", "lồng vào", "ghép vào", "gộp vào",
    ),
    "biểu quyết": ("bỏ phiếu", "giơ tay", "vote", "biểu quyết"),
    "bầu cử": ("bầu", "đi bầu", "bầu bán"),
    "quá nửa": (
        "quá bán", "hơn một nửa", "hơn nửa", "trên một nửa", "trên 50", "hơn 50", "quá 50",
        "đa số", "số đông", "bao nhiêu người đồng ý", "mấy người đồng ý",
    ),
    # The oldest of a group is a comparison, not old age ("bí thư có phải là người lớn tuổi
    # nhất không"): read before "lớn tuổi" (longest match first).
    # Holding an office is not keeping a record ("giữ chức quá 3 nhiệm kỳ", not "lưu giữ").
    "đảm nhiệm chức vụ": ("giữ chức", "giữ chức vụ", "đảm nhiệm chức vụ"),
    "nhiều tuổi nhất": ("lớn tuổi nhất", "cao tuổi nhất", "già nhất", "nhiều tuổi nhất"),
    "già yếu": (
        "lớn tuổi", "cao tuổi", "tuổi cao", "tuổi già", "người già", "già cả", "sức yếu",
        "đi lại khó khăn", "không đi lại được", "chân yếu", "ốm yếu", "sức khỏe yếu", "yếu sức",
    ),
    "ốm đau": (
        "ốm", "bị ốm", "đau ốm", "bệnh", "bị bệnh", "nằm viện", "nhập viện", "điều trị",
        "ung thư", "chạy thận", "tai biến", "đột quỵ",
    ),
    "đi xa": (
        "làm ăn xa", "đi làm xa", "làm việc xa", "công tác xa", "đi công tác", "đi làm ăn",
        "xuất khẩu lao động", "đi xa", "làm xa", "ở xa", "đi lao động", "lao động ở nước ngoài",
        "đi làm nước ngoài", "làm việc ở nước ngoài", "đi nước ngoài làm việc",
        "đi công trình", "theo công trình", "chạy xe đường dài", "lái xe đường dài",
        "chạy đường dài", "xe tải đường dài", "đi biển", "đi tàu", "đi lính", "đi nghĩa vụ",
        "ra đảo", "đi đảo", "ra biên giới", "lên biên giới",
        # Sent elsewhere by the employer ("công ty điều em vào Bình Dương làm 6 tháng").
        "điều động", "điều đi", "được điều", "bị điều", "điều em", "điều tôi", "điều anh",
        "cử đi", "luân chuyển", "tăng cường",  # not "biệt phái": folded, "không biết phải"
    ),
    "trực tuyến": (
        "online", "qua mạng", "từ xa", "zoom", "google meet", "gg meet", "gmeet", "meet",
        "teams", "skype", "họp video", "gọi video",
        "video call", "họp mạng", "qua video", "trực tuyến", "qua điện thoại",
        "bằng điện thoại", "điện thoại vào", "gọi điện vào",
    ),
    "mạng xã hội": (
        "zalo", "telegram", "messenger", "viber", "facebook", "fb", "tiktok", "youtube",
        "instagram", "nhóm chat", "group chat",
        "nhóm zalo", "tin nhắn", "nhắn tin", "chat", "trong nhóm", "vào nhóm", "lên nhóm",
        "mạng xã hội",
    ),
    "ứng dụng": ("app", "apps", "phần mềm", "ap"),
    "sổ tay": (
        "sổ tay đảng viên điện tử", "sổ tay điện tử", "sổ tay đảng viên", "sổ tay đảng",
        "sổ tay đv",
    ),
    "tài liệu": ("văn kiện", "file", "tài liệu họp", "giấy tờ họp",
                 # the papers of a meeting, not the documents in force ("văn bản họp")
                 "văn bản họp", "văn bản cuộc họp", "văn bản buổi họp"),
    # Bringing the money in person is paying in cash ("thay vì mang tiền đến tận nơi").
    "tiền mặt": ("mang tiền đến", "mang tiền tới", "mang tiền lên", "đưa tiền tận tay",
                 "nộp tận tay", "đóng tận tay", "mang tiền đến tận nơi"),
    # Handing papers out to the members is sending them ("phát cho mọi người trước").
    "gửi": ("phát cho", "phát tới", "phát đến"),
    "đăng": ("đăng tải", "đưa lên", "up lên", "tải lên", "gửi lên", "post", "up"),
    "chia sẻ": (
        "share", "forward", "chuyển tiếp", "gửi ra ngoài", "phát tán", "mang ra ngoài",
        "mang về nhà", "đem về nhà", "photo", "in ra", "sao chụp", "cho người khác xem",
    ),
    "tạm thời": ("ở tạm", "tạm trú", "một thời gian", "ít tháng",
                 # where one meets for the time being ("sinh hoạt đảng tạm ở đâu")
                 "tạm ở đâu", "tạm tại đâu"),
    # "chuyển hẳn" alone would become "chính thức" and take the "chuyển" the topic words
    # "chuyển sinh hoạt" need: the longer phrase keeps it.
    "chuyển sinh hoạt chính thức": ("chuyển hẳn sinh hoạt", "chuyển sinh hoạt hẳn"),
    "chính thức": (
        "ở hẳn", "chuyển hẳn", "ở luôn", "định cư", "về hẳn", "chuyển hộ khẩu",
        "chuyển cả hộ khẩu", "nhập hộ khẩu", "cắt hộ khẩu", "chuyển khẩu",
    ),
    # Throwing old minutes books away asks how long they are kept ("lưu giữ lâu dài").
    "lưu giữ": (
        "bỏ đi được chưa", "bỏ đi được không", "vứt đi", "tiêu hủy", "hủy đi", "đem bỏ",
        "giữ bao lâu", "lưu bao lâu", "cất giữ",
    ),
    # Choosing the secretary is appointing one (cử thư ký), not an election of the party's
    # organs ("bầu" alone is "bầu cử"): "còn thư ký thì bầu thế nào".
    "cử thư ký": ("bầu thư ký", "thư ký thì bầu", "thư ký bầu", "thư ký được bầu",
                  "chọn thư ký", "thư ký thì chọn", "thư ký được chọn"),
    "thư ký": ("người ghi biên bản", "người ghi chép", "thư kí", "ai ghi biên bản",
               "ghi chép biên bản", "việc ghi biên bản"),
    "chủ trì": ("điều hành", "chủ tọa", "dẫn dắt", "điều khiển", "chủ trì"),
    "đề dẫn": (
        "bản đề dẫn", "bài đề dẫn", "báo cáo chuyên đề", "bài chuyên đề", "bài thuyết trình",
    ),
    "bảo mật": (
        "bí mật", "giữ bí mật", "tiết lộ", "làm lộ", "lộ", "lộ bí mật", "an toàn thông tin",
    ),
    "ghi âm": (
        "quay phim", "chụp ảnh", "chụp hình", "quay video", "ghi hình", "quay clip", "chụp",
        "thu âm", "livestream",
    ),
    "chào cờ": ("hát quốc ca", "quốc ca", "nghi thức chào cờ", "hát quốc tế ca", "chào cờ",
               # the ceremony in everyday words ("đứng nghiêm làm lễ chào cờ")
               "lễ chào cờ", "làm lễ chào cờ", "chào quốc kỳ", "đứng nghiêm chào cờ",
               "đứng nghiêm",
               # ... or by the flag's name ("làm nghi lễ quốc kỳ", "nghi thức quốc kỳ")
               "nghi lễ quốc kỳ", "nghi thức quốc kỳ", "lễ quốc kỳ", "nghi lễ chào cờ"),
    # Which of two ways is right asks whether one's own is right ("chi bộ bên cạnh thì
    # không, vậy bên nào đúng?"); not "ai đúng", folded also "ai đứng (ra điều khiển)".
    "có đúng không": ("bên nào đúng", "bên nào mới đúng", "cách nào đúng", "cách nào mới đúng",
                      "bên nào sai"),
    "hưu trí": ("nghỉ hưu", "về hưu", "lương hưu", "hưu", "đã nghỉ hưu", "cán bộ hưu"),
    # The state's monthly allowance for the old without a pension is the social pension
    # (trợ cấp hưu trí xã hội), a ground for waiving the dues.
    "trợ cấp hưu trí xã hội": (
        "trợ cấp người già", "trợ cấp cho người già", "trợ cấp người cao tuổi",
        "trợ cấp tuổi già", "trợ cấp dành cho người già", "trợ cấp dành cho người cao tuổi",
        "dành cho người già", "dành cho người cao tuổi", "trợ cấp xã hội",
    ),
    "sinh viên": ("học sinh", "đang đi học", "sinh viên", "học đại học", "đang học đại học"),
    "lương": ("tiền lương", "mức lương", "lương tháng"),
    # "w định": chat w for qu ("wy dinh"), the y dropped.
    "quy định": ("luật", "quy tắc", "luật lệ", "quy chế", "w định", "w đinh"),
    "thay thế": (
        "hết hiệu lực", "còn hiệu lực", "bị thay", "thay bằng", "được thay", "bãi bỏ", "thay",
        "còn áp dụng", "còn dùng", "lỗi thời", "cũ rồi",
        # southern "xài" for "dùng": "hd 12 còn xài được không"
        "còn xài", "còn xài được", "xài được nữa", "còn sử dụng",
        # still going by a document ("bây giờ còn theo qđ 342 năm 2010 không")
        "còn theo", "vẫn theo", "còn làm theo", "vẫn làm theo", "còn căn cứ",
    ),
    "tỷ lệ": ("phần trăm", "tỷ lệ"),
    "khai mạc": ("đầu buổi", "mở đầu", "khai mạc", "lúc đầu buổi", "bắt đầu buổi"),
    "kết thúc": ("cuối buổi", "bế mạc", "kết thúc", "trước khi về", "lúc kết thúc"),
    "đồng ý": ("tán thành", "nhất trí", "ủng hộ", "đồng ý"),
    "liên tục": ("liên tiếp", "liên tục", "liền", "nối tiếp"),
    # Southern "hoài" (on and on): "vắng hoài" is absent again and again.
    "vắng liên tục": ("vắng hoài", "vắng hoài hoài", "vắng mãi", "vắng suốt"),
    "cộng dồn": ("cộng lại", "cộng dồn", "tính gộp", "cộng vào"),
    "sinh hoạt chuyên môn": (
        "họp cơ quan", "họp chuyên môn", "giao ban", "họp giao ban", "họp đơn vị",
        "sinh hoạt chuyên môn",
    ),
    "sinh hoạt trước": (
        "ngồi lại", "ngồi lại với nhau", "gặp nhau trước", "bàn trước",
        # the committee meeting beforehand, told as the secretary consulting it
        "bàn với chi ủy trước", "bàn với các chi ủy viên trước", "bàn với chi ủy viên trước",
        "bàn bạc trước", "bàn bạc với chi ủy trước", "trao đổi với chi ủy trước",
        "thống nhất với chi ủy trước", "trao đổi trước với chi ủy",
    ),
    "thời gian": ("giờ giấc", "thời gian"),
    # Getting a meeting ready, in everyday words ("phải lo sẵn những khâu nào").
    # ... and writing the paper for it ("người soạn phần đề dẫn").
    "chuẩn bị": ("lo sẵn", "chuẩn bị sẵn", "sửa soạn", "lo liệu sẵn", "soạn", "soạn thảo",
                 "người soạn"),
    # Naming who does it is assigning the task ("chi ủy chỉ định hay tự nguyện").
    "phân công": ("chỉ định", "giao cho", "cắt cử"),
    "xây dựng": ("phát triển", "làm ra", "thiết kế", "xây dựng"),
    "nội dung": (
        "bàn gì", "bàn những gì", "bàn những việc gì", "bàn về gì", "nói về gì", "nói những gì",
        "bàn việc gì", "họp về gì", "họp những gì",
        # the items of a meeting ("phải có những mục gì"); not a bare "mục gì", folded also
        # "mức gì" (a dues rate)
        "những mục gì", "những mục nào", "các mục gì", "các mục nào",
    ),
    "trình tự": (
        "thứ tự", "các bước", "quy trình", "chương trình", "diễn biến", "tiến hành thế nào",
        "gồm những phần", "gồm mấy phần", "những phần nào", "các phần", "mấy phần",
        "tiến hành như thế nào", "diễn ra thế nào", "diễn ra như thế nào", "trình tự",
    ),
    "đánh giá": ("chấm điểm", "xếp loại", "phân loại", "chấm", "xếp hạng"),
    # "chấm loại tốt" typed plain: the grading, its "loại tốt" kept ("chấm" alone is exact-only).
    "đánh giá loại": ("chấm loại", "chấm xếp loại"),
    "tiêu chí": ("tiêu chuẩn", "thước đo"),
    # Where something is "taken from" is how it is chosen ("chủ đề thì lấy ở đâu ra").
    "chọn": ("lấy ở đâu ra", "lấy từ đâu ra", "lấy đâu ra"),
    # A meeting that "passes" a check is one of quality ("dựa vào tiêu chí gì để bảo là đạt").
    "đạt chất lượng": ("là đạt", "bảo là đạt", "được tính là đạt", "mới đạt", "được đánh giá đạt",
                       "chấm đạt", "xếp đạt", "đạt yêu cầu"),
    # Keeping one's own view when outvoted is reserving it ("thiểu số … giữ quan điểm").
    "bảo lưu": ("giữ quan điểm", "giữ nguyên quan điểm", "giữ ý kiến", "giữ nguyên ý kiến",
                "bảo lưu ý kiến", "bảo lưu quan điểm"),
    "thông báo": ("báo cho", "mời họp", "giấy mời", "thư mời"),
    "mấy lần": (
        "bao nhiêu lần", "mấy buổi", "bao nhiêu buổi", "mấy bận", "bao nhiêu bận",
        "bao lâu một lần", "bao lâu 1 lần", "mấy tháng một lần", "mấy tháng 1 lần",
        "bao lâu thì họp", "bao lâu họp",
        # "bao lâu … một buổi" asks how often, not how long ("bao lâu phải làm 1 buổi").
        "bao lâu một buổi", "bao lâu 1 buổi", "bao lâu làm một buổi", "bao lâu làm 1 buổi",
        "bao lâu phải làm một buổi", "bao lâu phải làm 1 buổi", "bao lâu làm một lần",
        "bao lâu làm 1 lần", "bao lâu phải làm một lần", "bao lâu phải làm 1 lần",
        "bao lâu phải họp một lần", "bao lâu phải họp 1 lần",
    ),
    "bắt buộc": ("có buộc", "buộc phải", "bắt phải", "cần phải", "nhất thiết"),
    # "phải đi họp" is the duty to attend ("tháng nào cũng phải đi họp"), not how often.
    "bắt buộc tham dự sinh hoạt": (
        "phải đi họp", "phải dự họp", "phải đi sinh hoạt", "phải dự sinh hoạt",
        "phải tham dự sinh hoạt", "phải tới họp", "phải đến họp", "bắt buộc phải đi",
        "bắt buộc phải đi sinh hoạt", "bắt buộc phải đi họp", "bắt buộc đi", "bắt buộc đi họp",
        "bắt buộc đi sinh hoạt",
    ),
    "dự bị": (
        "mới kết nạp", "mới vào đảng", "mới được kết nạp", "chưa chính thức", "vừa kết nạp",
        "vừa được kết nạp", "vừa vào đảng", "vừa được kết nạp vào đảng",
        "mới được kết nạp vào đảng",
    ),
    "miễn sinh hoạt": (
        "miễn họp", "miễn đi họp", "khỏi đi họp", "khỏi họp", "miễn sinh hoạt đảng",
        "không sinh hoạt nữa", "thôi sinh hoạt", "không đi họp nữa", "thôi đi họp",
        "thôi không đi họp", "không họp nữa", "nghỉ hẳn", "xin nghỉ hẳn", "nghỉ luôn",
        "nghỉ sinh hoạt hẳn",
        # ... with the meeting named between ("xin không đi họp chi bộ nữa").
        "không đi họp chi bộ nữa", "không đi sinh hoạt nữa", "không dự họp nữa",
        "không đi sinh hoạt chi bộ nữa",
        # Asking leave from meetings as such, not from one meeting ("bà 84 tuổi có được xin
        # nghỉ sinh hoạt không"): one meeting is "nghỉ họp", "nghỉ một buổi".
        "xin nghỉ sinh hoạt", "được nghỉ sinh hoạt", "cho nghỉ sinh hoạt",
        # ... asked by the family for an old member ("xin cho ông nghỉ sinh hoạt").
        "xin cho nghỉ sinh hoạt", "cho ông nghỉ sinh hoạt", "cho bà nghỉ sinh hoạt",
        "cho bố nghỉ sinh hoạt", "cho mẹ nghỉ sinh hoạt", "cho ba nghỉ sinh hoạt",
        "cho má nghỉ sinh hoạt", "cho cụ nghỉ sinh hoạt",
    ),
    # Leave from meetings for a while, asked in everyday words ("xin tạm nghỉ sinh hoạt"): the
    # temporary exemption, not one absence ("nghỉ sinh hoạt").
    "tạm miễn sinh hoạt": (
        "tạm nghỉ sinh hoạt", "xin tạm nghỉ sinh hoạt", "tạm dừng sinh hoạt",
        "tạm ngưng sinh hoạt", "nghỉ sinh hoạt một thời gian", "nghỉ sinh hoạt ít tháng",
        # ... with "tạm thời" after it ("xin nghỉ sinh hoạt đảng tạm thời"): not the
        # temporary transfer ("sinh hoạt tạm thời")
        "xin nghỉ sinh hoạt tạm thời", "nghỉ sinh hoạt tạm thời", "tạm thời nghỉ sinh hoạt",
        "xin nghỉ sinh hoạt đảng tạm thời", "nghỉ sinh hoạt đảng tạm thời",
    ),
    # Putting a monthly meeting off (a holiday, Tết): meeting_frequency answers it.
    "hoãn sinh hoạt": (
        "hoãn họp", "hoãn buổi họp", "hoãn sinh hoạt", "hoãn buổi sinh hoạt", "hoãn lại",
        "lùi họp", "lùi lịch", "lùi lại", "dời họp", "dời lịch", "dời lại", "hoãn",
        "trùng lễ", "trùng tết", "trùng ngày lễ", "trùng dịp lễ", "nghỉ lễ", "nghỉ tết",
        "dịp tết", "ăn tết", "sang tháng sau", "để tháng sau",
    ),
    "chuyển sinh hoạt": (
        "chuyển đảng", "chuyển sinh hoạt đảng", "gửi sinh hoạt", "chuyển đến",
        # Sent away for a while: "có phải chuyển đi không?" is the transfer.
        "chuyển đi",
        # Meeting where one now lives or works ("muốn sinh hoạt đảng ở đó").
        "sinh hoạt ở đó", "sinh hoạt đảng ở đó", "sinh hoạt ở đấy", "sinh hoạt đảng ở đấy",
        "sinh hoạt ở nơi mới", "sinh hoạt ở chỗ mới", "sinh hoạt nơi mới",
        # Where to attend while away ("trong thời gian đó em sinh hoạt đảng ở đâu").
        "sinh hoạt đảng ở đâu", "sinh hoạt ở đâu", "sinh hoạt đảng chỗ nào",
        "sinh hoạt đảng nơi nào", "sinh hoạt đảng với chi bộ nào", "sinh hoạt với chi bộ nào",
    ),
    "chuyển nhà": (
        "chuyển chỗ", "chuyển chỗ ở", "chuyển nơi ở", "đổi chỗ ở", "dọn nhà", "mua nhà mới",
        "dọn về", "chuyển về ở", "dọn sang", "dọn đi", "dọn đến", "dọn tới",
    ),
    # Taking one's party file to another cell ("muốn rút hồ sơ đảng về chi bộ bên đó").
    "chuyển sinh hoạt hồ sơ": ("rút hồ sơ đảng", "rút sinh hoạt đảng", "rút sinh hoạt"),
    "không ổn định": ("không cố định", "bấp bênh", "thất thường", "nay đây mai đó",
                      "nay đây mai đấy", "lúc đây lúc đó", "chỗ ở không cố định"),
    "tuổi đảng": (
        "năm tuổi đảng", "vào đảng từ", "vào đảng năm", "kết nạp năm", "kết nạp từ",
        "đảng viên lâu năm", "tuổi đảng cao", "nhiều năm tuổi đảng",
    ),
    # "căn cứ" folds to "can cu", whose "cu" is also "cũ" (văn bản cũ: superseded): the
    # documents one goes by are the ones in force.
    "hiện hành": ("căn cứ", "căn cứ vào", "căn cứ theo", "hiện hành"),
    # Which document by its number is which document ("làm theo hướng dẫn số mấy").
    "văn bản nào": ("hướng dẫn số mấy", "hướng dẫn số nào", "quy định số mấy",
                    "quy định số nào", "văn bản số mấy", "chỉ thị số mấy"),
    "hướng dẫn 42": ("hướng dẫn số 42", "hd 42", "hướng dẫn 42 hd"),
    "hướng dẫn 12": ("hướng dẫn số 12", "hd 12"),
    # Protected phrases: keep their own meaning (stop "hợp" being read as the typo for "họp").
    "phù hợp": ("phù hợp",), "hợp lệ": ("hợp lệ",), "hợp pháp": ("hợp pháp",),
    "hợp tác": ("hợp tác",), "tổng hợp": ("tổng hợp",), "trường hợp": ("trường hợp",),
    "phối hợp": ("phối hợp",), "hợp đồng": ("hợp đồng",), "hợp nhất": ("hợp nhất",),
    "tham gia ý kiến": ("tham gia ý kiến", "góp ý kiến", "góp ý", "phát biểu ý kiến"),
    "nghỉ ngơi": ("nghỉ ngơi",), "thay đổi": ("thay đổi",), "thay mặt": ("thay mặt",),
    "thu nhập": ("thu nhập",), "đề nghị": ("đề nghị",), "nghị quyết": ("nghị quyết",),
    "trả lời": ("trả lời",), "bắt đầu": ("bắt đầu",), "bí thư": ("bí thư",),
    # "văn bản gì" typed plain must not become "bàn gì" (nội dung): "bản" ends these phrases.
    "văn bản": ("văn bản",), "biên bản": ("biên bản",),
}

# A wrongdoing named "sai phạm" is a breach ("vi phạm"), the discipline's topic; a
# resolution "hợp lệ" (valid) is one passed by the vote, not a meeting's quorum.
SYNONYMS.update({
    "vi phạm": ("sai phạm",),
    "nghị quyết thông qua": ("nghị quyết hợp lệ", "nghị quyết có hiệu lực"),
    # an honour board ("bảng vàng"), folded "bang vang": not "vắng", an absence
    "bảng vinh danh": ("bảng vàng",),
    # reading the minutes out to the cell ("đọc to lên cho cả chi bộ nghe")
    "đọc lại": ("đọc to", "đọc to lên", "đọc cho cả chi bộ nghe", "đọc cho mọi người nghe"),
    # dropping the monthly meeting for a thematic one asks whether it replaces it (thematic
    # frequency: it does not), not one absence ("bỏ buổi" → "vắng")
    "thay thế sinh hoạt thường kỳ": (
        "bỏ buổi thường kỳ", "bỏ họp thường kỳ", "bỏ buổi họp thường kỳ", "khỏi họp thường kỳ",
        "bỏ buổi sinh hoạt thường kỳ", "thay buổi thường kỳ",
    ),
    # the fields a title is judged on ("4 lĩnh vực nào"): its criteria
    "tiêu chí": ("lĩnh vực",),
})

# "2 buổi chuyên đề" held in a year are two times, a count (thematic_frequency), not the
# "2 buổi" a combined meeting is split into.
SYNONYMS.update({
    f"{n} lần chuyên đề": (f"{n} buổi chuyên đề", f"{n} buổi sinh hoạt chuyên đề")
    for n in range(1, 13)
})

# Missing the meetings months in a row with no reason ("vắng 4 tháng liền ko lý do", "bỏ họp
# mấy tháng liền không lý do") is leaving them (removal from the list), not a question on
# what a valid reason is.
SYNONYMS.update({
    f"bỏ sinh hoạt {n} tháng": tuple(
        f"{missed} {n} tháng {row} {no} lý do"
        for missed in ("vắng", "bỏ sinh hoạt", "vắng sinh hoạt", "bỏ họp", "vắng họp")
        for row in ("liền", "liên tục", "liên tiếp")
        for no in ("không", "không có")
    )
    for n in (*range(1, 13), "mấy")
})

# Phrases that only say "now" and carry no topic: dropped from questions and entries alike
# ("bây giờ" must not leave "giờ", which means hours in "họp mấy giờ").
FILLERS: tuple[str, ...] = (
    "bây giờ", "bây h", "hiện giờ", "giờ đây", "lúc này", "dạo này", "hiện tại", "hiện nay",
    # the frame of asking, not what is asked ("tôi muốn hỏi …", "… mới được coi là …")
    "muốn hỏi", "xin hỏi", "cho hỏi", "cho em hỏi", "cho tôi hỏi", "cho mình hỏi", "hỏi thật",
    "muốn biết", "được coi là", "coi là",
    # words that frame the asking clause of a story ("… vậy rốt cuộc phải họp bao lâu?")
    "rốt cuộc", "rút cuộc", "tóm lại", "thật ra", "thực ra",
)

# Chat spellings of initial consonants ("fut" = phút, "jo" = giờ, "wy" = quy, "zai" = dài,
# "kac" = các), tried before typo correction on words the knowledge base does not know.
CHAT_INITIALS: tuple[tuple[str, str], ...] = (
    ("dz", "d"), ("f", "ph"), ("j", "gi"), ("w", "qu"), ("z", "d"), ("k", "c"),
)

# Folded terms (after abbreviations and synonyms) that make a question about the party or the
# cell; a question with none of them is out of scope ("thời tiết", "bóng đá"). "đang" and
# "đảng" fold alike, so the bare word only counts when typed with its accent ("đảng").
PARTY_TERMS_FOLDED = frozenset({
    "dang_vien", "chi_bo", "chi_uy", "bi_thu", "dang_phi", "dang_bo", "dang_uy", "cap_uy",
    "sinh_hoat", "nghi_quyet", "ket_nap", "ky_luat", "dieu_le", "xoa_ten", "chuyen_de",
    "bieu_quyet", "bien_ban", "so_tay", "tuoi_dang", "the_dang", "vao_dang", "to_dang",
    "chu_tri", "thu_ky", "de_dan", "phe_binh", "du_bi", "chi_thi",
    "uy_vien", "khai_tru", "canh_cao", "khien_trach", "bon_tot", "chao_co", "dai_hoi",
})
PARTY_WORDS_EXACT = frozenset({"đảng"})
# Topic words (folded anchors) that are everyday words outside the party: a question with no
# party word whose only topic word is one of these is out of scope ("cách làm hộ chiếu
# online" is not about meeting online).
EVERYDAY_TOPICS = frozenset({"truc tuyen", "mang xa hoi", "ung dung", "luong"})
# Topic words (folded anchors) that name a source, not a topic: an asking clause with no
# other ("… căn cứ theo quy định nào") asks the source of what the question is about.
SOURCE_TOPICS = frozenset({"quy dinh", "van ban", "hien hanh", "huong dan", "dieu le", "chi thi"})
# Topic words (folded anchors) that name a measure of a meeting, not a topic: an asking clause
# with no other ("…, thời gian tối thiểu là bao nhiêu phút") asks the length of what the
# question is about ("gộp thường kỳ và chuyên đề chung 1 buổi": the combined meeting's).
MEASURE_TOPICS = frozenset({"thoi luong", "phut", "tieng", "gio", "toi thieu", "toi da"})
# Folded terms naming a member's private dealings (business, trade, travel, money, faith),
# on which the knowledge base has no rule: an entry that never mentions the one a question
# names is not its answer ("livestream bán hàng" is not about recording a meeting, "du lịch
# nước ngoài mà không xin phép" not about a valid reason), so the bot says it found no rule.
CONDUCT_TOPICS = frozenset({
    "ban_hang", "buon_ban", "kinh_doanh", "du_lich", "xuat_canh", "chung_khoan", "tien_ao",
    "dau_tu", "theo_dao", "ton_giao", "di_le", "quan_nhau", "xo_so",
    # a marriage in the family ("con gái sắp cưới chồng người nước ngoài … có phải xin phép")
    "ket_hon", "lay_chong", "lay_vo", "cuoi_chong", "cuoi_vo",
    # gifts and visits paid with the cell's money ("dùng tiền đảng phí mua quà thăm ốm")
    "mua_qua", "tang_qua", "tham_om",
    # dress for the meeting: no central rule in the base ("có phải mặc áo sơ mi, đi giày")
    "trang_phuc", "dong_phuc", "mac_ao", "ao_dai", "di_giay",
    # an honour board for members ("bảng vàng", "bảng vinh danh"): no rule in the base
    "vinh_danh",
})  # audited like the synonyms: no pair that a phrase boundary makes ("thông qua biểu
# quyết" holds "qua_bieu", "có phiếu" folds like "cổ phiếu"), so neither is listed

# Variants that are safe only with their diacritics: folded, they collide with key words
# ("nghi" is also nghị quyết, "duoi" is dưới, "phat" is phát biểu, "thay" is thấy).
# Audited in tests/knowledge/test_lexicon_audit.py: "mời họp" folds like "mỗi/mới họp",
# "thứ tự" like "(bí) thư tự", "chat" like "chất (lượng)", "lồng" like "lòng", "liền" like
# "liên (quan)", "bí mật" like "bị mất" ("nhà bị mất nước"),
# "định cư" like "(quy) định cụ (thể)", "chuyển đi" like "(mỗi) chuyến đi (biển)", "mấy
# bận" (how many times) like "mấy bạn" (some friends: "chi bộ em có mấy bạn trẻ vào đảng").
EXACT_ONLY = frozenset(
    {"nghỉ", "lộ", "chấm", "phạt", "bị phạt", "gộp", "đuổi", "già cả", "thay", "ap",
     "mời họp", "thứ tự", "chat", "lồng", "liền", "bí mật", "lộ bí mật", "định cư", "hoãn",
     "tới họp", "tới dự", "chuyển đi", "mấy bận"}
)

# Number words (typed either way). Only the unambiguous folded forms are listed: "sau"
# (after), "nam" (year) and "tam" (tạm) must not become numbers.
NUMBER_WORDS_EXACT: dict[str, str] = {
    "một": "1", "hai": "2", "ba": "3", "bốn": "4", "sáu": "6", "bảy": "7", "tám": "8",
    "chín": "9", "mười": "10",
}
NUMBER_WORDS_FOLDED: dict[str, str] = {"mot": "1", "hai": "2", "bon": "4"}
# Folded "ba" is also bà (grandmother, "bà cụ") and ba (father, "ba tôi"): it is 3 only
# before a unit ("ba tháng", "ba lần").
NUMBER_UNITS_FOLDED = ("thang", "nam", "lan", "nguoi", "buoi", "ngay", "tieng", "quy", "phut")
NUMBER_PHRASES_FOLDED: dict[tuple[str, ...], tuple[str, ...]] = {
    ("ba", unit): ("3", unit) for unit in NUMBER_UNITS_FOLDED
}
# A fraction spelled out ("hai phần ba", "2 phần 3") is the fraction written "2/3", which
# the words read as two numbers.
_FIGURE = {**NUMBER_WORDS_EXACT, "1": "1", "2": "2", "3": "3", "4": "4"}
FRACTIONS: dict[tuple[str, ...], tuple[str, ...]] = {
    (top, "phần", bottom): (_FIGURE[top], _FIGURE[bottom])
    for top in ("một", "hai", "ba", "1", "2", "3")
    for bottom in ("ba", "bốn", "3", "4")
    if _FIGURE[top] < _FIGURE[bottom]
}

# i/y spelling variants: after these initials a final "i" is written "y" ("kỉ" → "kỷ").
IY_INITIALS = frozenset({"k", "l", "t", "m", "h", "s", "qu"})
I_TO_Y = {"i": "y", "ì": "ỳ", "í": "ý", "ỉ": "ỷ", "ĩ": "ỹ", "ị": "ỵ"}

# Words that carry no topic. The folded list is chosen by hand: folding "tối" gives "toi",
# "chủ" gives "chu" and "vắng" gives "vang", so a folded stop word can destroy a key word.
_STOP_EXACT = """ạ à a ơi nhé nha nhỉ hả hử vậy thì là mà của và với cho mình tôi em anh chị
    bác chú cô các những cái này đó đấy ấy hỏi ad admin bot thế nào như gì sao nè dạ vâng rồi luôn
    giúp giùm xem biết ah ak ừ ờ hỉ nhờ bạn"""
_STOP_FOLDED = """a ah ak oi nhe nha nhi vay la ma cua va voi cho minh em anh cac nhung cai nay
    ay ad admin bot nao nhu gi sao ne roi luon giup gium xem biet u"""
STOPWORDS_EXACT = frozenset(_STOP_EXACT.split())
STOPWORDS_FOLDED = frozenset(_STOP_FOLDED.split())
# fmt: on
