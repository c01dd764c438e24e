"""The HD 42 notice to the overseer: planned once per change (created, moved by hand or by
the rule, place or content changed, cancelled), for rule-made meetings too, and re-checked
when sent (the role left, the cell was taken away, the meeting moved again)."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from sqlalchemy import select, update

from bot.clock import ManualClock
from bot.delivery.limits import MAX_TEXT, telegram_length
from bot.meetings.drafts import MeetingDraft
from bot.meetings.recurrence import Rule
from bot.orgs.notices import ORG_NOTICE
from bot.orgs.roles import ROLE_PREFIX
from bot.services import Services
from storage.enums import OrgRole, RulePattern
from storage.models import MeetingKind, OrgRoleCell, OrgRoleHolder, OutboxMessage
from tests.builders import build_cell

SECRETARY = 100
OVERSEER = 700
START = datetime(2026, 12, 5, 7, 0, tzinfo=UTC)  # 14h00 in Hà Nội


async def _overseen(services: Services) -> int:
    cell = await build_cell(services.db, members=2)
    org, _ = await services.orgs.create_org("Đảng ủy phường Bến Nghé")
    await services.orgs.attach_cell(cell.cell_id, org.id)
    _, payload = await services.orgs.new_invite(org.id, OrgRole.OVERSEER, [cell.cell_id])
    await services.orgs.claim(payload[len(ROLE_PREFIX) :], OVERSEER, "Đinh Thị Phụ Trách")
    return cell.cell_id


async def _notices(services: Services) -> list[OutboxMessage]:
    async with services.db.session() as session:
        query = select(OutboxMessage).where(OutboxMessage.kind == ORG_NOTICE)
        return list(await session.scalars(query.order_by(OutboxMessage.id)))


async def _render(services: Services, row: OutboxMessage, now: datetime) -> str | None:
    async with services.db.session() as session:
        fresh = await session.get(OutboxMessage, row.id)
        assert fresh is not None
        message = await services.renderers[ORG_NOTICE](session, fresh, now)
    return None if message is None else message.text  # type: ignore[union-attr]


async def test_each_change_is_one_notice_and_the_rest_are_not(services: Services) -> None:
    await _overseen(services)
    draft = MeetingDraft(
        MeetingKind.REGULAR, START, place="Hội trường", agenda="Kiểm điểm nghị quyết tháng 11"
    )
    change = await services.meetings.create(SECRETARY, draft)
    meeting_id = change.meeting.id
    await services.meetings.maintain()  # finds the same meeting: nothing new
    await services.meetings.edit(SECRETARY, meeting_id, "chair", "Nguyễn Văn An")  # no notice
    await services.meetings.edit(SECRETARY, meeting_id, "when", "16h ngày 6/12")
    await services.meetings.edit(SECRETARY, meeting_id, "agenda", "Nội dung mới")
    await services.meetings.edit(SECRETARY, meeting_id, "duration", "120")
    rows = await _notices(services)
    assert [(r.payload["event"], r.payload.get("what")) for r in rows] == [
        ("created", None),
        ("changed", "when"),
        ("changed", "content"),
        ("changed", "duration"),
    ]
    assert all(r.chat_id == OVERSEER and r.member_id is None for r in rows)
    now = services.clock.now()
    assert await _render(services, rows[0], now) is None  # created at 14h on 5/12: moved since
    moved = await _render(services, rows[1], now)
    assert moved is not None and "dời thời gian" in moved
    assert moved is not None and "Chủ nhật, 06/12/2026, lúc 16h00" in moved
    assert "Nội dung mới" in (await _render(services, rows[2], now) or "")
    longer = await _render(services, rows[3], now)
    assert longer is not None and "đổi thời lượng" in longer and "(120 phút)" in longer
    await services.meetings.cancel(SECRETARY, meeting_id)
    rows = await _notices(services)
    assert len(rows) == 5 and rows[4].payload["event"] == "cancelled"
    assert await _render(services, rows[2], now) is None  # cancelled since: not sent
    cancelled = await _render(services, rows[4], now)
    assert cancelled is not None and "hủy buổi sinh hoạt" in cancelled


async def test_rule_meetings_and_rule_moves_are_told(services: Services) -> None:
    await _overseen(services)
    await services.meetings.set_rule(
        SECRETARY, MeetingKind.REGULAR, Rule(RulePattern.DAY, time(14), day=5)
    )
    assert await _notices(services) == []  # generated: the maintenance job tells them
    await services.meetings.maintain()
    made = await _notices(services)
    assert len(made) == 3 and {r.payload["event"] for r in made} == {"created"}
    await services.meetings.maintain()
    assert len(await _notices(services)) == 3  # once
    await services.meetings.set_rule(
        SECRETARY, MeetingKind.REGULAR, Rule(RulePattern.DAY, time(14), day=10)
    )
    rows = await _notices(services)
    moves = [r for r in rows if r.payload["event"] == "changed"]
    assert len(moves) == 3 and {r.payload["what"] for r in moves} == {"when"}
    text = await _render(services, moves[0], services.clock.now())
    assert text is not None and "10/12/2026" in text


async def test_a_notice_is_dropped_when_the_role_no_longer_covers_the_cell(
    services: Services, clock: ManualClock
) -> None:
    cell_id = await _overseen(services)
    long_agenda = "Nội dung rất dài. " * 500
    draft = MeetingDraft(MeetingKind.REGULAR, START, agenda=long_agenda[:2000])
    await services.meetings.create(SECRETARY, draft)
    (row,) = await _notices(services)
    text = await _render(services, row, clock.now())
    assert text is not None and telegram_length(text) <= MAX_TEXT and "chưa ghi" in text
    async with services.db.session() as session:
        await session.execute(update(OrgRoleHolder).values(active=False))
    assert await _render(services, row, clock.now()) is None
    async with services.db.session() as session:
        await session.execute(update(OrgRoleHolder).values(active=True))
        await session.execute(OrgRoleCell.__table__.delete().where(OrgRoleCell.cell_id == cell_id))
    assert await _render(services, row, clock.now()) is None
    assert await _render(services, row, START + timedelta(minutes=1)) is None  # begun


async def test_cells_without_an_overseer_plan_no_notice(services: Services) -> None:
    await build_cell(services.db, members=2)
    draft = MeetingDraft(MeetingKind.REGULAR, START, place="Hội trường")
    await services.meetings.create(SECRETARY, draft)
    await services.meetings.maintain()
    assert await _notices(services) == []


async def test_an_imported_plan_is_told_by_the_maintenance_job(services: Services) -> None:
    import io

    from bot.meetings.plan_import import import_plan

    cell_id = await _overseen(services)
    plan = "ngày,giờ,loại,địa điểm,chủ đề,người đề dẫn\n05/12/2026,14:00,thường kỳ,Hội trường,,\n"
    assert await import_plan(services.db, services.clock, cell_id, io.StringIO(plan)) == 1
    await services.meetings.maintain()
    (row,) = await _notices(services)
    text = await _render(services, row, services.clock.now())
    assert text is not None and "Thứ Bảy, 05/12/2026, lúc 14h00" in text and "Hội trường" in text
