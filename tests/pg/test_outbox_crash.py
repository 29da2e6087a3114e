"""Crash test: `arbridge worker` killed with SIGKILL at random points, again and again.

Every intended write must end up in the sandbox exactly once, none missing, the mirror
equal to the sandbox, and `arbridge audit verify` must pass.
"""

from __future__ import annotations

import random
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
from tests.pg.outbox_procs import kill, start_cluster

pytestmark = pytest.mark.postgres

KILLS = 55
WORKER = ("worker", "--visibility-timeout", "2", "--drain-every", "0.1", "--batch", "5")


@pytest.fixture
def cluster(pg_url, tmp_path):
    built = start_cluster(pg_url, tmp_path)
    yield built
    built.services.dispose()
    built.sandbox.close()


def _drain_to_the_end(cluster) -> None:
    for _ in range(30):
        if not open_rows(cluster.services):
            return
        done = cluster.run("worker", "--once", "--id", "final", "--batch", "50")
        assert done.returncode == 0, done.stderr
        time.sleep(0.5)  # claims of the last killed worker expire after 2 s


def _start_seconds(cluster) -> float:
    """How long a worker takes to start and exit with nothing to do, on this machine
    now (about 1.4 s when it is quiet; more when other work shares the cores)."""
    started = time.monotonic()
    done = cluster.run("worker", "--once", "--id", "probe")
    assert done.returncode == 0, done.stderr
    return time.monotonic() - started


def test_sigkilled_workers_still_write_everything_exactly_once(cluster, capsys):
    start = _start_seconds(cluster)
    work = enqueue_workload(
        cluster.services, CONNECTION, payments=300, updates=200, seed=11
    )
    rng = random.Random(7)
    kills = 0
    for n in range(KILLS):
        worker = cluster.spawn(*WORKER, "--id", f"crash-{n}")
        # Killed while starting or at any point of its work (claimed, sending,
        # sent but not yet committed): the window scales with the start time.
        time.sleep(rng.uniform(0.85 * start, start + 1.6))
        if worker.poll() is None:
            kills += 1
        kill(worker)
    left = open_rows(cluster.services)
    _drain_to_the_end(cluster)
    state = check_end_state(cluster.sandbox, cluster.services, CONNECTION, work)
    assert kills >= 50
    # The killed workers did the work (the final run only mops up), so kills hit
    # rows mid-flight: claimed, sent, or sent and not yet committed.
    assert left < len(set(work.outbox_ids)) / 2
    assert (state.intended, state.found, state.duplicates) == (300, 300, 0), state
    assert state.ok, state
    sync_connection(cluster.services, CONNECTION)
    assert (
        payment_mirror_mismatches(cluster.sandbox, cluster.services, CONNECTION) == []
    )
    assert check_end_state(cluster.sandbox, cluster.services, CONNECTION, work).ok
    verified = cluster.run("audit", "verify")
    assert verified.returncode == 0, verified.stderr
    with capsys.disabled():
        sys.stdout.write(
            f"\ncrash test: {kills} kills, {state.intended} payments intended, "
            f"{state.found} found, {state.duplicates} duplicates, "
            f"{len(work.updated_invoices)} invoices' status fields equal; "
            f"{len(set(work.outbox_ids)) - left} of {len(set(work.outbox_ids))} "
            "rows done by the killed workers\n"
        )
