"""Apply one page of raw records to the mirror, inside the caller's transaction.

The pipeline per page: map -> resolve references -> create new records / plan and
apply changes to existing ones under the ownership rules -> shadows, audit entries,
conflicts, outbox write-backs. The caller commits it together with the stream cursor,
so a crash replays at most one page, and a replayed page changes nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from gateway.audit.log import AuditLog, AuditRecord
from gateway.audit.tags import Action, tag
from gateway.services.apply_creates import create_records
from gateway.services.apply_deletes import apply_deletions
from gateway.services.apply_updates import update_records
from gateway.services.page_map import MappedPage, map_page
from gateway.services.page_state import (
    Batch,
    PageCounts,
    ResolvedRefs,
    StreamContext,
    allocations_of,
)
from gateway.store.mirror import MirrorRepository
from gateway.store.sync_repo import SyncRepository
from rules.canonical import REFERENCES, CanonicalRecord

if TYPE_CHECKING:
    from collections.abc import Sequence

    from sqlalchemy.orm import Session

    from adapters.base import RawRecord, StreamSpec

__all__ = ["PageApplier", "PageCounts", "StreamContext"]

# Bounds the run's cache of referenced ids, so memory stays flat however large the
# remote system is.
ID_CACHE_LIMIT = 200_000


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
        batch = Batch()
        batch.counts.read = len(records)
        if stream.deletions:
            apply_deletions(self.ctx, self.mirror, records, batch)
        else:
            self._apply_records(stream.name, records, batch, mapped)
        AuditLog(self.session).append(batch.audit, self.ctx.now)
        return batch.counts

    # -- mapping ----------------------------------------------------------------

    def _map(
        self,
        stream: str,
        records: Sequence[RawRecord],
        batch: Batch,
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
        batch: Batch,
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
        batch: Batch,
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
        create_records(self.ctx, self.mirror, new, page, ref_ids, batch)
        update_records(
            self.ctx, self.mirror, self.sync, existing, page, refs, ref_ids, batch
        )

    def _resolve_references(
        self,
        stream: str,
        object_type: str,
        records: list[CanonicalRecord],
        batch: Batch,
    ) -> ResolvedRefs:
        resolved = ResolvedRefs()
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
            wanted = sorted({a.invoice for r in records for a in allocations_of(r)})
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
        self, object_type: str, external_ids: list[str], batch: Batch
    ) -> None:
        """Fetch referenced records not mirrored yet (created after their stream ran)."""
        stream = self.ctx.stream_for(object_type)
        if stream is None:
            return
        raws = [
            raw for ext in external_ids if (raw := self.ctx.adapter.lookup(stream, ext))
        ]
        if raws:
            inner = Batch()
            self._apply_records(stream, raws, inner)
            batch.audit.extend(inner.audit)
