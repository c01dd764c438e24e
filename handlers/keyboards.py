"""Inline keyboards: Telegram markup built from callback data (codec: bot/delivery/callbacks.py)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeAlias
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.delivery.callbacks import CallbackData, decode
from bot.delivery.outgoing import ButtonRows
from bot.texts.attendance import meeting_title
from bot.views import MeetingInfo

__all__ = ["CallbackData", "Row", "button", "decode", "keyboard", "markup", "meeting_choice"]

Row: TypeAlias = list[InlineKeyboardButton]  # one row of an inline keyboard


def button(text: str, route: str, id_: int, arg: str | None = None) -> InlineKeyboardButton:
    return InlineKeyboardButton(text, callback_data=CallbackData(route, id_, arg).encode())


def keyboard(*rows: Row) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([row for row in rows if row])


def markup(buttons: ButtonRows) -> InlineKeyboardMarkup | None:
    """The Telegram keyboard for the core's button rows (``None`` when there are none)."""
    if not buttons:
        return None
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(b.text, url=b.url)
                if b.url
                else InlineKeyboardButton(b.text, callback_data=b.callback_data)
                for b in row
            ]
            for row in buttons
        ]
    )


def meeting_choice(
    meetings: Iterable[MeetingInfo], tz: ZoneInfo, route: str
) -> InlineKeyboardMarkup:
    """One button a meeting, labelled with its title; pressing it sends ``route:<meeting>``."""
    rows = [[button(meeting_title(m.kind, m.starts_at, tz)[:60], route, m.id)] for m in meetings]
    return InlineKeyboardMarkup(rows)
