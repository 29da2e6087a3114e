"""Checks of single input values shared by the JSON API and the page forms.

A bad value raises :class:`~gateway.errors.ValidationFailed` with ``field`` set and
a message that does not repeat the field name: each surface words it its own way
(the API as ``field: message``, a page with the field's label).
"""

from __future__ import annotations

import re
from datetime import date

from gateway.errors import ValidationFailed

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def whole_number(value: object, field: str, *, low: int, high: int) -> int:
    """An ``int`` from ``low`` to ``high``; text such as ``"2"`` is not one."""
    # bool is an int subclass in Python; true is not a dunning level.
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValidationFailed(
            f"must be a whole number from {low} to {high}, not {value!r}", field=field
        )
    if not low <= value <= high:
        raise ValidationFailed(
            f"must be from {low} to {high}, not {value}", field=field
        )
    return value


def iso_date(value: object, field: str) -> date:
    """A calendar date written ``YYYY-MM-DD``."""
    if not isinstance(value, str) or not _ISO_DATE.match(value):
        raise ValidationFailed(
            f"must be an ISO date like 2026-01-31, not {value!r}", field=field
        )
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise ValidationFailed(
            f"{value!r} is not a valid date ({exc})", field=field
        ) from None
