"""A hand-built November 2026 for a ward's đảng ủy with three cells, written straight
through the models, and the numbers the overview must show for it.

- Khu phố 1 (10 people): regular meeting 05/11, 9 present, 1 absent with reason; agenda sent
  on 03/11; thematic session 15/10 (Q4). → the excused absence is out of the QĐ 24 base, as
  in the minutes and /thongke: 9/9 = 100%, HD 12 met, agenda ahead.
- Khu phố 2 (5 people): regular meeting 10/11, 4 present, 1 absent without reason; agenda
  sent the same morning; no thematic session this quarter. → 4/5 = 80%, HD 12 not met.
- Khu phố 3 (3 people): no meeting in November (flagged); a cancelled one does not count.

Members' names, an absence reason and a comment are stored too: the overview must never show
them (``PRIVATE``).

Khu phố 4 (``build_status_cell``, built on its own): one regular meeting at 06:30 on 06/11
where members' statuses decide the QĐ 24 base, as bot/attendance/base.py counts it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import update

from storage.db import Database
from storage.enums import MemberState, StatusKind
from storage.models import (
    AgendaBroadcast,
    Attendance,
    AttendanceAnswer,
    Comment,
    MeetingKind,
    MeetingStatus,
    Member,
    MemberStatus,
)
from tests.attendance_helpers import make_meeting
from tests.builders import CellWithMembers, add_members, build_cell

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
        f"• {ONE}: thường kỳ ✅ 05/11 · chuyên đề quý ✅ · có mặt 9/9 (100%) · HD 12 ✅ · "
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


# --- Khu phố 4: statuses decide the base (issue #12, the overview on the QĐ 24 base) ----------

FOUR = "Chi bộ Khu phố 4"
FOUR_SECRETARY = ("Hoàng Văn Bốn", 140)
FOUR_MEETING = datetime(2026, 11, 5, 23, 30, tzinfo=UTC)  # 06:30 on 06/11 in Hà Nội
FOUR_DAY = date(2026, 11, 6)  # the meeting's local day (the UTC day is 05/11)


@dataclass(frozen=True)
class StatusCell:
    """Khu phố 4 and its one regular meeting; ``people``: each member's id by name."""

    cell_id: int
    meeting_id: int
    people: dict[str, int]


# Who is who (all full members but the probationary one), and how each was marked.
FOUR_ROLL: dict[str, tuple[bool | None, bool | None]] = {
    "Phan Văn Dự Bị": (True, None),  # probationary, present: not in the base
    "Lý Văn Một": (True, None),
    "Lý Văn Hai": (True, None),
    "Lý Văn Ba": (True, None),
    "Lý Văn Bốn": (True, None),
    "Lý Văn Năm": (True, None),
    "Tạ Văn Về": (True, None),  # away until 05/11: back on the meeting's local day
    "Đào Văn Miễn": (False, False),  # exempted, absent: left out
    "Mai Thị Đến": (False, False),  # visiting from another cell, absent: her own cell's base
    "Cao Văn Đi": (False, False),  # away (sinh hoạt tạm thời nơi khác): left out
    "Trịnh Thị Phép": (False, True),  # absent with a reason: left out
    "Kiều Văn Nghỉ": (False, False),  # on long leave: a valid reason, left out
    "Ngô Thị Sáu": (False, False),  # exempted from 06/11, the meeting's local day: left out
    "Mai Văn Khách": (True, None),  # visiting, present: counted present, not in the base
}
FOUR_STATUSES: dict[str, tuple[StatusKind, date, date]] = {
    "Tạ Văn Về": (StatusKind.AWAY, date(2026, 8, 1), date(2026, 11, 5)),
    "Đào Văn Miễn": (StatusKind.EXEMPT_MEETINGS, date(2026, 6, 1), date(2027, 5, 31)),
    "Mai Thị Đến": (StatusKind.VISITING, date(2026, 10, 1), date(2027, 3, 31)),
    "Cao Văn Đi": (StatusKind.AWAY, date(2026, 9, 1), date(2027, 2, 28)),
    "Kiều Văn Nghỉ": (StatusKind.LONG_LEAVE, date(2026, 10, 15), date(2026, 12, 15)),
    "Ngô Thị Sáu": (StatusKind.EXEMPT_ALL, FOUR_DAY, date(2027, 5, 5)),
    "Mai Văn Khách": (StatusKind.VISITING, date(2026, 10, 1), date(2027, 3, 31)),
}
FORMER = "Vũ Văn Chuyển"  # left the cell since, marked present at the meeting: still counted
# On the QĐ 24 base: the secretary, the five Lý, Tạ Văn Về and the former member, all present.
FOUR_LINE = (
    f"• {FOUR}: thường kỳ ✅ 06/11 · chuyên đề quý ❌ · có mặt 8/8 (100%) · HD 12 ✅ · "
    "vắng không có lý do 0 · chương trình gửi trước ≥ 1 ngày ❌"
)
# Before Ngô Thị Sáu's exemption is recorded, her absence is one without reason.
FOUR_LINE_WITHOUT_HER_EXEMPTION = (
    f"• {FOUR}: thường kỳ ✅ 06/11 · chuyên đề quý ❌ · có mặt 8/9 (89%) · HD 12 ❌ · "
    "vắng không có lý do 1 · chương trình gửi trước ≥ 1 ngày ❌"
)


async def build_status_cell(db: Database, *, with_her_exemption: bool = True) -> StatusCell:
    """Khu phố 4 (``FOUR_ROLL``, ``FOUR_STATUSES``) with its regular meeting of 06/11, every
    member marked; ``with_her_exemption=False`` leaves Ngô Thị Sáu's exemption out."""
    name, tid = FOUR_SECRETARY
    cell = await build_cell(
        db,
        name=FOUR,
        group_chat_id=None,
        secretary=name,
        secretary_tid=tid,
        members=list(FOUR_ROLL),
        tid_base=1400,
        probationary=1,
    )
    (former,) = await add_members(db, cell.cell_id, [FORMER], tid_base=1490)
    people = {p.name: p.id for p in (*cell.members, former)}
    meeting = await make_meeting(db, cell.cell_id, FOUR_MEETING)
    marks = {
        cell.secretary_id: (True, None),
        former.id: (True, None),
        **{people[who]: mark for who, mark in FOUR_ROLL.items()},
    }
    async with db.session() as session:
        for member_id, (present, excused) in marks.items():
            session.add(
                Attendance(
                    meeting_id=meeting,
                    member_id=member_id,
                    answer=AttendanceAnswer.YES if present else AttendanceAnswer.NO,
                    present=present,
                    absence_excused=excused,
                )
            )
        for who, (kind, first, last) in FOUR_STATUSES.items():
            if who == "Ngô Thị Sáu" and not with_her_exemption:
                continue
            session.add(
                MemberStatus(
                    cell_id=cell.cell_id,
                    member_id=people[who],
                    kind=kind,
                    starts_on=first,
                    ends_on=last,
                    reason="Theo nghị quyết chi bộ",
                )
            )
        await session.execute(
            update(Member).where(Member.id == former.id).values(state=MemberState.INACTIVE)
        )
    return StatusCell(cell.cell_id, meeting, people)
