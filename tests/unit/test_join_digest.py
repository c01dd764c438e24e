"""The committee's join-request digest: it fits Telegram's limits whatever the names, and
"✅ Duyệt tất cả" leaves out a namesake of a roster entry (confirmed one by one with 🔗)."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.delivery.limits import MAX_TEXT, telegram_length
from bot.members.join_digest import Digest, Waiting
from bot.members.roster import Candidate
from bot.services import Services
from bot.views import CellInfo, MemberInfo
from storage.enums import MemberState, PartyStatus, Role
from tests.builders import SECRETARY, build_cell

LONGEST = "Ừ" * 120
BIGGEST_ID = 2**31 - 1


def test_the_digest_fits_with_the_longest_names_and_ids() -> None:
    cell = CellInfo(1, "Ữ" * 200, "Asia/Ho_Chi_Minh", None, None)
    waiting = tuple(
        Waiting(
            MemberInfo(
                BIGGEST_ID - i, 1, BIGGEST_ID, LONGEST, Role.MEMBER, PartyStatus.FULL,
                MemberState.PENDING, True,
            ),
            Candidate(BIGGEST_ID - 500 - i, LONGEST, 9999),
        )
        for i in range(300)
    )  # fmt: skip
    message = Digest(cell, waiting, datetime(2099, 12, 31, tzinfo=UTC)).message(last=LONGEST * 3)
    assert telegram_length(message.text) <= MAX_TEXT
    buttons = [b for row in message.buttons for b in row]
    assert len(buttons) <= 100
    assert all(b.callback_data and len(b.callback_data.encode()) <= 64 for b in buttons)
    assert all(len(b.text) <= 64 for b in buttons)


async def test_approve_all_leaves_out_a_namesake_of_a_roster_entry(services: Services) -> None:
    cell = await build_cell(services.db, members=0, without_telegram=["Lê Văn Tám"])
    payload = (await services.members.member_invite(SECRETARY))[1].removeprefix("j_")
    await services.members.submit_join(payload, 501, "Lê Văn Tám")
    await services.members.submit_join(payload, 502, "Phạm Thị Lan")
    digest = await services.members.digest(SECRETARY)
    assert [w.candidate is not None for w in digest.waiting] == [True, False]
    assert "(trừ người trùng tên)" in digest.message().buttons[-1][0].text
    approved = await services.members.approve_listed(
        SECRETARY, digest.waiting[-1].member.id, services.clock.now()
    )
    assert [m.full_name for m in approved] == ["Phạm Thị Lan"]
    left = await services.members.digest(SECRETARY)
    assert [w.member.full_name for w in left.waiting] == ["Lê Văn Tám"]
    del cell
