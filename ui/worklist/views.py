"""The collector's worklist: who to call first, why, and for which invoices.

Ordered by the strategy priorities of the last ``arbridge score`` run (a collector's
own groups first); before any run, by overdue amount, and the page says so.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Blueprint, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from gateway.errors import ValidationFailed
from gateway.queries.priorities import (
    priorities_as_of,
    prioritized_page,
    priority_currencies,
)
from gateway.queries.worklist import (
    NO_SEGMENT,
    WorklistFilter,
    worklist_currencies,
    worklist_page,
    worklist_segments,
)
from gateway.services.promises import parse_promise, record_promise
from ui.paging import page_number, text
from ui.security import current_user, login_required
from ui.services import services

bp = Blueprint("worklist", __name__)
log = logging.getLogger(__name__)
PER_PAGE = 50


def _filter(currencies: tuple[str, ...], segments: tuple[str, ...]) -> WorklistFilter:
    # A value not on offer (stale link, hand-edited URL) means no filter, not an error.
    currency = request.args.get("currency", "").upper()
    segment = request.args.get("segment", "")
    return WorklistFilter(
        q=text("q"),
        currency=currency if currency in currencies else None,
        segment=segment if segment in segments else None,
    )


def _render(error: str | None = None, status: int = 200) -> tuple[str, int]:
    container = services()
    as_of = priorities_as_of(container)
    if as_of is None:
        currencies = worklist_currencies(container)
    else:
        currencies = priority_currencies(container)
    segments = worklist_segments(container)
    flt = _filter(currencies, segments)
    today = container.clock.now().date()
    user = current_user()
    mine = user[0] if user and user[1] == "collector" else None
    page: dict[str, Any] = {"today": today, "page": page_number(), "per_page": PER_PAGE}
    if as_of is None:
        paged = worklist_page(container, flt, **page)
    else:
        paged = prioritized_page(container, flt, mine=mine, **page)
    return render_template(
        "worklist/index.html", paged=paged, flt=flt, currencies=currencies, today=today,
        segments=segments, no_segment=NO_SEGMENT, priorities_as_of=as_of, mine=mine,
        error=error, logged=request.args.get("logged", type=int),
    ), status  # fmt: skip


@bp.get("/worklist")
@login_required("admin", "collector")
def index() -> tuple[str, int]:
    return _render()


@bp.post("/worklist/promises")
@login_required("admin", "collector")
def log_promise() -> Response | tuple[str, int]:
    form = request.form
    raw = {
        "customer": form.get("customer"), "amount": form.get("amount", "").strip(),
        "currency": form.get("currency"), "date": form.get("date"),
        "invoices": form.getlist("invoices") or None,
        "tolerance_days": form.get("tolerance_days", "").strip(),
    }  # fmt: skip
    user = current_user()
    try:
        new = parse_promise(raw)
        record_promise(services(), new, user[0] if user else "?")
    except ValidationFailed as exc:
        return _render(error=f"Promise not logged: {exc}", status=400)
    log.info("promise to pay logged for customer %s", new.customer_id)
    return redirect(url_for("worklist.index", logged=new.customer_id))
