"""The overview's aggregates against a hand-built month, the scope of each role, nesting,
and the pure rules (HD 12 criterion, agenda a day ahead, held / upcoming / missing)."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import event

from bot.attendance.base import MeetingBase, meeting_base
from bot.clock import ManualClock
from bot.delivery.limits import MAX_TEXT, telegram_length
from bot.errors import StaleAction
from bot.orgs import files
from bot.orgs.months import month_of_code, parse_month, step
from bot.orgs.overview import CellMonth, Held, cell_months, months_up_to
from bot.orgs.render import cell_line, overview_parts
from bot.orgs.roles import ROLE_PREFIX, NoOrgRole, descendants
from bot.services import Services
from storage.enums import OrgRole, StatusKind
from storage.models import Cell, Meeting, MeetingKind, MeetingStatus, MemberStatus
from storage.repositories.orgs import CellRef, MeetingTotals
from tests.orgs.month import (
    EXPECTED_LINES,
    FOUR,
    FOUR_DAY,
    FOUR_LINE,
    FOUR_LINE_WITHOUT_HER_EXEMPTION,
    FOUR_SECRETARY,
    ONE,
    THREE,
    TWO,
    StatusCell,
    build_month,
    build_status_cell,
)

NOVEMBER = (2026, 11)


async def _claim(services: Services, payload: str, telegram_id: int) -> int:
    assert payload.startswith(ROLE_PREFIX)
    claim = await services.orgs.claim(payload[len(ROLE_PREFIX) :], telegram_id, "Đồng chí Test")
    return claim.role.id


async def _ward(services: Services) -> tuple[int, list[int]]:
    """The ward's org with the three cells under it; returns the org id and the cell ids."""
    month = await build_month(services.db)
    org, _ = await services.orgs.create_org("Đảng ủy phường Bến Nghé")
    for cell_id in month.cell_ids:
        await services.orgs.attach_cell(cell_id, org.id)
    return org.id, list(month.cell_ids)


async def test_overview_numbers_match_the_hand_built_month(services: Services) -> None:
    org_id, _ = await _ward(services)
    _, payload = await services.orgs.new_invite(org_id, OrgRole.SECRETARY)
    role_id = await _claim(services, payload, 900)
    overview = await services.overviews.month(900, role_id, NOVEMBER)
    lines = {line.cell_name: line for line in overview.current}
    assert set(lines) == {ONE, TWO, THREE}
    one, two, three = lines[ONE], lines[TWO], lines[THREE]
    # The absence with a reason is out of the QĐ 24 base (as in the minutes and /thongke).
    assert (one.regular, one.thematic, one.base, one.present) == (Held.HELD, Held.HELD, 9, 9)
    assert one.rate == 1.0 and one.hd12_met is True and one.absent_unexcused == 0
    assert one.agenda_ahead is True and not one.flagged
    assert (two.recorded, two.base, two.present, two.absent_unexcused) == (1, 5, 4, 1)
    assert two.hd12_met is False and two.agenda_ahead is False and two.thematic is Held.MISSING
    assert three.regular is Held.MISSING and three.flagged and three.rate is None
    assert three.hd12_met is None and three.agenda_ahead is None
    text = "\n".join(overview_parts(overview))
    for expected in EXPECTED_LINES.values():
        assert expected in text
    assert "Họp thường kỳ: 2/3 · Chuyên đề trong quý: 1/3 · Đạt tiêu chí HD 12: 1/3" in text
    assert f"⚠️ Chưa họp thường kỳ trong tháng: {THREE}" in text


async def _line_of(services: Services, four: StatusCell, telegram_id: int) -> CellMonth:
    """Khu phố 4's November line, seen by the bí thư of a ward over it alone."""
    org, payload = await services.orgs.create_org("Đảng ủy phường Bến Thành")
    await services.orgs.attach_cell(four.cell_id, org.id)
    role_id = await _claim(services, payload, telegram_id)
    (line,) = (await services.overviews.month(telegram_id, role_id, NOVEMBER)).current
    return line


