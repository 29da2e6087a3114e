"""Pull a connection's streams into the mirror, page by page, each page one transaction."""

from __future__ import annotations

import functools
import logging
import os
import socket
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING

from adapters.base import Cursor
from adapters.errors import AdapterError
from gateway.errors import GatewayError, LeaseHeld, StaleBinding
from gateway.services.apply import PageApplier, PageCounts, StreamContext
from gateway.services.cursors import later, with_overlap
from gateway.services.page_map import MappedPage, map_page
from gateway.store import leases
from gateway.store.sync_repo import SyncRepository
from rules.canonical import Owner

if TYPE_CHECKING:
    from adapters.base import Page, StreamSpec
    from gateway.bootstrap import Services
    from gateway.settings import ConnectionSettings

log = logging.getLogger(__name__)

LEASE_TTL = timedelta(minutes=5)
HOLDER = f"{socket.gethostname()}:{os.getpid()}"


@dataclass(frozen=True, slots=True)
class Progress:
    """Shown on a terminal while a sync runs and stored on the run record."""

    stream: str
    pages: int
    records: int
    rate: float

    @classmethod
    def of(cls, stream: str, pages: int, records: int, started: float) -> Progress:
        elapsed = max(time.monotonic() - started, 1e-6)
        return cls(stream, pages, records, records / elapsed)

    def as_dict(self) -> dict[str, object]:
        return {
            "stream": self.stream,
            "pages": self.pages,
            "records": self.records,
            "rate": round(self.rate, 1),
        }


@dataclass
class SyncSummary:
    run_id: int
    connection: str
    status: str = "running"
    pages: int = 0
    counts: PageCounts = field(default_factory=PageCounts)
    streams: dict[str, PageCounts] = field(default_factory=dict)
    seconds: float = 0.0
    error: str | None = None

    def with_page(self, stream: str, counts: PageCounts) -> dict[str, dict[str, int]]:
        """Per-stream counts as they stand once this page is applied."""
        totals = {name: vars(c).copy() for name, c in self.streams.items()}
        mine = PageCounts(**totals.get(stream, {}))
        mine.add(counts)
        totals[stream] = vars(mine)
        return totals


ProgressCallback = Callable[[Progress], None]


def sync_connection(
    services: Services,
    name: str,
    *,
    full: bool = False,
    progress: ProgressCallback | None = None,
    streams: tuple[str, ...] | None = None,
) -> SyncSummary:
    """Pull what changed since the last run (everything with ``full``).

    Raises:
        AdapterError: the remote failed permanently (bad credentials, unreachable);
            the run is recorded as failed with the reason, pages already applied stay.
    """
    connection = services.settings.connection(name)
    adapter = services.adapter(name)
    mapping = services.mapping(connection)
    rules = services.ownership
    with services.uow() as uow:
        run_id = SyncRepository(uow.session).start_run(
            name, "full" if full else "incremental", services.clock.now()
        )
        uow.commit()
    summary = SyncSummary(run_id=run_id, connection=name)
    started = time.monotonic()
    specs = adapter.streams()
    try:
        for spec in specs:
            if streams and spec.name not in streams:
                continue
            if not spec.deletions and spec.name not in mapping.stream_names:
                log.info("stream %s of %s has no mapping; skipped", spec.name, name)
                continue
            ctx = StreamContext(
                connection=name,
                kind=connection.kind,
                role=Owner(connection.role),
                adapter=adapter,
                mapping=mapping,
                rules=rules,
                streams=specs,
                run_id=run_id,
                now=services.clock.now(),
            )
            lease = ctx.lease = f"sync:{name}:{spec.name}"
            _take_lease(services, lease)
            try:
                _sync_stream(
                    services, ctx, connection, spec, full, summary, started, progress
                )
            finally:
                _release_lease(services, lease)
    except (AdapterError, GatewayError) as exc:
        summary.status, summary.error = "failed", str(exc)
        _finish(services, summary, started)
        raise
    summary.status = "succeeded"
    _finish(services, summary, started)
    return summary


