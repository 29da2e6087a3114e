"""DSO at each of the last 12 month ends, from the KPI ledger.

Each month end gets its balance (net amount minus allocations dated by then: today's
balances less the changes dated after it) and the sales of the calendar months
before it, all from three aggregates; standard DSO uses the ``months`` months
ending there, count-back DSO up to 24. Amounts are translated at the rate in force
on each month end; currencies without one are named per point, never mixed in.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from gateway.queries.kpi_rows import ONE, money
from gateway.queries.kpi_sql import Plan, Scope, collect
from gateway.queries.kpis import HISTORY, catch_up
from gateway.store.fx import rates_on, tune_for_aggregates
from rules.kpi_inputs import month_ends, month_windows
from rules.kpis import ZERO, SalesWindow, dso_count_back, dso_standard, rounded

if TYPE_CHECKING:
    from datetime import date

    from sqlalchemy.orm import Session

    from gateway.bootstrap import Services

POINTS = 12


@dataclass(frozen=True, slots=True)
class TrendPoint:
    month_end: date
    open_receivables: Decimal
    credit_sales: Decimal
    dso: Decimal | None
    dso_count_back: Decimal | None
    unconverted: tuple[str, ...]


def _rates(
    session: Session, ends: tuple[date, ...], reporting: str, fixed: bool
) -> list[dict[str, Decimal]]:
    if fixed:
        return [{reporting: ONE} for _ in ends]
    found = []
    for end in ends:
        rates = {code: rate for code, (rate, _) in rates_on(session, end).items()}
        found.append({**rates, reporting: ONE})
    return found


def _point(
    end: date,
    balance: Decimal,
    history: tuple[SalesWindow, ...],
    months: int,
    unconverted: tuple[str, ...],
) -> TrendPoint:
    period = history[:months]
    sales = sum((w.sales for w in period), ZERO)
    return TrendPoint(
        month_end=end,
        open_receivables=rounded(balance),
        credit_sales=rounded(sales),
        dso=dso_standard(balance, sales, sum(w.days for w in period)),
        dso_count_back=dso_count_back(balance, history),
        unconverted=unconverted,
    )


def _raw(
    session: Session, plan: Plan, currency: str | None
) -> dict[str, tuple[list[Decimal], list[Decimal]]]:
    """Per currency: balances per month end and sales per window, untranslated."""
    found = {}
    for code, sums in collect(session, plan, Scope("none", currency))[None].items():
        balances = [money(ar) for ar in sums.ar]
        found[code or "unknown"] = (balances, [money(s) for s in sums.sales])
    return found


def dso_trend(
    services: Services, as_of: date, *, currency: str | None = None, months: int = 3
) -> tuple[TrendPoint, ...]:
    """Standard and count-back DSO at the last 12 month ends on or before ``as_of``."""
    ends = month_ends(as_of, POINTS)
    windows = month_windows(ends[-1], POINTS - 1 + HISTORY)
    plan = Plan(snaps=tuple(reversed(ends)), windows=windows)
    reporting = currency or services.settings.base_currency
    catch_up(services)
    with services.read_uow() as uow:
        tune_for_aggregates(uow.session)
        newest_first = _rates(uow.session, plan.snaps, reporting, bool(currency))
        raw = _raw(uow.session, plan, currency)
    points = []
    for k, end in enumerate(plan.snaps):
        rates = newest_first[k]
        balance, sales = ZERO, [ZERO] * HISTORY
        for code, (balances, window_sales) in raw.items():
            rate = rates.get(code)
            if rate is not None:
                balance += balances[k] * rate
                for j in range(HISTORY):
                    sales[j] += window_sales[k + j] * rate
        history = tuple(
            SalesWindow(windows[k + j].days, sales[j]) for j in range(HISTORY)
        )
        missing = tuple(sorted(code for code in raw if code not in rates))
        points.append(_point(end, balance, history, months, missing))
    return tuple(reversed(points))
