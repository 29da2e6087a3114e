"""The collector's worklist: who owes the most overdue money, and for which invoices."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from gateway.queries.worklist import WorklistFilter, worklist_currencies, worklist_page
from ui.paging import page_number, text
from ui.security import login_required
from ui.services import services

bp = Blueprint("worklist", __name__)
PER_PAGE = 50


@bp.get("/worklist")
@login_required("admin", "collector")
def index() -> str:
    container = services()
    currencies = worklist_currencies(container)
    currency = request.args.get("currency", "").upper()
    flt = WorklistFilter(
        q=text("q"), currency=currency if currency in currencies else None
    )
    today = container.clock.now().date()
    paged = worklist_page(
        container, flt, today=today, page=page_number(), per_page=PER_PAGE
    )
    return render_template(
        "worklist/index.html",
        paged=paged,
        flt=flt,
        currencies=currencies,
        today=today,
    )
