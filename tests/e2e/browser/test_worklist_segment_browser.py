"""A collector narrows the worklist to one customer segment in Debian's chromium."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import expect
from sqlalchemy import update

from gateway.store.models import Customer

if TYPE_CHECKING:
    from playwright.sync_api import Page

    from gateway.bootstrap import Services
    from tests.e2e.web_seed import Seed

pytestmark = pytest.mark.browser


def test_collector_filters_the_worklist_by_segment_next_to_currency(
    browser_page: Page,
    live_server: str,
    services: Services,
    seed: Seed,
    passwords: dict[str, str],
) -> None:
    with services.uow() as uow:
        for key in ("acme", "eastwind"):
            uow.session.execute(
                update(Customer)
                .where(Customer.id == seed.customers[key])
                .values(segment="Enterprise")
            )
        uow.commit()
    page = browser_page
    page.goto(f"{live_server}/login")
    page.get_by_label("Username").fill("collector")
    page.get_by_label("Password").fill(passwords["collector"])
    page.get_by_role("button", name="Log in").click()
    accounts = page.locator("details.wl-account")
    expect(accounts).to_have_count(4)

    page.get_by_label("Segment").select_option("Enterprise")
    page.get_by_role("button", name="Apply filters").click()

    expect(page).to_have_url(re.compile(r"segment=Enterprise"))
    expect(accounts).to_have_count(2)
    expect(accounts.nth(0)).to_contain_text("Eastwind Corp")
    expect(accounts.nth(1)).to_contain_text("Acme Industrial GmbH")
    expect(page.get_by_label("Segment")).to_have_value("Enterprise")

    page.get_by_label("Segment").select_option(label="(no segment)")
    page.get_by_role("button", name="Apply filters").click()

    expect(accounts).to_have_count(2)
    expect(accounts.nth(0)).to_contain_text("Borealis Trading Ltd")
    expect(accounts.nth(1)).to_contain_text("Castor & Pollux SARL")
