"""JSON shapes of the KPI endpoint: money as decimal strings, days and percent too."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from gateway.api.schemas import money, scalar
from rules.kpi_report import DEFINITIONS

if TYPE_CHECKING:
    from gateway.queries.kpi_trend import TrendPoint
    from gateway.queries.kpis import KpiGroup, KpiSummary
    from rules.kpi_report import KpiReport

MONEY = (
    "open_receivables",
    "current_receivables",
    "receivables_at_start",
    "credit_sales",
    "unapplied_credits",
)
NUMBERS = (
    "dso",
    "dso_count_back",
    "best_possible_dso",
    "average_days_delinquent",
    "cei",
    "days_to_pay",
    "days_to_pay_weighted",
    "days_beyond_terms",
    "days_beyond_terms_weighted",
    "at_risk_rate",
)
COUNTS = ("period_days", "paid_invoices", "open_invoices")


def kpis(report: KpiReport, currency: str | None, labels: tuple[str, ...]) -> Any:
    body: dict[str, Any] = {name: scalar(getattr(report, name)) for name in NUMBERS}
    body.update({name: getattr(report, name) for name in COUNTS})
    body.update({name: money(getattr(report, name), currency) for name in MONEY})
    body["cei_variant"] = report.cei_variant.value
    body["aging"] = [
        {"bucket": label, "amount": money(amount, currency)}
        for label, amount in zip(labels, report.aging, strict=True)
    ]
    return body


def group(item: KpiGroup, summary: KpiSummary) -> dict[str, Any]:
    labels = summary.bucket_labels
    return {
        "key": item.key,
        "label": item.label,
        "kpis": kpis(item.report, summary.currency, labels),
        "unconverted": [
            {
                "currency": part.currency,
                "kpis": kpis(part.report, part.currency, labels),
            }
            for part in item.unconverted
        ],
    }


def trend(points: tuple[TrendPoint, ...], currency: str) -> list[dict[str, Any]]:
    return [
        {
            "month_end": p.month_end.isoformat(),
            "open_receivables": money(p.open_receivables, currency),
            "credit_sales": money(p.credit_sales, currency),
            "dso": scalar(p.dso),
            "dso_count_back": scalar(p.dso_count_back),
            "unconverted": list(p.unconverted),
        }
        for p in points
    ]


def summary(result: KpiSummary, base_currency: str) -> dict[str, Any]:
    query = result.query
    return {
        "as_of": query.as_of.isoformat(),
        "group_by": query.group,
        "currency": result.currency,
        "base_currency": base_currency,
        "period": {
            "start": result.period.start.isoformat(),
            "end": result.period.end.isoformat(),
            "months": query.months,
            "days": result.period.days,
        },
        "cei_variant": query.variant.value,
        "aging_buckets": list(result.bucket_labels),
        "fx_rates": [
            {"currency": code, "rate_to_base": f"{rate:f}", "as_of": day.isoformat()}
            for code, rate, day in result.rates
        ],
        "definitions": dict(DEFINITIONS),
        "items": [group(item, result) for item in result.groups],
        "page": query.page,
        "per_page": query.per_page,
        "total": result.total,
    }
