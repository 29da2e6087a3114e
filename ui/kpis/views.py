"""KPIs as of a date: the numbers, a breakdown by group, aging and DSO trend charts."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, render_template, request

from gateway.queries.kpi_trend import dso_trend
from gateway.queries.kpis import GROUPS, KpiQuery, KpiSummary, kpi_summary
from rules.kpi_report import DEFINITIONS
from ui.kpis import charts
from ui.security import login_required
from ui.services import services

bp = Blueprint("kpis", __name__)


def _as_of(today: date) -> date:
    raw = request.args.get("as_of", "")
    if not raw:
        return today
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        abort(400, description=f"As-of date {raw!r} is not a date (YYYY-MM-DD).")
    if not 1900 <= day.year <= 9998:
        abort(400, description="The as-of date must be between 1900 and 9998.")
    return day


# The group selector's choices (gateway.queries.kpis.GROUPS), in the order shown;
# "none" shows the overall figures only.
GROUP_LABELS = {
    "none": "Overall only",
    "customer": "Customer",
    "segment": "Segment",
    "company": "Company",
    "connection": "Connection",
}


def _group_by() -> str:
    raw = request.args.get("group_by", "") or "none"
    if raw not in GROUPS:
        abort(400, description=f"Group {raw!r} is not one of {', '.join(GROUPS)}.")
    return raw


@bp.get("/kpis")
@login_required("admin", "collector", "auditor")
def index() -> str:
    container = services()
    today = container.clock.now().date()
    as_of = _as_of(today)
    group_by = _group_by()
    summary = kpi_summary(container, KpiQuery(as_of=as_of))
    overall = summary.groups[0]
    breakdown: KpiSummary | None = None
    if group_by != "none":
        breakdown = kpi_summary(container, KpiQuery(as_of=as_of, group=group_by))
    trend = dso_trend(container, as_of)
    return render_template(
        "kpis/index.html",
        summary=summary,
        overall=overall,
        kpi=overall.report,
        trend=trend,
        aging=charts.aging_chart(summary.bucket_labels, overall.report.aging),
        lines=charts.dso_lines(trend),
        chart=charts,
        definitions=DEFINITIONS,
        as_of=as_of,
        today=today,
        group_by=group_by,
        group_labels=GROUP_LABELS,
        breakdown=breakdown,
    )
