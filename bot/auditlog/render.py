"""A page of the log as one Telegram message, within the limits by construction: each line is
cut to LINE_ROOM, the heading to HEADING_ROOM, and PAGE_SIZE lines of that size fit."""

from __future__ import annotations

from bot.auditlog.lines import LogLine
from bot.auditlog.service import PAGE_SIZE, LogPage
from bot.delivery.limits import MAX_TEXT, shorten
from bot.texts import auditlog as tl
from bot.texts.common import fmt

LINE_ROOM = 250
HEADING_ROOM = 300
NAME_ROOM = 60  # a name within a line; the full name is on /thanhvien
assert HEADING_ROOM * 3 + PAGE_SIZE * (LINE_ROOM + 1) <= MAX_TEXT


def line_text(line: LogLine) -> str:
    about = tl.LINE_ABOUT.format(name=shorten(line.about, NAME_ROOM)) if line.about else ""
    meeting = tl.LINE_MEETING.format(meeting=line.meeting) if line.meeting else ""
    text = tl.LINE.format(
        at=f"{line.at:%d/%m/%Y %H:%M}",
        who=shorten(line.who, NAME_ROOM),
        what=line.what,
        about=about,
        meeting=meeting,
    )
    return shorten(text, LINE_ROOM)


def page_text(page: LogPage) -> str:
    heading = [
        shorten(
            fmt(tl.TITLE, cell=page.cell.name, page=page.page + 1, pages=page.pages), HEADING_ROOM
        )
    ]
    if page.filter_label is not None:
        template = tl.FILTER_MEMBER if page.filter.member_id is not None else tl.FILTER_MEETING
        key = "name" if page.filter.member_id is not None else "meeting"
        heading.append(shorten(template.format(**{key: page.filter_label}), HEADING_ROOM))
    body = [line_text(line) for line in page.lines] or [tl.EMPTY]
    return "\n".join([*heading, *body, tl.HINT])
