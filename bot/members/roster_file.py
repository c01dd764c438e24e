"""A roster file (CSV or XLSX) or typed lines, read into checked rows: all or nothing.

Columns (a header row is required in a file; Vietnamese names with or without diacritics,
or English): họ tên/name, năm sinh/birth year, ngày vào đảng/admitted, and
trạng thái/status (chính thức or dự bị; empty means chính thức). Every bad row is reported
by its line number; a typed line is "Họ tên; năm sinh; ngày vào Đảng; chính thức".
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from bot.errors import InvalidInput
from bot.members.names import clean_full_name, fold_name
from bot.text_input import fold_for_matching
from storage.enums import PartyStatus

MAX_ROWS = 1000  # far above the largest cell
MAX_FILE_BYTES = 1_000_000
MAX_CELL = 200  # characters in one cell of the file
OLDEST_BIRTH_YEAR = 1900
COLUMNS: dict[str, str] = {
    "ho ten": "name",
    "ho va ten": "name",
    "ten": "name",
    "name": "name",
    "full name": "name",
    "nam sinh": "birth_year",
    "birth year": "birth_year",
    "ngay vao dang": "admitted",
    "ngay ket nap": "admitted",
    "admitted": "admitted",
    "admitted on": "admitted",
    "trang thai": "status",
    "dang vien": "status",
    "status": "status",
}
STATUSES: dict[str, PartyStatus] = {
    "": PartyStatus.FULL,
    "chinh thuc": PartyStatus.FULL,
    "ct": PartyStatus.FULL,
    "full": PartyStatus.FULL,
    "du bi": PartyStatus.PROBATIONARY,
    "db": PartyStatus.PROBATIONARY,
    "probationary": PartyStatus.PROBATIONARY,
}
NAME_PROBLEMS = {
    "name_is_command": "họ tên không được bắt đầu bằng dấu /",
    "name_too_short": "họ tên ngắn quá",
    "name_too_long": "họ tên dài quá 80 ký tự",
    "name_bad_chars": "họ tên chỉ gồm chữ cái và dấu cách",
}


class RosterFileError(Exception):
    """The rows were refused; ``problems`` are "dòng N: ..." lines."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class RosterRow:
    line: int
    full_name: str
    birth_year: int
    admitted_on: date | None
    party_status: PartyStatus

    @property
    def key(self) -> tuple[str, int]:
        """Who this is: the folded name and the birth year."""
        return fold_name(self.full_name), self.birth_year


DATE_FORMATS = ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d")


def _normalize(text: str) -> str:
    return " ".join(fold_for_matching(text).replace("_", " ").split())


def parse_day(raw: str) -> date | None:
    """A day typed or written as dd/mm/yyyy (also with - or .) or yyyy-mm-dd."""
    text = raw.strip()
    for layout in DATE_FORMATS:
        try:
            return datetime.strptime(text, layout).date()
        except ValueError:
            continue
    return None


