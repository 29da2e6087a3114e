"""Cursors, runs, rejections, conflicts and outbox rows of the sync machinery."""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Table, bindparam, func, insert, select, update

from gateway.store.bulk import bulk_insert_values
from gateway.store.mirror import one_of
from gateway.store.models import (
    Conflict,
    OutboxItem,
    StreamCursor,
    SyncRejection,
    SyncRun,
)

if TYPE_CHECKING:
    from collections.abc import Sequence

    from sqlalchemy.orm import Session

_OUTBOX: Table = OutboxItem.__table__  # type: ignore[assignment]
_UPDATE_KEYS = (
    "idempotency_key", "connection", "operation", "object_type", "local_id",
    "external_id", "fields", "status", "attempts", "next_attempt_at", "created_at",
    "updated_at",
)  # fmt: skip


class SyncRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    # -- cursors ------------------------------------------------------------------

    def get_cursor(self, connection: str, stream: str) -> str | None:
        row = self.session.get(StreamCursor, (connection, stream))
        return row.cursor if row else None

    def set_cursor(
        self,
        connection: str,
        stream: str,
        cursor: str | None,
        run_id: int | None,
        at: datetime,
    ) -> None:
        # Core statements, not the ORM: this runs once per page on the hot path.
        values = {"cursor": cursor, "last_run_id": run_id, "updated_at": at}
        updated = self.session.execute(
            update(StreamCursor)
            .where(StreamCursor.connection == connection, StreamCursor.stream == stream)
            .values(values)
        )
        if not updated.rowcount:  # type: ignore[attr-defined]
            self.session.execute(
                insert(StreamCursor).values(
                    connection=connection, stream=stream, **values
                )
            )

    def cursors(self, connection: str) -> dict[str, str | None]:
        rows = self.session.scalars(
            select(StreamCursor).where(StreamCursor.connection == connection)
        )
        return {row.stream: row.cursor for row in rows}

    # -- runs ---------------------------------------------------------------------

    def start_run(self, connection: str, mode: str, at: datetime) -> int:
        run = SyncRun(connection=connection, mode=mode, status="running", started_at=at)
        self.session.add(run)
        self.session.flush()
        return run.id

    def record_page(
        self, run_id: int, stream: str, counts: Any, progress: dict[str, Any]
    ) -> None:
        self.session.execute(
            update(SyncRun)
            .where(SyncRun.id == run_id)
            .values(
                pages=SyncRun.pages + 1,
                stream=stream,
                records_read=SyncRun.records_read + counts.read,
                records_created=SyncRun.records_created + counts.created,
                records_updated=SyncRun.records_updated + counts.updated,
                records_unchanged=SyncRun.records_unchanged + counts.unchanged,
                records_rejected=SyncRun.records_rejected + counts.rejected,
                records_deleted=SyncRun.records_deleted + counts.deleted,
                conflicts=SyncRun.conflicts + counts.conflicts,
                progress=json.dumps(progress, separators=(",", ":")),
            )
        )

    def finish_run(
        self, run_id: int, status: str, at: datetime, error: str | None = None
    ) -> SyncRun:
        run = self.session.get_one(SyncRun, run_id)
        run.status, run.finished_at, run.error = status, at, error
        return run

    def get_run(self, run_id: int) -> SyncRun:
        return self.session.get_one(SyncRun, run_id)

    # -- rejections and conflicts ---------------------------------------------------

    def add_rejection(self, **values: Any) -> None:
        self.session.add(SyncRejection(**values))

    def add_conflict(self, *, at: datetime, **values: Any) -> None:
        self.session.add(Conflict(created_at=at, status="open", **values))

    # -- outbox -------------------------------------------------------------------

    def enqueue_field_update(
        self,
        *,
        connection: str,
        object_type: str,
        local_id: int,
        external_id: str | None,
        fields: list[str],
        at: datetime,
    ) -> OutboxItem:
        """Queue a write-back of owner values, coalescing with a pending one.

        The payload is computed at send time from the mirror's then-current values,
        so ten quick changes become one write of the latest values.
        """
        # Locked: a worker's claim (SKIP LOCKED) then passes this row by, and a row
        # a worker claimed meanwhile no longer matches, so a change is never folded
        # into a write that has already read its values.
        pending = self.session.scalars(
            select(OutboxItem)
            .where(
                OutboxItem.connection == connection,
                OutboxItem.object_type == object_type,
                OutboxItem.local_id == local_id,
                OutboxItem.operation == "update",
                OutboxItem.status == "pending",
            )
            .with_for_update()
        ).first()
        if pending is not None:
            pending.fields = json.dumps(
                sorted(set(json.loads(pending.fields)) | set(fields))
            )
            pending.updated_at = at
            return pending
        sequence = (
            self.session.scalar(
                select(func.count())
                .select_from(OutboxItem)
                .where(
                    OutboxItem.connection == connection,
                    OutboxItem.object_type == object_type,
                    OutboxItem.local_id == local_id,
                )
            )
            or 0
        )
        item = OutboxItem(
            idempotency_key=f"{connection}:{object_type}:{local_id}:update:{sequence + 1}",
            connection=connection,
            operation="update",
            object_type=object_type,
            local_id=local_id,
            external_id=external_id,
            fields=json.dumps(sorted(set(fields))),
            status="pending",
            attempts=0,
            next_attempt_at=at,
            created_at=at,
            updated_at=at,
        )
        self.session.add(item)
        return item

    def enqueue_field_updates(
        self,
        *,
        object_type: str,
        targets: Sequence[tuple[str, int, str | None]],
        fields: list[str],
        at: datetime,
    ) -> int:
        """:meth:`enqueue_field_update` for many records, in a few statements each
        connection (a scoring run queues one write per customer).

        ``targets`` are ``(connection, local id, external id)``. A record with a
        pending write has ``fields`` folded into it; the others get a new row, keyed
        as the single enqueue keys it. Returns the number of new rows.
        """
        by_connection: dict[str, dict[int, str | None]] = defaultdict(dict)
        for connection, local_id, external_id in targets:
            by_connection[connection][local_id] = external_id
        added = 0
        for connection, wanted in by_connection.items():
            folded = self._fold_pending(
                connection, object_type, list(wanted), fields, at
            )
            fresh = {i: ext for i, ext in wanted.items() if i not in folded}
            added += self._add_updates(connection, object_type, fresh, fields, at)
        return added

    def _fold_pending(
        self,
        connection: str,
        object_type: str,
        local_ids: list[int],
        fields: list[str],
        at: datetime,
    ) -> set[int]:
        """Add ``fields`` to the pending writes of ``local_ids``; returns the ids that
        had one. Locked, as in :meth:`enqueue_field_update`."""
        # Any: the local id filter excludes NULLs, which the column type cannot show.
        rows: Any = self.session.execute(
            select(OutboxItem.id, OutboxItem.local_id, OutboxItem.fields)
            .where(
                OutboxItem.connection == connection,
                OutboxItem.object_type == object_type,
                OutboxItem.operation == "update",
                OutboxItem.status == "pending",
                one_of(self.session, OutboxItem.local_id, local_ids),
            )
            .order_by(OutboxItem.id)
            .with_for_update()
        )
        folded: set[int] = set()
        changes = []
        for item_id, local_id, current in rows:
            if local_id not in folded:  # the oldest pending write takes the fields
                folded.add(local_id)
                merged = sorted(set(json.loads(current)) | set(fields))
                changes.append({"b_id": item_id, "b_fields": json.dumps(merged)})
        if changes:
            self.session.execute(
                update(_OUTBOX)
                .where(_OUTBOX.c.id == bindparam("b_id"))
                .values(fields=bindparam("b_fields"), updated_at=at),
                changes,
            )
        return folded

    def _add_updates(
        self,
        connection: str,
        object_type: str,
        wanted: dict[int, str | None],
        fields: list[str],
        at: datetime,
    ) -> int:
        if not wanted:
            return 0
        # Rows so far per record: the new row's key takes the next number.
        sent: dict[int | None, int] = dict(
            self.session.execute(
                select(OutboxItem.local_id, func.count())
                .where(
                    OutboxItem.connection == connection,
                    OutboxItem.object_type == object_type,
                    one_of(self.session, OutboxItem.local_id, list(wanted)),
                )
                .group_by(OutboxItem.local_id)
            ).all()
        )
        encoded = json.dumps(sorted(set(fields)))
        prefix = f"{connection}:{object_type}"
        rows = [
            (f"{prefix}:{local_id}:update:{sent.get(local_id, 0) + 1}", connection,
             "update", object_type, local_id, external_id, encoded, "pending", 0,
             at, at, at)
            for local_id, external_id in wanted.items()
        ]  # fmt: skip
        bulk_insert_values(self.session, _OUTBOX, _UPDATE_KEYS, rows)
        return len(rows)

    def mark_stale_runs(self, connection: str, at: datetime) -> int:
        """Close runs left 'running' by a process that died."""
        result = self.session.execute(
            update(SyncRun)
            .where(SyncRun.connection == connection, SyncRun.status == "running")
            .values(status="abandoned", finished_at=at)
        )
        return result.rowcount  # type: ignore[attr-defined,no-any-return]
