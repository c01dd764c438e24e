"""What fake humans do, turned into updates for the bot: messages, button presses,
membership changes and group migrations (called through FakeUser and FakeGroup)."""

from __future__ import annotations

import copy

from bot.simulator.entities import FakeGroup, FakeUser, chat_id_of
from bot.simulator.formatting import detect_entities
from bot.simulator.protocol import JSON
from bot.simulator.state import ADMIN_RIGHTS, ChatState, PendingQuery, StoredMessage
from bot.simulator.world import World


class UserActions(World):
    """The human side: fake users and groups and what they do in them."""

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
            self._chats[user_id] = ChatState(user_id, "private", user=u)
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
        chat = ChatState(
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

    # ------------------------------------------------------------ membership

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

    def _add_bot(
        self, chat: ChatState, by: FakeUser, admin: bool, rights: JSON | None, created: bool
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

    def _set_bot_admin(
        self, chat: ChatState, by: FakeUser, admin: bool, rights: JSON | None
    ) -> None:
        if chat.bot_status not in ("member", "administrator"):
            raise ValueError("the bot is not in this group")
        self._bot_status_change(chat, by, "administrator" if admin else "member", rights)

    def _remove_bot(self, chat: ChatState, by: FakeUser) -> None:
        if chat.bot_status not in ("member", "administrator"):
            raise ValueError("the bot is not in this group")
        self._bot_status_change(chat, by, "kicked")
        # The bot is gone, so it never receives the left_chat_member message.
        self._store(
            chat, by.to_dict(), {"left_chat_member": self.bot_user}, by_bot=False, service=True
        )

    def _member_join(self, chat: ChatState, user: FakeUser, by: FakeUser | None) -> JSON:
        old = self._user_member(chat, user)
        chat.members[user.id] = "member"
        self._chat_member_update(chat, by or user, old, self._user_member(chat, user))
        self._register_user_seen(user, chat)
        return self._service_message(chat, by or user, {"new_chat_members": [user.to_dict()]})

    def _member_leave(self, chat: ChatState, user: FakeUser, by: FakeUser | None) -> JSON:
        old = self._user_member(chat, user)
        chat.members[user.id] = "kicked" if by is not None and by is not user else "left"
        self._chat_member_update(chat, by or user, old, self._user_member(chat, user))
        return self._service_message(chat, by or user, {"left_chat_member": user.to_dict()})

    def _set_member_status(
        self, chat: ChatState, user: FakeUser, status: str, rights: JSON | None
    ) -> None:
        old = self._user_member(chat, user)
        chat.members[user.id] = status
        if rights is not None:
            chat.member_rights[user.id] = {**ADMIN_RIGHTS, **rights}
        self._chat_member_update(chat, user, old, self._user_member(chat, user))

    def _chat_member_update(self, chat: ChatState, by: FakeUser, old: JSON, new: JSON) -> None:
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

    def _migrate(self, chat: ChatState, new_id: int | None, by: FakeUser | None) -> FakeGroup:
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
        new = ChatState(new_id, "supergroup", title=chat.title)
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

    # ------------------------------------------------------------ messages

    def _reply_snapshot(self, chat: ChatState, target: JSON | int | None) -> JSON | None:
        if target is None:
            return None
        mid = target if isinstance(target, int) else int(target["message_id"])
        m = chat.messages.get(mid)
        if m is None:
            raise LookupError(f"message {mid} not found in chat {chat.id}")
        return m.snapshot()

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

    def _bot_receives(self, chat: ChatState, data: JSON, reply: JSON | None) -> bool:
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

    # ------------------------------------------------------------ callback queries

    def _press(self, user: FakeUser, message: JSON, button: str | int) -> str:
        chat_id = chat_id_of(message)
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
            chat = self._chats.get(chat_id_of(target))
            if chat is None:
                raise LookupError("unknown chat")
            m = chat.messages.get(int(target["message_id"]))
            if m is None:
                # A deleted message: Telegram sends an InaccessibleMessage (date 0).
                return self._callback(user, chat, None, data, missing_id=int(target["message_id"]))
            return self._callback(user, chat, m, data)
        chat = self._chats.get(chat_id_of(target))
        if chat is None:
            raise LookupError("unknown chat")
        for mid in reversed(chat.bot_ids):
            m = chat.messages.get(mid)
            if m is not None and not m.service:
                return self._callback(user, chat, m, data)
        raise LookupError(f"the bot has no message in chat {chat.id} to attach a callback to")

    def _callback(
        self,
        user: FakeUser,
        chat: ChatState,
        m: StoredMessage | None,
        data: str,
        missing_id: int = 0,
    ) -> str:
        if chat.type == "private" and chat.id != user.id:
            raise PermissionError(f"{user!r} cannot see the private chat {chat.id}")
        if chat.type != "private":
            self._ensure_member(chat, user)
        qid = f"{self.bot_id % 10**6}{next(self._query_seq):012d}"
        self._queries[qid] = PendingQuery(self._mono(), user.id)
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
