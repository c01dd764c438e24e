"""Bot API methods about chats: callback answers, files, pins, chat info and members."""

from __future__ import annotations

import secrets

from bot.simulator.entities import ApiEvent
from bot.simulator.protocol import JSON, Upload, as_int, bad
from bot.simulator.state import ChatState
from bot.simulator.validation import Checks

_QUERY_TOO_OLD = "query is too old and response timeout expired or query ID is invalid"
_MAX_DOWNLOAD = 20 * 1024 * 1024


class ChatMethods(Checks):
    """answerCallbackQuery, getFile, pins, getChat*, leaveChat and invite links."""

    async def _m_answer_callback(self, p: JSON, files: dict[str, Upload]) -> bool:
        qid = str(p.get("callback_query_id") or "")
        q = self._queries.get(qid)
        if q is None or q.answered or self._mono() - q.created > self.callback_timeout:
            raise bad(_QUERY_TOO_OLD)
        text = p.get("text")
        if text is not None and len(str(text)) > 200:
            raise bad("MESSAGE_TOO_LONG")
        q.answered = True
        self.callback_answers[qid] = dict(p)
        self._changed(ApiEvent("callback_answer", q.user_id, None, dict(p)))
        return True

    async def _m_get_file(self, p: JSON, files: dict[str, Upload]) -> JSON:
        rec = self._files.get(str(p.get("file_id") or ""))
        if rec is None:
            raise bad("invalid file_id")
        if len(rec.data) > _MAX_DOWNLOAD:
            raise bad("file is too big")
        return {
            "file_id": rec.file_id,
            "file_unique_id": rec.file_unique_id,
            "file_size": len(rec.data),
            "file_path": rec.file_path,
        }

    def _pin_rights(self, p: JSON) -> ChatState:
        chat = self._writable_chat(p)
        if not self._is_admin(chat, "can_pin_messages"):
            raise bad("not enough rights to manage pinned messages in the chat")
        return chat

    async def _m_pin(self, p: JSON, files: dict[str, Upload]) -> bool:
        chat = self._pin_rights(p)
        mid = as_int(p.get("message_id"), "message identifier is not specified")
        m = chat.messages.get(mid)
        if m is None:
            raise bad("message to pin not found")
        if mid in chat.pinned:
            chat.pinned.remove(mid)
        chat.pinned.append(mid)
        self._store(
            chat, self.bot_user, {"pinned_message": m.snapshot()}, by_bot=True, service=True
        )
        return True

    async def _m_unpin(self, p: JSON, files: dict[str, Upload]) -> bool:
        chat = self._pin_rights(p)
        mid = p.get("message_id")
        if mid is None:
            if chat.pinned:
                chat.pinned.pop()
            return True
        mid = as_int(mid, "message identifier is not specified")
        if mid not in chat.messages:
            raise bad("message to unpin not found")
        if mid in chat.pinned:
            chat.pinned.remove(mid)
        return True

    async def _m_unpin_all(self, p: JSON, files: dict[str, Upload]) -> bool:
        self._pin_rights(p).pinned.clear()
        return True

    async def _m_get_chat(self, p: JSON, files: dict[str, Upload]) -> JSON:
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
            info["pinned_message"] = chat.messages[chat.pinned[-1]].snapshot()
        return info

    async def _m_get_chat_member(self, p: JSON, files: dict[str, Upload]) -> JSON:
        chat = self._visible_chat(p)
        user_id = as_int(p.get("user_id"), "user not found")
        if user_id == self.bot_id:
            return self._bot_member(chat)
        user = self._users.get(user_id)
        if user is None:
            raise bad("user not found")
        if chat.type == "private":
            if user_id != chat.id:
                raise bad("user not found")
            return self._member(chat, user.to_dict(), "member")
        return self._user_member(chat, user)

    async def _m_get_admins(self, p: JSON, files: dict[str, Upload]) -> list[JSON]:
        chat = self._visible_chat(p)
        if chat.type == "private":
            raise bad("there are no administrators in the private chat")
        out = [
            self._user_member(chat, self._users[uid])
            for uid, status in chat.members.items()
            if status in ("creator", "administrator") and uid in self._users
        ]
        if chat.bot_status == "administrator":
            out.append(self._bot_member(chat))
        return out

    async def _m_member_count(self, p: JSON, files: dict[str, Upload]) -> int:
        chat = self._visible_chat(p)
        if chat.type == "private":
            return 2
        humans = sum(
            1
            for s in chat.members.values()
            if s in ("creator", "administrator", "member", "restricted")
        )
        return humans + (1 if chat.bot_status in ("member", "administrator") else 0)

    async def _m_leave_chat(self, p: JSON, files: dict[str, Upload]) -> bool:
        chat = self._visible_chat(p)
        if chat.type == "private":
            raise bad("chat member status can't be changed in private chats")
        self._bot_status_change(chat, None, "left")
        self._store(
            chat, self.bot_user, {"left_chat_member": self.bot_user}, by_bot=False, service=True
        )
        return True

    async def _m_create_invite_link(self, p: JSON, files: dict[str, Upload]) -> JSON:
        chat = self._visible_chat(p)
        if chat.type == "private" or not self._is_admin(chat, "can_invite_users"):
            raise bad("not enough rights to manage chat invite link")
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
