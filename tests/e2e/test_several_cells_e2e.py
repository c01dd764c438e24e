"""One person, several cells (issue #12 point 3), through the real Application over HTTP: the
cell chosen in a private chat is remembered and every private command acts on it; joining a
second cell says so; an unchosen choice is asked for, never guessed; forged buttons change
nothing."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy import delete, select, update

from bot.simulator import FakeUser
from storage.models import ChosenCell, Member, MemberState, Role
from tests.attendance_helpers import make_meeting
from tests.e2e.conftest import Harness

HOA, LAN = 100, 200


async def _two_cells(harness: Harness) -> tuple[FakeUser, FakeUser, int, int]:
    """Hoa is the secretary of Khu phố 3; Lan of Trường Kim Đồng, where Hoa then joins."""
    hoa = await harness.secretary("Chi bộ Khu phố 3", "Nguyễn Thị Hoa", HOA)
    lan = await harness.secretary("Chi bộ Trường Kim Đồng", "Lê Thị Lan", LAN)
    cells = {c.name: c.id for c in await harness.services.cells.list_cells()}
    return hoa, lan, cells["Chi bộ Khu phố 3"], cells["Chi bộ Trường Kim Đồng"]


async def _join(harness: Harness, secretary: FakeUser, user: FakeUser, name: str) -> str:
    """``user`` opens ``secretary``'s invite and is approved; the approval message's text."""
    payload = await harness.invite_payload(secretary)
    await harness.say(user, f"/start {payload}", expect="họ và tên")
    await harness.say(user, name)
    review = await harness.api.wait_for_message(secretary.id, lambda m: name in m.get("text", ""))
    await secretary.press(review, 0)
    told = await harness.api.wait_for_message(user.id, lambda m: "đã duyệt" in m["text"])
    return str(told["text"])


async def test_a_secretary_joining_a_second_cell_keeps_her_own_and_switches(
    harness: Harness,
) -> None:
    hoa, lan, own, other = await _two_cells(harness)
    now = harness.clock.now()
    await make_meeting(harness.services.db, own, now + timedelta(days=3))
    await make_meeting(harness.services.db, other, now + timedelta(days=5))

    told = await _join(harness, lan, hoa, "Nguyễn Thị Hoa")
    assert "nay sinh hoạt ở 2 chi bộ" in told
    assert "Các lệnh vẫn áp dụng cho Chi bộ Khu phố 3" in told and "/chibo" in told

    # Nothing changed for her own cell: /danhsach and /lich act on Khu phố 3.
    roll = await harness.say(hoa, "/danhsach", expect="Đã trả lời")
    assert "Đã trả lời 0/1" in roll["text"]
    lich = await harness.say(hoa, "/lich")
    assert "Lịch sinh hoạt sắp tới của Chi bộ Khu phố 3" in lich["text"]
    start = await harness.say(hoa, "/start")
    assert "Chi bộ đang chọn: Chi bộ Khu phố 3 (đổi bằng /chibo)" in start["text"]

    screen = await harness.say(hoa, "/chibo")
    assert "Đồng chí đang sinh hoạt ở 2 chi bộ" in screen["text"]
    assert "• Chi bộ Khu phố 3 — Bí thư chi bộ" in screen["text"]
    assert "• Chi bộ Trường Kim Đồng — Đảng viên" in screen["text"]
    assert "Đang chọn: Chi bộ Khu phố 3." in screen["text"]
    await hoa.press(screen, "Chi bộ Trường Kim Đồng")
    chosen = await harness.wait_text(HOA, screen["message_id"], "Đã chọn")
    assert "Đã chọn Chi bộ Trường Kim Đồng" in chosen["text"]

    # Now every private command acts on Trường Kim Đồng, where she is an ordinary member.
    lich = await harness.say(hoa, "/lich")
    assert "Lịch sinh hoạt sắp tới của Chi bộ Trường Kim Đồng" in lich["text"]
    refused = await harness.say(hoa, "/danhsach")
    assert "dành cho chi ủy" in refused["text"]
    roster = await harness.say(hoa, "/thanhvien")
    assert "Lê Thị Lan" in roster["text"]

    # The choice is remembered (a restart reads it from the database) and switched back.
    screen = await harness.say(hoa, "/chibo")
    assert "Đang chọn: Chi bộ Trường Kim Đồng." in screen["text"]
    await hoa.press(screen, "Chi bộ Khu phố 3")
    await harness.wait_text(HOA, screen["message_id"], "Đã chọn Chi bộ Khu phố 3")
    roll = await harness.say(hoa, "/danhsach", expect="Đã trả lời")
    assert "Đã trả lời 0/1" in roll["text"]
    async with harness.services.db.session() as session:
        row = await session.get(ChosenCell, HOA)
    assert row is not None and row.cell_id == own

    # A member of one cell only is told so, with no buttons.
    binh = harness.api.user(301, "Bình", last_name="Trần Văn")
    await _join(harness, lan, binh, "Trần Văn Bình")
    only = await harness.say(binh, "/chibo")
    assert "Đồng chí sinh hoạt ở Chi bộ Trường Kim Đồng (đảng viên)" in only["text"]
    assert "reply_markup" not in only


async def test_several_cells_and_no_choice_are_asked_not_guessed(harness: Harness) -> None:
    hoa, lan, own, other = await _two_cells(harness)
    await _join(harness, lan, hoa, "Nguyễn Thị Hoa")
    async with harness.services.db.session() as session:  # as before revision 0010
        await session.execute(delete(ChosenCell))

    asked = await harness.say(hoa, "/danhsach")
    assert "Đồng chí đang sinh hoạt ở 2 chi bộ" in asked["text"]
    labels = [row[0]["text"] for row in asked["reply_markup"]["inline_keyboard"]]
    assert labels == ["Chi bộ Khu phố 3", "Chi bộ Trường Kim Đồng"]
    asked = await harness.say(hoa, "/start")
    assert "chọn chi bộ" in asked["text"]

    # Forged and stale presses: a cell she is not in, a stranger, a huge id.
    stranger = harness.api.user(999, "Lạ")
    await harness.say(stranger, "/start")
    for user, data, expected in (
        (hoa, f"cb:{other + 50}", "không còn sinh hoạt ở chi bộ này"),
        (stranger, f"cb:{own}", "chưa là thành viên"),
        (hoa, "cb:99999999999", "không hợp lệ"),
    ):
        target = asked if user is hoa else stranger
        answer = await harness.api.wait_for_callback_answer(user.press_data(target, data))
        assert expected in answer["text"]
    async with harness.services.db.session() as session:
        assert list(await session.scalars(select(ChosenCell))) == []

    await hoa.press(asked, "Chi bộ Khu phố 3")
    await harness.wait_text(HOA, asked["message_id"], "Đã chọn Chi bộ Khu phố 3")
    roll = await harness.say(hoa, "/danhsach")
    assert "chọn chi bộ" not in roll["text"]

    # Her membership in the chosen cell ends: with one cell left, that one, no question.
    async with harness.services.db.session() as session:
        await session.execute(
            update(Member)
            .where(Member.cell_id == own, Member.telegram_id == HOA)
            .values(state=MemberState.INACTIVE)
        )
    lich = await harness.say(hoa, "/lich")
    assert "của Chi bộ Trường Kim Đồng" in lich["text"]


async def test_a_leader_of_two_cells_decides_the_other_cells_join_request_without_switching(
    harness: Harness,
) -> None:
    """A button that names a member acts in that member's cell: Hoa, secretary of Khu phố 3
    (her chosen cell) and deputy of Trường Kim Đồng, approves a join request of Trường Kim Đồng
    from its digest, and the digest redrawn is Trường Kim Đồng's."""
    hoa, lan, own, other = await _two_cells(harness)
    await _join(harness, lan, hoa, "Nguyễn Thị Hoa")
    async with harness.services.db.session() as session:
        deputy = await session.scalar(
            select(Member.id).where(Member.cell_id == other, Member.telegram_id == HOA)
        )
    assert deputy is not None
    await harness.services.members.set_role(LAN, deputy, Role.DEPUTY)

    minh = harness.api.user(302, "Minh", last_name="Phạm Văn")
    payload = await harness.invite_payload(lan)
    await harness.say(minh, f"/start {payload}", expect="họ và tên")
    await harness.say(minh, "Phạm Văn Minh")
    review = await harness.api.wait_for_message(HOA, lambda m: "Phạm Văn Minh" in m.get("text", ""))
    assert "Chi bộ Trường Kim Đồng" in review["text"]
    await hoa.press(review, 0)
    redrawn = await harness.wait_text(HOA, review["message_id"], "duyệt")
    assert "Chi bộ Trường Kim Đồng" in redrawn["text"]
    told = await harness.api.wait_for_message(302, lambda m: "đã duyệt" in m["text"])
    assert "Chi bộ Trường Kim Đồng" in told["text"]
    async with harness.services.db.session() as session:
        state = await session.scalar(select(Member.state).where(Member.telegram_id == 302))
        chosen = await session.get(ChosenCell, HOA)
    assert state == MemberState.ACTIVE
    assert chosen is not None and chosen.cell_id == own  # her commands still act on her own
    roster = await harness.say(hoa, "/thanhvien")
    assert "Nguyễn Thị Hoa" in roster["text"] and "Phạm Văn Minh" not in roster["text"]


