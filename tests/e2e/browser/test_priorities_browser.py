"""A collector works the prioritized worklist in Debian's chromium and logs a promise."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import expect

from gateway.services.scoring import load_config, score_all
from tests.e2e.web_seed import TODAY

if TYPE_CHECKING:
    from pathlib import Path

    from playwright.sync_api import Page

    from gateway.bootstrap import Services

pytestmark = pytest.mark.browser


def test_collector_sees_priorities_with_reasons_and_logs_a_promise(
    browser_page: Page,
    live_server: str,
    services: Services,
    passwords: dict[str, str],
    tmp_path: Path,
) -> None:
    score_all(services, load_config(), TODAY)
    page = browser_page
    page.goto(f"{live_server}/login")
    page.get_by_label("Username").fill("collector")
    page.get_by_label("Password").fill(passwords["collector"])
    page.get_by_role("button", name="Log in").click()

    expect(
        page.get_by_text("highest priority first, your groups first")
    ).to_be_visible()
    accounts = page.locator("details.wl-account")
    expect(accounts).to_have_count(3)
    # the collector's own group (USD) first, by priority; then the rest
    expect(accounts.nth(0)).to_contain_text("Eastwind Corp")
    expect(accounts.nth(0)).to_contain_text("Priority 25")
    expect(accounts.nth(1)).to_contain_text("Borealis Trading Ltd")
    acme = accounts.nth(2)
    expect(acme).to_contain_text("Priority 70")
    expect(acme).to_contain_text("oldest item 75 days overdue (> 60) +30")

    acme.locator("summary").click()
    form = page.get_by_role("form", name="Log promise for Acme Industrial GmbH")
    form.get_by_label("Promised amount (EUR)").fill("2500.00")
    form.get_by_label("Promised date").fill((TODAY + timedelta(days=7)).isoformat())
    form.get_by_label("INV-1", exact=True).check()
    form.get_by_role("button", name="Log promise").click()

    expect(page.get_by_role("status")).to_have_text("Promise to pay logged.")
    expect(page).to_have_url(re.compile(r"/worklist\?logged=\d+$"))
    page.screenshot(path=str(tmp_path / "priorities.png"), full_page=True)
