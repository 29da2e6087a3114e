"""Sync runs, newest first."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import TYPE_CHECKING

from sqlalchemy import func, select

from gateway.queries.paging import Paged, offset
from gateway.store.models import SyncRun

if TYPE_CHECKING:
    from datetime import datetime

    from gateway.bootstrap import Services


@dataclass(frozen=True, slots=True)
class SyncRunView:
    id: int
    connection: str
    stream: str | None
    mode: str
    status: str
    started_at: datetime
    finished_at: datetime | None
    pages: int
    records_read: int
    records_created: int
    records_updated: int
    records_unchanged: int
    records_rejected: int
    records_deleted: int
    conflicts: int
    error: str | None


_COLUMNS = tuple(f.name for f in fields(SyncRunView))


def list_runs(services: Services, *, page: int, per_page: int) -> Paged[SyncRunView]:
    with services.read_uow() as uow:
        total = uow.session.execute(select(func.count(SyncRun.id))).scalar_one()
        rows = uow.session.execute(
            select(*(getattr(SyncRun, name) for name in _COLUMNS))
            .order_by(SyncRun.id.desc())
            .limit(per_page)
            .offset(offset(page, per_page))
        ).all()
    return Paged(tuple(SyncRunView(*row) for row in rows), page, per_page, total)
