"""Fold the rows of the ledger queries (:mod:`gateway.queries.kpi_sql`) into sums.

Each query returns rows of (date, currency, group columns..., sums...); a
:class:`Collector` adds them into one :class:`KpiSums` per (group key, currency):
sales by issue date into month windows, open amounts by due date into current,
aging buckets and the at-risk cohort, changes after a date into the balances of
every snapshot. All in scaled integers, so nothing is rounded on the way.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from gateway.queries.kpi_sql import Plan
    from rules.kpi_inputs import Window

PAID_FIELDS = 6  # count, amount, amount x days, days, amount x days late, days late


@dataclass(slots=True)
class KpiSums:
    """The sums of one group in one currency (scaled units; counts and days)."""

    ar: list[int]
    sales: list[int]
    buckets: list[int]
    current: int = 0
    open_count: int = 0
    paid: list[int] = field(default_factory=lambda: [0] * PAID_FIELDS)
    risk_due: int = 0
    risk_open: int = 0


Found = dict[str | None, dict[str | None, KpiSums]]  # group key -> currency -> sums


def window_index(windows: Sequence[Window]) -> dict[date, int]:
    """Each day covered by ``windows`` mapped to its window's index."""
    found: dict[date, int] = {}
    for i, window in enumerate(windows):
        day = window.start
        while day <= window.end:
            found[day] = i
            day += timedelta(days=1)
    return found


def _int(value: Any) -> int:
    return int(value or 0)


class Collector:
    """Adds query rows into sums per group; ``keys`` group columns per row."""

    def __init__(self, plan: Plan, keys: int) -> None:
        self.plan = plan
        self.keys = keys
        self.found: Found = defaultdict(dict)
        self._windows = window_index(plan.windows)
        self._as_of = plan.snaps[0]

    def at(self, currency: str | None, keys: Sequence[Any]) -> KpiSums:
        """The sums of (the last of ``keys``, ``currency``), made on first use."""
        key = None if not keys or keys[-1] is None else str(keys[-1])
        group = self.found[key]
        sums = group.get(currency)
        if sums is None:
            detail = self.plan.detail
            sums = KpiSums(
                ar=[0] * len(self.plan.snaps),
                sales=[0] * len(self.plan.windows),
                buckets=[0] * (len(detail.spec) if detail else 0),
            )
            group[currency] = sums
        return sums

    def _split(self, row: Sequence[Any], dated: bool) -> tuple[Any, KpiSums, Any]:
        first = 1 if dated else 0
        currency, keys = row[first], row[first + 1 : first + 1 + self.keys]
        rest = row[first + 1 + self.keys :]
        return row[0] if dated else None, self.at(currency, keys), rest

    def sales(self, rows: Iterable[Sequence[Any]]) -> None:
        """Rows of (issue date, currency, keys..., net)."""
        for row in rows:
            issue, sums, (net,) = self._split(row, dated=True)
            index = self._windows.get(issue)
            if index is not None:
                sums.sales[index] += _int(net)

    def open_final(self, rows: Iterable[Sequence[Any]]) -> None:
        """Rows of (due date, currency, keys..., open after all payments, count)."""
        for row in rows:
            due, sums, (amount, count) = self._split(row, dated=True)
            value = _int(amount)
            sums.ar = [ar + value for ar in sums.ar]
            sums.open_count += _int(count)
            self._by_due(sums, due, value)

    def changes(self, rows: Iterable[Sequence[Any]]) -> None:
        """Rows of (day, currency, keys..., open change, count change): undone."""
        snaps = self.plan.snaps
        for row in rows:
            day, sums, (delta, count) = self._split(row, dated=True)
            value = _int(delta)
            sums.ar = [
                ar - value if day > s else ar
                for ar, s in zip(sums.ar, snaps, strict=True)
            ]
            if day > self._as_of:
                sums.open_count -= _int(count)

    def changes_by_due(self, rows: Iterable[Sequence[Any]]) -> None:
        """Rows of (due date, currency, keys..., change after the as-of date)."""
        for row in rows:
            due, sums, (delta,) = self._split(row, dated=True)
            self._by_due(sums, due, -_int(delta))

    def _by_due(self, sums: KpiSums, due: date, value: int) -> None:
        detail = self.plan.detail
        if detail is None:
            return
        as_of = self._as_of
        if due >= as_of:
            sums.current += value
        days = (as_of - due).days
        for i, bucket in enumerate(detail.spec):
            if bucket.holds(days):
                sums.buckets[i] += value
        if detail.cohort.holds(due):
            sums.risk_open += value

    def cohort(self, rows: Iterable[Sequence[Any]]) -> None:
        """Rows of (currency, keys..., net due in the at-risk cohort)."""
        for row in rows:
            _, sums, (net,) = self._split(row, dated=False)
            sums.risk_due += _int(net)

    def paid(self, rows: Iterable[Sequence[Any]]) -> None:
        """Rows of (currency, keys..., the six paid-invoice sums)."""
        for row in rows:
            _, sums, values = self._split(row, dated=False)
            sums.paid = [a + _int(b) for a, b in zip(sums.paid, values, strict=True)]
