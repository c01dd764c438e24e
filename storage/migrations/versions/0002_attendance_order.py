"""attendance: the update that set each answer, and the answer's revision

``answer_update_id`` is the Telegram ``update_id`` of the update that set the answer: an
answer from an older update never overwrites a newer one (one person's taps take effect in
the order Telegram sent them, whatever order the bot's instances process them in).
``answer_revision`` counts the changes of the answer: a reason button carries the revision
of the "absent" answer it belongs to, so a reason menu left over from an older answer
changes nothing.

Revision ID: 0002
Revises: 0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("attendance", schema=None) as batch_op:
        batch_op.add_column(sa.Column("answer_update_id", sa.BigInteger(), nullable=True))
        batch_op.add_column(
            sa.Column("answer_revision", sa.Integer(), server_default="0", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("attendance", schema=None) as batch_op:
        batch_op.drop_column("answer_revision")
        batch_op.drop_column("answer_update_id")
