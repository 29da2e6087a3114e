"""Invoices and credit memos as the API shows them."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, func, not_, or_, select

from gateway.queries.paging import Paged, offset
from gateway.queries.refs import Ref, refs_for
from gateway.store.models import Invoice

if TYPE_CHECKING:
    from collections.abc import Sequence
    from datetime import date, datetime
    from decimal import Decimal

    from sqlalchemy import ColumnElement, Row, Select
    from sqlalchemy.orm import Session

    from gateway.bootstrap import Services

STATUSES = ("open", "paid", "void", "deleted")


@dataclass(frozen=True, slots=True)
class InvoiceFilter:
    customer_id: int | None = None
    status: str | None = None
    overdue: bool | None = None
    currency: str | None = None


@dataclass(frozen=True, slots=True)
class InvoiceView:
    id: int
    customer_id: int | None
    number: str | None
    kind: str
    company: str | None
    currency: str | None
    amount: Decimal | None
    open_amount: Decimal | None
    issue_date: date | None
    due_date: date | None
    status: str
    memo: str | None
    collection_status: str | None
    dunning_level: int | None
    promise_date: date | None
    in_dispute: bool | None
    created_at: datetime
    updated_at: datetime
    refs: tuple[Ref, ...] = ()

    def days_overdue(self, today: date) -> int:
        """Days past the due date of an open item; 0 when not overdue."""
        if self.status != "open" or self.due_date is None:
            return 0
        return max(0, (today - self.due_date).days)


_COLUMNS = tuple(f.name for f in fields(InvoiceView) if f.name != "refs")


def overdue_condition(today: date) -> ColumnElement[bool]:
    """Overdue means open and past due as of ``today`` (the services clock)."""
    return and_(Invoice.status == "open", Invoice.due_date < today)


def _filtered(
    query: Select[*tuple[Any, ...]], flt: InvoiceFilter, today: date
) -> Select[*tuple[Any, ...]]:
    if flt.customer_id is not None:
        query = query.where(Invoice.customer_id == flt.customer_id)
    if flt.status:
        query = query.where(Invoice.status == flt.status)
    if flt.currency:
        query = query.where(Invoice.currency == flt.currency)
    if flt.overdue is True:
        query = query.where(overdue_condition(today))
    elif flt.overdue is False:
        # A NULL due date is never overdue; spelled out because NOT(NULL) is NULL.
        query = query.where(
            or_(Invoice.due_date.is_(None), not_(overdue_condition(today)))
        )
    return query


def _views(
    session: Session, rows: Sequence[Row[*tuple[Any, ...]]]
) -> tuple[InvoiceView, ...]:
    refs = refs_for(session, "invoice", [row.id for row in rows])
    return tuple(
        InvoiceView(
            **{name: getattr(row, name) for name in _COLUMNS},
            refs=refs.get(row.id, ()),
        )
        for row in rows
    )


def list_invoices(
    services: Services, flt: InvoiceFilter, *, today: date, page: int, per_page: int
) -> Paged[InvoiceView]:
    columns = [getattr(Invoice, name) for name in _COLUMNS]
    with services.read_uow() as uow:
        total = uow.session.execute(
            _filtered(select(func.count(Invoice.id)), flt, today)
        ).scalar_one()
        rows = uow.session.execute(
            _filtered(select(*columns), flt, today)
            .order_by(Invoice.id)
            .limit(per_page)
            .offset(offset(page, per_page))
        ).all()
        return Paged(_views(uow.session, rows), page, per_page, total)


def get_invoice(services: Services, invoice_id: int) -> InvoiceView | None:
    columns = [getattr(Invoice, name) for name in _COLUMNS]
    with services.read_uow() as uow:
        rows = uow.session.execute(
            select(*columns).where(Invoice.id == invoice_id)
        ).all()
        views = _views(uow.session, rows)
        return views[0] if views else None
