"""Adapter unit tests: no sockets at all; HTTP parsing goes through requests-mock."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import pytest_socket
from netsuite_unit_support import ACCOUNT, CONSUMER_SECRET, TOKEN_SECRET

from adapters.netsuite.client import NetSuiteClient
from adapters.retry import RetryPolicy


@pytest.fixture(autouse=True)
def _no_sockets() -> Iterator[None]:
    pytest_socket.disable_socket()
    yield
    pytest_socket.enable_socket()


@pytest.fixture
def ns_client() -> Iterator[NetSuiteClient]:
    client = NetSuiteClient(
        ACCOUNT,
        "consumer-key",
        CONSUMER_SECRET,
        "token-id",
        TOKEN_SECRET,
        retry_policy=RetryPolicy.immediate(max_attempts=3),
    )
    yield client
    client.close()
