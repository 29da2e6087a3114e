"""APScheduler wiring for ``arbridge worker``: the outbox drain, scheduled syncs and
the daily collections jobs (promises, scores) with a weekly model retrain.

The only module that imports APScheduler. APScheduler 3 has no inter-process
coordination, so nothing here relies on it: every worker process runs its own
scheduler, a stream's database lease lets one process sync it at a time (a held
lease makes a scheduled run skip quietly), ``SKIP LOCKED`` claims keep workers
from sending the same outbox row, and a job lease makes one worker run each daily or
weekly job.
"""

from __future__ import annotations

import logging
import threading
from datetime import UTC, timedelta
from typing import TYPE_CHECKING, Any

from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from adapters.errors import AdapterError
from gateway.errors import ConfigError, GatewayError, LeaseHeld
from gateway.queries.kpis import catch_up
from gateway.services.outbox import DrainPolicy, drain
from gateway.services.prediction import retrain_latest
from gateway.services.promises import evaluate_promises
from gateway.services.scoring import load_config, score_all
from gateway.services.sync import sync_connection
from gateway.store import leases

if TYPE_CHECKING:
    from collections.abc import Callable

    from gateway.bootstrap import Services

log = logging.getLogger(__name__)

DAILY_JOB = "daily-collections"
RETRAIN_JOB = "weekly-retrain"
# A finished run keeps its lease for most of its period, so a worker whose trigger
# fires late (busy, restarted, clock skew) skips instead of running it again; the
# lease expires well before the next period's run.
JOB_LEASES = {DAILY_JOB: timedelta(hours=12), RETRAIN_JOB: timedelta(days=3)}
# The retrain holds out the last 30 days: invoices issued since are mostly not
# settled yet, and the stored evaluation gets a fresh, time-ordered test set.
RETRAIN_HOLDOUT = timedelta(days=30)


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
    _add_collections_jobs(scheduler, services, worker)
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
    catch_up_kpis(services)


def catch_up_kpis(services: Services) -> None:
    """Rebuild the KPI ledger rows a sync changed, here rather than in a KPI request."""
    try:
        count = catch_up(services)
    except Exception:
        # The next KPI request rebuilds whatever is still queued.
        log.exception("KPI ledger catch-up failed")
    else:
        if count:
            log.info("KPI ledger: %d invoices rebuilt", count)


def _lease_holder(services: Services, name: str) -> str | None:
    now = services.clock.now()
    streams = [spec.name for spec in services.adapter(name).streams()]
    with services.read_uow() as uow:
        for stream in streams:
            lease = leases.holder_of(uow.session, f"sync:{name}:{stream}")
            if lease is not None and lease.expires_at > now:
                return lease.holder
    return None


def _add_collections_jobs(
    scheduler: BlockingScheduler, services: Services, worker: str
) -> None:
    """Daily promises-then-score and a Sunday retrain, at ``ARBRIDGE_DAILY_AT`` (UTC).

    On Sundays both start together, so that day's scores may still use last week's
    model; a late start (worker busy or restarted) runs within the hour, not never.
    """
    at = services.settings.daily_at
    for job_id, fn, days in (
        (DAILY_JOB, daily_collections, "*"),
        (RETRAIN_JOB, weekly_retrain, "sun"),
    ):
        trigger = CronTrigger(
            day_of_week=days, hour=at.hour, minute=at.minute, timezone=UTC
        )
        scheduler.add_job(
            fn, trigger, args=(services, worker), id=job_id,
            max_instances=1, coalesce=True, misfire_grace_time=3600,
        )  # fmt: skip


def run_once(
    services: Services, job: str, worker: str, work: Callable[[], str]
) -> bool:
    """Run ``work`` unless another worker holds ``job``'s lease; True if it ran.

    The lease is kept after success (see :data:`JOB_LEASES`) and given back after a
    failure, so a retry by hand is not blocked until it expires.
    """
    name = f"job:{job}"
    with services.uow() as uow:
        taken = leases.acquire(
            uow.session, name, worker, services.clock.now(), JOB_LEASES[job]
        )
        uow.commit()
    if not taken:
        log.info("%s skipped: another worker runs it or has just run it", job)
        return False
    try:
        outcome = work()
    except Exception:
        # Whatever it was, the worker stays up; the next period tries again.
        log.exception("%s failed", job)
        with services.uow() as uow:
            leases.release(uow.session, name, worker)
            uow.commit()
        return False
    log.info("%s: %s", job, outcome)
    return True


def daily_collections(services: Services, worker: str) -> bool:
    """``arbridge promises evaluate`` then ``arbridge score``, as of today, once."""

    def work() -> str:
        today = services.clock.now().date()
        judged = evaluate_promises(services, today)
        scored = score_all(services, load_config(), today)
        return (
            f"judged {judged.judged} promises, scored {scored.scored} customers "
            f"({scored.prioritized} on the worklist) as of {today}"
        )

    return run_once(services, DAILY_JOB, worker, work)


def weekly_retrain(services: Services, worker: str) -> bool:
    """Retrain the payment model at today - 30 days, once, if a model is stored."""

    def work() -> str:
        cutoff = services.clock.now().date() - RETRAIN_HOLDOUT
        report = retrain_latest(services, cutoff)
        if report is None:
            return "no model stored yet (arbridge model train): nothing to retrain"
        return (
            f"model {report.version} stored (cutoff {cutoff}, {report.n_train} train)"
        )

    return run_once(services, RETRAIN_JOB, worker, work)
