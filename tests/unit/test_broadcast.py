"""The agenda broadcast, without Telegram: compose, preview, send through the outbox, edit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.broadcast.agenda import summarize_changes
from bot.broadcast.kinds import AGENDA_INVITE
from bot.broadcast.report import ReportMessage, report_text
from bot.broadcast.service import BroadcastService
from bot.clock import ManualClock
from bot.delivery.limits import MAX_CAPTION, telegram_length
from bot.delivery.outbox import OutboxWorker
from bot.delivery.outgoing import SendResult, SendStatus
from bot.delivery.ratelimit import RateLimiter
from bot.errors import InvalidInput, NotAllowed, NotAMember, StaleAction
from bot.services import outbox_renderers
from bot.texts import broadcast as tb
from storage.db import Database
from storage.models import (
    AuditEntry,
    Meeting,
    MeetingKind,
    Member,
    MemberState,
    OutboxMessage,
)
from tests.builders import build_cell
from tests.fakes import ScriptedSender, fast_limiter

GROUP = -100200
SECRETARY, ANNA, BINH, CUONG, BLOCKED, OUTSIDER = 100, 201, 202, 203, 204, 999
REPORT_MESSAGE = 4242
AGENDA_TEXT = "1. Thông tin thời sự\n2. Kiểm điểm nghị quyết tháng 11\n3. Nhiệm vụ tháng 12"


@dataclass
class World:
    cell_id: int
    meeting_id: int
    service: BroadcastService
    db: Database
    clock: ManualClock


async def _world(db: Database, clock: ManualClock, *, starts_in: timedelta) -> World:
    cell = await build_cell(
        db,
        parent_committee=None,
        group_chat_id=GROUP,
        secretary="Lê Thị Hoa",
        members=["Nguyễn Thị An", "Trần Văn Bình", "Phạm Văn Cường", "Đỗ Văn Đông"],  # ANNA…BLOCKED
        without_telegram=["Vũ Thị Em"],
        inactive=[(777, "Người Đã Chuyển")],
    )
    await build_cell(
        db,
        name="Chi bộ khác",
        parent_committee=None,
        group_chat_id=None,
        secretary="Bí thư khác",
        secretary_tid=OUTSIDER,
        secretary_can_dm=False,
        members=0,
    )
    async with db.session() as session:
        meeting = Meeting(
            cell_id=cell.cell_id,
            kind=MeetingKind.REGULAR,
            starts_at=clock.now() + starts_in,
            place="Nhà văn hóa khu phố 3",
        )
        session.add(meeting)
        await session.flush()
        return World(cell.cell_id, meeting.id, BroadcastService(db, clock), db, clock)


@pytest.fixture
async def world(db: Database, clock: ManualClock) -> World:
    return await _world(db, clock, starts_in=timedelta(days=8, hours=6))


def _worker(world: World, sender: ScriptedSender) -> OutboxWorker:
    return OutboxWorker(world.db, world.clock, sender, fast_limiter(), renderers=outbox_renderers())


async def _drain(world: World, worker: OutboxWorker, rounds: int = 10) -> None:
    """Run the worker, moving the clock past deferrals, until nothing is due."""
    for _ in range(rounds):
        while await worker.run_once():
            pass
        due = await worker.next_due()
        if due is None:
            return
        world.clock.set(max(due, world.clock.now()))


async def _sent_draft(world: World) -> int:
    draft = await world.service.open(SECRETARY, world.meeting_id)
    await world.service.save_text(SECRETARY, draft.broadcast_id, AGENDA_TEXT)
    await world.service.send(
        SECRETARY,
        draft.broadcast_id,
        ReportMessage(SECRETARY, REPORT_MESSAGE),
        bot_username="ChiBoBot",
    )
    return draft.broadcast_id


async def test_preview_is_the_members_message(world: World) -> None:
    draft = await world.service.open(SECRETARY, world.meeting_id)
    assert draft.version == 0 and not draft.sent and draft.pin
    draft = await world.service.save_text(SECRETARY, draft.broadcast_id, f"  {AGENDA_TEXT}\n ")
    text = draft.message.text
    assert text.startswith("📅 CHƯƠNG TRÌNH SINH HOẠT — Chi bộ Khu phố 3")
    assert "Sinh hoạt chi bộ thường kỳ: Thứ Bảy, 05/12/2026, lúc 14h00" in text
    assert "Địa điểm: Nhà văn hóa khu phố 3" in text
    assert AGENDA_TEXT in text and tb.AGENDA_DOCS_ON_APP in text
    data = [b.callback_data for row in draft.message.buttons for b in row]
    assert data == [
        f"at:{world.meeting_id}:y",
        f"at:{world.meeting_id}:n",
        f"at:{world.meeting_id}:m",
        f"gy:{world.meeting_id}",
    ]
    assert draft.recipients == 6 and draft.has_group
    assert not draft.too_late and not draft.past


async def test_preview_warns_when_less_than_a_day_away(db: Database, clock: ManualClock) -> None:
    world = await _world(db, clock, starts_in=timedelta(hours=20))
    draft = await world.service.open(SECRETARY, world.meeting_id)
    assert draft.too_late and not draft.past
    clock.advance(timedelta(hours=21))
    assert (await world.service.preview(SECRETARY, draft.broadcast_id)).past


async def test_input_is_validated(world: World) -> None:
    draft = await world.service.open(SECRETARY, world.meeting_id)
    with pytest.raises(InvalidInput, match="agenda_empty"):
        await world.service.save_text(SECRETARY, draft.broadcast_id, "  \n ")
    with pytest.raises(InvalidInput, match="agenda_too_long"):
        await world.service.save_text(SECRETARY, draft.broadcast_id, "x" * 3001)
    with pytest.raises(StaleAction, match="no_draft"):
        await world.service.send(
            SECRETARY,
            draft.broadcast_id,
            ReportMessage(1, None),
            bot_username="B",
        )


async def test_only_the_committee_of_the_cell(world: World) -> None:
    with pytest.raises(NotAllowed):
        await world.service.open(ANNA, world.meeting_id)
    with pytest.raises(NotAMember):
        await world.service.open(123456, world.meeting_id)
    with pytest.raises(StaleAction, match="meeting_gone"):
        await world.service.open(OUTSIDER, world.meeting_id)
    draft = await world.service.open(SECRETARY, world.meeting_id)
    with pytest.raises(StaleAction, match="meeting_gone"):
        await world.service.save_text(OUTSIDER, draft.broadcast_id, "chiếm quyền")


async def test_attachments_are_off_by_default(world: World) -> None:
    draft = await world.service.open(SECRETARY, world.meeting_id)
    with pytest.raises(InvalidInput, match="attachments_off"):
        await world.service.add_attachment(SECRETARY, draft.broadcast_id, "F1", "document", "a.pdf")
    with pytest.raises(NotAllowed):
        await world.service.set_allow_attachments(ANNA, True)


async def test_send_reaches_everyone_once_and_reports(world: World) -> None:
    broadcast_id = await _sent_draft(world)
    with pytest.raises(StaleAction, match="agenda_already_sent"):
        await _sent_draft(world)
    sender = ScriptedSender()
    sender.script[BLOCKED] = [
        SendResult(SendStatus.UNREACHABLE, error="Forbidden: bot was blocked by the user")
    ]
    await _drain(world, _worker(world, sender))

    agenda_chats = sorted(c for c, m in sender.messages if m.text.startswith("📅"))
    assert agenda_chats == sorted([GROUP, SECRETARY, ANNA, BINH, CUONG, BLOCKED])
    group_copy = next(m for c, m in sender.messages if c == GROUP and m.text.startswith("📅"))
    assert group_copy.pin
    invites = [m for c, m in sender.messages if c == GROUP and not m.text.startswith("📅")]
    assert len(invites) == 1
    assert "Đỗ Văn Đông" in invites[0].text and "Vũ Thị Em" in invites[0].text
    assert invites[0].buttons[0][0].url == f"https://t.me/ChiBoBot?start=ct_{broadcast_id}"

    report = await world.service.report(SECRETARY, broadcast_id)
    assert (report.total, report.sent, report.waiting, report.failed) == (6, 4, 0, 2)
    assert report.group == "sent" and report.done and report.invite_posted
    reasons = {p.name: p.reason for p in report.unreachable}
    assert reasons == {"Đỗ Văn Đông": tb.REASON_BLOCKED, "Vũ Thị Em": tb.REASON_NO_TELEGRAM}
    # The live report was edited in place, ending with the final state.
    report_edits = [e for e in sender.edits if e[:2] == (SECRETARY, REPORT_MESSAGE)]
    assert report_edits and report_edits[-1][2] == report_text(report)
    assert "Đã gửi: 4/6" in report_edits[-1][2] and tb.REPORT_DONE in report_edits[-1][2]
    async with world.db.session() as session:
        member = await session.scalar(select(Member).where(Member.telegram_id == BLOCKED))
        assert member is not None and not member.can_dm
        actions = list(await session.scalars(select(AuditEntry.action)))
        assert actions == ["agenda_sent"]


async def test_invite_is_not_posted_when_everyone_is_reachable(world: World) -> None:
    async with world.db.session() as session:
        for member in await session.scalars(select(Member).where(Member.telegram_id.is_(None))):
            member.state = MemberState.INACTIVE
    await _sent_draft(world)
    sender = ScriptedSender()
    await _drain(world, _worker(world, sender))
    assert len([c for c, _ in sender.messages if c == GROUP]) == 1
    async with world.db.session() as session:
        invite = await session.scalar(
            select(OutboxMessage).where(OutboxMessage.kind == AGENDA_INVITE)
        )
        assert invite is not None and invite.status == "cancelled"


async def test_attachments_go_before_the_agenda_when_allowed(world: World) -> None:
    await world.service.set_allow_attachments(SECRETARY, True)
    draft = await world.service.open(SECRETARY, world.meeting_id)
    assert draft.allow_attachments
    await world.service.add_attachment(SECRETARY, draft.broadcast_id, "FILE1", "document", "a.pdf")
    await world.service.save_text(SECRETARY, draft.broadcast_id, AGENDA_TEXT)
    preview = await world.service.preview(SECRETARY, draft.broadcast_id)
    assert tb.AGENDA_DOCS_ATTACHED in preview.message.text
    await world.service.send(
        SECRETARY,
        draft.broadcast_id,
        ReportMessage(SECRETARY, None),
        bot_username=None,
    )
    sender = ScriptedSender()
    # A real per-chat spacing (shortened) keeps a member's messages in planned order.
    limiter = RateLimiter(global_rate=10_000, private_interval=0.05, group_interval=0.05)
    await _drain(
        world, OutboxWorker(world.db, world.clock, sender, limiter, renderers=outbox_renderers())
    )
    anna = [m for c, m in sender.messages if c == ANNA]
    assert [bool(m.attachments) for m in anna] == [True, False]
    assert anna[0].attachments[0].file_id == "FILE1"
    assert telegram_length(anna[0].text) <= MAX_CAPTION  # the caption: the agenda says the rest
    with pytest.raises(InvalidInput, match="attachments_locked"):
        await world.service.add_attachment(SECRETARY, draft.broadcast_id, "F2", "photo", None)


async def test_edit_after_sending_edits_every_copy_and_tells_what_changed(world: World) -> None:
    broadcast_id = await _sent_draft(world)
    sender = ScriptedSender()
    worker = _worker(world, sender)
    await _drain(world, worker)
    async with world.db.session() as session:
        sent_ids = {
            r.chat_id: r.telegram_message_id
            for r in await session.scalars(
                select(OutboxMessage).where(OutboxMessage.kind == "agenda")
            )
            if r.status == "sent"
        }
    assert len(sent_ids) == 6  # 5 members with Telegram + the group
    new_text = AGENDA_TEXT.replace("tháng 12", "tháng 12/2026") + "\n4. Thu đảng phí"
    draft = await world.service.save_text(SECRETARY, broadcast_id, new_text)
    assert draft.version == 1 and "Thêm: 4. Thu đảng phí" in draft.changes
    assert "Thu đảng phí" in draft.message.text
    world.clock.advance(timedelta(minutes=10))
    sender.edits.clear()
    sender.messages.clear()
    await world.service.apply_edit(
        SECRETARY, broadcast_id, ReportMessage(SECRETARY, REPORT_MESSAGE)
    )
    await _drain(world, worker)
    edited = {(c, mid) for c, mid, text in sender.edits if "Thu đảng phí" in text}
    assert edited == set(sent_ids.items())
    notes = {c: m.text for c, m in sender.messages}
    assert set(notes) == {SECRETARY, ANNA, BINH, CUONG, BLOCKED}  # members only, not the group
    assert all("Thêm: 4. Thu đảng phí" in text for text in notes.values())
    report = await world.service.report(SECRETARY, broadcast_id)
    assert (report.edits_done, report.edits_total) == (6, 6) and report.done
    assert "(Cập nhật lúc" in next(t for _, _, t in sender.edits if "Thu đảng phí" in t)


async def test_edit_before_a_copy_left_sends_the_new_text_once(world: World) -> None:
    broadcast_id = await _sent_draft(world)
    await world.service.save_text(SECRETARY, broadcast_id, AGENDA_TEXT + "\n4. Mới")
    await world.service.apply_edit(SECRETARY, broadcast_id, ReportMessage(SECRETARY, None))
    sender = ScriptedSender()
    await _drain(world, _worker(world, sender))
    assert sender.edits == []
    agenda = [m.text for c, m in sender.messages if c == ANNA]
    assert len(agenda) == 1 and "4. Mới" in agenda[0]
    async with world.db.session() as session:
        kinds = ["agenda_edit", "agenda_note"]
        query = select(OutboxMessage.status).where(OutboxMessage.kind.in_(kinds))
        assert set(await session.scalars(query)) == {"cancelled"}


async def test_discard(world: World) -> None:
    draft = await world.service.open(SECRETARY, world.meeting_id)
    await world.service.save_text(SECRETARY, draft.broadcast_id, AGENDA_TEXT)
    assert await world.service.discard(SECRETARY, draft.broadcast_id) is False
    with pytest.raises(StaleAction, match="no_draft"):
        await world.service.send(
            SECRETARY,
            draft.broadcast_id,
            ReportMessage(1, None),
            bot_username=None,
        )


def test_summarize_changes() -> None:
    assert summarize_changes("a\nb\nc", "a\nc\nd") == ("Bỏ: b", "Thêm: d")
    many = summarize_changes("", "\n".join(str(i) for i in range(10)))
    assert len(many) == 4 and many[-1] == "… và 7 thay đổi khác."
    assert summarize_changes("x", "x") == ()
