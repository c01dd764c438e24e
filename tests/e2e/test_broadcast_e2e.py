"""The agenda broadcast end to end: /chuongtrinh → preview → send → live report → edit,
through the real PTB Application and the outbox worker, against the fake Bot API."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from bot.app import stop_application
from bot.delivery.outbox import OutboxWorker
from bot.simulator import FakeGroup, FakeUser
from bot.texts import broadcast as tb
from storage.models import AgendaBroadcast, Meeting, MeetingKind, Member, OutboxMessage
from tests.builders import add_members, linked_cell
from tests.e2e.conftest import Harness

MEETING_AT = datetime(2026, 12, 5, 7, 0, tzinfo=UTC)  # Thứ Bảy, 05/12/2026, 14h00 in Hà Nội
AGENDA = "1. Thông tin thời sự\n2. Kiểm điểm nghị quyết tháng 11\n3. Nhiệm vụ tháng 12"
Message = dict[str, Any]


async def _settle(harness: Harness, condition: Callable[[], bool], timeout: float = 20) -> None:
    """Let the outbox work: move the test clock past deferrals and wake the worker."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            raise AssertionError("the outbox did not get there in time")
        harness.clock.advance(timedelta(seconds=4))
        harness.services.wake_outbox()
        await asyncio.sleep(0.1)


async def _cell(harness: Harness) -> tuple[FakeUser, FakeGroup, int, int]:
    secretary = await harness.secretary()
    group = await harness.group(secretary)
    cell = await linked_cell(harness.services.db, group.id)
    assert cell is not None
    async with harness.services.db.session() as session:
        meeting = Meeting(
            cell_id=cell.id, kind=MeetingKind.REGULAR, starts_at=MEETING_AT, place="Hội trường"
        )
        session.add(meeting)
        await session.flush()
        return secretary, group, cell.id, meeting.id


async def _add_members(harness: Harness, cell_id: int, ids: range, *, started: bool) -> None:
    """Members entered by the committee directly (bigger cells than the join flow builds)."""
    for telegram_id in ids:
        harness.api.user(telegram_id, f"Số {telegram_id}", started=started)
    await add_members(
        harness.services.db,
        cell_id,
        len(ids),
        tid_base=ids.start,
        member_name="Đảng viên số {tid}",
        can_dm=started,
    )


def _agendas(harness: Harness, chat: int) -> list[Message]:
    return [m for m in harness.api.messages(chat) if m.get("text", "").startswith("📅")]


async def _compose_and_send(harness: Harness, secretary: FakeUser, text: str) -> Message:
    menu = await harness.say(secretary, "/chuongtrinh")
    assert menu["text"] == tb.PICK_MEETING
    await secretary.press(menu, "📅 Thứ Bảy, 05/12/2026, lúc 14h00")
    ask = await harness.api.wait_for_message(secretary.id)
    assert "Sổ tay đảng viên điện tử" in ask["text"]  # files are off by default
    await secretary.send(text)
    header = await harness.api.wait_for_message(secretary.id)
    assert header["text"] == tb.PREVIEW_HEADER
    preview = await harness.api.wait_for_message(secretary.id)
    controls = await harness.api.wait_for_message(secretary.id)
    assert text in preview["text"] and "Thứ Bảy, 05/12/2026, lúc 14h00" in preview["text"]
    assert "⚠️" not in controls["text"]  # more than a day ahead: no HD 42 warning
    await secretary.press(controls, tb.BTN_SEND)
    return controls


