"""KPIs as of a date: the numbers, the aging chart and the DSO trend chart."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, render_template, request

from gateway.queries.kpi_trend import dso_trend
from gateway.queries.kpis import KpiQuery, kpi_summary
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


@bp.get("/kpis")
@login_required("admin", "collector", "auditor")
def index() -> str:
    container = services()
    today = container.clock.now().date()
    as_of = _as_of(today)
    summary = kpi_summary(container, KpiQuery(as_of=as_of))
    overall = summary.groups[0]
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
    )
