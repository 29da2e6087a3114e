"""From the KPI sums to :class:`rules.kpi_inputs.KpiInputs`, and FX.

Sums are scaled integers (x10^4), as SQL adds them up; they become Decimal here.
Currencies are combined only through a rate: the base currency itself (rate 1) or a
rate from ``fx_rates``; amounts in any other currency stay apart, by name.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from gateway.store.types import MONEY_SCALE
from rules.kpi_inputs import KpiInputs
from rules.kpis import ZERO, PaidStats, SalesWindow

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from gateway.queries.kpi_sql import Plan
    from gateway.queries.kpi_sums import KpiSums

ONE = Decimal(1)


def money(value: Any) -> Decimal:
    """A summed scaled integer (int, or Decimal from PostgreSQL) as Decimal money."""
    return Decimal(int(value or 0)).scaleb(-MONEY_SCALE)


def _paid(count: int, amount: int, amount_days: int, days: int) -> PaidStats:
    return PaidStats(count, money(amount), money(amount_days), days)


def row_inputs(sums: KpiSums, plan: Plan, empty: KpiInputs) -> KpiInputs:
    """The inputs of one (key, currency) of a detailed plan."""
    history = tuple(
        SalesWindow(w.days, money(sales))
        for w, sales in zip(plan.windows, sums.sales, strict=True)
    )
    count, amount, amount_days, days, late_amount_days, late_days = sums.paid
    return replace(
        empty,
        ar_end=money(sums.ar[0]),
        ar_current_end=money(sums.current),
        ar_begin=money(sums.ar[1]),
        history=history,
        aging=tuple(money(b) for b in sums.buckets),
        to_pay=_paid(count, amount, amount_days, days),
        beyond_terms=_paid(count, amount, late_amount_days, late_days),
        at_risk_due=money(sums.risk_due),
        at_risk_open=money(sums.risk_open),
        open_count=sums.open_count,
    )


@dataclass(frozen=True, slots=True)
class Split:
    """One scope's inputs in the reporting currency, and what could not join them."""

    converted: KpiInputs
    unconverted: tuple[tuple[str | None, KpiInputs], ...]


def split(
    parts: Mapping[str | None, KpiInputs],
    reporting: str,
    rates: Mapping[str, Decimal],
    empty: KpiInputs,
) -> Split:
    """Translate each currency's inputs into ``reporting`` where a rate is known."""
    total, apart = empty, []
    for currency, inputs in sorted(parts.items(), key=lambda p: p[0] or ""):
        rate = ONE if currency == reporting else rates.get(currency or "")
        if rate is None:
            apart.append((currency, inputs))
        else:
            total = total + (inputs if rate == ONE else inputs.scaled(rate))
    return Split(total, tuple(apart))


def empty_inputs(months: int, windows: Sequence[Any], buckets: int) -> KpiInputs:
    """Inputs of a scope with nothing in it (zero sales in every window)."""
    return KpiInputs(
        months=months,
        history=tuple(SalesWindow(w.days, ZERO) for w in windows),
        aging=(ZERO,) * buckets,
    )
