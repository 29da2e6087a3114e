"""A collector goes from the worklist to a customer's account in Debian's chromium."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import expect

from gateway.services.prediction import train_model
from gateway.services.scoring import load_config, score_all
from tests.e2e.account_seed import CUTOFF, seed_history
from tests.e2e.web_seed import TODAY

if TYPE_CHECKING:
    from pathlib import Path

    from playwright.sync_api import Page

    from gateway.bootstrap import Services
    from tests.e2e.web_seed import Seed

pytestmark = pytest.mark.browser


def test_collector_opens_an_account_and_sees_why_and_when_it_will_pay(
    browser_page: Page,
    live_server: str,
    services: Services,
    seed: Seed,
    passwords: dict[str, str],
    tmp_path: Path,
) -> None:
    seed_history(services, seed)
    version = train_model(services, CUTOFF, estimator="logistic").version
    score_all(services, load_config(), TODAY)
    page = browser_page
    page.goto(f"{live_server}/login")
    page.get_by_label("Username").fill("collector")
    page.get_by_label("Password").fill(passwords["collector"])
    page.get_by_role("button", name="Log in").click()

    page.get_by_role("link", name="Acme Industrial GmbH").click()

    expect(page).to_have_url(f"{live_server}/accounts/{seed.customers['acme']}")
    expect(page.get_by_role("heading", name="Acme Industrial GmbH")).to_be_visible()
    breakdown = page.get_by_role("table", name="Score breakdown")
    expect(breakdown.get_by_role("row", name=re.compile("days beyond terms"))).to_contain_text(
        "days beyond terms, amount-weighted"
    )  # fmt: skip
    expect(page.get_by_test_id("priority")).to_contain_text("Priority")
    expect(page.get_by_role("list", name="Reasons")).to_contain_text(
        "oldest item 75 days overdue (> 60) +30"
    )
    expect(page.get_by_test_id("model")).to_contain_text(version or "")
    inv1 = page.get_by_role("table", name="Open items").get_by_role(
        "row", name=re.compile("INV-1")
    )
    expect(inv1).to_contain_text(re.compile(r"\d+ %"))
    expect(inv1).to_contain_text("12,500.00 EUR")
    page.screenshot(path=str(tmp_path / "account.png"), full_page=True)


def test_collector_marks_an_invoice_disputed_on_the_account_and_sees_it_after_saving(
    browser_page: Page,
    live_server: str,
    seed: Seed,
    passwords: dict[str, str],
    tmp_path: Path,
) -> None:
    page = browser_page
    page.goto(f"{live_server}/login")
    page.get_by_label("Username").fill("collector")
    page.get_by_label("Password").fill(passwords["collector"])
    page.get_by_role("button", name="Log in").click()
    account = f"{live_server}/accounts/{seed.customers['acme']}"
    page.goto(account)
    row = page.locator(f'tr[data-item-id="{seed.invoices["acme-1"]}"]')
    form = row.get_by_role("form", name="Update INV-1")
    expect(form).to_be_hidden()

    row.get_by_text("Update").click()
    form.get_by_label("Collection status").select_option("disputed")
    form.get_by_label("In dispute").check()
    form.get_by_role("button", name="Save").click()

    expect(page).to_have_url(account)
    expect(page.get_by_role("status")).to_have_text(
        "INV-1: collection status → disputed; in dispute → yes"
    )
    expect(row.get_by_test_id("collection-status")).to_have_text("disputed")
    expect(row.get_by_test_id("dispute")).to_have_text("In dispute")
    expect(form).to_be_hidden()
    page.screenshot(path=str(tmp_path / "account-updated.png"), full_page=True)
