"""The collector's worklist page: order, contents, money format, filters and paging."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from gateway.store.models import Customer, Invoice

if TYPE_CHECKING:
    from flask.testing import FlaskClient

    from gateway.bootstrap import Services
    from tests.e2e.web_seed import Seed

ROW_IDS = re.compile(r'data-customer-id="(\d+)"')


def _page(client: FlaskClient, query: str = "") -> str:
    response = client.get(f"/worklist{query}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _order(html: str) -> list[int]:
    return [int(found) for found in ROW_IDS.findall(html)]


def _section(html: str, customer_id: int) -> str:
    start = html.index(f'data-customer-id="{customer_id}"')
    return html[start : html.index("</details>", start)]


def test_customers_are_ordered_by_overdue_amount(
    collector: FlaskClient, seed: Seed
) -> None:
    order = _order(_page(collector))

    c = seed.customers
    assert order == [c["eastwind"], c["acme"], c["borealis"], c["castor"]]


def test_customers_without_open_invoices_are_not_listed(
    collector: FlaskClient, seed: Seed
) -> None:
    html = _page(collector)

    assert seed.customers["dormant"] not in _order(html)
    assert "Dormant Holdings" not in html


def test_each_customer_shows_its_own_open_invoices_only(
    collector: FlaskClient, seed: Seed
) -> None:
    acme = _section(_page(collector), seed.customers["acme"])

    assert "INV-1<" in acme
    assert "INV-2<" in acme
    assert "INV-3<" not in acme  # paid
    assert "INV-10" not in acme  # another customer's


def test_row_shows_overdue_total_days_and_count_in_the_customer_currency(
    collector: FlaskClient, seed: Seed
) -> None:
    acme = _section(_page(collector), seed.customers["acme"])

    assert "12,500.00 EUR" in acme  # overdue: INV-1 only
    assert "15,500.00 EUR" in acme  # total open: INV-1 + INV-2
    assert "Oldest days past due </span>75<" in acme
    assert "Open invoices </span>2<" in acme
    assert "reminder_sent" in acme


def test_money_keeps_every_cent_with_thousand_separators(
    collector: FlaskClient, seed: Seed
) -> None:
    east = _section(_page(collector), seed.customers["eastwind"])

    assert "1,234,567.89 USD" in east
    assert "15,000.00 USD" in east


def test_credit_memo_reduces_the_open_total(collector: FlaskClient, seed: Seed) -> None:
    borealis = _section(_page(collector), seed.customers["borealis"])

    assert "Credit memo" in borealis
    assert "-200.00 USD" in borealis
    assert "4,000.50 USD" in borealis  # 4,200.50 - 200.00


def test_currency_filter_keeps_one_currency(collector: FlaskClient, seed: Seed) -> None:
    order = _order(_page(collector, "?currency=EUR"))

    assert order == [seed.customers["acme"], seed.customers["castor"]]


def test_search_by_name(collector: FlaskClient, seed: Seed) -> None:
    assert _order(_page(collector, "?q=castor")) == [seed.customers["castor"]]


def test_search_treats_percent_as_a_literal(collector: FlaskClient) -> None:
    assert _order(_page(collector, "?q=%25")) == []


def _add_small_customers(services: Services, count: int) -> None:
    now = services.clock.now()
    with services.uow() as uow:
        for n in range(count):
            customer = Customer(
                number=f"S-{n:03}",
                name=f"Small {n:03}",
                currency="EUR",
                created_at=now,
                updated_at=now,
            )
            uow.session.add(customer)
            uow.session.flush()
            uow.session.add(
                Invoice(
                    customer_id=customer.id,
                    number=f"S-INV-{n:03}",
                    currency="EUR",
                    status="open",
                    due_date=now.date() - timedelta(days=1),
                    amount=Decimal("10.00"),
                    open_amount=Decimal(n + 1).scaleb(-2),
                    created_at=now,
                    updated_at=now,
                )
            )
        uow.commit()


def test_worklist_is_paged_by_fifty_customers(
    collector: FlaskClient, services: Services, seed: Seed
) -> None:
    _add_small_customers(services, 60)  # 64 customers with open items in all

    first, second = _page(collector), _page(collector, "?page=2")

    assert len(_order(first)) == 50
    assert len(_order(second)) == 14
    assert not set(_order(first)) & set(_order(second))
    assert "Page 1 of 2" in first
    assert 'rel="next"' in first
    assert _order(first)[0] == seed.customers["eastwind"]
