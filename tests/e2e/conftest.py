"""End-to-end harness: the real python-telegram-bot Application, over HTTP, against the fake
Bot API server on 127.0.0.1, with the database of the ``db`` fixture (SQLite and PostgreSQL).

Tests play users (``await user.send("/lich")``, ``await user.press(message, "✅ Có mặt")``)
and assert what the bot sent (``harness.api``) and what the database holds (``harness.services``).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from bot.app import build_application, start_application, stop_application
from bot.clock import ManualClock
from bot.services import Services
from bot.simulator import FakeBotApi, FakeGroup, FakeUser
from handlers.context import ChiboApp

TOKEN = "123456:E2E-TEST-TOKEN"
SECRETARY_ID = 100
Message = dict[str, Any]


@dataclass
class Harness:
    api: FakeBotApi
    app: ChiboApp
    services: Services
    clock: ManualClock
    people: dict[str, FakeUser] = field(default_factory=dict)

    async def say(
        self, user: FakeUser, text: str, timeout: float = 5.0, *, expect: str | None = None
    ) -> Message:
        """Send a private message and return the bot's next reply (the next one whose text or
        buttons contain ``expect``: reminders and nudges from the outbox may come in between)."""
        await user.send(text)
        if expect is None:
            return await self.api.wait_for_message(user.id, timeout=timeout)
        return await self.api.wait_for_message(
            user.id,
            lambda m: expect in str(m.get("text", "")) or expect in str(m.get("reply_markup")),
            timeout=timeout,
        )

    async def wait_text(self, chat_id: int, message_id: int, expected: str) -> Message:
        """Wait until a bot message (edited in place) contains ``expected``; return it."""

        def current() -> Message | None:
            return self.api.get_message(chat_id, message_id)

        await self.api.wait_until(lambda: expected in str((current() or {}).get("text", "")))
        message = current()
        assert message is not None
        return message

    async def record_status(
        self, committee: FakeUser, name: str, kind: str, period: str, *, expect: str | None = None
    ) -> Message:
        """From /thanhvien, the member's card → 🗓 → ``kind`` ("Miễn sinh hoạt", …), then
        ``period`` ("từ ngày; đến ngày; lý do"); the bot's reply to it."""
        roster = await self.say(committee, "/thanhvien", expect=expect or name)
        await committee.press(roster, name)
        card = await self.wait_text(committee.id, roster["message_id"], "Vai trò")
        await committee.press(card, "🗓 Miễn, sinh hoạt tạm thời, nghỉ dài ngày")
        screen = await self.wait_text(committee.id, roster["message_id"], "Trạng thái sinh hoạt")
        await committee.press(screen, kind)
        await self.api.wait_for_message(committee.id, lambda m: "từ ngày; đến ngày" in m["text"])
        return await self.say(committee, period)

    async def secretary(
        self,
        cell_name: str = "Chi bộ Khu phố 3",
        name: str = "Nguyễn Thị Hoa",
        telegram_id: int = SECRETARY_ID,
    ) -> FakeUser:
        """A cell created from the command line, claimed through its one-time link."""
        _, payload = await self.services.cells.create_cell(cell_name)
        user = self.api.user(telegram_id, name.split()[-1], last_name=" ".join(name.split()[:-1]))
        reply = await self.say(user, f"/start {payload}")
        assert "bí thư" in reply["text"]
        reply = await self.say(user, name)
        assert name in reply["text"]
        self.people[name] = user
        return user

    async def group(
        self, secretary: FakeUser, chat_id: int = -1001, admin: bool = True
    ) -> FakeGroup:
        group = self.api.group(chat_id, "Chi bộ Khu phố 3 — nhóm")
        await group.add_bot(by=secretary, admin=admin)
        await self.api.wait_for_message(chat_id)
        return group

    async def restart(self) -> ChiboApp:
        """A new Application on the same database and fake server (the old one is stopped by
        the test); the fixture stops this one."""
        self.app = build_application(
            self.services,
            token=TOKEN,
            base_url=self.api.base_url,
            base_file_url=self.api.base_file_url,
        )
        await start_application(self.app, poll_timeout=1)
        return self.app

    async def invite_payload(self, secretary: FakeUser) -> str:
        reply = await self.say(secretary, "/moi")
        link = next(word for word in reply["text"].split() if "?start=" in word)
        return link.split("?start=", 1)[1]

    async def member(
        self, secretary: FakeUser, name: str, telegram_id: int, *, approve: bool = True
    ) -> FakeUser:
        """A person who opens the invite link, gives a name and is approved (or rejected)."""
        payload = await self.invite_payload(secretary)
        user = self.api.user(telegram_id, name.split()[-1], last_name=" ".join(name.split()[:-1]))
        reply = await self.say(user, f"/start {payload}")
        assert "họ và tên" in reply["text"]
        reply = await self.say(user, name)
        assert "chờ" not in reply["text"] or "gửi tới chi ủy" in reply["text"]
        review = await self.api.wait_for_message(secretary.id, lambda m: name in m.get("text", ""))
        await secretary.press(review, 0 if approve else 1)
        await self.api.wait_for_message(user.id)  # the decision
        self.people[name] = user
        return user


@pytest.fixture
async def harness(services: Services, clock: ManualClock) -> AsyncIterator[Harness]:
    api = FakeBotApi(token=TOKEN, bot_username="ChiBoBot")
    await api.start()
    app = build_application(
        services, token=TOKEN, base_url=api.base_url, base_file_url=api.base_file_url
    )
    await start_application(app, poll_timeout=1)
    harness = Harness(api, app, services, clock)
    try:
        yield harness
    finally:
        # The Application running now: a test that restarted the bot has a new one.
        await stop_application(harness.app)
        await api.stop()
