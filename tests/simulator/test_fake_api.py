"""The fake Bot API driven by python-telegram-bot's real Bot and Application."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import time
from typing import Any

import aiohttp
import pytest
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeAllGroupChats,
    BotCommandScopeChat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    ReplyKeyboardMarkup,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest, ChatMigrated, Forbidden, InvalidToken, RetryAfter
from telegram.ext import CallbackQueryHandler, CommandHandler, ContextTypes, MessageHandler, filters

from bot.simulator import FakeBotApi, FloodLimits
from tests.simulator.conftest import running_app

# RetryAfter.retry_after warns about its future timedelta type; not our concern here.
pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")

PNG_1x1 = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


async def raw_call(
    api: FakeBotApi, method: str, token: str | None = None, **params: Any
) -> tuple[int, dict[str, Any]]:
    url = f"{api.base_url}{token or api.token}/{method}"
    async with aiohttp.ClientSession() as session, session.post(url, json=params) as resp:
        return resp.status, await resp.json()


def seconds(value: int | dt.timedelta) -> float:
    """RetryAfter.retry_after is an int or a timedelta depending on PTB settings."""
    return value if isinstance(value, int) else value.total_seconds()


# ---------------------------------------------------------------- basics


async def test_get_me_shape(bot: Bot) -> None:
    me = await bot.get_me()
    assert me.is_bot and me.id == 123456
    assert me.username == "ChiBoBot" and me.first_name == "Trợ lý chi bộ"
    assert me.can_join_groups is True
    assert me.can_read_all_group_messages is False
    assert me.supports_inline_queries is False


async def test_wrong_token_and_unknown_method(api: FakeBotApi) -> None:
    status, body = await raw_call(api, "getMe", token="1:WRONG")
    assert status == 401 and body == {"ok": False, "error_code": 401, "description": "Unauthorized"}
    status, body = await raw_call(api, "fooBar")
    assert status == 404 and body["description"] == "Not Found"
    status, body = await raw_call(api, "sendPoll", chat_id=1, question="q")
    assert status == 400 and "not supported" in body["description"]
    bad = Bot("1:WRONG", base_url=api.base_url)
    with pytest.raises(InvalidToken):
        await bad.get_me()


async def test_method_names_case_insensitive_and_get(api: FakeBotApi) -> None:
    status, body = await raw_call(api, "GETME")
    assert status == 200 and body["result"]["username"] == "ChiBoBot"
    async with aiohttp.ClientSession() as s, s.get(f"{api.base_url}{api.token}/getMe") as r:
        assert (await r.json())["ok"] is True
    assert [m for m, _ in api.requests] == ["getMe", "getMe"]


async def test_updates_parse_with_ptb(api: FakeBotApi, bot: Bot) -> None:
    u = api.user(1001, "An", last_name="Nguyễn Văn", username="an_nv")
    g = api.group(-100123, "Chi bộ 3")
    await u.send("/start abc")
    await g.add_bot(by=u, admin=True)
    sent = await bot.send_message(
        u.id,
        "chọn",
        reply_markup=InlineKeyboardMarkup(
            [[InlineKeyboardButton("✅ Có mặt", callback_data="yes")]]
        ),
    )
    await u.press(sent.to_dict(), "✅ Có mặt")
    await g.migrate_to_supergroup(new_id=-100999)
    updates = await bot.get_updates(allowed_updates=[])
    kinds = []
    for upd in updates:
        assert isinstance(upd, Update)
        assert not upd.api_kwargs, upd.api_kwargs
        kinds.append(next(k for k in upd.to_dict() if k != "update_id"))
    assert kinds == ["message", "my_chat_member", "message", "callback_query", "message", "message"]
    first = updates[0].message
    assert first is not None and first.text == "/start abc"
    assert first.entities[0].type == "bot_command" and first.entities[0].offset == 0
    assert first.from_user is not None and first.from_user.last_name == "Nguyễn Văn"
    mcm = updates[1].my_chat_member
    assert mcm is not None and mcm.old_chat_member.status == "left"
    assert mcm.new_chat_member.status == "administrator"
    cq = updates[3].callback_query
    assert cq is not None and cq.data == "yes" and isinstance(cq.id, str)
    assert cq.message is not None and cq.message.message_id == sent.message_id
    assert updates[4].message is not None and updates[4].message.migrate_to_chat_id == -100999
    assert updates[5].message is not None and updates[5].message.migrate_from_chat_id == -100123
    assert [x.update_id for x in updates] == sorted(x.update_id for x in updates)


async def test_long_polling_offset_and_wakeup(api: FakeBotApi, bot: Bot) -> None:
    u = api.user(1001, "An")
    await u.send("một")
    await u.send("hai")
    first = await bot.get_updates()
    assert [x.message.text for x in first if x.message] == ["một", "hai"]
    again = await bot.get_updates()
    assert len(again) == 2, "without offset nothing is confirmed"
    rest = await bot.get_updates(offset=first[0].update_id + 1)
    assert [x.message.text for x in rest if x.message] == ["hai"]
    none = await bot.get_updates(offset=first[-1].update_id + 1, timeout=0)
    assert none == ()

    async def later() -> None:
        await asyncio.sleep(0.2)
        await u.send("ba")

    task = asyncio.create_task(later())
    t0 = time.monotonic()
    got = await bot.get_updates(offset=first[-1].update_id + 1, timeout=5)
    elapsed = time.monotonic() - t0
    await task
    assert [x.message.text for x in got if x.message] == ["ba"]
    assert 0.15 < elapsed < 1.5


async def test_get_updates_limit_and_negative_offset(api: FakeBotApi, bot: Bot) -> None:
    u = api.user(1001, "An")
    for i in range(5):
        await u.send(f"m{i}")
    assert len(await bot.get_updates(limit=2)) == 2
    last = await bot.get_updates(offset=-1)
    assert [x.message.text for x in last if x.message] == ["m4"]
    assert api.pending_updates == 1


# ---------------------------------------------------------------- sending


async def test_private_chat_errors(api: FakeBotApi, bot: Bot) -> None:
    stranger = api.user(2002, "Bình")
    with pytest.raises(Forbidden, match=r"(?i)bot can't initiate conversation with a user"):
        await bot.send_message(stranger.id, "xin chào")
    with pytest.raises(BadRequest, match=r"(?i)Chat not found"):
        await bot.send_message(999999, "xin chào")
    u = api.user(1001, "An")
    await u.send("/start")
    await bot.send_message(u.id, "ok")
    u.block_bot()
    with pytest.raises(Forbidden, match=r"(?i)bot was blocked by the user"):
        await bot.send_message(u.id, "xin chào")
    await u.send("/start")  # "Restart" unblocks
    await bot.send_message(u.id, "lại ok")
    u.deactivate()
    with pytest.raises(Forbidden, match=r"(?i)user is deactivated"):
        await bot.send_message(u.id, "xin chào")


async def test_block_produces_my_chat_member(api: FakeBotApi, bot: Bot) -> None:
    u = api.user(1001, "An")
    await u.send("/start")
    u.block_bot()
    u.unblock_bot()
    updates = await bot.get_updates()
    statuses = [
        (x.my_chat_member.old_chat_member.status, x.my_chat_member.new_chat_member.status)
        for x in updates
        if x.my_chat_member
    ]
    assert statuses == [("member", "kicked"), ("kicked", "member")]


async def test_message_length_limits(api: FakeBotApi, bot: Bot) -> None:
    u = api.user(1001, "An", started=True)
    ok = await bot.send_message(u.id, "ă" * 4096)
    assert len(ok.text) == 4096
    with pytest.raises(BadRequest, match=r"(?i)Message is too long"):
        await bot.send_message(u.id, "ă" * 4097)
    # the limit applies after entity parsing
    await bot.send_message(u.id, "<b>" + "a" * 4096 + "</b>", parse_mode=ParseMode.HTML)
    with pytest.raises(BadRequest, match=r"(?i)Message text is empty"):
        await bot.send_message(u.id, "   ")
    with pytest.raises(BadRequest, match=r"(?i)Message text is empty"):
        await bot.send_message(u.id, "<b></b>", parse_mode=ParseMode.HTML)


async def test_html_parsing(api: FakeBotApi, bot: Bot) -> None:
    u = api.user(1001, "An", started=True)
    msg = await bot.send_message(
        u.id,
        '👍 <b>Họp</b> <i>chi bộ</i> &lt;3 <a href="https://x.vn">link</a> <code>c</code>',
        parse_mode=ParseMode.HTML,
    )
    assert msg.text == "👍 Họp chi bộ <3 link c"
    ents = {e.type: (e.offset, e.length) for e in msg.entities}
    assert ents["bold"] == (3, 3)  # the emoji is 2 UTF-16 units
    assert ents["italic"] == (7, 6)
    assert ents["text_link"] == (17, 4)
    assert api.raw(u.id, msg.message_id) == {
        "text": '👍 <b>Họp</b> <i>chi bộ</i> &lt;3 <a href="https://x.vn">link</a> <code>c</code>',
        "parse_mode": "HTML",
    }
    with pytest.raises(BadRequest, match=r"(?i)Can't parse entities"):
        await bot.send_message(u.id, "<b>chưa đóng", parse_mode=ParseMode.HTML)
    with pytest.raises(BadRequest, match=r"(?i)Unsupported start tag"):
        await bot.send_message(u.id, "<div>x</div>", parse_mode=ParseMode.HTML)
    with pytest.raises(BadRequest, match=r"(?i)Can't parse entities"):
        await bot.send_message(u.id, "1 < 2", parse_mode=ParseMode.HTML)


async def test_callback_data_limits(api: FakeBotApi, bot: Bot) -> None:
    u = api.user(1001, "An", started=True)
    ok_data = "ệ" * 21  # 63 bytes
    await bot.send_message(
        u.id,
        "ok",
        reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton("a", callback_data=ok_data)]]),
    )
    too_long = "ệ" * 22  # 22 characters but 66 bytes
    with pytest.raises(BadRequest, match=r"(?i)Button_data_invalid"):
        await bot.send_message(
            u.id,
            "x",
            reply_markup=InlineKeyboardMarkup(
                [[InlineKeyboardButton("a", callback_data=too_long)]]
            ),
        )
    status, body = await raw_call(
        api,
        "sendMessage",
        chat_id=u.id,
        text="x",
        reply_markup={"inline_keyboard": [[{"text": "a"}]]},
    )
    assert status == 400 and "Text buttons are unallowed" in body["description"]
    status, body = await raw_call(
        api, "sendMessage", chat_id=u.id, text="x", reply_markup=json.dumps({"inline_keyboard": {}})
    )
    assert status == 400


async def test_reply_keyboard_not_in_message(api: FakeBotApi, bot: Bot) -> None:
    u = api.user(1001, "An", started=True)
    msg = await bot.send_message(u.id, "chọn", reply_markup=ReplyKeyboardMarkup([["Có", "Không"]]))
    assert msg.reply_markup is None
    kb = api.reply_keyboard(u)
    assert kb is not None and kb["keyboard"][0][0] in ("Có", {"text": "Có"})


async def test_reply_parameters(api: FakeBotApi, bot: Bot) -> None:
    u = api.user(1001, "An")
    sent = await u.send("câu hỏi")
    msg = await bot.send_message(u.id, "trả lời", reply_to_message_id=sent["message_id"])
    assert msg.reply_to_message is not None and msg.reply_to_message.text == "câu hỏi"
    with pytest.raises(BadRequest, match=r"(?i)Message to be replied not found"):
        await bot.send_message(u.id, "x", reply_to_message_id=999)
    ok = await bot.send_message(
        u.id, "x", reply_to_message_id=999, allow_sending_without_reply=True
    )
    assert ok.reply_to_message is None


# ---------------------------------------------------------------- editing


async def test_edit_not_modified_and_not_found(api: FakeBotApi, bot: Bot) -> None:
    u = api.user(1001, "An")
    user_msg = await u.send("/start")
    kb = InlineKeyboardMarkup([[InlineKeyboardButton("A", callback_data="a")]])
    msg = await bot.send_message(u.id, "Bản gốc", reply_markup=kb)
    with pytest.raises(BadRequest, match=r"(?i)Message is not modified"):
        await bot.edit_message_text(
            "Bản gốc", chat_id=u.id, message_id=msg.message_id, reply_markup=kb
        )
    edited = await bot.edit_message_text("Bản gốc", chat_id=u.id, message_id=msg.message_id)
    assert isinstance(edited, Message) and edited.reply_markup is None  # omitted markup is removed
    assert edited.edit_date is not None
    with pytest.raises(BadRequest, match=r"(?i)Message is not modified"):
        await bot.edit_message_reply_markup(chat_id=u.id, message_id=msg.message_id)
    edited = await bot.edit_message_reply_markup(
        chat_id=u.id, message_id=msg.message_id, reply_markup=kb
    )
    assert isinstance(edited, Message) and edited.reply_markup == kb
    with pytest.raises(BadRequest, match=r"(?i)Message to edit not found"):
        await bot.edit_message_text("x", chat_id=u.id, message_id=12345)
    with pytest.raises(BadRequest, match=r"(?i)Message can't be edited"):
        await bot.edit_message_text("x", chat_id=u.id, message_id=user_msg["message_id"])
    assert api.messages(u.id)[0]["text"] == "Bản gốc"


async def test_delete_message(api: FakeBotApi, bot: Bot) -> None:
    u = api.user(1001, "An", started=True)
    a = await bot.send_message(u.id, "a")
    b = await bot.send_message(u.id, "b")
    assert await bot.delete_message(u.id, a.message_id)
    assert [m["text"] for m in api.messages(u.id)] == ["b"]
    assert api.last_message(u.id)["message_id"] == b.message_id  # type: ignore[index]
    with pytest.raises(BadRequest, match=r"(?i)Message to delete not found"):
        await bot.delete_message(u.id, a.message_id)


# ---------------------------------------------------------------- errors & limits


async def test_injected_retry_after(api: FakeBotApi, bot: Bot) -> None:
    u = api.user(1001, "An", started=True)
    api.fail_next("sendMessage", 429, retry_after=7)
    with pytest.raises(RetryAfter) as info:
        await bot.send_message(u.id, "x")
    assert seconds(info.value.retry_after) == 7
    await bot.send_message(u.id, "x")
    api.fail_next("SENDMESSAGE", 403, "Forbidden: bot was blocked by the user", count=2)
    for _ in range(2):
        with pytest.raises(Forbidden):
            await bot.send_message(u.id, "x")
    assert api.stats.rate_limited == 1 and api.stats.sent_ok == 1


async def test_flood_limits(api: FakeBotApi, bot: Bot) -> None:
    api.enforce_limits = True
    users = [api.user(5000 + i, f"U{i}", started=True) for i in range(31)]
    results = await asyncio.gather(
        *(bot.send_message(u.id, "thông báo") for u in users), return_exceptions=True
    )
    limited = [r for r in results if isinstance(r, RetryAfter)]
    assert limited, "31 sends in one second must hit the global limit"
    assert all(isinstance(r, Message | RetryAfter) for r in results)
    assert api.stats.rate_limited == len(limited)
    assert api.stats.sent_ok == 31 - len(limited)
    # one message per second to the same private chat
    api.advance_time(2)
    await bot.send_message(users[0].id, "1")
    with pytest.raises(RetryAfter):
        await bot.send_message(users[0].id, "2")
    api.advance_time(1.01)
    await bot.send_message(users[0].id, "3")
    # every refusal is recorded with its method and chat, to tell which limit was passed
    assert len(api.stats.refused) == api.stats.rate_limited
    assert api.stats.refused[-1][:2] == ("sendMessage", users[0].id)
    assert {method for method, _, _ in api.stats.refused} == {"sendMessage"}


async def test_group_flood_limit_configurable(api: FakeBotApi, bot: Bot) -> None:
    api.enforce_limits = True
    api.limits = FloodLimits(global_per_second=1000, group_per_minute=3)
    u = api.user(1001, "An")
    g = api.group(-100123, "Chi bộ 3")
    await g.add_bot(by=u)
    for _ in range(3):
        await bot.send_message(g.id, "x")
    with pytest.raises(RetryAfter) as info:
        await bot.send_message(g.id, "x")
    assert 50 <= seconds(info.value.retry_after) <= 60
    assert api.stats.per_chat[g.id] == 3


async def test_migration_error(api: FakeBotApi, bot: Bot) -> None:
    u = api.user(1001, "An")
    g = api.group(-4001, "Chi bộ cũ")
    await g.add_bot(by=u, admin=True)
    await bot.send_message(g.id, "trước")
    sg = await g.migrate_to_supergroup(new_id=-1004001)
    assert sg.type == "supergroup" and g.migrated_to == -1004001
    with pytest.raises(ChatMigrated) as info:
        await bot.send_message(g.id, "sau")
    assert info.value.new_chat_id == -1004001
    msg = await bot.send_message(sg.id, "sau")
    assert msg.chat.type == "supergroup"


async def test_group_errors_and_privacy(api: FakeBotApi, bot: Bot) -> None:
    u = api.user(1001, "An")
    g = api.group(-4002, "Chi bộ 2")
    with pytest.raises(BadRequest, match=r"(?i)Chat not found"):
        await bot.send_message(g.id, "x")
    await g.add_bot(by=u)
    await bot.get_updates(offset=-1)
    await bot.get_updates(offset=(await bot.get_updates())[-1].update_id + 1)
    await u.send("chào mọi người", chat=g)  # privacy mode: not delivered
    await u.send("/diemdanh@ChiBoBot", chat=g)
    await u.send("/help@OtherBot", chat=g)
    updates = await bot.get_updates()
    assert [x.message.text for x in updates if x.message] == ["/diemdanh@ChiBoBot"]
    await g.remove_bot(by=u)
    with pytest.raises(Forbidden, match=r"(?i)bot was kicked from the group chat"):
        await bot.send_message(g.id, "x")


async def test_pin_requires_admin_in_groups(api: FakeBotApi, bot: Bot) -> None:
    u = api.user(1001, "An")
    g = api.group(-4003, "Chi bộ")
    await g.add_bot(by=u, admin=False)
    msg = await bot.send_message(g.id, "Nghị quyết")
    with pytest.raises(BadRequest, match=r"(?i)Not enough rights to manage pinned messages"):
        await bot.pin_chat_message(g.id, msg.message_id)
    await g.set_bot_admin(by=u)
    assert await bot.pin_chat_message(g.id, msg.message_id)
    assert api.pinned(g) == [msg.message_id]
    chat = await bot.get_chat(g.id)
    assert chat.pinned_message is not None and chat.pinned_message.message_id == msg.message_id
    assert await bot.unpin_chat_message(g.id)
    assert api.pinned(g) == []
    assert [m["text"] for m in api.messages(g)] == ["Nghị quyết"]


# ---------------------------------------------------------------- files


async def test_document_round_trip(api: FakeBotApi, bot: Bot) -> None:
    u = api.user(1001, "An", started=True)
    payload = "Họ tên,Điểm\nAn,10\n".encode() * 1000
    msg = await bot.send_document(
        u.id, payload, filename="bao-cao.csv", caption="<b>Báo cáo</b>", parse_mode="HTML"
    )
    assert msg.document is not None and msg.document.file_name == "bao-cao.csv"
    assert msg.document.file_size == len(payload) and msg.document.mime_type == "text/csv"
    assert msg.caption == "Báo cáo"
    tg_file = await msg.document.get_file()
    assert bytes(await tg_file.download_as_bytearray()) == payload
    files = api.files(u.id)
    assert (
        len(files) == 1 and files[0]["data"] == payload and files[0]["file_name"] == "bao-cao.csv"
    )
    again = await bot.send_document(u.id, msg.document.file_id)
    assert (
        again.document is not None and again.document.file_unique_id == msg.document.file_unique_id
    )
    with pytest.raises(BadRequest, match=r"(?i)Message caption is too long"):
        await bot.send_document(u.id, b"x", filename="a.txt", caption="x" * 1025)


async def test_user_uploaded_document_can_be_downloaded(api: FakeBotApi, bot: Bot) -> None:
    u = api.user(1001, "An")
    await u.send_document(b"a,b\n1,2\n", "ds.csv", caption="danh sách")
    upd = (await bot.get_updates())[0]
    assert upd.message is not None and upd.message.document is not None
    f = await upd.message.document.get_file()
    assert bytes(await f.download_as_bytearray()) == b"a,b\n1,2\n"


async def test_photo_and_media_group(api: FakeBotApi, bot: Bot) -> None:
    u = api.user(1001, "An", started=True)
    msg = await bot.send_photo(u.id, PNG_1x1, caption="ảnh")
    assert msg.photo[-1].width == 1 and msg.photo[-1].height == 1
    with pytest.raises(BadRequest, match=r"(?i)Image_process_failed"):
        await bot.send_photo(u.id, b"not an image")
    from telegram import InputMediaDocument

    album = await bot.send_media_group(
        u.id,
        [
            InputMediaDocument(b"1", filename="a.txt", caption="một"),
            InputMediaDocument(b"22", filename="b.txt"),
        ],
    )
    assert len(album) == 2 and album[0].media_group_id == album[1].media_group_id
    assert [f["file_name"] for f in api.files(u) if f["kind"] == "document"] == ["a.txt", "b.txt"]


# ---------------------------------------------------------------- commands & chats


async def test_commands_per_scope_and_language(api: FakeBotApi, bot: Bot) -> None:
    u = api.user(1001, "An")
    g = api.group(-4004, "Chi bộ")
    await g.add_bot(by=u, admin=True)
    await bot.set_my_commands([BotCommand("start", "Bắt đầu"), BotCommand("giup", "Trợ giúp")])
    await bot.set_my_commands(
        [BotCommand("diemdanh", "Điểm danh")], scope=BotCommandScopeAllGroupChats()
    )
    await bot.set_my_commands([BotCommand("start", "Start")], language_code="en")
    await bot.set_my_commands([BotCommand("hop", "Họp")], scope=BotCommandScopeChat(g.id))
    assert [c.command for c in await bot.get_my_commands()] == ["start", "giup"]
    assert [c.command for c in await bot.get_my_commands(scope=BotCommandScopeAllGroupChats())] == [
        "diemdanh"
    ]
    assert [c.description for c in await bot.get_my_commands(language_code="en")] == ["Start"]
    assert api.commands({"type": "chat", "chat_id": g.id}) == [
        {"command": "hop", "description": "Họp"}
    ]
    assert api.commands(language_code="en") == [{"command": "start", "description": "Start"}]
    await bot.delete_my_commands(scope=BotCommandScopeAllGroupChats())
    assert await bot.get_my_commands(scope=BotCommandScopeAllGroupChats()) == ()
    with pytest.raises(BadRequest, match=r"(?i)Bot_command_invalid"):
        await bot.set_my_commands([BotCommand("Start", "x")])


async def test_chat_and_members(api: FakeBotApi, bot: Bot) -> None:
    a = api.user(1001, "An")
    b = api.user(1002, "Bình")
    g = api.group(-4005, "Chi bộ 5")
    await g.add_bot(by=a, admin=True)
    await g.add_user(b, by=a)
    chat = await bot.get_chat(g.id)
    assert chat.title == "Chi bộ 5" and chat.type == "group"
    assert (await bot.get_chat_member(g.id, a.id)).status == "creator"
    assert (await bot.get_chat_member(g.id, b.id)).status == "member"
    assert (await bot.get_chat_member(g.id, api.bot_id)).status == "administrator"
    admins = await bot.get_chat_administrators(g.id)
    assert {m.user.id for m in admins} == {a.id, api.bot_id}
    assert await bot.get_chat_member_count(g.id) == 3
    assert await bot.send_chat_action(g.id, "typing")
    link = await bot.create_chat_invite_link(g.id, name="mời")
    assert link.invite_link.startswith("https://t.me/+")
    assert await bot.leave_chat(g.id)
    with pytest.raises(Forbidden, match=r"(?i)bot is not a member of the group chat"):
        await bot.send_message(g.id, "x")


# ---------------------------------------------------------------- application


async def test_echo_application_with_buttons(api: FakeBotApi) -> None:
    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        await update.effective_message.reply_text(
            f"Chào! args={context.args}",
            reply_markup=InlineKeyboardMarkup(
                [
                    [
                        InlineKeyboardButton("✅ Có mặt", callback_data="yes"),
                        InlineKeyboardButton("❌ Vắng", callback_data="no"),
                    ]
                ]
            ),
        )

    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None and update.effective_message.text
        await update.effective_message.reply_text(update.effective_message.text)

    async def pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        q = update.callback_query
        assert q is not None
        await q.answer(f"Đã ghi: {q.data}", show_alert=True)
        await q.edit_message_text(f"Bạn chọn {q.data}")

    async with running_app(
        api,
        CommandHandler("start", start),
        CallbackQueryHandler(pressed),
        MessageHandler(filters.TEXT & ~filters.COMMAND, echo),
    ):
        u = api.user(1001, "An")
        await u.send("/start abc")
        msg = await api.wait_for_message(u)
        assert msg["text"] == "Chào! args=['abc']"
        qid = await u.press(msg, "❌ Vắng")
        answer = await api.wait_for_callback_answer(qid)
        assert answer["text"] == "Đã ghi: no" and answer["show_alert"] is True
        await api.wait_until(lambda: api.last_message(u)["text"] == "Bạn chọn no")  # type: ignore[index]
        assert "reply_markup" not in api.last_message(u)  # type: ignore[operator]
        await u.send("xin chào")
        echoed = await api.wait_for_message(u, lambda m: m["text"] == "xin chào")
        assert echoed["from"]["id"] == api.bot_id

        g = api.group(-100777, "Chi bộ 7", supergroup=True)
        await g.add_bot(by=u)
        await u.send("/start@ChiBoBot nhóm", chat=g)
        in_group = await api.wait_for_message(g)
        assert in_group["text"] == "Chào! args=['nhóm']"


async def test_answer_callback_twice_or_expired(api: FakeBotApi, bot: Bot) -> None:
    u = api.user(1001, "An", started=True)
    msg = await bot.send_message(
        u.id,
        "x",
        reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton("A", callback_data="a")]]),
    )
    q1 = await u.press(msg.to_dict(), 0)
    assert await bot.answer_callback_query(q1, "ok")
    with pytest.raises(BadRequest, match=r"(?i)Query is too old"):
        await bot.answer_callback_query(q1)
    q2 = u.press_data(u, "forged:data")
    api.advance_time(15 * 60 + 1)
    with pytest.raises(BadRequest, match=r"(?i)Query is too old"):
        await bot.answer_callback_query(q2)
    with pytest.raises(BadRequest, match=r"(?i)Query is too old"):
        await bot.answer_callback_query("nonexistent")
    updates = await bot.get_updates()
    datas = [x.callback_query.data for x in updates if x.callback_query]
    assert datas == ["a", "forged:data"]


async def test_press_errors(api: FakeBotApi, bot: Bot) -> None:
    u = api.user(1001, "An", started=True)
    msg = await bot.send_message(
        u.id,
        "x",
        reply_markup=InlineKeyboardMarkup(
            [[InlineKeyboardButton("Web", url="https://example.org")]]
        ),
    )
    with pytest.raises(ValueError):
        await u.press(msg.to_dict(), "Web")
    with pytest.raises(LookupError):
        await u.press(msg.to_dict(), "Không có")
    other = api.user(1002, "Bình")
    with pytest.raises(PermissionError):
        await other.press(msg.to_dict(), 0)


async def test_wait_for_message_cursor(api: FakeBotApi, bot: Bot) -> None:
    u = api.user(1001, "An", started=True)
    await bot.send_message(u.id, "cũ")
    await u.send("hỏi")
    with pytest.raises(TimeoutError):
        await api.wait_for_message(u, timeout=0.1)

    async def reply_later() -> None:
        await asyncio.sleep(0.05)
        await bot.send_message(u.id, "một")
        await bot.send_message(u.id, "hai")

    task = asyncio.create_task(reply_later())
    assert (await api.wait_for_message(u))["text"] == "một"
    assert (await api.wait_for_message(u))["text"] == "hai"
    await task


async def test_webhook_conflict(api: FakeBotApi, bot: Bot) -> None:
    assert await bot.set_webhook("https://example.org/hook")
    info = await bot.get_webhook_info()
    assert info.url == "https://example.org/hook"
    status, _body = await raw_call(api, "getUpdates")
    assert status == 409
    assert await bot.delete_webhook()
    assert await bot.get_updates() == ()
