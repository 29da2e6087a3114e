"""The customer's segment reaches the strategies: facts read it from the mirror."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from gateway.queries.collections_facts import customer_facts
from rules.collections_loaders import load_strategies_yaml
from rules.strategies import prioritize
from tests.kpi_seed import Inv, seed

if TYPE_CHECKING:
    from gateway.bootstrap import Services

AS_OF = date(2026, 3, 31)
CUSTOMERS = {"acme": "USD", "bora": "USD", "castor": "USD"}
SEGMENTS = {"acme": "Enterprise", "bora": "Small Business"}  # castor: none
STRATEGIES = """
name: by-segment
groups:
  - name: key-accounts
    collector: kim
    match: {segment: [Enterprise, Mid-Market]}
    rules: &rules
      - {type: overdue_older_than, points: 30, args: {days: 10}}
  - name: small
    collector: sam
    match: {segment: Small Business}
    rules: *rules
  - name: everyone-else
    rules: *rules
"""


def _overdue(customer: str) -> Inv:
    return Inv(customer, date(2026, 1, 2), date(2026, 2, 1), "900", "900")


def test_facts_carry_the_segment_and_groups_match_on_it(services: Services) -> None:
    with services.uow() as uow:
        ids = seed(uow.session, CUSTOMERS, [_overdue(c) for c in CUSTOMERS], SEGMENTS)
        uow.commit()
    strategies = load_strategies_yaml(STRATEGIES, "by-segment.yaml")

    with services.read_uow() as uow:
        facts = {f.customer_id: f for f in customer_facts(uow.session, AS_OF)}

    assert {cid: facts[cid].attributes["segment"] for cid in facts} == {
        ids["acme"]: "Enterprise",
        ids["bora"]: "Small Business",
        ids["castor"]: None,
    }
    assigned = {
        key: prioritize(facts[ids[key]], strategies, AS_OF) for key in CUSTOMERS
    }
    assert {k: (a.group, a.collector) for k, a in assigned.items() if a} == {
        "acme": ("key-accounts", "kim"),
        "bora": ("small", "sam"),
        "castor": ("everyone-else", None),
    }
