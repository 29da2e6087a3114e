"""Records the remote deleted: retire them in the mirror and audit it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from gateway.audit.log import AuditRecord
from gateway.audit.tags import Action, tag

if TYPE_CHECKING:
    from collections.abc import Sequence

    from adapters.base import RawRecord
    from gateway.services.page_state import Batch, StreamContext
    from gateway.store.mirror import MirrorRepository


def apply_deletions(
    ctx: StreamContext,
    mirror: MirrorRepository,
    records: Sequence[RawRecord],
    batch: Batch,
) -> None:
    """Mark deleted the mirrored records named by a deletions page (others are ignored)."""
    by_type: dict[str, list[str]] = {}
    for raw in records:
        stream = str(raw.get("stream", ""))
        if stream in ctx.mapping.stream_names:
            by_type.setdefault(ctx.mapping.object_type(stream), []).append(
                str(raw.get("id"))
            )
    for object_type, external_ids in by_type.items():
        refs = mirror.refs(ctx.connection, object_type, external_ids)
        mirror.mark_deleted(object_type, [r.local_id for r in refs.values()], ctx.now)
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
