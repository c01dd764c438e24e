"""Every text for a domain error key, assembled from the features' tables in one place.

``InvalidInput(key)`` and ``StaleAction(key)`` carry a key; handlers/common.py looks the key up
here. A test checks that every key the core raises has a text.
"""

from __future__ import annotations

from bot.texts import (
    attendance,
    auditlog,
    broadcast,
    cells,
    comments,
    exports,
    meetings,
    orgs,
    privacy,
    reminder_prefs,
    roster,
)
from bot.texts import members as tm


def _merge(*tables: dict[str, str]) -> dict[str, str]:
    merged: dict[str, str] = {}
    for table in tables:
        for key, text in table.items():
            if merged.get(key, text) != text:
                raise RuntimeError(f"two different texts for the error key {key!r}")
            merged[key] = text
    return merged


INPUT_ERRORS: dict[str, str] = _merge(
    {
        **tm.NAME_ERRORS,
        "last_secretary": tm.LAST_SECRETARY,
        "cannot_deactivate_self": tm.CANNOT_DEACTIVATE_SELF,
        "cell_name_length": tm.CELL_NAME_LENGTH,
    },
    attendance.INPUT_ERRORS,
    meetings.INPUT_ERRORS,
    broadcast.INPUT_ERRORS,
    comments.INPUT_ERRORS,
    {"bad_period": exports.BAD_PERIOD},
    exports.MINUTES_INPUT_ERRORS,
    orgs.INPUT_ERRORS,
    roster.STATUS_ERRORS,
    cells.INPUT_ERRORS,
    reminder_prefs.INPUT_ERRORS,
)

STALE_ERRORS: dict[str, str] = _merge(
    {
        "invalid_code": tm.CODE_INVALID,
        "code_used": tm.CODE_USED,
        "code_expired": tm.CODE_EXPIRED,
        "already_decided": tm.ALREADY_DECIDED,
        "already_member": tm.JOIN_ALREADY_MEMBER,
        "member_gone": tm.MEMBER_GONE,
        "cell_gone": tm.CELL_GONE,
        "not_active": tm.MEMBER_NOT_ACTIVE,
        "match_gone": tm.MATCH_GONE,
    },
    attendance.STALE_ERRORS,
    meetings.STALE_ERRORS,
    broadcast.STALE_ERRORS,
    comments.STALE_ERRORS,
    privacy.STALE_ERRORS,
    orgs.STALE_ERRORS,
    auditlog.STALE_ERRORS,
    cells.STALE_ERRORS,
    reminder_prefs.STALE_ERRORS,
)
