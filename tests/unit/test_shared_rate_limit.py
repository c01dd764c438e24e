"""Interactive replies and the outbox worker share one sending budget."""

from __future__ import annotations

import time
from typing import Any

import pytest
from telegram.error import RetryAfter

from bot.delivery.ratelimit import RateLimiter
from bot.delivery.shared_budget import PostgresSendBudget
from bot.ops.metrics import MESSAGES_RATE_LIMITED, MESSAGES_SENT
from handlers.adapters.rate_limit import PRE_ADMITTED, SharedRateLimiter
from storage.db import Database


class FakeTime:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


async def _call(limiter: SharedRateLimiter, endpoint: str, chat_id: Any, args: Any = None) -> None:
    async def callback() -> bool:
        return True

    assert await limiter.process_request(callback, (), {}, endpoint, {"chat_id": chat_id}, args)


async def test_interactive_sends_count_against_the_shared_global_budget() -> None:
    clock = FakeTime()
    budget = RateLimiter(global_rate=5, now=clock)
    shared = SharedRateLimiter(budget)
    for chat in range(5):
        await _call(shared, "sendMessage", chat)
    # The budget for this second is spent: the worker must wait for the next one.
    assert budget.admit(99) > 0.9


async def test_pre_admitted_and_unlimited_requests_are_not_counted() -> None:
    clock = FakeTime()
    budget = RateLimiter(global_rate=2, now=clock)
    shared = SharedRateLimiter(budget)
    for _ in range(5):
        await _call(shared, "sendMessage", 7, PRE_ADMITTED)
        await _call(shared, "answerCallbackQuery", None)
        await _call(shared, "getUpdates", None)
    assert budget.admit(1) == 0.0


async def test_interactive_replies_may_burst_in_one_chat_but_mark_it_busy() -> None:
    clock = FakeTime()
    budget = RateLimiter(global_rate=28, now=clock)
    shared = SharedRateLimiter(budget)
    await _call(shared, "sendMessage", 42)
    await _call(shared, "editMessageText", 42)  # no per-chat wait for a reply burst
    # ...but the worker's next message to that chat keeps Telegram's 1/s spacing.
    assert budget.admit(42) > 1.0


async def test_with_several_instances_a_reply_books_the_bot_wide_budget(db: Database) -> None:
    if db.dialect != "postgresql":
        pytest.skip("instances share a budget only on PostgreSQL")
    replies = SharedRateLimiter(RateLimiter(), PostgresSendBudget(db.engine))
    other_instance = PostgresSendBudget(Database(db.url).engine)
    try:
        await _call(replies, "sendMessage", 42)
        # The outbox of another instance keeps the chat's 1 s after that reply.
        started = time.monotonic()
        assert (await other_instance.reserve(43, per_chat=True)).busy == 0.0
        assert time.monotonic() - started < 0.5
        assert (await other_instance.reserve(42, per_chat=True)).busy == 0.0
        assert time.monotonic() - started >= 0.9
    finally:
        await other_instance.engine.dispose()


async def test_direct_replies_are_counted_in_the_metrics_429s_included() -> None:
    shared = SharedRateLimiter(RateLimiter(global_rate=28))
    sent, limited = MESSAGES_SENT._value.get(), MESSAGES_RATE_LIMITED._value.get()
    await _call(shared, "sendMessage", 5)

    async def refused() -> bool:
        raise RetryAfter(3)

    with pytest.raises(RetryAfter):
        await shared.process_request(refused, (), {}, "sendMessage", {"chat_id": 6}, None)
    assert MESSAGES_SENT._value.get() == sent + 1
    assert MESSAGES_RATE_LIMITED._value.get() == limited + 1
