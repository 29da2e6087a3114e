"""A write-back workload against a mirrored NetSuite sandbox, and its end-state check.

Used by the fault, crash and concurrency tests and the throughput benchmark: several
hundred payments (each applied to open invoices of its customer) and status updates,
then "every intended write is in the sandbox exactly once, none is missing, the
mirror equals the sandbox".
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import select

from gateway.store.models import Customer, ExternalRef, Invoice, OutboxItem
from tests.outbox_support import add_payment, set_invoice_fields

STATUSES = ("contacted", "promised", "disputed", "escalated", "reminded")


@dataclass
class Workload:
    payment_keys: list[str] = field(default_factory=list)
    updated_invoices: set[int] = field(default_factory=set)
    outbox_ids: list[int] = field(default_factory=list)


@dataclass
class EndState:
    intended: int
    found: int
    duplicates: int
    missing: list[str]
    field_mismatches: list[str]
    not_done: int

    @property
    def ok(self) -> bool:
        return not (
            self.duplicates or self.missing or self.field_mismatches or self.not_done
        )


def _candidates(session, connection: str) -> dict[int, list[tuple[int, Decimal]]]:
    """Open invoices bound to ``connection`` by customer, in the customer's currency."""
    rows = session.execute(
        select(Invoice.customer_id, Invoice.id, Invoice.open_amount)
        .join(Customer, Customer.id == Invoice.customer_id)
        .join(
            ExternalRef,
            (ExternalRef.local_id == Invoice.id)
            & (ExternalRef.object_type == "invoice")
            & (ExternalRef.connection == connection),
        )
        .where(
            Invoice.status == "open",
            Invoice.kind == "invoice",
            Invoice.open_amount >= Decimal(50),
            Invoice.currency == Customer.currency,
        )
        .order_by(Invoice.id)
    )
    found: dict[int, list[tuple[int, Decimal]]] = {}
    for customer_id, invoice_id, open_amount in rows:
        found.setdefault(customer_id, []).append((invoice_id, open_amount))
    return found


def enqueue_workload(
    services, connection: str, *, payments: int, updates: int, seed: int = 3
) -> Workload:
    """Queue ``payments`` payments and ``updates`` status changes, interleaved."""
    rng = random.Random(seed)
    work = Workload()
    with services.uow() as uow:
        session, now = uow.session, services.clock.now()
        by_customer = _candidates(session, connection)
        customers = sorted(by_customer)
        invoices = [inv for rows in by_customer.values() for inv, _ in rows]
        steps = ["p"] * payments + ["u"] * updates
        rng.shuffle(steps)
        for n, step in enumerate(steps):
            if step == "p":
                customer = rng.choice(customers)
                lines = [
                    (inv, Decimal(rng.randint(10, 90)) / 100)
                    for inv, _ in rng.sample(
                        by_customer[customer], min(2, len(by_customer[customer]))
                    )
                ]
                key = f"wl{seed}-{n}"
                _, item_id = add_payment(
                    session, connection, customer, lines, key=key, at=now
                )
                work.payment_keys.append(f"{connection}:payment:{key}")
            else:
                invoice = rng.choice(invoices[:60])  # a few invoices, many changes
                item_id = set_invoice_fields(
                    session,
                    connection,
                    invoice,
                    now,
                    dunning_level=rng.randint(1, 5),
                    collection_status=rng.choice(STATUSES),
                )
                work.updated_invoices.add(invoice)
            work.outbox_ids.append(item_id)
        uow.commit()
    return work


def open_rows(services) -> int:
    """Outbox rows not yet done (cheap: polled while workers run)."""
    with services.read_uow() as uow:
        return len(
            uow.session.scalars(
                select(OutboxItem.id).where(
                    OutboxItem.status.in_(("pending", "claimed"))
                )
            ).all()
        )


def check_end_state(sandbox, services, connection: str, work: Workload) -> EndState:
    """Compare what the sandbox holds with what was intended and what the mirror says."""
    rows = sandbox.query(
        "SELECT externalid, count(*) AS n FROM \"transaction\" WHERE type = 'CustPymt' "
        "AND externalid IS NOT NULL GROUP BY externalid"
    )
    counts = {r["externalid"]: r["n"] for r in rows}
    intended = set(work.payment_keys)
    missing = sorted(intended - set(counts))
    duplicates = sum(n - 1 for key, n in counts.items() if key in intended and n > 1)
    with services.read_uow() as uow:
        session = uow.session
        not_done = len(
            session.scalars(
                select(OutboxItem.id).where(OutboxItem.status != "done")
            ).all()
        )
        mismatches = _field_mismatches(sandbox, session, connection, work)
    return EndState(
        intended=len(intended),
        found=len(intended & set(counts)),
        duplicates=duplicates,
        missing=missing,
        field_mismatches=mismatches,
        not_done=not_done,
    )


def _field_mismatches(sandbox, session, connection, work: Workload) -> list[str]:
    problems = []
    for invoice_id in sorted(work.updated_invoices):
        invoice = session.get_one(Invoice, invoice_id)
        ext = session.scalar(
            select(ExternalRef.external_id).where(
                ExternalRef.connection == connection,
                ExternalRef.object_type == "invoice",
                ExternalRef.local_id == invoice_id,
            )
        )
        [remote] = sandbox.query(
            "SELECT custbody_arb_dunning_level AS level, "
            'custbody_arb_collection_status AS status FROM "transaction" WHERE id = ?',
            (int(ext),),
        )
        mirror = (str(invoice.dunning_level), invoice.collection_status)
        if (str(remote["level"]), remote["status"]) != mirror:
            problems.append(f"invoice {ext}: sandbox {dict(remote)} mirror {mirror}")
    return problems


def payment_mirror_mismatches(sandbox, services, connection: str) -> list[str]:
    """After a pull: every sandbox payment is mirrored once, with its amount and
    applications, and the mirror holds no payment the sandbox lacks."""
    remote = {
        str(r["id"]): Decimal(r["foreigntotal"])
        for r in sandbox.query(
            "SELECT id, foreigntotal FROM \"transaction\" WHERE type = 'CustPymt'"
        )
    }
    applied = {}
    for r in sandbox.query(
        "SELECT nextdoc, previousdoc, foreignamount FROM NextTransactionLineLink "
        "WHERE nexttype = 'CustPymt'"
    ):
        applied.setdefault(str(r["nextdoc"]), set()).add(
            (str(r["previousdoc"]), Decimal(r["foreignamount"]))
        )
    from gateway.store.models import Payment, PaymentAllocation

    problems = []
    with services.read_uow() as uow:
        session = uow.session
        refs = dict(
            session.execute(
                select(ExternalRef.external_id, ExternalRef.local_id).where(
                    ExternalRef.connection == connection,
                    ExternalRef.object_type == "payment",
                )
            ).all()
        )
        mirrored = session.scalars(select(Payment.id)).all()
        if len(mirrored) != len(remote):
            problems.append(f"{len(mirrored)} mirror payments, {len(remote)} remote")
        for ext, amount in remote.items():
            if ext not in refs:
                problems.append(f"payment {ext} not mirrored")
                continue
            payment = session.get_one(Payment, refs[ext])
            lines = {
                (a.invoice_ref, a.amount)
                for a in session.scalars(
                    select(PaymentAllocation).where(
                        PaymentAllocation.payment_id == payment.id
                    )
                )
            }
            if payment.amount != amount or lines != applied.get(ext, set()):
                problems.append(f"payment {ext}: mirror {payment.amount} {lines}")
    return problems
