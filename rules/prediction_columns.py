"""Prediction features for the whole open book at once, as arrays.

Training (``rules.prediction``) sees each invoice on its own issue date, so each row
asks a customer's history a different question. Predicting the open book is simpler:
every open invoice is seen on the same day, so a customer's history is one answer
shared by all of their open invoices, and it folds with array operations instead of a
million Python rows. Same features, same visibility rule (only what was issued, and
settled, before the as-of date); a unit test holds this path equal to
``rules.prediction.feature_row`` on every open invoice.

Dates are proleptic ordinals (``date.toordinal``); a settlement date of
:data:`NOT_SETTLED` means still open. Amounts here are features, not money: float.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, Final

import numpy as np

from rules.payment_history import RECENT
from rules.prediction import FEATURE_SETS

if TYPE_CHECKING:
    from collections.abc import Iterable
    from decimal import Decimal

    from numpy.typing import NDArray

    from rules.prediction import InvoiceFacts

NOT_SETTLED: Final = np.iinfo(np.int64).max
_EPOCH: Final = date(1970, 1, 1).toordinal()


@dataclass(frozen=True, slots=True)
class InvoiceColumns:
    """Invoices as parallel arrays; ``customer`` holds codes into ``customers``."""

    customers: tuple[str, ...]
    customer: NDArray[np.int64]
    issue: NDArray[np.int64]
    due: NDArray[np.int64]
    settled: NDArray[np.int64]
    amount: NDArray[np.float64]
    electronic: NDArray[np.bool_]
    disputed: NDArray[np.bool_]

    @staticmethod
    def of(invoices: Iterable[InvoiceFacts]) -> InvoiceColumns:
        """Lay ``invoices`` out as columns, in their order."""
        builder = ColumnsBuilder()
        for inv in invoices:
            builder.add(
                inv.customer, inv.issue_date, inv.due_date, inv.settled_date,
                inv.amount, electronic=inv.channel == "electronic",
                disputed=inv.disputed,
            )  # fmt: skip
        return builder.build()


class ColumnsBuilder:
    """Collects invoices one at a time (as a query reads them) into columns, coding
    customers in order of first sight."""

    __slots__ = ("_codes", "_columns")

    def __init__(self) -> None:
        self._codes: dict[str, int] = {}
        self._columns: tuple[list[Any], ...] = tuple([] for _ in range(7))

    def add(
        self,
        customer: str,
        issue: date,
        due: date,
        settled: date | None,
        amount: Decimal | float,
        *,
        electronic: bool,
        disputed: bool,
    ) -> None:
        codes, cols = self._codes, self._columns
        cols[0].append(codes.setdefault(customer, len(codes)))
        cols[1].append(issue.toordinal())
        cols[2].append(due.toordinal())
        cols[3].append(NOT_SETTLED if settled is None else settled.toordinal())
        cols[4].append(amount)
        cols[5].append(electronic)
        cols[6].append(disputed)

    def build(self) -> InvoiceColumns:
        customer, issue, due, settled, amount, electronic, disputed = self._columns
        return InvoiceColumns(
            tuple(self._codes),
            np.array(customer, np.int64),
            np.array(issue, np.int64),
            np.array(due, np.int64),
            np.array(settled, np.int64),
            np.array(amount, np.float64),
            np.array(electronic, np.bool_),
            np.array(disputed, np.bool_),
        )


@dataclass(frozen=True, slots=True)
class OpenFeatures:
    """The invoices open at the start of the day (indices into the columns) and
    their feature matrix, columns in the order of ``FEATURE_SETS[feature_set]``."""

    rows: NDArray[np.intp]
    matrix: NDArray[np.float64]


def open_features(cols: InvoiceColumns, as_of: date, feature_set: str) -> OpenFeatures:
    """Features of every invoice open at the start of ``as_of``, as on that day.

    Raises:
        KeyError: the feature set is unknown.
    """
    names = FEATURE_SETS[feature_set]
    day = as_of.toordinal()
    issued = cols.issue < day
    settled = issued & (cols.settled < day)
    rows = np.flatnonzero(issued & ~settled)
    history = _history(cols, issued, settled)
    values = _invoice_values(cols, rows) | {
        name: column[cols.customer[rows]] for name, column in history.items()
    }
    matrix = np.empty((rows.size, len(names)), np.float64)
    for at, name in enumerate(names):
        matrix[:, at] = values[name]
    return OpenFeatures(rows, matrix)


def _invoice_values(
    cols: InvoiceColumns, rows: NDArray[np.intp]
) -> dict[str, NDArray[np.float64]]:
    issue = cols.issue[rows]
    days = (issue - _EPOCH).astype("datetime64[D]")
    months = days.astype("datetime64[M]").astype(np.int64) % 12 + 1
    return {
        "amount": cols.amount[rows],
        "terms_days": (cols.due[rows] - issue).astype(np.float64),
        "electronic": cols.electronic[rows].astype(np.float64),
        "month": months.astype(np.float64),
        # Ordinal 1 (0001-01-01) was a Monday, weekday 0.
        "weekday": ((issue - 1) % 7).astype(np.float64),
        "disputed": cols.disputed[rows].astype(np.float64),
    }


def _history(
    cols: InvoiceColumns, issued: NDArray[np.bool_], settled: NDArray[np.bool_]
) -> dict[str, NDArray[np.float64]]:
    """Each customer's history (one value per customer code), as CustomerHistory.at."""
    size = len(cols.customers)
    who = cols.customer[settled]
    late_days = np.maximum(cols.settled[settled] - cols.due[settled], 0)
    amount = cols.amount[settled]

    def per_customer(values: NDArray[np.generic] | None = None) -> NDArray[np.float64]:
        return np.bincount(who, weights=values, minlength=size).astype(np.float64)

    count = per_customer()
    some = count > 0
    n = np.where(some, count, 1.0)  # divide safely; results are zeroed without history
    paid = per_customer(amount)
    mean_late = per_customer(late_days) / n
    weighted = np.divide(
        per_customer(amount * late_days), paid, out=mean_late.copy(), where=paid != 0
    )
    last, recent = _latest(who, cols.settled[settled], late_days, size)
    open_count = np.bincount(cols.customer[issued], minlength=size) - count
    issued_amount = np.bincount(
        cols.customer[issued], weights=cols.amount[issued], minlength=size
    )
    return {
        "h_count": count,
        "h_missing": (~some).astype(np.float64),
        "h_late_share": per_customer((late_days > 0).astype(np.float64)) / n,
        "h_mean_days_late": mean_late,
        "h_weighted_days_late": np.where(some, weighted, 0.0),
        "h_mean_days_to_pay": per_customer(cols.settled[settled] - cols.issue[settled])
        / n,
        "h_last_days_late": last,
        "h_trend": np.where(some, recent - mean_late, 0.0),
        "h_dispute_share": per_customer(cols.disputed[settled].astype(np.float64)) / n,
        "h_open_count": np.maximum(open_count, 0).astype(np.float64),
        "h_open_amount": np.maximum(issued_amount - paid, 0.0),
    }


