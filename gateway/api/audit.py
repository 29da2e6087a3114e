"""``/audit``: the hash-chained audit log, keyset-paged newest first."""

from __future__ import annotations

from typing import Any

from gateway.api import params, schemas
from gateway.api.auth import require_roles, services
from gateway.api.blueprint import bp
from gateway.queries.audit_log import AuditFilter, list_audit

DEFAULT_LIMIT = 100


@bp.get("/audit")
@require_roles("admin", "auditor")
def audit_index() -> dict[str, Any]:
    flt = AuditFilter(
        connection=params.text("connection", max_length=64),
        object_type=params.text("object_type", max_length=32),
        external_id=params.text("external_id", max_length=64),
        field=params.text("field", max_length=64),
        run_id=params.optional_integer("run_id"),
    )
    limit = params.integer("limit", DEFAULT_LIMIT, high=params.MAX_PER_PAGE)
    before_id = params.optional_integer("before_id")
    keyset = list_audit(services(), flt, before_id=before_id, limit=limit)
    return {
        "items": [schemas.audit_entry(e) for e in keyset.items],
        "next_before_id": keyset.next_before_id,
    }
