"""Filtering the worklist page and ``/api/v1/priorities`` by customer segment."""

from __future__ import annotations

import html as html_lib
import re
from datetime import timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import update

from gateway.services.users import create_token
from gateway.store.models import Customer, Invoice
from tests.e2e.http.priorities_support import run_scoring

if TYPE_CHECKING:
    from flask.testing import FlaskClient

    from gateway.bootstrap import Services
    from tests.e2e.web_seed import Seed

ROW_IDS = re.compile(r'data-customer-id="(\d+)"')
SEGMENT_SELECT = re.compile(r'<select id="segment" name="segment">(.*?)</select>', re.S)
OPTION = re.compile(r'<option value="([^"]*)"\s*(selected)?>([^<]*)</option>')
# dormant has no open items; borealis has no segment.
SEGMENTS = {"acme": "Enterprise", "eastwind": "Enterprise",
            "castor": "Small Business", "dormant": "Mid-Market"}  # fmt: skip


@pytest.fixture
def segmented(services: Services, seed: Seed) -> Seed:
    with services.uow() as uow:
        for key, segment in SEGMENTS.items():
            uow.session.execute(
                update(Customer)
                .where(Customer.id == seed.customers[key])
                .values(segment=segment)
            )
        uow.commit()
    return seed


def _page(client: FlaskClient, query: str = "") -> str:
    response = client.get(f"/worklist{query}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _order(html: str) -> list[int]:
    return [int(found) for found in ROW_IDS.findall(html)]


def _options(html: str) -> list[tuple[str, bool, str]]:
    """(value, selected, label) of each option of the Segment select."""
    found = SEGMENT_SELECT.search(html)
    assert found, "no Segment select on the page"
    return [
        (html_lib.unescape(value), bool(selected), html_lib.unescape(label))
        for value, selected, label in OPTION.findall(found.group(1))
    ]


def test_the_select_offers_every_segment_then_customers_without_one(
    collector: FlaskClient, segmented: Seed
) -> None:
    options = _options(_page(collector))

    assert options == [
        ("", False, "All segments"),
        ("Enterprise", False, "Enterprise"),
        ("Mid-Market", False, "Mid-Market"),
        ("Small Business", False, "Small Business"),
        ("(none)", False, "(no segment)"),
    ]


def test_there_is_no_segment_select_while_no_customer_has_a_segment(
    collector: FlaskClient, seed: Seed
) -> None:
    html = _page(collector)

    assert 'id="segment"' not in html
    assert 'id="currency"' in html


def test_filtering_by_overdue_shows_only_that_segments_customers(
    collector: FlaskClient, segmented: Seed
) -> None:
    c = segmented.customers

    enterprise = _page(collector, "?segment=Enterprise")
    without = _page(collector, "?segment=%28none%29")

    assert _order(enterprise) == [c["eastwind"], c["acme"]]
    assert ("Enterprise", True, "Enterprise") in _options(enterprise)
    assert "Borealis" not in enterprise
    assert _order(without) == [c["borealis"]]
    assert ("(none)", True, "(no segment)") in _options(without)


def test_filtering_the_prioritized_list_and_combining_with_currency(
    collector: FlaskClient, services: Services, segmented: Seed
) -> None:
    run_scoring(services)
    c = segmented.customers

    enterprise = _page(collector, "?segment=Enterprise")
    eur = _page(collector, "?segment=Enterprise&currency=EUR")

    assert "highest priority first" in enterprise
    # The collector's own group (usd: eastwind) first, as without the filter.
    assert _order(enterprise) == [c["eastwind"], c["acme"]]
    assert _order(eur) == [c["acme"]]


def test_a_segment_not_on_offer_is_ignored(
    collector: FlaskClient, segmented: Seed
) -> None:
    html = _page(collector, "?segment=Nobody")

    assert len(_order(html)) == 4
    assert not any(selected for _, selected, _ in _options(html))


def test_a_segment_with_no_open_items_says_nothing_matches(
    collector: FlaskClient, segmented: Seed
) -> None:
    html = _page(collector, "?segment=Mid-Market")

    assert _order(html) == []
    assert "No customers with open invoices match these filters" in html


def _add_small_business_customers(services: Services, count: int) -> None:
    now = services.clock.now()
    with services.uow() as uow:
        for n in range(count):
            customer = Customer(
                number=f"S-{n:03}", name=f"Small {n:03}", currency="EUR",
                segment="Small Business", created_at=now, updated_at=now,
            )  # fmt: skip
            uow.session.add(customer)
            uow.session.flush()
            invoice = Invoice(
                customer_id=customer.id, number=f"S-INV-{n:03}", currency="EUR",
                status="open", due_date=now.date() - timedelta(days=1),
                amount=Decimal("10.00"), open_amount=Decimal(n + 1).scaleb(-2),
                created_at=now, updated_at=now,
            )  # fmt: skip
            uow.session.add(invoice)
        uow.commit()


def test_paging_keeps_the_segment_filter(
    collector: FlaskClient, services: Services, segmented: Seed
) -> None:
    _add_small_business_customers(services, 60)  # with castor: 61 Small Business

    first = _page(collector, "?segment=Small+Business")
    next_link = re.search(r'href="([^"]+)" rel="next"', first)
    assert next_link
    second = _page(collector, html_lib.unescape(next_link.group(1))[len("/worklist") :])

    assert "segment=Small+Business" in next_link.group(1)
    assert "Page 1 of 2" in first
    assert len(_order(first)) == 50
    assert len(_order(second)) == 11
    assert segmented.customers["castor"] in _order(second)  # smallest overdue: last
    assert segmented.customers["acme"] not in _order(first) + _order(second)
    assert ("Small Business", True, "Small Business") in _options(second)


@pytest.fixture
def api(client: FlaskClient, services: Services) -> FlaskClient:
    token = create_token(services, "collector-app", "collector")
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    return client


def _listed(api: FlaskClient, query: str) -> list[int]:
    response = api.get(f"/api/v1/priorities{query}")
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    assert body["total"] == len(body["items"])
    return [p["customer"] for p in body["items"]]


def test_the_api_filters_priorities_by_segment(
    api: FlaskClient, services: Services, segmented: Seed
) -> None:
    run_scoring(services)
    c = segmented.customers

    assert _listed(api, "?segment=Enterprise") == [c["acme"], c["eastwind"]]
    assert _listed(api, "?segment=Enterprise&collector=collector") == [c["eastwind"]]
    assert _listed(api, "?segment=%28none%29") == [c["borealis"]]
    assert _listed(api, "?segment=") == [c["acme"], c["eastwind"], c["borealis"]]


def test_the_api_gives_an_empty_list_for_a_segment_no_customer_has(
    api: FlaskClient, services: Services, segmented: Seed
) -> None:
    run_scoring(services)

    assert _listed(api, "?segment=Unheard+Of") == []


def test_the_api_refuses_a_segment_longer_than_the_column(
    api: FlaskClient, segmented: Seed
) -> None:
    response = api.get(f"/api/v1/priorities?segment={'x' * 65}")

    assert response.status_code == 400
    assert response.get_json()["error"]["field"] == "segment"


def test_the_openapi_document_describes_the_segment_parameter(
    client: FlaskClient,
) -> None:
    doc = client.get("/api/v1/openapi.json").get_json()

    params = doc["paths"]["/priorities"]["get"]["parameters"]
    segment = next(p for p in params if p["name"] == "segment")
    assert segment["schema"] == {"type": "string", "maxLength": 64}
    assert "'(none)'" in segment["description"]
