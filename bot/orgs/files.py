"""The overview as files: an .xlsx across all cells and months, and a chart of the cells by
month. Both are CPU work: callers run them off the event loop (``asyncio.to_thread``).
openpyxl and matplotlib are imported on first use (bot/exports/service.py says why)."""

from __future__ import annotations

import io
from typing import Any

from bot.orgs.overview import CellMonth, Held, Overview
from bot.texts import orgs as tx
from bot.texts.common import fmt


def _yes_no(value: bool | None) -> str:
    return {True: tx.XLSX_YES, False: tx.XLSX_NO, None: tx.XLSX_UNKNOWN}[value]


def _row(line: CellMonth) -> list[object]:
    rate = line.rate
    return [
        line.cell_name,
        f"{line.month:02d}/{line.year}",
        tx.XLSX_STATUS[line.regular.value],
        f"{line.regular_day:%d/%m/%Y}" if line.regular_day else "",
        tx.XLSX_STATUS[line.thematic.value],
        line.base,
        line.present,
        round(rate, 4) if rate is not None else "",
        _yes_no(line.hd12_met),
        line.absent_unexcused,
        _yes_no(line.agenda_ahead),
        tx.XLSX_FLAG if line.flagged else "",
    ]


def workbook(overview: Overview) -> bytes:
    """One row per cell and month (counts only), and a sheet saying how each is counted."""
    from openpyxl import Workbook

    from bot.exports.xlsx import _sheet

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = tx.SHEET_OVERVIEW
    _sheet(sheet, tx.XLSX_HEADERS, [_row(line) for line in overview.lines])
    sheet.column_dimensions["A"].width = 36
    for row in sheet.iter_rows(min_row=2, min_col=8, max_col=8):
        for cell in row:
            cell.number_format = "0.0%"
    notes = book.create_sheet(tx.SHEET_NOTES)
    _sheet(notes, (tx.SHEET_NOTES,), [[fmt(tx.LEGEND)]])
    notes.column_dimensions["A"].width = 120
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def chart_png(overview: Overview) -> bytes | None:
    """Per month: how many cells held their regular meeting and met the HD 12 criterion,
    against the number of cells (matplotlib, Agg; imported lazily)."""
    if not overview.cells:
        return None
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    months = sorted({(line.year, line.month) for line in overview.lines})
    held = [sum(line.regular is Held.HELD for line in overview.of_month(y, m)) for y, m in months]
    met = [sum(line.hd12_met is True for line in overview.of_month(y, m)) for y, m in months]
    labels = [f"{m:02d}/{y % 100:02d}" for y, m in months]
    positions = list(range(len(months)))
    figure, axes = plt.subplots(figsize=(8, 4), dpi=100)
    try:
        axes.bar(
            [p - 0.2 for p in positions], held, width=0.4, color="#b22222", label=tx.CHART_HELD
        )
        axes.bar([p + 0.2 for p in positions], met, width=0.4, color="#daa520", label=tx.CHART_MET)
        axes.axhline(len(overview.cells), color="#555555", linestyle="--", linewidth=1)
        axes.set_xticks(positions, labels)
        axes.set_ylim(0, max(len(overview.cells), 1) * 1.15)
        axes.set_ylabel(tx.CHART_TOTAL)
        axes.set_title(fmt(tx.CHART_TITLE, org=overview.role.org.name)[:90])
        axes.legend(loc="lower left", fontsize=8)
        figure.tight_layout()
        return _png(figure)
    finally:
        plt.close(figure)


def _png(figure: Any) -> bytes:
    out = io.BytesIO()
    figure.savefig(out, format="png")
    return out.getvalue()
