"""The worklist ordered by strategy priority, and the priorities and scores as read models.

The priorities are computed in a batch (``arbridge score``); a page reads one slice of
``customer_priorities`` through its score index, then aggregates the open invoices of
just those customers, so a page costs the same at 100 customers or 100,000.
A collector's own groups come first: their slice is read through the
(collector, score) index, then everyone else's through the score index.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, or_, select

from gateway.queries.paging import Paged, offset
from gateway.queries.worklist import (
    WorklistFilter,
    _aggregate,
    _open_items,
    _row,
    customer_conditions,
)
from gateway.store.models import Customer, CustomerPriority, CustomerScore

if TYPE_CHECKING:
    from datetime import date

    from sqlalchemy import ColumnElement, Select
    from sqlalchemy.orm import Session

    from gateway.bootstrap import Services
    from gateway.queries.worklist import WorklistRow

_P = CustomerPriority


@dataclass(frozen=True, slots=True)
class PriorityView:
    customer_id: int
    as_of: date
    score: int
    reasons: tuple[str, ...]
    group: str
    collector: str | None
    risk_score: int | None


def priorities_as_of(services: Services) -> date | None:
    """The day of the stored priorities, or None before the first ``arbridge score``."""
    with services.read_uow() as uow:
        return uow.session.scalar(select(_P.as_of).limit(1))


def priority_currencies(services: Services) -> tuple[str, ...]:
    """Currencies of the customers on the prioritized list, for the filter's choices.

    Read from the priorities' currency index, not the open invoices: a distinct over
    a million open invoices takes seconds.
    """
    with services.read_uow() as uow:
        rows = uow.session.scalars(
            select(_P.currency)
            .where(_P.currency.is_not(None))
            .distinct()
            .order_by(_P.currency)
        )
        return tuple(code for code in rows if code)


def _filtered(flt: WorklistFilter, *extra: ColumnElement[bool]) -> Select[Any]:
    query = select(_P).where(*extra)
    if flt.currency:
        query = query.where(_P.currency == flt.currency)
    on_customer = customer_conditions(flt)
    if not on_customer:
        # No customer join: counting then reads a priority index alone. Deleted
        # customers are left out by the scoring run (and by the page's aggregate).
        return query
    # Joined by primary key: the planner walks the score index or scans customers
    # (the segment lines of tests/bench/scoring.py measure both at 100,000).
    return query.join(Customer, Customer.id == _P.customer_id).where(*on_customer)


def _count(session: Session, query: Select[Any]) -> int:
    return session.execute(
        select(func.count()).select_from(query.subquery())
    ).scalar_one()


def _slice(
    session: Session, query: Select[Any], start: int, size: int
) -> list[CustomerPriority]:
    if size <= 0:
        return []
    ordered = query.order_by(_P.score.desc(), _P.customer_id.desc())
    return list(session.scalars(ordered.offset(start).limit(size)))


def _page_rows(
    session: Session, flt: WorklistFilter, mine: str | None, start: int, size: int
) -> tuple[list[CustomerPriority], int]:
    if mine is None:
        query = _filtered(flt)
        return _slice(session, query, start, size), _count(session, query)
    own = _filtered(flt, _P.collector == mine)
    others = _filtered(flt, or_(_P.collector.is_(None), _P.collector != mine))
    own_total, total = _count(session, own), _count(session, _filtered(flt))
    rows = _slice(session, own, start, min(size, own_total - start))
    rest = _slice(session, others, max(0, start - own_total), size - len(rows))
    return rows + rest, total


def prioritized_page(
    services: Services, flt: WorklistFilter, *, today: date, page: int, per_page: int,
    mine: str | None = None,
) -> Paged[WorklistRow]:  # fmt: skip
    """A worklist page in priority order (``mine``: this collector's groups first)."""
    with services.read_uow() as uow:
        prios, total = _page_rows(
            uow.session, flt, mine, offset(page, per_page), per_page
        )
        ids = [p.customer_id for p in prios]
        aggregates = (
            uow.session.execute(_aggregate(flt, today, ids)).all() if ids else []
        )
        items = _open_items(uow.session, ids, today)
        by_customer: dict[int, list[WorklistRow]] = {}
        for agg in aggregates:
            row = _row(agg, items.get((agg.id, agg.currency), []), today)
            by_customer.setdefault(agg.id, []).append(row)
        rows = [
            dataclasses.replace(row, priority=p.score, reasons=tuple(json.loads(p.reasons)),
                                risk_score=p.risk_score, collector=p.collector)
            for p in prios for row in by_customer.get(p.customer_id, [])
        ]  # fmt: skip
        return Paged(tuple(rows), page, per_page, total)


def _view(p: CustomerPriority) -> PriorityView:
    return PriorityView(
        p.customer_id, p.as_of, p.score, tuple(json.loads(p.reasons)),
        p.group, p.collector, p.risk_score,
    )  # fmt: skip


def list_priorities(
    services: Services, *, page: int, per_page: int, collector: str | None = None,
    segment: str | None = None,
) -> Paged[PriorityView]:  # fmt: skip
    extra = [] if collector is None else [_P.collector == collector]
    with services.read_uow() as uow:
        query = _filtered(WorklistFilter(segment=segment), *extra)
        rows = _slice(uow.session, query, offset(page, per_page), per_page)
        return Paged(
            tuple(_view(p) for p in rows), page, per_page, _count(uow.session, query)
        )


def latest_score(services: Services, customer_id: int) -> dict[str, Any] | None:
    """The customer's most recent score with its component breakdown."""
    with services.read_uow() as uow:
        found = uow.session.scalars(
            select(CustomerScore)
            .where(CustomerScore.customer_id == customer_id)
            .order_by(CustomerScore.as_of.desc())
            .limit(1)
        ).first()
        if found is None:
            return None
        return {
            "customer": found.customer_id, "as_of": found.as_of.isoformat(),
            "total": found.total, "version": found.version,
            "components": json.loads(found.components),
        }  # fmt: skip
