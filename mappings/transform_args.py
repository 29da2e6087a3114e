"""marshmallow 4 schemas for the static ``args`` of each transform.

Validated once at load time; the loaded dict (defaults filled in) is what the transform
factories in :mod:`mappings.transforms` receive.
"""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from marshmallow import (
    Schema,
    ValidationError,
    fields,
    pre_load,
    validate,
    validates_schema,
)

# Probes formats: aware, so a %z format can write it too.
_SAMPLE = datetime(2024, 1, 31, 13, 45, 59, tzinfo=UTC)


def zone(name: str) -> tzinfo:
    """Return the time zone called ``name`` (``UTC`` or an IANA name).

    Raises:
        ValueError: the zone is unknown.
    """
    if name == "UTC":
        return UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {name!r}") from None


def _check_zone(name: str) -> None:
    try:
        zone(name)
    except ValueError as exc:
        raise ValidationError(str(exc)) from None


def _check_format(fmt: str, *, with_time: bool) -> None:
    """Refuse a strftime format that cannot read back what it writes."""
    # Seconds are optional in a time format; hours and minutes are not.
    sample = _SAMPLE.replace(second=0)
    if not with_time:
        sample = sample.replace(hour=0, minute=0)
    try:
        back = datetime.strptime(sample.strftime(fmt), fmt)  # noqa: DTZ007 - probe
    except ValueError as exc:
        raise ValidationError(f"bad format {fmt!r}: {exc}") from None
    if back.replace(tzinfo=None) != sample.replace(tzinfo=None):
        what = "date and time" if with_time else "date"
        raise ValidationError(f"format {fmt!r} does not hold a whole {what}")


def _scalar(value: object) -> None:
    if value is not None and not isinstance(value, str | int | float | bool):
        raise ValidationError("expected a single value, not a list or mapping")


def _as_text(value: object) -> object:
    """Read a YAML scalar as text, so unquoted ``T``, ``true`` or ``1`` all work."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value) if isinstance(value, int) else value


class NoArgs(Schema):
    """Transforms without arguments (``int``, ``ref``)."""


class StrArgs(Schema):
    strip = fields.Boolean(load_default=False, truthy={True}, falsy={False})


class BoolArgs(Schema):
    true_values = fields.List(
        fields.String(),
        load_default=["T", "true", "1"],
        validate=validate.Length(min=1),
    )
    false_values = fields.List(
        fields.String(),
        load_default=["F", "false", "0"],
        validate=validate.Length(min=1),
    )
    negate = fields.Boolean(load_default=False, truthy={True}, falsy={False})
    out_true = fields.Raw(load_default=True, allow_none=True, validate=_scalar)
    out_false = fields.Raw(load_default=False, allow_none=True, validate=_scalar)

    @pre_load
    def _texts(self, data: Any, **_kwargs: Any) -> Any:
        if not isinstance(data, dict):
            return data
        for key in ("true_values", "false_values"):
            if isinstance(data.get(key), list):
                data = {**data, key: [_as_text(v) for v in data[key]]}
        return data

    @validates_schema
    def _disjoint(self, data: dict[str, Any], **_kwargs: Any) -> None:
        true = {v.lower() for v in data.get("true_values", ())}
        both = true & {v.lower() for v in data.get("false_values", ())}
        if both:
            raise ValidationError(f"values both true and false: {sorted(both)}")


class DecimalArgs(Schema):
    places = fields.Integer(strict=True, validate=validate.Range(0, 12))
    abs = fields.Boolean(load_default=False, truthy={True}, falsy={False})


class DateArgs(Schema):
    format = fields.String(
        load_default="%Y-%m-%d",
        validate=lambda f: _check_format(f, with_time=False),
    )


class DateTimeArgs(Schema):
    format = fields.String(validate=lambda f: _check_format(f, with_time=True))
    tz = fields.String(load_default="UTC", validate=_check_zone)


class ValueMapArgs(Schema):
    map = fields.Dict(required=True, validate=validate.Length(min=1))
    default = fields.Raw(allow_none=True)


class AllocationsArgs(Schema):
    invoice_field = fields.String(load_default="doc")
    amount_field = fields.String(load_default="amount")
    places = fields.Integer(strict=True, validate=validate.Range(0, 12))
