"""One scope's KPI values from its inputs, with the definitions shown beside them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from rules.kpis import (
    CeiVariant,
    at_risk_rate,
    average_days,
    average_days_delinquent,
    best_possible_dso,
    cei,
    dso_count_back,
    dso_standard,
    rounded,
)

if TYPE_CHECKING:
    from decimal import Decimal

    from rules.kpi_inputs import KpiInputs

DEFINITIONS: Final[dict[str, str]] = {
    "dso": "AR_end / S * D: open receivables at the as-of date over the credit sales "
    "of the period (the last `months` month windows), times the period's days "
    "(collections-domain.md 3.1).",
    "dso_count_back": "Count-back: from AR_end, subtract each month window's sales "
    "(newest first) and add its calendar days while AR exceeds them, then add "
    "remaining/sales*days of the covering window; null if 24 months of sales do "
    "not cover AR (3.2).",
    "best_possible_dso": "AR_cur_end / S * D, where current = not yet past due (3.3).",
    "average_days_delinquent": "ADD = DSO - BPDSO (3.4).",
    "cei": "(AR_begin + S' - AR_end) / (AR_begin + S' - AR_cur_end) * 100 with S' the "
    "period's credit sales (variant period_sales, the default) or S/N "
    "(variant monthly_sales) (3.5).",
    "days_to_pay": "Invoices fully paid within the period: payment date of the "
    "settling payment minus invoice date; unweighted mean and amount-weighted "
    "sum(amount*days)/sum(amount) (3.7).",
    "days_beyond_terms": "As days_to_pay, but from the due date; early payment "
    "counts negative (3.7).",
    "aging": "Open amount as of the date by days past due date; current = not yet "
    "past due (3.8).",
    "at_risk_rate": "Of the amount that fell due in the month window ending 90 days "
    "before the as-of date, the percent still open on the as-of date (Upflow's "
    "at-risk rate, by due date) (3.8).",
    "credit_sales": "Invoices (not credit memos, void or deleted) by issue date, at "
    "their amount net of settlement no dated payment explains (applied credit "
    "memos).",
    "rounding": "Half up, 2 decimals for days, percent and money; null when "
    "undefined (no sales, nothing to collect, no paid invoices).",
}


@dataclass(frozen=True, slots=True)
class KpiReport:
    """KPI values of one scope in one currency; None where undefined."""

    open_receivables: Decimal
    current_receivables: Decimal
    receivables_at_start: Decimal
    credit_sales: Decimal
    period_days: int
    dso: Decimal | None
    dso_count_back: Decimal | None
    best_possible_dso: Decimal | None
    average_days_delinquent: Decimal | None
    cei: Decimal | None
    cei_variant: CeiVariant
    days_to_pay: Decimal | None
    days_to_pay_weighted: Decimal | None
    days_beyond_terms: Decimal | None
    days_beyond_terms_weighted: Decimal | None
    paid_invoices: int
    aging: tuple[Decimal, ...]
    at_risk_rate: Decimal | None
    open_invoices: int
    unapplied_credits: Decimal


def report(
    inputs: KpiInputs, *, variant: CeiVariant = CeiVariant.PERIOD_SALES
) -> KpiReport:
    """Compute every KPI of one scope.

    Args:
        inputs: The scope's sums (see :class:`rules.kpi_inputs.KpiInputs`).
        variant: The CEI variant.

    Returns:
        The values, rounded half up to 2 decimals.
    """
    s, d = inputs.sales, inputs.days
    return KpiReport(
        open_receivables=rounded(inputs.ar_end),
        current_receivables=rounded(inputs.ar_current_end),
        receivables_at_start=rounded(inputs.ar_begin),
        credit_sales=rounded(s),
        period_days=d,
        dso=dso_standard(inputs.ar_end, s, d),
        dso_count_back=dso_count_back(inputs.ar_end, inputs.history),
        best_possible_dso=best_possible_dso(inputs.ar_current_end, s, d),
        average_days_delinquent=average_days_delinquent(
            inputs.ar_end, inputs.ar_current_end, s, d
        ),
        cei=cei(
            inputs.ar_begin,
            s,
            inputs.ar_end,
            inputs.ar_current_end,
            variant=variant,
            months=inputs.months,
        ),
        cei_variant=variant,
        days_to_pay=average_days(inputs.to_pay, weighted=False),
        days_to_pay_weighted=average_days(inputs.to_pay, weighted=True),
        days_beyond_terms=average_days(inputs.beyond_terms, weighted=False),
        days_beyond_terms_weighted=average_days(inputs.beyond_terms, weighted=True),
        paid_invoices=inputs.to_pay.count,
        aging=tuple(rounded(a) for a in inputs.aging),
        at_risk_rate=at_risk_rate(inputs.at_risk_open, inputs.at_risk_due),
        open_invoices=inputs.open_count,
        unapplied_credits=rounded(inputs.unapplied_credits),
    )
