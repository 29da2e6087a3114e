"""Calendar transforms: ``date`` and ``datetime`` (always UTC-aware inbound)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from mappings.errors import TransformError
from mappings.transform_args import zone as find_zone
from mappings.values import Args, Inbound, Outbound, Target
from rules.canonical import FieldValue

# --- date and datetime -----------------------------------------------------------

_ISO_DATE = "%Y-%m-%d"
_ISO_DATETIME = "%Y-%m-%d %H:%M:%S"


def _is_iso_date(v: str) -> bool:
    # date.fromisoformat also takes 20240131 and 2024-W05-3 since 3.11: gate on shape.
    return len(v) == 10 and v[4] == "-" and v[7] == "-"


def date_in(args: Args, _target: Target) -> Inbound:
    """A date in ``format``; ``%Y-%m-%d`` takes the fast ``fromisoformat`` path."""
    fmt: str = args["format"]
    fast = fmt == _ISO_DATE

    def conv(v: object) -> FieldValue:
        if type(v) is str:
            try:
                if fast:
                    if _is_iso_date(v):
                        return date.fromisoformat(v)
                else:
                    return datetime.strptime(v, fmt).date()  # noqa: DTZ007 - date part only
            except ValueError:
                pass
        elif type(v) is date:
            return v
        raise TransformError(f"not a date ({fmt})")

    return conv


def date_out(args: Args, _target: Target) -> Outbound:
    """A date written as text in ``format``."""
    fmt: str = args["format"]
    fast = fmt == _ISO_DATE

    def conv(v: object) -> object:
        if not isinstance(v, date):
            raise TransformError("not a date")
        return v.isoformat()[:10] if fast else v.strftime(fmt)

    return conv


def _parse_time(v: str, fmt: str | None) -> datetime:
    if fmt is None:
        return datetime.fromisoformat(v)
    if fmt == _ISO_DATETIME:
        if len(v) == 19 and v[10] == " " and v[13] == ":":
            return datetime.fromisoformat(v)
        raise ValueError(v)
    return datetime.strptime(v, fmt)  # noqa: DTZ007 - the zone is attached by the caller


def datetime_in(args: Args, _target: Target) -> Inbound:
    """A time in ``format`` (default ISO 8601); naive times are in ``tz``; -> UTC."""
    fmt: str | None = args.get("format")
    zone = find_zone(args["tz"])

    def conv(v: object) -> FieldValue:
        if type(v) is str:
            try:
                t = _parse_time(v, fmt)
            except ValueError:
                raise TransformError(f"not a time ({fmt or 'ISO 8601'})") from None
        elif type(v) is datetime:
            t = v
        else:
            raise TransformError("not a time")
        if t.tzinfo is None:
            t = t.replace(tzinfo=zone)
        return t if t.tzinfo is UTC else t.astimezone(UTC)

    return conv


def datetime_out(args: Args, _target: Target) -> Outbound:
    """An aware time written in ``tz`` as ``format`` (default ISO 8601)."""
    fmt: str | None = args.get("format")
    zone = find_zone(args["tz"])

    def conv(v: object) -> object:
        if not isinstance(v, datetime) or v.tzinfo is None:
            raise TransformError("not an aware time")
        local = v.astimezone(zone)
        return local.isoformat() if fmt is None else local.strftime(fmt)

    return conv
