"""The overview as chat text: a summary, the flagged cells, one line per cell; split into
parts that each fit one Telegram message."""

from __future__ import annotations

from collections.abc import Sequence

from bot.delivery.limits import MAX_TEXT, listed, shorten, split_text
from bot.orgs.overview import CellMonth, Held, Overview
from bot.orgs.views import RoleInfo
from bot.texts import orgs as tx
from bot.texts.common import fmt

FLAG_ROOM = 1500  # the flagged cells' names share this much of the first message
PAGE_HEADER_ROOM = 400  # a later page's title line (the org's name is at most 200 characters)


def _percent(value: float) -> str:
    return f"{value * 100:.0f}%"


def _held(status: Held, line: CellMonth) -> str:
    day = f"{line.regular_day:%d/%m}" if line.regular_day else ""
    if status is Held.HELD:
        return fmt(tx.HELD, day=day).strip()
    if status is Held.UPCOMING:
        return fmt(tx.UPCOMING, day=day).strip()
    return tx.MISSING


def _mark(value: bool | None) -> str:
    return {True: tx.YES, False: tx.NO, None: tx.UNKNOWN}[value]


def cell_line(line: CellMonth) -> str:
    rate = line.rate
    attendance = (
        tx.UNKNOWN
        if rate is None
        else fmt(tx.ATTENDANCE, present=line.present, base=line.base, rate=_percent(rate))
    )
    thematic = {Held.HELD: tx.YES, Held.UPCOMING: "🕒", Held.MISSING: tx.NO}[line.thematic]
    return fmt(
        tx.CELL_LINE,
        cell=line.cell_name,
        regular=_held(line.regular, line),
        thematic=thematic,
        attendance=attendance,
        hd12=_mark(line.hd12_met),
        unexcused=line.absent_unexcused if line.recorded else tx.UNKNOWN,
        agenda=_mark(line.agenda_ahead),
    )


def summary(overview: Overview, lines: Sequence[CellMonth]) -> list[str]:
    """The title, the counts and the flagged cells (shared with the monthly digest)."""
    role = overview.role
    total = len(lines)
    out = [
        fmt(tx.OVERVIEW_TITLE, month=overview.month, year=overview.year, org=role.org.name),
        fmt(tx.OVERVIEW_SCOPE, role=tx.ROLE_NAMES[role.role], count=total),
        fmt(
            tx.OVERVIEW_COUNTS,
            held=sum(line.regular is Held.HELD for line in lines),
            thematic=sum(line.thematic is Held.HELD for line in lines),
            met=sum(line.hd12_met is True for line in lines),
            total=total,
        ),
    ]
    flagged = [line.cell_name for line in lines if line.flagged]
    if flagged:
        names = listed(flagged, FLAG_ROOM, sep=", ", more=tx.MORE_CELLS)
        out.append(fmt(tx.OVERVIEW_FLAGGED, cells=names))
    elif lines:
        out.append(tx.OVERVIEW_NONE_FLAGGED)
    return out


def overview_parts(overview: Overview) -> list[str]:
    """The overview of its month as pages, each one message; pages after the first repeat
    the title with the page number (room for it is kept when splitting)."""
    lines = overview.current
    if not lines:
        return [fmt(tx.NO_CELLS)]
    flagged_first = sorted(lines, key=lambda line: (not line.flagged, line.cell_name))
    text = "\n".join(
        [*summary(overview, lines), "", *map(cell_line, flagged_first), "", fmt(tx.LEGEND)]
    )
    title = summary(overview, lines)[0]
    parts = split_text(text, MAX_TEXT - PAGE_HEADER_ROOM)
    return [parts[0]] + [
        shorten(fmt(tx.PAGE_HEADER, title=title, page=n, pages=len(parts)), PAGE_HEADER_ROOM)
        + "\n"
        + part
        for n, part in enumerate(parts[1:], start=2)
    ]


def org_help(roles: Sequence[RoleInfo]) -> str:
    """The /help lines of a person's roles in parent committees ("" when they hold none)."""
    if not roles:
        return ""
    lines = [
        fmt(tx.HELP_ORG, role=tx.ROLE_NAMES[role.role].lower(), org=role.org.name) for role in roles
    ]
    return "\n".join([*lines, tx.HELP_ORG_COMMANDS])
