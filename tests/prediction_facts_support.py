"""Synthetic invoice histories for the payment-prediction tests (seeded, so stable)."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from rules.prediction import InvoiceFacts

START = date(2023, 1, 2)


def synthetic_facts(customers: int = 12, per_customer: int = 30, seed: int = 3):
    """Invoices whose lateness depends on the customer, the dispute flag and channel."""
    rng = random.Random(seed)
    facts = []
    for c in range(customers):
        habit = c % 4 * 6  # customers 0, 4, 8 pay on time; 3, 7, 11 are very late
        for n in range(per_customer):
            issued = START + timedelta(days=rng.randrange(0, 500))
            disputed = rng.random() < 0.2
            electronic = rng.random() < 0.5
            delay = habit + (15 if disputed else 0) + rng.randrange(-8, 8)
            facts.append(
                InvoiceFacts(
                    key=f"{c:02d}-{n:03d}",
                    customer=f"C{c}",
                    issue_date=issued,
                    due_date=issued + timedelta(days=30),
                    amount=Decimal(rng.randrange(100, 20000)) / 100,
                    currency="EUR",
                    channel="electronic" if electronic else "paper",
                    disputed=disputed,
                    settled_date=issued + timedelta(days=max(30 + delay, 1)),
                )
            )
    return facts
