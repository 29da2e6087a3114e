"""``/sync/runs``: what the sync engine did, newest first."""

from __future__ import annotations

from typing import Any

from gateway.api import params, schemas
from gateway.api.auth import require_roles, services
from gateway.api.blueprint import bp
from gateway.queries.sync_runs import list_runs


@bp.get("/sync/runs")
@require_roles("admin", "auditor")
def sync_runs_index() -> dict[str, Any]:
    page, per_page = params.paging()
    paged = list_runs(services(), page=page, per_page=per_page)
    return schemas.envelope(paged, [schemas.sync_run(r) for r in paged.items])
