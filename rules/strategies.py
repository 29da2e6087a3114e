"""Collection strategies: who is worth a call today, and why.

As in SAP FSCM, customers fall into collection groups (matched on their fields; the
first group that matches wins), each group has a strategy: valued rules whose points
sum to the customer's priority when their conditions hold. A customer no rule fires
for has nothing actionable and stays off the worklist. Rule types are a closed
registry (:data:`RULE_TYPES`) with typed arguments; YAML only picks and values them.
Priorities are whole points (``Decimal`` in :class:`rules.canonical.Priority`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from hashlib import blake2b
from typing import TYPE_CHECKING, Final, NamedTuple

from rules.canonical import Priority
from rules.typed_args import ArgKind, Args, ArgSpec

if TYPE_CHECKING:
    from rules.exposure import CustomerFacts

# A rule type: (facts, args, as_of, risk score) -> the reason it holds, or None. The
# risk score is passed beside the facts because it is computed from them in the same
# run (copying a frozen facts value per customer to add it costs more than scoring).
RuleFn = Callable[["CustomerFacts", Args, date, "int | None"], "str | None"]
GROUP_FIELDS: Final = ("company", "currency", "terms", "segment", "collection_status")


def _recent(day: date | None, as_of: date, within: Decimal) -> bool:
    return day is not None and as_of - timedelta(days=int(within)) <= day <= as_of


def _overdue_older_than(
    facts: CustomerFacts, args: Args, _as_of: date, _risk: int | None
) -> str | None:
    days = facts.exposure.oldest_days
    return (
        f"oldest item {days} days overdue (> {args['days']})"
        if days > args["days"]
        else None
    )


def _overdue_above(
    facts: CustomerFacts, args: Args, _as_of: date, _risk: int | None
) -> str | None:
    overdue = facts.exposure.overdue_total
    if overdue <= args["amount"]:
        return None
    currency = facts.attributes.get("currency") or ""
    return f"{overdue:f} {currency} overdue (> {args['amount']:f})".replace("  ", " ")


def _broken_promise(
    facts: CustomerFacts, args: Args, as_of: date, _risk: int | None
) -> str | None:
    if not _recent(facts.last_broken_on, as_of, args["within_days"]):
        return None
    return f"promise to pay broken on {facts.last_broken_on}"


def _promise_due_today(
    facts: CustomerFacts, _args: Args, as_of: date, _risk: int | None
) -> str | None:
    return "promise to pay due today" if as_of in facts.open_promise_dates else None


def _dispute_resolved(
    facts: CustomerFacts, args: Args, as_of: date, _risk: int | None
) -> str | None:
    if not _recent(facts.last_dispute_resolved_on, as_of, args["within_days"]):
        return None
    return f"dispute resolved on {facts.last_dispute_resolved_on}: collect now"


def _risk_above(
    facts: CustomerFacts, args: Args, _as_of: date, risk: int | None
) -> str | None:
    if risk is None:
        risk = facts.risk_score
    if risk is None or risk <= args["score"]:
        return None
    return f"risk score {risk} (> {args['score']})"


def _predicted_late(
    facts: CustomerFacts, args: Args, _as_of: date, _risk: int | None
) -> str | None:
    p = facts.p_late
    if p is None or p <= args["probability"]:
        return None
    return f"predicted late with probability {p:f} (> {args['probability']:f})"


def _dunning_level_at_least(
    facts: CustomerFacts, args: Args, _as_of: date, _risk: int | None
) -> str | None:
    level = facts.exposure.max_dunning_level
    return (
        f"dunning level {level} (>= {args['level']})"
        if level >= args["level"]
        else None
    )


def _over_credit_limit(
    facts: CustomerFacts, _args: Args, _as_of: date, _risk: int | None
) -> str | None:
    limit, owed = facts.credit_limit, facts.exposure.open_total
    if not limit or owed <= limit:
        return None
    return f"open balance {owed:f} over the credit limit {limit:f}"


@dataclass(frozen=True, slots=True)
class RuleType:
    """A registry entry: typed arguments and the condition."""

    args: ArgSpec
    fn: RuleFn


RULE_TYPES: Final[dict[str, RuleType]] = {
    "overdue_older_than": RuleType({"days": ArgKind.DAYS}, _overdue_older_than),
    "overdue_above": RuleType({"amount": ArgKind.AMOUNT}, _overdue_above),
    "broken_promise": RuleType({"within_days": ArgKind.DAYS}, _broken_promise),
    "promise_due_today": RuleType({}, _promise_due_today),
    "dispute_resolved": RuleType({"within_days": ArgKind.DAYS}, _dispute_resolved),
    "risk_above": RuleType({"score": ArgKind.SCORE}, _risk_above),
    "predicted_late_above": RuleType({"probability": ArgKind.PROBABILITY}, _predicted_late),
    "dunning_level_at_least": RuleType({"level": ArgKind.COUNT}, _dunning_level_at_least),
    "over_credit_limit": RuleType({}, _over_credit_limit),
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class StrategyRule:
    """One valued rule of a strategy."""

    type: str
    points: int
    args: Args


def _weight(customer_id: int, member: str) -> bytes:
    """A well-mixed, stable hash of (customer, member): the same in every process."""
    return blake2b(f"{customer_id}:{member}".encode(), digest_size=8).digest()


@dataclass(frozen=True, slots=True)
class CollectionGroup:
    """A group of customers, its collector (or team) and its strategy.

    ``match`` maps a customer field (:data:`GROUP_FIELDS`) to the values it may take;
    an empty ``match`` takes every customer. With a ``team``, each customer goes to
    one of its collectors (:meth:`collector_for`) instead of ``collector``.
    """

    name: str
    collector: str | None
    match: Mapping[str, frozenset[str]]
    rules: tuple[StrategyRule, ...]
    team: tuple[str, ...] = ()

    def collector_for(self, customer_id: int) -> str | None:
        """The collector who works ``customer_id``: the group's, or a team member.

        Within a team the customer goes to the member with the highest hash of
        (customer, member) (rendezvous hashing): the split is even, the same every
        run, and a member joining or leaving moves only their share of customers.
        """
        if not self.team:
            return self.collector
        return max(self.team, key=lambda member: _weight(customer_id, member))

    def takes(self, attributes: Mapping[str, str | None]) -> bool:
        # A plain loop: this runs for every customer of a scoring run.
        for name, values in self.match.items():
            if attributes.get(name) not in values:
                return False
        return True


@dataclass(frozen=True, slots=True)
class Strategies:
    """The validated groups, in matching order, and the strategies' version."""

    version: str
    groups: tuple[CollectionGroup, ...]

    def group_of(self, facts: CustomerFacts) -> CollectionGroup | None:
        return next((g for g in self.groups if g.takes(facts.attributes)), None)


