"""The monthly digest: on the day each role chose, last month's summary, sent privately
once (outbox kind ``org_digest``, keyed per role and month)."""

from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.delivery.limits import MAX_TEXT, shorten
from bot.delivery.outgoing import OutgoingMessage, Renderer
from bot.orgs.buttons import show_button
from bot.orgs.months import step
from bot.orgs.overview import build_overview
from bot.orgs.render import summary
from bot.orgs.roles import scope_of
from bot.texts import orgs as tx
from bot.texts.common import fmt
from storage.models import OutboxMessage
from storage.repositories.orgs import OrgRepository, OrgRoleRepository, OverviewRepository
from storage.repositories.outbox import OutboxRepository

ORG_DIGEST = "org_digest"
DIGEST_FROM = time(8, 0)  # on the chosen day, from the working morning


async def plan_digests(session: AsyncSession, now: datetime) -> int:
    """Plan the digest of every role whose day it is (idempotent: one per role and month).

    An outbox row belongs to a cell; a digest is filed under the first cell it covers, and a
    role that covers no cell gets none."""
    rows = []
    for holder, org in await OrgRoleRepository(session).with_digest_day():
        local = now.astimezone(ZoneInfo(org.timezone))
        if local.day != holder.digest_day or local.time() < DIGEST_FROM:
            continue
        year, month = step((local.year, local.month), -1)
        cells = await OverviewRepository(session).cells(await scope_of(session, holder))
        if not cells:
            continue
        rows.append(
            {
                "cell_id": cells[0].id,
                "kind": ORG_DIGEST,
                "dedupe_key": f"orgd:{holder.id}:{year}-{month:02d}",
                "chat_id": holder.telegram_id,
                # Filed under a cell, but not the cell's: its committee gets no failure alert.
                "payload": {"role": holder.id, "year": year, "month": month, "no_alert": True},
                "due_at": now,
            }
        )
    return await OutboxRepository(session).plan(rows) if rows else 0


async def render_digest(
    session: AsyncSession, row: OutboxMessage, now: datetime
) -> OutgoingMessage | None:
    holder = await OrgRoleRepository(session).get(int(row.payload.get("role", 0)))
    if holder is None or not holder.active or holder.digest_day is None:
        return None
    org = await OrgRepository(session).get(holder.org_id)
    if org is None:
        return None
    month = (int(row.payload["year"]), int(row.payload["month"]))
    overview = await build_overview(session, holder, org, [month], now)
    lines = overview.current
    if not lines:
        return None
    title = fmt(
        tx.DIGEST_TITLE,
        month=month[1],
        year=month[0],
        role=tx.ROLE_NAMES[overview.role.role].lower(),
        org=org.name,
    )
    text = "\n".join([title, *summary(overview, lines)[1:]])
    button = show_button(tx.DIGEST_DETAILS, holder.id, month)
    return OutgoingMessage(shorten(text, MAX_TEXT), buttons=((button,),))


RENDERERS: dict[str, Renderer] = {ORG_DIGEST: render_digest}
