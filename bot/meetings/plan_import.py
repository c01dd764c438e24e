"""``chibo plan import --cell ID FILE.csv``: a year's meeting plan, all or nothing.

Columns (a header row is required; Vietnamese names with or without diacritics, or English):
ngày/date, giờ/time, loại/kind, địa điểm/place, chủ đề/topic, người đề dẫn/presenter.
Every bad row is reported by its line number and nothing is imported until all rows are good.
Imported meetings get their reminders; members are not sent one notice per row.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from bot.clock import Clock
from bot.meetings import reminders
from bot.meetings.dateparse import MAX_AHEAD_DAYS, normalize
from bot.meetings.drafts import TEXT_LIMITS, default_duration
from bot.views import CellInfo
from storage.db import Database
from storage.models import Cell, Meeting, MeetingKind, MeetingStatus
from storage.repositories.audit import AuditRepository
from storage.repositories.meetings import MeetingRepository

MAX_ROWS = 500
MAX_LINE = 10_000  # characters: far above any good row (its texts are at most 1,510)
_DAY = timedelta(days=1)
_AHEAD = timedelta(days=MAX_AHEAD_DAYS)  # the bound of a date typed in the chat
COLUMNS: dict[str, str] = {
    "ngay": "date",
    "date": "date",
    "gio": "time",
    "time": "time",
    "loai": "kind",
    "kind": "kind",
    "dia diem": "place",
    "place": "place",
    "chu de": "topic",
    "topic": "topic",
    "nguoi de dan": "presenter",
    "presenter": "presenter",
    "presenters": "presenter",
}
KINDS: dict[str, MeetingKind] = {
    "thuong ky": MeetingKind.REGULAR,
    "thuong_ky": MeetingKind.REGULAR,
    "tk": MeetingKind.REGULAR,
    "regular": MeetingKind.REGULAR,
    "chuyen de": MeetingKind.THEMATIC,
    "chuyen_de": MeetingKind.THEMATIC,
    "cd": MeetingKind.THEMATIC,
    "thematic": MeetingKind.THEMATIC,
    "ket hop": MeetingKind.COMBINED,
    "ket_hop": MeetingKind.COMBINED,
    "thuong ky + chuyen de": MeetingKind.COMBINED,
    "combined": MeetingKind.COMBINED,
    "bat thuong": MeetingKind.EXTRAORDINARY,
    "bat_thuong": MeetingKind.EXTRAORDINARY,
    "extraordinary": MeetingKind.EXTRAORDINARY,
}


class PlanError(Exception):
    """The file was refused; ``problems`` are "dòng N: ..." lines."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class PlannedMeeting:
    line: int
    kind: MeetingKind
    starts_at: datetime
    place: str | None
    topic: str | None
    presenters: str | None


def _parse_date(raw: str) -> date:
    text = raw.strip()
    iso = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", text)
    vn = re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", text)
    try:
        if iso:
            return date(int(iso.group(1)), int(iso.group(2)), int(iso.group(3)))
        if vn:
            return date(int(vn.group(3)), int(vn.group(2)), int(vn.group(1)))
    except ValueError:  # e.g. 31/02: Python's own message is English
        raise ValueError(f"ngày «{text}» không có trên lịch") from None
    raise ValueError("ngày phải có dạng dd/mm/yyyy hoặc yyyy-mm-dd")


def _parse_time(raw: str) -> time:
    m = re.fullmatch(r"(\d{1,2})\s*(?::|h|g)\s*(\d{2})?", normalize(raw))
    if not m:
        raise ValueError("giờ phải có dạng 14:00 hoặc 14h00")
    try:
        return time(int(m.group(1)), int(m.group(2) or 0))
    except ValueError:
        raise ValueError(f"giờ «{raw.strip()}» không hợp lệ") from None


class Readable(Protocol):
    def readline(self, size: int = -1, /) -> str: ...


def _lines(source: Readable) -> Iterator[str]:
    """The file's lines, read one at a time and never more than ``MAX_LINE`` characters, so
    a huge file is refused without being read whole."""
    number = 0
    while line := source.readline(MAX_LINE + 1):
        number += 1
        if len(line) > MAX_LINE:
            raise PlanError([f"dòng {number}: dài quá {MAX_LINE} ký tự"])
        yield line.lstrip("\ufeff") if number == 1 else line


