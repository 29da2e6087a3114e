"""What the web e2e tests find in the database: customers, invoices, refs, runs, audit.

Amounts and dates are chosen so that the worklist order, the overdue filter and the
money formatting each have a case that would fail if they were wrong (as of NOW).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import select

from gateway.audit.log import AuditLog, AuditRecord
from gateway.services.users import add_user
from gateway.store.models import AuditEntry, Customer, ExternalRef, Invoice, SyncRun

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from gateway.bootstrap import Services

NOW = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)
TODAY = NOW.date()
PASSWORDS = {
    "admin": "admin-pass-123",
    "collector": "collector-pass-123",
    "auditor": "auditor-pass-123",
}


@dataclass
class Seed:
    """Local ids of the seeded rows, by a readable key."""

    customers: dict[str, int] = field(default_factory=dict)
    invoices: dict[str, int] = field(default_factory=dict)
    audit_ids: list[int] = field(default_factory=list)
    run_ids: list[int] = field(default_factory=list)


# key: (number, name, currency)
CUSTOMERS = {
    "acme": ("C-1001", "Acme Industrial GmbH", "EUR"),
    "borealis": ("C-1002", "Borealis Trading Ltd", "USD"),
    "castor": ("C-1003", "Castor & Pollux SARL", "EUR"),
    "dormant": ("C-1004", "Dormant Holdings", "EUR"),
    "eastwind": ("C-1005", "Eastwind Corp", "USD"),
}
# key: (customer, number, kind, status, due, amount, open_amount)
INVOICES = {
    "acme-1": (
        "acme",
        "INV-1",
        "invoice",
        "open",
        date(2025, 11, 1),
        "12500.00",
        "12500.00",
    ),
    "acme-2": (
        "acme",
        "INV-2",
        "invoice",
        "open",
        date(2026, 2, 10),
        "3000.00",
        "3000.00",
    ),
    "acme-3": (
        "acme",
        "INV-3",
        "invoice",
        "paid",
        date(2025, 10, 1),
        "9999.00",
        "0.00",
    ),
    "bor-1": (
        "borealis",
        "INV-10",
        "invoice",
        "open",
        date(2025, 12, 20),
        "4200.50",
        "4200.50",
    ),
    # credit memos are mirrored with positive amounts, as the NetSuite mapping gives them
    "bor-cm": ("borealis", "CM-11", "credit_memo", "open", None, "200.00", "200.00"),
    "castor-1": (
        "castor",
        "INV-20",
        "invoice",
        "open",
        date(2026, 1, 31),
        "800.00",
        "800.00",
    ),
    "dormant-1": (
        "dormant",
        "INV-40",
        "invoice",
        "paid",
        date(2025, 6, 1),
        "100.00",
        "0.00",
    ),
    "dormant-2": (
        "dormant",
        "INV-41",
        "invoice",
        "void",
        date(2025, 6, 1),
        "50.00",
        "50.00",
    ),
    "east-1": (
        "eastwind",
        "INV-30",
        "invoice",
        "open",
        date(2026, 1, 5),
        "1234567.89",
        "15000.00",
    ),
}


def _customer(number: str, name: str, currency: str) -> Customer:
    return Customer(
        number=number, name=name, currency=currency, created_at=NOW, updated_at=NOW
    )


def _invoice(customer_id: int, spec: tuple, currency: str) -> Invoice:
    _, number, kind, status, due, amount, open_amount = spec
    return Invoice(
        customer_id=customer_id,
        number=number,
        kind=kind,
        status=status,
        currency=currency,
        due_date=due,
        issue_date=due - timedelta(days=30) if due else date(2025, 12, 1),
        amount=Decimal(amount),
        open_amount=Decimal(open_amount),
        collection_status="reminder_sent" if number == "INV-1" else None,
        created_at=NOW,
        updated_at=NOW,
    )


def _ref(
    connection: str, object_type: str, external_id: str, local_id: int
) -> ExternalRef:
    return ExternalRef(
        connection=connection,
        object_type=object_type,
        external_id=external_id,
        local_id=local_id,
        updated_at=NOW,
    )


def seed_mirror(session: Session, seed: Seed) -> None:
    for key, (number, name, currency) in CUSTOMERS.items():
        row = _customer(number, name, currency)
        session.add(row)
        session.flush()
        seed.customers[key] = row.id
        session.add(_ref("netsuite", "customer", f"NS-{number}", row.id))
    session.add(_ref("salesforce", "customer", "001ACME", seed.customers["acme"]))
    for key, spec in INVOICES.items():
        currency = CUSTOMERS[spec[0]][2]
        row = _invoice(seed.customers[spec[0]], spec, currency)
        session.add(row)
        session.flush()
        seed.invoices[key] = row.id
        session.add(_ref("netsuite", "invoice", f"NS-{spec[1]}", row.id))


def seed_runs(session: Session, seed: Seed) -> None:
    ok = SyncRun(
        connection="netsuite",
        status="succeeded",
        started_at=NOW - timedelta(hours=2),
        finished_at=NOW - timedelta(hours=2) + timedelta(minutes=3),
        pages=2,
        records_read=42,
        records_created=9,
        records_updated=3,
    )
    failed = SyncRun(
        connection="netsuite",
        status="failed",
        started_at=NOW - timedelta(hours=1),
        finished_at=NOW - timedelta(hours=1),
        error="AuthError: token expired",
    )
    session.add_all([ok, failed])
    session.flush()
    seed.run_ids = [ok.id, failed.id]


def seed_audit(session: Session, seed: Seed) -> None:
    """Three chained entries, appended the way the sync engine appends them."""
    run_id, acme, acme_inv = (
        seed.run_ids[0],
        seed.customers["acme"],
        seed.invoices["acme-1"],
    )
    AuditLog(session).append(
        [
            AuditRecord(
                tag="netsuite:customer:create",
                object_type="customer",
                field="*",
                actor="sync",
                connection="netsuite",
                external_id="NS-C-1001",
                local_id=acme,
                run_id=run_id,
            ),
            AuditRecord(
                tag="netsuite:invoice:pull",
                object_type="invoice",
                field="due_date",
                actor="sync",
                connection="netsuite",
                external_id="NS-INV-1",
                local_id=acme_inv,
                old="2025-10-15",
                new="2025-11-01",
                rule="erp_owns_dates",
                run_id=run_id,
            ),
            AuditRecord(
                tag="salesforce:customer:revert",
                object_type="customer",
                field="credit_limit",
                actor="sync",
                connection="salesforce",
                external_id="001ACME",
                local_id=acme,
                old="50000.00",
                new="90000.00",
                rule="erp_owns_credit_limit",
                run_id=run_id,
            ),
        ],
        NOW - timedelta(minutes=30),
    )


def seed_all(services: Services) -> Seed:
    seed = Seed()
    with services.uow() as uow:
        seed_mirror(uow.session, seed)
        seed_runs(uow.session, seed)
        seed_audit(uow.session, seed)
        uow.commit()
    with services.read_uow() as uow:
        ids = uow.session.scalars(select(AuditEntry.id).order_by(AuditEntry.id))
        seed.audit_ids = list(ids)
    for role, password in PASSWORDS.items():
        add_user(services, role, password, role)
    return seed
