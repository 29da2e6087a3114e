from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from gateway.store.db import Base

OPEN_CREDITS = "kind = 'credit_memo' AND status = 'open'"


class Invoice(Base):
    """An invoice or credit memo (``kind``); column names are canonical field names."""

    __tablename__ = "invoices"
    __table_args__ = (
        Index("ix_invoices_customer_status", "customer_id", "status"),
        # The KPIs' unapplied credits; partial, so bulk loads of invoices skip it.
        Index(
            "ix_invoices_open_credits",
            "issue_date",
            sqlite_where=text(OPEN_CREDITS),
            postgresql_where=text(OPEN_CREDITS),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"))
    number: Mapped[str | None] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16), default="invoice")
    company: Mapped[str | None]
    currency: Mapped[str | None] = mapped_column(String(3))
    amount: Mapped[Decimal | None]
    open_amount: Mapped[Decimal | None]
    issue_date: Mapped[date | None]
    # No index on due_date: no query narrows by it enough to use one, and every
    # scattered index slows bulk loads (see tests/bench/sync_throughput.py).
    due_date: Mapped[date | None]
    status: Mapped[str] = mapped_column(String(16), default="open")
    memo: Mapped[str | None] = mapped_column(String(1000))
    collection_status: Mapped[str | None] = mapped_column(String(64))
    dunning_level: Mapped[int | None]
    promise_date: Mapped[date | None]
    in_dispute: Mapped[bool | None]
    channel: Mapped[str | None] = mapped_column(String(16))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
