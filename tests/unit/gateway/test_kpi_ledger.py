"""The KPI ledger gives exactly the sums of the single pass it replaced.

On a SQLite file and on PostgreSQL: random mirrors with the odd cases a real one
has (void and deleted invoices and payments, payments before the issue date or
without a date, over-allocation, negative amounts, open amounts that no payment
explains, invoices without a due date or currency, refs in two systems), every
grouping, several as-of dates, the trend's plan. Then every kind of write the
triggers must notice, and the same comparison again.
"""

from __future__ import annotations

import random
from dataclasses import asdict
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import pytest
from sqlalchemy import delete, exists, select, text, update

from gateway.queries.kpi_sql import Scope, collect, customer_balances
from gateway.queries.kpi_trend import POINTS
from gateway.queries.kpis import HISTORY, KpiQuery, catch_up, detailed_plan
from gateway.store.models import (
    Customer,
    ExternalRef,
    Invoice,
    KpiDirty,
    Payment,
    PaymentAllocation,
)
from rules.kpi_inputs import month_ends, month_windows
from tests import kpi_oracle

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from gateway.bootstrap import Services
    from gateway.queries.kpi_sql import Plan

NOW = datetime(2026, 4, 1, 9, 0, tzinfo=UTC)
START = date(2024, 6, 1)
AS_OF = (date(2024, 9, 17), date(2025, 3, 31), date(2025, 11, 30), date(2026, 6, 15))
GROUPS = ("none", "customer", "segment", "company", "connection")


def _money(rng: random.Random, low: int = -2_000, high: int = 500_000) -> Decimal:
    return Decimal(rng.randint(low, high)).scaleb(-2)


def _customers(session: Session, rng: random.Random) -> list[int]:
    ids = []
    for n in range(8):
        row = Customer(
            number=f"C{n}", name=f"Customer {n}",
            currency=rng.choice(("USD", "USD", "EUR", None)),
            segment=rng.choice(("Enterprise", "SMB", None)),
            created_at=NOW, updated_at=NOW,
        )  # fmt: skip
        session.add(row)
        session.flush()
        ids.append(row.id)
    return ids


def _invoice(session: Session, rng: random.Random, customers: list[int]) -> Invoice:
    issue = START + timedelta(days=rng.randint(0, 720))
    amount = _money(rng, -5_000) if rng.random() < 0.05 else _money(rng, 100)
    kind = "credit_memo" if rng.random() < 0.1 else "invoice"
    status = rng.choice(("open", "open", "paid", "paid", "void", "deleted"))
    row = Invoice(
        customer_id=rng.choice([*customers, None]) if rng.random() < 0.05 else rng.choice(customers),
        number=f"I{rng.random()}", kind=kind, status=status,
        company=rng.choice(("ACME-US", "ACME-EU", None)),
        currency=rng.choice(("USD", "EUR", "JPY", None)),
        amount=None if rng.random() < 0.02 else amount,
        open_amount=rng.choice((None, Decimal(0), amount, amount / 2, _money(rng))),
        issue_date=None if rng.random() < 0.02 else issue,
        due_date=rng.choice((None, issue + timedelta(days=rng.choice((-5, 0, 30, 60))))),
        created_at=NOW, updated_at=NOW,
    )  # fmt: skip
    session.add(row)
    session.flush()
    for connection in rng.sample(("netsuite", "salesforce"), rng.choice((0, 1, 1, 2))):
        session.add(
            ExternalRef(
                connection=connection, object_type="invoice",
                external_id=f"X{row.id}", local_id=row.id, updated_at=NOW,
            )
        )  # fmt: skip
    return row


