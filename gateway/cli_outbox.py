"""``arbridge worker`` and ``arbridge outbox list|retry|discard``."""

from __future__ import annotations

import getpass
import os
import signal
import socket
import threading
from datetime import timedelta
from typing import TYPE_CHECKING

import click

from gateway.cli import _services, user_errors
from gateway.queries.outbox import STATUSES, list_items
from gateway.services.outbox import DrainPolicy, discard_item, drain, retry_item

if TYPE_CHECKING:
    from types import FrameType

    from gateway.queries.outbox import OutboxItemView


@click.command()
@click.option("--once", is_flag=True, help="Send what is due now, then exit.")
@click.option(
    "--id", "worker_id", help="This worker's name in claims and the audit log."
)
@click.option("--batch", default=10, show_default=True, help="Rows per claim.")
@click.option(
    "--visibility-timeout",
    default=300,
    show_default=True,
    type=click.IntRange(1),
    help="Seconds a claim lasts; a dead worker's rows are taken over after it.",
)
@click.option(
    "--drain-every",
    default=1.0,
    show_default=True,
    type=click.FloatRange(0.05),
    help="Seconds between looks at the outbox.",
)
@click.pass_context
@user_errors
def worker(
    ctx: click.Context,
    once: bool,
    worker_id: str | None,
    batch: int,
    visibility_timeout: int,
    drain_every: float,
) -> None:
    """Drain the outbox, run scheduled syncs and the daily collections jobs until stopped."""
    services = _services(ctx)
    name = worker_id or f"{socket.gethostname()}:{os.getpid()}"
    policy = DrainPolicy(
        batch=batch, visibility_timeout=timedelta(seconds=visibility_timeout)
    )
    if once:
        result = drain(services, name, policy)
        click.echo(
            f"worker {name}: {result.sent} sent, {result.retrying} retrying, "
            f"{result.waiting} waiting, {result.dead} dead, {result.lost} lost"
        )
        return
    from gateway.scheduler import build_scheduler

    stopping = threading.Event()
    scheduler = build_scheduler(
        services, name, policy, stopping, drain_every=drain_every
    )
    signal.signal(signal.SIGTERM, _stop)
    click.echo(f"worker {name} started")
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        # Running jobs finish: the row being sent is recorded, not left claimed.
        stopping.set()
        scheduler.shutdown(wait=True)
        click.echo(f"worker {name} stopped")


def _stop(_signum: int, _frame: FrameType | None) -> None:
    # Turn SIGTERM into the same orderly stop as Ctrl-C: running jobs finish.
    raise SystemExit(0)


@click.group()
def outbox() -> None:
    """Write-backs waiting for, being sent to or refused by the remote systems."""


@outbox.command("list")
@click.option("--status", type=click.Choice(STATUSES), help="Only rows in this state.")
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1, 10000))
@click.pass_context
@user_errors
def outbox_list(ctx: click.Context, status: str | None, limit: int) -> None:
    """Show outbox rows, newest first."""
    items = list_items(_services(ctx), status=status, limit=limit)
    if not items:
        click.echo("no outbox rows" + (f" with status {status}" if status else ""))
        return
    click.echo(
        f"{'id':>7} {'status':<9} {'tries':>5} {'connection':<12} "
        f"{'operation':<14} {'object':<10} {'local':>7} {'next attempt (UTC)':<19} "
        "last error"
    )
    for item in items:
        click.echo(_line(item))


def _line(item: OutboxItemView) -> str:
    state = "retrying" if item.retrying else item.status
    error = " ".join((item.last_error or "").split())  # the whole remote message
    return (
        f"{item.id:>7} {state:<9} {item.attempts:>5} {item.connection:<12} "
        f"{item.operation:<14} {item.object_type:<10} {item.local_id or '':>7} "
        f"{item.next_attempt_at:%Y-%m-%d %H:%M:%S} {error}"
    )


def _actor() -> str:
    return f"cli:{getpass.getuser()}"


@outbox.command("retry")
@click.argument("item_id", type=int)
@click.pass_context
@user_errors
def outbox_retry(ctx: click.Context, item_id: int) -> None:
    """Send dead (or waiting) row ITEM_ID again now."""
    retry_item(_services(ctx), item_id, _actor())
    click.echo(f"outbox row {item_id} will be sent again")


@outbox.command("discard")
@click.argument("item_id", type=int)
@click.pass_context
@user_errors
def outbox_discard(ctx: click.Context, item_id: int) -> None:
    """Never send row ITEM_ID (dead or pending)."""
    discard_item(_services(ctx), item_id, _actor())
    click.echo(f"outbox row {item_id} discarded")
