"""A remote record bound by another process while a page is applied (PostgreSQL)."""

from __future__ import annotations

import pytest
from sqlalchemy import event, func, select, text

from adapters.base import StreamSpec
from adapters.testing.memory import InMemoryAdapter
from gateway.services.sync import sync_connection
from gateway.settings import parse_connection
from gateway.store.db import make_engine
from gateway.store.models import Customer, ExternalRef
from tests.conftest import make_services

pytestmark = pytest.mark.postgres


def _customer(cid: int) -> dict[str, object]:
    return {
        "id": str(cid),
        "entityid": f"C{cid}",
        "companyname": f"Customer {cid}",
        "currency": "EUR",
        "lastmodifieddate": "2026-11-01 10:00:00",
    }


def _bind_meanwhile(url: str, external_id: str):
    """After our existence check, 'another process' binds the same remote record."""
    other = make_engine(url)
    state = {"done": False}

    def after(conn, cursor, statement, parameters, context, executemany):
        if state["done"] or "FROM external_refs" not in statement:
            return
        state["done"] = True
        with other.begin() as tx:
            tx.execute(
                text(
                    "INSERT INTO customers (number, name, is_active, deleted, "
                    "created_at, updated_at) VALUES ('C1', 'bound elsewhere', true, "
                    "false, now(), now())"
                )
            )
            tx.execute(
                text(
                    "INSERT INTO external_refs (connection, object_type, external_id, "
                    "local_id, shadow, updated_at) SELECT 'mem', 'customer', :ext, "
                    "max(id), '{}', now() FROM customers"
                ),
                {"ext": external_id},
            )

    return other, state, after


def test_a_binding_made_meanwhile_is_resolved_by_re_applying_the_page(pg_url, clock):
    connection = parse_connection(
        "mem",
        {
            "kind": "netsuite", "role": "erp", "account": "X", "consumer_key": "k",
            "consumer_secret": "s", "token_id": "t", "token_secret": "s",
        },
        {},
        source="test",
    )  # fmt: skip
    services = make_services(pg_url, clock, connections={"mem": connection})
    adapter = InMemoryAdapter((StreamSpec("customers", "customer"),))
    adapter.put("customers", _customer(1))
    services.set_adapter("mem", adapter)
    other, state, after = _bind_meanwhile(pg_url, "1")
    event.listen(services.engine, "after_cursor_execute", after)
    try:
        summary = sync_connection(services, "mem", streams=("customers",))
    finally:
        event.remove(services.engine, "after_cursor_execute", after)
        other.dispose()
    assert state["done"]
    assert summary.status == "succeeded"
    with services.read_uow() as uow:
        refs = uow.session.scalar(select(func.count()).select_from(ExternalRef))
        customers = uow.session.scalars(select(Customer)).all()
    services.dispose()
    assert refs == 1
    assert [c.name for c in customers] == ["Customer 1"]  # the page's values won