def _payment(session: Session, rng: random.Random, invoices: list[Invoice]) -> None:
    issue = START + timedelta(days=rng.randint(-30, 760))
    payment = Payment(
        number=f"P{rng.random()}", currency="USD", amount=Decimal(0),
        payment_date=None if rng.random() < 0.05 else issue,
        status=rng.choice(("posted", "posted", "posted", "void", "deleted")),
        created_at=NOW, updated_at=NOW,
    )  # fmt: skip
    session.add(payment)
    session.flush()
    for invoice in rng.sample(invoices, rng.choice((1, 1, 2))):
        amount = rng.choice((invoice.amount or Decimal(1), _money(rng), _money(rng)))
        session.add(
            PaymentAllocation(
                payment_id=payment.id,
                invoice_id=None if rng.random() < 0.03 else invoice.id,
                invoice_ref=str(invoice.id),
                amount=amount,
            )
        )


def _seed(services: Services, seed: int) -> random.Random:
    rng = random.Random(seed)
    with services.uow() as uow:
        customers = _customers(uow.session, rng)
        invoices = [_invoice(uow.session, rng, customers) for _ in range(90)]
        for _ in range(110):
            _payment(uow.session, rng, invoices)
        uow.commit()
    return rng


def _flat(found: Any) -> dict[tuple[str | None, str | None], dict[str, Any]]:
    return {
        (key, currency): {k: v for k, v in asdict(sums).items() if v != []}
        for key, by_currency in found.items()
        for currency, sums in by_currency.items()
    }


def _oracle(session: Session, plan: Plan, scope: Scope) -> dict[Any, Any]:
    rows = session.execute(kpi_oracle.aggregate(plan, scope))
    return {
        (None if row.key is None else str(row.key), row.currency): kpi_oracle.sums(
            row, plan
        )
        for row in rows
    }


def _compare(services: Services, as_of: date, group: str, **query: Any) -> None:
    plan, _ = detailed_plan(KpiQuery(as_of=as_of, group=group, **query))
    scope = Scope(group, query.get("currency"))
    catch_up(services)
    with services.read_uow() as uow:
        expected = _oracle(uow.session, plan, scope)
        got = _flat(collect(uow.session, plan, scope))
        assert expected
        assert got == expected
        if group == "customer":
            balances = customer_balances(uow.session, scope, as_of)
            assert {
                (k, c): units for k, by in balances.items() for c, units in by.items()
            } == {k: v["ar"][0] for k, v in expected.items()}
            page = tuple(sorted({k for k, _ in expected}, key=str)[:3])
            got = _flat(collect(uow.session, plan, Scope(group, keys=page)))
            assert got == {k: v for k, v in expected.items() if k[0] in page}


def _compare_trend(services: Services, as_of: date) -> None:
    ends = month_ends(as_of, POINTS)
    plan = kpi_oracle.Plan(
        snaps=tuple(reversed(ends)),
        windows=month_windows(ends[-1], POINTS - 1 + HISTORY),
    )
    catch_up(services)
    with services.read_uow() as uow:
        for currency in (None, "EUR"):
            scope = Scope("none", currency)
            expected = _oracle(uow.session, plan, scope)
            got = {
                k: {"ar": v["ar"], "sales": v["sales"]}
                for k, v in _flat(collect(uow.session, plan, scope)).items()
            }
            assert got == expected


def _check_all(services: Services) -> None:
    for as_of in AS_OF:
        for group in GROUPS:
            _compare(services, as_of, group)
        _compare(services, as_of, "company", currency="USD", months=1, bounds=(15, 45))
        _compare_trend(services, as_of)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_ledger_sums_equal_the_single_pass_they_replace(
    services: Services, seed: int
) -> None:
    _seed(services, seed)

    _check_all(services)


def test_a_backlog_is_worked_off_in_batches(services: Services) -> None:
    _seed(services, 7)

    assert catch_up(services, batch=7) > 7
    assert catch_up(services, batch=7) == 0

    _check_all(services)


