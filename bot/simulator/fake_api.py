"""A fake Telegram Bot API server (aiohttp) with a Python control API.

The real python-telegram-bot ``Application`` talks HTTP to it exactly as it talks
to api.telegram.org, while tests (and the terminal chat) play the human side:
users sending messages, pressing inline buttons, blocking the bot, groups adding
the bot or migrating to supergroups.  Behaviour follows the documented Bot API
(https://core.telegram.org/bots/api) including its error texts, entity parsing
(HTML only: the bot never sends Markdown),
privacy mode and flood limits, and deliberately nothing more: the bot is also
checked against other emulators and the real Telegram.
"""

from __future__ import annotations

import asyncio
import bisect
import contextlib
import copy
import functools
import hashlib
import html
import itertools
import json
import logging
import math
import mimetypes
import re
import secrets
import struct
import time
from collections import Counter, deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

JSON = dict[str, Any]


class EntityParseError(ValueError):
    """Raised with the text that follows ``can't parse entities: ``."""


def u16len(s: str) -> int:
    """Length of ``s`` in UTF-16 code units (the unit of entity offsets)."""
    return len(s.encode("utf-16-le")) // 2


def _byte_offset(src: str, i: int) -> int:
    return len(src[:i].encode("utf-8"))


# --------------------------------------------------------------------- HTML

_HTML_SPECIAL = re.compile(r"[<&]")
_HTML_CHAR_REF = re.compile(r"&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|lt|gt|amp|quot);")
_HTML_ATTR = re.compile(r"""([a-zA-Z_][\w-]*)\s*(?:=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?""")
_HTML_SIMPLE = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "code": "code",
    "pre": "pre",
}
_HTML_TAGS = {*_HTML_SIMPLE, "a", "span", "blockquote", "tg-emoji"}


def _html_attrs(s: str) -> dict[str, str]:
    attrs: dict[str, str] = {}
    for m in _HTML_ATTR.finditer(s):
        value = m.group(2) if m.group(2) is not None else m.group(3)
        if value is None:
            value = m.group(4) if m.group(4) is not None else ""
        attrs[m.group(1).lower()] = html.unescape(value)
    return attrs


def parse_html(src: str) -> tuple[str, list[JSON]]:
    """Parse Telegram-flavoured HTML into ``(text, entities)``."""
    out: list[str] = []
    pos = 0  # UTF-16 position in the output
    # (tag name, start position, entity or None when the tag makes no entity)
    stack: list[tuple[str, int, JSON | None]] = []
    entities: list[JSON] = []
    i, n = 0, len(src)
    while i < n:
        m = _HTML_SPECIAL.search(src, i)
        j = m.start() if m else n
        if j > i:
            chunk = src[i:j]
            out.append(chunk)
            pos += u16len(chunk)
            i = j
            if i >= n:
                break
        if src[i] == "&":
            ref = _HTML_CHAR_REF.match(src, i)
            if ref:
                ch = html.unescape(ref.group(0))
                out.append(ch)
                pos += u16len(ch)
                i = ref.end()
            else:
                out.append("&")
                pos += 1
                i += 1
            continue
        # a tag
        off = _byte_offset(src, i)
        close = src.find(">", i)
        if src.startswith("</", i):
            if close < 0:
                raise EntityParseError(f"Unclosed end tag at byte offset {off}")
            name = src[i + 2 : close].strip().lower()
            if not stack:
                raise EntityParseError(f'Unexpected end tag "{name}" at byte offset {off}')
            tag, start, open_ent = stack.pop()
            if name != tag:
                raise EntityParseError(
                    f'Unmatched end tag at byte offset {off}, expected "</{tag}>", '
                    f'found "</{name}>"'
                )
            if open_ent is not None and pos > start:
                open_ent["offset"] = start
                open_ent["length"] = pos - start
                entities.append(open_ent)
            i = close + 1
            continue
        if close < 0:
            raise EntityParseError(f"Unclosed start tag at byte offset {off}")
        inner = src[i + 1 : close]
        m_name = re.match(r"[a-zA-Z][a-zA-Z0-9-]*", inner)
        name = m_name.group(0).lower() if m_name else ""
        if name not in _HTML_TAGS:
            raise EntityParseError(f'Unsupported start tag "{name}" at byte offset {off}')
        attrs = _html_attrs(inner[len(name) :])
        ent: JSON | None
        if name in _HTML_SIMPLE:
            ent = {"type": _HTML_SIMPLE[name]}
            if name == "code" and stack and stack[-1][0] == "pre" and stack[-1][1] == pos:
                lang = attrs.get("class", "")
                pre = stack[-1][2]
                if lang.startswith("language-") and pre is not None:
                    pre["language"] = lang[len("language-") :]
                    ent = None
        elif name == "a":
            href = attrs.get("href", "")
            ent = {"type": "text_link", "url": href} if href else None
        elif name == "span":
            if attrs.get("class") != "tg-spoiler":
                raise EntityParseError(f'Unsupported start tag "span" at byte offset {off}')
            ent = {"type": "spoiler"}
        elif name == "blockquote":
            ent = {"type": "expandable_blockquote" if "expandable" in attrs else "blockquote"}
        else:  # tg-emoji
            emoji_id = attrs.get("emoji-id", "")
            if not emoji_id:
                raise EntityParseError(
                    f'Tag "tg-emoji" must have attribute "emoji-id" at byte offset {off}'
                )
            ent = {"type": "custom_emoji", "custom_emoji_id": emoji_id}
        stack.append((name, pos, ent))
        i = close + 1
    if stack:
        raise EntityParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1][0]}"')
    return "".join(out), entities


# ------------------------------------------------------ auto-detection

_AUTO_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    (
        "bot_command",
        re.compile(r"(?<![\w/@])/[A-Za-z0-9_]{1,64}(?:@[A-Za-z][A-Za-z0-9_]{2,31})?(?![\w/])"),
    ),
    ("url", re.compile(r"(?<![\w@])(?:https?://|www\.)[^\s<>\"]+[^\s<>\".,;:!?)\]}'»]")),
    (
        "email",
        re.compile(
            r"(?<![\w.+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"
        ),
    ),
    ("mention", re.compile(r"(?<![\w@])@[A-Za-z][A-Za-z0-9_]{3,31}(?![\w@])")),
    ("hashtag", re.compile(r"(?<![\w#])#\w*[^\W\d]\w*")),
]
_NO_AUTO_INSIDE = {
    "code",
    "pre",
    "text_link",
    "url",
    "email",
    "bot_command",
    "mention",
    "text_mention",
}


def detect_entities(text: str, existing: list[JSON]) -> list[JSON]:
    """Return ``existing`` plus auto-detected entities, sorted as Telegram does."""
    taken: list[tuple[int, int]] = [
        (e["offset"], e["offset"] + e["length"])
        for e in existing
        if e.get("type") in _NO_AUTO_INSIDE
    ]
    found: list[JSON] = []
    for kind, pattern in _AUTO_PATTERNS:
        for m in pattern.finditer(text):
            start = u16len(text[: m.start()])
            end = start + u16len(m.group(0))
            if any(s < end and start < e for s, e in taken):
                continue
            taken.append((start, end))
            found.append({"type": kind, "offset": start, "length": end - start})
    merged = existing + found
    merged.sort(key=lambda e: (e["offset"], -e["length"]))
    return merged


def strip_text(text: str, entities: list[JSON]) -> tuple[str, list[JSON]]:
    """Trim surrounding whitespace like Telegram does, keeping entities aligned."""
    lead = len(text) - len(text.lstrip())
    stripped = text.strip()
    if lead == 0 and len(stripped) == len(text):
        return text, entities
    total = u16len(stripped)
    lead16 = u16len(text[:lead])
    fixed: list[JSON] = []
    for e in entities:
        start = max(0, e["offset"] - lead16)
        end = min(total, e["offset"] + e["length"] - lead16)
        if end > start:
            fixed.append({**e, "offset": start, "length": end - start})
    return stripped, fixed


# ===================================================================== server

log = logging.getLogger(__name__)

_MAX_UPLOAD = 50 * 1024 * 1024
_MAX_DOWNLOAD = 20 * 1024 * 1024


