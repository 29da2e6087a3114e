"""``/kpis``: DSO, CEI, days to pay, aging and more, as of a date, per scope."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import request

from gateway.api import kpis_json, params
from gateway.api.auth import require_roles, services
from gateway.api.blueprint import bp
from gateway.api.errors import ApiError
from gateway.queries.kpi_trend import dso_trend
from gateway.queries.kpis import GROUPS, KpiQuery, kpi_summary
from rules.aging import DEFAULT_BOUNDS, buckets
from rules.kpis import CeiVariant

READERS = ("admin", "collector", "auditor")
VARIANTS = tuple(v.value for v in CeiVariant)


def _bad(name: str, message: str) -> ApiError:
    return ApiError(400, f"query parameter {name!r} {message}", field=name)


def as_of_param(today: date, name: str = "as_of") -> date:
    """An ISO date (YYYY-MM-DD); today when absent."""
    raw = request.args.get(name)
    if raw is None or raw == "":
        return today
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        raise _bad(name, f"must be a date as YYYY-MM-DD, not {raw!r}") from None
    # Two years of month windows must fit before it in the calendar.
    if not 1900 <= day.year <= 9998:
        raise _bad(name, f"must be between 1900 and 9998, not {raw!r}")
    return day


def bounds_param(name: str = "buckets") -> tuple[int, ...]:
    """Aging bucket upper bounds in days, e.g. ``30,60,90`` (the default)."""
    raw = request.args.get(name)
    if raw is None or raw == "":
        return DEFAULT_BOUNDS
    try:
        bounds = tuple(int(part) for part in raw.split(","))
        buckets(bounds)
    except ValueError:
        raise _bad(
            name, f"must be increasing whole days like 30,60,90, not {raw!r}"
        ) from None
    if len(bounds) > 12 or bounds[-1] > 3650:
        raise _bad(name, "allows at most 12 bounds of up to 3650 days")
    return bounds


def kpi_query(today: date) -> KpiQuery:
    """The query string as a :class:`KpiQuery`; a bad value is a 400 naming it."""
    page, per_page = params.paging()
    return KpiQuery(
        as_of=as_of_param(today),
        group=params.choice("group_by", GROUPS) or "none",
        currency=params.currency(),
        months=params.integer("months", 3, high=12),
        bounds=bounds_param(),
        variant=CeiVariant(params.choice("cei", VARIANTS) or CeiVariant.PERIOD_SALES),
        page=page,
        per_page=per_page,
    )


@bp.get("/kpis")
@require_roles(*READERS)
def kpis_index() -> dict[str, Any]:
    container = services()
    query = kpi_query(container.clock.now().date())
    with_trend = params.boolean("trend") or False
    result = kpi_summary(container, query)
    body = kpis_json.summary(result, container.settings.base_currency)
    if with_trend:
        points = dso_trend(
            container, query.as_of, currency=query.currency, months=query.months
        )
        body["trend"] = kpis_json.trend(points, result.currency)
    return body
