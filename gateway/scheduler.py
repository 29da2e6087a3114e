"""APScheduler wiring for ``arbridge worker``: the outbox drain and scheduled syncs.

The only module that imports APScheduler. APScheduler 3 has no inter-process
coordination, so nothing here relies on it: every worker process runs its own
scheduler, a stream's database lease lets one process sync it at a time (a held
lease makes a scheduled run skip quietly), and ``SKIP LOCKED`` claims keep workers
from sending the same outbox row.
"""

from __future__ import annotations

import logging
import threading
from datetime import UTC
from typing import TYPE_CHECKING, Any

from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from adapters.errors import AdapterError
from gateway.errors import ConfigError, GatewayError, LeaseHeld
from gateway.services.outbox import DrainPolicy, drain
from gateway.services.sync import sync_connection
from gateway.store import leases

if TYPE_CHECKING:
    from gateway.bootstrap import Services

log = logging.getLogger(__name__)


def trigger_for(name: str, schedule: str) -> Any:
    """An interval trigger for whole seconds, else a cron trigger (UTC).

    Raises:
        ConfigError: the cron line does not parse.
    """
    if schedule.isdigit():
        return IntervalTrigger(seconds=int(schedule), timezone=UTC)
    try:
        return CronTrigger.from_crontab(schedule, timezone=UTC)
    except ValueError as exc:
        msg = f"connection {name}: schedule {schedule!r}: {exc}"
        raise ConfigError(msg) from exc


def build_scheduler(
    services: Services,
    worker: str,
    policy: DrainPolicy,
    stopping: threading.Event,
    *,
    drain_every: float = 1.0,
) -> BlockingScheduler:
    """A scheduler running the outbox drain loop and one sync job per scheduled
    connection; setting ``stopping`` ends the drain loop."""
    scheduler = BlockingScheduler(timezone=UTC)
    # The drain is one long-running job (started now) rather than a ticking one, so
    # it picks up new rows within ``drain_every`` without piling up skipped runs.
    scheduler.add_job(
        drain_loop,
        args=(services, worker, policy, stopping, drain_every),
        id="outbox",
    )
    for name, connection in sorted(services.settings.connections.items()):
        if connection.schedule:
            # One run per connection at a time; a run that overlaps its next start
            # makes that start skip (coalesce), never stack.
            scheduler.add_job(
                scheduled_sync,
                trigger_for(name, connection.schedule),
                args=(services, name),
                id=f"sync:{name}",
                max_instances=1,
                coalesce=True,
            )
    return scheduler


def drain_loop(
    services: Services,
    worker: str,
    policy: DrainPolicy,
    stopping: threading.Event,
    every: float,
) -> None:
    """Send what is due, then look again after ``every`` seconds, until stopped."""
    while not stopping.is_set():
        try:
            result = drain(services, worker, policy)
        except Exception:
            # Whatever it was (a database restart, a bug on one row), the claim
            # expires and the row is retried; the worker itself stays up.
            log.exception("outbox drain failed; looking again shortly")
        else:
            if result.sent or result.dead:
                log.info(
                    "outbox: %d sent, %d retrying, %d waiting, %d dead",
                    result.sent,
                    result.retrying,
                    result.waiting,
                    result.dead,
                )
        stopping.wait(every)


def scheduled_sync(services: Services, name: str) -> None:
    """Sync ``name`` unless another process holds one of its stream leases."""
    holder = _lease_holder(services, name)
    if holder is not None:
        log.info("scheduled sync of %s skipped: %s holds its lease", name, holder)
        return
    try:
        summary = sync_connection(services, name)
    except LeaseHeld as exc:  # taken between our look and our run
        log.info("scheduled sync of %s skipped: %s", name, exc)
        return
    except (AdapterError, GatewayError) as exc:
        log.error("scheduled sync of %s failed: %s", name, exc)
        return
    log.info("scheduled sync of %s: %s in %.1fs", name, summary.status, summary.seconds)


def _lease_holder(services: Services, name: str) -> str | None:
    now = services.clock.now()
    streams = [spec.name for spec in services.adapter(name).streams()]
    with services.read_uow() as uow:
        for stream in streams:
            lease = leases.holder_of(uow.session, f"sync:{name}:{stream}")
            if lease is not None and lease.expires_at > now:
                return lease.holder
    return None
