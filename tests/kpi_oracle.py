"""The KPI SQL as it was before the KPI ledger: one pass over invoices and payments.

Kept as the oracle of the ledger queries: tests/unit/gateway/test_kpi_ledger.py
checks that the sums the gateway computes now equal, on random and odd mirrors,
what this single aggregate gave (and what the API therefore returned) before.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    and_,
    case,
    func,
    select,
)

# The grouping key, currency and unit helpers are the production ones: the oracle
# checks the ledger's sums, not how a group is named.
from gateway.queries.kpi_credits import CURRENCY, _units
from gateway.queries.kpi_credits import _source_key as _key_column
from gateway.queries.kpi_sql import Detail, Plan, Scope, days_between
from gateway.store.models import (
    Customer,
    ExternalRef,
    Invoice,
    Payment,
    PaymentAllocation,
)

if TYPE_CHECKING:
    from datetime import date

    from sqlalchemy import ColumnElement, Select, Subquery

    from rules.aging import Bucket
    from rules.kpi_inputs import Window


def _scoped(query: Select[Any], scope: Scope) -> Select[Any]:
    query = query.outerjoin(Customer, Customer.id == Invoice.customer_id)
    if scope.group == "connection":
        # An invoice known to several systems counts once in each of their groups.
        query = query.join(
            ExternalRef,
            and_(
                ExternalRef.object_type == "invoice", ExternalRef.local_id == Invoice.id
            ),
        )
    if scope.currency:
        # SIM300 takes the upper-case SQL expression for a constant.
        query = query.where(CURRENCY == scope.currency)  # noqa: SIM300
    return query


def _allocations(plan: Plan) -> Subquery:
    amount = _units(PaymentAllocation.amount)
    day = Payment.payment_date
    upto = [
        func.sum(case((day <= snap, amount), else_=0)).label(f"upto_{k}")
        for k, snap in enumerate(plan.snaps)
    ]
    return (
        select(
            PaymentAllocation.invoice_id.label("invoice_id"),
            func.sum(amount).label("total"),
            *upto,
            func.max(case((day <= plan.snaps[0], day))).label("last_paid"),
        )
        .join(Payment, Payment.id == PaymentAllocation.payment_id)
        .where(
            Payment.status == "posted",
            day.is_not(None),
            PaymentAllocation.invoice_id.is_not(None),
        )
        .group_by(PaymentAllocation.invoice_id)
        .subquery("alloc")
    )


def _clamp(value: ColumnElement[int], high: ColumnElement[int]) -> ColumnElement[int]:
    return case((value < 0, 0), (value > high, high), else_=value)


def invoice_rows(plan: Plan, scope: Scope) -> Subquery:
    """One row per invoice in scope: key, currency, dates, net and open amounts."""
    alloc = _allocations(plan)
    amount = _units(Invoice.amount)
    open_now = func.coalesce(
        _units(Invoice.open_amount), case((Invoice.status == "paid", 0), else_=amount)
    )
    undated = amount - open_now - func.coalesce(alloc.c.total, 0)
    net = amount - case((undated > 0, undated), else_=0)
    opens = [
        case(
            (Invoice.issue_date > snap, 0),
            else_=_clamp(net - func.coalesce(alloc.c[f"upto_{k}"], 0), net),
        ).label(f"open_{k}")
        for k, snap in enumerate(plan.snaps)
    ]
    query = select(
        _key_column(scope.group).label("key"),
        CURRENCY.label("currency"),
        Invoice.issue_date.label("issue"),
        func.coalesce(Invoice.due_date, Invoice.issue_date).label("due"),
        net.label("net"),
        alloc.c.last_paid.label("last_paid"),
        *opens,
    ).outerjoin(alloc, alloc.c.invoice_id == Invoice.id)
    query = _scoped(query, scope).where(
        Invoice.kind == "invoice",
        Invoice.status.in_(("open", "paid")),
        Invoice.issue_date.is_not(None),
        Invoice.amount.is_not(None),
    )
    # OFFSET 0 keeps PostgreSQL from flattening the subquery, so each invoice's net
    # and open amounts are computed once, not again inside every aggregate using them.
    return query.offset(0).subquery("inv")


def _between(column: Any, window: Window) -> ColumnElement[bool]:
    return and_(column >= window.start, column <= window.end)


def _sum_if(condition: ColumnElement[bool], value: Any) -> ColumnElement[Any]:
    return func.sum(case((condition, value), else_=0))


def _bucket(due: Any, as_of: date, bucket: Bucket) -> ColumnElement[bool]:
    # low <= as_of - due <= high, turned into a range of due dates.
    terms = []
    if bucket.high is not None:
        terms.append(due >= as_of - timedelta(days=bucket.high))
    if bucket.low is not None:
        terms.append(due <= as_of - timedelta(days=bucket.low))
    return and_(*terms)


def _detail(inv: Subquery, as_of: date, detail: Detail) -> list[ColumnElement[Any]]:
    open_ = inv.c.open_0
    settled = and_(open_ == 0, inv.c.net > 0, _between(inv.c.last_paid, detail.period))
    to_pay = days_between(inv.c.last_paid, inv.c.issue)
    beyond = days_between(inv.c.last_paid, inv.c.due)
    in_cohort = _between(inv.c.due, detail.cohort)
    return [
        _sum_if(inv.c.due >= as_of, open_).label("current"),
        _sum_if(open_ > 0, 1).label("open_count"),
        *(
            _sum_if(_bucket(inv.c.due, as_of, b), open_).label(f"bucket_{i}")
            for i, b in enumerate(detail.spec)
        ),
        _sum_if(settled, 1).label("paid_count"),
        _sum_if(settled, inv.c.net).label("paid_amount"),
        _sum_if(settled, inv.c.net * to_pay).label("paid_amount_days"),
        _sum_if(settled, to_pay).label("paid_days"),
        _sum_if(settled, inv.c.net * beyond).label("late_amount_days"),
        _sum_if(settled, beyond).label("late_days"),
        _sum_if(in_cohort, inv.c.net).label("risk_due"),
        _sum_if(in_cohort, open_).label("risk_open"),
    ]


def aggregate(plan: Plan, scope: Scope) -> Select[Any]:
    """The grouped sums of ``plan`` over ``scope``: one row per (key, currency)."""
    inv = invoice_rows(plan, scope)
    columns: list[ColumnElement[Any]] = [
        func.sum(inv.c[f"open_{k}"]).label(f"ar_{k}") for k in range(len(plan.snaps))
    ]
    columns += [
        _sum_if(_between(inv.c.issue, w), inv.c.net).label(f"sales_{i}")
        for i, w in enumerate(plan.windows)
    ]
    if plan.detail is not None:
        columns += _detail(inv, plan.snaps[0], plan.detail)
    return select(inv.c.key, inv.c.currency, *columns).group_by(
        inv.c.key, inv.c.currency
    )


def sums(row: Any, plan: Plan) -> dict[str, Any]:
    """One aggregate row as plain integers, named as the ledger sums are."""
    detail = plan.detail
    found: dict[str, Any] = {
        "ar": [int(getattr(row, f"ar_{k}") or 0) for k in range(len(plan.snaps))],
        "sales": [
            int(getattr(row, f"sales_{i}") or 0) for i in range(len(plan.windows))
        ],
    }
    if detail is not None:
        names = ("paid_count", "paid_amount", "paid_amount_days", "paid_days",
                 "late_amount_days", "late_days")  # fmt: skip
        found |= {
            "current": int(row.current or 0),
            "open_count": int(row.open_count or 0),
            "buckets": [
                int(getattr(row, f"bucket_{i}") or 0) for i in range(len(detail.spec))
            ],
            "paid": [int(getattr(row, n) or 0) for n in names],
            "risk_due": int(row.risk_due or 0),
            "risk_open": int(row.risk_open or 0),
        }
    return found
