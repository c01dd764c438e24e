"""The terminal chat, scripted through StringIO against a tiny echo bot."""

from __future__ import annotations

import asyncio
import io
import os
import sys
from pathlib import Path

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler, CommandHandler, ContextTypes, MessageHandler, filters

from bot.simulator import FakeBotApi
from bot.simulator.terminal_session import run_terminal_chat
from tests.simulator.conftest import running_app

ROOT = Path(__file__).resolve().parents[2]
KEYBOARD = InlineKeyboardMarkup(
    [
        [
            InlineKeyboardButton("✅ Có mặt", callback_data="yes"),
            InlineKeyboardButton("❌ Vắng", callback_data="no"),
        ]
    ]
)


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None and update.effective_user is not None
    await update.effective_message.reply_text(
        f"Chào {update.effective_user.first_name}! Điểm danh:", reply_markup=KEYBOARD
    )


async def send_file(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None
    await update.effective_message.reply_document("Nội dung".encode(), filename="Báo cáo.txt")


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None and update.effective_message.text
    await update.effective_message.reply_text("Bạn nói: " + update.effective_message.text)


async def notify(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert context.args
    await context.bot.send_message(int(context.args[0]), "Thông báo họp chi bộ")


async def pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    q = update.callback_query
    assert q is not None and q.from_user is not None
    await q.answer("Đã ghi nhận")
    await q.edit_message_text(f"{q.from_user.first_name} chọn {q.data}")


async def run_script(api: FakeBotApi, script: str, tmp_path: Path) -> str:
    out = io.StringIO()
    async with running_app(
        api,
        CommandHandler("start", start),
        CommandHandler("tep", send_file),
        CommandHandler("nhan", notify),
        CallbackQueryHandler(pressed),
        MessageHandler(filters.TEXT & ~filters.COMMAND, echo),
    ):
        await run_terminal_chat(
            api,
            stdin=io.StringIO(script),
            stdout=out,
            intro="Xin chào!",
            settle=0.15,
            files_dir=tmp_path,
        )
    return out.getvalue()


async def test_terminal_script(api: FakeBotApi, tmp_path: Path) -> None:
    script = "\n".join(
        [
            "/start",
            ":bam 2",
            "xin chào",
            ":nguoi Trần Bình",
            "/start",
            ":nguoi",
            ":nhom Chi bộ 3",
            "/start",
            ":bam 1",
            ":nguoi An",
            ":tin 2",
            ":rieng",
            "/tep",
            ":tep",
            ":lamgi",
            ":thoat",
            "không được gửi",
        ]
    )
    text = await run_script(api, script, tmp_path)
    assert text.startswith("Lệnh của trình mô phỏng")  # help first, then the intro
    assert "để gửi tin nhắn cho bot.\nXin chào!\nBạn là An (id 1001)" in text
    assert "Chào An! Điểm danh:" in text
    assert "[1] ✅ Có mặt  [2] ❌ Vắng" in text
    assert "🔔 Thông báo: Đã ghi nhận" in text
    assert "(đã sửa)" in text and "An chọn no" in text
    assert "Bạn nói: xin chào" in text
    assert "Chào Bình! Điểm danh:" in text
    assert "Trần Bình (id 1002)" in text
    assert "Đã tạo nhóm «Chi bộ 3»" in text
    assert "Bình chọn yes" in text
    assert "Không hiểu lệnh «:lamgi»" in text
    assert text.rstrip().endswith("Tạm biệt!")
    assert all(len(line) <= 80 for line in text.splitlines() if str(tmp_path) not in line)
    # state on the server side matches what was printed
    an, binh = api.user(1001), api.user(1002)
    assert binh.last_name == "Trần"
    group = next(g for g in api.groups() if g.title == "Chi bộ 3")
    assert group.bot_status == "administrator"
    assert [m["text"] for m in api.messages(group)] == ["Bình chọn yes"]
    assert api.messages(an)[0]["text"] == "An chọn no"
    saved = list(tmp_path.rglob("*.txt"))  # noqa: ASYNC240 - tiny temp dir
    assert len(saved) == 1 and saved[0].read_bytes() == "Nội dung".encode()
    assert str(saved[0]) in text
    assert not any(
        "không được gửi" in str(m.get("text")) for m in api.messages(an, include_users=True)
    )
    assert "An> /start" in text  # scripted input is echoed


async def test_terminal_eof_and_notifications(api: FakeBotApi, tmp_path: Path) -> None:
    # EOF without :thoat exits cleanly; a message for another chat is announced.
    text = await run_script(api, ":nguoi Cúc\n/start\n:nguoi An\n", tmp_path)
    assert "Chào Cúc! Điểm danh:" in text
    assert text.rstrip().endswith("Tạm biệt!")


async def test_terminal_unread_messages(api: FakeBotApi, tmp_path: Path) -> None:
    script = ":nguoi Dũng\n/start\n:nguoi An\n/nhan 1002\n:nguoi Dũng\n:thoat\n"
    text = await run_script(api, script, tmp_path)
    assert "(✉ có tin mới ở chat riêng của Dũng)" in text
    after_switch = text.split("Bạn là Dũng (id 1002)")[-1]
    assert "— 1 tin chưa đọc —" in after_switch
    assert "Thông báo họp chi bộ" in after_switch


async def test_terminal_newcomer_mistakes(api: FakeBotApi, tmp_path: Path) -> None:
    """Placeholders typed as printed, missing buttons: one clear line, nothing sent."""
    script = "\n".join(
        [
            ":bam 1",
            "/start j_…",
            "/start s_…",
            "/nhan 1001 /start j_AbC-12_x",
            "/start j_...",
            "/start",
            ":bam 3",
            ":bam x",
            ":nguoi Bình",
            ":nguoi An",
        ]
    )
    out = io.StringIO()
    async with running_app(
        api, CommandHandler("start", start), CommandHandler("nhan", notify_text)
    ):
        await run_terminal_chat(
            api, stdin=io.StringIO(script), stdout=out, intro="/start s_XyZ", settle=0.15
        )
    text = out.getvalue()
    assert "Chưa có tin nào của bot có nút bấm ở đây." in text
    assert "«j_…» là chỗ để điền mã lời mời: bí thư gõ /moi, bot sẽ in mã j_…." in text
    assert "«s_…» là chỗ để điền mã bí thư; hãy gõ:  /start s_XyZ" in text
    assert "«j_...» là chỗ để điền mã lời mời; hãy gõ:  /start j_AbC-12_x" in text
    assert "Không có nút 3: tin [#" in text and "chỉ có nút 1–2" in text
    assert "Cách dùng: :bam N" in text
    assert "(người mới: Bình;" in text
    assert text.count("(người mới:") == 1  # going back to An is not a new person
    sent = [m.get("text") for m in api.messages(1001, include_users=True)]
    assert not any("…" in str(t) or "..." in str(t) for t in sent if "/nhan" not in str(t))


async def notify_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None and update.effective_message.text
    await update.effective_message.reply_text(update.effective_message.text.split(" ", 2)[2])


PIPE_PROGRAM = """
import asyncio
from telegram.ext import MessageHandler, filters
from bot.simulator import FakeBotApi
from bot.simulator.terminal_session import run_terminal_chat
from tests.simulator.conftest import running_app

async def echo(update, context):
    await update.effective_message.reply_text("Bạn nói: " + update.effective_message.text)

async def main():
    api = FakeBotApi()
    await api.start()
    async with running_app(api, MessageHandler(filters.TEXT, echo)):
        await run_terminal_chat(api, settle=0.1)
    await api.stop()

asyncio.run(main())
"""


@pytest.mark.parametrize("close_stdin", [True, False])
async def test_terminal_over_a_real_pipe(close_stdin: bool) -> None:
    """stdin as a pipe: EOF ends the chat, and so does :thoat with the pipe still open."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-c", PIPE_PROGRAM,
        cwd=ROOT, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE, env={**os.environ, "PYTHONIOENCODING": "utf-8"},
    )  # fmt: skip
    assert proc.stdin is not None and proc.stdout is not None
    proc.stdin.write("xin chào\n".encode())
    if close_stdin:
        proc.stdin.close()
    else:
        proc.stdin.write(b":thoat\n")
        await proc.stdin.drain()
    out, err = await asyncio.wait_for(proc.communicate(), 30)
    text = out.decode()
    assert proc.returncode == 0, err.decode()
    assert "Bạn nói: xin chào" in text
    assert text.rstrip().endswith("Tạm biệt!")


class _TtyPipe(io.TextIOWrapper):
    """A pipe that claims to be a terminal, so the chat shows prompts."""

    def isatty(self) -> bool:
        return True


async def test_interactive_prompt_and_spontaneous_message(api: FakeBotApi, tmp_path: Path) -> None:
    read_fd, write_fd = os.pipe()
    stdin = _TtyPipe(io.FileIO(read_fd, "r"), encoding="utf-8")
    out = io.StringIO()
    async with running_app(api, CommandHandler("start", start)):
        chat = asyncio.create_task(
            run_terminal_chat(api, stdin=stdin, stdout=out, settle=0.1, files_dir=tmp_path)
        )
        os.write(write_fd, b"/start\n")
        first = await api.wait_for_message(1001)
        assert first["text"] == "Chào An! Điểm danh:"
        await api.wait_until(lambda: out.getvalue().endswith("An> "))
        async with Bot(api.token, base_url=api.base_url) as tg:
            await tg.send_message(1001, "Nhắc lịch họp tối nay")
        await api.wait_until(lambda: out.getvalue().endswith("Nhắc lịch họp tối nay\nAn> "))
        os.write(write_fd, b":thoat\n")
        await asyncio.wait_for(chat, 10)
    os.close(write_fd)
    stdin.close()
    text = out.getvalue()
    assert "An> \n🤖 Trợ lý chi bộ [#3]:\n   Nhắc lịch họp tối nay\nAn> " in text
    assert text.endswith("Tạm biệt!\n")
