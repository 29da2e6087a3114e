"""`arbridge demo` sets up a working mirror from the sandbox (what `make run` starts)."""

from __future__ import annotations

import sqlite3

from click.testing import CliRunner

from gateway.cli import cli


def test_demo_syncs_the_sandbox_into_a_fresh_sqlite_file_and_prints_logins(
    tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    env = {"ARBRIDGE_CONNECTIONS": str(tmp_path / "none.yaml")}
    args = ["demo", "--no-serve", "--sandbox-port", "0"]
    first = CliRunner().invoke(cli, args, env=env, obj={})
    assert first.exit_code == 0, first.output
    assert "collector / collector-demo-pw" in first.output
    assert "0 rejected" in first.output
    assert "on the worklist" in first.output
    assert "prediction model pm1-" in first.output, first.output
    db = sqlite3.connect(tmp_path / "var" / "demo.db")
    try:
        customers = db.execute("SELECT count(*) FROM customers").fetchone()[0]
        open_invoices = db.execute(
            "SELECT count(*) FROM invoices WHERE status = 'open'"
        ).fetchone()[0]
        predicted = db.execute(
            "SELECT count(*) FROM customer_scores WHERE components LIKE "
            "'%predicted to pay late with probability%'"
        ).fetchone()[0]
    finally:
        db.close()
    assert customers >= 200
    assert open_invoices > 100
    assert predicted > 100  # the model's p_late feeds the scores
    # A second demo starts fresh rather than failing on the previous files.
    again = CliRunner().invoke(cli, args, env=env, obj={})
    assert again.exit_code == 0, again.output
