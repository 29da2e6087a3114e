from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from gateway.store.db import Base


class Customer(Base):
    """A customer account; column names are the canonical field names."""

    __tablename__ = "customers"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str | None]
    name: Mapped[str | None]
    email: Mapped[str | None]
    phone: Mapped[str | None] = mapped_column(String(64))
    currency: Mapped[str | None] = mapped_column(String(3))
    credit_limit: Mapped[Decimal | None]
    company: Mapped[str | None]
    terms: Mapped[str | None] = mapped_column(String(64))
    # The customer's segment (NetSuite: its Customer Category), for KPIs and strategies.
    segment: Mapped[str | None] = mapped_column(String(64))
    is_active: Mapped[bool] = mapped_column(default=True)
    collection_status: Mapped[str | None] = mapped_column(String(64))
    risk_score: Mapped[int | None]
    deleted: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
