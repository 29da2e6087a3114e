"""``/sync/streams``, ``/sync/conflicts``, ``/sync/outbox``: the sync monitor (admins).

Resolving a conflict and retrying or discarding an outbox row are audited by the
services they call.
"""

from __future__ import annotations

from typing import Any

from gateway.api import body, params, schemas
from gateway.api.auth import require_roles, services
from gateway.api.blueprint import bp
from gateway.api.errors import ApiError
from gateway.api.write_schemas import plain
from gateway.api.write_support import actor, refusals
from gateway.errors import ValidationFailed
from gateway.queries.outbox import STATUSES as OUTBOX_STATUSES
from gateway.queries.outbox import OutboxItemView, list_items
from gateway.queries.sync_monitor import (
    connection_statuses,
    get_conflict,
    list_conflicts,
    outbox_counts,
    outbox_item,
)
from gateway.services.conflicts import resolve_conflict
from gateway.services.outbox import discard_item, retry_item

CONFLICT_STATUSES = ("open", "resolved", "all")


@bp.get("/sync/streams")
@require_roles("admin")
def sync_streams() -> dict[str, Any]:
    now = services().clock.now()
    items = []
    for status in connection_statuses(services(), now):
        last = status.last_run
        items.append(
            {
                "connection": status.connection,
                "last_run": schemas.sync_run(last) if last else None,
                "streams": [_stream(s) for s in status.streams],
            }
        )
    return {"items": items, "as_of": now.isoformat()}


def _stream(stream: Any) -> dict[str, Any]:
    out = plain(stream)
    out["last_run"] = schemas.sync_run(stream.last_run) if stream.last_run else None
    return out


@bp.get("/sync/conflicts")
@require_roles("admin")
def sync_conflicts() -> dict[str, Any]:
    status = params.choice("status", CONFLICT_STATUSES) or "open"
    limit = params.integer("limit", 200, high=params.MAX_PER_PAGE)
    found = list_conflicts(
        services(), status=None if status == "all" else status, limit=limit
    )
    return {"items": [plain(c) for c in found]}


@bp.post("/sync/conflicts/<int:conflict_id>/resolve")
@require_roles("admin")
def sync_conflict_resolve(conflict_id: int) -> dict[str, Any]:
    data = body.json_object()
    body.reject_unknown(data, ("resolution",))
    choice = data.get("resolution")
    if not isinstance(choice, str):
        raise body.bad("resolution", "is required: keep_mirror or take_remote")
    with refusals():
        resolve_conflict(services(), conflict_id, choice, actor())
    return plain(get_conflict(services(), conflict_id))


@bp.get("/sync/outbox")
@require_roles("admin")
def sync_outbox() -> dict[str, Any]:
    status = params.choice("status", OUTBOX_STATUSES)
    limit = params.integer("limit", 100, high=params.MAX_PER_PAGE)
    items = list_items(services(), status=status, limit=limit)
    return {
        "counts": outbox_counts(services()),
        "items": [_outbox(i) for i in items],
    }


@bp.post("/sync/outbox/<int:item_id>/<any(retry, discard):action>")
@require_roles("admin")
def sync_outbox_action(item_id: int, action: str) -> dict[str, Any]:
    if outbox_item(services(), item_id) is None:
        raise ApiError(404, f"outbox row {item_id} not found")
    change = retry_item if action == "retry" else discard_item
    try:
        change(services(), item_id, actor())
    except ValidationFailed as exc:
        raise ApiError(409, str(exc), field=exc.field) from exc
    return _outbox(outbox_item(services(), item_id))


def _outbox(item: OutboxItemView | None) -> dict[str, Any]:
    if item is None:  # pragma: no cover - only if the row vanished meanwhile
        raise ApiError(404, "the outbox row is gone")
    return {**plain(item), "retrying": item.retrying}
