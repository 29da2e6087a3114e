"""Benchmark: the KPI requests of the API and the KPI page on a large mirror.

    python -m tests.bench.kpis                          # 1,000,000 invoices, 100,000 customers
    python -m tests.bench.kpis --invoices 100000 --customers 10000
    python -m tests.bench.kpis --keep var/kpi-bench     # build once, reuse on later runs

Builds the mirror of :mod:`tests.bench.kpi_mirror` (two years of invoices, payments
and allocations, credit memos, six currencies with monthly FX rates, segments and
companies) on a SQLite file and, when ``ARBRIDGE_TEST_PG_URL`` is set, in a
PostgreSQL database of its own (created here and dropped afterwards, unless
``--keep``). Then it times, warm, the median of ``--runs`` calls of what
``GET /api/v1/kpis`` runs for each ``group_by`` and for ``trend=true``, what the KPI
page runs (the overall figures, a breakdown and the DSO trend), and a request
after a sync-sized change (which rebuilds those invoices' KPI ledger rows first).
Building the ledger for the whole mirror (once, after loading it) is timed too.
Not a timed test: run by hand or by ``make bench``.
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, select, text

from gateway.bootstrap import Services, build_services
from gateway.clock import FixedClock
from gateway.queries.kpi_trend import dso_trend
from gateway.queries.kpis import KpiQuery, catch_up, kpi_summary
from gateway.settings import Settings
from gateway.store.migrate import upgrade
from gateway.store.models import Invoice
from tests.bench.kpi_mirror import AS_OF, NOW, Mirror, build, load

PG_ENV = "ARBRIDGE_TEST_PG_URL"
PG_DATABASE = "arbridge_kpi_bench"


def _report(line: str) -> None:
    print(line, flush=True)  # noqa: T201 - a benchmark reports on the terminal


def _summary(group: str) -> Callable[[Services], Any]:
    return lambda s: kpi_summary(s, KpiQuery(as_of=AS_OF, group=group))


def _page(group: str) -> Callable[[Services], Any]:
    def run(s: Services) -> Any:
        overall = kpi_summary(s, KpiQuery(as_of=AS_OF))
        breakdown = None
        if group != "none":
            breakdown = kpi_summary(s, KpiQuery(as_of=AS_OF, group=group))
        return overall, breakdown, dso_trend(s, AS_OF)

    return run


CHANGED = 1_000  # invoices a sync changes between two requests, in the last variant


class _Shift:
    """Moves the due date of ``CHANGED`` invoices by a day, forth then back.

    Each move queues those invoices for the KPI ledger, as a sync's page of
    changes would; the request after it pays for their rebuild.
    """

    def __init__(self) -> None:
        self.moved = False

    def __call__(self, services: Services) -> None:
        step = timedelta(days=-1 if self.moved else 1)
        with services.uow() as uow:
            rows = uow.session.scalars(
                select(Invoice)
                .where(Invoice.due_date.is_not(None))
                .order_by(Invoice.id)
                .limit(CHANGED)
            )
            for invoice in rows:
                invoice.due_date = invoice.due_date + step  # type: ignore[operator]
            uow.commit()
        self.moved = not self.moved


VARIANTS: list[tuple[str, Callable[[Services], Any]]] = [
    ("api: overall", _summary("none")),
    ("api: group_by=customer (page 1 of 50)", _summary("customer")),
    ("api: group_by=segment", _summary("segment")),
    ("api: group_by=company", _summary("company")),
    ("api: group_by=connection", _summary("connection")),
    ("api: trend (12 month ends)", lambda s: dso_trend(s, AS_OF)),
    ("page: overall + trend", _page("none")),
    ("page: overall + by customer + trend", _page("customer")),
    (f"api: overall, {CHANGED:,} invoices changed before", _summary("none")),
]


def _time(
    services: Services,
    call: Callable[[Services], Any],
    runs: int,
    before: Callable[[Services], None] | None = None,
) -> tuple[float, float]:
    """The first call's seconds (cold), and the median of ``runs`` more (warm).

    ``before`` runs, untimed, before each call.
    """
    samples = []
    for _ in range(runs + 1):
        if before is not None:
            before(services)
        started = time.perf_counter()
        call(services)
        samples.append(time.perf_counter() - started)
    return samples[0], statistics.median(samples[1:])


def _fingerprint(services: Services) -> str:
    """A short digest of every result, to check that a change kept them identical."""
    digest = hashlib.sha256()
    for _, call in VARIANTS[:6]:  # the API's requests
        digest.update(repr(call(services)).encode())
    return digest.hexdigest()[:16]


def _ensure(services: Services, mirror: Callable[[], Mirror]) -> None:
    upgrade(services.engine)
    with services.engine.connect() as conn:
        count = conn.execute(text("SELECT count(*) FROM invoices")).scalar_one()
    if count:
        _report(f"  reusing the mirror ({count:,} invoices; --fresh rebuilds it)")
        return
    started = time.perf_counter()
    rows = mirror()
    _report(
        f"  made {len(rows.invoices):,} invoices, {len(rows.payments):,} payments, "
        f"{len(rows.allocations):,} allocations in {time.perf_counter() - started:.0f}s"
    )
    started = time.perf_counter()
    with services.engine.begin() as conn:
        load(conn, rows, _report)
    _analyze(services)
    _report(f"  loaded and analyzed in {time.perf_counter() - started:.0f}s")


def _analyze(services: Services) -> None:
    engine = services.engine.execution_options(isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        pg = conn.dialect.name == "postgresql"
        conn.execute(text("VACUUM ANALYZE" if pg else "ANALYZE"))


@contextmanager
def _pg_url(keep: bool, fresh: bool) -> Iterator[str]:
    admin = create_engine(os.environ[PG_ENV], isolation_level="AUTOCOMMIT")
    drop = text(f'DROP DATABASE IF EXISTS "{PG_DATABASE}" WITH (FORCE)')
    with admin.connect() as conn:
        if fresh:
            conn.execute(drop)
        exists = conn.execute(
            text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": PG_DATABASE}
        ).first()
        if not exists:
            conn.execute(text(f'CREATE DATABASE "{PG_DATABASE}"'))
    try:
        yield admin.url.set(database=PG_DATABASE).render_as_string(hide_password=False)
    finally:
        if not keep:
            with admin.connect() as conn:
                conn.execute(drop)
        admin.dispose()


def _services(url: str) -> Services:
    return build_services(Settings(database_url=url), clock=FixedClock(NOW))


def prepare(url: str, mirror: Callable[[], Mirror]) -> None:
    """Load the mirror if needed, then bring the KPI ledger up to date (timed)."""
    services = _services(url)
    try:
        _ensure(services, mirror)
        started = time.perf_counter()
        count = catch_up(services)
        _report(
            f"  KPI ledger: {count:,} invoices rebuilt in "
            f"{time.perf_counter() - started:.1f}s"
        )
        if count and services.engine.dialect.name == "postgresql":
            _analyze(services)  # as autovacuum soon would (index-only scans)
    finally:
        services.dispose()


def measure(kind: str, url: str, args: argparse.Namespace) -> dict[str, float]:
    services = _services(url)
    try:
        if args.fingerprint:
            _report(f"  {kind:8} results digest: {_fingerprint(services)}")
        found = {}
        shift = _Shift()
        for label, call in VARIANTS:
            if args.only and not any(o in label for o in args.only.split(",")):
                continue
            before = shift if label == VARIANTS[-1][0] else None
            first, seconds = _time(services, call, args.runs, before)
            found[label] = round(seconds, 3)
            _report(
                f"  {kind:8} {label:46} {seconds * 1000:6.0f} ms median "
                f"(first call {first * 1000:.0f} ms)"
            )
        if shift.moved:  # leave a kept mirror as it was
            shift(services)
            catch_up(services)
        return found
    finally:
        services.dispose()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--invoices", type=int, default=1_000_000)
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keep", help="folder for the SQLite file; keep both mirrors")
    parser.add_argument("--fresh", action="store_true", help="rebuild a kept mirror")
    parser.add_argument("--only", help="comma-separated substrings of variant labels")
    parser.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--fingerprint", action="store_true")
    args = parser.parse_args(argv)
    made: list[Mirror] = []

    def mirror() -> Mirror:  # made once, loaded into each database
        if not made:
            made.append(build(args.invoices, args.customers))
        return made[0]

    folder = Path(args.keep or tempfile.mkdtemp())
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"kpis-{args.invoices}-{args.customers}.db"
    targets: list[tuple[str, str]] = []
    results: dict[str, dict[str, float]] = {}
    with ExitStack() as stack:
        if args.db in ("sqlite", "both"):
            if args.fresh:
                path.unlink(missing_ok=True)
            if not args.keep:
                stack.callback(shutil.rmtree, folder, ignore_errors=True)
            targets.append(("sqlite", f"sqlite:///{path}"))
        if args.db in ("postgres", "both") and os.environ.get(PG_ENV):
            url = stack.enter_context(_pg_url(bool(args.keep), args.fresh))
            targets.append(("postgres", url))
        for kind, url in targets:
            _report(f"{kind} ({url}):")
            prepare(url, mirror)
        # The generated rows would make every garbage collection during the
        # timings walk millions of tuples: drop them first.
        made.clear()
        gc.collect()
        for kind, url in targets:
            results[kind] = measure(kind, url, args)
    _report(json.dumps(results))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
