"""Risk score 0-100 per customer from weighted components, each explained.

Like Oracle Advanced Collections' scoring engines: every component maps one fact onto
a common 0..1 scale (1 = riskiest), a weight says how much it counts, and the score is
the weighted mean times 100. Components are a closed registry (:data:`COMPONENTS`);
the YAML (``rules/defaults/scoring.yaml``) only picks, weighs and parametrizes them.

Numbers: component values and points are ``Decimal`` (points to 0.1, so a breakdown
sums to the total within rounding); the total is an ``int`` from 0 to 100, rounded
half up. Nothing here reads the clock: ``as_of`` is an argument.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Final, NamedTuple

from rules.typed_args import ArgKind, Args, ArgSpec

if TYPE_CHECKING:
    from datetime import date

    from rules.exposure import CustomerFacts

ONE: Final = Decimal(1)
NIL: Final = Decimal(0)
_TENTH: Final = Decimal("0.1")
_HUNDREDTH: Final = Decimal("0.01")

# A component: (facts, args, as_of) -> (value in 0..1, why, in words).
ComponentFn = Callable[["CustomerFacts", Args, "date"], tuple[Decimal, str]]


def _clamp(value: Decimal) -> Decimal:
    return NIL if value < NIL else min(value, ONE)


def _ratio(part: Decimal, full: Decimal) -> Decimal:
    return _clamp(part / full).quantize(_HUNDREDTH) if full else NIL


def _overdue_share(
    facts: CustomerFacts, _args: Args, _as_of: date
) -> tuple[Decimal, str]:
    exp = facts.exposure
    if exp.open_total <= 0:
        return NIL, "nothing open"
    share = _ratio(exp.overdue_total, exp.open_total)
    return share, f"{share:.0%} of the open balance is overdue"


def _overdue_amount(
    facts: CustomerFacts, args: Args, _as_of: date
) -> tuple[Decimal, str]:
    overdue = facts.exposure.overdue_total
    value = _ratio(overdue, args["full_at"])
    return value, f"{overdue:f} overdue (full weight at {args['full_at']:f})"


def _days_beyond_terms(
    facts: CustomerFacts, args: Args, _as_of: date
) -> tuple[Decimal, str]:
    exp = facts.exposure
    if not exp.overdue_count:
        return NIL, "nothing past due"
    value = _ratio(exp.weighted_days, args["full_at_days"])
    return (
        value,
        f"{exp.weighted_days:f} days beyond terms, amount-weighted (oldest {exp.oldest_days})",
    )


def _broken_promises(
    facts: CustomerFacts, args: Args, _as_of: date
) -> tuple[Decimal, str]:
    value = _ratio(Decimal(facts.broken_promises), args["full_at"])
    rate = facts.kept_rate
    kept = "no promise evaluated yet" if rate is None else f"kept rate {rate:.0%}"
    return value, f"{facts.broken_promises} broken promise(s); {kept}"


def _open_disputes(
    facts: CustomerFacts, args: Args, _as_of: date
) -> tuple[Decimal, str]:
    count = max(facts.open_disputes, facts.exposure.disputed_items)
    return _ratio(Decimal(count), args["full_at"]), f"{count} open dispute(s)"


def _credit_limit_use(
    facts: CustomerFacts, args: Args, _as_of: date
) -> tuple[Decimal, str]:
    limit = facts.credit_limit
    if not limit or limit <= 0:
        return NIL, "no credit limit"
    use = facts.exposure.open_total / limit
    return _ratio(use, args["full_at"]), f"{use:.0%} of the credit limit used"


def _trend(facts: CustomerFacts, args: Args, _as_of: date) -> tuple[Decimal, str]:
    recent, prior = facts.recent_days_late, facts.prior_days_late
    if recent is None or prior is None:
        return NIL, "not enough payment history for a trend"
    change = recent - prior
    value = _ratio(change, args["full_at_days"])
    word = "later" if change > 0 else "earlier or the same"
    return (
        value,
        f"paying {abs(change):f} days {word} than before ({prior:f} -> {recent:f})",
    )


def _predicted_lateness(
    facts: CustomerFacts, _args: Args, _as_of: date
) -> tuple[Decimal, str]:
    if facts.p_late is None:
        return NIL, "no prediction for this customer (contributes 0)"
    value = _clamp(facts.p_late).quantize(_HUNDREDTH)
    return value, f"predicted to pay late with probability {value:f}"


@dataclass(frozen=True, slots=True)
class ComponentType:
    """A registry entry: its typed arguments and its function."""

    args: ArgSpec
    fn: ComponentFn


COMPONENTS: Final[dict[str, ComponentType]] = {
    "overdue_share": ComponentType({}, _overdue_share),
    "overdue_amount": ComponentType({"full_at": ArgKind.AMOUNT}, _overdue_amount),
    "days_beyond_terms": ComponentType({"full_at_days": ArgKind.COUNT}, _days_beyond_terms),
    "broken_promises": ComponentType({"full_at": ArgKind.COUNT}, _broken_promises),
    "open_disputes": ComponentType({"full_at": ArgKind.COUNT}, _open_disputes),
    "credit_limit_use": ComponentType({"full_at": ArgKind.RATIO}, _credit_limit_use),
    "trend": ComponentType({"full_at_days": ArgKind.COUNT}, _trend),
    "predicted_lateness": ComponentType({}, _predicted_lateness),
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Component:
    """One configured component: registry name, weight and parsed arguments."""

    name: str
    weight: int
    args: Args


@dataclass(frozen=True, slots=True)
class ScoringModel:
    """A validated scoring configuration; ``version`` is stored with every score."""

    version: str
    components: tuple[Component, ...]
    # Per component: (name, weight, function, args, points per unit of value); built
    # once so that scoring a customer does no lookups.
    plan: tuple[tuple[str, int, ComponentFn, Args, Decimal], ...] = field(
        init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        scale = Decimal(100) / Decimal(self.total_weight or 1)
        plan = tuple(
            (c.name, c.weight, COMPONENTS[c.name].fn, c.args, c.weight * scale)
            for c in self.components
        )
        object.__setattr__(self, "plan", plan)  # a frozen dataclass sets it once

    @property
    def total_weight(self) -> int:
        return sum(c.weight for c in self.components)


class ComponentScore(NamedTuple):
    """One component's part of a score, as the collector sees it."""

    name: str
    weight: int
    value: Decimal
    points: Decimal
    detail: str


class RiskScore(NamedTuple):
    """A customer's score with its breakdown."""

    customer_id: int
    total: int
    components: tuple[ComponentScore, ...]


def score(facts: CustomerFacts, model: ScoringModel, as_of: date) -> RiskScore:
    """Score one customer as of a date.

    Args:
        facts: what is known about the customer as of ``as_of``.
        model: the validated components and weights.
        as_of: the scoring date; components that look at time use it, never a clock.

    Returns:
        The 0-100 total and each component's value, points and explanation.
    """
    parts: list[ComponentScore] = []
    exact = NIL
    for name, weight, fn, args, factor in model.plan:
        value, detail = fn(facts, args, as_of)
        points = value * factor
        exact += points
        parts.append(
            ComponentScore(name, weight, value, points.quantize(_TENTH), detail)
        )
    total = int(exact.quantize(ONE, rounding=ROUND_HALF_UP))
    return RiskScore(facts.customer_id, max(0, min(100, total)), tuple(parts))
