"""``/accounts/<id>``: the customer a collector opens from the worklist.

Score breakdown, priority and reasons, open items with their payment predictions,
promises and recent payments, as of today (UTC). Collectors act from here too: each
open invoice has an update form for the gateway-owned collection fields, and a
promise to pay can be logged. Both posts come back to this page (post, redirect,
get) with a message; a refused one shows the page again with the reason.
"""

from __future__ import annotations

import logging

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from gateway.errors import ValidationFailed
from gateway.queries.invoices import get_invoice
from gateway.services.account import NO_MODEL, account
from gateway.services.invoice_edits import (
    COLLECTION_STATUSES,
    MAX_DUNNING_LEVEL,
    edit_invoice,
)
from gateway.services.promises import parse_promise, record_promise
from ui import formatting
from ui.accounts import forms
from ui.security import current_user, login_required
from ui.services import services

bp = Blueprint("accounts", __name__)
log = logging.getLogger(__name__)
PROMISE_FORM = "promise"


def _render(
    customer_id: int, *, error: str | None = None, status: int = 200, opened: str = ""
) -> tuple[str, int]:
    """The page; ``opened`` names the form to show unfolded (the one refused)."""
    container = services()
    found = account(container, customer_id, container.clock.now().date())
    if found is None:
        abort(404, description=f"There is no customer {customer_id} in the mirror.")
    return render_template(
        "accounts/show.html",
        acct=found,
        no_model=found.prediction_problem == NO_MODEL,
        statuses=COLLECTION_STATUSES,
        max_dunning_level=MAX_DUNNING_LEVEL,
        shown=forms.shown,
        error=error,
        opened=opened,
        # A refused form is shown again as the collector filled it in.
        refill=forms.refilled(request.form) if opened else {},
        form=request.form if opened else {},
    ), status


def _actor() -> str:
    user = current_user()
    return user[0] if user else "?"


def _back(customer_id: int) -> Response:
    # Always this account: no redirect target is taken from the request.
    return redirect(url_for("accounts.show", customer_id=customer_id))


@bp.get("/accounts/<int:customer_id>")
@login_required("admin", "collector")
def show(customer_id: int) -> tuple[str, int]:
    return _render(customer_id)


@bp.post("/accounts/<int:customer_id>/invoices/<int:invoice_id>")
@login_required("admin", "collector")
def update_invoice(customer_id: int, invoice_id: int) -> Response | tuple[str, int]:
    container = services()
    invoice = get_invoice(container, invoice_id)
    if (
        invoice is None
        or invoice.customer_id != customer_id
        or (invoice.kind, invoice.status) != ("invoice", "open")
    ):
        abort(
            404, description=f"Customer {customer_id} has no open invoice {invoice_id}."
        )
    number = invoice.number or str(invoice_id)
    try:
        values = forms.invoice_edits(request.form)
        changed = (
            edit_invoice(container, invoice_id, values, _actor()) if values else []
        )
    except ValidationFailed as exc:
        return _render(
            customer_id,
            error=forms.edit_refused(number, exc),
            status=forms.refusal_status(exc),
            opened=f"invoice-{invoice_id}",
        )
    if changed:
        log.info("invoice %d edited by %s: %s", invoice_id, _actor(), changed)
    flash(forms.edit_done(number, changed, values), "ok")
    return _back(customer_id)


@bp.post("/accounts/<int:customer_id>/promises")
@login_required("admin", "collector")
def log_promise(customer_id: int) -> Response | tuple[str, int]:
    try:
        new = parse_promise(forms.promise_input(request.form, customer_id))
        record_promise(services(), new, _actor())
    except ValidationFailed as exc:
        return _render(
            customer_id,
            error=f"Promise not logged: {exc}",
            status=400,
            opened=PROMISE_FORM,
        )
    log.info("promise to pay logged for customer %s", customer_id)
    amount = formatting.money(new.amount, new.currency)
    flash(f"Promise to pay logged: {amount} by {new.promised_date}.", "ok")
    return _back(customer_id)
