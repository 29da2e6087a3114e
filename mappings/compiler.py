"""Checked MappingSpec -> CompiledMapping: plain tuples of closures, built once.

The inbound path runs once per record at sync speed (the gateway aims at 20,000
records/s end to end), so everything that can be decided at load time is: each field
becomes a tuple ``(canonical name, raw name, converter, when missing, fill value)``
and a record is one loop over those tuples with no lookups into the spec.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import NoReturn, cast

from mappings.errors import (
    OutboundMappingError,
    RecordMappingError,
    TransformError,
    UnknownStreamError,
)
from mappings.spec import FieldSpec, MappingSpec, OutboundSpec, StreamSpec, parse_spec
from mappings.transforms import REGISTRY
from mappings.values import Inbound, Outbound
from rules.canonical import CanonicalRecord, FieldValue

RawRecord = Mapping[str, object]
# (canonical name, raw name, converter, when missing, value filled in when missing)
_FieldPlan = tuple[str, str, Inbound, int, FieldValue]
_OutPlan = tuple[str, str | None, Outbound | None, object]
_Modified = Callable[[str, str, RawRecord], datetime | None]


def load_mapping(text: str, source: str) -> CompiledMapping:
    """Parse, check and compile a mapping file.

    The caller reads the file (``mappings`` does no I/O) and passes its text.

    Args:
        text: the YAML text of the mapping file.
        source: the name used in error messages, e.g. ``netsuite.yaml``.

    Raises:
        MappingFileError: the file is refused; the message names file, line and path.
    """
    return CompiledMapping(parse_spec(text, source))


def _inbound_of(rule: FieldSpec) -> Inbound:
    return REGISTRY[rule.via].inbound(rule.args, rule.target)


def _outbound_of(rule: FieldSpec) -> Outbound:
    return REGISTRY[rule.via].outbound(rule.args, rule.target)


def _external_id(stream: str, key: str, value: object) -> str:
    if type(value) is int:
        return str(value)
    if type(value) is str and value:
        return value
    raise RecordMappingError(stream, None, key, value, "no external id", key)


# An adapter marks a record it could not read with this field (its value says why);
# the same name as adapters.base.INVALID_FIELD (mappings does not import adapters).
INVALID_FIELD = "_invalid"


def _refuse_invalid(stream: str, ext: object, raw: RawRecord) -> NoReturn:
    who = ext if type(ext) is str and ext else None
    reason = f"unreadable record: {raw[INVALID_FIELD]}"
    raise RecordMappingError(stream, who, "*", None, reason, None)


# What to do when a raw field is missing or empty.
_FILL, _SKIP, _REQUIRED = 0, 1, 2


def _field_plan(spec: StreamSpec) -> tuple[_FieldPlan, ...]:
    def when_missing(rule: FieldSpec) -> int:
        if rule.has_default or (spec.clear_missing and not rule.required):
            return _FILL
        return _REQUIRED if rule.required else _SKIP

    return tuple(
        (r.name, r.source, _inbound_of(r), when_missing(r), r.default)
        for r in spec.fields
        if r.source is not None
    )


def _compile_inbound(spec: StreamSpec) -> Callable[[RawRecord], CanonicalRecord]:
    stream, object_type, key = spec.name, spec.object_type, spec.key
    # parse_spec already turned inbound constants into canonical values.
    consts = {r.name: cast(FieldValue, r.const) for r in spec.fields if not r.source}
    plan = _field_plan(spec)
    modified = _compile_modified(spec)

    def apply(raw: RawRecord) -> CanonicalRecord:
        get = raw.get
        ext = get(key)
        if INVALID_FIELD in raw:
            _refuse_invalid(stream, ext, raw)
        if type(ext) is not str or not ext:
            ext = _external_id(stream, key, ext)
        out: dict[str, FieldValue] = dict(consts) if consts else {}
        for name, src, conv, missing, fill in plan:
            v = get(src)
            if v is None or v == "":
                if missing == _FILL:
                    out[name] = fill
                elif missing == _REQUIRED:
                    raise RecordMappingError(stream, ext, name, v, "required", src)
                continue
            try:
                out[name] = conv(v)
            except TransformError as exc:
                reason = exc.reason
                raise RecordMappingError(stream, ext, name, v, reason, src) from None
        when = modified(stream, ext, raw) if modified is not None else None
        return CanonicalRecord(object_type, ext, out, when)

    return apply


def _compile_modified(spec: StreamSpec) -> _Modified | None:
    rule = spec.modified
    if rule is None or rule.source is None:
        return None
    src, conv = rule.source, _inbound_of(rule)

    def modified(stream: str, ext: str, raw: RawRecord) -> datetime | None:
        v = raw.get(src)
        if v is None or v == "":
            return None
        try:
            when = conv(v)
        except TransformError as exc:
            raise RecordMappingError(
                stream, ext, "remote_modified", v, exc.reason, src
            ) from None
        return when if isinstance(when, datetime) else None

    return modified


class _Outbound:
    """One object type's outbound plan (see :meth:`CompiledMapping.outbound`)."""

    __slots__ = ("_record_conv", "fields", "object_type", "plan", "record_type")

    def __init__(self, spec: OutboundSpec) -> None:
        self.object_type = spec.object_type
        self.record_type = spec.record_type
        self.plan: tuple[_OutPlan, ...] = tuple(
            (r.name, r.source, None if r.source is None else _outbound_of(r), r.const)
            for r in spec.fields
        )
        self.fields = frozenset(r.source for r in spec.fields if r.source is not None)
        self._record_conv = (
            None if spec.record_type.source is None else _outbound_of(spec.record_type)
        )

    def type_for(self, values: Mapping[str, FieldValue]) -> str:
        rule, conv = self.record_type, self._record_conv
        if rule.source is None or conv is None:
            return str(rule.const)
        value = values.get(rule.source)
        try:
            chosen = conv(value)
        except TransformError as exc:
            raise OutboundMappingError(
                self.object_type, rule.source, value, f"record type: {exc.reason}"
            ) from None
        if not isinstance(chosen, str):
            raise OutboundMappingError(
                self.object_type, rule.source, value, "record type is not text"
            )
        return chosen

    def payload(
        self, values: Mapping[str, FieldValue], wanted: frozenset[str] | None
    ) -> dict[str, object]:
        out: dict[str, object] = {}
        consts: dict[str, object] = {}
        for raw_name, canon, conv, const in self.plan:
            if canon is None or conv is None:
                consts[raw_name] = const
                continue
            if canon not in values or (wanted is not None and canon not in wanted):
                continue
            v = values[canon]
            try:
                out[raw_name] = None if v is None else conv(v)
            except TransformError as exc:
                raise OutboundMappingError(
                    self.object_type, canon, v, exc.reason
                ) from None
        # Constants ride along only with a real change, never as a write on their own.
        return {**consts, **out} if out else out


