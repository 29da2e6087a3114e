"""`arbridge worker --once` and `arbridge outbox list|retry|discard` as a user runs them."""

from __future__ import annotations

from decimal import Decimal

import pytest
import yaml
from click.testing import CliRunner

from adapters.netsuite.sandbox import NetSuiteSandbox
from gateway.bootstrap import build_services
from gateway.cli import cli
from gateway.settings import Settings
from tests.outbox_support import add_payment, set_invoice_fields
from tests.outbox_workload import _candidates


@pytest.fixture
def sandbox():
    box = NetSuiteSandbox(customers=8, invoices=60, seed=9)
    box.start()
    yield box
    box.close()


@pytest.fixture
def run(tmp_path, sandbox):
    connections = tmp_path / "connections.yaml"
    creds = sandbox.credentials
    body = {
        "kind": "netsuite",
        "account": sandbox.account,
        "consumer_key": creds.consumer_key,
        "consumer_secret": creds.consumer_secret,
        "token_id": creds.token_id,
        "token_secret": creds.token_secret,
        "base_url": sandbox.base_url,
        "retry_attempts": 1,
    }
    connections.write_text(yaml.safe_dump({"ns": body}))
    env = {
        "ARBRIDGE_DATABASE_URL": f"sqlite:///{tmp_path}/arbridge.db",
        "ARBRIDGE_CONNECTIONS": str(connections),
    }

    def invoke(*args: str):
        return CliRunner().invoke(cli, list(args), env=env, obj={})

    assert invoke("db", "upgrade").exit_code == 0
    assert invoke("sync", "ns").exit_code == 0
    invoke.services = build_services(Settings.from_env(env))
    yield invoke
    invoke.services.dispose()


def _queue(services, overpay: bool) -> int:
    """A status change and a payment (refused by NetSuite if ``overpay``)."""
    with services.uow() as uow:
        customer, rows = next(iter(_candidates(uow.session, "ns").items()))
        invoice, open_amount = rows[0]
        now = services.clock.now()
        set_invoice_fields(uow.session, "ns", invoice, now, dunning_level=3)
        amount = open_amount + 1 if overpay else Decimal("1.00")
        _, item_id = add_payment(
            uow.session, "ns", customer, [(invoice, amount)], key="k1", at=now
        )
        uow.commit()
    return item_id


def test_worker_once_posts_and_outbox_list_shows_the_rows_done(run, sandbox):
    _queue(run.services, overpay=False)
    result = run("worker", "--once", "--id", "cli")
    assert result.exit_code == 0, result.output
    assert "worker cli: 2 sent, 0 retrying, 0 waiting, 0 dead" in result.output
    [row] = sandbox.query(
        "SELECT count(*) AS n FROM \"transaction\" WHERE externalid = 'ns:payment:k1'"
    )
    assert row["n"] == 1
    listed = run("outbox", "list", "--status", "done")
    assert listed.exit_code == 0
    assert listed.output.count(" done ") == 2


def test_a_refused_payment_is_listed_dead_then_discarded(run):
    item_id = _queue(run.services, overpay=True)
    assert "1 dead" in run("worker", "--once").output
    dead = run("outbox", "list", "--status", "dead")
    assert f"{item_id:>7} dead" in dead.output
    assert "exceeds the amount due" in dead.output
    assert run("outbox", "discard", str(item_id)).exit_code == 0
    again = run("outbox", "retry", str(item_id))
    assert again.exit_code == 1
    assert f"outbox row {item_id} is discarded" in again.output
    assert "Traceback" not in again.output
