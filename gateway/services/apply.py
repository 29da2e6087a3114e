"""Apply one page of raw records to the mirror, inside the caller's transaction.

The pipeline per page: map -> resolve references -> create new records / plan and
apply changes to existing ones under the ownership rules -> shadows, audit entries,
conflicts, outbox write-backs. The caller commits it together with the stream cursor,
so a crash replays at most one page, and a replayed page changes nothing.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from gateway.audit.log import AuditLog, AuditRecord, encode_value
from gateway.audit.tags import Action, tag
from gateway.services.page_map import MappedPage, dump_shadow, map_page
from gateway.services.reconcile import RecordPlan, plan_record
from gateway.store.mirror import MirrorRepository, column_name
from gateway.store.sync_repo import SyncRepository
from rules.canonical import FIELDS, REFERENCES, Allocation, CanonicalRecord, Owner
from rules.encoding import FIELD_ENCODERS, Encoded

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from adapters.base import RawRecord, SourceAdapter, StreamSpec
    from mappings.compiler import CompiledMapping
    from rules.ownership import OwnershipRules


ID_CACHE_LIMIT = 200_000


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
class _Batch:
    """Writes collected while applying a page, flushed in a few bulk statements."""

    audit: list[AuditRecord] = field(default_factory=list)
    counts: PageCounts = field(default_factory=PageCounts)


class PageApplier:
    def __init__(self, ctx: StreamContext, session: Session) -> None:
        self.ctx = ctx
        self.session = session
        self.mirror = MirrorRepository(session)
        self.sync = SyncRepository(session)

    def apply(
        self,
        stream: StreamSpec,
        records: Sequence[RawRecord],
        mapped: MappedPage | None = None,
    ) -> PageCounts:
        """Apply a page; ``mapped`` is its mapping if already done (read-ahead)."""
        batch = _Batch()
        batch.counts.read = len(records)
        if stream.deletions:
            self._apply_deletions(records, batch)
        else:
            self._apply_records(stream.name, records, batch, mapped)
        AuditLog(self.session).append(batch.audit, self.ctx.now)
        return batch.counts

    # -- mapping ----------------------------------------------------------------

    def _map(
        self,
        stream: str,
        records: Sequence[RawRecord],
        batch: _Batch,
        mapped: MappedPage | None = None,
    ) -> MappedPage:
        page = (
            mapped
            if mapped is not None
            else map_page(self.ctx.mapping, stream, records)
        )
        for exc in page.errors:
            self._reject(
                stream, exc.external_id, exc.field, exc.raw_value, str(exc), batch
            )
        return page

    def _reject(
        self,
        stream: str,
        external_id: str | None,
        field: str | None,
        raw_value: object,
        reason: str,
        batch: _Batch,
    ) -> None:
        ctx = self.ctx
        object_type = ctx.mapping.object_type(stream)
        self.sync.add_rejection(
            run_id=ctx.run_id,
            connection=ctx.connection,
            stream=stream,
            external_id=external_id,
            field=field,
            raw_value=None if raw_value is None else str(raw_value)[:500],
            reason=reason,
            at=ctx.now,
        )
        batch.audit.append(
            AuditRecord(
                tag=tag(ctx.kind, object_type, Action.REJECT),
                object_type=object_type,
                field=field or "*",
                actor=ctx.actor,
                connection=ctx.connection,
                external_id=external_id,
                new=None if raw_value is None else str(raw_value)[:500],
                rule=reason[:64],
                run_id=ctx.run_id,
            )
        )
        batch.counts.rejected += 1

    # -- records ------------------------------------------------------------------

    def _apply_records(
        self,
        stream: str,
        records: Sequence[RawRecord],
        batch: _Batch,
        mapped: MappedPage | None = None,
    ) -> None:
        page = self._map(stream, records, batch, mapped)
        if not page.records:
            return
        object_type = self.ctx.mapping.object_type(stream)
        ref_ids = self._resolve_references(stream, object_type, page.records, batch)
        good = [r for r in page.records if r.external_id not in ref_ids.rejected]
        refs = self.mirror.refs(
            self.ctx.connection, object_type, [r.external_id for r in good]
        )
        new = [r for r in good if r.external_id not in refs]
        existing = [r for r in good if r.external_id in refs]
        self._create(object_type, new, page, ref_ids, batch)
        self._update(object_type, existing, page, refs, ref_ids, batch)

    def _resolve_references(
        self,
        stream: str,
        object_type: str,
        records: list[CanonicalRecord],
        batch: _Batch,
    ) -> _ResolvedRefs:
        resolved = _ResolvedRefs()
        for (owner_type, name), target in REFERENCES.items():
            if owner_type != object_type:
                continue
            wanted = sorted(
                {str(r.fields[name]) for r in records if r.fields.get(name)}
            )
            ids = self._local_ids(target, wanted)
            missing = [ext for ext in wanted if ext not in ids]
            if missing:
                self._import_dependencies(target, missing, batch)
                ids.update(self._local_ids(target, missing))
            resolved.by_type[target] = ids
            for record in records:
                ext = record.fields.get(name)
                if ext and str(ext) not in ids:
                    reason = f"{stream} {record.external_id}: field {name}: {target} {ext} does not exist in {self.ctx.connection}"
                    self._reject(stream, record.external_id, name, ext, reason, batch)
                    resolved.rejected.add(record.external_id)
        if object_type == "payment":
            wanted = sorted({a.invoice for r in records for a in _allocations(r)})
            resolved.by_type["invoice"] = self._local_ids("invoice", wanted)
        return resolved

    def _local_ids(self, object_type: str, external_ids: list[str]) -> dict[str, int]:
        """Local ids of referenced records; a binding never changes once made, so
        the run keeps a bounded cache of them instead of asking on every page."""
        cache = self.ctx.id_cache.setdefault(object_type, {})
        found = {ext: cache[ext] for ext in external_ids if ext in cache}
        unknown = [ext for ext in external_ids if ext not in found]
        if unknown:
            fetched = self.mirror.local_ids(self.ctx.connection, object_type, unknown)
            if len(cache) + len(fetched) > ID_CACHE_LIMIT:
                cache.clear()  # keeps memory flat however large the remote is
            cache.update(fetched)
            found.update(fetched)
        return found

    def _import_dependencies(
        self, object_type: str, external_ids: list[str], batch: _Batch
    ) -> None:
        """Fetch referenced records not mirrored yet (created after their stream ran)."""
        stream = self.ctx.stream_for(object_type)
        if stream is None:
            return
        raws = [
            raw for ext in external_ids if (raw := self.ctx.adapter.lookup(stream, ext))
        ]
        if raws:
            inner = _Batch()
            self._apply_records(stream, raws, inner)
            batch.audit.extend(inner.audit)

    # -- creates ------------------------------------------------------------------

    def _create(
        self,
        object_type: str,
        records: list[CanonicalRecord],
        page: MappedPage,
        ref_ids: _ResolvedRefs,
        batch: _Batch,
    ) -> None:
        if not records:
            return
        ctx = self.ctx
        encoded = [page.shadow_text(r.external_id) for r in records]
        rows = [self._row(object_type, r, ref_ids, created=True) for r in records]
        ids = self.mirror.insert_rows(object_type, rows)
        self.mirror.insert_refs(
            [
                {
                    "connection": ctx.connection,
                    "object_type": object_type,
                    "external_id": r.external_id,
                    "local_id": local_id,
                    "shadow": enc,
                    "remote_modified": r.remote_modified,
                    "updated_at": ctx.now,
                }
                for r, local_id, enc in zip(records, ids, encoded, strict=True)
            ]
        )
        if object_type == "payment":
            self.mirror.replace_allocations(
                {
                    local_id: _allocations(r)
                    for r, local_id in zip(records, ids, strict=True)
                },
                ref_ids.by_type.get("invoice", {}),
            )
        create_tag = tag(ctx.kind, object_type, Action.CREATE)
        batch.audit.extend(
            AuditRecord(
                tag=create_tag,
                object_type=object_type,
                field="*",
                actor=ctx.actor,
                connection=ctx.connection,
                external_id=r.external_id,
                local_id=local_id,
                new=enc,
                rule="initial",
                run_id=ctx.run_id,
            )
            for r, local_id, enc in zip(records, ids, encoded, strict=True)
        )
        batch.counts.created += len(records)

    def _row(
        self,
        object_type: str,
        record: CanonicalRecord,
        ref_ids: _ResolvedRefs,
        *,
        created: bool,
    ) -> dict[str, Any]:
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
        row["updated_at"] = self.ctx.now
        if created:
            row["created_at"] = self.ctx.now
        return row

    # -- updates ------------------------------------------------------------------

    def _update(
        self,
        object_type: str,
        records: list[CanonicalRecord],
        page: MappedPage,
        refs: dict[str, Any],
        ref_ids: _ResolvedRefs,
        batch: _Batch,
    ) -> None:
        if not records:
            return
        local_ids = [refs[r.external_id].local_id for r in records]
        current_rows = self.mirror.current_values(object_type, local_ids)
        current_enc = self._encode_current(object_type, current_rows)
        plans = []
        for record in records:
            ref = refs[record.external_id]
            row = current_rows.get(ref.local_id, {})
            plan = plan_record(
                record,
                local_id=ref.local_id,
                incoming=page.encoded[record.external_id],
                shadow=json.loads(ref.shadow),
                current=current_enc.get(ref.local_id, {}),
                current_at=row.get("updated_at"),
                rules=self.ctx.rules,
                source=self.ctx.role,
                skip=self.ctx.mapping.only_on_create(object_type),
            )
            plans.append((plan, ref))
        self._write_plans(object_type, plans, ref_ids, batch)

    def _encode_current(
        self, object_type: str, rows: dict[int, dict[str, Any]]
    ) -> dict[int, dict[str, Encoded]]:
        """Mirror rows in the canonical encoding, references as this connection's ids."""
        encoders = FIELD_ENCODERS[object_type]
        reverse: dict[str, dict[int, str]] = {}
        for (owner_type, name), target in REFERENCES.items():
            if owner_type == object_type:
                ids = sorted(
                    {
                        row[f"{name}_id"]
                        for row in rows.values()
                        if row.get(f"{name}_id")
                    }
                )
                reverse[name] = self.mirror.external_ids_for(
                    self.ctx.connection, target, ids
                )
        allocations = (
            self.mirror.allocations_for(list(rows)) if object_type == "payment" else {}
        )
        encoded: dict[int, dict[str, Encoded]] = {}
        for local_id, row in rows.items():
            values: dict[str, Encoded] = {}
            for name, kind in FIELDS[object_type].items():
                if kind == "ref":
                    values[name] = reverse[name].get(row.get(f"{name}_id"))  # type: ignore[arg-type]
                elif kind == "allocations":
                    values[name] = encoders[name](allocations.get(local_id, ()))
                else:
                    values[name] = encoders[name](row.get(name))
            encoded[local_id] = values
        return encoded

    def _write_plans(
        self,
        object_type: str,
        plans: list[tuple[RecordPlan, Any]],
        ref_ids: _ResolvedRefs,
        batch: _Batch,
    ) -> None:
        ctx = self.ctx
        updates, shadows, allocations = [], [], {}
        for plan, ref in plans:
            if plan.accepted:
                changed = {c.field for c in plan.accepted}
                partial = CanonicalRecord(
                    object_type,
                    plan.record.external_id,
                    {k: v for k, v in plan.record.fields.items() if k in changed},
                )
                row = self._row(object_type, partial, ref_ids, created=False)
                row["id"] = plan.local_id
                if len(row) > 2:  # more than id and updated_at
                    updates.append(row)
                if "allocations" in changed:
                    allocations[plan.local_id] = _allocations(plan.record)
                batch.counts.updated += 1
            else:
                batch.counts.unchanged += 1
            if plan.shadow_changed:
                shadows.append(
                    {
                        "b_id": ref.id,
                        "b_shadow": dump_shadow(plan.new_shadow),
                        "b_remote_modified": plan.record.remote_modified,
                        "b_updated_at": ctx.now,
                    }
                )
            self._record_outcomes(object_type, plan, batch)
        self.mirror.update_rows(object_type, updates)
        self.mirror.update_shadows(shadows)
        self.mirror.replace_allocations(allocations, ref_ids.by_type.get("invoice", {}))

    def _record_outcomes(
        self, object_type: str, plan: RecordPlan, batch: _Batch
    ) -> None:
        ctx = self.ctx
        ext = plan.record.external_id

        def entry(action: Action, change: Any) -> AuditRecord:
            return AuditRecord(
                tag=tag(ctx.kind, object_type, action),
                object_type=object_type,
                field=change.field,
                actor=ctx.actor,
                connection=ctx.connection,
                external_id=ext,
                local_id=plan.local_id,
                old=encode_value(change.old),
                new=encode_value(change.new),
                rule=change.rule,
                run_id=ctx.run_id,
            )

        batch.audit.extend(entry(Action.PULL, c) for c in plan.accepted)
        batch.audit.extend(entry(Action.REVERT, c) for c in plan.reverted)
        batch.audit.extend(entry(Action.FLAG, c) for c in plan.flagged)
        batch.audit.extend(entry(Action.CONFLICT, c) for c in plan.conflicts)
        for kind, changes in (("flag", plan.flagged), ("conflict", plan.conflicts)):
            for change in changes:
                self.sync.add_conflict(
                    kind=kind,
                    connection=ctx.connection,
                    object_type=object_type,
                    local_id=plan.local_id,
                    external_id=ext,
                    field=change.field,
                    mirror_value=encode_value(change.new),
                    remote_value=encode_value(change.old),
                    rule=change.rule,
                    run_id=ctx.run_id,
                    at=ctx.now,
                )
                batch.counts.conflicts += 1
        if plan.reverted:
            self.sync.enqueue_field_update(
                connection=ctx.connection,
                object_type=object_type,
                local_id=plan.local_id,
                external_id=ext,
                fields=[c.field for c in plan.reverted],
                at=ctx.now,
            )

    # -- deletions ----------------------------------------------------------------

    def _apply_deletions(self, records: Sequence[RawRecord], batch: _Batch) -> None:
        ctx = self.ctx
        by_type: dict[str, list[str]] = {}
        for raw in records:
            stream = str(raw.get("stream", ""))
            if stream in ctx.mapping.stream_names:
                by_type.setdefault(ctx.mapping.object_type(stream), []).append(
                    str(raw.get("id"))
                )
        for object_type, external_ids in by_type.items():
            refs = self.mirror.refs(ctx.connection, object_type, external_ids)
            self.mirror.mark_deleted(
                object_type, [r.local_id for r in refs.values()], ctx.now
            )
            delete_tag = tag(ctx.kind, object_type, Action.DELETE)
            batch.audit.extend(
                AuditRecord(
                    tag=delete_tag,
                    object_type=object_type,
                    field="*",
                    actor=ctx.actor,
                    connection=ctx.connection,
                    external_id=ext,
                    local_id=ref.local_id,
                    new="deleted",
                    rule="remote_deleted",
                    run_id=ctx.run_id,
                )
                for ext, ref in refs.items()
            )
            batch.counts.deleted += len(refs)


@dataclass
class _ResolvedRefs:
    by_type: dict[str, dict[str, int]] = field(default_factory=dict)
    rejected: set[str] = field(default_factory=set)


def _allocations(record: CanonicalRecord) -> tuple[Allocation, ...]:
    value = record.fields.get("allocations")
    return value if isinstance(value, tuple) else ()


def _template(object_type: str) -> dict[str, Any]:
    from gateway.store.mirror import TABLES

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
