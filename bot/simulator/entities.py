"""Public objects of the simulator: fake users and groups, limits, stats, events.

:class:`FakeUser` and :class:`FakeGroup` are handles the tests and the terminal
chat use to play the human side; they act through their :class:`FakeBotApi`.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bot.simulator.protocol import JSON

if TYPE_CHECKING:
    from bot.simulator.actions import UserActions
    from bot.simulator.state import ChatState


@dataclass
class FloodLimits:
    """Telegram's documented broadcast limits (sliding windows)."""

    global_per_second: int = 30
    private_per_second: int = 1
    group_per_minute: int = 20


@dataclass
class FakeApiStats:
    """Counters for the broadcast benchmark."""

    sent_ok: int = 0
    rate_limited: int = 0
    errors: int = 0
    per_chat: Counter[int] = field(default_factory=Counter)
    by_method: Counter[str] = field(default_factory=Counter)
    #: Each 429 given: (method, chat id or None, server time.monotonic()), to tell which
    #: limit a bot overstepped and when.
    refused: list[tuple[str, int | None, float]] = field(default_factory=list)


@dataclass
class ApiEvent:
    """Something the bot did, pushed to listeners (used by the terminal chat).

    kind is one of "new", "edited", "deleted", "callback_answer".
    """

    kind: str
    chat_id: int
    message: JSON | None = None
    payload: JSON | None = None


def chat_id_of(chat: int | FakeUser | FakeGroup | JSON) -> int:
    if isinstance(chat, FakeUser | FakeGroup):
        return chat.id
    if isinstance(chat, dict):
        if "chat" in chat:
            return int(chat["chat"]["id"])
        return int(chat["id"])
    return int(chat)


class FakeUser:
    """A fake human account driven from Python (tests, terminal chat)."""

    def __init__(
        self,
        api: UserActions,
        user_id: int,
        first_name: str,
        last_name: str | None,
        username: str | None,
        language_code: str | None,
    ) -> None:
        self.api = api
        self.id = user_id
        self.first_name = first_name
        self.last_name = last_name
        self.username = username
        self.language_code = language_code
        #: True once the user has sent the bot anything in private (like /start).
        self.started = False
        self.blocked = False
        self.deactivated = False
        #: True once the bot has "met" the user (private chat or a shared group).
        self.seen = False
        self._dict: JSON | None = None

    def __repr__(self) -> str:
        return f"FakeUser({self.id}, {self.full_name!r})"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}" if self.last_name else self.first_name

    def to_dict(self) -> JSON:
        if self._dict is None:
            d: JSON = {"id": self.id, "is_bot": False, "first_name": self.first_name}
            if self.last_name:
                d["last_name"] = self.last_name
            if self.username:
                d["username"] = self.username
            if self.language_code:
                d["language_code"] = self.language_code
            self._dict = d
        return self._dict

    async def send(
        self, text: str, chat: FakeGroup | None = None, *, reply_to: JSON | int | None = None
    ) -> JSON:
        """Send a text message to the bot (private chat, or ``chat`` group); returns it."""
        msg = self.api._user_message(self, chat, {"text": text}, reply_to)
        await asyncio.sleep(0)
        return msg

    async def send_document(
        self,
        data: bytes,
        filename: str,
        chat: FakeGroup | None = None,
        *,
        caption: str | None = None,
        mime_type: str | None = None,
    ) -> JSON:
        """Upload a document to the bot as this user; the bot can getFile it."""
        rec = self.api._new_file(data, filename, mime_type, "document")
        fields: JSON = {"document": rec.as_document()}
        if caption:
            fields["caption"] = caption
        msg = self.api._user_message(self, chat, fields, None)
        await asyncio.sleep(0)
        return msg

    async def press(self, message: JSON, button: str | int) -> str:
        """Press an inline button on a bot message by its text or 0-based flat index.

        The message's current state on the server is used (not the passed dict), so
        pressing after an edit sees the edited keyboard.  Returns the callback query id.
        """
        qid = self.api._press(self, message, button)
        await asyncio.sleep(0)
        return qid

    def press_data(self, message_or_chat: JSON | FakeGroup | FakeUser | int, data: str) -> str:
        """Forge a callback query with arbitrary ``data`` (for security tests).

        Given a chat instead of a message, the latest bot message there is used.
        """
        return self.api._forge_callback(self, message_or_chat, data)

    def block_bot(self) -> None:
        """Block the bot: sends now fail with 403; the bot gets my_chat_member (kicked)."""
        if self.blocked:
            return
        self.blocked = True
        if self.started:
            self.api._private_status_update(self, "member", "kicked")

    def unblock_bot(self) -> None:
        if not self.blocked:
            return
        self.blocked = False
        if self.started:
            self.api._private_status_update(self, "kicked", "member")

    def deactivate(self) -> None:
        """Delete the account: sends fail with 403 "user is deactivated"."""
        self.deactivated = True


