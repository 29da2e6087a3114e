"""The sync spine end to end: the real NetSuite client, the sandbox over HTTP, a real DB."""

from __future__ import annotations

import json
from decimal import Decimal

from sqlalchemy import func, select, update

from gateway.services.audit import verify
from gateway.services.sync import sync_connection
from gateway.store.models import (
    AuditEntry,
    Customer,
    ExternalRef,
    Invoice,
    OutboxItem,
    Payment,
    PaymentAllocation,
    SyncRejection,
)
from tests.e2e.sync.conftest import CONNECTION


def _count(services, model) -> int:
    with services.read_uow() as uow:
        return uow.session.scalar(select(func.count()).select_from(model))


def _invoice(services, external_id: str) -> Invoice:
    with services.read_uow() as uow:
        ref = uow.session.scalar(
            select(ExternalRef).where(
                ExternalRef.object_type == "invoice",
                ExternalRef.external_id == external_id,
            )
        )
        return uow.session.get_one(Invoice, ref.local_id)


def _open_invoice_ids(sandbox, n: int) -> list[str]:
    """Open invoices nothing is applied to (NetSuite refuses to delete the others)."""
    rows = sandbox.query(
        "SELECT id FROM \"transaction\" t WHERE type = 'CustInvc' AND status = 'A' "
        "AND NOT EXISTS (SELECT 1 FROM NextTransactionLineLink l WHERE l.previousdoc = t.id) "
        "ORDER BY id LIMIT ?",
        (n,),
    )
    return [str(r["id"]) for r in rows]


def test_initial_sync_mirrors_every_customer_invoice_and_payment(env):
    summary = sync_connection(env.services, CONNECTION)
    sb = env.sandbox
    expected_customers = sb.query("SELECT count(*) AS n FROM customer")[0]["n"]
    expected_invoices = sb.query(
        "SELECT count(*) AS n FROM \"transaction\" WHERE type IN ('CustInvc','CustCred')"
    )[0]["n"]
    expected_payments = sb.query(
        "SELECT count(*) AS n FROM \"transaction\" WHERE type = 'CustPymt'"
    )[0]["n"]
    assert summary.status == "succeeded"
    assert summary.counts.rejected == 0
    assert _count(env.services, Customer) == expected_customers
    assert _count(env.services, Invoice) == expected_invoices
    assert _count(env.services, Payment) == expected_payments
    links = sb.query(
        "SELECT count(*) AS n FROM NextTransactionLineLink WHERE nexttype = 'CustPymt'"
    )
    assert _count(env.services, PaymentAllocation) == links[0]["n"]
    assert verify(env.services).ok


def test_mirrored_invoice_matches_the_sandbox_exactly(env):
    sync_connection(env.services, CONNECTION)
    ext = _open_invoice_ids(env.sandbox, 1)[0]
    raw = env.sandbox.query(
        "SELECT t.tranid, t.foreigntotal, t.foreignamountunpaid, t.trandate, t.duedate, "
        'c.symbol FROM "transaction" t JOIN currency c ON c.id = t.currency WHERE t.id = ?',
        (ext,),
    )[0]
    invoice = _invoice(env.services, ext)
    assert invoice.number == raw["tranid"]
    assert invoice.amount == Decimal(str(raw["foreigntotal"]))
    assert invoice.open_amount == Decimal(str(raw["foreignamountunpaid"]))
    assert invoice.issue_date.isoformat() == raw["trandate"]
    assert invoice.currency == raw["symbol"]
    assert invoice.status == "open"


def test_second_sync_pulls_exactly_the_edits(env, clock):
    sync_connection(env.services, CONNECTION)
    audit_before = _count(env.services, AuditEntry)
    edited, voided, deleted = _open_invoice_ids(env.sandbox, 3)
    env.sandbox.update_record("transaction", edited, memo="customer asked for a copy")
    env.sandbox.void_transaction(voided)
    env.sandbox.delete_record("invoice", deleted)

    second = sync_connection(env.services, CONNECTION)

    assert second.counts.created == 0
    assert second.counts.updated == 2  # the memo edit and the void
    assert second.counts.deleted == 1
    assert _invoice(env.services, edited).memo == "customer asked for a copy"
    void = _invoice(env.services, voided)
    assert (void.status, void.open_amount) == ("void", Decimal("0.00"))
    assert _invoice(env.services, deleted).status == "deleted"
    with env.services.read_uow() as uow:
        new_entries = uow.session.scalars(
            select(AuditEntry)
            .where(AuditEntry.id > audit_before)
            .order_by(AuditEntry.id)
        ).all()
    memo = [e for e in new_entries if e.external_id == edited and e.field == "memo"]
    assert len(memo) == 1
    assert memo[0].new == "customer asked for a copy"
    assert memo[0].rule == "owner:erp"
    assert {e.tag for e in new_entries} == {
        "netsuite:invoice:pull",
        "netsuite:invoice:delete",
    }
    assert verify(env.services).ok