def _sync_stream(
    services: Services,
    ctx: StreamContext,
    connection: ConnectionSettings,
    spec: StreamSpec,
    full: bool,
    summary: SyncSummary,
    started: float,
    progress: ProgressCallback | None,
) -> None:
    with services.read_uow() as uow:
        stored = (
            None
            if full
            else Cursor.from_json(
                SyncRepository(uow.session).get_cursor(ctx.connection, spec.name)
            )
        )
    fetch = functools.partial(_fetch, ctx, spec, connection.page_size)
    # Read-ahead: the next page is read (and mapped) in a second thread while this
    # one is written, hiding the remote's latency; its cursor is known before the
    # current page is applied. A failure discards the prefetched page unapplied.
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="read-ahead") as pool:
        pending = pool.submit(fetch, with_overlap(stored, connection.overlap_seconds))
        while True:
            page, mapped = pending.result()
            more = page.has_more and bool(page.records)
            if more:
                pending = pool.submit(fetch, page.next_cursor)
            ctx.now = services.clock.now()
            stored = _apply_page(
                services, ctx, spec, page, mapped, stored, summary, started
            )
            if progress:
                progress(_progress(spec.name, summary, started))
            if not more:
                return


def _fetch(
    ctx: StreamContext, spec: StreamSpec, size: int, cursor: Cursor | None
) -> tuple[Page, MappedPage | None]:
    """Read one page and map it; mapping is pure, so it can run beside a write."""
    page = ctx.adapter.read(spec.name, cursor, page_size=size)
    if spec.deletions:
        return page, None
    return page, map_page(ctx.mapping, spec.name, page.records)


def _take_lease(services: Services, name: str) -> None:
    """Hold the stream's lease, or say who does (a scheduled run, another process)."""
    with services.uow() as uow:
        now = services.clock.now()
        if leases.acquire(uow.session, name, HOLDER, now, LEASE_TTL):
            uow.commit()
            return
        current = leases.holder_of(uow.session, name)
    who = (
        f"{current.holder} until {current.expires_at:%Y-%m-%d %H:%M:%S} UTC"
        if current
        else "?"
    )
    raise LeaseHeld(f"{name} is being synced by {who}; try again later")


def _release_lease(services: Services, name: str) -> None:
    with services.uow() as uow:
        leases.release(uow.session, name, HOLDER)
        uow.commit()


def _apply_page(
    services: Services,
    ctx: StreamContext,
    spec: StreamSpec,
    page: Page,
    mapped: MappedPage | None,
    stored: Cursor | None,
    summary: SyncSummary,
    started: float,
) -> Cursor | None:
    """Apply one page and move the cursor, in one transaction."""
    new_cursor = later(stored, page.next_cursor)
    args = (services, ctx, spec, page, mapped, new_cursor, summary, started)
    try:
        counts = _apply_once(*args)
    except StaleBinding:
        # Another process bound one of the page's records while we applied it: the
        # transaction rolled back whole, and a second pass sees the binding.
        ctx.id_cache.clear()
        counts = _apply_once(*args)
    summary.pages += 1
    summary.counts.add(counts)
    summary.streams.setdefault(spec.name, PageCounts()).add(counts)
    return new_cursor


def _apply_once(
    services: Services,
    ctx: StreamContext,
    spec: StreamSpec,
    page: Page,
    mapped: MappedPage | None,
    new_cursor: Cursor | None,
    summary: SyncSummary,
    started: float,
) -> PageCounts:
    with services.uow() as uow:
        # Renewing the lease in the page's transaction: if another process took it
        # over (we stalled past its expiry), this page is not applied.
        if ctx.lease and not leases.acquire(
            uow.session, ctx.lease, HOLDER, ctx.now, LEASE_TTL
        ):
            raise LeaseHeld(f"{ctx.lease} was taken over by another process")
        counts = PageApplier(ctx, uow.session).apply(spec, page.records, mapped)
        repo = SyncRepository(uow.session)
        repo.set_cursor(
            ctx.connection,
            spec.name,
            new_cursor.to_json() if new_cursor else None,
            ctx.run_id,
            ctx.now,
        )
        totals = PageCounts(**vars(summary.counts))
        totals.add(counts)
        progress = Progress.of(spec.name, summary.pages + 1, totals.read, started)
        shown = {**progress.as_dict(), "streams": summary.with_page(spec.name, counts)}
        repo.record_page(summary.run_id, spec.name, counts, shown)
        uow.commit()
    return counts


def _progress(stream: str, summary: SyncSummary, started: float) -> Progress:
    return Progress.of(stream, summary.pages, summary.counts.read, started)


def _finish(services: Services, summary: SyncSummary, started: float) -> None:
    summary.seconds = time.monotonic() - started
    with services.uow() as uow:
        SyncRepository(uow.session).finish_run(
            summary.run_id, summary.status, services.clock.now(), summary.error
        )
        uow.commit()
