"""The first tour of the simulator: the steps ``chibo run`` prints and README.md repeats.

One list, so the start-up text, the README's "### The simulator" tour and the test that runs
it (tests/simulator/test_tour.py) cannot drift apart.  ``s_…`` and ``j_…`` stand for the
codes the bot prints: the secretary code at start-up, the invite code after ``/moi``.
"""

from __future__ import annotations

#: Whom the terminal chat plays first: the person who becomes the secretary.
SECRETARY = "Hoa"
#: The member the secretary invites in the tour.
MEMBER = "An"

SECRETARY_PLACEHOLDER = "s_…"
INVITE_PLACEHOLDER = "j_…"

#: (what to type, what it does) — in Vietnamese, as the simulator prints it.
TOUR: tuple[tuple[str, str], ...] = (
    (f"/start {SECRETARY_PLACEHOLDER}", f"{SECRETARY} nhận vai bí thư"),
    ("Nguyễn Thị Hoa", "họ tên đầy đủ của bí thư"),
    ("/moi", "lấy lời mời đảng viên (bot in mã j_…)"),
    (f":nguoi {MEMBER}", f"đóng vai đảng viên {MEMBER}"),
    (f"/start {INVITE_PLACEHOLDER}", f"{MEMBER} mở lời mời (mã j_… bot vừa in)"),
    ("Nguyễn Văn An", f"họ tên đầy đủ của {MEMBER}"),
    (f":nguoi {SECRETARY}", f"quay lại làm bí thư {SECRETARY}"),
    (":bam 1", f"bấm nút 1 «✅ Duyệt» để duyệt {MEMBER}"),
    ("/thanhvien", "danh sách chi bộ: cả hai người"),
)


def tour_lines(secretary_code: str) -> list[str]:
    """The numbered steps, with the real secretary code filled in."""
    steps = [(step.replace(SECRETARY_PLACEHOLDER, secretary_code), note) for step, note in TOUR]
    width = max(len(step) for step, _ in steps)
    return [f"  {n}. {step:<{width}}  {note}" for n, (step, note) in enumerate(steps, 1)]
