"""Multi-row inserts for the sync hot path, with our column types applied by hand.

SQLAlchemy runs every bound value of an executemany through its type processors and
builds a parameter dict per row; for the page applier's three bulk inserts that costs
more than the insert itself. Here each table's INSERT is compiled once per dialect and
values are converted by one small function per column, then handed to the driver's
executemany. The conversions produce exactly what the column types would store, so
rows read back through the ORM are the same.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cache, lru_cache
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from sqlalchemy import Boolean, Date, Table, insert
from sqlalchemy.exc import IntegrityError

from gateway.store.types import MoneyAmount, UTCDateTime, money_to_int

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

Converter = Callable[[Any], Any]


def _money(value: Any) -> Any:
    return None if value is None else money_to_int(value)


@lru_cache(maxsize=4096)
def _sqlite_date(value: Any) -> Any:
    # Cached: invoices share a few hundred issue and due dates.
    return value.isoformat() if isinstance(value, date | datetime) else value


@lru_cache(maxsize=256)
def _sqlite_datetime(value: Any) -> Any:
    # Cached: a page stamps its rows with a few times only (now, the remote's stamps).
    if value is None:
        return None
    if value.tzinfo is None:
        msg = f"naive datetime {value!r} for a UTC column"
        raise ValueError(msg)
    # The text form SQLAlchemy's SQLite DATETIME type writes and parses.
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def _pg_datetime(value: Any) -> Any:
    if value is not None and value.tzinfo is None:
        msg = f"naive datetime {value!r} for a UTC column"
        raise ValueError(msg)
    return value


def _sqlite_bool(value: Any) -> Any:
    return None if value is None else int(bool(value))


def _converter(column_type: object, dialect: str) -> Converter | None:
    if isinstance(column_type, MoneyAmount):
        return _money
    if isinstance(column_type, UTCDateTime):
        return _sqlite_datetime if dialect == "sqlite" else _pg_datetime
    if dialect == "sqlite" and isinstance(column_type, Date):
        return _sqlite_date
    if dialect == "sqlite" and isinstance(column_type, Boolean):
        return _sqlite_bool
    return None


@cache
def _plan(table: Table, keys: tuple[str, ...], bind: Any) -> _Plan:
    dialect = bind.dialect
    compiled = insert(table).compile(dialect=dialect, column_keys=list(keys))
    names = compiled.positiontup if compiled.positional else None
    order = tuple(names) if names else keys
    converters = tuple(
        (index, conv)
        for index, key in enumerate(order)
        if (conv := _converter(table.c[key].type, dialect.name)) is not None
    )
    return _Plan(
        str(compiled),
        order,
        itemgetter(*order),
        converters,
        compiled.positional,
        itemgetter(*(keys.index(name) for name in order)),
        table.name,
    )


@dataclass(frozen=True, slots=True)
class _Plan:
    sql: str
    order: tuple[str, ...]
    values: Callable[[Mapping[str, Any]], tuple[Any, ...]]
    converters: tuple[tuple[int, Converter], ...]
    positional: bool
    reorder: Callable[[Sequence[Any]], tuple[Any, ...]]
    table: str

    def row(self, mapping: Mapping[str, Any]) -> tuple[Any, ...]:
        """Converted values of a row given as a mapping, in column order."""
        return self._convert(self.values(mapping))

    def row_of(self, values: Sequence[Any]) -> tuple[Any, ...]:
        """Converted values of a row given in the plan's key order."""
        return self._convert(self.reorder(values))

    def _convert(self, values: Any) -> tuple[Any, ...]:
        if len(self.order) == 1:
            values = (values,)
        if self.converters:
            converted = list(values)
            for index, conv in self.converters:
                converted[index] = conv(converted[index])
            values = tuple(converted)
        return values  # type: ignore[no-any-return]

    def execute(self, session: Session, rows: list[tuple[Any, ...]]) -> None:
        connection = session.connection()
        if self.positional:
            connection.exec_driver_sql(self.sql, rows)
            return
        # PostgreSQL: COPY is several times faster than a pipelined executemany,
        # and runs inside the session's transaction on the same connection.
        columns = ", ".join(f'"{name}"' for name in self.order)
        statement = f'COPY "{self.table}" ({columns}) FROM STDIN'
        driver = connection.connection.driver_connection
        dbapi = connection.dialect.loaded_dbapi
        try:
            with (
                driver.cursor() as cursor,  # type: ignore[union-attr]
                cursor.copy(statement) as copy,
            ):
                for row in rows:
                    copy.write_row(row)
        except dbapi.IntegrityError as exc:
            # COPY runs below SQLAlchemy: give callers the error type they expect.
            raise IntegrityError(statement, None, exc) from exc


def bulk_insert(
    session: Session, table: Table, rows: Sequence[Mapping[str, Any]]
) -> None:
    """Insert ``rows`` (all with the same keys) in one statement round."""
    if not rows:
        return
    plan = _plan(table, tuple(rows[0]), session.get_bind())
    plan.execute(session, [plan.row(row) for row in rows])


def bulk_insert_values(
    session: Session,
    table: Table,
    keys: tuple[str, ...],
    rows: Sequence[Sequence[Any]],
) -> None:
    """Insert rows given as value tuples in ``keys`` order (no dict per row)."""
    if not rows:
        return
    plan = _plan(table, keys, session.get_bind())
    plan.execute(session, [plan.row_of(row) for row in rows])
