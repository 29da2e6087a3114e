"""Payment prediction features: only what was known on the day a question is asked.

Pure feature building (no model library here; training lives in
``gateway/services/prediction.py``). Everything takes the as-of date as an argument,
and the first thing every entry point does is :func:`visible_as_of`: settlements on
or after the as-of date are erased before any feature or label is computed. So no
outcome from the future can reach a feature, by construction, and the leakage test
checks it from the outside (shuffling later outcomes changes nothing).

Features of an invoice on day ``t``: invoice facts (amount, terms days, electronic
channel, dispute flag, issue month and weekday) and the customer's history of
invoices settled before ``t`` (count, late share, mean and amount-weighted days late,
mean days to pay, the last one's lateness, recent trend, dispute share, open count
and amount). Outcomes (``settled_date`` and everything derived from it: days to pay,
days late) are never features.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import TYPE_CHECKING, Final

from rules.payment_history import CustomerHistory, HistoryAt, Settled

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence
    from datetime import date

#: The outcome fields of :class:`InvoiceFacts`: labels, never features.
OUTCOME_FIELDS: Final = frozenset({"settled_date"})

_INVOICE_FEATURES: Final = (
    "amount",
    "terms_days",
    "electronic",
    "month",
    "weekday",
)
HISTORY_FEATURES: Final = (
    "h_count",
    "h_missing",
    "h_late_share",
    "h_mean_days_late",
    "h_weighted_days_late",
    "h_mean_days_to_pay",
    "h_last_days_late",
    "h_trend",
    "h_dispute_share",
    "h_open_count",
    "h_open_amount",
)
#: Feature names per feature set: ``issue_time`` (known when the invoice is sent)
#: and ``with_dispute`` (adds whether the invoice is disputed: "in collection").
FEATURE_SETS: Final[dict[str, tuple[str, ...]]] = {
    "issue_time": _INVOICE_FEATURES + HISTORY_FEATURES,
    "with_dispute": (*_INVOICE_FEATURES, "disputed", *HISTORY_FEATURES),
}
LATE_30_DAYS: Final = 30


@dataclass(frozen=True, slots=True)
class InvoiceFacts:
    """One invoice as the model sees it; ``settled_date`` is the outcome."""

    key: str
    customer: str
    issue_date: date
    due_date: date
    amount: Decimal
    currency: str
    channel: str | None = None
    disputed: bool = False
    settled_date: date | None = None


@dataclass(frozen=True, slots=True)
class Rows:
    """Feature rows with their invoices and, for settled invoices, their labels."""

    invoices: tuple[InvoiceFacts, ...]
    features: tuple[tuple[float, ...], ...]
    late: tuple[int, ...] = ()
    late_30: tuple[int, ...] = ()
    days_to_pay: tuple[int, ...] = ()


def days_late(invoice: InvoiceFacts) -> int:
    """Return days paid after the due date (0 if on time); needs a settled invoice.

    Raises:
        ValueError: the invoice is not settled.
    """
    if invoice.settled_date is None:
        raise ValueError(f"invoice {invoice.key} is not settled")
    return max((invoice.settled_date - invoice.due_date).days, 0)


def days_to_pay(invoice: InvoiceFacts) -> int:
    """Return days from issue to settlement; needs a settled invoice.

    Raises:
        ValueError: the invoice is not settled.
    """
    if invoice.settled_date is None:
        raise ValueError(f"invoice {invoice.key} is not settled")
    return (invoice.settled_date - invoice.issue_date).days


def visible_as_of(invoices: Iterable[InvoiceFacts], as_of: date) -> list[InvoiceFacts]:
    """Return the invoices as known at the start of ``as_of``.

    Invoices issued on or after ``as_of`` did not exist yet; settlements on or after
    it had not happened yet and are erased.
    """
    return [
        inv
        if inv.settled_date is None or inv.settled_date < as_of
        else replace(inv, settled_date=None)
        for inv in invoices
        if inv.issue_date < as_of
    ]


def histories(invoices: Iterable[InvoiceFacts]) -> dict[str, CustomerHistory]:
    """Build each customer's history from the invoices given (already as-of filtered)."""
    settled: dict[str, list[Settled]] = defaultdict(list)
    issued: dict[str, list[tuple[date, float]]] = defaultdict(list)
    for inv in invoices:
        issued[inv.customer].append((inv.issue_date, float(inv.amount)))
        if inv.settled_date is not None:
            settled[inv.customer].append(
                Settled(
                    inv.settled_date,
                    float(inv.amount),
                    days_late(inv),
                    days_to_pay(inv),
                    inv.disputed,
                )
            )
    return {c: CustomerHistory(settled[c], issued[c]) for c in issued}


