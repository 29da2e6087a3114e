"""Collectors act from the account page: update an invoice's collection fields, log a
promise to pay. Both go through the same use cases as the API and come back here."""

from __future__ import annotations

import html
import json
import re
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from sqlalchemy import select, text

from gateway.app import create_app
from gateway.store.models import Promise
from tests.e2e.http.write_support import counts, erp_services, rows
from tests.e2e.web_fixtures import CSRF_INPUT
from tests.e2e.web_seed import PASSWORDS

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from flask.testing import FlaskClient

    from gateway.bootstrap import Services
    from gateway.clock import FixedClock
    from tests.e2e.web_fixtures import LoginFn
    from tests.e2e.web_seed import Seed

INVOICE_ROW = ("SELECT collection_status, in_dispute, dunning_level, promise_date, "
               "updated_at FROM invoices WHERE id = :id")  # fmt: skip
EDITS = ("SELECT field, old, new, actor, rule FROM audit_entries "
         "WHERE tag = 'gateway:invoice:edit' ORDER BY id")  # fmt: skip
HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)">')
INVOICE_STATUS = text("UPDATE invoices SET collection_status = :s WHERE id = :id")
DEFAULT_RULES = Path(__file__).resolve().parents[3] / "rules/defaults/ownership.yaml"


@pytest.fixture
def services(
    tmp_path: Path, clock: FixedClock, template_db: tuple[Path, Seed]
) -> Iterator[Services]:
    # NetSuite is configured as the seeded invoices' ERP, so edits are written back.
    yield from erp_services(tmp_path, clock, template_db)


