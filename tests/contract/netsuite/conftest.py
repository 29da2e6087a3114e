"""Contract tests: the real NetSuite client and adapter against the loopback sandbox."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import pytest_socket
from netsuite_contract_support import make_client

from adapters.netsuite.adapter import NetSuiteAdapter
from adapters.netsuite.client import NetSuiteClient
from adapters.netsuite.sandbox import NetSuiteSandbox


@pytest.fixture(autouse=True)
def _loopback_only() -> None:
    # Contract tests may talk to the in-process sandbox and nothing else.
    pytest_socket.socket_allow_hosts(["127.0.0.1", "::1"])


@pytest.fixture
def sandbox() -> Iterator[NetSuiteSandbox]:
    sb = NetSuiteSandbox(customers=40, invoices=300, seed=7)
    sb.start()
    yield sb
    sb.close()


@pytest.fixture
def client(sandbox: NetSuiteSandbox) -> Iterator[NetSuiteClient]:
    with make_client(sandbox) as ns:
        yield ns


@pytest.fixture
def adapter(client: NetSuiteClient) -> NetSuiteAdapter:
    return NetSuiteAdapter(client)
