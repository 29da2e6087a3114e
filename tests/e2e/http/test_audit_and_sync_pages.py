"""The audit page (entries, filters, chain verification) and the sync runs page."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import text

if TYPE_CHECKING:
    from collections.abc import Callable

    from flask.testing import FlaskClient

    from gateway.bootstrap import Services
    from tests.e2e.web_fixtures import LoginFn
    from tests.e2e.web_seed import Seed

ENTRY_IDS = re.compile(r'<td class="num">(\d+)</td>\s*<td class="nowrap">')


@pytest.fixture
def auditor(client: FlaskClient, login: LoginFn) -> FlaskClient:
    login("auditor")
    return client


def _verify(client: FlaskClient, form_token: Callable[[str], str]) -> str:
    token = form_token("/audit")
    response = client.post("/audit/verify", data={"csrf_token": token})
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_audit_page_lists_entries_newest_first(
    auditor: FlaskClient, seed: Seed
) -> None:
    html = auditor.get("/audit").get_data(as_text=True)

    assert [int(i) for i in ENTRY_IDS.findall(html)] == seed.audit_ids[::-1]
    assert "salesforce:customer:revert" in html
    assert "50000.00" in html
    assert "90000.00" in html
    assert "erp_owns_credit_limit" in html


def test_audit_page_filters_by_field(auditor: FlaskClient, seed: Seed) -> None:
    html = auditor.get("/audit?field=due_date").get_data(as_text=True)

    assert [int(i) for i in ENTRY_IDS.findall(html)] == [seed.audit_ids[1]]


def test_audit_page_filters_by_connection_and_run(
    auditor: FlaskClient, seed: Seed
) -> None:
    query = f"/audit?connection=salesforce&run_id={seed.run_ids[0]}"
    html = auditor.get(query).get_data(as_text=True)

    assert [int(i) for i in ENTRY_IDS.findall(html)] == [seed.audit_ids[2]]


def test_audit_page_pages_older_entries_by_id(auditor: FlaskClient, seed: Seed) -> None:
    html = auditor.get(f"/audit?before_id={seed.audit_ids[1]}").get_data(as_text=True)

    assert [int(i) for i in ENTRY_IDS.findall(html)] == [seed.audit_ids[0]]


def test_verify_button_reports_an_intact_chain(
    auditor: FlaskClient, form_token: Callable[[str], str]
) -> None:
    html = _verify(auditor, form_token)

    assert "Chain OK: 3 entries verified." in html


def test_verify_button_names_the_first_tampered_entry(
    auditor: FlaskClient,
    form_token: Callable[[str], str],
    services: Services,
    seed: Seed,
) -> None:
    tampered = seed.audit_ids[1]
    with services.engine.begin() as connection:
        connection.execute(
            text("UPDATE audit_entries SET new = 'x' WHERE id = :id"), {"id": tampered}
        )

    html = _verify(auditor, form_token)

    assert f"Chain broken at entry {tampered}:" in html
    assert "altered" in html


def test_verify_requires_the_csrf_token(auditor: FlaskClient) -> None:
    assert auditor.post("/audit/verify").status_code == 400


def test_sync_page_shows_runs_newest_first_with_the_error(
    client: FlaskClient, login: LoginFn, seed: Seed
) -> None:
    login("admin")
    html = client.get("/sync").get_data(as_text=True)

    failed, succeeded = html.index("AuthError: token expired"), html.index("succeeded")
    assert failed < succeeded
    assert ">42<" in html  # records read
