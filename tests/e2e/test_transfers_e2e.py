"""Transfers between cells (issue #12 point 3) through the real Application over HTTP: the
source cell issues, the target cell receives. An official transfer keeps the member's history
and carries the year's absences without reason into the target cell's Điều 8 alert; a
temporary one changes both cells' attendance bases; forged and stale presses change nothing."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.attendance.base import meeting_base
from bot.simulator import FakeUser
from storage.enums import MemberState, StatusKind, TransferStatus
from storage.models import (
    Attendance,
    AuditEntry,
    Cell,
    Meeting,
    Member,
    MemberStatus,
    MemberTransfer,
)
from tests.attendance_helpers import days, make_meeting
from tests.e2e.conftest import Harness

HOA, LAN = 100, 200
ALERT = "Lưu ý riêng cho chi ủy"


async def _cells(harness: Harness) -> tuple[FakeUser, FakeUser, int, int]:
    hoa = await harness.secretary("Chi bộ Khu phố 3", "Nguyễn Thị Hoa", HOA)
    lan = await harness.secretary("Chi bộ Trường Kim Đồng", "Lê Thị Lan", LAN)
    cells = {c.name: c.id for c in await harness.services.cells.list_cells()}
    return hoa, lan, cells["Chi bộ Khu phố 3"], cells["Chi bộ Trường Kim Đồng"]


async def _row(harness: Harness, cell_id: int, telegram_id: int) -> Member:
    async with harness.services.db.session() as session:
        row = await session.scalar(
            select(Member).where(Member.cell_id == cell_id, Member.telegram_id == telegram_id)
        )
    assert row is not None
    return row


async def _issue(harness: Harness, hoa: FakeUser, name: str, kind: str) -> dict[str, object]:
    """Hoa opens the member's card and picks the kind and the target cell."""
    roster = await harness.say(hoa, "/thanhvien")
    await hoa.press(roster, name)
    card = await harness.wait_text(HOA, roster["message_id"], "Vai trò")
    await hoa.press(card, "🔀 Chuyển sinh hoạt")
    screen = await harness.wait_text(HOA, roster["message_id"], "Chuyển sinh hoạt đảng của")
    assert "Thủ tục, giấy tờ chuyển sinh hoạt vẫn làm theo quy định" in screen["text"]
    await hoa.press(screen, kind)
    cells = await harness.wait_text(HOA, roster["message_id"], "sang chi bộ nào?")
    await hoa.press(cells, "Chi bộ Trường Kim Đồng")
    return roster


async def _mark_unexcused(harness: Harness, who: FakeUser, member_id: int, meeting: int) -> None:
    await harness.say(who, "/danhsach", expect="Danh sách")
    query = who.press_data(who, f"cp:{member_id}:{meeting}_u_0")
    await harness.api.wait_for_callback_answer(query)


