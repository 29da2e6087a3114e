"""Concurrency gate and scripted faults (429, 503, slow, drop), each asserted consumed."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import date
from decimal import Decimal

import pytest
import requests
from ns_sandbox_helpers import ANCHOR, RECORD, Api, error_code, make_auth

from adapters.netsuite.sandbox import NetSuiteSandbox


@pytest.fixture
def small() -> Iterator[NetSuiteSandbox]:
    """A tiny sandbox per test: faults and in-flight counts must not leak between tests."""
    sb = NetSuiteSandbox(anchor=ANCHOR, customers=3, invoices=5, concurrency_limit=2)
    sb.start()
    yield sb
    sb.close()


@pytest.fixture
def small_api(small: NetSuiteSandbox) -> Iterator[Api]:
    with requests.Session() as session:
        session.auth = make_auth(small)
        yield Api(small, session)


def _wait_for(condition: object, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, "condition not reached in time"
        time.sleep(0.01)


def test_requests_beyond_the_concurrency_limit_get_429(
    small: NetSuiteSandbox, small_api: Api
) -> None:
    small.faults.inject("slow", count=2, delay=1.0)
    statuses: list[int] = []

    def held_request() -> None:
        with requests.get(
            f"{small.base_url}{RECORD}/customer/1001", auth=make_auth(small), timeout=10
        ) as response:
            statuses.append(response.status_code)

    threads = [threading.Thread(target=held_request) for _ in range(2)]
    for thread in threads:
        thread.start()
    _wait_for(lambda: small.in_flight == 2)

    blocked = small_api.record("GET", "/customer/1001")

    for thread in threads:
        thread.join()
    assert blocked.status_code == 429
    assert error_code(blocked) == "CONCURRENCY_LIMIT_EXCEEDED"
    assert "Retry-After" not in blocked.headers
    assert statuses == [200, 200]
    assert small.faults.pending() == 0
    assert small_api.record("GET", "/customer/1001").status_code == 200


def test_scripted_429_carries_retry_after_and_is_consumed(
    small: NetSuiteSandbox, small_api: Api
) -> None:
    small.faults.inject("429", retry_after=7)

    limited = small_api.record("GET", "/customer/1001")
    after = small_api.record("GET", "/customer/1001")

    assert limited.status_code == 429
    assert limited.headers["Retry-After"] == "7"
    assert after.status_code == 200
    assert small.faults.pending() == 0


def test_scripted_503_burst_is_consumed_in_order(
    small: NetSuiteSandbox, small_api: Api
) -> None:
    small.faults.inject("503", count=2)

    statuses = [small_api.record("GET", "/customer/1001").status_code for _ in range(3)]

    assert statuses == [503, 503, 200]
    assert small.faults.pending() == 0
    assert [(e.status, e.fault) for e in small.request_log[-3:]] == [
        (503, "503"),
        (503, "503"),
        (200, None),
    ]


def test_slow_fault_delays_then_answers_normally(
    small: NetSuiteSandbox, small_api: Api
) -> None:
    small.faults.inject("slow", delay=0.3)

    started = time.monotonic()
    response = small_api.record("GET", "/customer/1001")

    assert response.status_code == 200
    assert time.monotonic() - started >= 0.3
    assert small.faults.pending() == 0


def test_drop_performs_the_request_but_loses_the_response(
    small: NetSuiteSandbox, small_api: Api
) -> None:
    invoice_id = small.add_invoice(
        customer_id=1001,
        amount=Decimal("90.00"),
        trandate=date(2025, 6, 1),
        duedate=date(2025, 7, 1),
    )
    body = {
        "customer": {"id": "1001"},
        "payment": 90.0,
        "apply": {
            "items": [{"doc": {"id": str(invoice_id)}, "apply": True, "amount": 90.0}]
        },
    }
    small.faults.inject("drop")

    with pytest.raises(requests.ConnectionError):
        small_api.record("PUT", "/customerPayment/eid:LOST-1", json=body)

    assert small.faults.pending() == 0
    assert small.query(
        "SELECT status FROM \"transaction\" WHERE externalid = 'LOST-1'"
    ) == [{"status": "C"}]
    assert small.request_log[-1].fault == "drop"
    retried = small_api.record("PUT", "/customerPayment/eid:LOST-1", json=body)
    assert retried.status_code == 204
    links = small.query(
        "SELECT COUNT(*) AS n FROM NextTransactionLineLink WHERE previousdoc = ?",
        [invoice_id],
    )
    assert links == [{"n": 1}]


def test_faults_can_be_scripted_over_http_without_oauth(
    small: NetSuiteSandbox, small_api: Api
) -> None:
    scripted = requests.post(
        f"{small.base_url}/_sandbox/faults",
        json={"kind": "429", "count": 2, "retry_after": 3},
        timeout=10,
    )

    assert scripted.status_code == 200
    assert scripted.json() == {"pending": 2}
    assert small_api.record("GET", "/customer/1001").status_code == 429
    assert requests.get(f"{small.base_url}/_sandbox/faults", timeout=10).json() == {
        "pending": 1
    }


@pytest.mark.parametrize(
    "body",
    [{"kind": "teapot"}, {"kind": "slow"}, {"kind": "503", "count": 0}],
)
def test_bad_fault_scripts_are_400(
    small: NetSuiteSandbox, body: dict[str, object]
) -> None:
    response = requests.post(f"{small.base_url}/_sandbox/faults", json=body, timeout=10)

    assert response.status_code == 400
    assert small.faults.pending() == 0


def test_request_log_records_method_path_and_status(
    small: NetSuiteSandbox, small_api: Api
) -> None:
    small_api.record("GET", "/customer/1001")
    small_api.record("GET", "/customer/999")

    assert [(e.method, e.path, e.status) for e in small.request_log[-2:]] == [
        ("GET", "/services/rest/record/v1/customer/1001", 200),
        ("GET", "/services/rest/record/v1/customer/999", 404),
    ]
