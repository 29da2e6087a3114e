"""The declarative base, naming convention and engine/session factories."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Date, Engine, MetaData, String, Text, create_engine, event
from sqlalchemy.orm import DeclarativeBase, sessionmaker

from gateway.store.types import MoneyAmount, UTCDateTime

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {
        datetime: UTCDateTime(),
        date: Date(),
        Decimal: MoneyAmount(),
        str: String(255),
    }

    def __repr__(self) -> str:
        columns = ", ".join(
            f"{col.key}={getattr(self, col.key, None)!r}"
            for col in self.__table__.columns
            if col.primary_key
        )
        return f"{type(self).__name__}({columns})"


LongText = Text


def make_engine(url: str, *, writer: bool = True, **kwargs: Any) -> Engine:
    """Create an engine; SQLite gets WAL, foreign keys and, for writers, BEGIN IMMEDIATE."""
    if url.startswith("sqlite"):
        kwargs.setdefault("connect_args", {"timeout": 30})
        engine = create_engine(url, **kwargs)
        _configure_sqlite(engine, immediate=writer)
        return engine
    # psycopg prepares statements it runs often; a generic plan for "= ANY($1)"
    # ignores the array's size and scans. Custom plans keep the index lookups.
    kwargs.setdefault(
        "connect_args", {"options": "-c plan_cache_mode=force_custom_plan"}
    )
    return create_engine(url, pool_pre_ping=True, **kwargs)


def _configure_sqlite(engine: Engine, *, immediate: bool) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy emit BEGIN itself so that writers take the lock up front:
        # the audit chain must be appended by one writer at a time.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # Writers take the write lock at BEGIN, so two writers never read the same
        # audit chain head; readers stay deferred and never block anyone in WAL mode.
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def make_session_factory(engine: Engine) -> sessionmaker[Any]:
    return sessionmaker(bind=engine, expire_on_commit=False)
