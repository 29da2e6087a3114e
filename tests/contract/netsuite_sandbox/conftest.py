"""Fixtures for the NetSuite sandbox contract tests: a live loopback sandbox and a
signed ``requests`` client (the same ``requests_oauthlib.OAuth1`` the adapter uses)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests
from ns_sandbox_helpers import ANCHOR, Api, make_auth

from adapters.netsuite.sandbox import NetSuiteSandbox


@pytest.fixture(autouse=True)
def _loopback_sockets(socket_enabled: None) -> None:
    """These tests talk to a sandbox on 127.0.0.1; loopback is allowed for contract."""


@pytest.fixture(scope="module")
def sandbox() -> Iterator[NetSuiteSandbox]:
    """A small seeded sandbox served on loopback for one test module."""
    sb = NetSuiteSandbox(anchor=ANCHOR, customers=20, invoices=120)
    sb.start()
    yield sb
    sb.close()


@pytest.fixture
def api(sandbox: NetSuiteSandbox) -> Iterator[Api]:
    """A signed client for the module's sandbox."""
    with requests.Session() as session:
        session.auth = make_auth(sandbox)
        yield Api(sandbox, session)
