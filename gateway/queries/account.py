"""One customer's account as the account page shows it.

Header, open items, current priority, latest payments and which open invoices
still wait for a write-back, all read in one session. Every query narrows by the
customer or its invoices first (primary key or an index), so the page costs the
same in a book of a hundred customers or a million invoices.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import select

from gateway.queries.priorities import PriorityView
from gateway.queries.refs import Ref, refs_for
from gateway.store.models import (
    Customer,
    CustomerPriority,
    Invoice,
    OutboxItem,
    Payment,
    PaymentAllocation,
)
from gateway.store.outbox_repo import OPEN

if TYPE_CHECKING:
    from collections.abc import Sequence
    from datetime import date

    from sqlalchemy.orm import Session

    from gateway.bootstrap import Services

RECENT_PAYMENTS = 10


@dataclass(frozen=True, slots=True)
class AccountHeader:
    id: int
    number: str | None
    name: str | None
    currency: str | None
    company: str | None
    segment: str | None
    terms: str | None
    credit_limit: Decimal | None
    collection_status: str | None
    is_active: bool
    deleted: bool
    refs: tuple[Ref, ...]


@dataclass(frozen=True, slots=True)
class AccountItem:
    """An open invoice or credit memo; a credit memo's amounts are negative."""

    id: int
    number: str | None
    kind: str
    currency: str | None
    issue_date: date | None
    due_date: date | None
    days_past_due: int
    open_amount: Decimal | None
    in_dispute: bool
    dunning_level: int | None
    promise_date: date | None
    collection_status: str | None


@dataclass(frozen=True, slots=True)
class PaymentLine:
    id: int
    number: str | None
    payment_date: date | None
    amount: Decimal | None
    unapplied_amount: Decimal | None
    currency: str | None
    status: str
    reference: str | None
    invoices: tuple[str, ...]  # numbers (or remote ids) of the invoices it paid


@dataclass(frozen=True, slots=True)
class AccountRecord:
    header: AccountHeader
    items: tuple[AccountItem, ...]
    priority: PriorityView | None
    payments: tuple[PaymentLine, ...]
    # Open items with a write-back not yet done (pending or being sent).
    pending_writes: frozenset[int]


def _header(session: Session, customer_id: int) -> AccountHeader | None:
    row = session.get(Customer, customer_id)
    if row is None:
        return None
    refs = refs_for(session, "customer", [customer_id]).get(customer_id, ())
    return AccountHeader(
        row.id, row.number, row.name, row.currency, row.company, row.segment,
        row.terms,
        row.credit_limit, row.collection_status, row.is_active, row.deleted, refs,
    )  # fmt: skip


def _item(inv: Invoice, currency: str | None, today: date) -> AccountItem:
    late = (today - inv.due_date).days if inv.due_date else 0
    sign = -1 if inv.kind == "credit_memo" else 1
    return AccountItem(
        id=inv.id,
        number=inv.number,
        kind=inv.kind,
        currency=inv.currency or currency,
        issue_date=inv.issue_date,
        due_date=inv.due_date,
        days_past_due=max(0, late),
        open_amount=None if inv.open_amount is None else sign * inv.open_amount,
        in_dispute=bool(inv.in_dispute),
        dunning_level=inv.dunning_level,
        promise_date=inv.promise_date,
        collection_status=inv.collection_status,
    )


def _items(
    session: Session, header: AccountHeader, today: date
) -> tuple[AccountItem, ...]:
    rows = session.scalars(
        select(Invoice)
        .where(Invoice.customer_id == header.id, Invoice.status == "open")
        .order_by(Invoice.due_date, Invoice.id)
    )
    return tuple(_item(inv, header.currency, today) for inv in rows)


def _priority(session: Session, customer_id: int) -> PriorityView | None:
    p = session.get(CustomerPriority, customer_id)
    if p is None:
        return None
    return PriorityView(
        p.customer_id, p.as_of, p.score, tuple(json.loads(p.reasons)),
        p.group, p.collector, p.risk_score,
    )  # fmt: skip


def _paid_invoices(
    session: Session, payment_ids: Sequence[int]
) -> dict[int, list[str]]:
    rows = session.execute(
        select(
            PaymentAllocation.payment_id, Invoice.number, PaymentAllocation.invoice_ref
        )
        .outerjoin(Invoice, Invoice.id == PaymentAllocation.invoice_id)
        .where(PaymentAllocation.payment_id.in_(payment_ids))
        .order_by(PaymentAllocation.id)
    )
    found: dict[int, list[str]] = defaultdict(list)
    for payment_id, number, invoice_ref in rows:
        found[payment_id].append(number or invoice_ref)
    return found


def _payments(session: Session, customer_id: int) -> tuple[PaymentLine, ...]:
    rows = list(
        session.scalars(
            select(Payment)
            .where(Payment.customer_id == customer_id)
            .order_by(Payment.payment_date.desc().nulls_last(), Payment.id.desc())
            .limit(RECENT_PAYMENTS)
        )
    )
    paid = _paid_invoices(session, [p.id for p in rows]) if rows else {}
    return tuple(
        PaymentLine(
            p.id,
            p.number,
            p.payment_date,
            p.amount,
            p.unapplied_amount,
            p.currency,
            p.status,
            p.reference,
            tuple(paid.get(p.id, ())),
        )
        for p in rows
    )


def _pending_writes(
    session: Session, connections: Sequence[str], items: Sequence[AccountItem]
) -> frozenset[int]:
    if not connections or not items:
        return frozenset()
    # Connection, object type and local id lead the outbox's target index.
    rows = session.scalars(
        select(OutboxItem.local_id)
        .where(
            OutboxItem.connection.in_(connections),
            OutboxItem.object_type == "invoice",
            OutboxItem.local_id.in_([i.id for i in items]),
            OutboxItem.status.in_(OPEN),
        )
        .distinct()
    )
    return frozenset(i for i in rows if i is not None)


def read_account(
    services: Services, customer_id: int, today: date
) -> AccountRecord | None:
    """The customer's account (deleted ones too: the page says so), or None."""
    # Only a configured connection's rows are ever sent, so only they are "pending".
    connections = sorted(services.settings.connections)
    with services.read_uow() as uow:
        header = _header(uow.session, customer_id)
        if header is None:
            return None
        items = _items(uow.session, header, today)
        return AccountRecord(
            header,
            items,
            _priority(uow.session, customer_id),
            _payments(uow.session, customer_id),
            _pending_writes(uow.session, connections, items),
        )
