"""Benchmark: outbox writes/s through the NetSuite sandbox with 1 and 3 workers on PG.

    ARBRIDGE_TEST_PG_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test \\
        python -m tests.bench.outbox_throughput [--payments 300 --updates 200]

Each run gets a fresh database and a fresh sandbox on loopback (NetSuite's default of
5 concurrent requests), mirrors it, starts N `arbridge worker` processes, waits until
they are up, then queues the workload in one transaction and times the drain from
that commit until no row is open. Every run is checked: each payment exactly once.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text

from tests.e2e.sync.conftest import CONNECTION
from tests.outbox_workload import check_end_state, enqueue_workload, open_rows
from tests.pg.outbox_procs import start_cluster, stop


@contextmanager
def _database(base: str):
    name = f"arbridge_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield admin.url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def measure(base: str, workers: int, payments: int, updates: int) -> dict[str, object]:
    with _database(base) as url, tempfile.TemporaryDirectory() as tmp:
        cluster = start_cluster(url, Path(tmp))
        procs = [
            cluster.spawn("worker", "--id", f"b{n}", "--drain-every", "0.05")
            for n in range(workers)
        ]
        try:
            time.sleep(3.0)  # let every worker start and reach its first idle poll
            work = enqueue_workload(
                cluster.services, CONNECTION, payments=payments, updates=updates
            )
            started = time.monotonic()
            while open_rows(cluster.services):
                time.sleep(0.05)
            seconds = time.monotonic() - started
        finally:
            for proc in procs:
                stop(proc)
        state = check_end_state(cluster.sandbox, cluster.services, CONNECTION, work)
        writes = len(set(work.outbox_ids))  # coalesced updates share a row
        cluster.services.dispose()
        cluster.sandbox.close()
    return {
        "workers": workers,
        "rows": writes,
        "seconds": round(seconds, 2),
        "writes_per_s": round(writes / seconds, 1),
        "payments_found": state.found,
        "duplicates": state.duplicates,
        "ok": state.ok,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.bench.outbox_throughput")
    parser.add_argument("--payments", type=int, default=300)
    parser.add_argument("--updates", type=int, default=200)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 3])
    args = parser.parse_args(argv)
    base = os.environ.get("ARBRIDGE_TEST_PG_URL")
    if not base:
        sys.exit("set ARBRIDGE_TEST_PG_URL to a PostgreSQL server URL")
    for workers in args.workers:
        result = measure(base, workers, args.payments, args.updates)
        sys.stdout.write(json.dumps(result) + "\n")


if __name__ == "__main__":
    main()