def test_replaying_every_page_changes_nothing(env):
    sync_connection(env.services, CONNECTION)
    audit_before = _count(env.services, AuditEntry)
    with env.services.read_uow() as uow:
        shadows_before = uow.session.scalars(
            select(ExternalRef.shadow).order_by(ExternalRef.id)
        ).all()

    replay = sync_connection(env.services, CONNECTION, full=True)

    assert replay.counts.read > 0
    assert (replay.counts.created, replay.counts.updated, replay.counts.deleted) == (
        0,
        0,
        0,
    )
    assert _count(env.services, AuditEntry) == audit_before
    with env.services.read_uow() as uow:
        assert (
            uow.session.scalars(
                select(ExternalRef.shadow).order_by(ExternalRef.id)
            ).all()
            == shadows_before
        )


def test_malformed_record_is_rejected_and_audited_while_the_rest_lands(env):
    bad = _open_invoice_ids(env.sandbox, 1)[0]
    env.sandbox.update_record("transaction", bad, status="Z")

    summary = sync_connection(env.services, CONNECTION)

    assert summary.counts.rejected == 1
    with env.services.read_uow() as uow:
        rejection = uow.session.scalars(select(SyncRejection)).one()
        entry = uow.session.scalars(
            select(AuditEntry).where(AuditEntry.tag == "netsuite:invoice:reject")
        ).one()
        mirrored = uow.session.scalar(
            select(func.count())
            .select_from(ExternalRef)
            .where(ExternalRef.external_id == bad, ExternalRef.object_type == "invoice")
        )
    assert (rejection.external_id, rejection.field, rejection.raw_value) == (
        bad,
        "status",
        "Z",
    )
    assert f"invoices {bad}: field status" in rejection.reason
    assert entry.external_id == bad
    assert mirrored == 0
    expected = env.sandbox.query(
        "SELECT count(*) AS n FROM \"transaction\" WHERE type IN ('CustInvc','CustCred')"
    )[0]["n"]
    assert _count(env.services, Invoice) == expected - 1


def test_erp_edit_of_a_gateway_owned_field_is_reverted_and_queued_for_write_back(env):
    sync_connection(env.services, CONNECTION)
    ext = _open_invoice_ids(env.sandbox, 1)[0]
    before = _invoice(env.services, ext).dunning_level
    env.sandbox.update_record("transaction", ext, custbody_arb_dunning_level=4)

    summary = sync_connection(env.services, CONNECTION)

    assert _invoice(env.services, ext).dunning_level == before
    assert summary.counts.updated == 0
    with env.services.read_uow() as uow:
        item = uow.session.scalars(select(OutboxItem)).one()
        entry = uow.session.scalars(
            select(AuditEntry).where(AuditEntry.tag == "netsuite:invoice:revert")
        ).one()
    assert (item.object_type, item.external_id, item.status) == (
        "invoice",
        ext,
        "pending",
    )
    assert json.loads(item.fields) == ["dunning_level"]
    assert (entry.field, entry.old, entry.rule) == (
        "dunning_level",
        "4",
        "drift:revert",
    )
    # the same drift seen again (the overlap re-read) does not queue a second write
    sync_connection(env.services, CONNECTION)
    assert _count(env.services, OutboxItem) == 1


def test_the_sync_monitor_shows_each_streams_own_counts(env):
    from datetime import UTC, datetime

    from gateway.queries.sync_monitor import connection_statuses

    summary = sync_connection(env.services, CONNECTION)
    (status,) = connection_statuses(env.services, datetime.now(UTC))
    by_stream = {s.stream: s.last_run for s in status.streams}
    assert by_stream["customers"].records_created == _count(env.services, Customer)
    assert by_stream["invoices"].records_created == _count(env.services, Invoice)
    assert by_stream["payments"].records_created == _count(env.services, Payment)
    assert sum(r.records_read for r in by_stream.values()) == summary.counts.read