def _menu(harness: Harness, user: FakeUser) -> list[str]:
    """The commands Telegram lists in the user's private chat (the chat's own menu if set)."""
    own = harness.api.commands({"type": "chat", "chat_id": user.id})
    shown = own or harness.api.commands({"type": "all_private_chats"})
    return [c["command"] for c in shown]


async def _committee_menu(harness: Harness, user: FakeUser, shown: bool) -> None:
    """The menu lists the committee's commands (``shown``) or not, once the bot has set it
    (it does so right after answering)."""
    for _ in range(100):
        if ("danhsach" in _menu(harness, user)) is shown:
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"menu of {user.id}: {_menu(harness, user)}")


async def test_the_command_menu_follows_the_chosen_cell_not_the_cell_that_changed_a_role(
    harness: Harness,
) -> None:
    hoa, lan, _own, other = await _two_cells(harness)
    binh = harness.api.user(301, "Bình", last_name="Trần Văn")
    await _join(harness, hoa, binh, "Trần Văn Bình")
    await _join(harness, lan, binh, "Trần Văn Bình")  # his commands still act on Khu phố 3
    assert "danhsach" not in _menu(harness, binh)

    # Lan makes him chi ủy viên of Trường Kim Đồng: his menu stays that of Khu phố 3.
    async with harness.services.db.session() as session:
        there = await session.scalar(
            select(Member.id).where(Member.cell_id == other, Member.telegram_id == 301)
        )
    answer = await harness.api.wait_for_callback_answer(lan.press_data(LAN, f"mr:{there}:cuv"))
    assert "Chi ủy viên" in answer["text"]
    await harness.say(lan, "/help")  # the role's menu was set before this reply
    assert "danhsach" not in _menu(harness, binh)

    screen = await harness.say(binh, "/chibo")
    await binh.press(screen, "Chi bộ Trường Kim Đồng")
    await harness.wait_text(301, screen["message_id"], "Đã chọn")
    await _committee_menu(harness, binh, True)  # the committee's commands, where they apply
    await harness.say(binh, "/danhsach", expect="/taolich")  # the committee's answer

    screen = await harness.say(binh, "/chibo")
    await binh.press(screen, "Chi bộ Khu phố 3")
    await harness.wait_text(301, screen["message_id"], "Đã chọn")
    await _committee_menu(harness, binh, False)
