"""Comments (góp ý): only the committee reads them; a member sees and edits only their own."""

from __future__ import annotations

import pytest
from sqlalchemy import update

from bot.clock import ManualClock
from bot.errors import InvalidInput, NotAllowed, NotAMember, StaleAction
from bot.services import Services
from storage.models import Member, MemberState, Role
from tests.attendance_helpers import days, make_meeting
from tests.builders import add_members, build_cell


async def test_members_never_see_other_members_comments(
    services: Services, clock: ManualClock
) -> None:
    cell = await build_cell(services.db, members=3)
    meeting = await make_meeting(services.db, cell.cell_id, clock.now() + days(4))
    comments = services.comments
    author, other, reader = cell.member_tids
    await comments.add(author, meeting, "Đề nghị bổ sung nội dung về đảng phí.")
    hidden = await comments.add(other, meeting, "Ý kiến về công tác " + "ѣ中文 " * 3)
    await comments.set_hidden(other, hidden.id, True)

    for member in (author, other, reader):  # authors included: not even a count of the others
        with pytest.raises(NotAllowed):
            await comments.for_meeting(member, meeting)
    mine = await comments.mine(reader, meeting)
    assert mine.comments == () and not mine.viewer_is_committee
    own = await comments.mine(other, meeting)
    assert [c.text for c in own.comments] == ["Ý kiến về công tác ѣ中文 ѣ中文 ѣ中文"]


async def test_committee_sees_every_comment_with_the_name(
    services: Services, clock: ManualClock
) -> None:
    cell = await build_cell(services.db, members=2)
    (deputy, former) = await add_members(
        services.db, cell.cell_id, ["Phó Bí Thư", "Chi Ủy Cũ"], tid_base=500, role=Role.COMMITTEE
    )
    meeting = await make_meeting(services.db, cell.cell_id, clock.now() + days(4))
    author, other = cell.member_tids
    await services.comments.add(author, meeting, "Góp ý công khai")
    hidden = await services.comments.add(other, meeting, "Góp ý xin ẩn tên")
    await services.comments.set_hidden(other, hidden.id, True)

    for viewer in (cell.secretary_tid, 500):
        view = await services.comments.for_meeting(viewer, meeting)
        assert view.viewer_is_committee
        assert [(c.author_name, c.text, c.hide_name) for c in view.comments] == [
            ("Trần Thị Đảng Viên 01", "Góp ý công khai", False),
            ("Trần Thị Đảng Viên 02", "Góp ý xin ẩn tên", True),  # hidden never from them
        ]
    async with services.db.session() as session:  # a committee member who has left
        await session.execute(
            update(Member).where(Member.id == former.id).values(state=MemberState.INACTIVE)
        )
    with pytest.raises(NotAMember):
        await services.comments.for_meeting(501, meeting)
    assert deputy.telegram_id == 500


async def test_member_edits_withdraws_and_hides_only_their_own(
    services: Services, clock: ManualClock
) -> None:
    cell = await build_cell(services.db, members=2)
    meeting = await make_meeting(services.db, cell.cell_id, clock.now() + days(4))
    author, other = cell.member_tids
    first = await services.comments.add(author, meeting, "Đề nghị bổ sung nội dung về đảng phí.")
    second = await services.comments.add(author, meeting, "Xin lùi giờ họp 30 phút.")
    await services.comments.edit(author, first.id, "Đề nghị bổ sung nội dung năm 2027.")
    await services.comments.withdraw(author, second.id)
    for attempt in (
        services.comments.edit(other, first.id, "Sửa hộ"),
        services.comments.withdraw(other, first.id),
        services.comments.set_hidden(other, first.id, True),
        services.comments.own(other, first.id),
        services.comments.edit(cell.secretary_tid, first.id, "Chi ủy sửa"),
    ):
        with pytest.raises(StaleAction):
            await attempt
    mine = await services.comments.mine(author, meeting)
    assert [(c.text, c.hide_name) for c in mine.comments] == [
        ("Đề nghị bổ sung nội dung năm 2027.", False)
    ]
    assert (await services.comments.mine(other, meeting)).comments == ()


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
    with pytest.raises(StaleAction):  # another cell's meeting
        await services.comments.add(author, their_meeting, "Góp ý")
    with pytest.raises(StaleAction):  # the committee of another cell
        await services.comments.for_meeting(theirs.secretary_tid, meeting)
    with pytest.raises(NotAMember):
        await services.comments.add(424242, meeting, "Góp ý")
    with pytest.raises(NotAMember):
        await services.comments.for_meeting(424242, meeting)
    clock.advance(days(1))
    with pytest.raises(StaleAction) as closed:
        await services.comments.edit(author, comment.id, "Sửa muộn")
    assert closed.value.args == ("comments_closed",)
    view = await services.comments.for_meeting(cell.secretary_tid, meeting)
    assert [c.text for c in view.comments] == ["Góp ý"]
