"""More Bot API behaviour: membership updates, formatting details, scale."""

from __future__ import annotations

import asyncio
import time

import aiohttp
import pytest
from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    MenuButtonCommands,
    Message,
)
from telegram.error import BadRequest

from bot.simulator import ApiEvent, FakeBotApi


async def test_group_created_and_chat_member_updates(api: FakeBotApi, bot: Bot) -> None:
    a, b = api.user(1001, "An"), api.user(1002, "Bình")
    g = api.group(-4010, "Chi bộ 10")
    await g.add_bot(by=a, admin=True, created=True)
    await bot.get_updates(allowed_updates=["message", "my_chat_member", "chat_member"])
    await g.add_user(b, by=a)
    await g.set_admin(b)
    await g.remove_user(b)
    updates = await bot.get_updates()
    created = updates[1].message
    assert created is not None and created.group_chat_created is True
    kinds = [next(k for k in u.to_dict() if k != "update_id") for u in updates[2:]]
    assert kinds == ["chat_member", "message", "chat_member", "chat_member", "message"]
    assert updates[2].chat_member is not None
    assert updates[2].chat_member.new_chat_member.status == "member"
    joined = updates[3].message
    assert joined is not None and [u.id for u in joined.new_chat_members] == [b.id]
    assert updates[6].message is not None and updates[6].message.left_chat_member is not None


async def test_chat_member_updates_are_opt_in(api: FakeBotApi, bot: Bot) -> None:
    a, b = api.user(1001, "An"), api.user(1002, "Bình")
    g = api.group(-4011, "Chi bộ 11")
    await g.add_bot(by=a, admin=True)
    await g.add_user(b)
    updates = await bot.get_updates()
    assert not any(u.chat_member for u in updates)  # not in the default allowed_updates


async def test_leave_chat_sends_my_chat_member(api: FakeBotApi, bot: Bot) -> None:
    a = api.user(1001, "An")
    g = api.group(-1001234567890, "Đảng bộ", supergroup=True)
    await g.add_bot(by=a)
    assert await bot.leave_chat(g.id)
    updates = await bot.get_updates()
    last = updates[-1].my_chat_member
    assert last is not None and last.new_chat_member.status == "left"
    assert last.from_user.id == api.bot_id


async def test_bot_cannot_delete_others_messages_without_rights(api: FakeBotApi, bot: Bot) -> None:
    a = api.user(1001, "An")
    g = api.group(-4012, "Chi bộ 12")
    await g.add_bot(by=a)
    msg = await a.send("/xoa", chat=g)
    with pytest.raises(BadRequest, match=r"(?i)message can't be deleted"):
        await bot.delete_message(g.id, msg["message_id"])
    await g.set_bot_admin(by=a)
    assert await bot.delete_message(g.id, msg["message_id"])


async def test_edit_caption(api: FakeBotApi, bot: Bot) -> None:
    u = api.user(1001, "An", started=True)
    doc = await bot.send_document(u.id, b"abc", filename="a.txt", caption="cũ")
    edited = await bot.edit_message_caption(
        u.id, doc.message_id, caption="<i>mới</i>", parse_mode="HTML"
    )
    assert isinstance(edited, Message) and edited.caption == "mới"
    assert edited.caption_entities[0].type == "italic"
    with pytest.raises(BadRequest, match=r"(?i)not modified"):
        await bot.edit_message_caption(
            u.id, doc.message_id, caption="<i>mới</i>", parse_mode="HTML"
        )
    text = await bot.send_message(u.id, "chữ")
    with pytest.raises(BadRequest, match=r"(?i)no caption"):
        await bot.edit_message_caption(u.id, text.message_id, caption="x")


async def test_entities_auto_detected_and_text_mention(api: FakeBotApi, bot: Bot) -> None:
    u = api.user(1001, "An", started=True)
    msg = await bot.send_message(
        u.id,
        f'Xem https://dangcongsan.vn #hop <a href="tg://user?id={u.id}">An</a>',
        parse_mode="HTML",
    )
    types = [e.type for e in msg.entities]
    assert types == ["url", "hashtag", "text_mention"]
    assert msg.entities[2].user is not None and msg.entities[2].user.id == u.id


async def test_requests_are_recorded_normalized(api: FakeBotApi, bot: Bot) -> None:
    u = api.user(1001, "An", started=True)
    kb = InlineKeyboardMarkup([[InlineKeyboardButton("A", callback_data="a")]])
    await bot.send_message(u.id, "x", reply_markup=kb, disable_notification=True)
    params = api.method_calls("sendmessage")[-1]
    assert params["chat_id"] == u.id and params["disable_notification"] is True
    assert params["reply_markup"] == {"inline_keyboard": [[{"text": "A", "callback_data": "a"}]]}


async def test_menu_button_and_chat_info(api: FakeBotApi, bot: Bot) -> None:
    u = api.user(1001, "An", last_name="Nguyễn", username="an_ng")
    await u.send("/start")
    assert await bot.set_chat_menu_button(u.id, MenuButtonCommands())
    assert isinstance(await bot.get_chat_menu_button(u.id), MenuButtonCommands)
    chat = await bot.get_chat(u.id)
    assert chat.type == "private" and chat.username == "an_ng" and chat.last_name == "Nguyễn"
    assert (await bot.get_chat_member(u.id, u.id)).status == "member"
    stranger = api.user(3003, "Lạ")
    with pytest.raises(BadRequest, match=r"(?i)chat not found"):
        await bot.get_chat(stranger.id)


async def test_listener_events(api: FakeBotApi, bot: Bot) -> None:
    events: list[ApiEvent] = []
    api.add_listener(events.append)
    u = api.user(1001, "An", started=True)
    m = await bot.send_message(u.id, "a")
    await bot.edit_message_text("b", u.id, m.message_id)
    await bot.delete_message(u.id, m.message_id)
    api.remove_listener(events.append)
    assert [(e.kind, e.chat_id) for e in events] == [
        ("new", u.id),
        ("edited", u.id),
        ("deleted", u.id),
    ]


async def test_stop_releases_long_poll() -> None:
    api = FakeBotApi()
    await api.start()
    bot = Bot(api.token, base_url=api.base_url)
    async with bot:
        poll = asyncio.create_task(bot.get_updates(timeout=30))
        await asyncio.sleep(0.2)
        t0 = time.monotonic()
        await api.stop()
        assert await asyncio.wait_for(poll, 5) == ()
        assert time.monotonic() - t0 < 3


async def test_ten_thousand_users_broadcast_scale(api: FakeBotApi) -> None:
    users = [api.user(100_000 + i, f"Đảng viên {i}", started=True) for i in range(10_000)]
    api.enforce_limits = True
    url = f"{api.base_url}{api.token}/sendMessage"
    sem = asyncio.Semaphore(32)

    async def send(session: aiohttp.ClientSession, uid: int) -> int:
        async with sem, session.post(url, data={"chat_id": str(uid), "text": "Thông báo họp"}) as r:
            await r.read()
            return r.status

    t0 = time.monotonic()
    async with aiohttp.ClientSession() as session:
        statuses = await asyncio.gather(*(send(session, u.id) for u in users[:2000]))
    assert time.monotonic() - t0 < 20
    assert statuses.count(200) == api.stats.sent_ok
    assert statuses.count(429) == api.stats.rate_limited > 0
    assert api.stats.sent_ok >= 30
