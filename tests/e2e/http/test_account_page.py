"""The account page a collector opens from the worklist: why a customer is on it."""

from __future__ import annotations

import html
import re
from typing import TYPE_CHECKING

import pytest

from gateway.queries.priorities import latest_score
from gateway.services.prediction import predictions, train_model
from gateway.services.users import create_token
from gateway.store.models import Customer
from tests.e2e.account_seed import CUTOFF, seed_history, seed_promises
from tests.e2e.http.priorities_support import run_scoring
from tests.e2e.web_seed import TODAY

if TYPE_CHECKING:
    from flask.testing import FlaskClient

    from gateway.bootstrap import Services
    from tests.e2e.web_fixtures import LoginFn
    from tests.e2e.web_seed import Seed

NO_MODEL = (
    "No prediction model yet — run <code>arbridge model train --cutoff DATE</code>"
)


def _page(client: FlaskClient, customer_id: int) -> str:
    response = client.get(f"/accounts/{customer_id}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _row(page: str, item_id: int) -> str:
    start = page.index(f'data-item-id="{item_id}"')
    return page[start : page.index("</tr>", start)]


def _cells(row: str) -> list[str]:
    """The row's data cells (the update form's cell is not data)."""
    cells = re.findall(r'<td(?! class="row-actions")[^>]*>(.*?)</td>', row, re.S)
    return [c.strip() for c in cells]


def test_anonymous_visitor_is_sent_to_login(client: FlaskClient, seed: Seed) -> None:
    acme = seed.customers["acme"]

    response = client.get(f"/accounts/{acme}")

    assert response.status_code == 302
    assert response.headers["Location"] == f"/login?next=/accounts/{acme}"


def test_an_auditor_cannot_open_an_account(
    client: FlaskClient, login: LoginFn, seed: Seed
) -> None:
    login("auditor")

    response = client.get(f"/accounts/{seed.customers['acme']}")

    assert response.status_code == 403


def test_an_unknown_customer_is_a_404_page(collector: FlaskClient) -> None:
    response = collector.get("/accounts/987654")

    assert response.status_code == 404
    assert "There is no customer 987654" in response.get_data(as_text=True)


def test_each_worklist_row_links_its_customer_name_to_the_account(
    collector: FlaskClient, seed: Seed
) -> None:
    page = collector.get("/worklist").get_data(as_text=True)

    for key in ("acme", "borealis", "castor", "eastwind"):
        assert f'href="/accounts/{seed.customers[key]}"' in page


@pytest.mark.parametrize("user", ["collector", "admin"])
def test_worklist_users_see_details_connections_and_open_items_before_any_run(
    client: FlaskClient, login: LoginFn, seed: Seed, user: str
) -> None:
    login(user)

    page = _page(client, seed.customers["acme"])

    assert "<h1>Acme Industrial GmbH</h1>" in page
    for text in ("C-1001", "EUR", "Active", "15,500.00 EUR", "12,500.00 EUR"):
        assert text in page
    assert "netsuite <code>NS-C-1001</code>" in page
    assert "salesforce <code>001ACME</code>" in page
    assert "Not scored yet" in page
    assert NO_MODEL in page
    assert "<dt>Segment</dt><dd>—</dd>" in page  # the seed gives Acme none
    inv1 = _cells(_row(page, seed.invoices["acme-1"]))
    assert inv1[:6] == ["INV-1", "Invoice", "2025-10-02", "2025-11-01", "75", "12,500.00 EUR"]  # fmt: skip
    assert inv1[-4:] == ["—"] * 4  # no prediction without a model
    assert f'data-item-id="{seed.invoices["acme-3"]}"' not in page  # paid


def test_after_scoring_the_page_explains_the_score_and_the_priority(
    collector: FlaskClient, services: Services, seed: Seed
) -> None:
    run_scoring(services)
    acme = seed.customers["acme"]

    page = _page(collector, acme)

    stored = latest_score(services, acme)
    assert stored is not None
    assert f'data-testid="risk-total">{stored["total"]}<' in page
    assert "Score breakdown" in page
    for c in stored["components"]:
        name = c["name"].replace("_", " ")
        expected = f'<td>{name}</td><td class="num">{c["weight"]}</td>'
        assert expected in page
        assert html.escape(c["detail"], quote=False) in page
    assert "Priority 70" in page
    assert "oldest item 75 days overdue (&gt; 60) +30" in page
    assert "computed for 2026-01-15" in page
    assert "Not scored yet" not in page


def test_open_invoices_show_the_trained_models_predictions(
    collector: FlaskClient, services: Services, seed: Seed
) -> None:
    seed_history(services, seed)
    version = train_model(services, CUTOFF, estimator="logistic").version
    book = {int(p.invoice.key): p for p in predictions(services, TODAY).items}

    page = _page(collector, seed.customers["acme"])

    assert f"by model <code>{version}</code>" in page
    assert NO_MODEL not in page
    for key in ("acme-1", "acme-2"):
        expected = book[seed.invoices[key]]
        cells = _cells(_row(page, seed.invoices[key]))
        assert cells[-4:] == [
            f"{expected.p_late * 100:.0f} %",
            f"{expected.p_late_30 * 100:.0f} %",
            f"{expected.expected_days_to_pay:.0f}",
            expected.predicted_pay_date.isoformat(),
        ]
    # Acme's history is a late payer's: the model expects it late again.
    assert book[seed.invoices["acme-1"]].p_late > 0.5


def test_payment_behaviour_comes_from_the_customers_settled_invoices(
    collector: FlaskClient, services: Services, seed: Seed
) -> None:
    seed_history(services, seed)

    page = _page(collector, seed.customers["acme"])

    assert "<dt>Invoices settled</dt><dd>30</dd>" in page
    assert re.search(r"<dt>Average days to pay</dt><dd>\d+\.\d\d ", page)


def test_promises_kept_rate_and_the_latest_payments(
    collector: FlaskClient, services: Services, seed: Seed
) -> None:
    seed_history(services, seed)
    seed_promises(services, seed)

    page = _page(collector, seed.customers["acme"])

    assert "Kept rate: <strong>50 %</strong>" in page
    promises = page[page.index('aria-label="Promises to pay"') :]
    promises = promises[: promises.index("</table>")]
    states = re.findall(r"<td>(open|broken|kept)</td>", promises)
    assert states == ["open", "broken", "kept"]  # newest first
    assert "<td>INV-1</td>" in promises
    payments = page[page.index('aria-label="Latest payments"') :]
    dates = re.findall(r"<td[^>]*>(\d{4}-\d\d-\d\d)</td>", payments)
    assert len(dates) == 10
    assert dates == sorted(dates, reverse=True)


def test_a_credit_memo_counts_negative_and_gets_no_prediction(
    collector: FlaskClient, services: Services, seed: Seed
) -> None:
    seed_history(services, seed)
    train_model(services, CUTOFF, estimator="logistic")

    page = _page(collector, seed.customers["borealis"])

    memo = _cells(_row(page, seed.invoices["bor-cm"]))
    assert memo[:2] == ["CM-11", "Credit memo"]
    assert memo[5] == "-200.00 USD"
    assert memo[-4:] == ["—"] * 4
    assert "4,000.50 USD" in page  # open balance net of the credit
    assert _cells(_row(page, seed.invoices["bor-1"]))[-1] != "—"


def test_a_deleted_customer_still_opens_and_says_so(
    collector: FlaskClient, services: Services, seed: Seed
) -> None:
    with services.uow() as uow:
        row = uow.session.get(Customer, seed.customers["dormant"])
        assert row is not None
        row.deleted = True
        uow.commit()

    page = _page(collector, seed.customers["dormant"])

    assert "Deleted in the ERP" in page
    assert "No open invoices or credit memos." in page


def test_names_are_escaped(collector: FlaskClient, seed: Seed) -> None:
    page = _page(collector, seed.customers["castor"])

    assert "<h1>Castor &amp; Pollux SARL</h1>" in page


def test_customer_predictions_api_matches_the_account_page(
    client: FlaskClient, services: Services, seed: Seed
) -> None:
    headers = {"Authorization": f"Bearer {create_token(services, 'bi', 'auditor')}"}
    acme = seed.customers["acme"]
    missing = client.get(f"/api/v1/customers/{acme}/predictions", headers=headers)
    seed_history(services, seed)
    version = train_model(services, CUTOFF, estimator="logistic").version

    body = client.get(
        f"/api/v1/customers/{acme}/predictions?as_of=2026-01-15", headers=headers
    ).get_json()

    assert missing.status_code == 404
    assert "arbridge model train" in missing.get_json()["error"]["message"]
    assert (body["customer"], body["model_version"]) == (acme, version)
    assert [i["number"] for i in body["items"]] == ["INV-1", "INV-2"]
    assert {i["customer"] for i in body["items"]} == {acme}
    unknown = client.get("/api/v1/customers/987654/predictions", headers=headers)
    assert unknown.status_code == 404