async def test_broadcast_reaches_reachable_members_once_and_reports_the_rest(
    harness: Harness,
) -> None:
    secretary, group, cell_id, meeting_id = await _cell(harness)
    an = await harness.member(secretary, "Nguyễn Văn An", 201)
    binh = await harness.member(secretary, "Trần Văn Bình", 202)
    blocked = await harness.member(secretary, "Đỗ Văn Đông", 203)
    blocked.block_bot()
    await _add_members(harness, cell_id, range(301, 303), started=False)  # never pressed Start
    controls = await _compose_and_send(harness, secretary, AGENDA)

    report_id = controls["message_id"]

    def report_text() -> str:
        return str((harness.api.get_message(secretary.id, report_id) or {}).get("text", ""))

    await _settle(harness, lambda: tb.REPORT_DONE in report_text())
    assert len(_agendas(harness, secretary.id)) == 2  # the preview, and the secretary's copy
    for person in (secretary, an, binh):
        copies = _agendas(harness, person.id)[-1:]
        buttons = [b["text"] for row in copies[0]["reply_markup"]["inline_keyboard"] for b in row]
        assert buttons == ["✅ Có mặt", "❌ Vắng", "❔ Chưa chắc", "📝 Góp ý"]
    assert _agendas(harness, blocked.id) == [] and _agendas(harness, 301) == []
    group_copies = _agendas(harness, group.id)
    assert len(group_copies) == 1
    assert harness.api.pinned(group.id) == [group_copies[0]["message_id"]]
    invites = [m for m in harness.api.messages(group.id) if tb.INVITE_BUTTON in str(m)]
    assert len(invites) == 1
    assert "Đỗ Văn Đông" in invites[0]["text"] and "Đảng viên số 301" in invites[0]["text"]
    async with harness.services.db.session() as session:
        broadcast_id = await session.scalar(select(AgendaBroadcast.id))
    url = invites[0]["reply_markup"]["inline_keyboard"][0][0]["url"]
    assert url == f"https://t.me/ChiBoBot?start=ct_{broadcast_id}"

    final = report_text()
    assert "Đã gửi: 3/6" in final and "Không gửi được: 3" in final
    assert f"Đỗ Văn Đông — {tb.REASON_BLOCKED}" in final
    assert f"Đảng viên số 301 — {tb.REASON_NEVER_STARTED}" in final
    assert tb.REPORT_GROUP_SENT in final and tb.REPORT_INVITE_POSTED in final
    async with harness.services.db.session() as session:
        blocked_row = await session.scalar(select(Member).where(Member.telegram_id == blocked.id))
        assert blocked_row is not None and blocked_row.can_dm is False
        assert meeting_id

    # A double tap on "Gửi" (a forged copy of the old button) sends nothing more.
    query = secretary.press_data(secretary, f"ct:{broadcast_id}:s")
    answer = await harness.api.wait_for_callback_answer(query)
    assert "đã được gửi" in answer["text"]
    await asyncio.sleep(0.3)
    assert len(_agendas(harness, an.id)) == 1

    # Someone who never pressed Start follows the group's link: they get the agenda, once.
    giang = harness.api.user(301)
    reply = await harness.say(giang, f"/start ct_{broadcast_id}")
    assert reply["text"] == tb.CATCH_UP
    await _settle(harness, lambda: len(_agendas(harness, giang.id)) == 1)
    await giang.send(f"/start ct_{broadcast_id}")
    await harness.api.wait_for_message(giang.id)  # the help text this time
    report = await harness.services.broadcasts.report(secretary.id, int(broadcast_id or 0))
    assert (report.sent, report.failed) == (4, 2)
    await asyncio.sleep(0.3)
    assert len(_agendas(harness, giang.id)) == 1


async def test_edit_after_sending_edits_every_copy(harness: Harness) -> None:
    secretary, group, cell_id, _ = await _cell(harness)
    an = await harness.member(secretary, "Nguyễn Văn An", 201)
    await _add_members(harness, cell_id, range(401, 411), started=True)
    controls = await _compose_and_send(harness, secretary, AGENDA)
    recipients = [an.id, *range(401, 411), group.id]
    await _settle(harness, lambda: all(len(_agendas(harness, c)) == 1 for c in recipients))
    sent_ids = {c: _agendas(harness, c)[0]["message_id"] for c in recipients}

    report = harness.api.get_message(secretary.id, controls["message_id"])
    assert report is not None
    await secretary.press(report, tb.BTN_EDIT)
    ask = await harness.api.wait_for_message(secretary.id)
    assert ask["text"] == tb.ASK_EDIT_TEXT
    await secretary.send(AGENDA + "\n4. Thu đảng phí quý IV")
    await harness.api.wait_for_message(secretary.id)  # header
    preview = await harness.api.wait_for_message(secretary.id)
    edit_controls = await harness.api.wait_for_message(secretary.id)
    assert "4. Thu đảng phí quý IV" in preview["text"]
    assert "Thêm: 4. Thu đảng phí quý IV" in edit_controls["text"]
    await secretary.press(edit_controls, tb.BTN_UPDATE)

    def all_edited() -> bool:
        return all(
            "Thu đảng phí" in str((harness.api.get_message(c, mid) or {}).get("text"))
            for c, mid in sent_ids.items()
        )

    await _settle(harness, all_edited)
    for chat in recipients:
        assert len(_agendas(harness, chat)) == 1  # edited in place, no second copy
    for chat in [an.id, *range(401, 411)]:
        await harness.api.wait_until(
            lambda chat=chat: any(  # type: ignore[misc]
                "vừa được cập nhật" in m.get("text", "") for m in harness.api.messages(chat)
            )
        )
    notes_in_group = [m for m in harness.api.messages(group.id) if "vừa được cập nhật" in str(m)]
    assert notes_in_group == []


