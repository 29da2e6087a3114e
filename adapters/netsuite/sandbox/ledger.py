"""Row-level writes shared by the Record API and the test helpers.

Amounts are read from TEXT into ``Decimal`` and written back with two decimals; every
change stamps ``lastmodifieddate`` as a user edit in NetSuite would.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING

from adapters.netsuite.sandbox.responses import SandboxError
from adapters.netsuite.sandbox.schema import (
    TXN_COLUMNS,
    insert_sql,
    money,
    transaction_row,
)

if TYPE_CHECKING:
    import sqlite3

    from adapters.netsuite.sandbox.fields import RecordKind


def nonexistent() -> SandboxError:
    """Return NetSuite's 404 for a record id or external id that does not exist."""
    return SandboxError(
        404,
        "NONEXISTENT_ID",
        "The record instance does not exist. Provide a valid record instance ID.",
    )


def resolve(conn: sqlite3.Connection, kind: RecordKind, ref: str) -> int:
    """Return the internal id for ``<id>`` or ``eid:<externalId>`` of ``kind``.

    Raises:
        SandboxError: 404 ``NONEXISTENT_ID``.
    """
    if ref.startswith("eid:"):
        column, value = "externalid", ref[4:]
    elif ref.isdigit():
        column, value = "id", ref
    else:
        raise nonexistent()
    sql = f'SELECT id FROM "{kind.table}" WHERE {column} = ?'
    params: list[object] = [value]
    if kind.tran_type is not None:
        sql += " AND type = ?"
        params.append(kind.tran_type)
    row = conn.execute(sql, params).fetchone()
    if row is None:
        raise nonexistent()
    return int(row[0])


def table_columns(conn: sqlite3.Connection, table: str) -> frozenset[str]:
    """Return the column names of ``table``."""
    return frozenset(row[1] for row in conn.execute(f'PRAGMA table_info("{table}")'))


def set_columns(
    conn: sqlite3.Connection,
    table: str,
    record_id: int,
    columns: Mapping[str, object],
    now: str,
) -> None:
    """Update columns of one row and bump its ``lastmodifieddate`` to ``now``.

    Raises:
        ValueError: A column that ``table`` does not have (names are never quoted in
            from a request without this check).
    """
    unknown = set(columns) - table_columns(conn, table)
    if unknown:
        raise ValueError(f"{table} has no column(s) {sorted(unknown)}")
    values = {**columns, "lastmodifieddate": now}
    assignments = ", ".join(f'"{name}" = ?' for name in values)
    conn.execute(
        f'UPDATE "{table}" SET {assignments} WHERE id = ?',
        [*values.values(), record_id],
    )


def amount_of(conn: sqlite3.Connection, txn_id: int, column: str) -> Decimal:
    """Read one amount column of a transaction (NULL reads as zero)."""
    row = conn.execute(f'SELECT "{column}" FROM "transaction" WHERE id = ?', [txn_id])
    value = row.fetchone()
    return (
        Decimal(value[0]) if value is not None and value[0] is not None else Decimal(0)
    )


def open_document(
    conn: sqlite3.Connection, doc_id: int, delta: Decimal, now: str
) -> None:
    """Add ``delta`` to an invoice's or credit memo's open amount and fix its status.

    A voided document keeps status ``V``; otherwise zero open means fully paid or
    applied (``B``) and anything else open (``A``).
    """
    unpaid = amount_of(conn, doc_id, "foreignamountunpaid") + delta
    paid = amount_of(conn, doc_id, "foreignamountpaid") - delta
    columns: dict[str, object] = {
        "foreignamountunpaid": money(unpaid),
        "foreignamountpaid": money(paid),
    }
    voided = conn.execute('SELECT voided FROM "transaction" WHERE id = ?', [doc_id])
    if voided.fetchone()[0] != "T":
        columns["status"] = "B" if unpaid == 0 else "A"
    set_columns(conn, "transaction", doc_id, columns, now)


def next_transaction_id(conn: sqlite3.Connection) -> int:
    """Return a fresh transaction id; like NetSuite, deleted ids are never reused."""
    row = conn.execute(
        'SELECT MAX(m) FROM (SELECT MAX(id) AS m FROM "transaction" UNION ALL '
        "SELECT MAX(recordid) FROM DeletedRecord WHERE recordtype != 'customer')"
    ).fetchone()
    return max(int(row[0] or 0), 10000) + 1


def void(conn: sqlite3.Connection, txn_id: int, now: str) -> None:
    """Void a transaction: ``voided='T'``, status ``V``, nothing left open."""
    columns = {"voided": "T", "status": "V", "foreignamountunpaid": money(Decimal(0))}
    set_columns(conn, "transaction", txn_id, columns, now)


def require_row(
    conn: sqlite3.Connection, table: str, record_id: int
) -> dict[str, object]:
    """Return one row of ``customer`` or ``transaction`` as a dict.

    Raises:
        KeyError: No such row.
    """
    row = conn.execute(f'SELECT * FROM "{table}" WHERE id = ?', [record_id]).fetchone()
    if row is None:
        raise KeyError(f"{table} {record_id}")
    return dict(row)


def currency_row(
    conn: sqlite3.Connection, symbol: str | None, default_id: int
) -> dict[str, object]:
    """Return the currency with ISO code ``symbol``, or ``default_id`` when omitted.

    Raises:
        KeyError: No such currency.
    """
    if symbol is None:
        row = conn.execute(
            "SELECT * FROM currency WHERE id = ?", [default_id]
        ).fetchone()
    else:
        row = conn.execute(
            "SELECT * FROM currency WHERE symbol = ?", [symbol]
        ).fetchone()
    if row is None:
        raise KeyError(f"currency {symbol}")
    return dict(row)


def insert_transaction(
    conn: sqlite3.Connection, values: dict[str, object], subsidiary: object
) -> None:
    """Insert a transaction row and its main line (which carries the subsidiary)."""
    conn.execute(insert_sql("transaction", TXN_COLUMNS), transaction_row(values))
    conn.execute(
        'INSERT INTO transactionline ("transaction", id, mainline, subsidiary, entity, '
        "foreignamount) VALUES (?, 0, 'T', ?, ?, ?)",
        [values["id"], subsidiary, values["entity"], values["foreigntotal"]],
    )
