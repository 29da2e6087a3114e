"""The audit log, newest first, keyset-paged by entry id."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import TYPE_CHECKING

from sqlalchemy import select

from gateway.queries.paging import Keyset
from gateway.store.models import AuditEntry

if TYPE_CHECKING:
    from datetime import datetime

    from gateway.bootstrap import Services


@dataclass(frozen=True, slots=True)
class AuditFilter:
    connection: str | None = None
    object_type: str | None = None
    external_id: str | None = None
    field: str | None = None
    run_id: int | None = None


@dataclass(frozen=True, slots=True)
class AuditView:
    id: int
    at: datetime
    tag: str
    connection: str | None
    direction: str
    object_type: str
    external_id: str | None
    local_id: int | None
    field: str
    old: str | None
    new: str | None
    rule: str | None
    actor: str
    run_id: int | None
    prev_hash: str
    hash: str

    @property
    def short_hash(self) -> str:
        return self.hash[:12]


_COLUMNS = tuple(f.name for f in fields(AuditView))
_FILTERS = tuple(f.name for f in fields(AuditFilter))


def list_audit(
    services: Services, flt: AuditFilter, *, before_id: int | None, limit: int
) -> Keyset[AuditView]:
    """Entries older than ``before_id`` (all when None), newest first."""
    query = select(*(getattr(AuditEntry, name) for name in _COLUMNS))
    for name in _FILTERS:
        value = getattr(flt, name)
        if value is not None and value != "":
            query = query.where(getattr(AuditEntry, name) == value)
    if before_id is not None:
        query = query.where(AuditEntry.id < before_id)
    # One row more than asked tells whether an older page exists without a COUNT.
    query = query.order_by(AuditEntry.id.desc()).limit(limit + 1)
    with services.read_uow() as uow:
        rows = uow.session.execute(query).all()
    views = tuple(AuditView(*row) for row in rows[:limit])
    more = len(rows) > limit
    return Keyset(views, views[-1].id if more and views else None)
