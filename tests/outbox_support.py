"""Seeding helpers for outbox tests: mirror rows bound to a connection, outbox rows.

The REST endpoints that enqueue payments are tested on their own; these helpers write
the same rows (payment, allocations, outbox row) directly, as one transaction.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select

from adapters.base import WriteOp, WriteResult
from adapters.testing.memory import InMemoryAdapter
from gateway.store.models import (
    Customer,
    ExternalRef,
    Invoice,
    OutboxItem,
    Payment,
    PaymentAllocation,
)
from gateway.store.sync_repo import SyncRepository


class ScriptedSink(InMemoryAdapter):
    """The in-memory adapter, failing its next writes with scripted errors."""

    def __init__(self) -> None:
        super().__init__(specs=())
        self.failures: list[Exception] = []

    def write(self, op: WriteOp) -> WriteResult:
        if self.failures:
            raise self.failures.pop(0)
        return super().write(op)


def add_customer(session, connection: str, external_id: str | None, **values) -> int:
    now = values.pop("at")
    row = Customer(
        number=values.pop("number", f"C{external_id}"),
        name="Acme",
        currency=values.pop("currency", "USD"),
        created_at=now,
        updated_at=now,
        **values,
    )
    session.add(row)
    session.flush()
    if external_id is not None:
        bind(session, connection, "customer", external_id, row.id, now)
    return row.id


def add_invoice(
    session, connection: str, external_id: str | None, customer_id: int, **values
) -> int:
    now = values.pop("at")
    row = Invoice(
        customer_id=customer_id,
        number=f"INV{external_id}",
        kind="invoice",
        currency="USD",
        amount=Decimal("100.00"),
        open_amount=Decimal("100.00"),
        status="open",
        created_at=now,
        updated_at=now,
        **values,
    )
    session.add(row)
    session.flush()
    if external_id is not None:
        bind(session, connection, "invoice", external_id, row.id, now)
    return row.id


def bind(session, connection, object_type, external_id, local_id, now, shadow=None):
    session.add(
        ExternalRef(
            connection=connection,
            object_type=object_type,
            external_id=external_id,
            local_id=local_id,
            shadow=json.dumps(shadow or {}),
            updated_at=now,
        )
    )
    session.flush()


def add_payment(
    session,
    connection: str,
    customer_id: int,
    lines: list[tuple[int, Decimal]],
    *,
    key: str,
    at,
    day: date = date(2026, 11, 20),
) -> tuple[int, int]:
    """A pending payment with its allocations and its ``create_payment`` outbox row."""
    total = sum((amount for _, amount in lines), Decimal(0))
    payment = Payment(
        customer_id=customer_id,
        currency=session.get_one(Customer, customer_id).currency,
        amount=total,
        unapplied_amount=Decimal(0),
        payment_date=day,
        status="pending",
        memo=f"portal {key}",
        created_at=at,
        updated_at=at,
    )
    session.add(payment)
    session.flush()
    for invoice_id, amount in lines:
        session.add(
            PaymentAllocation(
                payment_id=payment.id,
                invoice_id=invoice_id,
                invoice_ref=_external_id(session, connection, invoice_id),
                amount=amount,
            )
        )
    item = OutboxItem(
        idempotency_key=f"{connection}:payment:{key}",
        connection=connection,
        operation="create_payment",
        object_type="payment",
        local_id=payment.id,
        fields="[]",
        status="pending",
        attempts=0,
        next_attempt_at=at,
        created_at=at,
        updated_at=at,
    )
    session.add(item)
    session.flush()
    return payment.id, item.id


def set_invoice_fields(session, connection, invoice_id: int, at, **values) -> int:
    """Change gateway-owned fields as the API does: the row and a coalesced write-back."""
    invoice = session.get_one(Invoice, invoice_id)
    for name, value in values.items():
        setattr(invoice, name, value)
    invoice.updated_at = at
    item = SyncRepository(session).enqueue_field_update(
        connection=connection,
        object_type="invoice",
        local_id=invoice_id,
        external_id=None,
        fields=sorted(values),
        at=at,
    )
    session.flush()
    return item.id


def outbox_counts(session) -> dict[str, int]:
    rows = session.execute(
        select(OutboxItem.status, func.count()).group_by(OutboxItem.status)
    )
    return dict(rows.tuples().all())


def _external_id(session, connection: str, invoice_id: int) -> str:
    """What the API stores: the invoice's id in the payment's ERP (local id if none)."""
    ext = session.scalar(
        select(ExternalRef.external_id).where(
            ExternalRef.connection == connection,
            ExternalRef.object_type == "invoice",
            ExternalRef.local_id == invoice_id,
        )
    )
    return ext or str(invoice_id)


def offline_netsuite(name: str, **overrides: object):
    """Settings of a NetSuite connection whose adapter a test replaces (never dialled)."""
    from gateway.settings import parse_connection

    body = {
        "kind": "netsuite",
        "account": "X",
        "consumer_key": "k",
        "consumer_secret": "s",
        "token_id": "t",
        "token_secret": "s",
        **overrides,
    }
    return parse_connection(name, body, {}, source="test")


def sink_world(database_url: str, clock, name: str):
    """Services with a scripted sink for ``name`` and one customer with one invoice.

    Returns (services, sink, customer id, invoice id).
    """
    from tests.conftest import make_services

    services = make_services(
        database_url, clock, connections={name: offline_netsuite(name)}
    )
    sink = ScriptedSink()
    services.set_adapter(name, sink)
    with services.uow() as uow:
        customer = add_customer(uow.session, name, "100", at=clock.now())
        invoice = add_invoice(uow.session, name, "200", customer, at=clock.now())
        uow.commit()
    return services, sink, customer, invoice
