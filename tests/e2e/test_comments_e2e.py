"""Comments end to end: only the committee reads them, through every button, forged or not."""

from __future__ import annotations

from sqlalchemy import select

from bot.simulator import FakeUser
from bot.texts import common as tc
from storage.models import Cell, Comment
from tests.attendance_helpers import days, make_meeting
from tests.builders import add_members
from tests.e2e.conftest import Harness

SECRET = "Đề nghị chi bộ bàn thêm về công tác đảng phí."


def _texts(harness: Harness, user: FakeUser) -> str:
    """Everything the bot ever showed the user: texts and button labels."""
    return "\n".join(
        str(m.get("text", "")) + str(m.get("reply_markup", ""))
        for m in harness.api.messages(user.id)
    )


async def _cell(harness: Harness) -> tuple[FakeUser, list[FakeUser], int]:
    secretary = await harness.secretary()
    async with harness.services.db.session() as session:
        cell_id = await session.scalar(select(Cell.id))
    assert cell_id is not None
    await add_members(
        harness.services.db, cell_id, 2, tid_base=300, member_name="Đảng Viên Số {n:02d}"
    )
    users = [harness.api.user(300 + i, f"Số {i + 1:02d}", started=True) for i in range(2)]
    meeting = await make_meeting(harness.services.db, cell_id, harness.clock.now() + days(2))
    return secretary, users, meeting


async def _comment_row(harness: Harness) -> tuple[int, str, bool]:
    async with harness.services.db.session() as session:
        comment = await session.scalar(select(Comment))
        assert comment is not None
        return comment.id, comment.text, comment.hide_name


async def test_members_never_see_other_members_comments(harness: Harness) -> None:
    secretary, (an, binh), meeting = await _cell(harness)

    prompt = await harness.say(an, "/gopy", expect="Góp ý cho buổi")
    await harness.say(an, SECRET, expect="Đã gửi góp ý")
    comment_id, _, _ = await _comment_row(harness)

    # another member: no button shows the comment, and forged ones change nothing
    await harness.say(binh, "/gopy", expect="Góp ý cho buổi")
    forged = [f"gv:{meeting}", f"ge:{comment_id}", f"gw:{comment_id}", f"gh:{comment_id}:h"]
    answers = []
    for data in forged:
        query = binh.press_data(binh, data)
        answers.append((await harness.api.wait_for_callback_answer(query)).get("text", ""))
    await harness.api.wait_idle()
    assert SECRET not in _texts(harness, binh) and "💬" not in _texts(harness, binh)
    assert answers[0] == tc.fmt(tc.NOT_ALLOWED)
    assert all("không còn" in answer for answer in answers[1:])
    assert await _comment_row(harness) == (comment_id, SECRET, False)

    # the author hides the name: hidden in the exports, and the text says exactly that
    await an.send("/gopy")
    mine = await harness.api.wait_for_message(an.id, lambda m: "1. Đề nghị" in m.get("text", ""))
    await an.press(mine, "🙈 Ẩn tên góp ý 1")
    await harness.wait_text(an.id, mine["message_id"], "ẩn tên trong tệp xuất và biên bản")
    assert "💬" not in _texts(harness, an)  # not even the author reads the others' comments

    # the committee sees every comment with the name, hidden or not
    await secretary.send("/gopy")
    own_list = await harness.api.wait_for_message(secretary.id, lambda m: "💬" in str(m))
    await secretary.press(own_list, "💬 Xem góp ý của đảng viên (chi ủy)")
    listing = await harness.api.wait_for_message(
        secretary.id, lambda m: "💬 Góp ý cho buổi" in m.get("text", "")
    )
    assert f"Đảng Viên Số 01 (đề nghị ẩn tên trong tệp xuất): {SECRET}" in listing["text"]
    assert "Góp ý chỉ chi ủy xem được" in prompt["text"]


async def test_member_edits_their_own_comment(harness: Harness) -> None:
    _, (an, _), _ = await _cell(harness)
    await harness.say(an, "/gopy", expect="Góp ý cho buổi")
    await harness.say(an, SECRET, expect="Đã gửi góp ý")
    await an.send("/gopy")
    mine = await harness.api.wait_for_message(an.id, lambda m: "1. Đề nghị" in m.get("text", ""))
    await an.press(mine, "✏️ Sửa góp ý 1")
    await harness.api.wait_for_message(an.id, lambda m: "nội dung mới" in m.get("text", ""))
    await harness.say(an, "Đề nghị lùi giờ họp.", expect="Đã sửa góp ý")
    assert (await _comment_row(harness))[1] == "Đề nghị lùi giờ họp."
