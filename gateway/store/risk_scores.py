"""The mirror's ``customers.risk_score``, read and set in bulk after a scoring run.

A scoring run covers every customer (100,000 and more), so the changed scores are
written with a few set-based statements, never one ORM object per customer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import Table, bindparam, func, select, update
from sqlalchemy.dialects.postgresql import ARRAY

from gateway.store.mirror import one_of
from gateway.store.models import Customer, ExternalRef

if TYPE_CHECKING:
    from collections.abc import Sequence
    from datetime import datetime

    from sqlalchemy.orm import Session

_CUSTOMERS: Table = Customer.__table__  # type: ignore[assignment]
# Customers per statement: bounds the size of one statement's parameters.
BATCH = 10_000


def live_risk_scores(session: Session) -> dict[int, int | None]:
    """``customer id -> risk_score`` of every customer that is not deleted."""
    rows = session.execute(
        select(_CUSTOMERS.c.id, _CUSTOMERS.c.risk_score).where(
            _CUSTOMERS.c.deleted.is_(False)
        )
    )
    return dict(rows.all())


def set_risk_scores(
    session: Session,
    scores: Sequence[tuple[int, int]],
    now: datetime,
    *,
    batch: int = BATCH,
) -> None:
    """Set ``risk_score`` (and ``updated_at``) of each ``(customer id, score)``.

    Deleted customers are left alone. PostgreSQL takes a batch as two arrays in one
    UPDATE ... FROM unnest(); SQLite, in process, runs an executemany.
    """
    postgres = session.get_bind().dialect.name == "postgresql"
    for start in range(0, len(scores), batch):
        rows = scores[start : start + batch]
        if postgres:
            _set_postgres(session, rows, now)
        else:
            _set_sqlite(session, rows, now)


def _set_sqlite(
    session: Session, batch: Sequence[tuple[int, int]], now: datetime
) -> None:
    statement = (
        update(_CUSTOMERS)
        .where(_CUSTOMERS.c.id == bindparam("b_id"))
        .where(_CUSTOMERS.c.deleted.is_(False))
        .values(risk_score=bindparam("b_score"), updated_at=now)
    )
    session.execute(statement, [{"b_id": cid, "b_score": s} for cid, s in batch])


def _set_postgres(
    session: Session, batch: Sequence[tuple[int, int]], now: datetime
) -> None:
    ids = bindparam(None, [cid for cid, _ in batch], type_=ARRAY(_CUSTOMERS.c.id.type))
    values = bindparam(
        None, [s for _, s in batch], type_=ARRAY(_CUSTOMERS.c.risk_score.type)
    )
    # Two unnest() calls in one select list are zipped row by row (same length).
    given: Any = select(
        func.unnest(ids).label("id"), func.unnest(values).label("score")
    ).subquery("given")
    session.execute(
        update(_CUSTOMERS)
        .where(_CUSTOMERS.c.id == given.c.id)
        .where(_CUSTOMERS.c.deleted.is_(False))
        .values(risk_score=given.c.score, updated_at=now)
    )


def customer_refs(session: Session, ids: Sequence[int]) -> dict[int, dict[str, str]]:
    """``customer id -> {connection: external id}`` of the given customers."""
    found: dict[int, dict[str, str]] = {}
    if not ids:
        return found
    rows = session.execute(
        select(ExternalRef.local_id, ExternalRef.connection, ExternalRef.external_id)
        .where(ExternalRef.object_type == "customer")
        .where(one_of(session, ExternalRef.local_id, ids))
    )
    for local_id, connection, external_id in rows:
        found.setdefault(local_id, {})[connection] = external_id
    return found
