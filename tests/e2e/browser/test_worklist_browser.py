"""A collector and an auditor use the real pages in Debian's chromium."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import expect

if TYPE_CHECKING:
    from pathlib import Path

    from playwright.sync_api import Page

pytestmark = pytest.mark.browser


def _log_in(page: Page, base: str, username: str, password: str) -> None:
    page.goto(f"{base}/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def test_collector_sees_the_most_overdue_customer_first_and_its_invoices(
    browser_page: Page, live_server: str, passwords: dict[str, str], tmp_path: Path
) -> None:
    page = browser_page
    _log_in(page, live_server, "collector", passwords["collector"])

    expect(page).to_have_url(f"{live_server}/worklist")
    expect(page.get_by_role("heading", name="Worklist")).to_be_visible()
    accounts = page.locator("details.wl-account")
    expect(accounts.first).to_contain_text("Eastwind Corp")
    expect(accounts.first).to_contain_text("15,000.00 USD")
    invoices = page.get_by_role("table", name="Open invoices of Eastwind Corp")
    expect(invoices).to_be_hidden()

    accounts.first.locator("summary").click()

    expect(invoices).to_be_visible()
    expect(invoices.get_by_role("row", name=re.compile("INV-30"))).to_contain_text(
        "1,234,567.89 USD"
    )
    # Kept with the test run for a look at the page as a collector sees it.
    page.screenshot(path=str(tmp_path / "worklist.png"), full_page=True)


def test_collector_filters_the_worklist_by_currency(
    browser_page: Page, live_server: str, passwords: dict[str, str]
) -> None:
    page = browser_page
    _log_in(page, live_server, "collector", passwords["collector"])

    page.get_by_label("Currency").select_option("EUR")
    page.get_by_role("button", name="Apply filters").click()

    accounts = page.locator("details.wl-account")
    expect(accounts).to_have_count(2)
    expect(accounts.first).to_contain_text("Acme Industrial GmbH")


def test_auditor_sees_the_audit_page_and_verifies_the_chain(
    browser_page: Page, live_server: str, passwords: dict[str, str]
) -> None:
    page = browser_page
    _log_in(page, live_server, "auditor", passwords["auditor"])

    expect(page).to_have_url(f"{live_server}/audit")
    entries = page.get_by_role("table", name="Audit entries")
    expect(entries.get_by_role("row")).to_have_count(4)  # heading row + 3 entries
    expect(entries).to_contain_text("salesforce:customer:revert")

    page.get_by_role("button", name="Verify chain").click()

    expect(page.get_by_role("status")).to_have_text(re.compile("Chain OK: 3 entries"))


def test_auditor_is_refused_the_worklist(
    browser_page: Page, live_server: str, passwords: dict[str, str]
) -> None:
    page = browser_page
    _log_in(page, live_server, "auditor", passwords["auditor"])

    response = page.goto(f"{live_server}/worklist")

    assert response is not None
    assert response.status == 403
    expect(page.get_by_role("heading", name=re.compile("403"))).to_be_visible()
