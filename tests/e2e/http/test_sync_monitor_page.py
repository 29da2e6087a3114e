"""The /sync page: streams, the conflict queue and the outbox, with admin actions."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tests.e2e.http.write_support import counts, rows
from tests.e2e.sync_monitor_seed import MonitorSeed, seed_monitor

if TYPE_CHECKING:
    from collections.abc import Callable

    from flask.testing import FlaskClient

    from gateway.bootstrap import Services
    from tests.e2e.web_fixtures import LoginFn
    from tests.e2e.web_seed import Seed


@pytest.fixture
def monitor(services: Services, seed: Seed) -> MonitorSeed:
    return seed_monitor(services, seed)


@pytest.fixture
def admin(client: FlaskClient, login: LoginFn, monitor: MonitorSeed) -> FlaskClient:
    login("admin")
    return client


def test_the_page_shows_streams_conflicts_and_the_outbox(admin: FlaskClient) -> None:
    html = admin.get("/sync").get_data(as_text=True)

    assert 'aria-label="Streams"' in html
    assert "2026-01-15 11:00:00 · 812" in html
    assert "60 min" in html  # customers: one hour behind
    assert "2 d 2 h" in html  # invoices: two days and a bit
    assert 'aria-label="Open conflicts"' in html
    assert "2026-01-20" in html
    assert "2026-01-25" in html
    assert "drift:flag" in html
    assert "conflict:manual" in html
    assert 'data-testid="outbox-dead">dead: <strong>1</strong>' in html
    assert 'data-testid="outbox-retrying">retrying: <strong>1</strong>' in html
    assert "custbody_arb_dunning_level is not a valid field" in html
    assert 'aria-label="Sync runs"' in html


def test_an_admin_resolves_a_conflict_from_the_page(
    admin: FlaskClient,
    services: Services,
    monitor: MonitorSeed,
    form_token: Callable[[str], str],
) -> None:
    response = admin.post(
        f"/sync/conflicts/{monitor.promise_conflict}/resolve",
        data={"csrf_token": form_token("/sync"), "resolution": "take_remote"},
        follow_redirects=True,
    )

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert (
        f"Conflict {monitor.promise_conflict} resolved: took the remote value." in html
    )
    [entry] = rows(services, "SELECT actor, rule FROM audit_entries "
                   "WHERE tag = 'gateway:invoice:resolve'")  # fmt: skip
    assert tuple(entry) == ("admin", "resolve:take_remote")


def test_an_admin_retries_a_dead_outbox_row_from_the_page(
    admin: FlaskClient,
    services: Services,
    monitor: MonitorSeed,
    form_token: Callable[[str], str],
) -> None:
    response = admin.post(
        f"/sync/outbox/{monitor.dead_item}/retry",
        data={"csrf_token": form_token("/sync")},
        follow_redirects=True,
    )

    assert f"Outbox row {monitor.dead_item} queued to be sent again." in (
        response.get_data(as_text=True)
    )
    [item] = rows(services, "SELECT status FROM outbox WHERE id = :id",
                  id=monitor.dead_item)  # fmt: skip
    assert item.status == "pending"


def test_resolving_twice_shows_why_and_changes_nothing(
    admin: FlaskClient,
    services: Services,
    monitor: MonitorSeed,
    form_token: Callable[[str], str],
) -> None:
    url = f"/sync/conflicts/{monitor.email_conflict}/resolve"
    admin.post(url, data={"csrf_token": form_token("/sync"),
                          "resolution": "keep_mirror"})  # fmt: skip
    before = counts(services)

    again = admin.post(url, data={"csrf_token": form_token("/sync"),
                                  "resolution": "keep_mirror"}, follow_redirects=True)  # fmt: skip

    assert "already resolved by admin" in again.get_data(as_text=True)
    assert counts(services) == before


def test_a_form_post_without_the_csrf_token_changes_nothing(
    admin: FlaskClient, services: Services, monitor: MonitorSeed
) -> None:
    before = counts(services)

    response = admin.post(f"/sync/conflicts/{monitor.promise_conflict}/resolve",
                          data={"resolution": "take_remote"})  # fmt: skip

    assert response.status_code == 400
    assert counts(services) == before


def test_a_collector_is_refused_the_sync_monitor(
    client: FlaskClient,
    login: LoginFn,
    services: Services,
    monitor: MonitorSeed,
    form_token: Callable[[str], str],
) -> None:
    login("collector")
    before = counts(services)

    page = client.get("/sync")
    post = client.post(f"/sync/outbox/{monitor.dead_item}/discard",
                       data={"csrf_token": form_token("/worklist")})  # fmt: skip

    assert (page.status_code, post.status_code) == (403, 403)
    assert counts(services) == before