class FakeGroup:
    """Handle on a fake group or supergroup chat."""

    def __init__(self, api: UserActions, chat: ChatState) -> None:
        self.api = api
        self._chat = chat

    def __repr__(self) -> str:
        return f"FakeGroup({self.id}, {self.title!r}, {self.type})"

    @property
    def id(self) -> int:
        return self._chat.id

    @property
    def title(self) -> str:
        return self._chat.title or ""

    @property
    def type(self) -> str:
        return self._chat.type

    @property
    def bot_status(self) -> str:
        return self._chat.bot_status

    @property
    def migrated_to(self) -> int | None:
        return self._chat.migrated_to

    def to_dict(self) -> JSON:
        return dict(self._chat.chat_dict)

    def member_status(self, user: FakeUser) -> str:
        return self._chat.members.get(user.id, "left")

    def set_member(self, user: FakeUser, status: str = "member") -> None:
        """Silently set a user's status (setup helper, no updates are generated)."""
        self._chat.members[user.id] = status
        self.api._register_user_seen(user, self._chat)

    async def add_bot(
        self,
        by: FakeUser,
        admin: bool = False,
        rights: JSON | None = None,
        *,
        created: bool = False,
    ) -> None:
        """``by`` adds the bot: my_chat_member (left → member/administrator) and a
        new_chat_members service message, as Telegram sends them.

        ``created=True`` models creating the group with the bot in it: the service
        message is group_chat_created (supergroup_chat_created) instead.
        """
        self.api._add_bot(self._chat, by, admin, rights, created)
        await asyncio.sleep(0)

    async def set_bot_admin(
        self, by: FakeUser, admin: bool = True, rights: JSON | None = None
    ) -> None:
        """Promote/demote the bot (my_chat_member update)."""
        self.api._set_bot_admin(self._chat, by, admin, rights)
        await asyncio.sleep(0)

    async def remove_bot(self, by: FakeUser) -> None:
        """``by`` kicks the bot: my_chat_member (→ kicked) + left_chat_member message."""
        self.api._remove_bot(self._chat, by)
        await asyncio.sleep(0)

    async def add_user(self, user: FakeUser, by: FakeUser | None = None) -> JSON:
        """A user joins (or is added): new_chat_members message + chat_member update."""
        msg = self.api._member_join(self._chat, user, by)
        await asyncio.sleep(0)
        return msg

    async def remove_user(self, user: FakeUser, by: FakeUser | None = None) -> JSON:
        """A user leaves (or is removed): left_chat_member message + chat_member update."""
        msg = self.api._member_leave(self._chat, user, by)
        await asyncio.sleep(0)
        return msg

    async def set_admin(self, user: FakeUser, admin: bool = True) -> None:
        """Promote/demote a human member (chat_member update if the bot may see it)."""
        self.api._set_member_status(self._chat, user, "administrator" if admin else "member", None)
        await asyncio.sleep(0)

    async def migrate_to_supergroup(
        self, new_id: int | None = None, by: FakeUser | None = None
    ) -> FakeGroup:
        """Upgrade to a supergroup like Telegram: the old group gets a message with
        migrate_to_chat_id, the new one a message with migrate_from_chat_id, and the
        old id answers 400 with parameters.migrate_to_chat_id from now on."""
        group = self.api._migrate(self._chat, new_id, by)
        await asyncio.sleep(0)
        return group
