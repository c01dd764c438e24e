"""Promises about who sees what: one cell never sees another's data; group chatter is not
stored; the committee's commands are shown only in committee members' private chats."""

from __future__ import annotations

from sqlalchemy import select

from bot.simulator import FakeUser
from storage.enums import AttendanceAnswer
from storage.models import Member
from tests.attendance_helpers import days, make_meeting
from tests.builders import build_cell
from tests.e2e.conftest import Harness
from tests.promises.helpers import NO_TELEGRAM_ID, stored_anywhere, texts_of

SECRET = "Bí Mật Chi Bộ A"  # in every personal datum of cell A


async def _own_cell_id(harness: Harness, telegram_id: int) -> int:
    async with harness.services.db.session() as session:
        member = await session.scalar(select(Member).where(Member.telegram_id == telegram_id))
        assert member is not None
        return member.cell_id


async def _cell_a(harness: Harness) -> None:
    """Another cell on the same bot, with names, a place, an agenda, a reason and a comment
    that all carry ``SECRET``."""
    services, now = harness.services, harness.clock.now()
    cell = await build_cell(
        services.db,
        name=f"Chi bộ {SECRET}",
        group_chat_id=-5001,
        secretary=f"Lê Văn {SECRET}",
        secretary_tid=5000,
        members=[f"Phan Thị {SECRET}"],
        tid_base=5100,
    )
    meeting = await make_meeting(services.db, cell.cell_id, now + days(2), agenda=SECRET)
    await services.attendance.set_reason(5100, meeting, "khac", f"lý do {SECRET}", update_id=1)
    await services.comments.add(5100, meeting, f"góp ý {SECRET}")


async def _everything_shown(harness: Harness, user: FakeUser, commands: list[str]) -> str:
    for command in commands:
        await user.send(command)
        await harness.api.wait_idle(quiet=0.2)
    shown = texts_of(harness, user.id)
    shown += [str(m.get("reply_markup")) for m in harness.api.messages(user.id)]
    shown += [f["data"].decode("utf-8", "replace") for f in harness.api.files(user.id)]
    return "\n".join(shown)


async def test_one_cell_never_sees_another_cells_data(harness: Harness) -> None:
    await _cell_a(harness)
    secretary = await harness.secretary()
    an = await harness.member(secretary, "Nguyễn Văn An", 201)
    own = await make_meeting(
        harness.services.db,
        await _own_cell_id(harness, secretary.id),
        harness.clock.now() + days(2),
    )
    await harness.services.attendance.answer(an.id, own, AttendanceAnswer.YES, update_id=2)
    member_view = await _everything_shown(
        harness,
        an,
        ["/lich", "/chuyende", "/thanhvien", "/cuatoi", "/gopy", "tháng này họp ngày nào"],
    )
    committee_view = await _everything_shown(
        harness, secretary, ["/lich", "/thanhvien", "/danhsach", "/thongke", "/xoadulieu"]
    )
    choice = await harness.say(secretary, "/xuat")
    await secretary.press(choice, 0)
    await harness.api.wait_until(lambda: len(harness.api.files(secretary.id)) >= 3, timeout=10)
    exported = await _everything_shown(harness, secretary, [])

    assert "Nhà văn hóa khu phố 3" in member_view  # the own meeting is shown …
    assert "Nguyễn Văn An" in exported  # … and exported
    for view in (member_view, committee_view, exported):
        assert SECRET not in view


async def test_group_chatter_is_never_stored(harness: Harness) -> None:
    """README: nothing from the group is stored but commands addressed to the bot."""
    secretary = await harness.secretary()
    an = await harness.member(secretary, "Nguyễn Văn An", 201)
    group = await harness.group(secretary)
    chatter = "Chuyện riêng trong nhóm 7731"
    panel = await an.send(f"{chatter}, mọi người ơi", chat=group)
    await an.send(f"{chatter}: trả lời", chat=group, reply_to=panel)
    await secretary.send(f"@ChiBoBot {chatter}", chat=group)
    await an.send(f"/hoi {chatter} họp chi bộ tối thiểu bao nhiêu phút", chat=group)
    await harness.api.wait_idle(quiet=0.3)
    assert await stored_anywhere(harness.services, (chatter, NO_TELEGRAM_ID)) == []


def _menu(harness: Harness, user: FakeUser) -> list[str]:
    """The commands Telegram shows in the user's private chat: the chat's own menu if set,
    else the menu of all private chats."""
    own = harness.api.commands({"type": "chat", "chat_id": user.id})
    shown = own or harness.api.commands({"type": "all_private_chats"})
    return [c["command"] for c in shown]


class _MemberCard:
    """The secretary's /thanhvien card of one member, pressed through Telegram."""

    def __init__(self, harness: Harness, secretary: FakeUser) -> None:
        self.harness, self.secretary = harness, secretary
        self.message: dict[str, object] = {}

    async def open(self, name: str) -> None:
        roster = await self.harness.say(self.secretary, "/thanhvien")
        self.message = roster
        await self.press(name, "Tình trạng:")

    async def press(self, button: str, then: str) -> None:
        await self.secretary.press(self.message, button)
        mid = int(str(self.message["message_id"]))
        self.message = await self.harness.wait_text(self.secretary.id, mid, then)

    async def role(self, role: str) -> None:
        await self.press(f"Vai trò: {role}", f"Vai trò: {role}")

    async def deactivate(self) -> None:
        await self.press("🚫 Cho thôi sinh hoạt", "xác nhận")
        await self.press("Xác nhận cho thôi sinh hoạt", "đã thôi sinh hoạt")


async def test_committee_commands_are_shown_only_to_the_committee_as_roles_change(
    harness: Harness,
) -> None:
    secretary = await harness.secretary()
    an = await harness.member(secretary, "Nguyễn Văn An", 201)
    assert "moi" in _menu(harness, secretary) and "moi" not in _menu(harness, an)
    card = _MemberCard(harness, secretary)
    await card.open("Nguyễn Văn An")
    await card.role("Chi ủy viên")
    assert "danhsach" in _menu(harness, an)
    await card.role("Đảng viên")
    assert "danhsach" not in _menu(harness, an)
    await card.role("Phó bí thư")
    await card.deactivate()
    assert "danhsach" not in _menu(harness, an)  # a departed deputy loses the menu


async def test_a_committee_member_who_returns_gets_the_committee_commands_back(
    harness: Harness,
) -> None:
    secretary = await harness.secretary()
    an = await harness.member(secretary, "Nguyễn Văn An", 201)
    card = _MemberCard(harness, secretary)
    await card.open("Nguyễn Văn An")
    await card.role("Chi ủy viên")
    await card.deactivate()
    await card.press("↩ Sinh hoạt trở lại", "Tình trạng: đang sinh hoạt")
    assert "danhsach" in _menu(harness, an)
