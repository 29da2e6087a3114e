"""The page applier's decisions, driven through sync with an in-memory NetSuite-shaped source."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from adapters.base import StreamSpec
from adapters.testing.memory import InMemoryAdapter
from gateway.services.sync import sync_connection
from gateway.store.models import AuditEntry, Conflict, Customer, ExternalRef, Invoice
from tests.conftest import make_services
from tests.outbox_support import offline_netsuite

STREAMS = (StreamSpec("customers", "customer"), StreamSpec("invoices", "invoice"))


def _customer(cid: int, stamp: str, **extra):
    return {
        "id": str(cid),
        "entityid": f"C{cid}",
        "companyname": f"Customer {cid}",
        "currency": "EUR",
        "isinactive": "F",
        "lastmodifieddate": stamp,
        **extra,
    }


def _invoice(iid: int, cid: int, stamp: str, **extra):
    return {
        "id": str(iid),
        "tranid": f"INV{iid}",
        "type": "CustInvc",
        "status": "A",
        "entity": str(cid),
        "trandate": "2026-10-01",
        "duedate": "2026-10-31",
        "currency": "EUR",
        "foreigntotal": "100.00",
        "foreignamountunpaid": "100.00",
        "lastmodifieddate": stamp,
        **extra,
    }


def _services(sqlite_url, clock, role="erp"):
    connection = offline_netsuite("mem", role=role, page_size=2)
    services = make_services(sqlite_url, clock, connections={"mem": connection})
    adapter = InMemoryAdapter(STREAMS)
    services.set_adapter("mem", adapter)
    return services, adapter


@pytest.fixture
def erp(sqlite_url, clock):
    services, adapter = _services(sqlite_url, clock)
    yield services, adapter
    services.dispose()


def _scalar(services, query):
    with services.read_uow() as uow:
        return uow.session.scalar(query)


def test_records_sharing_a_timestamp_across_pages_are_neither_lost_nor_doubled(erp):
    services, adapter = erp
    adapter.put("customers", _customer(1, "2026-11-01 10:00:00"))
    for iid in range(10, 17):  # seven invoices, one second, page size two
        adapter.put("invoices", _invoice(iid, 1, "2026-11-01 10:00:05"))
    summary = sync_connection(services, "mem")
    assert summary.counts.created == 8
    assert _scalar(services, select(func.count()).select_from(Invoice)) == 7


def test_an_invoice_whose_customer_is_not_mirrored_yet_fetches_it_first(erp):
    services, adapter = erp
    adapter.put("invoices", _invoice(10, 5, "2026-11-01 10:00:00"))
    sync_connection(services, "mem", streams=("invoices",))  # customers stream not run
    adapter.put("customers", _customer(5, "2026-11-01 09:00:00"))
    summary = sync_connection(services, "mem", streams=("invoices",), full=True)
    assert summary.counts.created >= 1
    customer_id = _scalar(services, select(Invoice.customer_id))
    assert (
        _scalar(services, select(Customer.number).where(Customer.id == customer_id))
        == "C5"
    )


def test_an_invoice_for_a_customer_that_does_not_exist_is_rejected_alone(erp):
    services, adapter = erp
    adapter.put("customers", _customer(1, "2026-11-01 10:00:00"))
    adapter.put("invoices", _invoice(10, 1, "2026-11-01 10:00:01"))
    adapter.put("invoices", _invoice(11, 99, "2026-11-01 10:00:01"))
    summary = sync_connection(services, "mem")
    assert summary.counts.rejected == 1
    assert _scalar(services, select(Invoice.number)) == "INV10"
    reason = _scalar(
        services,
        select(AuditEntry.rule).where(AuditEntry.tag == "netsuite:invoice:reject"),
    )
    assert "customer 99 does not exist" in reason


def test_a_crm_edit_of_an_erp_owned_name_is_flagged_not_applied(sqlite_url, clock):
    services, adapter = _services(sqlite_url, clock, role="crm")
    adapter.put("customers", _customer(1, "2026-11-01 10:00:00"))
    sync_connection(services, "mem", streams=("customers",))
    adapter.put(
        "customers", _customer(1, "2026-11-02 10:00:00", companyname="Renamed Ltd")
    )
    summary = sync_connection(services, "mem", streams=("customers",))
    assert summary.counts.conflicts == 1
    assert _scalar(services, select(Customer.name)) == "Customer 1"
    with services.read_uow() as uow:
        flag = uow.session.scalars(select(Conflict)).one()
    assert (flag.kind, flag.field, flag.remote_value, flag.mirror_value) == (
        "flag",
        "name",
        "Renamed Ltd",
        "Customer 1",
    )
    services.dispose()


def test_a_crm_owned_email_changed_in_the_crm_is_accepted(sqlite_url, clock):
    services, adapter = _services(sqlite_url, clock, role="crm")
    adapter.put(
        "customers", _customer(1, "2026-11-01 10:00:00", email="old@example.com")
    )
    sync_connection(services, "mem", streams=("customers",))
    adapter.put(
        "customers", _customer(1, "2026-11-02 10:00:00", email="new@example.com")
    )
    sync_connection(services, "mem", streams=("customers",))
    assert _scalar(services, select(Customer.email)) == "new@example.com"
    rule = _scalar(services, select(AuditEntry.rule).where(AuditEntry.field == "email"))
    assert rule == "owner:crm"
    services.dispose()


def test_a_null_column_clears_the_field_and_is_audited(erp):
    services, adapter = erp
    adapter.put("customers", _customer(1, "2026-11-01 10:00:00", email="a@example.com"))
    sync_connection(services, "mem", streams=("customers",))
    adapter.put("customers", _customer(1, "2026-11-02 10:00:00"))  # SuiteQL omits NULLs
    sync_connection(services, "mem", streams=("customers",))
    # email is CRM-owned: an ERP clearing it is accepted drift with latest_wins
    with services.read_uow() as uow:
        entry = uow.session.scalars(
            select(AuditEntry).where(AuditEntry.field == "email")
        ).one()
        shadow = uow.session.scalar(select(ExternalRef.shadow))
    assert (entry.old, entry.new) == ("a@example.com", None)
    assert '"email":null' in shadow


def test_a_stream_held_by_another_process_is_refused_with_its_holder(erp, clock):
    from datetime import timedelta

    from gateway.errors import LeaseHeld
    from gateway.store import leases

    services, adapter = erp
    adapter.put("customers", _customer(1, "2026-11-01 10:00:00"))
    with services.uow() as uow:
        assert leases.acquire(
            uow.session,
            "sync:mem:customers",
            "other-host:42",
            clock.now(),
            timedelta(minutes=5),
        )
        uow.commit()
    with pytest.raises(
        LeaseHeld, match="sync:mem:customers is being synced by other-host:42"
    ):
        sync_connection(services, "mem", streams=("customers",))
    assert _scalar(services, select(func.count()).select_from(Customer)) == 0
    clock.advance(
        minutes=6
    )  # the other holder died: its lease expires and is taken over
    assert sync_connection(services, "mem", streams=("customers",)).counts.created == 1
