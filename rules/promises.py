"""Promises to pay: kept, partially kept or broken, judged from payments.

Like SAP FSCM's promise evaluation (``FDM_P2P_JUDGE``): a promise is judged once its
date plus the tolerance days has passed. What counts towards it are payments dated
from the day it was made to that deadline: the parts allocated to the promised
invoices when it names invoices, otherwise the customer's payments in that window, in
the promise's currency. A promise paid in full is kept as soon as the money is seen.
Nothing here does I/O; ``as_of`` is an argument.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from collections.abc import Iterable

DEFAULT_TOLERANCE_DAYS: Final = 3


class PromiseState(StrEnum):
    """Where a promise stands; ``open`` means not yet due for judgement."""

    OPEN = "open"
    KEPT = "kept"
    PARTIALLY_KEPT = "partially_kept"
    BROKEN = "broken"


@dataclass(frozen=True, slots=True)
class PromiseTerms:
    """What the customer promised.

    Attributes:
        made_on: the day the promise was recorded; earlier payments do not count.
        invoice_ids: the promised invoices (local ids); empty for an account-level
            promise.
    """

    amount: Decimal
    currency: str
    promised_date: date
    made_on: date
    tolerance_days: int = DEFAULT_TOLERANCE_DAYS
    invoice_ids: frozenset[int] = frozenset()

    @property
    def deadline(self) -> date:
        return self.promised_date + timedelta(days=self.tolerance_days)


@dataclass(frozen=True, slots=True)
class PaymentPart:
    """A posted payment, or one allocation of it (``invoice_id`` set)."""

    payment_date: date
    amount: Decimal
    currency: str
    invoice_id: int | None = None


@dataclass(frozen=True, slots=True)
class Judgement:
    """The outcome and the money that counted towards the promise."""

    state: PromiseState
    paid: Decimal


def counted(terms: PromiseTerms, parts: Iterable[PaymentPart]) -> Decimal:
    """Sum the payment parts that count towards the promise (see module docstring).

    Args:
        terms: the promise.
        parts: the customer's payments (``invoice_id=None``) and allocations.

    Returns:
        The amount paid within the window, in the promise's currency.
    """
    total = Decimal("0.00")
    for part in parts:
        if part.currency != terms.currency:
            continue
        if not terms.made_on <= part.payment_date <= terms.deadline:
            continue
        if terms.invoice_ids:
            total += part.amount if part.invoice_id in terms.invoice_ids else 0
        elif part.invoice_id is None:
            total += part.amount
    return total


def judge(terms: PromiseTerms, parts: Iterable[PaymentPart], as_of: date) -> Judgement:
    """Judge a promise as of a date.

    Args:
        terms: the promise.
        parts: the customer's payments and allocations (others are ignored).
        as_of: the evaluation day; before the deadline has passed an unpaid promise
            stays open.

    Returns:
        Kept (paid in full, at any time), open (deadline not passed), partially kept
        (some money by the deadline) or broken (none).
    """
    paid = counted(terms, parts)
    if paid >= terms.amount:
        return Judgement(PromiseState.KEPT, paid)
    if as_of <= terms.deadline:
        return Judgement(PromiseState.OPEN, paid)
    if paid > 0:
        return Judgement(PromiseState.PARTIALLY_KEPT, paid)
    return Judgement(PromiseState.BROKEN, paid)
