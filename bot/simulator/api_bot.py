"""Bot API methods about the bot itself: getMe, getUpdates, commands, name/description
texts, default administrator rights and the menu button (webhooks: ``webhook``)."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import re
import time

from bot.simulator.protocol import JSON, ApiError, Upload, as_int, bad
from bot.simulator.state import ADMIN_RIGHTS
from bot.simulator.world import World


class BotMethods(World):
    """getMe, getUpdates, commands, bot texts, rights and menu button."""

    async def _m_true(self, p: JSON, files: dict[str, Upload]) -> bool:
        return True

    async def _m_get_me(self, p: JSON, files: dict[str, Upload]) -> JSON:
        return {
            **self.bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": not self.privacy_mode,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    async def _m_get_updates(self, p: JSON, files: dict[str, Upload]) -> list[JSON]:
        if self._webhook is not None:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        offset = p.get("offset")
        limit = min(100, max(1, as_int(p.get("limit", 100), "wrong limit")))
        timeout = max(0, as_int(p.get("timeout", 0), "wrong timeout"))
        allowed = p.get("allowed_updates")
        if isinstance(allowed, list):
            self._allowed_updates = frozenset(str(a) for a in allowed) if allowed else None
        if offset is not None:
            off = as_int(offset, "wrong offset")
            if off < 0:
                while len(self._updates) > -off:
                    self._updates.popleft()
            else:
                while self._updates and self._updates[0]["update_id"] < off:
                    self._updates.popleft()
        self._poll_generation += 1
        generation = self._poll_generation
        self._wake_pollers()  # terminates an older long poll (409), as Telegram does
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            if self._updates:
                batch = list(itertools.islice(self._updates, limit))
                self._delivered_upto = max(self._delivered_upto, batch[-1]["update_id"])
                self._last_activity = time.monotonic()
                return batch
            remaining = deadline - loop.time()
            if remaining <= 0 or self._closing:
                return []
            event = self._update_event
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(event.wait(), remaining)
            if generation != self._poll_generation:
                raise ApiError(
                    409,
                    "Conflict: terminated by other getUpdates request; "
                    "make sure that only one bot instance is running",
                )

    async def _m_set_commands(self, p: JSON, files: dict[str, Upload]) -> bool:
        commands = p.get("commands")
        if not isinstance(commands, list):
            raise bad("can't parse commands JSON object")
        if len(commands) > 100:
            raise bad("too many commands specified")
        clean = []
        for c in commands:
            if not isinstance(c, dict):
                raise bad("can't parse BotCommand JSON object")
            name, desc = c.get("command"), c.get("description")
            if not isinstance(name, str) or not re.fullmatch(r"[a-z0-9_]{1,32}", name):
                raise bad("BOT_COMMAND_INVALID")
            if not isinstance(desc, str) or not 1 <= len(desc) <= 256:
                raise bad("BOT_COMMAND_DESCRIPTION_INVALID")
            clean.append({"command": name, "description": desc})
        key = self._scope_key(p.get("scope") or {"type": "default"}, p.get("language_code"))
        if clean:
            self._commands[key] = clean
        else:
            self._commands.pop(key, None)
        return True

    async def _m_get_commands(self, p: JSON, files: dict[str, Upload]) -> list[JSON]:
        key = self._scope_key(p.get("scope") or {"type": "default"}, p.get("language_code"))
        return self._commands.get(key, [])

    async def _m_delete_commands(self, p: JSON, files: dict[str, Upload]) -> bool:
        key = self._scope_key(p.get("scope") or {"type": "default"}, p.get("language_code"))
        self._commands.pop(key, None)
        return True

    async def _m_set_bot_text(self, kind: str, p: JSON, files: dict[str, Upload]) -> bool:
        lang = str(p.get("language_code") or "")
        value = str(p.get(kind) or "")
        limit = {"name": 64, "description": 512, "short_description": 120}[kind]
        if len(value) > limit:
            raise bad(f"bot {kind.replace('_', ' ')} is too long")
        if value:
            self._bot_texts[(kind, lang)] = value
        else:
            self._bot_texts.pop((kind, lang), None)
        return True

    async def _m_get_bot_text(self, kind: str, p: JSON, files: dict[str, Upload]) -> JSON:
        lang = str(p.get("language_code") or "")
        default = self.bot_name if kind == "name" else ""
        value = self._bot_texts.get((kind, lang), self._bot_texts.get((kind, ""), default))
        return {kind: value}

    async def _m_set_default_rights(self, p: JSON, files: dict[str, Upload]) -> bool:
        rights = p.get("rights")
        self._default_admin_rights[bool(p.get("for_channels"))] = (
            rights if isinstance(rights, dict) else {}
        )
        return True

    async def _m_get_default_rights(self, p: JSON, files: dict[str, Upload]) -> JSON:
        base = {k: False for k in ADMIN_RIGHTS if k != "can_be_edited"}
        base.update(self._default_admin_rights.get(bool(p.get("for_channels")), {}))
        return base

    async def _m_set_menu_button(self, p: JSON, files: dict[str, Upload]) -> bool:
        button = p.get("menu_button") or {"type": "default"}
        if not isinstance(button, dict) or button.get("type") not in (
            "default",
            "commands",
            "web_app",
        ):
            raise bad("can't parse menu button JSON object")
        if p.get("chat_id") is not None:
            chat = self._chats.get(self._chat_id(p))
            if chat is None or chat.type != "private":
                raise bad("chat not found")
            chat.menu_button = button
        else:
            self._default_menu_button = button
        return True

    async def _m_get_menu_button(self, p: JSON, files: dict[str, Upload]) -> JSON:
        if p.get("chat_id") is not None:
            chat = self._chats.get(self._chat_id(p))
            if chat is None or chat.type != "private":
                raise bad("chat not found")
            return chat.menu_button or self._default_menu_button
        return self._default_menu_button
