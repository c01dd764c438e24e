"""The Telegram implementation of the core's ``Sender`` port (bot/delivery/outgoing.py).

Makes exactly one attempt per call and maps Telegram's answer to a ``SendResult``; retrying and
waiting are the outbox worker's job. The worker admits each send against the shared limiter
before calling here and marks the request ``PRE_ADMITTED``, so PTB's rate limiter (our
``SharedRateLimiter``, handlers/adapters/rate_limit.py) lets it through without counting it
twice. A lost answer (read timeout, connection dropped mid-request) is reported as
``UNCERTAIN``: the message may have arrived, so it must not be sent again.
"""

from __future__ import annotations

import logging
import warnings
from datetime import timedelta
from typing import Any

from telegram import InlineKeyboardMarkup, Message
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)
from telegram.ext import ExtBot

from bot.delivery.outgoing import Attachment, OutgoingMessage, SendResult, SendStatus
from bot.ops.metrics import count_send_result
from handlers.adapters.rate_limit import PRE_ADMITTED
from handlers.adapters.transport import request_not_sent
from handlers.keyboards import markup

log = logging.getLogger(__name__)

CAPTION_LIMIT = 1024
_UNREACHABLE_HINTS = ("chat not found", "user is deactivated", "bot was blocked")


def _seconds(value: int | float | timedelta) -> float:
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def classify(exc: TelegramError) -> SendResult:
    """Map a PTB error to what the outbox should do about it."""
    text = str(exc)
    if isinstance(exc, RetryAfter):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return SendResult(SendStatus.RETRY_AFTER, retry_after=_seconds(exc.retry_after))
    if isinstance(exc, ChatMigrated):
        return SendResult(SendStatus.MIGRATED, migrate_to=int(exc.new_chat_id), error=text)
    if isinstance(exc, Forbidden):
        return SendResult(SendStatus.UNREACHABLE, error=text)
    if isinstance(exc, BadRequest):
        lowered = text.lower()
        if "message is not modified" in lowered:
            return SendResult(SendStatus.SENT, error=None)
        if any(hint in lowered for hint in _UNREACHABLE_HINTS):
            return SendResult(SendStatus.UNREACHABLE, error=text)
        return SendResult(SendStatus.FAILED, error=text)
    if isinstance(exc, NetworkError):  # includes TimedOut
        if request_not_sent(exc) or (exc.__cause__ is None and not isinstance(exc, TimedOut)):
            # Not sent, or Telegram answered with a 5xx: retry later.
            return SendResult(SendStatus.TEMPORARY, error=text)
        return SendResult(SendStatus.UNCERTAIN, error=text)
    return SendResult(SendStatus.FAILED, error=text)


def _counted(result: SendResult) -> SendResult:
    """Every outbox send and edit is classified here, so here /metrics counts them."""
    count_send_result(result)
    return result


class TelegramSender:
    def __init__(self, bot: ExtBot[Any]) -> None:
        self.bot = bot

    async def send(self, chat_id: int, message: OutgoingMessage) -> SendResult:
        try:
            sent = await self._send(chat_id, message)
        except TelegramError as exc:
            return _counted(classify(exc))
        if message.pin:
            await self._pin(chat_id, sent.message_id)
        return _counted(SendResult(SendStatus.SENT, message_id=sent.message_id))

    async def edit(self, chat_id: int, message_id: int, message: OutgoingMessage) -> SendResult:
        parse_mode = ParseMode.HTML if message.html else None
        try:
            if message.attachments:
                await self.bot.edit_message_caption(
                    chat_id,
                    message_id,
                    caption=message.text[:CAPTION_LIMIT],
                    reply_markup=markup(message.buttons),
                    parse_mode=parse_mode,
                    rate_limit_args=PRE_ADMITTED,
                )
            else:
                await self.bot.edit_message_text(
                    message.text,
                    chat_id,
                    message_id,
                    reply_markup=markup(message.buttons),
                    parse_mode=parse_mode,
                    rate_limit_args=PRE_ADMITTED,
                )
        except TelegramError as exc:
            return _counted(classify(exc))
        return _counted(SendResult(SendStatus.SENT, message_id=message_id))

    async def _send(self, chat_id: int, message: OutgoingMessage) -> Message:
        parse_mode = ParseMode.HTML if message.html else None
        keyboard = markup(message.buttons)
        if not message.attachments:
            # The worker admitted this send against the shared limiter already.
            return await self.bot.send_message(
                chat_id,
                message.text,
                reply_markup=keyboard,
                parse_mode=parse_mode,
                rate_limit_args=PRE_ADMITTED,
            )
        # Several requests for one outbox row: each waits on the shared limiter itself.
        *extra, last = message.attachments
        for attachment in extra:
            await self._attachment(chat_id, attachment, None, None, None)
        if len(message.text) <= CAPTION_LIMIT:
            return await self._attachment(chat_id, last, message.text, keyboard, parse_mode)
        await self._attachment(chat_id, last, None, None, None)
        return await self.bot.send_message(
            chat_id, message.text, reply_markup=keyboard, parse_mode=parse_mode
        )

    async def _attachment(
        self,
        chat_id: int,
        attachment: Attachment,
        caption: str | None,
        keyboard: InlineKeyboardMarkup | None,
        parse_mode: str | None,
    ) -> Message:
        media: str | bytes = attachment.file_id or attachment.content
        if attachment.kind == "photo":
            return await self.bot.send_photo(
                chat_id, media, caption=caption, reply_markup=keyboard, parse_mode=parse_mode
            )
        return await self.bot.send_document(
            chat_id,
            media,
            caption=caption,
            reply_markup=keyboard,
            parse_mode=parse_mode,
            filename=attachment.filename if not attachment.file_id else None,
        )

    async def _pin(self, chat_id: int, message_id: int) -> None:
        """Pinning needs admin rights in the group; without them the message still counts."""
        try:
            await self.bot.pin_chat_message(chat_id, message_id, disable_notification=True)
        except TelegramError as exc:
            log.info("could not pin message %s in %s: %s", message_id, chat_id, exc)
