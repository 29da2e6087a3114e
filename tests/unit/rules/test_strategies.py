"""Every strategy rule type (holds / does not hold), groups, and the priority sum."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from rules.canonical import Priority
from rules.strategies import (
    RULE_TYPES,
    CollectionGroup,
    Strategies,
    StrategyRule,
    prioritize,
)
from tests.unit.rules.collections_support import AS_OF, facts

D = Decimal

# (rule type, args, facts that make it hold, facts that do not, words of the reason)
CASES: list[tuple[str, dict[str, Decimal], Any, Any, str]] = [
    ("overdue_older_than", {"days": D(60)}, facts({"oldest_days": 61}), facts({"oldest_days": 60}), "61 days overdue"),
    ("overdue_above", {"amount": D(1000)}, facts({"overdue_total": "1000.01"}, attributes={"currency": "EUR"}), facts({"overdue_total": "1000"}), "1000.01 EUR overdue"),
    ("broken_promise", {"within_days": D(30)}, facts(last_broken_on=date(2026, 3, 1)), facts(last_broken_on=date(2026, 2, 28)), "broken on 2026-03-01"),
    ("promise_due_today", {}, facts(open_promise_dates=(AS_OF,)), facts(open_promise_dates=(date(2026, 4, 1),)), "due today"),
    ("dispute_resolved", {"within_days": D(14)}, facts(last_dispute_resolved_on=date(2026, 3, 20)), facts(last_dispute_resolved_on=date(2026, 3, 1)), "resolved on 2026-03-20"),
    ("risk_above", {"score": D(60)}, facts(risk_score=61), facts(risk_score=60), "risk score 61"),
    ("predicted_late_above", {"probability": D("0.7")}, facts(p_late=D("0.71")), facts(), "probability 0.71"),
    ("dunning_level_at_least", {"level": D(2)}, facts({"max_dunning_level": 2}), facts({"max_dunning_level": 1}), "dunning level 2"),
    ("over_credit_limit", {}, facts({"open_total": "1500"}, credit_limit=D(1000)), facts({"open_total": "1500"}), "over the credit limit 1000"),
]  # fmt: skip


@pytest.mark.parametrize(("kind", "args", "holds", "fails", "words"), CASES)
def test_rule_type_holds_only_when_its_condition_does(
    kind: str, args: dict[str, Decimal], holds: Any, fails: Any, words: str
) -> None:
    rule = RULE_TYPES[kind]

    reason = rule.fn(holds, args, AS_OF, None)

    assert reason is not None
    assert words in reason
    assert rule.fn(fails, args, AS_OF, None) is None


def test_every_registered_rule_type_has_a_case() -> None:
    assert {case[0] for case in CASES} == set(RULE_TYPES)


RULES = (
    StrategyRule("overdue_older_than", 30, {"days": D(60)}),
    StrategyRule("overdue_above", 20, {"amount": D(1000)}),
    StrategyRule("promise_due_today", 25, {}),
)


def _strategies() -> Strategies:
    return Strategies(
        "s-1",
        (
            CollectionGroup("usd", "ann", {"currency": frozenset({"USD"})}, RULES),
            CollectionGroup("rest", None, {}, RULES[:1]),
        ),
    )


def test_points_of_the_rules_that_hold_sum_to_the_priority_with_reasons() -> None:
    given = facts(
        {"oldest_days": 90, "overdue_total": "5000"}, attributes={"currency": "USD"}
    )

    found = prioritize(given, _strategies(), AS_OF)

    assert found is not None
    assert found.priority == Priority(
        D(50),
        ("oldest item 90 days overdue (> 60) +30", "5000 USD overdue (> 1000) +20"),
    )
    assert (found.group, found.collector) == ("usd", "ann")


def test_the_first_matching_group_decides_the_strategy_and_collector() -> None:
    given = facts(
        {"oldest_days": 90, "overdue_total": "5000"}, attributes={"currency": "EUR"}
    )

    found = prioritize(given, _strategies(), AS_OF)

    assert found is not None
    assert (found.group, found.collector, found.priority.score) == ("rest", None, 30)


def test_a_customer_with_nothing_actionable_stays_off_the_list() -> None:
    given = facts({"overdue_total": "10"}, attributes={"currency": "USD"})

    assert prioritize(given, _strategies(), AS_OF) is None


def test_the_fresh_risk_score_passed_beside_the_facts_counts() -> None:
    strategies = Strategies(
        "s",
        (
            CollectionGroup(
                "g", None, {}, (StrategyRule("risk_above", 10, {"score": D(50)}),)
            ),
        ),
    )

    found = prioritize(facts(), strategies, AS_OF, risk_score=70)

    assert found is not None
    assert found.priority.reasons == ("risk score 70 (> 50) +10",)


def test_a_customer_no_group_takes_stays_off_the_list() -> None:
    only_usd = Strategies("s", _strategies().groups[:1])
    given = facts({"oldest_days": 90}, attributes={"currency": "EUR"})

    assert prioritize(given, only_usd, AS_OF) is None


def _by_segment() -> Strategies:
    key = CollectionGroup(
        "key-accounts", "kim", {"segment": frozenset({"Enterprise"})}, RULES
    )
    small = CollectionGroup(
        "small-usd",
        "sam",
        {"segment": frozenset({"Small Business"}), "currency": frozenset({"USD"})},
        RULES,
    )
    return Strategies("s-seg", (key, small, CollectionGroup("rest", None, {}, RULES)))


@pytest.mark.parametrize(
    ("attributes", "group", "collector"),
    [
        ({"segment": "Enterprise", "currency": "EUR"}, "key-accounts", "kim"),
        ({"segment": "Small Business", "currency": "USD"}, "small-usd", "sam"),
        # Every listed field must match: a small EUR customer is not small-usd's.
        ({"segment": "Small Business", "currency": "EUR"}, "rest", None),
        ({"segment": "Mid-Market", "currency": "USD"}, "rest", None),
        # A customer without a segment matches no segment group.
        ({"segment": None, "currency": "USD"}, "rest", None),
        ({"currency": "USD"}, "rest", None),
    ],
)
def test_collection_groups_match_on_the_customer_segment(
    attributes: dict[str, str | None], group: str, collector: str | None
) -> None:
    given = facts({"oldest_days": 90, "overdue_total": "5000"}, attributes=attributes)

    found = prioritize(given, _by_segment(), AS_OF)

    assert found is not None
    assert (found.group, found.collector) == (group, collector)


def test_a_customer_with_nothing_open_is_never_on_the_worklist() -> None:
    strategies = Strategies(
        "v",
        (CollectionGroup("all", None, {}, (StrategyRule("risk_above", 10, {"score": Decimal(0)}),)),),
    )  # fmt: skip
    owing = facts({"open_total": "10.00"})
    paid_up = facts({"open_items": 0})

    assert prioritize(owing, strategies, AS_OF, risk_score=50) is not None
    assert prioritize(paid_up, strategies, AS_OF, risk_score=50) is None


TEAM_RULES = (StrategyRule("over_credit_limit", 10, {}),)


def _team_group(*members: str) -> CollectionGroup:
    return CollectionGroup("team", None, {}, TEAM_RULES, team=members)


def test_a_teams_customers_are_split_evenly_and_the_same_way_every_run() -> None:
    team = _team_group("ana", "ben", "cy")

    first = [team.collector_for(cid) for cid in range(1, 3001)]
    again = [team.collector_for(cid) for cid in range(1, 3001)]

    assert first == again
    shares = {name: first.count(name) for name in team.team}
    assert set(shares) == {"ana", "ben", "cy"}
    assert all(900 < n < 1100 for n in shares.values()), shares


def test_a_member_leaving_moves_only_their_customers() -> None:
    before = _team_group("ana", "ben", "cy")
    after = _team_group("ana", "ben")

    moved = [
        cid
        for cid in range(1, 3001)
        if before.collector_for(cid) != after.collector_for(cid)
    ]

    assert moved
    assert all(before.collector_for(cid) == "cy" for cid in moved)


def test_a_team_members_customer_is_assigned_to_them() -> None:
    strategies = Strategies("v", (_team_group("ana", "ben"),))
    over = facts({"open_total": "500.00"}, credit_limit=Decimal(100))

    found = prioritize(over, strategies, AS_OF)

    assert found is not None
    assert found.collector == _team_group("ana", "ben").collector_for(1)
    assert found.collector in {"ana", "ben"}
