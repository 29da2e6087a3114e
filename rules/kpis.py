"""Receivables KPIs: exact formulas on Decimal money, reproducible as of any date.

Every formula is the one in ``shared/reference/collections-domain.md`` section 3
(cited per function). Inputs are aggregates (receivables, credit sales, days); the
facts they come from and the as-of reconstruction live in :mod:`rules.kpi_inputs`.

Rounding: every result is rounded once, at the end, half up
(``decimal.ROUND_HALF_UP``) to ``places`` decimals (default 2). Intermediate values
keep the full 28-digit Decimal context, so ADD is ``DSO - BPDSO`` before rounding.
An undefined value (a division by zero: no sales, no receivables to collect) is
``None``, never 0 and never infinity.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

ZERO = Decimal(0)
HUNDRED = Decimal(100)
DEFAULT_PLACES = 2
DEFAULT_BUCKET_BOUNDS: tuple[int, ...] = (30, 60, 90)


def rounded(value: Decimal, places: int = DEFAULT_PLACES) -> Decimal:
    """Round half up to ``places`` decimals (the one rounding rule of this module).

    Args:
        value: The exact value.
        places: Decimals to keep.

    Returns:
        The rounded value.
    """
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def _ratio_days(amount: Decimal, sales: Decimal, days: int) -> Decimal | None:
    if sales <= 0:
        return None
    return amount / sales * days


@dataclass(frozen=True, slots=True)
class SalesWindow:
    """Credit sales of one month-long window and the window's length in days."""

    days: int
    sales: Decimal


def dso_standard(
    ar_end: Decimal, sales: Decimal, days: int, places: int = DEFAULT_PLACES
) -> Decimal | None:
    """Standard ("simple") DSO: ``AR_end / S * D`` (reference section 3.1).

    Args:
        ar_end: Open receivables at the end of the period.
        sales: Credit sales in the period.
        days: Days in the period.
        places: Decimals of the result.

    Returns:
        Days, or None when there were no sales.
    """
    value = _ratio_days(ar_end, sales, days)
    return None if value is None else rounded(value, places)


def dso_count_back(
    ar_end: Decimal, history: Sequence[SalesWindow], places: int = DEFAULT_PLACES
) -> Decimal | None:
    """Count-back DSO (reference section 3.2), newest window first.

    While the receivables left are larger than a window's sales, subtract that
    window's sales and add its days; then add ``remaining / sales * days`` of the
    window that covers the rest. Worked example: AR 212,000 over sales 100k, 80k, 70k
    in 30-day months gives 30 + 30 + 32/70 * 30 = 73.7 days.

    Args:
        ar_end: Open receivables at the end of the newest window.
        history: Sales windows, newest first, with their actual calendar days.
        places: Decimals of the result.

    Returns:
        Days; 0 when nothing is owed; None when the receivables exceed all the sales
        in ``history`` (more history is needed to place them).
    """
    remaining, days = ar_end, ZERO
    for window in history:
        if remaining <= 0:
            break
        if remaining > window.sales:
            remaining -= window.sales
            days += window.days
            continue
        days += remaining / window.sales * window.days
        remaining = ZERO
    if remaining > 0:
        return None
    return rounded(days, places)


def best_possible_dso(
    ar_current_end: Decimal, sales: Decimal, days: int, places: int = DEFAULT_PLACES
) -> Decimal | None:
    """Best possible DSO: ``AR_cur_end / S * D`` (reference section 3.3).

    Args:
        ar_current_end: The part of the ending receivables not yet past due.
        sales: Credit sales in the period.
        days: Days in the period.
        places: Decimals of the result.

    Returns:
        Days, or None when there were no sales.
    """
    value = _ratio_days(ar_current_end, sales, days)
    return None if value is None else rounded(value, places)


def average_days_delinquent(
    ar_end: Decimal,
    ar_current_end: Decimal,
    sales: Decimal,
    days: int,
    places: int = DEFAULT_PLACES,
) -> Decimal | None:
    """ADD: ``DSO - BPDSO`` from unrounded values (reference section 3.4).

    Worked example: AR 15,000, current 4,000, sales 10,000 in 30 days gives DSO 45,
    BPDSO 12, ADD 33.

    Args:
        ar_end: Open receivables at the end of the period.
        ar_current_end: Their part not yet past due.
        sales: Credit sales in the period.
        days: Days in the period.
        places: Decimals of the result.

    Returns:
        Days, or None when there were no sales.
    """
    value = _ratio_days(ar_end - ar_current_end, sales, days)
    return None if value is None else rounded(value, places)


class CeiVariant(StrEnum):
    """Which sales figure the CEI uses (reference section 3.5)."""

    PERIOD_SALES = "period_sales"
    """The period's credit sales S (the default): the CEI of the whole period."""
    MONTHLY_SALES = "monthly_sales"
    """Monthly sales S/N (creditguru, Oracle's documented formula)."""


