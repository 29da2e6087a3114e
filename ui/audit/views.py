"""The audit trail (read-only) and the hash-chain check."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from flask import Blueprint, render_template

from gateway.queries.audit_log import AuditFilter, list_audit
from gateway.services.audit import verify
from ui.paging import optional_id, text
from ui.security import current_user, login_required
from ui.services import services

if TYPE_CHECKING:
    from gateway.audit.verify import VerifyResult

bp = Blueprint("audit", __name__)
log = logging.getLogger(__name__)
PER_PAGE = 100
FILTERS = ("connection", "object_type", "external_id", "field")


def _page(result: VerifyResult | None = None) -> str:
    flt = AuditFilter(
        **{name: text(name, 64) for name in FILTERS}, run_id=optional_id("run_id")
    )
    keyset = list_audit(
        services(), flt, before_id=optional_id("before_id"), limit=PER_PAGE
    )
    return render_template("audit/index.html", keyset=keyset, flt=flt, result=result)


@bp.get("/audit")
@login_required("admin", "auditor")
def index() -> str:
    return _page()


@bp.post("/audit/verify")
@login_required("admin", "auditor")
def verify_chain() -> str:
    result = verify(services())
    user = current_user()
    log.info(
        "audit chain verified by %s: ok=%s entries=%d broken_id=%s",
        user[0] if user else "?",
        result.ok,
        result.entries,
        result.broken_id,
    )
    return _page(result)
