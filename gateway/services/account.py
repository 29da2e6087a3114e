"""The account view: why a customer is on the worklist, and what to expect of them.

Brings together the stored risk score and priority, the open items with their
payment predictions, promises to pay and recent payments. Predictions are made for
this customer alone: a customer's features depend only on their own invoices
(``rules.prediction`` builds history per customer), so loading that customer's facts
gives exactly what predicting the whole book would give for them, at a fraction
of the cost (loading the stored model is most of it).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from gateway.queries.account import read_account
from gateway.queries.prediction_facts import invoice_labels, load_facts
from gateway.queries.priorities import latest_score
from gateway.queries.promises import customer_promises, kept_rate
from gateway.services.prediction import (
    PredictionError,
    PredictionSet,
    predict_open,
    stored_model,
)
from rules.kpis import average_days, paid_stats

if TYPE_CHECKING:
    from collections.abc import Sequence

    from gateway.bootstrap import Services
    from gateway.queries.account import AccountHeader, AccountItem, PaymentLine
    from gateway.queries.priorities import PriorityView
    from gateway.queries.promises import PromiseView
    from gateway.services.prediction import InvoicePrediction
    from rules.prediction import InvoiceFacts

ZERO = Decimal("0.00")
NO_MODEL = "no prediction model yet: run `arbridge model train --cutoff DATE`"


@dataclass(frozen=True, slots=True)
class ScoreComponent:
    name: str
    weight: int
    value: Decimal
    points: Decimal
    detail: str


@dataclass(frozen=True, slots=True)
class ScoreView:
    as_of: date
    total: int
    version: str
    components: tuple[ScoreComponent, ...]


@dataclass(frozen=True, slots=True)
class Totals:
    """Open and overdue amounts in one currency (credit memos count negative)."""

    currency: str | None
    open: Decimal
    overdue: Decimal


@dataclass(frozen=True, slots=True)
class Behaviour:
    """How the customer paid: averages over the invoices settled before the as-of day.

    Days to pay count from the issue date, days beyond terms from the due date (an
    early payment counts negative); the formulas are ``rules.kpis.average_days``.
    """

    settled: int
    days_to_pay: Decimal | None
    days_to_pay_weighted: Decimal | None
    days_beyond_terms: Decimal | None
    days_beyond_terms_weighted: Decimal | None


@dataclass(frozen=True, slots=True)
class Account:
    as_of: date
    header: AccountHeader
    totals: tuple[Totals, ...]
    score: ScoreView | None
    priority: PriorityView | None
    items: tuple[AccountItem, ...]
    # Open invoice id -> its prediction; model_version None: no model (see problem).
    predictions: dict[int, InvoicePrediction]
    model_version: str | None
    prediction_problem: str | None
    behaviour: Behaviour
    promises: tuple[PromiseView, ...]
    kept_rate: Decimal | None
    invoice_numbers: dict[int, str]  # of the invoices the promises name
    payments: tuple[PaymentLine, ...]
    # Open items whose latest change still waits to be written back to a remote.
    pending_writes: frozenset[int]


def account_facts(services: Services, customer_id: int) -> list[InvoiceFacts]:
    """The customer's invoices as prediction facts (the only ones their features use)."""
    with services.read_uow() as uow:
        return load_facts(uow.session, customer_id)


def customer_predictions(
    services: Services,
    customer_id: int,
    as_of: date,
    facts: Sequence[InvoiceFacts] | None = None,
) -> PredictionSet:
    """Predict the customer's invoices open at ``as_of`` with the latest model.

    Raises:
        PredictionError: no model is stored yet (or the stored one is unusable).
    """
    found = stored_model(services)
    if found is None:
        raise PredictionError(NO_MODEL)
    model, version = found
    if facts is None:
        facts = account_facts(services, customer_id)
    return PredictionSet(as_of, version, predict_open(model, facts, as_of))


def behaviour(facts: Sequence[InvoiceFacts], as_of: date) -> Behaviour:
    """Average days to pay and beyond terms over what was settled before ``as_of``."""
    settled = [
        (f.amount, f.issue_date, f.due_date, f.settled_date)
        for f in facts
        if f.settled_date is not None and f.settled_date < as_of
    ]
    to_pay = paid_stats((a, (paid - issued).days) for a, issued, _, paid in settled)
    beyond = paid_stats((a, (paid - due).days) for a, _, due, paid in settled)
    return Behaviour(
        len(settled),
        average_days(to_pay, weighted=False),
        average_days(to_pay, weighted=True),
        average_days(beyond, weighted=False),
        average_days(beyond, weighted=True),
    )


def _score(services: Services, customer_id: int) -> ScoreView | None:
    found = latest_score(services, customer_id)
    if found is None:
        return None
    parts = tuple(
        ScoreComponent(
            c["name"],
            int(c["weight"]),
            Decimal(c["value"]),
            Decimal(c["points"]),
            c["detail"],
        )
        for c in found["components"]
    )
    return ScoreView(
        date.fromisoformat(found["as_of"]), found["total"], found["version"], parts
    )


def _totals(items: Sequence[AccountItem]) -> tuple[Totals, ...]:
    sums: dict[str | None, tuple[Decimal, Decimal]] = {}
    for item in items:
        amount = item.open_amount or ZERO
        total, overdue = sums.get(item.currency, (ZERO, ZERO))
        late = amount if item.days_past_due > 0 and amount > 0 else ZERO
        sums[item.currency] = (total + amount, overdue + late)
    return tuple(Totals(c, t, o) for c, (t, o) in sums.items())


def _predicted(
    services: Services, customer_id: int, as_of: date, facts: list[InvoiceFacts]
) -> tuple[dict[int, InvoicePrediction], str | None, str | None]:
    try:
        found = customer_predictions(services, customer_id, as_of, facts)
    except PredictionError as exc:
        return {}, None, str(exc)
    return {int(p.invoice.key): p for p in found.items}, found.model_version, None


def account(services: Services, customer_id: int, as_of: date) -> Account | None:
    """Everything the account page shows about the customer, as of a day; None for an
    unknown customer."""
    record = read_account(services, customer_id, as_of)
    if record is None:
        return None
    facts = account_facts(services, customer_id)
    predictions, version, problem = _predicted(services, customer_id, as_of, facts)
    promises = tuple(customer_promises(services, customer_id))
    promised = sorted({i for p in promises for i in p.invoices})
    labels = invoice_labels(services, promised) if promised else {}
    return Account(
        as_of=as_of,
        header=record.header,
        totals=_totals(record.items),
        score=_score(services, customer_id),
        priority=record.priority,
        items=record.items,
        predictions=predictions,
        model_version=version,
        prediction_problem=problem,
        behaviour=behaviour(facts, as_of),
        promises=promises,
        kept_rate=kept_rate([p.state for p in promises]),
        invoice_numbers={i: label[0] or str(i) for i, label in labels.items()},
        payments=record.payments,
        pending_writes=record.pending_writes,
    )
