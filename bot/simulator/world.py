"""The in-memory world behind the fake server: users, chats, messages, updates, files."""

from __future__ import annotations

import asyncio
import copy
import hashlib
import itertools
import logging
import mimetypes
import re
import secrets
import time
from collections import deque
from collections.abc import Callable
from typing import Any

import aiohttp
from aiohttp import web

from bot.simulator.entities import ApiEvent, FakeApiStats, FakeGroup, FakeUser, FloodLimits
from bot.simulator.protocol import INT_RE, JSON, MAX_UPLOAD, ApiError, as_int, bad
from bot.simulator.state import (
    ADMIN_RIGHTS,
    ChatState,
    PendingQuery,
    StoredFile,
    StoredMessage,
    WebhookConfig,
    image_size,
)

log = logging.getLogger(__name__)


_DEFAULT_EXCLUDED_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
_SCOPE_TYPES = frozenset(
    {
        "default", "all_private_chats", "all_group_chats", "all_chat_administrators", "chat",
        "chat_administrators", "chat_member",
    }
)  # fmt: skip


class World:
    """State of the fake Telegram and the primitives every part of the server uses."""

    def __init__(
        self,
        token: str = "123456:TEST-TOKEN",
        bot_username: str = "ChiBoBot",
        bot_name: str = "Trợ lý chi bộ",
        enforce_limits: bool = False,
        *,
        limits: FloodLimits | None = None,
        privacy_mode: bool = True,
        callback_timeout: float = 900.0,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        self.token = token
        head = token.split(":", 1)[0]
        self.bot_id = int(head) if head.isdigit() else 123456
        self.bot_username = bot_username
        self.bot_name = bot_name
        self.enforce_limits = enforce_limits
        self.limits = limits or FloodLimits()
        #: With privacy mode on (Telegram's default) a non-admin bot in a group only
        #: receives commands, replies to its messages, mentions and service messages.
        self.privacy_mode = privacy_mode
        self.callback_timeout = callback_timeout
        self.host = host
        self.port = port
        self.stats = FakeApiStats()
        self.requests: list[tuple[str, JSON]] = []
        self.callback_answers: dict[str, JSON] = {}
        self.bot_user: JSON = {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": bot_name,
            "username": bot_username,
        }
        self._users: dict[int, FakeUser] = {}
        self._chats: dict[int, ChatState] = {}
        self._groups: dict[int, FakeGroup] = {}
        self._by_username: dict[str, int] = {}
        self._updates: deque[JSON] = deque()
        self._next_update_id = 1
        self._delivered_upto = 0
        self._allowed_updates: frozenset[str] | None = None
        self._update_event = asyncio.Event()
        self._change_event = asyncio.Event()
        self._poll_generation = 0
        self._webhook: WebhookConfig | None = None
        #: Webhook delivery (bot.simulator.webhook): first retry after a failed POST,
        #: the longest wait between retries, and how long a POST may take.
        self.webhook_retry_delay = 0.1
        self.webhook_retry_max = 5.0
        self.webhook_timeout = 10.0
        self._webhook_routes: dict[str, tuple[list[str], itertools.count[int]]] = {}
        self._webhook_taken: set[int] = set()
        self._webhook_failed: set[int] = set()  # updates whose POST failed, not yet delivered
        self._webhook_redelivered = 0
        self._webhook_tasks: set[asyncio.Task[None]] = set()
        self._webhook_session: aiohttp.ClientSession | None = None
        self._webhook_failures = 0
        self._webhook_retry_at = 0.0
        self._queries: dict[str, PendingQuery] = {}
        self._query_seq = itertools.count(1)
        self._files: dict[str, StoredFile] = {}
        self._files_by_path: dict[str, StoredFile] = {}
        self._file_seq = itertools.count(1)
        self._media_group_seq = itertools.count(13_000_000_000_000_000)
        self._commands: dict[tuple[str, int | None, int | None, str], list[JSON]] = {}
        self._bot_texts: dict[tuple[str, str], str] = {}
        self._default_menu_button: JSON = {"type": "default"}
        self._default_admin_rights: dict[bool, JSON] = {}
        # Per method: the errors to answer next, each for one chat or (None) for any chat.
        self._injected: dict[str, deque[tuple[ApiError, int | None]]] = {}
        self._global_window: deque[float] = deque()
        self._chat_windows: dict[int, deque[float]] = {}
        self._wait_cursor: dict[int, int] = {}
        self._listeners: list[Callable[[ApiEvent], None]] = []
        self._inflight = 0
        self._last_activity = time.monotonic()
        self._time_offset = 0.0
        self._closing = False
        self._runner: web.AppRunner | None = None
        self._webhook_description = "Webhook was set"

    # ------------------------------------------------------------ clock

    def now(self) -> int:
        """Current Telegram time (unix seconds, shifted by :meth:`advance_time`)."""
        return int(time.time() + self._time_offset)

    def _mono(self) -> float:
        return time.monotonic() + self._time_offset

    def advance_time(self, seconds: float) -> None:
        """Pretend time passed (expires callback queries, frees flood windows)."""
        self._time_offset += seconds

    # ------------------------------------------------------------ events

    def _changed(self, event: ApiEvent | None = None) -> None:
        ev, self._change_event = self._change_event, asyncio.Event()
        ev.set()
        if event is not None:
            for listener in list(self._listeners):
                try:
                    listener(event)
                except Exception:  # a broken listener must not break the API
                    log.exception("listener failed")

    def _wake_pollers(self) -> None:
        ev, self._update_event = self._update_event, asyncio.Event()
        ev.set()

    def _queue_update(self, kind: str, payload: JSON) -> None:
        allowed = self._allowed_updates
        if (kind not in allowed) if allowed is not None else (kind in _DEFAULT_EXCLUDED_UPDATES):
            return
        self._updates.append({"update_id": self._next_update_id, kind: copy.deepcopy(payload)})
        self._next_update_id += 1
        self._wake_pollers()
        self._changed()

    # ------------------------------------------------------------ members

    def _member(self, chat: ChatState, user: JSON, status: str, rights: JSON | None = None) -> JSON:
        obj: JSON = {"status": status, "user": user}
        if status == "creator":
            obj["is_anonymous"] = False
        elif status == "administrator":
            obj.update(rights or ADMIN_RIGHTS)
            if chat.type != "supergroup":
                obj.pop("can_manage_topics", None)
        elif status == "kicked":
            obj["until_date"] = 0
        return obj

    def _bot_member(self, chat: ChatState, status: str | None = None) -> JSON:
        return self._member(chat, self.bot_user, status or chat.bot_status, chat.bot_rights)

    def _user_member(self, chat: ChatState, user: FakeUser) -> JSON:
        status = chat.members.get(user.id, "left")
        return self._member(chat, user.to_dict(), status, chat.member_rights.get(user.id))

    def _register_user_seen(self, user: FakeUser, chat: ChatState) -> None:
        if chat.bot_status in ("member", "administrator"):
            user.seen = True

    def _ensure_member(self, chat: ChatState, user: FakeUser) -> None:
        if chat.members.get(user.id, "left") in ("left", "kicked"):
            chat.members[user.id] = (
                "creator" if not any(s == "creator" for s in chat.members.values()) else "member"
            )

    def _bot_status_change(
        self, chat: ChatState, by: FakeUser | None, new: str, rights: JSON | None = None
    ) -> None:
        old_member = self._bot_member(chat)
        chat.bot_status = new
        if rights is not None:
            chat.bot_rights = {**ADMIN_RIGHTS, **rights}
        if new in ("member", "administrator"):
            chat.bot_ever_member = True
        self._queue_update(
            "my_chat_member",
            {
                "chat": chat.chat_dict,
                "from": by.to_dict() if by else self.bot_user,
                "date": self.now(),
                "old_chat_member": old_member,
                "new_chat_member": self._bot_member(chat),
            },
        )

    # ------------------------------------------------------------ messages & files

    def _store(
        self,
        chat: ChatState,
        sender: JSON,
        fields: JSON,
        *,
        by_bot: bool,
        service: bool = False,
        raw_text: str | None = None,
        parse_mode: str | None = None,
    ) -> StoredMessage:
        mid = chat.next_id
        chat.next_id += 1
        data: JSON = {"message_id": mid, "from": sender, "chat": chat.chat_dict, "date": self.now()}
        data.update(fields)
        m = StoredMessage(data, by_bot, service, raw_text, parse_mode)
        chat.messages[mid] = m
        if by_bot:
            chat.bot_ids.append(mid)
            self._changed(ApiEvent("new", chat.id, data) if not service else None)
        return m

    def _service_message(self, chat: ChatState, by: FakeUser, fields: JSON) -> JSON:
        m = self._store(chat, by.to_dict(), fields, by_bot=False, service=True)
        if chat.bot_status in ("member", "administrator"):
            self._queue_update("message", m.data)
        return copy.deepcopy(m.data)

    def _new_file(
        self, data: bytes, filename: str | None, mime_type: str | None, kind: str
    ) -> StoredFile:
        if not data:
            raise bad("file must be non-empty")
        if len(data) > MAX_UPLOAD:
            raise ApiError(413, "Request Entity Too Large")
        n = next(self._file_seq)
        prefix = {"photo": "AgAC", "document": "BQAC"}.get(kind, "CAAC")
        file_id = f"{prefix}{n:06d}{secrets.token_hex(10)}"
        unique = "AQAD" + hashlib.sha1(data).hexdigest()[:12]
        width = height = 0
        if kind == "photo":
            size = image_size(data)
            if size is None:
                raise bad("IMAGE_PROCESS_FAILED")
            width, height = size
            mime_type, filename = "image/jpeg", None
            path = f"photos/file_{n}.jpg"
        else:
            if mime_type in (None, "", "application/octet-stream") and filename:
                mime_type = mimetypes.guess_type(filename)[0] or mime_type
            ext = ""
            if filename and "." in filename:
                ext = "." + filename.rsplit(".", 1)[1][:10]
            path = f"{kind}s/file_{n}{ext}"
        rec = StoredFile(
            file_id, unique, data, filename, mime_type or None, path, kind, width, height
        )
        self._files[file_id] = rec
        self._files_by_path[path] = rec
        return rec

    # ------------------------------------------------------------ lookups

    def _chat_id(self, p: JSON, name: str = "chat_id") -> int:
        value = p.get(name)
        if value is None or value == "":
            raise bad(f"{name} is empty")
        if isinstance(value, bool):
            raise bad("chat not found")
        if isinstance(value, int):
            return value
        if isinstance(value, str):
            if value.startswith("@"):
                found = self._by_username.get(value[1:].lower())
                if found is not None and found < 0:
                    return found
            elif INT_RE.fullmatch(value.strip()):
                return int(value)
        raise bad("chat not found")

    def _scope_key(self, scope: Any, language_code: Any) -> tuple[str, int | None, int | None, str]:
        if not isinstance(scope, dict) or scope.get("type") not in _SCOPE_TYPES:
            raise bad("can't parse BotCommandScope JSON object")
        lang = str(language_code or "")
        if lang and not re.fullmatch(r"[a-z]{2}", lang):
            raise bad("invalid language code specified")
        kind = scope["type"]
        chat_id = user_id = None
        if kind in ("chat", "chat_administrators", "chat_member"):
            chat_id = self._chat_id(scope)
        if kind == "chat_member":
            user_id = as_int(scope.get("user_id"), "user not found")
        return kind, chat_id, user_id, lang
