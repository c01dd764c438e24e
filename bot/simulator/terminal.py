"""Chat with the bot in a terminal, playing one or more fake users.

The bot runs unchanged against :class:`~bot.simulator.fake_api.FakeBotApi`; this
module is only the human side.  Lines starting with ``:`` are meta-commands
(so they never collide with bot commands such as ``/start``); anything else is
sent as a text message from the current user in the current chat.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, TextIO

from bot.simulator.entities import ApiEvent, FakeGroup, FakeUser
from bot.simulator.fake_api import FakeBotApi
from bot.simulator.terminal_render import HELP, message_lines, slug, wrap

JSON = dict[str, Any]

#: ``/start`` codes the bot or the start-up text printed: s_ (secretary), j_ (invite).
_CODE = re.compile(r"/start ([sj]_[A-Za-z0-9_-]+)")
#: A placeholder copied from the README or the tour instead of a real code.
_PLACEHOLDER = re.compile(r"\b([sj])_(?:…|\.\.\.|<[^>]*>)")


class TerminalChat:
    """State of one terminal session (see :func:`run_terminal_chat`)."""

    def __init__(
        self,
        api: FakeBotApi,
        stdout: TextIO,
        *,
        settle: float = 0.3,
        files_dir: Path | str = Path("data/simulator"),
    ) -> None:
        self.api = api
        self.out = stdout
        self.settle = settle
        self.files_dir = Path(files_dir)
        self.users: dict[str, FakeUser] = {}
        self.names: dict[int, str] = {}  # names as typed (Vietnamese order)
        self.groups: dict[str, FakeGroup] = {}
        self.user: FakeUser | None = None
        self.group: FakeGroup | None = None
        self.unread: dict[int, list[JSON]] = {}
        self._shown_keyboard: dict[int, Any] = {}
        self._next_user_id = 1001
        self._next_group_id = -4000000001
        #: The latest code of each kind ("s", "j") seen on screen, for placeholder hints.
        self.codes: dict[str, str] = {}
        self.running = True
        #: Interactive sessions show a prompt; a message arriving while it is on
        #: screen starts on a fresh line and the prompt is drawn again after it.
        self.interactive = False
        self._prompt_visible = False

    # ------------------------------------------------------------ output

    def say(self, line: str = "") -> None:
        for code in _CODE.findall(line):
            self.codes[code[0]] = code
        if self._prompt_visible:
            self.out.write("\n")
            self._prompt_visible = False
        self.out.write(line + "\n")
        self.out.flush()

    def show_prompt(self) -> None:
        if self.interactive and self.user is not None and not self._prompt_visible:
            self.out.write(f"{self.names.get(self.user.id, self.user.first_name)}> ")
            self.out.flush()
            self._prompt_visible = True

    def render(self, message: JSON, *, edited: bool = False) -> None:
        for code in _CODE.findall(message.get("text") or ""):
            self.codes[code[0]] = code
        for line in message_lines(message, self.api.bot_id, self.api.bot_name, edited=edited):
            self.say(line)

    def _show_reply_keyboard(self, chat_id: int) -> None:
        kb = self.api.reply_keyboard(chat_id)
        if kb == self._shown_keyboard.get(chat_id):
            return
        self._shown_keyboard[chat_id] = kb
        if kb is None:
            return
        labels = [
            b if isinstance(b, str) else b.get("text", "") for row in kb["keyboard"] for b in row
        ]
        for line in wrap("⌨ Bàn phím gợi ý (gõ đúng chữ để gửi): " + " | ".join(labels)):
            self.say(line)

    # ------------------------------------------------------------ state

    @property
    def chat_id(self) -> int:
        if self.group is not None:
            return self.group.id
        assert self.user is not None
        return self.user.id

    def _chat_label(self, chat_id: int) -> str:
        g = next((g for g in self.groups.values() if g.id == chat_id), None)
        if g is not None:
            return f"nhóm «{g.title}»"
        u = next((u for u in self.users.values() if u.id == chat_id), None)
        if u is not None:
            return f"chat riêng của {u.first_name}"
        return f"chat {chat_id}"

    def _where(self) -> str:
        assert self.user is not None
        place = f"nhóm «{self.group.title}»" if self.group else "chat riêng với bot"
        name = self.names.get(self.user.id, self.user.full_name)
        return f"Bạn là {name} (id {self.user.id}), đang ở {place}."

    def on_event(self, event: ApiEvent) -> None:
        """Called synchronously by the fake server whenever the bot acts."""
        if self.user is None:
            return
        waiting = self._prompt_visible
        self._print_event(event)
        if waiting and not self._prompt_visible:
            self.show_prompt()

    def _print_event(self, event: ApiEvent) -> None:
        assert self.user is not None
        if event.kind == "callback_answer":
            payload = event.payload or {}
            if event.chat_id == self.user.id and payload.get("text"):
                icon = "⚠️ Hộp thoại" if payload.get("show_alert") else "🔔 Thông báo"
                for line in wrap(f"{icon}: {payload['text']}", ""):
                    self.say(line)
            return
        if event.message is None:
            return
        if event.chat_id == self.chat_id:
            if event.kind == "deleted":
                self.say(f"🗑 Bot đã xoá tin [#{event.message['message_id']}]")
            else:
                self.render(event.message, edited=event.kind == "edited")
                self._show_reply_keyboard(event.chat_id)
        elif event.kind == "new":
            pending = self.unread.setdefault(event.chat_id, [])
            pending.append(event.message)
            if len(pending) == 1:
                self.say(f"   (✉ có tin mới ở {self._chat_label(event.chat_id)})")

    def _flush_unread(self) -> None:
        pending = self.unread.pop(self.chat_id, [])
        if pending:
            self.say(f"— {len(pending)} tin chưa đọc —")
            for message in pending:
                current = self.api.get_message(self.chat_id, message["message_id"])
                if current is not None:
                    self.render(current, edited="edit_date" in current)
            self._show_reply_keyboard(self.chat_id)

    def switch_user(self, name: str) -> FakeUser:
        key = name.casefold()
        user = self.users.get(key)
        if user is None:
            while self._next_user_id in {u.id for u in self.api.users()}:
                self._next_user_id += 1
            parts = name.split()
            first = parts[-1] if len(parts) > 1 else name
            last = " ".join(parts[:-1]) or None
            user = self.api.user(self._next_user_id, first, last_name=last)
            self._next_user_id += 1
            self.users[key] = user
            self.names[user.id] = name
        self.user = user
        return user

    # ------------------------------------------------------------ commands

    async def handle(self, line: str) -> None:
        line = line.rstrip("\r\n")
        if not line.strip():
            return
        if not line.startswith(":"):
            if not self._placeholder_hint(line):
                await self.send_text(line)
            return
        cmd, _, arg = line[1:].strip().partition(" ")
        arg = arg.strip()
        cmd = cmd.lower()
        handlers = {
            "nguoi": self.cmd_user,
            "nhom": self.cmd_group,
            "rieng": self.cmd_private,
            "bam": self.cmd_press,
            "tin": self.cmd_history,
            "tep": self.cmd_files,
            "giup": self.cmd_help,
            "thoat": self.cmd_quit,
        }
        handler = handlers.get(cmd)
        if handler is None:
            self.say(f"Không hiểu lệnh «:{cmd}». Gõ :giup để xem trợ giúp.")
            return
        await handler(arg)

    def _placeholder_hint(self, line: str) -> bool:
        """Say what to type instead of ``s_…``/``j_…``; True if the line was not sent."""
        match = _PLACEHOLDER.search(line)
        if match is None:
            return False
        kind = match.group(1)
        what = "mã bí thư" if kind == "s" else "mã lời mời"
        code = self.codes.get(kind)
        if code is not None:
            self.say(f"«{match.group(0)}» là chỗ để điền {what}; hãy gõ:  /start {code}")
        elif kind == "j":
            self.say("«j_…» là chỗ để điền mã lời mời: bí thư gõ /moi, bot sẽ in mã j_….")
        else:
            self.say("«s_…» là chỗ để điền mã bí thư mà trình mô phỏng in lúc khởi động.")
        return True

    async def send_text(self, text: str) -> None:
        assert self.user is not None
        try:
            if self.group is not None:
                if self.group.member_status(self.user) in ("left", "kicked"):
                    await self.group.add_user(self.user)
                await self.user.send(text, chat=self.group)
            else:
                await self.user.send(text)
        except (RuntimeError, ValueError) as exc:
            self.say(f"⚠ Không gửi được: {exc}")

    async def cmd_user(self, arg: str) -> None:
        if not arg:
            for user in self.users.values():
                mark = "→" if user is self.user else " "
                self.say(f" {mark} {self.names.get(user.id, user.full_name)} (id {user.id})")
            return
        known = arg.casefold() in self.users
        self.switch_user(arg)
        if not known:
            self.say(f"(người mới: {arg}; gõ :nguoi để xem danh sách người)")
        if self.group is not None and self.group.migrated_to is not None:
            self.group = self.api.group(self.group.migrated_to)
        self.say(self._where())
        self._flush_unread()

    async def cmd_group(self, arg: str) -> None:
        assert self.user is not None
        if not arg:
            if not self.groups:
                self.say("Chưa có nhóm nào. Gõ :nhom <tên> để tạo.")
            for known in self.groups.values():
                mark = "→" if known is self.group else " "
                self.say(f" {mark} {known.title} (id {known.id})")
            return
        key = arg.casefold()
        group = self.groups.get(key)
        if group is None:
            group = self.api.group(self._next_group_id, arg, creator=self.user)
            self._next_group_id -= 1
            self.groups[key] = group
            await group.add_bot(by=self.user, admin=True)
            self.say(f"Đã tạo nhóm «{arg}» và thêm bot làm quản trị viên.")
        while group.migrated_to is not None:
            group = self.api.group(group.migrated_to)
            self.groups[key] = group
        self.group = group
        if group.member_status(self.user) in ("left", "kicked"):
            await group.add_user(self.user)
        self.say(self._where())
        self._flush_unread()

    async def cmd_private(self, arg: str) -> None:
        self.group = None
        self.say(self._where())
        self._flush_unread()

    async def cmd_press(self, arg: str) -> None:
        assert self.user is not None
        nums = arg.split()
        if not nums or not all(n.lstrip("#").isdigit() for n in nums) or len(nums) > 2:
            self.say("Cách dùng: :bam N  hoặc  :bam N M  (nút N của tin #M)")
            return
        index = int(nums[0]) - 1
        message: JSON | None
        if len(nums) == 2:
            message = self.api.get_message(self.chat_id, int(nums[1].lstrip("#")))
            if message is None or message.get("from", {}).get("id") != self.api.bot_id:
                self.say(f"Không tìm thấy tin #{nums[1].lstrip('#')} của bot ở đây.")
                return
        else:
            message = next(
                (m for m in reversed(self.api.messages(self.chat_id)) if m.get("reply_markup")),
                None,
            )
            if message is None:
                self.say("Chưa có tin nào của bot có nút bấm ở đây.")
                return
        buttons = [
            b for row in message.get("reply_markup", {}).get("inline_keyboard", []) for b in row
        ]
        if not 0 <= index < len(buttons):
            mid = message["message_id"]
            if not buttons:
                self.say(f"Tin [#{mid}] không có nút bấm.")
            else:
                self.say(
                    f"Không có nút {nums[0]}: tin [#{mid}] chỉ có nút 1–{len(buttons)}"
                    " (gõ :tin để xem lại các tin)."
                )
            return
        button = buttons[index]
        if "url" in button:
            self.say(f"🔗 Nút này mở liên kết: {button['url']}")
            return
        if "callback_data" not in button:
            self.say("Trình mô phỏng không hỗ trợ loại nút này.")
            return
        self.say(f"(bạn bấm «{button['text']}» trên tin [#{message['message_id']}])")
        await self.user.press(message, index)

    async def cmd_history(self, arg: str) -> None:
        count = int(arg) if arg.isdigit() else 10
        messages = self.api.messages(self.chat_id, include_users=True)[-count:]
        if not messages:
            self.say("(chưa có tin nào)")
        for message in messages:
            self.render(message, edited="edit_date" in message)

    async def cmd_files(self, arg: str) -> None:
        files = self.api.files(self.chat_id)
        if not files:
            self.say("Bot chưa gửi tệp nào trong chat này.")
            return
        folder = self.files_dir / str(self.chat_id)
        folder.mkdir(parents=True, exist_ok=True)
        for f in files:
            name = f["file_name"] or ("anh.jpg" if f["kind"] == "photo" else "tep")
            path = folder / f"{f['message_id']}-{slug(name)}"
            path.write_bytes(f["data"])
            self.say(f" [#{f['message_id']}] {name} ({len(f['data'])} byte), đã lưu:")
            self.say(f"   {path}")

    async def cmd_help(self, arg: str) -> None:
        self.say(HELP)

    async def cmd_quit(self, arg: str) -> None:
        self.running = False
