"""The canonical model: the common language between adapters, mappings and the gateway.

Records travel through the sync hot path as :class:`CanonicalRecord` values whose
``fields`` map canonical field names (listed in :data:`FIELDS`) to typed values.
Money amounts are ``Decimal`` beside the record's ``currency`` field; dates are
``datetime.date``; times are UTC-aware ``datetime``. Nothing here does I/O.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Final

_CURRENCY_CODE = re.compile(r"^[A-Z]{3}$")


class CurrencyMismatchError(ValueError):
    """Raised when money in two currencies is combined."""


@dataclass(frozen=True, slots=True)
class Money:
    """An exact amount in one ISO 4217 currency; never a float."""

    amount: Decimal
    currency: str

    def __post_init__(self) -> None:
        if not isinstance(self.amount, Decimal):
            msg = f"Money amount must be Decimal, got {type(self.amount).__name__}"
            raise TypeError(msg)
        if not self.amount.is_finite():
            msg = f"Money amount must be finite, got {self.amount}"
            raise ValueError(msg)
        if not _CURRENCY_CODE.match(self.currency):
            msg = f"currency must be a 3-letter ISO code, got {self.currency!r}"
            raise ValueError(msg)

    def _same_currency(self, other: Money) -> None:
        if other.currency != self.currency:
            msg = f"cannot combine {self.currency} and {other.currency}"
            raise CurrencyMismatchError(msg)

    def __add__(self, other: Money) -> Money:
        self._same_currency(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same_currency(other)
        return Money(self.amount - other.amount, self.currency)

    def __neg__(self) -> Money:
        return Money(-self.amount, self.currency)

    def __str__(self) -> str:
        return f"{self.amount} {self.currency}"


@dataclass(frozen=True, slots=True)
class ExternalRef:
    """Where a canonical record lives in a remote system."""

    connection: str
    object_type: str
    external_id: str


class Owner(StrEnum):
    """Who may change a canonical field."""

    ERP = "erp"
    CRM = "crm"
    GATEWAY = "gateway"


class InvoiceKind(StrEnum):
    INVOICE = "invoice"
    CREDIT_MEMO = "credit_memo"


class InvoiceStatus(StrEnum):
    OPEN = "open"
    PAID = "paid"
    VOID = "void"
    DELETED = "deleted"


class PaymentStatus(StrEnum):
    POSTED = "posted"
    VOID = "void"
    DELETED = "deleted"


class ObjectType(StrEnum):
    CUSTOMER = "customer"
    INVOICE = "invoice"
    PAYMENT = "payment"


# Canonical field catalog: object type -> field name -> value type name.
# Value type names: str, int, bool, decimal, date, datetime, ref (the external id of
# another object, resolved by the gateway), allocations (tuple of Allocation).
FIELDS: Final[dict[str, dict[str, str]]] = {
    "customer": {
        "number": "str",
        "name": "str",
        "email": "str",
        "phone": "str",
        "currency": "str",
        "credit_limit": "decimal",
        "company": "str",
        "terms": "str",
        "segment": "str",  # customer category (Enterprise, Mid-Market, ...)
        "is_active": "bool",
        "collection_status": "str",
        "risk_score": "int",
    },
    "invoice": {
        "number": "str",
        "kind": "str",
        "customer": "ref",
        "company": "str",
        "currency": "str",
        "amount": "decimal",
        "open_amount": "decimal",
        "issue_date": "date",
        "due_date": "date",
        "status": "str",
        "memo": "str",
        "collection_status": "str",
        "dunning_level": "int",
        "promise_date": "date",
        "in_dispute": "bool",
        "channel": "str",  # how the invoice was sent: paper or electronic
    },
    "payment": {
        "number": "str",
        "customer": "ref",
        "currency": "str",
        "amount": "decimal",
        "unapplied_amount": "decimal",
        "payment_date": "date",
        "status": "str",
        "memo": "str",
        "allocations": "allocations",
    },
}

# Which object type a ``ref`` field points at.
REFERENCES: Final[dict[tuple[str, str], str]] = {
    ("invoice", "customer"): "customer",
    ("payment", "customer"): "customer",
}


@dataclass(frozen=True, slots=True)
class Allocation:
    """Part of a payment applied to one invoice, named by the invoice's external id."""

    invoice: str
    amount: Decimal


FieldValue = (
    str | int | bool | Decimal | date | datetime | tuple[Allocation, ...] | None
)


@dataclass(frozen=True, slots=True)
class CanonicalRecord:
    """One remote record translated into canonical field names and types.

    ``fields`` holds only the fields the mapping produced; a field absent from it is
    unknown (not cleared), a field present with ``None`` is cleared.
    """

    object_type: str
    external_id: str
    fields: dict[str, FieldValue]
    remote_modified: datetime | None = None
    deleted: bool = False


@dataclass(frozen=True, slots=True)
class Priority:
    """A worklist priority with the reasons shown to the collector."""

    score: Decimal
    reasons: tuple[str, ...] = field(default_factory=tuple)
