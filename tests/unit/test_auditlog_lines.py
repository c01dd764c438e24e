"""The audit log's labels and lines: every action the code writes has a Vietnamese label, and a
page of the longest lines fits one Telegram message."""

from __future__ import annotations

import ast
from datetime import UTC, datetime
from pathlib import Path

from bot.auditlog.lines import LogLine
from bot.auditlog.render import page_text
from bot.auditlog.service import PAGE_SIZE, LogFilter, LogPage
from bot.delivery.limits import MAX_TEXT, telegram_length
from bot.texts import auditlog as tl
from bot.views import CellInfo

ROOT = Path(__file__).resolve().parents[2]


def _strings(node: ast.expr) -> set[str]:
    """The string constants an action argument can be (``"a" if x else "b"`` gives both)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}
    if isinstance(node, ast.IfExp):
        return _strings(node.body) | _strings(node.orelse)
    return set()


def written_actions() -> set[str]:
    """Every action passed to ``….record(cell, action, …)`` in bot/ and handlers/."""
    found: set[str] = set()
    for path in [*ROOT.joinpath("bot").rglob("*.py"), *ROOT.joinpath("handlers").rglob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "record"
                and len(node.args) >= 2
                and any(k.arg == "actor_member_id" for k in node.keywords)
            ):
                found |= _strings(node.args[1])
    return found


def test_every_action_written_has_a_label() -> None:
    actions = written_actions()
    assert len(actions) >= 30
    assert actions - tl.ACTION_LABELS.keys() == set()


def test_labels_show_the_new_value_but_never_a_free_text() -> None:
    assert tl.action_text("attendance_marked", {"from": None, "to": True}) == "ghi có mặt"
    assert tl.action_text("absence_classified", {"to": False}) == "ghi vắng không có lý do"
    assert tl.action_text("role_changed", {"to": "pho_bi_thu"}) == "đổi vai trò: Phó bí thư"
    answered = tl.action_text("attendance_answered_for", {"answer": "no", "reason": "om"})
    assert answered == "trả lời thay: vắng"
    assert tl.action_text("made_up", {}) == "thao tác khác (made_up)"


def test_a_page_of_the_longest_lines_fits_one_message() -> None:
    name = "Nguyễn" + " Thị Hoa" * 20  # far beyond what the roster stores
    line = LogLine(datetime(2026, 12, 5, tzinfo=UTC), name, "trả lời thay: vắng", name, "buổi x")
    cell = CellInfo(1, "Chi bộ " + "Khu phố " * 40, "Asia/Ho_Chi_Minh", None, None)
    page = LogPage(cell, (line,) * PAGE_SIZE, 0, 1, LogFilter(member_id=1), name)
    text = page_text(page)
    assert telegram_length(text) <= MAX_TEXT
    assert text.count("• ") == PAGE_SIZE
