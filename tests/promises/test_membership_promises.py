"""Promise of the invitation text: "Đường liên kết có hiệu lực đến trước ngày {expires}"."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.members.cells import MEMBER_INVITE_TTL
from bot.texts import members as tm
from tests.e2e.conftest import Harness

VN = ZoneInfo("Asia/Ho_Chi_Minh")


async def test_an_invite_link_works_until_the_day_it_names_and_not_after_it_expires(
    harness: Harness,
) -> None:
    secretary = await harness.secretary()
    invite = await harness.say(secretary, "/moi")
    made = harness.clock.now()
    match = re.search(r"đến trước ngày (\d\d/\d\d/\d{4})", invite["text"])
    assert match, invite["text"]
    named = datetime.strptime(match.group(1), "%d/%m/%Y").date()
    payload = next(w for w in invite["text"].split() if "?start=" in w).split("?start=", 1)[1]

    last_moment = datetime.combine(named, time(0, 0), tzinfo=VN) - timedelta(minutes=1)
    harness.clock.advance(last_moment - made)
    early = await harness.say(harness.api.user(301, "Sớm"), f"/start {payload}")
    assert "họ và tên" in early["text"]
    harness.clock.advance(made + MEMBER_INVITE_TTL - last_moment)
    late = await harness.say(harness.api.user(302, "Muộn"), f"/start {payload}")
    assert late["text"] == tm.CODE_EXPIRED
