"""What one page's application shares: its context, counters and collected writes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from gateway.audit.log import AuditRecord
from gateway.store.mirror import TABLES, column_name
from rules.canonical import FIELDS, REFERENCES, Allocation, CanonicalRecord, Owner

if TYPE_CHECKING:
    from adapters.base import SourceAdapter, StreamSpec
    from mappings.compiler import CompiledMapping
    from rules.ownership import OwnershipRules


@dataclass
class StreamContext:
    """Everything a page needs to know about where it came from."""

    connection: str
    kind: str
    role: Owner
    adapter: SourceAdapter
    mapping: CompiledMapping
    rules: OwnershipRules
    streams: Sequence[StreamSpec]
    run_id: int | None
    now: datetime
    id_cache: dict[str, dict[str, int]] = field(default_factory=dict)
    lease: str | None = None

    @property
    def actor(self) -> str:
        return f"sync:{self.connection}"

    def stream_for(self, object_type: str) -> str | None:
        for spec in self.streams:
            if spec.object_type == object_type and not spec.deletions:
                return spec.name
        return None


@dataclass
class PageCounts:
    read: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    deleted: int = 0
    conflicts: int = 0

    def add(self, other: PageCounts) -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class Batch:
    """Writes collected while applying a page, flushed in a few bulk statements."""

    audit: list[AuditRecord] = field(default_factory=list)
    counts: PageCounts = field(default_factory=PageCounts)


@dataclass
class ResolvedRefs:
    """Local ids of the records a page refers to, and the records refused for it."""

    by_type: dict[str, dict[str, int]] = field(default_factory=dict)
    rejected: set[str] = field(default_factory=set)


def allocations_of(record: CanonicalRecord) -> tuple[Allocation, ...]:
    value = record.fields.get("allocations")
    return value if isinstance(value, tuple) else ()


def mirror_row(
    object_type: str,
    record: CanonicalRecord,
    ref_ids: ResolvedRefs,
    now: datetime,
    *,
    created: bool,
) -> dict[str, Any]:
    """The mirror columns for a record's fields (references as local ids)."""
    row: dict[str, Any] = dict(_TEMPLATES[object_type]) if created else {}
    columns = _COLUMNS[object_type]
    targets = _REF_TARGETS[object_type]
    value: object
    for name, value in record.fields.items():
        column = columns[name]
        if column is None:
            continue
        if name in targets:  # a reference: store the local id
            ids = ref_ids.by_type.get(targets[name], {})
            value = ids.get(str(value)) if value else None
        row[column] = value
    row["updated_at"] = now
    if created:
        row["created_at"] = now
    return row


def _template(object_type: str) -> dict[str, Any]:
    row: dict[str, Any] = {}
    for column in TABLES[object_type].columns:
        if column.primary_key:
            continue
        default = column.default
        row[column.key] = getattr(default, "arg", None) if default is not None else None
    return row


_TEMPLATES = {object_type: _template(object_type) for object_type in FIELDS}
_REF_TARGETS = {
    object_type: {
        name: target
        for (owner, name), target in REFERENCES.items()
        if owner == object_type
    }
    for object_type in FIELDS
}
_COLUMNS = {
    object_type: {name: column_name(object_type, name) for name in fields}
    for object_type, fields in FIELDS.items()
}