async def test_an_official_transfer_keeps_history_and_the_unexcused_count(
    harness: Harness,
) -> None:
    hoa, lan, source, target = await _cells(harness)
    binh = await harness.member(hoa, "Trần Văn Bình", 301)
    start = harness.clock.now()
    in_source = await make_meeting(harness.services.db, source, start + days(36))  # January
    in_target = await make_meeting(harness.services.db, target, start + days(71))  # February
    harness.clock.advance(days(40))
    old_row = await _row(harness, source, 301)
    await _mark_unexcused(harness, hoa, old_row.id, in_source)
    # His own reminder choices (/nhacnho): the longest lead off, a week's pause.
    prefs = harness.services.reminder_prefs
    longest = max((await prefs.mine(301)).policy.leads)
    await prefs.toggle_lead(301, old_row.id, longest)
    chosen = await prefs.pause(301, old_row.id, 7)

    await _issue(harness, hoa, "Trần Văn Bình", "Chuyển chính thức")
    issued = await harness.api.wait_for_message(HOA, lambda m: "Đã gửi đề nghị" in m["text"])
    assert (
        "chuyển sinh hoạt chính thức đồng chí Trần Văn Bình sang Chi bộ Trường Kim Đồng"
        in (issued["text"])
    )
    incoming = await harness.api.wait_for_message(LAN, lambda m: "đề nghị chuyển" in m["text"])
    assert (
        "Chi bộ Khu phố 3 đề nghị chuyển sinh hoạt chính thức đồng chí Trần Văn Bình"
        in (incoming["text"])
    )
    # Not theirs to decide: the member himself, the source's secretary; nor to issue again.
    for user, data in ((binh, "tfd:1:a"), (hoa, "tfd:1:a")):
        await harness.say(user, "/help")
        answer = await harness.api.wait_for_callback_answer(user.press_data(user, data))
        assert "dành cho chi ủy" in answer["text"]
    answer = await harness.api.wait_for_callback_answer(
        hoa.press_data(HOA, f"tf:{old_row.id}:o{target}")
    )
    assert "đang có một đề nghị chuyển sinh hoạt" in answer["text"]

    await lan.press(incoming, "✅ Tiếp nhận")
    done = await harness.wait_text(LAN, incoming["message_id"], "đã tiếp nhận")
    assert (
        "Lê Thị Lan đã tiếp nhận đồng chí Trần Văn Bình về Chi bộ Trường Kim Đồng" in done["text"]
    )
    told = await harness.api.wait_for_message(301, lambda m: "🔀" in m["text"])
    assert "đã chuyển chính thức từ Chi bộ Khu phố 3 sang Chi bộ Trường Kim Đồng" in told["text"]
    await harness.api.wait_for_message(
        HOA, lambda m: "đã tiếp nhận đồng chí Trần Văn Bình" in m["text"]
    )
    # A double tap, and a withdrawal after the fact: nothing more happens.
    answer = await harness.api.wait_for_callback_answer(lan.press_data(incoming, "tfd:1:r"))
    assert "đã được xử lý" in answer["text"]
    answer = await harness.api.wait_for_callback_answer(hoa.press_data(issued, "tfw:1"))
    assert "đã được xử lý" in answer["text"]

    new_row = await _row(harness, target, 301)
    async with harness.services.db.session() as session:
        old = await session.get(Member, old_row.id)
        transfer = await session.scalar(select(MemberTransfer))
        history = list(await session.scalars(select(Attendance.member_id)))
        actions = set(await session.scalars(select(AuditEntry.action)))
    assert old is not None and old.state == MemberState.INACTIVE
    assert new_row.state == MemberState.ACTIVE and new_row.full_name == "Trần Văn Bình"
    assert transfer is not None and transfer.status == TransferStatus.ACCEPTED
    assert (transfer.from_member_id, transfer.to_member_id) == (old_row.id, new_row.id)
    assert history == [old_row.id]  # the attendance stays, linked through the transfer
    assert {"transfer_issued", "member_transferred_out", "member_transferred_in"} <= actions
    lich = await harness.say(binh, "/lich")
    assert "Chi bộ Trường Kim Đồng" in lich["text"]
    mine = await prefs.mine(301)  # they went with him to the new cell
    assert mine.cell.id == target and mine.member.id == new_row.id
    assert (mine.off, mine.paused_until) == ({longest}, chosen.paused_until)

    # February, in the new cell: the alert counts January's absence from the old cell.
    harness.clock.advance(days(40))
    await _mark_unexcused(harness, lan, new_row.id, in_target)
    alert = await harness.api.wait_for_message(LAN, lambda m: ALERT in m.get("text", ""))
    assert "Trần Văn Bình" in alert["text"] and "trong 2 tháng (tháng 1, tháng 2)" in alert["text"]


async def test_a_temporary_transfer_keeps_one_year_counted_by_the_members_own_cell(
    harness: Harness,
) -> None:
    """January without reason at home, then February without reason in the cell she visits:
    one person, one year (2 months), told to her own cell's committee, not the host's."""
    hoa, lan, source, target = await _cells(harness)
    await harness.member(hoa, "Phạm Thị Chi", 302)
    start = harness.clock.now()
    at_home = await make_meeting(harness.services.db, source, start + days(36))  # January
    visiting = await make_meeting(harness.services.db, target, start + days(71))  # February
    harness.clock.advance(days(40))
    home_row = await _row(harness, source, 302)
    await _mark_unexcused(harness, hoa, home_row.id, at_home)

    await _issue(harness, hoa, "Phạm Thị Chi", "Chuyển tạm thời")
    await harness.api.wait_for_message(HOA, lambda m: "từ ngày; đến ngày" in m["text"])
    today = harness.clock.now().astimezone(ZoneInfo("Asia/Ho_Chi_Minh")).date()
    period = f"{today:%d/%m/%Y}; {today + timedelta(days=120):%d/%m/%Y}"
    await harness.say(hoa, period, expect="Đã gửi đề nghị")
    incoming = await harness.api.wait_for_message(LAN, lambda m: "đề nghị chuyển" in m["text"])
    await lan.press(incoming, "✅ Tiếp nhận")
    await harness.api.wait_for_message(302, lambda m: "🔀" in m["text"])
    host_row = await _row(harness, target, 302)
    assert host_row.id != home_row.id

    harness.clock.advance(days(40))
    await _mark_unexcused(harness, lan, host_row.id, visiting)
    alert = await harness.api.wait_for_message(HOA, lambda m: ALERT in m.get("text", ""))
    assert "Phạm Thị Chi" in alert["text"] and "trong 2 tháng (tháng 1, tháng 2)" in alert["text"]
    await asyncio.sleep(0.3)  # anything else planned with it has gone out by now
    host_told = [m for m in harness.api.messages(LAN) if ALERT in str(m.get("text") or "")]
    assert host_told == []  # the host cell's committee is not told


