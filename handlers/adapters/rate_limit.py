"""One sending budget for the whole bot: PTB's requests wait on the same ``RateLimiter`` as the
outbox worker.

Without this, interactive replies (a roster, a live delivery report, the group panel) would be
sent on top of the worker's 28 messages/s and push the total past Telegram's 30/s during a
broadcast. The worker admits its own sends before calling PTB and marks them with
``rate_limit_args=PRE_ADMITTED``, so they are not counted twice. Interactive replies share the
overall budget but not the per-chat spacing (a reply and its confirmation may follow each other
at once in the chat the person is using). PTB's ``AIORateLimiter`` is not
used: it has no per-private-chat limit and blocks every request while retrying.

With several instances on one PostgreSQL, a reply first waits for its slot in the bot-wide
budget (bot/delivery/shared_budget.py), so the replies of all instances and all their outbox
sends stay within Telegram's limits together.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any

from telegram._utils.types import JSONDict
from telegram.error import RetryAfter, TelegramError
from telegram.ext import BaseRateLimiter

from bot.delivery.outgoing import SendResult, SendStatus
from bot.delivery.ratelimit import RateLimiter
from bot.delivery.shared_budget import SendBudget
from bot.ops.metrics import count_send_result

PRE_ADMITTED = True
# Methods that put something in a chat: they count against Telegram's limits.
LIMITED_ENDPOINTS = frozenset(
    {
        "sendMessage",
        "sendDocument",
        "sendPhoto",
        "sendMediaGroup",
        "sendAudio",
        "sendVideo",
        "sendVoice",
        "sendAnimation",
        "sendSticker",
        "sendLocation",
        "sendContact",
        "sendPoll",
        "copyMessage",
        "forwardMessage",
        "editMessageText",
        "editMessageCaption",
        "editMessageReplyMarkup",
        "editMessageMedia",
    }
)


class SharedRateLimiter(BaseRateLimiter[bool]):
    def __init__(self, limiter: RateLimiter, budget: SendBudget | None = None) -> None:
        self.limiter = limiter
        self.budget = budget or SendBudget()

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | JSONDict | list[JSONDict]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: bool | None,
    ) -> bool | JSONDict | list[JSONDict]:
        key = _chat_key(data.get("chat_id"))
        if rate_limit_args is PRE_ADMITTED or endpoint not in LIMITED_ENDPOINTS or key is None:
            return await callback(*args, **kwargs)
        await self.budget.start(await self.budget.reserve(key, per_chat=False))
        flight = await self.budget.admit()
        try:
            # The limiter is a schedule of start times, not an event to wait for.
            while (wait := self.limiter.admit(key, per_chat=False)) > 0:  # noqa: ASYNC110
                await asyncio.sleep(wait)
            try:
                answer = await callback(*args, **kwargs)
            except RetryAfter:
                count_send_result(SendResult(SendStatus.RETRY_AFTER))
                raise
            except TelegramError:  # a direct reply is not retried: any refusal is a failure
                count_send_result(SendResult(SendStatus.FAILED))
                raise
            finally:
                self.limiter.release()
            count_send_result(SendResult(SendStatus.SENT))
            return answer
        finally:
            await self.budget.finish(flight)


def _chat_key(chat_id: object) -> int | None:
    """Numeric chat ids are limited per chat; an @username (channel) counts as a group."""
    if isinstance(chat_id, int):
        return chat_id
    if isinstance(chat_id, str):
        try:
            return int(chat_id)
        except ValueError:
            return -abs(hash(chat_id)) or -1
    return None
