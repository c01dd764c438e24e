"""outbox: each row's turn within its cell's plan; meetings: what their reminders were planned for

``outbox.turn`` is a row's position among the rows its cell planned together (a broadcast to
200 members: 0..199). The worker claims, within one urgency tier, the rows with the lowest
turn first, so cells take turns instead of one cell's big plan holding back the others.
``meetings.plan_key`` is a digest of everything a meeting's reminders depend on, written when
they are planned: the periodic planning skips a meeting whose digest has not changed.

Revision ID: 0004
Revises: 0003
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# Plain ALTER TABLE (SQLite ≥ 3.35 drops columns too): a batch copy of ``meetings`` on SQLite
# would drop and re-create the table, and its ON DELETE CASCADE would take the attendance along.
def upgrade() -> None:
    op.add_column("outbox", sa.Column("turn", sa.Integer(), server_default="0", nullable=False))
    op.add_column("meetings", sa.Column("plan_key", sa.String(length=64), nullable=True))


def downgrade() -> None:
    op.drop_column("meetings", "plan_key")
    op.drop_column("outbox", "turn")
