"""KPIs as of a date in one currency, overall or by customer/segment/company/connection.

The sums come from one aggregate query (:mod:`gateway.queries.kpi_sql`); the formulas
are the pure ones in :mod:`rules.kpis`. Without a ``currency`` filter the KPIs are in
the base currency (``ARBRIDGE_BASE_CURRENCY``), each currency translated at its latest
rate on or before the as-of date (closing-rate method); currencies without a rate are
reported apart, by name, never mixed in.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from gateway.queries.kpi_rows import empty_inputs, money, row_inputs, split
from gateway.queries.kpi_sql import (
    GROUPS,
    Detail,
    Plan,
    Scope,
    aggregate,
    unapplied_credits,
)
from gateway.store.fx import rates_on, tune_for_aggregates
from gateway.store.models import Customer
from rules.aging import DEFAULT_BOUNDS, buckets
from rules.kpi_inputs import AT_RISK_DAYS, KpiInputs, Window, month_windows
from rules.kpi_report import KpiReport, report
from rules.kpis import CeiVariant

if TYPE_CHECKING:
    from datetime import date

    from sqlalchemy.orm import Session

    from gateway.bootstrap import Services

__all__ = ["GROUPS", "HISTORY", "KpiGroup", "KpiQuery", "KpiSummary", "kpi_summary"]

HISTORY = 24  # month windows of sales behind count-back DSO


@dataclass(frozen=True, slots=True)
class KpiQuery:
    as_of: date
    group: str = "none"
    currency: str | None = None
    months: int = 3
    bounds: tuple[int, ...] = DEFAULT_BOUNDS
    variant: CeiVariant = CeiVariant.PERIOD_SALES
    page: int = 1
    per_page: int = 50


@dataclass(frozen=True, slots=True)
class Part:
    """KPIs of the amounts in one currency that has no rate to the base currency."""

    currency: str | None
    report: KpiReport


@dataclass(frozen=True, slots=True)
class KpiGroup:
    key: str | None
    label: str | None
    report: KpiReport
    unconverted: tuple[Part, ...]


@dataclass(frozen=True, slots=True)
class KpiSummary:
    query: KpiQuery
    currency: str
    period: Window
    bucket_labels: tuple[str, ...]
    rates: tuple[tuple[str, Decimal, date], ...]
    groups: tuple[KpiGroup, ...]
    total: int


def detailed_plan(query: KpiQuery) -> tuple[Plan, Detail]:
    """The as-of balances, 24 month windows of sales, aging, paid and at-risk sums."""
    windows = month_windows(query.as_of, max(HISTORY, query.months))
    period = Window(windows[query.months - 1].start, query.as_of)
    cohort = month_windows(query.as_of - timedelta(days=AT_RISK_DAYS), 1)[0]
    detail = Detail(period, buckets(query.bounds), cohort)
    snaps = (query.as_of, period.start - timedelta(days=1))
    return Plan(snaps=snaps, windows=windows, detail=detail), detail


Rows = dict[str | None, dict[str | None, Any]]  # group key -> currency -> SQL row


def _rows(session: Session, query: KpiQuery, plan: Plan) -> tuple[Rows, Rows]:
    """Aggregate rows and unapplied credits, per group key, then per currency."""
    scope = Scope(query.group, query.currency)
    found: Rows = defaultdict(dict)
    credits: Rows = defaultdict(dict)
    for row in session.execute(aggregate(plan, scope)):
        found[None if row.key is None else str(row.key)][row.currency] = row
    for key, currency, amount in session.execute(unapplied_credits(scope, query.as_of)):
        credits[None if key is None else str(key)][currency] = money(amount)
        found.setdefault(None if key is None else str(key), {})
    return found, credits


@dataclass(frozen=True, slots=True)
class _Context:
    currency: str
    rates: dict[str, Decimal]
    plan: Plan
    empty: KpiInputs
    variant: CeiVariant

    def rate(self, currency: str | None) -> Decimal | None:
        return (
            Decimal(1) if currency == self.currency else self.rates.get(currency or "")
        )


def _open_total(rows: dict[str | None, Any], ctx: _Context) -> Decimal:
    """The group's converted open receivables: the order of groups, before paging."""
    total = Decimal(0)
    for currency, row in rows.items():
        rate = ctx.rate(currency)
        if rate is not None:
            total += money(row.ar_0) * rate
    return total


def _group(
    key: str | None, rows: dict[str | None, Any], credits: dict[str | None, Any],
    ctx: _Context,
) -> KpiGroup:  # fmt: skip
    parts = {
        currency: replace(
            row_inputs(row, ctx.plan, ctx.empty) if row is not None else ctx.empty,
            unapplied_credits=credits.get(currency, Decimal(0)),
        )
        for currency, row in {**dict.fromkeys(credits), **rows}.items()
    }
    both = split(parts, ctx.currency, ctx.rates, ctx.empty)
    return KpiGroup(
        key=key,
        label=None,
        report=report(both.converted, variant=ctx.variant),
        unconverted=tuple(
            Part(currency, report(inputs, variant=ctx.variant))
            for currency, inputs in both.unconverted
        ),
    )


def _labels(
    session: Session, query: KpiQuery, keys: list[str | None]
) -> dict[str, str]:
    if query.group != "customer":
        return {}
    ids = [int(k) for k in keys if k is not None]
    rows = session.execute(
        select(Customer.id, Customer.number, Customer.name).where(Customer.id.in_(ids))
    )
    return {
        str(i): " ".join(p for p in (number, name) if p) for i, number, name in rows
    }


def kpi_summary(services: Services, query: KpiQuery) -> KpiSummary:
    """Compute the KPIs of ``query``; groups ordered by open receivables, paged.

    Only the page's groups get their full KPIs computed; the others are ranked by
    their translated open receivables alone.
    """
    plan, detail = detailed_plan(query)
    empty = empty_inputs(query.months, plan.windows, len(detail.spec))
    currency = query.currency or services.settings.base_currency
    with services.read_uow() as uow:
        tune_for_aggregates(uow.session)
        found, credits = _rows(uow.session, query, plan)
        rates = {} if query.currency else rates_on(uow.session, query.as_of)
        ctx = _Context(
            currency, {c: r for c, (r, _) in rates.items()}, plan, empty, query.variant
        )
        if not found and query.group == "none":
            found[None] = {}
        ranked = sorted(found, key=lambda k: (-_open_total(found[k], ctx), k or ""))
        start = (query.page - 1) * query.per_page
        keys = ranked[start : start + query.per_page]
        labels = _labels(uow.session, query, keys)
    groups = [_group(k, found[k], credits.get(k, {}), ctx) for k in keys]
    return KpiSummary(
        query=query,
        currency=currency,
        period=detail.period,
        bucket_labels=tuple(b.label for b in detail.spec),
        rates=tuple(sorted((c, r, d) for c, (r, d) in rates.items())),
        groups=tuple(replace(g, label=labels.get(g.key or "")) for g in groups),
        total=len(ranked),
    )
