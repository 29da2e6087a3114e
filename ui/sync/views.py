"""Recent sync runs for the admin: counts, status and the error of a failed run."""

from __future__ import annotations

from flask import Blueprint, render_template

from gateway.queries.sync_runs import list_runs
from ui.paging import page_number
from ui.security import login_required
from ui.services import services

bp = Blueprint("sync", __name__)
PER_PAGE = 50


@bp.get("/sync")
@login_required("admin")
def index() -> str:
    paged = list_runs(services(), page=page_number(), per_page=PER_PAGE)
    return render_template("sync/index.html", paged=paged)
