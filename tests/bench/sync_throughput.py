"""Benchmark: records/s through map + ownership + upsert + audit, and peak memory.

    python -m tests.bench.sync_throughput            # SQLite and (if configured) PostgreSQL
    python -m tests.bench.sync_throughput --one sqlite 100000   # one measurement (child)

Each measurement runs in a child process so that its peak RSS is its own; running the
same database at two sizes shows whether memory stays flat in the number of records.
The source is a synthetic adapter that makes NetSuite-shaped raw records page by page
(nothing is held beyond a page), so the figure is the gateway's cost, not the network's.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import ClassVar

from adapters.base import Cursor, Page, RawRecord, StreamSpec
from gateway.bootstrap import build_services
from gateway.clock import SystemClock
from gateway.services.sync import sync_connection
from gateway.settings import Settings, parse_connection
from gateway.store.migrate import upgrade

CUSTOMERS = 1000
BASE = datetime(2025, 1, 1, tzinfo=UTC)
PER_SECOND = 50  # records sharing one modification second, as bulk imports produce
CURRENCIES = ("USD", "EUR", "GBP", "CAD")


# Precomputed so that making a page costs little: the figure is the gateway's cost.
_DAYS = [(BASE.date() + timedelta(days=d)) for d in range(800)]
_ISO = [d.isoformat() for d in _DAYS]


def _stamp(index: int) -> str:
    return (BASE + timedelta(seconds=index // PER_SECOND)).strftime("%Y-%m-%d %H:%M:%S")


def _index_at(watermark: str) -> int:
    """The first index whose modification time is ``watermark`` (or later)."""
    moment = datetime.strptime(watermark, "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC)
    return max(1, int((moment - BASE).total_seconds()) * PER_SECOND)


def _customer(i: int) -> RawRecord:
    return {
        "id": str(i),
        "entityid": f"C{i:06d}",
        "companyname": f"Customer {i}",
        "currency": CURRENCIES[i % 4],
        "creditlimit": "50000.00",
        "subsidiary": "Parent Co",
        "terms": "Net 30",
        "isinactive": "F",
        "lastmodifieddate": _stamp(i),
        "links": [],
    }


def _invoice(i: int, stamp: str) -> RawRecord:
    day = i % 700
    amount = f"{100 + (i * 37) % 9900}.{i % 100:02d}"
    customer = 1 + i % CUSTOMERS
    return {
        "id": str(i),
        "tranid": f"INV{i:07d}",
        "type": "CustInvc",
        "status": "A" if i % 3 else "B",
        "entity": str(customer),
        "trandate": _ISO[day],
        "duedate": _ISO[day + 30],
        "currency": CURRENCIES[customer % 4],
        "foreigntotal": amount,
        "foreignamountunpaid": amount if i % 3 else "0.00",
        "subsidiary": "Parent Co",
        "memo": f"order {i}",
        "custbody_arb_in_dispute": "F",
        "lastmodifieddate": stamp,
        "links": [],
    }


class SyntheticAdapter:
    """Makes each page on demand from the cursor: ids 1..n in (modified, id) order.

    ``read_seconds`` adds up the time spent making pages (the remote's share; the sync
    reads ahead in a second thread, so it overlaps the writes).
    """

    kind: ClassVar[str] = "netsuite"

    def __init__(self, invoices: int) -> None:
        self.sizes = {"customers": CUSTOMERS, "invoices": invoices}
        self.makers = {
            "customers": _customer,
            "invoices": lambda i: _invoice(i, _stamp(i)),
        }
        self.read_seconds = 0.0

    def streams(self) -> Sequence[StreamSpec]:
        return (StreamSpec("customers", "customer"), StreamSpec("invoices", "invoice"))

    def read(self, stream: str, cursor: Cursor | None, *, page_size: int) -> Page:
        began = time.perf_counter()
        try:
            return self._page(stream, cursor, page_size)
        finally:
            self.read_seconds += time.perf_counter() - began

    def _page(self, stream: str, cursor: Cursor | None, page_size: int) -> Page:
        start = 1
        if cursor and cursor.tiebreak:
            start = int(cursor.tiebreak) + 1
        elif cursor and cursor.watermark:  # the overlap window's inclusive start
            start = _index_at(cursor.watermark)
        end = min(start + page_size, self.sizes[stream] + 1)
        if stream == "invoices":
            stamps = {
                i: _stamp(i) for i in range(start - start % PER_SECOND, end, PER_SECOND)
            }
            records = tuple(
                _invoice(i, stamps[i - i % PER_SECOND]) for i in range(start, end)
            )
        else:
            records = tuple(self.makers[stream](i) for i in range(start, end))
        if not records:
            return Page((), cursor or Cursor(), has_more=False)
        last = records[-1]
        return Page(
            records,
            Cursor(str(last["lastmodifieddate"]), str(last["id"])),
            has_more=end <= self.sizes[stream],
        )

    def lookup(self, stream: str, external_id: str) -> RawRecord | None:
        return self.makers[stream](int(external_id))


def measure(url: str, invoices: int) -> dict[str, float]:
    connection = parse_connection(
        "netsuite",
        {
            "kind": "netsuite",
            "role": "erp",
            "account": "BENCH",
            "consumer_key": "k",
            "consumer_secret": "s",
            "token_id": "t",
            "token_secret": "s",
            "page_size": 1000,
        },
        {},
        source="bench",
    )
    services = build_services(
        Settings(database_url=url, connections={"netsuite": connection}),
        clock=SystemClock(),
    )
    upgrade(services.engine)
    adapter = SyntheticAdapter(invoices)
    services.set_adapter("netsuite", adapter)
    sync_connection(services, "netsuite", streams=("customers",))
    adapter.read_seconds = 0.0
    started = time.perf_counter()
    summary = sync_connection(services, "netsuite", streams=("invoices",))
    elapsed = time.perf_counter() - started
    if summary.counts.created != invoices:
        raise RuntimeError(f"expected {invoices} created, got {summary.counts}")
    rerun_started = time.perf_counter()
    sync_connection(services, "netsuite", streams=("invoices",), full=True)
    rerun = time.perf_counter() - rerun_started
    services.dispose()
    return {
        "records": invoices,
        "seconds": round(elapsed, 2),
        "records_per_s": round(invoices / elapsed),
        "source_seconds": round(adapter.read_seconds, 2),
        "replay_records_per_s": round(invoices / rerun),
        "peak_rss_mb": round(
            resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1
        ),
    }


def _child(kind: str, invoices: int) -> None:
    if kind == "sqlite":
        with tempfile.TemporaryDirectory() as folder:
            print(json.dumps(measure(f"sqlite:///{folder}/bench.db", invoices)))  # noqa: T201
        return
    from sqlalchemy import create_engine, text

    base = os.environ["ARBRIDGE_TEST_PG_URL"]
    name = f"arbridge_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        url = admin.url.set(database=name).render_as_string(hide_password=False)
        print(json.dumps(measure(url, invoices)))  # noqa: T201
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--one", nargs=2, metavar=("DB", "N"))
    parser.add_argument("--sizes", default="20000,100000")
    args = parser.parse_args(argv)
    if args.one:
        _child(args.one[0], int(args.one[1]))
        return
    kinds = ["sqlite"] + (
        ["postgres"] if os.environ.get("ARBRIDGE_TEST_PG_URL") else []
    )
    for kind in kinds:
        for size in args.sizes.split(","):
            out = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "tests.bench.sync_throughput",
                    "--one",
                    kind,
                    size,
                ],
                check=True,
                capture_output=True,
                text=True,
            )
            print(f"{kind:9} {out.stdout.strip()}")  # noqa: T201


if __name__ == "__main__":
    main()
