"""Promises to pay: record one (validated, audited), judge the open ones each day."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from gateway.audit.log import AuditLog, AuditRecord
from gateway.errors import ValidationFailed
from gateway.store import collections_repo as repo
from gateway.store.models import Promise
from rules.promises import (
    DEFAULT_TOLERANCE_DAYS,
    PaymentPart,
    PromiseState,
    PromiseTerms,
    judge,
)

if TYPE_CHECKING:
    from collections.abc import Mapping

    from sqlalchemy.orm import Session

    from gateway.bootstrap import Services

_CURRENCY = re.compile(r"^[A-Z]{3}$")
MAX_TOLERANCE_DAYS = 60


@dataclass(frozen=True, slots=True)
class NewPromise:
    """A promise as a caller gives it (already typed; see :func:`parse_promise`)."""

    customer_id: int
    amount: Decimal
    currency: str
    promised_date: date
    invoice_ids: tuple[int, ...] = ()
    tolerance_days: int = DEFAULT_TOLERANCE_DAYS


@dataclass
class EvaluationSummary:
    as_of: date
    judged: int = 0
    by_state: dict[str, int] = field(default_factory=dict)


def _field(raw: Mapping[str, Any], name: str, *, required: bool = True) -> Any:
    if required and raw.get(name) in (None, ""):
        raise ValidationFailed(f"{name} is required", field=name)
    return raw.get(name)


def _whole(value: Any, name: str, low: int, high: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ValidationFailed(f"{name} must be a whole number", field=name)
    try:
        number = int(value)
    except ValueError:
        raise ValidationFailed(f"{name} must be a whole number", field=name) from None
    if number < low or (high is not None and number > high):
        raise ValidationFailed(f"{name} must be from {low} to {high}", field=name)
    return number


def _amount(value: Any) -> Decimal:
    # Money arrives as a decimal string (or an integer); a JSON float would be inexact.
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise ValidationFailed(
            'amount must be a decimal string such as "1250.00"', field="amount"
        )
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        raise ValidationFailed(
            f"amount {value!r} is not a number", field="amount"
        ) from None
    if not amount.is_finite() or amount <= 0 or amount.as_tuple().exponent < -2:  # type: ignore[operator]
        raise ValidationFailed(
            "amount must be positive with at most 2 decimals", field="amount"
        )
    return amount


def _date(value: Any) -> date:
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise ValidationFailed(
            f"date {value!r} is not an ISO date (YYYY-MM-DD)", field="date"
        ) from None


def _invoices(value: Any) -> tuple[int, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise ValidationFailed(
            "invoices must be a list of invoice ids", field="invoices"
        )
    return tuple(_whole(v, "invoices", 1) for v in value)


def parse_promise(raw: Mapping[str, Any]) -> NewPromise:
    """Type a promise from JSON or form fields; a bad field raises naming it."""
    currency = str(_field(raw, "currency")).upper()
    if not _CURRENCY.match(currency):
        raise ValidationFailed("currency must be a three-letter code", field="currency")
    tolerance = raw.get("tolerance_days")
    return NewPromise(
        customer_id=_whole(_field(raw, "customer"), "customer", 1),
        amount=_amount(_field(raw, "amount")),
        currency=currency,
        promised_date=_date(_field(raw, "date")),
        invoice_ids=_invoices(raw.get("invoices")),
        tolerance_days=DEFAULT_TOLERANCE_DAYS
        if tolerance in (None, "")
        else _whole(tolerance, "tolerance_days", 0, MAX_TOLERANCE_DAYS),
    )


def _check(session: Session, new: NewPromise, today: date) -> None:
    if not repo.customer_exists(session, new.customer_id):
        raise ValidationFailed(
            f"customer {new.customer_id} not found", field="customer"
        )
    if new.promised_date < today:
        raise ValidationFailed("date must be today or later", field="date")
    found = repo.invoices_of(session, new.customer_id, new.invoice_ids)
    missing = sorted(set(new.invoice_ids) - found)
    if missing:
        msg = f"invoices {missing} are not invoices of customer {new.customer_id}"
        raise ValidationFailed(msg, field="invoices")


def record_promise(services: Services, new: NewPromise, user: str) -> int:
    """Store a promise with its invoices and an audit entry, in one transaction."""
    now = services.clock.now()
    with services.uow() as uow:
        _check(uow.session, new, now.date())
        promise = Promise(
            customer_id=new.customer_id, currency=new.currency, amount=new.amount,
            promised_date=new.promised_date, state=PromiseState.OPEN.value,
            created_by=user, created_at=now, tolerance_days=new.tolerance_days,
        )  # fmt: skip
        promise_id = repo.add_promise(uow.session, promise, new.invoice_ids)
        AuditLog(uow.session).append([_created(promise_id, new, user)], now)
        uow.commit()
    return promise_id


def _created(promise_id: int, new: NewPromise, user: str) -> AuditRecord:
    summary = {
        "customer": new.customer_id, "amount": f"{new.amount:f}",
        "currency": new.currency, "date": new.promised_date.isoformat(),
        "invoices": list(new.invoice_ids), "tolerance_days": new.tolerance_days,
    }  # fmt: skip
    return AuditRecord(
        tag="gateway:promise:create", object_type="promise", field="*", actor=user,
        direction="local", local_id=promise_id, new=json.dumps(summary, sort_keys=True),
    )  # fmt: skip


def evaluate_promises(services: Services, as_of: date) -> EvaluationSummary:
    """Judge every open promise as of a day; changed states are stored and audited."""
    summary = EvaluationSummary(as_of)
    with services.uow() as uow:
        promises = repo.open_promises(uow.session, as_of)
        invoices = repo.promised_invoices(uow.session, [p.id for p in promises])
        parts = repo.payment_parts(
            uow.session, sorted({p.customer_id for p in promises})
        )
        records = []
        for promise in promises:
            terms = _terms(promise, invoices.get(promise.id, set()))
            customer_parts = [
                PaymentPart(*row) for row in parts.get(promise.customer_id, [])
            ]
            result = judge(terms, customer_parts, as_of)
            summary.judged += 1
            summary.by_state[result.state] = summary.by_state.get(result.state, 0) + 1
            if result.state is not PromiseState.OPEN:
                records.append(_judged(promise, result.state, result.paid, as_of))
        if records:
            AuditLog(uow.session).append(records, services.clock.now())
        uow.commit()
    return summary


def _terms(promise: Promise, invoice_ids: set[int]) -> PromiseTerms:
    return PromiseTerms(
        amount=promise.amount, currency=promise.currency,
        promised_date=promise.promised_date, made_on=promise.created_at.date(),
        tolerance_days=promise.tolerance_days, invoice_ids=frozenset(invoice_ids),
    )  # fmt: skip


def _judged(
    promise: Promise, state: PromiseState, paid: Decimal, as_of: date
) -> AuditRecord:
    old = promise.state
    promise.state, promise.paid_amount, promise.evaluated_on = state.value, paid, as_of
    return AuditRecord(
        tag="gateway:promise:edit", object_type="promise", field="state",
        actor="promise-evaluation", direction="local", local_id=promise.id,
        old=old, new=state.value, rule=f"paid {paid:f} of {promise.amount:f}",
    )  # fmt: skip
