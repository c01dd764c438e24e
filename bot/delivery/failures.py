"""No message is lost silently: an outbox row that fails for good is reported to the cell's
committee, once, privately, as rows of kind ``FAILURE_ALERT`` (rendered by bot/failure_alerts.py).

The alert is planned by the worker in the transaction that records the failure, under a unique
``dedupe_key`` per failed row and committee member, so it is sent once even when several
instances run. A member who cannot be written to at all (never started the bot, blocked it) is
reported once, not once per message that then fails. A failed alert is never reported.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import OutboxMessage
from storage.repositories.members import MemberRepository
from storage.repositories.outbox import OutboxRepository

FAILURE_ALERT = "delivery_failed"
UNREACHABLE = "unreachable"  # the prefix of a failed row's error when the person is out of reach


def _subject(row: OutboxMessage) -> str:
    """What the dedupe key says was lost: the person out of reach, else the one row."""
    if row.member_id is not None and (row.error or "").startswith(UNREACHABLE):
        return f"dm{row.member_id}"
    return f"row{row.id}"


async def plan_failure_alerts(session: AsyncSession, row: OutboxMessage, now: datetime) -> int:
    """Plan the committee's alerts about ``row``, which has just failed for good."""
    if row.kind == FAILURE_ALERT or row.payload.get("no_alert"):  # not the cell's (bot/orgs)
        return 0
    committee = await MemberRepository(session).committee(row.cell_id)
    alerts = [
        {
            "cell_id": row.cell_id,
            "kind": FAILURE_ALERT,
            "dedupe_key": f"failed:{_subject(row)}:{member.id}",
            "chat_id": member.telegram_id,
            "member_id": member.id,
            "payload": {"failed": row.id},
            "due_at": now,
        }
        for member in committee
        if member.telegram_id is not None and member.can_dm and member.telegram_id != row.chat_id
    ]
    return await OutboxRepository(session).plan(alerts)
