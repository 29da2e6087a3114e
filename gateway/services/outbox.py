"""Drain the transactional outbox: claim due rows, send each once, record the outcome.

One row at a time: claim (a short transaction) -> build the write from the mirror's
current values -> send it through the adapter (no transaction open) -> in one
transaction: mark it done (fenced on our claim), update the target's shadow, bind a
created payment, append the audit entries. A crash anywhere leaves the row claimed
until its visibility timeout; whoever claims it next sends it again, which is safe
because every write is idempotent remotely (PATCH of the same values, PUT eid:key).

Failures, by what the remote said:
* a dependency has no remote id yet (RetryLaterError): wait, never dead-letter;
* transient (timeouts, 429, 5xx): back off exponentially with jitter, dead-letter
  after ``max_attempts``;
* refused, gone, unmappable (RejectedError, NotFound, ConfigError, mapping errors):
  dead-letter with the remote's message at once;
* credentials (AuthError): not the row's fault, so no row is dead-lettered: the
  whole connection pauses for ``auth_pause`` and the admin sees why on every row.
"""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, cast

from adapters.errors import (
    AdapterError,
    AuthError,
    RateLimited,
    RetryLaterError,
    TransientError,
)
from gateway.audit.log import AuditLog, AuditRecord
from gateway.audit.tags import Action, tag
from gateway.errors import ConfigError, ValidationFailed
from gateway.services.outbound import PreparedWrite, prepare
from gateway.services.outbox_record import ClaimedRow, record_success
from gateway.store.outbox_repo import OutboxRepository
from mappings.errors import MappingError

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from adapters.base import SinkAdapter
    from gateway.bootstrap import Services

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class DrainPolicy:
    """How a worker claims and retries (seconds unless a timedelta)."""

    batch: int = 10
    visibility_timeout: timedelta = timedelta(minutes=5)
    base_delay: float = 2.0
    max_delay: float = 900.0
    max_attempts: int = 25
    auth_pause: timedelta = timedelta(minutes=5)


@dataclass
class DrainResult:
    sent: int = 0
    retrying: int = 0
    waiting: int = 0
    dead: int = 0
    lost: int = 0  # our claim expired and another worker took the row over

    def count(self, outcome: str) -> None:
        setattr(self, outcome, getattr(self, outcome) + 1)


def backoff(attempts: int, policy: DrainPolicy) -> float:
    """Exponential delay after the ``attempts``-th failure, with up to 25 % jitter."""
    delay = min(policy.max_delay, policy.base_delay * 2.0 ** max(0, attempts - 1))
    # Jitter spreads the retries of many rows; no cryptographic quality needed.
    return delay * (1.0 + random.uniform(0.0, 0.25))  # noqa: S311


def drain(
    services: Services,
    worker: str,
    policy: DrainPolicy | None = None,
    *,
    max_batches: int | None = None,
) -> DrainResult:
    """Send due rows until none is due (or ``max_batches`` claims were made)."""
    policy = policy or DrainPolicy()
    result = DrainResult()
    paused: dict[str, Exception] = {}
    batches = 0
    while max_batches is None or batches < max_batches:
        ids = claim(services, worker, policy)
        if not ids:
            break
        batches += 1
        for item_id in ids:
            result.count(process_item(services, item_id, worker, policy, paused))
    return result


def claim(services: Services, worker: str, policy: DrainPolicy) -> list[int]:
    with services.uow() as uow:
        now = services.clock.now()
        until = now + policy.visibility_timeout
        ids = OutboxRepository(uow.session).claim(worker, now, until, policy.batch)
        uow.commit()
    return ids


def process_item(
    services: Services,
    item_id: int,
    worker: str,
    policy: DrainPolicy,
    paused: dict[str, Exception] | None = None,
) -> str:
    """Send one claimed row; returns the :class:`DrainResult` counter it adds to.

    ``paused`` maps connections found unusable (credentials) in this drain to why;
    their rows already claimed are handed back unsent.
    """
    paused = {} if paused is None else paused
    row, prepared, problem = _prepare(services, item_id)
    if row is None:
        return "lost"
    if row.connection in paused:
        return _failed(services, row, worker, policy, paused[row.connection])
    if problem is None and prepared is not None:
        try:
            result = cast("SinkAdapter", services.adapter(row.connection)).write(
                prepared.op
            )
        except (AdapterError, ConfigError) as exc:
            problem = exc
            if isinstance(exc, AuthError | ConfigError):
                paused[row.connection] = exc
        else:
            return record_success(services, row, worker, prepared, result)
    if problem is None:  # nothing left to write (no outbound field among its fields)
        return record_success(services, row, worker, None, None)
    return _failed(services, row, worker, policy, problem)


def _prepare(
    services: Services, item_id: int
) -> tuple[ClaimedRow | None, PreparedWrite | None, Exception | None]:
    with services.read_uow() as uow:
        item = OutboxRepository(uow.session).get(item_id)
        if item is None:
            return None, None, None
        try:
            connection = services.settings.connection(item.connection)
        except ConfigError as exc:
            return (
                ClaimedRow(item.id, item.connection, "gateway", item.attempts),
                None,
                exc,
            )
        row = ClaimedRow(item.id, item.connection, connection.kind, item.attempts)
        try:
            mapping = services.mapping(connection)
            return row, prepare(uow.session, mapping, item), None
        except (AdapterError, MappingError, ConfigError) as exc:
            return row, None, exc