def _latest(
    who: NDArray[np.int64],
    when: NDArray[np.int64],
    late_days: NDArray[np.int64],
    size: int,
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Per customer: the last settled invoice's days late, and the mean over the
    last RECENT settled (ties on a day in input order, as CustomerHistory sorts)."""
    last = np.zeros(size)
    recent = np.zeros(size)
    if not who.size:
        return last, recent
    order = np.lexsort((when, who))  # stable: equal (customer, day) keep input order
    ranked_who = who[order]
    lateness = late_days[order].astype(np.float64)
    ends = np.flatnonzero(np.r_[ranked_who[1:] != ranked_who[:-1], True])
    starts = np.r_[0, ends[:-1] + 1]
    running = np.r_[0.0, np.cumsum(lateness)]
    first = np.maximum(ends + 1 - RECENT, starts)
    customers = ranked_who[ends]
    last[customers] = lateness[ends]
    recent[customers] = (running[ends + 1] - running[first]) / (ends + 1 - first)
    return last, recent


def amount_weighted_by_customer(
    customer: NDArray[np.int64],
    amount: NDArray[np.float64],
    p: NDArray[np.float64],
    size: int,
) -> tuple[NDArray[np.float64], NDArray[np.bool_]]:
    """Each customer's amount-weighted mean of ``p`` and whether they had any row.

    Weighted by amount because a score is about cash at risk; a customer whose rows
    sum to zero or less falls back to the plain mean.
    """
    weights = np.bincount(customer, weights=amount, minlength=size)
    weighted = np.bincount(customer, weights=amount * p, minlength=size)
    count = np.bincount(customer, minlength=size)
    plain = np.bincount(customer, weights=p, minlength=size) / np.maximum(count, 1)
    mean = np.divide(weighted, weights, out=plain.copy(), where=weights > 0)
    return mean, count > 0
