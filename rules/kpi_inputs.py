"""The facts behind the KPIs, reconstructed as of a date, and the periods they cover.

The mirror keeps only an invoice's *current* open amount, so the open amount as of a
past date D is rebuilt from the invoice's net amount minus the allocations of posted
payments dated on or before D, clamped to ``[0, net amount]``.

The net amount is the invoice amount less any settlement the mirror cannot date:
``amount - open_amount - sum(dated allocations)`` when positive. In practice that
is a credit memo applied to the invoice (the mirror has no dated link from a credit
memo to the invoice it settles), a write-off, or a payment not mirrored yet. It is
taken as settled **from the invoice's issue date**: the invoice counts as if billed
at its net amount, in receivables and in sales alike. That keeps every past balance
consistent with today's (payments only lower it) and keeps the CEI within 0..100.
Unapplied credit memos (open credit memos) are reported beside the KPIs and do not
lower receivables, as unapplied payments do not (Upflow's choice, section 3.2).

Periods are month-long windows ending on the as-of date: calendar months when it is
a month end, otherwise windows from the same day of the month (clamped to the
month's length), each with its actual number of days.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import Decimal

from rules.aging import Bucket, age
from rules.kpis import ZERO, PaidStats, SalesWindow, paid_stats

AT_RISK_DAYS = 90


@dataclass(frozen=True, slots=True)
class PaymentFact:
    """Part of a posted payment applied to one invoice, with the payment's date."""

    payment_date: date
    amount: Decimal


@dataclass(frozen=True, slots=True)
class InvoiceFact:
    """An invoice (not a credit memo, not void or deleted) as the mirror has it now."""

    issue_date: date
    due_date: date
    amount: Decimal
    open_amount: Decimal
    payments: tuple[PaymentFact, ...] = ()

    @property
    def net_amount(self) -> Decimal:
        """The amount less the settlement no dated payment explains (module doc)."""
        dated = sum((p.amount for p in self.payments), ZERO)
        return self.amount - max(ZERO, self.amount - self.open_amount - dated)

    def open_as_of(self, as_of: date) -> Decimal:
        """The open amount at the end of ``as_of`` (0 before the invoice existed)."""
        if self.issue_date > as_of:
            return ZERO
        paid = sum((p.amount for p in self.payments if p.payment_date <= as_of), ZERO)
        return min(self.net_amount, max(ZERO, self.net_amount - paid))

    def paid_on(self, as_of: date) -> date | None:
        """The date of the payment that settled it, if settled by ``as_of``."""
        dates = [p.payment_date for p in self.payments if p.payment_date <= as_of]
        if not dates or self.net_amount <= 0 or self.open_as_of(as_of) > 0:
            return None
        return max(dates)


@dataclass(frozen=True, slots=True)
class Window:
    """Days from ``start`` to ``end`` inclusive."""

    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def holds(self, day: date) -> bool:
        return self.start <= day <= self.end


def _is_month_end(day: date) -> bool:
    return day.day == calendar.monthrange(day.year, day.month)[1]


