"""No message is lost silently: when Telegram refuses a message for good, each member of the
cell's committee is told once, privately, what failed and for whom."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import update

from bot.clock import ManualClock
from bot.delivery.failures import FAILURE_ALERT
from bot.delivery.outbox import OutboxWorker
from bot.delivery.outgoing import SendResult, SendStatus
from bot.meetings.drafts import MeetingDraft
from bot.services import Services, outbox_renderers
from bot.texts.delivery import FAILURE_WHAT
from storage.models import MeetingKind, Member, Role
from tests.builders import SECRETARY, build_cell
from tests.fakes import ScriptedSender, fast_limiter
from tests.unit.meeting_helpers import outbox

VN = ZoneInfo("Asia/Ho_Chi_Minh")
DEC5 = datetime(2026, 12, 5, 14, 0, tzinfo=VN)
DEPUTY = 202
TOO_LONG = SendResult(SendStatus.FAILED, error="Bad Request: message is too long")


async def _cell_with_deputy(services: Services) -> None:
    await build_cell(services.db, members=3, member_name="Đảng Viên {tid}")
    async with services.db.session() as session:
        await session.execute(
            update(Member).where(Member.telegram_id == DEPUTY).values(role=Role.DEPUTY)
        )


async def _drain(worker: OutboxWorker) -> None:
    while await worker.run_once():
        pass


def _alerts(sender: ScriptedSender, chat_id: int) -> list[str]:
    return [text for chat, text in sender.sent if chat == chat_id and text.startswith("⚠️")]


async def test_a_reminder_refused_for_good_alerts_each_committee_member_once(
    services: Services, clock: ManualClock
) -> None:
    await _cell_with_deputy(services)
    await services.meetings.create(SECRETARY, MeetingDraft(MeetingKind.REGULAR, DEC5))
    sender = ScriptedSender()
    worker = OutboxWorker(services.db, clock, sender, fast_limiter(), renderers=services.renderers)
    await _drain(worker)  # the notices of the new meeting
    sender.script[201] = [TOO_LONG]
    clock.set(DEC5 - timedelta(days=3))
    await _drain(worker)
    for recipient in (SECRETARY, DEPUTY):
        alerts = _alerts(sender, recipient)
        assert len(alerts) == 1, alerts
        assert "Đảng Viên 201" in alerts[0] and "nhắc lịch" in alerts[0]
    assert _alerts(sender, 201) == [] and _alerts(sender, 203) == []
    clock.advance(timedelta(hours=1))
    await _drain(worker)
    assert len(_alerts(sender, SECRETARY)) == 1  # once, not again on the next round


async def test_a_failed_alert_raises_no_alert_of_its_own(
    services: Services, clock: ManualClock
) -> None:
    await _cell_with_deputy(services)
    await services.meetings.create(SECRETARY, MeetingDraft(MeetingKind.REGULAR, DEC5))
    sender = ScriptedSender()
    worker = OutboxWorker(services.db, clock, sender, fast_limiter(), renderers=services.renderers)
    await _drain(worker)
    clock.set(DEC5 - timedelta(days=3))
    sender.script[201] = [TOO_LONG]
    await worker.run_once()  # the reminders: 201's fails, the alerts are planned
    sender.script[SECRETARY] = [TOO_LONG] * 5
    sender.script[DEPUTY] = [TOO_LONG] * 5
    await _drain(worker)
    alerts = [row for row in await outbox(services) if row.kind == FAILURE_ALERT]
    assert len(alerts) == 2 and {row.status for row in alerts} == {"failed"}


async def test_a_group_reminder_refused_tells_the_committee_it_was_the_group(
    services: Services, clock: ManualClock
) -> None:
    await _cell_with_deputy(services)
    await services.meetings.create(SECRETARY, MeetingDraft(MeetingKind.REGULAR, DEC5))
    sender = ScriptedSender()
    worker = OutboxWorker(services.db, clock, sender, fast_limiter(), renderers=services.renderers)
    await _drain(worker)
    clock.set(DEC5 - timedelta(days=3))
    sender.script[-1001] = [TOO_LONG]
    await _drain(worker)
    alerts = _alerts(sender, SECRETARY)
    assert len(alerts) == 1 and "nhóm" in alerts[0]


def test_the_alert_names_every_kind_of_message_the_bot_sends() -> None:
    assert set(outbox_renderers()) - {FAILURE_ALERT} <= set(FAILURE_WHAT)
