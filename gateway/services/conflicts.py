"""An admin settles a conflict or a flagged drift from the sync monitor.

``take_remote`` puts the remote system's value into the mirror; ``keep_mirror`` keeps
the mirror's value and queues a write-back so the remote system learns it. Either way
the conflict is closed and the choice is in the audit log, in one transaction.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING

from gateway.audit.log import AuditLog, AuditRecord, encode_value
from gateway.audit.tags import Action, tag
from gateway.services.write_errors import InvalidInput, NotFoundError, StateConflict
from gateway.store import conflicts_repo
from gateway.store.sync_repo import SyncRepository
from rules.canonical import FIELDS
from rules.encoding import FIELD_ENCODERS

if TYPE_CHECKING:
    from collections.abc import Callable

    from sqlalchemy.orm import Session

    from gateway.bootstrap import Services
    from gateway.store.models import Conflict, Customer, Invoice, Payment

# Kinds whose stored text is the value itself (the audit encoding keeps strings raw).
_FROM_TEXT: dict[str, Callable[[str], object]] = {
    "str": str,
    "decimal": Decimal,
    "date": date.fromisoformat,
    "datetime": datetime.fromisoformat,
    "int": int,
    "bool": lambda text: text == "true",
}


class Resolution(StrEnum):
    KEEP_MIRROR = "keep_mirror"
    TAKE_REMOTE = "take_remote"


def resolution(value: str) -> Resolution:
    try:
        return Resolution(value)
    except ValueError:
        choices = ", ".join(r.value for r in Resolution)
        raise InvalidInput(
            f"resolution must be one of {choices}, not {value!r}", field="resolution"
        ) from None


def resolve_conflict(
    services: Services, conflict_id: int, choice: str, actor: str
) -> None:
    chosen = resolution(choice)
    with services.uow() as uow:
        conflict = _open_conflict(uow.session, conflict_id)
        now = services.clock.now()
        if chosen == Resolution.TAKE_REMOTE:
            old, new = _take_remote(uow.session, conflict, now)
        else:
            old, new = _keep_mirror(uow.session, conflict, now)
        conflict.status, conflict.resolved_at, conflict.resolved_by = (
            "resolved",
            now,
            actor,
        )
        AuditLog(uow.session).append([_entry(conflict, chosen, actor, old, new)], now)
        uow.commit()


def _open_conflict(session: Session, conflict_id: int) -> Conflict:
    conflict = conflicts_repo.conflict_for_update(session, conflict_id)
    if conflict is None:
        raise NotFoundError(f"conflict {conflict_id} not found")
    if conflict.status != "open":
        raise StateConflict(
            f"conflict {conflict_id} was already resolved by {conflict.resolved_by}"
        )
    return conflict


def _take_remote(
    session: Session, conflict: Conflict, now: datetime
) -> tuple[str | None, str | None]:
    kind = FIELDS.get(conflict.object_type, {}).get(conflict.field)
    if kind not in _FROM_TEXT:
        raise InvalidInput(
            f"{conflict.object_type}.{conflict.field} cannot be taken from the remote "
            "here; keep the mirror's value or fix it in the owner system",
            field="resolution",
        )
    row = _row(session, conflict)
    text = conflict.remote_value
    old = encode_value(FIELD_ENCODERS[conflict.object_type][conflict.field](
        getattr(row, conflict.field)
    ))  # fmt: skip
    setattr(row, conflict.field, None if text is None else _FROM_TEXT[kind](text))
    row.updated_at = now
    return old, text


def _keep_mirror(
    session: Session, conflict: Conflict, now: datetime
) -> tuple[str | None, str | None]:
    row = _row(session, conflict)
    encoder = FIELD_ENCODERS[conflict.object_type][conflict.field]
    current = encode_value(encoder(getattr(row, conflict.field, None)))
    # The remote learns the mirror's value as it is when the worker sends it.
    SyncRepository(session).enqueue_field_update(
        connection=conflict.connection,
        object_type=conflict.object_type,
        local_id=conflict.local_id,
        external_id=conflict.external_id,
        fields=[conflict.field],
        at=now,
    )
    return conflict.remote_value, current


def _row(session: Session, conflict: Conflict) -> Customer | Invoice | Payment:
    row = conflicts_repo.mirror_row(session, conflict.object_type, conflict.local_id)
    if row is None:
        raise StateConflict(
            f"{conflict.object_type} {conflict.local_id} is no longer in the mirror"
        )
    return row


def _entry(
    conflict: Conflict,
    chosen: Resolution,
    actor: str,
    old: str | None,
    new: str | None,
) -> AuditRecord:
    return AuditRecord(
        tag=tag("gateway", conflict.object_type, Action.RESOLVE),
        object_type=conflict.object_type,
        field=conflict.field,
        actor=actor,
        connection=conflict.connection,
        external_id=conflict.external_id,
        local_id=conflict.local_id,
        old=old,
        new=new,
        rule=f"resolve:{chosen}",
    )
