"""reminder preferences: each member's own lead times and pause, within what the cell allows

members.reminder_off_leads: the cell's lead times (minutes) the member turned off (None: none).
members.reminders_paused_until: the last day (inclusive, the cell's time zone) of a pause of the
member's private reminders; 9999-12-31 means "until turned back on"; None: not paused.
cells.reminder_required_leads: the lead times no member may turn off (None: the last one).
cells.reminder_pause_allowed: whether members may pause their private reminders.

Revision ID: 0009
Revises: 0004
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# Plain ADD/DROP COLUMN (SQLite >= 3.35 drops natively): a batch copy of ``members`` would drop
# and re-create it, and every ON DELETE CASCADE would take the members' history along.
def upgrade() -> None:
    op.add_column("members", sa.Column("reminder_off_leads", sa.JSON(), nullable=True))
    op.add_column("members", sa.Column("reminders_paused_until", sa.Date(), nullable=True))
    op.add_column("cells", sa.Column("reminder_required_leads", sa.JSON(), nullable=True))
    op.add_column(
        "cells",
        sa.Column("reminder_pause_allowed", sa.Boolean(), server_default=sa.true(), nullable=False),
    )


def downgrade() -> None:
    op.drop_column("cells", "reminder_pause_allowed")
    op.drop_column("cells", "reminder_required_leads")
    op.drop_column("members", "reminders_paused_until")
    op.drop_column("members", "reminder_off_leads")
