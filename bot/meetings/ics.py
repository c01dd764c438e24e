"""An RFC 5545 calendar file (.ics) for one meeting, to add it to a phone calendar.

Times are written in UTC (``...Z``): every calendar app converts them to the phone's zone, and
no VTIMEZONE block is needed. Lines end with CRLF, text is escaped (\\ ; , newline) and lines
are folded at 75 octets without splitting a UTF-8 character.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from bot.texts import common as tc
from bot.views import MeetingInfo

PRODID = "-//Tro ly chi bo//Meetings//VI"
MAX_OCTETS = 75
DEFAULT_ALARM_MINUTES = 120  # when the cell has no lead times at all


def escape(text: str) -> str:
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\n")
        .replace("\r", "\n")
        .replace("\n", "\\n")
    )


def fold(line: str) -> str:
    """Split a content line into ≤ 75-octet pieces joined by CRLF + space."""
    pieces: list[str] = []
    current = ""
    limit = MAX_OCTETS
    for ch in line:
        if len((current + ch).encode("utf-8")) > limit:
            pieces.append(current)
            current = ch
            limit = MAX_OCTETS - 1  # continuation lines start with a space
        else:
            current += ch
    pieces.append(current)
    return "\r\n ".join(pieces)


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def meeting_ics(
    meeting: MeetingInfo,
    cell_name: str,
    now: datetime,
    domain: str = "chibo",
    *,
    leads: tuple[int, ...] = (),
) -> bytes:
    """The calendar file; its alarm rings at the cell's shortest reminder lead (``leads`` in
    minutes), and SEQUENCE / LAST-MODIFIED let a phone replace the event after a move."""
    alarm = min(leads) if leads else DEFAULT_ALARM_MINUTES
    summary = f"{tc.KIND_NAMES[meeting.kind]} — {cell_name}"
    details = [
        value
        for value in (
            meeting.topic and f"Chuyên đề: {meeting.topic}",
            meeting.agenda and f"Nội dung: {meeting.agenda}",
            meeting.presenters and f"Người chuẩn bị bản đề dẫn: {meeting.presenters}",
            meeting.materials and f"Tài liệu: {meeting.materials}",
            meeting.preparation and f"Chuẩn bị: {meeting.preparation}",
        )
        if value
    ]
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:meeting-{meeting.id}@{domain}",
        f"DTSTAMP:{_stamp(now)}",
        f"SEQUENCE:{meeting.ics_sequence}",
        f"LAST-MODIFIED:{_stamp(meeting.updated_at or now)}",
        f"DTSTART:{_stamp(meeting.starts_at)}",
        f"DTEND:{_stamp(meeting.ends_at)}",
        f"SUMMARY:{escape(summary)}",
    ]
    if meeting.place:
        lines.append(f"LOCATION:{escape(meeting.place)}")
    if details:
        lines.append(f"DESCRIPTION:{escape(chr(10).join(details))}")
    status = "CANCELLED" if meeting.status.value == "cancelled" else "CONFIRMED"
    lines += [
        f"STATUS:{status}",
        "BEGIN:VALARM",
        "ACTION:DISPLAY",
        f"DESCRIPTION:{escape(summary)}",
        f"TRIGGER:-PT{alarm}M",
        "END:VALARM",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return ("\r\n".join(fold(line) for line in lines) + "\r\n").encode("utf-8")


def filename(meeting: MeetingInfo, tz: ZoneInfo) -> str:
    """Named by the meeting's day in the cell's zone (a 06:00 meeting in Hà Nội is on the
    local day, not the UTC day before)."""
    return f"sinh-hoat-{meeting.local_start(tz):%Y%m%d}-{meeting.id}.ics"
