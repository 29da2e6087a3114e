"""The IBM accounts-receivable benchmark, run through the product itself.

The public sample file is synced through a ``csv`` connection (mapping
``docs/ibm-ar-mapping.yaml``) into a fresh SQLite mirror; payment prediction is then
trained and evaluated from that mirror at two cutoffs with the time-ordered split of
payment-prediction.md section 4.1, beside the reference baselines.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from gateway.bootstrap import build_services
from gateway.services.prediction import (
    ESTIMATORS,
    FEATURE_SETS,
    TrainingReport,
    evaluate_model,
)
from gateway.services.sync import sync_connection
from gateway.settings import Settings, parse_connection
from gateway.store.migrate import upgrade

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from gateway.bootstrap import Services

REPO = Path(__file__).resolve().parents[1]
DATA = REPO.parent / "shared" / "data" / "ar-ibm-sample" / "accounts_receivable.csv"
MAPPING = REPO / "docs" / "ibm-ar-mapping.yaml"
CUTOFFS = (date(2013, 7, 1), date(2013, 1, 1))

#: payment-prediction.md section 4 (time-ordered split, leak-free history).
REFERENCE = {
    "always on time": "accuracy 0.68-0.72",
    "issue_time": "accuracy 0.80-0.81, AUC 0.86-0.88",
    "with_dispute": "accuracy 0.855-0.867, AUC 0.92-0.94",
    "days to pay": "MAE 4.5-4.7 (gradient boosting + dispute), 6.2-6.6 (customer mean)",
}


@dataclass(frozen=True, slots=True)
class BenchmarkResult:
    synced: int
    rejected: int
    reports: tuple[TrainingReport, ...]


def connection_body(data: Path, mapping: Path) -> dict[str, object]:
    """The ``csv`` connection that reads the IBM file (docs/prediction.md)."""
    return {
        "kind": "csv",
        "role": "erp",
        "path": str(data),
        "mapping": str(mapping),
        "customers_key": "customerID",
        "invoices_key": "invoiceNumber",
        "payments_key": "invoiceNumber",
        "payments_require": "SettledDate",
        "payments_invoice_column": "invoiceNumber",
        "payments_amount_column": "InvoiceAmount",
    }


def sync_sample(database: Path, data: Path, mapping: Path) -> Services:
    """Sync the sample file into a fresh SQLite mirror at ``database``."""
    connection = parse_connection(
        "ibm", connection_body(data, mapping), {}, source="ibm benchmark"
    )
    settings = Settings(
        database_url=f"sqlite:///{database}", connections={"ibm": connection}
    )
    services = build_services(settings)
    upgrade(services.engine)
    return services


def run(
    database: Path,
    *,
    data: Path = DATA,
    mapping: Path = MAPPING,
    cutoffs: Sequence[date] = CUTOFFS,
    estimators: Sequence[str] = tuple(ESTIMATORS),
    echo: Callable[[str], None] | None = None,
) -> BenchmarkResult:
    """Sync the file, then evaluate every feature set and estimator at each cutoff."""
    services = sync_sample(database, data, mapping)
    try:
        summary = sync_connection(services, "ibm", full=True)
        if echo:
            echo(
                f"synced {summary.counts.read} records, {summary.counts.rejected} rejected"
            )
        reports = []
        for cutoff in cutoffs:
            for feature_set in FEATURE_SETS:
                for estimator in estimators:
                    report = evaluate_model(services, cutoff, feature_set, estimator)
                    reports.append(report)
                    if echo:
                        echo(format_report(report))
        return BenchmarkResult(
            summary.counts.read, summary.counts.rejected, tuple(reports)
        )
    finally:
        services.dispose()


def format_report(report: TrainingReport) -> str:
    """One line of figures: cutoff, sizes, accuracy, AUC, Brier, MAE and baselines."""
    m = report.metrics

    def num(key: str) -> str:
        value = m.get(key)
        return "n/a" if value is None else f"{value:.3f}"

    return (
        f"cutoff {report.cutoff} {report.feature_set:<12} {m.get('estimator', ''):<8} "
        f"train {report.n_train:>5} test {report.n_test:>5} | "
        f"accuracy {num('accuracy')} AUC {num('auc')} Brier {num('brier')} "
        f"MAE days {num('mae_days_to_pay')} | always-on-time "
        f"{num('baseline_on_time_accuracy')} customer-mean MAE "
        f"{num('baseline_customer_mean_mae')}"
    )
