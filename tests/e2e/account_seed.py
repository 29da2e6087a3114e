"""Payment history and promises for the account page tests, on top of ``web_seed``.

The synthetic histories of ``tests/prediction_facts_support.py`` become real mirror
rows: paid invoices, each settled by a posted payment allocated to it, so that
``arbridge model train`` learns from the database as it would in production. Acme
gets the history of a very late payer; the other histories go to customers of their
own (nothing open, so they are never on the worklist).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from gateway.store.models import (
    Customer,
    Invoice,
    Payment,
    PaymentAllocation,
    Promise,
    PromiseInvoice,
)
from tests.e2e.web_seed import NOW, Seed, seed_mirror
from tests.prediction_facts_support import synthetic_facts

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from gateway.bootstrap import Services
    from rules.prediction import InvoiceFacts

CUTOFF = date(2024, 1, 1)
LATE_PAYER = "C3"  # synthetic customers 3, 7 and 11 pay very late


def _history_customer(session: Session, name: str) -> int:
    row = Customer(
        number=f"H-{name}", name=f"History {name}", currency="EUR",
        created_at=NOW, updated_at=NOW,
    )  # fmt: skip
    session.add(row)
    session.flush()
    return row.id


def _settled_invoice(session: Session, customer_id: int, fact: InvoiceFacts) -> None:
    number = f"H-{fact.key}"
    invoice = Invoice(
        customer_id=customer_id, number=number, kind="invoice", status="paid",
        currency=fact.currency, amount=fact.amount, open_amount=Decimal("0.00"),
        issue_date=fact.issue_date, due_date=fact.due_date, channel=fact.channel,
        in_dispute=fact.disputed, created_at=NOW, updated_at=NOW,
    )  # fmt: skip
    payment = Payment(
        customer_id=customer_id, number=f"P-{fact.key}", currency=fact.currency,
        amount=fact.amount, unapplied_amount=Decimal("0.00"),
        payment_date=fact.settled_date, status="posted", created_at=NOW, updated_at=NOW,
    )  # fmt: skip
    session.add_all([invoice, payment])
    session.flush()
    session.add(
        PaymentAllocation(
            payment_id=payment.id,
            invoice_id=invoice.id,
            invoice_ref=number,
            amount=fact.amount,
        )
    )


def seed_history(services: Services, seed: Seed) -> None:
    """Settled invoices and their payments: Acme's from a late payer's history."""
    with services.uow() as uow:
        owners: dict[str, int] = {LATE_PAYER: seed.customers["acme"]}
        for fact in synthetic_facts():
            if fact.customer not in owners:
                owners[fact.customer] = _history_customer(uow.session, fact.customer)
            _settled_invoice(uow.session, owners[fact.customer], fact)
        uow.commit()


def _promise(session: Session, customer_id: int, state: str, when: date) -> int:
    row = Promise(
        customer_id=customer_id, currency="EUR", amount=Decimal("2500.00"),
        promised_date=when, state=state, created_by="collector", created_at=NOW,
        tolerance_days=3,
        paid_amount=Decimal("2500.00") if state == "kept" else Decimal("0.00"),
    )  # fmt: skip
    session.add(row)
    session.flush()
    return row.id


def seed_promises(services: Services, seed: Seed) -> None:
    """Acme: one kept and one broken promise (kept rate 50 %), one open for INV-1."""
    acme = seed.customers["acme"]
    with services.uow() as uow:
        _promise(uow.session, acme, "kept", date(2025, 11, 20))
        _promise(uow.session, acme, "broken", date(2025, 12, 10))
        open_id = _promise(uow.session, acme, "open", date(2026, 1, 20))
        uow.session.add(
            PromiseInvoice(promise_id=open_id, invoice_id=seed.invoices["acme-1"])
        )
        uow.commit()


def mirror_with_history(services: Services) -> Seed:
    """The web seed's mirror plus Acme's paid history: ready to train a model on."""
    seed = Seed()
    with services.uow() as uow:
        seed_mirror(uow.session, seed)
        uow.commit()
    seed_history(services, seed)
    return seed