def feature_row(
    invoice: InvoiceFacts, history: HistoryAt, feature_set: str
) -> tuple[float, ...]:
    """Return ``invoice``'s features in the order of ``FEATURE_SETS[feature_set]``.

    Raises:
        KeyError: the feature set is unknown.
    """
    names = FEATURE_SETS[feature_set]
    values = _invoice_values(invoice) | _history_values(history)
    return tuple(values[name] for name in names)


def _invoice_values(invoice: InvoiceFacts) -> dict[str, float]:
    return {
        "amount": float(invoice.amount),
        "terms_days": float((invoice.due_date - invoice.issue_date).days),
        "electronic": 1.0 if invoice.channel == "electronic" else 0.0,
        "month": float(invoice.issue_date.month),
        "weekday": float(invoice.issue_date.weekday()),
        "disputed": 1.0 if invoice.disputed else 0.0,
    }


def _history_values(h: HistoryAt) -> dict[str, float]:
    return {
        "h_count": float(h.count),
        "h_missing": 1.0 if h.count == 0 else 0.0,
        "h_late_share": h.late_share,
        "h_mean_days_late": h.mean_days_late,
        "h_weighted_days_late": h.weighted_days_late,
        "h_mean_days_to_pay": h.mean_days_to_pay,
        "h_last_days_late": h.last_days_late,
        "h_trend": h.trend,
        "h_dispute_share": h.dispute_share,
        "h_open_count": float(h.open_count),
        "h_open_amount": h.open_amount,
    }


def _labelled(
    chosen: Sequence[InvoiceFacts], known: Sequence[InvoiceFacts], feature_set: str
) -> Rows:
    """Rows for settled invoices, each with features on its own issue date."""
    by_customer = histories(known)
    features = tuple(
        feature_row(inv, by_customer[inv.customer].at(inv.issue_date), feature_set)
        for inv in chosen
    )
    lateness = [days_late(inv) for inv in chosen]
    return Rows(
        tuple(chosen),
        features,
        late=tuple(int(d > 0) for d in lateness),
        late_30=tuple(int(d > LATE_30_DAYS) for d in lateness),
        days_to_pay=tuple(days_to_pay(inv) for inv in chosen),
    )


def training_rows(
    invoices: Iterable[InvoiceFacts], cutoff: date, feature_set: str
) -> Rows:
    """Return the training set at ``cutoff``: invoices issued and settled before it.

    Invoices still open at the cutoff are left out: their outcome was not known.
    """
    known = visible_as_of(invoices, cutoff)
    chosen = sorted(
        (inv for inv in known if inv.settled_date is not None),
        key=lambda inv: (inv.issue_date, inv.key),
    )
    return _labelled(chosen, known, feature_set)


def holdout_rows(
    invoices: Iterable[InvoiceFacts], cutoff: date, feature_set: str
) -> Rows:
    """Return the held-out set: settled invoices issued on or after ``cutoff``.

    Each is seen as on its own issue date (history settled before that day), which is
    when a prediction for it would have been made: the time-ordered protocol of
    payment-prediction.md section 4.1.
    """
    every = list(invoices)
    chosen = sorted(
        (i for i in every if i.issue_date >= cutoff and i.settled_date is not None),
        key=lambda inv: (inv.issue_date, inv.key),
    )
    return _labelled(chosen, every, feature_set)
