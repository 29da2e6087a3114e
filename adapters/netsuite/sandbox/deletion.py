"""Deleting records: refused while other records depend on them, as NetSuite does.

NetSuite will not delete a record that others depend on: an invoice or credit memo
that a payment or credit memo is applied to (unapply it first), or a customer that has
transactions. Deleting the record that *holds* applications (a customer payment, or a
credit memo applied to invoices) is allowed and takes its applications with it, which
reopens the documents it was applied to.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Final

from adapters.netsuite.sandbox import ledger
from adapters.netsuite.sandbox.fields import KIND_BY_TRAN_TYPE
from adapters.netsuite.sandbox.responses import SandboxError

if TYPE_CHECKING:
    import sqlite3

    from adapters.netsuite.sandbox.fields import RecordKind

#: NetSuite-like but unverified (docs/netsuite-wire.md, Record API).
DEPENDENT_RECORDS: Final = (
    "THIS_RECORD_CANNOT_BE_DELETED_SINCE_IT_HAS_DEPENDENT_RECORDS"
)
_NAMED_AT_MOST: Final = 10  # a customer may have thousands of transactions

_CUSTOMER_DEPENDENTS: Final = (
    'SELECT type, tranid, id FROM "transaction" WHERE entity = ? ORDER BY id'
)
_DOCUMENT_DEPENDENTS: Final = (
    "SELECT DISTINCT t.type, t.tranid, t.id FROM NextTransactionLineLink l "
    'JOIN "transaction" t ON t.id = l.nextdoc WHERE l.previousdoc = ? ORDER BY t.id'
)


def delete(
    conn: sqlite3.Connection, kind: RecordKind, record_id: int, now: str
) -> None:
    """Delete one record and add its ``DeletedRecord`` row, or refuse and change nothing.

    Raises:
        SandboxError: 400 :data:`DEPENDENT_RECORDS` when other records depend on it.
    """
    name = _name(conn, kind, record_id)
    refuse_if_depended_on(conn, kind, record_id)
    if kind.table == "customer":
        conn.execute("DELETE FROM customer WHERE id = ?", [record_id])
    else:
        unapply_own(conn, record_id, now)
        conn.execute('DELETE FROM transactionline WHERE "transaction" = ?', [record_id])
        conn.execute('DELETE FROM "transaction" WHERE id = ?', [record_id])
    conn.execute(
        "INSERT INTO DeletedRecord (recordid, recordtype, deleteddate, name) "
        "VALUES (?, ?, ?, ?)",
        [record_id, kind.name, now, name],
    )


def refuse_if_depended_on(
    conn: sqlite3.Connection, kind: RecordKind, record_id: int
) -> None:
    """Raise NetSuite's dependent-records 400 if anything depends on the record.

    A customer's dependents are its transactions; an invoice's or credit memo's are
    the payments and credit memos applied to it.

    Raises:
        SandboxError: 400 :data:`DEPENDENT_RECORDS`, the detail naming the record and
            the records that depend on it.
    """
    customer = kind.table == "customer"
    sql = _CUSTOMER_DEPENDENTS if customer else _DOCUMENT_DEPENDENTS
    rows = conn.execute(sql, [record_id]).fetchall()
    if not rows:
        return
    this = f"{kind.name} {_name(conn, kind, record_id)} (id {record_id})"
    if customer:
        problem = f"{this} has transactions {_name_records(rows)}."
        remedy = "Make the customer inactive instead."
    else:
        problem = f"{_name_records(rows)} applied to {this}."
        remedy = "Unapply them first."
    raise SandboxError(
        400,
        DEPENDENT_RECORDS,
        "This record cannot be deleted because it has dependent records: "
        f"{problem} {remedy}",
    )


def unapply_own(conn: sqlite3.Connection, doc_id: int, now: str) -> None:
    """Remove the applications ``doc_id`` (a payment or credit memo) holds.

    Each document it was applied to gets the amount back as open (status ``A``
    unless it is voided).
    """
    links = conn.execute(
        "SELECT previousdoc, foreignamount FROM NextTransactionLineLink WHERE nextdoc = ?",
        [doc_id],
    ).fetchall()
    for target, applied in links:
        ledger.open_document(conn, target, Decimal(applied), now)
    conn.execute("DELETE FROM NextTransactionLineLink WHERE nextdoc = ?", [doc_id])


def _name(conn: sqlite3.Connection, kind: RecordKind, record_id: int) -> object:
    column = "entityid" if kind.table == "customer" else "tranid"
    sql = f'SELECT {column} FROM "{kind.table}" WHERE id = ?'
    return conn.execute(sql, [record_id]).fetchone()[0]


def _name_records(rows: list[tuple[str, str | None, int]]) -> str:
    """``customerpayment PYMT10043 (id 10043), ...``: the first few of many."""
    names = [
        f"{KIND_BY_TRAN_TYPE[tran_type].name} {tranid} (id {txn_id})"
        for tran_type, tranid, txn_id in rows[:_NAMED_AT_MOST]
    ]
    more = len(rows) - len(names)
    return ", ".join(names) + (f" and {more} more" if more else "")