def _failed(
    services: Services,
    row: ClaimedRow,
    worker: str,
    policy: DrainPolicy,
    exc: Exception,
) -> str:
    now = services.clock.now()
    status, outcome, delay = _classify(row, policy, exc)
    message = str(exc)
    with services.uow() as uow:
        repo = OutboxRepository(uow.session)
        if isinstance(exc, AuthError | ConfigError):
            _pause(repo, row.connection, now + policy.auth_pause, message, now)
        kept = repo.release(
            row.id,
            worker,
            now,
            status=status,
            next_attempt_at=now + timedelta(seconds=delay),
            error=message,
        )
        if kept and status == "dead":
            _audit_dead(uow.session, row, worker, message, now)
        uow.commit()
    if not kept:
        return "lost"
    level = logging.WARNING if status == "dead" else logging.INFO
    log.log(
        level, "outbox %d %s (attempt %d): %s", row.id, outcome, row.attempts, message
    )
    return outcome


def _audit_dead(
    session: Session, row: ClaimedRow, worker: str, message: str, now: datetime
) -> None:
    """A write given up is an outcome auditors see beside the writes that landed:
    ``<kind>:<object>:fail`` with the remote's message (an admin may still retry)."""
    item = OutboxRepository(session).get(row.id)
    if item is None:
        return
    record = AuditRecord(
        tag=tag(row.kind, item.object_type, Action.FAIL),
        object_type=item.object_type,
        field="*",
        actor=worker[:64],
        direction="out",
        connection=row.connection,
        external_id=item.external_id,
        local_id=item.local_id,
        old=None,
        new=message[:2000],
        rule=f"dead letter after {row.attempts} attempt(s)"[:64],
    )
    AuditLog(session).append([record], now)


def _pause(
    repo: OutboxRepository, connection: str, until: datetime, why: str, now: datetime
) -> None:
    """Every pending row of the connection waits: one bad credential, one pause."""
    repo.defer_connection(connection, until, f"paused: {why}", now)
    log.error("outbox: connection %s paused until %s: %s", connection, until, why)


def _classify(
    row: ClaimedRow, policy: DrainPolicy, exc: Exception
) -> tuple[str, str, float]:
    """(status, outcome counter, seconds until the next attempt)."""
    if isinstance(exc, RetryLaterError):
        return "pending", "waiting", backoff(row.attempts, policy)
    if isinstance(exc, AuthError | ConfigError):
        return "pending", "waiting", policy.auth_pause.total_seconds()
    if isinstance(exc, TransientError):
        if row.attempts >= policy.max_attempts:
            return "dead", "dead", 0.0
        delay = backoff(row.attempts, policy)
        if isinstance(exc, RateLimited) and exc.retry_after is not None:
            delay = max(delay, exc.retry_after)
        return "pending", "retrying", delay
    # RejectedError, NotFound, adapter ConfigError, mapping errors: the row itself
    # cannot be written; an admin decides (retry after fixing, or discard).
    return "dead", "dead", 0.0


# -- admin actions (CLI and the sync monitor page) --------------------------------


def retry_item(services: Services, item_id: int, actor: str) -> None:
    """Send a dead (or waiting) row again now, with a fresh attempt budget; audited.

    Raises:
        ValidationFailed: no such row, or it is being sent, done or discarded.
    """
    _admin_change(services, item_id, actor, ("dead", "pending"), "pending")


def discard_item(services: Services, item_id: int, actor: str) -> None:
    """Give up on a dead or pending row; it is never sent. Audited.

    Raises:
        ValidationFailed: no such row, or it is being sent, done or discarded.
    """
    _admin_change(services, item_id, actor, ("dead", "pending"), "discarded")


def _admin_change(
    services: Services,
    item_id: int,
    actor: str,
    expected: tuple[str, ...],
    status: str,
) -> None:
    now = services.clock.now()
    with services.uow() as uow:
        repo = OutboxRepository(uow.session)
        before = repo.get(item_id)
        old = before.status if before is not None else None
        item = repo.set_status(item_id, expected=expected, now=now, status=status)
        if item is None:
            state = "does not exist" if old is None else f"is {old}"
            allowed = " or ".join(expected)
            msg = f"outbox row {item_id} {state}; only a {allowed} row can be changed"
            raise ValidationFailed(msg, field="id")
        record = AuditRecord(
            tag=tag("gateway", "outbox", Action.EDIT),
            object_type="outbox",
            field="status",
            actor=actor[:64],
            direction="in",
            connection=item.connection,
            external_id=item.external_id,
            local_id=item.id,
            old=old,
            new=status,
            rule="retry" if status == "pending" else "discard",
        )
        AuditLog(uow.session).append([record], now)
        uow.commit()