def cei(
    ar_begin: Decimal,
    sales: Decimal,
    ar_end: Decimal,
    ar_current_end: Decimal,
    *,
    variant: CeiVariant = CeiVariant.PERIOD_SALES,
    months: int = 1,
    places: int = DEFAULT_PLACES,
) -> Decimal | None:
    """Collection effectiveness index in percent (reference section 3.5).

    ``CEI = (AR_begin + S' - AR_end) / (AR_begin + S' - AR_cur_end) * 100`` where
    ``S'`` is the period's credit sales S (``PERIOD_SALES``, the default) or the
    monthly average S/N (``MONTHLY_SALES``). "Current" means not yet past due. On
    the reference's Jan-Mar data (AR_begin 6,200; S 10,890; AR_end 6,340; current
    3,590; N = 3) the variants give 79.6 % and 55.9 %.

    Args:
        ar_begin: Open receivables at the start of the period.
        sales: Credit sales in the period.
        ar_end: Open receivables at the end of the period.
        ar_current_end: Their part not yet past due.
        variant: Which sales figure to use.
        months: N, the period's length in months (``MONTHLY_SALES`` only).
        places: Decimals of the result.

    Returns:
        Percent, or None when there was nothing to collect (denominator 0).

    Raises:
        ValueError: ``months`` is below 1.
    """
    if months < 1:
        msg = f"months must be at least 1, not {months}"
        raise ValueError(msg)
    used = sales / months if variant is CeiVariant.MONTHLY_SALES else sales
    collectible = ar_begin + used - ar_current_end
    if collectible <= 0:
        return None
    return rounded((ar_begin + used - ar_end) / collectible * HUNDRED, places)


@dataclass(frozen=True, slots=True)
class PaidStats:
    """Sums over fully paid invoices, from which both day averages follow.

    ``amount_days`` is the sum of amount times days; ``days`` the plain sum of days.
    """

    count: int = 0
    amount: Decimal = ZERO
    amount_days: Decimal = ZERO
    days: int = 0

    def __add__(self, other: PaidStats) -> PaidStats:
        return PaidStats(
            self.count + other.count,
            self.amount + other.amount,
            self.amount_days + other.amount_days,
            self.days + other.days,
        )

    def scaled(self, rate: Decimal) -> PaidStats:
        """The same stats with money translated at ``rate`` (counts and days stay)."""
        return PaidStats(
            self.count, self.amount * rate, self.amount_days * rate, self.days
        )


def paid_stats(items: Iterable[tuple[Decimal, int]]) -> PaidStats:
    """Build :class:`PaidStats` from (amount, days) pairs, one per paid invoice.

    Args:
        items: Amount and days (to pay, or beyond terms) of each paid invoice.

    Returns:
        The sums.
    """
    total = PaidStats()
    for amount, days in items:
        total += PaidStats(1, amount, amount * days, days)
    return total


def average_days(
    stats: PaidStats, *, weighted: bool, places: int = DEFAULT_PLACES
) -> Decimal | None:
    """Average days to pay, or beyond terms (reference section 3.7).

    Unweighted: ``mean(days_i)``; weighted: ``sum(amount_i * days_i) / sum(amount_i)``.
    Days to pay count from the invoice date, days beyond terms from the due date (so
    an invoice paid early counts negative). Worked example: $10 paid in 5 days and
    $100 in 10 days: 7.5 unweighted, 9.55 weighted.

    Args:
        stats: Sums over the paid invoices.
        weighted: Weight each invoice by its amount.
        places: Decimals of the result.

    Returns:
        Days, or None without paid invoices (or, weighted, with zero amount).
    """
    if weighted:
        if stats.amount == 0:
            return None
        return rounded(stats.amount_days / stats.amount, places)
    if stats.count == 0:
        return None
    return rounded(Decimal(stats.days) / stats.count, places)


def at_risk_rate(
    still_open: Decimal, fell_due: Decimal, places: int = DEFAULT_PLACES
) -> Decimal | None:
    """At-risk rate in percent: ``still_open / fell_due * 100`` (section 3.8).

    Upflow's at-risk rate is the share of a month's billed amount still unpaid 90
    days past due. ARBridge ages by due date, so its cohort is the amount that fell
    due in the month-long window ending 90 days before the as-of date (each such
    invoice is at least 90 days past due on the as-of date); ``still_open`` is what
    of it is still open on the as-of date. See :mod:`rules.kpi_inputs`.

    Args:
        still_open: Open amount of the cohort on the as-of date.
        fell_due: The cohort's amount.
        places: Decimals of the result.

    Returns:
        Percent, or None when nothing fell due in the cohort window.
    """
    if fell_due <= 0:
        return None
    return rounded(still_open / fell_due * HUNDRED, places)
