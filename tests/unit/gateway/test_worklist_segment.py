"""The worklist's segment filter, ordered by priority and by overdue amount.

Runs on a SQLite file and on PostgreSQL (the ``services`` fixture), since the
filter is a join on the customer row in one query and a plain condition in the other.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import update

from gateway.queries.priorities import list_priorities, prioritized_page
from gateway.queries.worklist import (
    NO_SEGMENT,
    WorklistFilter,
    worklist_page,
    worklist_segments,
)
from gateway.store.models import Customer, CustomerPriority
from tests.kpi_seed import NOW, Inv, seed

if TYPE_CHECKING:
    from gateway.bootstrap import Services
    from gateway.queries.paging import Paged
    from gateway.queries.worklist import WorklistRow

TODAY = date(2026, 3, 31)
CUSTOMERS = {"acme": "USD", "bora": "EUR", "castor": "USD", "delta": "USD"}
SEGMENTS = {"acme": "Enterprise", "bora": "Enterprise", "castor": "Small Business"}
# Overdue amounts decide the fallback order: delta, castor, bora, acme.
OPEN = {"acme": "100", "bora": "200", "castor": "300", "delta": "400"}
# Priorities order the other way round, and split the customers between collectors.
PRIORITY = {"acme": (90, "kim"), "bora": (80, None), "castor": (70, "kim"),
            "delta": (60, None)}  # fmt: skip


@pytest.fixture
def ids(services: Services) -> dict[str, int]:
    invoices = [
        Inv(key, date(2026, 1, 2), date(2026, 2, 1), amount, amount)
        for key, amount in OPEN.items()
    ]
    with services.uow() as uow:
        found = seed(uow.session, CUSTOMERS, invoices, SEGMENTS)
        uow.commit()
    return found


@pytest.fixture
def prioritized(services: Services, ids: dict[str, int]) -> dict[str, int]:
    with services.uow() as uow:
        for key, (score, collector) in PRIORITY.items():
            row = CustomerPriority(
                customer_id=ids[key], as_of=TODAY, score=score, reasons="[]",
                group="g", collector=collector, currency=CUSTOMERS[key],
                risk_score=None, computed_at=NOW,
            )  # fmt: skip
            uow.session.add(row)
        uow.commit()
    return ids


def _customers(paged: Paged[WorklistRow], ids: dict[str, int]) -> list[str]:
    keys = {cid: key for key, cid in ids.items()}
    return [keys[row.customer_id] for row in paged.items]


def _by_overdue(services: Services, flt: WorklistFilter) -> Paged[WorklistRow]:
    return worklist_page(services, flt, today=TODAY, page=1, per_page=50)


def _by_priority(
    services: Services, flt: WorklistFilter, mine: str | None = None, page: int = 1
) -> Paged[WorklistRow]:
    return prioritized_page(
        services, flt, today=TODAY, page=page, per_page=1 if page > 1 else 50,
        mine=mine,
    )  # fmt: skip


CASES = [
    ("Enterprise", ["bora", "acme"], ["acme", "bora"]),
    ("Small Business", ["castor"], ["castor"]),
    (NO_SEGMENT, ["delta"], ["delta"]),
    ("Mid-Market", [], []),  # no customer has it: an empty list, not an error
    ("enterprise", [], []),  # matched exactly, as the ERP spells it
]


@pytest.mark.parametrize(("segment", "by_overdue", "by_priority"), CASES)
def test_the_segment_filter_keeps_only_that_segments_customers(
    services: Services,
    prioritized: dict[str, int],
    segment: str,
    by_overdue: list[str],
    by_priority: list[str],
) -> None:
    flt = WorklistFilter(segment=segment)

    overdue_page = _by_overdue(services, flt)
    priority_page = _by_priority(services, flt)

    assert _customers(overdue_page, prioritized) == by_overdue
    assert overdue_page.total == len(by_overdue)
    assert _customers(priority_page, prioritized) == by_priority
    assert priority_page.total == len(by_priority)


def test_without_a_segment_filter_every_customer_is_listed(
    services: Services, prioritized: dict[str, int]
) -> None:
    everyone = WorklistFilter()

    assert _customers(_by_overdue(services, everyone), prioritized) == [
        "delta", "castor", "bora", "acme",
    ]  # fmt: skip
    assert _customers(_by_priority(services, everyone), prioritized) == [
        "acme", "bora", "castor", "delta",
    ]  # fmt: skip


def test_segment_combines_with_currency_and_search(
    services: Services, prioritized: dict[str, int]
) -> None:
    usd = WorklistFilter(segment="Enterprise", currency="USD")
    search = WorklistFilter(segment="Enterprise", q="bor")

    assert _customers(_by_overdue(services, usd), prioritized) == ["acme"]
    assert _customers(_by_priority(services, usd), prioritized) == ["acme"]
    assert _customers(_by_overdue(services, search), prioritized) == ["bora"]
    assert _customers(_by_priority(services, search), prioritized) == ["bora"]


def test_a_collectors_own_customers_come_first_within_the_segment(
    services: Services, prioritized: dict[str, int]
) -> None:
    flt = WorklistFilter(segment="Enterprise")

    first = _by_priority(services, flt, mine="kim")
    second_page = _by_priority(services, flt, mine="kim", page=2)

    assert _customers(first, prioritized) == ["acme", "bora"]
    assert first.total == 2
    assert _customers(second_page, prioritized) == ["bora"]
    assert second_page.total == 2


def test_the_priorities_list_filters_by_segment_and_collector(
    services: Services, prioritized: dict[str, int]
) -> None:
    def listed(**filters: str) -> list[int]:
        paged = list_priorities(services, page=1, per_page=50, **filters)
        return [view.customer_id for view in paged.items]

    ids = prioritized
    assert listed(segment="Enterprise") == [ids["acme"], ids["bora"]]
    assert listed(segment="Enterprise", collector="kim") == [ids["acme"]]
    assert listed(segment=NO_SEGMENT) == [ids["delta"]]
    assert listed(segment="Unknown") == []


def test_segment_choices_are_sorted_with_no_segment_last(
    services: Services, ids: dict[str, int]
) -> None:
    assert worklist_segments(services) == ("Enterprise", "Small Business", NO_SEGMENT)


def test_segment_choices_leave_out_deleted_customers_and_no_segment_when_all_have_one(
    services: Services, ids: dict[str, int]
) -> None:
    with services.uow() as uow:
        uow.session.execute(
            update(Customer)
            .where(Customer.id.in_([ids["castor"], ids["delta"]]))
            .values(deleted=True)
        )
        uow.commit()

    assert worklist_segments(services) == ("Enterprise",)


def test_there_are_no_segment_choices_on_an_empty_mirror(services: Services) -> None:
    assert worklist_segments(services) == ()
