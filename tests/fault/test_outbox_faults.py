"""Write-back through a misbehaving NetSuite sandbox: every write lands exactly once.

About 20 % of calls answer 429 or 503 or are held past the client's read timeout (the
sandbox still applies them afterwards: "timeout after sending"), and about 5 % are
applied and then lose their response. Several hundred payments and status updates go
through the real client over loopback; the end state must be exact.
"""

from __future__ import annotations

import random
from collections import Counter

import pytest

from adapters.netsuite.adapter import NetSuiteAdapter
from adapters.netsuite.client import NetSuiteClient
from adapters.netsuite.sandbox import NetSuiteSandbox
from adapters.retry import RetryPolicy
from gateway.services.audit import verify
from gateway.services.outbox import DrainPolicy, drain
from gateway.services.sync import sync_connection
from tests.conftest import make_services
from tests.e2e.sync.conftest import CONNECTION, connection_for
from tests.outbox_workload import (
    check_end_state,
    enqueue_workload,
    open_rows,
    payment_mirror_mismatches,
)

pytestmark = pytest.mark.fault

# (kind, share of calls); the rest pass untouched ("slow" with no delay).
FAULT_MIX = (("429", 0.07), ("503", 0.07), ("slow", 0.06), ("drop", 0.05))
HELD = 0.6  # seconds a "slow" call is held: past the client's 0.3 s read timeout


def _script_faults(sandbox: NetSuiteSandbox, calls: int, seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(calls):
        roll, kind = rng.random(), None
        for name, share in FAULT_MIX:
            if roll < share:
                kind = name
                break
            roll -= share
        if kind == "slow":
            sandbox.faults.inject("slow", delay=HELD)
        elif kind is not None:
            sandbox.faults.inject(kind)
        else:
            sandbox.faults.inject("slow", delay=0)


def _flaky_adapter(sandbox: NetSuiteSandbox) -> NetSuiteAdapter:
    creds = sandbox.credentials
    client = NetSuiteClient(
        sandbox.account,
        creds.consumer_key,
        creds.consumer_secret,
        creds.token_id,
        creds.token_secret,
        base_url=sandbox.base_url,
        retry_policy=RetryPolicy(max_attempts=2, initial=0.01, max_wait=0.05, jitter=0),
        timeout=(2.0, 0.3),
    )
    return NetSuiteAdapter(client)


@pytest.fixture
def env(sqlite_url, clock):
    sandbox = NetSuiteSandbox(customers=30, invoices=400, seed=23)
    sandbox.start()
    services = make_services(
        sqlite_url, clock, connections={CONNECTION: connection_for(sandbox)}
    )
    sync_connection(services, CONNECTION)
    yield sandbox, services, clock
    services.dispose()
    sandbox.close()


def test_every_write_lands_exactly_once_through_429s_503s_timeouts_and_drops(env):
    sandbox, services, clock = env
    work = enqueue_workload(services, CONNECTION, payments=300, updates=200, seed=5)
    _script_faults(sandbox, calls=5000, seed=17)
    plain = services.adapter(CONNECTION)
    services.set_adapter(CONNECTION, _flaky_adapter(sandbox))
    policy = DrainPolicy(batch=20, base_delay=0.5, max_delay=4.0, max_attempts=100)
    for _ in range(200):
        result = drain(services, "fault-worker", policy)
        if not open_rows(services):
            break
        clock.advance(seconds=5)  # let backed-off rows come due
    sandbox.faults.clear()
    state = check_end_state(sandbox, services, CONNECTION, work)
    faults = Counter(e.fault for e in sandbox.request_log if e.fault)
    assert {"429", "503", "slow", "drop"} <= set(faults), faults
    dropped_writes = [
        e for e in sandbox.request_log if e.fault == "drop" and e.method != "POST"
    ]
    assert len(dropped_writes) >= 10  # applied remotely, answer lost
    assert state.ok, state
    assert (state.intended, state.found, state.duplicates) == (300, 300, 0)
    services.set_adapter(CONNECTION, plain)
    sync_connection(services, CONNECTION)
    assert payment_mirror_mismatches(sandbox, services, CONNECTION) == []
    assert check_end_state(sandbox, services, CONNECTION, work).ok
    assert verify(services).ok
    assert result.dead == 0
