"""outbox worker: an index for the per-record ordering check of claims

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 13:20:00

A worker claims a row only if no older open row targets the same remote record
(writes to one record go in order). That check runs for every candidate row, so it
needs an index on the target (connection, object type, local id) rather than a scan
of the whole outbox, which keeps growing with done rows.
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.create_index(
            "ix_outbox_target", ["connection", "object_type", "local_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_target")
