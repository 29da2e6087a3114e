"""Read the mirror into rules.exposure.CustomerFacts, as of a date, for a scoring run.

A handful of whole-table reads (customers, open items, promises, disputes, recent
settlements), each folded in Python: one pass per table, never one query per customer.
"As of" filters what was issued, promised or settled by that day; an invoice's open
amount is today's (the mirror keeps no history of open amounts).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select

from gateway.store.models import (
    Customer,
    Dispute,
    Invoice,
    Payment,
    PaymentAllocation,
    Promise,
)
from rules.exposure import (
    NOTHING_OPEN,
    CustomerFacts,
    Exposure,
    OpenItem,
    summarize,
)

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping

    from sqlalchemy.orm import Session

BROKEN_LOOKBACK_DAYS = 365
RECENT_DAYS = 90  # trend: settled in the last 90 days against the 275 days before
_STREAM_ROWS = 10_000


@dataclass
class _Promises:
    broken: int = 0
    last_broken: date | None = None
    kept: int = 0
    evaluated: int = 0
    open_dates: list[date] = field(default_factory=list)


def open_items(session: Session, as_of: date) -> Iterator[OpenItem]:
    """Stream the open items issued by ``as_of`` (server-side, in chunks)."""
    # Any: the query excludes NULL customer ids, which the column type cannot show.
    rows: Any = session.execute(
        select(
            Invoice.customer_id,
            Invoice.kind,
            Invoice.due_date,
            Invoice.open_amount,
            Invoice.in_dispute,
            Invoice.dunning_level,
        )
        .where(Invoice.status == "open", Invoice.customer_id.is_not(None))
        .where((Invoice.issue_date <= as_of) | Invoice.issue_date.is_(None)),
        execution_options={"yield_per": _STREAM_ROWS},
    )
    for cid, kind, due, amount, dispute, dunning in rows:
        yield OpenItem(
            cid,
            kind == "credit_memo",
            due,
            amount or Decimal(0),
            bool(dispute),
            dunning or 0,
        )


def _promises(session: Session, as_of: date) -> dict[int, _Promises]:
    out: dict[int, _Promises] = defaultdict(_Promises)
    since = as_of - timedelta(days=BROKEN_LOOKBACK_DAYS)
    rows = session.execute(
        select(Promise.customer_id, Promise.state, Promise.promised_date,
               Promise.tolerance_days, Promise.created_at)
    )  # fmt: skip
    for cid, state, promised, tolerance, created_at in rows:
        if created_at.date() > as_of:
            continue
        acc = out[cid]
        deadline = promised + timedelta(days=tolerance)
        if state == "open":
            acc.open_dates.append(promised)
            continue
        acc.evaluated += 1
        acc.kept += state == "kept"
        if state == "broken" and since <= deadline <= as_of:
            acc.broken += 1
            acc.last_broken = max(acc.last_broken or deadline, deadline)
    return out


def _disputes(session: Session, as_of: date) -> tuple[dict[int, int], dict[int, date]]:
    open_count: dict[int, int] = defaultdict(int)
    resolved: dict[int, date] = {}
    rows: Any = session.execute(
        select(Invoice.customer_id, Dispute.state, Dispute.closed_at)
        .join(Invoice, Dispute.invoice_id == Invoice.id)
        .where(Invoice.customer_id.is_not(None))
    )
    for cid, state, closed_at in rows:
        closed = closed_at.date() if closed_at is not None else None
        if state == "open" or closed is None or closed > as_of:
            open_count[cid] += 1
        elif cid not in resolved or closed > resolved[cid]:
            resolved[cid] = closed
    return open_count, resolved


def _lateness(
    session: Session, as_of: date
) -> dict[int, tuple[Decimal | None, Decimal | None]]:
    """Amount-weighted days late of invoices settled recently and before that."""
    paid_on = func.max(Payment.payment_date).label("paid_on")
    since = as_of - timedelta(days=BROKEN_LOOKBACK_DAYS)
    settled = (
        select(Invoice.customer_id, Invoice.due_date, Invoice.amount, paid_on)
        .join(PaymentAllocation, PaymentAllocation.invoice_id == Invoice.id)
        .join(Payment, Payment.id == PaymentAllocation.payment_id)
        .where(Invoice.status == "paid", Invoice.due_date.is_not(None))
        .where(Payment.status == "posted", Payment.payment_date <= as_of)
        .group_by(Invoice.id, Invoice.customer_id, Invoice.due_date, Invoice.amount)
        .having(paid_on >= since)
    )
    sums: dict[int, list[Decimal]] = defaultdict(lambda: [Decimal(0)] * 4)
    cut = as_of - timedelta(days=RECENT_DAYS)
    rows: Any = session.execute(settled)  # customer and dates are not NULL here
    for cid, due, amount, paid in rows:
        weight = amount or Decimal(0)
        slot = 0 if paid > cut else 2
        sums[cid][slot] += weight * (paid - due).days
        sums[cid][slot + 1] += weight
    return {cid: (_mean(s[0], s[1]), _mean(s[2], s[3])) for cid, s in sums.items()}


def _mean(total: Decimal, weight: Decimal) -> Decimal | None:
    return (total / weight).quantize(Decimal("0.1")) if weight else None


def customer_facts(
    session: Session, as_of: date, p_late: Mapping[int, Decimal] | None = None
) -> list[CustomerFacts]:
    """Facts for every live customer as of ``as_of``.

    Customers with nothing open are scored too (their history still speaks: broken
    promises, trend), so the risk score an ERP shows stays current after a customer
    pays up; the strategies leave them off the worklist.
    """
    exposures = summarize(open_items(session, as_of), as_of)
    promises = _promises(session, as_of)
    disputes, resolved = _disputes(session, as_of)
    lateness = _lateness(session, as_of)
    customers = session.execute(
        select(Customer.id, Customer.company, Customer.currency, Customer.terms,
               Customer.segment, Customer.collection_status, Customer.credit_limit)
        .where(Customer.deleted.is_(False))
    )  # fmt: skip
    facts: list[CustomerFacts] = []
    for cid, company, currency, terms, segment, status, limit in customers:
        exposure = exposures.get(cid, NOTHING_OPEN)
        facts.append(_facts(cid, exposure, promises.get(cid, _Promises()),
            attributes={"company": company, "currency": currency, "terms": terms,
                        "segment": segment, "collection_status": status},
            credit_limit=limit, open_disputes=disputes.get(cid, 0),
            last_dispute_resolved_on=resolved.get(cid),
            lateness=lateness.get(cid, (None, None)),
            p_late=(p_late or {}).get(cid)))  # fmt: skip
    return facts


def _facts(
    cid: int, exposure: Exposure, promises: _Promises, *,
    lateness: tuple[Decimal | None, Decimal | None], **kwargs: object,
) -> CustomerFacts:  # fmt: skip
    return CustomerFacts(
        customer_id=cid, exposure=exposure, broken_promises=promises.broken,
        last_broken_on=promises.last_broken, kept_promises=promises.kept,
        evaluated_promises=promises.evaluated,
        open_promise_dates=tuple(promises.open_dates),
        recent_days_late=lateness[0], prior_days_late=lateness[1],
        **kwargs,  # type: ignore[arg-type]
    )  # fmt: skip