def _admission_date(raw: str) -> date:
    day = parse_day(raw)
    if day is None:
        raise ValueError(f"ngày vào Đảng «{raw.strip()[:20]}» cần có dạng dd/mm/yyyy")
    return day


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, date):  # a datetime too
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _csv_records(data: bytes) -> Iterator[tuple[int, list[str]]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise RosterFileError(["tệp CSV cần lưu dạng UTF-8"]) from None
    delimiter = (
        ";" if text.split("\n", 1)[0].count(";") > text.split("\n", 1)[0].count(",") else ","
    )
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for record in reader:
            yield reader.line_num, record
    except csv.Error:
        problem = "ô dữ liệu không đọc được (thiếu dấu ngoặc kép đóng, hoặc dài quá)"
        raise RosterFileError([f"dòng {reader.line_num}: {problem}"]) from None


def _xlsx_records(data: bytes) -> Iterator[tuple[int, list[str]]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise RosterFileError(["tệp XLSX không mở được"]) from None
    try:
        sheet = book.worksheets[0]
        for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            if number > MAX_ROWS + 1:
                raise RosterFileError([f"dòng {number}: quá {MAX_ROWS} dòng"])
            yield number, [_cell_text(v) for v in row]
    finally:
        book.close()


def _status(raw: str) -> PartyStatus:
    status = STATUSES.get(_normalize(raw))
    if status is None:
        raise ValueError(f"trạng thái «{raw[:40]}» không rõ (chính thức hoặc dự bị)")
    return status


def _row(line: int, values: dict[str, str], today: date) -> RosterRow:
    if any(len(v) > MAX_CELL for v in values.values()):
        raise ValueError(f"có ô dài quá {MAX_CELL} ký tự")
    try:
        full_name = clean_full_name(values.get("name", ""))
    except InvalidInput as exc:
        raise ValueError(NAME_PROBLEMS.get(str(exc.args[0]), "họ tên không hợp lệ")) from None
    raw_year = values.get("birth_year", "").strip()
    if not raw_year.isdigit() or not OLDEST_BIRTH_YEAR <= int(raw_year) <= today.year:
        raise ValueError(f"năm sinh «{raw_year[:10]}» không hợp lệ (ví dụ: 1956)")
    birth_year = int(raw_year)
    admitted_on = None
    if values.get("admitted", "").strip():
        admitted_on = _admission_date(values["admitted"])
        if admitted_on > today:
            raise ValueError("ngày vào Đảng chưa tới")
        if admitted_on.year <= birth_year:
            raise ValueError("ngày vào Đảng trước năm sinh")
    return RosterRow(line, full_name, birth_year, admitted_on, _status(values.get("status", "")))


def _rows(
    records: Iterable[tuple[int, list[str]]], names: list[str], today: date
) -> list[RosterRow]:
    rows: list[RosterRow] = []
    problems: list[str] = []
    seen: dict[tuple[str, int], int] = {}
    for line, record in records:
        if not any(cell.strip() for cell in record):
            continue
        if len(rows) + len(problems) >= MAX_ROWS:
            problems.append(f"dòng {line}: quá {MAX_ROWS} dòng")
            break
        values = {n: (record[i].strip() if i < len(record) else "") for i, n in enumerate(names)}
        try:
            row = _row(line, values, today)
            if row.key in seen:
                raise ValueError(f"trùng với dòng {seen[row.key]}")
        except ValueError as exc:
            problems.append(f"dòng {line}: {exc}")
            continue
        seen[row.key] = line
        rows.append(row)
    if problems:
        raise RosterFileError(problems)
    if not rows:
        raise RosterFileError(["không có dòng nào"])
    return rows


def parse_roster_file(data: bytes, filename: str, *, today: date) -> list[RosterRow]:
    """Every row of a CSV or XLSX file (by its name), or ``RosterFileError``."""
    if len(data) > MAX_FILE_BYTES:
        raise RosterFileError([f"tệp lớn quá ({MAX_FILE_BYTES // 1_000_000} MB)"])
    lowered = filename.lower()
    if lowered.endswith(".xlsx"):
        records = _xlsx_records(data)
    elif lowered.endswith(".csv"):
        records = _csv_records(data)
    else:
        raise RosterFileError(["chỉ nhận tệp .csv hoặc .xlsx"])
    header = next(records, None)
    if header is None:
        raise RosterFileError(["tệp trống"])
    names = [COLUMNS.get(_normalize(h), "") for h in header[1]]
    missing = [c for c in ("name", "birth_year") if c not in names]
    if missing:
        labels = {"name": "họ tên", "birth_year": "năm sinh"}
        raise RosterFileError([f"dòng 1: thiếu cột {', '.join(labels[c] for c in missing)}"])
    return _rows(records, names, today)


def parse_typed_lines(text: str, *, today: date) -> list[RosterRow]:
    """Lines typed in the chat, one member each: "Họ tên; năm sinh; ngày vào Đảng; trạng thái"."""
    names = ["name", "birth_year", "admitted", "status"]
    records = [
        (number, [part.strip() for part in line.split(";")])
        for number, line in enumerate(text.splitlines(), start=1)
    ]
    return _rows(records, names, today)
