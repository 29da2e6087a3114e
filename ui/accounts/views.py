"""``/accounts/<id>``: the customer a collector opens from the worklist.

Score breakdown, priority and reasons, open items with their payment predictions,
promises and recent payments, as of today (UTC).
"""

from __future__ import annotations

from flask import Blueprint, abort, render_template

from gateway.services.account import NO_MODEL, account
from ui.security import login_required
from ui.services import services

bp = Blueprint("accounts", __name__)


@bp.get("/accounts/<int:customer_id>")
@login_required("admin", "collector")
def show(customer_id: int) -> str:
    container = services()
    found = account(container, customer_id, container.clock.now().date())
    if found is None:
        abort(404, description=f"There is no customer {customer_id} in the mirror.")
    return render_template(
        "accounts/show.html",
        acct=found,
        no_model=found.prediction_problem == NO_MODEL,
    )
