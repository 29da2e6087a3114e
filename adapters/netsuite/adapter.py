"""The NetSuite source and sink adapter: SuiteQL streams, record API writes.

Reads are keyset-paged: each page is ``limit=<page_size>&offset=0`` with a cursor
condition after ``(lastmodifieddate, id)`` of the previous page's last record, so a
record modified mid-run moves behind the cursor instead of shifting offsets.

How removals are detected:

* **Voided** invoices and credit memos stay in the ``invoices`` stream: voiding sets
  ``voided = 'T'`` and ``status = 'V'`` and bumps ``lastmodifieddate``, so the next
  incremental read returns the record with those values (payments likewise carry
  ``voided``/``status``).
* **Deleted** records vanish from their table; NetSuite logs them in the
  ``DeletedRecord`` system table, which the ``deletions`` stream reads (cursor on
  ``deleteddate``), yielding ``{"id", "stream", "deleteddate"}`` per deleted record
  (plus the raw ``recordid``/``recordtype`` columns and the protocol's
  ``object_type``/``external_id``).
  Link tables have no delete tracking; a periodic id-set comparison catches the rest.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import ClassVar, Final

from adapters.base import Cursor, Page, RawRecord, StreamSpec, WriteOp, WriteResult
from adapters.errors import NotFound, RejectedError
from adapters.netsuite.client import NetSuiteClient
from adapters.netsuite.errors import SYSTEM, OutcomeUnknown
from adapters.netsuite.queries import (
    CUSTOMERS,
    DELETIONS,
    INVOICES,
    PAYMENTS,
    StreamQuery,
    build_applications_query,
    build_lookup_query,
    build_read_query,
    is_internal_id,
)

logger = logging.getLogger(__name__)

STREAMS: Final = (
    StreamSpec(name="customers", object_type="customer"),
    StreamSpec(name="invoices", object_type="invoice"),
    StreamSpec(name="payments", object_type="payment"),
    StreamSpec(
        name="deletions",
        object_type="deletedRecord",
        key_field="recordid",
        cursor_field="deleteddate",
        deletions=True,
    ),
)

_STREAM_OBJECT_TYPES: Final = {spec.name: spec.object_type for spec in STREAMS}

_QUERIES: Final[Mapping[str, StreamQuery]] = {
    "customers": CUSTOMERS,
    "invoices": INVOICES,
    "payments": PAYMENTS,
    "deletions": DELETIONS,
}

#: DeletedRecord.recordtype -> the stream whose records it removes.
DELETED_TYPE_STREAMS: Final[Mapping[str, str]] = {
    "customer": "customers",
    "invoice": "invoices",
    "creditmemo": "invoices",
    "customerpayment": "payments",
}

# NetSuite's code for a second record with an existing externalId.
_DUPLICATE_RECORD: Final = "DUP_RCRD"


class NetSuiteAdapter:
    """Reads NetSuite AR streams and writes collection results back."""

    kind: ClassVar[str] = "netsuite"

    def __init__(self, client: NetSuiteClient) -> None:
        self._client = client

    def close(self) -> None:
        """Release the client's HTTP session."""
        self._client.close()

    def streams(self) -> Sequence[StreamSpec]:
        """Return the streams in dependency order (customers before documents)."""
        return STREAMS

    def read(self, stream: str, cursor: Cursor | None, *, page_size: int) -> Page:
        """Read the page of ``stream`` that follows ``cursor``.

        Args:
            stream: A name from :meth:`streams`.
            cursor: Where the previous page ended, or ``None`` for the start.
            page_size: Rows per page, 1..1000.

        Returns:
            The page; ``next_cursor`` is the last row's (watermark, key), or
            ``cursor`` unchanged when the page is empty.

        Raises:
            ValueError: Unknown stream or malformed cursor.
            AdapterError: The remote call failed.
        """
        query = _query_for(stream)
        result = self._client.suiteql(build_read_query(query, cursor), limit=page_size)
        rows = result.items
        next_cursor = _cursor_after(query, rows[-1]) if rows else (cursor or Cursor())
        return Page(
            records=self._shape(stream, rows),
            next_cursor=next_cursor,
            has_more=result.has_more,
        )

    def lookup(self, stream: str, external_id: str) -> RawRecord | None:
        """Return one record of ``stream`` by internal id, shaped as :meth:`read` does.

        Returns:
            The record, or ``None`` if no such id exists (ids that are not digits
            cannot exist in NetSuite).
        """
        query = _query_for(stream)
        if not is_internal_id(external_id):
            return None
        result = self._client.suiteql(build_lookup_query(query, external_id), limit=1)
        records = self._shape(stream, result.items)
        return records[0] if records else None

    def write(self, op: WriteOp) -> WriteResult:
        """Perform ``op`` with at most one remote effect per ``idempotency_key``.

        ``update`` PATCHes ``op.external_id``; ``upsert`` PUTs to
        ``eid:<idempotency_key>``; ``create`` POSTs with ``externalId`` set to the key
        and, when the outcome is unknown, looks the key up before trying again.

        Raises:
            RejectedError: Unknown operation, missing id, or NetSuite refused it.
            AdapterError: Other failures, per the taxonomy.
        """
        if op.operation == "update":
            return self._update(op)
        if op.operation == "upsert":
            new_id = self._client.upsert_record(
                op.object_type, op.idempotency_key, op.payload
            )
            return WriteResult(external_id=new_id)
        if op.operation == "create":
            return self._create(op)
        raise RejectedError(SYSTEM, "write", f"unknown operation {op.operation!r}")

    # -- reading -----------------------------------------------------------------

    def _shape(
        self, stream: str, rows: Sequence[dict[str, object]]
    ) -> tuple[RawRecord, ...]:
        if stream == "payments":
            return self._with_applications(rows)
        if stream == "deletions":
            return tuple(d for d in (_deletion(r) for r in rows) if d is not None)
        return tuple(rows)

    def _with_applications(
        self, rows: Sequence[dict[str, object]]
    ) -> tuple[RawRecord, ...]:
        """Attach ``applications`` to each payment with one extra query per page."""
        if not rows:
            return ()
        ids = [str(row["id"]) for row in rows]
        applied: dict[str, list[dict[str, object]]] = {i: [] for i in ids}
        # Many applications per payment can exceed one page: offset-page this read.
        for link in self._client.suiteql_all(build_applications_query(ids)):
            entry = {
                "doc": link.get("previousdoc"),
                "amount": link.get("foreignamount"),
            }
            applied.setdefault(str(link.get("nextdoc")), []).append(entry)
        return tuple({**row, "applications": applied[str(row["id"])]} for row in rows)

    # -- writing -----------------------------------------------------------------

    def _update(self, op: WriteOp) -> WriteResult:
        if op.external_id is None or not is_internal_id(op.external_id):
            raise RejectedError(SYSTEM, "write", "update needs a NetSuite internal id")
        self._client.patch_record(op.object_type, op.external_id, op.payload)
        return WriteResult(external_id=op.external_id)

    def _create(self, op: WriteOp) -> WriteResult:
        """POST once per key: an unknown outcome is resolved by an eid lookup."""
        body = {**op.payload, "externalId": op.idempotency_key}
        state = {"unsure": False}

        def attempt() -> WriteResult:
            if state["unsure"]:
                found = self._find_by_eid(op.object_type, op.idempotency_key)
                if found is not None:
                    logger.info(
                        "create %s landed despite a lost response", op.object_type
                    )
                    return WriteResult(external_id=found, created=True)
            try:
                new_id = self._client.create_record(op.object_type, body)
            except OutcomeUnknown:
                state["unsure"] = True
                raise
            except RejectedError as exc:
                return self._resolve_duplicate(op, exc)
            return WriteResult(external_id=new_id, created=True)

        retrying = self._client.retry_policy.retrying(
            should_retry=lambda exc: isinstance(exc, OutcomeUnknown)
        )
        return retrying(attempt)

    def _resolve_duplicate(self, op: WriteOp, exc: RejectedError) -> WriteResult:
        """A DUP_RCRD means an earlier run created this key: report that record."""
        if exc.code != _DUPLICATE_RECORD:
            raise exc
        found = self._find_by_eid(op.object_type, op.idempotency_key)
        if found is None:
            raise exc
        return WriteResult(external_id=found, created=False)

    def _find_by_eid(self, record_type: str, key: str) -> str | None:
        try:
            record = self._client.get_record(record_type, f"eid:{key}")
        except NotFound:
            return None
        record_id = record.get("id")
        return str(record_id) if record_id is not None else None


def _query_for(stream: str) -> StreamQuery:
    try:
        return _QUERIES[stream]
    except KeyError:
        raise ValueError(f"unknown NetSuite stream {stream!r}") from None


def _cursor_after(query: StreamQuery, row: Mapping[str, object]) -> Cursor:
    watermark = row.get(query.watermark_column)
    key = row.get(query.key_column)
    return Cursor(
        watermark=str(watermark) if watermark is not None else None,
        tiebreak=str(key) if key is not None else None,
    )


def _deletion(row: Mapping[str, object]) -> RawRecord | None:
    """Name the deleted record: wire-doc keys, raw columns and protocol keys."""
    stream = DELETED_TYPE_STREAMS.get(str(row.get("recordtype", "")))
    if stream is None:
        logger.warning("skipping DeletedRecord of type %s", row.get("recordtype"))
        return None
    record_id = str(row["recordid"])
    return {
        **row,
        "id": record_id,
        "stream": stream,
        "deleteddate": row.get("deleteddate"),
        "object_type": _STREAM_OBJECT_TYPES[stream],
        "external_id": record_id,
    }
