"""The .ics file: RFC 5545 shape, UTC times, escaping, folding (no database)."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from bot.meetings.ics import escape, fold, meeting_ics
from bot.views import MeetingInfo
from storage.models import MeetingKind, MeetingStatus

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def _meeting(**kw: object) -> MeetingInfo:
    values: dict[str, object] = {
        "id": 7,
        "cell_id": 1,
        "kind": MeetingKind.COMBINED,
        "status": MeetingStatus.SCHEDULED,
        "starts_at": datetime(2026, 12, 5, 14, tzinfo=VN),
        "duration_minutes": 120,
        "place": "Hội trường; tầng 2, phòng A",
        "chair": None,
        "minute_taker": None,
        "agenda": None,
        "topic": "Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh " * 3,
        "presenters": "Nguyễn Văn An",
        "materials": "https://example.org/tai-lieu",
        "preparation": None,
        "occurrence_key": None,
    }
    values.update(kw)
    return MeetingInfo(**values)  # type: ignore[arg-type]


def _unfold(data: bytes) -> list[str]:
    return data.decode("utf-8").replace("\r\n ", "").split("\r\n")


def test_shape_and_utc_times() -> None:
    data = meeting_ics(_meeting(), "Chi bộ Khu phố 3", datetime(2026, 11, 27, 1, tzinfo=UTC))
    assert data.endswith(b"\r\n") and b"\n" not in data.replace(b"\r\n", b"")
    lines = _unfold(data)
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-2] == "END:VCALENDAR"
    assert "DTSTART:20261205T070000Z" in lines
    assert "DTEND:20261205T090000Z" in lines
    assert "UID:meeting-7@chibo" in lines
    assert "LOCATION:Hội trường\\; tầng 2\\, phòng A" in lines
    assert "STATUS:CONFIRMED" in lines


def test_lines_are_folded_at_75_octets_without_breaking_characters() -> None:
    data = meeting_ics(_meeting(), "Chi bộ", datetime(2026, 11, 27, 1, tzinfo=UTC))
    for raw in data.split(b"\r\n"):
        assert len(raw) <= 75
        raw.decode("utf-8")  # no split multi-byte character
    description = next(line for line in _unfold(data) if line.startswith("DESCRIPTION:Chuyên"))
    assert "\\n" in description  # the lines of the description are escaped newlines


def test_escape_and_fold_helpers() -> None:
    assert escape("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"
    folded = fold("X" * 200)
    assert [len(p) for p in folded.split("\r\n")] == [75, 75, 52]


def test_cancelled_meeting_is_marked() -> None:
    data = meeting_ics(
        _meeting(status=MeetingStatus.CANCELLED), "Chi bộ", datetime(2026, 11, 27, tzinfo=UTC)
    )
    assert "STATUS:CANCELLED" in _unfold(data)
