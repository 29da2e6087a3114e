"""Append audit entries to the hash chain, one writer at a time."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, NamedTuple

from sqlalchemy import Table, select, text

from gateway.store.bulk import bulk_insert_values
from gateway.store.models import AuditEntry

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

GENESIS = "0" * 64
_TABLE: Table = AuditEntry.__table__  # type: ignore[assignment]
# An arbitrary constant naming the audit chain's advisory lock on PostgreSQL.
_PG_CHAIN_LOCK = 0x41524247


class AuditRecord(NamedTuple):
    """What happened to one field (``field='*'`` for a whole-record event).

    A NamedTuple rather than a frozen dataclass: the sync builds one per created
    record, and this is three times cheaper to construct.
    """

    tag: str
    object_type: str
    field: str
    actor: str
    direction: str = "in"
    connection: str | None = None
    external_id: str | None = None
    local_id: int | None = None
    old: str | None = None
    new: str | None = None
    rule: str | None = None
    run_id: int | None = None


_ROW_KEYS = (
    "at", "tag", "connection", "direction", "object_type", "external_id", "local_id",
    "field", "old", "new", "rule", "actor", "run_id", "prev_hash", "hash",
)  # fmt: skip

HASHED_FIELDS = (
    "at",
    "tag",
    "connection",
    "direction",
    "object_type",
    "external_id",
    "local_id",
    "field",
    "old",
    "new",
    "rule",
    "actor",
    "run_id",
)


# Built once: json.dumps with options builds a new encoder on every call.
_HASH_JSON = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode
_VALUE_JSON = json.JSONEncoder(separators=(",", ":")).encode


def _digest(parts: list[Any]) -> str:
    return hashlib.sha256(_HASH_JSON(parts).encode("utf-8")).hexdigest()


def entry_hash(prev_hash: str, values: dict[str, Any]) -> str:
    """SHA-256 of the previous hash and this entry's fields, in a fixed order."""
    parts = [prev_hash]
    for name in HASHED_FIELDS:
        value = values[name]
        parts.append(value.isoformat() if isinstance(value, datetime) else value)
    return _digest(parts)


def encode_value(value: object) -> str | None:
    """Text form of an encoded field value for the old/new columns."""
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if type(value) is int:  # not bool; the JSON text without the encoder's cost
        return str(value)
    return _VALUE_JSON(value)


class AuditLog:
    """Appends entries inside the caller's transaction."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def _lock_chain_head(self) -> str:
        # SQLite writers already hold the database write lock (BEGIN IMMEDIATE); on
        # PostgreSQL an advisory lock held to commit serialises appends.
        if self.session.get_bind().dialect.name == "postgresql":
            self.session.execute(
                text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_CHAIN_LOCK}
            )
        head = self.session.execute(
            select(_TABLE.c.hash).order_by(_TABLE.c.id.desc()).limit(1)
        ).scalar()
        return head or GENESIS

    def append(self, records: Sequence[AuditRecord], at: datetime) -> None:
        """Chain ``records`` after the current head and insert them."""
        if not records:
            return
        at = at.astimezone(UTC)
        at_text = at.isoformat()
        prev = self._lock_chain_head()
        rows = []
        for r in records:
            # The same fields, in the same order, as HASHED_FIELDS / entry_hash().
            values = (
                at_text, r.tag, r.connection, r.direction, r.object_type, r.external_id,
                r.local_id, r.field, r.old, r.new, r.rule, r.actor, r.run_id,
            )  # fmt: skip
            digest = _digest([prev, *values])
            rows.append((at, *values[1:], prev, digest))
            prev = digest
        bulk_insert_values(self.session, _TABLE, _ROW_KEYS, rows)
