"""The outbox as admins see it: newest rows first, optionally of one status."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from gateway.store.outbox_repo import OutboxRepository

if TYPE_CHECKING:
    from datetime import datetime

    from gateway.bootstrap import Services
    from gateway.store.models import OutboxItem

STATUSES = ("pending", "claimed", "done", "dead", "discarded")


@dataclass(frozen=True, slots=True)
class OutboxItemView:
    id: int
    connection: str
    operation: str
    object_type: str
    local_id: int | None
    external_id: str | None
    idempotency_key: str
    fields: str
    status: str
    attempts: int
    next_attempt_at: datetime
    claimed_by: str | None
    claimed_until: datetime | None
    last_error: str | None
    created_at: datetime
    updated_at: datetime

    @property
    def retrying(self) -> bool:
        """A pending row that has failed before (shown apart from fresh ones)."""
        return self.status == "pending" and self.attempts > 0


def _view(item: OutboxItem) -> OutboxItemView:
    return OutboxItemView(
        id=item.id,
        connection=item.connection,
        operation=item.operation,
        object_type=item.object_type,
        local_id=item.local_id,
        external_id=item.external_id,
        idempotency_key=item.idempotency_key,
        fields=item.fields,
        status=item.status,
        attempts=item.attempts,
        next_attempt_at=item.next_attempt_at,
        claimed_by=item.claimed_by,
        claimed_until=item.claimed_until,
        last_error=item.last_error,
        created_at=item.created_at,
        updated_at=item.updated_at,
    )


def list_items(
    services: Services, status: str | None = None, limit: int = 100
) -> list[OutboxItemView]:
    """Outbox rows, newest first; ``status`` is one of :data:`STATUSES` or None."""
    with services.read_uow() as uow:
        return [_view(i) for i in OutboxRepository(uow.session).items(status, limit)]


def status_counts(services: Services) -> dict[str, int]:
    """How many rows are in each status (statuses with none are 0)."""
    with services.read_uow() as uow:
        found = OutboxRepository(uow.session).counts()
    return {status: found.get(status, 0) for status in STATUSES}
