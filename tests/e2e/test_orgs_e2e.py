"""The higher committee end to end: a parent with cells, its bí thư and a cấp ủy viên phụ
trách through their one-time links, /tonghop against a hand-built month (counts, never names,
comments or reasons), on the QĐ 24 base a status recorded by the cell changes, the .xlsx and
the chart, the HD 42 notice to the overseer, the monthly
digest on the chosen day, and refusals (strangers, members, forged buttons)."""

from __future__ import annotations

import asyncio
import io
from datetime import UTC, datetime
from types import SimpleNamespace

from openpyxl import load_workbook
from sqlalchemy import select

from bot.delivery.limits import MAX_TEXT, telegram_length
from bot.simulator import FakeUser
from handlers.orgs.overview import digest_job
from storage.enums import OrgRole
from storage.models import OrgRoleHolder, OutboxMessage, OutboxStatus
from tests.e2e.conftest import Harness, Message
from tests.e2e.test_meetings_e2e import _create_thematic
from tests.orgs import month as built
from tests.orgs.month import EXPECTED_LINES, ONE, THREE, TWO, HandBuiltMonth, build_month

WARD = "Đảng ủy phường Bến Nghé"
NOVEMBER_TITLE = f"📊 Tổng hợp sinh hoạt tháng 11/2026 — {WARD}"
DIGEST = OutboxMessage.kind == "org_digest"


def _text(message: Message) -> str:
    return str(message.get("text") or message.get("caption") or "")


def _buttons(message: Message) -> list[str]:
    markup = message.get("reply_markup") or {}
    return [b["text"] for row in markup.get("inline_keyboard", []) for b in row]


async def _ward(harness: Harness) -> tuple[HandBuiltMonth, int, str]:
    month = await build_month(harness.services.db)
    org, payload = await harness.services.orgs.create_org(WARD)
    for cell_id in month.cell_ids:
        await harness.services.orgs.attach_cell(cell_id, org.id)
    return month, org.id, payload


async def _claim(harness: Harness, payload: str, telegram_id: int, name: str) -> FakeUser:
    user = harness.api.user(telegram_id, name.split()[-1], last_name=" ".join(name.split()[:-1]))
    reply = await harness.say(user, f"/start {payload}")
    assert "Đồng chí đã nhận vai trò" in reply["text"], reply["text"]
    return user


async def _role_id(harness: Harness, telegram_id: int) -> int:
    async with harness.services.db.session() as session:
        role_id = await session.scalar(
            select(OrgRoleHolder.id).where(OrgRoleHolder.telegram_id == telegram_id)
        )
    assert role_id is not None
    return role_id


async def _overseer_of(harness: Harness, secretary: FakeUser) -> FakeUser:
    """Put the secretary's cell under the ward and give it a cấp ủy viên phụ trách (701)."""
    membership = await harness.services.members.membership(secretary.id)
    assert membership is not None
    org, _ = await harness.services.orgs.create_org(WARD)
    await harness.services.orgs.attach_cell(membership.cell.id, org.id)
    _, link = await harness.services.orgs.new_invite(org.id, OrgRole.OVERSEER, [membership.cell.id])
    return await _claim(harness, link, 701, "Đinh Thị Phụ Trách")


def _everything_sent(harness: Harness, *users: FakeUser) -> str:
    """Every text, caption and workbook cell the bot sent these people."""
    parts: list[str] = []
    for user in users:
        parts += [_text(m) + " " + " ".join(_buttons(m)) for m in harness.api.messages(user.id)]
        for file in harness.api.files(user.id):
            if str(file["file_name"]).endswith(".xlsx"):
                book = load_workbook(io.BytesIO(file["data"]))
                parts += [str(c.value) for ws in book for row in ws for c in row]
    return "\n".join(parts)


