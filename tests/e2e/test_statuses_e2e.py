"""Statuses through the real Application over HTTP (issue #12 point 2): recorded from the
member's card with dates and a reason, audited, limited to 12 months for an exemption, and
the committee is reminded a week before one ends."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from storage.models import AuditEntry, MemberStatus
from tests.e2e.conftest import Harness
from tests.e2e.test_reminders_e2e import _settle


async def test_the_committee_records_an_exemption_and_is_told_before_it_ends(
    harness: Harness,
) -> None:
    secretary = await harness.secretary()
    await harness.member(secretary, "Trần Văn Bình", 301)
    roster = await harness.say(secretary, "/thanhvien")
    await secretary.press(roster, "Trần Văn Bình")
    card = await harness.wait_text(secretary.id, roster["message_id"], "Vai trò")
    await secretary.press(card, "🗓 Miễn, sinh hoạt tạm thời, nghỉ dài ngày")
    screen = await harness.wait_text(secretary.id, roster["message_id"], "Trạng thái sinh hoạt")
    assert "Đang sinh hoạt bình thường" in screen["text"]
    await secretary.press(screen, "Miễn sinh hoạt")
    ask = await harness.api.wait_for_message(
        secretary.id, lambda m: "từ ngày; đến ngày" in m["text"]
    )
    assert "Ghi «Miễn sinh hoạt» cho Trần Văn Bình" in ask["text"]

    wrong = await harness.say(secretary, "mai; tháng sau")
    assert "gửi đúng dạng" in wrong["text"]
    too_long = await harness.say(secretary, "01/12/2026; 01/12/2027; Tuổi cao")
    assert "tối đa 12 tháng" in too_long["text"]
    saved = await harness.say(secretary, "27/11/2026; 10/12/2026; Tuổi cao, sức yếu")
    assert "Đã ghi: Trần Văn Bình — Miễn sinh hoạt từ 27/11/2026 đến 10/12/2026" in saved["text"]
    async with harness.services.db.session() as session:
        rows = list(await session.scalars(select(MemberStatus)))
        audit = await session.scalar(select(AuditEntry).where(AuditEntry.action == "status_set"))
    assert [(r.kind, r.reason) for r in rows] == [("mien_sh", "Tuổi cao, sức yếu")]
    assert audit is not None and audit.details["to"] == "2026-12-10"

    mine = await harness.say(harness.people["Trần Văn Bình"], "/cuatoi")
    assert "Miễn sinh hoạt: 27/11/2026 – 10/12/2026 (Tuổi cao, sức yếu)" in mine["text"]

    await secretary.press(saved, 0)
    listed = await harness.wait_text(secretary.id, saved["message_id"], "Trạng thái sinh hoạt")
    assert "Miễn sinh hoạt: 27/11/2026 – 10/12/2026 (Tuổi cao, sức yếu)" in listed["text"]

    # Not yet a week before the end: nothing. Then a week before: one notice, once.
    await harness.services.meetings.maintain()
    harness.clock.advance(timedelta(days=7))
    for _ in range(2):
        await harness.services.meetings.maintain()
        await _settle(harness)
    notice = await harness.api.wait_for_message(secretary.id, lambda m: "Còn một tuần" in m["text"])
    assert "Miễn sinh hoạt của đồng chí Trần Văn Bình hết hạn ngày 10/12/2026" in notice["text"]
    notices = [m for m in harness.api.messages(secretary.id) if "Còn một tuần" in m["text"]]
    assert len(notices) == 1


async def test_ordinary_members_cannot_open_statuses(harness: Harness) -> None:
    secretary = await harness.secretary()
    member = await harness.member(secretary, "Trần Văn Bình", 301)
    roster = await harness.say(member, "/thanhvien")
    query = member.press_data(roster, "st:1")
    answer = await harness.api.wait_for_callback_answer(query)
    assert "chi ủy" in answer["text"]
    query = member.press_data(roster, "st:1:mien_sh")
    answer = await harness.api.wait_for_callback_answer(query)
    assert "chi ủy" in answer["text"]
