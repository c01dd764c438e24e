"""The buttons every meeting announcement, reminder and agenda carries.

Shared by reminders (bot/meetings/reminders.py), the agenda broadcast and the group panel, so that a
tap means the same thing wherever it is pressed. Routes (codec: bot/delivery/callbacks.py):
``at:<meeting_id>:y|n|m`` answer attendance, ``gy:<meeting_id>`` write a comment,
``ar:<meeting_id>:<code>_<revision>`` give the reason of the "absent" answer of that revision.
"""

from __future__ import annotations

from bot.delivery.callbacks import CallbackData
from bot.delivery.outgoing import ButtonRows, ButtonSpec
from bot.texts import attendance as ta

ATTEND_ROUTE = "at"
COMMENT_ROUTE = "gy"
REASON_ROUTE = "ar"
ANSWER_CODES = {"y": "yes", "n": "no", "m": "maybe"}

YES_LABEL = "✅ Có mặt"
NO_LABEL = "❌ Vắng"
MAYBE_LABEL = "❔ Chưa chắc"
COMMENT_LABEL = "📝 Góp ý"


def attendance_buttons(meeting_id: int, *, with_comment: bool = False) -> ButtonRows:
    rows: list[tuple[ButtonSpec, ...]] = [
        tuple(
            ButtonSpec(label, CallbackData(ATTEND_ROUTE, meeting_id, code).encode())
            for label, code in ((YES_LABEL, "y"), (NO_LABEL, "n"), (MAYBE_LABEL, "m"))
        )
    ]
    if with_comment:
        rows.append((ButtonSpec(COMMENT_LABEL, CallbackData(COMMENT_ROUTE, meeting_id).encode()),))
    return tuple(rows)


def reason_buttons(meeting_id: int, revision: int) -> ButtonRows:
    """The absence reason menu of the "absent" answer of ``revision`` (one reason a row)."""
    return tuple(
        (ButtonSpec(label, CallbackData(REASON_ROUTE, meeting_id, f"{code}_{revision}").encode()),)
        for code, label in ta.REASON_BUTTONS
    )
