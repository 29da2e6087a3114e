"""The collector's worklist: customers with open items, most overdue first.

Two queries per page, whatever its size: one aggregate over open invoices grouped by
customer and currency, then one for the open invoices of the customers on the page.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import case, func, select

from gateway.queries.paging import Paged, chunks, offset
from gateway.store.models import Customer, Invoice

if TYPE_CHECKING:
    from datetime import date

    from sqlalchemy import ColumnElement, Row, Select
    from sqlalchemy.orm import Session

    from gateway.bootstrap import Services

ZERO = Decimal("0.00")
# The segment filter's value for customers without one (segment IS NULL). Unlikely
# as an ERP category name; a category named exactly "(none)" would read as no segment.
NO_SEGMENT = "(none)"


@dataclass(frozen=True, slots=True)
class WorklistFilter:
    q: str | None = None
    currency: str | None = None
    # The customer's segment, or NO_SEGMENT for customers without one.
    segment: str | None = None


@dataclass(frozen=True, slots=True)
class OpenItem:
    id: int
    number: str | None
    kind: str
    issue_date: date | None
    due_date: date | None
    days_overdue: int
    amount: Decimal | None
    open_amount: Decimal | None
    collection_status: str | None


@dataclass(frozen=True, slots=True)
class WorklistRow:
    customer_id: int
    number: str | None
    name: str | None
    currency: str | None
    overdue: Decimal
    open_total: Decimal
    oldest_days_past_due: int
    open_count: int
    items: tuple[OpenItem, ...]
    # Set when the worklist is ordered by strategy priority (gateway.queries.priorities).
    priority: int | None = None
    reasons: tuple[str, ...] = ()
    risk_score: int | None = None
    collector: str | None = None


# The customer's currency decides when an invoice carries none (it should not happen
# with a healthy mapping, but a NULL must not split or drop a customer's row).
_CURRENCY = func.coalesce(Invoice.currency, Customer.currency)
# The mirror keeps credit memo amounts positive (``kind`` says what they are); an
# unapplied credit lowers what the customer owes, so it counts negative here.
_SIGNED_OPEN = case(
    (Invoice.kind == "credit_memo", -Invoice.open_amount), else_=Invoice.open_amount
)


def customer_conditions(flt: WorklistFilter) -> list[ColumnElement[bool]]:
    """The filter's conditions on the customer row (search text and segment)."""
    found: list[ColumnElement[bool]] = []
    if flt.q:
        found.append(
            Customer.name.icontains(flt.q, autoescape=True)
            | Customer.number.icontains(flt.q, autoescape=True)
        )
    if flt.segment == NO_SEGMENT:
        found.append(Customer.segment.is_(None))
    elif flt.segment:
        found.append(Customer.segment == flt.segment)
    return found


def _aggregate(
    flt: WorklistFilter, today: date, customer_ids: list[int] | None = None
) -> Select[*tuple[Any, ...]]:
    overdue = func.sum(case((Invoice.due_date < today, Invoice.open_amount), else_=0))
    oldest = func.min(case((Invoice.due_date < today, Invoice.due_date)))
    query: Select[*tuple[Any, ...]] = (
        select(
            Customer.id,
            Customer.number,
            Customer.name,
            _CURRENCY.label("currency"),
            overdue.label("overdue"),
            func.sum(_SIGNED_OPEN).label("open_total"),
            oldest.label("oldest_due"),
            func.count(Invoice.id).label("open_count"),
            func.count().over().label("total_rows"),
        )
        .join(Invoice, Invoice.customer_id == Customer.id)
        .where(Invoice.status == "open", Customer.deleted.is_(False))
        # Grouping by currency too means amounts in different currencies are never
        # summed together; a customer normally has one currency, hence one row.
        .group_by(Customer.id, Customer.number, Customer.name, _CURRENCY)
        # Ordering compares overdue amounts across currencies as bare numbers. A true
        # cross-currency ranking needs FX rates (future work); filter by currency to
        # get an exact ranking within one currency.
        .order_by(overdue.desc(), func.sum(_SIGNED_OPEN).desc(), Customer.id)
    )
    if customer_ids is not None:
        query = query.where(Customer.id.in_(customer_ids))
    query = query.where(*customer_conditions(flt))
    if flt.currency:
        # SIM300 takes the upper-case SQL expression for a constant.
        query = query.where(_CURRENCY == flt.currency)  # noqa: SIM300
    return query


