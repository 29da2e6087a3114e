"""Bulk reads and writes of the canonical mirror for the sync hot path.

Applying a page uses a handful of multi-row statements (one select per kind of row,
one executemany per kind of write), never one ORM object per record: the spine's
throughput target cannot be met row by row.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    Table,
    any_,
    bindparam,
    delete,
    func,
    insert,
    literal_column,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.exc import IntegrityError

from gateway.errors import StaleBinding
from gateway.store.bulk import bulk_insert, bulk_insert_values
from gateway.store.models import (
    Customer,
    ExternalRef,
    Invoice,
    Payment,
    PaymentAllocation,
)
from rules.canonical import FIELDS, Allocation

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

TABLES: dict[str, Table] = {
    "customer": Customer.__table__,  # type: ignore[dict-item]
    "invoice": Invoice.__table__,  # type: ignore[dict-item]
    "payment": Payment.__table__,  # type: ignore[dict-item]
}
_REFS: Table = ExternalRef.__table__  # type: ignore[assignment]
_ALLOCATIONS: Table = PaymentAllocation.__table__  # type: ignore[assignment]
_BIND_KEYS = (
    "connection", "object_type", "external_id", "local_id", "shadow",
    "remote_modified", "updated_at",
)  # fmt: skip
_LIST_JSON = json.JSONEncoder(separators=(",", ":")).encode


def column_name(object_type: str, field: str) -> str | None:
    """The mirror column holding a canonical field (``None``: kept elsewhere)."""
    kind = FIELDS[object_type][field]
    if kind == "ref":
        return f"{field}_id"
    if kind == "allocations":
        return None
    return field


@dataclass(frozen=True, slots=True)
class RefRow:
    id: int
    local_id: int
    shadow: str


def one_of(session: Session, column: Any, values: Sequence[Any]) -> Any:
    """``column IN values`` with the whole list in ONE bound parameter.

    A plain IN renders a parameter per value: a page of a thousand ids costs a fresh
    statement parse each time and must be chunked under SQLite's parameter limit.
    SQLite unpacks a JSON array with json_each; PostgreSQL compares with ANY(array).
    """
    if session.get_bind().dialect.name == "postgresql":
        return column == any_(bindparam(None, list(values), type_=ARRAY(column.type)))
    unpacked: Any = select(literal_column("value")).select_from(
        func.json_each(bindparam(None, _LIST_JSON(list(values))))
    )
    return column.in_(unpacked.scalar_subquery())


class MirrorRepository:
    """Core statements over one session's connection."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def _in(self, column: Any, values: Sequence[Any]) -> Any:
        return one_of(self.session, column, values)

    def _ref_query(self, connection: str, object_type: str, *columns: Any) -> Any:
        return (
            select(*columns)
            .where(_REFS.c.connection == connection)
            .where(_REFS.c.object_type == object_type)
        )

    def refs(
        self, connection: str, object_type: str, external_ids: Sequence[str]
    ) -> dict[str, RefRow]:
        query = self._ref_query(
            connection,
            object_type,
            _REFS.c.external_id,
            _REFS.c.id,
            _REFS.c.local_id,
            _REFS.c.shadow,
        ).where(self._in(_REFS.c.external_id, external_ids))
        rows = self.session.execute(query)
        return {ext: RefRow(rid, lid, shadow) for ext, rid, lid, shadow in rows}

    def local_ids(
        self, connection: str, object_type: str, external_ids: Sequence[str]
    ) -> dict[str, int]:
        query = self._ref_query(
            connection, object_type, _REFS.c.external_id, _REFS.c.local_id
        ).where(self._in(_REFS.c.external_id, external_ids))
        return dict(self.session.execute(query).all())

    def external_ids_for(
        self, connection: str, object_type: str, local_ids: Sequence[int]
    ) -> dict[int, str]:
        query = self._ref_query(
            connection, object_type, _REFS.c.local_id, _REFS.c.external_id
        ).where(self._in(_REFS.c.local_id, local_ids))
        return dict(self.session.execute(query).all())

    def current_values(
        self, object_type: str, ids: Sequence[int]
    ) -> dict[int, dict[str, Any]]:
        """Mirror rows by id, keyed by column name (refs as local ids)."""
        table = TABLES[object_type]
        rows = self.session.execute(select(table).where(self._in(table.c.id, ids)))
        return {row.id: row._asdict() for row in rows}

    def allocations_for(
        self, payment_ids: Sequence[int]
    ) -> dict[int, tuple[Allocation, ...]]:
        found: dict[int, list[Allocation]] = defaultdict(list)
        rows = self.session.execute(
            select(
                _ALLOCATIONS.c.payment_id,
                _ALLOCATIONS.c.invoice_ref,
                _ALLOCATIONS.c.amount,
            ).where(self._in(_ALLOCATIONS.c.payment_id, payment_ids))
        )
        for payment_id, ref, amount in rows:
            found[payment_id].append(Allocation(ref, amount))
        return {pid: tuple(items) for pid, items in found.items()}

    def insert_rows(
        self, object_type: str, rows: Sequence[dict[str, Any]]
    ) -> list[int]:
        """Insert mirror rows, returning their ids in the order given.

        Ids are allocated up front so the insert is a plain executemany: RETURNING
        through SQLAlchemy's insertmanyvalues costs about as much as the insert.
        """
        if not rows:
            return []
        table = TABLES[object_type]
        ids = self._allocate_ids(table, len(rows))
        for row, new_id in zip(rows, ids, strict=True):
            row["id"] = new_id
        bulk_insert(self.session, table, rows)
        return ids

    def _allocate_ids(self, table: Table, count: int) -> list[int]:
        if self.session.get_bind().dialect.name == "postgresql":
            sequence = func.pg_get_serial_sequence(table.name, "id")
            series = func.generate_series(1, count).table_valued("n")
            return list(
                self.session.scalars(select(func.nextval(sequence)).select_from(series))
            )
        # SQLite: this transaction holds the write lock (BEGIN IMMEDIATE), so no one
        # else can take these ids between the max() and the insert.
        top = self.session.scalar(select(func.max(table.c.id))) or 0
        return list(range(top + 1, top + 1 + count))

    def update_rows(self, object_type: str, rows: Sequence[Mapping[str, Any]]) -> None:
        """Update rows by ``id``; rows are grouped by the set of columns they set."""
        table = TABLES[object_type]
        groups: dict[frozenset[str], list[dict[str, Any]]] = defaultdict(list)
        for row in rows:
            keys = frozenset(row) - {"id"}
            groups[keys].append({f"b_{k}": v for k, v in row.items()})
        for keys, params in groups.items():
            statement = (
                update(table)
                .where(table.c.id == bindparam("b_id"))
                .values({key: bindparam(f"b_{key}") for key in keys})
            )
            self.session.execute(statement, params)

    def bind(
        self,
        connection: str,
        object_type: str,
        bindings: Sequence[tuple[str, int, str, datetime | None]],
        now: datetime,
    ) -> None:
        """Bind new mirror rows to remote records: (external id, local id, shadow,
        remote modification time) each.

        Raises:
            StaleBinding: another process bound one of these remote records after
                this page looked (the caller re-applies the page).
        """
        rows = [
            (connection, object_type, ext, local_id, shadow, modified, now)
            for ext, local_id, shadow, modified in bindings
        ]
        try:
            bulk_insert_values(self.session, _REFS, _BIND_KEYS, rows)
        except IntegrityError as exc:
            raise StaleBinding(
                f"a remote record was bound meanwhile: {exc.orig}"
            ) from exc

    def update_shadows(self, rows: Sequence[Mapping[str, Any]]) -> None:
        """Rows of ``b_id``, ``b_shadow``, ``b_remote_modified``, ``b_updated_at``."""
        if rows:
            statement = (
                update(_REFS)
                .where(_REFS.c.id == bindparam("b_id"))
                .values(
                    shadow=bindparam("b_shadow"),
                    remote_modified=bindparam("b_remote_modified"),
                    updated_at=bindparam("b_updated_at"),
                )
            )
            self.session.execute(statement, rows)

    def replace_allocations(
        self,
        allocations: Mapping[int, tuple[Allocation, ...]],
        invoice_ids: Mapping[str, int],
    ) -> None:
        """Replace the allocations of each payment id (``invoice_ids``: ref -> local)."""
        if not allocations:
            return
        self.session.execute(
            delete(_ALLOCATIONS).where(
                self._in(_ALLOCATIONS.c.payment_id, list(allocations))
            )
        )
        rows = [
            {
                "payment_id": payment_id,
                "invoice_ref": item.invoice,
                "invoice_id": invoice_ids.get(item.invoice),
                "amount": item.amount,
            }
            for payment_id, items in allocations.items()
            for item in items
        ]
        if rows:
            self.session.execute(insert(_ALLOCATIONS), rows)

    def mark_deleted(self, object_type: str, ids: Sequence[int], now: datetime) -> None:
        table = TABLES[object_type]
        values: dict[str, Any] = {"updated_at": now}
        if object_type == "customer":
            values.update(deleted=True, is_active=False)
        elif object_type == "invoice":
            values.update(status="deleted", open_amount=0)
        else:
            values.update(status="deleted")
        if ids:
            self.session.execute(
                update(table).where(self._in(table.c.id, list(ids))).values(values)
            )
