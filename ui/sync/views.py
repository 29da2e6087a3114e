"""The sync monitor for admins: streams with their cursors and lag, the conflict
queue (resolved here), the outbox (retried or discarded here) and recent runs."""

from __future__ import annotations

import logging

from flask import Blueprint, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from gateway.errors import GatewayError
from gateway.queries.outbox import list_items
from gateway.queries.sync_monitor import (
    connection_statuses,
    list_conflicts,
    outbox_counts,
)
from gateway.queries.sync_runs import list_runs
from gateway.services.conflicts import resolve_conflict
from gateway.services.outbox import discard_item, retry_item
from ui.paging import page_number
from ui.security import current_user, login_required
from ui.services import services

bp = Blueprint("sync", __name__)
log = logging.getLogger(__name__)
PER_PAGE = 50
OUTBOX_ROWS = 100
OUTBOX_SHOWN = ("pending", "claimed", "dead")


@bp.get("/sync")
@login_required("admin")
def index() -> str:
    container = services()
    now = container.clock.now()
    outbox = [
        item
        for item in list_items(container, limit=OUTBOX_ROWS)
        if item.status in OUTBOX_SHOWN
    ]
    return render_template(
        "sync/index.html",
        paged=list_runs(container, page=page_number(), per_page=PER_PAGE),
        connections=connection_statuses(container, now),
        conflicts=list_conflicts(container),
        outbox_counts=outbox_counts(container),
        outbox=outbox,
    )


def _actor() -> str:
    user = current_user()
    return user[0] if user else "?"


def _done(message: str) -> Response:
    flash(message, "ok")
    return redirect(url_for("sync.index"))


@bp.post("/sync/conflicts/<int:conflict_id>/resolve")
@login_required("admin")
def resolve(conflict_id: int) -> Response:
    choice = request.form.get("resolution", "")
    try:
        resolve_conflict(services(), conflict_id, choice, _actor())
    except GatewayError as exc:
        flash(str(exc), "error")
        return redirect(url_for("sync.index"))
    log.info("conflict %d resolved by %s: %s", conflict_id, _actor(), choice)
    label = (
        "kept the mirror's value"
        if choice == "keep_mirror"
        else "took the remote value"
    )
    return _done(f"Conflict {conflict_id} resolved: {label}.")


@bp.post("/sync/outbox/<int:item_id>/<any(retry, discard):action>")
@login_required("admin")
def outbox_action(item_id: int, action: str) -> Response:
    change = retry_item if action == "retry" else discard_item
    try:
        change(services(), item_id, _actor())
    except GatewayError as exc:
        flash(str(exc), "error")
        return redirect(url_for("sync.index"))
    verb = "queued to be sent again" if action == "retry" else "discarded"
    return _done(f"Outbox row {item_id} {verb}.")