async def test_a_temporary_transfer_changes_both_bases(harness: Harness) -> None:
    hoa, lan, source, target = await _cells(harness)
    chi = await harness.member(hoa, "Phạm Thị Chi", 302)
    roster = await _issue(harness, hoa, "Phạm Thị Chi", "Chuyển tạm thời")
    await harness.api.wait_for_message(HOA, lambda m: "từ ngày; đến ngày" in m["text"])
    wrong = await harness.say(hoa, "tháng sau")
    assert "gửi đúng dạng" in wrong["text"]
    backwards = await harness.say(hoa, "01/03/2027; 01/01/2027")
    assert "Ngày kết thúc cần sau ngày bắt đầu" in backwards["text"]
    await harness.say(hoa, "01/12/2026; 31/05/2027", expect="Đã gửi đề nghị")
    incoming = await harness.api.wait_for_message(LAN, lambda m: "đề nghị chuyển" in m["text"])
    assert (
        "tạm thời đồng chí Phạm Thị Chi về Chi bộ Trường Kim Đồng từ 01/12/2026 đến 31/05/2027"
        in (incoming["text"])
    )
    await lan.press(incoming, "✅ Tiếp nhận")
    told = await harness.api.wait_for_message(302, lambda m: "🔀" in m["text"])
    assert (
        "sinh hoạt tạm thời ở Chi bộ Trường Kim Đồng từ 01/12/2026 đến 31/05/2027" in told["text"]
    )
    assert "vẫn là đảng viên của Chi bộ Khu phố 3" in told["text"]
    lich = await harness.say(chi, "/lich")
    assert "của Chi bộ Trường Kim Đồng" in lich["text"]
    assert roster is not None

    async with harness.services.db.session() as session:
        statuses = {(s.cell_id, s.kind) for s in await session.scalars(select(MemberStatus))}
    assert statuses == {(source, StatusKind.AWAY), (target, StatusKind.VISITING)}
    assert (await _row(harness, source, 302)).state == MemberState.ACTIVE
    assert (await _row(harness, target, 302)).state == MemberState.ACTIVE

    when = harness.clock.now() + days(20)
    meetings = {
        cell: await make_meeting(harness.services.db, cell, when) for cell in (source, target)
    }
    async with harness.services.db.session() as session:
        bases = {}
        for cell_id, meeting_id in meetings.items():
            meeting, cell = await session.get(Meeting, meeting_id), await session.get(Cell, cell_id)
            assert meeting is not None and cell is not None
            bases[cell_id] = await meeting_base(session, meeting, cell)
    assert (bases[source].total, bases[source].away, bases[source].base) == (2, 1, 1)
    assert (bases[target].total, bases[target].visiting, bases[target].base) == (1, 1, 1)

    # The period is over: the visit ends, and her commands go back to her own cell.
    harness.clock.advance(days(200))
    await harness.services.meetings.maintain()
    assert (await _row(harness, target, 302)).state == MemberState.INACTIVE
    lich = await harness.say(chi, "/lich")
    assert "của Chi bộ Khu phố 3" in lich["text"]


async def test_only_the_source_leaders_issue_and_forged_presses_change_nothing(
    harness: Harness,
) -> None:
    hoa, lan, source, target = await _cells(harness)
    binh = await harness.member(hoa, "Trần Văn Bình", 301)
    row = await _row(harness, source, 301)
    await harness.say(binh, "/help")
    await harness.say(lan, "/help")
    for user, data, expected in (
        (binh, f"tf:{row.id}", "dành cho chi ủy"),
        (binh, f"tf:{row.id}:o{target}", "dành cho chi ủy"),
        (lan, f"tf:{row.id}:o{target}", "không còn trong danh sách"),  # not her cell's member
        (hoa, f"tf:{row.id}:o{source}", "không nhận được chuyển đến"),  # its own cell
        (hoa, f"tf:{row.id}:o99999", "không nhận được chuyển đến"),
        (hoa, f"tf:{row.id}:x", "không hợp lệ"),
        (hoa, "tfd:77:a", "không còn"),
        (hoa, "tfw:77", "không còn"),
    ):
        if user is hoa:
            await harness.say(hoa, "/help")
        answer = await harness.api.wait_for_callback_answer(user.press_data(user, data))
        assert expected in answer["text"], (data, answer["text"])
    await asyncio.sleep(0.1)
    async with harness.services.db.session() as session:
        assert list(await session.scalars(select(MemberTransfer))) == []

    # Issued, then withdrawn by the source before the target decided: the target's button is
    # stale, and the member stays where he was.
    await _issue(harness, hoa, "Trần Văn Bình", "Chuyển chính thức")
    issued = await harness.api.wait_for_message(HOA, lambda m: "Đã gửi đề nghị" in m["text"])
    incoming = await harness.api.wait_for_message(LAN, lambda m: "đề nghị chuyển" in m["text"])
    await hoa.press(issued, "↩️ Rút đề nghị")
    await harness.wait_text(HOA, issued["message_id"], "Đã rút đề nghị chuyển sinh hoạt")
    answer = await harness.api.wait_for_callback_answer(lan.press_data(incoming, "tfd:1:a"))
    assert "không còn hoặc đã được xử lý" in answer["text"]
    async with harness.services.db.session() as session:
        transfer = await session.scalar(select(MemberTransfer))
    assert transfer is not None and transfer.status == TransferStatus.CANCELLED
    assert (await _row(harness, source, 301)).state == MemberState.ACTIVE
