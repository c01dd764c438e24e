"""What the committee types about a meeting, checked: the draft, cleaned texts, durations and
reminder lead times ("3 ngày, 1 ngày, 2 giờ")."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from bot import text_input
from bot.errors import InvalidInput, StaleAction
from bot.meetings.dateparse import MAX_AHEAD_DAYS, normalize
from storage.models import MeetingKind

MIN_DURATION, MAX_DURATION = 30, 480
MIN_LEAD, MAX_LEAD, MAX_LEADS = 10, 14 * 24 * 60, 5
TEXT_LIMITS: dict[str, int] = {
    "place": 255,
    "chair": 120,
    "minute_taker": 120,
    "presenters": 255,
    "agenda": 2000,
    "topic": 1000,
    "materials": 2000,
    "preparation": 2000,
}
EDITABLE = ("when", "duration", *TEXT_LIMITS)
EPOCH_DIGITS = 11  # epoch seconds until the year 5138: any date we offer, and no overflow
WIZARD = "taolich"  # the /taolich wizard's conversation kind; its state is a draft in the DB


@dataclass(frozen=True)
class MeetingDraft:
    kind: MeetingKind
    starts_at: datetime
    place: str | None = None
    duration_minutes: int | None = None
    chair: str | None = None
    agenda: str | None = None
    topic: str | None = None
    presenters: str | None = None
    materials: str | None = None
    preparation: str | None = None


def draft_of(state: dict[str, Any]) -> MeetingDraft:
    """The draft the /taolich wizard has gathered so far (its state in the DB)."""
    kind = MeetingKind(str(state["kind"]))
    return MeetingDraft(
        kind=kind,
        starts_at=datetime.fromisoformat(str(state["starts_at"])),
        place=state.get("place"),
        duration_minutes=default_duration(kind),
        topic=state.get("topic"),
        presenters=state.get("presenters"),
        materials=state.get("materials"),
        preparation=state.get("preparation"),
    )


def offered_start(epoch: str, now: datetime) -> datetime:
    """The start a wizard date button carries (epoch seconds), bounded like a typed date:
    anything we could not have offered is a stale button, never a traceback."""
    if not epoch.isdigit() or len(epoch) > EPOCH_DIGITS:
        raise StaleAction("wizard_gone")
    moment = datetime.fromtimestamp(int(epoch), UTC)
    if moment <= now:
        raise InvalidInput("when_past")
    if moment - now > timedelta(days=MAX_AHEAD_DAYS):
        raise StaleAction("wizard_gone")
    return moment


def default_duration(kind: MeetingKind) -> int:
    return 120 if kind is MeetingKind.COMBINED else 90


def clean_text(field: str, raw: str | None) -> str:
    """The one text cleaner (bot/text_input.py) with this field's limit and the meeting keys."""
    return text_input.clean_text(
        raw, limit=TEXT_LIMITS.get(field, 2000), empty_key="text_empty", long_key="text_too_long"
    )


def parse_duration(raw: str) -> int:
    m = re.fullmatch(r"\s*(\d{1,3})\s*(?:phut|p|')?\s*", normalize(raw))
    if not m or not MIN_DURATION <= int(m.group(1)) <= MAX_DURATION:
        raise InvalidInput("duration_bad")
    return int(m.group(1))


def parse_leads(raw: str) -> tuple[int, ...]:
    """ "3 ngày, 1 ngày, 2 giờ" → (4320, 1440, 120)."""
    units = {"ngay": 1440, "gio": 60, "h": 60, "tieng": 60, "phut": 1, "p": 1}
    parts = [
        p
        for p in re.split(r"[,;]|\bva\b", ";".join(normalize(x) for x in re.split(r"[,;]", raw)))
        if p.strip()
    ]
    leads: set[int] = set()
    for part in parts:
        m = re.fullmatch(r"\s*(\d{1,3})\s*(ngay|gio|h|tieng|phut|p)\s*(?:truoc)?\s*", part)
        if not m:
            raise InvalidInput("leads_bad")
        minutes = int(m.group(1)) * units[m.group(2)]
        if not MIN_LEAD <= minutes <= MAX_LEAD:
            raise InvalidInput("leads_bad")
        leads.add(minutes)
    if not leads or len(leads) > MAX_LEADS:
        raise InvalidInput("leads_bad")
    return tuple(sorted(leads, reverse=True))