async def _minutes_counts(services: Services, four: StatusCell) -> MeetingBase:
    """bot/attendance/base.py's counts of Khu phố 4's meeting (the minutes, /thongke)."""
    async with services.db.session() as session:
        meeting = await session.get(Meeting, four.meeting_id)
        cell = await session.get(Cell, four.cell_id)
        assert meeting is not None and cell is not None
        return await meeting_base(session, meeting, cell)


async def test_statuses_change_the_overview_as_they_change_the_minutes_and_thongke(
    services: Services,
) -> None:
    """The overview's attendance, absences without reason and HD 12 verdict for a meeting
    where an exempted member, a visitor, an away member, one on long leave and one excused are
    absent: the same as bot/attendance/base.py (the minutes) and /thongke say. The old count
    (present / marked over every row) said 10/16 (62%), 5 without reason, HD 12 not met."""
    four = await build_status_cell(services.db)
    line = await _line_of(services, four, 909)
    counts = await _minutes_counts(services, four)
    stats = await services.stats.year(FOUR_SECRETARY[1], 2026)
    (quality,) = stats.meetings
    (month,) = stats.months

    # The minutes' counts: 14 of the cell (the two visitors are not), 2 exempted, 1 away.
    assert (counts.total, counts.exempted, counts.away, counts.visiting) == (14, 2, 1, 2)
    assert (counts.absent_excused, counts.absent_unexcused, counts.not_recorded) == (2, 0, 0)
    assert (counts.base, counts.base_present) == (8, 8)
    assert (quality.expected, quality.present, quality.met) == (8, 8, True)
    assert (month.month, month.expected, month.present) == (11, 8, 8)
    # The overview says the same.
    assert (line.cell_name, line.regular, line.regular_day) == (FOUR, Held.HELD, FOUR_DAY)
    assert (line.base, line.present) == (counts.base, counts.base_present) == (8, 8)
    assert (line.base, line.present) == (month.expected, month.present)
    assert line.rate == quality.rate == counts.rate == 1.0
    assert line.absent_unexcused == counts.absent_unexcused == 0
    assert line.hd12_met is quality.met is True
    assert cell_line(line) == FOUR_LINE


async def test_without_her_exemption_an_absence_counts_as_without_reason(
    services: Services,
) -> None:
    """The same meeting before Ngô Thị Sáu's exemption (from the meeting's local day, 06/11;
    the UTC day is 05/11) is recorded: her absence is one without reason, everywhere."""
    four = await build_status_cell(services.db, with_her_exemption=False)
    line = await _line_of(services, four, 910)
    counts = await _minutes_counts(services, four)
    (quality,) = (await services.stats.year(FOUR_SECRETARY[1], 2026)).meetings
    assert (line.base, line.present, line.absent_unexcused) == (9, 8, 1)
    assert (counts.base, counts.base_present, counts.absent_unexcused) == (9, 8, 1)
    assert (quality.expected, quality.present, quality.met) == (9, 8, False)
    assert line.hd12_met is quality.met is False
    assert cell_line(line) == FOUR_LINE_WITHOUT_HER_EXEMPTION


async def test_of_two_statuses_on_the_meetings_day_the_later_counts(services: Services) -> None:
    """The app refuses overlapping statuses, but old data may hold two: like base.py (a dict
    by member, the later row last), the overview reads the later one, and counts the member
    once."""
    four = await build_status_cell(services.db)
    async with services.db.session() as session:
        for kind in (StatusKind.EXEMPT_MEETINGS, StatusKind.AWAY):  # exempted, then away
            session.add(
                MemberStatus(
                    cell_id=four.cell_id,
                    member_id=four.people["Lý Văn Một"],  # present
                    kind=kind,
                    starts_on=FOUR_DAY,
                    ends_on=FOUR_DAY,
                    reason="Dữ liệu cũ",
                )
            )
    line = await _line_of(services, four, 911)
    counts = await _minutes_counts(services, four)
    assert (counts.exempted, counts.away) == (2, 2)  # away: out of the base, present or not
    assert (line.base, line.present) == (counts.base, counts.base_present) == (7, 7)