def _segments(services) -> dict[str, str | None]:
    """Mirrored customers' segments by NetSuite internal id."""
    with services.read_uow() as uow:
        rows = uow.session.execute(
            select(ExternalRef.external_id, Customer.segment)
            .join(Customer, Customer.id == ExternalRef.local_id)
            .where(ExternalRef.object_type == "customer")
        )
        return dict(rows.all())


def test_the_customer_category_is_mirrored_as_the_segment(env):
    sync_connection(env.services, CONNECTION)
    expected = {
        str(r["id"]): r["name"]
        for r in env.sandbox.query(
            "SELECT c.id, k.name FROM customer c "
            "LEFT JOIN customercategory k ON k.id = c.category"
        )
    }

    assert _segments(env.services) == expected
    assert None in expected.values()
    assert "Enterprise" in expected.values()

    # An AR clerk re-categorizes one customer and clears another's category.
    moved, cleared = [k for k, v in sorted(expected.items()) if v == "Enterprise"][:2]
    env.sandbox.update_record("customer", moved, category=3)
    env.sandbox.update_record("customer", cleared, category=None)

    second = sync_connection(env.services, CONNECTION)

    segments = _segments(env.services)
    assert (segments[moved], segments[cleared]) == ("Small Business", None)
    assert second.counts.updated == 2
    assert verify(env.services).ok


def _forget(services, object_type: str, column) -> None:
    """Make the mirror look synced before ``column`` was mapped: the column empty
    and the field absent from every shadow of ``object_type``."""
    with services.uow() as uow:
        for ref in uow.session.scalars(
            select(ExternalRef).where(ExternalRef.object_type == object_type)
        ):
            shadow = json.loads(ref.shadow)
            shadow.pop(column.key, None)
            ref.shadow = json.dumps(shadow)
        uow.session.execute(update(column.class_).values({column.key: None}))
        uow.commit()


def test_a_full_sync_fills_the_segment_of_customers_mirrored_before_it_existed(env):
    sync_connection(env.services, CONNECTION)
    expected = _segments(env.services)
    _forget(env.services, "customer", Customer.segment)  # as before migration 0007

    sync_connection(env.services, CONNECTION, full=True)

    assert _segments(env.services) == expected


def _channels(services) -> dict[str, str | None]:
    """Mirrored invoices' (and credit memos') channels by NetSuite internal id."""
    with services.read_uow() as uow:
        rows = uow.session.execute(
            select(ExternalRef.external_id, Invoice.channel)
            .join(Invoice, Invoice.id == ExternalRef.local_id)
            .where(ExternalRef.object_type == "invoice")
        )
        return dict(rows.all())


def _sandbox_channels(sandbox) -> dict[str, str]:
    rows = sandbox.query(
        "SELECT id, tobeemailed FROM \"transaction\" WHERE type IN ('CustInvc','CustCred')"
    )
    return {
        str(r["id"]): "electronic" if r["tobeemailed"] == "T" else "paper" for r in rows
    }


def test_each_invoice_carries_the_channel_of_its_to_be_emailed_checkbox(env):
    sync_connection(env.services, CONNECTION)
    expected = _sandbox_channels(env.sandbox)

    assert _channels(env.services) == expected
    assert set(expected.values()) == {"electronic", "paper"}

    # An AR clerk ticks "To Be E-mailed" on an invoice that was not e-mailed.
    paper = next(
        i for i in _open_invoice_ids(env.sandbox, 50) if expected[i] == "paper"
    )
    env.sandbox.update_record("transaction", paper, tobeemailed=True)

    second = sync_connection(env.services, CONNECTION)

    assert _invoice(env.services, paper).channel == "electronic"
    assert second.counts.updated == 1
    assert verify(env.services).ok


def test_a_full_sync_fills_the_channel_of_invoices_mirrored_before_it_was_mapped(env):
    sync_connection(env.services, CONNECTION)
    expected = _channels(env.services)
    _forget(env.services, "invoice", Invoice.channel)  # as before it was mapped

    sync_connection(env.services, CONNECTION, full=True)

    assert _channels(env.services) == expected
