"""Bot API methods that send, edit and delete messages."""

from __future__ import annotations

import contextlib

from bot.simulator.entities import ApiEvent
from bot.simulator.protocol import JSON, ApiError, Upload, as_int, bad
from bot.simulator.state import ChatState, StoredMessage
from bot.simulator.validation import Checks

_NOT_MODIFIED = bad(
    "message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
).description
_CHAT_ACTIONS = frozenset(
    {
        "typing", "upload_photo", "record_video", "upload_video", "record_voice", "upload_voice",
        "upload_document", "choose_sticker", "find_location", "record_video_note",
        "upload_video_note",
    }
)  # fmt: skip


class MessageMethods(Checks):
    """send*, sendChatAction, editMessage* and deleteMessage(s)."""

    async def _m_send_message(self, p: JSON, files: dict[str, Upload]) -> JSON:
        chat = self._writable_chat(p)
        text, entities, raw = self._format(p, "text", 4096, required=True)
        inline, other = self._markup(p)
        fields: JSON = {"text": text}
        if entities:
            fields["entities"] = entities
        if inline:
            fields["reply_markup"] = inline
        return self._bot_send(chat, fields, p, raw_text=raw, other_markup=other)

    async def _m_send_document(self, p: JSON, files: dict[str, Upload]) -> JSON:
        return self._send_file(p, files, "document")

    async def _m_send_photo(self, p: JSON, files: dict[str, Upload]) -> JSON:
        return self._send_file(p, files, "photo")

    def _send_file(self, p: JSON, files: dict[str, Upload], kind: str) -> JSON:
        chat = self._writable_chat(p)
        caption, entities, raw = self._format(p, "caption", 1024, required=False)
        inline, other = self._markup(p)
        rec = self._input_file(p, files, kind, kind)
        fields: JSON = {kind: rec.as_photo() if kind == "photo" else rec.as_document()}
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

    async def _m_send_media_group(self, p: JSON, files: dict[str, Upload]) -> list[JSON]:
        chat = self._writable_chat(p)
        media = p.get("media")
        if not isinstance(media, list) or not media:
            raise bad("media is empty" if not media else "can't parse media JSON object")
        if not 2 <= len(media) <= 10:
            raise bad("wrong number of media specified: must include 2-10 items")
        kinds = {m.get("type") if isinstance(m, dict) else None for m in media}
        if not kinds <= {"photo", "video", "document", "audio"}:
            raise bad("can't parse InputMedia: unsupported media type")
        if len(kinds) > 1 and ("document" in kinds or "audio" in kinds):
            raise bad("documents and audio can't be mixed with other media types in an album")
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

    async def _m_chat_action(self, p: JSON, files: dict[str, Upload]) -> bool:
        self._writable_chat(p)
        if p.get("action") not in _CHAT_ACTIONS:
            raise bad("wrong parameter action in request")
        return True

    def _editable(self, p: JSON) -> tuple[ChatState, StoredMessage]:
        if p.get("inline_message_id"):
            raise bad("MESSAGE_ID_INVALID")
        chat = self._writable_chat(p)
        mid = p.get("message_id")
        if mid is None or mid == "":
            raise bad("message identifier is not specified")
        m = chat.messages.get(as_int(mid, "message to edit not found"))
        if m is None:
            raise bad("message to edit not found")
        if not m.by_bot or m.service:
            raise bad("message can't be edited")
        return chat, m

    def _apply_edit(
        self, chat: ChatState, m: StoredMessage, changes: JSON, p: JSON, raw: str | None
    ) -> JSON:
        data = m.data
        if all(data.get(k) == v for k, v in changes.items()):
            raise bad(_NOT_MODIFIED.removeprefix("Bad Request: "))
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

    async def _m_edit_text(self, p: JSON, files: dict[str, Upload]) -> JSON:
        chat, m = self._editable(p)
        text, entities, raw = self._format(p, "text", 4096, required=True)
        inline, _ = self._markup(p, inline_only=True)
        if "text" not in m.data:
            raise bad("there is no text in the message to edit")
        return self._apply_edit(
            chat, m, {"text": text, "entities": entities or None, "reply_markup": inline}, p, raw
        )

    async def _m_edit_caption(self, p: JSON, files: dict[str, Upload]) -> JSON:
        chat, m = self._editable(p)
        caption, entities, raw = self._format(p, "caption", 1024, required=False)
        inline, _ = self._markup(p, inline_only=True)
        if "text" in m.data:
            raise bad("there is no caption in the message to edit")
        changes = {"caption": caption, "caption_entities": entities or None, "reply_markup": inline}
        return self._apply_edit(chat, m, changes, p, raw)

    async def _m_edit_markup(self, p: JSON, files: dict[str, Upload]) -> JSON:
        chat, m = self._editable(p)
        inline, _ = self._markup(p, inline_only=True)
        return self._apply_edit(chat, m, {"reply_markup": inline}, p, None)

    def _delete(self, chat: ChatState, mid: int) -> bool:
        m = chat.messages.get(mid)
        if m is None:
            return False
        if not m.by_bot and not self._is_admin(chat, "can_delete_messages"):
            raise bad("message can't be deleted")
        if (
            chat.type != "private"
            and not self._is_admin(chat, "can_delete_messages")
            and self.now() - m.data["date"] > 48 * 3600
        ):
            raise bad("message can't be deleted")
        del chat.messages[mid]
        if mid in chat.pinned:
            chat.pinned.remove(mid)
        self._changed(ApiEvent("deleted", chat.id, m.data))
        return True

    def _deletable_chat(self, p: JSON) -> ChatState:
        chat = self._chats.get(self._chat_id(p))
        if chat is None:
            raise bad("chat not found")
        return chat if chat.type == "private" else self._visible_chat(p)

    async def _m_delete_message(self, p: JSON, files: dict[str, Upload]) -> bool:
        chat = self._deletable_chat(p)
        if not self._delete(
            chat, as_int(p.get("message_id"), "message identifier is not specified")
        ):
            raise bad("message to delete not found")
        return True

    async def _m_delete_messages(self, p: JSON, files: dict[str, Upload]) -> bool:
        chat = self._deletable_chat(p)
        ids = p.get("message_ids")
        if not isinstance(ids, list) or not 1 <= len(ids) <= 100:
            raise bad("message_ids must contain 1-100 items")
        for mid in ids:
            with contextlib.suppress(ApiError):
                self._delete(chat, as_int(mid, "bad message id"))
        return True
