"""Outbox rows: claiming with a visibility timeout, fenced completion, admin changes.

Status: ``pending`` (due at ``next_attempt_at``), ``claimed`` (a worker is sending
it until ``claimed_until``), ``done``, ``dead`` (a permanent error; an admin may
retry it) and ``discarded``. A claimed row whose claim expired (its worker died) is
claimable again; every change a worker makes is fenced on ``claimed_by`` so a worker
that lost its claim cannot overwrite the new holder's outcome.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, delete, exists, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased

from gateway.store.models import ExternalRef, OutboxItem, Payment, PaymentAllocation

if TYPE_CHECKING:
    from datetime import datetime
    from decimal import Decimal

    from sqlalchemy import Select
    from sqlalchemy.orm import Session

OPEN = ("pending", "claimed")


def _due(now: datetime) -> Any:
    waiting = and_(OutboxItem.status == "pending", OutboxItem.next_attempt_at <= now)
    abandoned = and_(OutboxItem.status == "claimed", OutboxItem.claimed_until < now)
    return or_(waiting, abandoned)


def _no_older_open_row() -> Any:
    """Writes to one remote record go in order: an older open row goes first."""
    older = aliased(OutboxItem)
    return ~exists().where(
        older.connection == OutboxItem.connection,
        older.object_type == OutboxItem.object_type,
        older.local_id == OutboxItem.local_id,
        older.id < OutboxItem.id,
        older.status.in_(OPEN),
    )


def lock_due_rows(session: Session, query: Select[Any]) -> Select[Any]:
    """The one PostgreSQL-only statement: rows another worker is claiming are skipped.

    SQLite needs nothing: its writers take the database lock at BEGIN IMMEDIATE, so
    one claim runs at a time.
    """
    if session.get_bind().dialect.name == "postgresql":
        return query.with_for_update(skip_locked=True, of=OutboxItem)
    return query


class OutboxRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def claim(
        self, worker: str, now: datetime, until: datetime, limit: int
    ) -> list[int]:
        """Claim up to ``limit`` due rows, oldest first; returns their ids."""
        query = (
            select(OutboxItem.id)
            .where(_due(now), _no_older_open_row())
            .order_by(OutboxItem.id)
            .limit(limit)
        )
        ids = list(self.session.scalars(lock_due_rows(self.session, query)))
        if ids:
            self.session.execute(
                update(OutboxItem)
                .where(OutboxItem.id.in_(ids))
                .values(
                    status="claimed",
                    claimed_by=worker,
                    claimed_until=until,
                    attempts=OutboxItem.attempts + 1,
                    updated_at=now,
                )
            )
        return ids

    def get(self, item_id: int) -> OutboxItem | None:
        return self.session.get(OutboxItem, item_id)

    def finish(
        self, item_id: int, worker: str, now: datetime, *, external_id: str | None
    ) -> bool:
        """Mark a claimed row done; False if this worker no longer holds the claim."""
        values: dict[str, Any] = {"status": "done", "last_error": None}
        if external_id is not None:
            values["external_id"] = external_id
        return self._fenced(item_id, worker, now, values)

    def release(
        self,
        item_id: int,
        worker: str,
        now: datetime,
        *,
        status: str,
        next_attempt_at: datetime,
        error: str,
    ) -> bool:
        """Hand a claimed row back (``pending``) or dead-letter it (``dead``)."""
        values = {
            "status": status,
            "next_attempt_at": next_attempt_at,
            "last_error": error[:2000],
        }
        return self._fenced(item_id, worker, now, values)

    def _fenced(
        self, item_id: int, worker: str, now: datetime, values: dict[str, Any]
    ) -> bool:
        result = self.session.execute(
            update(OutboxItem)
            .where(
                OutboxItem.id == item_id,
                OutboxItem.status == "claimed",
                OutboxItem.claimed_by == worker,
            )
            .values(claimed_by=None, claimed_until=None, updated_at=now, **values)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    def defer_connection(
        self, connection: str, until: datetime, reason: str, now: datetime
    ) -> int:
        """Push every pending row of ``connection`` to ``until`` (a paused connection)."""
        result = self.session.execute(
            update(OutboxItem)
            .where(
                OutboxItem.connection == connection,
                OutboxItem.status == "pending",
                OutboxItem.next_attempt_at < until,
            )
            .values(next_attempt_at=until, last_error=reason[:2000], updated_at=now)
        )
        return result.rowcount  # type: ignore[attr-defined,no-any-return]

    def set_status(
        self, item_id: int, *, expected: tuple[str, ...], now: datetime, status: str
    ) -> OutboxItem | None:
        """An admin's change: only from one of ``expected``; None if not allowed."""
        item = self.session.get(OutboxItem, item_id, with_for_update=True)
        if item is None or item.status not in expected:
            return None
        item.status, item.updated_at = status, now
        item.claimed_by = item.claimed_until = None
        if status == "pending":
            # A fresh start: the attempt budget applies to the admin's retry anew.
            item.next_attempt_at, item.attempts = now, 0
        return item

    def items(self, status: str | None, limit: int) -> list[OutboxItem]:
        query = select(OutboxItem).order_by(OutboxItem.id.desc()).limit(limit)
        if status is not None:
            query = query.where(OutboxItem.status == status)
        return list(self.session.scalars(query))

    def counts(self) -> dict[str, int]:
        rows = self.session.execute(
            select(OutboxItem.status, func.count()).group_by(OutboxItem.status)
        )
        return {str(status): int(count) for status, count in rows.all()}

    # -- what a write needs and what it leaves behind ----------------------------

    def allocation_rows(self, payment_id: int) -> list[tuple[int | None, Decimal]]:
        """A payment's allocations as (local invoice id, amount), in id order."""
        rows = self.session.execute(
            select(PaymentAllocation.invoice_id, PaymentAllocation.amount)
            .where(PaymentAllocation.payment_id == payment_id)
            .order_by(PaymentAllocation.id)
        )
        return [(invoice_id, amount) for invoice_id, amount in rows]

    def locked_ref(
        self, connection: str, object_type: str, external_id: str
    ) -> ExternalRef | None:
        """The ref row, locked so a concurrent pull cannot interleave a shadow update."""
        return self.session.scalar(
            select(ExternalRef)
            .where(
                ExternalRef.connection == connection,
                ExternalRef.object_type == object_type,
                ExternalRef.external_id == external_id,
            )
            .with_for_update()
        )

    def bind_payment(
        self,
        connection: str,
        local_id: int,
        external_id: str,
        shadow: str,
        now: datetime,
        *,
        number: str | None,
    ) -> int | None:
        """Bind a posted payment to its remote record and mark it posted.

        A pull may have mirrored the new remote payment before this commit (it read
        it between the remote's answer and now): that copy is folded into ours so
        the mirror holds the payment once. Returns the folded row's id, if any.
        """
        ref = self.locked_ref(connection, "payment", external_id)
        if ref is None:
            try:
                with self.session.begin_nested():
                    self.session.add(
                        ExternalRef(
                            connection=connection,
                            object_type="payment",
                            external_id=external_id,
                            local_id=local_id,
                            shadow=shadow,
                            updated_at=now,
                        )
                    )
            except IntegrityError:
                # A pull committed its copy of the new payment meanwhile.
                ref = self.locked_ref(connection, "payment", external_id)
        folded = None
        if ref is not None and ref.local_id != local_id:
            folded = ref.local_id
            self._fold_payment(folded, local_id)
            ref.local_id, ref.updated_at = local_id, now
        self.session.execute(
            update(Payment)
            .where(Payment.id == local_id)
            .values(status="posted", updated_at=now)
        )
        if number is not None and folded is None:
            # What we sent as the document number is what the remote now shows.
            self.session.execute(
                update(Payment).where(Payment.id == local_id).values(number=number)
            )
        return folded

    def _fold_payment(self, pulled_id: int, local_id: int) -> None:
        """Take the pulled copy's values (the remote's truth) and drop the copy."""
        pulled = self.session.get_one(Payment, pulled_id)
        ours = self.session.get_one(Payment, local_id)
        for name in _PAYMENT_VALUES:
            setattr(ours, name, getattr(pulled, name))
        self.session.execute(
            delete(PaymentAllocation).where(PaymentAllocation.payment_id == local_id)
        )
        self.session.execute(
            update(PaymentAllocation)
            .where(PaymentAllocation.payment_id == pulled_id)
            .values(payment_id=local_id)
        )
        self.session.flush()
        self.session.delete(pulled)


_PAYMENT_VALUES = (
    "number",
    "customer_id",
    "currency",
    "amount",
    "unapplied_amount",
    "payment_date",
    "memo",
)
