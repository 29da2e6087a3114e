"""The unapplied credit memos the KPIs report beside receivables (from the mirror).

Open credit memos issued by the as-of date, at today's open amount, per group key
and currency: how much of a credit memo was applied by a past date is not in the
mirror. A partial index (``ix_invoices_open_credits``) holds exactly these rows.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import BigInteger, and_, func, null, select, type_coerce

from gateway.store.models import Customer, ExternalRef, Invoice

if TYPE_CHECKING:
    from datetime import date

    from sqlalchemy import ColumnElement, Select

    from gateway.queries.kpi_sql import Scope


def _units(column: Any) -> ColumnElement[int]:
    return type_coerce(column, BigInteger())


CURRENCY = func.coalesce(Invoice.currency, Customer.currency)


def _source_key(group: str) -> Any:
    if group == "customer":
        return Invoice.customer_id
    if group == "segment":
        # The customer's segment; an invoice of a customer without one has key NULL.
        return Customer.segment
    if group == "company":
        return Invoice.company
    if group == "connection":
        return ExternalRef.connection
    return null()


def unapplied_credits(scope: Scope, as_of: date) -> Select[Any]:
    """Open credit memos issued by ``as_of`` per (key, currency), at today's amount.

    How much of a credit memo was applied by a past date is not in the mirror.
    """
    query = select(
        _source_key(scope.group).label("key"),
        CURRENCY.label("currency"),
        func.sum(_units(Invoice.open_amount)).label("credits"),
    ).select_from(Invoice)
    query = query.outerjoin(Customer, Customer.id == Invoice.customer_id)
    if scope.group == "connection":
        query = query.join(
            ExternalRef,
            and_(
                ExternalRef.object_type == "invoice", ExternalRef.local_id == Invoice.id
            ),
        )
    if scope.currency:
        # SIM300 takes the upper-case SQL expression for a constant.
        query = query.where(CURRENCY == scope.currency)  # noqa: SIM300
    query = query.where(
        Invoice.kind == "credit_memo",
        Invoice.status == "open",
        Invoice.issue_date <= as_of,
    )
    if scope.group == "none":
        return query.group_by(CURRENCY)
    return query.group_by(_source_key(scope.group), CURRENCY)
