"""Every comment message fits Telegram's limits by construction, at maximum field sizes."""

from __future__ import annotations

import pytest

from bot.clock import ManualClock
from bot.comments import MAX_OWN
from bot.delivery.callbacks import MAX_CALLBACK_BYTES
from bot.delivery.limits import MAX_TEXT, split_text, telegram_length
from bot.errors import InvalidInput
from bot.services import Services
from bot.texts import comments as tx
from handlers.comments import render_all, render_mine, render_prompt
from tests.attendance_helpers import days, make_meeting
from tests.builders import build_cell

LONGEST_NAME = "Nguyễn Thị " + "Ngọc" * 26 + " {n:02d}"  # 118 characters: the column holds 120
WIDE = "😀 Đề nghị "  # astral characters count twice in Telegram's length


def _longest(index: int) -> str:
    """A comment of the maximum length, numbered so that the order can be checked."""
    head = f"[{index:03d}] "
    return head + (WIDE * tx.LIMIT)[: tx.LIMIT - len(head)]


async def test_committee_comment_list_fits_in_parts_in_order(
    services: Services, clock: ManualClock
) -> None:
    cell = await build_cell(services.db, members=20, member_name=LONGEST_NAME)
    meeting = await make_meeting(services.db, cell.cell_id, clock.now() + days(4))
    written = []
    for n in range(200):  # 20 members, each with as many comments as allowed
        author = cell.member_tids[n % 20]
        comment = await services.comments.add(author, meeting, _longest(n))
        if n % 3 == 0:
            await services.comments.set_hidden(author, comment.id, True)
        written.append(comment.text)
    parts = render_all(await services.comments.for_meeting(cell.secretary_tid, meeting))
    assert len(parts) > 1
    assert all(0 < telegram_length(part) <= MAX_TEXT for part in parts)
    joined = "".join(parts)
    positions = [joined.find(text[:40]) for text in written]
    assert -1 not in positions and positions == sorted(positions)


async def test_own_comment_list_is_one_message_at_maximum_sizes(
    services: Services, clock: ManualClock
) -> None:
    cell = await build_cell(services.db, members=1, member_name=LONGEST_NAME)
    agenda = (WIDE * 2000)[:2000]
    meeting = await make_meeting(services.db, cell.cell_id, clock.now() + days(4), agenda=agenda)
    author = cell.member_tids[0]
    for n in range(MAX_OWN):
        comment = await services.comments.add(author, meeting, _longest(n))
        await services.comments.set_hidden(author, comment.id, True)
    with pytest.raises(InvalidInput) as too_many:
        await services.comments.add(author, meeting, "Thêm một góp ý")
    assert too_many.value.args[0] == "comment_too_many"

    for viewer in (author, cell.secretary_tid):
        view = await services.comments.mine(viewer, meeting)
        text, markup = render_mine(view)
        assert telegram_length(text) <= MAX_TEXT
        for row in markup.inline_keyboard:
            for button in row:
                assert len(str(button.callback_data).encode()) <= MAX_CALLBACK_BYTES
    view = await services.comments.mine(author, meeting)
    text, markup = render_mine(view)
    assert text.count(tx.PREVIEW_POINTER.strip()) == MAX_OWN  # each cut, pointing to /cuatoi
    assert len(markup.inline_keyboard) == 2 * MAX_OWN  # no 💬 for an ordinary member

    # the prompt with the longest agenda is sent in parts, in order, nothing lost
    parts = split_text(render_prompt(view))
    assert all(telegram_length(part) <= MAX_TEXT for part in parts)
    assert agenda.replace("\n", "") in "".join(parts).replace("\n", "")

    # withdrawing one makes room again
    await services.comments.withdraw(author, view.comments[0].id)
    await services.comments.add(author, meeting, "Góp ý mới")
