"""`arbridge score` and `arbridge promises evaluate` on a synced sandbox mirror."""

from __future__ import annotations

import re

from sqlalchemy import create_engine, text

from tests.e2e.cli.test_cli import run, sandbox

__all__ = ["run", "sandbox"]


def test_score_stores_scores_and_priorities_as_of_a_day(run):
    assert run("sync", "ns").exit_code == 0

    result = run("score", "--as-of", "2026-06-30")

    assert result.exit_code == 0, result.output
    found = re.search(
        r"scored (\d+) customers as of 2026-06-30 \(default-1\+default-1\): (\d+) on the worklist",
        result.output,
    )
    assert found, result.output
    assert "(prediction model none: predicted lateness counts 0)" in result.output
    changed = re.search(
        r"(\d+) risk scores changed \(queued for the ERPs\)", result.output
    )
    assert changed, result.output
    engine = create_engine(f"sqlite:///{run.db}")
    with engine.connect() as conn:
        scores = conn.execute(text("SELECT count(*) FROM customer_scores")).scalar_one()
        listed = conn.execute(
            text("SELECT count(*) FROM customer_priorities")
        ).scalar_one()
        queued = conn.execute(
            text("SELECT count(*) FROM outbox WHERE object_type = 'customer'")
        ).scalar_one()
    engine.dispose()
    assert (scores, listed) == (int(found.group(1)), int(found.group(2)))
    assert queued == int(changed.group(1)) > 0
    assert listed > 0


def test_promises_evaluate_reports_what_it_judged(run):
    result = run("promises", "evaluate", "--as-of", "2026-06-30")

    assert result.exit_code == 0, result.output
    assert "judged 0 open promises as of 2026-06-30: none" in result.output


def test_bad_as_of_and_bad_rule_file_fail_in_one_line(run, tmp_path):
    bad_file = tmp_path / "scoring.yaml"
    bad_file.write_text("name: x\ncomponents: {overdue_shar: {weight: 1}}\n")

    bad_date = run("score", "--as-of", "yesterday")
    bad_rules = run("score", "--scoring", str(bad_file))

    assert bad_date.exit_code == 2
    assert "is not a date" in bad_date.output
    assert bad_rules.exit_code == 1
    assert f"{bad_file}: components.overdue_shar: unknown component" in bad_rules.output
    assert "Traceback" not in bad_rules.output
