"""JSON request bodies: a bad body is a 4xx that names the field, before any write.

Bodies are parsed with ``parse_float=Decimal`` so no number ever passes through a
float; money itself must come as a decimal string.
"""

from __future__ import annotations

import json
import re
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from flask import request

from gateway.api.errors import ApiError
from gateway.errors import ValidationFailed
from gateway.services import input_checks

if TYPE_CHECKING:
    from collections.abc import Collection

MONEY_PLACES = 2
# Money is stored x10^4 in a 64-bit integer; this keeps far inside it.
MAX_MONEY = Decimal("1000000000000")
_DECIMAL = re.compile(r"^\d+(\.\d+)?$")


def bad(field: str, message: str, status: int = 400) -> ApiError:
    return ApiError(status, f"{field}: {message}", field=field)


def refused(exc: ValidationFailed, field: str) -> ApiError:
    """A value a shared check (gateway.services) refused, worded as :func:`bad`."""
    return bad(exc.field or field, str(exc))


def _no_constants(name: str) -> object:
    raise ValueError(f"{name} is not allowed in JSON")


def json_object() -> dict[str, Any]:
    """The request body as a JSON object, or a 400/415 saying what is wrong."""
    if request.mimetype != "application/json":
        raise ApiError(415, "the body must be JSON (Content-Type: application/json)")
    text = request.get_data(as_text=True)
    try:
        body = json.loads(text, parse_float=Decimal, parse_constant=_no_constants)
    except json.JSONDecodeError as exc:
        where = f"line {exc.lineno} column {exc.colno}"
        raise ApiError(
            400, f"the body is not valid JSON: {exc.msg} ({where})"
        ) from None
    except ValueError as exc:
        raise ApiError(400, f"the body is not valid JSON: {exc}") from None
    if not isinstance(body, dict):
        raise ApiError(400, "the body must be a JSON object")
    return body


def reject_unknown(
    body: dict[str, Any], allowed: Collection[str], where: str = ""
) -> None:
    unknown = sorted(set(body) - set(allowed))
    if unknown:
        names = ", ".join(f"{where}{name}" for name in unknown)
        raise ApiError(
            400,
            f"unknown field(s): {names} (allowed: {', '.join(allowed)})",
            field=f"{where}{unknown[0]}",
        )


def money(value: object, field: str) -> Decimal:
    """A positive decimal string with at most two places: ``"125.50"``."""
    if not isinstance(value, str) or not _DECIMAL.match(value.strip()):
        shown = value if isinstance(value, str) else type(value).__name__
        if isinstance(value, str) and value.strip().startswith("-"):
            raise bad(field, f"must be more than zero, not {value}")
        raise bad(field, f'must be a decimal string like "125.50", not {shown!r}')
    try:
        amount = Decimal(value.strip())
    except InvalidOperation:  # pragma: no cover - the pattern admits only decimals
        raise bad(field, f"{value!r} is not a decimal") from None
    if amount <= 0:
        raise bad(field, f"must be more than zero, not {value}")
    if -amount.as_tuple().exponent > MONEY_PLACES:  # type: ignore[operator]
        raise bad(field, f"has more than {MONEY_PLACES} decimal places: {value}")
    if amount >= MAX_MONEY:
        raise bad(field, f"must be less than {MAX_MONEY}")
    return amount


def iso_date(value: object, field: str) -> date:
    try:
        return input_checks.iso_date(value, field)
    except ValidationFailed as exc:
        raise refused(exc, field) from None


def text(
    value: object, field: str, *, max_length: int, pattern: str | None = None
) -> str:
    if not isinstance(value, str) or not value.strip():
        raise bad(field, "must be a non-empty string")
    if len(value) > max_length:
        raise bad(field, f"must be at most {max_length} characters")
    if pattern is not None and not re.match(pattern, value):
        raise bad(field, f"{value!r} does not match {pattern}")
    return value.strip()
