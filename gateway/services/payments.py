"""Record a payment handed in by a portal or bank feed, to be posted to the ERP.

The payment row (``pending`` until the worker posts it), its allocations, the outbox
row and the audit entries are written in one transaction: either the ERP will hear of
the payment exactly as stored, or nothing was stored at all.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from gateway.audit.log import AuditLog, AuditRecord
from gateway.audit.tags import Action, tag
from gateway.queries.payments import PaymentView, payment_view
from gateway.services import payment_input as inp
from gateway.services.payment_input import Line, NewPayment, RecordRef, Target
from gateway.services.write_errors import InvalidInput, StateConflict
from gateway.services.write_targets import erp_connections
from gateway.store import payments_repo
from gateway.store.models import OutboxItem, Payment, PaymentAllocation
from rules.encoding import encode_decimal

if TYPE_CHECKING:
    from datetime import datetime

    from sqlalchemy.orm import Session

    from gateway.bootstrap import Services
    from gateway.store.models import Customer

CREATE_TAG = tag("gateway", "payment", Action.CREATE)


@dataclass(frozen=True, slots=True)
class Recorded:
    payment: PaymentView
    created: bool  # False: the idempotency key was seen before; this is that payment


def record_payment(services: Services, command: NewPayment, actor: str) -> Recorded:
    """Store a new payment, or return the one stored under the same key."""
    with services.uow() as uow:
        session = uow.session
        payments_repo.lock_key(session, command.idempotency_key)
        existing = payments_repo.payment_by_key(session, command.idempotency_key)
        if existing is not None:
            return _replay(session, existing, command)
        customer = inp.customer(session, command.customer)
        connection, lines = _plan(services, session, customer, command)
        now = services.clock.now()
        row = _payment_row(customer, command, lines, now)
        outbox = _outbox_row(connection, command.idempotency_key, now)
        allocations = [
            PaymentAllocation(invoice_id=ln.invoice.id, invoice_ref=ln.external_id,
                              amount=ln.amount)
            for ln in lines
        ]  # fmt: skip
        if not payments_repo.insert_payment(session, row, allocations, outbox):
            return _after_race(session, command)
        AuditLog(session).append(_audit(row, connection, lines, actor), now)
        uow.commit()
        return Recorded(payment_view(row, allocations), created=True)


def _after_race(session: Session, command: NewPayment) -> Recorded:
    existing = payments_repo.payment_by_key(session, command.idempotency_key)
    if existing is None:  # the key clashed with an outbox row, not a payment
        raise StateConflict(
            f"idempotency_key {command.idempotency_key!r} is already used by "
            "another write-back",
            field="idempotency_key",
        )
    return _replay(session, existing, command)


def _replay(session: Session, row: Payment, command: NewPayment) -> Recorded:
    """The same key again: the first payment, if the request says the same thing."""
    allocations = payments_repo.allocations_of(session, row.id)
    stored = _fingerprint_of_row(row, allocations)
    if stored != _fingerprint_of_command(session, command):
        raise StateConflict(
            f"idempotency_key {command.idempotency_key!r} was already used for "
            f"payment {row.id} with different values",
            field="idempotency_key",
        )
    return Recorded(payment_view(row, allocations), created=False)


def _fingerprint_of_row(
    row: Payment, allocations: list[PaymentAllocation]
) -> tuple[object, ...]:
    lines = sorted((a.invoice_id, a.amount) for a in allocations if a.invoice_id)
    return (row.customer_id, row.amount, row.currency, row.payment_date,
            row.reference, lines)  # fmt: skip


def _fingerprint_of_command(
    session: Session, command: NewPayment
) -> tuple[object, ...]:
    lines = sorted(
        (inp.local_id(session, "invoice", a.invoice), a.amount)
        for a in command.allocations
    )
    customer_id = inp.local_id(session, "customer", command.customer)
    return (customer_id, command.amount, command.currency, command.payment_date,
            command.reference, lines)  # fmt: skip


def _plan(
    services: Services, session: Session, customer: Customer, command: NewPayment
) -> tuple[str, list[Line]]:
    """The ERP connection to post to and the checked allocation lines."""
    if command.currency != (customer.currency or command.currency):
        raise InvalidInput(
            f"currency {command.currency} does not match customer {customer.id}'s "
            f"currency {customer.currency}",
            field="currency",
        )
    connection = _connection(services, session, customer, command.customer)
    wanted = [inp.local_id(session, "invoice", a.invoice) for a in command.allocations]
    payments_repo.lock_invoices(session, [i for i in wanted if i is not None])
    lines = [
        inp.line(session, customer, command, connection, a) for a in command.allocations
    ]
    inp.check_totals(session, command, lines)
    return connection, lines


def _connection(
    services: Services, session: Session, customer: Customer, target: Target
) -> str:
    erps = erp_connections(
        services, payments_repo.refs_of(session, "customer", customer.id)
    )
    if isinstance(target, RecordRef) and target.connection in erps:
        return target.connection
    if len(erps) != 1:
        if not erps:
            raise InvalidInput(
                f"customer {customer.id} is held by no configured ERP connection, "
                "so the payment could not be posted",
                field="customer",
            )
        raise InvalidInput(
            f"customer {customer.id} is held by several ERP connections "
            f"({', '.join(sorted(erps))}); name it as {{connection, external_id}}",
            field="customer",
        )
    return next(iter(erps))


def _payment_row(
    customer: Customer, command: NewPayment, lines: list[Line], now: datetime
) -> Payment:
    applied = sum((line.amount for line in lines), Decimal(0))
    return Payment(
        customer_id=customer.id,
        currency=command.currency,
        amount=command.amount,
        unapplied_amount=command.amount - applied,
        payment_date=command.payment_date,
        status="pending",  # until the worker has posted it to the ERP
        idempotency_key=command.idempotency_key,
        reference=command.reference,
        created_at=now,
        updated_at=now,
    )


def _outbox_row(connection: str, key: str, now: datetime) -> OutboxItem:
    # The key is deterministic: the remote stores it (NetSuite external id), so a
    # retried post after a lost response finds the first one instead of doubling it.
    return OutboxItem(
        connection=connection,
        operation="create_payment",
        object_type="payment",
        idempotency_key=f"{connection}:payment:{key}",
        status="pending",
        attempts=0,
        next_attempt_at=now,
        fields="[]",
        created_at=now,
        updated_at=now,
    )


def _audit(
    row: Payment, connection: str, lines: list[Line], actor: str
) -> list[AuditRecord]:
    summary = {
        "customer": row.customer_id,
        "amount": encode_decimal(row.amount or Decimal(0)),
        "currency": row.currency,
        "payment_date": row.payment_date.isoformat() if row.payment_date else None,
        "reference": row.reference,
        "idempotency_key": row.idempotency_key,
        "status": row.status,
    }
    allocations = [[str(ln.invoice.id), encode_decimal(ln.amount)] for ln in lines]
    return [
        _entry(row, connection, actor, "*", summary),
        _entry(row, connection, actor, "allocations", allocations),
    ]


def _entry(
    row: Payment, connection: str, actor: str, field: str, new: object
) -> AuditRecord:
    return AuditRecord(
        tag=CREATE_TAG,
        object_type="payment",
        field=field,
        actor=actor,
        connection=connection,
        local_id=row.id,
        new=json.dumps(new, separators=(",", ":")),
        rule="owner:gateway",
    )
