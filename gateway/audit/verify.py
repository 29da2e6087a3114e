"""Re-walk the audit chain and name the first entry that does not verify."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import Table, select

from gateway.audit.log import GENESIS, HASHED_FIELDS, entry_hash
from gateway.store.models import AuditEntry

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

_TABLE: Table = AuditEntry.__table__  # type: ignore[assignment]


@dataclass(frozen=True, slots=True)
class VerifyResult:
    ok: bool
    entries: int
    broken_id: int | None = None
    reason: str | None = None
    head: str = GENESIS


def verify_chain(session: Session, *, batch: int = 5000) -> VerifyResult:
    """Stream every entry in id order, recomputing each hash from its predecessor."""
    columns = [_TABLE.c.id, _TABLE.c.prev_hash, _TABLE.c.hash] + [
        _TABLE.c[name] for name in HASHED_FIELDS
    ]
    prev, count, last_id = GENESIS, 0, None
    while True:
        query = select(*columns).order_by(_TABLE.c.id).limit(batch)
        if last_id is not None:
            query = query.where(_TABLE.c.id > last_id)
        rows = session.execute(query).mappings().all()
        if not rows:
            return VerifyResult(ok=True, entries=count, head=prev)
        for row in rows:
            problem = _check(row, prev)
            if problem:
                return VerifyResult(False, count, row["id"], problem, prev)
            prev, count, last_id = row["hash"], count + 1, row["id"]


def _check(row: object, prev: str) -> str | None:
    values = dict(row)  # type: ignore[call-overload]
    if values["prev_hash"] != prev:
        return "prev_hash does not match the previous entry (an entry was removed or reordered)"
    if entry_hash(prev, values) != values["hash"]:
        return "hash does not match the entry's contents (the entry was altered)"
    return None
