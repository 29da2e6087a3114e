"""Aging by days past due date, in configurable buckets (reference section 3.8).

Receivables are aged by days past the *due* date, not the invoice date, because
terms differ per customer. "Current" is not yet past due (days past due <= 0, so an
invoice due today is current). The default buckets are current, 1-30, 31-60, 61-90
and 90+ (91 days and more).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

DEFAULT_BOUNDS: tuple[int, ...] = (30, 60, 90)


@dataclass(frozen=True, slots=True)
class Bucket:
    """Days past due from ``low`` to ``high`` inclusive; ``None`` is unbounded."""

    label: str
    low: int | None
    high: int | None

    def holds(self, days_past_due: int) -> bool:
        """Whether an item this many days past due falls in this bucket.

        Args:
            days_past_due: As-of date minus due date, in days (negative: not due).

        Returns:
            True when ``low <= days_past_due <= high``.
        """
        above = self.low is None or days_past_due >= self.low
        below = self.high is None or days_past_due <= self.high
        return above and below


def buckets(bounds: Sequence[int] = DEFAULT_BOUNDS) -> tuple[Bucket, ...]:
    """Buckets from upper bounds: ``(30, 60, 90)`` gives current, 1-30, ..., 90+.

    Args:
        bounds: Strictly increasing positive upper bounds of the past-due buckets.

    Returns:
        ``len(bounds) + 2`` buckets covering every integer exactly once.

    Raises:
        ValueError: The bounds are empty, not positive or not strictly increasing.
    """
    if not bounds or bounds[0] < 1:
        msg = "bucket bounds must be positive whole numbers of days"
        raise ValueError(msg)
    if any(b >= a for a, b in zip(bounds[1:], bounds, strict=False)):
        msg = f"bucket bounds must be strictly increasing, not {list(bounds)}"
        raise ValueError(msg)
    result = [Bucket("current", None, 0)]
    low = 1
    for high in bounds:
        result.append(Bucket(f"{low}-{high}", low, high))
        low = high + 1
    result.append(Bucket(f"{bounds[-1]}+", low, None))
    return tuple(result)


def age(
    items: Iterable[tuple[int, Decimal]], spec: Sequence[Bucket]
) -> tuple[Decimal, ...]:
    """Sum open amounts per bucket.

    Args:
        items: (days past due, open amount) of each open item.
        spec: The buckets, as :func:`buckets` makes them.

    Returns:
        One total per bucket, in the order of ``spec``; they sum to the total open.

    Raises:
        ValueError: An item falls in no bucket (``spec`` has a gap).
    """
    totals = [Decimal(0)] * len(spec)
    for days, amount in items:
        index = next((i for i, b in enumerate(spec) if b.holds(days)), None)
        if index is None:
            msg = f"no bucket holds {days} days past due"
            raise ValueError(msg)
        totals[index] += amount
    return tuple(totals)
