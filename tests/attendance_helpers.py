"""Test helpers for attendance features: meetings made directly through the models (no
dependency on the meetings feature). Cells with members come from ``tests.builders``."""

from __future__ import annotations

from datetime import datetime, timedelta

from storage.db import Database
from storage.models import Meeting, MeetingKind, MeetingStatus


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


def days(n: float) -> timedelta:
    return timedelta(days=n)
