"""A canonical, JSON-safe encoding of field values.

Shadows, the mirror's current values and incoming values are all compared in this
encoding, and the audit log records it, so that ``Decimal('5.0')`` and
``Decimal('5.00')`` or a date and its ISO text never look like a change.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Final

from rules.canonical import FIELDS, Allocation

Encoded = str | int | bool | list[list[str]] | None
_CENTS: Final = Decimal("0.01")


def encode_decimal(value: Decimal) -> str:
    """Two decimals when exact at cents (``12.50``), else the shortest exact form."""
    text = str(value)
    # Fast path: mappings quantize amounts to cents, and str() of such a Decimal is
    # already the canonical form (no exponent, exactly two decimals).
    if text[-3:-2] == "." and "E" not in text:
        return text
    cents = value.quantize(_CENTS)
    if cents == value:
        return str(cents)
    return format(value.normalize(), "f")


def _encode_str(value: object) -> Encoded:
    return None if value is None else str(value)


def _encode_int(value: object) -> Encoded:
    return None if value is None else int(value)  # type: ignore[call-overload]


def _encode_bool(value: object) -> Encoded:
    return None if value is None else bool(value)


def _encode_decimal(value: object) -> Encoded:
    if value is None:
        return None
    if not isinstance(value, Decimal):
        value = Decimal(str(value))
    return encode_decimal(value)


def _encode_temporal(value: object) -> Encoded:
    if value is None:
        return None
    if isinstance(value, date | datetime):
        return value.isoformat()
    return str(value)


def _encode_allocations(value: object) -> Encoded:
    if value is None:
        return None
    items = value if isinstance(value, tuple | list) else ()
    pairs = [
        [str(item.invoice), encode_decimal(item.amount)]
        for item in items
        if isinstance(item, Allocation)
    ]
    return sorted(pairs)


ENCODERS: Final[dict[str, Callable[[object], Encoded]]] = {
    "str": _encode_str,
    "ref": _encode_str,
    "int": _encode_int,
    "bool": _encode_bool,
    "decimal": _encode_decimal,
    "date": _encode_temporal,
    "datetime": _encode_temporal,
    "allocations": _encode_allocations,
}

# object type -> field -> encoder, precomputed for the sync hot path.
FIELD_ENCODERS: Final[dict[str, dict[str, Callable[[object], Encoded]]]] = {
    object_type: {name: ENCODERS[kind] for name, kind in fields.items()}
    for object_type, fields in FIELDS.items()
}


def encode_fields(object_type: str, values: Mapping[str, object]) -> dict[str, Encoded]:
    """Encode every known field of ``values``; unknown names are dropped."""
    encoders = FIELD_ENCODERS[object_type]
    return {
        name: encoders[name](value)
        for name, value in values.items()
        if name in encoders
    }
