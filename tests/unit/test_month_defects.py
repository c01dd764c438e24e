"""Issue #12 point 8's small defects: the .ics name, alarm, SEQUENCE / LAST-MODIFIED, the
cancel text, and the chart's labelled 85% line."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from bot.exports.stats import draw_quality_line
from bot.meetings.drafts import MeetingDraft
from bot.meetings.ics import filename, meeting_ics
from bot.services import Services
from bot.texts import common as tc
from bot.texts import meetings as tx
from storage.models import MeetingKind
from tests.builders import SECRETARY, build_cell
from tests.unit.test_ics import _meeting, _unfold

VN = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime(2026, 11, 27, 1, tzinfo=UTC)


def test_ics_file_is_named_by_the_local_day() -> None:
    early = _meeting(starts_at=datetime(2026, 12, 5, 6, 30, tzinfo=VN))  # 23:30 UTC on 4/12
    assert filename(early, VN) == "sinh-hoat-20261205-7.ics"


def test_ics_alarm_follows_the_cells_shortest_lead() -> None:
    lines = _unfold(meeting_ics(_meeting(), "Chi bộ", NOW, leads=(4320, 1440, 30)))
    assert "TRIGGER:-PT30M" in lines
    assert "TRIGGER:-PT120M" in _unfold(meeting_ics(_meeting(), "Chi bộ", NOW))


def test_ics_has_sequence_and_last_modified() -> None:
    changed = datetime(2026, 11, 20, 3, 4, 5, tzinfo=UTC)
    lines = _unfold(meeting_ics(_meeting(ics_sequence=3, updated_at=changed), "Chi bộ", NOW))
    assert "SEQUENCE:3" in lines and "LAST-MODIFIED:20261120T030405Z" in lines


async def test_sequence_grows_when_a_meeting_is_moved_not_when_its_place_changes(
    services: Services,
) -> None:
    await build_cell(services.db, members=1)
    start = datetime(2026, 12, 5, 14, tzinfo=VN)
    change = await services.meetings.create(SECRETARY, MeetingDraft(MeetingKind.REGULAR, start))
    mid = change.meeting.id
    assert change.meeting.ics_sequence == 0
    placed = await services.meetings.edit(SECRETARY, mid, "place", "Nhà văn hóa")
    assert placed.meeting.ics_sequence == 0
    moved = await services.meetings.edit(SECRETARY, mid, "when", "19h ngày 6/12")
    assert moved.meeting.ics_sequence == 1
    longer = await services.meetings.edit(SECRETARY, mid, "duration", "120")
    assert longer.meeting.ics_sequence == 2
    cancelled = await services.meetings.cancel(SECRETARY, mid)
    assert cancelled.meeting.ics_sequence == 3
    lines = _unfold(meeting_ics(cancelled.meeting, "Chi bộ", NOW))
    assert "SEQUENCE:3" in lines and "STATUS:CANCELLED" in lines


def test_cancel_text_says_sinh_hoat_once() -> None:
    for name in tc.KIND_NAMES.values():
        text = tx.CANCELLED_DONE.format(kind=name.lower(), when="Thứ Bảy, 05/12/2026, lúc 14h00")
        assert "sinh hoạt sinh hoạt" not in text
        assert text.startswith("Đã hủy buổi sinh hoạt")
        notice = tx.NOTICE_CANCELLED.format(kind=name.lower(), when="Thứ Bảy, 05/12/2026")
        assert "sinh hoạt sinh hoạt" not in notice  # the members' notice too
        assert notice.startswith("🚫 Buổi sinh hoạt")


def test_chart_quality_line_is_labelled() -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots()
    try:
        draw_quality_line(axes)
        assert [t.get_text() for t in axes.texts] == ["Mức 85% (HD 12)"]
        assert [list(line.get_ydata()) for line in axes.lines] == [[85.0, 85.0]]  # type: ignore[arg-type]
    finally:
        plt.close(figure)
