"""The buttons every place a meeting is shown carries: /lich, the announcement, the reminders,
the agenda, the committee's confirmation of a new meeting, and the group panel.

One builder, so that a tap means the same thing wherever it is pressed. Routes (codec:
bot/delivery/callbacks.py): ``at:<meeting_id>:y|n|m`` answer attendance, ``gy:<meeting_id>``
write a comment, ``ar:<meeting_id>:<code>_<revision>`` give the reason of the "absent" answer
of that revision.
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
MAYBE_SHORT = "❔"
COMMENT_LABEL = "📝 Góp ý"


def attendance_buttons(
    meeting_id: int, *, with_comment: bool = False, numbered: int | None = None
) -> ButtonRows:
    """✅ / ❌ / ❔ (and 📝) for one meeting; ``numbered`` tells the meetings of a list apart
    ("✅ Có mặt (2)") and shortens the third label to fit three buttons on a phone's row."""
    labels = (YES_LABEL, NO_LABEL, MAYBE_LABEL if numbered is None else MAYBE_SHORT)
    suffix = "" if numbered is None else f" ({numbered})"
    rows: list[tuple[ButtonSpec, ...]] = [
        tuple(
            ButtonSpec(label + suffix, CallbackData(ATTEND_ROUTE, meeting_id, code).encode())
            for label, code in zip(labels, ("y", "n", "m"), strict=True)
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
