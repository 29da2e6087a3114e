"""A csv export synced into the mirror, a model trained from it, predictions served."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import pytest
from click.testing import CliRunner

from gateway.cli import cli
from gateway.prediction_benchmark import MAPPING, connection_body
from gateway.services.prediction import PredictionError, predictions, train_model
from gateway.services.sync import sync_connection
from gateway.settings import parse_connection
from tests.conftest import make_services
from tests.e2e.prediction.ibm_export import write_export
from tests.prediction_facts_support import synthetic_facts

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from gateway.bootstrap import Services

TODAY = date(2024, 3, 1)
CUTOFF = date(2023, 10, 1)
BAD_ROW = "391,C1,1/1/2023,BROKEN,2/1/2024"


@pytest.fixture
def export(tmp_path: Path) -> Path:
    return write_export(tmp_path / "ar.csv", synthetic_facts(), TODAY, [BAD_ROW])


@pytest.fixture
def services(export: Path, database_url: str, clock) -> Iterator[Services]:
    connection = parse_connection(
        "ar", connection_body(export, MAPPING), {}, source="test"
    )
    built = make_services(database_url, clock, connections={"ar": connection})
    yield built
    built.dispose()


def test_the_export_becomes_customers_invoices_and_payments(services) -> None:
    summary = sync_connection(services, "ar")
    facts = synthetic_facts()
    settled = [f for f in facts if f.settled_date and f.settled_date < TODAY]

    c = summary.counts
    assert c.created == 12 + len(facts) + len(settled)
    # The short row is refused by each stream that reads the file, with its line.
    assert c.rejected == 3
    assert summary.status == "succeeded"


def test_a_second_sync_of_an_unchanged_file_reads_nothing(services) -> None:
    sync_connection(services, "ar")

    again = sync_connection(services, "ar", full=False)

    assert again.counts.created == 0
    assert again.counts.updated == 0


def test_a_model_trained_from_the_mirror_predicts_the_open_invoices(services) -> None:
    sync_connection(services, "ar")

    report = train_model(services, CUTOFF)
    found = predictions(services, TODAY)

    assert report.version == "pm1-20231001-with_dispute-logistic"
    assert report.n_train > 100
    assert report.metrics["accuracy"] > report.metrics["baseline_on_time_accuracy"]
    assert found.model_version == report.version
    assert found.items
    for item in found.items:
        assert 0 <= item.p_late_30 <= item.p_late <= 1
        assert item.predicted_pay_date >= TODAY
        assert item.invoice.settled_date is None


def test_predictions_need_a_trained_model(services) -> None:
    with pytest.raises(PredictionError, match="arbridge model train"):
        predictions(services, TODAY)


def test_model_commands_print_the_figures_with_cutoff_and_sizes(
    export: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "cli.db"
    config = tmp_path / "connections.yaml"
    body = connection_body(export, MAPPING)
    config.write_text("ar:\n" + "".join(f"  {k}: '{v}'\n" for k, v in body.items()))
    monkeypatch.setenv("ARBRIDGE_CONNECTIONS", str(config))
    monkeypatch.setenv("ARBRIDGE_DATABASE_URL", f"sqlite:///{db}")
    runner = CliRunner()
    for args in (["db", "upgrade"], ["sync", "ar"]):
        assert runner.invoke(cli, args, obj={}).exit_code == 0

    trained = runner.invoke(cli, ["model", "train", "--cutoff", "2023-10-01"], obj={})
    evaluated = runner.invoke(
        cli,
        ["model", "evaluate", "--cutoff", "2023-10-01", "--estimator", "logistic"],
        obj={},
    )
    too_early = runner.invoke(cli, ["model", "train", "--cutoff", "2023-01-03"], obj={})

    assert trained.exit_code == 0, trained.output
    assert "model pm1-20231001-with_dispute-logistic stored" in trained.output
    assert "cutoff 2023-10-01" in evaluated.output
    for figure in ("train", "test", "accuracy", "AUC", "Brier", "MAE days"):
        assert figure in evaluated.output
    assert too_early.exit_code == 1
    assert "need at least 20 to train" in too_early.output
