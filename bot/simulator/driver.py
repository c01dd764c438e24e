"""The control API tests and the terminal chat use: inspect chats, inject errors, wait."""

from __future__ import annotations

import asyncio
import bisect
import contextlib
import copy
import time
from collections import deque
from collections.abc import Callable

from bot.simulator.entities import ApiEvent, FakeGroup, FakeUser, chat_id_of
from bot.simulator.protocol import JSON, ApiError
from bot.simulator.world import World


class Driver(World):
    """Inspecting what the bot did, injecting failures and waiting for the bot."""

    # ------------------------------------------------------------ inspection

    def messages(
        self,
        chat: int | FakeUser | FakeGroup,
        *,
        include_users: bool = False,
        include_service: bool = False,
    ) -> list[JSON]:
        """Current state of the bot's messages in a chat (edits applied, deleted gone)."""
        c = self._chats.get(chat_id_of(chat))
        if c is None:
            return []
        return [
            copy.deepcopy(m.data)
            for m in c.messages.values()
            if (m.by_bot or include_users) and (include_service or not m.service)
        ]

    def last_message(self, chat: int | FakeUser | FakeGroup) -> JSON | None:
        """The bot's latest (non-service) message in the chat, or None."""
        c = self._chats.get(chat_id_of(chat))
        if c is None:
            return None
        for mid in reversed(c.bot_ids):
            m = c.messages.get(mid)
            if m is not None and not m.service:
                return copy.deepcopy(m.data)
        return None

    def get_message(self, chat: int | FakeUser | FakeGroup, message_id: int) -> JSON | None:
        c = self._chats.get(chat_id_of(chat))
        m = c.messages.get(message_id) if c else None
        return copy.deepcopy(m.data) if m else None

    def raw(self, chat: int | FakeUser | FakeGroup, message_id: int) -> JSON | None:
        """What the bot actually sent: ``{"text": raw markup, "parse_mode": ...}``."""
        c = self._chats.get(chat_id_of(chat))
        m = c.messages.get(message_id) if c else None
        if m is None:
            return None
        return {"text": m.raw_text, "parse_mode": m.parse_mode}

    def reply_keyboard(self, chat: int | FakeUser | FakeGroup) -> JSON | None:
        """The ReplyKeyboardMarkup currently shown in the chat (never part of Message)."""
        c = self._chats.get(chat_id_of(chat))
        return copy.deepcopy(c.reply_keyboard) if c and c.reply_keyboard else None

    def pinned(self, chat: int | FakeUser | FakeGroup) -> list[int]:
        c = self._chats.get(chat_id_of(chat))
        return list(c.pinned) if c else []

    def files(self, chat: int | FakeUser | FakeGroup) -> list[JSON]:
        """Documents/photos the bot sent to the chat, with their bytes."""
        c = self._chats.get(chat_id_of(chat))
        out: list[JSON] = []
        if c is None:
            return out
        for m in c.messages.values():
            if not m.by_bot:
                continue
            d = m.data
            if "document" in d:
                fid, kind = d["document"]["file_id"], "document"
            elif "photo" in d:
                fid, kind = d["photo"][-1]["file_id"], "photo"
            else:
                continue
            rec = self._files[fid]
            out.append(
                {
                    "message_id": d["message_id"],
                    "kind": kind,
                    "file_id": fid,
                    "file_name": rec.file_name,
                    "mime_type": rec.mime_type,
                    "data": rec.data,
                    "caption": d.get("caption"),
                }
            )
        return out

    def file_bytes(self, file_id: str) -> bytes:
        return self._files[file_id].data

    def commands(self, scope: JSON | None = None, language_code: str = "") -> list[JSON]:
        """Commands stored by setMyCommands for exactly this scope and language."""
        key = self._scope_key(scope or {"type": "default"}, language_code)
        return copy.deepcopy(self._commands.get(key, []))

    @property
    def pending_updates(self) -> int:
        return len(self._updates)

    def method_calls(self, method: str) -> list[JSON]:
        """Params of every call of ``method`` (case-insensitive)."""
        low = method.lower()
        return [p for m, p in self.requests if m.lower() == low]

    def add_listener(self, callback: Callable[[ApiEvent], None]) -> None:
        self._listeners.append(callback)

    def remove_listener(self, callback: Callable[[ApiEvent], None]) -> None:
        self._listeners.remove(callback)

    def fail_next(
        self,
        method: str,
        error_code: int,
        description: str | None = None,
        retry_after: int | None = None,
        count: int = 1,
        *,
        parameters: JSON | None = None,
        chat_id: int | None = None,
    ) -> None:
        """Make the next ``count`` calls of ``method`` (to ``chat_id`` only, if given) fail
        with this error."""
        params = dict(parameters or {})
        if retry_after is not None:
            params["retry_after"] = retry_after
        if description is None:
            description = {
                400: "Bad Request: injected error",
                403: "Forbidden: bot was blocked by the user",
                429: f"Too Many Requests: retry after {retry_after or 1}",
                500: "Internal Server Error",
                502: "Bad Gateway",
            }.get(error_code, "Injected error")
        if error_code == 429 and "retry_after" not in params:
            params["retry_after"] = 1
        low = method.lower()
        queue = self._injected.setdefault(low, deque())
        for _ in range(count):
            queue.append((ApiError(error_code, description, params or None), chat_id))

    # ------------------------------------------------------------ waiting

    async def _wait_change(self, event: asyncio.Event, deadline: float) -> None:
        remaining = deadline - asyncio.get_running_loop().time()
        if remaining <= 0:
            raise TimeoutError
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(event.wait(), min(remaining, 0.25))

    async def wait_for_message(
        self,
        chat: int | FakeUser | FakeGroup,
        predicate: Callable[[JSON], bool] | None = None,
        timeout: float = 5.0,
    ) -> JSON:
        """Next NEW bot message in the chat matching ``predicate``.

        "New" means after the chat's cursor: the cursor moves to a user's message
        when they send it, to the newest message when a button is pressed, and to
        each message this method returns — so a reply is never missed even if the
        bot answered before this was awaited.
        """
        chat_id = chat_id_of(chat)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            c = self._chats.get(chat_id)
            event = self._change_event
            if c is not None:
                cursor = self._wait_cursor.get(chat_id, 0)
                for mid in c.bot_ids[bisect.bisect_right(c.bot_ids, cursor) :]:
                    m = c.messages.get(mid)
                    if m is None or m.service:
                        continue
                    if predicate is None or predicate(m.data):
                        self._wait_cursor[chat_id] = mid
                        return copy.deepcopy(m.data)
            try:
                await self._wait_change(event, deadline)
            except TimeoutError:
                recent = [m.get("text") or m.get("caption") for m in self.messages(chat_id)[-3:]]
                raise TimeoutError(
                    f"no new bot message in chat {chat_id} within {timeout}s; "
                    f"last bot messages: {recent!r}"
                ) from None

    async def wait_until(self, condition: Callable[[], bool], timeout: float = 5.0) -> None:
        """Poll ``condition`` (woken by any server activity) until true."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not condition():
            try:
                await self._wait_change(self._change_event, deadline)
            except TimeoutError:
                raise TimeoutError(f"condition not met within {timeout}s") from None

    async def wait_for_callback_answer(self, query_id: str, timeout: float = 5.0) -> JSON:
        await self.wait_until(lambda: query_id in self.callback_answers, timeout)
        return self.callback_answers[query_id]

    async def wait_idle(self, quiet: float = 0.3, timeout: float = 10.0) -> bool:
        """Wait until the bot got all updates (by getUpdates or its webhook) and made no
        call for ``quiet`` s."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while loop.time() < deadline:
            undelivered = bool(self._updates) and (
                self._webhook is not None  # a webhook's pending updates are all undelivered
                or self._updates[-1]["update_id"] > self._delivered_upto
            )
            if (
                not undelivered
                and self._inflight == 0
                and time.monotonic() - self._last_activity >= quiet
            ):
                return True
            await asyncio.sleep(min(0.05, quiet / 2))
        return False
