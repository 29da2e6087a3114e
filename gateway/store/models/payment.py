from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from gateway.store.db import Base


class Payment(Base):
    """A customer payment; its allocations say which invoices it paid."""

    __tablename__ = "payments"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int | None] = mapped_column(
        ForeignKey("customers.id"), index=True
    )
    number: Mapped[str | None] = mapped_column(String(64))
    currency: Mapped[str | None] = mapped_column(String(3))
    amount: Mapped[Decimal | None]
    unapplied_amount: Mapped[Decimal | None]
    payment_date: Mapped[date | None]
    status: Mapped[str] = mapped_column(String(16), default="posted")
    memo: Mapped[str | None] = mapped_column(String(1000))
    # Set for payments handed in through the API (unique: a retry finds the first).
    idempotency_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    reference: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class PaymentAllocation(Base):
    """Part of a payment applied to one invoice.

    ``invoice_ref`` keeps the remote invoice id so an allocation that arrives before its
    invoice is mirrored is not lost; ``invoice_id`` is filled once it is.
    """

    __tablename__ = "payment_allocations"

    id: Mapped[int] = mapped_column(primary_key=True)
    payment_id: Mapped[int] = mapped_column(
        ForeignKey("payments.id", ondelete="CASCADE"), index=True
    )
    invoice_id: Mapped[int | None] = mapped_column(
        ForeignKey("invoices.id"), index=True
    )
    invoice_ref: Mapped[str] = mapped_column(String(64))
    amount: Mapped[Decimal]
