"""The update processor: one person's updates in arrival order, other people never held up."""

from __future__ import annotations

import asyncio
from typing import Any

from telegram import Update

from handlers.adapters.update_order import PerPersonOrder, person_of

_next_id = iter(range(1, 1_000_000))


def _tap(user: int | None, chat: int = -1001) -> Update:
    """A button press by ``user`` (``None``: a channel post in ``chat``, no user)."""
    update_id = next(_next_id)
    if user is None:
        post = {"message_id": update_id, "date": 0, "chat": {"id": chat, "type": "channel"}}
        return Update.de_json({"update_id": update_id, "channel_post": post}, None)
    sender = {"id": user, "is_bot": False, "first_name": f"U{user}"}
    query = {"id": str(update_id), "from": sender, "chat_instance": "x", "data": "at:1:y"}
    return Update.de_json({"update_id": update_id, "callback_query": query}, None)


class Recorder:
    def __init__(self) -> None:
        self.started: list[tuple[Any, int]] = []
        self.finished: list[tuple[Any, int]] = []
        self.running = 0
        self.most_at_once = 0

    async def handle(self, update: Update, seconds: float) -> None:
        key = person_of(update)
        self.started.append((key, update.update_id))
        self.running += 1
        self.most_at_once = max(self.most_at_once, self.running)
        await asyncio.sleep(seconds)
        self.running -= 1
        self.finished.append((key, update.update_id))


def _in_order(events: list[tuple[Any, int]], key: Any) -> list[int]:
    return [update_id for k, update_id in events if k == key]


async def test_one_persons_updates_finish_in_arrival_order_even_when_the_first_is_slow() -> None:
    processor = PerPersonOrder(8)
    recorder = Recorder()
    # Member 1's first tap is slow and their correction quick; others tap in between.
    plan = [(1, 0.2), (2, 0.0), (1, 0.0), (3, 0.05), (1, 0.01), (2, 0.0), (None, 0.0)]
    updates = [(_tap(user), seconds) for user, seconds in plan]
    tasks = [
        asyncio.create_task(processor.process_update(u, recorder.handle(u, s))) for u, s in updates
    ]
    await asyncio.gather(*tasks)
    ids = {
        user: [u.update_id for u, _ in updates if person_of(u) == person_of(_tap(user))]
        for user in (1, 2, 3)
    }
    for user, expected in ids.items():
        key = ("user", user)
        assert _in_order(recorder.started, key) == expected
        assert _in_order(recorder.finished, key) == expected
    # Nobody waited for member 1's slow tap: members 2 and 3 and the channel post finished first.
    slow_done = recorder.finished.index((("user", 1), updates[0][0].update_id))
    assert {k for k, _ in recorder.finished[:slow_done]} == {
        ("user", 2),
        ("user", 3),
        ("chat", -1001),
    }
    assert processor.people_waiting == 0


async def test_many_interleaved_taps_keep_each_persons_order() -> None:
    processor = PerPersonOrder(4)
    recorder = Recorder()
    updates = [_tap(user) for _ in range(20) for user in range(1, 11)]
    delays = [((u.update_id * 7919) % 13) / 1000 for u in updates]  # 0–12 ms, scrambled
    await asyncio.gather(
        *(
            processor.process_update(u, recorder.handle(u, d))
            for u, d in zip(updates, delays, strict=True)
        )
    )
    for user in range(1, 11):
        key = ("user", user)
        expected = [u.update_id for u in updates if person_of(u) == key]
        assert _in_order(recorder.finished, key) == expected
    assert recorder.most_at_once == 4  # bounded, and different people did run side by side
    assert processor.people_waiting == 0  # no memory kept for people with nothing waiting


async def test_a_person_with_many_updates_does_not_hold_up_the_others() -> None:
    processor = PerPersonOrder(4)
    recorder = Recorder()
    flood = [_tap(1) for _ in range(40)]
    others = [_tap(user) for user in range(2, 6)]
    tasks = [
        asyncio.create_task(processor.process_update(u, recorder.handle(u, 0.02))) for u in flood
    ]
    tasks += [
        asyncio.create_task(processor.process_update(u, recorder.handle(u, 0.0))) for u in others
    ]
    await asyncio.wait_for(asyncio.gather(*tasks[40:]), timeout=0.5)  # not after 40 × 20 ms
    assert sum(1 for k, _ in recorder.finished if k == ("user", 1)) < 10
    await asyncio.gather(*tasks)
    assert processor.people_waiting == 0


def test_whose_order_matters() -> None:
    assert person_of(_tap(7)) == ("user", 7)
    assert person_of(_tap(None, chat=-100123)) == ("chat", -100123)
    assert person_of("not an update") is None