def _writes(session: Session, rng: random.Random) -> None:
    """One of each kind of write the KPIs depend on."""
    invoices = list(session.scalars(select(Invoice).order_by(Invoice.id)))
    payments = list(session.scalars(select(Payment).order_by(Payment.id)))
    customers = list(session.scalars(select(Customer).order_by(Customer.id)))
    for invoice in rng.sample(invoices, 12):
        change = rng.choice(
            ("open", "status", "due", "company", "currency", "issue", "kind", "amount")
        )
        if change == "open":
            invoice.open_amount = Decimal(0) if invoice.open_amount else invoice.amount
        elif change == "status":
            invoice.status = "paid" if invoice.status == "open" else "open"
        elif change == "due":
            invoice.due_date = None if invoice.due_date else invoice.issue_date
        elif change == "company":
            invoice.company = "ACME-UK"
        elif change == "currency":
            invoice.currency = None if invoice.currency else "EUR"
        elif change == "issue" and invoice.issue_date:
            invoice.issue_date -= timedelta(days=40)
        elif change == "kind":
            invoice.kind = "invoice"
        elif invoice.amount is not None:
            invoice.amount += Decimal(100)
    payments[0].status = "void"
    payments[1].payment_date = date(2025, 7, 1)
    payments[2].status = "posted"
    session.flush()
    session.execute(delete(Payment).where(Payment.id == payments[3].id))
    allocations = list(
        session.scalars(select(PaymentAllocation).order_by(PaymentAllocation.id))
    )
    session.delete(allocations[0])
    allocations[1].amount += Decimal(50)
    allocations[2].invoice_id = invoices[-1].id
    customers[0].segment = "Public"
    customers[1].currency = "EUR" if customers[1].currency != "EUR" else None
    doomed = invoices[5]
    session.execute(
        update(PaymentAllocation)
        .where(PaymentAllocation.invoice_id == doomed.id)
        .values(invoice_id=None)
    )
    session.execute(delete(ExternalRef).where(ExternalRef.local_id == doomed.id))
    session.flush()
    session.delete(doomed)
    _invoice(session, rng, [c.id for c in customers])
    _payment(session, rng, invoices[:10])


def test_every_write_reaches_the_ledger(services: Services) -> None:
    rng = _seed(services, 4)
    _check_all(services)

    with services.uow() as uow:
        _writes(uow.session, rng)
        uow.commit()

    _check_all(services)


def _queued(services: Services) -> set[int]:
    with services.read_uow() as uow:
        return set(uow.session.scalars(select(KpiDirty.invoice_id)))


def _paid_invoice(session: Session) -> tuple[Invoice, PaymentAllocation, Payment]:
    """An invoice the KPIs count, one of its allocations and that one's payment."""
    query = (
        select(Invoice, PaymentAllocation, Payment)
        .join(PaymentAllocation, PaymentAllocation.invoice_id == Invoice.id)
        .join(Payment, Payment.id == PaymentAllocation.payment_id)
        .where(
            Invoice.kind == "invoice", Invoice.status.in_(("open", "paid")),
            Invoice.amount.is_not(None), Invoice.issue_date.is_not(None),
            Invoice.customer_id.is_not(None),
            Payment.status == "posted", Payment.payment_date.is_not(None),
        )
        .order_by(Invoice.id, PaymentAllocation.id)
    )  # fmt: skip
    return tuple(session.execute(query).first())  # type: ignore[return-value]


