"""write API: payments carry their caller's idempotency key and reference

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27 13:30:00

A payment handed in through ``POST /api/v1/payments`` must be created once however
often the caller retries, so its idempotency key is unique in the table itself (a
concurrent retry then fails on the index instead of creating a second payment). The
bank or portal reference is kept apart from ``memo``, which mirrors the ERP's memo.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("payments", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("idempotency_key", sa.String(length=200), nullable=True)
        )
        batch_op.add_column(sa.Column("reference", sa.String(length=200), nullable=True))
        batch_op.create_unique_constraint(
            batch_op.f("uq_payments_idempotency_key"), ["idempotency_key"]
        )


def downgrade() -> None:
    with op.batch_alter_table("payments", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("uq_payments_idempotency_key"), type_="unique"
        )
        batch_op.drop_column("reference")
        batch_op.drop_column("idempotency_key")
