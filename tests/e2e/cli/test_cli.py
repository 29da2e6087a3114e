"""The `arbridge` command as a user runs it: real sandbox, real SQLite file."""

from __future__ import annotations

import socket

import pytest
import yaml
from click.testing import CliRunner
from sqlalchemy import create_engine, text

from adapters.netsuite.sandbox import NetSuiteSandbox
from gateway.cli import cli


@pytest.fixture(scope="module")
def sandbox():
    box = NetSuiteSandbox(customers=10, invoices=60, seed=5)
    box.start()
    yield box
    box.stop()
    box.close()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _write_connections(path, sandbox, **overrides):
    creds = sandbox.credentials
    body = {
        "kind": "netsuite",
        "role": "erp",
        "account": sandbox.account,
        "consumer_key": creds.consumer_key,
        "consumer_secret": "${NS_CONSUMER_SECRET}",
        "token_id": creds.token_id,
        "token_secret": creds.token_secret,
        "base_url": sandbox.base_url,
        "retry_attempts": 2,
    }
    body.update(overrides)
    path.write_text(yaml.safe_dump({"ns": body}))


@pytest.fixture
def run(tmp_path, sandbox):
    db = tmp_path / "arbridge.db"
    connections = tmp_path / "connections.yaml"
    _write_connections(connections, sandbox)
    env = {
        "ARBRIDGE_DATABASE_URL": f"sqlite:///{db}",
        "ARBRIDGE_CONNECTIONS": str(connections),
        "NS_CONSUMER_SECRET": sandbox.credentials.consumer_secret,
    }

    def invoke(*args: str, input: str | None = None):
        result = CliRunner().invoke(cli, list(args), env=env, input=input, obj={})
        return result

    invoke.db = db
    invoke.connections = connections
    assert invoke("db", "upgrade").exit_code == 0
    return invoke


def test_sync_reports_counts_and_a_second_run_pulls_nothing_new(run):
    first = run("sync", "ns")
    assert first.exit_code == 0, first.output
    assert "succeeded" in first.output
    assert " 0 created" not in first.output
    second = run("sync", "ns")
    assert second.exit_code == 0
    assert " 0 created, 0 updated" in second.output


def test_audit_verify_passes_then_names_a_tampered_entry(run):
    assert run("sync", "ns").exit_code == 0
    ok = run("audit", "verify")
    assert ok.exit_code == 0
    assert "audit chain ok" in ok.output
    engine = create_engine(f"sqlite:///{run.db}")
    with engine.begin() as conn:
        conn.execute(text("UPDATE audit_entries SET new = 'forged' WHERE id = 7"))
    engine.dispose()
    broken = run("audit", "verify")
    assert broken.exit_code == 1
    assert "audit chain broken at entry 7" in broken.output
    assert "Traceback" not in broken.output


def test_bad_credentials_fail_in_one_line_without_the_secret(run, sandbox):
    _write_connections(run.connections, sandbox, token_secret="wrong-token-secret")
    result = run("sync", "ns")
    assert result.exit_code == 1
    assert "authentication failed" in result.output
    assert "INVALID_LOGIN" in result.output
    assert "wrong-token-secret" not in result.output
    assert "Traceback" not in result.output


def test_unreachable_host_fails_in_one_line(run, sandbox):
    _write_connections(
        run.connections, sandbox, base_url=f"http://127.0.0.1:{_free_port()}"
    )
    result = run("sync", "ns")
    assert result.exit_code == 1
    assert "remote system unavailable" in result.output
    assert len(result.output.strip().splitlines()) == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("sync", "nope"), "unknown connection 'nope'"),
        (
            ("user", "add", "ann", "--role", "collector", "--password-stdin"),
            "at least 8",
        ),
    ],
)
def test_user_errors_are_one_line(run, args, message):
    result = run(*args, input="short\n")
    assert result.exit_code == 1
    assert message in result.output
    assert "Traceback" not in result.output


def test_a_bad_connections_file_names_the_key(run, sandbox):
    _write_connections(run.connections, sandbox, page_size=5000)
    result = run("sync", "ns")
    assert result.exit_code == 1
    assert "ns.page_size: expected a whole number from 1 to 1000" in result.output


def test_user_and_token_creation(run):
    added = run(
        "user",
        "add",
        "ann",
        "--role",
        "collector",
        "--password-stdin",
        input="a-long-password\n",
    )
    assert added.exit_code == 0
    assert "user ann (collector) saved" in added.output
    token = run("token", "create", "portal", "--role", "admin")
    assert token.exit_code == 0
    assert token.output.startswith("arb_")
    engine = create_engine(f"sqlite:///{run.db}")
    with engine.connect() as conn:
        stored = conn.execute(text("SELECT token_hash FROM api_tokens")).scalar()
        password_hash = conn.execute(text("SELECT password_hash FROM users")).scalar()
    engine.dispose()
    assert token.output.strip() not in stored
    assert "a-long-password" not in password_hash
