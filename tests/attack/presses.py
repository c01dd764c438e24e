"""Pressing forged buttons in batches and waiting for the bot to settle."""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Mapping, Sequence

from bot.simulator import FakeGroup, FakeUser
from tests.attack.conftest import Referee, World

Press = tuple[FakeUser, FakeUser | FakeGroup, str]  # who, in which chat, what data
BATCH = 8  # presses in flight at once (several people pressing at the same time)


def name_of(world: World, user: FakeUser) -> str:
    roles = {
        world.secretary.id: "secretary",
        world.member.id: "member",
        world.pending.id: "pending",
        world.rejected.id: "rejected",
        world.deactivated.id: "deactivated",
        world.outsider.id: "member of cell B",
    }
    return roles.get(user.id, f"stranger {user.id}")


def _answered(answers: Mapping[str, object], queries: list[str]) -> bool:
    return all(q in answers for q in queries)


async def press_all(world: World, referee: Referee, presses: Sequence[Press]) -> None:
    """Press each forged button; wait until every press is answered (or 10 s pass) and the
    bot is idle, so that the referee sees everything the presses caused."""
    api = world.harness.api
    for start in range(0, len(presses), BATCH):
        batch: list[str] = []
        for user, chat, data in presses[start : start + BATCH]:
            qid = user.press_data(chat, data)
            where = "group" if isinstance(chat, FakeGroup) else "private"
            referee.queries.append((qid, f"{name_of(world, user)} ({where})", data))
            batch.append(qid)
        with contextlib.suppress(TimeoutError):  # the referee reports what stayed unanswered
            await api.wait_until(functools.partial(_answered, api.callback_answers, batch), 10)
    await api.wait_idle(quiet=0.3)
