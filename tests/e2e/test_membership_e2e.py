"""Create cell → secretary → group → invite → join → approve, over HTTP with the real PTB."""

from __future__ import annotations

import asyncio

from sqlalchemy import select

from storage.models import AuditEntry, Member, MemberState, PartyStatus, Role
from tests.builders import linked_cell
from tests.e2e.conftest import Harness


async def _member_row(harness: Harness, telegram_id: int) -> Member | None:
    async with harness.services.db.session() as session:
        return await session.scalar(select(Member).where(Member.telegram_id == telegram_id))


async def test_full_join_flow(harness: Harness) -> None:
    secretary = await harness.secretary()
    row = await _member_row(harness, secretary.id)
    assert row is not None and row.role == Role.SECRETARY and row.full_name == "Nguyễn Thị Hoa"

    group = await harness.group(secretary)
    welcome = harness.api.last_message(group.id)
    assert welcome is not None and "đã được gắn với Chi bộ Khu phố 3" in welcome["text"]
    cell = await linked_cell(harness.services.db, group.id)
    assert cell is not None and cell.name == "Chi bộ Khu phố 3"

    payload = await harness.invite_payload(secretary)
    assert payload.startswith("j_") and len(payload) <= 64
    an = harness.api.user(201, "An", last_name="Nguyễn Văn")
    reply = await harness.say(an, f"/start {payload}")
    assert "Chi bộ Khu phố 3" in reply["text"] and "họ và tên" in reply["text"]
    reply = await harness.say(an, "  Nguyễn   Văn An ")
    assert "đã được gửi tới chi ủy" in reply["text"]
    row = await _member_row(harness, an.id)
    assert row is not None and row.state == MemberState.PENDING and row.full_name == "Nguyễn Văn An"

    review = await harness.api.wait_for_message(secretary.id)
    assert "Nguyễn Văn An" in review["text"]
    # One digest per cell (issue #12): each person waiting has their own row of buttons.
    assert [b["text"] for b in review["reply_markup"]["inline_keyboard"][0]] == [
        "✅ Duyệt 1. Nguyễn Văn An",
        "❌ Từ chối 1",
    ]
    await secretary.press(review, "✅ Duyệt 1. Nguyễn Văn An")
    told = await harness.api.wait_for_message(an.id)
    assert "đã duyệt" in told["text"]
    edited = harness.api.get_message(secretary.id, review["message_id"])
    assert edited is not None and "đã duyệt" in edited["text"] and "reply_markup" not in edited
    row = await _member_row(harness, an.id)
    assert row is not None and row.state == MemberState.ACTIVE

    roster = await harness.say(an, "/thanhvien")
    assert "Nguyễn Văn An — Đảng viên, chính thức" in roster["text"]
    assert "Nguyễn Thị Hoa — Bí thư chi bộ" in roster["text"]
    assert "reply_markup" not in roster  # ordinary members get no edit buttons


async def test_rejection_and_double_tap(harness: Harness) -> None:
    secretary = await harness.secretary()
    payload = await harness.invite_payload(secretary)
    binh = harness.api.user(202, "Bình", last_name="Trần Văn")
    await harness.say(binh, f"/start {payload}")
    await harness.say(binh, "Trần Văn Bình")
    review = await harness.api.wait_for_message(secretary.id)
    await secretary.press(review, "❌ Từ chối 1")
    told = await harness.api.wait_for_message(binh.id)
    assert "chưa duyệt" in told["text"]
    # The same (now stale) request pressed again, through a forged copy of the button.
    query = secretary.press_data(review, f"jr:{(await _member_row(harness, binh.id)).id}:a")  # type: ignore[union-attr]
    answer = await harness.api.wait_for_callback_answer(query)
    assert "đã được xử lý" in answer["text"]
    row = await _member_row(harness, binh.id)
    assert row is not None and row.state == MemberState.REJECTED
    assert await harness.services.members.membership(binh.id) is None


