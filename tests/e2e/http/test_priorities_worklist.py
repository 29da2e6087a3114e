"""The worklist page in strategy-priority order, with reasons, and the promise form."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import TYPE_CHECKING

import pytest

from tests.e2e.http.priorities_support import counts, last_audit, run_scoring
from tests.e2e.web_seed import TODAY

if TYPE_CHECKING:
    from collections.abc import Callable

    from flask.testing import FlaskClient

    from gateway.bootstrap import Services
    from tests.e2e.web_fixtures import LoginFn
    from tests.e2e.web_seed import Seed

ROW_IDS = re.compile(r'data-customer-id="(\d+)"')


def _html(client: FlaskClient, query: str = "") -> str:
    response = client.get(f"/worklist{query}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _order(html: str) -> list[int]:
    return [int(found) for found in ROW_IDS.findall(html)]


def _section(html: str, customer_id: int) -> str:
    start = html.index(f'data-customer-id="{customer_id}"')
    return html[start : html.index("</details>", start)]


@pytest.mark.parametrize("user", ["admin", "collector"])
def test_before_any_scoring_run_the_page_says_so_and_orders_by_overdue(
    client: FlaskClient, login: LoginFn, seed: Seed, user: str
) -> None:
    login(user)

    html = _html(client)

    c = seed.customers
    assert "No priorities have been computed yet" in html
    assert _order(html) == [c["eastwind"], c["acme"], c["borealis"], c["castor"]]


def test_admin_sees_every_group_by_priority_and_nothing_unactionable(
    client: FlaskClient, login: LoginFn, services: Services, seed: Seed
) -> None:
    run_scoring(services)
    login("admin")

    html = _html(client)

    c = seed.customers
    assert "No priorities have been computed yet" not in html
    assert "highest priority first" in html
    assert _order(html) == [c["acme"], c["eastwind"], c["borealis"]]  # castor: not due


def test_collector_sees_own_groups_first_each_row_with_priority_and_reasons(
    client: FlaskClient, login: LoginFn, services: Services, seed: Seed
) -> None:
    run_scoring(services)
    login("collector")

    html = _html(client)

    c = seed.customers
    assert _order(html) == [c["eastwind"], c["borealis"], c["acme"]]
    acme = _section(html, c["acme"])
    assert "Priority 70" in acme
    assert "oldest item 75 days overdue (&gt; 60) +30" in acme
    assert "12500.00 EUR overdue (&gt; 10000) +20" in acme


def test_filters_still_apply_to_the_prioritized_list(
    client: FlaskClient, login: LoginFn, services: Services, seed: Seed
) -> None:
    run_scoring(services)
    login("admin")

    assert _order(_html(client, "?currency=EUR")) == [seed.customers["acme"]]
    assert _order(_html(client, "?q=borealis")) == [seed.customers["borealis"]]


def test_logging_a_promise_from_the_row_stores_and_audits_it(
    client: FlaskClient,
    login: LoginFn,
    services: Services,
    seed: Seed,
    form_token: Callable[[str], str],
) -> None:
    run_scoring(services)
    login("collector")
    acme = seed.customers["acme"]
    form = {
        "csrf_token": form_token("/worklist"),
        "customer": str(acme),
        "currency": "EUR",
        "amount": "2500.00",
        "date": (TODAY + timedelta(days=5)).isoformat(),
        "tolerance_days": "2",
        "invoices": [str(seed.invoices["acme-1"]), str(seed.invoices["acme-2"])],
    }

    response = client.post("/worklist/promises", data=form)

    assert response.status_code == 302
    assert "Promise to pay logged" in _html(client, f"?logged={acme}")
    entry = last_audit(services)
    assert (entry.tag, entry.actor) == ("gateway:promise:create", "collector")
    assert '"tolerance_days": 2' in entry.new


def test_a_bad_promise_form_says_why_and_writes_nothing(
    client: FlaskClient,
    login: LoginFn,
    services: Services,
    seed: Seed,
    form_token: Callable[[str], str],
) -> None:
    login("collector")
    before = counts(services)
    form = {
        "csrf_token": form_token("/worklist"),
        "customer": str(seed.customers["acme"]),
        "currency": "EUR",
        "amount": "lots",
        "date": TODAY.isoformat(),
    }

    response = client.post("/worklist/promises", data=form)

    assert response.status_code == 400
    assert "Promise not logged: amount" in response.get_data(as_text=True)
    assert counts(services) == before


def test_the_promise_form_needs_the_csrf_token(
    client: FlaskClient, login: LoginFn, services: Services, seed: Seed
) -> None:
    login("collector")
    before = counts(services)

    response = client.post(
        "/worklist/promises",
        data={
            "customer": str(seed.customers["acme"]),
            "amount": "1",
            "currency": "EUR",
        },
    )

    assert response.status_code == 400
    assert counts(services) == before
