"""The closed registry of named transforms, each usable in both directions.

A transform is named in a mapping file (``via: decimal``) with static ``args``. At
load time its factories build small closures: ``inbound`` turns one raw value into a
canonical value, ``outbound`` turns a canonical value back into what the remote system
takes. Closures raise :class:`~mappings.errors.TransformError` with a short reason;
the compiler adds the stream, record and field. There are no expressions: a new
behaviour is a new entry here, reviewed like any code.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import Enum
from types import MappingProxyType
from typing import Any, Final

from marshmallow import Schema

from mappings import scalars as s
from mappings import times as t
from mappings import transform_args as a
from mappings.errors import TransformError
from mappings.values import Args, Inbound, Outbound, Target, to_canonical
from rules.canonical import Allocation, FieldValue


class ArgError(ValueError):
    """An argument fits its schema but not the field; ``path`` is inside ``args``."""

    def __init__(self, path: tuple[str | int, ...], reason: str) -> None:
        super().__init__(reason)
        self.path = path
        self.reason = reason


def _as_is(args: Args, _target: Target, _outbound: bool) -> Args:
    return args


@dataclass(frozen=True, slots=True)
class Transform:
    """One registry entry: what it can produce, its args schema and its factories."""

    name: str
    kinds: frozenset[str]
    args_schema: type[Schema]
    inbound: Callable[[Args, Target], Inbound]
    outbound: Callable[[Args, Target], Outbound]
    prepare: Callable[[Args, Target, bool], Args] = _as_is


# --- value_map -------------------------------------------------------------------

_NOT_FOUND: Final = object()


def _raw_key(key: object) -> str:
    if isinstance(key, bool) or key is None:
        raise ArgError(
            ("map", str(key)), "YAML read this key as true/false/null: quote it"
        )
    if isinstance(key, str | int):
        return str(key)
    raise ArgError(("map", str(key)), "keys must be text")


def _prepare_map(args: Args, target: Target, outbound: bool) -> Args:
    """Convert the canonical side of the map (values inbound, keys outbound)."""
    table: dict[Any, Any] = {}
    for key, value in args["map"].items():
        try:
            if outbound:
                table[to_canonical(target, key)] = value
            else:
                table[_raw_key(key)] = to_canonical(target, value)
        except TransformError as exc:
            raise ArgError(("map", str(key)), exc.reason) from None
    prepared = dict(args, map=table)
    if "default" in args and not outbound:
        try:
            prepared["default"] = to_canonical(target, args["default"])
        except TransformError as exc:
            raise ArgError(("default",), exc.reason) from None
    return prepared


def _lookup(args: Args, *, raw_keys: bool) -> Callable[[object], Any]:
    table: Mapping[Any, Any] = args["map"]
    default = args.get("default", _NOT_FOUND)
    known = ", ".join(repr(k.value if isinstance(k, Enum) else k) for k in table)

    def conv(v: object) -> Any:
        key = str(v) if raw_keys and type(v) is not str else v
        try:
            found = table.get(key, default)
        except TypeError:  # an unhashable canonical value
            found = _NOT_FOUND
        if found is _NOT_FOUND:
            raise TransformError(f"unmapped value (known: {known})")
        return found

    return conv


def _map_in(args: Args, _target: Target) -> Inbound:
    return _lookup(args, raw_keys=True)


def _map_out(args: Args, _target: Target) -> Outbound:
    return _lookup(args, raw_keys=False)


# --- allocations -----------------------------------------------------------------


def _allocations_in(args: Args, _target: Target) -> Inbound:
    inv_f: str = args["invoice_field"]
    amt_f: str = args["amount_field"]
    amount = s.decimal_parser(args.get("places"))

    def item(i: int, entry: object) -> Allocation:
        if not isinstance(entry, Mapping):
            raise TransformError(f"item {i}: not a mapping")
        inv = entry.get(inv_f)
        if type(inv) is int:
            inv = str(inv)
        if type(inv) is not str or not inv:
            raise TransformError(f"item {i}: no {inv_f}")
        try:
            return Allocation(inv, amount(entry.get(amt_f)))
        except TransformError as exc:
            raise TransformError(f"item {i}: {amt_f} {exc.reason}") from None

    def conv(v: object) -> FieldValue:
        if not isinstance(v, list | tuple):
            raise TransformError("not a list of allocations")
        return tuple([item(i, entry) for i, entry in enumerate(v)])

    return conv


def _allocations_out(args: Args, _target: Target) -> Outbound:
    inv_f: str = args["invoice_field"]
    amt_f: str = args["amount_field"]
    amount = s.decimal_parser(args.get("places"))

    def conv(v: object) -> object:
        if not isinstance(v, tuple | list):
            raise TransformError("not a list of allocations")
        if not all(isinstance(x, Allocation) for x in v):
            raise TransformError("not a list of allocations")
        return [{inv_f: x.invoice, amt_f: amount(x.amount)} for x in v]

    return conv


# --- the registry ----------------------------------------------------------------


def _entry(name: str, kinds: str, schema: type[Schema], i: Any, o: Any) -> Transform:
    return Transform(name, frozenset(kinds.split()), schema, i, o)


REGISTRY: Final[Mapping[str, Transform]] = MappingProxyType(
    {
        t.name: t
        for t in (
            _entry("str", "str ref", a.StrArgs, s.str_in, s.str_out),
            _entry("ref", "ref str", a.NoArgs, s.ref_in, s.str_out),
            _entry("int", "int", a.NoArgs, s.int_in, s.int_out),
            _entry("bool", "bool", a.BoolArgs, s.bool_in, s.bool_out),
            _entry("decimal", "decimal", a.DecimalArgs, s.decimal_in, s.decimal_out),
            _entry("date", "date", a.DateArgs, t.date_in, t.date_out),
            _entry(
                "datetime", "datetime", a.DateTimeArgs, t.datetime_in, t.datetime_out
            ),
            Transform(
                "value_map",
                frozenset({"str", "ref", "int", "bool", "decimal", "date"}),
                a.ValueMapArgs,
                _map_in,
                _map_out,
                _prepare_map,
            ),
            _entry(
                "allocations",
                "allocations",
                a.AllocationsArgs,
                _allocations_in,
                _allocations_out,
            ),
        )
    }
)
