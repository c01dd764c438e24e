"""Erasure leaves no personal datum of the member anywhere in the database (issue 10, #6)."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import JSON, BigInteger, Integer, String, Text, select

from bot.clock import ManualClock
from bot.members.privacy import ERASED_NAME
from bot.services import Services
from storage.enums import AttendanceAnswer
from storage.models import AuditEntry, Base, OutboxMessage
from storage.repositories.audit import AuditRepository
from tests.attendance_helpers import days, make_meeting
from tests.builders import build_cell

NAME = "Phạm Thị Riêng Tư"
TID = 4_000_000_123  # Telegram ids pass 32 bits


async def _occurrences(services: Services, needles: tuple[str, int]) -> list[str]:
    """Every cell of every table holding the name or the Telegram id (as text or number)."""
    name, tid = needles
    found: list[str] = []
    async with services.db.session() as session:
        for table in Base.metadata.sorted_tables:
            for row in (await session.execute(select(table))).mappings():
                for column in table.columns:
                    value = row[column.name]
                    if value is None:
                        continue
                    if isinstance(column.type, (BigInteger, Integer)) and value == tid:
                        found.append(f"{table.name}.{column.name}")
                    elif isinstance(column.type, (String, Text, JSON)):
                        text = value if isinstance(value, str) else json.dumps(value)
                        if name in json.dumps(value, ensure_ascii=False) or str(tid) in text:
                            found.append(f"{table.name}.{column.name}: {text[:80]}")
    return found


async def test_erasure_removes_the_name_and_telegram_id_from_every_table(
    services: Services, clock: ManualClock
) -> None:
    cell = await build_cell(services.db, members=[NAME, "Lê Văn Khác"], tid_base=TID)
    meeting = await make_meeting(services.db, cell.cell_id, clock.now() + days(3))
    past = await make_meeting(services.db, cell.cell_id, clock.now() + days(1))
    silent = await make_meeting(services.db, cell.cell_id, clock.now() + days(5))
    att = services.attendance
    await att.answer(TID, meeting, AttendanceAnswer.NO, update_id=10)
    await att.set_reason(TID, meeting, "khac", f"{NAME} đi khám bệnh", update_id=11)
    await att.answer_for(cell.secretary_tid, past, cell.member_ids[0], AttendanceAnswer.NO)
    await services.comments.add(TID, meeting, "Đề nghị bàn thêm về đảng phí.")
    await services.conversations.expect(TID, TID, "absence_reason", {"meeting_id": meeting})
    await att.nudge(cell.secretary_tid, silent)  # an outbox row to the member's chat
    async with services.db.session() as session:  # rows planned before this fix kept the name
        session.add(
            OutboxMessage(
                cell_id=cell.cell_id,
                kind="absence_alert",
                dedupe_key=f"absence_alert:{cell.member_ids[0]}:2026:2:{cell.secretary_id}",
                chat_id=cell.secretary_tid,
                member_id=cell.secretary_id,
                payload={"member_id": cell.member_ids[0], "name": NAME, "months": [1, 2]},
                due_at=clock.now(),
            )
        )
        await AuditRepository(session).record(
            cell.cell_id,
            "member_renamed",
            actor_member_id=cell.member_ids[0],
            target_member_id=cell.member_ids[0],
            details={"old": "Phạm Thị Riêng", "new": NAME, "telegram_id": TID},
        )
    assert len(await _occurrences(services, (NAME, TID))) >= 6

    clock.advance(days(2))
    await services.members.set_active(cell.secretary_tid, cell.member_ids[0], False)
    erased = await services.privacy.erase(cell.secretary_tid, cell.member_ids[0])

    assert await _occurrences(services, (NAME, TID)) == []
    assert erased.answers_kept == 2  # the anonymous counts stay
    roll = await att.roll(cell.secretary_tid, past)
    gone = [e for e in roll.entries if e.member_id == cell.member_ids[0]]
    assert [(e.full_name, e.answer) for e in gone] == [(ERASED_NAME, AttendanceAnswer.NO)]
    async with services.db.session() as session:
        assert "member_erased" in set(await session.scalars(select(AuditEntry.action)))
    assert "Lê Văn Khác" in str(await _anything(services))


async def _anything(services: Services) -> Any:
    async with services.db.session() as session:
        return list(await session.scalars(select(Base.metadata.tables["members"].c.full_name)))
