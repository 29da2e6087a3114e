"""Collections results: risk scores with their breakdown, priorities, promised invoices."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from gateway.store.db import Base


class CustomerScore(Base):
    """A customer's risk score as of a day; kept per day so scores can be compared."""

    __tablename__ = "customer_scores"
    __table_args__ = (
        Index("ix_customer_scores_customer_as_of", "customer_id", "as_of", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    as_of: Mapped[date]
    total: Mapped[int]
    # [{name, weight, value, points, detail}] with decimals as strings.
    components: Mapped[str] = mapped_column(Text)
    version: Mapped[str] = mapped_column(String(64))
    computed_at: Mapped[datetime]


class CustomerPriority(Base):
    """The latest strategy priority of each actionable customer: the worklist's order.

    Rebuilt as a whole by ``arbridge score``; customers with nothing actionable have
    no row. The worklist pages through the score index, highest first.
    """

    __tablename__ = "customer_priorities"
    __table_args__ = (
        # Read backwards for ORDER BY score DESC, customer_id DESC (SQLite and
        # PostgreSQL both walk a b-tree in reverse), so no expression index is needed.
        Index("ix_customer_priorities_score", "score", "customer_id"),
        Index("ix_customer_priorities_collector", "collector", "score", "customer_id"),
        Index("ix_customer_priorities_currency", "currency", "score", "customer_id"),
    )

    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customers.id"), primary_key=True
    )
    as_of: Mapped[date]
    score: Mapped[int]
    reasons: Mapped[str] = mapped_column(Text)  # JSON list of text
    group: Mapped[str] = mapped_column(String(64))
    collector: Mapped[str | None] = mapped_column(String(64))
    # The customer's currency, copied so the currency filter needs no join.
    currency: Mapped[str | None] = mapped_column(String(3))
    risk_score: Mapped[int | None]
    computed_at: Mapped[datetime]


class PromiseInvoice(Base):
    """An invoice a promise to pay covers."""

    __tablename__ = "promise_invoices"

    promise_id: Mapped[int] = mapped_column(
        ForeignKey("promises.id", ondelete="CASCADE"), primary_key=True
    )
    invoice_id: Mapped[int] = mapped_column(
        ForeignKey("invoices.id"), primary_key=True, index=True
    )
