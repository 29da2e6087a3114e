"""An in-memory source and sink with the same cursor semantics as the real adapters."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import ClassVar

from adapters.base import Cursor, Page, RawRecord, StreamSpec, WriteOp, WriteResult


def _key(record: RawRecord) -> tuple[str, int]:
    return (str(record["lastmodifieddate"]), int(str(record["id"])))


def _after(cursor: Cursor | None) -> Callable[[RawRecord], bool]:
    if cursor is None or cursor.watermark is None:
        return lambda _record: True
    mark = cursor.watermark
    if cursor.tiebreak is None:
        return lambda record: str(record["lastmodifieddate"]) >= mark
    tie = int(cursor.tiebreak)
    return lambda record: _key(record) > (mark, tie)


@dataclass
class InMemoryAdapter:
    """Streams of raw records held in dicts; writes are recorded, not sent anywhere."""

    kind: ClassVar[str] = "memory"
    specs: Sequence[StreamSpec]
    records: dict[str, dict[str, dict[str, object]]] = field(default_factory=dict)
    writes: list[WriteOp] = field(default_factory=list)

    def streams(self) -> Sequence[StreamSpec]:
        """Return the configured streams."""
        return self.specs

    def put(self, stream: str, record: Mapping[str, object]) -> None:
        """Add or replace a record (it must carry ``id`` and ``lastmodifieddate``)."""
        self.records.setdefault(stream, {})[str(record["id"])] = dict(record)

    def read(self, stream: str, cursor: Cursor | None, *, page_size: int) -> Page:
        """Read records after ``cursor`` in (modified, id) order."""
        wanted = _after(cursor)
        rows = sorted(
            (r for r in self.records.get(stream, {}).values() if wanted(r)), key=_key
        )
        page = tuple(rows[:page_size])
        if not page:
            return Page((), cursor or Cursor(), has_more=False)
        last = page[-1]
        next_cursor = Cursor(str(last["lastmodifieddate"]), str(last["id"]))
        return Page(page, next_cursor, has_more=len(rows) > page_size)

    def lookup(self, stream: str, external_id: str) -> RawRecord | None:
        """Return one record by id."""
        return self.records.get(stream, {}).get(external_id)

    def write(self, op: WriteOp) -> WriteResult:
        """Record the write and report success."""
        self.writes.append(op)
        return WriteResult(external_id=op.external_id or op.idempotency_key)
