"""Write invoice facts as an IBM-style AR export (the columns docs/ibm-ar-mapping.yaml reads)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence
    from datetime import date
    from pathlib import Path

    from rules.prediction import InvoiceFacts

HEADER = (
    "countryCode,customerID,PaperlessDate,invoiceNumber,InvoiceDate,DueDate,"
    "InvoiceAmount,Disputed,SettledDate,PaperlessBill,DaysToSettle,DaysLate"
)


def _us(day: date | None) -> str:
    return "" if day is None else f"{day.month}/{day.day}/{day.year}"


def export_line(f: InvoiceFacts, settled: date | None) -> str:
    to_settle = "" if settled is None else str((settled - f.issue_date).days)
    late = "" if settled is None else str(max((settled - f.due_date).days, 0))
    channel = "Electronic" if f.channel == "electronic" else "Paper"
    return ",".join(
        [
            "391",
            f.customer,
            "1/1/2023",
            f.key,
            _us(f.issue_date),
            _us(f.due_date),
            str(f.amount),
            "Yes" if f.disputed else "No",
            _us(settled),
            channel,
            to_settle,
            late,
        ]
    )


def write_export(
    path: Path, facts: Sequence[InvoiceFacts], today: date, extra: Sequence[str] = ()
) -> Path:
    """The export as of ``today``: settlements on or after it are not in it yet."""
    lines = [HEADER]
    for f in facts:
        settled = f.settled_date if f.settled_date and f.settled_date < today else None
        lines.append(export_line(f, settled))
    lines.extend(extra)
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    return path


def synced_csv_mirror(folder, database_url: str, clock, today):
    """Services over a fresh database holding the synthetic export, synced once."""
    from gateway.prediction_benchmark import MAPPING, connection_body
    from gateway.services.sync import sync_connection
    from gateway.settings import parse_connection
    from tests.conftest import make_services
    from tests.prediction_facts_support import synthetic_facts

    export = write_export(folder / "ar.csv", synthetic_facts(), today)
    connection = parse_connection(
        "ar", connection_body(export, MAPPING), {}, source="test"
    )
    built = make_services(database_url, clock, connections={"ar": connection})
    sync_connection(built, "ar")
    return built
