"""From the KPI aggregate rows to :class:`rules.kpi_inputs.KpiInputs`, and FX.

Amounts come back from SQL as scaled integers (x10^4); they become Decimal here.
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

ONE = Decimal(1)


def money(value: Any) -> Decimal:
    """A summed scaled integer (int, or Decimal from PostgreSQL) as Decimal money."""
    return Decimal(int(value or 0)).scaleb(-MONEY_SCALE)


def _count(value: Any) -> int:
    return int(value or 0)


def _paid(row: Any, amount_days: str, days: str) -> PaidStats:
    return PaidStats(
        _count(row.paid_count),
        money(row.paid_amount),
        money(getattr(row, amount_days)),
        _count(getattr(row, days)),
    )


def row_inputs(row: Any, plan: Plan, empty: KpiInputs) -> KpiInputs:
    """The inputs of one (key, currency) row of a detailed plan."""
    history = tuple(
        SalesWindow(w.days, money(getattr(row, f"sales_{i}")))
        for i, w in enumerate(plan.windows)
    )
    count = len(plan.detail.spec) if plan.detail else 0
    return replace(
        empty,
        ar_end=money(row.ar_0),
        ar_current_end=money(row.current),
        ar_begin=money(row.ar_1),
        history=history,
        aging=tuple(money(getattr(row, f"bucket_{i}")) for i in range(count)),
        to_pay=_paid(row, "paid_amount_days", "paid_days"),
        beyond_terms=_paid(row, "late_amount_days", "late_days"),
        at_risk_due=money(row.risk_due),
        at_risk_open=money(row.risk_open),
        open_count=_count(row.open_count),
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