def months_back(day: date, months: int, *, month_end: bool) -> date:
    """``day`` moved ``months`` months back; a month end stays a month end."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, last if month_end else min(day.day, last))


def month_windows(as_of: date, count: int) -> tuple[Window, ...]:
    """``count`` consecutive month-long windows ending on ``as_of``, newest first."""
    month_end = _is_month_end(as_of)
    ends = [months_back(as_of, k, month_end=month_end) for k in range(count + 1)]
    return tuple(Window(ends[k + 1] + timedelta(days=1), ends[k]) for k in range(count))


def month_ends(as_of: date, count: int) -> tuple[date, ...]:
    """The last ``count`` month ends on or before ``as_of``, oldest first."""
    last = as_of if _is_month_end(as_of) else months_back(as_of, 1, month_end=True)
    return tuple(months_back(last, k, month_end=True) for k in reversed(range(count)))


@dataclass(frozen=True, slots=True)
class KpiInputs:
    """Everything the KPIs of one scope need, in one currency.

    ``history`` holds the sales of month windows ending on the as-of date, newest
    first; the first ``months`` of them are the KPI period. ``ar_begin`` is the
    balance at the end of the day before the period. ``aging`` has one total per
    bucket. ``at_risk_due``/``at_risk_open``: the at-risk cohort (kpis.at_risk_rate).
    """

    months: int
    ar_end: Decimal = ZERO
    ar_current_end: Decimal = ZERO
    ar_begin: Decimal = ZERO
    history: tuple[SalesWindow, ...] = ()
    aging: tuple[Decimal, ...] = ()
    to_pay: PaidStats = field(default_factory=PaidStats)
    beyond_terms: PaidStats = field(default_factory=PaidStats)
    at_risk_due: Decimal = ZERO
    at_risk_open: Decimal = ZERO
    open_count: int = 0
    unapplied_credits: Decimal = ZERO

    def scaled(self, rate: Decimal) -> KpiInputs:
        """The same inputs with every amount translated at ``rate``."""
        return replace(
            self,
            ar_end=self.ar_end * rate,
            ar_current_end=self.ar_current_end * rate,
            ar_begin=self.ar_begin * rate,
            history=tuple(SalesWindow(w.days, w.sales * rate) for w in self.history),
            aging=tuple(a * rate for a in self.aging),
            to_pay=self.to_pay.scaled(rate),
            beyond_terms=self.beyond_terms.scaled(rate),
            at_risk_due=self.at_risk_due * rate,
            at_risk_open=self.at_risk_open * rate,
            unapplied_credits=self.unapplied_credits * rate,
        )

    def __add__(self, other: KpiInputs) -> KpiInputs:
        """Both scopes together (same period, windows and buckets; one currency)."""
        if self.months != other.months or len(self.history) != len(other.history):
            msg = "cannot add KPI inputs of different periods"
            raise ValueError(msg)
        return KpiInputs(
            months=self.months,
            ar_end=self.ar_end + other.ar_end,
            ar_current_end=self.ar_current_end + other.ar_current_end,
            ar_begin=self.ar_begin + other.ar_begin,
            history=tuple(
                SalesWindow(a.days, a.sales + b.sales)
                for a, b in zip(self.history, other.history, strict=True)
            ),
            aging=tuple(a + b for a, b in zip(self.aging, other.aging, strict=True)),
            to_pay=self.to_pay + other.to_pay,
            beyond_terms=self.beyond_terms + other.beyond_terms,
            at_risk_due=self.at_risk_due + other.at_risk_due,
            at_risk_open=self.at_risk_open + other.at_risk_open,
            open_count=self.open_count + other.open_count,
            unapplied_credits=self.unapplied_credits + other.unapplied_credits,
        )

    @property
    def period(self) -> tuple[SalesWindow, ...]:
        return self.history[: self.months]

    @property
    def sales(self) -> Decimal:
        return sum((w.sales for w in self.period), ZERO)

    @property
    def days(self) -> int:
        return sum(w.days for w in self.period)


def _paid_in(
    facts: Sequence[InvoiceFact], period: Window
) -> list[tuple[InvoiceFact, date]]:
    found = []
    for fact in facts:
        paid = fact.paid_on(period.end)
        if paid is not None and period.holds(paid):
            found.append((fact, paid))
    return found


def _sales(facts: Sequence[InvoiceFact], window: Window) -> Decimal:
    return sum((f.net_amount for f in facts if window.holds(f.issue_date)), ZERO)


def inputs_from_facts(
    facts: Iterable[InvoiceFact],
    as_of: date,
    *,
    months: int,
    history: int,
    spec: Sequence[Bucket],
) -> KpiInputs:
    """Compute :class:`KpiInputs` from invoice facts (the reference implementation).

    The gateway computes the same sums in SQL; this function defines them.

    Args:
        facts: The invoices of one scope, in one currency.
        as_of: The date the KPIs are computed for (end of that day).
        months: Month windows in the KPI period (DSO, BPDSO, CEI, days to pay).
        history: Month windows of sales for count-back DSO (at least ``months``).
        spec: The aging buckets.

    Returns:
        The inputs of :func:`rules.kpi_report.report`.
    """
    facts = list(facts)
    windows = month_windows(as_of, max(months, history))
    period = Window(windows[months - 1].start, as_of)
    begin = period.start - timedelta(days=1)
    open_items = [(f, f.open_as_of(as_of)) for f in facts]
    open_items = [(f, amount) for f, amount in open_items if amount > 0]
    paid = _paid_in(facts, period)
    cohort_end = as_of - timedelta(days=AT_RISK_DAYS)
    cohort = month_windows(cohort_end, 1)[0]
    due = [f for f in facts if cohort.holds(f.due_date)]
    return KpiInputs(
        months=months,
        ar_end=sum((a for _, a in open_items), ZERO),
        ar_current_end=sum((a for f, a in open_items if f.due_date >= as_of), ZERO),
        ar_begin=sum((f.open_as_of(begin) for f in facts), ZERO),
        history=tuple(SalesWindow(w.days, _sales(facts, w)) for w in windows),
        aging=age([((as_of - f.due_date).days, a) for f, a in open_items], spec),
        to_pay=paid_stats((f.net_amount, (d - f.issue_date).days) for f, d in paid),
        beyond_terms=paid_stats((f.net_amount, (d - f.due_date).days) for f, d in paid),
        at_risk_due=sum((f.net_amount for f in due), ZERO),
        at_risk_open=sum((f.open_as_of(as_of) for f in due), ZERO),
        open_count=len(open_items),
    )