class ApiError(Exception):
    """A Bot API error response: ``{"ok": false, "error_code": code, ...}``."""

    def __init__(self, code: int, description: str, parameters: JSON | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.parameters = parameters

    def to_json(self) -> JSON:
        body: JSON = {"ok": False, "error_code": self.code, "description": self.description}
        if self.parameters:
            body["parameters"] = self.parameters
        return body


def _bad(description: str) -> ApiError:
    return ApiError(400, f"Bad Request: {description}")


def _forbidden(description: str) -> ApiError:
    return ApiError(403, f"Forbidden: {description}")


_NOT_MODIFIED = _bad(
    "message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
).description
_QUERY_TOO_OLD = "query is too old and response timeout expired or query ID is invalid"

# Fields that hold JSON-serialized objects/arrays when sent as form fields.
_JSON_FIELDS = frozenset(
    {
        "reply_markup", "reply_parameters", "entities", "caption_entities", "link_preview_options",
        "allowed_updates", "commands", "scope", "media", "menu_button", "permissions", "rights",
        "results", "options", "explanation_entities", "reaction", "message_ids",
    }
)  # fmt: skip
_INT_FIELDS = frozenset(
    {
        "message_id", "user_id", "offset", "limit", "timeout", "reply_to_message_id",
        "message_thread_id", "cache_time", "until_date", "expire_date", "member_limit",
        "max_connections", "from_chat_id",
    }
)  # fmt: skip
_BOOL_FIELDS = frozenset(
    {
        "disable_notification", "protect_content", "show_alert", "drop_pending_updates",
        "disable_web_page_preview", "allow_sending_without_reply", "has_spoiler",
        "disable_content_type_detection", "revoke_messages", "creates_join_request",
        "allow_paid_broadcast", "show_caption_above_media", "for_channels", "only_if_banned",
    }
)  # fmt: skip
_INT_RE = re.compile(r"-?\d+")

# Every method of the real Bot API (lower-cased → canonical).  Methods listed here
# but not implemented answer 400 "method not supported by the fake server";
# anything else is unknown to Telegram and answers 404 "Not Found".
_BOT_API_METHODS = {
    m.lower(): m
    for m in """
    getUpdates setWebhook deleteWebhook getWebhookInfo getMe logOut close sendMessage
    forwardMessage forwardMessages copyMessage copyMessages sendPhoto sendAudio sendDocument
    sendVideo sendAnimation sendVoice sendVideoNote sendPaidMedia sendMediaGroup sendLocation
    sendVenue sendContact sendPoll sendChecklist sendDice sendMessageDraft sendChatAction
    setMessageReaction getUserProfilePhotos setUserEmojiStatus getFile banChatMember
    unbanChatMember restrictChatMember promoteChatMember setChatAdministratorCustomTitle
    banChatSenderChat unbanChatSenderChat setChatPermissions exportChatInviteLink
    createChatInviteLink editChatInviteLink createChatSubscriptionInviteLink
    editChatSubscriptionInviteLink revokeChatInviteLink approveChatJoinRequest
    declineChatJoinRequest setChatPhoto deleteChatPhoto setChatTitle setChatDescription
    pinChatMessage unpinChatMessage unpinAllChatMessages leaveChat getChat
    getChatAdministrators getChatMemberCount getChatMember setChatStickerSet
    deleteChatStickerSet getForumTopicIconStickers createForumTopic editForumTopic
    closeForumTopic reopenForumTopic deleteForumTopic unpinAllForumTopicMessages
    editGeneralForumTopic closeGeneralForumTopic reopenGeneralForumTopic hideGeneralForumTopic
    unhideGeneralForumTopic unpinAllGeneralForumTopicMessages answerCallbackQuery
    getUserChatBoosts getBusinessConnection setMyCommands deleteMyCommands getMyCommands
    setMyName getMyName setMyDescription getMyDescription setMyShortDescription
    getMyShortDescription setChatMenuButton getChatMenuButton setMyDefaultAdministratorRights
    getMyDefaultAdministratorRights editMessageText editMessageCaption editMessageMedia
    editMessageLiveLocation stopMessageLiveLocation editMessageChecklist
    editMessageReplyMarkup stopPoll approveSuggestedPost declineSuggestedPost deleteMessage
    deleteMessages sendSticker getStickerSet getCustomEmojiStickers uploadStickerFile
    createNewStickerSet addStickerToSet setStickerPositionInSet deleteStickerFromSet
    replaceStickerInSet setStickerEmojiList setStickerKeywords setStickerMaskPosition
    setStickerSetTitle setStickerSetThumbnail setCustomEmojiStickerSetThumbnail
    deleteStickerSet answerInlineQuery answerWebAppQuery savePreparedInlineMessage
    sendInvoice createInvoiceLink answerShippingQuery answerPreCheckoutQuery
    getMyStarBalance getStarTransactions refundStarPayment editUserStarSubscription
    setPassportDataErrors sendGame setGameScore getGameHighScores getAvailableGifts sendGift
    giftPremiumSubscription verifyUser verifyChat removeUserVerification
    removeChatVerification readBusinessMessage deleteBusinessMessages
    """.split()  # noqa: SIM905
}

_SEND_METHODS = frozenset({"sendMessage", "sendDocument", "sendPhoto", "sendMediaGroup"})
_DEFAULT_EXCLUDED_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
_CHAT_ACTIONS = frozenset(
    {
        "typing", "upload_photo", "record_video", "upload_video", "record_voice", "upload_voice",
        "upload_document", "choose_sticker", "find_location", "record_video_note",
        "upload_video_note",
    }
)  # fmt: skip
_BUTTON_KINDS = (
    "callback_data", "url", "login_url", "switch_inline_query", "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat", "callback_game", "pay", "web_app", "copy_text",
)  # fmt: skip
_SCOPE_TYPES = frozenset(
    {
        "default", "all_private_chats", "all_group_chats", "all_chat_administrators", "chat",
        "chat_administrators", "chat_member",
    }
)  # fmt: skip
_ADMIN_RIGHTS: JSON = {
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


@dataclass
class ApiEvent:
    """Something the bot did, pushed to listeners (used by the terminal chat).

    kind is one of "new", "edited", "deleted", "callback_answer".
    """

    kind: str
    chat_id: int
    message: JSON | None = None
    payload: JSON | None = None


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


@dataclass
class _Upload:
    filename: str | None
    content_type: str | None
    data: bytes


class _Msg:
    __slots__ = ("by_bot", "data", "parse_mode", "raw_text", "service")

    def __init__(
        self, data: JSON, by_bot: bool, service: bool, raw_text: str | None, parse_mode: str | None
    ) -> None:
        self.data = data
        self.by_bot = by_bot
        self.service = service
        self.raw_text = raw_text
        self.parse_mode = parse_mode


class _Query:
    __slots__ = ("answered", "created", "user_id")

    def __init__(self, created: float, user_id: int) -> None:
        self.created = created
        self.user_id = user_id
        self.answered = False


class _Chat:
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
        self.messages: dict[int, _Msg] = {}
        self.next_id = 1
        self.bot_ids: list[int] = []
        self.pinned: list[int] = []
        self.members: dict[int, str] = {}
        self.member_rights: dict[int, JSON] = {}
        self.bot_status = "member" if type_ == "private" else "left"
        self.bot_ever_member = type_ == "private"
        self.bot_rights: JSON = dict(_ADMIN_RIGHTS)
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


def _now_mono() -> float:
    return time.monotonic()


def _image_size(data: bytes) -> tuple[int, int] | None:
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


def _as_int(value: Any, description: str) -> int:
    if isinstance(value, bool) or value is None:
        raise _bad(description)
    if isinstance(value, int):
        return value
    if isinstance(value, str) and _INT_RE.fullmatch(value.strip()):
        return int(value)
    raise _bad(description)


def _normalize(params: dict[str, Any]) -> dict[str, Any]:
    """Decode form values the way the Bot API does (JSON fields, ints, booleans)."""
    out: dict[str, Any] = {}
    for key, value in params.items():
        if isinstance(value, str):
            if key in _JSON_FIELDS:
                try:
                    value = json.loads(value)
                except ValueError:
                    if key == "reply_markup":
                        raise _bad("can't parse reply keyboard markup JSON object") from None
                    raise _bad(f"can't parse {key} JSON object") from None
            elif key in _INT_FIELDS or key == "chat_id":
                if _INT_RE.fullmatch(value.strip()):
                    value = int(value)
            elif key in _BOOL_FIELDS:
                value = value.strip().lower() in ("true", "1")
        out[key] = value
    return out


def _cid(chat: int | FakeUser | FakeGroup | JSON) -> int:
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
        api: FakeBotApi,
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

    def __init__(self, api: FakeBotApi, chat: _Chat) -> None:
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


class FakeBotApi:
    """In-memory Telegram Bot API served over HTTP with aiohttp.

    Speaks the real wire protocol so the real python-telegram-bot ``Application``
    can run against it, plus a Python control API to play users and inspect what
    the bot did.
    """

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
        self._chats: dict[int, _Chat] = {}
        self._groups: dict[int, FakeGroup] = {}
        self._by_username: dict[str, int] = {}
        self._updates: deque[JSON] = deque()
        self._next_update_id = 1
        self._delivered_upto = 0
        self._allowed_updates: frozenset[str] | None = None
        self._update_event = asyncio.Event()
        self._change_event = asyncio.Event()
        self._poll_generation = 0
        self._webhook: JSON | None = None
        self._queries: dict[str, _Query] = {}
        self._query_seq = itertools.count(1)
        self._files: dict[str, StoredFile] = {}
        self._files_by_path: dict[str, StoredFile] = {}
        self._file_seq = itertools.count(1)
        self._media_group_seq = itertools.count(13_000_000_000_000_000)
        self._commands: dict[tuple[str, int | None, int | None, str], list[JSON]] = {}
        self._bot_texts: dict[tuple[str, str], str] = {}
        self._default_menu_button: JSON = {"type": "default"}
        self._default_admin_rights: dict[bool, JSON] = {}
        self._injected: dict[str, deque[ApiError]] = {}
        self._global_window: deque[float] = deque()
        self._chat_windows: dict[int, deque[float]] = {}
        self._wait_cursor: dict[int, int] = {}
        self._listeners: list[Callable[[ApiEvent], None]] = []
        self._inflight = 0
        self._last_activity = _now_mono()
        self._time_offset = 0.0
        self._closing = False
        self._runner: web.AppRunner | None = None
        self._handlers: dict[
            str, tuple[str, Callable[[JSON, dict[str, _Upload]], Awaitable[Any]]]
        ] = {}
        for name, handler in self._method_table().items():
            self._handlers[name.lower()] = (name, handler)

    # ------------------------------------------------------------ lifecycle

    async def start(self, port: int | None = None) -> None:
        """Serve on ``host``:``port`` (port 0 = pick a free one) in the running loop."""
        if port is not None:
            self.port = port
        self._closing = False
        app = web.Application(client_max_size=_MAX_UPLOAD + 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_method)
        app.router.add_get("/file/bot{token}/{path:.+}", self._handle_file)
        app.router.add_route("*", "/{tail:.*}", self._handle_unknown)
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
        await runner.setup()
        site = web.TCPSite(runner, self.host, self.port)
        await site.start()
        self._runner = runner
        addr = runner.addresses[0]
        self.port = int(addr[1])

    async def stop(self) -> None:
        """Stop serving; pending long polls return immediately."""
        self._closing = True
        self._wake_pollers()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    @property
    def base_url(self) -> str:
        """For ``ApplicationBuilder().base_url(...)`` (PTB appends token and method)."""
        return f"http://{self.host}:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        return f"http://{self.host}:{self.port}/file/bot"

    # ------------------------------------------------------------ clock

    def now(self) -> int:
        """Current Telegram time (unix seconds, shifted by :meth:`advance_time`)."""
        return int(time.time() + self._time_offset)

    def _mono(self) -> float:
        return time.monotonic() + self._time_offset

    def advance_time(self, seconds: float) -> None:
        """Pretend time passed (expires callback queries, frees flood windows)."""
        self._time_offset += seconds

    # ------------------------------------------------------------ users & chats

    def user(
        self,
        user_id: int,
        first_name: str | None = None,
        last_name: str | None = None,
        username: str | None = None,
        *,
        language_code: str | None = "vi",
        started: bool = False,
    ) -> FakeUser:
        """Get or create a fake human.  ``started=True`` pretends they already
        pressed Start earlier (handy for big benchmarks)."""
        u = self._users.get(user_id)
        if u is None:
            if user_id <= 0:
                raise ValueError("user ids are positive")
            u = FakeUser(
                self, user_id, first_name or f"User{user_id}", last_name, username, language_code
            )
            self._users[user_id] = u
            self._chats[user_id] = _Chat(user_id, "private", user=u)
            if username:
                self._by_username[username.lower()] = user_id
        elif first_name is not None and (first_name, last_name, username) != (
            u.first_name,
            u.last_name,
            u.username,
        ):
            u.first_name, u.last_name, u.username = first_name, last_name, username
            u._dict = None
            self._chats[user_id].user = u
            self._chats[user_id].refresh()
        if started:
            u.started = u.seen = True
        return u

    def users(self) -> list[FakeUser]:
        return list(self._users.values())

    def group(
        self,
        chat_id: int,
        title: str | None = None,
        supergroup: bool = False,
        *,
        username: str | None = None,
        creator: FakeUser | None = None,
    ) -> FakeGroup:
        """Get or create a group (negative id).  The bot is NOT in it until add_bot()."""
        g = self._groups.get(chat_id)
        if g is not None:
            return g
        if chat_id >= 0:
            raise ValueError("group ids are negative")
        chat = _Chat(
            chat_id,
            "supergroup" if supergroup else "group",
            title=title or f"Group {chat_id}",
            username=username,
        )
        self._chats[chat_id] = chat
        if username:
            self._by_username[username.lower()] = chat_id
        g = FakeGroup(self, chat)
        self._groups[chat_id] = g
        if creator is not None:
            chat.members[creator.id] = "creator"
        return g

    def groups(self) -> list[FakeGroup]:
        return list(self._groups.values())

    # ------------------------------------------------------------ inspection

    def messages(
        self,
        chat: int | FakeUser | FakeGroup,
        *,
        include_users: bool = False,
        include_service: bool = False,
    ) -> list[JSON]:
        """Current state of the bot's messages in a chat (edits applied, deleted gone)."""
        c = self._chats.get(_cid(chat))
        if c is None:
            return []
        return [
            copy.deepcopy(m.data)
            for m in c.messages.values()
            if (m.by_bot or include_users) and (include_service or not m.service)
        ]

    def last_message(self, chat: int | FakeUser | FakeGroup) -> JSON | None:
        """The bot's latest (non-service) message in the chat, or None."""
        c = self._chats.get(_cid(chat))
        if c is None:
            return None
        for mid in reversed(c.bot_ids):
            m = c.messages.get(mid)
            if m is not None and not m.service:
                return copy.deepcopy(m.data)
        return None

    def get_message(self, chat: int | FakeUser | FakeGroup, message_id: int) -> JSON | None:
        c = self._chats.get(_cid(chat))
        m = c.messages.get(message_id) if c else None
        return copy.deepcopy(m.data) if m else None

    def raw(self, chat: int | FakeUser | FakeGroup, message_id: int) -> JSON | None:
        """What the bot actually sent: ``{"text": raw markup, "parse_mode": ...}``."""
        c = self._chats.get(_cid(chat))
        m = c.messages.get(message_id) if c else None
        if m is None:
            return None
        return {"text": m.raw_text, "parse_mode": m.parse_mode}

    def reply_keyboard(self, chat: int | FakeUser | FakeGroup) -> JSON | None:
        """The ReplyKeyboardMarkup currently shown in the chat (never part of Message)."""
        c = self._chats.get(_cid(chat))
        return copy.deepcopy(c.reply_keyboard) if c and c.reply_keyboard else None

    def pinned(self, chat: int | FakeUser | FakeGroup) -> list[int]:
        c = self._chats.get(_cid(chat))
        return list(c.pinned) if c else []

    def files(self, chat: int | FakeUser | FakeGroup) -> list[JSON]:
        """Documents/photos the bot sent to the chat, with their bytes."""
        c = self._chats.get(_cid(chat))
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
    ) -> None:
        """Make the next ``count`` calls of ``method`` fail with this error."""
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
            queue.append(ApiError(error_code, description, params or None))

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
        chat_id = _cid(chat)
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
        """Wait until the bot fetched all updates and made no call for ``quiet`` s."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while loop.time() < deadline:
            undelivered = (
                bool(self._updates) and self._updates[-1]["update_id"] > self._delivered_upto
            )
            if (
                not undelivered
                and self._inflight == 0
                and _now_mono() - self._last_activity >= quiet
            ):
                return True
            await asyncio.sleep(min(0.05, quiet / 2))
        return False

    # ------------------------------------------------------------ internals: events

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

    # ------------------------------------------------------------ internals: members

    def _member(self, chat: _Chat, user: JSON, status: str, rights: JSON | None = None) -> JSON:
        obj: JSON = {"status": status, "user": user}
        if status == "creator":
            obj["is_anonymous"] = False
        elif status == "administrator":
            obj.update(rights or _ADMIN_RIGHTS)
            if chat.type != "supergroup":
                obj.pop("can_manage_topics", None)
        elif status == "kicked":
            obj["until_date"] = 0
        return obj

    def _bot_member(self, chat: _Chat, status: str | None = None) -> JSON:
        return self._member(chat, self.bot_user, status or chat.bot_status, chat.bot_rights)

    def _user_member(self, chat: _Chat, user: FakeUser) -> JSON:
        status = chat.members.get(user.id, "left")
        return self._member(chat, user.to_dict(), status, chat.member_rights.get(user.id))

    def _register_user_seen(self, user: FakeUser, chat: _Chat) -> None:
        if chat.bot_status in ("member", "administrator"):
            user.seen = True

    def _ensure_member(self, chat: _Chat, user: FakeUser) -> None:
        if chat.members.get(user.id, "left") in ("left", "kicked"):
            chat.members[user.id] = (
                "creator" if not any(s == "creator" for s in chat.members.values()) else "member"
            )

    def _private_status_update(self, user: FakeUser, old: str, new: str) -> None:
        chat = self._chats[user.id]
        self._queue_update(
            "my_chat_member",
            {
                "chat": chat.chat_dict,
                "from": user.to_dict(),
                "date": self.now(),
                "old_chat_member": self._bot_member(chat, old),
                "new_chat_member": self._bot_member(chat, new),
            },
        )

    def _bot_status_change(
        self, chat: _Chat, by: FakeUser | None, new: str, rights: JSON | None = None
    ) -> None:
        old_member = self._bot_member(chat)
        chat.bot_status = new
        if rights is not None:
            chat.bot_rights = {**_ADMIN_RIGHTS, **rights}
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

    def _add_bot(
        self, chat: _Chat, by: FakeUser, admin: bool, rights: JSON | None, created: bool
    ) -> None:
        if chat.migrated_to is not None:
            raise ValueError("this group was migrated to a supergroup")
        if chat.bot_status in ("member", "administrator"):
            raise ValueError("the bot is already in this group")
        self._ensure_member(chat, by)
        self._bot_status_change(chat, by, "administrator" if admin else "member", rights)
        by.seen = True
        if created:
            key = "supergroup_chat_created" if chat.type == "supergroup" else "group_chat_created"
            self._service_message(chat, by, {key: True})
        else:
            self._service_message(chat, by, {"new_chat_members": [self.bot_user]})

    def _set_bot_admin(self, chat: _Chat, by: FakeUser, admin: bool, rights: JSON | None) -> None:
        if chat.bot_status not in ("member", "administrator"):
            raise ValueError("the bot is not in this group")
        self._bot_status_change(chat, by, "administrator" if admin else "member", rights)

    def _remove_bot(self, chat: _Chat, by: FakeUser) -> None:
        if chat.bot_status not in ("member", "administrator"):
            raise ValueError("the bot is not in this group")
        self._bot_status_change(chat, by, "kicked")
        # The bot is gone, so it never receives the left_chat_member message.
        self._store(
            chat, by.to_dict(), {"left_chat_member": self.bot_user}, by_bot=False, service=True
        )

    def _member_join(self, chat: _Chat, user: FakeUser, by: FakeUser | None) -> JSON:
        old = self._user_member(chat, user)
        chat.members[user.id] = "member"
        self._chat_member_update(chat, by or user, old, self._user_member(chat, user))
        self._register_user_seen(user, chat)
        return self._service_message(chat, by or user, {"new_chat_members": [user.to_dict()]})

    def _member_leave(self, chat: _Chat, user: FakeUser, by: FakeUser | None) -> JSON:
        old = self._user_member(chat, user)
        chat.members[user.id] = "kicked" if by is not None and by is not user else "left"
        self._chat_member_update(chat, by or user, old, self._user_member(chat, user))
        return self._service_message(chat, by or user, {"left_chat_member": user.to_dict()})

    def _set_member_status(
        self, chat: _Chat, user: FakeUser, status: str, rights: JSON | None
    ) -> None:
        old = self._user_member(chat, user)
        chat.members[user.id] = status
        if rights is not None:
            chat.member_rights[user.id] = {**_ADMIN_RIGHTS, **rights}
        self._chat_member_update(chat, user, old, self._user_member(chat, user))

    def _chat_member_update(self, chat: _Chat, by: FakeUser, old: JSON, new: JSON) -> None:
        # Telegram only sends chat_member to bots that are administrators.
        if chat.bot_status == "administrator":
            self._queue_update(
                "chat_member",
                {
                    "chat": chat.chat_dict,
                    "from": by.to_dict(),
                    "date": self.now(),
                    "old_chat_member": old,
                    "new_chat_member": new,
                },
            )

    def _migrate(self, chat: _Chat, new_id: int | None, by: FakeUser | None) -> FakeGroup:
        if chat.type != "group":
            raise ValueError("only basic groups can be migrated")
        if chat.migrated_to is not None:
            return self._groups[chat.migrated_to]
        if new_id is None:
            new_id = int(f"-100{abs(chat.id)}")
        if new_id in self._chats:
            raise ValueError(f"chat {new_id} already exists")
        if by is None:
            ids = [uid for uid, s in chat.members.items() if s == "creator"] or list(chat.members)
            by = self._users[ids[0]] if ids else self.user(1, "Telegram")
        new = _Chat(new_id, "supergroup", title=chat.title)
        new.members = dict(chat.members)
        new.member_rights = dict(chat.member_rights)
        new.bot_status, new.bot_ever_member, new.bot_rights = (
            chat.bot_status,
            chat.bot_ever_member,
            dict(chat.bot_rights),
        )
        self._chats[new_id] = new
        self._groups[new_id] = FakeGroup(self, new)
        self._service_message(chat, by, {"migrate_to_chat_id": new_id})
        chat.migrated_to = new_id
        self._service_message(new, by, {"migrate_from_chat_id": chat.id})
        return self._groups[new_id]

    # ------------------------------------------------------------ internals: messages

    def _store(
        self,
        chat: _Chat,
        sender: JSON,
        fields: JSON,
        *,
        by_bot: bool,
        service: bool = False,
        raw_text: str | None = None,
        parse_mode: str | None = None,
    ) -> _Msg:
        mid = chat.next_id
        chat.next_id += 1
        data: JSON = {"message_id": mid, "from": sender, "chat": chat.chat_dict, "date": self.now()}
        data.update(fields)
        m = _Msg(data, by_bot, service, raw_text, parse_mode)
        chat.messages[mid] = m
        if by_bot:
            chat.bot_ids.append(mid)
            self._changed(ApiEvent("new", chat.id, data) if not service else None)
        return m

    def _service_message(self, chat: _Chat, by: FakeUser, fields: JSON) -> JSON:
        m = self._store(chat, by.to_dict(), fields, by_bot=False, service=True)
        if chat.bot_status in ("member", "administrator"):
            self._queue_update("message", m.data)
        return copy.deepcopy(m.data)

    def _reply_snapshot(self, chat: _Chat, target: JSON | int | None) -> JSON | None:
        if target is None:
            return None
        mid = target if isinstance(target, int) else int(target["message_id"])
        m = chat.messages.get(mid)
        if m is None:
            raise LookupError(f"message {mid} not found in chat {chat.id}")
        snap = copy.deepcopy(m.data)
        snap.pop("reply_to_message", None)
        return snap

    def _user_message(
        self, user: FakeUser, group: FakeGroup | None, fields: JSON, reply_to: JSON | int | None
    ) -> JSON:
        if user.deactivated:
            raise RuntimeError(f"{user!r} is deactivated and cannot send messages")
        if group is None:
            chat = self._chats[user.id]
            if user.blocked:
                # Pressing "Restart" in a client unblocks the bot and sends /start.
                user.unblock_bot()
            user.started = user.seen = True
        else:
            chat = group._chat
            if chat.migrated_to is not None:
                raise RuntimeError(f"group {chat.id} was migrated to {chat.migrated_to}")
            self._ensure_member(chat, user)
            self._register_user_seen(user, chat)
        text = fields.get("text") or fields.get("caption")
        key = "entities" if "text" in fields else "caption_entities"
        if text:
            ents = detect_entities(text, [])
            if ents:
                fields[key] = ents
        reply = self._reply_snapshot(chat, reply_to)
        if reply is not None:
            fields["reply_to_message"] = reply
        m = self._store(chat, user.to_dict(), fields, by_bot=False)
        self._wait_cursor[chat.id] = m.data["message_id"]
        if self._bot_receives(chat, m.data, reply):
            self._queue_update("message", m.data)
        else:
            self._changed()
        return copy.deepcopy(m.data)

    def _bot_receives(self, chat: _Chat, data: JSON, reply: JSON | None) -> bool:
        if chat.type == "private":
            return True
        if chat.bot_status not in ("member", "administrator"):
            return False
        if not self.privacy_mode or chat.bot_status == "administrator":
            return True
        text = data.get("text") or data.get("caption") or ""
        if text.startswith("/"):
            command = text.split(maxsplit=1)[0]
            if "@" in command:
                return command.split("@", 1)[1].lower() == self.bot_username.lower()
            return True
        if reply is not None and reply.get("from", {}).get("id") == self.bot_id:
            return True
        return f"@{self.bot_username.lower()}" in text.lower()

    def _press(self, user: FakeUser, message: JSON, button: str | int) -> str:
        chat_id = _cid(message)
        chat = self._chats.get(chat_id)
        m = chat.messages.get(int(message["message_id"])) if chat else None
        if chat is None or m is None:
            raise LookupError(
                f"message {message.get('message_id')} no longer exists in chat {chat_id}"
            )
        if chat.type == "private" and chat.id != user.id:
            raise PermissionError(f"{user!r} cannot see the private chat {chat.id}")
        buttons = [
            b for row in m.data.get("reply_markup", {}).get("inline_keyboard", []) for b in row
        ]
        chosen: JSON | None = None
        if isinstance(button, int):
            if 0 <= button < len(buttons):
                chosen = buttons[button]
        else:
            chosen = next((b for b in buttons if b["text"] == button), None)
            if chosen is None:
                wanted = button.strip().casefold()
                chosen = next((b for b in buttons if b["text"].strip().casefold() == wanted), None)
        if chosen is None:
            raise LookupError(f"no button {button!r}; buttons: {[b['text'] for b in buttons]!r}")
        if "callback_data" not in chosen:
            raise ValueError(f"button {chosen['text']!r} is not a callback button: {chosen!r}")
        return self._callback(user, chat, m, chosen["callback_data"])

    def _forge_callback(
        self, user: FakeUser, target: JSON | FakeGroup | FakeUser | int, data: str
    ) -> str:
        if isinstance(target, dict) and "message_id" in target:
            chat = self._chats.get(_cid(target))
            if chat is None:
                raise LookupError("unknown chat")
            m = chat.messages.get(int(target["message_id"]))
            if m is None:
                # A deleted message: Telegram sends an InaccessibleMessage (date 0).
                return self._callback(user, chat, None, data, missing_id=int(target["message_id"]))
            return self._callback(user, chat, m, data)
        chat = self._chats.get(_cid(target))
        if chat is None:
            raise LookupError("unknown chat")
        for mid in reversed(chat.bot_ids):
            m = chat.messages.get(mid)
            if m is not None and not m.service:
                return self._callback(user, chat, m, data)
        raise LookupError(f"the bot has no message in chat {chat.id} to attach a callback to")

    def _callback(
        self, user: FakeUser, chat: _Chat, m: _Msg | None, data: str, missing_id: int = 0
    ) -> str:
        if chat.type == "private" and chat.id != user.id:
            raise PermissionError(f"{user!r} cannot see the private chat {chat.id}")
        if chat.type != "private":
            self._ensure_member(chat, user)
        qid = f"{self.bot_id % 10**6}{next(self._query_seq):012d}"
        self._queries[qid] = _Query(self._mono(), user.id)
        message = (
            m.data
            if m is not None
            else {"chat": chat.chat_dict, "message_id": missing_id, "date": 0}
        )
        self._wait_cursor[chat.id] = chat.next_id - 1
        user.seen = True
        self._queue_update(
            "callback_query",
            {
                "id": qid,
                "from": user.to_dict(),
                "message": message,
                "chat_instance": chat.chat_instance,
                "data": data,
            },
        )
        return qid

    # ------------------------------------------------------------ internals: files

    def _new_file(
        self, data: bytes, filename: str | None, mime_type: str | None, kind: str
    ) -> StoredFile:
        if not data:
            raise _bad("file must be non-empty")
        if len(data) > _MAX_UPLOAD:
            raise ApiError(413, "Request Entity Too Large")
        n = next(self._file_seq)
        prefix = {"photo": "AgAC", "document": "BQAC"}.get(kind, "CAAC")
        file_id = f"{prefix}{n:06d}{secrets.token_hex(10)}"
        unique = "AQAD" + hashlib.sha1(data).hexdigest()[:12]
        width = height = 0
        if kind == "photo":
            size = _image_size(data)
            if size is None:
                raise _bad("IMAGE_PROCESS_FAILED")
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

    def _input_file(
        self, p: JSON, files: dict[str, _Upload], name: str, kind: str, value: Any = None
    ) -> StoredFile:
        if value is None:
            upload = files.get(name)
            if upload is not None:
                return self._new_file(upload.data, upload.filename, upload.content_type, kind)
            value = p.get(name)
        if isinstance(value, str) and value:
            if value.startswith("attach://"):
                upload = files.get(value[len("attach://") :])
                if upload is None:
                    raise _bad("wrong file identifier/HTTP URL specified")
                return self._new_file(upload.data, upload.filename, upload.content_type, kind)
            rec = self._files.get(value)
            if rec is not None:
                if kind == "photo" and rec.kind != "photo":
                    raise _bad("wrong file identifier/HTTP URL specified")
                return rec
            if value.startswith(("http://", "https://")):
                raise _bad("failed to get HTTP URL content")
            raise _bad("wrong file identifier/HTTP URL specified")
        raise _bad(f"there is no {name} in the request")

    # ------------------------------------------------------------ internals: validation

    def _chat_id(self, p: JSON, name: str = "chat_id") -> int:
        value = p.get(name)
        if value is None or value == "":
            raise _bad(f"{name} is empty")
        if isinstance(value, bool):
            raise _bad("chat not found")
        if isinstance(value, int):
            return value
        if isinstance(value, str):
            if value.startswith("@"):
                found = self._by_username.get(value[1:].lower())
                if found is not None and found < 0:
                    return found
            elif _INT_RE.fullmatch(value.strip()):
                return int(value)
        raise _bad("chat not found")

    def _visible_chat(self, p: JSON) -> _Chat:
        """A chat the bot can read (getChat & co.)."""
        chat = self._chats.get(self._chat_id(p))
        if chat is None:
            raise _bad("chat not found")
        if chat.type == "private":
            if chat.user is None or not chat.user.seen:
                raise _bad("chat not found")
            return chat
        if chat.migrated_to is not None:
            raise ApiError(
                400,
                "Bad Request: group chat was upgraded to a supergroup chat",
                {"migrate_to_chat_id": chat.migrated_to},
            )
        if not chat.bot_ever_member:
            raise _bad("chat not found")
        if chat.bot_status == "kicked":
            raise _forbidden(f"bot was kicked from the {chat.kind_name}")
        if chat.bot_status == "left":
            raise _forbidden(f"bot is not a member of the {chat.kind_name}")
        return chat

    def _writable_chat(self, p: JSON) -> _Chat:
        """A chat the bot can post to; raises the errors Telegram gives otherwise."""
        chat_id = self._chat_id(p)
        chat = self._chats.get(chat_id)
        if chat is None:
            raise _bad("chat not found")
        if chat.type == "private":
            user = chat.user
            assert user is not None
            if user.deactivated:
                raise _forbidden("user is deactivated")
            if user.blocked:
                raise _forbidden("bot was blocked by the user")
            if not user.started:
                raise _forbidden("bot can't initiate conversation with a user")
            return chat
        return self._visible_chat(p)

    def _is_admin(self, chat: _Chat, right: str) -> bool:
        if chat.type == "private":
            return True
        return chat.bot_status == "administrator" and bool(chat.bot_rights.get(right, True))

    def _format(
        self, p: JSON, field_name: str, limit: int, *, required: bool
    ) -> tuple[str | None, list[JSON], str | None]:
        """Parse text/caption with parse_mode or explicit entities → (text, entities, raw)."""
        raw = p.get(field_name)
        if raw is None or raw == "":
            if required:
                raise _bad("message text is empty")
            return None, [], None
        if not isinstance(raw, str):
            raw = json.dumps(raw) if isinstance(raw, dict | list) else str(raw)
        mode = p.get("parse_mode")
        ents_key = "entities" if field_name == "text" else "caption_entities"
        explicit = p.get(ents_key)
        try:
            if mode:
                if str(mode).lower() in ("markdown", "markdownv2"):
                    # Real Telegram parses these; the bot only ever sends HTML.
                    raise _bad("parse_mode not supported by the fake server")
                if str(mode).lower() != "html":
                    raise _bad("unsupported parse_mode")
                text, entities = parse_html(raw)
            else:
                text, entities = raw, []
                if isinstance(explicit, list):
                    entities = [dict(e) for e in explicit if isinstance(e, dict)]
                    for e in entities:
                        if not {"type", "offset", "length"} <= e.keys():
                            raise _bad(f"can't parse {ents_key} JSON object")
        except EntityParseError as exc:
            raise _bad(f"can't parse entities: {exc}") from None
        text, entities = strip_text(text, entities)
        if not text:
            raise _bad(
                "message text is empty" if field_name == "text" else "message caption is empty"
            )
        if len(text) > limit:
            raise _bad(
                "message is too long" if field_name == "text" else "message caption is too long"
            )
        self._resolve_mentions(entities)
        return text, detect_entities(text, entities), raw

    def _resolve_mentions(self, entities: list[JSON]) -> None:
        """``tg://user?id=N`` links become text_mention entities with the User."""
        for e in entities:
            if e.get("type") == "text_link":
                m = re.fullmatch(r"tg://user\?id=(\d+)", str(e.get("url", "")))
                if m and int(m.group(1)) in self._users:
                    e["type"] = "text_mention"
                    e.pop("url")
                    e["user"] = self._users[int(m.group(1))].to_dict()

    def _markup(self, p: JSON, *, inline_only: bool = False) -> tuple[JSON | None, JSON | None]:
        """Validate reply_markup → (inline markup to store in Message, other markup)."""
        rm = p.get("reply_markup")
        if rm is None or rm == "":
            return None, None
        if not isinstance(rm, dict):
            raise _bad("can't parse reply keyboard markup JSON object")
        if "inline_keyboard" in rm:
            rows = rm["inline_keyboard"]
            if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
                raise _bad(
                    'field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays'
                )
            kept: list[list[JSON]] = []
            total = 0
            for row in rows:
                for b in row:
                    self._check_button(b)
                total += len(row)
                if row:
                    kept.append([dict(b) for b in row])
            if total > 100:
                raise _bad("reply markup is too long")
            return ({"inline_keyboard": kept} if kept else None), None
        if inline_only:
            raise _bad("inline keyboard expected")
        if "keyboard" in rm:
            rows = rm["keyboard"]
            if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
                raise _bad('field "keyboard" of the ReplyKeyboardMarkup must be an Array of Arrays')
            for row in rows:
                for b in row:
                    if not (
                        isinstance(b, str)
                        or (isinstance(b, dict) and isinstance(b.get("text"), str))
                    ):
                        raise _bad(
                            "can't parse keyboard button: "
                            "KeyboardButton must be a String or an Object"
                        )
            return None, rm
        if rm.get("remove_keyboard") is True or rm.get("force_reply") is True:
            return None, rm
        raise _bad("can't parse reply keyboard markup JSON object")

    @staticmethod
    def _check_button(b: Any) -> None:
        if not isinstance(b, dict):
            raise _bad("can't parse inline keyboard button: InlineKeyboardButton must be an Object")
        if not isinstance(b.get("text"), str):
            raise _bad('can\'t parse inline keyboard button: Field "text" must be of type String')
        kinds = [k for k in _BUTTON_KINDS if k in b]
        if not kinds:
            raise _bad(
                "can't parse inline keyboard button: "
                "Text buttons are unallowed in the inline keyboard"
            )
        if "callback_data" in b:
            data = b["callback_data"]
            if not isinstance(data, str) or not 1 <= len(data.encode("utf-8")) <= 64:
                raise _bad("BUTTON_DATA_INVALID")
        if "url" in b:
            url = b["url"]
            if not isinstance(url, str) or not re.match(
                r"(?i)^(https?://[^\s/]+\.[^\s]*|https?://[^\s/]+$|tg://\S+)", url
            ):
                raise _bad(f"inline keyboard button URL '{url}' is invalid: Wrong HTTP URL")

    def _reply_target(self, chat: _Chat, p: JSON) -> JSON | None:
        params = p.get("reply_parameters")
        mid: Any = None
        allow = bool(p.get("allow_sending_without_reply"))
        if isinstance(params, dict):
            mid = params.get("message_id")
            allow = allow or bool(params.get("allow_sending_without_reply"))
            if params.get("chat_id") not in (None, chat.id):
                raise _bad("message to be replied not found")
        elif p.get("reply_to_message_id") is not None:
            mid = p.get("reply_to_message_id")
        if mid is None:
            return None
        m = chat.messages.get(_as_int(mid, "message to be replied not found"))
        if m is None:
            if allow:
                return None
            raise _bad("message to be replied not found")
        snap = copy.deepcopy(m.data)
        snap.pop("reply_to_message", None)
        return snap

    def _flood(self, chat: _Chat, *, count_global: bool) -> None:
        """Sliding-window flood control (only with ``enforce_limits``)."""
        if not self.enforce_limits:
            return
        now = self._mono()
        windows: list[tuple[deque[float], int, float]] = []
        if count_global:
            windows.append((self._global_window, self.limits.global_per_second, 1.0))
        per_chat = self._chat_windows.get(chat.id)
        if per_chat is None:
            per_chat = self._chat_windows[chat.id] = deque()
        if chat.type == "private":
            windows.append((per_chat, self.limits.private_per_second, 1.0))
        else:
            windows.append((per_chat, self.limits.group_per_minute, 60.0))
        for window, limit, period in windows:
            while window and now - window[0] >= period:
                window.popleft()
            if len(window) >= limit:
                retry = max(1, math.ceil(window[0] + period - now))
                raise ApiError(
                    429, f"Too Many Requests: retry after {retry}", {"retry_after": retry}
                )
        for window, _, _ in windows:
            window.append(now)

    def _bot_send(
        self,
        chat: _Chat,
        fields: JSON,
        p: JSON,
        *,
        raw_text: str | None,
        other_markup: JSON | None,
        count_global: bool = True,
    ) -> JSON:
        reply = self._reply_target(chat, p)
        self._flood(chat, count_global=count_global)
        if reply is not None:
            fields["reply_to_message"] = reply
        if p.get("protect_content"):
            fields["has_protected_content"] = True
        if other_markup is not None:
            if "keyboard" in other_markup:
                chat.reply_keyboard = other_markup
            elif other_markup.get("remove_keyboard"):
                chat.reply_keyboard = None
        mode = p.get("parse_mode")
        m = self._store(
            chat,
            self.bot_user,
            fields,
            by_bot=True,
            raw_text=raw_text,
            parse_mode=str(mode) if mode else None,
        )
        return m.data

    # ------------------------------------------------------------ HTTP

    async def _read_params(self, request: web.Request) -> tuple[JSON, dict[str, _Upload]]:
        params: JSON = dict(request.query)
        files: dict[str, _Upload] = {}
        if request.method == "POST" and request.can_read_body:
            ctype = request.content_type
            if ctype == "application/json":
                try:
                    body = await request.json()
                except ValueError:
                    raise _bad("can't parse JSON request body") from None
                if isinstance(body, dict):
                    params.update(body)
            elif ctype in ("application/x-www-form-urlencoded", "multipart/form-data"):
                try:
                    form = await request.post()
                except web.HTTPRequestEntityTooLarge:
                    raise ApiError(413, "Request Entity Too Large") from None
                for key, value in form.items():
                    if isinstance(value, web.FileField):
                        files[key] = _Upload(value.filename, value.content_type, value.file.read())
                    else:
                        params[key] = value
        return params, files

    @staticmethod
    def _dumps(obj: Any) -> str:
        return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))

    def _response(self, body: JSON, status: int = 200) -> web.Response:
        return web.Response(text=self._dumps(body), status=status, content_type="application/json")

    def _error(self, err: ApiError) -> web.Response:
        return self._response(err.to_json(), err.code)

    async def _handle_unknown(self, request: web.Request) -> web.Response:
        return self._error(ApiError(404, "Not Found"))

    async def _handle_method(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return self._error(ApiError(401, "Unauthorized"))
        name = request.match_info["method"]
        key = name.lower()
        entry = self._handlers.get(key)
        method = entry[0] if entry else _BOT_API_METHODS.get(key, name)
        is_poll = method == "getUpdates"
        if not is_poll:
            self._inflight += 1
        try:
            try:
                raw, files = await self._read_params(request)
                recorded = dict(raw)
                for fname, up in files.items():
                    recorded[fname] = f"<file {up.filename!r}, {len(up.data)} bytes>"
                try:
                    params = _normalize(raw)
                    recorded.update({k: v for k, v in params.items() if k not in files})
                finally:
                    self.requests.append((method, recorded))
                if entry is None:
                    if key in _BOT_API_METHODS:
                        log.warning("fake Bot API: method %s is not supported", method)
                        raise _bad("method not supported by the fake server")
                    raise ApiError(404, "Not Found")
                injected = self._injected.get(key)
                if injected:
                    err = injected.popleft()
                    raise ApiError(err.code, err.description, err.parameters)
                result = await entry[1](params, files)
            except ApiError as err:
                if err.code == 429:
                    self.stats.rate_limited += 1
                else:
                    self.stats.errors += 1
                log.debug("fake Bot API %s → %s %s", method, err.code, err.description)
                return self._error(err)
            self.stats.by_method[method] += 1
            if method in _SEND_METHODS:
                self.stats.sent_ok += 1
                first = result[0] if isinstance(result, list) else result
                self.stats.per_chat[int(first["chat"]["id"])] += 1
            body: JSON = {"ok": True, "result": result}
            if method in ("setWebhook", "deleteWebhook") and isinstance(result, bool):
                body["description"] = self._webhook_description
            return self._response(body)
        finally:
            if not is_poll:
                self._inflight -= 1
                self._last_activity = _now_mono()

    async def _handle_file(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.token:
            return self._error(ApiError(401, "Unauthorized"))
        rec = self._files_by_path.get(request.match_info["path"])
        if rec is None:
            return self._error(ApiError(404, "Not Found"))
        return web.Response(body=rec.data, content_type=rec.mime_type or "application/octet-stream")

    # ------------------------------------------------------------ methods

    def _method_table(self) -> dict[str, Callable[[JSON, dict[str, _Upload]], Awaitable[Any]]]:
        return {
            "getMe": self._m_get_me,
            "getUpdates": self._m_get_updates,
            "setWebhook": self._m_set_webhook,
            "deleteWebhook": self._m_delete_webhook,
            "getWebhookInfo": self._m_get_webhook_info,
            "logOut": self._m_true,
            "close": self._m_true,
            "sendMessage": self._m_send_message,
            "sendDocument": self._m_send_document,
            "sendPhoto": self._m_send_photo,
            "sendMediaGroup": self._m_send_media_group,
            "editMessageText": self._m_edit_text,
            "editMessageCaption": self._m_edit_caption,
            "editMessageReplyMarkup": self._m_edit_markup,
            "deleteMessage": self._m_delete_message,
            "deleteMessages": self._m_delete_messages,
            "answerCallbackQuery": self._m_answer_callback,
            "getFile": self._m_get_file,
            "pinChatMessage": self._m_pin,
            "unpinChatMessage": self._m_unpin,
            "unpinAllChatMessages": self._m_unpin_all,
            "setMyCommands": self._m_set_commands,
            "getMyCommands": self._m_get_commands,
            "deleteMyCommands": self._m_delete_commands,
            "setMyName": functools.partial(self._m_set_bot_text, "name"),
            "getMyName": functools.partial(self._m_get_bot_text, "name"),
            "setMyDescription": functools.partial(self._m_set_bot_text, "description"),
            "getMyDescription": functools.partial(self._m_get_bot_text, "description"),
            "setMyShortDescription": functools.partial(self._m_set_bot_text, "short_description"),
            "getMyShortDescription": functools.partial(self._m_get_bot_text, "short_description"),
            "setMyDefaultAdministratorRights": self._m_set_default_rights,
            "getMyDefaultAdministratorRights": self._m_get_default_rights,
            "getChat": self._m_get_chat,
            "getChatMember": self._m_get_chat_member,
            "getChatAdministrators": self._m_get_admins,
            "getChatMemberCount": self._m_member_count,
            "leaveChat": self._m_leave_chat,
            "sendChatAction": self._m_chat_action,
            "setChatMenuButton": self._m_set_menu_button,
            "getChatMenuButton": self._m_get_menu_button,
            "createChatInviteLink": self._m_create_invite_link,
        }

    async def _m_true(self, p: JSON, files: dict[str, _Upload]) -> bool:
        return True

    async def _m_get_me(self, p: JSON, files: dict[str, _Upload]) -> JSON:
        return {
            **self.bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": not self.privacy_mode,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    async def _m_get_updates(self, p: JSON, files: dict[str, _Upload]) -> list[JSON]:
        if self._webhook is not None:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        offset = p.get("offset")
        limit = min(100, max(1, _as_int(p.get("limit", 100), "wrong limit")))
        timeout = max(0, _as_int(p.get("timeout", 0), "wrong timeout"))
        allowed = p.get("allowed_updates")
        if isinstance(allowed, list):
            self._allowed_updates = frozenset(str(a) for a in allowed) if allowed else None
        if offset is not None:
            off = _as_int(offset, "wrong offset")
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
                self._last_activity = _now_mono()
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

    _webhook_description = "Webhook was set"

    async def _m_set_webhook(self, p: JSON, files: dict[str, _Upload]) -> bool:
        url = str(p.get("url") or "")
        if p.get("drop_pending_updates"):
            self._updates.clear()
        if not url:
            self._webhook_description = (
                "Webhook was deleted" if self._webhook else "Webhook is already deleted"
            )
            self._webhook = None
            return True
        if not url.startswith("https://"):
            raise _bad("bad webhook: An HTTPS URL must be provided for webhook")
        self._webhook = {
            "url": url,
            "max_connections": _as_int(p.get("max_connections", 40), "bad max_connections"),
        }
        if isinstance(p.get("allowed_updates"), list):
            self._webhook["allowed_updates"] = p["allowed_updates"]
            self._allowed_updates = frozenset(p["allowed_updates"]) or None
        self._webhook_description = "Webhook was set"
        self._wake_pollers()
        return True

    async def _m_delete_webhook(self, p: JSON, files: dict[str, _Upload]) -> bool:
        self._webhook_description = (
            "Webhook was deleted" if self._webhook else "Webhook is already deleted"
        )
        self._webhook = None
        if p.get("drop_pending_updates"):
            self._updates.clear()
        return True

    async def _m_get_webhook_info(self, p: JSON, files: dict[str, _Upload]) -> JSON:
        info: JSON = {
            "url": "",
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }
        if self._webhook:
            info.update(self._webhook)
        return info

    async def _m_send_message(self, p: JSON, files: dict[str, _Upload]) -> JSON:
        chat = self._writable_chat(p)
        text, entities, raw = self._format(p, "text", 4096, required=True)
        inline, other = self._markup(p)
        fields: JSON = {"text": text}
        if entities:
            fields["entities"] = entities
        if inline:
            fields["reply_markup"] = inline
        return self._bot_send(chat, fields, p, raw_text=raw, other_markup=other)

    async def _m_send_document(self, p: JSON, files: dict[str, _Upload]) -> JSON:
        chat = self._writable_chat(p)
        caption, entities, raw = self._format(p, "caption", 1024, required=False)
        inline, other = self._markup(p)
        rec = self._input_file(p, files, "document", "document")
        fields: JSON = {"document": rec.as_document()}
        self._add_caption(fields, caption, entities, inline)
        return self._bot_send(chat, fields, p, raw_text=raw, other_markup=other)

    async def _m_send_photo(self, p: JSON, files: dict[str, _Upload]) -> JSON:
        chat = self._writable_chat(p)
        caption, entities, raw = self._format(p, "caption", 1024, required=False)
        inline, other = self._markup(p)
        rec = self._input_file(p, files, "photo", "photo")
        fields: JSON = {"photo": rec.as_photo()}
        self._add_caption(fields, caption, entities, inline)
        return self._bot_send(chat, fields, p, raw_text=raw, other_markup=other)

    @staticmethod
    def _add_caption(
        fields: JSON, caption: str | None, entities: list[JSON], inline: JSON | None
    ) -> None:
        if caption:
            fields["caption"] = caption
            if entities:
                fields["caption_entities"] = entities
        if inline:
            fields["reply_markup"] = inline

    async def _m_send_media_group(self, p: JSON, files: dict[str, _Upload]) -> list[JSON]:
        chat = self._writable_chat(p)
        media = p.get("media")
        if not isinstance(media, list) or not media:
            raise _bad("media is empty" if not media else "can't parse media JSON object")
        if not 2 <= len(media) <= 10:
            raise _bad("wrong number of media specified: must include 2-10 items")
        kinds = {m.get("type") if isinstance(m, dict) else None for m in media}
        if not kinds <= {"photo", "video", "document", "audio"}:
            raise _bad("can't parse InputMedia: unsupported media type")
        if len(kinds) > 1 and ("document" in kinds or "audio" in kinds):
            raise _bad("documents and audio can't be mixed with other media types in an album")
        prepared: list[tuple[JSON, str | None]] = []
        for item in media:
            kind = item["type"]
            rec = self._input_file(p, files, "media", kind, value=item.get("media"))
            caption, entities, raw = self._format(item, "caption", 1024, required=False)
            if kind == "photo":
                fields: JSON = {"photo": rec.as_photo()}
            elif kind == "document":
                fields = {"document": rec.as_document()}
            elif kind == "video":
                fields = {"video": {**rec.as_document(), "width": 0, "height": 0, "duration": 0}}
            else:
                fields = {"audio": {**rec.as_document(), "duration": 0}}
            self._add_caption(fields, caption, entities, None)
            prepared.append((fields, raw))
        reply = self._reply_target(chat, p)
        self._flood(chat, count_global=True)
        group_id = str(next(self._media_group_seq))
        out = []
        for fields, raw in prepared:
            fields = {"media_group_id": group_id, **fields}
            if reply is not None:
                fields["reply_to_message"] = reply
            out.append(self._store(chat, self.bot_user, fields, by_bot=True, raw_text=raw).data)
        return out

    def _editable(self, p: JSON) -> tuple[_Chat, _Msg]:
        if p.get("inline_message_id"):
            raise _bad("MESSAGE_ID_INVALID")
        chat = self._writable_chat(p)
        mid = p.get("message_id")
        if mid is None or mid == "":
            raise _bad("message identifier is not specified")
        m = chat.messages.get(_as_int(mid, "message to edit not found"))
        if m is None:
            raise _bad("message to edit not found")
        if not m.by_bot or m.service:
            raise _bad("message can't be edited")
        return chat, m

    def _apply_edit(self, chat: _Chat, m: _Msg, changes: JSON, p: JSON, raw: str | None) -> JSON:
        data = m.data
        if all(data.get(k) == v for k, v in changes.items()):
            raise _bad(_NOT_MODIFIED.removeprefix("Bad Request: "))
        self._flood(chat, count_global=False)
        for k, v in changes.items():
            if v is None:
                data.pop(k, None)
            else:
                data[k] = v
        data["edit_date"] = max(self.now(), data["date"])
        if raw is not None:
            m.raw_text = raw
            m.parse_mode = str(p["parse_mode"]) if p.get("parse_mode") else None
        self._changed(ApiEvent("edited", chat.id, data))
        return data

    async def _m_edit_text(self, p: JSON, files: dict[str, _Upload]) -> JSON:
        chat, m = self._editable(p)
        text, entities, raw = self._format(p, "text", 4096, required=True)
        inline, _ = self._markup(p, inline_only=True)
        if "text" not in m.data:
            raise _bad("there is no text in the message to edit")
        return self._apply_edit(
            chat, m, {"text": text, "entities": entities or None, "reply_markup": inline}, p, raw
        )

    async def _m_edit_caption(self, p: JSON, files: dict[str, _Upload]) -> JSON:
        chat, m = self._editable(p)
        caption, entities, raw = self._format(p, "caption", 1024, required=False)
        inline, _ = self._markup(p, inline_only=True)
        if "text" in m.data:
            raise _bad("there is no caption in the message to edit")
        changes = {"caption": caption, "caption_entities": entities or None, "reply_markup": inline}
        return self._apply_edit(chat, m, changes, p, raw)

    async def _m_edit_markup(self, p: JSON, files: dict[str, _Upload]) -> JSON:
        chat, m = self._editable(p)
        inline, _ = self._markup(p, inline_only=True)
        return self._apply_edit(chat, m, {"reply_markup": inline}, p, None)

    def _delete(self, chat: _Chat, mid: int) -> bool:
        m = chat.messages.get(mid)
        if m is None:
            return False
        if not m.by_bot and not self._is_admin(chat, "can_delete_messages"):
            raise _bad("message can't be deleted")
        if (
            chat.type != "private"
            and not self._is_admin(chat, "can_delete_messages")
            and self.now() - m.data["date"] > 48 * 3600
        ):
            raise _bad("message can't be deleted")
        del chat.messages[mid]
        if mid in chat.pinned:
            chat.pinned.remove(mid)
        self._changed(ApiEvent("deleted", chat.id, m.data))
        return True

    def _deletable_chat(self, p: JSON) -> _Chat:
        chat = self._chats.get(self._chat_id(p))
        if chat is None:
            raise _bad("chat not found")
        return chat if chat.type == "private" else self._visible_chat(p)

    async def _m_delete_message(self, p: JSON, files: dict[str, _Upload]) -> bool:
        chat = self._deletable_chat(p)
        if not self._delete(
            chat, _as_int(p.get("message_id"), "message identifier is not specified")
        ):
            raise _bad("message to delete not found")
        return True

    async def _m_delete_messages(self, p: JSON, files: dict[str, _Upload]) -> bool:
        chat = self._deletable_chat(p)
        ids = p.get("message_ids")
        if not isinstance(ids, list) or not 1 <= len(ids) <= 100:
            raise _bad("message_ids must contain 1-100 items")
        for mid in ids:
            with contextlib.suppress(ApiError):
                self._delete(chat, _as_int(mid, "bad message id"))
        return True

    async def _m_answer_callback(self, p: JSON, files: dict[str, _Upload]) -> bool:
        qid = str(p.get("callback_query_id") or "")
        q = self._queries.get(qid)
        if q is None or q.answered or self._mono() - q.created > self.callback_timeout:
            raise _bad(_QUERY_TOO_OLD)
        text = p.get("text")
        if text is not None and len(str(text)) > 200:
            raise _bad("MESSAGE_TOO_LONG")
        q.answered = True
        self.callback_answers[qid] = dict(p)
        self._changed(ApiEvent("callback_answer", q.user_id, None, dict(p)))
        return True

    async def _m_get_file(self, p: JSON, files: dict[str, _Upload]) -> JSON:
        rec = self._files.get(str(p.get("file_id") or ""))
        if rec is None:
            raise _bad("invalid file_id")
        if len(rec.data) > _MAX_DOWNLOAD:
            raise _bad("file is too big")
        return {
            "file_id": rec.file_id,
            "file_unique_id": rec.file_unique_id,
            "file_size": len(rec.data),
            "file_path": rec.file_path,
        }

    def _pin_rights(self, p: JSON) -> _Chat:
        chat = self._writable_chat(p)
        if not self._is_admin(chat, "can_pin_messages"):
            raise _bad("not enough rights to manage pinned messages in the chat")
        return chat

    async def _m_pin(self, p: JSON, files: dict[str, _Upload]) -> bool:
        chat = self._pin_rights(p)
        mid = _as_int(p.get("message_id"), "message identifier is not specified")
        m = chat.messages.get(mid)
        if m is None:
            raise _bad("message to pin not found")
        if mid in chat.pinned:
            chat.pinned.remove(mid)
        chat.pinned.append(mid)
        pinned = copy.deepcopy(m.data)
        pinned.pop("reply_to_message", None)
        self._store(chat, self.bot_user, {"pinned_message": pinned}, by_bot=True, service=True)
        return True

    async def _m_unpin(self, p: JSON, files: dict[str, _Upload]) -> bool:
        chat = self._pin_rights(p)
        mid = p.get("message_id")
        if mid is None:
            if chat.pinned:
                chat.pinned.pop()
            return True
        mid = _as_int(mid, "message identifier is not specified")
        if mid not in chat.messages:
            raise _bad("message to unpin not found")
        if mid in chat.pinned:
            chat.pinned.remove(mid)
        return True

    async def _m_unpin_all(self, p: JSON, files: dict[str, _Upload]) -> bool:
        self._pin_rights(p).pinned.clear()
        return True

    def _scope_key(self, scope: Any, language_code: Any) -> tuple[str, int | None, int | None, str]:
        if not isinstance(scope, dict) or scope.get("type") not in _SCOPE_TYPES:
            raise _bad("can't parse BotCommandScope JSON object")
        lang = str(language_code or "")
        if lang and not re.fullmatch(r"[a-z]{2}", lang):
            raise _bad("invalid language code specified")
        kind = scope["type"]
        chat_id = user_id = None
        if kind in ("chat", "chat_administrators", "chat_member"):
            chat_id = self._chat_id(scope)
        if kind == "chat_member":
            user_id = _as_int(scope.get("user_id"), "user not found")
        return kind, chat_id, user_id, lang

    async def _m_set_commands(self, p: JSON, files: dict[str, _Upload]) -> bool:
        commands = p.get("commands")
        if not isinstance(commands, list):
            raise _bad("can't parse commands JSON object")
        if len(commands) > 100:
            raise _bad("too many commands specified")
        clean = []
        for c in commands:
            if not isinstance(c, dict):
                raise _bad("can't parse BotCommand JSON object")
            name, desc = c.get("command"), c.get("description")
            if not isinstance(name, str) or not re.fullmatch(r"[a-z0-9_]{1,32}", name):
                raise _bad("BOT_COMMAND_INVALID")
            if not isinstance(desc, str) or not 1 <= len(desc) <= 256:
                raise _bad("BOT_COMMAND_DESCRIPTION_INVALID")
            clean.append({"command": name, "description": desc})
        key = self._scope_key(p.get("scope") or {"type": "default"}, p.get("language_code"))
        if clean:
            self._commands[key] = clean
        else:
            self._commands.pop(key, None)
        return True

    async def _m_get_commands(self, p: JSON, files: dict[str, _Upload]) -> list[JSON]:
        key = self._scope_key(p.get("scope") or {"type": "default"}, p.get("language_code"))
        return self._commands.get(key, [])

    async def _m_delete_commands(self, p: JSON, files: dict[str, _Upload]) -> bool:
        key = self._scope_key(p.get("scope") or {"type": "default"}, p.get("language_code"))
        self._commands.pop(key, None)
        return True

    async def _m_set_bot_text(self, kind: str, p: JSON, files: dict[str, _Upload]) -> bool:
        lang = str(p.get("language_code") or "")
        value = str(p.get(kind) or "")
        limit = {"name": 64, "description": 512, "short_description": 120}[kind]
        if len(value) > limit:
            raise _bad(f"bot {kind.replace('_', ' ')} is too long")
        if value:
            self._bot_texts[(kind, lang)] = value
        else:
            self._bot_texts.pop((kind, lang), None)
        return True

    async def _m_get_bot_text(self, kind: str, p: JSON, files: dict[str, _Upload]) -> JSON:
        lang = str(p.get("language_code") or "")
        default = self.bot_name if kind == "name" else ""
        value = self._bot_texts.get((kind, lang), self._bot_texts.get((kind, ""), default))
        return {kind: value}

    async def _m_set_default_rights(self, p: JSON, files: dict[str, _Upload]) -> bool:
        rights = p.get("rights")
        self._default_admin_rights[bool(p.get("for_channels"))] = (
            rights if isinstance(rights, dict) else {}
        )
        return True

    async def _m_get_default_rights(self, p: JSON, files: dict[str, _Upload]) -> JSON:
        base = {k: False for k in _ADMIN_RIGHTS if k != "can_be_edited"}
        base.update(self._default_admin_rights.get(bool(p.get("for_channels")), {}))
        return base

    async def _m_get_chat(self, p: JSON, files: dict[str, _Upload]) -> JSON:
        chat = self._visible_chat(p)
        info: JSON = dict(chat.chat_dict)
        info.update(
            {
                "accent_color_id": chat.id % 7,
                "max_reaction_count": 11,
                "accepted_gift_types": {
                    "unlimited_gifts": chat.type == "private",
                    "limited_gifts": chat.type == "private",
                    "unique_gifts": chat.type == "private",
                    "premium_subscription": chat.type == "private",
                    "gifts_from_channels": chat.type == "private",
                },
            }
        )
        if chat.type != "private":
            info["permissions"] = {
                "can_send_messages": True, "can_send_audios": True, "can_send_documents": True,
                "can_send_photos": True, "can_send_videos": True, "can_send_video_notes": True,
                "can_send_voice_notes": True, "can_send_polls": True,
                "can_send_other_messages": True, "can_add_web_page_previews": True,
                "can_change_info": True, "can_invite_users": True,
                "can_pin_messages": True, "can_manage_topics": True,
            }  # fmt: skip
        if chat.pinned:
            pinned = copy.deepcopy(chat.messages[chat.pinned[-1]].data)
            pinned.pop("reply_to_message", None)
            info["pinned_message"] = pinned
        return info

    async def _m_get_chat_member(self, p: JSON, files: dict[str, _Upload]) -> JSON:
        chat = self._visible_chat(p)
        user_id = _as_int(p.get("user_id"), "user not found")
        if user_id == self.bot_id:
            return self._bot_member(chat)
        user = self._users.get(user_id)
        if user is None:
            raise _bad("user not found")
        if chat.type == "private":
            if user_id != chat.id:
                raise _bad("user not found")
            return self._member(chat, user.to_dict(), "member")
        return self._user_member(chat, user)

    async def _m_get_admins(self, p: JSON, files: dict[str, _Upload]) -> list[JSON]:
        chat = self._visible_chat(p)
        if chat.type == "private":
            raise _bad("there are no administrators in the private chat")
        out = [
            self._user_member(chat, self._users[uid])
            for uid, status in chat.members.items()
            if status in ("creator", "administrator") and uid in self._users
        ]
        if chat.bot_status == "administrator":
            out.append(self._bot_member(chat))
        return out

    async def _m_member_count(self, p: JSON, files: dict[str, _Upload]) -> int:
        chat = self._visible_chat(p)
        if chat.type == "private":
            return 2
        humans = sum(
            1
            for s in chat.members.values()
            if s in ("creator", "administrator", "member", "restricted")
        )
        return humans + (1 if chat.bot_status in ("member", "administrator") else 0)

    async def _m_leave_chat(self, p: JSON, files: dict[str, _Upload]) -> bool:
        chat = self._visible_chat(p)
        if chat.type == "private":
            raise _bad("chat member status can't be changed in private chats")
        self._bot_status_change(chat, None, "left")
        self._store(
            chat, self.bot_user, {"left_chat_member": self.bot_user}, by_bot=False, service=True
        )
        return True

    async def _m_chat_action(self, p: JSON, files: dict[str, _Upload]) -> bool:
        self._writable_chat(p)
        if p.get("action") not in _CHAT_ACTIONS:
            raise _bad("wrong parameter action in request")
        return True

    async def _m_set_menu_button(self, p: JSON, files: dict[str, _Upload]) -> bool:
        button = p.get("menu_button") or {"type": "default"}
        if not isinstance(button, dict) or button.get("type") not in (
            "default",
            "commands",
            "web_app",
        ):
            raise _bad("can't parse menu button JSON object")
        if p.get("chat_id") is not None:
            chat = self._chats.get(self._chat_id(p))
            if chat is None or chat.type != "private":
                raise _bad("chat not found")
            chat.menu_button = button
        else:
            self._default_menu_button = button
        return True

    async def _m_get_menu_button(self, p: JSON, files: dict[str, _Upload]) -> JSON:
        if p.get("chat_id") is not None:
            chat = self._chats.get(self._chat_id(p))
            if chat is None or chat.type != "private":
                raise _bad("chat not found")
            return chat.menu_button or self._default_menu_button
        return self._default_menu_button

    async def _m_create_invite_link(self, p: JSON, files: dict[str, _Upload]) -> JSON:
        chat = self._visible_chat(p)
        if chat.type == "private" or not self._is_admin(chat, "can_invite_users"):
            raise _bad("not enough rights to manage chat invite link")
        link: JSON = {
            "invite_link": f"https://t.me/+{secrets.token_urlsafe(12)}",
            "creator": self.bot_user,
            "creates_join_request": bool(p.get("creates_join_request")),
            "is_primary": False,
            "is_revoked": False,
        }
        for key in ("name", "expire_date", "member_limit"):
            if p.get(key) is not None:
                link[key] = p[key]
        return link
