from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from gateway.store.db import Base


class AuditEntry(Base):
    """One field change (or one record creation), hash-chained to the entry before it.

    ``hash`` = SHA-256 over ``prev_hash`` and the entry's own fields, so any edit,
    insertion or deletion of a row breaks every hash after it.
    """

    __tablename__ = "audit_entries"

    # SQLite only auto-increments an INTEGER PRIMARY KEY, hence the variant.
    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True
    )
    at: Mapped[datetime]  # entries are appended in time order: id order is time order
    tag: Mapped[str] = mapped_column(String(64))
    connection: Mapped[str | None] = mapped_column(String(64))
    direction: Mapped[str] = mapped_column(String(8))
    object_type: Mapped[str] = mapped_column(String(32))
    external_id: Mapped[str | None] = mapped_column(String(64))
    local_id: Mapped[int | None]
    field: Mapped[str] = mapped_column(String(64))
    old: Mapped[str | None] = mapped_column(Text)
    new: Mapped[str | None] = mapped_column(Text)
    rule: Mapped[str | None] = mapped_column(String(64))
    actor: Mapped[str] = mapped_column(String(64))
    run_id: Mapped[int | None] = mapped_column(index=True)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
