"""`chibo plan import`: all or nothing, bad rows reported by line number."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from bot.cli import main
from bot.meetings.plan_import import PlanError, import_plan
from bot.services import Services
from storage.models import Meeting, MeetingKind, OutboxMessage
from tests.builders import build_cell

VN = ZoneInfo("Asia/Ho_Chi_Minh")
GOOD = """ngày,giờ,loại,địa điểm,chủ đề,người đề dẫn
05/12/2026,14:00,thường kỳ,Hội trường,,
2027-01-09,14h00,Thường kỳ + chuyên đề,Hội trường,"Học tập, làm theo Bác",Nguyễn Văn An
06/02/2027,8h,chuyen de,Nhà văn hóa,Chủ đề quý I,Trần Văn Bình
"""


async def _count(services: Services) -> int:
    async with services.db.session() as session:
        return int(await session.scalar(select(func.count()).select_from(Meeting)) or 0)


async def test_good_plan_is_imported_with_reminders(services: Services) -> None:
    cell = await build_cell(services.db, members=1)
    assert await import_plan(services.db, services.clock, cell.cell_id, GOOD) == 3
    async with services.db.session() as session:
        meetings = list(await session.scalars(select(Meeting).order_by(Meeting.starts_at)))
        reminders = await session.scalar(
            select(func.count()).select_from(OutboxMessage).where(OutboxMessage.kind == "reminder")
        )
    assert [m.kind for m in meetings] == [
        MeetingKind.REGULAR,
        MeetingKind.COMBINED,
        MeetingKind.THEMATIC,
    ]
    assert meetings[1].starts_at == datetime(2027, 1, 9, 14, tzinfo=VN)
    assert meetings[1].duration_minutes == 120
    assert meetings[1].topic == "Học tập, làm theo Bác"
    assert reminders == 18  # 3 meetings x 2 reachable people x 3 lead times
    with pytest.raises(PlanError, match="dòng 2: đã có"):
        await import_plan(services.db, services.clock, cell.cell_id, GOOD)  # no duplicates


async def test_bad_rows_are_reported_and_nothing_is_imported(services: Services) -> None:
    cell = await build_cell(services.db, members=3)
    bad = GOOD + "31/02/2027,14:00,thường kỳ,,,\n01/01/2020,14:00,thường kỳ,,,\n\n"
    bad += "07/03/2027,25:00,thường kỳ,,,\n08/03/2027,14:00,họp mặt,,,\n"
    with pytest.raises(PlanError) as info:
        await import_plan(services.db, services.clock, cell.cell_id, bad)
    problems = info.value.problems
    assert [p.split(":")[0] for p in problems] == ["dòng 5", "dòng 6", "dòng 8", "dòng 9"]
    assert "đã qua" in problems[1] and "họp mặt" in problems[3]
    assert await _count(services) == 0


async def test_missing_columns(services: Services) -> None:
    cell = await build_cell(services.db, members=3)
    with pytest.raises(PlanError, match="thiếu cột"):
        await import_plan(services.db, services.clock, cell.cell_id, "date,place\n5/12/2026,X\n")
    with pytest.raises(PlanError, match="trống"):
        await import_plan(services.db, services.clock, cell.cell_id, "")


def test_cli_reports_line_numbers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    database = tmp_path / "cli.sqlite3"
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{database}")
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    monkeypatch.chdir(tmp_path)
    assert main(["cell", "create", "--name", "Chi bộ Khu phố 3"]) == 0
    plan = tmp_path / "plan.csv"
    plan.write_text("date,time,kind\n05/12/2099,14:00,regular\n06/12/2099,14:00,xyz\n", "utf-8")
    assert main(["plan", "import", "--cell", "1", str(plan)]) == 1
    assert "dòng 3: loại «xyz» không rõ" in capsys.readouterr().err
    plan.write_text("date,time,kind\n05/12/2027,14:00,regular\n", "utf-8")
    assert main(["plan", "import", "--cell", "1", str(plan)]) == 0
    assert "Imported 1 meetings" in capsys.readouterr().out


def test_impossible_dates_and_times_are_reported_in_vietnamese() -> None:
    from datetime import UTC, datetime

    import pytest

    from bot.meetings.plan_import import PlanError, parse_plan

    text = "ngày,giờ,loại\n31/02/2027,14:00,thường kỳ\n05/03/2027,25:00,thường kỳ\n"
    with pytest.raises(PlanError) as info:
        parse_plan(text, tz_name="Asia/Ho_Chi_Minh", now=datetime(2026, 11, 27, tzinfo=UTC))
    assert info.value.problems == [
        "dòng 2: ngày «31/02/2027» không có trên lịch",
        "dòng 3: giờ «25:00» không hợp lệ",
    ]


NOW = datetime(2026, 11, 27, 1, 0, tzinfo=ZoneInfo("UTC"))


@pytest.mark.parametrize("day", ["31/12/9999", "9999-01-05", "05/12/2029"])
def test_dates_follow_the_chat_parsers_two_year_bound(day: str) -> None:
    from bot.meetings.plan_import import parse_plan

    with pytest.raises(PlanError) as info:
        parse_plan(f"ngày,giờ,loại\n{day},14:00,thường kỳ\n", tz_name="Asia/Ho_Chi_Minh", now=NOW)
    assert info.value.problems == ["dòng 2: thời điểm xa quá (hơn 2 năm)"]


async def test_the_last_day_of_year_9999_is_refused_politely(services: Services) -> None:
    cell = await build_cell(services.db, members=1)
    with pytest.raises(PlanError, match="xa quá"):
        await import_plan(
            services.db, services.clock, cell.cell_id, "date,time,kind\n31/12/9999,23:59,tk\n"
        )


def test_a_big_file_is_read_only_up_to_the_row_limit(tmp_path: Path) -> None:
    from bot.meetings.plan_import import MAX_ROWS, parse_plan

    plan = tmp_path / "plan.csv"
    with plan.open("w", encoding="utf-8") as out:
        out.write("date,time,kind\n")
        for n in range(MAX_ROWS + 1):
            out.write(f"{1 + n % 28:02d}/{1 + n // 28 % 12:02d}/2027,{n % 24}:00,tk\n")
        out.write(("05/12/2027,14:00,tk," + "x" * 70) * 200_000 + "\n")  # ~19 MB more
    with plan.open(encoding="utf-8") as handle:
        with pytest.raises(PlanError, match=f"quá {MAX_ROWS} dòng"):
            parse_plan(handle, tz_name="Asia/Ho_Chi_Minh", now=NOW)
        assert handle.tell() < 1_000_000  # the rest of the file was never read


def test_an_absurdly_long_line_is_refused_in_one_line(tmp_path: Path) -> None:
    from bot.meetings.plan_import import MAX_LINE, parse_plan

    plan = tmp_path / "plan.csv"
    plan.write_text("date,time,kind\n05/12/2027,14:00," + "x" * 5_000_000 + "\n", "utf-8")
    with plan.open(encoding="utf-8") as handle:
        with pytest.raises(PlanError) as info:
            parse_plan(handle, tz_name="Asia/Ho_Chi_Minh", now=NOW)
        assert handle.tell() < 100_000
    assert info.value.problems == [f"dòng 2: dài quá {MAX_LINE} ký tự"]


def test_cli_refuses_a_huge_file_with_one_clear_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'cli.sqlite3'}")
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    monkeypatch.chdir(tmp_path)
    assert main(["cell", "create", "--name", "Chi bộ Khu phố 3"]) == 0
    plan = tmp_path / "plan.csv"
    plan.write_text("date,time,kind\n" + "y" * 3_000_000, "utf-8")
    assert main(["plan", "import", "--cell", "1", str(plan)]) == 1
    err = capsys.readouterr().err
    assert "dòng 2: dài quá" in err and "Traceback" not in err
