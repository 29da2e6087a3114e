"""Canonical value kinds and the conversion of YAML constants into canonical values.

A mapping file states constants (``const``, ``default``, the canonical side of a
``value_map``) as YAML scalars; :func:`to_canonical` turns them into the typed value the
canonical field holds, once, at load time.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any, Final

from mappings.errors import TransformError
from rules.canonical import FieldValue, InvoiceKind, InvoiceStatus, PaymentStatus

Args = Mapping[str, Any]
Inbound = Callable[[object], FieldValue]  # raw value -> canonical value
Outbound = Callable[[object], object]  # canonical value -> remote value

# Canonical str fields whose values form a closed set: checked at load time and
# handed on as enum members (they compare equal to their plain text).
CHOICES: Final[dict[tuple[str, str], type[StrEnum]]] = {
    ("invoice", "kind"): InvoiceKind,
    ("invoice", "status"): InvoiceStatus,
    ("payment", "status"): PaymentStatus,
}


@dataclass(frozen=True, slots=True)
class Target:
    """The canonical value a transform produces (inbound) or consumes (outbound)."""

    kind: str
    choices: type[StrEnum] | None = None

    @classmethod
    def of(cls, object_type: str, field: str, kind: str) -> Target:
        """Describe canonical field ``object_type.field`` of value type ``kind``."""
        return cls(kind, CHOICES.get((object_type, field)))


def check_choice(target: Target, value: str) -> str:
    """Return ``value`` as the target's enum member, or ``value`` if it has none.

    Raises:
        TransformError: the value is not one of the closed set.
    """
    if target.choices is None:
        return value
    try:
        return target.choices(value)
    except ValueError:
        allowed = ", ".join(target.choices)
        raise TransformError(f"{value!r} is not one of: {allowed}") from None


def to_canonical(target: Target, value: object) -> FieldValue:
    """Convert a YAML constant into the canonical value of ``target``.

    Raises:
        TransformError: the constant does not fit the field's value type.
    """
    if value is None:
        return None
    result = _CONVERTERS[target.kind](value)
    if isinstance(result, str):
        return check_choice(target, result)
    return result


def _text(value: object) -> FieldValue:
    if isinstance(value, str):
        return value
    raise TransformError(f"expected text, got {value!r} (quote it in YAML)")


def _integer(value: object) -> FieldValue:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    raise TransformError(f"expected an integer, got {value!r}")


def _boolean(value: object) -> FieldValue:
    if isinstance(value, bool):
        return value
    raise TransformError(f"expected true or false, got {value!r}")


def _decimal(value: object) -> FieldValue:
    if isinstance(value, bool) or not isinstance(value, str | int | float | Decimal):
        raise TransformError(f"expected a decimal number, got {value!r}")
    try:
        # repr() of a YAML float is its shortest exact text, so no binary noise.
        result = Decimal(repr(value) if isinstance(value, float) else value)
    except InvalidOperation:
        raise TransformError(f"expected a decimal number, got {value!r}") from None
    if not result.is_finite():
        raise TransformError(f"expected a finite decimal number, got {value!r}")
    return result


def _date(value: object) -> FieldValue:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value  # YAML reads an unquoted 2024-01-31 as a date already
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise TransformError(f"expected a date as YYYY-MM-DD, got {value!r}")


def _datetime(value: object) -> FieldValue:
    parsed: datetime | None = value if isinstance(value, datetime) else None
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            parsed = None
    if parsed is None or parsed.tzinfo is None:
        raise TransformError(f"expected an ISO time with a UTC offset, got {value!r}")
    return parsed.astimezone(UTC)


def _allocations(value: object) -> FieldValue:
    if isinstance(value, list | tuple) and not value:
        return ()
    raise TransformError("an allocations constant can only be [] (none)")


_CONVERTERS: Final = {
    "allocations": _allocations,
    "str": _text,
    "ref": _text,
    "int": _integer,
    "bool": _boolean,
    "decimal": _decimal,
    "date": _date,
    "datetime": _datetime,
}
