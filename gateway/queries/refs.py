"""External references of mirrored records, fetched for a whole page at once."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import select

from gateway.queries.paging import chunks, unique
from gateway.store.models import ExternalRef

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


@dataclass(frozen=True, slots=True)
class Ref:
    connection: str
    object_type: str
    external_id: str


def refs_for(
    session: Session, object_type: str, local_ids: Sequence[int]
) -> dict[int, tuple[Ref, ...]]:
    """Refs per local id, one query per chunk of ids (not one per record)."""
    found: dict[int, list[Ref]] = defaultdict(list)
    for chunk in chunks(unique(local_ids)):
        rows = session.execute(
            select(
                ExternalRef.local_id,
                ExternalRef.connection,
                ExternalRef.object_type,
                ExternalRef.external_id,
            )
            .where(
                ExternalRef.object_type == object_type,
                ExternalRef.local_id.in_(chunk),
            )
            .order_by(ExternalRef.connection, ExternalRef.external_id)
        )
        for local_id, connection, kind, external_id in rows:
            found[local_id].append(Ref(connection, kind, external_id))
    return {local_id: tuple(refs) for local_id, refs in found.items()}
