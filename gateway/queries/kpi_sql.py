"""The SQL behind the KPIs: a few narrow aggregates over the KPI ledger.

The ledger (:mod:`gateway.store.models.kpi`, kept by :mod:`gateway.store.kpi_ledger`)
holds per invoice its net amount and open amount after every payment
(``open_final``), and per invoice the days its open amount changed. So:

* receivables as of ``d`` = the sum of ``open_final`` less the changes dated after
  ``d`` (few, for a recent ``d``), in one pass for every snapshot date;
* open amounts by due date as of the as-of date (current, aging, at-risk) the same
  way, grouped by due date;
* credit sales per issue date, put into month windows in Python;
* invoices settled in the period: those whose last payment falls in it and nothing
  happened after the as-of date are read from the ledger as they are; the few with
  later payments are rebuilt from their changes up to the as-of date.

Every query groups by (date, currency, group columns) in the order of an index
that holds all it reads, so SQLite streams the groups instead of sorting, and
returns a few thousand rows at most. Amounts are scaled integers (x10^4); the sums
stay exact.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    BigInteger,
    Integer,
    and_,
    case,
    cast,
    func,
    or_,
    select,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from gateway.queries.kpi_sums import Collector
from gateway.store.models import ExternalRef, KpiChange, KpiInvoice

if TYPE_CHECKING:
    from datetime import date

    from sqlalchemy import ColumnElement, Select
    from sqlalchemy.orm import Session
    from sqlalchemy.sql.compiler import SQLCompiler

    from gateway.queries.kpi_sums import Found
    from rules.aging import Bucket
    from rules.kpi_inputs import Window

GROUPS = ("none", "customer", "segment", "company", "connection")
Balances = dict[str | None, dict[str | None, int]]  # key -> currency -> units


class days_between(FunctionElement[int]):  # noqa: N801 - reads as the SQL function
    """``later - earlier`` in whole days, on SQLite and PostgreSQL alike."""

    type = Integer()
    inherit_cache = True
    name = "days_between"


@compiles(days_between, "sqlite")
def _days_sqlite(element: days_between, compiler: SQLCompiler, **kw: Any) -> str:
    later, earlier = (compiler.process(c, **kw) for c in element.clauses)
    return f"CAST(julianday({later}) - julianday({earlier}) AS INTEGER)"


@compiles(days_between, "postgresql")
def _days_pg(element: days_between, compiler: SQLCompiler, **kw: Any) -> str:
    later, earlier = (compiler.process(c, **kw) for c in element.clauses)
    return f"({later} - {earlier})"


@dataclass(frozen=True, slots=True)
class Detail:
    """The as-of details: aging ``spec``, paid within ``period``, at-risk ``cohort``."""

    period: Window
    spec: tuple[Bucket, ...]
    cohort: Window


@dataclass(frozen=True, slots=True)
class Plan:
    """What to compute: balances on ``snaps`` dates, sales per window.

    ``snaps[0]`` is the as-of date. With ``detail``, also the current part, aging,
    paid-invoice sums and the at-risk cohort as of it.
    """

    snaps: tuple[date, ...]
    windows: tuple[Window, ...]
    detail: Detail | None = None


@dataclass(frozen=True, slots=True)
class Scope:
    """Which invoices and how grouped; ``keys``: only these groups (a page)."""

    group: str = "none"
    currency: str | None = None
    keys: tuple[str | None, ...] | None = None


def group_columns(group: str, table: Any) -> list[Any]:
    """The columns to group by; the group's key is the last (``[]``: one group).

    A segment is grouped with its company so that SQLite can read both ledger
    indexes in order; the rows are folded per segment afterwards.
    """
    if group == "customer":
        return [table.customer_id]
    if group == "segment":
        return [table.company, table.segment]
    if group == "company":
        return [table.company]
    if group == "connection":
        return [ExternalRef.connection]
    return []


def _scoped(query: Select[Any], table: Any, scope: Scope) -> Select[Any]:
    if scope.group == "connection":
        # An invoice known to several systems counts once in each of their groups.
        query = query.join(
            ExternalRef,
            and_(
                ExternalRef.object_type == "invoice",
                ExternalRef.local_id == table.invoice_id,
            ),
        )
    if scope.currency:
        query = query.where(table.currency == scope.currency)
    if scope.keys is not None:
        query = query.where(_among(group_columns(scope.group, table)[-1], scope))
    return query


def _among(column: Any, scope: Scope) -> ColumnElement[bool]:
    keys = scope.keys or ()
    values: list[Any] = [k for k in keys if k is not None]
    if scope.group == "customer":
        values = [int(k) for k in values]
    found = column.in_(values)
    return or_(found, column.is_(None)) if None in keys else found


def _grouped(
    dim: Any, table: Any, scope: Scope, *sums: ColumnElement[Any]
) -> Select[Any]:
    """``SELECT dim, currency, group columns, sums ... GROUP BY`` the first ones."""
    keys = [dim] if dim is not None else []
    keys += [table.currency, *group_columns(scope.group, table)]
    return _scoped(select(*keys, *sums), table, scope).group_by(*keys)


def _bigint(total: ColumnElement[Any]) -> ColumnElement[int]:
    """A sum as BIGINT: PostgreSQL sums BIGINTs as NUMERIC, which arrives as Decimal.

    Only for sums that fit (one customer's balance): a hundred thousand of them
    convert noticeably faster as integers.
    """
    return cast(total, BigInteger())


def _count_if(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.sum(case((condition, 1), else_=0))


def sales_by_issue(scope: Scope) -> Select[Any]:
    """Net amounts per issue date; every group with an invoice has a row."""
    f = KpiInvoice
    return _grouped(f.issue, f, scope, func.sum(f.net))


def open_by_due(scope: Scope) -> Select[Any]:
    """Open amounts after every payment, and how many are above 0, per due date."""
    f = KpiInvoice
    query = _grouped(
        f.due, f, scope, func.sum(f.open_final), _count_if(f.open_final > 0)
    )
    return query.where(f.open_final != 0)


def changes_after(scope: Scope, since: date) -> Select[Any]:
    """Changes of the open amounts (and of open counts) per day after ``since``."""
    c = KpiChange
    query = _grouped(c.day, c, scope, func.sum(c.open_delta), func.sum(c.count_delta))
    return query.where(c.day > since)


def changes_by_due(scope: Scope, since: date) -> Select[Any]:
    """Changes of the open amounts dated after ``since``, per due date."""
    c = KpiChange
    return _grouped(c.due, c, scope, func.sum(c.open_delta)).where(c.day > since)


def cohort_net(scope: Scope, cohort: Window) -> Select[Any]:
    """Net amounts due in the at-risk ``cohort``."""
    f = KpiInvoice
    query = _grouped(None, f, scope, func.sum(f.net))
    return query.where(f.due >= cohort.start, f.due <= cohort.end)


def _paid_sums(net: Any, to_pay: Any, beyond: Any) -> list[ColumnElement[Any]]:
    return [
        func.count(),
        func.sum(net),
        func.sum(net * to_pay),
        func.sum(to_pay),
        func.sum(net * beyond),
        func.sum(beyond),
    ]


def paid_settled(scope: Scope, period: Window) -> Select[Any]:
    """Invoices settled in ``period`` with nothing after it: the ledger as it is.

    ``last_event <= period.end`` means their open amount as of the end of the
    period is ``open_final`` and their last payment by then is ``last_paid``.
    """
    f = KpiInvoice
    sums = _paid_sums(f.net, f.pay_days, f.late_days)
    return _grouped(None, f, scope, *sums).where(
        f.last_paid >= period.start,
        f.last_paid <= period.end,
        f.last_event <= period.end,
        f.open_final == 0,
        f.net > 0,
    )


def paid_moving(scope: Scope, period: Window) -> Select[Any]:
    """Invoices settled in ``period`` that were issued or paid again after it.

    Their open amount and last payment as of the period's end come from their
    changes up to then.
    """
    c, as_of = KpiChange, period.end
    later = select(KpiInvoice.invoice_id).where(KpiInvoice.last_event > as_of)
    paid_on = func.max(case((c.paid, c.day))).label("paid_on")
    upto = (
        select(c.invoice_id, paid_on, func.sum(c.open_delta).label("open_at"))
        .where(c.invoice_id.in_(later), c.day <= as_of)
        .group_by(c.invoice_id)
        .subquery("upto")
    )
    f = KpiInvoice
    sums = _paid_sums(
        f.net,
        days_between(upto.c.paid_on, f.issue),
        days_between(upto.c.paid_on, f.due),
    )
    query = _grouped(None, f, scope, *sums).join(
        upto, upto.c.invoice_id == f.invoice_id
    )
    return query.where(
        upto.c.paid_on >= period.start,
        upto.c.paid_on <= as_of,
        upto.c.open_at == 0,
        f.net > 0,
    )


def _customer_finals(scope: Scope) -> Select[Any]:
    """Per customer and currency: open amounts after every payment (all customers)."""
    f = KpiInvoice
    keys: list[Any] = [f.customer_id, f.currency]
    query = _scoped(select(*keys, _bigint(func.sum(f.open_final))), f, scope)
    return query.group_by(*keys)


def _customer_changes(scope: Scope, since: date) -> Select[Any]:
    """Per customer and currency: changes of the open amounts after ``since``."""
    c = KpiChange
    keys: list[Any] = [c.customer_id, c.currency]
    query = _scoped(select(*keys, _bigint(func.sum(c.open_delta))), c, scope)
    return query.where(c.day > since).group_by(*keys)


def collect(session: Session, plan: Plan, scope: Scope) -> Found:
    """Every sum ``plan`` needs over ``scope``, per group key and currency."""
    found = Collector(plan, len(group_columns(scope.group, KpiInvoice)))
    # Core execution: the ORM's row processing would cost more than these queries.
    run = session.connection().execute
    found.sales(run(sales_by_issue(scope)))
    found.open_final(run(open_by_due(scope)))
    found.changes(run(changes_after(scope, min(plan.snaps))))
    detail = plan.detail
    if detail is not None:
        found.changes_by_due(run(changes_by_due(scope, plan.snaps[0])))
        found.cohort(run(cohort_net(scope, detail.cohort)))
        found.paid(run(paid_settled(scope, detail.period)))
        found.paid(run(paid_moving(scope, detail.period)))
    return found.found


def customer_balances(session: Session, scope: Scope, as_of: date) -> Balances:
    """Every customer's open receivables as of ``as_of``, per currency (units)."""
    found: Balances = defaultdict(dict)
    run = session.connection().execute
    for customer, currency, amount in run(_customer_finals(scope)).all():
        found[None if customer is None else str(customer)][currency] = amount
    for customer, currency, delta in run(_customer_changes(scope, as_of)).all():
        key = None if customer is None else str(customer)
        found[key][currency] = found[key].get(currency, 0) - int(delta or 0)
    return found