def _write(session: Session, kind: str) -> set[int]:
    """Make one write of ``kind``; return the invoices it must queue."""
    invoice, allocation, payment = _paid_invoice(session)
    other = session.scalars(
        select(Invoice).where(Invoice.id != invoice.id).order_by(Invoice.id)
    ).first()
    assert other is not None
    table, _, column = kind.partition(".")
    if table == "invoice" and column:
        value = {"kind": "credit_memo", "status": "void", "amount": Decimal(1),
                 "open_amount": Decimal(2), "issue_date": date(2020, 1, 1),
                 "due_date": date(2020, 2, 2), "currency": "CHF",
                 "customer_id": other.customer_id, "company": "Elsewhere"}[column]  # fmt: skip
        setattr(invoice, column, value)
    elif kind == "invoice+":
        return {_invoice(session, random.Random(9), [invoice.customer_id]).id}  # type: ignore[list-item]
    elif kind == "invoice-":  # one without payments: nothing else queues it
        unpaid = ~exists().where(PaymentAllocation.invoice_id == Invoice.id)
        lonely = session.scalars(
            select(Invoice)
            .where(Invoice.kind == "invoice", unpaid)
            .order_by(Invoice.id)
        ).first()
        assert lonely is not None
        session.execute(delete(ExternalRef).where(ExternalRef.local_id == lonely.id))
        session.delete(lonely)
        return {lonely.id}
    elif kind == "allocation+":
        session.add(PaymentAllocation(payment_id=payment.id, invoice_id=other.id,
                                      invoice_ref="x", amount=Decimal(5)))  # fmt: skip
        return {other.id}
    elif table == "allocation":
        value = {"amount": Decimal(3), "invoice_id": other.id}[column]
        setattr(allocation, column, value)
        return {invoice.id, other.id} if column == "invoice_id" else {invoice.id}
    elif kind == "allocation-":
        session.delete(allocation)
    elif table == "payment" and column:
        setattr(
            payment,
            column,
            {"status": "void", "payment_date": date(2019, 1, 1)}[column],
        )
    elif kind == "payment-":
        session.execute(delete(Payment).where(Payment.id == payment.id))
    elif table == "customer":
        customer = session.get(Customer, invoice.customer_id)
        assert customer is not None
        setattr(customer, column, {"segment": "Public", "currency": "CHF"}[column])
    return {invoice.id}


WRITES = (
    "invoice+", "invoice-", "invoice.kind", "invoice.status", "invoice.amount",
    "invoice.open_amount", "invoice.issue_date", "invoice.due_date",
    "invoice.currency", "invoice.customer_id", "invoice.company", "allocation+",
    "allocation-", "allocation.amount", "allocation.invoice_id", "payment.status",
    "payment.payment_date", "payment-", "customer.segment", "customer.currency",
)  # fmt: skip


@pytest.mark.parametrize("kind", WRITES)
def test_each_write_queues_its_invoices_and_the_ledger_follows(
    services: Services, kind: str
) -> None:
    _seed(services, 6)
    catch_up(services)

    with services.uow() as uow:
        expected = _write(uow.session, kind)
        uow.commit()

    assert expected <= _queued(services)
    for group in ("none", "customer", "segment"):
        _compare(services, date(2025, 11, 30), group)
    _compare_trend(services, date(2025, 11, 30))


def test_writes_the_kpis_do_not_read_queue_nothing(services: Services) -> None:
    _seed(services, 5)
    catch_up(services)

    with services.uow() as uow:
        uow.session.execute(update(Invoice).values(memo="seen", dunning_level=2))
        uow.session.execute(update(Customer).values(name="Renamed"))
        uow.session.execute(update(Payment).values(memo="seen"))
        uow.commit()

    assert _queued(services) == set()


TRIGGERS = {
    "kpi_invoice_insert", "kpi_invoice_update", "kpi_invoice_delete",
    "kpi_allocation_insert", "kpi_allocation_update", "kpi_allocation_delete",
    "kpi_payment_insert", "kpi_payment_update", "kpi_payment_delete",
    "kpi_customer_insert", "kpi_customer_update", "kpi_customer_delete",
}  # fmt: skip


def test_the_ledger_triggers_exist_at_head(services: Services) -> None:
    # SQLite drops a table's triggers when a batch migration copies the table: a
    # later migration that rebuilds invoices, payments, allocations or customers
    # must create them again, or the ledger would silently fall behind.
    if services.engine.dialect.name == "sqlite":
        names = "SELECT name FROM sqlite_master WHERE type = 'trigger'"
    else:
        names = "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal"
    with services.read_uow() as uow:
        found = set(uow.session.scalars(text(names)))

    assert found >= TRIGGERS
