"""members: birth year and admission date (the roster is the whole cell)

Members without Telegram are added by the committee or imported from a file; with the
folded name, the birth year identifies them when they later open an invite link.

Revision ID: 0006
Revises: 0002
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("members", schema=None) as batch_op:
        batch_op.add_column(sa.Column("birth_year", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("admitted_on", sa.Date(), nullable=True))


def downgrade() -> None:
    # Not batch mode: on SQLite it would copy and drop ``members``, and the drop would cascade
    # to every member's attendance. ALTER TABLE … DROP COLUMN works on both (SQLite ≥ 3.35).
    for column in ("admitted_on", "birth_year"):
        op.execute(f"ALTER TABLE members DROP COLUMN {column}")
