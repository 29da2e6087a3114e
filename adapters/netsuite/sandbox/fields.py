"""Record API property names, their SQLite columns, and typed value conversion."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Final

from adapters.netsuite.sandbox.responses import SandboxError
from adapters.netsuite.sandbox.schema import money, utc_text

Converter = Callable[[str, object], object]


@dataclass(frozen=True, slots=True)
class RecordKind:
    """A Record API record type and where it lives in the sandbox tables."""

    name: str  # lower-case REST name, also the DeletedRecord recordtype
    table: str
    tran_type: str | None = None  # transaction.type for transaction records


RECORD_KINDS: Final[Mapping[str, RecordKind]] = {
    "customer": RecordKind("customer", "customer"),
    "invoice": RecordKind("invoice", "transaction", "CustInvc"),
    "creditmemo": RecordKind("creditmemo", "transaction", "CustCred"),
    "customerpayment": RecordKind("customerpayment", "transaction", "CustPymt"),
}
KIND_BY_TRAN_TYPE: Final = {
    k.tran_type: k for k in RECORD_KINDS.values() if k.tran_type
}


def record_kind(name: str) -> RecordKind:
    """Look up a record type case-insensitively (``creditMemo`` = ``creditmemo``).

    Raises:
        SandboxError: 400 ``INVALID_RCRD_TYPE`` for a type the sandbox does not have.
    """
    kind = RECORD_KINDS.get(name.lower())
    if kind is None:
        raise SandboxError(
            400, "INVALID_RCRD_TYPE", f"Record type '{name}' does not exist."
        )
    return kind


def bad_value(prop: str, detail: str) -> SandboxError:
    """Return the 400 for a field value NetSuite would refuse."""
    return SandboxError(400, "INVALID_FLD_VALUE", detail, errorPath=prop)


def as_text(prop: str, value: object) -> object:
    """Accept a string or null."""
    if value is None or isinstance(value, str):
        return value
    raise bad_value(prop, f"Invalid value for field {prop}: a string is required.")


def as_integer(prop: str, value: object) -> object:
    """Accept an integral JSON number or null."""
    if value is None or (isinstance(value, int) and not isinstance(value, bool)):
        return value
    if isinstance(value, Decimal) and value == value.to_integral_value():
        return int(value)
    raise bad_value(prop, f"Invalid value for field {prop}: an integer is required.")


def as_boolean(prop: str, value: object) -> object:
    """Accept true/false (null clears to false); store NetSuite's 'T'/'F'."""
    if value is None or isinstance(value, bool):
        return "T" if value else "F"
    raise bad_value(prop, f"Invalid value for field {prop}: a boolean is required.")


def as_date(prop: str, value: object) -> object:
    """Accept an ISO ``YYYY-MM-DD`` date or null."""
    if value is None:
        return None
    try:
        return date.fromisoformat(str(value)).isoformat()
    except ValueError as exc:
        raise bad_value(
            prop, f"Invalid date for field {prop}: use YYYY-MM-DD."
        ) from exc


def as_amount(prop: str, value: object) -> Decimal:
    """Parse a JSON number (or numeric string) as an exact non-negative amount.

    Raises:
        SandboxError: 400 ``INVALID_FLD_VALUE`` naming ``prop``.
    """
    if isinstance(value, bool) or not isinstance(value, int | Decimal | str):
        raise bad_value(prop, f"Invalid value for field {prop}: a number is required.")
    try:
        amount = Decimal(value)
    except InvalidOperation as exc:
        raise bad_value(prop, f"Invalid number for field {prop}.") from exc
    if not amount.is_finite() or amount < 0:
        raise bad_value(prop, f"Invalid value for field {prop}: must be >= 0.")
    return amount


def as_money(prop: str, value: object) -> object:
    """Accept a non-negative number or null; store as two-decimal TEXT."""
    return None if value is None else money(as_amount(prop, value))


TRANSACTION_FIELDS: Final[Mapping[str, tuple[str, Converter]]] = {
    "memo": ("memo", as_text),
    "custbody_arb_collection_status": ("custbody_arb_collection_status", as_text),
    "custbody_arb_dunning_level": ("custbody_arb_dunning_level", as_integer),
    "custbody_arb_promise_date": ("custbody_arb_promise_date", as_date),
    "custbody_arb_in_dispute": ("custbody_arb_in_dispute", as_boolean),
}
CUSTOMER_FIELDS: Final[Mapping[str, tuple[str, Converter]]] = {
    "email": ("email", as_text),
    "phone": ("phone", as_text),
    "companyName": ("companyname", as_text),
    "creditLimit": ("creditlimit", as_money),
    "custentity_arb_collection_status": ("custentity_arb_collection_status", as_text),
    "custentity_arb_risk_score": ("custentity_arb_risk_score", as_integer),
}


def column_value(value: object) -> object:
    """Convert a Python value from a test helper into its stored SQLite form."""
    if isinstance(value, bool):
        return "T" if value else "F"
    if isinstance(value, Decimal):
        return money(value)
    if isinstance(value, datetime):
        return utc_text(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def iso_timestamp(text: str | None) -> str | None:
    """``YYYY-MM-DD HH:MM:SS`` (UTC) -> ``YYYY-MM-DDTHH:MM:SSZ`` as the Record API sends."""
    return None if text is None else text.replace(" ", "T") + "Z"
