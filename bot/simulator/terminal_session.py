"""Running a terminal chat session: the stdin reader and the read–send–wait loop.

The chat itself (what a line does, how messages print) is :mod:`bot.simulator.terminal`.
"""

from __future__ import annotations

import asyncio
import sys
import threading
from pathlib import Path
from typing import TextIO

from bot.simulator.fake_api import FakeBotApi
from bot.simulator.terminal import TerminalChat
from bot.simulator.terminal_render import HELP


def start_reader(stdin: TextIO, loop: asyncio.AbstractEventLoop) -> asyncio.Queue[str | None]:
    """Read lines in a daemon thread so the event loop (and the bot) never block.

    A daemon thread (not the default executor) so a pending readline on a TTY
    cannot keep the process alive after :thoat.  None marks end of input.
    """
    queue: asyncio.Queue[str | None] = asyncio.Queue()

    def post(item: str | None) -> bool:
        try:
            loop.call_soon_threadsafe(queue.put_nowait, item)
        except RuntimeError:  # the chat ended and its loop closed: nobody is listening
            return False
        return True

    def reader() -> None:
        try:
            while True:
                line = stdin.readline()
                if not line or not post(line):
                    break
        except (OSError, ValueError):  # closed stream
            pass
        finally:
            post(None)

    threading.Thread(target=reader, name="simulator-stdin", daemon=True).start()
    return queue


async def run_terminal_chat(
    api: FakeBotApi,
    *,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
    intro: str = "",
    settle: float = 0.3,
    files_dir: Path | str = Path("data/simulator"),
    start_as: str = "An",
) -> None:
    """Interactive chat in Vietnamese against a bot already polling ``api``.

    Works with a TTY or a pipe/StringIO script; after each line it waits until
    the bot has been quiet for ``settle`` seconds so replies print in order.
    Prints the help, then ``intro`` (the next steps), then who you are: ``start_as``.
    Returns on ``:thoat`` or end of input.
    """
    inp = stdin if stdin is not None else sys.stdin
    out = stdout if stdout is not None else sys.stdout
    chat = TerminalChat(api, out, settle=settle, files_dir=files_dir)
    interactive = bool(getattr(inp, "isatty", lambda: False)())
    chat.interactive = interactive
    chat.say(HELP)
    if intro:
        chat.say(intro)
    chat.switch_user(start_as)
    chat.say(chat._where())
    api.add_listener(chat.on_event)
    try:
        lines = start_reader(inp, asyncio.get_running_loop())
        while chat.running:
            chat.show_prompt()
            line = await lines.get()
            chat._prompt_visible = False
            if line is None:
                break
            if not interactive and line.strip():
                # Echo scripted input so a transcript reads like a conversation.
                assert chat.user is not None
                chat.say(f"{chat.names.get(chat.user.id, chat.user.first_name)}> {line.rstrip()}")
            try:
                await chat.handle(line)
            except Exception as exc:  # keep the session alive on mistakes
                chat.say(f"⚠ Lỗi: {exc}")
            await api.wait_idle(quiet=settle, timeout=10.0)
        await api.wait_idle(quiet=settle, timeout=10.0)
    finally:
        api.remove_listener(chat.on_event)
    chat.say("Tạm biệt!")
