"""Cursors, runs, rejections, conflicts and outbox rows of the sync machinery."""

from __future__ import annotations

import json
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, insert, select, update

from gateway.store.models import (
    Conflict,
    OutboxItem,
    StreamCursor,
    SyncRejection,
    SyncRun,
)

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


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

    def mark_stale_runs(self, connection: str, at: datetime) -> int:
        """Close runs left 'running' by a process that died."""
        result = self.session.execute(
            update(SyncRun)
            .where(SyncRun.connection == connection, SyncRun.status == "running")
            .values(status="abandoned", finished_at=at)
        )
        return result.rowcount  # type: ignore[attr-defined,no-any-return]