def _page(client: FlaskClient, customer: int) -> str:
    response = client.get(f"/accounts/{customer}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _update_form(page: str, customer: int, invoice: int) -> dict[str, str]:
    """What the invoice's update form posts when nothing is touched."""
    start = page.index(f'action="/accounts/{customer}/invoices/{invoice}"')
    form = page[start : page.index("</form>", start)]
    data = dict(HIDDEN.findall(form))
    for name in ("collection_status", "dunning_level", "promise_date"):
        data[name] = html.unescape(data[f"shown_{name}"])
    if data["shown_in_dispute"] == "yes":
        data["in_dispute"] = "yes"
    return data


def _submit(
    client: FlaskClient, customer: int, invoice: int, **changes: Any
) -> tuple[Any, dict[str, str]]:
    """Open the account, change fields of the form as a collector would, save."""
    data = _update_form(_page(client, customer), customer, invoice)
    for name, value in changes.items():
        if name == "in_dispute":
            data.pop(name, None)
            if value:
                data[name] = "yes"
        else:
            data[name] = value
    response = client.post(f"/accounts/{customer}/invoices/{invoice}", data=data)
    return response, data


def _cell(page: str, invoice: int, testid: str) -> str:
    row = page[page.index(f'data-item-id="{invoice}"') :]
    row = row[: row.index("</tr>")]
    found = re.search(rf'<td data-testid="{testid}">(.*?)</td>', row, re.S)
    assert found, f"no {testid} cell in the row of invoice {invoice}"
    return found.group(1).strip()


def _text(response: Any) -> str:
    return html.unescape(response.get_data(as_text=True))


def test_a_collector_sets_status_and_dispute_audited_and_queued_once_for_the_erp(
    collector: FlaskClient, services: Services, seed: Seed
) -> None:
    acme, invoice = seed.customers["acme"], seed.invoices["acme-1"]
    before = counts(services)
    assert "sync pending" not in _page(collector, acme)

    response, _ = _submit(
        collector, acme, invoice, collection_status="promised", in_dispute=True
    )

    assert response.status_code == 302
    assert response.headers["Location"] == f"/accounts/{acme}"
    status, disputed, *_ = rows(services, INVOICE_ROW, id=invoice)[0]
    assert (status, disputed) == ("promised", True)
    assert [tuple(r) for r in rows(services, EDITS)] == [
        ("collection_status", "reminder_sent", "promised", "collector", "owner:gateway"),
        ("in_dispute", None, "true", "collector", "owner:gateway"),
    ]  # fmt: skip
    after = counts(services)
    assert after["audit_entries"] == before["audit_entries"] + 2
    assert after["outbox"] == before["outbox"] + 1
    [item] = rows(services, "SELECT connection, operation, local_id, external_id, "
                  "status, fields FROM outbox")  # fmt: skip
    assert tuple(item[:5]) == ("netsuite", "update", invoice, "NS-INV-1", "pending")
    assert json.loads(item.fields) == ["collection_status", "in_dispute"]
    page = _text(collector.get(response.headers["Location"]))
    assert "INV-1: collection status → promised; in dispute → yes" in page
    assert _cell(page, invoice, "dispute") == "In dispute"
    assert _cell(page, invoice, "collection-status").startswith("promised")
    assert "sync pending" in _cell(page, invoice, "collection-status")
    assert page.count('data-testid="sync-pending"') == 1  # INV-2 has no write-back


def test_a_second_edit_before_the_worker_runs_joins_the_pending_write(
    collector: FlaskClient, services: Services, seed: Seed
) -> None:
    acme, invoice = seed.customers["acme"], seed.invoices["acme-1"]
    _submit(collector, acme, invoice, in_dispute=True)

    response, _ = _submit(collector, acme, invoice, dunning_level="3")

    assert response.status_code == 302
    items = rows(services, "SELECT status, fields FROM outbox WHERE local_id = :id",
                 id=invoice)  # fmt: skip
    assert [(i.status, json.loads(i.fields)) for i in items] == [
        ("pending", ["dunning_level", "in_dispute"])
    ]
    page = _text(collector.get(f"/accounts/{acme}"))
    assert "INV-1: dunning level → 3" in page


def test_posting_the_same_values_again_changes_nothing(
    collector: FlaskClient, services: Services, seed: Seed
) -> None:
    acme, invoice = seed.customers["acme"], seed.invoices["acme-1"]
    _, data = _submit(
        collector, acme, invoice, collection_status="promised", in_dispute=True
    )
    collector.get(f"/accounts/{acme}")  # the first message is shown and gone
    before, row = counts(services), rows(services, INVOICE_ROW, id=invoice)

    # The same post again (its form showed the old values, so both fields are sent),
    # then the fresh form saved untouched (nothing is sent).
    again = collector.post(f"/accounts/{acme}/invoices/{invoice}", data=data)
    again_page = _text(collector.get(f"/accounts/{acme}"))
    untouched, _ = _submit(collector, acme, invoice)
    untouched_page = _text(collector.get(f"/accounts/{acme}"))

    assert again.status_code == untouched.status_code == 302
    assert "INV-1: nothing changed" in again_page
    assert "INV-1: nothing changed" in untouched_page
    assert counts(services) == before
    assert rows(services, INVOICE_ROW, id=invoice) == row


def test_an_untouched_form_does_not_turn_an_unknown_dispute_flag_into_no(
    collector: FlaskClient, services: Services, seed: Seed
) -> None:
    invoice = seed.invoices["acme-2"]  # in_dispute is NULL in the mirror
    before = counts(services)

    response, _ = _submit(collector, seed.customers["acme"], invoice)

    assert response.status_code == 302
    assert counts(services) == before
    assert rows(services, INVOICE_ROW, id=invoice)[0][1] is None


BAD: list[tuple[str, dict[str, Any], str]] = [
    ("dunning level too high", {"dunning_level": "10"},
     "dunning level must be from 0 to 9, not 10"),
    ("dunning level negative", {"dunning_level": "-1"},
     "dunning level must be from 0 to 9, not -1"),
    ("dunning level not a number", {"dunning_level": "two"},
     "dunning level must be a whole number from 0 to 9, not 'two'"),
    ("status outside the closed set", {"collection_status": "paid"},
     "collection status must be one of none, reminded, promised, disputed, "
     "escalated, legal, not 'paid'"),
    ("promise date not a date", {"promise_date": "2026-13-01"},
     "promise date '2026-13-01' is not a valid date"),
    ("promise date in another format", {"promise_date": "01/02/2026"},
     "promise date must be an ISO date like 2026-01-31, not '01/02/2026'"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("changes", "message"), [pytest.param(c, m, id=n) for n, c, m in BAD]
)
def test_a_bad_value_is_refused_naming_invoice_and_field_and_nothing_is_written(
    collector: FlaskClient,
    services: Services,
    seed: Seed,
    changes: dict[str, Any],
    message: str,
) -> None:
    invoice = seed.invoices["acme-1"]
    before, row = counts(services), rows(services, INVOICE_ROW, id=invoice)

    # A good change in the same form is not written either.
    response, _ = _submit(
        collector, seed.customers["acme"], invoice, in_dispute=True, **changes
    )

    assert response.status_code == 400
    page = _text(response)
    assert f"INV-1 not updated: {message}" in page
    assert "<h1>Acme Industrial GmbH</h1>" in page
    assert '<details class="row-edit" open>' in page  # the refused form stays open
    form = page[page.index('<details class="row-edit" open>') :]
    assert 'name="in_dispute" value="yes" checked' in form[: form.index("</form>")]
    assert counts(services) == before
    assert rows(services, INVOICE_ROW, id=invoice) == row


def test_a_post_without_the_csrf_token_is_refused(
    collector: FlaskClient, services: Services, seed: Seed
) -> None:
    acme, invoice = seed.customers["acme"], seed.invoices["acme-1"]
    data = _update_form(_page(collector, acme), acme, invoice)
    del data["csrf_token"]
    before = counts(services)

    response = collector.post(
        f"/accounts/{acme}/invoices/{invoice}",
        data={**data, "collection_status": "legal"},
    )

    assert response.status_code == 400
    assert "The form has expired" in response.get_data(as_text=True)
    assert counts(services) == before


@pytest.mark.parametrize("path", ["invoices/{invoice}", "promises"])
def test_an_auditor_may_not_post_to_an_account(
    client: FlaskClient,
    login: LoginFn,
    form_token: Callable[[str], str],
    services: Services,
    seed: Seed,
    path: str,
) -> None:
    login("auditor")
    acme = seed.customers["acme"]
    target = path.format(invoice=seed.invoices["acme-1"])
    before = counts(services)

    response = client.post(
        f"/accounts/{acme}/{target}",
        data={"csrf_token": form_token("/audit"), "collection_status": "legal",
              "amount": "10.00", "currency": "EUR", "date": "2026-02-01"},
    )  # fmt: skip

    assert response.status_code == 403
    assert counts(services) == before


@pytest.mark.parametrize(
    ("customer", "invoice"),
    [
        pytest.param("borealis", "acme-1", id="another customer's invoice"),
        pytest.param("borealis", "bor-cm", id="a credit memo"),
        pytest.param("acme", "acme-3", id="a paid invoice"),
    ],
)
def test_only_open_invoices_of_the_account_can_be_updated_there(
    collector: FlaskClient, services: Services, seed: Seed, customer: str, invoice: str
) -> None:
    token = CSRF_INPUT.search(_page(collector, seed.customers["acme"]))
    assert token
    before = counts(services)

    response = collector.post(
        f"/accounts/{seed.customers[customer]}/invoices/{seed.invoices[invoice]}",
        data={"csrf_token": token.group(1), "collection_status": "legal"},
    )

    assert response.status_code == 404
    assert counts(services) == before


def test_credit_memos_have_no_update_form(collector: FlaskClient, seed: Seed) -> None:
    borealis = seed.customers["borealis"]

    page = _page(collector, borealis)

    assert f'action="/accounts/{borealis}/invoices/{seed.invoices["bor-1"]}"' in page
    assert f'/invoices/{seed.invoices["bor-cm"]}"' not in page


def test_mirror_values_in_the_form_are_escaped(
    collector: FlaskClient, services: Services, seed: Seed
) -> None:
    # A status from the ERP that is not one of ours shows as the current choice.
    with services.uow() as uow:
        uow.session.execute(
            INVOICE_STATUS, {"id": seed.invoices["acme-2"], "s": '<b>"x"</b>'}
        )
        uow.commit()

    page = _page(collector, seed.customers["acme"])

    assert "<b>" not in page
    assert "&lt;b&gt;&#34;x&#34;&lt;/b&gt; (current)</option>" in page


def test_a_promise_logged_on_the_account_lands_and_comes_back_here(
    collector: FlaskClient, services: Services, seed: Seed
) -> None:
    acme = seed.customers["acme"]
    token = CSRF_INPUT.search(_page(collector, acme))
    assert token
    before = counts(services)

    response = collector.post(
        f"/accounts/{acme}/promises",
        data={"csrf_token": token.group(1), "customer": seed.customers["castor"],
              "amount": "1250.00", "currency": "EUR", "date": "2026-02-01",
              "tolerance_days": "5", "invoices": [seed.invoices["acme-1"]],
              "next": "https://evil.example/phish"},
    )  # fmt: skip

    # The customer is the account's, whatever the form says; the way back is fixed.
    assert response.status_code == 302
    assert response.headers["Location"] == f"/accounts/{acme}"
    with services.read_uow() as uow:
        [promise] = uow.session.scalars(select(Promise)).all()
    assert (promise.customer_id, promise.amount, promise.promised_date) == (
        acme, Decimal("1250.00"), date(2026, 2, 1))  # fmt: skip
    assert (promise.tolerance_days, promise.created_by) == (5, "collector")
    linked = rows(services, "SELECT invoice_id FROM promise_invoices "
                  "WHERE promise_id = :id", id=promise.id)  # fmt: skip
    assert [r[0] for r in linked] == [seed.invoices["acme-1"]]
    assert counts(services)["audit_entries"] == before["audit_entries"] + 1
    page = _text(collector.get(response.headers["Location"]))
    assert "Promise to pay logged: 1,250.00 EUR by 2026-02-01." in page
    table = page[page.index('aria-label="Promises to pay"') :]
    assert "<td>INV-1</td>" in table[: table.index("</table>")]


def test_a_bad_promise_shows_the_account_again_with_the_reason(
    collector: FlaskClient, services: Services, seed: Seed
) -> None:
    acme = seed.customers["acme"]
    token = CSRF_INPUT.search(_page(collector, acme))
    assert token
    before = counts(services)

    response = collector.post(
        f"/accounts/{acme}/promises",
        data={"csrf_token": token.group(1), "amount": "12.345", "currency": "EUR",
              "date": "2026-02-01"},
    )  # fmt: skip

    assert response.status_code == 400
    page = _text(response)
    assert "Promise not logged: amount must be positive with at most 2 decimals" in page
    assert '<details class="promise-disclosure" open>' in page
    assert 'value="12.345"' in page  # what the collector typed is kept
    assert counts(services) == before
    assert rows(services, "SELECT count(*) FROM promises")[0][0] == 0


# --- an admin gave dunning levels to the ERP ----------------------------------------


@pytest.fixture
def erp_owned(
    tmp_path: Path, clock: FixedClock, template_db: tuple[Path, Seed]
) -> Iterator[tuple[FlaskClient, Services]]:
    rules = DEFAULT_RULES.read_text(encoding="utf-8").replace(
        "dunning_level: {owner: gateway,", "dunning_level: {owner: erp,"
    )
    path = tmp_path / "ownership.yaml"
    path.write_text(rules, encoding="utf-8")
    for container in erp_services(tmp_path, clock, template_db, ownership_path=path):
        client = create_app(container).test_client()
        token = CSRF_INPUT.search(client.get("/login").get_data(as_text=True))
        assert token
        client.post("/login", data={"username": "collector", "csrf_token": token.group(1),
                                    "password": PASSWORDS["collector"]})  # fmt: skip
        yield client, container


def test_a_field_owned_by_the_erp_is_refused_with_its_owner_as_the_api_does(
    erp_owned: tuple[FlaskClient, Services], seed: Seed
) -> None:
    client, services = erp_owned
    invoice = seed.invoices["acme-1"]
    before, row = counts(services), rows(services, INVOICE_ROW, id=invoice)

    response, _ = _submit(
        client, seed.customers["acme"], invoice, dunning_level="2", in_dispute=True
    )

    assert response.status_code == 409
    assert "INV-1 not updated: dunning_level is owned by erp" in _text(response)
    assert counts(services) == before
    assert rows(services, INVOICE_ROW, id=invoice) == row
