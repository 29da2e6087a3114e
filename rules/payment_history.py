"""A customer's payment history as of any date, from prefix sums over settled invoices.

Built once per customer, then asked "what did we know on day t?" many times: every
answer uses only invoices settled strictly before t (and, for open exposure, issued
before t), found by bisection, so the cost per question is O(log n).
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass
from itertools import accumulate
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence
    from datetime import date

#: How many of the most recently settled invoices make the "recent" lateness.
RECENT = 5


@dataclass(frozen=True, slots=True)
class Settled:
    """One settled invoice as history sees it (outcomes included: it is the past)."""

    settled: date
    amount: float
    days_late: int
    days_to_pay: int
    disputed: bool


@dataclass(frozen=True, slots=True)
class HistoryAt:
    """What a customer's record showed on one day; means are 0 without history."""

    count: int
    late_share: float
    mean_days_late: float
    weighted_days_late: float
    mean_days_to_pay: float
    last_days_late: float
    trend: float
    dispute_share: float
    open_count: int
    open_amount: float


def _prefix(values: Sequence[float]) -> list[float]:
    return [0.0, *accumulate(values)]


class CustomerHistory:
    """One customer's settled and issued invoices, ready for as-of questions."""

    __slots__ = (
        "_amount",
        "_d2s",
        "_disputed",
        "_issued",
        "_issued_amount",
        "_late",
        "_lateness",
        "_settled",
        "_sum_late",
        "_weighted",
    )

    def __init__(
        self, settled: Sequence[Settled], issued: Sequence[tuple[date, float]]
    ) -> None:
        rows = sorted(settled, key=lambda s: s.settled)
        self._settled = [s.settled for s in rows]
        self._lateness = [float(s.days_late) for s in rows]
        self._late = _prefix([1.0 if s.days_late > 0 else 0.0 for s in rows])
        self._amount = _prefix([s.amount for s in rows])
        self._weighted = _prefix([s.amount * s.days_late for s in rows])
        self._d2s = _prefix([float(s.days_to_pay) for s in rows])
        self._disputed = _prefix([1.0 if s.disputed else 0.0 for s in rows])
        self._sum_late = _prefix(self._lateness)
        by_issue = sorted(issued)
        self._issued = [d for d, _ in by_issue]
        self._issued_amount = _prefix([a for _, a in by_issue])

    def at(self, day: date) -> HistoryAt:
        """Return what was known at the start of ``day`` (settled strictly before it)."""
        n = bisect_left(self._settled, day)
        issued = bisect_left(self._issued, day)
        open_count = max(issued - n, 0)
        open_amount = max(self._issued_amount[issued] - self._amount[n], 0.0)
        if n == 0:
            return HistoryAt(
                0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, open_count, open_amount
            )
        mean_late = self._sum_late[n] / n
        first = max(n - RECENT, 0)
        recent = (self._sum_late[n] - self._sum_late[first]) / (n - first)
        amount = self._amount[n]
        return HistoryAt(
            count=n,
            late_share=self._late[n] / n,
            mean_days_late=mean_late,
            weighted_days_late=self._weighted[n] / amount if amount else mean_late,
            mean_days_to_pay=self._d2s[n] / n,
            last_days_late=self._lateness[n - 1],
            trend=recent - mean_late,
            dispute_share=self._disputed[n] / n,
            open_count=open_count,
            open_amount=open_amount,
        )
