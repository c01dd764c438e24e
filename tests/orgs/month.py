"""A hand-built November 2026 for a ward's đảng ủy with three cells, written straight
through the models, and the numbers the overview must show for it.

- Khu phố 1 (10 people): regular meeting 05/11, 9 present, 1 absent with reason; agenda sent
  on 03/11; thematic session 15/10 (Q4). → 9/10 = 90%, HD 12 met, agenda ahead.
- Khu phố 2 (5 people): regular meeting 10/11, 4 present, 1 absent without reason; agenda
  sent the same morning; no thematic session this quarter. → 80%, HD 12 not met.
- Khu phố 3 (3 people): no meeting in November (flagged); a cancelled one does not count.

Members' names, an absence reason and a comment are stored too: the overview must never show
them (``PRIVATE``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from storage.db import Database
from storage.models import (
    AgendaBroadcast,
    Attendance,
    AttendanceAnswer,
    Comment,
    MeetingKind,
    MeetingStatus,
)
from tests.attendance_helpers import make_meeting
from tests.builders import CellWithMembers, build_cell

REASON = "Đi công tác Đà Nẵng"
COMMENT = "Góp ý kín về công tác nhân sự"
ONE, TWO, THREE = "Chi bộ Khu phố 1", "Chi bộ Khu phố 2", "Chi bộ Khu phố 3"


def utc(day: int, hour: int, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, 0, tzinfo=UTC)


@dataclass(frozen=True)
class HandBuiltMonth:
    cells: tuple[CellWithMembers, CellWithMembers, CellWithMembers]
    private: tuple[str, ...]  # what no overview, file or notice may contain

    @property
    def cell_ids(self) -> tuple[int, int, int]:
        one, two, three = self.cells
        return one.cell_id, two.cell_id, three.cell_id


async def _roll(
    db: Database, meeting_id: int, people: list[int], absent: dict[int, bool | None]
) -> None:
    """Everyone present except ``absent`` (member id → excused?)."""
    async with db.session() as session:
        for member_id in people:
            gone = member_id in absent
            session.add(
                Attendance(
                    meeting_id=meeting_id,
                    member_id=member_id,
                    answer=AttendanceAnswer.NO if gone else AttendanceAnswer.YES,
                    reason_text=REASON if gone and absent[member_id] else None,
                    present=not gone,
                    absence_excused=absent[member_id] if gone else None,
                )
            )


async def _agenda(db: Database, cell_id: int, meeting_id: int, sent_at: datetime) -> None:
    async with db.session() as session:
        session.add(
            AgendaBroadcast(
                cell_id=cell_id,
                meeting_id=meeting_id,
                text="Chương trình sinh hoạt tháng 11",
                version=1,
                sent_at=sent_at,
            )
        )


async def build_month(db: Database) -> HandBuiltMonth:
    one = await build_cell(
        db, name=ONE, group_chat_id=None, secretary_tid=110, members=9, tid_base=1100
    )
    two = await build_cell(
        db,
        name=TWO,
        group_chat_id=None,
        secretary="Lê Văn Hai",
        secretary_tid=120,
        members=4,
        tid_base=1200,
        member_name="Phạm Văn Thành Viên {n:02d}",
    )
    three = await build_cell(
        db,
        name=THREE,
        group_chat_id=None,
        secretary="Võ Thị Ba",
        secretary_tid=130,
        members=2,
        tid_base=1300,
    )
    # Khu phố 1: 19:00 on 05/11 local; one absent with reason; agenda two days ahead.
    regular = await make_meeting(db, one.cell_id, utc(5, 12))
    people = [one.secretary_id, *one.member_ids]
    await _roll(db, regular, people, {one.member_ids[0]: True})
    await _agenda(db, one.cell_id, regular, utc(3, 2))
    async with db.session() as session:
        session.add(Comment(meeting_id=regular, member_id=one.member_ids[1], text=COMMENT))
    thematic = await make_meeting(db, one.cell_id, utc(15, 12, month=10), kind=MeetingKind.THEMATIC)
    await _roll(db, thematic, people, {})
    # Khu phố 2: 19:00 on 10/11; one absent without reason; agenda sent that morning.
    regular = await make_meeting(db, two.cell_id, utc(10, 12))
    await _roll(db, regular, [two.secretary_id, *two.member_ids], {two.member_ids[0]: False})
    await _agenda(db, two.cell_id, regular, utc(10, 1))
    # Khu phố 3: only a cancelled meeting.
    await make_meeting(db, three.cell_id, utc(12, 12), status=MeetingStatus.CANCELLED)
    names = [
        person.name
        for cell in (one, two, three)
        for person in (cell.secretary, *cell.members)
        if person is not None
    ]
    return HandBuiltMonth((one, two, three), (REASON, COMMENT, *names))


# The overview's line of each cell for November 2026, as /tonghop shows it.
EXPECTED_LINES = {
    ONE: (
        f"• {ONE}: thường kỳ ✅ 05/11 · chuyên đề quý ✅ · có mặt 9/10 (90%) · HD 12 ✅ · "
        "vắng không có lý do 0 · chương trình gửi trước ≥ 1 ngày ✅"
    ),
    TWO: (
        f"• {TWO}: thường kỳ ✅ 10/11 · chuyên đề quý ❌ · có mặt 4/5 (80%) · HD 12 ❌ · "
        "vắng không có lý do 1 · chương trình gửi trước ≥ 1 ngày ❌"
    ),
    THREE: (
        f"• {THREE}: thường kỳ ❌ chưa có · chuyên đề quý ❌ · có mặt — · HD 12 — · "
        "vắng không có lý do — · chương trình gửi trước ≥ 1 ngày —"
    ),
}
