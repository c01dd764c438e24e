"""organisations: parent committees over cells, their read-only roles and invites

``orgs`` nest (a ward's đảng ủy under a district's); ``cells.org_id`` (nullable) puts a cell
under one. ``org_roles`` are the bí thư / phó bí thư đảng ủy and the cấp ủy viên phụ trách
(with their cells in ``org_role_cells``), claimed through one-time ``org_invites``.
Existing cells stay standing alone (``org_id`` NULL).

Revision ID: 0005
Revises: 0002
"""

from collections.abc import Callable, Sequence

import sqlalchemy as sa
from alembic import op

import storage.types

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


_SQLITE_FK = (
    "CONSTRAINT fk_cells_org_id_orgs FOREIGN KEY(org_id) REFERENCES orgs (id) ON DELETE SET NULL"
)


def _sqlite_cells_sql(change: Callable[[str], str]) -> None:
    """Add or remove the named foreign key of ``cells.org_id`` in SQLite's stored schema.

    Batch mode would recreate ``cells``: dropping the old table runs the ON DELETE CASCADE of
    members, meetings, ... and empties them (foreign keys are on, and cannot be turned off
    inside the migration's transaction). A nullable column is added in place instead, and
    the table-level constraint (SQLite cannot add one with ALTER TABLE) is written into the
    schema text: no stored row changes, as SQLite documents for editing constraints this way.
    """
    bind = op.get_bind()
    sql = bind.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'cells'"
    ).scalar_one()
    version = bind.exec_driver_sql("PRAGMA schema_version").scalar_one()
    bind.exec_driver_sql("PRAGMA writable_schema = ON")
    bind.exec_driver_sql(
        "UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = 'cells'",
        (change(sql),),
    )
    bind.exec_driver_sql(f"PRAGMA schema_version = {int(version) + 1}")
    bind.exec_driver_sql("PRAGMA writable_schema = OFF")


def upgrade() -> None:
    op.create_table(
        "orgs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("created_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["parent_id"], ["orgs.id"], name=op.f("fk_orgs_parent_id_orgs"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_orgs")),
    )
    with op.batch_alter_table("orgs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_orgs_parent_id"), ["parent_id"], unique=False)

    op.create_table(
        "org_invites",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("cell_ids", sa.JSON(), nullable=False),
        sa.Column("created_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("used_at", storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("revoked", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id"], ["orgs.id"], name=op.f("fk_org_invites_org_id_orgs"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_org_invites")),
        sa.UniqueConstraint("code", name=op.f("uq_org_invites_code")),
    )
    with op.batch_alter_table("org_invites", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_org_invites_org_id"), ["org_id"], unique=False)

    op.create_table(
        "org_roles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("telegram_id", sa.BigInteger(), nullable=False),
        sa.Column("full_name", sa.String(length=120), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("digest_day", sa.Integer(), nullable=True),
        sa.Column("created_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id"], ["orgs.id"], name=op.f("fk_org_roles_org_id_orgs"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_org_roles")),
        sa.UniqueConstraint(
            "org_id", "telegram_id", "role", name=op.f("uq_org_roles_org_id_telegram_id_role")
        ),
    )
    with op.batch_alter_table("org_roles", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_org_roles_org_id"), ["org_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_org_roles_telegram_id"), ["telegram_id"], unique=False)

    op.create_table(
        "org_role_cells",
        sa.Column("role_id", sa.Integer(), nullable=False),
        sa.Column("cell_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["cell_id"],
            ["cells.id"],
            name=op.f("fk_org_role_cells_cell_id_cells"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["role_id"],
            ["org_roles.id"],
            name=op.f("fk_org_role_cells_role_id_org_roles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("role_id", "cell_id", name=op.f("pk_org_role_cells")),
    )
    with op.batch_alter_table("org_role_cells", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_org_role_cells_cell_id"), ["cell_id"], unique=False)

    if op.get_bind().dialect.name == "sqlite":
        op.add_column("cells", sa.Column("org_id", sa.Integer(), nullable=True))
        _sqlite_cells_sql(lambda sql: sql[: sql.rindex(")")].rstrip() + f", {_SQLITE_FK})")
    else:
        op.add_column("cells", sa.Column("org_id", sa.Integer(), nullable=True))
        op.create_foreign_key(
            op.f("fk_cells_org_id_orgs"), "cells", "orgs", ["org_id"], ["id"], ondelete="SET NULL"
        )
    op.create_index(op.f("ix_cells_org_id"), "cells", ["org_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_cells_org_id"), table_name="cells")
    if op.get_bind().dialect.name == "sqlite":
        _sqlite_cells_sql(lambda sql: sql.replace(f", {_SQLITE_FK}", ""))
        op.execute("ALTER TABLE cells DROP COLUMN org_id")
    else:
        op.drop_constraint(op.f("fk_cells_org_id_orgs"), "cells", type_="foreignkey")
        op.drop_column("cells", "org_id")

    with op.batch_alter_table("org_role_cells", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_org_role_cells_cell_id"))

    op.drop_table("org_role_cells")
    with op.batch_alter_table("org_roles", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_org_roles_telegram_id"))
        batch_op.drop_index(batch_op.f("ix_org_roles_org_id"))

    op.drop_table("org_roles")
    with op.batch_alter_table("org_invites", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_org_invites_org_id"))

    op.drop_table("org_invites")
    with op.batch_alter_table("orgs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_orgs_parent_id"))

    op.drop_table("orgs")