async def test_the_overview_is_aggregated_by_the_database(services: Services) -> None:
    """Attendance rows are counted by GROUP BY: one row per meeting comes back, never one per
    member (the statements that read the attendance table all group)."""
    org_id, _ = await _ward(services)
    _, payload = await services.orgs.new_invite(org_id, OrgRole.DEPUTY)
    role_id = await _claim(services, payload, 901)
    statements: list[str] = []

    def seen(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        statements.append(statement)

    engine = services.db.engine.sync_engine
    event.listen(engine, "before_cursor_execute", seen)
    try:
        await services.overviews.month(901, role_id, NOVEMBER)
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    reading = [s for s in statements if "attendance" in s.lower()]
    assert reading and all("GROUP BY" in s for s in reading)


async def test_each_role_sees_its_own_cells_and_nested_orgs_roll_up(services: Services) -> None:
    org_id, cell_ids = await _ward(services)
    district, _ = await services.orgs.create_org("Đảng ủy quận 1")
    ward2, _ = await services.orgs.create_org("Đảng ủy phường 2", parent_id=district.id)
    async with services.db.session() as session:  # the ward moves under the district
        from storage.repositories.orgs import OrgRepository

        org = await OrgRepository(session).get(org_id)
        assert org is not None
        org.parent_id = district.id
    _, payload = await services.orgs.new_invite(district.id, OrgRole.SECRETARY)
    district_role = await _claim(services, payload, 902)
    overview = await services.overviews.month(902, district_role, NOVEMBER)
    assert {c.id for c in overview.cells} == set(cell_ids)  # the ward's cells, one level down
    _, payload = await services.orgs.new_invite(ward2.id, OrgRole.SECRETARY)
    empty = await _claim(services, payload, 903)
    assert (await services.overviews.month(903, empty, NOVEMBER)).cells == ()

    _, payload = await services.orgs.new_invite(org_id, OrgRole.OVERSEER, cell_ids[:2])
    overseer = await _claim(services, payload, 904)
    overview = await services.overviews.month(904, overseer, NOVEMBER)
    assert [c.name for c in overview.cells] == [ONE, TWO]
    # Someone else's role id, a forged one, or no role at all: refused.
    with pytest.raises(StaleAction):
        await services.overviews.month(904, district_role, NOVEMBER)
    with pytest.raises(NoOrgRole):
        await services.overviews.month(110, None, NOVEMBER)  # a cell's secretary
    # An overseer's cells must be under the org; the invite is one-time.
    with pytest.raises(StaleAction):
        await services.orgs.new_invite(ward2.id, OrgRole.OVERSEER, cell_ids[:1])
    with pytest.raises(StaleAction, match="code_used"):
        await services.orgs.claim(payload[len(ROLE_PREFIX) :], 905, "Người khác")
    again = await services.orgs.claim(payload[len(ROLE_PREFIX) :], 904, "Đồng chí Test")
    assert again.already


async def test_invites_expire(services: Services, clock: ManualClock) -> None:
    org, payload = await services.orgs.create_org("Đảng ủy xã An Phú")
    clock.advance(timedelta(days=31))
    with pytest.raises(StaleAction, match="code_expired"):
        await services.orgs.claim(payload[len(ROLE_PREFIX) :], 906, "Đồng chí Test")
    with pytest.raises(StaleAction, match="invalid_code"):
        await services.orgs.claim("nope", 906, "Đồng chí Test")
    assert org.name == "Đảng ủy xã An Phú"


async def test_workbook_and_chart_hold_counts_only(services: Services) -> None:
    month = await build_month(services.db)
    org, payload = await services.orgs.create_org("Đảng ủy phường Bến Nghé")
    for cell_id in month.cell_ids:
        await services.orgs.attach_cell(cell_id, org.id)
    role_id = await _claim(services, payload, 907)
    overview, content = await services.overviews.workbook(907, role_id, NOVEMBER)
    sheet = load_workbook(io.BytesIO(content))["Tổng hợp"]
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    assert len(rows) == 3 * 11  # three cells, January to November
    one = next(r for r in rows if r[0] == ONE and r[1] == "11/2026")
    assert one[2:11] == ["Đã họp", "05/11/2026", "Đã họp", 9, 9, 1, "Có", 0, "Có"]
    three = next(r for r in rows if r[0] == THREE and r[1] == "11/2026")
    assert three[-1] == "Chưa họp thường kỳ"
    everything = " ".join(
        str(c.value) for ws in load_workbook(io.BytesIO(content)) for row in ws for c in row
    )
    assert not [p for p in month.private if p in everything]
    charted, png = await services.overviews.chart(907, role_id, NOVEMBER)
    assert png is not None and png.startswith(b"\x89PNG")
    assert sorted({(line.year, line.month) for line in charted.lines}) == months_up_to(2026, 11, 6)
    assert files.chart_png(overview) is not None


def _totals(**values: object) -> MeetingTotals:
    base: dict[str, object] = {
        "meeting_id": 1,
        "cell_id": 1,
        "kind": MeetingKind.REGULAR,
        "status": MeetingStatus.SCHEDULED,
        "starts_at": datetime(2026, 11, 5, 12, tzinfo=UTC),
        "duration_minutes": 90,
        "recorded": 20,
        "base": 20,
        "present": 18,
        "absent_unexcused": 0,
        "absent_unclassified": 0,
        "not_recorded": 0,
        "agenda_sent_at": datetime(2026, 11, 4, 12, tzinfo=UTC),
    }
    return MeetingTotals(**{**base, **values})  # type: ignore[arg-type]


CELL = CellRef(1, "Chi bộ Thử", "Asia/Ho_Chi_Minh")
AFTER = datetime(2026, 11, 30, tzinfo=UTC)


def _line(*totals: MeetingTotals, now: datetime = AFTER) -> CellMonth:
    (line,) = cell_months([CELL], list(totals), [NOVEMBER], now)
    return line


def test_hd12_needs_above_85_percent_and_no_unexcused_absence() -> None:
    assert _line(_totals()).hd12_met is True  # 90%
    assert _line(_totals(base=20, present=17)).hd12_met is False  # exactly 85%: not above
    assert _line(_totals(present=19, absent_unexcused=1)).hd12_met is False  # 95% but unexcused
    assert _line(_totals(present=18, absent_unclassified=1)).hd12_met is None  # not classified
    assert _line(_totals(not_recorded=1)).hd12_met is None  # someone expected left unmarked
    nothing = _line(_totals(recorded=0, base=20, present=0, not_recorded=20))
    assert (nothing.hd12_met, nothing.rate, nothing.recorded) == (None, None, 0)  # not recorded
    assert _line(_totals(base=0, present=0)).hd12_met is False  # as /thongke: 0% of nobody
    # Two regular meetings: the month's rate sums them; one failing fails the month.
    later = datetime(2026, 11, 20, 12, tzinfo=UTC)
    both = _line(_totals(), _totals(meeting_id=2, starts_at=later, base=10, present=8))
    assert (both.base, both.present, both.recorded, both.hd12_met) == (30, 26, 2, False)
    unknown = _line(_totals(), _totals(meeting_id=2, starts_at=later, absent_unclassified=1))
    assert unknown.hd12_met is None


def test_agenda_exactly_a_day_ahead_counts_and_later_does_not() -> None:
    start = datetime(2026, 11, 5, 12, tzinfo=UTC)
    assert _line(_totals(agenda_sent_at=start - timedelta(days=1))).agenda_ahead is True
    late = start - timedelta(days=1) + timedelta(minutes=1)
    assert _line(_totals(agenda_sent_at=late)).agenda_ahead is False
    assert _line(_totals(agenda_sent_at=None)).agenda_ahead is False


def test_held_upcoming_missing_and_the_local_month() -> None:
    before = datetime(2026, 11, 5, 12, tzinfo=UTC)
    line = _line(_totals(), now=before)
    assert line.regular is Held.UPCOMING and line.recorded == 0 and not line.flagged
    # 30/11 at 20:00 in Hà Nội is still November there (13:00 UTC), 1/12 at 01:00 is not.
    december = datetime(2026, 12, 2, tzinfo=UTC)
    late = _totals(starts_at=datetime(2026, 11, 30, 13, tzinfo=UTC))
    assert _line(late, now=december).regular is Held.HELD
    next_month = _totals(starts_at=datetime(2026, 11, 30, 18, tzinfo=UTC))  # 01:00 on 1/12
    assert _line(next_month, now=december).regular is Held.MISSING
    # A thematic session counts for the whole quarter; a combined one counts for both.
    thematic = _totals(kind=MeetingKind.THEMATIC, starts_at=datetime(2026, 10, 8, tzinfo=UTC))
    line = _line(thematic)
    assert line.thematic is Held.HELD and line.regular is Held.MISSING
    combined = _line(_totals(kind=MeetingKind.COMBINED))
    assert combined.thematic is Held.HELD and combined.regular is Held.HELD


def test_a_long_overview_is_split_to_fit_and_every_line_says_its_cell() -> None:
    from bot.orgs.overview import Overview
    from bot.orgs.views import OrgInfo, RoleInfo

    cells = [CellRef(i, f"Chi bộ số {i} " + "X" * 150, "Asia/Ho_Chi_Minh") for i in range(300)]
    lines = cell_months(cells, [], [NOVEMBER], AFTER)
    role = RoleInfo(
        1, OrgInfo(1, "Đảng ủy", None, "Asia/Ho_Chi_Minh"), OrgRole.SECRETARY, "A", 1, 1
    )
    parts = overview_parts(Overview(role, 2026, 11, tuple(cells), tuple(lines)))
    assert len(parts) > 1 and all(telegram_length(p) <= MAX_TEXT for p in parts)
    assert "… và" in parts[0]  # the flagged names were cut to fit, the rest counted
    assert all(cell_line(line) in "\n".join(parts) for line in lines)


def test_month_parsing_and_steps() -> None:
    assert parse_month("11/2026") == (2026, 11) and parse_month(" 1/2027 ") == (2027, 1)
    for bad in ("13/2026", "11-2026", "١١/2026", "0/2026", "11/99999", ""):
        with pytest.raises(Exception, match="bad_month"):
            parse_month(bad)
    assert month_of_code("202611") == (2026, 11) and month_of_code("202613") is None
    assert month_of_code("99999999") is None
    assert step((2026, 1), -1) == (2025, 12) and step((2026, 12), 1) == (2027, 1)
    assert months_up_to(2026, 2, 3) == [(2025, 12), (2026, 1), (2026, 2)]
    assert descendants({1: None, 2: 1, 3: 2, 4: None, 5: 5}, 1) == [1, 2, 3]
    assert descendants({1: 2, 2: 1}, 1) == [1, 2]  # a cycle in bad data ends


async def test_chart_and_workbook_are_made_off_the_event_loop(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    org_id, _ = await _ward(services)
    _, payload = await services.orgs.new_invite(org_id, OrgRole.SECRETARY)
    role_id = await _claim(services, payload, 908)
    threads: list[threading.Thread] = []
    for name in ("chart_png", "workbook"):
        real = getattr(files, name)

        def spy(overview: object, real: object = real) -> object:
            threads.append(threading.current_thread())
            return real(overview)  # type: ignore[operator]

        monkeypatch.setattr(files, name, spy)
    await services.overviews.chart(908, role_id, NOVEMBER)
    await services.overviews.workbook(908, role_id, NOVEMBER)
    assert len(threads) == 2 and threading.current_thread() not in threads
