"""The IBM benchmark pipeline on a slice of the public file, through the product.

The file is a shared benchmark asset outside the repository (no licence to ship it):
../shared/data/ar-ibm-sample/ relative to the repo root. Not timed.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import pytest

from gateway.prediction_benchmark import DATA, run

if TYPE_CHECKING:
    from pathlib import Path

CUSTOMERS = 40  # of 100: about 1,000 invoices


def _slice(target: Path) -> Path:
    lines = DATA.read_text(encoding="utf-8").splitlines()
    customers = sorted({line.split(",")[1] for line in lines[1:]})[:CUSTOMERS]
    kept = [line for line in lines[1:] if line.split(",")[1] in customers]
    target.write_text("\n".join([lines[0], *kept]) + "\n", encoding="utf-8")
    return target


@pytest.mark.skipif(not DATA.exists(), reason=f"the IBM sample is not at {DATA}")
def test_models_beat_always_on_time_on_the_held_out_invoices(tmp_path: Path) -> None:
    data = _slice(tmp_path / "slice.csv")

    result = run(
        tmp_path / "ibm.db",
        data=data,
        cutoffs=(date(2013, 7, 1),),
        estimators=("boosting",),
    )

    assert result.rejected == 0
    assert len(result.reports) == 2  # issue_time and with_dispute
    for report in result.reports:
        m = report.metrics
        assert report.n_test > 100
        assert m["accuracy"] > m["baseline_on_time_accuracy"], report
        assert m["mae_days_to_pay"] < m["baseline_customer_mean_mae"] + 1, report
