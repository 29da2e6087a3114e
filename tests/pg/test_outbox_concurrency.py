"""Three worker processes and two sync processes on one PostgreSQL, for a bounded run.

Workers claim with SKIP LOCKED and also run the connection's scheduled syncs (a
stream lease lets one process sync at a time); two more processes run `arbridge
sync` over and over. Zero duplicate writes, zero lost writes, every row done.
"""

from __future__ import annotations

import sys
import time

import pytest

from gateway.services.sync import sync_connection
from tests.e2e.sync.conftest import CONNECTION
from tests.outbox_workload import (
    check_end_state,
    enqueue_workload,
    open_rows,
    payment_mirror_mismatches,
)
from tests.pg.outbox_procs import kill, start_cluster, stop

pytestmark = pytest.mark.postgres

BOUND = 90.0  # seconds: the run must finish well within this


@pytest.fixture
def cluster(pg_url, tmp_path):
    built = start_cluster(pg_url, tmp_path, concurrency=10, schedule=10)
    yield built
    built.services.dispose()
    built.sandbox.close()


def test_three_workers_and_two_syncs_write_everything_once(cluster, capsys):
    work = enqueue_workload(
        cluster.services, CONNECTION, payments=300, updates=200, seed=19
    )
    workers = [
        cluster.spawn("worker", "--id", f"w{n}", "--drain-every", "0.1")
        for n in range(3)
    ]
    syncs = [cluster.spawn("sync", CONNECTION) for _ in range(2)]
    started, sync_runs = time.monotonic(), 0
    try:
        while time.monotonic() - started < BOUND:
            if not open_rows(cluster.services):
                break
            for n, proc in enumerate(syncs):
                if proc.poll() is not None:  # a sync finished (or met a held lease)
                    syncs[n] = cluster.spawn("sync", CONNECTION)
                    sync_runs += 1
            time.sleep(0.2)
        elapsed = time.monotonic() - started
    finally:
        for proc in workers:
            stop(proc)
        for proc in syncs:
            try:  # a running sync finishes (and releases its leases) on its own
                proc.wait(timeout=60)
            finally:
                kill(proc)
    assert workers[0].returncode == 0  # an orderly stop on SIGTERM
    state = check_end_state(cluster.sandbox, cluster.services, CONNECTION, work)
    assert (state.intended, state.found, state.duplicates) == (300, 300, 0), state
    assert state.ok, state
    sync_connection(cluster.services, CONNECTION)
    assert (
        payment_mirror_mismatches(cluster.sandbox, cluster.services, CONNECTION) == []
    )
    verified = cluster.run("audit", "verify")
    assert verified.returncode == 0, verified.stderr
    with capsys.disabled():
        sys.stdout.write(
            f"\nconcurrency: {len(set(work.outbox_ids))} rows by 3 workers in "
            f"{elapsed:.1f}s beside {sync_runs + 2} sync processes; "
            f"{state.found}/{state.intended} payments, {state.duplicates} duplicates\n"
        )
