"""send budget and job runs: several instances, one bot

``send_clock`` (one row) and ``chat_send_clock`` are the sending schedule every instance
books its messages in (with the requests in flight and just answered), so Telegram's limits
hold for the bot as a whole; ``job_runs`` lets a periodic job run once per interval however many
instances tick it.

Revision ID: 0003
Revises: 0007
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from sqlalchemy.dialects import postgresql

from storage.types import UTCDateTime

MOMENTS = postgresql.ARRAY(sa.DateTime(timezone=True)).with_variant(sa.JSON(), "sqlite")

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "send_clock",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("next_at", UTCDateTime(), nullable=False),
        sa.Column("flying", MOMENTS, nullable=True),
        sa.Column("answered", MOMENTS, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_send_clock")),
    )
    op.create_table(
        "chat_send_clock",
        sa.Column("chat_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("next_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("chat_id", name=op.f("pk_chat_send_clock")),
    )
    op.create_index(
        op.f("ix_chat_send_clock_next_at"), "chat_send_clock", ["next_at"], unique=False
    )
    op.create_table(
        "job_runs",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("last_started_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_job_runs")),
    )


def downgrade() -> None:
    op.drop_table("job_runs")
    op.drop_index(op.f("ix_chat_send_clock_next_at"), table_name="chat_send_clock")
    op.drop_table("chat_send_clock")
    op.drop_table("send_clock")
