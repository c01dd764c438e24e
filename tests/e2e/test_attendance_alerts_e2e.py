"""The committee's absence alerts reach each committee member once (issue 10, #7)."""

from __future__ import annotations

import asyncio

from sqlalchemy import select

from storage.enums import OutboxStatus, Role
from storage.models import Cell, OutboxMessage
from tests.attendance_helpers import days, make_meeting
from tests.builders import add_members
from tests.e2e.conftest import Harness

ALERT = "Lưu ý riêng cho chi ủy"


async def test_each_absence_alert_goes_once_to_each_committee_member(harness: Harness) -> None:
    secretary = await harness.secretary()
    async with harness.services.db.session() as session:
        cell_id = await session.scalar(select(Cell.id))
    assert cell_id is not None
    (deputy,) = await add_members(
        harness.services.db, cell_id, ["Trần Văn Phó"], tid_base=150, role=Role.DEPUTY
    )
    (member,) = await add_members(harness.services.db, cell_id, ["Lê Văn Vắng"], tid_base=300)
    deputy_user = harness.api.user(150, "Phó", started=True)
    start = harness.clock.now()
    meetings = [await make_meeting(harness.services.db, cell_id, start + days(d)) for d in (36, 71)]
    harness.clock.advance(days(80))  # 02/01 and 06/02/2027 are past
    await harness.say(secretary, "/danhsach", expect="Danh sách")
    for meeting in meetings:  # 🔴 on the marking grid, pressed by the secretary
        query = secretary.press_data(secretary, f"cp:{member.id}:{meeting}_u_0")
        answer = await harness.api.wait_for_callback_answer(query)
        assert "Lê Văn Vắng" in answer["text"]

    async def alerts_sent() -> int:
        async with harness.services.db.session() as session:
            rows = await session.scalars(
                select(OutboxMessage.status).where(OutboxMessage.kind == "absence_alert")
            )
            return sum(1 for status in rows if status == OutboxStatus.SENT)

    for _ in range(100):
        if await alerts_sent() == 2:
            break
        await asyncio.sleep(0.1)
    await asyncio.sleep(0.5)  # anything sent twice would have arrived by now
    for person in (secretary, deputy_user):
        got = [m for m in harness.api.messages(person.id) if ALERT in m.get("text", "")]
        assert len(got) == 1, (person, [m["text"] for m in got])
        assert "Lê Văn Vắng" in got[0]["text"] and "2 tháng" in got[0]["text"]
    assert deputy.telegram_id == 150