class Assignment(NamedTuple):
    """A customer's priority with the group and collector it falls to."""

    customer_id: int
    priority: Priority
    group: str
    collector: str | None


def prioritize(
    facts: CustomerFacts,
    strategies: Strategies,
    as_of: date,
    risk_score: int | None = None,
) -> Assignment | None:
    """Evaluate the customer's group strategy as of a date.

    Args:
        facts: what is known about the customer as of ``as_of``.
        strategies: the validated groups.
        as_of: the evaluation day.
        risk_score: the customer's fresh risk score, when it is not in ``facts``.

    Returns:
        The priority (sum of the points of the rules that hold, reasons in rule
        order), or None when the customer has nothing open (nothing to collect),
        no group takes them or no rule holds.
    """
    if not facts.exposure.open_items:
        return None
    group = strategies.group_of(facts)
    if group is None:
        return None
    points = 0
    reasons: list[str] = []
    for rule in group.rules:
        reason = RULE_TYPES[rule.type].fn(facts, rule.args, as_of, risk_score)
        if reason is not None:
            points += rule.points
            reasons.append(f"{reason} +{rule.points}")
    if not reasons:
        return None
    return Assignment(
        facts.customer_id,
        Priority(Decimal(points), tuple(reasons)),
        group.name,
        group.collector_for(facts.customer_id),
    )