class CompiledMapping:
    """A loaded mapping, ready to translate records in both directions."""

    __slots__ = ("_inbound", "_outbound", "_streams", "source", "system")

    def __init__(self, spec: MappingSpec) -> None:
        self.system = spec.system
        self.source = spec.source
        self._streams = {s.name: s for s in spec.streams}
        self._inbound = {s.name: _compile_inbound(s) for s in spec.streams}
        self._outbound = {o.object_type: _Outbound(o) for o in spec.outbound}

    @property
    def stream_names(self) -> tuple[str, ...]:
        """The inbound streams, in file order."""
        return tuple(self._streams)

    @property
    def outbound_types(self) -> tuple[str, ...]:
        """The canonical object types with an outbound section, in file order."""
        return tuple(self._outbound)

    def _stream(self, stream: str) -> StreamSpec:
        try:
            return self._streams[stream]
        except KeyError:
            raise UnknownStreamError(f"{self.source}: no stream {stream!r}") from None

    def object_type(self, stream: str) -> str:
        """Return the canonical object type of ``stream``.

        Raises:
            UnknownStreamError: the mapping has no such stream.
        """
        return self._stream(stream).object_type

    def inbound_fields(self, stream: str) -> frozenset[str]:
        """Return the canonical fields ``stream`` produces (missing ones as None)."""
        return frozenset(r.name for r in self._stream(stream).fields)

    def only_on_create(self, object_type: str) -> frozenset[str]:
        """Return the canonical fields of ``object_type`` marked ``only_on_create``.

        The gateway takes them when it first creates the canonical record and
        ignores later remote changes to them. Empty for an unmapped object type.
        """
        return frozenset(
            r.name
            for s in self._streams.values()
            if s.object_type == object_type
            for r in s.fields
            if r.only_on_create
        )

    def inbound(self, stream: str, raw: RawRecord) -> CanonicalRecord:
        """Translate one raw record of ``stream`` into a canonical record.

        Raises:
            UnknownStreamError: the mapping has no such stream.
            RecordMappingError: a field is missing, required or cannot be converted.
        """
        try:
            apply = self._inbound[stream]
        except KeyError:
            raise UnknownStreamError(f"{self.source}: no stream {stream!r}") from None
        return apply(raw)

    def outbound_fields(self, object_type: str) -> frozenset[str]:
        """Return the canonical fields written back for ``object_type`` (maybe none)."""
        plan = self._outbound.get(object_type)
        return plan.fields if plan is not None else frozenset()

    def outbound(
        self,
        object_type: str,
        values: Mapping[str, FieldValue],
        *,
        fields: Iterable[str] | None = None,
    ) -> tuple[str, dict[str, object]]:
        """Build the remote record type and payload for gateway-owned fields.

        Args:
            object_type: the canonical object type (``invoice``, ``customer``...).
            values: canonical values; must include the field that picks the record
                type when the mapping derives it (``kind`` for invoices).
            fields: write only these canonical fields (others in ``values`` and
                names without an outbound rule are ignored); None writes all present.

        Returns:
            ``(record_type, payload)``; the payload is empty when nothing applies.

        Raises:
            UnknownStreamError: no outbound section for ``object_type``.
            OutboundMappingError: a value cannot be written in the remote's terms.
        """
        plan = self._outbound.get(object_type)
        if plan is None:
            raise UnknownStreamError(f"{self.source}: no outbound {object_type!r}")
        wanted = None if fields is None else frozenset(fields)
        return plan.type_for(values), plan.payload(values, wanted)
