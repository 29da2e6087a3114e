"""What a customer owes as of a date: the facts that scoring and strategies read.

:func:`summarize` folds a customer's open items into an :class:`Exposure`;
:class:`CustomerFacts` adds what the gateway knows beside the invoices (promises,
disputes, payment history, a prediction). Both are plain values, so the same facts can
be rebuilt for any past date and the decisions back-tested. Nothing here does I/O.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from types import MappingProxyType
from typing import TYPE_CHECKING, Final, NamedTuple

if TYPE_CHECKING:
    from collections.abc import Iterable
    from datetime import date

ZERO: Final = Decimal("0.00")
_NO_ATTRIBUTES: Final[Mapping[str, str | None]] = MappingProxyType({})

# Exposure and CustomerFacts are NamedTuples rather than frozen dataclasses: a scoring
# run builds one of each per customer, and a tuple is several times cheaper to make.


@dataclass(frozen=True, slots=True)
class OpenItem:
    """One open invoice or credit memo; credit memo amounts are positive, as mirrored."""

    customer_id: int
    is_credit: bool
    due_date: date | None
    open_amount: Decimal
    in_dispute: bool = False
    dunning_level: int = 0


class Exposure(NamedTuple):
    """A customer's open position as of a date, in the customer's currency.

    Attributes:
        open_total: open invoices minus unapplied credit memos.
        overdue_total: open invoices past their due date (credit memos excluded:
            SAP and Oracle both rank on gross overdue items).
        overdue_count: how many invoices are past due.
        oldest_days: days beyond terms of the oldest overdue invoice.
        weighted_days: amount-weighted days beyond terms of the overdue invoices.
        disputed_items: open invoices flagged as in dispute.
        max_dunning_level: the highest dunning level among open invoices.
        open_items: open invoices and credit memos (0: nothing open, nothing to
            collect, though the customer is still scored).
    """

    open_total: Decimal = ZERO
    overdue_total: Decimal = ZERO
    overdue_count: int = 0
    oldest_days: int = 0
    weighted_days: Decimal = ZERO
    disputed_items: int = 0
    max_dunning_level: int = 0
    open_items: int = 0


#: The exposure of a customer with no open item.
NOTHING_OPEN: Final = Exposure()


class CustomerFacts(NamedTuple):
    """Everything the scoring engine and the strategies read about one customer.

    ``attributes`` are the customer fields a collection group may match on
    (company, currency, terms, segment, collection_status). ``p_late`` is the predicted
    probability of paying late, or None when no prediction exists.
    """

    customer_id: int
    exposure: Exposure
    attributes: Mapping[str, str | None] = _NO_ATTRIBUTES
    credit_limit: Decimal | None = None
    broken_promises: int = 0
    last_broken_on: date | None = None
    kept_promises: int = 0
    evaluated_promises: int = 0
    open_promise_dates: tuple[date, ...] = ()
    open_disputes: int = 0
    last_dispute_resolved_on: date | None = None
    recent_days_late: Decimal | None = None
    prior_days_late: Decimal | None = None
    p_late: Decimal | None = None
    risk_score: int | None = None

    @property
    def kept_rate(self) -> Decimal | None:
        """Kept promises over evaluated ones; None before any was evaluated."""
        if not self.evaluated_promises:
            return None
        return Decimal(self.kept_promises) / Decimal(self.evaluated_promises)


class _Accumulator:
    """Running sums for one customer; Exposure is built once at the end."""

    __slots__ = (
        "count", "days", "disputed", "dunning", "items", "oldest", "open", "overdue",
    )  # fmt: skip

    def __init__(self) -> None:
        self.open = ZERO
        self.overdue = ZERO
        self.count = 0
        self.oldest = 0
        self.days = ZERO  # sum of amount x days, divided by overdue at the end
        self.disputed = 0
        self.dunning = 0
        self.items = 0

    def add(self, item: OpenItem, as_of: date) -> None:
        self.items += 1
        if item.is_credit:
            self.open -= item.open_amount
            return
        self.open += item.open_amount
        self.disputed += item.in_dispute
        self.dunning = max(self.dunning, item.dunning_level)
        if item.due_date is not None and item.due_date < as_of:
            late = (as_of - item.due_date).days
            self.overdue += item.open_amount
            self.count += 1
            self.oldest = max(self.oldest, late)
            self.days += item.open_amount * late

    def exposure(self) -> Exposure:
        weighted = (
            (self.days / self.overdue).quantize(Decimal("0.1"))
            if self.overdue
            else ZERO
        )
        return Exposure(
            self.open, self.overdue, self.count, self.oldest, weighted,
            self.disputed, self.dunning, self.items,
        )  # fmt: skip


def summarize(items: Iterable[OpenItem], as_of: date) -> dict[int, Exposure]:
    """Fold open items into one exposure per customer, as of a date.

    Args:
        items: open items of any number of customers, in any order.
        as_of: the day the position is taken; an item due that day is not overdue.

    Returns:
        Customer id to exposure, for every customer with at least one item.
    """
    sums: dict[int, _Accumulator] = {}
    for item in items:
        acc = sums.get(item.customer_id)
        if acc is None:
            acc = sums[item.customer_id] = _Accumulator()
        acc.add(item, as_of)
    return {customer_id: acc.exposure() for customer_id, acc in sums.items()}