def _records(reader: Any) -> Iterator[list[str]]:
    """The CSV records; a broken one (a quote never closed, a field too long) is refused."""
    try:
        yield from reader
    except csv.Error:
        problem = "ô dữ liệu không đọc được (thiếu dấu ngoặc kép đóng, hoặc dài quá)"
        raise PlanError([f"dòng {reader.line_num}: {problem}"]) from None


def parse_plan(source: str | Readable, *, tz_name: str, now: datetime) -> list[PlannedMeeting]:
    """Every row, or ``PlanError`` listing every bad row. ``source`` is the text or an open
    file, read line by line and not past the row limit."""
    tz = ZoneInfo(tz_name)
    if isinstance(source, str):
        source = io.StringIO(source)
    reader = csv.reader(_lines(source))
    records = _records(reader)
    problems: list[str] = []
    header = next(records, None)
    if header is None:
        raise PlanError(["tệp trống"])
    names = [COLUMNS.get(normalize(h).replace("_", " "), "") for h in header]
    missing = [c for c in ("date", "time", "kind") if c not in names]
    if missing:
        raise PlanError([f"dòng 1: thiếu cột {', '.join(missing)}"])
    planned: list[PlannedMeeting] = []
    seen: dict[tuple[MeetingKind, datetime], int] = {}
    for row in records:
        line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        if len(planned) + len(problems) >= MAX_ROWS:
            problems.append(f"dòng {line}: quá {MAX_ROWS} dòng")
            break
        values = {name: (row[i].strip() if i < len(row) else "") for i, name in enumerate(names)}
        try:
            day = _parse_date(values["date"])
            at = _parse_time(values["time"])
            kind = KINDS.get(normalize(values["kind"]))
            if kind is None:
                raise ValueError(f"loại «{values['kind']}» không rõ")
            starts_at = datetime.combine(day, at, tz)
            if starts_at <= now:
                raise ValueError("thời điểm đã qua")
            if starts_at - now > _AHEAD:
                raise ValueError("thời điểm xa quá (hơn 2 năm)")
            for field, key in (("place", "place"), ("topic", "topic"), ("presenters", "presenter")):
                if len(values.get(key, "")) > TEXT_LIMITS[field]:
                    raise ValueError(f"cột {key} dài quá {TEXT_LIMITS[field]} ký tự")
            if (kind, starts_at) in seen:
                raise ValueError(f"trùng với dòng {seen[(kind, starts_at)]}")
        except ValueError as exc:
            problems.append(f"dòng {line}: {exc}")
            continue
        seen[(kind, starts_at)] = line
        planned.append(
            PlannedMeeting(
                line,
                kind,
                starts_at,
                values.get("place") or None,
                values.get("topic") or None,
                values.get("presenter") or None,
            )
        )
    if problems:
        raise PlanError(problems)
    if not planned:
        raise PlanError(["không có dòng nào"])
    return planned


async def import_plan(db: Database, clock: Clock, cell_id: int, source: str | Readable) -> int:
    """Import the plan into the cell in one transaction; returns how many meetings."""
    now = clock.now()
    async with db.session() as session:
        cell = await session.get(Cell, cell_id)
        if cell is None:
            raise PlanError([f"không có chi bộ {cell_id}"])
        planned = parse_plan(source, tz_name=CellInfo.of(cell).timezone, now=now)
        repo = MeetingRepository(session)
        existing = {
            (MeetingKind(m.kind), m.starts_at)
            for m in await repo.in_range(
                cell.id, min(p.starts_at for p in planned), max(p.starts_at for p in planned) + _DAY
            )
        }
        clashes = [
            f"dòng {p.line}: đã có buổi sinh hoạt này trong lịch"
            for p in planned
            if (p.kind, p.starts_at) in existing
        ]
        if clashes:
            raise PlanError(clashes)
        for p in planned:
            meeting = await repo.add(
                Meeting(
                    cell_id=cell.id,
                    kind=p.kind,
                    status=MeetingStatus.SCHEDULED,
                    starts_at=p.starts_at,
                    duration_minutes=default_duration(p.kind),
                    place=p.place,
                    topic=p.topic,
                    presenters=p.presenters,
                )
            )
            await reminders.plan_meeting(session, meeting, cell, now)
        await AuditRepository(session).record(
            cell.id, "plan_imported", actor_member_id=None, details={"meetings": len(planned)}
        )
        return len(planned)
