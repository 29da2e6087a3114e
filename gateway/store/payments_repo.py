"""Rows the write API reads and writes: payments handed in, invoices they pay, refs."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError

from gateway.store.models import (
    Customer,
    ExternalRef,
    Invoice,
    OutboxItem,
    Payment,
    PaymentAllocation,
)

if TYPE_CHECKING:
    from collections.abc import Sequence

    from sqlalchemy.orm import Session


# Arbitrary class id of the idempotency-key advisory locks (PostgreSQL): "ARBP".
_PG_KEY_LOCK_CLASS = 0x41524250


def lock_key(session: Session, key: str) -> None:
    """Serialise requests carrying the same idempotency key until this one commits.

    SQLite writers hold the database lock from BEGIN already; on PostgreSQL the
    second request waits here and then finds the first one's payment.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(
            text("SELECT pg_advisory_xact_lock(:cls, hashtext(:key))"),
            {"cls": _PG_KEY_LOCK_CLASS, "key": key},
        )


def lock_invoices(session: Session, ids: Sequence[int]) -> None:
    """Row-lock invoices in id order, so two payments cannot both take one balance."""
    if ids:
        session.execute(
            select(Invoice.id)
            .where(Invoice.id.in_(sorted(set(ids))))
            .order_by(Invoice.id)
            .with_for_update()
        )


def customer(session: Session, customer_id: int) -> Customer | None:
    """A live customer (retired ones stay in the mirror for the audit trail only)."""
    row = session.get(Customer, customer_id)
    return None if row is None or row.deleted else row


def invoice(session: Session, invoice_id: int) -> Invoice | None:
    return session.get(Invoice, invoice_id)


def invoices(session: Session, ids: Sequence[int]) -> dict[int, Invoice]:
    rows = session.scalars(select(Invoice).where(Invoice.id.in_(list(ids))))
    return {row.id: row for row in rows}


def local_id(
    session: Session, connection: str, object_type: str, external_id: str
) -> int | None:
    return session.scalar(
        select(ExternalRef.local_id).where(
            ExternalRef.connection == connection,
            ExternalRef.object_type == object_type,
            ExternalRef.external_id == external_id,
        )
    )


def refs_of(session: Session, object_type: str, local: int) -> dict[str, str]:
    """``connection -> external id`` of one mirrored record."""
    rows = session.execute(
        select(ExternalRef.connection, ExternalRef.external_id)
        .where(ExternalRef.object_type == object_type, ExternalRef.local_id == local)
        .order_by(ExternalRef.connection)
    )
    return {str(c): str(e) for c, e in rows}


def pending_allocated(
    session: Session, invoice_ids: Sequence[int]
) -> dict[int, Decimal]:
    """What payments not yet posted already take from each invoice's open amount."""
    rows = session.execute(
        select(PaymentAllocation.invoice_id, PaymentAllocation.amount)
        .join(Payment, Payment.id == PaymentAllocation.payment_id)
        .where(
            Payment.status == "pending",
            PaymentAllocation.invoice_id.in_(list(invoice_ids)),
        )
    )
    taken: dict[int, Decimal] = defaultdict(Decimal)
    for invoice_id, amount in rows:
        if invoice_id is not None:
            taken[invoice_id] += amount
    return dict(taken)


def payment(session: Session, payment_id: int) -> Payment | None:
    return session.get(Payment, payment_id)


def payment_by_key(session: Session, key: str) -> Payment | None:
    return session.scalar(select(Payment).where(Payment.idempotency_key == key))


def allocations_of(session: Session, payment_id: int) -> list[PaymentAllocation]:
    return list(
        session.scalars(
            select(PaymentAllocation)
            .where(PaymentAllocation.payment_id == payment_id)
            .order_by(PaymentAllocation.id)
        )
    )


def insert_payment(
    session: Session,
    row: Payment,
    allocations: Sequence[PaymentAllocation],
    outbox: OutboxItem,
) -> bool:
    """Insert a payment with its allocations and outbox row; False on a key clash.

    A savepoint keeps the caller's transaction usable when a concurrent request with
    the same idempotency key won the race (unique index on PostgreSQL; SQLite
    writers are serialised, so there it cannot happen).
    """
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
            for item in allocations:
                item.payment_id = row.id
            outbox.local_id = row.id
            session.add_all([*allocations, outbox])
            session.flush()
    except IntegrityError:
        return False
    return True