async def test_strangers_and_members_are_refused(harness: Harness) -> None:
    secretary = await harness.secretary()
    an = await harness.member(secretary, "Nguyễn Văn An", 201)
    stranger = harness.api.user(999, "Lạ")
    reply = await harness.say(stranger, "/thanhvien")
    assert "chưa là thành viên" in reply["text"]
    reply = await harness.say(stranger, "/moi")
    assert "chưa là thành viên" in reply["text"]
    reply = await harness.say(an, "/moi")
    assert "dành cho chi ủy" in reply["text"]
    # A member forging committee buttons changes nothing.
    secretary_row = await _member_row(harness, secretary.id)
    assert secretary_row is not None
    for data in (f"mr:{secretary_row.id}:dv", f"md:{secretary_row.id}", f"mdy:{secretary_row.id}"):
        query = an.press_data(an, data)
        answer = await harness.api.wait_for_callback_answer(query)
        assert "dành cho chi ủy" in answer["text"]
    query = stranger.press_data(stranger, "jr:1:a")
    assert "chưa là thành viên" in (await harness.api.wait_for_callback_answer(query))["text"]
    for forged in ("hello", "jr:1:zz", "x" * 64, "mr:99999:bt"):
        query = secretary.press_data(secretary, forged)
        answer = await harness.api.wait_for_callback_answer(query)
        assert answer.get("text"), forged
    row = await _member_row(harness, secretary.id)
    assert row is not None and row.role == Role.SECRETARY and row.state == MemberState.ACTIVE


async def test_committee_edits_roles_status_and_deactivates(harness: Harness) -> None:
    secretary = await harness.secretary()
    an = await harness.member(secretary, "Nguyễn Văn An", 201)
    roster = await harness.say(secretary, "/thanhvien")
    chat, mid = secretary.id, roster["message_id"]
    await secretary.press(roster, "Nguyễn Văn An")
    card = await harness.wait_text(chat, mid, "Vai trò: Đảng viên")
    await secretary.press(card, "Vai trò: Chi ủy viên")
    card = await harness.wait_text(chat, mid, "Vai trò: Chi ủy viên")
    await secretary.press(card, "Đảng viên dự bị")
    card = await harness.wait_text(chat, mid, "Đảng viên dự bị\n")
    row = await _member_row(harness, an.id)
    assert row is not None and row.role == Role.COMMITTEE
    assert row.party_status == PartyStatus.PROBATIONARY
    # The new chi ủy viên now has the committee's menu in their private chat.
    commands = [c["command"] for c in harness.api.commands({"type": "chat", "chat_id": an.id})]
    assert "moi" in commands and "danhsach" in commands
    await secretary.press(card, "🚫 Cho thôi sinh hoạt")
    confirm = await harness.wait_text(chat, mid, "xác nhận")
    await secretary.press(confirm, "Xác nhận cho thôi sinh hoạt")
    await harness.wait_text(chat, mid, "đã thôi sinh hoạt")
    row = await _member_row(harness, an.id)
    assert row is not None and row.state == MemberState.INACTIVE
    async with harness.services.db.session() as session:
        actions = list(await session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))
    assert actions[-3:] == ["role_changed", "party_status_changed", "member_deactivated"]


async def test_group_link_refused_for_non_committee_and_follows_migration(harness: Harness) -> None:
    secretary = await harness.secretary()
    an = await harness.member(secretary, "Nguyễn Văn An", 201)
    other = harness.api.group(-2002, "Nhóm khác")
    await other.add_bot(by=an)
    refused = await harness.api.wait_for_message(other.id)
    assert "chưa gắn với chi bộ nào" in refused["text"]
    assert await linked_cell(harness.services.db, other.id) is None

    group = await harness.group(secretary, chat_id=-3003, admin=False)
    assert "quản trị viên" in str(harness.api.last_message(group.id))
    await group.migrate_to_supergroup(new_id=-1003003)
    for _ in range(100):
        if await linked_cell(harness.services.db, -1003003) is not None:
            break
        await asyncio.sleep(0.05)
    cell = await linked_cell(harness.services.db, -1003003)
    assert cell is not None and cell.name == "Chi bộ Khu phố 3"


async def test_start_and_help_are_role_aware_and_menus_are_set(harness: Harness) -> None:
    secretary = await harness.secretary()
    an = await harness.member(secretary, "Nguyễn Văn An", 201)
    member_help = await harness.say(an, "/help")
    committee_help = await harness.say(secretary, "/help")
    assert "/lich" in member_help["text"] and "/moi" not in member_help["text"]
    assert "/moi" in committee_help["text"] and "Dành cho chi ủy" in committee_help["text"]
    stranger_start = await harness.say(harness.api.user(999, "Lạ"), "/start")
    assert "chưa là thành viên" in stranger_start["text"]
    private = [c["command"] for c in harness.api.commands({"type": "all_private_chats"})]
    assert "lich" in private and "moi" not in private
    groups = [c["command"] for c in harness.api.commands({"type": "all_group_chats"})]
    assert "hoi" in groups
    secretary_menu = [
        c["command"] for c in harness.api.commands({"type": "chat", "chat_id": secretary.id})
    ]
    assert "moi" in secretary_menu
    assert all(
        len(c["description"]) <= 256 for c in harness.api.commands({"type": "all_private_chats"})
    )
