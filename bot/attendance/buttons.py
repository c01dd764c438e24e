"""The buttons every meeting announcement, reminder and agenda carries.

Shared by reminders (bot/meetings/reminders.py), the agenda broadcast and the group panel, so that a
tap means the same thing wherever it is pressed. Routes (see handlers/keyboards.py):
``at:<meeting_id>:y|n|m`` answer attendance, ``gy:<meeting_id>`` write a comment.
"""

from __future__ import annotations

from bot.delivery.outgoing import ButtonRows, ButtonSpec

ATTEND_ROUTE = "at"
COMMENT_ROUTE = "gy"
ANSWER_CODES = {"y": "yes", "n": "no", "m": "maybe"}

YES_LABEL = "✅ Có mặt"
NO_LABEL = "❌ Vắng"
MAYBE_LABEL = "❔ Chưa chắc"
COMMENT_LABEL = "📝 Góp ý"


def attendance_buttons(meeting_id: int, *, with_comment: bool = False) -> ButtonRows:
    rows: list[tuple[ButtonSpec, ...]] = [
        (
            ButtonSpec(YES_LABEL, f"{ATTEND_ROUTE}:{meeting_id}:y"),
            ButtonSpec(NO_LABEL, f"{ATTEND_ROUTE}:{meeting_id}:n"),
            ButtonSpec(MAYBE_LABEL, f"{ATTEND_ROUTE}:{meeting_id}:m"),
        )
    ]
    if with_comment:
        rows.append((ButtonSpec(COMMENT_LABEL, f"{COMMENT_ROUTE}:{meeting_id}"),))
    return tuple(rows)
