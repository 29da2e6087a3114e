"""Leases: one process at a time holds a named lease until it expires or is released."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from gateway.store.models import Lease

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


def acquire(
    session: Session, name: str, holder: str, now: datetime, ttl: timedelta
) -> bool:
    """Take or renew ``name`` for ``holder``; False if someone else holds it.

    A lease whose holder died is taken over once it has expired.
    """
    taken = session.execute(
        update(Lease)
        .where(Lease.name == name)
        .where((Lease.expires_at < now) | (Lease.holder == holder))
        .values(holder=holder, expires_at=now + ttl)
    )
    if taken.rowcount:  # type: ignore[attr-defined]
        return True
    try:
        with session.begin_nested():
            session.add(Lease(name=name, holder=holder, expires_at=now + ttl))
    except IntegrityError:
        return False
    return True


def release(session: Session, name: str, holder: str) -> None:
    session.execute(delete(Lease).where(Lease.name == name, Lease.holder == holder))


def holder_of(session: Session, name: str) -> Lease | None:
    return session.scalar(select(Lease).where(Lease.name == name))
