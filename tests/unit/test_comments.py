"""Comments (góp ý): add, edit, withdraw, hidden names, deadlines, other cells."""

from __future__ import annotations

import pytest

from bot.clock import ManualClock
from bot.errors import InvalidInput, NotAMember, StaleAction
from bot.services import Services
from tests.attendance_helpers import days, make_meeting
from tests.builders import build_cell


async def test_comment_lifecycle_and_visibility(services: Services, clock: ManualClock) -> None:
    cell = await build_cell(services.db, members=3)
    meeting = await make_meeting(services.db, cell.cell_id, clock.now() + days(4))
    comments = services.comments
    author, other = cell.member_tids[0], cell.member_tids[1]

    first = await comments.add(author, meeting, "Đề nghị bổ sung nội dung về đảng phí.")
    second = await comments.add(author, meeting, "Xin lùi giờ họp 30 phút.")
    hidden = await comments.add(other, meeting, "Ý kiến về công tác " + "ѣ中文 " * 3)
    await comments.set_hidden(other, hidden.id, True)
    await comments.edit(author, first.id, "Đề nghị bổ sung nội dung về đảng phí năm 2027.")
    await comments.withdraw(author, second.id)

    committee_view = await comments.for_meeting(cell.secretary_tid, meeting)
    assert committee_view.viewer_is_committee
    texts = {c.text: c.author_name for c in committee_view.comments}
    assert texts == {
        "Đề nghị bổ sung nội dung về đảng phí năm 2027.": "Trần Thị Đảng Viên 01",
        "Ý kiến về công tác ѣ中文 ѣ中文 ѣ中文": "Trần Thị Đảng Viên 02",
    }
    member_view = await comments.for_meeting(cell.member_tids[2], meeting)
    names = {c.text[:6]: c.author_name for c in member_view.comments}
    assert names == {"Đề ngh": "Trần Thị Đảng Viên 01", "Ý kiến": None}
    # the author still sees their own name
    own_view = await comments.for_meeting(other, meeting)
    assert [c.author_name for c in own_view.comments if c.own] == ["Trần Thị Đảng Viên 02"]
    mine = await comments.mine(author, meeting)
    assert [c.text for c in mine.comments] == ["Đề nghị bổ sung nội dung về đảng phí năm 2027."]


async def test_comment_rules(services: Services, clock: ManualClock) -> None:
    cell = await build_cell(services.db, members=2)
    theirs = await build_cell(
        services.db, name="Chi bộ 4", group_chat_id=-1002, secretary_tid=2000, tid_base=2001
    )
    meeting = await make_meeting(services.db, cell.cell_id, clock.now() + days(1))
    their_meeting = await make_meeting(services.db, theirs.cell_id, clock.now() + days(1))
    author = cell.member_tids[0]
    comment = await services.comments.add(author, meeting, "Góp ý")
    with pytest.raises(InvalidInput):
        await services.comments.add(author, meeting, "   ")
    with pytest.raises(InvalidInput):
        await services.comments.add(author, meeting, "a" * 3001)
    with pytest.raises(StaleAction):  # someone else's comment
        await services.comments.withdraw(cell.member_tids[1], comment.id)
    with pytest.raises(StaleAction):  # another cell's meeting
        await services.comments.add(author, their_meeting, "Góp ý")
    with pytest.raises(StaleAction):
        await services.comments.for_meeting(author, their_meeting)
    with pytest.raises(NotAMember):
        await services.comments.add(424242, meeting, "Góp ý")
    clock.advance(days(1))
    with pytest.raises(StaleAction) as closed:
        await services.comments.edit(author, comment.id, "Sửa muộn")
    assert closed.value.args == ("comments_closed",)
    view = await services.comments.for_meeting(cell.secretary_tid, meeting)
    assert [c.text for c in view.comments] == ["Góp ý"]
