"""The adapter protocol: value types and Protocols every remote-system adapter follows.

Adapters speak their system's language: a :data:`RawRecord` carries the system's own
field names, untouched. Mapping to canonical names happens in ``mappings``; storing,
ordering and retrying across runs happens in ``gateway``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import ClassVar, Protocol

RawRecord = Mapping[str, object]

#: A raw record carrying this field could not be read (a malformed file row, say);
#: its value says why. The mapping engine rejects such a record with that reason
#: (mappings/compiler.py holds the same name: adapters and mappings share no import).
INVALID_FIELD = "_invalid"


@dataclass(frozen=True, slots=True)
class Cursor:
    """Where a stream's read stands: small, JSON-serialisable, opaque to the gateway.

    ``watermark`` is the remote's modification time (ISO ``YYYY-MM-DD HH:MM:SS``, UTC)
    of the last record read; ``tiebreak`` the external id of that record. A cursor with a
    tiebreak continues strictly after ``(watermark, tiebreak)``; one without starts at
    ``watermark`` inclusive (used for the overlap window at the start of a run).
    """

    watermark: str | None = None
    tiebreak: str | None = None

    def to_json(self) -> str:
        """Serialise for storage beside the applied page."""
        return json.dumps({"watermark": self.watermark, "tiebreak": self.tiebreak})

    @classmethod
    def from_json(cls, text: str | None) -> Cursor | None:
        """Parse a stored cursor; ``None`` or empty text means no cursor."""
        if not text:
            return None
        data = json.loads(text)
        return cls(watermark=data.get("watermark"), tiebreak=data.get("tiebreak"))


@dataclass(frozen=True, slots=True)
class Page:
    """One page read from a stream."""

    records: tuple[RawRecord, ...]
    next_cursor: Cursor
    has_more: bool


@dataclass(frozen=True, slots=True)
class StreamSpec:
    """A readable stream of one object type.

    ``deletions`` streams yield records naming deleted objects (``object_type`` and
    ``external_id`` keys) rather than the objects themselves.
    """

    name: str
    object_type: str
    key_field: str = "id"
    cursor_field: str = "lastmodifieddate"
    deletions: bool = False


@dataclass(frozen=True, slots=True)
class WriteOp:
    """One write to a remote system.

    ``object_type`` is the remote's own record type (e.g. NetSuite ``invoice``,
    ``creditMemo``, ``customerPayment``), chosen by the outbound mapping.
    ``operation`` is ``update`` (partial update of ``external_id``), ``upsert``
    (create-or-update by ``idempotency_key`` as the remote's external id) or
    ``create``. ``idempotency_key`` is mandatory: a retried write with the same key
    must not create a second remote record.
    """

    object_type: str
    operation: str
    payload: Mapping[str, object]
    idempotency_key: str
    external_id: str | None = None


@dataclass(frozen=True, slots=True)
class WriteResult:
    """What the remote said after a write."""

    external_id: str
    remote_version: str | None = None
    written_at: datetime | None = None
    created: bool = False


@dataclass(frozen=True, slots=True)
class ReadProgress:
    """Counters an adapter may expose for progress display."""

    requests: int = 0
    retries: int = 0
    extra: Mapping[str, object] = field(default_factory=dict)


class SourceAdapter(Protocol):
    """Reads pages of raw records from a remote system."""

    kind: ClassVar[str]

    def streams(self) -> Sequence[StreamSpec]:
        """Return the streams this adapter can read, in dependency order."""
        ...

    def read(self, stream: str, cursor: Cursor | None, *, page_size: int) -> Page:
        """Read the next page of ``stream`` after ``cursor``; a pure function of its args."""
        ...

    def lookup(self, stream: str, external_id: str) -> RawRecord | None:
        """Return one raw record by external id, or ``None`` if it does not exist."""
        ...


class SinkAdapter(Protocol):
    """Writes to a remote system, idempotently."""

    def write(self, op: WriteOp) -> WriteResult:
        """Perform ``op``; retried writes with the same key have one effect."""
        ...