def _open_items(
    session: Session, customer_ids: list[int], today: date
) -> dict[tuple[int, str | None], list[OpenItem]]:
    found: dict[tuple[int, str | None], list[OpenItem]] = defaultdict(list)
    for chunk in chunks(customer_ids):
        rows = session.execute(
            select(Invoice, _CURRENCY.label("currency"))
            .join(Customer, Invoice.customer_id == Customer.id)
            .where(Invoice.customer_id.in_(chunk), Invoice.status == "open")
            .order_by(Invoice.due_date, Invoice.id)
        ).all()
        for inv, currency in rows:
            # Only invoices of the page's customers were selected, so customer_id is set.
            found[(inv.customer_id or 0, currency)].append(_item(inv, today))
    return found


def _item(inv: Invoice, today: date) -> OpenItem:
    late = (today - inv.due_date).days if inv.due_date else 0
    sign = -1 if inv.kind == "credit_memo" else 1
    return OpenItem(
        id=inv.id,
        number=inv.number,
        kind=inv.kind,
        issue_date=inv.issue_date,
        due_date=inv.due_date,
        days_overdue=max(0, late),
        amount=None if inv.amount is None else sign * inv.amount,
        open_amount=None if inv.open_amount is None else sign * inv.open_amount,
        collection_status=inv.collection_status,
    )


def _row(row: Row[*tuple[Any, ...]], items: list[OpenItem], today: date) -> WorklistRow:
    oldest = row.oldest_due
    return WorklistRow(
        customer_id=row.id,
        number=row.number,
        name=row.name,
        currency=row.currency,
        # SUM over only NULL amounts is NULL; show it as nothing owed.
        overdue=row.overdue or ZERO,
        open_total=row.open_total or ZERO,
        oldest_days_past_due=(today - oldest).days if oldest else 0,
        open_count=row.open_count,
        items=tuple(items),
    )


def worklist_page(
    services: Services, flt: WorklistFilter, *, today: date, page: int, per_page: int
) -> Paged[WorklistRow]:
    with services.read_uow() as uow:
        rows = uow.session.execute(
            _aggregate(flt, today).limit(per_page).offset(offset(page, per_page))
        ).all()
        if rows:
            total = rows[0].total_rows
        else:
            # Past the last page the window count has no row to ride on.
            total = uow.session.execute(
                select(func.count()).select_from(_aggregate(flt, today).subquery())
            ).scalar_one()
        items = _open_items(uow.session, [row.id for row in rows], today)
        page_rows = tuple(
            _row(row, items.get((row.id, row.currency), []), today) for row in rows
        )
        return Paged(page_rows, page, per_page, total)


def worklist_currencies(services: Services) -> tuple[str, ...]:
    """Currencies that have open items, for the filter's choices."""
    with services.read_uow() as uow:
        rows = uow.session.execute(
            select(_CURRENCY)
            .select_from(Invoice)
            .join(Customer, Invoice.customer_id == Customer.id)
            .where(Invoice.status == "open", _CURRENCY.is_not(None))
            .distinct()
            .order_by(_CURRENCY)
        ).scalars()
        return tuple(rows)


def worklist_segments(services: Services) -> tuple[str, ...]:
    """Segments of the mirror's customers, for the filter's choices.

    Sorted by name, then NO_SEGMENT when some customers have none.
    """
    with services.read_uow() as uow:
        found = set(
            uow.session.scalars(
                select(Customer.segment).where(Customer.deleted.is_(False)).distinct()
            )
        )
    named = sorted(segment for segment in found if segment)
    return (*named, NO_SEGMENT) if None in found else tuple(named)