async def _agenda_rows(harness: Harness, status: str) -> list[int]:
    """The chats of the agenda outbox rows in ``status``."""
    async with harness.services.db.session() as session:
        query = select(OutboxMessage.chat_id).where(
            OutboxMessage.kind == "agenda", OutboxMessage.status == status
        )
        return list(await session.scalars(query))


async def test_crash_mid_broadcast_resumes_without_second_copies(harness: Harness) -> None:
    secretary, _group, cell_id, _ = await _cell(harness)
    members = range(1001, 1061)
    await _add_members(harness, cell_id, members, started=True)
    await _compose_and_send(harness, secretary, AGENDA)
    await harness.api.wait_until(lambda: sum(len(_agendas(harness, m)) for m in members) >= 10)

    # Crash: the worker and every message it was sending die where they stand.
    running, harness.app.bot_data.outbox = harness.app.bot_data.outbox, None
    assert running is not None
    worker, task = running.worker, running.task
    assert isinstance(worker, OutboxWorker)
    for flight in [task, *worker.in_flight]:
        flight.cancel()
    await asyncio.gather(task, *worker.in_flight, return_exceptions=True)
    delivered_before = sum(len(_agendas(harness, m)) for m in members)
    assert delivered_before < len(members)
    on_the_wire = set(await _agenda_rows(harness, "sending"))  # the dead process's
    await stop_application(harness.app)

    # Restart: a new Application on the same database and server.
    await harness.restart()
    harness.clock.advance(timedelta(seconds=61))  # every lease of the dead process is over

    async def open_rows() -> int:
        async with harness.services.db.session() as session:
            query = select(func.count()).where(
                OutboxMessage.kind == "agenda", OutboxMessage.status.in_(["pending", "sending"])
            )
            return int(await session.scalar(query) or 0)

    loop = asyncio.get_running_loop()
    deadline = loop.time() + 30
    while await open_rows():
        assert loop.time() < deadline
        harness.clock.advance(timedelta(seconds=4))
        harness.services.wake_outbox()
        await asyncio.sleep(0.2)

    async with harness.services.db.session() as session:
        rows = {
            r.chat_id: r.status
            for r in await session.scalars(
                select(OutboxMessage).where(OutboxMessage.kind == "agenda")
            )
        }
    for member in members:
        copies = len(_agendas(harness, member))
        assert copies <= 1, f"member {member} got {copies} copies"
        if rows[member] == "sent":
            assert copies == 1
        else:
            assert rows[member] == "uncertain"
    uncertain = [m for m in members if rows[m] == "uncertain"]
    # exactly the messages on the wire at the crash (the secretary's own copy included)
    assert set(await _agenda_rows(harness, "uncertain")) == on_the_wire
    assert len(on_the_wire) <= 5
    assert sum(1 for m in members if rows[m] == "sent") >= len(members) - len(uncertain)


async def test_late_agenda_warns_and_pin_can_be_turned_off(harness: Harness) -> None:
    secretary, group, _, meeting_id = await _cell(harness)
    async with harness.services.db.session() as session:
        meeting = await session.get(Meeting, meeting_id)
        assert meeting is not None
        meeting.starts_at = harness.clock.now() + timedelta(hours=10)  # 18h00 today, Hà Nội
    menu = await harness.say(secretary, "/chuongtrinh")
    await secretary.press(menu, "📅 Thứ Sáu, 27/11/2026, lúc 18h00")
    await harness.api.wait_for_message(secretary.id)
    await secretary.send("Nội dung: sơ kết quý IV")
    await harness.api.wait_for_message(secretary.id)  # header
    await harness.api.wait_for_message(secretary.id)  # the preview
    controls = await harness.api.wait_for_message(secretary.id)
    assert "Hướng dẫn 42-HD/BTCTW" in controls["text"] and "ít nhất 1 ngày" in controls["text"]
    assert tb.PREVIEW_PIN_ON.strip() in controls["text"]
    await secretary.press(controls, tb.BTN_PIN_ON)
    controls = await harness.wait_text(secretary.id, controls["message_id"], "không được ghim")
    await secretary.press(controls, tb.BTN_SEND)
    await _settle(harness, lambda: len(_agendas(harness, group.id)) == 1)
    assert harness.api.pinned(group.id) == []
    # Stale and forged buttons change nothing and are answered politely.
    for forged in ("ct:999:s", "ct:1:zz", "bc:999:r"):
        query = secretary.press_data(secretary, forged)
        answer = await harness.api.wait_for_callback_answer(query)
        assert answer.get("text"), forged
    await asyncio.sleep(0.3)
    assert len(_agendas(harness, group.id)) == 1
