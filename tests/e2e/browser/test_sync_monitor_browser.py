"""An admin resolves a conflict on the sync monitor page in Debian's chromium."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import expect
from sqlalchemy import text

from tests.e2e.sync_monitor_seed import seed_monitor

if TYPE_CHECKING:
    from pathlib import Path

    from playwright.sync_api import Page

    from gateway.bootstrap import Services
    from tests.e2e.web_seed import Seed

pytestmark = pytest.mark.browser


def test_admin_takes_the_remote_value_of_a_flagged_promise_date(
    browser_page: Page,
    live_server: str,
    passwords: dict[str, str],
    services: Services,
    seed: Seed,
    tmp_path: Path,
) -> None:
    monitor = seed_monitor(services, seed)
    page = browser_page
    page.goto(f"{live_server}/login?next=/sync")
    page.get_by_label("Username").fill("admin")
    page.get_by_label("Password").fill(passwords["admin"])
    page.get_by_role("button", name="Log in").click()

    expect(page.get_by_role("heading", name="Sync monitor")).to_be_visible()
    expect(page.get_by_role("table", name="Streams")).to_contain_text("customers")
    conflicts = page.get_by_role("table", name="Open conflicts")
    row = conflicts.get_by_role("row", name=re.compile("promise_date"))
    expect(row).to_contain_text("2026-01-20")
    expect(row).to_contain_text("2026-01-25")
    expect(row).to_contain_text("drift:flag")

    row.get_by_role("button", name="Take remote value").click()

    expect(page.get_by_role("status")).to_have_text(
        f"Conflict {monitor.promise_conflict} resolved: took the remote value."
    )
    expect(conflicts.get_by_role("row", name=re.compile("promise_date"))).to_have_count(
        0
    )
    expect(conflicts).to_contain_text("billing@acme.example")  # the other one stays
    page.screenshot(path=str(tmp_path / "sync-monitor.png"), full_page=True)
    with services.read_uow() as uow:
        entry = uow.session.execute(
            text("SELECT actor, old, new FROM audit_entries "
                 "WHERE tag = 'gateway:invoice:resolve'")
        ).one()  # fmt: skip
        promise = uow.session.execute(
            text("SELECT promise_date FROM invoices WHERE id = :id"),
            {"id": seed.invoices["acme-1"]},
        ).scalar_one()
    assert tuple(entry) == ("admin", "2026-01-20", "2026-01-25")
    assert str(promise) == "2026-01-25"
