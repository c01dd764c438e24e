"""Members without Telegram (issue #12 point 1): typed, imported from CSV or XLSX, all or
nothing, bad rows by line, existing members matched rather than duplicated."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from bot.cli import main
from bot.errors import NotAllowed
from bot.members.roster_file import RosterFileError, parse_roster_file, parse_typed_lines
from bot.services import Services
from storage.models import AuditEntry, Member, MemberState, PartyStatus
from tests.builders import SECRETARY, build_cell

TODAY = date(2026, 11, 27)
GOOD_CSV = (
    "Họ tên,Năm sinh,Ngày vào Đảng,Trạng thái\n"
    "Lê Văn Tám,1948,03/02/1975,chính thức\n"
    "Phạm Thị Lan,1952,19/05/1980,\n"
    "Đỗ Văn Hùng,1990,2025-06-01,dự bị\n"
)


def _xlsx(rows: list[list[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


async def _members(services: Services, cell_id: int) -> list[Member]:
    async with services.db.session() as session:
        query = select(Member).where(Member.cell_id == cell_id).order_by(Member.id)
        return list(await session.scalars(query))


def test_csv_rows_are_read_with_vietnamese_headers_and_defaults() -> None:
    rows = parse_roster_file(GOOD_CSV.encode(), "ds.csv", today=TODAY)
    assert [(r.full_name, r.birth_year, r.admitted_on, r.party_status) for r in rows] == [
        ("Lê Văn Tám", 1948, date(1975, 2, 3), PartyStatus.FULL),
        ("Phạm Thị Lan", 1952, date(1980, 5, 19), PartyStatus.FULL),
        ("Đỗ Văn Hùng", 1990, date(2025, 6, 1), PartyStatus.PROBATIONARY),
    ]
    semicolons = "ho ten;nam sinh\nLê Văn Tám;1948\n".encode("utf-8-sig")
    assert parse_roster_file(semicolons, "DS.CSV", today=TODAY)[0].birth_year == 1948


def test_xlsx_rows_including_real_dates_and_numbers() -> None:
    data = _xlsx(
        [
            ["Name", "Birth year", "Admitted", "Status"],
            ["Lê Văn Tám", 1948, date(1975, 2, 3), "ct"],
            [None, None, None, None],
            ["Phạm Thị Lan", 1952.0, "19/05/1980", "dự bị"],
        ]
    )
    rows = parse_roster_file(data, "ds.xlsx", today=TODAY)
    assert [(r.line, r.full_name, r.admitted_on) for r in rows] == [
        (2, "Lê Văn Tám", date(1975, 2, 3)),
        (4, "Phạm Thị Lan", date(1980, 5, 19)),
    ]
    assert rows[1].party_status is PartyStatus.PROBATIONARY


def test_every_bad_row_is_reported_by_line() -> None:
    text = (
        "họ tên,năm sinh,ngày vào đảng,trạng thái\n"
        "Lê Văn Tám,1948,03/02/1975,chính thức\n"
        "X,1950,,\n"
        "Phạm Thị Lan,19xx,,\n"
        "Đỗ Văn Hùng,1990,31/02/2020,\n"
        "Trần Văn Ba,1960,01/01/2030,\n"
        "Ngô Văn Tư,1960,,đảng viên mới\n"
        "lê văn  TÁM,1948,,\n"
    )
    with pytest.raises(RosterFileError) as info:
        parse_roster_file(text.encode(), "ds.csv", today=TODAY)
    assert info.value.problems == [
        "dòng 3: họ tên ngắn quá",
        "dòng 4: năm sinh «19xx» không hợp lệ (ví dụ: 1956)",
        "dòng 5: ngày vào Đảng «31/02/2020» cần có dạng dd/mm/yyyy",
        "dòng 6: ngày vào Đảng chưa tới",
        "dòng 7: trạng thái «đảng viên mới» không rõ (chính thức hoặc dự bị)",
        "dòng 8: trùng với dòng 2",
    ]


@pytest.mark.parametrize(
    ("data", "name", "problem"),
    [
        (b"", "a.csv", "tệp trống"),
        (b"ho ten,ngay\nA B,1\n", "a.csv", "dòng 1: thiếu cột năm sinh"),
        (b"ho ten,nam sinh\n", "a.csv", "không có dòng nào"),
        (b"\xff\xfe\x00", "a.csv", "tệp CSV cần lưu dạng UTF-8"),
        (b"not a zip", "a.xlsx", "tệp XLSX không mở được"),
        (b"x", "a.pdf", "chỉ nhận tệp .csv hoặc .xlsx"),
        (b"x" * 1_000_001, "a.csv", "tệp lớn quá (1 MB)"),
    ],
)
def test_unreadable_files_are_refused_politely(data: bytes, name: str, problem: str) -> None:
    with pytest.raises(RosterFileError) as info:
        parse_roster_file(data, name, today=TODAY)
    assert info.value.problems == [problem]


def test_huge_and_odd_rows_are_refused() -> None:
    rows = "ho ten,nam sinh\n" + "".join(
        f"Người Số {chr(0x41 + i % 26)}{i},1950\n" for i in range(5)
    )
    with pytest.raises(RosterFileError, match="chỉ gồm chữ cái"):
        parse_roster_file(rows.encode(), "a.csv", today=TODAY)
    long_cell = "ho ten,nam sinh\n" + "A" * 5000 + ",1950\n"
    with pytest.raises(RosterFileError, match="dòng 2: có ô dài quá 200 ký tự"):
        parse_roster_file(long_cell.encode(), "a.csv", today=TODAY)
    many = "ho ten,nam sinh\n" + "Lê Văn Tám,1948\n" * 1200
    with pytest.raises(RosterFileError) as info:
        parse_roster_file(many.encode(), "a.csv", today=TODAY)
    assert info.value.problems[-1] == "dòng 1002: quá 1000 dòng"


def test_typed_lines() -> None:
    rows = parse_typed_lines(
        "Lê Văn Tám; 1948; 03/02/1975; chính thức\nPhạm Thị Lan;1952", today=TODAY
    )
    assert [(r.line, r.full_name, r.birth_year) for r in rows] == [
        (1, "Lê Văn Tám", 1948),
        (2, "Phạm Thị Lan", 1952),
    ]


async def test_import_adds_members_without_telegram_and_matches_existing_ones(
    services: Services,
) -> None:
    cell = await build_cell(services.db, members=["Phạm Thị Lan"])
    roster = services.members.roster_entries
    summary = await roster.import_file(SECRETARY, GOOD_CSV.encode(), "ds.csv")
    assert [m.full_name for m in summary.added] == ["Lê Văn Tám", "Đỗ Văn Hùng"]
    # Phạm Thị Lan opened an invite link before: her row gets the birth year, not a twin.
    assert [m.full_name for m in summary.matched] == ["Phạm Thị Lan"]
    rows = {m.full_name: m for m in await _members(services, cell.cell_id)}
    assert len(rows) == 4
    tam = rows["Lê Văn Tám"]
    assert (tam.telegram_id, tam.state, tam.birth_year, tam.admitted_on) == (
        None,
        MemberState.ACTIVE,
        1948,
        date(1975, 2, 3),
    )
    assert rows["Phạm Thị Lan"].telegram_id is not None and rows["Phạm Thị Lan"].birth_year == 1952

    again = await roster.import_file(SECRETARY, GOOD_CSV.encode(), "ds.csv")
    assert (len(again.added), len(again.matched)) == (0, 3)
    assert len(await _members(services, cell.cell_id)) == 4
    async with services.db.session() as session:
        audits = await session.scalar(
            select(func.count()).where(AuditEntry.action == "roster_imported")
        )
    assert audits == 2


async def test_a_file_with_one_bad_row_imports_nothing(services: Services) -> None:
    cell = await build_cell(services.db, members=0)
    before = len(await _members(services, cell.cell_id))
    with pytest.raises(RosterFileError):
        await services.members.roster_entries.import_file(
            SECRETARY, (GOOD_CSV + "Ngô Văn Tư,abc,,\n").encode(), "ds.csv"
        )
    assert len(await _members(services, cell.cell_id)) == before


async def test_only_the_committee_imports(services: Services) -> None:
    cell = await build_cell(services.db, members=2)
    member = cell.members[0]
    assert member.telegram_id is not None
    with pytest.raises(NotAllowed):
        await services.members.roster_entries.import_file(
            member.telegram_id, GOOD_CSV.encode(), "ds.csv"
        )
    with pytest.raises(NotAllowed):
        await services.members.roster_entries.add_typed(member.telegram_id, "Lê Văn Tám;1948")


@pytest.fixture
def cli_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """``chibo`` on a fresh SQLite file, with no bot token."""
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'roster.sqlite3'}")
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_cli_imports_csv_and_xlsx_and_reports_lines(
    cli_database: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tmp_path = cli_database
    assert main(["cell", "create", "--name", "Chi bộ Thôn Đông"]) == 0
    bad = tmp_path / "ds.csv"
    bad.write_text("họ tên,năm sinh\nLê Văn Tám,1948\nPhạm Thị Lan,\n", "utf-8")
    assert main(["roster", "import", "--cell", "1", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "Nothing was imported" in err and "dòng 3: năm sinh «» không hợp lệ" in err
    good = tmp_path / "ds.xlsx"
    good.write_bytes(_xlsx([["Họ tên", "Năm sinh"], ["Lê Văn Tám", 1948], ["Phạm Thị Lan", 1952]]))
    assert main(["roster", "import", "--cell", "1", str(good)]) == 0
    assert "2 added, 0 already listed" in capsys.readouterr().out
    assert main(["roster", "import", "--cell", "1", str(good)]) == 0
    assert "0 added, 2 already listed" in capsys.readouterr().out
    assert main(["roster", "import", "--cell", "9", str(good)]) == 1
    assert "không có chi bộ 9" in capsys.readouterr().err
    assert main(["roster", "import", "--cell", "1", str(tmp_path / "missing.csv")]) == 2


async def test_erasure_forgets_birth_year_admission_and_status_reasons(
    services: Services,
) -> None:
    from bot.members.statuses import StatusService
    from storage.enums import StatusKind
    from storage.models import MemberStatus

    cell = await build_cell(services.db, members=0)
    summary = await services.members.roster_entries.add_typed(
        SECRETARY, "Lê Văn Tám;1948;03/02/1975"
    )
    (tam,) = summary.added
    await StatusService(services.db, services.clock).set_status(
        SECRETARY, tam.id, StatusKind.LONG_LEAVE, TODAY, date(2027, 1, 1), "Điều trị bệnh phổi"
    )
    await services.members.set_active(SECRETARY, tam.id, False)
    await services.privacy.erase(SECRETARY, tam.id)
    async with services.db.session() as session:
        row = await session.get(Member, tam.id)
        reasons = list(await session.scalars(select(MemberStatus.reason)))
        details = [a.details for a in await session.scalars(select(AuditEntry))]
    assert row is not None and (row.birth_year, row.admitted_on) == (None, None)
    assert reasons == ["(đã xóa dữ liệu)"]
    assert "Điều trị bệnh phổi" not in str(details)
    del cell
