"""KPIs as of a date in one currency, overall or by customer/segment/company/connection.

The sums come from a few aggregates over the KPI ledger (:mod:`gateway.queries.kpi_sql`),
which is first brought up to date with the mirror; the formulas are the pure ones in
:mod:`rules.kpis`. Without a ``currency`` filter the KPIs are in the base currency
(``ARBRIDGE_BASE_CURRENCY``), each currency translated at its latest rate on or
before the as-of date (closing-rate method); currencies without a rate are reported
apart, by name, never mixed in.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import select

from gateway.queries.kpi_credits import unapplied_credits
from gateway.queries.kpi_rows import empty_inputs, money, row_inputs, split
from gateway.queries.kpi_sql import (
    GROUPS,
    Balances,
    Detail,
    Plan,
    Scope,
    collect,
    customer_balances,
)
from gateway.store.fx import rates_on, tune_for_aggregates
from gateway.store.kpi_ledger import BATCH, analyze, pending, refresh
from gateway.store.models import Customer
from gateway.store.types import MONEY_SCALE
from rules.aging import DEFAULT_BOUNDS, buckets
from rules.kpi_inputs import AT_RISK_DAYS, KpiInputs, Window, month_windows
from rules.kpi_report import KpiReport, report
from rules.kpis import CeiVariant

if TYPE_CHECKING:
    from datetime import date

    from sqlalchemy.orm import Session

    from gateway.bootstrap import Services
    from gateway.queries.kpi_sums import Found, KpiSums

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


Credits = dict[str | None, dict[str | None, Decimal]]  # key -> currency -> amount
ANALYZE_AFTER = 50_000  # invoices rebuilt by one catch-up


def catch_up(services: Services, batch: int = BATCH) -> int:
    """Rebuild the KPI ledger rows of every invoice changed since the last time.

    Batch by batch, each committed: a backlog too long for one request (after an
    upgrade or a bulk load) still shrinks with every attempt.

    Returns:
        How many invoices were rebuilt (0, and no write, when none was queued).
    """
    with services.read_uow() as uow:
        if not pending(uow.session):
            return 0
    total, count = 0, batch
    while count == batch:
        with services.uow() as uow:
            count = refresh(uow.session, batch)
            uow.commit()
        total += count
    if total >= ANALYZE_AFTER:
        with services.uow() as uow:
            analyze(uow.session)
            uow.commit()
    return total


def _credits(session: Session, scope: Scope, as_of: date) -> Credits:
    """Unapplied credits per group key, then per currency."""
    credits: Credits = defaultdict(dict)
    rows = session.connection().execute(unapplied_credits(scope, as_of)).all()
    for key, currency, amount in rows:
        credits[None if key is None else str(key)][currency] = money(amount)
    return credits


def _balances(session: Session, query: KpiQuery, plan: Plan) -> tuple[Balances, Found]:
    """Every group's receivables as of the as-of date (to rank them), and the sums.

    By customer, only the balances are computed here (one per customer); the page's
    customers get their sums afterwards.
    """
    scope = Scope(query.group, query.currency)
    if query.group == "customer":
        return customer_balances(session, scope, query.as_of), {}
    found = collect(session, plan, scope)
    balances = {k: {c: s.ar[0] for c, s in v.items()} for k, v in found.items()}
    return balances, found


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


def _first(balances: Balances, ctx: _Context, count: int) -> list[str | None]:
    """The ``count`` groups with the largest converted open receivables (ties by key).

    What ``sorted(...)[:count]`` gives, without sorting a hundred thousand customers
    to show fifty. A rate is applied to the scaled integers directly: ``units *
    (rate / 10^4)`` is the same Decimal as ``(units / 10^4) * rate``.
    """
    factors: dict[str | None, Decimal | None] = {}
    for currency in {c for groups in balances.values() for c in groups}:
        rate = ctx.rate(currency)
        factors[currency] = None if rate is None else rate.scaleb(-MONEY_SCALE)

    def order(key: str | None) -> tuple[Decimal, str]:
        total = Decimal(0)
        for currency, units in balances[key].items():
            factor = factors[currency]
            if factor is not None:
                total += Decimal(units) * factor
        return -total, key or ""

    return heapq.nsmallest(count, balances, key=order)


def _group(
    key: str | None, rows: dict[str | None, KpiSums],
    credits: dict[str | None, Decimal], ctx: _Context,
) -> KpiGroup:  # fmt: skip
    sums: dict[str | None, KpiSums | None] = {**dict.fromkeys(credits), **rows}
    parts = {
        currency: replace(
            row_inputs(row, ctx.plan, ctx.empty) if row is not None else ctx.empty,
            unapplied_credits=credits.get(currency, Decimal(0)),
        )
        for currency, row in sums.items()
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
    catch_up(services)
    with services.read_uow() as uow:
        session = uow.session
        tune_for_aggregates(session)
        scope = Scope(query.group, query.currency)
        balances, found = _balances(session, query, plan)
        credits = _credits(session, scope, query.as_of)
        for key in credits:
            balances.setdefault(key, {})
        rates = {} if query.currency else rates_on(session, query.as_of)
        ctx = _Context(
            currency, {c: r for c, (r, _) in rates.items()}, plan, empty, query.variant
        )
        if not balances and query.group == "none":
            balances[None] = {}
        start = (query.page - 1) * query.per_page
        keys = _first(balances, ctx, start + query.per_page)[start:]
        if query.group == "customer" and keys:
            found = collect(session, plan, replace(scope, keys=tuple(keys)))
        labels = _labels(session, query, keys)
    groups = [_group(k, found.get(k, {}), credits.get(k, {}), ctx) for k in keys]
    return KpiSummary(
        query=query,
        currency=currency,
        period=detail.period,
        bucket_labels=tuple(b.label for b in detail.spec),
        rates=tuple(sorted((c, r, d) for c, (r, d) in rates.items())),
        groups=tuple(replace(g, label=labels.get(g.key or "")) for g in groups),
        total=len(balances),
    )
