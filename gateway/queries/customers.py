"""Customers as the API shows them."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select

from gateway.queries.paging import Paged, offset
from gateway.queries.refs import Ref, refs_for
from gateway.store.models import Customer

if TYPE_CHECKING:
    from collections.abc import Sequence
    from datetime import datetime
    from decimal import Decimal

    from sqlalchemy import Row, Select
    from sqlalchemy.orm import Session

    from gateway.bootstrap import Services


@dataclass(frozen=True, slots=True)
class CustomerFilter:
    q: str | None = None
    currency: str | None = None


@dataclass(frozen=True, slots=True)
class CustomerView:
    id: int
    number: str | None
    name: str | None
    email: str | None
    phone: str | None
    currency: str | None
    credit_limit: Decimal | None
    company: str | None
    terms: str | None
    segment: str | None
    is_active: bool
    collection_status: str | None
    risk_score: int | None
    created_at: datetime
    updated_at: datetime
    refs: tuple[Ref, ...] = ()


_COLUMNS = tuple(f.name for f in fields(CustomerView) if f.name != "refs")


def _filtered(
    query: Select[*tuple[Any, ...]], flt: CustomerFilter
) -> Select[*tuple[Any, ...]]:
    # Retired (deleted) customers stay in the mirror for the audit trail only.
    query = query.where(Customer.deleted.is_(False))
    if flt.q:
        query = query.where(
            Customer.name.icontains(flt.q, autoescape=True)
            | Customer.number.icontains(flt.q, autoescape=True)
        )
    if flt.currency:
        query = query.where(Customer.currency == flt.currency)
    return query


def _views(
    session: Session, rows: Sequence[Row[*tuple[Any, ...]]]
) -> tuple[CustomerView, ...]:
    refs = refs_for(session, "customer", [row.id for row in rows])
    return tuple(
        CustomerView(
            **{name: getattr(row, name) for name in _COLUMNS}, refs=refs.get(row.id, ())
        )
        for row in rows
    )


def list_customers(
    services: Services, flt: CustomerFilter, *, page: int, per_page: int
) -> Paged[CustomerView]:
    columns = [getattr(Customer, name) for name in _COLUMNS]
    with services.read_uow() as uow:
        total = uow.session.execute(
            _filtered(select(func.count(Customer.id)), flt)
        ).scalar_one()
        rows = uow.session.execute(
            _filtered(select(*columns), flt)
            .order_by(Customer.id)
            .limit(per_page)
            .offset(offset(page, per_page))
        ).all()
        return Paged(_views(uow.session, rows), page, per_page, total)


def get_customer(services: Services, customer_id: int) -> CustomerView | None:
    columns = [getattr(Customer, name) for name in _COLUMNS]
    with services.read_uow() as uow:
        rows = uow.session.execute(
            select(*columns).where(
                Customer.id == customer_id, Customer.deleted.is_(False)
            )
        ).all()
        views = _views(uow.session, rows)
        return views[0] if views else None
