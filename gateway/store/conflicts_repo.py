"""A conflict and the mirror row it is about, loaded for an admin's resolution."""

from __future__ import annotations

from typing import TYPE_CHECKING

from gateway.store.models import Conflict, Customer, Invoice, Payment

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


def conflict_for_update(session: Session, conflict_id: int) -> Conflict | None:
    # Row-locked on PostgreSQL so two admins cannot both resolve it; SQLite writers
    # are serialised already.
    return session.get(Conflict, conflict_id, with_for_update=True)


def mirror_row(
    session: Session, object_type: str, local_id: int
) -> Customer | Invoice | Payment | None:
    if object_type == "customer":
        return session.get(Customer, local_id)
    if object_type == "invoice":
        return session.get(Invoice, local_id)
    if object_type == "payment":
        return session.get(Payment, local_id)
    return None
