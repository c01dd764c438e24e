"""meetings: the calendar file's SEQUENCE, and when the sitting actually began and ended

``ics_sequence`` counts the changes a phone calendar must apply (a new time, a new length, a
cancellation; RFC 5545 §3.8.7.4): a moved meeting's .ics then replaces the old event.
``held_started_at`` / ``held_ended_at`` are the sitting's real start (the committee's choice in
chat, else check-in) and the committee's "kết thúc" tap: the minutes give the length from them.

Revision ID: 0007
Revises: 0006
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.types

revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("ics_sequence", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.add_column(
            sa.Column("held_started_at", storage.types.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column("held_ended_at", storage.types.UTCDateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    # Plain ALTER TABLE DROP COLUMN (SQLite >= 3.35): a batch copy of ``meetings`` on SQLite
    # would drop the old table, and its ON DELETE CASCADE would empty attendance.
    op.drop_column("meetings", "held_ended_at")
    op.drop_column("meetings", "held_started_at")
    op.drop_column("meetings", "ics_sequence")
