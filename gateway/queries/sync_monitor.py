"""What the sync monitor shows: per connection and stream the last run, cursor and
lag; the open conflicts; the outbox counts by status."""

from __future__ import annotations

import json
from dataclasses import dataclass, fields, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import case, func, literal, select

from gateway.queries.outbox import OutboxItemView
from gateway.queries.sync_runs import SyncRunView
from gateway.store.models import Conflict, OutboxItem, StreamCursor, SyncRun

if TYPE_CHECKING:
    from gateway.bootstrap import Services

# NetSuite's watermark; other adapters write ISO text, which fromisoformat reads.
_WATERMARK_FORMAT = "%Y-%m-%d %H:%M:%S"
_RUN_COLUMNS = tuple(f.name for f in fields(SyncRunView))


@dataclass(frozen=True, slots=True)
class StreamStatus:
    stream: str
    watermark: str | None
    tiebreak: str | None
    cursor_updated_at: datetime
    lag_seconds: int | None  # now - watermark; None when the watermark is unknown
    last_run: SyncRunView | None


@dataclass(frozen=True, slots=True)
class ConnectionStatus:
    connection: str
    last_run: SyncRunView | None
    streams: tuple[StreamStatus, ...]


@dataclass(frozen=True, slots=True)
class ConflictView:
    id: int
    kind: str
    connection: str
    object_type: str
    local_id: int
    external_id: str
    field: str
    mirror_value: str | None
    remote_value: str | None
    rule: str
    status: str
    run_id: int | None
    created_at: datetime
    resolved_at: datetime | None
    resolved_by: str | None


_CONFLICT_COLUMNS = tuple(f.name for f in fields(ConflictView))


def watermark_time(watermark: str | None) -> datetime | None:
    """The watermark as a UTC time, when it is one (cursors are opaque to the gateway)."""
    if not watermark:
        return None
    try:
        moment = datetime.strptime(watermark, _WATERMARK_FORMAT)  # noqa: DTZ007 - UTC text
    except ValueError:
        try:
            moment = datetime.fromisoformat(watermark)
        except ValueError:
            return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def _runs(
    services: Services, ids: set[int]
) -> tuple[dict[int, SyncRunView], dict[int, dict[str, dict[str, int]]]]:
    """Runs by id, and each run's per-stream counts (kept in its progress record)."""
    if not ids:
        return {}, {}
    query = select(
        *(getattr(SyncRun, n) for n in _RUN_COLUMNS), SyncRun.progress
    ).where(SyncRun.id.in_(sorted(ids)))
    runs, per_stream = {}, {}
    with services.read_uow() as uow:
        for *values, progress in uow.session.execute(query):
            view = SyncRunView(*values)
            runs[view.id] = view
            per_stream[view.id] = (json.loads(progress) if progress else {}).get(
                "streams", {}
            )
    return runs, per_stream


_COUNT_FIELDS = {
    "read": "records_read", "created": "records_created",
    "updated": "records_updated", "unchanged": "records_unchanged",
    "rejected": "records_rejected", "deleted": "records_deleted",
    "conflicts": "conflicts",
}  # fmt: skip


def _stream_run(
    run: SyncRunView | None, counts: dict[str, int] | None
) -> SyncRunView | None:
    """The run as this stream saw it: its own counts when the run recorded them."""
    if run is None or not counts:
        return run
    changes: dict[str, Any] = {
        _COUNT_FIELDS[k]: v for k, v in counts.items() if k in _COUNT_FIELDS
    }
    return replace(run, **changes)


def _stream(
    row: StreamCursor,
    run: SyncRunView | None,
    counts: dict[str, int] | None,
    now: datetime,
) -> StreamStatus:
    data = json.loads(row.cursor) if row.cursor else {}
    watermark, tiebreak = data.get("watermark"), data.get("tiebreak")
    moment = watermark_time(watermark)
    lag = None if moment is None else max(0, int((now - moment).total_seconds()))
    shown = _stream_run(run, counts)
    return StreamStatus(row.stream, watermark, tiebreak, row.updated_at, lag, shown)


def connection_statuses(
    services: Services, now: datetime
) -> tuple[ConnectionStatus, ...]:
    """Every connection that has run or holds a cursor, by name."""
    with services.read_uow() as uow:
        cursors = list(
            uow.session.scalars(
                select(StreamCursor).order_by(
                    StreamCursor.connection, StreamCursor.stream
                )
            )
        )
        latest: dict[str, int] = {
            str(name): int(top)
            for name, top in uow.session.execute(
                select(SyncRun.connection, func.max(SyncRun.id)).group_by(
                    SyncRun.connection
                )
            )
        }
    wanted = {c.last_run_id for c in cursors if c.last_run_id} | set(latest.values())
    runs, per_stream = _runs(services, wanted)
    names = sorted(set(latest) | {c.connection for c in cursors})
    return tuple(
        ConnectionStatus(
            name,
            runs.get(latest.get(name, 0)),
            tuple(
                _stream(
                    c,
                    runs.get(c.last_run_id or 0),
                    per_stream.get(c.last_run_id or 0, {}).get(c.stream),
                    now,
                )
                for c in cursors
                if c.connection == name
            ),
        )
        for name in names
    )


def list_conflicts(
    services: Services, *, status: str | None = "open", limit: int = 200
) -> tuple[ConflictView, ...]:
    """Conflicts and flags, oldest first: the queue an admin works through."""
    query = select(*(getattr(Conflict, n) for n in _CONFLICT_COLUMNS))
    if status:
        query = query.where(Conflict.status == status)
    query = query.order_by(Conflict.id).limit(limit)
    with services.read_uow() as uow:
        return tuple(ConflictView(*row) for row in uow.session.execute(query))


def outbox_counts(services: Services) -> dict[str, int]:
    """Outbox rows per status; a pending row that failed before counts as retrying."""
    state = case(
        (
            (OutboxItem.status == "pending") & (OutboxItem.attempts > 0),
            literal("retrying"),
        ),
        else_=OutboxItem.status,
    )
    query = select(state, func.count()).group_by(state)
    with services.read_uow() as uow:
        found: dict[str, int] = {
            str(name): int(count) for name, count in uow.session.execute(query)
        }
    shown = ("pending", "retrying", "claimed", "dead", "done", "discarded")
    return {name: found.pop(name, 0) for name in shown} | found


def outbox_item(services: Services, item_id: int) -> OutboxItemView | None:
    names = [f.name for f in fields(OutboxItemView)]
    query = select(*(getattr(OutboxItem, n) for n in names)).where(
        OutboxItem.id == item_id
    )
    with services.read_uow() as uow:
        row = uow.session.execute(query).first()
    return None if row is None else OutboxItemView(*row)


def get_conflict(services: Services, conflict_id: int) -> ConflictView | None:
    query = select(*(getattr(Conflict, n) for n in _CONFLICT_COLUMNS)).where(
        Conflict.id == conflict_id
    )
    with services.read_uow() as uow:
        row = uow.session.execute(query).first()
    return None if row is None else ConflictView(*row)
