"""A draft biên bản sinh hoạt chi bộ (python-docx), laid out as cells usually keep them:
the party committee and cell heading, time, place, chair and minute-taker, totals, absentees
with reasons, the agenda, members' comments, blanks for the proceedings, signatures.
The secretary finishes it; nothing here is presented as the official template."""

from __future__ import annotations

import io
from datetime import datetime
from typing import TYPE_CHECKING

from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK

from bot.attendance.base import opening_line
from bot.attendance.views import Totals
from bot.exports.docx_page import a4_document, party_heading
from bot.exports.report import MeetingReport
from bot.meetings.minutes import SittingTimes, sitting_times, too_short
from bot.texts import attendance as ta
from bot.texts import common as tc
from bot.texts import exports as tx
from bot.views import MIN_MINUTES

if TYPE_CHECKING:
    from docx.document import Document as DocumentType


def _para(doc: DocumentType, text: str, *, bold: bool = False, center: bool = False) -> None:
    paragraph = doc.add_paragraph()
    run = paragraph.add_run(text)
    run.bold = bold
    if center:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER


def minutes_totals(report: MeetingReport) -> Totals:
    """The counts the minutes open with: the one call to swap when the attendance base
    (exemptions, temporary transfers) comes."""
    return report.roll.totals


def _hm(moment: datetime) -> str:
    return f"{moment:%H}h{moment:%M}"


def _length(doc: DocumentType, report: MeetingReport, times: SittingTimes) -> None:
    """The sitting's length, from check-in (or the typed start) to the "kết thúc" tap, and a
    warning under HD 42's minimum."""
    minutes = times.minutes
    if minutes is None or times.started_at is None or times.ended_at is None:
        _para(doc, tx.LENGTH_UNKNOWN)
        return
    start = _hm(times.started_at.astimezone(report.tz))
    source = tx.LENGTH_FROM_CHECKIN if times.start_from_checkin else tx.LENGTH_FROM_START
    end = tx.LENGTH_TO_END.format(time=_hm(times.ended_at.astimezone(report.tz)))
    _para(doc, tx.LENGTH.format(minutes=minutes, start=source.format(time=start), end=end))
    meeting = report.roll.meeting
    if too_short(meeting, times):
        note = doc.add_paragraph().add_run(
            tx.LENGTH_SHORT.format(minimum=MIN_MINUTES[meeting.kind])
        )
        note.italic = True


def _annex(doc: DocumentType, report: MeetingReport) -> None:
    """The comments received, on a page of their own; hidden names stay hidden."""
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    _para(doc, tx.ANNEX_TITLE, bold=True, center=True)
    _para(doc, tx.ANNEX_SUBTITLE, bold=True, center=True)
    for comment in report.comments:
        line = (
            tx.COMMENT_LINE.format(name=comment.author_name, text=comment.text)
            if comment.author_name
            else tx.COMMENT_LINE_HIDDEN.format(text=comment.text)
        )
        doc.add_paragraph(line, style="List Bullet")
    if any(comment.author_name is None for comment in report.comments):
        _para(doc, tx.ANNEX_NOTE)


