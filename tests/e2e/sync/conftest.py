"""A small NetSuite sandbox on loopback and services wired to it through the real client."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from adapters.netsuite.sandbox import NetSuiteSandbox
from gateway.bootstrap import Services
from gateway.settings import ConnectionSettings, parse_connection
from tests.conftest import make_services

CONNECTION = "ns"


@dataclass
class Env:
    sandbox: NetSuiteSandbox
    services: Services
    connection: ConnectionSettings


@pytest.fixture
def sandbox() -> Iterator[NetSuiteSandbox]:
    box = NetSuiteSandbox(customers=30, invoices=240, seed=11)
    box.start()
    yield box
    box.stop()
    box.close()


def connection_for(sandbox: NetSuiteSandbox, **overrides: object) -> ConnectionSettings:
    creds = sandbox.credentials
    body = {
        "kind": "netsuite",
        "role": "erp",
        "account": sandbox.account,
        "consumer_key": creds.consumer_key,
        "consumer_secret": creds.consumer_secret,
        "token_id": creds.token_id,
        "token_secret": creds.token_secret,
        "base_url": sandbox.base_url,
        "page_size": 50,
        **overrides,
    }
    return parse_connection(CONNECTION, body, {}, source="test")


@pytest.fixture
def env(sandbox, database_url, clock) -> Iterator[Env]:
    connection = connection_for(sandbox)
    services = make_services(database_url, clock, connections={CONNECTION: connection})
    yield Env(sandbox, services, connection)
    services.dispose()
