"""Checks the real Bot API makes before it acts: chat access (403 for blocked
users), text and caption limits (4096/1024 characters), reply markup (64-byte
callback_data), reply targets, input files and flood limits (429 retry_after)."""

from __future__ import annotations

import json
import math
import re
from collections import deque
from typing import Any

from bot.simulator.formatting import EntityParseError, detect_entities, parse_html, strip_text
from bot.simulator.protocol import JSON, ApiError, Upload, as_int, bad, forbidden
from bot.simulator.state import ChatState, StoredFile
from bot.simulator.world import World

_BUTTON_KINDS = (
    "callback_data", "url", "login_url", "switch_inline_query", "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat", "callback_game", "pay", "web_app", "copy_text",
)  # fmt: skip


class Checks(World):
    """Validation shared by the Bot API methods."""

    def _visible_chat(self, p: JSON) -> ChatState:
        """A chat the bot can read (getChat & co.)."""
        chat = self._chats.get(self._chat_id(p))
        if chat is None:
            raise bad("chat not found")
        if chat.type == "private":
            if chat.user is None or not chat.user.seen:
                raise bad("chat not found")
            return chat
        if chat.migrated_to is not None:
            raise ApiError(
                400,
                "Bad Request: group chat was upgraded to a supergroup chat",
                {"migrate_to_chat_id": chat.migrated_to},
            )
        if not chat.bot_ever_member:
            raise bad("chat not found")
        if chat.bot_status == "kicked":
            raise forbidden(f"bot was kicked from the {chat.kind_name}")
        if chat.bot_status == "left":
            raise forbidden(f"bot is not a member of the {chat.kind_name}")
        return chat

    def _writable_chat(self, p: JSON) -> ChatState:
        """A chat the bot can post to; raises the errors Telegram gives otherwise."""
        chat_id = self._chat_id(p)
        chat = self._chats.get(chat_id)
        if chat is None:
            raise bad("chat not found")
        if chat.type == "private":
            user = chat.user
            assert user is not None
            if user.deactivated:
                raise forbidden("user is deactivated")
            if user.blocked:
                raise forbidden("bot was blocked by the user")
            if not user.started:
                raise forbidden("bot can't initiate conversation with a user")
            return chat
        return self._visible_chat(p)

    def _is_admin(self, chat: ChatState, right: str) -> bool:
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
                raise bad("message text is empty")
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
                    raise bad("parse_mode not supported by the fake server")
                if str(mode).lower() != "html":
                    raise bad("unsupported parse_mode")
                text, entities = parse_html(raw)
            else:
                text, entities = raw, []
                if isinstance(explicit, list):
                    entities = [dict(e) for e in explicit if isinstance(e, dict)]
                    for e in entities:
                        if not {"type", "offset", "length"} <= e.keys():
                            raise bad(f"can't parse {ents_key} JSON object")
        except EntityParseError as exc:
            raise bad(f"can't parse entities: {exc}") from None
        text, entities = strip_text(text, entities)
        if not text:
            raise bad(
                "message text is empty" if field_name == "text" else "message caption is empty"
            )
        if len(text) > limit:
            raise bad(
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
            raise bad("can't parse reply keyboard markup JSON object")
        if "inline_keyboard" in rm:
            rows = rm["inline_keyboard"]
            if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
                raise bad(
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
                raise bad("reply markup is too long")
            return ({"inline_keyboard": kept} if kept else None), None
        if inline_only:
            raise bad("inline keyboard expected")
        if "keyboard" in rm:
            rows = rm["keyboard"]
            if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
                raise bad('field "keyboard" of the ReplyKeyboardMarkup must be an Array of Arrays')
            for row in rows:
                for b in row:
                    if not (
                        isinstance(b, str)
                        or (isinstance(b, dict) and isinstance(b.get("text"), str))
                    ):
                        raise bad(
                            "can't parse keyboard button: "
                            "KeyboardButton must be a String or an Object"
                        )
            return None, rm
        if rm.get("remove_keyboard") is True or rm.get("force_reply") is True:
            return None, rm
        raise bad("can't parse reply keyboard markup JSON object")

    @staticmethod
    def _check_button(b: Any) -> None:
        if not isinstance(b, dict):
            raise bad("can't parse inline keyboard button: InlineKeyboardButton must be an Object")
        if not isinstance(b.get("text"), str):
            raise bad('can\'t parse inline keyboard button: Field "text" must be of type String')
        kinds = [k for k in _BUTTON_KINDS if k in b]
        if not kinds:
            raise bad(
                "can't parse inline keyboard button: "
                "Text buttons are unallowed in the inline keyboard"
            )
        if "callback_data" in b:
            data = b["callback_data"]
            if not isinstance(data, str) or not 1 <= len(data.encode("utf-8")) <= 64:
                raise bad("BUTTON_DATA_INVALID")
        if "url" in b:
            url = b["url"]
            if not isinstance(url, str) or not re.match(
                r"(?i)^(https?://[^\s/]+\.[^\s]*|https?://[^\s/]+$|tg://\S+)", url
            ):
                raise bad(f"inline keyboard button URL '{url}' is invalid: Wrong HTTP URL")

    def _reply_target(self, chat: ChatState, p: JSON) -> JSON | None:
        params = p.get("reply_parameters")
        mid: Any = None
        allow = bool(p.get("allow_sending_without_reply"))
        if isinstance(params, dict):
            mid = params.get("message_id")
            allow = allow or bool(params.get("allow_sending_without_reply"))
            if params.get("chat_id") not in (None, chat.id):
                raise bad("message to be replied not found")
        elif p.get("reply_to_message_id") is not None:
            mid = p.get("reply_to_message_id")
        if mid is None:
            return None
        m = chat.messages.get(as_int(mid, "message to be replied not found"))
        if m is None:
            if allow:
                return None
            raise bad("message to be replied not found")
        return m.snapshot()

    def _flood(self, chat: ChatState, *, count_global: bool) -> None:
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
        chat: ChatState,
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

    def _input_file(
        self, p: JSON, files: dict[str, Upload], name: str, kind: str, value: Any = None
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
                    raise bad("wrong file identifier/HTTP URL specified")
                return self._new_file(upload.data, upload.filename, upload.content_type, kind)
            rec = self._files.get(value)
            if rec is not None:
                if kind == "photo" and rec.kind != "photo":
                    raise bad("wrong file identifier/HTTP URL specified")
                return rec
            if value.startswith(("http://", "https://")):
                raise bad("failed to get HTTP URL content")
            raise bad("wrong file identifier/HTTP URL specified")
        raise bad(f"there is no {name} in the request")
