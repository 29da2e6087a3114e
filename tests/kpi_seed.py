"""Seeding the mirror for KPI tests: invoices, credit memos, payments, allocations.

The same specs build :class:`rules.kpi_inputs.InvoiceFact` values, so a test can
check the SQL aggregation against the pure reference implementation.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from gateway.store.models import (
    Customer,
    ExternalRef,
    Invoice,
    Payment,
    PaymentAllocation,
)
from rules.kpi_inputs import InvoiceFact, PaymentFact

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

NOW = datetime(2026, 4, 1, 9, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Inv:
    """An invoice: amounts as text; ``pays`` = ((date, amount), ...)."""

    customer: str
    issue: date
    due: date | None
    amount: str
    open: str
    pays: tuple[tuple[date, str], ...] = ()
    kind: str = "invoice"
    status: str | None = None  # default: open when open > 0, else paid
    currency: str | None = None  # default: the customer's
    company: str = "ACME-US"
    connection: str = "netsuite"

    def fact(self) -> InvoiceFact:
        payments = tuple(PaymentFact(d, Decimal(a)) for d, a in self.pays)
        due = self.due or self.issue
        return InvoiceFact(
            self.issue, due, Decimal(self.amount), Decimal(self.open), payments
        )


def seed(
    session: Session,
    customers: dict[str, str],
    invoices: list[Inv],
    segments: dict[str, str] | None = None,
) -> dict[str, int]:
    """Insert customers (key -> currency, and segment if given) and invoices.

    Returns the customer ids by key.
    """
    ids: dict[str, int] = {}
    for key, currency in customers.items():
        row = Customer(
            number=f"C-{key}", name=key.title(), currency=currency,
            segment=(segments or {}).get(key), created_at=NOW, updated_at=NOW,
        )  # fmt: skip
        session.add(row)
        session.flush()
        ids[key] = row.id
    for n, spec in enumerate(invoices):
        _invoice(session, n, spec, ids[spec.customer], customers[spec.customer])
    session.flush()
    return ids


def _invoice(session: Session, n: int, spec: Inv, customer_id: int, cur: str) -> None:
    status = spec.status or ("open" if Decimal(spec.open) > 0 else "paid")
    row = Invoice(
        customer_id=customer_id, number=f"INV-{n}", kind=spec.kind, status=status,
        company=spec.company, currency=spec.currency or cur, issue_date=spec.issue,
        due_date=spec.due, amount=Decimal(spec.amount), open_amount=Decimal(spec.open),
        created_at=NOW, updated_at=NOW,
    )  # fmt: skip
    session.add(row)
    session.flush()
    session.add(
        ExternalRef(
            connection=spec.connection,
            object_type="invoice",
            external_id=f"X-{n}",
            local_id=row.id,
            updated_at=NOW,
        )
    )
    for k, (day, amount) in enumerate(spec.pays):
        payment = Payment(
            customer_id=customer_id, number=f"P-{n}-{k}", currency=row.currency,
            amount=Decimal(amount), payment_date=day, status="posted",
            created_at=NOW, updated_at=NOW,
        )  # fmt: skip
        session.add(payment)
        session.flush()
        session.add(
            PaymentAllocation(
                payment_id=payment.id,
                invoice_id=row.id,
                invoice_ref=f"X-{n}",
                amount=Decimal(amount),
            )
        )
