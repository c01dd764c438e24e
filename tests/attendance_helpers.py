"""Test helpers for attendance features: a cell with members and meetings, made directly
through the models (no dependency on the meetings feature)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from storage.db import Database
from storage.models import (
    Cell,
    Meeting,
    MeetingKind,
    MeetingStatus,
    Member,
    MemberState,
    PartyStatus,
    Role,
)


@dataclass
class CellFixture:
    cell_id: int
    group_chat_id: int | None
    secretary_tid: int
    secretary_id: int
    member_tids: list[int]
    member_ids: list[int]


async def make_cell(
    db: Database,
    *,
    name: str = "Chi bộ Khu phố 3",
    members: int = 5,
    group_chat_id: int | None = -1001,
    tid_base: int = 1000,
    probationary: int = 0,
) -> CellFixture:
    async with db.session() as session:
        cell = Cell(
            name=name, parent_committee="Đảng bộ phường Hòa Bình", group_chat_id=group_chat_id
        )
        session.add(cell)
        await session.flush()
        secretary = Member(
            cell_id=cell.id,
            telegram_id=tid_base,
            full_name="Nguyễn Văn An",
            role=Role.SECRETARY,
            state=MemberState.ACTIVE,
            can_dm=True,
        )
        session.add(secretary)
        rows = []
        for i in range(members):
            rows.append(
                Member(
                    cell_id=cell.id,
                    telegram_id=tid_base + 1 + i,
                    full_name=f"Trần Thị Đảng Viên {i + 1:02d}",
                    role=Role.MEMBER,
                    party_status=PartyStatus.PROBATIONARY if i < probationary else PartyStatus.FULL,
                    state=MemberState.ACTIVE,
                    can_dm=True,
                )
            )
        session.add_all(rows)
        await session.flush()
        return CellFixture(
            cell.id,
            group_chat_id,
            tid_base,
            secretary.id,
            [tid_base + 1 + i for i in range(members)],
            [m.id for m in rows],
        )


async def make_meeting(
    db: Database,
    cell_id: int,
    starts_at: datetime,
    *,
    kind: MeetingKind = MeetingKind.REGULAR,
    status: MeetingStatus = MeetingStatus.SCHEDULED,
    duration: int = 90,
    agenda: str | None = "1. Kiểm điểm nghị quyết tháng trước\n2. Nhiệm vụ tháng tới",
) -> int:
    async with db.session() as session:
        meeting = Meeting(
            cell_id=cell_id,
            kind=kind,
            status=status,
            starts_at=starts_at,
            duration_minutes=duration,
            place="Nhà văn hóa khu phố 3",
            chair="Nguyễn Văn An",
            minute_taker="Trần Thị Đảng Viên 01",
            agenda=agenda,
        )
        session.add(meeting)
        await session.flush()
        return meeting.id


async def add_member(
    db: Database, cell_id: int, name: str, telegram_id: int | None, *, can_dm: bool = True
) -> int:
    async with db.session() as session:
        member = Member(
            cell_id=cell_id,
            telegram_id=telegram_id,
            full_name=name,
            role=Role.MEMBER,
            state=MemberState.ACTIVE,
            can_dm=can_dm,
        )
        session.add(member)
        await session.flush()
        return member.id


def days(n: float) -> timedelta:
    return timedelta(days=n)
