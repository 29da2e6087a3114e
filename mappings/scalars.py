"""Scalar transforms: ``str``, ``ref``, ``int``, ``bool`` and ``decimal``.

Each ``*_in`` factory builds a raw -> canonical closure, each ``*_out`` factory the
reverse. Closures test ``type(v) is ...`` first because the sync hot path runs them
once per field per record; the common raw shape (text) is the first branch.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from mappings.errors import TransformError
from mappings.values import Args, Inbound, Outbound, Target, check_choice
from rules.canonical import FieldValue

# --- str and ref -----------------------------------------------------------------


def str_in(args: Args, target: Target) -> Inbound:
    """Text as is (``strip`` trims it); whole numbers become text."""
    strip: bool = args["strip"]

    def text(v: object) -> str:
        if type(v) is str:
            return v.strip() if strip else v
        if type(v) is int:
            return str(v)
        raise TransformError("not text")

    if target.choices is None:
        return text
    return lambda v: check_choice(target, text(v))


def ref_in(_args: Args, _target: Target) -> Inbound:
    """An external id: text, or a whole number made text."""

    def conv(v: object) -> FieldValue:
        if type(v) is str:
            return v
        if type(v) is int:
            return str(v)
        raise TransformError("not an external id")

    return conv


def str_out(_args: Args, _target: Target) -> Outbound:
    """Canonical text (or external id) written as text."""
    return str


# --- int -------------------------------------------------------------------------


def int_in(_args: Args, _target: Target) -> Inbound:
    """A whole number from text ("12", "-3") or a number without a fraction."""

    def conv(v: object) -> FieldValue:
        if type(v) is int:
            return v
        if type(v) is str and "_" not in v:
            try:
                return int(v)
            except ValueError:
                pass
        elif (type(v) is Decimal and v == v.to_integral_value()) or (
            type(v) is float and v.is_integer()
        ):
            return int(v)
        raise TransformError("not an integer")

    return conv


def int_out(_args: Args, _target: Target) -> Outbound:
    """A canonical int written as a JSON number."""

    def conv(v: object) -> object:
        if type(v) is int:
            return v
        raise TransformError("not an integer")

    return conv


# --- bool ------------------------------------------------------------------------


def bool_in(args: Args, _target: Target) -> Inbound:
    """A flag from configured texts (ignoring case), a boolean or 0/1; ``negate`` flips."""
    true = frozenset(v.lower() for v in args["true_values"])
    false = frozenset(v.lower() for v in args["false_values"])
    flip: bool = args["negate"]

    def conv(v: object) -> FieldValue:
        if type(v) is str:
            text = v.lower()
            if text in true:
                return not flip
            if text in false:
                return flip
        elif type(v) is bool or (type(v) is int and v in (0, 1)):
            return bool(v) != flip
        raise TransformError("not a boolean")

    return conv


def bool_out(args: Args, _target: Target) -> Outbound:
    """A canonical bool written as ``out_true`` / ``out_false`` (after ``negate``)."""
    out_true, out_false, flip = args["out_true"], args["out_false"], args["negate"]

    def conv(v: object) -> object:
        if type(v) is not bool:
            raise TransformError("not a boolean")
        return out_true if v != flip else out_false

    return conv


# --- decimal ---------------------------------------------------------------------


def _quantum(places: int | None) -> Decimal | None:
    return None if places is None else Decimal(1).scaleb(-places)


def _parse_decimal(v: object) -> Decimal:
    if type(v) is str and "_" not in v:
        try:
            d = Decimal(v)
        except InvalidOperation:
            raise TransformError("not a decimal") from None
    elif type(v) is Decimal:
        d = v
    elif type(v) is int:
        d = Decimal(v)
    elif type(v) is float:
        d = Decimal(repr(v))  # a JSON number's shortest text, not its binary expansion
    else:
        raise TransformError("not a decimal")
    if not d.is_finite():
        raise TransformError("not a finite decimal")
    return d


def decimal_parser(
    places: int | None, absolute: bool = False
) -> Callable[[object], Decimal]:
    """Return a parser of raw amounts: exact ``Decimal``, rounded half-up to ``places``.

    Raises (from the parser):
        TransformError: the value is not a finite decimal or is too large.
    """
    q = _quantum(places)

    def conv(v: object) -> Decimal:
        d = _parse_decimal(v)
        if absolute:
            d = d.copy_abs()
        if q is None:
            return d
        try:
            return d.quantize(q, ROUND_HALF_UP)
        except InvalidOperation:
            raise TransformError("decimal too large") from None

    return conv


def decimal_in(args: Args, _target: Target) -> Inbound:
    """An exact amount, rounded half up to ``places``; ``abs`` drops the sign."""
    return decimal_parser(args.get("places"), args["abs"])


def decimal_out(args: Args, _target: Target) -> Outbound:
    """A Decimal (rounded to ``places``); the client serialises it."""
    return decimal_parser(args.get("places"))
