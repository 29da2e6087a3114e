"""payment prediction: stored models, and the channel an invoice was sent by

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27 13:40:00

Models are versioned rows, so a prediction always names the model that made it and
an evaluation stays next to the model it measured. ``invoices.channel`` (paper or
electronic) is an invoice fact known at issue time and one of the model's features.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import gateway.store.types

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "prediction_models",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.String(length=64), nullable=False),
        sa.Column(
            "trained_at",
            gateway.store.types.UTCDateTime(timezone=True),
            nullable=False,
        ),
        sa.Column("cutoff", sa.Date(), nullable=False),
        sa.Column("feature_set", sa.String(length=32), nullable=False),
        sa.Column("n_train", sa.Integer(), nullable=False),
        sa.Column("n_test", sa.Integer(), nullable=False),
        sa.Column("metrics", sa.Text(), nullable=False),
        sa.Column("model", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_prediction_models")),
        sa.UniqueConstraint("version", name=op.f("uq_prediction_models_version")),
    )
    with op.batch_alter_table("invoices", schema=None) as batch_op:
        batch_op.add_column(sa.Column("channel", sa.String(length=16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("invoices", schema=None) as batch_op:
        batch_op.drop_column("channel")
    op.drop_table("prediction_models")