def write_minutes(report: MeetingReport) -> bytes:
    doc = a4_document()
    roll = report.roll
    meeting = roll.meeting
    local = report.local_start
    party_heading(doc, roll.parent_committee, roll.cell_name, local)
    _para(doc, tx.TITLE, bold=True, center=True)
    kind = tc.KIND_NAMES[meeting.kind].upper()
    _para(doc, tx.SUBTITLE.format(kind=kind, month=f"{local:%m/%Y}"), bold=True, center=True)
    _para(doc, tx.DRAFT_NOTE, center=True)

    times = sitting_times(meeting, report.checkin_at)
    began = (times.started_at or meeting.starts_at).astimezone(report.tz)
    weekday = tc.WEEKDAYS[began.weekday()]
    _para(
        doc,
        tx.TIME.format(time=_hm(began), weekday=weekday, date=f"{began:%d/%m/%Y}"),
    )
    _para(doc, tx.PLACE.format(place=meeting.place or tx.BLANK))
    _para(
        doc,
        tx.CHAIR.format(
            chair=meeting.chair or tx.BLANK, minute_taker=meeting.minute_taker or tx.BLANK
        ),
    )
    _length(doc, report, times)
    totals = minutes_totals(report)
    if roll.attendance_taken and report.counts is not None:
        # The QĐ 24 base: total, exempted, away, present, absent with and without reason.
        line = opening_line(report.counts)
        if totals.absent_unclassified:
            unclassified = totals.absent_unclassified
            line = line.rstrip(".") + tx.ABSENT_DETAIL_UNCLASSIFIED.format(
                unclassified=unclassified
            )
            line += "."
        _para(doc, line)
    else:
        _para(
            doc,
            tx.TOTALS.format(
                members=totals.members, full=totals.full, probationary=totals.probationary
            ),
        )
    if roll.attendance_taken and report.counts is None:
        detail = tx.ABSENT_DETAIL.format(
            excused=totals.absent_excused, unexcused=totals.absent_unexcused
        )
        if totals.absent_unclassified:
            detail += tx.ABSENT_DETAIL_UNCLASSIFIED.format(unclassified=totals.absent_unclassified)
        _para(
            doc, tx.PRESENT_LINE.format(present=totals.present, absent=totals.absent, detail=detail)
        )
    if roll.attendance_taken:
        _para(doc, tx.ABSENTEES, bold=True)
        absent = [e for e in roll.entries if e.present is False]
        for entry in absent:
            kind_text = {True: tx.EXCUSED, False: tx.UNEXCUSED, None: tx.UNCLASSIFIED}[
                entry.absence_excused
            ].lower()
            reason = (
                ta.reason_label(entry.reason_code, entry.reason_text)
                if entry.reason_code
                else "không báo trước"
            )
            doc.add_paragraph(
                tx.ABSENTEE_LINE.format(name=entry.full_name, reason=reason, kind=kind_text),
                style="List Bullet",
            )
        if not absent:
            _para(doc, tx.NONE)
    else:
        _para(doc, tx.NOT_TAKEN)
        _para(doc, tx.REPORTED_ABSENT, bold=True)
        reported = [e for e in roll.entries if e.answer is not None and e.answer.value == "no"]
        for entry in reported:
            doc.add_paragraph(
                f"{entry.full_name} — {ta.reason_label(entry.reason_code, entry.reason_text)}.",
                style="List Bullet",
            )
        if not reported:
            _para(doc, tx.NONE)

    _para(doc, tx.SECTION_AGENDA, bold=True)
    if meeting.topic:
        _para(doc, meeting.topic)
    if report.agenda:
        _para(doc, tx.AGENDA_FROM_BROADCAST)
    for line in (report.agenda or meeting.agenda or tx.BLANK).splitlines():
        if line.strip():
            _para(doc, line.strip())
    if report.comments:
        _para(doc, tx.SEE_ANNEX)

    for section in (tx.SECTION_PROCEEDINGS, tx.SECTION_CONCLUSION):
        _para(doc, section, bold=True)
        for _ in range(3):
            _para(doc, tx.BLANK * 2)
    ended = times.ended_at
    _para(doc, tx.CLOSING_AT.format(time=_hm(ended.astimezone(report.tz))) if ended else tx.CLOSING)

    signatures = doc.add_table(rows=1, cols=2)
    for cell, title, name in (
        (signatures.rows[0].cells[0], tx.SIGN_LEFT, meeting.minute_taker),
        (signatures.rows[0].cells[1], tx.SIGN_RIGHT, meeting.chair),
    ):
        cell.text = f"{title}\n{tx.SIGN_HINT}\n\n\n{name or ''}"
        for paragraph in cell.paragraphs:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if report.comments:
        _annex(doc, report)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
