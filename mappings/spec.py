"""Mapping files: marshmallow 4 schemas, semantic checks and the MappingSpec.

``parse_spec`` refuses a bad file with every problem at once, each naming the file,
the line and the dotted field path. What it returns is fully checked: transforms
exist, canonical fields exist for the object type (``rules.canonical.FIELDS``), args
fit their transform, constants have the field's type. The compiler trusts it.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Final

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from mappings.document import Document, Path, parse_document
from mappings.errors import TransformError
from mappings.transforms import REGISTRY, ArgError
from mappings.values import Target, to_canonical
from rules.canonical import FIELDS, FieldValue

_OBJECT_TYPES: Final = sorted(FIELDS)


def _text(**kwargs: Any) -> fields.String:
    # PyYAML reads unquoted yes/no/on/off/true/false as booleans, a common surprise.
    invalid = "expected text (quote it if it reads as yes/no/on/off/true/false)"
    return fields.String(error_messages={"invalid": invalid}, **kwargs)


def _flag() -> fields.Boolean:
    # Only real YAML booleans: "yes"/"1" as text is more likely a typo than intent.
    return fields.Boolean(load_default=False, truthy={True}, falsy={False})


class _FieldSchema(Schema):
    from_ = _text(data_key="from")
    const = fields.Raw(allow_none=True)
    via = _text()
    args = fields.Dict()
    default = fields.Raw(allow_none=True)
    required = _flag()
    only_on_create = _flag()

    @validates_schema
    def _one_source(self, data: dict[str, Any], **_kwargs: Any) -> None:
        if "from_" not in data and "const" not in data:
            raise ValidationError("missing 'from' (the raw field to read) or 'const'")
        if "const" in data and {"from_", "via", "args", "default"} & data.keys():
            raise ValidationError("'const' takes no from, via, args or default")
        if data.get("required") and "default" in data:
            raise ValidationError("'required' and 'default' exclude each other")


class _OutboundFieldSchema(Schema):
    from_ = _text(data_key="from")
    const = fields.Raw(allow_none=True)
    via = _text()
    args = fields.Dict()

    @validates_schema
    def _one_source(self, data: dict[str, Any], **_kwargs: Any) -> None:
        if ("from_" in data) == ("const" in data):
            raise ValidationError("give one of 'from' (canonical field) or 'const'")
        if "const" in data and {"via", "args"} & data.keys():
            raise ValidationError("'const' takes no via or args")


class _ModifiedSchema(Schema):
    from_ = _text(data_key="from", required=True)
    via = _text(load_default="datetime")
    args = fields.Dict()


class _StreamSchema(Schema):
    object_type = _text(required=True, validate=validate.OneOf(_OBJECT_TYPES))
    key = _text(required=True)
    modified = fields.Dict()
    missing = _text(load_default="clear", validate=validate.OneOf(["clear", "omit"]))
    field_map = fields.Dict(data_key="fields", required=True)


class _OutboundSchema(Schema):
    record_type = fields.Raw(required=True)
    field_map = fields.Dict(data_key="fields", required=True)


class _MappingSchema(Schema):
    version = fields.Integer(strict=True, load_default=1, validate=validate.Equal(1))
    system = _text(required=True, validate=validate.Length(min=1))
    streams = fields.Dict(required=True)
    outbound = fields.Dict(load_default=dict)


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """One checked field rule.

    Inbound: ``name`` is the canonical field, ``source`` the raw field. Outbound:
    ``name`` is the raw field, ``source`` the canonical field. ``source`` is None
    for a constant (``const``: canonical value inbound, raw value outbound).
    """

    name: str
    source: str | None
    target: Target
    via: str = ""
    args: Mapping[str, Any] = field(default_factory=dict)
    const: object = None
    has_default: bool = False
    default: FieldValue = None
    required: bool = False
    only_on_create: bool = False


@dataclass(frozen=True, slots=True)
class StreamSpec:
    """An inbound stream: raw records of one object type -> canonical records."""

    name: str
    object_type: str
    key: str
    modified: FieldSpec | None
    fields: tuple[FieldSpec, ...]
    clear_missing: bool


@dataclass(frozen=True, slots=True)
class OutboundSpec:
    """Gateway-owned canonical fields written to one remote record type."""

    object_type: str
    record_type: FieldSpec
    fields: tuple[FieldSpec, ...]


@dataclass(frozen=True, slots=True)
class MappingSpec:
    """A whole checked mapping file."""

    source: str
    system: str
    streams: tuple[StreamSpec, ...]
    outbound: tuple[OutboundSpec, ...]


def parse_spec(text: str, source: str) -> MappingSpec:
    """Parse and check a mapping file.

    Args:
        text: the YAML text.
        source: the name used in error messages (usually the file name).

    Raises:
        MappingFileError: listing every problem with file, line and field path.
    """
    doc = parse_document(text, source)
    top = doc.load(_MappingSchema(), doc.data, ())
    if top is None:
        raise doc.error()
    streams = [
        _stream(doc, ("streams", name), name, raw)
        for name, raw in _named(doc, ("streams",), top["streams"])
    ]
    outbound = [
        _outbound(doc, ("outbound", name), name, raw)
        for name, raw in _named(doc, ("outbound",), top["outbound"])
    ]
    doc.raise_if_any()
    return MappingSpec(
        source,
        top["system"],
        tuple(s for s in streams if s is not None),
        tuple(o for o in outbound if o is not None),
    )


def _named(doc: Document, path: Path, table: dict[Any, Any]) -> list[tuple[str, Any]]:
    """Entries of a name -> rule table whose names are text (others are problems)."""
    for name in table:
        if not isinstance(name, str):
            doc.add((*path, str(name)), "names must be text (quote it in YAML)")
    return [(k, v) for k, v in table.items() if isinstance(k, str)]


def _stream(doc: Document, path: Path, name: str, raw: object) -> StreamSpec | None:
    d = doc.load(_StreamSchema(), raw, path)
    if d is None:
        return None
    ot: str = d["object_type"]
    rules = [
        _inbound_field(doc, (*path, "fields", k), k, v, ot)
        for k, v in _named(doc, (*path, "fields"), d["field_map"])
    ]
    modified = None
    if "modified" in d:
        modified = _modified(doc, (*path, "modified"), d["modified"])
    checked = tuple(r for r in rules if r is not None)
    return StreamSpec(name, ot, d["key"], modified, checked, d["missing"] == "clear")


def _modified(doc: Document, path: Path, raw: object) -> FieldSpec | None:
    d = doc.load(_ModifiedSchema(), raw, path)
    if d is None:
        return None
    return _with_transform(doc, path, d, "remote_modified", Target("datetime"), False)


def _outbound(doc: Document, path: Path, name: str, raw: object) -> OutboundSpec | None:
    d = doc.load(_OutboundSchema(), raw, path)
    if name not in FIELDS:
        doc.add(
            path, f"unknown object type {name!r} (known: {', '.join(_OBJECT_TYPES)})"
        )
        return None
    if d is None:
        return None
    record_type = d["record_type"]
    if isinstance(record_type, str):
        record_type = {"const": record_type}
    rt = _outbound_field(doc, (*path, "record_type"), "record_type", record_type, name)
    rules = [
        _outbound_field(doc, (*path, "fields", k), k, v, name)
        for k, v in _named(doc, (*path, "fields"), d["field_map"])
    ]
    if rt is None:
        return None
    if rt.source is None and not isinstance(rt.const, str):
        doc.add((*path, "record_type"), "the record type must be text")
    return OutboundSpec(name, rt, tuple(r for r in rules if r is not None))


def _target(doc: Document, path: Path, object_type: str, name: str) -> Target | None:
    kind = FIELDS[object_type].get(name)
    if kind is None:
        known = ", ".join(sorted(FIELDS[object_type]))
        doc.add(
            path, f"unknown canonical field {name!r} for {object_type} (known: {known})"
        )
        return None
    return Target.of(object_type, name, kind)


def _inbound_field(
    doc: Document, path: Path, name: str, raw: object, object_type: str
) -> FieldSpec | None:
    d = doc.load(_FieldSchema(), raw, path)
    target = _target(doc, path, object_type, name)
    if d is None or target is None:
        return None
    if "const" in d:
        value = _constant(doc, (*path, "const"), target, d["const"])
        return FieldSpec(name, None, target, const=value)
    spec = _with_transform(doc, path, d, name, target, False)
    if spec is None:
        return None
    return replace(
        spec,
        has_default="default" in d,
        default=_constant(doc, (*path, "default"), target, d.get("default")),
        required=d["required"],
        only_on_create=d["only_on_create"],
    )


def _outbound_field(
    doc: Document, path: Path, name: str, raw: object, object_type: str
) -> FieldSpec | None:
    d = doc.load(_OutboundFieldSchema(), raw, path)
    if d is None:
        return None
    if "const" in d:
        return FieldSpec(name, None, Target("str"), const=d["const"])
    target = _target(doc, (*path, "from"), object_type, d["from_"])
    if target is None:
        return None
    return _with_transform(doc, path, d, name, target, True)


def _constant(doc: Document, path: Path, target: Target, value: object) -> FieldValue:
    try:
        return to_canonical(target, value)
    except TransformError as exc:
        doc.add(path, exc.reason)
        return None


def _with_transform(
    doc: Document, path: Path, d: dict[str, Any], name: str, target: Target, out: bool
) -> FieldSpec | None:
    """Check ``via`` and ``args`` against the registry and the field's value type."""
    via: str = d.get("via") or target.kind
    transform = REGISTRY.get(via)
    if transform is None:
        near = difflib.get_close_matches(via, REGISTRY, n=1)
        hint = f" (did you mean {near[0]!r}?)" if near else ""
        doc.add((*path, "via"), f"unknown transform {via!r}{hint}")
        return None
    if target.kind not in transform.kinds:
        doc.add(
            (*path, "via"),
            f"transform {via!r} cannot map a field of type {target.kind}",
        )
        return None
    args = doc.load(transform.args_schema(), d.get("args", {}), (*path, "args"))
    if args is None:
        return None
    try:
        args = dict(transform.prepare(args, target, out))
    except ArgError as exc:
        doc.add((*path, "args", *exc.path), exc.reason)
        return None
    return FieldSpec(name, d["from_"], target, via, args)