async def test_parent_sees_counts_of_its_cells_and_no_names(harness: Harness) -> None:
    month, org_id, payload = await _ward(harness)
    chief = await _claim(harness, payload, 700, "Trương Văn Bí Thư")
    welcome = harness.api.last_message(chief.id)
    assert welcome is not None and "bí thư đảng ủy của Đảng ủy phường Bến Nghé" in welcome["text"]
    assert "các chi bộ trực thuộc (3 chi bộ)" in welcome["text"]
    menu = harness.api.commands({"type": "chat", "chat_id": chief.id})
    assert "tonghop" in [c["command"] for c in menu]
    help_text = (await harness.say(chief, "/help"))["text"]
    assert "Đồng chí là bí thư đảng ủy của Đảng ủy phường Bến Nghé." in help_text
    assert "/tonghop — tổng hợp" in help_text and "chưa là thành viên" not in help_text

    overview = await harness.say(chief, "/tonghop", expect=NOVEMBER_TITLE)
    text = overview["text"]
    assert "Bí thư đảng ủy: 3 chi bộ." in text
    assert "Họp thường kỳ: 2/3 · Chuyên đề trong quý: 1/3 · Đạt tiêu chí HD 12: 1/3" in text
    assert f"⚠️ Chưa họp thường kỳ trong tháng: {THREE}" in text
    for line in EXPECTED_LINES.values():
        assert line in text
    assert text.index(EXPECTED_LINES[THREE]) < text.index(EXPECTED_LINES[ONE])  # flagged first
    assert "chưa xác minh" in text  # HD 42 keeping the HD 12 criterion is not verified
    assert _buttons(overview) == [
        "◀ Tháng 10/2026",
        "📈 Biểu đồ",
        "📥 Tải .xlsx",
        "📅 Ngày nhận tổng hợp",
    ]  # no next month: November is the current one

    await chief.press(overview, "📥 Tải .xlsx")
    await harness.api.wait_until(lambda: len(harness.api.files(chief.id)) == 1, timeout=10)
    (sheet_file,) = harness.api.files(chief.id)
    assert sheet_file["file_name"] == "tong-hop-2026-11.xlsx"
    sheet = load_workbook(io.BytesIO(sheet_file["data"]))["Tổng hợp"]
    rows = {(r[0], r[1]): r for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows[(TWO, "11/2026")][2:11] == (
        "Đã họp",
        "10/11/2026",
        "Chưa có",
        5,
        4,
        0.8,
        "Không",
        1,
        "Không",
    )
    assert rows[(THREE, "11/2026")][-1] == "Chưa họp thường kỳ"
    await chief.press(overview, "📈 Biểu đồ")
    await harness.api.wait_until(
        lambda: any(f["kind"] == "photo" for f in harness.api.files(chief.id)), timeout=20
    )
    await chief.press(overview, "◀ Tháng 10/2026")
    october = await harness.api.wait_for_message(
        chief.id, lambda m: "tháng 10/2026" in m.get("text", "")
    )
    assert "Tháng 11/2026 ▶" in _buttons(october)
    assert f"{ONE}: thường kỳ ❌ chưa có · chuyên đề quý ✅" in october["text"]

    _, link = await harness.services.orgs.new_invite(
        org_id, OrgRole.OVERSEER, list(month.cell_ids[:2])
    )
    overseer = await _claim(harness, link, 701, "Đinh Thị Phụ Trách")
    welcome = harness.api.last_message(overseer.id)
    assert welcome is not None and f"{ONE}, {TWO}" in welcome["text"]
    assert "HD 42" in welcome["text"]
    seen = await harness.say(overseer, "/tonghop", expect=NOVEMBER_TITLE)
    assert "Cấp ủy viên phụ trách chi bộ: 2 chi bộ." in seen["text"]
    assert EXPECTED_LINES[ONE] in seen["text"] and EXPECTED_LINES[TWO] in seen["text"]
    assert THREE not in seen["text"]
    await overseer.press(seen, "📥 Tải .xlsx")
    await harness.api.wait_until(lambda: len(harness.api.files(overseer.id)) == 1, timeout=10)
    (file,) = harness.api.files(overseer.id)
    assert THREE not in str(
        [c.value for row in load_workbook(io.BytesIO(file["data"])).active or [] for c in row]
    )

    sent = _everything_sent(harness, chief, overseer)
    assert [p for p in month.private if p in sent] == []


async def test_a_status_the_cell_records_changes_the_overview(harness: Harness) -> None:
    """Khu phố 4's meeting of 06/11 (06:30 local, 05/11 in UTC): Ngô Thị Sáu's absence is one
    without reason until the secretary records, from her card, her exemption from 06/11; then
    /tonghop, its .xlsx and the cell's /thongke count her out of the QĐ 24 base alike."""
    four = await built.build_status_cell(harness.services.db, with_her_exemption=False)
    org, payload = await harness.services.orgs.create_org(WARD)
    await harness.services.orgs.attach_cell(four.cell_id, org.id)
    chief = await _claim(harness, payload, 700, "Trương Văn Bí Thư")
    before = await harness.say(chief, "/tonghop", expect=NOVEMBER_TITLE)
    assert built.FOUR_LINE_WITHOUT_HER_EXEMPTION in before["text"]
    assert "Đạt tiêu chí HD 12: 0/1" in before["text"]

    name, tid = built.FOUR_SECRETARY
    secretary = harness.api.user(tid, name.split()[-1], last_name=" ".join(name.split()[:-1]))
    stats = await harness.say(secretary, "/thongke 2026", expect="Từng buổi")
    assert "có mặt 8/9 (89%) — chưa đạt" in stats["text"]
    saved = await harness.record_status(
        secretary, "Ngô Thị Sáu", "Miễn công tác và sinh hoạt", "06/11/2026; 05/05/2027; Ốm dài"
    )
    assert "Ngô Thị Sáu — Miễn công tác và sinh hoạt từ 06/11/2026 đến 05/05/2027" in saved["text"]

    after = await harness.say(chief, "/tonghop", expect=NOVEMBER_TITLE)
    assert built.FOUR_LINE in after["text"] and "Đạt tiêu chí HD 12: 1/1" in after["text"]
    await chief.press(after, "📥 Tải .xlsx")
    await harness.api.wait_until(lambda: len(harness.api.files(chief.id)) == 1, timeout=10)
    (sheet_file,) = harness.api.files(chief.id)
    sheet = load_workbook(io.BytesIO(sheet_file["data"]))["Tổng hợp"]
    rows = {(r[0], r[1]): r for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows[(built.FOUR, "11/2026")][5:10] == (8, 8, 1, "Có", 0)
    stats = await harness.say(secretary, "/thongke 2026", expect="Từng buổi")
    assert "có mặt 8/8 (100%) — đạt" in stats["text"]
    assert "Tháng 11: có mặt 8/8 lượt (100%)" in stats["text"]


async def test_overseer_is_told_time_place_content_once(harness: Harness) -> None:
    secretary = await harness.secretary()
    await harness.member(secretary, "Nguyễn Văn An", 201)  # the presenter the wizard offers
    overseer = await _overseer_of(harness, secretary)

    confirm = await _create_thematic(harness)
    await secretary.press(confirm, "✅ Tạo lịch")
    notice = await harness.api.wait_for_message(
        overseer.id, lambda m: "báo lịch sinh hoạt" in m.get("text", "")
    )
    assert "📣 Chi bộ Khu phố 3 báo lịch sinh hoạt:" in notice["text"]
    assert "Thứ Bảy, 05/12/2026, lúc 14h00 (120 phút)" in notice["text"]
    assert "📍 Địa điểm: Hội trường khu phố 3" in notice["text"]
    assert "Học tập và làm theo tư tưởng Hồ Chí Minh" in notice["text"]
    assert "reply_markup" not in notice  # read-only: no attendance buttons for the overseer
    # The maintenance job finds the meeting again: still one notice.
    await harness.services.meetings.maintain()
    harness.services.wake_outbox()

    lich = await harness.say(secretary, "/lich")
    await secretary.press(lich, "✏️ Sửa (1)")
    menu = await harness.wait_text(secretary.id, lich["message_id"], "muốn sửa gì")
    await secretary.press(menu, "Chủ trì")  # not time, place or content: no notice
    await harness.api.wait_for_message(secretary.id, lambda m: "chủ trì" in m.get("text", ""))
    await harness.say(secretary, "Nguyễn Thị Hoa")
    lich = await harness.say(secretary, "/lich")
    await secretary.press(lich, "✏️ Sửa (1)")
    menu = await harness.wait_text(secretary.id, lich["message_id"], "muốn sửa gì")
    await secretary.press(menu, "📍 Địa điểm")
    await harness.api.wait_for_message(secretary.id, lambda m: "địa điểm" in m.get("text", ""))
    await harness.say(secretary, "Nhà văn hóa phường")
    moved = await harness.api.wait_for_message(
        overseer.id, lambda m: "thay đổi lịch" in m.get("text", "")
    )
    assert "(đổi địa điểm)" in moved["text"] and "Nhà văn hóa phường" in moved["text"]

    lich = await harness.say(secretary, "/lich")
    await secretary.press(lich, "🚫 Hủy (1)")
    ask = await harness.wait_text(secretary.id, lich["message_id"], "chắc chắn hủy")
    await secretary.press(ask, "🚫 Hủy buổi sinh hoạt")
    cancelled = await harness.api.wait_for_message(
        overseer.id, lambda m: "hủy buổi sinh hoạt" in m.get("text", "")
    )
    assert "Thứ Bảy, 05/12/2026, lúc 14h00" in cancelled["text"]

    for _ in range(50):  # the worker records "sent" just after Telegram answered
        async with harness.services.db.session() as session:
            query = select(OutboxMessage.status).where(OutboxMessage.kind == "org_notice")
            statuses = list(await session.scalars(query))
        if statuses == [OutboxStatus.SENT] * 3:
            break
        await asyncio.sleep(0.1)
    assert statuses == [OutboxStatus.SENT] * 3
    notices = [m for m in harness.api.messages(overseer.id) if "📣" in m.get("text", "")]
    assert len(notices) == 3


async def test_monthly_digest_comes_on_the_chosen_day(harness: Harness) -> None:
    _, _, payload = await _ward(harness)
    chief = await _claim(harness, payload, 700, "Trương Văn Bí Thư")
    overview = await harness.say(chief, "/tonghop", expect=NOVEMBER_TITLE)
    await chief.press(overview, "📅 Ngày nhận tổng hợp")
    ask = await harness.api.wait_for_message(chief.id, lambda m: "ngày nào" in m.get("text", ""))
    assert "(Hiện tại: ngày 1.)" in ask["text"]
    assert _buttons(ask) == [str(d) for d in range(1, 29)] + ["Không nhận"]
    await chief.press(ask, "3")
    await harness.api.wait_for_message(chief.id, lambda m: "ngày 3 hằng tháng" in m.get("text", ""))

    context = SimpleNamespace(bot_data=SimpleNamespace(services=harness.services))

    async def plan_at(moment: datetime) -> int:
        """Run the digest job at ``moment``; how many digests it planned."""
        async with harness.services.db.session() as session:
            before = len(list(await session.scalars(select(OutboxMessage.id).where(DIGEST))))
        harness.clock.set(moment)
        await digest_job(context)  # type: ignore[arg-type]
        async with harness.services.db.session() as session:
            after = len(list(await session.scalars(select(OutboxMessage.id).where(DIGEST))))
        return after - before

    assert await plan_at(datetime(2026, 12, 2, 3, tzinfo=UTC)) == 0  # the 2nd: not the day
    assert await plan_at(datetime(2026, 12, 3, 0, tzinfo=UTC)) == 0  # 07:00: before 08:00
    assert await plan_at(datetime(2026, 12, 3, 2, tzinfo=UTC)) == 1
    assert await plan_at(datetime(2026, 12, 3, 5, tzinfo=UTC)) == 0  # once a month
    digest = await harness.api.wait_for_message(
        chief.id, lambda m: "🗓 Tổng hợp tháng 11/2026" in m.get("text", "")
    )
    assert "gửi bí thư đảng ủy" in digest["text"]
    assert (
        "Họp thường kỳ: 2/3 · Chuyên đề trong quý: 1/3 · Đạt tiêu chí HD 12: 1/3" in digest["text"]
    )
    assert THREE in digest["text"] and _buttons(digest) == ["Xem chi tiết"]
    await chief.press(digest, "Xem chi tiết")
    detail = await harness.api.wait_for_message(
        chief.id, lambda m: NOVEMBER_TITLE in m.get("text", "")
    )
    assert EXPECTED_LINES[TWO] in detail["text"]

    ask = await harness.say(chief, "/tonghop", expect=NOVEMBER_TITLE.replace("11/2026", "12/2026"))
    await chief.press(ask, "📅 Ngày nhận tổng hợp")
    menu = await harness.api.wait_for_message(chief.id, lambda m: "ngày nào" in m.get("text", ""))
    await chief.press(menu, "Không nhận")
    await harness.api.wait_for_message(chief.id, lambda m: "không nhận" in m.get("text", ""))
    assert await plan_at(datetime(2027, 1, 3, 2, tzinfo=UTC)) == 0


async def test_strangers_members_and_forged_buttons_are_refused(harness: Harness) -> None:
    month, org_id, payload = await _ward(harness)
    chief = await _claim(harness, payload, 700, "Trương Văn Bí Thư")
    chief_role = await _role_id(harness, chief.id)
    _, link = await harness.services.orgs.new_invite(org_id, OrgRole.OVERSEER, [month.cell_ids[0]])
    overseer = await _claim(harness, link, 701, "Đinh Thị Phụ Trách")
    stranger = harness.api.user(999, "Lạ")
    secretary = harness.api.user(month.cells[0].secretary_tid, "An", last_name="Nguyễn Văn")
    for person in (stranger, secretary):
        reply = await harness.say(person, "/tonghop")
        assert "dành cho đảng ủy cấp trên" in reply["text"]
        answer = await harness.api.wait_for_callback_answer(
            person.press_data(person, f"th:{chief_role}:m202611")
        )
        assert "dành cho đảng ủy cấp trên" in answer["text"]
    # The link was used: a second person gets nothing, the holder is told they have it.
    late = harness.api.user(702, "Muộn")
    reply = await harness.say(late, f"/start {payload}")
    assert "đã được dùng" in reply["text"] or "không còn" in reply["text"]
    again = await harness.say(chief, f"/start {payload}")
    assert "Đồng chí đã là bí thư đảng ủy" in again["text"]
    # The overseer forging the bí thư's role id, or data we never made.
    answer = await harness.api.wait_for_callback_answer(
        overseer.press_data(overseer, f"th:{chief_role}:x202611")
    )
    assert "không còn hiệu lực" in answer["text"]
    own = await _role_id(harness, overseer.id)
    for forged in (f"th:{own}:zz", f"th:{own}:d99", f"th:{own}:m209913", f"th:{own}:q202611"):
        answer = await harness.api.wait_for_callback_answer(overseer.press_data(overseer, forged))
        assert answer.get("text"), forged
    assert harness.api.files(overseer.id) == []
    reply = await harness.say(chief, "/tonghop 13/2026")
    assert "mm/yyyy" in reply["text"]
    # In a group, /tonghop points to the private chat.
    group = harness.api.group(-1009, "Nhóm khác")
    await group.add_bot(by=chief, admin=False)
    await chief.send("/tonghop", chat=group)
    reply = await harness.api.wait_for_message(
        group.id, lambda m: "nhắn riêng" in m.get("text", "")
    )
    assert NOVEMBER_TITLE not in reply["text"]


async def test_a_big_parent_pages_its_overview(harness: Harness) -> None:
    from tests.builders import build_cell

    org, payload = await harness.services.orgs.create_org(WARD)
    for n in range(40):
        cell = await build_cell(
            harness.services.db,
            name=f"Chi bộ số {n:02d} " + "khu dân cư " * 12,
            group_chat_id=None,
            secretary=None,
            members=0,
        )
        await harness.services.orgs.attach_cell(cell.cell_id, org.id)
    chief = await _claim(harness, payload, 700, "Trương Văn Bí Thư")
    first = await harness.say(chief, "/tonghop", expect=NOVEMBER_TITLE)
    pages = [b for b in _buttons(first) if b.startswith("Trang 2/")]
    assert pages, _buttons(first)
    total = int(pages[0].split("/")[1].split()[0])
    seen = [first]
    for page in range(2, total + 1):
        await chief.press(seen[-1], f"Trang {page}/{total} ▶")
        seen.append(
            await harness.api.wait_for_message(
                chief.id, lambda m, p=page: f"(trang {p}/{total})" in m.get("text", "")
            )
        )
    assert f"◀ Trang {total - 1}" in _buttons(seen[-1])
    assert all(telegram_length(m["text"]) <= MAX_TEXT for m in seen)
    everything = "\n".join(m["text"] for m in seen)
    assert all(f"Chi bộ số {n:02d} " in everything for n in range(40))
    assert "Ghi chú:" in seen[-1]["text"]


async def test_an_overseer_out_of_reach_raises_no_alert_naming_someone_else(
    harness: Harness,
) -> None:
    from bot.meetings.drafts import MeetingDraft
    from storage.models import MeetingKind

    secretary = await harness.secretary()
    overseer = await _overseer_of(harness, secretary)
    overseer.block_bot()
    draft = MeetingDraft(
        MeetingKind.REGULAR, datetime(2026, 12, 5, 7, tzinfo=UTC), place="Hội trường"
    )
    await harness.services.meetings.create(secretary.id, draft)
    harness.services.wake_outbox()
    for _ in range(50):
        async with harness.services.db.session() as session:
            rows = list(await session.scalars(select(OutboxMessage)))
        notice = [r for r in rows if r.kind == "org_notice"]
        if notice and notice[0].status == OutboxStatus.FAILED:
            break
        await asyncio.sleep(0.1)
    assert [r.status for r in notice] == [OutboxStatus.FAILED]
    assert [r for r in rows if r.kind == "delivery_failed"] == []
