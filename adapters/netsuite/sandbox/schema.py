"""The sandbox's SQLite tables, named and typed as NetSuite's SuiteQL tables.

Amounts are TEXT with two decimals (SQLite would turn NUMERIC into float), booleans
``'T'``/``'F'``, dates ``YYYY-MM-DD`` and timestamps ``YYYY-MM-DD HH:MM:SS`` in UTC.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Final

TIMESTAMP_FORMAT: Final = "%Y-%m-%d %H:%M:%S"
CENT: Final = Decimal("0.01")

DDL: Final = """
CREATE TABLE currency (
    id INTEGER PRIMARY KEY, symbol TEXT NOT NULL, name TEXT NOT NULL,
    isbasecurrency TEXT NOT NULL, exchangerate TEXT NOT NULL);
CREATE TABLE subsidiary (
    id INTEGER PRIMARY KEY, name TEXT NOT NULL, currency INTEGER NOT NULL);
CREATE TABLE term (
    id INTEGER PRIMARY KEY, name TEXT NOT NULL, daysuntilnetdue INTEGER NOT NULL);
CREATE TABLE customercategory (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE customer (
    id INTEGER PRIMARY KEY, entityid TEXT NOT NULL, companyname TEXT, email TEXT,
    phone TEXT, currency INTEGER NOT NULL, subsidiary INTEGER, terms INTEGER,
    category INTEGER, creditlimit TEXT, isinactive TEXT NOT NULL DEFAULT 'F',
    externalid TEXT, datecreated TEXT NOT NULL, lastmodifieddate TEXT NOT NULL,
    custentity_arb_collection_status TEXT, custentity_arb_risk_score INTEGER);
CREATE TABLE "transaction" (
    id INTEGER PRIMARY KEY, tranid TEXT, type TEXT NOT NULL, status TEXT NOT NULL,
    entity INTEGER NOT NULL, trandate TEXT NOT NULL, duedate TEXT,
    currency INTEGER NOT NULL, exchangerate TEXT NOT NULL, foreigntotal TEXT NOT NULL,
    foreignamountpaid TEXT, foreignamountunpaid TEXT, foreignpaymentamountunused TEXT,
    memo TEXT, terms INTEGER, voided TEXT NOT NULL DEFAULT 'F',
    posting TEXT NOT NULL DEFAULT 'T', externalid TEXT, createddate TEXT NOT NULL,
    lastmodifieddate TEXT NOT NULL, custbody_arb_collection_status TEXT,
    custbody_arb_dunning_level INTEGER, custbody_arb_promise_date TEXT,
    custbody_arb_in_dispute TEXT NOT NULL DEFAULT 'F',
    tobeemailed TEXT NOT NULL DEFAULT 'F');
CREATE TABLE transactionline (
    "transaction" INTEGER NOT NULL, id INTEGER NOT NULL, mainline TEXT NOT NULL,
    subsidiary INTEGER, entity INTEGER, netamount TEXT, foreignamount TEXT, memo TEXT,
    PRIMARY KEY ("transaction", id));
CREATE TABLE NextTransactionLineLink (
    previousdoc INTEGER NOT NULL, previousline INTEGER NOT NULL,
    nextdoc INTEGER NOT NULL, nextline INTEGER NOT NULL, linktype TEXT NOT NULL,
    previoustype TEXT NOT NULL, nexttype TEXT NOT NULL, foreignamount TEXT NOT NULL);
CREATE TABLE DeletedRecord (
    recordid INTEGER NOT NULL, recordtype TEXT NOT NULL, deleteddate TEXT NOT NULL,
    name TEXT);
CREATE INDEX transaction_lmd ON "transaction" (lastmodifieddate, id);
CREATE INDEX transaction_eid ON "transaction" (type, externalid);
CREATE INDEX customer_lmd ON customer (lastmodifieddate, id);
CREATE INDEX link_next ON NextTransactionLineLink (nextdoc);
CREATE INDEX link_previous ON NextTransactionLineLink (previousdoc);
"""

# fmt: off
TXN_COLUMNS: Final = (
    "id", "tranid", "type", "status", "entity", "trandate", "duedate", "currency",
    "exchangerate", "foreigntotal", "foreignamountpaid", "foreignamountunpaid",
    "foreignpaymentamountunused", "memo", "terms", "voided", "posting", "externalid",
    "createddate", "lastmodifieddate", "custbody_arb_collection_status",
    "custbody_arb_dunning_level", "custbody_arb_promise_date", "custbody_arb_in_dispute",
    "tobeemailed",
)
CUSTOMER_COLUMNS: Final = (
    "id", "entityid", "companyname", "email", "phone", "currency", "subsidiary", "terms",
    "category", "creditlimit", "isinactive", "externalid", "datecreated",
    "lastmodifieddate", "custentity_arb_collection_status", "custentity_arb_risk_score",
)
LINE_COLUMNS: Final = (
    "transaction", "id", "mainline", "subsidiary", "entity", "netamount",
    "foreignamount", "memo",
)
LINK_COLUMNS: Final = (
    "previousdoc", "previousline", "nextdoc", "nextline", "linktype", "previoustype",
    "nexttype", "foreignamount",
)
# fmt: on
DELETED_COLUMNS: Final = ("recordid", "recordtype", "deleteddate", "name")
_TXN_DEFAULTS: Final = {
    "voided": "F",
    "posting": "T",
    "custbody_arb_in_dispute": "F",
    "tobeemailed": "F",
}


def transaction_row(values: dict[str, object]) -> tuple[object, ...]:
    """Order a transaction's column values as :data:`TXN_COLUMNS` (defaults filled)."""
    merged = {**_TXN_DEFAULTS, **values}
    return tuple(merged.get(name) for name in TXN_COLUMNS)


def insert_sql(table: str, columns: tuple[str, ...]) -> str:
    """Return an ``INSERT`` statement with one ``?`` per (quoted) column."""
    marks = ", ".join("?" for _ in columns)
    names = ", ".join(f'"{c}"' for c in columns)
    return f'INSERT INTO "{table}" ({names}) VALUES ({marks})'


def money(value: Decimal) -> str:
    """Store an amount as TEXT with exactly two decimals, e.g. ``'1250.00'``."""
    return str(value.quantize(CENT))


def utc_text(moment: datetime) -> str:
    """Render an aware (or UTC-naive) datetime as ``YYYY-MM-DD HH:MM:SS`` UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime(TIMESTAMP_FORMAT)


def _real_now() -> datetime:
    return datetime.now(UTC)


class Database:
    """One SQLite connection shared by the server threads, serialised by a lock.

    A single connection behind a lock keeps an in-memory database visible to every
    request thread and makes each write atomic without SQLite busy handling.
    """

    def __init__(
        self, path: str | Path | None, clock: Callable[[], datetime] | None = None
    ) -> None:
        self._conn = sqlite3.connect(
            ":memory:" if path is None else str(path),
            check_same_thread=False,
            isolation_level=None,
        )
        self._conn.row_factory = sqlite3.Row
        self._lock = threading.RLock()
        self._clock = clock or _real_now

    def now_text(self) -> str:
        """Return the sandbox clock's time as a ``lastmodifieddate`` value."""
        return utc_text(self._clock())

    def create_schema(self) -> None:
        """Create every table, dropping nothing: the database must be empty."""
        with self._lock:
            self._conn.executescript(DDL)

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """Hold the lock and one transaction; roll back if the block raises."""
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    @contextmanager
    def read(self, *, query_only: bool = False) -> Iterator[sqlite3.Connection]:
        """Hold the lock for reading; ``query_only`` makes SQLite refuse any write."""
        with self._lock:
            if not query_only:
                yield self._conn
                return
            self._conn.execute("PRAGMA query_only = ON")
            try:
                yield self._conn
            finally:
                self._conn.execute("PRAGMA query_only = OFF")

    def close(self) -> None:
        """Close the connection."""
        with self._lock:
            self._conn.close()
