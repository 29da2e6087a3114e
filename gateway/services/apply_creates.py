"""Records new to the mirror: insert rows, bind them with their shadows, audit each."""

from __future__ import annotations

from typing import TYPE_CHECKING

from gateway.audit.log import AuditRecord
from gateway.audit.tags import Action, tag
from gateway.services.page_state import allocations_of, mirror_row

if TYPE_CHECKING:
    from gateway.services.page_map import MappedPage
    from gateway.services.page_state import Batch, ResolvedRefs, StreamContext
    from gateway.store.mirror import MirrorRepository
    from rules.canonical import CanonicalRecord


def create_records(
    ctx: StreamContext,
    mirror: MirrorRepository,
    records: list[CanonicalRecord],
    page: MappedPage,
    ref_ids: ResolvedRefs,
    batch: Batch,
) -> None:
    """Insert ``records`` (all of one object type) in a few bulk statements."""
    if not records:
        return
    object_type = records[0].object_type
    shadows = [page.shadow_text(r.external_id) for r in records]
    rows = [mirror_row(object_type, r, ref_ids, ctx.now, created=True) for r in records]
    ids = mirror.insert_rows(object_type, rows)
    mirror.bind(
        ctx.connection,
        object_type,
        [
            (r.external_id, local_id, shadow, r.remote_modified)
            for r, local_id, shadow in zip(records, ids, shadows, strict=True)
        ],
        ctx.now,
    )
    if object_type == "payment":
        mirror.replace_allocations(
            {
                local_id: allocations_of(r)
                for r, local_id in zip(records, ids, strict=True)
            },
            ref_ids.by_type.get("invoice", {}),
        )
    # One entry per new record holding all its fields: an entry per field would
    # multiply the log by the field count for no extra information.
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
            new=shadow,
            rule="initial",
            run_id=ctx.run_id,
        )
        for r, local_id, shadow in zip(records, ids, shadows, strict=True)
    )
    batch.counts.created += len(records)
