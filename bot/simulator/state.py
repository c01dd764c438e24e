"""Server-side records of the fake world: chats, stored messages, files, queries."""

from __future__ import annotations

import copy
import struct
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.simulator.protocol import JSON

if TYPE_CHECKING:
    from bot.simulator.entities import FakeUser


ADMIN_RIGHTS: JSON = {
    "can_be_edited": False,
    "is_anonymous": False,
    "can_manage_chat": True,
    "can_delete_messages": True,
    "can_manage_video_chats": True,
    "can_restrict_members": True,
    "can_promote_members": False,
    "can_change_info": True,
    "can_invite_users": True,
    "can_post_stories": True,
    "can_edit_stories": True,
    "can_delete_stories": True,
    "can_pin_messages": True,
}


@dataclass
class StoredFile:
    file_id: str
    file_unique_id: str
    data: bytes
    file_name: str | None
    mime_type: str | None
    file_path: str
    kind: str
    width: int = 0
    height: int = 0

    def as_document(self) -> JSON:
        doc: JSON = {"file_id": self.file_id, "file_unique_id": self.file_unique_id}
        if self.file_name:
            doc["file_name"] = self.file_name
        if self.mime_type:
            doc["mime_type"] = self.mime_type
        doc["file_size"] = len(self.data)
        return doc

    def as_photo(self) -> list[JSON]:
        return [
            {
                "file_id": self.file_id,
                "file_unique_id": self.file_unique_id,
                "file_size": len(self.data),
                "width": self.width,
                "height": self.height,
            }
        ]


def image_size(data: bytes) -> tuple[int, int] | None:
    """Width/height of PNG, GIF, JPEG or WebP data; None if not an image."""
    if data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) >= 24:
        w, h = struct.unpack(">II", data[16:24])
        return int(w), int(h)
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        w, h = struct.unpack("<HH", data[6:10])
        return int(w), int(h)
    if data.startswith(b"RIFF") and data[8:12] == b"WEBP" and len(data) >= 30:
        chunk = data[12:16]
        if chunk == b"VP8X":
            w = int.from_bytes(data[24:27], "little") + 1
            h = int.from_bytes(data[27:30], "little") + 1
            return w, h
        if chunk == b"VP8 ":
            w, h = struct.unpack("<HH", data[26:30])
            return int(w) & 0x3FFF, int(h) & 0x3FFF
        if chunk == b"VP8L":
            bits = int.from_bytes(data[21:25], "little")
            return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    if data.startswith(b"\xff\xd8"):
        i = 2
        while i + 9 < len(data):
            if data[i] != 0xFF:
                i += 1
                continue
            marker = data[i + 1]
            if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
                i += 2
                continue
            seg_len = int.from_bytes(data[i + 2 : i + 4], "big")
            if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
                h, w = struct.unpack(">HH", data[i + 5 : i + 9])
                return int(w), int(h)
            i += 2 + seg_len
    return None


@dataclass
class WebhookConfig:
    """What setWebhook set, and how delivery to it went (for getWebhookInfo)."""

    url: str
    max_connections: int
    secret_token: str | None
    allowed_updates: list[str] | None
    last_error_date: int | None = None
    last_error_message: str | None = None

    def info(self) -> JSON:
        """The WebhookInfo fields this webhook adds (the secret token is never shown)."""
        info: JSON = {"url": self.url, "max_connections": self.max_connections}
        if self.allowed_updates is not None:
            info["allowed_updates"] = self.allowed_updates
        if self.last_error_date is not None:
            info["last_error_date"] = self.last_error_date
            info["last_error_message"] = self.last_error_message
        return info


class StoredMessage:
    __slots__ = ("by_bot", "data", "parse_mode", "raw_text", "service")

    def __init__(
        self, data: JSON, by_bot: bool, service: bool, raw_text: str | None, parse_mode: str | None
    ) -> None:
        self.data = data
        self.by_bot = by_bot
        self.service = service
        self.raw_text = raw_text
        self.parse_mode = parse_mode

    def snapshot(self) -> JSON:
        """A copy to embed in another message (reply_to_message, pinned_message)."""
        snap = copy.deepcopy(self.data)
        snap.pop("reply_to_message", None)
        return snap


class PendingQuery:
    __slots__ = ("answered", "created", "user_id")

    def __init__(self, created: float, user_id: int) -> None:
        self.created = created
        self.user_id = user_id
        self.answered = False


class ChatState:
    """Server-side state of one chat (private chat with a user, or a group)."""

    def __init__(
        self,
        chat_id: int,
        type_: str,
        *,
        title: str | None = None,
        user: FakeUser | None = None,
        username: str | None = None,
    ) -> None:
        self.id = chat_id
        self.type = type_
        self.title = title
        self.username = username
        self.user = user
        self.messages: dict[int, StoredMessage] = {}
        self.next_id = 1
        self.bot_ids: list[int] = []
        self.pinned: list[int] = []
        self.members: dict[int, str] = {}
        self.member_rights: dict[int, JSON] = {}
        self.bot_status = "member" if type_ == "private" else "left"
        self.bot_ever_member = type_ == "private"
        self.bot_rights: JSON = dict(ADMIN_RIGHTS)
        self.migrated_to: int | None = None
        self.reply_keyboard: JSON | None = None
        self.menu_button: JSON | None = None
        self.chat_instance = str((chat_id * 0x9E3779B97F4A7C15) % (2**63) - 2**62)
        self.chat_dict: JSON = self._make_dict()

    def _make_dict(self) -> JSON:
        if self.type == "private" and self.user is not None:
            d: JSON = {"id": self.id, "type": "private", "first_name": self.user.first_name}
            if self.user.last_name:
                d["last_name"] = self.user.last_name
            if self.user.username:
                d["username"] = self.user.username
            return d
        d = {"id": self.id, "type": self.type, "title": self.title or ""}
        if self.username:
            d["username"] = self.username
        return d

    def refresh(self) -> None:
        self.chat_dict = self._make_dict()

    @property
    def kind_name(self) -> str:
        return "supergroup chat" if self.type == "supergroup" else "group chat"
