"""Join requests reach the committee as ONE message per cell, edited in place (issue #12
point 1): 30 people opening the invite give the secretary one message, not 30; "✅ Duyệt tất
cả" approves only those listed when it was drawn."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from storage.models import Member, MemberState
from tests.e2e.conftest import Harness

FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ")
GIVEN = ("An", "Bình", "Cường", "Dung", "Giang")


def _name(i: int) -> str:
    return f"{FAMILY[i % 6]} Văn {GIVEN[i // 6 % 5]} {'Thị' if i >= 30 else 'Minh'}"


async def _join(harness: Harness, payload: str, i: int) -> None:
    user = harness.api.user(1000 + i, GIVEN[i // 6 % 5], last_name=FAMILY[i % 6])
    await harness.say(user, f"/start {payload}")
    reply = await harness.say(user, _name(i))
    assert "gửi tới chi ủy" in reply["text"]


def _digests(harness: Harness, chat_id: int) -> list[dict[str, Any]]:
    return [m for m in harness.api.messages(chat_id) if "Đề nghị tham gia" in m.get("text", "")]


async def _count(harness: Harness, state: MemberState) -> int:
    async with harness.services.db.session() as session:
        query = select(func.count()).select_from(Member).where(Member.state == state)
        return int(await session.scalar(query) or 0)


@pytest.mark.timeout(90)
async def test_thirty_joins_make_one_message_and_approve_all_takes_only_those_listed(
    harness: Harness,
) -> None:
    secretary = await harness.secretary()
    payload = await harness.invite_payload(secretary)
    for i in range(30):
        await _join(harness, payload, i)
    await harness.api.wait_until(
        lambda: any("chờ duyệt (30)" in m["text"] for m in _digests(harness, secretary.id)),
        timeout=30,
    )
    (digest,) = _digests(harness, secretary.id)  # one message, edited: not 30
    assert "… và 10 người khác" in digest["text"]
    assert f"1. {_name(0)}" in digest["text"] and f"20. {_name(19)}" in digest["text"]
    labels = [b["text"] for row in digest["reply_markup"]["inline_keyboard"] for b in row]
    assert labels[-1] == "✅ Duyệt tất cả" and len(labels) == 41

    await secretary.press(digest, "✅ Duyệt tất cả")
    redrawn = await harness.wait_text(secretary.id, digest["message_id"], "đã duyệt 20")
    assert "chờ duyệt (10)" in redrawn["text"] and f"1. {_name(20)}" in redrawn["text"]
    assert await _count(harness, MemberState.PENDING) == 10
    told = await harness.api.wait_for_message(1000, lambda m: "đã duyệt" in m["text"])
    assert "Chi bộ Khu phố 3" in told["text"]

    # The button as drawn now lists the 10; someone who asks after it was drawn is not taken.
    stale = harness.api.get_message(secretary.id, digest["message_id"])
    assert stale is not None
    approve_all = stale["reply_markup"]["inline_keyboard"][-1][0]["callback_data"]
    await _join(harness, payload, 30)
    query = secretary.press_data(stale, approve_all)
    await harness.api.wait_for_callback_answer(query)
    await harness.wait_text(secretary.id, digest["message_id"], "đã duyệt 10")
    assert await _count(harness, MemberState.PENDING) == 1
    last = await harness.wait_text(secretary.id, digest["message_id"], "chờ duyệt (1)")
    assert _name(30) in last["text"]
    assert len(_digests(harness, secretary.id)) == 1


async def test_digest_buttons_refuse_strangers_members_and_forgeries(harness: Harness) -> None:
    secretary = await harness.secretary()
    member = await harness.member(secretary, "Trần Văn Bình", 301)
    payload = await harness.invite_payload(secretary)
    await _join(harness, payload, 0)
    digest = await harness.api.wait_for_message(
        secretary.id, lambda m: _name(0) in m.get("text", ""), timeout=10
    )
    stranger = harness.api.user(999, "Lạ")
    await harness.say(stranger, "/start")
    for presser, data in (
        (member, digest["reply_markup"]["inline_keyboard"][0][0]["callback_data"]),
        (stranger, "jall:99999:1"),
        (secretary, "jd:1:zz"),
        (secretary, "jall:1:x"),
        (secretary, "jall:1:9999999999999"),
        (secretary, "jd:99999999:a"),
    ):
        query = presser.press_data(digest if presser is secretary else presser, data)
        answer = await harness.api.wait_for_callback_answer(query)
        assert answer.get("text")
    assert await _count(harness, MemberState.PENDING) == 1
