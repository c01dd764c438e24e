"""Plain-text rendering of bot messages for the terminal chat, and its help text."""

from __future__ import annotations

import re
import textwrap
import unicodedata
from typing import Any

JSON = dict[str, Any]

WIDTH = 80
_INDENT = "   "

HELP = """\
Lệnh của trình mô phỏng (bắt đầu bằng dấu hai chấm):
  :nguoi <tên>   đổi sang người dùng <tên> (tạo mới nếu chưa có)
  :nguoi         liệt kê người dùng
  :nhom <tên>    vào nhóm <tên> (tạo mới, bot được thêm làm quản trị)
  :nhom          liệt kê nhóm
  :rieng         quay lại chat riêng với bot
  :bam N [M]     bấm nút N của tin có nút mới nhất (hoặc của tin #M)
  :tin [K]       in lại K tin gần nhất trong chat này (mặc định 10)
  :tep           liệt kê và lưu các tệp bot đã gửi vào ./data/simulator/
  :giup          xem trợ giúp này
  :thoat         thoát
Gõ nội dung khác (ví dụ /start) để gửi tin nhắn cho bot."""


def slug(name: str) -> str:
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9._-]+", "_", plain).strip("_") or "tep"


def wrap(text: str, indent: str = _INDENT) -> list[str]:
    lines: list[str] = []
    for para in text.split("\n"):
        if not para.strip():
            lines.append("")
            continue
        lines.extend(
            textwrap.wrap(
                para,
                WIDTH - 2,
                initial_indent=indent,
                subsequent_indent=indent,
                break_on_hyphens=False,
            )
        )
    return lines


def button_lines(message: JSON) -> list[str]:
    rows = message.get("reply_markup", {}).get("inline_keyboard", [])
    lines: list[str] = []
    n = 0
    for row in rows:
        line = _INDENT
        for b in row:
            n += 1
            label = f"[{n}] {b['text']}"
            if "url" in b:
                label += f" ({b['url']})"
            elif "callback_data" not in b:
                label += " (không hỗ trợ)"
            if line.strip() and len(line) + 2 + len(label) > WIDTH - 2:
                lines.append(line.rstrip())
                line = _INDENT
            line += label + "  "
        if line.strip():
            lines.append(line.rstrip())
    return lines


def describe(message: JSON) -> str:
    parts: list[str] = []
    if "document" in message:
        doc = message["document"]
        size = doc.get("file_size", 0)
        parts.append(f"📎 Tệp: {doc.get('file_name') or 'không tên'} ({size} byte) — :tep để lưu")
    if "photo" in message:
        p = message["photo"][-1]
        parts.append(f"🖼 Ảnh {p['width']}×{p['height']} — :tep để lưu")
    text = message.get("text") or message.get("caption")
    if text:
        parts.append(text)
    if "pinned_message" in message:
        parts.append(f"📌 đã ghim tin [#{message['pinned_message']['message_id']}]")
    if "new_chat_members" in message:
        names = ", ".join(m["first_name"] for m in message["new_chat_members"])
        parts.append(f"➕ {names} đã vào nhóm")
    if "left_chat_member" in message:
        parts.append(f"➖ {message['left_chat_member']['first_name']} đã rời nhóm")
    return "\n".join(parts) or "(tin không có nội dung văn bản)"


def message_lines(message: JSON, bot_id: int, bot_name: str, *, edited: bool = False) -> list[str]:
    """A message as the terminal shows it: header, wrapped body, numbered buttons."""
    sender = message.get("from", {})
    mid = message["message_id"]
    if sender.get("id") == bot_id:
        head = f"🤖 {bot_name} [#{mid}]"
    else:
        head = f"👤 {sender.get('first_name', '?')} [#{mid}]"
    if edited:
        head += " (đã sửa)"
    return [head + ":", *wrap(describe(message)), *button_lines(message)]
