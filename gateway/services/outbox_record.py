"""After a successful write: done, shadow, binding and audit, in one transaction.

The shadow of the written record takes exactly the fields written, so the next pull
sees our own values coming back as unchanged, while a field someone changed remotely
in between still differs from its shadow and is detected.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from gateway.audit.log import AuditLog, AuditRecord, encode_value
from gateway.audit.tags import Action, tag
from gateway.services.page_map import dump_shadow
from gateway.store.outbox_repo import OutboxRepository

if TYPE_CHECKING:
    from datetime import datetime

    from adapters.base import WriteResult
    from gateway.bootstrap import Services
    from gateway.services.outbound import PreparedWrite
    from gateway.store.uow import UnitOfWork
    from rules.encoding import Encoded

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ClaimedRow:
    """What a worker knows of the row it claimed."""

    id: int
    connection: str
    kind: str  # the connection's system kind, for audit tags
    attempts: int


def record_success(
    services: Services,
    row: ClaimedRow,
    worker: str,
    prepared: PreparedWrite | None,
    result: WriteResult | None,
) -> str:
    """Commit the outcome of a write that the remote accepted; "lost" if unclaimed."""
    now = services.clock.now()
    external_id = result.external_id if result is not None else None
    with services.uow() as uow:
        repo = OutboxRepository(uow.session)
        if not repo.finish(row.id, worker, now, external_id=external_id):
            # Another worker took the row over after our claim expired; it sends
            # (idempotently) and records the outcome itself.
            log.warning("outbox %d: claim lost before commit", row.id)
            return "lost"
        if prepared is not None and external_id is not None:
            old = _update_shadow(uow, row, prepared, external_id, now)
            _bind(uow, row, prepared, external_id, now)
            _audit(uow, row, worker, prepared, external_id, old, now)
        uow.commit()
    return "sent"


def _update_shadow(
    uow: UnitOfWork,
    row: ClaimedRow,
    prepared: PreparedWrite,
    external_id: str,
    now: datetime,
) -> dict[str, Encoded]:
    """Merge the written values into the shadow; returns the values they replaced."""
    ref = OutboxRepository(uow.session).locked_ref(
        row.connection, prepared.object_type, external_id
    )
    if ref is None:  # a payment posted just now: bound with its shadow by _bind
        return {}
    shadow = json.loads(ref.shadow)
    old = {name: shadow.get(name) for name in prepared.written}
    shadow.update(prepared.written)
    ref.shadow, ref.updated_at = dump_shadow(shadow), now
    return old


def _bind(
    uow: UnitOfWork,
    row: ClaimedRow,
    prepared: PreparedWrite,
    external_id: str,
    now: datetime,
) -> None:
    """A posted payment: its external ref and the mirror row's ``posted`` status."""
    if prepared.op.operation != "upsert" or prepared.object_type != "payment":
        return
    folded = OutboxRepository(uow.session).bind_payment(
        row.connection,
        prepared.local_id,
        external_id,
        dump_shadow(prepared.written),
        now,
        number=_text(prepared.written.get("number")),
    )
    if folded is not None:
        log.info(
            "payment %d: folded the pulled copy %d into it", prepared.local_id, folded
        )


def _audit(
    uow: UnitOfWork,
    row: ClaimedRow,
    worker: str,
    prepared: PreparedWrite,
    external_id: str,
    old: dict[str, Encoded],
    now: datetime,
) -> None:
    """One entry per written field, tagged ``<kind>:<object>:push``."""
    push = tag(row.kind, prepared.object_type, Action.PUSH)
    rule = f"outbox:{row.id}"
    AuditLog(uow.session).append(
        [
            AuditRecord(
                tag=push,
                object_type=prepared.object_type,
                field=name,
                actor=f"worker:{worker}"[:64],
                direction="out",
                connection=row.connection,
                external_id=external_id,
                local_id=prepared.local_id,
                old=encode_value(old.get(name)),
                new=encode_value(value),
                rule=rule,
            )
            for name, value in sorted(prepared.written.items())
        ],
        now,
    )


def _text(value: Encoded) -> str | None:
    return value if isinstance(value, str) else None
