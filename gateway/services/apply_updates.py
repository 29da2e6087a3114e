"""Records the mirror already has: decide each field under the ownership rules, then
write accepted changes, shadows, audit entries, conflicts and write-backs."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from gateway.audit.log import AuditRecord, encode_value
from gateway.audit.tags import Action, tag
from gateway.services.page_map import dump_shadow
from gateway.services.page_state import allocations_of, mirror_row
from gateway.services.reconcile import FieldChange, RecordPlan, plan_record
from rules.canonical import FIELDS, REFERENCES, CanonicalRecord
from rules.encoding import FIELD_ENCODERS, Encoded

if TYPE_CHECKING:
    from gateway.services.page_map import MappedPage
    from gateway.services.page_state import Batch, ResolvedRefs, StreamContext
    from gateway.store.mirror import MirrorRepository, RefRow
    from gateway.store.sync_repo import SyncRepository


def update_records(
    ctx: StreamContext,
    mirror: MirrorRepository,
    sync: SyncRepository,
    records: list[CanonicalRecord],
    page: MappedPage,
    refs: dict[str, RefRow],
    ref_ids: ResolvedRefs,
    batch: Batch,
) -> None:
    """Plan every field of ``records`` (one object type) and write the outcome."""
    if not records:
        return
    object_type = records[0].object_type
    local_ids = [refs[r.external_id].local_id for r in records]
    current_rows = mirror.current_values(object_type, local_ids)
    current = encode_current(ctx, mirror, object_type, current_rows)
    skip = ctx.mapping.only_on_create(object_type)
    plans = []
    for record in records:
        ref = refs[record.external_id]
        plan = plan_record(
            record,
            local_id=ref.local_id,
            incoming=page.encoded[record.external_id],
            shadow=json.loads(ref.shadow),
            current=current.get(ref.local_id, {}),
            current_at=current_rows.get(ref.local_id, {}).get("updated_at"),
            rules=ctx.rules,
            source=ctx.role,
            skip=skip,
        )
        plans.append((plan, ref))
    _write_plans(ctx, mirror, object_type, plans, ref_ids, batch)
    for plan, _ref in plans:
        _record_outcomes(ctx, sync, object_type, plan, batch)


def encode_current(
    ctx: StreamContext,
    mirror: MirrorRepository,
    object_type: str,
    rows: dict[int, dict[str, Any]],
) -> dict[int, dict[str, Encoded]]:
    """Mirror rows in the canonical encoding, references as this connection's ids."""
    encoders = FIELD_ENCODERS[object_type]
    reverse: dict[str, dict[int, str]] = {}
    for (owner_type, name), target in REFERENCES.items():
        if owner_type == object_type:
            ids = sorted(
                {r[f"{name}_id"] for r in rows.values() if r.get(f"{name}_id")}
            )
            reverse[name] = mirror.external_ids_for(ctx.connection, target, ids)
    allocations = mirror.allocations_for(list(rows)) if object_type == "payment" else {}
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
    ctx: StreamContext,
    mirror: MirrorRepository,
    object_type: str,
    plans: list[tuple[RecordPlan, RefRow]],
    ref_ids: ResolvedRefs,
    batch: Batch,
) -> None:
    updates, shadows, allocations = [], [], {}
    for plan, ref in plans:
        if plan.accepted:
            changed = {c.field for c in plan.accepted}
            fields = {k: v for k, v in plan.record.fields.items() if k in changed}
            partial = CanonicalRecord(object_type, plan.record.external_id, fields)
            row = mirror_row(object_type, partial, ref_ids, ctx.now, created=False)
            row["id"] = plan.local_id
            if len(row) > 2:  # more than id and updated_at
                updates.append(row)
            if "allocations" in changed:
                allocations[plan.local_id] = allocations_of(plan.record)
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
    mirror.update_rows(object_type, updates)
    mirror.update_shadows(shadows)
    mirror.replace_allocations(allocations, ref_ids.by_type.get("invoice", {}))


def _record_outcomes(
    ctx: StreamContext,
    sync: SyncRepository,
    object_type: str,
    plan: RecordPlan,
    batch: Batch,
) -> None:
    def entry(action: Action, change: FieldChange) -> AuditRecord:
        return AuditRecord(
            tag=tag(ctx.kind, object_type, action),
            object_type=object_type,
            field=change.field,
            actor=ctx.actor,
            connection=ctx.connection,
            external_id=plan.record.external_id,
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
    _queue_for_review(ctx, sync, object_type, plan, batch)
    if plan.reverted:
        sync.enqueue_field_update(
            connection=ctx.connection,
            object_type=object_type,
            local_id=plan.local_id,
            external_id=plan.record.external_id,
            fields=[c.field for c in plan.reverted],
            at=ctx.now,
        )


def _queue_for_review(
    ctx: StreamContext,
    sync: SyncRepository,
    object_type: str,
    plan: RecordPlan,
    batch: Batch,
) -> None:
    """Flags and manual conflicts go to the conflict queue with both values."""
    for kind, changes in (("flag", plan.flagged), ("conflict", plan.conflicts)):
        for change in changes:
            sync.add_conflict(
                kind=kind,
                connection=ctx.connection,
                object_type=object_type,
                local_id=plan.local_id,
                external_id=plan.record.external_id,
                field=change.field,
                mirror_value=encode_value(change.new),
                remote_value=encode_value(change.old),
                rule=change.rule,
                run_id=ctx.run_id,
                at=ctx.now,
            )
            batch.counts.conflicts += 1
